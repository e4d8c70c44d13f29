#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Tests the VM harness itself; runs on the host and boots its own VMs.  A
# clean run passes and returns the command's exit status; a run fails when
# the kernel logs a WARNING or is tainted (other than O/E), whatever the
# command's status; a hung run ends at its timeout naming the test.

. "$(dirname "$0")/lib.sh"

kver=${KVER:-}
[ -n "$kver" ] || s2s_skip "KVER is not set"

# vm_run CASE [RUN.SH OPTION...] CMD...: a quiet VM run; prints its messages
vm_run() {
	local name=harness-$1
	shift
	"$S2S_TOP/selftests/vm/run.sh" -q -k "$kver" -n "$name" \
		-o "$S2S_TOP/build/vm/$kver/$name" "$@" 2>&1
}

# expect_failure DESCRIPTION PATTERN CASE ...: the run fails saying PATTERN
expect_failure() {
	local desc=$1 pattern=$2 out rc
	shift 2
	out=$(vm_run "$@")
	rc=$?
	[ $rc != 0 ] && grep -qE -- "$pattern" <<<"$out"
	s2s_result $? "$desc" "exit status $rc, wanted a failure saying: $pattern"$'\n'"$out"
}

# Taint O and E come with every out-of-tree module; 12288 sets both.
out=$(vm_run clean sh -c 'echo 12288 >/proc/sys/kernel/tainted; exit 3')
rc=$?
[ $rc = 3 ]
s2s_result $? "a clean run (tainted O, E) passes and returns the command's status" \
	"exit status $rc, wanted 3"$'\n'"$out"

expect_failure "a kernel WARNING fails the run" "WARNING: fake s2svpn harness self-test" \
	warning sh -c 'echo "<4>WARNING: fake s2svpn harness self-test" >/dev/kmsg'
expect_failure "another taint (W) fails the run" "kernel tainted" \
	taint sh -c 'echo 512 >/proc/sys/kernel/tainted'
expect_failure "a hang ends at the timeout, naming the test" "harness-hang.*TIMEOUT" \
	hang -t 20 sleep 600

s2s_exit
