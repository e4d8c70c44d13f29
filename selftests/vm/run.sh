#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs one command inside a qemu (TCG) VM booted from an installed Debian
# kernel, with the host's root visible read-only, and returns its exit
# status.  The command runs as root in the current directory; its output is
# streamed to stdout.  The run fails (exit 1) when the kernel log shows a
# warning, BUG, Oops, sanitizer report, lockdep splat, RCU stall, or a taint
# other than O/E (out-of-tree, unsigned module), whatever the command said.
#
# usage: run.sh [-k KVER] [-t SECONDS] [-o OUTDIR] [-n NAME] [-q] COMMAND [ARG...]
#   -k KVER     kernel to boot (default: $KVER, else the newest with headers)
#   -t SECONDS  the VM is killed after this long (default 300); exit 124
#   -o OUTDIR   keeps console.log, output, dmesg, status (default build/vm/KVER/NAME)
#   -n NAME     names the run in messages (default: the command's basename)
#   -q          do not stream the command's output
#
# Environment variables named S2S_* are passed to the command, plus KVER.
# S2S_VM_APPEND adds to the guest kernel's command line; S2S_VM_MEM sets the
# guest's memory (default 2G).
# S2S_VM_BOOT_MAX: seconds the guest may take to start the command
# (default 120 times S2S_TIMEOUT_FACTOR); a guest that has not by then hangs
# in early boot and is booted again, as is one that crashed while booting
# (three boots at most).
# S2S_VM_KERNEL_DIR names a kernel built by tools/debug-kernel.sh (its cache
# directory): when KVER is that kernel's release, it is booted instead of
# /boot/vmlinuz-KVER, with its modules.builtin mounted on /lib/modules,
# panic_on_warn set, and the kmemleak report of the run checked (a leak
# fails the run; the report is kept as OUTDIR/kmemleak).  The vCPUs share one
# host thread (S2S_VM_TCG_THREAD=single): multi-threaded TCG races with the
# kernel's live code patching (int3 Oopses); a benchmark that needs both
# vCPUs at once may set S2S_VM_TCG_THREAD=multi.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

kver=${KVER:-}
timeout=300
out=
name=
stream=1
while getopts k:t:o:n:q opt; do
	case $opt in
	k) kver=$OPTARG ;;
	t) timeout=$OPTARG ;;
	o) out=$OPTARG ;;
	n) name=$OPTARG ;;
	q) stream=0 ;;
	*) sed -n 's/^# \{0,1\}//; /^usage:/,/^$/p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "run.sh: no command given" >&2; exit 2; }

kver=${kver:-$("$top/tools/kernels.sh" | tail -n 1)}
name=${name:-$(basename "$1")}
out=$(realpath -m "${out:-$top/build/vm/$kver/$name}")
kernel=/boot/vmlinuz-$kver
kdir=${S2S_VM_KERNEL_DIR:-}
if [ -n "$kdir" ] && [ "$(cat "$kdir/kernelrelease" 2>/dev/null)" = "$kver" ]; then
	# the bzImage: the KASAN kernel's PVH entry never prints a line
	# under qemu (tried 2026-11-27), its decompressor boots
	kernel=$kdir/bzImage
else
	kdir=
fi
[ -r "$kernel" ] || { echo "run.sh: no kernel $kernel" >&2; exit 2; }

# stale FILE DEP...: FILE is missing or older than a DEP
stale() {
	local f=$1
	shift
	[ ! -s "$f" ] || [ -n "$(find "$@" -newer "$f")" ]
}

cache=$top/build/vm/$kver
initramfs=$cache/initramfs.cpio
moddeps=/lib/modules/$kver/modules.dep
[ -n "$kdir" ] && moddeps=$kdir/modroot/lib/modules/$kver/modules.dep
if stale "$initramfs" "$here/init" "$here/mkinitramfs.sh" "$moddeps"; then
	"$here/mkinitramfs.sh" "$kver" "$initramfs" ${kdir:+"$kdir/modroot"} || exit 1
fi

# Booting the uncompressed ELF kernel (PVH entry) skips the decompressor,
# which alone takes 5 s under TCG.  extract-vmlinux comes from tools/deps.sh.
extract=$top/build/scripts/extract-vmlinux
if [ -z "$kdir" ] && grep -q '^CONFIG_PVH=y' "/boot/config-$kver" 2>/dev/null && [ -x "$extract" ]; then
	if stale "$cache/vmlinux" "$kernel"; then
		"$extract" "$kernel" >"$cache/vmlinux.tmp" && mv "$cache/vmlinux.tmp" "$cache/vmlinux"
	fi
	[ -s "$cache/vmlinux" ] && kernel=$cache/vmlinux
fi

rm -rf "$out"
mkdir -p "$out"
{
	echo "cd $(printf %q "$PWD") || exit 1"
	echo "export KVER=$(printf %q "$kver")"
	while IFS='=' read -r var _; do
		echo "export $var=$(printf %q "${!var}")"
	done < <(env | grep -E '^S2S_[A-Za-z0-9_]*=')
	printf '%q ' exec "$@"
	echo
} >"$out/cmd"

