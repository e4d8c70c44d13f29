#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Hostile input on an s2svpn tunnel.  espmangle (selftests/tools) captures
# an ESP packet leaving site A and sends modified copies out of the same
# veth, so that they reach site B's s2svpn, which must drop each and count
# it under its reason:
#   replayed packet            -> replay
#   truncated packets          -> malformed
#   CBC payload not a multiple of the block size -> malformed
#   wrong outer source address -> outer_mismatch, and passed on to xfrm
#   unknown SPI                -> not counted, passed on to xfrm (which
#                                 counts XfrmInNoStates)
#   flipped ICV bit            -> auth (on a sequence number B has not seen;
#                                 the unmodified copy is then accepted once)
# once over an outer IPv4 tunnel with AES-GCM-128 and once over outer IPv6
# with AES-CBC-256/HMAC-SHA-256.  Then, on site A: a packet for a tunnel
# without an outbound SA (no carrier, nothing sent), DF packets that no
# longer fit after the underlay MTU shrank (ICMP "fragmentation needed" / "packet too big"
# back to the sender, too_big), and non-DF packets of the same size, which
# are fragmented before encryption and arrive.  No kernel warning.

# shellcheck disable=SC2016,SC2317,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

s2s_require_cmd jq ping
s2s_require_s2sctl

find_espmangle || s2s_skip "espmangle is not built and there is no C compiler"

s2s_require_module
esp_dmesg_mark
# the kernel's own ESP, so that what s2svpn passes on is counted by xfrm
modprobe -q esp4 && modprobe -q esp6 || s2s_skip "cannot load esp4/esp6"

esp_do "two sites over a veth" esp_two_sites || s2s_exit

# mangle ARG...: espmangle in site A (where the ESP leaves from)
mangle() {
	ip netns exec "$a" "$ESPMANGLE" "$@"
}

# capture FILE [PING_OK]: captures the next A->B ESP packet (SPI 0x1000)
# while A pings B once.  PING_OK=0: the ping is expected to get no answer.
# Sets ESP_LEN to the captured packet's ESP length.
capture() {
	local file=$1 ping_ok=${2:-1} log pid rc window=30000
	# (the capture ends at the packet: a long window costs a failure only;
	# on the debug kernel under load, starting ping alone takes seconds)
	s2s_debug_kernel && window=120000
	log=$(mktemp /tmp/esp-capture.XXXXXX)
	mangle capture ul "$file" -t $window -s "$ESP_SPI_AB" >"$log" 2>&1 &
	pid=$!
	if ! s2s_wait 10 grep -q listening "$log"; then
		kill "$pid" 2>/dev/null
		wait "$pid"
		cat "$log"
		rm -f "$log"
		return 1
	fi
	if [ "$ping_ok" = 1 ]; then
		esp_ping "$a" "$ESP_LAN4_B" 1 || { wait "$pid"; cat "$log"; rm -f "$log"; return 1; }
	else
		ip netns exec "$a" ping -q -n -c 1 -W 1 "$ESP_LAN4_B" >/dev/null 2>&1
	fi
	wait "$pid"
	rc=$?
	cat "$log"
	ESP_LEN=$(sed -n 's/.* esp_len \([0-9]*\).*/\1/p' "$log")
	rm -f "$log"
	return "$rc"
}

# deltas JSON0 JSON1 KEY...: the growth of tunnel counters KEY... (tstat
# keys) from JSON0 to JSON1, space separated.
deltas() {
	local j0=$1 j1=$2 keys
	shift 2
	keys=$(printf '"%s",' "$@")
	esp_jq "$j0" "$j1" -- "[${keys%,}] | map(tstat(\$j1; .) - tstat(\$j0; .) | tostring) | join(\" \")"
}

