# SPDX-License-Identifier: GPL-2.0-only
#
# Shared library of the s2svpn selftests (bash).  A test sources it, checks
# what it needs, builds its topology and asserts; every check prints one
# KTAP result line, and s2s_exit turns them into the kselftest exit code:
# 0 pass, 1 fail, 4 skip.
#
#   . "$(dirname "$0")/lib.sh"
#   s2s_require_module
#   s2s_setup_ns ns
#   s2s_check "tunnel add" s2sctl -n "$ns" tunnel add t0 local 192.0.2.1 remote 192.0.2.2
#   s2s_exit

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

S2S_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# S2S_S2SCTL (passed into the VM like every S2S_ variable): another s2sctl,
# such as the packaged /usr/sbin/s2sctl
S2SCTL=${S2SCTL:-${S2S_S2SCTL:-$S2S_TOP/tools/s2sctl/s2sctl}}

s2s_tests=0
s2s_failed=0
s2s_cleanups=()

# --- results --------------------------------------------------------------

s2s_log() { echo "# $*"; }

# s2s_skip REASON: the whole test is skipped.
s2s_skip() {
	echo "ok $((s2s_tests + 1)) $(basename "$0") # SKIP $*"
	exit $KSFT_SKIP
}

# s2s_skip_check DESCRIPTION REASON: one check skipped, with its reason.
s2s_skip_check() {
	s2s_tests=$((s2s_tests + 1))
	echo "ok $s2s_tests $1 # SKIP $2"
}

# s2s_debug_kernel: the kernel is the debug lane's (tools/debug-kernel.sh:
# KASAN, lockdep, ...), on which nothing runs at its normal speed.
s2s_debug_kernel() {
	case $(uname -r) in *-s2sdebug) return 0 ;; esac
	return 1
}

# s2s_result STATUS DESCRIPTION [OUTPUT]: one KTAP line; OUTPUT is shown on
# failure.
s2s_result() {
	s2s_tests=$((s2s_tests + 1))
	if [ "$1" = 0 ]; then
		echo "ok $s2s_tests $2"
		return 0
	fi
	s2s_failed=$((s2s_failed + 1))
	echo "not ok $s2s_tests $2"
	[ -n "${3:-}" ] && sed 's/^/#   /' <<<"$3"
	return 1
}

# s2s_check DESCRIPTION CMD...: CMD succeeds.
s2s_check() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	s2s_result $rc "$desc" "\$ $*"$'\n'"$out"$'\n'"exit status $rc"
}

# s2s_check_fail DESCRIPTION CMD...: CMD fails.
s2s_check_fail() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	[ $rc != 0 ]
	s2s_result $? "$desc" "\$ $*"$'\n'"$out"$'\n'"succeeded, expected a failure"
}

# s2s_check_eq DESCRIPTION GOT WANT
s2s_check_eq() {
	[ "$2" = "$3" ]
	s2s_result $? "$1" "got:  $2"$'\n'"want: $3"
}

# s2s_fails CMD...: CMD fails (to negate a command given to another helper).
s2s_fails() { ! "$@"; }

# s2s_wait SECONDS CMD...: retries CMD until it succeeds or time is up.
s2s_wait() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt "$end" ] || return 1
		sleep 0.1
	done
}

# s2s_exit: runs the cleanups (a failing one, such as an rmmod refused
# because of a leaked reference, fails the test), prints the plan and exits
# with the kselftest code.
s2s_exit() {
	local out
	trap - EXIT
	out=$(s2s_cleanup 2>&1) || s2s_result 1 "cleanup" "$out"
	echo "1..$s2s_tests"
	[ $s2s_failed = 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
}

# --- requirements -----------------------------------------------------------

s2s_require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || s2s_skip "$c is not installed"
	done
}

# The module built for the running kernel: $S2S_MODULE when set (run_tests.sh
# sets it), else the per-kernel build of "make check", else the in-tree one.
s2s_module_path() {
	local ko candidates=("$S2S_TOP/build/$(uname -r)/kmod/s2svpn.ko" "$S2S_TOP/kmod/s2svpn.ko")
	[ -n "${S2S_MODULE:-}" ] && candidates=("$S2S_MODULE")
	for ko in "${candidates[@]}"; do
		[ -e "$ko" ] || continue
		case "$(modinfo -F vermagic "$ko" 2>/dev/null)" in
		"$(uname -r) "*) echo "$ko"; return 0 ;;
		esac
	done
	return 1
}

# s2s_require_module_built: sets S2S_KO, or skips the test.
s2s_require_module_built() {
	S2S_KO=$(s2s_module_path) || s2s_skip "s2svpn.ko is not built for $(uname -r)"
}

# s2s_require_module: loads the module for the test, unloads it on exit.
s2s_require_module() {
	s2s_require_module_built
	s2s_defer s2s_unload_module
	s2s_load_module || { s2s_result 1 "insmod $S2S_KO"; s2s_exit; }
}

s2s_require_s2sctl() {
	[ -x "$S2SCTL" ] || s2s_skip "$S2SCTL is not built"
}

# --- the module -----------------------------------------------------------

# insmod does not resolve dependencies: load them with modprobe first.
s2s_load_module() {
	local deps d
	deps=$(modinfo -F depends "$S2S_KO")
	for d in ${deps//,/ }; do
		modprobe "$d" || return 1
	done
	insmod "$S2S_KO"
}

s2s_module_loaded() { [ -d /sys/module/s2svpn ]; }

s2s_unload_module() {
	s2s_module_loaded || return 0
	rmmod s2svpn
}

# Runs s2sctl.
s2sctl() { "$S2SCTL" "$@"; }

# --- namespaces and links ------------------------------------------------

# s2s_setup_ns VAR...: creates one namespace per VAR with a unique name,
# stores the name in VAR, and deletes it on exit (before the module is
# unloaded, as cleanups run last first).
s2s_setup_ns() {
	local var ns
	for var in "$@"; do
		ns="$var-$(mktemp -u XXXXXX)"
		ip netns add "$ns" || return 1
		s2s_defer s2s_del_ns "$ns"
		ip -n "$ns" link set lo up
		printf -v "$var" %s "$ns"
	done
}

# s2s_del_ns NS: deletes NS unless a test already did.
s2s_del_ns() {
	[ ! -e "/run/netns/$1" ] || ip netns del "$1"
}

# s2s_in_ns NS CMD...
s2s_in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# s2s_veth NS1 IF1 NS2 IF2: a veth pair between two namespaces, up.
s2s_veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" &&
		ip -n "$1" link set "$2" up &&
		ip -n "$3" link set "$4" up
}

# s2s_tracefs: sets S2S_TRACEFS to tracefs, mounting it (and unmounting it
# on exit) when the VM has not; fails when it cannot be mounted.
s2s_tracefs() {
	S2S_TRACEFS=/sys/kernel/tracing
	[ -d $S2S_TRACEFS/events ] && return 0
	mount -t tracefs tracefs $S2S_TRACEFS 2>/dev/null || return 1
	s2s_defer umount $S2S_TRACEFS
}

# --- cleanup ---------------------------------------------------------------

# s2s_defer CMD...: runs CMD on exit, the last deferred first.
s2s_defer() {
	local q
	printf -v q '%q ' "$@"
	s2s_cleanups+=("$q")
}

# s2s_cleanup: runs the deferred commands; fails if one of them failed.
s2s_cleanup() {
	local i rc=0
	for ((i = ${#s2s_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${s2s_cleanups[i]}" || rc=1
	done
	s2s_cleanups=()
	return $rc
}

trap s2s_cleanup EXIT
