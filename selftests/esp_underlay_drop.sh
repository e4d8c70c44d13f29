#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# An encrypted packet that the underlay refuses after the route lookup is
# counted as underlay_drop, on the tunnel and on the SA, and in the
# device's tx_dropped; never as no_route, since the route was there.
# Two causes, one after the other, on site A of two GCM sites (IPv4
# outer, inner IPv4 and IPv6):
#   - an nftables rule in A's output hook drops outer ESP (ip_local_out()
#     returns -EPERM);
#   - a pfifo qdisc of limit 0 on A's underlay device drops every packet
#     (NET_XMIT_DROP).
# Each time exactly the echo requests sent are counted, nothing is sent,
# and once the cause is gone the tunnel works again.  Before the reason
# existed, both were counted as no_route, on the tunnel only.

# shellcheck disable=SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq nft ping tc

SPI_OUT=$((ESP_SPI_AB))
N=6			# echo requests per family and cause

setup() {
	esp_two_sites && esp_s2s_tunnels 4 && esp_s2s_sas gcm128-128
}
esp_do "two sites, s2svpn over IPv4, AES-GCM" setup || s2s_exit
s2s_check "ping through the tunnel" esp_ping "$a" $ESP_LAN4_B 2

# pings NS DST: N echo requests, 0.2 s apart; answers are not expected.
pings() {
	ip netns exec "$1" ping -q -n -c $N -i 0.2 -W 1 "$2" 2>&1 |
		grep -q "^$N packets transmitted"
}

# refused CAUSE: pings through A's tunnel while CAUSE holds; checks what
# the tunnel, its outbound SA and the device counted.
refused() {
	local cause=$1 ja0 ja1 la0 la1 d
	ja0=$(esp_json "$a")
	la0=$(ip -n "$a" -j -s link show vpn0)
	s2s_check "$cause: $N IPv4 echo requests sent into the tunnel" pings "$a" $ESP_LAN4_B
	s2s_check "$cause: $N IPv6 echo requests sent into the tunnel" pings "$a" $ESP_LAN6_B
	ja1=$(esp_json "$a")
	la1=$(ip -n "$a" -j -s link show vpn0)
	s2s_log "A: $(esp_stats_line "$ja1")"
	read -r -a d <<<"$(esp_jq "$ja0" "$ja1" -- "
		[tstat(\$j1; \"drops.underlay_drop\") - tstat(\$j0; \"drops.underlay_drop\"),
		 sastat(\$j1; \"out\"; $SPI_OUT; \"drops.underlay_drop\") -
		 sastat(\$j0; \"out\"; $SPI_OUT; \"drops.underlay_drop\"),
		 tstat(\$j1; \"drops.no_route\") - tstat(\$j0; \"drops.no_route\"),
		 tstat(\$j1; \"tx_packets\") - tstat(\$j0; \"tx_packets\")] |
		map(tostring) | join(\" \")")"
	s2s_check_eq "$cause: the tunnel counted every request as underlay_drop" \
		"${d[0]}" $((2 * N))
	s2s_check_eq "$cause: so did the outbound SA" "${d[1]}" $((2 * N))
	s2s_check_eq "$cause: nothing counted as no_route" "${d[2]}" 0
	s2s_check_eq "$cause: nothing counted as sent" "${d[3]}" 0
	s2s_check_eq "$cause: the device's tx_dropped grew by as much" \
		"$(jq -n --argjson x "$la0" --argjson y "$la1" \
			'$y[0].stats64.tx.dropped - $x[0].stats64.tx.dropped')" $((2 * N))
}

s2s_check "nftables: A's output hook drops outer ESP" \
	ip netns exec "$a" nft -f - <<-'EOF'
	table inet s2s_ul {
		chain out {
			type filter hook output priority 0;
			meta l4proto esp counter drop
		}
	}
	EOF
refused nftables
s2s_check_eq "nftables: its rule saw every request" \
	"$(ip netns exec "$a" nft -j list table inet s2s_ul |
		jq '[.nftables[].rule? // empty | .expr[] | .counter? // empty | .packets] | add')" \
	$((2 * N))
s2s_check "nftables: rule removed" ip netns exec "$a" nft delete table inet s2s_ul
s2s_check "nftables: the tunnel works again" esp_ping "$a" $ESP_LAN4_B 2

s2s_check "qdisc: pfifo of limit 0 on A's underlay device" \
	tc -n "$a" qdisc add dev ul root pfifo limit 0
refused qdisc
s2s_check "qdisc: removed" tc -n "$a" qdisc del dev ul root
s2s_check "qdisc: the tunnel works again" esp_ping "$a" $ESP_LAN6_B 2

esp_check_dmesg "no kernel warning"
s2s_exit
