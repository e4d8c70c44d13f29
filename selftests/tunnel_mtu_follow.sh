#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A tunnel's derived MTU follows its underlay: the underlay interface's MTU
# changes (down and back up) and the tunnel's MTU moves with it: the
# largest inner packet the outbound SA fits into the underlay; a tunnel
# whose MTU the user set keeps it.  Also checks that the test VM runs the
# CPU's AES-GCM driver (as udev would load it on a real gateway).

# shellcheck disable=SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq ping

link_mtu() { ip -n "$1" -j link show "$2" | jq '.[0].mtu'; }

esp_do "two sites, outer IPv4 tunnels, AES-GCM-128" \
	eval 'esp_two_sites && esp_s2s_tunnels 4 && esp_s2s_sas gcm128-128' || s2s_exit
s2sctl -n "$a" tunnel add fixed0 local $ESP_OUT4_A remote 192.0.2.77 mtu 1300
s2s_check "the tunnel carries traffic" esp_ping "$a" $ESP_LAN4_B 2

# inner MTU for rfc4106 over an outer IPv4 header of 20 bytes: the ESP
# packet holds SPI + sequence number (8), IV (8), the inner packet padded
# to 4 bytes with pad length and next header (2), ICV (16)
inner_mtu() { echo $((($1 - 20 - 8 - 8 - 16) / 4 * 4 - 2)); }
s2s_check_eq "derived MTU from a 1500-byte underlay" "$(link_mtu "$a" vpn0)" "$(inner_mtu 1500)"
for m in 1400 1281 9000 1500; do
	ip -n "$a" link set ul mtu $m
	s2s_check_eq "underlay MTU $m: tunnel MTU follows" "$(link_mtu "$a" vpn0)" "$(inner_mtu $m)"
done
ip -n "$a" link set ul mtu 1400
s2s_check_eq "a user-set MTU stays" "$(link_mtu "$a" fixed0)" 1300
ip -n "$a" link set ul mtu 1500
s2s_check "traffic after the changes" esp_ping "$a" $ESP_LAN4_B 2

driver=$(awk '/^name/ { n = $3 } /^driver/ && n == "rfc4106(gcm(aes))" { print $3; exit }' /proc/crypto)
s2s_log "rfc4106(gcm(aes)) driver: ${driver:-none}"
if grep -qw aes /proc/cpuinfo; then
	case $driver in
	*aesni*) s2s_result 0 "the CPU's AES-GCM driver serves rfc4106(gcm(aes))" ;;
	*) s2s_result 1 "the CPU's AES-GCM driver serves rfc4106(gcm(aes))" "driver: ${driver:-none}" ;;
	esac
fi

esp_check_dmesg "no kernel warning"
s2s_exit
