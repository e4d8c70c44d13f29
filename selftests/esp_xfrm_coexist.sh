#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Native xfrm ESP keeps working with s2svpn loaded and busy, at the same
# time as an s2svpn tunnel:
#   - sites A and B: an s2svpn tunnel (LANs 10.1/10.2, SPIs 0x1000/0x2000)
#     and, between the same outer addresses, a plain policy-based native
#     tunnel (LANs 10.5/10.6, SPIs 0x5000/0x6000): ESP for an SPI that
#     s2svpn does not own, arriving from its tunnel's remote, must go to
#     the kernel's own ESP;
#   - sites C and D, over their own veth: native XFRM interfaces (if_id 42)
#     that use the very SPIs of the s2svpn tunnel (with other keys): SAs
#     are per namespace.
# iperf3 runs through all three tunnels at once; every one passes traffic;
# s2svpn's counters stay within what its own tunnel carried and show no
# unknown-SPI drops; the native states count their packets and xfrm's
# error counters stay zero.

# shellcheck disable=SC2016,SC2317,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq ping iperf3

IFID=42
LAN2_A=10.5.0.1
LAN2_B=10.6.0.1
LAN_C=10.3.0.1
LAN_D=10.4.0.1
OUT_C=198.51.100.1
OUT_D=198.51.100.2
IPERF_TIME=${IPERF_TIME:-3}

# --- A and B: s2svpn plus a native policy-based tunnel ------------------------
policy_tunnel() {
	local ns=$1 l=$2 r=$3 mine=$4 peer=$5 lan=$6 so=$7 eo=$8 si=$9 ei=${10}
	{
		esp_words link add lan2 type dummy
		esp_words link set lan2 up
		esp_words addr add "$lan/24" dev lan2
		esp_words route add "$peer" via "$r" src "$lan"
		esp_xfrm_state_lines "$l" "$r" "$so" "$eo" "$si" "$ei" gcm128-128 0
		esp_xfrm_policy_lines "$l" "$r" "$mine" "$peer"
	} | ip -n "$ns" -batch -
}

ab() {
	esp_two_sites &&
	esp_s2s_tunnels 4 &&
	esp_s2s_sas gcm128-128 &&
	policy_tunnel "$a" $ESP_OUT4_A $ESP_OUT4_B 10.5.0.0/24 10.6.0.0/24 $LAN2_A \
		0x5000 5 0x6000 6 &&
	policy_tunnel "$b" $ESP_OUT4_B $ESP_OUT4_A 10.6.0.0/24 10.5.0.0/24 $LAN2_B \
		0x6000 6 0x5000 5
}

# --- C and D: native XFRM interfaces with s2svpn's SPIs ---------------------
xfrmi_site() {
	local ns=$1 l=$2 r=$3 lan=$4 peer=$5 so=$6 eo=$7 si=$8 ei=$9
	{
		esp_words addr add "$l/24" dev ul
		esp_words link add lan type dummy
		esp_words link set lan up
		esp_words addr add "$lan/24" dev lan
		esp_words link add xfrm0 type xfrm dev ul if_id $IFID
		esp_words link set xfrm0 up
		esp_words route add "$peer" dev xfrm0 src "$lan"
		esp_xfrm_state_lines "$l" "$r" "$so" "$eo" "$si" "$ei" gcm128-128 0 if_id $IFID
		esp_xfrm_policy_lines "$l" "$r" 0.0.0.0/0 0.0.0.0/0 if_id $IFID
	} | ip -n "$ns" -batch -
}

cd_sites() {
	s2s_setup_ns c d || return 1
	s2s_veth "$c" ul "$d" ul &&
	xfrmi_site "$c" $OUT_C $OUT_D $LAN_C 10.4.0.0/24 $ESP_SPI_AB 3 $ESP_SPI_BA 4 &&
	xfrmi_site "$d" $OUT_D $OUT_C $LAN_D 10.3.0.0/24 $ESP_SPI_BA 4 $ESP_SPI_AB 3
}

# xfrm_errors NS: the nonzero error counters of /proc/net/xfrm_stat.
xfrm_errors() {
	ip netns exec "$1" cat /proc/net/xfrm_stat | awk '$2 != 0 { print $1 "=" $2 }'
}

