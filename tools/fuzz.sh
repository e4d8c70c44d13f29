#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make fuzz": selftests/netlink_fuzz.sh for SECONDS in the VM, on the debug
# kernel of tools/debug-kernel.sh (built first if needed), or on the
# installed kernel KVER.  Prints the number of messages sent and the time.
#
# usage: tools/fuzz.sh SECONDS [KVER]
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
seconds=${1:-600}
kver=${2:-}
start=$(date +%s)

if [ -z "$kver" ]; then
	kdir=$(tools/debug-kernel.sh) || exit 1
	kver=$(cat "$kdir/kernelrelease")
	export S2S_VM_KERNEL_DIR=$kdir
	kbuild=$kdir/build
else
	kbuild=/lib/modules/$kver/build
fi
mkdir -p "build/$kver"
make -s module-tree KVER="$kver" KDIR="$kbuild" TREE="build/$kver" \
	>"build/$kver/build.log" 2>&1 || { cat "build/$kver/build.log"; exit 1; }
make -s -C selftests all || exit 1

count=$top/build/vm/$kver/nlfuzz.count
mkdir -p "$(dirname "$count")"
rm -f "$count"
S2S_MODULE=$top/build/$kver/kmod/s2svpn.ko S2S_NLFUZZ_SECONDS=$seconds \
S2S_NLFUZZ_COUNT=$count \
	selftests/vm/run.sh -k "$kver" -t $((seconds + 600)) -n netlink_fuzz.long \
	selftests/netlink_fuzz.sh
rc=$?
echo "# fuzz on $kver: $(cat "$count" 2>/dev/null || echo 0) messages," \
	"$(($(date +%s) - start)) s in all, exit $rc"
exit $rc
