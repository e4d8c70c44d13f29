#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Delivery order with parallel crypto.  With the module parameter
# "parallel" on, a tunnel's packets are decrypted on every CPU and leave
# the tunnel's receive queue in order, on whichever CPU drains it; they
# must reach the stack in that order too.  Site B is a native XFRM
# interface (its ESP leaves in order, from the sending CPU, which is kept
# on CPU 0); site A is s2svpn.  A sequence-numbered UDP stream B -> A
# (udpseq, 4000 datagrams/s for 8 s), while TCP both ways keeps both CPUs busy, must
# arrive at A with no datagram reordered.  Handed to the draining CPU's
# GRO cell, as before the tunnel had a NAPI instance of its own, two
# datagrams drained on two CPUs one after the other were delivered in
# either order (hundreds per run).  Then A's tunnel is set down under a
# stream: what arrives for it is counted (down), and it carries traffic
# again once it is up.

# shellcheck disable=SC2016,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_order_begin
SECS=8
IFID=7
param=/sys/module/s2svpn/parameters/parallel
s2s_check "parallel crypto switched on" sh -c "echo 1 > $param"
s2s_defer sh -c "echo N > $param"

esp_s2s_xfrmi_sites $IFID
s2s_check "iperf3 servers on both sites" \
	eval 'esp_iperf_server "$a" $ESP_LAN4_A && esp_iperf_server "$b" $ESP_LAN4_B'

tmp=$(mktemp -d /tmp/rx-order.XXXXXX)
s2s_defer rm -rf "$tmp"

# the UDP stream B -> A with TCP both ways beside it, until the receiver
# has its report
stream() {
	esp_seq_recv "$a" $ESP_LAN4_A 7001 "$tmp/rx" || return 1
	esp_bg_start tcp_ab esp_iperf "$a" $ESP_LAN4_B -t $SECS -P 2
	esp_bg_start tcp_ba esp_iperf "$b" $ESP_LAN4_A -t $SECS -P 2
	# on CPU 0 only: its ESP reaches A in order (a sender moving between
	# CPUs leaves packets in two CPUs' veth backlogs, which may overtake
	# each other before A sees them)
	taskset -c 0 ip netns exec "$b" "$UDPSEQ" send $ESP_LAN4_A 7001 $PPS $SECS &
	wait $ESP_SEQ_PID
}
esp_do "UDP B -> A with TCP both ways, $SECS s" stream

s2s_log "B -> A: $(cat "$tmp/rx")"
esp_seq_arrived "$tmp/rx"
s2s_check_eq "no datagram delivered out of order" "$(esp_seq_field "$tmp/rx" reordered)" 0
esp_bg_check tcp_ab "TCP A -> B"
esp_bg_check tcp_ba "TCP B -> A"
j=$(esp_json "$a")
s2s_log "A: $(esp_stats_line "$j")"
s2s_check_eq "A: no replay, auth or crypto drop" \
	"$(esp_jq "$j" -- 'tstat($j0; "drops.replay") + tstat($j0; "drops.auth") + tstat($j0; "drops.crypto")')" 0

# down under traffic: A's tunnel refuses what still arrives for it
down0=$(esp_fast_stat "$a" down)
ip netns exec "$b" "$UDPSEQ" send $ESP_LAN4_A 7002 $PPS 4 &
pid=$!
sleep 1
s2s_check "A's tunnel set down under a stream" ip -n "$a" link set vpn0 down
wait $pid
down1=$(esp_fast_stat "$a" down)
esp_check_grew "A: packets for a down tunnel counted (down)" "$down0" "$down1"
# (down took the tunnel's route with it)
s2s_check "A's tunnel up again, its route back" eval \
	'ip -n "$a" link set vpn0 up && ip -n "$a" route replace $ESP_NET4_B dev vpn0 src $ESP_LAN4_A'
s2s_check "traffic flows again" s2s_wait 10 esp_ping "$a" $ESP_LAN4_B 1

s2s_check "delete A's tunnel" s2sctl -n "$a" tunnel del vpn0
esp_check_dmesg "no kernel warning"
s2s_exit
