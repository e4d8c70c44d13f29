#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs the selftests listed in selftests/Makefile on one kernel and prints
# TAP: each VM test in its own VM boot, so that a kernel warning, taint or
# hang is charged to the test that caused it.  Ends with the line
# "N passed, N failed, N skipped"; exits 1 when a test failed.
#
# usage: run_tests.sh [-k KVER] [TEST...]
#   -k KVER   the kernel (default: the newest installed one with headers)
#   TEST      only these tests (default: all)
#
# The module comes from build/KVER/kmod/s2svpn.ko ("make check" builds it
# there) unless S2S_MODULE names another.  Per-test timeout: "settings",
# times S2S_TIMEOUT_FACTOR (default 1).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

kver=
while getopts k: opt; do
	case $opt in
	k) kver=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
kver=${kver:-$("$top/tools/kernels.sh" | tail -n 1)}
export KVER=$kver
export S2S_MODULE=${S2S_MODULE:-$top/build/$kver/kmod/s2svpn.ko}

timeout=$(sed -n 's/^timeout=//p' "$here/settings")
# a slower kernel (the debug lane: KASAN, lockdep under TCG) scales it
factor=${S2S_TIMEOUT_FACTOR:-1}
# helper programs the tests use (built on the host, run in the VM)
make -s -C "$here" all || exit 1
tests=$(make -s -C "$here" list)
if [ $# -gt 0 ]; then
	# (a test both in TEST_PROGS and TEST_PROGS_TIMING runs once)
	tests=$(for t in "$@"; do grep -m 1 -E " $(basename "$t")\$" <<<"$tests"; done)
else
	# timing-sensitive tests only by name (make check-timing)
	tests=$(grep -v '^timing ' <<<"$tests")
fi

logs=$top/build/vm/$kver
mkdir -p "$logs"
passed=0 failed=0 skipped=0 n=0

echo "TAP version 13"
echo "# kernel $kver"
echo "1..$(wc -l <<<"$tests")"
while read -r where name; do
	n=$((n + 1))
	echo "# $name"
	# a test may need more than "settings" gives: a "# timeout=SECONDS"
	# line of its own
	t=$(sed -n 's/^# timeout=\([0-9]*\)$/\1/p' "$here/$name" | head -n 1)
	t=$((${t:-$timeout} * factor))
	if [ "$where" = host ]; then
		timeout -k 10 "$t" "$here/$name"
	else
		"$top/selftests/vm/run.sh" -k "$kver" -t "$t" -n "$name" \
			"$here/$name"
	fi </dev/null 2>&1 | tee "$logs/$name.log" | sed 's/^/# /'
	rc=${PIPESTATUS[0]}
	case $rc in
	0)
		passed=$((passed + 1))
		echo "ok $n $name"
		;;
	4)
		skipped=$((skipped + 1))
		reason=$(sed -n 's/.*# SKIP //p' "$logs/$name.log" | tail -n 1)
		echo "ok $n $name # SKIP ${reason:-no reason given}"
		;;
	124)
		failed=$((failed + 1))
		echo "not ok $n $name # TIMEOUT ${t}s"
		;;
	*)
		failed=$((failed + 1))
		echo "not ok $n $name # exit=$rc"
		;;
	esac
done <<<"$tests"

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
