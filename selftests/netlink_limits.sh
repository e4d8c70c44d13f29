#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The netlink API's hardening: only CAP_NET_ADMIN over the namespace may
# listen to events; every command validates its header, flags and
# attributes strictly; the per-namespace SA and segment limits refuse the
# one too many with a clear message; and the uapi's limits and algorithm
# rules are refused alike by s2sctl (exit 2, naming the word) and by the
# kernel (extended ack) when a request bypasses s2sctl.

# shellcheck disable=SC2154  # lib.sh's s2s_setup_ns sets $a and $b
. "$(dirname "$0")/lib.sh"

GENL="$S2S_TOP/selftests/tools/s2s_genl.py"
KEY16=0x00112233445566778899aabbccddeeff
KEY32=$KEY16${KEY16#0x}
KEY20=${KEY16}01020304
PARAMS=/sys/module/s2svpn/parameters

s2s_require_cmd python3 unshare timeout
s2s_require_s2sctl
s2s_require_module
s2s_setup_ns a b

# genl NS REQUEST...: s2s_genl.py in NS
genl() {
	local ns=$1
	shift
	ip netns exec "$ns" python3 "$GENL" "$@"
}

# refused_with WANT_RC PATTERN CMD...: CMD exits WANT_RC and says PATTERN
refused_with() {
	local want=$1 pattern=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	echo "$out"
	[ "$rc" = "$want" ] && grep -q -- "$pattern" <<<"$out"
}

for ns in "$a" "$b"; do
	s2s_check "tunnel in $ns" \
		s2sctl -n "$ns" tunnel add vpn0 local 192.0.2.1 remote 192.0.2.2
done

# --- events need CAP_NET_ADMIN ------------------------------------------------
# Joined, the monitor waits for events until timeout kills it (124).
s2s_check "root may listen to events" \
	refused_with 124 "" timeout 3 "$S2SCTL" -n "$a" monitor
s2s_check "a process without CAP_NET_ADMIN over the namespace may not" \
	refused_with 1 "needs CAP_NET_ADMIN" \
	timeout 10 ip netns exec "$a" unshare -U "$S2SCTL" monitor

# --- strict validation of every command ---------------------------------------
s2s_check "a well-formed request" genl "$a" version
s2s_check "genlmsghdr.reserved not 0: refused" \
	refused_with 1 "reserved field is not 0" genl "$a" reserved
s2s_check "a flag the command does not take: refused" \
	refused_with 1 "reserved bits set in nlmsg_flags" genl "$a" flags
s2s_check "an attribute the command does not take: refused" \
	refused_with 1 "error 22" genl "$a" extra-attr
s2s_check "a read-only attribute: refused" \
	refused_with 1 "error 22" genl "$a" read-only vpn0

# --- the uapi's rules, in s2sctl and in the kernel ----------------------------
sa_out=(sa add vpn0 dir out spi 0x3000 enc 'cbc(aes)' "$KEY16")
s2s_check "s2sctl: hmac(sha256) truncated to 64 bits is bad usage" \
	refused_with 2 '"64"' s2sctl -n "$a" "${sa_out[@]}" auth-trunc 'hmac(sha256)' "$KEY32" 64
s2s_check "kernel: hmac(sha256) truncated to 64 bits is refused" \
	refused_with 1 "ICV length not used by peers" genl "$a" trunc vpn0 'hmac(sha256)' 64
s2s_check "kernel: hmac(sha1) truncated to 128 bits is refused" \
	refused_with 1 "ICV length not used by peers" genl "$a" trunc vpn0 'hmac(sha1)' 128
s2s_check "s2sctl: hmac(sha256) with the legacy 96 bits" \
	s2sctl -n "$a" "${sa_out[@]}" auth-trunc 'hmac(sha256)' "$KEY32" 96
s2s_check "kernel: hmac(sha256) with the legacy 96 bits" \
	genl "$a" trunc vpn0 'hmac(sha256)' 96
s2s_check "delete it" s2sctl -n "$a" sa del vpn0 dir out spi 0x2000
s2s_check "kernel: hmac(sha384) with RFC 4868's 192 bits" \
	genl "$a" trunc vpn0 'hmac(sha384)' 192
s2s_check "s2sctl: a 32-bit GCM ICV is bad usage" \
	refused_with 2 '"32"' s2sctl -n "$a" sa add vpn0 dir out spi 0x3001 \
	aead 'rfc4106(gcm(aes))' "$KEY20" 32
s2s_check "kernel: a 32-bit GCM ICV is refused" \
	refused_with 1 "ICV must be 64, 96 or 128" genl "$a" icv vpn0 32
s2s_check "s2sctl: MTU 65423 is bad usage" \
	refused_with 2 '"65423"' s2sctl -n "$a" tunnel set vpn0 mtu 65423
s2s_check "kernel: MTU 65423 is refused" \
	refused_with 1 "error 22" genl "$a" mtu vpn0 65423
s2s_check "s2sctl: MTU 65422" s2sctl -n "$a" tunnel set vpn0 mtu 65422
s2s_check "kernel: MTU 65422" genl "$a" mtu vpn0 65422
name31=abcdefghijklmnopqrstuvwxyz01234
s2s_check "s2sctl: a 32-character segment name is bad usage" \
	refused_with 2 "${name31}5" s2sctl -n "$a" segment add "${name31}5" mark 7
s2s_check "kernel: a 32-character segment name is refused" \
	refused_with 1 "error 22" genl "$a" segment "${name31}5"
s2s_check "kernel: a 31-character segment name" genl "$a" segment "$name31"
s2s_check "s2sctl: a 31-character segment name" \
	s2sctl -n "$a" segment del "$name31"

# --- every s2sctl command passes the strict checks ---------------------------
s2s_check "version" s2sctl -n "$a" version
s2s_check "tunnel show (dump)" s2sctl -n "$a" tunnel show
s2s_check "tunnel show NAME (do)" s2sctl -n "$a" -j tunnel show vpn0
s2s_check "tunnel set" s2sctl -n "$a" tunnel set vpn0 mark 0x5/0xff mtu 0
s2s_check "sa show (dump)" s2sctl -n "$a" sa show
s2s_check "sa show NAME (filtered dump)" s2sctl -n "$a" -j sa show vpn0
s2s_check "segment add" s2sctl -n "$a" segment add seg1 mark 0x100/0xf00
s2s_check_eq "segment show (dump)" \
	"$(s2sctl -n "$a" -j segment show | grep -o '"seg1"')" '"seg1"'
s2s_check "segment del" s2sctl -n "$a" segment del seg1
s2s_check "selector add" s2sctl -n "$a" selector add vpn0 \
	dir out src 10.0.0.0/8 dst 10.1.0.0/16
s2s_check "selector show (dump)" s2sctl -n "$a" selector show
s2s_check "selector show NAME (filtered dump)" s2sctl -n "$a" -j selector show vpn0
s2s_check "selector del" s2sctl -n "$a" selector del vpn0 id 1
s2s_check "a batch" sh -c "printf 'segment add s1 mark 1\nsegment del s1\n' |
	'$S2SCTL' -n '$a' -b -"

# --- per-namespace limits -----------------------------------------------------
s2s_check_eq "sa_max defaults to S2S_SAS_MAX" "$(cat $PARAMS/sa_max)" 65536
s2s_check_eq "segment_max defaults to S2S_SEGMENTS_MAX" \
	"$(cat $PARAMS/segment_max)" 1024
s2s_defer eval "echo 65536 >$PARAMS/sa_max; echo 1024 >$PARAMS/segment_max"

# a holds one outbound SA from above; the limit counts every SA
echo 3 >$PARAMS/sa_max
gcm=(aead 'rfc4106(gcm(aes))' "$KEY20" 128)
s2s_check "SA 2 of 3" s2sctl -n "$a" sa add vpn0 dir in spi 0x1001 "${gcm[@]}"
s2s_check "SA 3 of 3" s2sctl -n "$a" sa add vpn0 dir in spi 0x1002 "${gcm[@]}"
s2s_check "SA 4 of 3 is refused" \
	refused_with 1 "maximum number of SAs" \
	s2sctl -n "$a" sa add vpn0 dir in spi 0x1003 "${gcm[@]}"
s2s_check "replacing the outbound SA at the limit (rekey)" \
	s2sctl -n "$a" sa add vpn0 dir out spi 0x2002 "${gcm[@]}"
s2s_check "another namespace has its own count" \
	s2sctl -n "$b" sa add vpn0 dir in spi 0x1003 "${gcm[@]}"
s2s_check "deleting an SA makes room" s2sctl -n "$a" sa del vpn0 dir in spi 0x1002
s2s_check "then the SA is taken" s2sctl -n "$a" sa add vpn0 dir in spi 0x1003 "${gcm[@]}"

echo 2 >$PARAMS/segment_max
s2s_check "segment 1 of 2" s2sctl -n "$a" segment add dev mark 0x10
s2s_check "segment 2 of 2" s2sctl -n "$a" segment add test mark 0x20
s2s_check "segment 3 of 2 is refused" \
	refused_with 1 "maximum number of segments" \
	s2sctl -n "$a" segment add prod mark 0x30
s2s_check "another namespace has its own count" \
	s2sctl -n "$b" segment add prod mark 0x30
s2s_check "deleting a segment makes room" s2sctl -n "$a" segment del dev
s2s_check "then the segment is taken" s2sctl -n "$a" segment add prod mark 0x30

s2s_exit
