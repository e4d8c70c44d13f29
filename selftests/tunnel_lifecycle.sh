#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Tunnel interfaces (no SAs yet): s2sctl tunnel add/show/del in one
# namespace and in two at once; deleting a namespace that holds tunnels
# leaves nothing behind; unloading the module removes the tunnels left.

. "$(dirname "$0")/lib.sh"

s2s_require_cmd jq
s2s_require_s2sctl
s2s_require_module
s2s_setup_ns a b c

# show_json NS [NAME]
show_json() {
	local ns=$1
	shift
	s2sctl -j -n "$ns" tunnel show "$@"
}

# count_tunnels NS: how many s2svpn links NS holds ("" = the initial one)
count_tunnels() {
	ip ${1:+-n "$1"} -d -j link show | jq '[.[] | select(.linkinfo.info_kind == "s2svpn")] | length'
}

# --- one namespace -----------------------------------------------------------
s2s_check "add an IPv4 tunnel" \
	s2sctl -n "$a" tunnel add s2s0 local 192.0.2.1 remote 198.51.100.1
s2s_check "add an IPv6 tunnel" \
	s2sctl -n "$a" tunnel add s2s1 local 2001:db8::1 remote 2001:db8::2
s2s_check "the interfaces exist" ip -n "$a" link show s2s1
s2s_check_eq "show lists both" "$(show_json "$a" | jq -c '[.[].name] | sort')" '["s2s0","s2s1"]'

json=$(show_json "$a" s2s0)
ifindex=$(ip -n "$a" -j link show s2s0 | jq '.[0].ifindex')
s2s_check_eq "show NAME: name, addresses, mode" \
	"$(jq -c '.[0] | [.name, .local, .remote, .mode]' <<<"$json")" \
	'["s2s0","192.0.2.1","198.51.100.1","route"]'
s2s_check_eq "show NAME: the interface's ifindex" "$(jq '.[0].ifindex' <<<"$json")" "$ifindex"
s2s_check "show NAME: state and mtu" jq -e '.[0] | has("state") and (.mtu | type == "number")' <<<"$json"
s2s_check "plain show" s2sctl -n "$a" tunnel show

s2s_check_fail "a second tunnel of the same name is refused" \
	s2sctl -n "$a" tunnel add s2s0 local 192.0.2.1 remote 198.51.100.9
s2s_check_fail "a bad address is refused" \
	s2sctl -n "$a" tunnel add s2s9 local 192.0.2.300 remote 198.51.100.1

s2s_check "delete" s2sctl -n "$a" tunnel del s2s0
s2s_check_fail "the interface is gone" ip -n "$a" link show s2s0
s2s_check_fail "deleting it again fails" s2sctl -n "$a" tunnel del s2s0
s2s_check_eq "show lists the rest" "$(show_json "$a" | jq -c '[.[].name]')" '["s2s1"]'
s2s_check "ip link del removes a tunnel too" ip -n "$a" link del s2s1
s2s_check_eq "show lists nothing" "$(show_json "$a" | jq length)" 0

# --- two namespaces at once --------------------------------------------------
s2s_check "the same name in two namespaces" sh -c "
	'$S2SCTL' -n '$a' tunnel add s2s0 local 192.0.2.1 remote 192.0.2.2 &&
	'$S2SCTL' -n '$b' tunnel add s2s0 local 192.0.2.2 remote 192.0.2.1"
s2s_check_eq "each namespace shows its own" \
	"$(show_json "$a" | jq -r '.[].local') $(show_json "$b" | jq -r '.[].local')" \
	"192.0.2.1 192.0.2.2"
s2s_check_eq "the initial namespace has none" "$(count_tunnels)" 0
s2s_check "delete in one namespace" s2sctl -n "$b" tunnel del s2s0
s2s_check_eq "the other keeps its tunnel" "$(show_json "$a" | jq length)" 1

# --- deleting a namespace that holds tunnels ------------------------------
s2s_check "three tunnels in a namespace" sh -c "
	for i in 0 1 2; do
		'$S2SCTL' -n '$c' tunnel add s2s\$i local 10.0.0.1 remote 10.0.1.\$i || exit
	done"
# The namespace dies asynchronously; a veth into it dies with it and tells
# when its devices have been dealt with.
s2s_check "veth from a into the namespace" s2s_veth "$a" to-c "$c" to-a
s2s_check "delete the namespace" ip netns del "$c"
s2s_check "its devices are gone" s2s_wait 30 s2s_fails ip -n "$a" link show to-c
s2s_check_eq "no tunnel moved to the initial namespace" "$(count_tunnels)" 0
s2s_check_eq "other namespaces keep theirs" "$(show_json "$a" | jq length)" 1

# --- unloading with tunnels present ---------------------------------------
s2s_check "tunnels in the initial namespace and in b" sh -c "
	'$S2SCTL' tunnel add s2s5 local 10.0.0.1 remote 10.0.0.2 &&
	'$S2SCTL' -n '$b' tunnel add s2s5 local 10.0.0.1 remote 10.0.0.2"
s2s_check "rmmod with tunnels present" rmmod s2svpn
s2s_check_fail "tunnel gone from the initial namespace" ip link show s2s5
s2s_check_fail "tunnel gone from a" ip -n "$a" link show s2s0
s2s_check_fail "tunnel gone from b" ip -n "$b" link show s2s5

s2s_exit
