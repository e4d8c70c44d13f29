#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A quick check of s2s_kaead.ko in the test VM (not part of make check):
# it loads, 1-second runs at 1404 bytes (encryption, decryption, one CPU
# and all CPUs) return operations and the driver used, bad input is
# refused with EINVAL, runs are serialised, the module cannot go while its
# file is open (as during a run) and unloads cleanly after.  selftests/vm/run.sh fails
# the run on any kernel warning.
#
# usage (on the host):
#   make -C /lib/modules/KVER/build M=$PWD/bench/kaead W=1 modules
#   S2S_KAEAD_KO=$PWD/bench/kaead/s2s_kaead.ko \
#       selftests/vm/run.sh -k KVER -t 300 bench/kaead/smoke.sh
set -u

ko=${S2S_KAEAD_KO:?"S2S_KAEAD_KO: the s2s_kaead.ko to test"}
run=/sys/kernel/debug/s2s_kaead/run
rc=0
n=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; rc=1; }

# measure LINE: runs LINE, prints the result; OPS and DRIVER from it
measure() {
	local line w
	OPS=0 DRIVER=
	echo "$1" >$run || return 1
	read -r line <$run || return 1
	echo "# $line"
	for w in $line; do
		case $w in
		ops=*) OPS=${w#ops=} ;;
		driver=*) DRIVER=${w#driver=} ;;
		error=*) return 1 ;;
		esac
	done
	[ "$OPS" -gt 0 ] && [ -n "$DRIVER" ] && [ "$DRIVER" != none ]
}

# refused LINE: the write fails with EINVAL
refused() {
	local msg
	msg=$( (echo "$1" >$run) 2>&1) && return 1
	[[ $msg == *"Invalid argument"* ]] || { echo "# $msg"; return 1; }
}

echo "TAP version 13"
# aesni_intel and friends, as udev would load them (bench/guest.sh does too)
modprobe -q -a "$(cat /sys/devices/system/cpu/modalias)" 2>/dev/null
if ! insmod "$ko"; then
	not_ok "insmod $ko"
	exit 1
fi
ok "insmod"
[ -e $run ] || mount -t debugfs none /sys/kernel/debug
if [ -e $run ]; then
	ok "debugfs file $run"
else
	not_ok "no $run"
fi
read -r line <$run
if [ -z "$line" ]; then
	ok "nothing to read before a run"
else
	not_ok "read before a run: $line"
fi
cpus=$(nproc)

for op in enc dec; do
	if measure "driver=rfc4106(gcm(aes)) keylen=20 icv=16 size=1404 op=$op cpus=1 secs=1"; then
		ok "1404 B $op, 1 CPU: $OPS ops, driver $DRIVER"
	else
		not_ok "1404 B $op, 1 CPU"
	fi
done
if measure "size=1404 op=dec cpus=$cpus secs=1"; then
	ok "1404 B dec, $cpus CPUs: $OPS ops, driver $DRIVER"
else
	not_ok "1404 B dec, $cpus CPUs"
fi
if measure "driver=gcm(aes) keylen=16 icv=16 size=56 op=dec"; then
	ok "gcm(aes) 56 B dec: $OPS ops, driver $DRIVER"
else
	not_ok "gcm(aes) 56 B dec"
fi

for bad in "size=0" "size=9001" "secs=0" "secs=11" "cpus=0" "cpus=$((cpus + 1))" \
	"op=foo" "bogus" "size=12x" "keylen=" "driver=" "driver=nosuch(alg)" \
	"keylen=7" "icv=3" "size=-1" "cpus=99999999999999999999" \
	"driver=$(printf 'a%.0s' {1..200})" "$(printf 'size=1 %.0s' {1..50})"; do
	if refused "$bad"; then
		ok "refused: ${bad:0:40}"
	else
		not_ok "not refused: ${bad:0:40}"
	fi
done

# the module stays while its file is open (a run in progress holds it
# open too): an open descriptor, no timing involved
exec {fd}<$run
if rmmod s2s_kaead 2>/dev/null; then
	not_ok "rmmod with the file open succeeded"
	exit 1
fi
ok "rmmod refused while the file is open"
exec {fd}<&-

# two writers at once: serialised, both succeed
(echo "size=1404 op=enc secs=2" >$run) &
p1=$!
(echo "size=56 op=dec secs=1" >$run) &
p2=$!
if wait $p1 && wait $p2; then
	ok "two concurrent runs"
else
	not_ok "two concurrent runs"
fi
read -r line <$run
echo "# last: $line"

if rmmod s2s_kaead; then
	ok "rmmod"
else
	not_ok "rmmod"
fi
if grep -q '^s2s_kaead ' /proc/modules; then
	not_ok "still loaded"
fi
echo "1..$n"
exit $rc
