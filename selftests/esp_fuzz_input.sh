#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# ESP input fuzzing with a known key.  Site B gets a second inbound SA
# (SPI 0x3000, AES-GCM-128) whose key tools/espfuzz.py knows: from site
# A's namespace it sends, over a raw IPv4 socket, packets for that SA that
# authenticate but are malformed inside (padding bytes, pad length beyond
# the payload, unknown next headers, empty payloads, truncated inner
# headers, IPv4 ihl, total length and header checksum wrong, IPv6 payload
# length beyond the packet), well-formed controls (IPv4 options, TFC
# padding, inner fragments, outer fragments, outer DSCP/TTL), outer CE
# on a not-ECT inner packet, and packets that do not authenticate (one
# bit flipped, random lengths and bytes), plus random SPIs.  Every packet
# that reaches the SA must move exactly the counter the generator expects
# for it (rx_packets or one drop reason), the counters must add up to
# what was sent, the random SPIs go to xfrm (XfrmInNoStates), the real
# tunnel (SPI 0x1000/0x2000) still carries a ping afterwards, and the
# kernel logs no warning.
#
# Fails without the receive-side inner header check (kmod/input.c
# s2s_input_inner_check): malformed inner headers then count as
# rx_packets and vanish in the IP layer.

# shellcheck disable=SC2154,SC2016,SC2086
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

FUZZ_SPI=0x3000
FUZZ_SEED=7
ROUNDS=${S2S_ESPFUZZ_ROUNDS:-20}

s2s_require_cmd jq ping python3
s2s_require_s2sctl
s2s_require_module
esp_dmesg_mark
modprobe -q esp4 || s2s_skip "cannot load esp4"
modprobe -q algif_aead 2>/dev/null
python3 -c 'import socket; s = socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET, 0); s.bind(("aead", "rfc4106(gcm(aes))"))' 2>/dev/null ||
	s2s_skip "no AF_ALG AEAD interface (CONFIG_CRYPTO_USER_API_AEAD)"

setup() {
	esp_two_sites && esp_s2s_tunnels 4 && esp_s2s_sas gcm128-128 &&
	esp_s2s_sa "$b" vpn0 in $FUZZ_SPI gcm128-128 $FUZZ_SEED
}
esp_do "two sites, s2svpn over IPv4, a second inbound SA on B" setup || s2s_exit
s2s_check "ping through the tunnel" esp_ping "$a" $ESP_LAN4_B 2

esp_algo gcm128-128 $FUZZ_SEED
key=${ESP_S2S_ALGO[2]}

xfrm_nostates() {
	ip netns exec "$b" awk '$1 == "XfrmInNoStates" { print $2 }' /proc/net/xfrm_stat
}

# sa_total JSON: rx_packets plus every drop of B's fuzzed SA
sa_total() {
	esp_jq "$1" -- "sa(\$j0; \"in\"; $((FUZZ_SPI))) |
		(.stats.rx_packets // 0) + ([.stats.drops // {} | .[]] | add // 0)"
}

seed=${S2S_ESPFUZZ_SEED:-$RANDOM}
s2s_log "espfuzz seed $seed (S2S_ESPFUZZ_SEED), $ROUNDS rounds"
j0=$(esp_json "$b")
ns0=$(xfrm_nostates)
out=$(ip netns exec "$a" python3 "$S2S_TOP/selftests/tools/espfuzz.py" \
	$ESP_OUT4_A $ESP_OUT4_B $FUZZ_SPI "$key" 16 $ESP_LAN4_A $ESP_LAN4_B \
	-n "$ROUNDS" -r "$seed" 2>&1)
rc=$?
s2s_result $rc "espfuzz sent its packets" "$out"
[ $rc = 0 ] || s2s_exit
s2s_log "$(jq -c '{expect, other_spi, lost_fragments}' <<<"$out")"
want=$(jq '[.expect[]] | add' <<<"$out")

# decryption may finish asynchronously: wait until the SA counted them all
settled() {
	[ "$(sa_total "$(esp_json "$b")")" -ge "$want" ]
}
s2s_wait 20 settled
j1=$(esp_json "$b")
s2s_log "B: $(esp_stats_line "$j1")"

# per reason: the SA's counter grew by exactly what the generator expects
got=$(esp_jq "$j0" "$j1" -- "
	sa(\$j0; \"in\"; $((FUZZ_SPI))) as \$s0 | sa(\$j1; \"in\"; $((FUZZ_SPI))) as \$s1 |
	(\$s1.stats.drops | keys) as \$k |
	{rx_packets: ((\$s1.stats.rx_packets // 0) - (\$s0.stats.rx_packets // 0))} +
	([\$k[] | {(.): ((\$s1.stats.drops[.] // 0) - (\$s0.stats.drops[.] // 0))}] | add) |
	with_entries(select(.value != 0))")
for reason in $(jq -r '.expect | keys[]' <<<"$out"); do
	s2s_check_eq "counted as $reason" \
		"$(jq --arg r "$reason" '.[$r] // 0' <<<"$got")" \
		"$(jq --arg r "$reason" '.expect[$r]' <<<"$out")"
done
s2s_check_eq "no other counter moved" \
	"$(jq -c --argjson e "$(jq '.expect' <<<"$out")" 'with_entries(select(.key as $k | $e | has($k) | not))' <<<"$got")" "{}"
s2s_check_eq "the counters add up to what reached the SA" \
	"$(jq '[.[]] | add' <<<"$got")" "$want"
esp_check_grew "the random SPIs went to xfrm (XfrmInNoStates)" \
	"$ns0" "$(xfrm_nostates)" "$(jq '.other_spi' <<<"$out")"
s2s_check_eq "the real SA saw none of it" \
	"$(esp_jq "$j0" "$j1" -- "(sastat(\$j1; \"in\"; $((ESP_SPI_AB)); \"rx_packets\") -
		sastat(\$j0; \"in\"; $((ESP_SPI_AB)); \"rx_packets\"))")" 0
s2s_check "the tunnel still works" esp_ping "$a" $ESP_LAN4_B 2
s2s_check "and the other way" esp_ping "$b" $ESP_LAN4_A 2

esp_check_dmesg "no kernel warning"
s2s_exit
