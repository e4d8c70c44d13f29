#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make bench": builds s2svpn.ko for the kernel in build/bench/KVER/, boots
# that kernel once in the test VM (selftests/vm/run.sh) to run
# bench/guest.sh, then writes the report with bench/report.sh:
#
#   bench/results/KVER/results.txt    the table (also printed)
#   bench/results/KVER/results.json   medians, every sample, ratios, targets
#   bench/results/KVER/results.svg    the chart (and results.png)
#   bench/results/KVER/samples.tsv    every sample of every round
#
# It also builds bench/kaead (s2s_kaead.ko, the in-kernel AEAD ceiling) in
# build/bench/KVER/kaead/, which the VM loads for each round's crypto step.
#
# Raw data (iperf3 JSON, CPU snapshots, ping output, profiles) stays in
# build/bench/KVER/vm/raw/; "bench/report.sh build/bench/KVER/vm" redoes
# the report from it.
#
# usage: bench/run.sh [-k KVER]... [-r ROUNDS] [-t SECONDS] [-n TUNNELS] [-c] [-q] [-h]
#   -k KVER     kernel (default: $KVER, else the newest with headers);
#               repeat for several, each in its own VM boot
#   -r ROUNDS   interleaved rounds (default 5)
#   -t SECONDS  measured seconds per iperf3 run, after 1 s omitted (default 4)
#   -n TUNNELS  tunnels in the memory test, 0 skips it (default 1000)
#   -c          also run tcrypt's AEAD speed test (about 100 s more)
#   -q          quick smoke run: 1 round, 3 s, 100 tunnels, no profiles, no
#               scale steps (results go to build/bench/KVER/quick/, not
#               bench/results/)
#
# Environment: S2S_BENCH_CONFIGS (default "veth s2svpn s2svpn_par vti xfrmi
# wireguard sel10 sel10k vti_pcrypt"; sel10/sel10k: one tunnel with 10 /
# 10,000 selectors, e.g. S2S_BENCH_CONFIGS="sel10 sel10k" bench/run.sh -q -r 3
# for that scenario alone; vti_pcrypt: xfrm VTI with pcrypt, the kernel's
# parallel crypto), S2S_BENCH_SCALE (1: the scale steps, 10,000 SAs against
# xfrm and 100 of 1000 tunnels against one; 0 without; default 1, 0 with
# -q), S2S_BENCH_PROFILE (configurations profiled with perf, "" for
# none), S2S_BENCH_CRYPTO=0 (no crypto ceiling: neither in the kernel nor
# through AF_ALG), S2S_BENCH_KAEAD_SECS (seconds per in-kernel AEAD
# measurement, default 1), S2S_VM_TCG_THREAD
# (default multi: one host thread per vCPU).  The exit status is non-zero
# when the build, the VM (kernel warnings included) or the report failed.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

kernels=()
rounds=5 secs=4 ntun=1000 quick=0
usage() { sed -n 's/^# \{0,1\}//; /^usage:/,/^$/p' "$0"; }
while getopts k:r:t:n:cqh opt; do
	case $opt in
	k) kernels+=("$OPTARG") ;;
	r) rounds=$OPTARG ;;
	t) secs=$OPTARG ;;
	n) ntun=$OPTARG ;;
	c) export S2S_BENCH_TCRYPT=1 ;;
	q) quick=1 rounds=1 secs=3 ntun=100 ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
[ ${#kernels[@]} -gt 0 ] || kernels=("${KVER:-$(tools/kernels.sh | tail -n 1)}")
if [ $quick = 1 ]; then
	# no profiles and no scale steps, unless asked for
	export S2S_BENCH_PROFILE=${S2S_BENCH_PROFILE-}
	export S2S_BENCH_SCALE=${S2S_BENCH_SCALE-0}
fi

say() { echo "bench: $*" >&2; }

# One host thread per vCPU, or parallel crypto cannot show: the test VM
# defaults to one thread for all vCPUs (see selftests/vm/run.sh).
export S2S_VM_TCG_THREAD=${S2S_VM_TCG_THREAD:-multi}

make -s tools || { say "cannot build s2sctl"; exit 1; }
mkdir -p build/bench
gcc -O2 -Wall -Wextra -Werror -o build/bench/aead_speed bench/aead_speed.c ||
	{ say "cannot build bench/aead_speed.c"; exit 1; }
gcc -O2 -std=gnu11 -Wall -Wextra -Werror -o build/bench/udpspray bench/udpspray.c ||
	{ say "cannot build bench/udpspray.c"; exit 1; }

rc=0
for k in "${kernels[@]}"; do
	[ -d "/lib/modules/$k/build" ] || { say "no headers for $k"; rc=1; continue; }
	tree=build/bench/$k
	# what is measured: the tree's commit and whether it had local changes
	commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
	dirty=no
	[ -z "$(git --no-optional-locks status --porcelain -- Kbuild kmod uapi 2>/dev/null)" ] || dirty=yes
	# A tree of our own: other builds (make check, make module) can go on.
	if ! make -s module-tree KVER="$k" KDIR="/lib/modules/$k/build" TREE="$tree" \
		>"build/bench-$k.log" 2>&1; then
		cat "build/bench-$k.log" >&2
		say "cannot build s2svpn.ko for $k"
		rc=1
		continue
	fi
	mv "build/bench-$k.log" "$tree/build.log"
	# the in-kernel AEAD ceiling, a module of its own in a tree of its own
	kaead=$tree/kaead
	mkdir -p "$kaead"
	cp bench/kaead/Kbuild bench/kaead/s2s_kaead.c "$kaead/"
	rm -f "$kaead/s2s_kaead.ko"
	if ! make -s -C "/lib/modules/$k/build" M="$top/$kaead" W=1 modules \
		>"$kaead/build.log" 2>&1; then
		cat "$kaead/build.log" >&2
		say "cannot build bench/kaead for $k"
		rc=1
		continue
	fi
	# s2sctl as it was when the module was built
	cp tools/s2sctl/s2sctl "$tree/s2sctl"

	vm=$tree/vm results=bench/results/$k
	if [ $quick = 1 ]; then
		vm=$tree/quick-vm results=$tree/quick
	fi
	say "$k: one VM boot, about $((5 + rounds * 4)) minutes; progress below"
	S2S_BENCH_MODULE=$top/$tree/kmod/s2svpn.ko S2S_BENCH_S2SCTL=$top/$tree/s2sctl \
	S2S_BENCH_ROUNDS=$rounds S2S_BENCH_TIME=$secs S2S_BENCH_TUNNELS=$ntun \
	S2S_BENCH_AEAD=$top/build/bench/aead_speed S2S_BENCH_KAEAD=$top/$kaead/s2s_kaead.ko \
	S2S_BENCH_UDPSPRAY=$top/build/bench/udpspray \
		selftests/vm/run.sh -k "$k" -t 3600 -o "$vm" -n bench bench/guest.sh
	vm_rc=$?
	[ $vm_rc = 0 ] || { say "$k: the VM run failed (exit $vm_rc); reporting what it measured"; rc=1; }

	mkdir -p "$vm/raw"
	{
		echo "commit $commit"
		echo "dirty $dirty"
		echo "date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "vm_rc $vm_rc"
		echo "tcg_thread $S2S_VM_TCG_THREAD"
	} >"$vm/raw/host"
	bench/report.sh "$vm" "$results" || rc=1
done
exit $rc
