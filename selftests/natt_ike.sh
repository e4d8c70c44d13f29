#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# NAT traversal under IKE: strongSwan negotiates NAT-T (RFC 3948) through a
# real masquerading router (natt_lib.sh: site A behind N, site B public)
# and installs its SAs with UDP encapsulation through XFRM; s2svpn carries
# them by if-id, ESP in UDP both ways, without a socket of its own (charon
# owns port 4500).  Two roles, both initiated by A:
#
#   natt_ike.sh (role cgw): the customer gateway A runs charon + an s2svpn
#   tunnel with "if-id 42" behind the NAT; the cloud side B runs charon
#   with a native XFRM interface.
#   natt_ike_mapping.sh (role public): s2svpn on the public side B, the
#   native XFRM interface behind the NAT on A, so that s2svpn sees the
#   NAT mapping change.
#
# Both: A's SA pair is mirrored with the state's ports; ping and iperf3
# cross both ways; the NATed segment carries only UDP 500/4500; s2svpn's
# counters rise and its xfrm states count exactly what s2svpn fed back.
# Then a port-changing masquerade and a conntrack flush: traffic recovers,
# and the new mapping reaches charon (B's outbound xfrm state moves to the
# NAT's new port); in role public, s2svpn learnt it first (nat-mapping
# event) and reported it to charon (km_new_mapping), and it still carries
# the states charon moved.

# shellcheck disable=SC2016,SC2317,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"
. "$(dirname "$0")/natt_lib.sh"
. "$(dirname "$0")/ike_lib.sh"

ROLE=${NATT_IKE_ROLE:-cgw}
ike_require
s2s_require_cmd nft conntrack
s2s_require_s2sctl
s2s_require_module
esp_dmesg_mark

# natt_ike_setup: namespaces, NAT, charons, s2svpn on $S, xfrm0 on $X.
natt_ike_setup() {
	ike_preload
	IKE_TMP=$(mktemp -d /tmp/ike.XXXXXX)
	s2s_defer rm -rf "$IKE_TMP"
	natt_topology || return 1
	s2s_defer ike_stop b
	s2s_defer ike_stop a
	ike_conf a $NATT_A $NATT_B "" &&
	ike_conf b $NATT_B $NATT_A "" || return 1
	# B answers whatever address the NAT gives A
	sed -i "s/remote_addrs = $NATT_A/remote_addrs = %any/" \
		"$(ike_dir b)/swanctl/swanctl.conf"
	# no IKE message during the test (DPD after 10 s without traffic on a
	# loaded host): the first packet through a new NAT mapping is ESP
	sed -i "s/dpd_delay = 10s/dpd_delay = 300s/" \
		"$(ike_dir a)/swanctl/swanctl.conf" "$(ike_dir b)/swanctl/swanctl.conf"
	if [ "$ROLE" = cgw ]; then
		S=$a X=$b S_LOCAL=$NATT_A S_REMOTE=$NATT_B
		S_NET=$ESP_NET4_B S_SRC=$ESP_LAN4_A X_NET=$ESP_NET4_A X_SRC=$ESP_LAN4_B
		X_LAN=$ESP_LAN4_B
	else
		S=$b X=$a S_LOCAL=$NATT_B S_REMOTE=$NATT_N_OUT
		S_NET=$ESP_NET4_A S_SRC=$ESP_LAN4_B X_NET=$ESP_NET4_B X_SRC=$ESP_LAN4_A
		X_LAN=$ESP_LAN4_A
	fi
	s2sctl -n "$S" tunnel add vpn0 local $S_LOCAL remote $S_REMOTE \
		if-id $IKE_IFID || return 1
	ip -n "$S" -batch - <<-EOF || return 1
	link set vpn0 up
	route add $S_NET dev vpn0 src $S_SRC
	EOF
	ip -n "$X" -batch - <<-EOF || return 1
	link add xfrm0 type xfrm dev ul if_id $IKE_IFID
	link set xfrm0 up
	route add $X_NET dev xfrm0 src $X_SRC
	EOF
	ike_start a "$a" && ike_start b "$b"
}

# vpn0 on $S has an inbound and an outbound SA
natt_ike_has_sas() {
	local n
	n=$(ike_sa_count "$S")
	[ "${n% *}" -ge 1 ] 2>/dev/null && [ "${n#* }" = 1 ]
}

# "sport dport" of the outbound xfrm state in NS (from LOCAL)
natt_ike_out_ports() {
	ip -n "$1" xfrm state list |
		awk -v local="$2" '/^src / { out = ($2 == local) }
			out && /encap type espinudp/ { print $5, $7; exit }'
}

