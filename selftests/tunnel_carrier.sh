#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Carrier follows the outbound SA: a route-based tunnel has carrier only
# while it has a valid outbound SA.  Two tunnels join sites A and B (vpn0
# over IPv4, vpn1 over IPv6 outers); B's LAN is routed through vpn0
# (metric 10) and vpn1 (metric 20) with ignore_routes_with_linkdown, so
# when vpn0 loses its carrier its routes turn linkdown and traffic moves to
# vpn1.  vpn0's outbound SA hard-expires under four iperf3 TCP streams:
# exactly one soft and one hard expiry event, carrier off, routes linkdown,
# the streams carry on over vpn1; a new outbound SA brings vpn0 back;
# deleting the outbound SA takes the carrier away again.

# shellcheck disable=SC2016,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq ping iperf3

esp_do "two sites over a veth" esp_two_sites || s2s_exit

# tunnels without routes yet: vpn0 over IPv4, vpn1 over IPv6
tunnels() {
	s2sctl -n "$a" tunnel add vpn0 local $ESP_OUT4_A remote $ESP_OUT4_B &&
	s2sctl -n "$a" tunnel add vpn1 local $ESP_OUT6_A remote $ESP_OUT6_B &&
	s2sctl -n "$b" tunnel add vpn0 local $ESP_OUT4_B remote $ESP_OUT4_A &&
	s2sctl -n "$b" tunnel add vpn1 local $ESP_OUT6_B remote $ESP_OUT6_A &&
	ip -n "$a" link set vpn0 up && ip -n "$a" link set vpn1 up &&
	ip -n "$b" link set vpn0 up && ip -n "$b" link set vpn1 up
}
s2s_check "two tunnels on each site" tunnels || s2s_exit

events=$(mktemp /tmp/carrier-events.XXXXXX)
s2s_defer rm -f "$events"
s2sctl -j -n "$a" monitor >"$events" 2>&1 &
monitor=$!
s2s_defer kill "$monitor"
sleep 0.5

has_event() {
	jq -e -s "any(.[]; $1)" "$events" >/dev/null 2>&1
}
count_events() {
	jq -s "[.[] | select($1)] | length" "$events" 2>/dev/null
}
# carrier NS DEV: true or false (LOWER_UP)
carrier() {
	ip -n "$1" -j link show "$2" | jq -r '.[0].flags | index("LOWER_UP") != null'
}
state() {
	s2sctl -j -n "$1" tunnel show "$2" | jq -r '.[0].state'
}
# linkdown DEV: A's IPv4 and IPv6 routes to B's LAN through DEV are linkdown
linkdown() {
	ip -n "$a" -j route show "$ESP_NET4_B" dev "$1" |
		jq -e '.[0].flags | index("linkdown") != null' >/dev/null &&
	ip -n "$a" -6 -j route show "$ESP_NET6_B" dev "$1" |
		jq -e '.[0].flags | index("linkdown") != null' >/dev/null
}
route_dev() {
	ip -n "$a" -j route get "$ESP_LAN4_B" from "$ESP_LAN4_A" | jq -r '.[0].dev'
}
sas_a() {
	esp_sa_line vpn0 out 0x1000 gcm128-128 1 &&
	esp_sa_line vpn0 in 0x2000 gcm128-128 2 &&
	esp_sa_line vpn1 out 0x1100 gcm128-128 3 &&
	esp_sa_line vpn1 in 0x2100 gcm128-128 4
}
sas_b() {
	esp_sa_line vpn0 in 0x1000 gcm128-128 1 &&
	esp_sa_line vpn0 out 0x2000 gcm128-128 2 &&
	esp_sa_line vpn1 in 0x1100 gcm128-128 3 &&
	esp_sa_line vpn1 out 0x2100 gcm128-128 4
}
routes() {
	local lan4=$1 lan6=$2 net4=$3 net6=$4
	echo "route add $net4 dev vpn0 src $lan4 metric 10"
	echo "route add $net4 dev vpn1 src $lan4 metric 20"
	echo "route add $net6 dev vpn0 src $lan6 metric 10"
	echo "route add $net6 dev vpn1 src $lan6 metric 20"
}

s2s_check_eq "no carrier without an outbound SA" "$(carrier "$a" vpn0)" false
s2s_check_eq "state down without an outbound SA" "$(state "$a" vpn0)" down