cmdline="console=ttyS0 loglevel=5 panic=1 no_timer_check printk.devkmsg=on"
cmdline+=" s2s_top=$top s2s_stage2=$here/guest.sh s2s_out=$out"
# (pci=noacpi: the debug kernel's ACPI interpreter spends about 70 s of
# every boot in _PRT loop timeouts before the virtio devices get their IRQs)
[ -n "$kdir" ] && cmdline+=" s2s_moddir=$kdir/modroot/lib/modules panic_on_warn=1 s2s_kmemleak=1 pci=noacpi"
cmdline+=" ${S2S_VM_APPEND:-}"
qemu=(
	qemu-system-x86_64 -accel "tcg,thread=${S2S_VM_TCG_THREAD:-single}"
	-cpu max -smp 2 -m "${S2S_VM_MEM:-2G}" -nographic -no-reboot -nic none
	-kernel "$kernel" -initrd "$initramfs" -append "$cmdline"
	-virtfs local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap
	-virtfs "local,path=$out,mount_tag=out,security_model=none,multidevs=remap"
)

boot_max=${S2S_VM_BOOT_MAX:-$((120 * ${S2S_TIMEOUT_FACTOR:-1}))}

# boot: one run of the VM; sets qemu_rc, and boot_hung when the guest did
# not start the command within boot_max seconds (it is killed then)
boot() {
	local pid tailer waited=0
	rm -f "$out/started" "$out/status" "$out/tainted" "$out/dmesg" "$out/kmemleak"
	: >"$out/output"
	boot_hung=0
	timeout -k 10 "$timeout" "${qemu[@]}" </dev/null >"$out/console.log" 2>&1 &
	pid=$!
	if [ $stream = 1 ]; then
		tail -n +1 -F -s 0.1 --pid=$pid "$out/output" 2>/dev/null &
		tailer=$!
	fi
	while [ ! -e "$out/started" ] && kill -0 $pid 2>/dev/null; do
		if [ $waited -ge "$boot_max" ]; then
			boot_hung=1
			kill $pid	# timeout passes it on to qemu
			break
		fi
		sleep 1
		waited=$((waited + 1))
	done
	wait $pid
	qemu_rc=$?
	[ $stream = 1 ] && wait $tailer
}

# Under TCG the guest kernel now and then crashes or hangs while booting
# (emulation races in early code patching; a debug kernel on a loaded host
# also trips over its own early checks).  Nothing of the test has run then,
# so such a boot is tried again, twice at most, and said so; its console
# log is kept apart and its reports are not the test's.
for attempt in 1 2 3; do
	boot
	[ -e "$out/started" ] && break
	[ $boot_hung = 0 ] && { [ $qemu_rc = 124 ] || [ $qemu_rc = 137 ]; } && break
	mv "$out/console.log" "$out/console.failed-boot.$attempt.log"
	[ $attempt = 3 ] && break
	echo "run.sh: $name on $kver: the guest failed to boot$(
		[ $boot_hung = 1 ] && echo " within ${boot_max}s")" \
		"(see $out/console.failed-boot.$attempt.log); booting again" >&2
done
if [ ! -e "$out/started" ] && [ ! -e "$out/console.log" ]; then
	echo "run.sh: $name on $kver: the guest failed to boot three times" \
		"($out/console.failed-boot.*.log)" >&2
	exit 1
fi

fail() {
	echo "run.sh: $name on $kver: $*" >&2
	echo "run.sh: console log: $out/console.log" >&2
	exit 1
}

if [ $qemu_rc = 124 ] || [ $qemu_rc = 137 ]; then
	echo "run.sh: $name on $kver: TIMEOUT, hung for ${timeout}s" >&2
	"$here/check-kernel-log.sh" "$out/console.log" >&2
	tail -n 20 "$out/console.log" >&2
	exit 124
fi
if ! "$here/check-kernel-log.sh" "$out/console.log" "$out/dmesg" >"$out/kernel-errors"; then
	cat "$out/kernel-errors" >&2
	fail "the kernel log shows the errors above"
fi
[ -s "$out/status" ] || { tail -n 20 "$out/console.log" >&2; fail "the guest did not finish"; }
if [ -s "$out/kmemleak" ]; then
	head -n 40 "$out/kmemleak" >&2
	fail "kmemleak reports $(grep -c '^unreferenced object' "$out/kmemleak") leaked objects ($out/kmemleak)"
fi

# Taint bits 12 (O, out-of-tree) and 13 (E, unsigned) are expected.
tainted=$(cat "$out/tainted")
if [ $((tainted & ~(1 << 12 | 1 << 13))) != 0 ]; then
	fail "kernel tainted ($tainted)"
fi
exit "$(cat "$out/status")"
