#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# NAT-T cost: iperf3 TCP through one s2svpn tunnel pair (AES-GCM-128, outer
# IPv4, two namespaces on a veth), alternating plain ESP and ESP in UDP
# ("tunnel set ... encap udp" on both sites, same SAs) for ROUNDS rounds
# (default 3) of SECONDS (default 5) each, so that load drifting on the host
# hits both alike.  Runs inside the test VM:
#
#   S2S_MODULE=$PWD/build/$K/kmod/s2svpn.ko selftests/vm/run.sh -k $K bench/natt.sh
#
# Prints one KTAP line per run and a summary "plain X Mbit/s, udp Y Mbit/s,
# ratio Y/X" (medians).

# shellcheck disable=SC2154
. "$(dirname "$0")/../selftests/lib.sh"
. "$(dirname "$0")/../selftests/esp_lib.sh"

ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}

s2s_require_cmd jq iperf3
s2s_require_s2sctl
s2s_require_module

esp_do "two sites" esp_two_sites || s2s_exit
esp_do "tunnels" esp_s2s_tunnels 4 || s2s_exit
esp_do "SAs" esp_s2s_sas gcm128-128 || s2s_exit
esp_do "iperf3 server" esp_iperf_server "$b" || s2s_exit

encap() {
	s2sctl -n "$a" tunnel set vpn0 encap "$@" &&
		s2sctl -n "$b" tunnel set vpn0 encap "$@"
}

declare -A results
for ((r = 1; r <= ROUNDS; r++)); do
	for mode in none udp; do
		if [ $mode = udp ]; then
			encap udp keepalive 0 || s2s_exit
		else
			encap none || s2s_exit
		fi
		if bps=$(esp_iperf "$a" $ESP_LAN4_B -t "$SECONDS_PER_RUN"); then
			results[$mode]+=" $bps"
			s2s_result 0 "round $r encap $mode: $(esp_mbps "$bps") Mbit/s"
		else
			s2s_result 1 "round $r encap $mode" "$bps"
		fi
	done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
plain=$(median <<<"${results[none]}")
udp=$(median <<<"${results[udp]}")
s2s_log "plain $(esp_mbps "$plain") Mbit/s, udp $(esp_mbps "$udp") Mbit/s," \
	"ratio $(awk -v u="$udp" -v p="$plain" 'BEGIN { printf "%.2f", u / p }')" \
	"(medians of $ROUNDS, $(uname -r))"
s2s_exit
