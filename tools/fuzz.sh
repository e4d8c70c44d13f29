#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make fuzz": selftests/netlink_fuzz.sh for SECONDS in the VM, on the debug
# kernel of tools/debug-kernel.sh (built first if needed), or on the
# installed kernel KVER.  Prints the number of messages sent and the time.
#
# usage: tools/fuzz.sh SECONDS [KVER]
#        tools/fuzz.sh --stress 0 [KVER]   ("make stress": stress_config.sh
#                      with 60 s of churn, 10,000 tunnels, 100 namespaces,
#                      in an 8 GB VM)
set -uo pipefail

test=netlink_fuzz.sh
# the VM's time limit beyond the fuzzing time
extra=1800
if [ "${1:-}" = --stress ]; then
	test=stress_config.sh
	# round 1 alone created its 10,000 tunnels in about 25 minutes on the
	# debug kernel of a loaded 2-core host
	extra=14400
	shift
	export S2S_STRESS_SECONDS=60 S2S_STRESS_TUNNELS=10000 S2S_STRESS_NETNS=100
	# 10,000 tunnels with 20,000 SAs take 1.5 GB of slab on the debug
	# kernel (KASAN redzones and quarantine, kmemleak's records): more
	# than the 2 GB VM has
	export S2S_VM_MEM=${S2S_VM_MEM:-8G}
fi

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
seconds=${1:-600}
kver=${2:-}
start=$(date +%s)

if [ -z "$kver" ]; then
	kdir=$(tools/debug-kernel.sh) || exit 1
	kver=$(cat "$kdir/kernelrelease")
	export S2S_VM_KERNEL_DIR=$kdir
	# waits in the tests scale with it, as in make check-debug
	export S2S_TIMEOUT_FACTOR=${S2S_TIMEOUT_FACTOR:-4}
	kbuild=$kdir/build
else
	kbuild=/lib/modules/$kver/build
fi
mkdir -p "build/$kver"
make -s module-tree KVER="$kver" KDIR="$kbuild" TREE="build/$kver" \
	>"build/$kver/build.log" 2>&1 || { cat "build/$kver/build.log"; exit 1; }
make -s -C selftests all || exit 1

# in the run's output directory: the only one the VM can write
count=$top/build/vm/$kver/$test.long/nlfuzz.count
S2S_MODULE=$top/build/$kver/kmod/s2svpn.ko S2S_NLFUZZ_SECONDS=$seconds \
S2S_NLFUZZ_COUNT=$count \
	selftests/vm/run.sh -k "$kver" -t $((seconds + extra)) -n "$test.long" \
	"selftests/$test"
rc=$?
[ $test = netlink_fuzz.sh ] &&
	echo "# fuzz on $kver: $(cat "$count" 2>/dev/null || echo 0) messages"
echo "# $test on $kver: $(($(date +%s) - start)) s in all, exit $rc"
exit $rc
