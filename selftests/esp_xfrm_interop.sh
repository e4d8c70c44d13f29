#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Wire compatibility with Linux's native xfrm ESP.  Site A runs an s2svpn
# tunnel; site B uses nothing but ip xfrm and ip link, with the same keys
# and SPIs, as
#   (a) an XFRM interface (if_id 42),
#   (b) a VTI (key 7, policies with mark 7),
#   (c) a plain policy-based tunnel-mode peer (no interface),
# with AES-GCM-128, AES-GCM-256 and AES-256-CBC/HMAC-SHA-256-128, with and
# without ESN (all six for (a) and (c), two for (b)): IPv4 and IPv6 pings
# and iperf3 TCP both ways cross, and A's s2svpn SAs count the traffic.  Finally (a) again over an outer IPv6
# tunnel (inner IPv4 and IPv6).
#
# Native peer notes (NOTES.md): rfc4106 keys carry the salt; HMAC-SHA-256 is
# "auth-trunc ... 128" natively (s2sctl's "auth" uses the RFC length);
# ESN needs a replay window on native states; "flag af-unspec" leaves the
# state's inner selector open so one SA pair carries IPv4 and IPv6 inside;
# fwd policies are there for forwarded traffic.

# shellcheck disable=SC2016,SC2317,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq ping iperf3

IPERF_BYTES=${IPERF_BYTES:-512K}
IFID=42
VTI_KEY=7

esp_do "two sites over a veth" esp_two_sites || s2s_exit
esp_do "iperf3 server on site B" esp_iperf_server "$b" || s2s_exit
s2s_check "s2svpn tunnel on site A over IPv4" esp_s2s_tunnel "$a" $ESP_OUT4_A $ESP_OUT4_B \
	$ESP_NET4_B $ESP_NET6_B $ESP_LAN4_A $ESP_LAN6_A || s2s_exit

# a_sas ALGO ESN: replaces site A's SA pair (s2svpn).
a_has_sas=0
a_sas() {
	local opts=() batch=
	[ "$2" = 1 ] && opts=(esn)
	((a_has_sas)) && batch=$(printf 'sa del vpn0 dir out spi %s\nsa del vpn0 dir in spi %s\n' \
		"$ESP_SPI_AB" "$ESP_SPI_BA")
	batch+=$'\n'$(esp_sa_line vpn0 out "$ESP_SPI_AB" "$1" 1 "${opts[@]}")
	batch+=$'\n'$(esp_sa_line vpn0 in "$ESP_SPI_BA" "$1" 2 "${opts[@]}")
	s2sctl -n "$a" -b - <<<"$batch"
}

# b_kind KIND OUTER: site B's native interface (none for "policy") and its
# routes to site A's LAN, over outer IPv$OUTER.
b_kind() {
	local kind=$1 outer=$2 l r
	l=$(esp_outer b "$outer")
	r=$(esp_outer a "$outer")
	{
		echo "link del xfrm0"
		echo "link del vti0"
	} | ip -n "$b" -force -batch - >/dev/null 2>&1
	case $kind in
	xfrmi)
		ip -n "$b" -batch - <<-EOF
		link add xfrm0 type xfrm dev ul if_id $IFID
		link set xfrm0 up
		route replace "$ESP_NET4_A" dev xfrm0 src "$ESP_LAN4_B"
		route replace "$ESP_NET6_A" dev xfrm0 src "$ESP_LAN6_B"
		EOF
		;;
	vti)
		ip -n "$b" -batch - <<-EOF
		link add vti0 type vti local $l remote $r key $VTI_KEY
		link set vti0 up
		route replace "$ESP_NET4_A" dev vti0 src "$ESP_LAN4_B"
		route replace "$ESP_NET6_A" dev vti0 src "$ESP_LAN6_B"
		EOF
		;;
	policy)
		# the policies pick the traffic; the routes only pick the source
		ip -n "$b" -batch - <<-EOF
		route replace "$ESP_NET4_A" via "$ESP_OUT4_A" src "$ESP_LAN4_B"
		route replace "$ESP_NET6_A" via "$ESP_OUT6_A" src "$ESP_LAN6_B"
		EOF
		;;
	esac
}

