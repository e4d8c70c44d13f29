#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The key manager (kmod/km.c) keeps the anti-replay state of an inbound
# xfrm state across mirrors: an ESP packet B sent and A's s2svpn SA
# received is captured, and sent again (from B's address, raw) after
#
#  - the daemon moved the state: deleted and added again with the replay
#    counter it read from the old one (as strongSwan does for a NAT
#    mapping change); the counter s2svpn fed back is the SA's top;
#  - the module was reloaded under the daemon's states and the tunnel
#    bound the interface ID again.
#
# Each time the packet is dropped as a replay (the tunnel's replay counter
# rises, its SA receives nothing), while new traffic B -> A still passes.
# Before, the new SA started an empty window and took the packet again.

# shellcheck disable=SC2016,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"
. "$(dirname "$0")/ike_lib.sh"

esp_begin jq ping tcpdump python3

IFID=42
A4=$ESP_OUT4_A
B4=$ESP_OUT4_B
PCAP=$(mktemp /tmp/kmreplay.XXXXXX)
s2s_defer rm -f "$PCAP"

esp_do "two sites over a veth" esp_two_sites || s2s_exit

a_tunnel() {
	s2sctl -n "$a" tunnel add vpn0 local $A4 remote $B4 if-id $IFID &&
	ip -n "$a" link set vpn0 up &&
	ip -n "$a" route add $ESP_NET4_B dev vpn0 src $ESP_LAN4_A
}
s2s_check "site B: XFRM interface, states, policies" ike_xfrm_b_setup
s2s_check "site A: xfrm states and policies with if_id $IFID" ike_xfrm_a_setup
s2s_check "site A: s2svpn tunnel with if-id $IFID" a_tunnel

# in_rx: the inbound SA's received packets (-1 without one)
in_rx() {
	esp_jq "$(esp_json "$a")" -- "sastat(\$j0; \"in\"; $((ESP_SPI_BA)); \"rx_packets\")"
}
has_in() { [ "$(in_rx)" -ge 0 ]; }
s2s_check "the inbound state is carried" s2s_wait 10 has_in

# capture one of B's ESP packets as A's underlay receives it
ip netns exec "$a" timeout 30 tcpdump -n -U -c 1 -i ul -w "$PCAP" \
	"esp and src $B4" 2>/dev/null &
cap=$!
sleep 1
s2s_check "ping B -> A" esp_ping "$b" $ESP_LAN4_A 3
wait $cap
s2s_check "one of B's ESP packets captured" test -s "$PCAP"

# replay: sends the captured IPv4 packet again from B, as it was
replay() {
	ip netns exec "$b" python3 - "$PCAP" <<'EOF'
import socket, struct, sys
data = open(sys.argv[1], 'rb').read()
magic, = struct.unpack('<I', data[:4])
end = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
link, = struct.unpack(end + 'I', data[20:24])
incl, = struct.unpack(end + 'I', data[32:36])
frame = data[40:40 + incl]
pkt = frame[14:] if link == 1 else frame[16:]	# Ethernet or Linux cooked
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.sendto(pkt, (socket.inet_ntoa(pkt[16:20]), 0))
EOF
}

# check_replayed WHEN: the packet sent again is a replay drop, and new
# traffic still passes
check_replayed() {
	local rx0 rep0 rx1 rep1
	rx0=$(in_rx)
	rep0=$(esp_fast_stat "$a" replay)
	s2s_check "$1: the captured packet is sent again" replay
	sleep 1
	rx1=$(in_rx)
	rep1=$(esp_fast_stat "$a" replay)
	esp_check_grew "$1: dropped as a replay" "$rep0" "$rep1"
	esp_check_same "$1: the SA did not take it" "$rx0" "$rx1"
	s2s_check "$1: ping B -> A still passes" esp_ping "$b" $ESP_LAN4_A 3
}

# the counter s2svpn feeds back: the inbound state's replay seq
xfrm_seq() {
	ip -n "$a" -s xfrm state get src $B4 dst $A4 proto esp spi $ESP_SPI_BA |
		sed -n 's/.*anti-replay context: seq 0x\([0-9a-f]*\).*/\1/p'
}
sa_top_fed() {
	local seq
	seq=$(xfrm_seq)
	[ -n "$seq" ] && [ $((0x$seq)) -ge "$(in_rx)" ] && [ $((0x$seq)) -gt 0 ]
}
s2s_check "the state's replay counter follows s2svpn's" s2s_wait 5 sa_top_fed
seq=$(xfrm_seq)
s2s_log "inbound state's replay seq 0x$seq, the SA received $(in_rx)"

# 1. the daemon moves the state, with the replay counter it read
moved() {
	{
		echo "xfrm state delete src $B4 dst $A4 proto esp spi $ESP_SPI_BA"
		ike_xfrm_a_state in replay-seq 0x$seq
	} | ip -n "$a" -batch -
}
s2s_check "the state is deleted and added again with its replay counter" moved
in_zero() { [ "$(in_rx)" = 0 ]; }
s2s_check "a new SA carries it" s2s_wait 10 in_zero
check_replayed "moved"

# 2. the module reloaded under the states
s2s_check "rmmod with the states installed" rmmod s2svpn
s2s_check "module loaded again" s2s_load_module
s2s_check "the tunnel binds if-id $IFID again" a_tunnel
s2s_check "a new SA carries the state" s2s_wait 10 in_zero
check_replayed "reloaded"

s2s_exit
