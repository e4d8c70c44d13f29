#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The key manager's walk of many xfrm policies (kmod/km_policy.c), which
# is resumed turn by turn (a batch of policies per turn under RTNL):
#
#  - 2400 policies in one namespace, of three interface IDs (42 and 43:
#    two policy-mode tunnels; 99: none), interleaved, so that one walk takes
#    many turns: each tunnel carries exactly its own, and the policies that
#    cannot be carried are counted once each over the whole walk;
#  - deleting every other policy of if_id 42: the walk's sweep removes
#    exactly those selectors;
#  - a tunnel deleted, and policies added, while walks are under way;
#  - another namespace's tunnel with the same if-id keeps its selector when
#    the first namespace is flushed, and the first ends with none.

# shellcheck disable=SC2016,SC2317,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq

A4=$ESP_OUT4_A
B4=$ESP_OUT4_B
N=2400

esp_do "two sites over a veth" esp_two_sites || s2s_exit
setup() {
	s2sctl -n "$a" tunnel add vpn0 local $A4 remote $B4 mode policy if-id 42 &&
	s2sctl -n "$a" tunnel add vpn1 local $A4 remote 198.51.100.43 mode policy if-id 43 &&
	s2sctl -n "$b" tunnel add vpn0 local $B4 remote $A4 mode policy if-id 42
}
esp_do "site a: tunnels vpn0 (if-id 42) and vpn1 (if-id 43); site b: vpn0 (if-id 42)" setup ||
	s2s_exit

# ike NS DEV: how many selectors of origin ike the tunnel has
ike() {
	s2sctl -j -n "$1" selector show "$2" 2>/dev/null |
		jq '[.[] | select(.origin == "ike")] | length'
}

refused() {
	s2sctl -j -n "$a" tunnel show vpn0 | jq -r '.[0].ike_sel_refused'
}

# policy I: the out policy number I of site a, as "ip -batch" reads it
# (if_id and mark by I: every 8th of if_id 42, of which every 50th has a
# mark no segment has; every 60th (from 1) of if_id 43; the rest if_id 99)
policy() {
	local i=$1 what=
	if [ $((i % 8)) = 0 ]; then
		what="if_id 42"
		[ $((i % 400)) = 0 ] && what="$what mark 0x70 mask 0xff"
	elif [ $((i % 60)) = 1 ]; then
		what="if_id 43"
	else
		what="if_id 99"
	fi
	echo "src 10.$((i / 250)).$((i % 250)).0/24 dst 10.200.0.0/16 dir out $what" \
		"tmpl src $A4 dst $B4 proto esp reqid 1 mode tunnel"
}

batch=$(mktemp)
# a test's cleanup runs at exit in lib.sh: the file goes with it
s2s_defer rm -f "$batch"
for ((i = 0; i < N; i++)); do
	echo "xfrm policy add $(policy $i)"
done >"$batch"
n42=$(grep -c 'if_id 42 tmpl' "$batch")
r42=$(grep -c 'if_id 42 mark' "$batch")
n43=$(grep -c 'if_id 43' "$batch")
s2s_check "$N policies added (if_id 42: $n42 + $r42 marked, 43: $n43, 99: the rest)" \
	ip -n "$a" -batch "$batch"

s2s_wait 60 test "$(ike "$a" vpn0)" = "$n42"
s2s_result $? "vpn0 carries the $n42 policies of if_id 42" "has $(ike "$a" vpn0)"
s2s_wait 30 test "$(ike "$a" vpn1)" = "$n43"
s2s_result $? "vpn1 carries the $n43 of if_id 43" "has $(ike "$a" vpn1)"
s2s_wait 30 test "$(refused)" = "$r42"
s2s_result $? "the $r42 marked ones (no such segment) are refused, each counted once" \
	"ike_sel_refused $(refused)"

# every other unmarked policy of if_id 42 goes
for ((i = 0; i < N; i += 16)); do
	[ $((i % 400)) = 0 ] && continue
	echo "xfrm policy delete src 10.$((i / 250)).$((i % 250)).0/24" \
		"dst 10.200.0.0/16 dir out if_id 42"
done >"$batch"
del=$(wc -l <"$batch")
s2s_check "delete $del of vpn0's policies" ip -n "$a" -batch "$batch"
s2s_wait 60 test "$(ike "$a" vpn0)" = "$((n42 - del))"
s2s_result $? "the sweep removes exactly those: $((n42 - del)) left" "has $(ike "$a" vpn0)"
s2s_check_eq "vpn1 keeps its $n43" "$(ike "$a" vpn1)" "$n43"

# changes while walks are under way: policies of if_id 99 come, vpn1 goes
for ((i = N; i < 2 * N; i++)); do
	echo "xfrm policy add src 10.$((i / 250)).$((i % 250)).0/24" \
		"dst 10.201.0.0/16 dir out if_id 99"
done >"$batch"
ip -n "$a" -batch "$batch" &
adder=$!
s2s_check "tunnel del vpn1 while policies are added" s2sctl -n "$a" tunnel del vpn1
wait $adder
s2s_result $? "$N more policies added meanwhile"
s2s_check "tunnel add vpn1 if-id 43 again" \
	s2sctl -n "$a" tunnel add vpn1 local $A4 remote 198.51.100.43 mode policy if-id 43
s2s_wait 60 test "$(ike "$a" vpn1)" = "$n43"
s2s_result $? "the new vpn1 carries the $n43 policies of if_id 43 again" "has $(ike "$a" vpn1)"
s2s_check_eq "vpn0 still carries $((n42 - del))" "$(ike "$a" vpn0)" "$((n42 - del))"

s2s_check "site b: one policy of if_id 42" ip -n "$b" xfrm policy add \
	src 10.11.0.0/24 dst 10.1.0.0/24 dir out if_id 42 \
	tmpl src $B4 dst $A4 proto esp reqid 1 mode tunnel
s2s_wait 30 test "$(ike "$b" vpn0)" = 1
s2s_result $? "site b's vpn0 carries it" "has $(ike "$b" vpn0)"

s2s_check "site a: ip xfrm policy flush" ip -n "$a" xfrm policy flush
s2s_wait 60 test "$(ike "$a" vpn0)/$(ike "$a" vpn1)" = 0/0
s2s_result $? "site a's tunnels carry none" "vpn0 $(ike "$a" vpn0), vpn1 $(ike "$a" vpn1)"
s2s_check_eq "site b's vpn0 keeps its selector" "$(ike "$b" vpn0)" 1

esp_check_dmesg "no kernel warning"
s2s_exit