# b_xfrm KIND OUTER ALGO ESN: site B's states and policies, replacing any.
b_xfrm() {
	local kind=$1 outer=$2 algo=$3 esn=$4 l r extra=() s_extra=()
	l=$(esp_outer b "$outer")
	r=$(esp_outer a "$outer")
	case $kind in
	xfrmi) extra=(if_id "$IFID") s_extra=(if_id "$IFID") ;;
	vti) extra=(mark "$VTI_KEY") ;;
	esac
	{
		echo "xfrm state flush"
		echo "xfrm policy flush"
		esp_xfrm_state_lines "$l" "$r" "$ESP_SPI_BA" 2 "$ESP_SPI_AB" 1 "$algo" "$esn" \
			"${s_extra[@]}"
		if [ "$kind" = policy ]; then
			esp_xfrm_policy_lines "$l" "$r" "$ESP_NET4_B" "$ESP_NET4_A"
			esp_xfrm_policy_lines "$l" "$r" "$ESP_NET6_B" "$ESP_NET6_A"
		else
			esp_xfrm_policy_lines "$l" "$r" 0.0.0.0/0 0.0.0.0/0 "${extra[@]}"
			esp_xfrm_policy_lines "$l" "$r" ::/0 ::/0 "${extra[@]}"
		fi
	} | ip -n "$b" -batch -
}

# Per combination: its name and A's "tunnel show" after its traffic.
names=()
docs=()
a_has_sas=0

# one KIND OUTER ALGO ESN
one() {
	local kind=$1 outer=$2 algo=$3 esn=$4 name
	name="$kind IPv$outer $algo$( ((esn)) && echo " esn")"

	s2s_check "$name: native states and policies on B" b_xfrm "$kind" "$outer" "$algo" "$esn" ||
		return
	s2s_check "$name: s2svpn SAs on A" a_sas "$algo" "$esn" || return
	a_has_sas=1
	esp_bg_start p4 esp_ping "$a" $ESP_LAN4_B 2
	esp_bg_start p6 esp_ping "$a" $ESP_LAN6_B 2
	esp_bg_check p4 "$name: ping A -> B"
	esp_bg_check p6 "$name: ping6 A -> B"
	esp_check_iperf "$name: iperf3 A -> B" "$a" $ESP_LAN4_B -n "$IPERF_BYTES"
	esp_check_iperf "$name: iperf3 B -> A" "$a" $ESP_LAN4_B -n "$IPERF_BYTES" -R
	names+=("$name")
	docs+=("$(esp_json "$a")")
}

a_native() { ip -n "$a" xfrm state list; ip -n "$a" xfrm policy list; }
# Every suite with and without ESN against the XFRM interface and the
# policy-based peer; the VTI (the same native ESP behind another interface
# kind) with two of them, to keep the run short.
for kind in xfrmi vti policy; do
	s2s_check "$kind: site B's interface and routes" b_kind $kind 4 || continue
	if [ $kind = vti ]; then
		one vti 4 gcm128-128 0
		one vti 4 cbc256-sha256 1
		continue
	fi
	for algo in gcm128-128 gcm256-128 cbc256-sha256; do
		for esn in 0 1; do
			one $kind 4 $algo $esn
		done
	done
done

# Outer IPv6: inner IPv4 and IPv6 over it, XFRM interface peer.
s2s_check "s2svpn tunnel on A moved to IPv6" sh -c "
	'$S2SCTL' -n '$a' tunnel del vpn0" && a_has_sas=0
s2s_check "s2svpn tunnel on site A over IPv6" esp_s2s_tunnel "$a" $ESP_OUT6_A $ESP_OUT6_B \
	$ESP_NET4_B $ESP_NET6_B $ESP_LAN4_A $ESP_LAN6_A &&
	s2s_check "xfrmi: site B's interface and routes over IPv6" b_kind xfrmi 6 &&
	one xfrmi 6 gcm128-128 1

# A's SAs counted the traffic of each combination: at least the pings and
# some iperf3 segments (1000 packets of IPERF_BYTES would be far more).
mapfile -t results <<<"$(printf '%s\n' "${docs[@]}" | jq -rs \
	--argjson ab $((ESP_SPI_AB)) --argjson ba $((ESP_SPI_BA)) '
	def sa(j; d; s): [j[0].sas[]? | select(.dir == d and .spi == s)][0];
	.[] | [(sa(.; "out"; $ab).stats.tx_packets // -1),
	       (sa(.; "in"; $ba).stats.rx_packets // -1),
	       (.[0].stats.drops | [.auth, .replay, .bad_trailer, .malformed] | add)]
	| map(tostring) | join(" ")' 2>&1)"
[ ${#results[@]} = ${#names[@]} ] || printf '# %s\n' "${results[@]}"
for i in "${!names[@]}"; do
	read -r tx rx bad <<<"${results[i]:-}"
	esp_check_ge "${names[i]}: A's outbound SA tx_packets" "${tx:-}" 50
	esp_check_ge "${names[i]}: A's inbound SA rx_packets" "${rx:-}" 50
	s2s_check_eq "${names[i]}: no auth/replay/trailer/malformed drops on A" "${bad:-}" 0
done

s2s_check_eq "site A used no native xfrm state or policy" "$(a_native 2>&1)" ""
esp_check_dmesg "no kernel warning"
s2s_exit
