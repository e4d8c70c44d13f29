#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The xfrm key manager (kmod/km.c) without an IKE daemon: site A's xfrm
# states are added, deleted, flushed and expired with "ip xfrm" exactly as
# strongSwan would install them for an XFRM interface (if_id 42, tunnel
# mode, policies with the if_id); an s2svpn tunnel with "if-id 42" carries
# them.  Site B is a native XFRM interface peer.
#
#  - if-id: set on add, shown in text and JSON, unique per namespace (the
#    kernel's extack message), "if-id 0" unbinds;
#  - states that exist before the binding are taken over (xfrm_state_walk);
#    a new state appears as an SA (NEWSA), a deleted one goes (DELSA), a
#    state deleted and added again at once is carried anew, a flush
#    empties the tunnel (FLUSHSA);
#  - ping and iperf3 cross on s2svpn; A's xfrm states count exactly what
#    s2svpn fed back; a hard byte limit on the xfrm state stops the SA at
#    the exact byte and expires the state;
#  - the module unloads with the states still there.

# shellcheck disable=SC2016,SC2317,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"
. "$(dirname "$0")/ike_lib.sh"

esp_begin jq ping iperf3

IFID=42
A4=$ESP_OUT4_A
B4=$ESP_OUT4_B

esp_do "two sites over a veth" esp_two_sites || s2s_exit
esp_do "iperf3 server on site B" esp_iperf_server "$b" || s2s_exit

# --- if-id on the command line ----------------------------------------------

s2s_check "tunnel add with if-id" s2sctl -n "$a" tunnel add vpn0 local $A4 remote $B4 if-id $IFID
s2s_check_eq "JSON shows if_id" "$(esp_json "$a" | jq -r '.[0].if_id')" $IFID
s2s_check "text shows if-id" sh -c "'$S2SCTL' -n '$a' tunnel show vpn0 | grep -q 'if-id: *$IFID'"
out=$(s2sctl -n "$a" tunnel add vpn1 local $A4 remote 192.0.2.3 if-id $IFID 2>&1)
rc=$?
[ $rc = 1 ] && grep -q "carries this if-id" <<<"$out"
s2s_result $? "a second tunnel with the same if-id: refused with the kernel's reason" "$out (exit $rc)"
s2s_check "tunnel set if-id 0 unbinds" s2sctl -n "$a" tunnel set vpn0 if-id 0
s2s_check_eq "JSON shows if_id 0" "$(esp_json "$a" | jq -r '.[0].if_id')" 0
s2s_check "the if-id is free again" s2sctl -n "$a" tunnel add vpn1 local $A4 remote 192.0.2.3 if-id $IFID
s2s_check "and vpn1 goes" s2sctl -n "$a" tunnel del vpn1
# under IKE the daemon owns the UDP port: if-id and encap udp exclude each other
out=$(s2sctl -n "$a" tunnel add vpn1 local $A4 remote 192.0.2.3 if-id $IFID encap udp 2>&1)
rc=$?
[ $rc = 1 ] && grep -q "if-id and encap udp exclude each other" <<<"$out"
s2s_result $? "if-id with encap udp: refused with the kernel's reason" "$out (exit $rc)"
s2s_check "tunnel add with encap udp" s2sctl -n "$a" tunnel add vpn1 local $A4 remote 192.0.2.3 encap udp keepalive 0
out=$(s2sctl -n "$a" tunnel set vpn1 if-id $IFID 2>&1)
rc=$?
[ $rc = 1 ] && grep -q "if-id and encap udp exclude each other" <<<"$out"
s2s_result $? "if-id set on an encap udp tunnel: refused" "$out (exit $rc)"
s2s_check "and vpn1 goes again" s2sctl -n "$a" tunnel del vpn1

ip -n "$a" -batch - <<EOF
link set vpn0 up
route add $ESP_NET4_B dev vpn0 src $ESP_LAN4_A
EOF

# --- site B: a native XFRM interface; site A: what charon installs ---------

s2s_check "site B: XFRM interface, states, policies" ike_xfrm_b_setup
s2s_check "site A: xfrm states and policies with if_id $IFID" ike_xfrm_a_setup

