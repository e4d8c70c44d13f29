#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# s2svpn to s2svpn, every algorithm: two sites over a veth, an s2svpn
# tunnel on each; for AES-GCM-128 (ICV 64, 96, 128), AES-GCM-256 (ICV 128)
# and AES-CBC-128/256 with HMAC-SHA1-96, SHA2-256-128, SHA2-384-192 and
# SHA2-512-256 (plus ESN for one GCM and one CBC suite) the SAs are
# replaced, pings cross the tunnel both ways, and the tunnel and SA
# counters show the packets.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

s2s_require_cmd jq ping
s2s_require_s2sctl
s2s_require_module
esp_dmesg_mark

esp_do "two sites over a veth" esp_two_sites || s2s_exit
s2s_check "s2svpn tunnels over IPv4" esp_s2s_tunnels 4 || s2s_exit

# The SA as s2sctl shows it matches what was configured.
sa_shows() {
	local algo=$1 esn=$2 json want
	json=$(s2sctl -j -n "$a" sa show vpn0) || return 1
	case $algo in
	gcm*) want=".aead == \"rfc4106(gcm(aes))\" and .icv_bits == ${algo#*-}" ;;
	cbc*)
		local h=${algo#*-} t
		case $h in sha1) t=96 ;; sha256) t=128 ;; sha384) t=192 ;; sha512) t=256 ;; esac
		want=".enc == \"cbc(aes)\" and .auth == \"hmac($h)\" and .auth_trunc_bits == $t" ;;
	esac
	jq -e --argjson spi $((ESP_SPI_AB)) --argjson esn "$esn" \
		"[.[] | select(.dir == \"out\" and .spi == \$spi)] | length == 1 and
		 (.[0] | $want and .esn == \$esn)" <<<"$json" >/dev/null ||
		{ echo "$json"; return 1; }
}

# one_suite ALGO [esn]
one_suite() {
	local algo=$1 esn=false name=$1 opts=()
	if [ "${2:-}" = esn ]; then
		esn=true
		name="$algo esn"
		opts=(esn)
	fi

	s2s_check "$name: SAs added on both sites" esp_s2s_sas "$algo" "${opts[@]}" || return
	s2s_check "$name: sa show names the algorithm" sa_shows "$algo" "$esn"

	local atx arx btx brx sarx
	atx=$(esp_stat "$a" vpn0 tx_packets)
	arx=$(esp_stat "$a" vpn0 rx_packets)
	btx=$(esp_stat "$b" vpn0 tx_packets)
	brx=$(esp_stat "$b" vpn0 rx_packets)
	sarx=$(esp_sa_stat "$b" vpn0 in $ESP_SPI_AB rx_packets)

	s2s_check "$name: ping A -> B" esp_ping "$a" $ESP_LAN4_B 3
	s2s_check "$name: ping B -> A, 1300 bytes" esp_ping "$b" $ESP_LAN4_A 2 -s 1300
	s2s_check "$name: ping6 A -> B" esp_ping "$a" $ESP_LAN6_B 2

	esp_check_grew "$name: A tx_packets" "$atx" "$(esp_stat "$a" vpn0 tx_packets)" 7
	esp_check_grew "$name: B rx_packets" "$brx" "$(esp_stat "$b" vpn0 rx_packets)" 7
	esp_check_grew "$name: B tx_packets" "$btx" "$(esp_stat "$b" vpn0 tx_packets)" 7
	esp_check_grew "$name: A rx_packets" "$arx" "$(esp_stat "$a" vpn0 rx_packets)" 7
	esp_check_grew "$name: B's inbound SA rx_packets" "$sarx" \
		"$(esp_sa_stat "$b" vpn0 in $ESP_SPI_AB rx_packets)" 5
	s2s_log "A: $(esp_stats_line "$a" vpn0)"

	s2s_check "$name: SAs deleted" esp_s2s_sas_del
}

for algo in $ESP_ALGOS_ALL; do
	one_suite "$algo"
done
one_suite gcm128-128 esn
one_suite cbc256-sha256 esn

s2s_check_eq "no authentication or replay drops on A" \
	"$(esp_stat "$a" vpn0 drops.auth) $(esp_stat "$a" vpn0 drops.replay)" "0 0"
s2s_check_eq "no authentication or replay drops on B" \
	"$(esp_stat "$b" vpn0 drops.auth) $(esp_stat "$b" vpn0 drops.replay)" "0 0"
esp_check_dmesg "no kernel warning"

s2s_exit
