#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Privilege and namespace isolation of the s2svpn API, enforced by the
# kernel:
# - every command but version-get, and the events group, need CAP_NET_ADMIN
#   over the user namespace that owns the network namespace: a process
#   without it, and root of a user namespace that does not own the network
#   namespace, are refused everything (read, change, listen) and change
#   nothing;
# - root of an unprivileged user namespace manages the tunnels of a network
#   namespace it created (unshare -U -r -n), and the per-namespace SA and
#   segment limits hold for it; it cannot raise them;
# - objects of one network namespace are invisible to and unreachable from
#   another, by name or by ifindex, in dumps and in events; a tunnel cannot
#   be moved to another namespace.

# shellcheck disable=SC2154  # lib.sh's s2s_setup_ns sets $a and $b
. "$(dirname "$0")/lib.sh"

GENL="$S2S_TOP/selftests/tools/s2s_genl.py"
KEY20=0x00112233445566778899aabbccddeeff01020304
PARAMS=/sys/module/s2svpn/parameters
GCM=(aead 'rfc4106(gcm(aes))' "$KEY20" 128)
GCM_SH="aead 'rfc4106(gcm(aes))' $KEY20 128"	# the same, for a script
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

s2s_require_cmd python3 unshare setpriv timeout jq
s2s_require_s2sctl
s2s_require_module
s2s_setup_ns a b
S2S_TMP=$(mktemp -d /tmp/isolation.XXXXXX)
chmod 755 "$S2S_TMP"
s2s_defer rm -rf "$S2S_TMP"

# Unprivileged user namespaces may be off (Debian's sysctl).
"${NOBODY[@]}" unshare -U -r -n true 2>/dev/null ||
	s2s_skip "unprivileged user namespaces are disabled"

# refused_with WANT_RC PATTERN CMD...: CMD exits WANT_RC and says PATTERN
refused_with() {
	local want=$1 pattern=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	echo "$out"
	[ "$rc" = "$want" ] && grep -q -- "$pattern" <<<"$out"
}

# as_userns_root NS CMD...: CMD as root of a new unprivileged user
# namespace, in network namespace NS (owned by the initial user namespace)
as_userns_root() {
	local ns=$1
	shift
	# a refusal is immediate; the timeout only ends a monitor that was let in
	timeout 30 ip netns exec "$ns" "${NOBODY[@]}" unshare -U -r "$@"
}

# as_nobody NS CMD...: CMD as uid 65534 without capabilities, in NS
as_nobody() {
	local ns=$1
	shift
	timeout 30 ip netns exec "$ns" "${NOBODY[@]}" "$@"
}

# the configuration of namespace NS, which nobody else may change (without
# ages and counters)
state() {
	local what
	for what in tunnel sa segment selector; do
		s2sctl -n "$1" -j $what show |
			jq -c 'walk(if type == "object" then del(.age, .stats) else . end)'
	done
}

# Namespace a: two tunnels, an SA, a segment and a selector; b: a tunnel
# with the same name and other addresses.
s2s_check "a: tunnel vpn0" \
	s2sctl -n "$a" tunnel add vpn0 local 192.0.2.1 remote 192.0.2.2 mtu 1400
s2s_check "a: tunnel only_a" \
	s2sctl -n "$a" tunnel add only_a local 192.0.2.1 remote 192.0.2.3
s2s_check "a: SA" s2sctl -n "$a" sa add vpn0 dir in spi 0x1001 "${GCM[@]}"
s2s_check "a: segment" s2sctl -n "$a" segment add seg_a mark 0x10
s2s_check "a: selector" s2sctl -n "$a" selector add vpn0 dir out \
	src 10.0.0.0/8 dst 10.1.0.0/16
s2s_check "b: tunnel vpn0" \
	s2sctl -n "$b" tunnel add vpn0 local 198.51.100.1 remote 198.51.100.2
before=$(state "$a")

# --- no CAP_NET_ADMIN over the namespace: refused, nothing changes ------------
for who in nobody userns_root; do
	run=as_$who
	s2s_check "$who: version-get is allowed" "$run" "$a" "$S2SCTL" version
	for cmd in "tunnel show" "tunnel show vpn0" "sa show" "segment show" \
		"selector show" \
		"tunnel add t1 local 192.0.2.1 remote 192.0.2.9" \
		"tunnel set vpn0 mtu 1300" "tunnel del vpn0" \
		"sa add vpn0 dir in spi 0x1002 ${GCM[*]}" \
		"sa del vpn0 dir in spi 0x1001" \
		"segment add seg_x mark 0x20" "segment del seg_a" \
		"selector add vpn0 dir out src 10.2.0.0/16 dst 10.3.0.0/16" \
		"selector del vpn0 id 1"; do
		# shellcheck disable=SC2086  # the words of the command
		s2s_check "$who: $cmd is refused" \
			refused_with 1 "Operation not permitted" \
			"$run" "$a" "$S2SCTL" $cmd
	done
	s2s_check "$who: the events group is refused" \
		refused_with 1 "needs CAP_NET_ADMIN" "$run" "$a" "$S2SCTL" monitor
	s2s_check "$who: tunnel-del by ifindex is refused" \
		refused_with 1 "error 1:" "$run" "$a" python3 "$GENL" del-ifindex \
		"$(ip -n "$a" -o link show vpn0 | cut -d: -f1)"
	s2s_check "$who: ip link del of a tunnel is refused" \
		"$run" "$a" sh -c '! ip link del vpn0'
