#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The key manager's policy mirroring (kmod/km_policy.c) without an IKE
# daemon: xfrm policies are added and deleted with "ip xfrm" as strongSwan
# installs them for a CHILD_SA with if_id_in/if_id_out 42 and, per segment,
# mark_in/mark_out.  A policy-mode s2svpn tunnel with "if-id 42" carries
# them as selectors of origin "ike":
#
#  - a policy's mark picks the segment with the same mark and mask
#    (dev 0x10/0xff, test 0x20/0xff); a policy without a mark has none;
#  - out policies become dir out selectors, the in and fwd pair one dir in
#    selector; the user cannot delete them;
#  - a marked policy with no such segment is not carried and is counted
#    (ike_sel_refused); policies of another if_id, or none, are not ours;
#  - deleting a policy removes its selector, a flush removes every mirrored
#    one and leaves the user's own selector alone;
#  - unbinding the if-id drops the mirrored selectors, binding it again
#    brings them back from xfrm's policy walk.

# shellcheck disable=SC2016,SC2317,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq

IFID=42
A4=$ESP_OUT4_A
B4=$ESP_OUT4_B

esp_do "two sites over a veth" esp_two_sites || s2s_exit
setup() {
	s2sctl -n "$a" segment add dev mark 0x10/0xff &&
	s2sctl -n "$a" segment add test mark 0x20/0xff &&
	s2sctl -n "$a" tunnel add vpn0 local $A4 remote $B4 mode policy if-id $IFID &&
	s2sctl -n "$a" selector add vpn0 dir out src 10.9.0.0/24 dst 10.19.0.0/24 action bypass
}
esp_do "segments dev and test, policy tunnel vpn0 with if-id $IFID, one user selector" setup || s2s_exit

# policy DIR SRC DST [EXTRA...]: one of A's policies, as charon adds them
policy() {
	local dir=$1 src=$2 dst=$3 l=$A4 r=$B4
	shift 3
	[ $dir = out ] || { l=$B4; r=$A4; }
	ip -n "$a" xfrm policy add src $src dst $dst dir $dir "$@" \
		tmpl src $l dst $r proto esp reqid 1 mode tunnel
}

# sels: vpn0's selectors of origin ike as sorted "DIR SRC DST SEGMENT"
sels() {
	s2sctl -j -n "$a" selector show vpn0 2>/dev/null |
		jq -r '.[] | select(.origin == "ike") |
			"\(.dir) \(.src) \(.dst) \(.segment // "-")"' | sort
}

# want_sels LINES: waits until the mirrored selectors are exactly LINES
want_sels() {
	s2s_wait 10 test "$(sels)" = "$(sort <<<"$1")"
	s2s_result $? "$2" "have: $(sels | tr '\n' ';') want: $(sort <<<"$1" | tr '\n' ';')"
}

refused() {
	s2sctl -j -n "$a" tunnel show vpn0 | jq -r '.[0].ike_sel_refused'
}

add_pairs() {
	policy out 10.1.1.0/24 10.11.1.0/24 mark 0x10 mask 0xff if_id $IFID &&
	policy in 10.11.1.0/24 10.1.1.0/24 mark 0x10 mask 0xff if_id $IFID &&
	policy fwd 10.11.1.0/24 10.1.1.0/24 mark 0x10 mask 0xff if_id $IFID &&
	policy out 10.1.2.0/24 10.11.2.0/24 mark 0x20 mask 0xff if_id $IFID &&
	policy in 10.11.2.0/24 10.1.2.0/24 mark 0x20 mask 0xff if_id $IFID &&
	policy fwd 10.11.2.0/24 10.1.2.0/24 mark 0x20 mask 0xff if_id $IFID &&
	policy out 10.1.3.0/24 10.11.3.0/24 if_id $IFID
}
s2s_check "policies of if_id $IFID: dev, test and unmarked pairs" add_pairs
all="out 10.1.1.0/24 10.11.1.0/24 dev
in 10.11.1.0/24 10.1.1.0/24 dev
out 10.1.2.0/24 10.11.2.0/24 test
in 10.11.2.0/24 10.1.2.0/24 test
out 10.1.3.0/24 10.11.3.0/24 -"
want_sels "$all" "mirrored: the mark picks the segment, in+fwd are one selector"
s2s_check_eq "nothing refused so far" "$(refused)" 0

s2s_log "$(s2sctl -n "$a" selector show vpn0 | head -12)"
id=$(s2sctl -j -n "$a" selector show vpn0 | jq -r '[.[] | select(.origin == "ike")][0].id')
out=$(s2sctl -n "$a" selector del vpn0 id "$id" 2>&1)
rc=$?
[ $rc = 1 ] && [ -n "$out" ] && sels | grep -q .
s2s_result $? "a mirrored selector cannot be deleted by hand (exit 1, the kernel's reason)" "$out (exit $rc)"

s2s_check "a policy marked 0x30/0xff (no such segment)" \
	policy out 10.1.4.0/24 10.11.4.0/24 mark 0x30 mask 0xff if_id $IFID
s2s_wait 10 test "$(refused)" -eq 1
s2s_result $? "it is refused and counted (ike_sel_refused $(refused))"
s2s_check_eq "and not carried" "$(sels)" "$(sort <<<"$all")"
n=$(refused)

s2s_check "policies of if_id 43 and of no if_id" eval \
	'policy out 10.1.5.0/24 10.11.5.0/24 if_id 43 && policy out 10.1.6.0/24 10.11.6.0/24'
# a policy of if_id 42 added after them marks when the walk has seen them
s2s_check "one more policy of if_id $IFID" policy out 10.1.7.0/24 10.11.7.0/24 if_id $IFID
all7="$all
out 10.1.7.0/24 10.11.7.0/24 -"
want_sels "$all7" "only the if_id $IFID policy is added"
s2s_check_eq "the others are not ours: nothing more refused" "$(refused)" "$n"

s2s_check "delete the dev out policy" ip -n "$a" xfrm policy delete \
	src 10.1.1.0/24 dst 10.11.1.0/24 dir out mark 0x10 mask 0xff if_id $IFID
want_sels "$(grep -v '^out 10.1.1.0/24' <<<"$all7")" "its selector goes, the rest stay"

s2s_check "tunnel set if-id 0" s2sctl -n "$a" tunnel set vpn0 if-id 0
want_sels "" "unbound: no mirrored selector"
s2s_check "tunnel set if-id $IFID again" s2sctl -n "$a" tunnel set vpn0 if-id $IFID
want_sels "$(grep -v '^out 10.1.1.0/24' <<<"$all7")" "bound again: the policies are walked and mirrored"

s2s_check "ip xfrm policy flush" ip -n "$a" xfrm policy flush
want_sels "" "flushed: no mirrored selector"
s2s_check_eq "the user's selector stays" \
	"$(s2sctl -j -n "$a" selector show vpn0 | jq -r '[.[] | select(.origin == "user")] | length')" 1

esp_check_dmesg "no kernel warning"
s2s_exit
