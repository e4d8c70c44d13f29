#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# NAT traversal (RFC 3948) against Linux's native ESP-in-UDP.  Site A runs
# s2svpn behind the masquerading router of natt_lib.sh (port-preserving);
# site B uses nothing but ip xfrm: an XFRM interface (if_id 42) and states
# with "encap espinudp 4500 4500 0.0.0.0".  xfrm decapsulates ESP in UDP
# only for a socket with UDP_ENCAP_ESPINUDP set, which an IKE daemon would
# hold; here a small Python helper holds one on 4500 (IPv4 and IPv6).
#
#   outer IPv4 through the NAT: ping (inner IPv4 and IPv6) and iperf3 both
#   ways, only UDP/4500 on the NATed segment, A's keepalives taken by B;
#   outer IPv6 (routed, no NAT; native esp6 wants a real UDP checksum, so
#   this also proves s2svpn's): "tunnel set" moves A's tunnel to IPv6 (its
#   socket with it), ping and iperf3 both ways.

# shellcheck disable=SC2016,SC2317,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"
. "$(dirname "$0")/natt_lib.sh"

esp_begin jq ping iperf3 tcpdump nft python3
IFID=42
ALGO=gcm128-128

esp_do "three namespaces, A masqueraded by N" natt_topology || s2s_exit
esp_do "iperf3 server on site B" esp_iperf_server "$b" || s2s_exit

# B's ESP-in-UDP sockets, as an IKE daemon would hold them
holder=$(mktemp /tmp/natt-holder.XXXXXX)
s2s_defer rm -f "$holder"
ip netns exec "$b" python3 -c '
import socket, time
UDP_ENCAP, UDP_ENCAP_ESPINUDP = 100, 2
socks = []
for fam in (socket.AF_INET, socket.AF_INET6):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.setsockopt(socket.IPPROTO_UDP, UDP_ENCAP, UDP_ENCAP_ESPINUDP)
    s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", 4500))
    socks.append(s)
print("bound", flush=True)
time.sleep(600)' >"$holder" 2>&1 &
s2s_defer natt_kill $!
s2s_check "B: UDP_ENCAP_ESPINUDP sockets on 4500" s2s_wait 30 grep -q bound "$holder"

# b_native L R: B's XFRM interface, states with UDP encapsulation between
# its address L and A's address as B sees it (R), and policies.
b_native() {
	local l=$1 r=$2 oa=0.0.0.0
	[[ $l == *:* ]] && oa=::
	{
		echo "xfrm state flush"
		echo "xfrm policy flush"
		esp_xfrm_state_lines "$l" "$r" $ESP_SPI_BA 2 $ESP_SPI_AB 1 $ALGO 0 \
			if_id $IFID encap espinudp 4500 4500 $oa
		esp_xfrm_policy_lines "$l" "$r" 0.0.0.0/0 0.0.0.0/0 if_id $IFID
		esp_xfrm_policy_lines "$l" "$r" ::/0 ::/0 if_id $IFID
	} | ip -n "$b" -batch - || return 1
	ip -n "$b" link show xfrm0 >/dev/null 2>&1 && return 0
	ip -n "$b" -batch - <<-EOF
	link add xfrm0 type xfrm dev ul if_id $IFID
	link set xfrm0 up
	route add $ESP_NET4_A dev xfrm0 src $ESP_LAN4_B
	route add $ESP_NET6_A dev xfrm0 src $ESP_LAN6_B
	EOF
}

# a_sas [-r]: A's SA pair; -r replaces the pair (B's new native states
# count from 1 again)
a_sas() {
	s2sctl -n "$a" -b - <<-EOF
	$([ "${1:-}" = -r ] && printf 'sa del vpn0 dir out spi %s\nsa del vpn0 dir in spi %s\n' \
		$ESP_SPI_AB $ESP_SPI_BA)
	$(esp_sa_line vpn0 out $ESP_SPI_AB $ALGO 1)
	$(esp_sa_line vpn0 in $ESP_SPI_BA $ALGO 2)
	EOF
}

# traffic WHAT: pings and iperf3 both ways, A's SAs counting them
traffic() {
	local before after
	before=$(esp_json "$a")
	s2s_check "$1: ping A -> B" esp_ping "$a" $ESP_LAN4_B 3
	s2s_check "$1: ping6 (inner) A -> B" esp_ping "$a" $ESP_LAN6_B 3
	s2s_check "$1: ping B -> A" esp_ping "$b" $ESP_LAN4_A 3
	esp_check_iperf "$1: iperf3 A -> B" "$a" $ESP_LAN4_B -n 512K
	esp_check_iperf "$1: iperf3 B -> A" "$a" $ESP_LAN4_B -n 512K -R
	after=$(esp_json "$a")
	esp_check_grew "$1: A's inbound SA decrypted B's packets" \
		"$(esp_jq "$before" -- "sastat(\$j0; \"in\"; $((ESP_SPI_BA)); \"rx_packets\")")" \
		"$(esp_jq "$after" -- "sastat(\$j0; \"in\"; $((ESP_SPI_BA)); \"rx_packets\")")" 9
}

s2s_check "B: native states with encap espinudp, XFRM interface" \
	b_native $NATT_B $NATT_N_OUT || s2s_exit
s2s_check "A: tunnel with encap udp keepalive 2" natt_tunnel "$a" $NATT_A $NATT_B \
	$ESP_NET4_B $ESP_NET6_B $ESP_LAN4_A $ESP_LAN6_A keepalive 2 || s2s_exit
s2s_check "A: SAs" a_sas || s2s_exit

natt_capture_start wire "$n" out "host $NATT_B" || s2s_exit
traffic "IPv4 outer through the NAT"
sleep 2
s2s_check_eq "the NATed segment carries no ESP directly over IP" \
	"$(natt_capture_count wire "ip proto 50")" 0
esp_check_ge "but UDP/4500 (packets)" "$(natt_capture_count wire "udp port 4500")" 100
esp_check_ge "with A's keepalives" \
	"$(natt_capture_count wire "src $NATT_N_OUT and udp[4:2] = 9 and udp[8:1] = 0xff")" 1

# outer IPv6: routed through N, no NAT
s2s_check "B: native states over IPv6" b_native $NATT_B6 $NATT_A6 || s2s_exit
s2s_check "A: tunnel set to IPv6 outer" s2sctl -n "$a" tunnel set vpn0 \
	local $NATT_A6 remote $NATT_B6
s2s_check "A: new SAs" a_sas -r
natt_capture_start wire6 "$n" out "host $NATT_B6" || s2s_exit
traffic "IPv6 outer"
esp_check_ge "IPv6 outer: UDP/4500 on the wire (packets)" \
	"$(natt_capture_count wire6 "udp port 4500")" 100
s2s_check_eq "IPv6 outer: no UDP checksum errors on B" \
	"$(ip netns exec "$b" awk '$1 == "Udp6InCsumErrors" { print $2 }' /proc/net/snmp6)" 0

esp_check_dmesg "no kernel warnings"
s2s_exit
