#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# RFC 2473 section 7.1 on a tunnel whose path cannot carry 1280 bytes of
# IPv6 plus ESP: the tunnel devices keep MTU 1280 (IPv6's minimum) while
# the underlay MTU is 1280 (IPv6 outer: an IPv6 link cannot go lower) or
# 1000 (IPv4 outer).  An inner IPv6 packet of at most 1280 bytes
# that does not fit the path is encrypted whole and the OUTER packet is
# fragmented (IPv4 outer: DF clear; IPv6 outer: the sender fragments), so
# IPv6 pings of 1248 bytes arrive, over both outer families.  Before the
# fix such packets got "packet too big" with MTU 1280, which the sender
# could not go below: a black hole.

# shellcheck disable=SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq ping

esp_do "two sites over a veth" esp_two_sites || s2s_exit

# small_path UNDERLAY_MTU: the tunnels keep 1280 (set first, so that it is
# the user's and the underlay change does not move it).
small_path() {
	local ns
	for ns in "$a" "$b"; do
		ip -n "$ns" link set vpn0 mtu 1280 &&
		ip -n "$ns" link set ul mtu "$1" || return 1
	done
}

# IPv6 outer first: an underlay below 1280 loses its IPv6 addresses.
for outer in 6 4; do
	ulmtu=1280
	[ $outer = 4 ] && ulmtu=1000
	tag="IPv$outer outer"
	if ip -n "$a" link show vpn0 >/dev/null 2>&1; then
		s2s_check "$tag: old tunnels deleted" sh -c "
			'$S2SCTL' -n '$a' tunnel del vpn0 && '$S2SCTL' -n '$b' tunnel del vpn0 &&
			ip -n '$a' link set ul mtu 1500 && ip -n '$b' link set ul mtu 1500"
	fi
	s2s_check "$tag: tunnels" esp_s2s_tunnels $outer || continue
	s2s_check "$tag: SAs" esp_s2s_sas gcm128-128 || continue
	s2s_check "$tag: IPv6 ping through the tunnel" esp_ping "$a" $ESP_LAN6_B 2
	s2s_check "$tag: underlay MTU $ulmtu, tunnel MTU 1280" small_path $ulmtu
	j0=$(esp_json "$a")
	s2s_check "$tag: 1248-byte IPv6 pings arrive (outer fragmented)" \
		esp_ping "$a" $ESP_LAN6_B 3 -s 1200
	s2s_check "$tag: and 1280-byte ones" esp_ping "$a" $ESP_LAN6_B 3 -s 1232
	s2s_check "$tag: IPv4 pings of 1200 bytes still arrive (inner fragmented)" \
		esp_ping "$a" $ESP_LAN4_B 2 -M dont -s 1172
	j1=$(esp_json "$a")
	s2s_check_eq "$tag: nothing counted as too_big" \
		"$(esp_jq "$j0" "$j1" -- 'tstat($j1; "drops.too_big") - tstat($j0; "drops.too_big")')" 0
done

esp_check_dmesg "no kernel warning"
s2s_exit
