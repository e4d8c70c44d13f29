#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Inner IPv4 headers are validated before s2svpn encrypts (and possibly
# fragments) a packet, as br_validate_ipv4() does: a packet socket on
# site A's tunnel device sends
#   - a header with ihl 4                      -> dropped as bad_inner
#   - a total length beyond the packet's end   -> dropped as bad_inner
#   - a valid 1400-byte packet followed by 100 bytes that the total length
#     does not cover, with DF clear, into a path that needs fragmentation
#                                              -> trimmed, fragmented,
#     sent: site B receives exactly 1400 bytes, none of the extra ones.
# Before the fix the first two were encrypted and sent, and the third
# took its trailing bytes through ip_do_fragment() with a stale IPCB.

# shellcheck disable=SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq ping python3

setup() {
	esp_two_sites && esp_s2s_tunnels 4 && esp_s2s_sas gcm128-128
}
esp_do "two sites, s2svpn over IPv4" setup || s2s_exit
s2s_check "ping through the tunnel" esp_ping "$a" $ESP_LAN4_B 2

# inject KIND: one hand-made IPv4 packet (UDP to B's LAN, port 9) into vpn0
inject() {
	ip netns exec "$a" python3 - "$1" $ESP_LAN4_A $ESP_LAN4_B <<-'EOF'
	import socket, struct, sys
	kind, src, dst = sys.argv[1:4]
	payload = bytes(1400 - 28)
	ihl, extra, tot = 5, b"", 1400
	if kind == "ihl4":
	    ihl = 4
	elif kind == "long":
	    tot = 1600
	elif kind == "trailing":
	    extra = b"\xee" * 100
	hdr = struct.pack("!BBHHHBBH4s4s", (4 << 4) | ihl, 0, tot, 1, 0, 64, 17,
	                  0, socket.inet_aton(src), socket.inet_aton(dst))
	s = sum(struct.unpack("!10H", hdr))
	s = (s & 0xffff) + (s >> 16)
	s = (s & 0xffff) + (s >> 16)
	hdr = hdr[:10] + struct.pack("!H", ~s & 0xffff) + hdr[12:]
	udp = struct.pack("!HHHH", 9999, 9, 1400 - 20, 0)
	pkt = hdr + udp + payload + extra
	sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
	sock.sendto(pkt, ("vpn0", 0x0800))
	EOF
}

s2s_check "underlay MTU 1300 on both sites, tunnel MTU kept at 1500" sh -c "
	ip -n '$a' link set vpn0 mtu 1500 && ip -n '$b' link set vpn0 mtu 1500 &&
	ip -n '$a' link set ul mtu 1300 && ip -n '$b' link set ul mtu 1300"

ja0=$(esp_json "$a")
jb0=$(esp_json "$b")
s2s_check "inject a header with ihl 4" inject ihl4
s2s_check "inject a total length beyond the packet" inject long
s2s_check "inject 100 bytes past the total length" inject trailing
sleep 1
ja1=$(esp_json "$a")
jb1=$(esp_json "$b")
read -r bad rxb <<<"$(esp_jq "$ja0" "$ja1" "$jb0" "$jb1" -- '
	[tstat($j1; "drops.bad_inner") - tstat($j0; "drops.bad_inner"),
	 tstat($j3; "rx_bytes") - tstat($j2; "rx_bytes")] | map(tostring) | join(" ")')"
s2s_log "A: $(esp_stats_line "$ja1")"
s2s_check_eq "bad ihl and bad total length counted as bad_inner" "$bad" 2
s2s_check_eq "B received exactly the 1400 bytes the header covers" "$rxb" 1420
s2s_check "the tunnel still works" esp_ping "$a" $ESP_LAN4_B 2

esp_check_dmesg "no kernel warning"
s2s_exit