# the outbound xfrm state on B goes to one of the NAT's new ports
natt_ike_b_moved() {
	local p
	p=$(natt_ike_out_ports "$b" $NATT_B)
	p=${p#* }
	[ "${p:-0}" -ge 20000 ] && [ "$p" -le 20100 ]
}

# one ping from A's LAN to B's: after the NAT forgot its mapping, only A
# can make a new one
natt_ike_ping_a() {
	if [ "$ROLE" = cgw ]; then
		esp_ping "$S" $X_LAN 1
	else
		esp_ping "$X" $S_SRC 1
	fi
}

esp_do "A behind a NAT, charons on both sites, s2svpn on $ROLE side" \
	natt_ike_setup || { ike_logs; s2s_exit; }
esp_do "iperf3 server on the native site" esp_iperf_server "$X" || s2s_exit

natt_capture_start wire "$a" ul "" || s2s_exit
s2s_check "A initiates: IKE_SA and CHILD_SA up through the NAT" ike_initiate ||
	{ ike_logs; s2s_exit; }
s2s_wait 10 natt_ike_has_sas
s2s_result $? "vpn0 holds the SA pair charon installed with UDP encapsulation" \
	"$(ike_sa_count "$S"; ip -n "$S" xfrm state; ike_logs)"
s2s_check_eq "charon negotiated ESP in UDP, 4500 -> 4500" \
	"$(natt_ike_out_ports "$S" $S_LOCAL)" "4500 4500"

before=$(esp_json "$S")
s2s_check "ping across the tunnel, s2svpn side first" esp_ping "$S" $X_LAN 3
s2s_check "ping across the tunnel, native side first" esp_ping "$X" $S_SRC 3
esp_check_iperf "iperf3 from the s2svpn side" "$S" $X_LAN -n 256K
esp_check_iperf "iperf3 to the s2svpn side" "$S" $X_LAN -n 256K -R
after=$(esp_json "$S")
esp_check_grew "s2svpn sent the traffic" "$(esp_json_stat "$before" tx_packets)" \
	"$(esp_json_stat "$after" tx_packets)" 50
esp_check_grew "s2svpn received the traffic" "$(esp_json_stat "$before" rx_packets)" \
	"$(esp_json_stat "$after" rx_packets)" 50

udp=$(natt_capture_count wire "udp port 4500")
other=$(natt_capture_count wire "ip and not (udp port 500 or udp port 4500)")
esp_check_ge "the NATed segment carried UDP/4500" "$udp" 100
s2s_check_eq "and nothing but UDP 500/4500 (no ESP over IP)" "$other" 0

# what was fed back: xfrm's counters of $S's states = s2svpn's SA counters
counts_match() {
	local s2s xfrm
	s2s=$(s2sctl -j -n "$S" sa show vpn0 | jq -r '.[] |
		if .dir == "out" then "out \(.spi) \(.stats.tx_bytes) \(.stats.tx_packets)"
		else "in \(.spi) \(.stats.rx_bytes) \(.stats.rx_packets)" end' | sort)
	xfrm=$(ip -n "$S" -s xfrm state list |
		awk -v local=$S_LOCAL '
		/^src / { dir = ($2 == local) ? "out" : "in" }
		/proto esp spi/ { spi = $4 }
		/lifetime current:/ { getline; gsub(/\(bytes\),|\(packets\)/, "");
				      print dir, spi, $1, $2 }' |
		while read -r d s n p; do s=${s%%(*}; echo "$d $((s)) $n $p"; done | sort)
	COUNTS="s2svpn: $(tr '\n' ';' <<<"$s2s") xfrm: $(tr '\n' ';' <<<"$xfrm")"
	[ -n "$s2s" ] && [ "$s2s" = "$xfrm" ]
}
s2s_wait 5 counts_match
s2s_result $? "the xfrm states count what s2svpn carried" "$COUNTS"

# --- the NAT forgets the mapping and picks another port ---------------------

events=$(mktemp /tmp/natt-ike-ev.XXXXXX)
s2s_defer rm -f "$events"
s2sctl -j -n "$S" monitor >"$events" 2>&1 &
monitor=$!
s2s_defer natt_kill "$monitor"
s2s_check "port-changing masquerade, conntrack flushed" \
	eval 'natt_nat 20000-20100 && natt_flush'
s2s_wait 30 natt_ike_ping_a
s2s_result $? "traffic recovers after the mapping change" "$(ike_logs)"
s2s_wait 20 natt_ike_b_moved
s2s_result $? "charon on B learnt the new mapping (its outbound state moved)" \
	"$(natt_ike_out_ports "$b" $NATT_B; ike_logs)"
if [ "$ROLE" = public ]; then
	s2s_wait 5 grep -qE '"nat-mapping".*"port":20[01][0-9]{2}\}' "$events"
	s2s_result $? "s2svpn reported the new mapping (nat-mapping event)" \
		"$(cat "$events"; esp_json "$S"; grep -i 'mapping\|changed\|updat\|host' "$(ike_dir b)/charon.log" | tail -20)"
	s2s_check "charon on B heard it from the kernel (XFRM_MSG_MAPPING)" \
		grep -q "received a XFRM_MSG_MAPPING" "$(ike_dir b)/charon.log"
	s2s_wait 10 natt_ike_has_sas
	s2s_result $? "vpn0 carries the states charon moved" \
		"$(ike_sa_count "$S"; ip -n "$S" xfrm state)"
fi
before=$(esp_json "$S")
s2s_check "ping across the tunnel after the change, s2svpn side first" \
	esp_ping "$S" $X_LAN 3
esp_check_iperf "iperf3 to the s2svpn side after the change" "$S" $X_LAN -n 128K -R
after=$(esp_json "$S")
esp_check_grew "s2svpn carried it" "$(esp_json_stat "$before" rx_packets)" \
	"$(esp_json_stat "$after" rx_packets)" 20
s2s_log "s2svpn's tunnel: $(esp_stats_line "$after")"
s2s_check_eq "no xfrm error counter moved on the s2svpn side" \
	"$(ip netns exec "$S" awk '$2 != 0' /proc/net/xfrm_stat)" ""

esp_check_dmesg "no kernel warning"
s2s_exit
