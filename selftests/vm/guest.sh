#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Stage 2 in the guest, PID 1 on the host's root (see init): run
# $s2s_out/cmd (written by run.sh), leave the kernel's taint flags, its log
# and the command's exit status in $s2s_out, power off.  Builtins only where
# possible: every exec over 9p costs about 0.2 s under TCG.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp TERM=dumb LANG=C.UTF-8

# What udev's coldplug loads on a real host for the CPU's features
# (aesni_intel, ghash_clmulni_intel, sha256_ssse3, ...): there is no udev
# here, and without them the crypto API would resolve rfc4106(gcm(aes)) and
# the HMACs to generic C code that no user of s2svpn runs.
modprobe -q -a "$(</sys/devices/system/cpu/modalias)" 2>/dev/null

# An s2svpn installed from the s2svpn-dkms package is what the kernel would
# autoload (generic netlink family, link kind) in place of the module under
# test: hide it, unless it is the module under test (deb_tunnel.sh).
dkms=/lib/modules/$(uname -r)/updates/dkms
if compgen -G "$dkms/s2svpn.ko*" >/dev/null &&
	! grep -q '^export S2S_MODULE=/lib/modules/' "$s2s_out/cmd"; then
	mount -t tmpfs -o ro,size=4k none "$dkms"
fi

# kmemleak (debug kernels): forget what boot left, report what the command
# leaked.  Two scans, as an object must stay unreferenced across scans.
leaks=/sys/kernel/debug/kmemleak
if [ "${s2s_kmemleak:-}" = 1 ]; then
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	[ -w $leaks ] && echo clear >$leaks
fi

: >"$s2s_out/started"
(. "$s2s_out/cmd") >"$s2s_out/output" 2>&1 </dev/null
rc=$?

if [ "${s2s_kmemleak:-}" = 1 ] && [ -w $leaks ]; then
	sleep 6
	echo scan >$leaks
	echo scan >$leaks
	cat $leaks >"$s2s_out/kmemleak"
fi

read -r tainted </proc/sys/kernel/tainted
echo "$tainted" >"$s2s_out/tainted"
dmesg >"$s2s_out/dmesg"
echo "$rc" >"$s2s_out/status"

echo o >/proc/sysrq-trigger
# PID 1 must outlive the power-off, or the kernel panics.
read -r -t 30 _ </dev/console
