#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Nested transmit: tunnel vpn1's underlay is routed through tunnel vpn0,
# and both fragment.  vpn1 runs between the two LAN addresses (10.1.0.1 and
# 10.2.0.1, reached through vpn0) and carries LANs 10.7/10.8.  The veth
# underlay has MTU 1300 while both tunnels keep a user MTU of 1400, so a
# 1400-byte non-DF packet is fragmented by vpn1 before encryption, and each
# of vpn1's ESP packets is fragmented again by vpn0, from inside vpn1's
# transmit.  Pings of that size, both ways, must arrive; no kernel warning.
# (Before the fix the fragmentation context lived in a per-CPU pointer
# that vpn0's nested transmit cleared: a NULL dereference.)

# shellcheck disable=SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq ping

LAN7=10.7.0.1
LAN8=10.8.0.1

# inner_tunnel NS LOCAL REMOTE LAN PEER_NET SPI_OUT SEED_OUT SPI_IN SEED_IN
inner_tunnel() {
	local ns=$1 l=$2 r=$3 lan=$4 peer=$5
	s2sctl -n "$ns" tunnel add vpn1 local "$l" remote "$r" &&
	esp_s2s_sa "$ns" vpn1 out "$6" gcm128-128 "$7" &&
	esp_s2s_sa "$ns" vpn1 in "$8" gcm128-128 "$9" &&
	ip -n "$ns" -batch - <<-EOT
	link add lan7 type dummy
	link set lan7 up
	addr add $lan/24 dev lan7
	link set vpn1 up
	route add $peer dev vpn1 src $lan
	EOT
}

setup() {
	esp_two_sites &&
	esp_s2s_tunnels 4 &&
	esp_s2s_sas gcm128-128 &&
	inner_tunnel "$a" $ESP_LAN4_A $ESP_LAN4_B $LAN7 10.8.0.0/24 0x3000 3 0x4000 4 &&
	inner_tunnel "$b" $ESP_LAN4_B $ESP_LAN4_A $LAN8 10.7.0.0/24 0x4000 4 0x3000 3
}
esp_do "two sites, vpn0 over the veth, vpn1 through vpn0" setup || s2s_exit

s2s_check "small ping through both tunnels" esp_ping "$a" $LAN8 2

mtus() {
	local ns
	for ns in "$a" "$b"; do
		ip -n "$ns" link set ul mtu 1300 &&
		ip -n "$ns" link set vpn0 mtu 1400 &&
		ip -n "$ns" link set vpn1 mtu 1400 || return 1
	done
}
s2s_check "underlay MTU 1300, vpn0 and vpn1 MTU 1400" mtus

ja0=$(esp_json "$a" vpn0)
j1a0=$(esp_json "$a" vpn1)
s2s_check "1400-byte non-DF pings, fragmented by vpn1 and again by vpn0" \
	esp_ping "$a" $LAN8 5 -M dont -s 1372
s2s_check "the same from the other site" \
	esp_ping "$b" $LAN7 5 -M dont -s 1372
ja1=$(esp_json "$a" vpn0)
j1a1=$(esp_json "$a" vpn1)
read -r tx0 tx1 <<<"$(esp_jq "$ja0" "$ja1" "$j1a0" "$j1a1" -- '
	[tstat($j1; "tx_packets") - tstat($j0; "tx_packets"),
	 tstat($j3; "tx_packets") - tstat($j2; "tx_packets")] | map(tostring) | join(" ")')"
s2s_log "site A sent: vpn1 $tx1 ESP packets, vpn0 $tx0"
# 5 requests and 5 replies: vpn1 sends at least 2 fragments per request,
# vpn0 at least 2 per vpn1 packet that carried a 1300+ byte fragment
esp_check_ge "vpn1 fragmented (A sent 10+ ESP packets)" "$tx1" 10
esp_check_ge "vpn0 fragmented vpn1's packets (A sent 15+)" "$tx0" 15
s2s_check "3000-byte pings (fragmented by the sender, then by both tunnels)" \
	esp_ping "$a" $LAN8 3 -s 3000

esp_check_dmesg "no kernel warning"
s2s_exit
