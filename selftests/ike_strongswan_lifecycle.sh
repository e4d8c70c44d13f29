#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# strongSwan and s2svpn through the events of a gateway's life (ike_lib.sh
# topology): swanctl --terminate; charon stopped cleanly, killed with
# SIGKILL, restarted; the tunnel deleted while its SAs live and created
# again; the module removed and loaded again while charon runs.  After
# each: vpn0's SAs are exactly A's xfrm states for if_id 42 (none left
# behind, none missing), no crash, and traffic flows again once the daemon
# has (re-)established the CHILD_SA.

# shellcheck disable=SC2016,SC2317,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"
. "$(dirname "$0")/ike_lib.sh"

ike_require
s2s_require_s2sctl
s2s_require_module
esp_dmesg_mark

esp_do "two sites, s2svpn on A, XFRM interface on B, two charons" \
	ike_setup "start_action = none" "start_action = none" || { ike_logs; s2s_exit; }

# "DIR:SPI" of vpn0's SAs and of A's xfrm states, sorted.  An outbound
# state that a newer one replaced stays with xfrm until the daemon deletes
# it, while vpn0 lists the outbound SA it sends with: inbound SAs must be
# the same, vpn0's outbound SA one of the outbound states, the newest.
s2s_spis() {
	s2sctl -j -n "$a" sa show vpn0 2>/dev/null |
		jq -r '[.[] | "\(.dir):\(.spi)"] | sort | join(" ")'
}
xfrm_spis() {
	ip -n "$a" xfrm state list |
		awk -v local=$ESP_OUT4_A '/^src / { dir = ($2 == local) ? "out" : "in" }
			/proto esp spi/ { print dir, $4 }' |
		while read -r d s; do echo "$d:$((s))"; done | sort | tr '\n' ' ' | sed 's/ $//'
}
mirrored() {
	local s x
	s=$(s2s_spis)
	x=$(xfrm_spis)
	[ "$(tr ' ' '\n' <<<"$s" | grep '^in:')" = "$(tr ' ' '\n' <<<"$x" | grep '^in:')" ] &&
	[ -z "$(tr ' ' '\n' <<<"$s" | grep '^out:' | grep -v -x -F "$(tr ' ' '\n' <<<"$x")")" ] &&
	{ [[ $s == *out:* ]] || [[ $x != *out:* ]]; }
}
# check_mirror DESCRIPTION: vpn0's SAs become A's xfrm states
check_mirror() {
	s2s_wait 10 mirrored
	s2s_result $? "$1" "s2svpn: $(s2s_spis)"$'\n'"xfrm:   $(xfrm_spis)"
}
up() {
	ike_initiate && s2s_wait 10 ike_has_sas && esp_ping "$a" $ESP_LAN4_B 2
}

s2s_check "A initiates, ping crosses" up || { ike_logs; s2s_exit; }
check_mirror "vpn0's SAs are A's xfrm states"

s2s_check "swanctl --terminate --ike cloud" ike_swanctl a --terminate --ike cloud
check_mirror "terminated: the SAs are gone with the states"
s2s_check_eq "terminated: vpn0 has no SA" "$(s2s_spis)" ""
s2s_check "re-initiated, ping crosses" up

s2s_check "charon on A stopped cleanly" ike_stop a
check_mirror "stopped: the SAs are gone with the states"
s2s_check_eq "stopped: vpn0 has no SA" "$(s2s_spis)" ""
s2s_check "charon on A restarted" ike_start a "$a"
s2s_check "re-initiated, ping crosses" up

s2s_check "charon on A killed (SIGKILL)" ike_stop a KILL
s2s_check "its states stay in xfrm, and s2svpn still carries them" \
	esp_ping "$a" $ESP_LAN4_B 2
check_mirror "killed: vpn0's SAs are still A's xfrm states"
s2s_check "charon on A restarted" ike_start a "$a"
s2s_check "re-initiated, ping crosses" up
check_mirror "vpn0's SAs follow A's xfrm states (stale ones included)"
s2s_check "the stale states flushed" ip -n "$a" xfrm state flush
check_mirror "flushed: vpn0 lets them go too"
s2s_check_eq "flushed: vpn0 has no SA" "$(s2s_spis)" ""
s2s_check "the IKE_SA whose states were flushed terminated" \
	ike_swanctl a --terminate --ike cloud
s2s_check "re-initiated, ping crosses" up

s2s_check "tunnel deleted while its SAs live" s2sctl -n "$a" tunnel del vpn0
recreate() {
	s2sctl -n "$a" tunnel add vpn0 local $ESP_OUT4_A remote $ESP_OUT4_B \
		if-id $IKE_IFID &&
	ip -n "$a" -batch - <<-EOF
	link set vpn0 up
	route add $ESP_NET4_B dev vpn0 src $ESP_LAN4_A
	EOF
}
s2s_check "tunnel created again with the if-id" recreate
s2s_wait 10 ike_has_sas
check_mirror "the live states taken over"
s2s_wait 15 esp_ping "$a" $ESP_LAN4_B 1
s2s_result $? "ping crosses on the taken-over SAs" "$(ike_logs)"

s2s_check "module removed while charon runs and SAs exist" rmmod s2svpn
s2s_check "module loaded again" s2s_load_module
s2s_check "tunnel created again" recreate
s2s_wait 10 ike_has_sas
check_mirror "the live states taken over"
s2s_wait 15 esp_ping "$a" $ESP_LAN4_B 1
s2s_result $? "ping crosses again" "$(ike_logs)"

esp_check_dmesg "no kernel warning"
s2s_exit