s2s_check "SAs on A" s2sctl -n "$a" -b - <<<"$(sas_a)"
s2s_check "SAs on B" s2sctl -n "$b" -b - <<<"$(sas_b)"
s2s_check_eq "carrier with an outbound SA" "$(carrier "$a" vpn0)" true
s2s_check_eq "state up with an outbound SA" "$(state "$a" vpn0)" up
s2s_check "tunnel-state up event" s2s_wait 5 has_event \
	'.event == "tunnel-state" and .tunnel == "vpn0" and .state == "up"'

for ns in "$a" "$b"; do
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.ignore_routes_with_linkdown=1 \
		net.ipv6.conf.all.ignore_routes_with_linkdown=1
done
routes $ESP_LAN4_A $ESP_LAN6_A $ESP_NET4_B $ESP_NET6_B | ip -n "$a" -batch -
routes $ESP_LAN4_B $ESP_LAN6_B $ESP_NET4_A $ESP_NET6_A | ip -n "$b" -batch -
s2s_check "ping over vpn0" esp_ping "$a" $ESP_LAN4_B
s2s_check_eq "A routes to B's LAN through vpn0" "$(route_dev)" vpn0

# vpn0's outbound SA expires under a TCP stream: soft after 300, hard after
# 600 packets
s2s_check "vpn0 outbound SA with soft 300 / hard 600 packets" \
	esp_s2s_sa "$a" vpn0 out 0x1001 gcm128-128 5 soft-packets 300 hard-packets 600
s2s_check "B's inbound twin" esp_s2s_sa "$b" vpn0 in 0x1001 gcm128-128 5
vpn1_tx=$(esp_stat "$a" vpn1 tx_packets)
esp_iperf_server "$b"
s2s_check "4 TCP streams A->B survive the hard expiry (iperf3 -t 6 -P 4)" \
	esp_iperf "$a" $ESP_LAN4_B -t 6 -P 4 -B $ESP_LAN4_A
s2s_check_eq "exactly one soft expiry event" \
	"$(count_events '.event == "sa-expire" and .kind == "soft" and .spi == 4097')" 1
s2s_check_eq "exactly one hard expiry event" \
	"$(count_events '.event == "sa-expire" and .kind == "hard" and .spi == 4097')" 1
s2s_check_eq "vpn0 has no carrier" "$(carrier "$a" vpn0)" false
s2s_check_eq "vpn0 state down (tunnel show)" "$(state "$a" vpn0)" down
s2s_check "tunnel-state down event for vpn0" s2s_wait 5 has_event \
	'.event == "tunnel-state" and .tunnel == "vpn0" and .state == "down"'
s2s_check "vpn0's routes are linkdown (IPv4 and IPv6)" s2s_wait 5 linkdown vpn0
s2s_check_eq "A routes to B's LAN through vpn1" "$(route_dev)" vpn1
s2s_check "the stream moved to vpn1" \
	test "$(esp_stat "$a" vpn1 tx_packets)" -gt $((vpn1_tx + 100))
s2s_check "IPv4 ping over vpn1" esp_ping "$a" $ESP_LAN4_B
s2s_check "IPv6 ping over vpn1" esp_ping "$a" $ESP_LAN6_B

# a new outbound SA: carrier and routes come back
s2s_check "a new vpn0 outbound SA" esp_s2s_sa "$a" vpn0 out 0x1002 gcm128-128 6
s2s_check "B's inbound twin" esp_s2s_sa "$b" vpn0 in 0x1002 gcm128-128 6
s2s_check_eq "vpn0 has carrier again" "$(carrier "$a" vpn0)" true
s2s_check "vpn0's routes are no longer linkdown" s2s_wait 5 s2s_fails linkdown vpn0
s2s_check_eq "A routes to B's LAN through vpn0 again" "$(route_dev)" vpn0
vpn0_tx=$(esp_stat "$a" vpn0 tx_packets)
s2s_check "ping over vpn0" esp_ping "$a" $ESP_LAN4_B
s2s_check "it went through vpn0" \
	test "$(esp_stat "$a" vpn0 tx_packets)" -ge $((vpn0_tx + 3))

# deleting the outbound SA takes the carrier away
s2s_check "delete vpn0's outbound SA" s2sctl -n "$a" sa del vpn0 dir out spi 0x1002
s2s_check_eq "vpn0 has no carrier" "$(carrier "$a" vpn0)" false
s2s_check "vpn0's routes are linkdown again" s2s_wait 5 linkdown vpn0
s2s_check "ping over vpn1" esp_ping "$a" $ESP_LAN4_B

esp_check_dmesg "no kernel warning"
s2s_exit
