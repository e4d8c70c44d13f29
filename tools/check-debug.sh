#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make check-debug": the whole selftest suite on the debug kernel of
# tools/debug-kernel.sh (KASAN, UBSAN, kmemleak, lockdep, ...), which is
# built first if this machine has not built it yet.  The VM runner fails a
# test on any kernel report or kmemleak leak (see selftests/vm/run.sh).
#
# The tests run in S2S_DEBUG_JOBS lanes (default: the number of CPUs), each
# lane taking the next test from one shared queue, so that a long test does
# not leave the other lanes idle.  A line is printed as each test ends; the
# TAP of the whole run follows, in the suite's order, then the time taken,
# the report and leak counts and the line "N passed, N failed, N skipped".
#
# usage: tools/check-debug.sh [TEST...]
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
start=$(date +%s)

kdir=$(tools/debug-kernel.sh) || exit 1
kver=$(cat "$kdir/kernelrelease")
echo "# debug kernel $kver in $kdir"

make -s tools || exit 1
log=build/$kver/build.log
mkdir -p "build/$kver"
if ! make -s module-tree KVER="$kver" KDIR="$kdir/build" TREE="build/$kver" >"$log" 2>&1; then
	cat "$log"
	echo "check-debug: the module does not build against $kdir/build" >&2
	exit 1
fi
# the helper programs once, before any lane starts
make -s -C selftests all || exit 1

export S2S_VM_KERNEL_DIR=$kdir
# KASAN, UBSAN and lockdep under TCG run every test several times slower
export S2S_TIMEOUT_FACTOR=${S2S_TIMEOUT_FACTOR:-4}
export S2S_MODULE=$top/build/$kver/kmod/s2svpn.ko

logs=build/vm/$kver
work=$logs/check-debug
rm -rf "$work" "$logs"/*/kernel-errors "$logs"/*/kmemleak
mkdir -p "$work"
if [ $# -gt 0 ]; then
	printf '%s\n' "$@" >"$work/tests"
else
	make -s -C selftests list | awk '$1 != "timing" { print $2 }' >"$work/tests"
fi
cp "$work/tests" "$work/queue"
total=$(wc -l <"$work/tests")
jobs=${S2S_DEBUG_JOBS:-$(nproc)}
echo "# $total tests in $jobs lanes"

# next_test: takes the first test off the shared queue (the lock is a file
# of its own: sed -i replaces the queue's inode)
next_test() {
	flock "$work/queue.lock" sh -c 'head -n 1 "$1"; sed -i 1d "$1"' sh "$work/queue"
}

lane() {
	local t t0 rc res
	while t=$(next_test) && [ -n "$t" ]; do
		t0=$(date +%s)
		selftests/run_tests.sh -k "$kver" "$t" </dev/null >"$work/$t.tap" 2>&1
		rc=$?
		res=$(grep -m 1 -E '^(not )?ok 1 ' "$work/$t.tap" | sed -E 's/^(not )?ok 1 [^ ]*//')
		[ "$rc" = 0 ] && echo "# lane $1: ok $t$res ($(($(date +%s) - t0)) s)" ||
			echo "# lane $1: not ok $t$res ($(($(date +%s) - t0)) s)"
	done
}

for i in $(seq 1 "$jobs"); do
	lane "$i" &
	# staggered: the lanes' VMs do not boot in the same second
	sleep 2
done
wait

echo "TAP version 13"
echo "# kernel $kver"
echo "1..$total"
passed=0 failed=0 skipped=0 n=0
while read -r t; do
	n=$((n + 1))
	f=$work/$t.tap
	grep '^# ' "$f" | grep -v '^# kernel ' || true
	line=$(grep -m 1 -E '^(not )?ok 1 ' "$f")
	case $line in
	"ok 1 "*"# SKIP"*) skipped=$((skipped + 1)) ;;
	"ok 1 "*) passed=$((passed + 1)) ;;
	*) failed=$((failed + 1)); line=${line:-not ok 1 $t # no result} ;;
	esac
	echo "$line" | sed -E "s/^(not )?ok 1 /\\1ok $n /"
done <"$work/tests"

# the suite's tests only: harness_selftest.sh's own VMs (build/vm/KVER/
# harness-*) warn on purpose, and it checks that they do
reports=0 leaks=0
while read -r t; do
	r=$(cat "$logs/$t/kernel-errors" 2>/dev/null | wc -l)
	l=$(cat "$logs/$t/kmemleak" 2>/dev/null | grep -c '^unreferenced object')
	reports=$((reports + r)) leaks=$((leaks + l))
done <"$work/tests"
echo "# check-debug: $total tests in $(($(date +%s) - start)) s, $reports kernel report lines, $leaks kmemleak objects"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$reports" = 0 ] && [ "$leaks" = 0 ]
