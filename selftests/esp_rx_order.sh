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

esp_begin jq iperf3 taskset
[ "$(nproc)" -ge 2 ] || s2s_skip "parallel crypto needs 2 CPUs, this VM has $(nproc)"
find_udpseq || s2s_skip "cannot build selftests/tools/udpseq.c (no cc)"

# a slow kernel (S2S_TIMEOUT_FACTOR F, 4 on the debug kernel) sends F^2
# times fewer datagrams a second and waits F times as long
F=${S2S_TIMEOUT_FACTOR:-1}
PPS=$((4000 / (F * F)))
SECS=8
IFID=7
param=/sys/module/s2svpn/parameters/parallel
s2s_check "parallel crypto switched on" sh -c "echo 1 > $param"
s2s_defer sh -c "echo N > $param"

esp_do "two sites over a veth" esp_two_sites || s2s_exit
s2s_check "site A: s2svpn tunnel over IPv4" esp_s2s_tunnel "$a" $ESP_OUT4_A $ESP_OUT4_B \
	$ESP_NET4_B $ESP_NET6_B $ESP_LAN4_A $ESP_LAN6_A || s2s_exit
s2s_check "site A: AES-GCM-128 SAs" eval 's2sctl -n "$a" -b - <<<"$(
	esp_sa_line vpn0 out $ESP_SPI_AB gcm128-128 1 &&
	esp_sa_line vpn0 in $ESP_SPI_BA gcm128-128 2)"' || s2s_exit
b_native() {
	{
		esp_words link add xfrm0 type xfrm dev ul if_id $IFID
		esp_words link set xfrm0 up
		esp_words route replace $ESP_NET4_A dev xfrm0 src $ESP_LAN4_B
		esp_xfrm_state_lines $ESP_OUT4_B $ESP_OUT4_A $ESP_SPI_BA 2 \
			$ESP_SPI_AB 1 gcm128-128 0 if_id $IFID &&
		esp_xfrm_policy_lines $ESP_OUT4_B $ESP_OUT4_A 0.0.0.0/0 0.0.0.0/0 if_id $IFID
	} | ip -n "$b" -batch -
}
s2s_check "site B: native XFRM interface, states and policies" b_native || s2s_exit
s2s_check "ping A -> B" s2s_wait 10 esp_ping "$a" $ESP_LAN4_B 1
s2s_check "iperf3 servers on both sites" \
	eval 'esp_iperf_server "$a" $ESP_LAN4_A && esp_iperf_server "$b" $ESP_LAN4_B'

tmp=$(mktemp -d /tmp/rx-order.XXXXXX)
s2s_defer rm -rf "$tmp"

# the UDP stream B -> A with TCP both ways beside it, until the receiver
# has its report
stream() {
	local pr
	ip netns exec "$a" "$UDPSEQ" recv $ESP_LAN4_A 7001 $(((SECS + 60) * F)) >"$tmp/rx" &
	pr=$!
	s2s_wait $((20 * F)) grep -q listening "$tmp/rx" || return 1
	esp_bg_start tcp_ab esp_iperf "$a" $ESP_LAN4_B -t $SECS -P 2
	esp_bg_start tcp_ba esp_iperf "$b" $ESP_LAN4_A -t $SECS -P 2
	# on CPU 0 only: its ESP reaches A in order (a sender moving between
	# CPUs leaves packets in two CPUs' veth backlogs, which may overtake
	# each other before A sees them)
	taskset -c 0 ip netns exec "$b" "$UDPSEQ" send $ESP_LAN4_A 7001 $PPS $SECS &
	wait $pr
}
esp_do "UDP B -> A with TCP both ways, $SECS s" stream

# field NAME: the number after NAME in the receiver's report line
field() {
	sed -n "s/.* $1 \([0-9]*\).*/\1/p" "$tmp/rx"
}
s2s_log "B -> A: $(cat "$tmp/rx")"
esp_check_ge "the stream arrived (at least half of $((PPS * SECS)))" \
	"$(field received)" $((PPS * SECS / 2))
s2s_check_eq "no datagram delivered out of order" "$(field reordered)" 0
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
