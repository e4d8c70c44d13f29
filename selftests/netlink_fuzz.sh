#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The netlink fuzzer (tools/nlfuzz.c) against the s2svpn genetlink family
# and the "s2svpn" link kind: two fuzzers with their own seeds in one
# namespace, among dummy links, for S2S_NLFUZZ_SECONDS (default 20) each.
# The VM runner fails the test on any kernel warning or sanitizer report;
# afterwards the family must still work, the fuzzed namespace must go away
# and the module unload cleanly.  "make fuzz" runs it for longer on the
# debug kernel.

# shellcheck disable=SC2154  # lib.sh's s2s_setup_ns sets $f and $g
. "$(dirname "$0")/lib.sh"

NLFUZZ="$S2S_TOP/selftests/tools/nlfuzz"
seconds=${S2S_NLFUZZ_SECONDS:-20}
# messages per datagram (1: each alone, with its latency in the summary)
batch=${S2S_NLFUZZ_BATCH:-16}

[ -x "$NLFUZZ" ] || s2s_skip "selftests/tools/nlfuzz is not built"
s2s_require_s2sctl
s2s_require_module
s2s_setup_ns f g

for i in 1 2 3; do
	ip -n "$f" link add "dummy$i" type dummy
done
ip -n "$f" link set dummy1 up

# A debug kernel: kmemleak's automatic scan (every 10 minutes, minutes
# long under TCG) would take the CPU from the fuzzers; the VM runner still
# scans for leaks after the test.
leaks=/sys/kernel/debug/kmemleak
[ -w $leaks ] && echo scan=off >$leaks

seed=${S2S_NLFUZZ_SEED:-$(date +%s)}
s2s_log "fuzzing for ${seconds}s, seeds $seed and $((seed + 1)), batches of up to $batch"
ip netns exec "$f" "$NLFUZZ" -q -v -b "$batch" -t "$seconds" -s "$seed" >/tmp/nlfuzz.1 2>&1 &
p1=$!
ip netns exec "$f" "$NLFUZZ" -q -v -b "$batch" -t "$seconds" -s "$((seed + 1))" >/tmp/nlfuzz.2 2>&1 &
p2=$!
wait $p1
rc1=$?
wait $p2
rc2=$?
sed 's/^/# fuzzer 1: /' /tmp/nlfuzz.1
sed 's/^/# fuzzer 2: /' /tmp/nlfuzz.2
s2s_check_eq "fuzzer 1 ran to its end" "$rc1" 0
s2s_check_eq "fuzzer 2 ran to its end" "$rc2" 0

total=0 accepted=0
for out in /tmp/nlfuzz.1 /tmp/nlfuzz.2; do
	read -r _ n _ acc _ < <(grep '^messages' "$out")
	total=$((total + ${n:-0}))
	accepted=$((accepted + ${acc:-0}))
done
echo "# nlfuzz: $total messages, $accepted accepted"
echo "$total" >"${S2S_NLFUZZ_COUNT:-/dev/null}"
s2s_check "messages were sent" test "$total" -gt 1000
s2s_check "some changed state (accepted)" test "$accepted" -gt 10
s2s_log "left in the fuzzed namespace: $(ip -n "$f" -o link show type s2svpn | wc -l) tunnels"

# The family still works, in the fuzzed namespace and a fresh one.
s2s_check "version" s2sctl -n "$f" version
s2s_check "dump the fuzzed namespace" s2sctl -n "$f" -j tunnel show
s2s_check "sa dump" s2sctl -n "$f" -j sa show
s2s_check "selector dump" s2sctl -n "$f" -j selector show
s2s_check "segment dump" s2sctl -n "$f" -j segment show
s2s_check "tunnel add" s2sctl -n "$g" tunnel add t0 local 192.0.2.1 remote 192.0.2.2
s2s_check "sa add" s2sctl -n "$g" sa add t0 dir out spi 0x1000 \
	aead 'rfc4106(gcm(aes))' 0x00112233445566778899aabbccddeeff01020304 128
s2s_check "tunnel del" s2sctl -n "$g" tunnel del t0
s2s_check "the fuzzed namespace goes away" ip netns del "$f"

s2s_exit
