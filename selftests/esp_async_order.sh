#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Order with an asynchronous AEAD and parallel crypto off.  The AES-NI
# glue falls back to cryptd when the FPU is not usable, and a hardware
# engine is asynchronous anyway: a packet may finish after the ones
# submitted after it, on another CPU.  Every packet waits in its tunnel's
# ordered queue until those before it have left, so nothing overtakes.
# Here rfc4106(gcm(aes)) resolves to cryptd (esp_lib.sh's esp_async_gcm),
# whose queues are per CPU, and the sending process is moved between the
# two CPUs every 20 ms: a sequence-numbered UDP stream (2000 datagrams/s
# for 6 s) must leave site A's underlay with strictly increasing ESP
# sequence numbers and arrive complete (B's delivery order is only
# logged: see below).  Before every packet joined the
# queue, a packet still in one CPU's cryptd queue was overtaken by one
# submitted on the other CPU.

# shellcheck disable=SC2016,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq tcpdump python3 taskset
[ "$(nproc)" -ge 2 ] || s2s_skip "needs 2 CPUs, this VM has $(nproc)"
find_udpseq || s2s_skip "cannot build selftests/tools/udpseq.c (no cc)"
esp_async_gcm || s2s_skip "cannot make rfc4106(gcm(aes)) resolve to cryptd (top: $(crypto_top_driver))"
s2s_log "rfc4106(gcm(aes)) now resolves to $(crypto_top_driver)"

PPS=2000
SECS=6
esp_par_sites 0 "two sites, s2svpn over IPv4, AES-GCM-128 on cryptd"

tmp=$(mktemp -d /tmp/async-order.XXXXXX)
s2s_defer rm -rf "$tmp"

# the stream, its sender moved between CPU 0 and 1 every 20 ms, captured
# on A's underlay
stream() {
	local pr tcpd ps
	timeout $((SECS + 60)) ip netns exec "$a" tcpdump -l -n -i ul \
		"esp and src $ESP_OUT4_A" >"$tmp/cap" 2>/dev/null &
	tcpd=$!
	ip netns exec "$b" "$UDPSEQ" recv $ESP_LAN4_B 7001 $((SECS + 60)) >"$tmp/rx" &
	pr=$!
	s2s_wait 20 grep -q listening "$tmp/rx" || return 1
	sleep 1
	ip netns exec "$a" "$UDPSEQ" send $ESP_LAN4_B 7001 $PPS $SECS &
	ps=$!
	while kill -0 $ps 2>/dev/null; do
		taskset -a -p -c 0 $ps >/dev/null 2>&1
		sleep 0.02
		taskset -a -p -c 1 $ps >/dev/null 2>&1
		sleep 0.02
	done
	wait $pr
	sleep 1
	kill $tcpd 2>/dev/null
	wait $tcpd 2>/dev/null
	return 0
}
esp_do "UDP A -> B, the sender moving between CPUs, $SECS s" stream

field() {
	sed -n "s/.* $1 \([0-9]*\).*/\1/p" "$tmp/rx"
}
s2s_log "A -> B: $(cat "$tmp/rx")"
esp_check_ge "the stream arrived (at least 90 % of $((PPS * SECS)))" \
	"$(field received)" $((PPS * SECS * 9 / 10))
seqs=$(esp_cap_seqs "$tmp/cap")
n=$(wc -w <<<"$seqs")
esp_check_ge "its ESP packets were captured on A's underlay" "$n" $((PPS * SECS / 2))
if back=$(esp_in_order $seqs); then
	inorder=1
else
	inorder=0
	s2s_log "$back"
fi
s2s_check_eq "they left in sequence-number order" "$inorder" 1
# (B may still see a few reordered: A sends each packet from the CPU whose
# cryptd finished the head, and two CPUs' veth backlogs may overtake each
# other on the way to B; the wire order above is A's)
s2s_log "B delivered $(field reordered) datagrams out of order"
j=$(esp_json "$a")
s2s_log "A: $(esp_stats_line "$j")"
s2s_check_eq "A: no crypto or queue drop" \
	"$(esp_jq "$j" -- 'tstat($j0; "drops.crypto") + tstat($j0; "drops.crypto_busy") + tstat($j0; "drops.queue_full")')" 0

s2s_check "delete both tunnels" eval 's2sctl -n "$a" tunnel del vpn0 && s2sctl -n "$b" tunnel del vpn0'
esp_check_dmesg "no kernel warning"
s2s_exit