# wait_drop NS KEY MIN: waits (5 s at most) until tunnel counter KEY of NS
# reached MIN (decryption may complete asynchronously).
wait_drop() {
	local end=$((SECONDS + 5))
	while [ "$(esp_fast_stat "$1" "${2#drops.}")" -lt "$3" ] 2>/dev/null; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}

# xfrm_nostates NS: xfrm's count of packets for which it found no state.
xfrm_nostates() {
	ip netns exec "$1" awk '$1 == "XfrmInNoStates" { print $2 }' /proc/net/xfrm_stat
}

xfrm_nostates_ge() {
	[ "$(xfrm_nostates "$1")" -ge "$2" ]
}

# round OUTER ALGO SPOOF: the hostile packets over an outer IPv$OUTER tunnel.
round() {
	local outer=$1 algo=$2 spoof=$3 tag="IPv$1 $2" pkt pkt2 j0 j1 d
	local replay malformed mismatch nosa auth rx n_malformed=2 nostates0
	pkt=$(mktemp /tmp/esp-pkt.XXXXXX)
	pkt2=$(mktemp /tmp/esp-pkt.XXXXXX)
	s2s_defer rm -f "$pkt" "$pkt2"

	if ip -n "$a" link show vpn0 >/dev/null 2>&1; then
		s2s_check "$tag: old tunnels deleted" sh -c "
			'$S2SCTL' -n '$a' tunnel del vpn0 && '$S2SCTL' -n '$b' tunnel del vpn0"
	fi
	s2s_check "$tag: tunnels" esp_s2s_tunnels "$outer" || return
	s2s_check "$tag: SAs" esp_s2s_sas "$algo" || return
	esp_do "$tag: capture an A->B ESP packet (delivered)" capture "$pkt" || return
	s2s_log "$tag: captured ESP length $ESP_LEN"

	j0=$(esp_json "$b")
	nostates0=$(xfrm_nostates "$b")
	s2s_check "$tag: send it again 3 times" mangle send ul "$pkt" replay -n 3
	s2s_check "$tag: send it truncated to the ESP header" mangle send ul "$pkt" truncate 8
	s2s_check "$tag: send it truncated to 20 bytes" mangle send ul "$pkt" truncate 20
	case $algo in
	cbc*)
		# the ciphertext is no longer a whole number of AES blocks
		s2s_check "$tag: send it one byte short" \
			mangle send ul "$pkt" truncate $((ESP_LEN - 1))
		n_malformed=3
		;;
	esac
	s2s_check "$tag: send it from $spoof" mangle send ul "$pkt" src "$spoof"
	s2s_check "$tag: send it with an unknown SPI" mangle send ul "$pkt" spi 0xdead
	s2s_wait 5 xfrm_nostates_ge "$b" $((nostates0 + 2))
	j1=$(esp_json "$b")
	read -r replay malformed mismatch nosa auth rx <<<"$(deltas "$j0" "$j1" \
		drops.replay drops.malformed drops.outer_mismatch drops.no_sa drops.auth rx_packets)"
	s2s_log "$tag: B $(esp_stats_line "$j1")"
	s2s_check_eq "$tag: replayed packets counted as replay" "$replay" 3
	s2s_check_eq "$tag: truncated packets counted as malformed" "$malformed" $n_malformed
	s2s_check_eq "$tag: wrong outer source counted as outer_mismatch" "$mismatch" 1
	s2s_check_eq "$tag: unknown SPI not counted by s2svpn" "$nosa" 0
	esp_check_grew "$tag: xfrm saw the unknown SPI and the wrong source (XfrmInNoStates)" \
		"$nostates0" "$(xfrm_nostates "$b")" 2
	s2s_check_eq "$tag: none of them accepted" "$rx" 0

	# A packet B never received: remove B's inbound SA while A sends it,
	# then put the same SA back (a fresh replay window).
	s2s_check "$tag: B's inbound SA removed" \
		s2sctl -n "$b" sa del vpn0 dir in spi $ESP_SPI_AB
	s2s_check "$tag: capture an A->B ESP packet (not delivered)" capture "$pkt2" 0
	s2s_check "$tag: B's inbound SA back" esp_s2s_sa "$b" vpn0 in $ESP_SPI_AB "$algo" 1
	j0=$(esp_json "$b")
	s2s_check "$tag: send it with a flipped ICV bit" mangle send ul "$pkt2" flip-icv
	wait_drop "$b" drops.auth $(($(esp_json_stat "$j0" auth) + 1))
	s2s_check "$tag: send it unmodified" mangle send ul "$pkt2" replay
	sleep 0.5
	s2s_check "$tag: and once more" mangle send ul "$pkt2" replay
	wait_drop "$b" drops.replay $(($(esp_json_stat "$j0" replay) + 1))
	j1=$(esp_json "$b")
	read -r auth rx replay <<<"$(deltas "$j0" "$j1" drops.auth rx_packets drops.replay)"
	s2s_check_eq "$tag: flipped ICV counted as auth" "$auth" 1
	s2s_check_eq "$tag: the unmodified packet accepted once" "$rx" 1
	s2s_check_eq "$tag: its second copy counted as replay" "$replay" 1
	s2s_check "$tag: the tunnel still works" esp_ping "$a" $ESP_LAN4_B 2
}

round 4 gcm128-128 192.0.2.99
round 6 cbc256-sha256 2001:db8::99

# --- site A's own drops: no outbound SA, too big ----------------------------
s2s_check "A's outbound SA removed" s2sctl -n "$a" sa del vpn0 dir out spi $ESP_SPI_AB
s2s_check "ping without an outbound SA fails" s2s_fails esp_ping "$a" $ESP_LAN4_B 1
# a route-based tunnel without an outbound SA has no carrier: packets stop
# before it (tunnel_carrier.sh) instead of counting as no_out_sa
no_carrier() {
	ip -n "$a" -j link show vpn0 | jq -e '.[0].flags | index("LOWER_UP") == null'
}
s2s_check "no carrier without an outbound SA" s2s_wait 5 no_carrier
s2s_check "fresh SAs" sh -c "
	'$S2SCTL' -n '$b' sa del vpn0 dir in spi $ESP_SPI_AB &&
	'$S2SCTL' -n '$b' sa del vpn0 dir out spi $ESP_SPI_BA &&
	'$S2SCTL' -n '$a' sa del vpn0 dir in spi $ESP_SPI_BA"
s2s_check "SAs re-added" esp_s2s_sas gcm128-128
s2s_check "ping through the tunnel" esp_ping "$a" $ESP_LAN4_B 2

mtu=$(esp_jq "$(esp_json "$a")" -- '$j0[0] | .link_mtu // .mtu')
s2s_log "vpn0 MTU $mtu over a 1500-byte underlay (IPv6 outer)"
s2s_check "a full-size DF ping fits" esp_ping "$a" $ESP_LAN4_B 1 -M "do" -s $((mtu - 28))
# Shrink the underlay.  A keeps vpn0's MTU where it was (a user setting),
# so full-size packets still enter A's tunnel and no longer fit the path.
# B's tunnel gets an MTU that fits: B's answers are the kernel's own ICMP
# replies, and an ICMP error about those cannot be sent (the ICMP socket is
# busy sending them), so B could never learn the smaller path MTU.
s2s_check "underlay MTU 1400 on both sites; A's vpn0 MTU kept, B's 1280" sh -c "
	ip -n '$a' link set ul mtu 1400 && ip -n '$b' link set ul mtu 1400 &&
	ip -n '$a' link set vpn0 mtu $mtu && ip -n '$b' link set vpn0 mtu 1280"
j0=$(esp_json "$a")
# First, before A learns a smaller path MTU: non-DF packets of the old size
# reach A's tunnel whole, and it must fragment them before encryption.
s2s_check "non-DF full-size ping arrives (fragmented before encryption)" \
	esp_ping "$a" $ESP_LAN4_B 2 -M dont -s $((mtu - 28))
out=$(ip netns exec "$a" ping -n -c 2 -i 0.3 -W 2 -M "do" -s $((mtu - 28)) $ESP_LAN4_B 2>&1)
rc=$?
[ $rc != 0 ] && grep -qi 'frag needed\|mtu' <<<"$out"
s2s_result $? "DF ping too big for the path: ICMP fragmentation needed" "$out"
out=$(ip netns exec "$a" ping -6 -n -c 2 -i 0.3 -W 2 -M "do" -s $((mtu - 48)) $ESP_LAN6_B 2>&1)
rc=$?
[ $rc != 0 ] && grep -qi 'too big' <<<"$out"
s2s_result $? "IPv6 ping too big for the path: ICMPv6 packet too big" "$out"
j1=$(esp_json "$a")
esp_check_ge "counted as too_big" "$(deltas "$j0" "$j1" drops.too_big)" 2
s2s_log "A: $(esp_stats_line "$j1")"
s2s_check "full-size ping arrives (fragmented by the sender, learned path MTU)" \
	esp_ping "$a" $ESP_LAN4_B 2 -s $((mtu - 28))
s2s_check "IPv6 1450-byte ping arrives (fragmented by the sender)" \
	esp_ping "$a" $ESP_LAN6_B 2 -s 1450

esp_check_dmesg "no kernel warning"
s2s_exit
