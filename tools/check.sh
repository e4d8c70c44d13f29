#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make check": installs what is missing, builds s2sctl and runs its host
# unit tests, then for every installed Debian kernel with headers builds
# s2svpn.ko in build/KVER/ and runs the VM selftests on that kernel.  Prints
# TAP, each step's output indented as "# " lines, and ends with the one line
# "N passed, N failed, N skipped" that counts every unit test, build and
# selftest.  Exits 1 when anything failed.
#
# usage: tools/check.sh [-k KVER]...   (default: every kernel with headers)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

kernels=()
while getopts k: opt; do
	case $opt in
	k) kernels+=("$OPTARG") ;;
	*) exit 2 ;;
	esac
done

tools/deps.sh || exit 1

[ ${#kernels[@]} -gt 0 ] || mapfile -t kernels < <(tools/kernels.sh)
[ ${#kernels[@]} -gt 0 ] || { echo "check: no kernel with headers is installed" >&2; exit 1; }

passed=0 failed=0 skipped=0 n=0

# step_result RC NAME: one TAP line for a step that counts as one test
step_result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		passed=$((passed + 1))
		echo "ok $n $2"
	else
		failed=$((failed + 1))
		echo "not ok $n $2"
	fi
}

# suite_result RC NAME LOG: one TAP line for a step that reports its own
# counts in a last "N passed, N failed[, N skipped]" line, added to ours;
# without that line it counts as one test.
suite_result() {
	local counts p f s
	counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$3" | tail -n 1)
	if [ -z "$counts" ]; then
		[ "$1" = 0 ] || echo "# $2: no summary line"
		step_result "$1" "$2"
		return
	fi
	read -r p _ f _ s _ <<<"${counts//,/}"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + ${s:-0}))
	n=$((n + 1))
	counts=${counts//,/}
	[ "$1" = 0 ] && [ "$f" = 0 ] && echo "ok $n $2 # $counts" && return
	# a failing step whose counts show no failure still fails
	[ "$f" != 0 ] || failed=$((failed + 1))
	echo "not ok $n $2 # $counts"
}

# run LOG CMD...: runs CMD, its output indented and kept in LOG.  A step's
# own summary line loses its commas, so that the run's last line is the only
# "N passed, N failed" line.
run() {
	local log=$1
	shift
	mkdir -p "$(dirname "$log")"
	"$@" </dev/null 2>&1 | tee "$log" |
		sed -E -e 's/^/# /' -e '/^# [0-9]+ passed, [0-9]+ failed/s/, / /g'
	return "${PIPESTATUS[0]}"
}

echo "TAP version 13"
# host tests of the tool's surroundings: manual pages, completion, install
host_tests=()
for t in tools/tests/*.sh; do
	[ "$t" = tools/tests/tap.sh ] || host_tests+=("$t")
done

echo "1..$((7 + ${#host_tests[@]} + 2 * ${#kernels[@]}))"

run build/logs/tools.log make -s tools
step_result $? "build s2sctl"

run build/logs/unit.log make -s -C tools/s2sctl test
suite_result $? "s2sctl unit tests" build/logs/unit.log

run build/logs/libs2svpn.log make -s -C tools/libs2svpn test
suite_result $? "libs2svpn unit tests" build/logs/libs2svpn.log

for t in "${host_tests[@]}"; do
	name=${t##*/}
	run "build/logs/${name%.sh}.log" "$t"
	suite_result $? "host test ${name%.sh}" "build/logs/${name%.sh}.log"
done

# the same unit tests built with ASan and UBSan, and a short libFuzzer run
# of the parsers (command line, batch files) from the checked-in corpus
run build/logs/unit-asan.log make -s -C tools/s2sctl/fuzz unit
suite_result $? "s2sctl unit tests under ASan/UBSan" build/logs/unit-asan.log

run build/logs/fuzz-s2sctl.log make -s -C tools/s2sctl/fuzz run FUZZ_SECONDS=25
step_result $? "s2sctl parsers fuzzed 25 s (libFuzzer, ASan/UBSan)"

# the YNL spec, the uapi header and the module's policies agree
run build/logs/spec.log python3 tools/check-spec.py
step_result $? "netlink spec, uapi header and policies agree"

for k in "${kernels[@]}"; do
	log=build/$k/build.log
	run "$log" make -s module-tree KVER="$k" KDIR="/lib/modules/$k/build"
	rc=$?
	if [ $rc = 0 ] && grep -q 'warning:' "$log"; then
		echo "# the build has warnings"
		rc=1
	fi
	step_result $rc "build s2svpn.ko for $k"
done

# The test VM is TCG on one host thread, so with two or more CPUs the
# kernels' suites run side by side (S2S_CHECK_JOBS=1: one after the
# other).  The first one's output streams; the others' follow from their
# logs.  The helper programs are built once, before any suite starts.
run build/logs/selftest-tools.log make -s -C selftests all
step_result $? "build the selftests' helper programs"
jobs=${S2S_CHECK_JOBS:-$(nproc)}
declare -A bg=()
for k in "${kernels[@]:1}"; do
	[ "${#bg[@]}" -lt $((jobs - 1)) ] || break
	mkdir -p "build/vm/$k"
	selftests/run_tests.sh -k "$k" </dev/null >"build/vm/$k/run_tests.log" 2>&1 &
	bg[$k]=$!
done
for k in "${kernels[@]}"; do
	if [ -n "${bg[$k]:-}" ]; then
		wait "${bg[$k]}"
		rc=$?
		sed -E -e 's/^/# /' -e '/^# [0-9]+ passed, [0-9]+ failed/s/, / /g' \
			"build/vm/$k/run_tests.log"
	else
		run "build/vm/$k/run_tests.log" selftests/run_tests.sh -k "$k"
		rc=$?
	fi
	suite_result $rc "selftests on $k" "build/vm/$k/run_tests.log"
done

# A recap of what failed, just above the last line, so that the end of a
# long log names the failing tests and their failing checks.
if [ $failed != 0 ]; then
	echo "# failures:"
	for k in "${kernels[@]}"; do
		sed -n 's/^not ok [0-9]* \([^ ]*\).*/\1/p' \
			"build/vm/$k/run_tests.log" 2>/dev/null |
		while read -r t; do
			echo "#   $k $t"
			# its failing checks, and what the VM runner said
			# (a timeout, a kernel report, a leak, a failed boot)
			grep -aE '^not ok|^run\.sh:|^\[ *[0-9]+\.[0-9]+\]|^# .*(WARNING|BUG|timed out)' \
				"build/vm/$k/$t.log" 2>/dev/null | head -n 8 |
				sed 's/^/#     /'
		done
	done
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed = 0 ]
