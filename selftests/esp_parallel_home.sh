#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# In the parallel mode a tunnel's packets leave from one CPU, its queue's
# home CPU, whichever CPU encrypted them (kmod/queueing.c).  Packets that
# leave in order from two CPUs go through two transmit queues of a NIC, or
# two CPUs' backlogs behind a veth, and may overtake each other after all;
# by more than the peer's replay window when the sender floods.  Here one
# sender, moved between the CPUs every 20 ms, floods 1000-byte datagrams
# through the tunnel for 4 s.  Hist triggers count the CPUs site A's
# underlay transmitted its large ESP packets on (exactly one) and the runs
# of s2svpn's crypto workers (some: the crypto was spread, so the one CPU
# is the home CPU's doing).  Site B must see no replay, auth or crypto
# drop.

# shellcheck disable=SC2016,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq python3 taskset pgrep
[ "$(nproc)" -ge 2 ] || s2s_skip "needs 2 CPUs, this VM has $(nproc)"

s2s_tracefs || s2s_skip "tracefs is not mounted and cannot be"
tr=$S2S_TRACEFS
XMIT=$tr/events/net/net_dev_start_xmit
WORK=$tr/events/workqueue/workqueue_execute_start
if [ ! -e $XMIT/hist ] || [ ! -e $WORK/hist ]; then
	s2s_skip "no net_dev_start_xmit or workqueue_execute_start hist (tracefs at $tr)"
fi
# large packets on an underlay called "ul": site A's ESP (B only answers
# with small ICMP errors, if at all)
XMIT_TRIGGER='hist:keys=common_cpu:vals=hitcount if len > 900 && name == "ul"'
WORK_TRIGGER='hist:keys=function.sym:vals=hitcount'

hist_off() {
	echo "!$XMIT_TRIGGER" >$XMIT/trigger 2>/dev/null
	echo "!$WORK_TRIGGER" >$WORK/trigger 2>/dev/null
	return 0
}
s2s_defer hist_off

esp_par_sites 1 "two sites, s2svpn over IPv4, AES-GCM-128"

# a sink on B, so that B has nothing to answer
esp_udp_sink "$b" 7009

s2s_check "transmissions and worker runs counted" \
	sh -c "echo '$XMIT_TRIGGER' > $XMIT/trigger && echo '$WORK_TRIGGER' > $WORK/trigger"

# pin CPU: the sender (the background shell and the python3 it runs)
pin() {
	local p
	for p in $snd $(pgrep -P $snd); do
		taskset -p -c "$1" "$p" >/dev/null 2>&1
	done
}
esp_udp_batches "$a" $ESP_LAN4_B 7009 4 &
snd=$!
while kill -0 $snd 2>/dev/null; do
	pin 0
	sleep 0.02
	pin 1
	sleep 0.02
done
wait $snd
sleep 1

xmit=$(cat $XMIT/hist)
work=$(cat $WORK/hist)
hist_off
# one "{ common_cpu: N } hitcount: M" line per CPU (the "# trigger info"
# line names both fields too)
cpus=$(awk '/^\{ *common_cpu:/ { n++ } END { print n + 0 }' <<<"$xmit")
sent=$(awk '/^\{ *common_cpu:/ {
	for (i = 1; i <= NF; i++) if ($i == "hitcount:") n += $(i + 1)
} END { print n + 0 }' <<<"$xmit")
runs=$(esp_hist_runs "$work" s2s_worker_fn)
s2s_log "ESP packets by CPU: $(grep -o 'common_cpu: *[0-9]* *} hitcount: *[0-9]*' <<<"$xmit" | tr -s ' ' | paste -sd ';')"
s2s_log "crypto worker runs: $runs"

esp_check_ge "site A sent the flood's ESP packets" "$sent" 1000
esp_check_ge "s2svpn's crypto workers ran (the crypto was spread)" "$runs" 1
s2s_check_eq "they all left from one CPU" "$cpus" 1

jb=$(esp_json "$b")
s2s_log "B: $(esp_stats_line "$jb")"
esp_check_ge "site B received them" "$(esp_jq "$jb" -- 'tstat($j0; "rx_packets")')" 1000
s2s_check_eq "site B: no replay, auth or crypto drop" \
	"$(esp_jq "$jb" -- 'tstat($j0; "drops.replay") + tstat($j0; "drops.auth") + tstat($j0; "drops.crypto")')" 0
esp_check_dmesg "no kernel warning"
s2s_exit