# state_packets NS SRC DST SPI: packets a native state has processed.
state_packets() {
	ip -n "$1" -s xfrm state get src "$2" dst "$3" proto esp spi "$4" |
		sed -n '/lifetime current:/{n;s/.*(bytes), *\([0-9]*\)(packets).*/\1/p}'
}

esp_do "sites A and B: s2svpn and a native policy tunnel" ab || s2s_exit
esp_do "sites C and D: native XFRM interfaces" cd_sites || s2s_exit
servers() {
	esp_iperf_server "$b" "" 5201 && esp_iperf_server "$b" "" 5202 &&
	esp_iperf_server "$d" "" 5201
}
esp_do "iperf3 servers on B (two) and D" servers || s2s_exit

s2s_check "s2svpn tunnel alone: ping" esp_ping "$a" $ESP_LAN4_B 2
s2s_check "native policy tunnel alone: ping" esp_ping "$a" $LAN2_B 2
s2s_check "native XFRM interface alone: ping" esp_ping "$c" $LAN_D 2

j0a=$(esp_json "$a")
j0b=$(esp_json "$b")
pol0=$(state_packets "$b" $ESP_OUT4_A $ESP_OUT4_B 0x5000)
xi0=$(state_packets "$d" $OUT_C $OUT_D $ESP_SPI_AB)

esp_bg_start s2s esp_iperf "$a" $ESP_LAN4_B -t "$IPERF_TIME" -p 5201
esp_bg_start pol esp_iperf "$a" $LAN2_B -t "$IPERF_TIME" -p 5202
esp_bg_start xfi esp_iperf "$c" $LAN_D -t "$IPERF_TIME" -p 5201
esp_bg_start ping6 esp_ping "$a" $ESP_LAN6_B 5
esp_bg_check s2s "at once: iperf3 through the s2svpn tunnel"
esp_bg_check pol "at once: iperf3 through the native policy tunnel"
esp_bg_check xfi "at once: iperf3 through the native XFRM interfaces"
esp_bg_check ping6 "at once: IPv6 ping through the s2svpn tunnel"

j1a=$(esp_json "$a")
j1b=$(esp_json "$b")
pol1=$(state_packets "$b" $ESP_OUT4_A $ESP_OUT4_B 0x5000)
xi1=$(state_packets "$d" $OUT_C $OUT_D $ESP_SPI_AB)

read -r btx arx atx brx nosa bad <<<"$(esp_jq "$j0a" "$j1a" "$j0b" "$j1b" -- '
	[tstat($j3; "tx_packets") - tstat($j2; "tx_packets"),
	 tstat($j1; "rx_packets") - tstat($j0; "rx_packets"),
	 tstat($j1; "tx_packets") - tstat($j0; "tx_packets"),
	 tstat($j3; "rx_packets") - tstat($j2; "rx_packets"),
	 tstat($j1; "drops.no_sa") + tstat($j3; "drops.no_sa"),
	 ([$j1, $j3] | map(.[0].stats.drops | .auth + .replay + .bad_trailer +
	                   .malformed + .outer_mismatch) | add)]
	| map(tostring) | join(" ")')"
s2s_log "s2svpn: A tx $atx rx $arx, B tx $btx rx $brx packets; native: policy $((pol1 - pol0)), xfrmi $((xi1 - xi0)) packets"
esp_check_ge "s2svpn carried its own traffic (A tx)" "$atx" 20
s2s_check "s2svpn A received no more than B's tunnel sent" test "$arx" -le "$btx"
s2s_check "s2svpn B received no more than A's tunnel sent" test "$brx" -le "$atx"
s2s_check_eq "s2svpn counted no native packet as unknown SPI" "$nosa" 0
s2s_check_eq "s2svpn: no auth/replay/trailer/malformed/outer drops" "$bad" 0
esp_check_grew "native policy tunnel: B's inbound state counted packets" "${pol0:--1}" "${pol1:--1}" 20
esp_check_grew "native XFRM interface: D's inbound state counted packets" "${xi0:--1}" "${xi1:--1}" 20
for ns in "$a" "$b" "$c" "$d"; do
	s2s_check_eq "no xfrm error counter in ${ns%%-*}" "$(xfrm_errors "$ns")" ""
done
s2s_check_eq "no s2svpn interface in C or D" \
	"$( (ip -n "$c" -d link show; ip -n "$d" -d link show) | grep -c s2svpn)" 0

esp_check_dmesg "no kernel warning"
s2s_exit