# sa_spis: "DIR:SPI ..." of vpn0's SAs, sorted
sa_spis() {
	s2sctl -j -n "$a" sa show vpn0 | jq -r '[.[] | "\(.dir):\(.spi)"] | sort | join(" ")'
}
want_both="in:$((ESP_SPI_BA)) out:$((ESP_SPI_AB))"
spis_are() { [ "$(sa_spis)" = "$1" ]; }
# wait_spis WANT: vpn0's SAs become WANT within 10 s
wait_spis() { s2s_wait 10 spis_are "$1"; }
# add_out [EXTRA...]: A's outbound state, and B's matching inbound state
# anew (a new SA restarts its sequence numbers; B's window must too)
add_out() {
	ip -n "$b" xfrm state delete src $A4 dst $B4 proto esp spi $ESP_SPI_AB &&
	esp_xfrm_state_lines $B4 $A4 $ESP_SPI_BA 2 $ESP_SPI_AB 1 gcm128-128 0 if_id $IFID |
		sed -n 2p | ip -n "$b" -batch - &&
	ike_xfrm_a_state out "$@" | ip -n "$a" -batch -
}

sleep 1
s2s_check_eq "unbound: no SA taken" "$(sa_spis)" ""
s2s_check "bind: tunnel set if-id $IFID" s2sctl -n "$a" tunnel set vpn0 if-id $IFID
wait_spis "$want_both"
s2s_check_eq "existing states taken over as SAs" "$(sa_spis)" "$want_both"

before=$(esp_fast_stat "$a" tx_packets)
s2s_check "ping A -> B" esp_ping "$a" $ESP_LAN4_B 3
esp_check_iperf "iperf3 A -> B" "$a" $ESP_LAN4_B -n 128K
esp_check_iperf "iperf3 B -> A" "$a" $ESP_LAN4_B -n 128K -R
after=$(esp_fast_stat "$a" tx_packets)
esp_check_grew "s2svpn carried the traffic" "$before" "$after" 50

# xfrm_cur SRC DST SPI: "BYTES PACKETS" of A's state's current lifetime
xfrm_cur() {
	ip -n "$a" -s xfrm state get src "$1" dst "$2" proto esp spi "$3" 2>/dev/null |
		awk '/lifetime current:/ { getline; gsub(/\(bytes\),|\(packets\)/, ""); print $1, $2; exit }'
}
s2s_sa() {
	s2sctl -j -n "$a" sa show vpn0 |
		jq -r --arg d "$1" --argjson s "$(($2))" \
		'.[] | select(.dir == $d and .spi == $s) | .stats |
		 if $d == "out" then "\(.tx_bytes) \(.tx_packets)" else "\(.rx_bytes) \(.rx_packets)" end'
}
sleep 1
s2s_check_eq "A's outbound xfrm state counts what s2svpn sent" \
	"$(xfrm_cur $A4 $B4 $ESP_SPI_AB)" "$(s2s_sa out $ESP_SPI_AB)"
s2s_check_eq "A's inbound xfrm state counts what s2svpn received" \
	"$(xfrm_cur $B4 $A4 $ESP_SPI_BA)" "$(s2s_sa in $ESP_SPI_BA)"
# xfrm never reuses a sequence number (an IV) s2svpn sent under that key
oseq=$(ip -n "$a" -s xfrm state get src $A4 dst $B4 proto esp spi $ESP_SPI_AB |
	sed -n 's/.*oseq 0x\([0-9a-f]*\).*/\1/p' | head -n 1)
