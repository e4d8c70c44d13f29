#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Transmit order per CPU with parallel crypto off.  Every packet of a
# tunnel joins its ordered queue; a packet encrypted at once on the CPU
# that submitted it must also leave from that CPU, not from another CPU
# that happened to be draining the queue: a veth (or a multi-queue NIC)
# keeps one backlog (transmit queue) per CPU, and two CPUs' backlogs
# overtake each other.  Site A is s2svpn (serial mode), site B a native
# XFRM interface, which decrypts each packet on the CPU it arrived on and
# delivers it through that CPU's GRO cell.  A sequence-numbered UDP stream
# A -> B (udpseq, 4000 datagrams/s for 8 s) is sent from CPU 0 while TCP
# from CPU 1 floods the same tunnel; the stream must arrive at B in order
# (at most 1 datagram in 1000 reordered, none in our runs).  Before, the
# CPU draining the queue sent the other CPU's packets as well, and 455 of
# 32000 arrived out of order.

# shellcheck disable=SC2016,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_order_begin
SECS=8
IFID=7
param=/sys/module/s2svpn/parameters/parallel
s2s_check "parallel crypto off" sh -c "echo N > $param"

esp_s2s_xfrmi_sites $IFID
s2s_check "iperf3 server on B" esp_iperf_server "$b" $ESP_LAN4_B

tmp=$(mktemp -d /tmp/tx-order.XXXXXX)
s2s_defer rm -rf "$tmp"

# the UDP stream A -> B from CPU 0, TCP A -> B from CPU 1 beside it, until
# the receiver has its report
stream() {
	esp_seq_recv "$b" $ESP_LAN4_B 7001 "$tmp/rx" || return 1
	esp_bg_start tcp_ab taskset -c 1 ip netns exec "$a" \
		iperf3 -c $ESP_LAN4_B -p 5201 --connect-timeout 5000 -t $SECS -P 2
	taskset -c 0 ip netns exec "$a" "$UDPSEQ" send $ESP_LAN4_B 7001 $PPS $SECS &
	wait $ESP_SEQ_PID
}
esp_do "UDP A -> B from CPU 0, TCP A -> B from CPU 1, $SECS s" stream

s2s_log "A -> B: $(cat "$tmp/rx")"
esp_seq_arrived "$tmp/rx"
# A CPU waits a short while for another to let go of the queue, then
# leaves its packet to that CPU: a stalled VM may still reorder one now
# and then.  Before, about 1 in 70 datagrams arrived out of order.
esp_check_le "at most 1 in 1000 datagrams out of order" \
	"$(esp_seq_field "$tmp/rx" reordered)" $((PPS * SECS / 1000))
esp_bg_check tcp_ab "TCP A -> B"
j=$(esp_json "$a")
s2s_log "A: $(esp_stats_line "$j")"

s2s_check "delete A's tunnel" s2sctl -n "$a" tunnel del vpn0
esp_check_dmesg "no kernel warning"
s2s_exit
