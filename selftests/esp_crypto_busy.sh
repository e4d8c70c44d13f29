#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A flood of unauthenticated ESP on an SPI of an s2svpn tunnel must not
# queue unbounded crypto work.  s2svpn never sets CRYPTO_TFM_REQ_MAY_BACKLOG:
# when an asynchronous engine's queue is full it refuses the request, and
# the packet is dropped and counted as crypto_busy.
#
# The test makes the crypto API resolve rfc4106(gcm(aes)) to cryptd, whose
# per-CPU queue holds 1000 requests: it unloads the AES-NI glue (whose own
# rfc4106 would outrank cryptd) and instantiates cryptd(rfc4106(gcm(aes)))
# through AF_ALG, with the crypto self-tests off for that moment (6.1's
# self-test WARNs that cryptd changes req->base, a kernel quirk that has
# nothing to do with s2svpn; esp_lib.sh's esp_async_gcm).  espmangle then replays one captured A->B
# packet with 50,000 fresh sequence numbers (each passes the replay
# precheck and fails authentication after decryption) as a SCHED_FIFO
# task on CPU 0, where cryptd's worker for that CPU then gets only what RT
# throttling leaves it, so its queue fills.  (pcrypt is no substitute:
# padata has no limit, it queues whatever it is given.)  Checked: the drops are counted
# (auth and crypto_busy, crypto_busy > 0), unreclaimable slab grew by less
# than 32 MiB at its peak during the flood, and real traffic still passes.
# Before the fix every packet was backlogged in cryptd's queue, without
# limit, and no crypto_busy reason existed.  The tunnel's ordered queue
# (1024 packets in crypto) may fill before cryptd's queue does: what it
# refuses is counted as queue_full.

# shellcheck disable=SC2154,SC2317
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

s2s_require_cmd jq ping python3
s2s_require_s2sctl

FLOOD=${FLOOD:-50000}
SLAB_MAX_KB=$((32 * 1024))

find_espmangle || s2s_skip "espmangle is not built and there is no C compiler"

s2s_require_cmd chrt taskset
esp_async_gcm || s2s_skip "cannot make rfc4106(gcm(aes)) resolve to cryptd (top: $(crypto_top_driver))"
s2s_log "rfc4106(gcm(aes)) now resolves to $(crypto_top_driver)"

s2s_require_module
esp_dmesg_mark

setup() {
	esp_two_sites && esp_s2s_tunnels 4 && esp_s2s_sas gcm128-128
}
esp_do "two sites, s2svpn over IPv4, AES-GCM-128 on the async engine" setup || s2s_exit
s2s_check "ping through the tunnel" esp_ping "$a" $ESP_LAN4_B 2

pkt=$(mktemp /tmp/esp-pkt.XXXXXX)
s2s_defer rm -f "$pkt"
capture() {
	local log pid rc
	log=$(mktemp /tmp/esp-capture.XXXXXX)
	ip netns exec "$a" "$ESPMANGLE" capture ul "$pkt" -t 10000 -s $ESP_SPI_AB >"$log" 2>&1 &
	pid=$!
	s2s_wait 10 grep -q listening "$log"
	esp_ping "$a" $ESP_LAN4_B 1 -s 1000
	wait "$pid"
	rc=$?
	cat "$log"
	rm -f "$log"
	return $rc
}
esp_do "capture a 1000-byte A->B ESP packet" capture || s2s_exit

slab_kb() {
	local k v _
	while read -r k v _; do
		[ "$k" = SUnreclaim: ] && { echo "$v"; return; }
	done </proc/meminfo
}

samples=$(mktemp /tmp/esp-slab.XXXXXX)
s2s_defer rm -f "$samples"
base=$(slab_kb)
j0=$(esp_json "$b")
( while :; do slab_kb; sleep 0.2; done >"$samples" ) &
sampler=$!
s2s_check "flood: $FLOOD forged packets with fresh sequence numbers" \
	chrt -f 10 taskset -c 0 ip netns exec "$a" "$ESPMANGLE" send ul "$pkt" replay -i -n "$FLOOD"

# settle: until B's drop counters stop moving
settled() {
	local j
	j=$(esp_json "$b")
	[ "$j" = "$prev" ] && return 0
	prev=$j
	return 1
}
prev=
s2s_wait 60 settled
sleep 1
kill "$sampler" 2>/dev/null
wait "$sampler" 2>/dev/null
peak=$(sort -n "$samples" | tail -n 1)
j1=$(esp_json "$b")
read -r auth busy full replay rx <<<"$(esp_jq "$j0" "$j1" -- '
	["drops.auth", "drops.crypto_busy", "drops.queue_full", "drops.replay", "rx_packets"]
	| map(tstat($j1; .) - tstat($j0; .) | tostring) | join(" ")')"
s2s_log "B: auth $auth, crypto_busy $busy, queue_full $full, replay $replay, rx $rx; unreclaimable slab ${base} kB before, peak ${peak} kB"
esp_check_ge "refused requests counted (crypto_busy, or queue_full when the tunnel's ordered queue filled first)" \
	$((busy + full)) 1
esp_check_ge "every forged packet that reached s2svpn was counted" \
	$((auth + busy + full + replay)) $((FLOOD * 9 / 10))
s2s_check_eq "none accepted" "$rx" 0
[ -n "$peak" ] && [ $((peak - base)) -lt $SLAB_MAX_KB ]
s2s_result $? "unreclaimable slab grew by less than $((SLAB_MAX_KB / 1024)) MiB" \
	"before $base kB, peak $peak kB"
s2s_check "real traffic passes after the flood" esp_ping "$a" $ESP_LAN4_B 3

esp_check_dmesg "no kernel warning"
s2s_exit
