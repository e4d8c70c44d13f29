#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Tunnel configuration changed while traffic flows.  Both sites flip their
# tunnel between outer IPv4 and outer IPv6 addresses, and between MTUs and
# marks, hundreds of times, while pings (IPv4 fragmented inside the tunnel,
# IPv6) and a UDP stream cross it in both directions.  Every packet must
# see one consistent configuration from route lookup to outer header: a
# route of one family paired with a header of the other is an oops.  The
# windows are short under TCG, so the test widens them with many changes
# and many packets; afterwards the tunnel carries traffic again and the
# kernel logged no warning.  The module runs with parallel crypto on, so
# that packets are still in crypto when a change lands: every ESP packet
# and every neighbour lookup on the underlay must name one of the
# configured address pairs, never a torn mix of an old family's route and
# a new family's addresses.

# shellcheck disable=SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

s2s_require_cmd jq ping python3 tcpdump iperf3
s2s_require_s2sctl
s2s_require_module
if [ "$(nproc)" -ge 2 ]; then
	rmmod s2svpn && insmod "$S2S_KO" parallel=1 ||
		{ s2s_result 1 "reload with parallel=1"; s2s_exit; }
fi
esp_dmesg_mark

ROUNDS=${ROUNDS:-4}
FLIPS=${FLIPS:-60}

esp_do "two sites, outer IPv4 tunnels, AES-GCM-128" \
	eval 'esp_two_sites && esp_s2s_tunnels 4 && esp_s2s_sas gcm128-128' || s2s_exit
s2s_check "the tunnel carries traffic" esp_ping "$a" $ESP_LAN4_B 2

# Programs started over 9p cost up to 2 s each in the VM: run s2sctl from
# tmpfs, and change the configuration in batches (one process each).
cp "$S2SCTL" /tmp/s2sctl.race && S2SCTL=/tmp/s2sctl.race
s2s_defer rm -f /tmp/s2sctl.race

# flips SITE: FLIPS rounds of family, MTU and mark changes on SITE's vpn0
flips() {
	local me=$1 peer i
	[ "$me" = a ] && peer=b || peer=a
	for ((i = 0; i < FLIPS; i++)); do
		echo "tunnel set vpn0 local $(esp_outer $me 6) remote $(esp_outer $peer 6) mtu $((1280 + i % 200))"
		echo "tunnel set vpn0 mark $((i + 1))/0xff"
		echo "tunnel set vpn0 local $(esp_outer $me 4) remote $(esp_outer $peer 4) mtu 1500"
		echo "tunnel set vpn0 mtu 0 mark 0/0"
	done
}
flips a >/tmp/race-a.batch
flips b >/tmp/race-b.batch
s2s_defer rm -f /tmp/race-a.batch /tmp/race-b.batch

# udp_stream NS DST6|DST4 SECONDS: non-DF UDP datagrams of several sizes
udp_stream() {
	ip netns exec "$1" python3 - "$2" "$3" <<-'PY'
	import socket, sys, time
	dst, secs = sys.argv[1], float(sys.argv[2])
	fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
	s = socket.socket(fam, socket.SOCK_DGRAM)
	if fam == socket.AF_INET:
	    s.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_MTU_DISCOVER: DONT
	end, n = time.time() + secs, 0
	while time.time() < end:
	    try:
	        s.sendto(b"x" * (200 + n % 1300), (dst, 9))
	    except OSError:
	        pass  # a route or MTU in flux; keep sending
	    n += 1
	print(n, "datagrams")
	PY
}

esp_kill_quietly() { kill "$@" 2>/dev/null; return 0; }

# Anything on A's underlay that names an address outside the configured
# pairs: ESP to or from elsewhere, or ARP for an address B does not have.
pcap=$(mktemp /tmp/race.XXXXXX)
s2s_defer rm -f "$pcap"
ip netns exec "$a" tcpdump -i ul -n -U -w "$pcap" \
	"(esp and not ((src $ESP_OUT4_A and dst $ESP_OUT4_B) or (src $ESP_OUT4_B and dst $ESP_OUT4_A) or (src $ESP_OUT6_A and dst $ESP_OUT6_B) or (src $ESP_OUT6_B and dst $ESP_OUT6_A))) or (arp and not arp host $ESP_OUT4_B)" \
	2>/dev/null & tcpdump_pid=$!
s2s_defer esp_kill_quietly $tcpdump_pid
esp_iperf_server "$b" "" 5201 || { s2s_result 1 "iperf3 server"; s2s_exit; }
sleep 1

tx0=$(esp_fast_stat "$a" tx_packets)
secs=$((ROUNDS * 8))
esp_bg_start tcp timeout $((secs + 30)) ip netns exec "$a" iperf3 -c $ESP_LAN4_B -t $secs --connect-timeout 5000
esp_bg_start udp_a udp_stream "$a" $ESP_LAN4_B $secs
esp_bg_start udp_b udp_stream "$b" $ESP_LAN6_A $secs
esp_bg_start ping4 ip netns exec "$a" ping -q -i 0.002 -M dont -s 1460 -w $secs $ESP_LAN4_B
esp_bg_start ping6 ip netns exec "$b" ping -q -i 0.002 -s 1200 -w $secs $ESP_LAN6_A
changes_ok=0
for ((r = 0; r < ROUNDS; r++)); do
	"$S2SCTL" -n "$a" -b /tmp/race-a.batch & pa=$!
	"$S2SCTL" -n "$b" -b /tmp/race-b.batch || changes_ok=1
	wait $pa || changes_ok=1
done
s2s_result $changes_ok "$((ROUNDS * FLIPS * 4)) configuration changes per site under traffic"
esp_bg_check udp_a "UDP stream A to B ran"
esp_bg_check udp_b "UDP stream B to A (IPv6) ran"
# pings and TCP lose packets while the families differ: only their end
# matters
wait "${ESP_BG_PID[ping4]}" "${ESP_BG_PID[ping6]}" "${ESP_BG_PID[tcp]}"
sleep 1
kill $tcpdump_pid
wait $tcpdump_pid 2>/dev/null
torn=$(tcpdump -r "$pcap" -n 2>/dev/null)
s2s_check_eq "no packet on the underlay with a torn address pair" "$(grep -c . <<<"$torn")" 0 ||
	head -5 <<<"$torn" | sed 's/^/#   /'
tx1=$(esp_fast_stat "$a" tx_packets)
s2s_log "A sent $((tx1 - tx0)) packets through the tunnel meanwhile"
esp_check_grew "traffic crossed the tunnel during the changes" "$tx0" "$tx1" 100

s2s_check "the tunnel is back on outer IPv4 with a derived MTU" \
	test "$(s2sctl -j -n "$a" tunnel show vpn0 | jq -r '.[0] | "\(.local) \(.mtu)"')" = "$ESP_OUT4_A 0"
s2s_check "IPv4 through the tunnel afterwards" esp_ping "$a" $ESP_LAN4_B 3
s2s_check "IPv6 through the tunnel afterwards" esp_ping "$b" $ESP_LAN6_A 3
s2s_check "fragmented IPv4 through the tunnel afterwards" \
	esp_ping "$a" $ESP_LAN4_B 3 -M dont -s 1460

esp_check_dmesg "no kernel warning"
s2s_exit
