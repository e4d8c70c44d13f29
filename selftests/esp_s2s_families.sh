#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# s2svpn to s2svpn, all four inner/outer family combinations: IPv4 and
# IPv6 inside, over an outer IPv4 and then an outer IPv6 tunnel (AES-GCM-128).
# For each: the ESP on the wire has the outer family, ping crosses, iperf3
# TCP runs both ways with nonzero throughput, and the tunnel byte counters
# of both sites account for it.

# shellcheck disable=SC2016,SC2317,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq ping iperf3 tcpdump

esp_do "two sites over a veth" esp_two_sites || s2s_exit
esp_do "iperf3 server on site B" esp_iperf_server "$b" || s2s_exit

IPERF_TIME=${IPERF_TIME:-2}

tunnels_over() {
	local outer=$1
	if ip -n "$a" link show vpn0 >/dev/null 2>&1; then
		s2sctl -n "$a" tunnel del vpn0 && s2sctl -n "$b" tunnel del vpn0 || return 1
	fi
	esp_s2s_tunnels "$outer" && esp_s2s_sas gcm128-128
}

for outer in 4 6; do
	s2s_check "outer IPv$outer: tunnels and SAs" tunnels_over $outer || continue
	json=$(esp_json "$a")
	s2s_log "outer IPv$outer: vpn0 $(esp_jq "$json" -- '$j0[0] | "local \(.local) remote \(.remote) mtu \(.mtu)"')"
	for inner in 4 6; do
		name="IPv$inner in IPv$outer"
		if [ $inner = 4 ]; then
			dst=$ESP_LAN4_B
		else
			dst=$ESP_LAN6_B
		fi
		if [ $outer = 4 ]; then
			filter="ip proto 50"
		else
			filter="ip6 proto 50"
		fi

		j0a=$(esp_json "$a")
		j0b=$(esp_json "$b")
		esp_sniff_start "$a" ul "$filter"
		s2s_check "$name: ping" esp_ping "$a" "$dst" 3
		esp_sniff_check "$name: ESP on the wire is IPv$outer"
		esp_check_iperf "$name: iperf3 A -> B" "$a" "$dst" -t "$IPERF_TIME"
		esp_check_iperf "$name: iperf3 B -> A (-R)" "$a" "$dst" -t "$IPERF_TIME" -R
		j1a=$(esp_json "$a")
		j1b=$(esp_json "$b")
		read -r atx arx btx brx <<<"$(esp_jq "$j0a" "$j1a" "$j0b" "$j1b" -- '
			[tstat($j1; "tx_bytes") - tstat($j0; "tx_bytes"),
			 tstat($j1; "rx_bytes") - tstat($j0; "rx_bytes"),
			 tstat($j3; "tx_bytes") - tstat($j2; "tx_bytes"),
			 tstat($j3; "rx_bytes") - tstat($j2; "rx_bytes")]
			| map(tostring) | join(" ")')"
		s2s_log "$name: A tx $atx rx $arx bytes, B tx $btx rx $brx bytes"
		# each direction carried at least one iperf3 run's data
		esp_check_ge "$name: A tx_bytes" "$atx" 100000
		esp_check_ge "$name: B rx_bytes" "$brx" 100000
		esp_check_ge "$name: B tx_bytes" "$btx" 100000
		esp_check_ge "$name: A rx_bytes" "$arx" 100000
	done
done

json=$(esp_json "$a")
s2s_log "A: $(esp_stats_line "$json")"
s2s_check_eq "no auth/replay/trailer/malformed drops on A" \
	"$(esp_jq "$json" -- '$j0[0].stats.drops | [.auth, .replay, .bad_trailer, .malformed] | add')" 0
esp_check_dmesg "no kernel warning"

s2s_exit
