#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The parallel mode spreads only busy tunnels (kmod/queueing.c).  A packet
# that finds its tunnel's queue empty and the previous packet more than a
# millisecond old is lone: its crypto runs on the CPU that submitted it, as
# in the serial mode, without a crypto worker's wake-up, which would only
# add to its latency.  Here pings 50 ms apart cross the tunnel both ways
# with the parallel parameter on: a hist trigger on workqueue_execute_start
# must see no run of s2svpn's crypto workers.  Then a datagram flood through
# the same tunnel must be spread: the workers run.

# shellcheck disable=SC2016,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq ping python3
[ "$(nproc)" -ge 2 ] || s2s_skip "needs 2 CPUs, this VM has $(nproc)"

s2s_tracefs || s2s_skip "tracefs is not mounted and cannot be"
WORK=$S2S_TRACEFS/events/workqueue/workqueue_execute_start
[ -e $WORK/hist ] || s2s_skip "no workqueue_execute_start hist (tracefs at $S2S_TRACEFS)"
WORK_TRIGGER='hist:keys=function.sym:vals=hitcount'
hist_off() {
	echo "!$WORK_TRIGGER" >$WORK/trigger 2>/dev/null
	return 0
}
s2s_defer hist_off

esp_par_sites 1 "two sites, s2svpn over IPv4, AES-GCM-128"

j0=$(esp_json "$a")
s2s_check "workqueue runs counted" sh -c "echo '$WORK_TRIGGER' > $WORK/trigger"
ip netns exec "$a" ping -n -q -i 0.05 -c 40 -s 1000 -I $ESP_LAN4_A $ESP_LAN4_B >/dev/null 2>&1
received=$?
hist=$(cat $WORK/hist)
hist_off
j1=$(esp_json "$a")
workers=$(esp_hist_runs "$hist" s2s_worker_fn)
drains=$(esp_hist_runs "$hist" s2s_queue_drain_fn)
s2s_log "pings 50 ms apart: crypto worker runs $workers, drains on the home CPU $drains"
s2s_check_eq "the pings were answered" "$received" 0
esp_check_ge "site A sent and received them through the tunnel" \
	"$(esp_jq "$j0" "$j1" -- '[tstat($j1; "tx_packets") - tstat($j0; "tx_packets"),
		tstat($j1; "rx_packets") - tstat($j0; "rx_packets")] | min')" 40
s2s_check_eq "lone packets: no crypto worker ran" "$workers" 0

# a sink on B, so that B has nothing to answer
esp_udp_sink "$b" 7009
s2s_check "workqueue runs counted again" sh -c "echo '$WORK_TRIGGER' > $WORK/trigger"
esp_udp_batches "$a" $ESP_LAN4_B 7009 2
sleep 1
hist=$(cat $WORK/hist)
hist_off
workers=$(esp_hist_runs "$hist" s2s_worker_fn)
s2s_log "datagram flood: crypto worker runs $workers"
esp_check_ge "a busy tunnel is spread: the crypto workers ran" "$workers" 1

jb=$(esp_json "$b")
s2s_log "B: $(esp_stats_line "$jb")"
s2s_check_eq "site B: no replay, auth or crypto drop" \
	"$(esp_jq "$jb" -- 'tstat($j0; "drops.replay") + tstat($j0; "drops.auth") + tstat($j0; "drops.crypto")')" 0
esp_check_dmesg "no kernel warning"
s2s_exit
