#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Decrypted packets are not vouched for: the peer gateway forwarded LAN
# traffic whose checksums nobody verified, and the ICV only proves that the
# peer sent these bytes.  A UDP datagram with a wrong checksum sent through
# the tunnel must be refused by the receiving stack (UdpInCsumErrors), one
# with a right checksum delivered, over IPv4 and IPv6 inner packets.

# shellcheck disable=SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq ping python3

esp_do "two sites, outer IPv4 tunnels, AES-GCM-128" \
	eval 'esp_two_sites && esp_s2s_tunnels 4 && esp_s2s_sas gcm128-128' || s2s_exit
s2s_check "the tunnel carries traffic" esp_ping "$a" $ESP_LAN4_B 2

# csum_errors NS FAMILY: the InCsumErrors counter of UDP (4) or UDP6 (6)
csum_errors() {
	if [ "$2" = 4 ]; then
		ip netns exec "$1" awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) c[$i] = i; h = 1 } else print $c["InCsumErrors"] }' /proc/net/snmp
	else
		ip netns exec "$1" awk '$1 == "Udp6InCsumErrors" { print $2 }' /proc/net/snmp6
	fi
}

# send_udp NS SRC DST GOOD: one UDP datagram to DST:7777 with a right
# (GOOD=1) or wrong (GOOD=0) checksum, built by hand on a raw socket
send_udp() {
	ip netns exec "$1" python3 - "$2" "$3" "$4" <<-'PY'
	import socket, struct, sys
	src, dst, good = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
	fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
	payload = b"s2svpn checksum probe"
	ulen = 8 + len(payload)
	def csum(data):
	    if len(data) % 2:
	        data += b"\0"
	    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
	    while s >> 16:
	        s = (s & 0xffff) + (s >> 16)
	    return ~s & 0xffff or 0xffff
	sa, da = socket.inet_pton(fam, src), socket.inet_pton(fam, dst)
	if fam == socket.AF_INET:
	    pseudo = sa + da + struct.pack("!BBH", 0, 17, ulen)
	else:
	    pseudo = sa + da + struct.pack("!I3xB", ulen, 17)
	hdr = struct.pack("!HHHH", 40000, 7777, ulen, 0)
	c = csum(pseudo + hdr + payload)
	if not good:
	    c ^= 0x5a5a
	udp = struct.pack("!HHHH", 40000, 7777, ulen, c) + payload
	s = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_UDP)
	s.bind((src, 0))
	s.sendto(udp, (dst, 0))
	PY
}

# received NS DST FAMILY SRC GOOD: a listener on DST:7777 gets the datagram
# (sent once the listener is bound, which a loaded VM may take seconds for)
# The receiver gives up 2 s after the sender has sent (SENT exists), not at
# a fixed time after binding: a starved guest may take seconds to start
# the sender's python3.
received() {
	local out sent
	out=$(mktemp /tmp/esp-csum.XXXXXX)
	sent=$out.sent
	ip netns exec "$1" timeout 60 python3 -c '
import os, socket, sys, time
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 7777))
print("bound", flush=True)
s.settimeout(0.5)
give_up = None
while True:
    try:
        print(len(s.recv(2000)))
        break
    except socket.timeout:
        if give_up is None and os.path.exists(sys.argv[2]):
            give_up = time.monotonic() + 2
        if give_up is not None and time.monotonic() > give_up:
            break' "$2" "$sent" >"$out" 2>/dev/null &
	local pid=$!
	s2s_wait 20 grep -q bound "$out"
	send_udp "$a" "$4" "$2" "$5"
	touch "$sent"
	wait $pid
	grep -q '^[0-9]' "$out"
	local rc=$?
	rm -f "$out" "$sent"
	return $rc
}

for fam in 4 6; do
	if [ $fam = 4 ]; then src=$ESP_LAN4_A dst=$ESP_LAN4_B; else src=$ESP_LAN6_A dst=$ESP_LAN6_B; fi
	s2s_check "IPv$fam inner: a datagram with a right checksum is delivered" \
		received "$b" $dst $fam $src 1
	e0=$(csum_errors "$b" $fam)
	rx0=$(esp_fast_stat "$b" rx_packets)
	s2s_check_fail "IPv$fam inner: a datagram with a wrong checksum is not delivered" \
		received "$b" $dst $fam $src 0
	e1=$(csum_errors "$b" $fam)
	rx1=$(esp_fast_stat "$b" rx_packets)
	esp_check_grew "IPv$fam inner: it crossed the tunnel" "$rx0" "$rx1"
	esp_check_grew "IPv$fam inner: the receiver counted a checksum error" "${e0:--1}" "${e1:--1}"
done

esp_check_dmesg "no kernel warning"
s2s_exit