done
s2s_check_eq "namespace a is unchanged" "$(state "$a")" "$before"

# --- namespaces do not see each other -------------------------------------------
s2s_check "b sees its own vpn0" \
	sh -c "'$S2SCTL' -n '$b' -j tunnel show vpn0 | grep -q 198.51.100.2"
s2s_check "b does not see a's vpn0" \
	sh -c "! '$S2SCTL' -n '$b' -j tunnel show | grep -q 192.0.2"
s2s_check "b does not see a's SA" \
	sh -c "! '$S2SCTL' -n '$b' -j sa show | grep -qi '0x1001\|4097'"
s2s_check "b does not see a's segment" \
	sh -c "! '$S2SCTL' -n '$b' -j segment show | grep -q seg_a"
s2s_check "b does not see a's selector" \
	sh -c "! '$S2SCTL' -n '$b' -j selector show | grep -q 10.1.0.0"
s2s_check "b cannot name a's only_a" \
	refused_with 1 "" s2sctl -n "$b" tunnel show only_a
s2s_check "b cannot delete a's only_a" \
	refused_with 1 "" s2sctl -n "$b" tunnel del only_a
s2s_check "b cannot delete a's SA" \
	refused_with 1 "" s2sctl -n "$b" sa del vpn0 dir in spi 0x1001
s2s_check "b cannot delete a's segment" \
	refused_with 1 "" s2sctl -n "$b" segment del seg_a
s2s_check "b cannot delete a's selector" \
	refused_with 1 "" s2sctl -n "$b" selector del vpn0 id 1
# a's only_a by its ifindex, which names nothing in b (b has fewer links)
idx=$(ip -n "$a" -o link show only_a | cut -d: -f1)
s2s_check_eq "b has no link with a's only_a's ifindex" \
	"$(ip -n "$b" -o link show | cut -d: -f1 | grep -cx "$idx")" 0
s2s_check "b cannot get a's only_a by ifindex" \
	refused_with 1 "error 19:" ip netns exec "$b" python3 "$GENL" get-ifindex "$idx"
s2s_check "b cannot delete a's only_a by ifindex" \
	refused_with 1 "error 19:" ip netns exec "$b" python3 "$GENL" del-ifindex "$idx"
s2s_check "a tunnel cannot move to another namespace" \
	sh -c "! ip -n '$a' link set only_a netns '$b'"
s2s_check_eq "namespace a is unchanged" "$(state "$a")" "$before"

# Events stay in their namespace: a listener in b hears nothing of a's
# tunnel going up and down, a listener in a does (the control).
timeout 6 "$S2SCTL" -n "$a" monitor >"$S2S_TMP/ev_a" 2>&1 &
timeout 6 "$S2SCTL" -n "$b" monitor >"$S2S_TMP/ev_b" 2>&1 &
sleep 2
ip -n "$a" link set only_a up
ip -n "$a" link set only_a down
wait
s2s_check "a's listener hears a's tunnel state" grep -q only_a "$S2S_TMP/ev_a"
s2s_check_eq "b's listener hears nothing of a" "$(cat "$S2S_TMP/ev_b")" ""

# --- root of an unprivileged user namespace, in its own network namespace ----
s2s_defer eval "echo 65536 >$PARAMS/sa_max; echo 1024 >$PARAMS/segment_max"
echo 2 >$PARAMS/sa_max
echo 1 >$PARAMS/segment_max
cat >"$S2S_TMP/own.sh" <<EOF
set -e
s2sctl() { "$S2SCTL" "\$@"; }
ip link set lo up
s2sctl tunnel add u0 local 192.0.2.1 remote 192.0.2.2
s2sctl tunnel set u0 mtu 1300
s2sctl sa add u0 dir in spi 0x2001 $GCM_SH
s2sctl sa add u0 dir out spi 0x2002 $GCM_SH
echo "2 SAs added"
s2sctl sa add u0 dir in spi 0x2003 $GCM_SH && exit 10
echo "the 3rd SA is refused"
s2sctl segment add s1 mark 0x10
s2sctl segment add s2 mark 0x20 && exit 11
echo "the 2nd segment is refused"
echo 100 >$PARAMS/sa_max && exit 12
echo "sa_max cannot be raised"
s2sctl selector add u0 dir out src 10.0.0.0/8 dst 10.1.0.0/16
s2sctl -j tunnel show u0 | grep -q '"mtu":1300'
timeout 2 "$S2SCTL" monitor || [ \$? = 124 ]
echo "events heard"
s2sctl sa del u0 dir in spi 0x2001
s2sctl tunnel del u0
echo "all done"
EOF
out=$("${NOBODY[@]}" unshare -U -r -n bash "$S2S_TMP/own.sh" 2>&1)
rc=$?
s2s_result $rc "userns root manages its own namespace's tunnels, within the limits" "$out"
s2s_check_eq "the limits were not raised" "$(cat $PARAMS/sa_max)" 2
s2s_check_eq "namespace a is unchanged" "$(state "$a")" "$before"

s2s_exit
