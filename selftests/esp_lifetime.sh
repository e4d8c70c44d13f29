#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# SA lifetimes and the events an IKE daemon rekeys on: packet limits fire
# soft then hard expiry (the SA is removed, the tunnel loses its carrier); an outbound SA never wraps its sequence number (seq_exhausted,
# seq-wrap event, state dead); time limits fire by themselves; tunnel up and
# down are reported.  "s2sctl -j monitor" in site A records the events.

# shellcheck disable=SC2016
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq ping

esp_do "two sites over a veth" esp_two_sites || s2s_exit
s2s_check "s2svpn tunnels over IPv4" esp_s2s_tunnels 4 || s2s_exit
# no IPv6 neighbour discovery or MLD on the tunnels: exact packet counts
for ns in "$a" "$b"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.vpn0.disable_ipv6=1
done

events=$(mktemp /tmp/esp-events.XXXXXX)
s2s_defer rm -f "$events"
s2sctl -j -n "$a" monitor >"$events" 2>&1 &
monitor=$!
s2s_defer kill "$monitor"
sleep 1

# has_event JQ_TEST: some recorded event satisfies JQ_TEST
has_event() {
	jq -e -s "any(.[]; $1)" "$events" >/dev/null 2>&1
}

# sa_exists NS DIR SPI
sa_exists() {
	s2sctl -j -n "$1" sa show vpn0 |
		jq -e "any(.[]; .dir == \"$2\" and .spi == $(($3)))" >/dev/null
}

# 1. packet limits on A's outbound SA: soft after 3 packets, hard after 6
s2s_check "SA pair, A->B limited to soft 3 / hard 6 packets" \
	esp_s2s_sa "$a" vpn0 out $ESP_SPI_AB gcm128-128 1 soft-packets 3 hard-packets 6
s2s_check "other SAs without limits" esp_s2s_sa "$a" vpn0 in $ESP_SPI_BA gcm128-128 2
s2s_check "site B SAs" esp_s2s_sa "$b" vpn0 in $ESP_SPI_AB gcm128-128 1
s2s_check "site B SAs (out)" esp_s2s_sa "$b" vpn0 out $ESP_SPI_BA gcm128-128 2

ip netns exec "$a" ping -q -n -c 10 -i 0.2 -W 1 -I $ESP_LAN4_A $ESP_LAN4_B >/dev/null 2>&1
spi_ab=$((ESP_SPI_AB))
s2s_check "soft expiry event (packets) for the outbound SA" s2s_wait 5 has_event \
	".event == \"sa-expire\" and .kind == \"soft\" and .limit == \"packets\" and .dir == \"out\" and .spi == $spi_ab and .tunnel == \"vpn0\""
s2s_check "hard expiry event (packets)" s2s_wait 5 has_event \
	".event == \"sa-expire\" and .kind == \"hard\" and .limit == \"packets\" and .spi == $spi_ab"
s2s_check "the hard-expired SA is removed" s2s_wait 5 s2s_fails sa_exists "$a" out $ESP_SPI_AB
j=$(esp_json "$a")
s2s_check_eq "exactly 6 packets were sent with it" \
	"$(esp_jq "$j" -- 'tstat($j0; "tx_packets")')" 6
# later packets are dropped: as no_out_sa, or before the tunnel once the
# carrier is off (tunnel_carrier.sh)
no_carrier() {
	ip -n "$a" -j link show vpn0 | jq -e '.[0].flags | index("LOWER_UP") == null'
}
s2s_check "no carrier without an outbound SA" s2s_wait 5 no_carrier

# 2. sequence numbers never wrap: start 2 below 2^32 without ESN
seqspi=0x1001
s2s_check "outbound SA starting at sequence 0xfffffffd" \
	esp_s2s_sa "$a" vpn0 out $seqspi gcm128-128 3 seq 0xfffffffd
s2s_check "its inbound twin on B" esp_s2s_sa "$b" vpn0 in $seqspi gcm128-128 3
ip netns exec "$a" ping -q -n -c 5 -i 0.2 -W 1 -I $ESP_LAN4_A $ESP_LAN4_B >/dev/null 2>&1
j=$(esp_json "$a")
s2s_check_eq "two packets used the last two sequence numbers" \
	"$(esp_jq "$j" -- "sastat(\$j0; \"out\"; $((seqspi)); \"tx_packets\")")" 2
s2s_check "the rest were dropped as seq_exhausted" \
	test "$(esp_jq "$j" -- "sastat(\$j0; \"out\"; $((seqspi)); \"drops.seq_exhausted\")")" -ge 1
s2s_check_eq "the SA is dead" "$(esp_jq "$j" -- "sa(\$j0; \"out\"; $((seqspi))).state")" dead
s2s_check_eq "its sequence number stopped at 2^32 - 1" \
	"$(esp_jq "$j" -- "sa(\$j0; \"out\"; $((seqspi))).seq")" 4294967295
s2s_check "seq-wrap event" s2s_wait 5 has_event \
	".event == \"seq-wrap\" and .dir == \"out\" and .spi == $((seqspi))"
s2s_check_eq "the receiver accepted both packets" \
	"$(esp_jq "$(esp_json "$b")" -- "sastat(\$j0; \"in\"; $((seqspi)); \"rx_packets\")")" 2
s2s_check_fail "an initial seq is refused on an inbound SA" \
	esp_s2s_sa "$b" vpn0 in 0x1002 gcm128-128 3 seq 5

# 3. time limits fire without traffic
s2s_check "SA with soft 1 s / hard 2 s" \
	esp_s2s_sa "$a" vpn0 out 0x1003 gcm128-128 4 soft-seconds 1 hard-seconds 2
s2s_check "soft expiry event (seconds)" s2s_wait 6 has_event \
	".event == \"sa-expire\" and .kind == \"soft\" and .limit == \"seconds\" and .spi == $((0x1003))"
s2s_check "hard expiry event (seconds)" s2s_wait 6 has_event \
	".event == \"sa-expire\" and .kind == \"hard\" and .limit == \"seconds\" and .spi == $((0x1003))"
s2s_check "the SA is removed" s2s_wait 5 s2s_fails sa_exists "$a" out 0x1003

# 4. tunnel state (up needs a valid outbound SA: carrier)
s2s_check "a new outbound SA" esp_s2s_sa "$a" vpn0 out 0x1004 gcm128-128 5
ip -n "$a" link set vpn0 down
ip -n "$a" link set vpn0 up
s2s_check "tunnel-state down event" s2s_wait 5 has_event \
	'.event == "tunnel-state" and .tunnel == "vpn0" and .state == "down"'
s2s_check "tunnel-state up event" s2s_wait 5 has_event \
	'.event == "tunnel-state" and .tunnel == "vpn0" and .state == "up"'

esp_check_dmesg "no kernel warning"
s2s_exit