tx=$(s2s_sa out $ESP_SPI_AB | awk '{ print $2 }')
[ -n "$oseq" ] && [ "${tx:-0}" -gt 0 ] && [ $((16#$oseq)) -ge "$tx" ]
s2s_result $? "A's outbound xfrm state's oseq follows s2svpn's sequence numbers" \
	"oseq 0x$oseq, s2svpn sent $tx"

s2s_check "DELSA: delete A's outbound state" \
	ip -n "$a" xfrm state delete src $A4 dst $B4 proto esp spi $ESP_SPI_AB
wait_spis "in:$((ESP_SPI_BA))"
s2s_check_eq "its SA is gone" "$(sa_spis)" "in:$((ESP_SPI_BA))"
s2s_check_fail "nothing leaves without it" esp_ping "$a" $ESP_LAN4_B 1

# the state again, with a hard byte limit: s2svpn stops at it exactly, and
# its usage fed back expires the state
tx0=$(esp_fast_stat "$a" tx_bytes)
s2s_check "NEWSA: the state again, hard limit 60000 bytes" \
	add_out limit byte-soft 40000 limit byte-hard 60000
wait_spis "$want_both"
s2s_check_eq "NEWSA: its SA is back" "$(sa_spis)" "$want_both"
s2s_check "ping A -> B again" esp_ping "$a" $ESP_LAN4_B 3
esp_iperf "$a" $ESP_LAN4_B -n 200K >/dev/null 2>&1
wait_spis "in:$((ESP_SPI_BA))"
tx1=$(esp_fast_stat "$a" tx_bytes)
[ "$tx0" -ge 0 ] && [ $((tx1 - tx0)) -gt 50000 ] && [ $((tx1 - tx0)) -le 60000 ]
s2s_result $? "s2svpn sent up to the hard limit and not a byte more ($((tx1 - tx0)) of 60000)"
esp_check_ge "the packets beyond it were dropped as sa_expired" \
	"$(esp_fast_stat "$a" sa_expired)" 1
s2s_check_eq "hard byte limit fed back: state expired, SA gone" "$(sa_spis)" "in:$((ESP_SPI_BA))"
s2s_check_eq "xfrm removed the expired state" "$(xfrm_cur $A4 $B4 $ESP_SPI_AB)" ""

ip -n "$a" xfrm state delete src $A4 dst $B4 proto esp spi $ESP_SPI_AB 2>/dev/null
s2s_check "the state once more" add_out
wait_spis "$want_both"
s2s_check "unbind: tunnel set if-id 0" s2sctl -n "$a" tunnel set vpn0 if-id 0
wait_spis ""
s2s_check_eq "unbound: the SAs are given back" "$(sa_spis)" ""
s2s_check "bind again" s2sctl -n "$a" tunnel set vpn0 if-id $IFID
wait_spis "$want_both"
s2s_check_eq "bound again: taken over" "$(sa_spis)" "$want_both"
# DELSA and NEWSA of the same SPI back to back: the new state's SA
# replaces the dead one's (a fresh SA: no packet received yet)
in_rx() {
	s2sctl -j -n "$a" sa show vpn0 |
		jq -r '.[] | select(.dir == "in") | .stats.rx_packets'
}
readd_in() {
	{
		echo "xfrm state delete src $B4 dst $A4 proto esp spi $ESP_SPI_BA"
		ike_xfrm_a_state in
	} | ip -n "$a" -batch -
}
fresh_in() { [ "$(sa_spis)" = "$want_both" ] && [ "$(in_rx)" = 0 ]; }
s2s_check "ping B -> A (the inbound SA counts it)" esp_ping "$b" $ESP_LAN4_A 2
s2s_check "DELSA + NEWSA of the inbound SPI at once" readd_in
s2s_wait 10 fresh_in
s2s_result $? "the new state's SA took the SPI over" "$(sa_spis), rx $(in_rx)"
s2s_check "ping B -> A on it" esp_ping "$b" $ESP_LAN4_A 2
s2s_check "FLUSHSA: ip xfrm state flush" ip -n "$a" xfrm state flush
wait_spis ""
s2s_check_eq "flushed: no SA left" "$(sa_spis)" ""

a_states() { { ike_xfrm_a_state out; ike_xfrm_a_state in; } | ip -n "$a" -batch -; }
s2s_check "states again, then the module goes with them" a_states
wait_spis "$want_both"
s2s_check_eq "taken over" "$(sa_spis)" "$want_both"
esp_check_dmesg "no kernel warning"
s2s_exit
