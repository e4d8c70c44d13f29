#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make check-debug": the whole selftest suite on the debug kernel of
# tools/debug-kernel.sh (KASAN, UBSAN, kmemleak, lockdep, ...), which is
# built first if this machine has not built it yet.  The VM runner fails a
# test on any kernel report or kmemleak leak (see selftests/vm/run.sh).
# Prints TAP like "make check" and the time taken.
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

export S2S_VM_KERNEL_DIR=$kdir
# KASAN, UBSAN and lockdep under TCG run every test several times slower
export S2S_TIMEOUT_FACTOR=${S2S_TIMEOUT_FACTOR:-4}
export S2S_MODULE=$top/build/$kver/kmod/s2svpn.ko
selftests/run_tests.sh -k "$kver" "$@" 2>&1 | tee "build/vm/$kver.check-debug.log"
rc=${PIPESTATUS[0]}
reports=$(cat "build/vm/$kver"/*/kernel-errors 2>/dev/null | wc -l)
leaks=$(cat "build/vm/$kver"/*/kmemleak 2>/dev/null | grep -c '^unreferenced object')
echo "# check-debug: $(($(date +%s) - start)) s, $reports kernel report lines, $leaks kmemleak objects"
exit "$rc"
