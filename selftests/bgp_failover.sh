#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Two tunnels and BGP, as a cloud's dynamic-routing VPN runs them: a
# customer gateway (cgw) with two s2svpn route-based tunnels to a cloud
# gateway (cloud) that uses native Linux XFRM interfaces (ip link type xfrm,
# if_id 10 and 20, states and policies by ip xfrm), with FRR standing in
# for the transit gateway.  eBGP over each tunnel's inside addresses
# (169.254.10.0/30, 169.254.20.0/30) with BFD (FRR zebra + bgpd + bfdd on
# both gateways), each side announcing its LAN; both tunnels carry the
# routes (ECMP).  While a sequence-numbered UDP stream and an iperf3 TCP
# stream run from the on-premises host to the cloud host, the underlay ESP
# of the tunnel carrying the UDP stream is dropped both ways (nftables on
# cgw): BFD takes that BGP session down, the routes keep only the other
# tunnel, the UDP outage (max_gap_ms, printed) stays within BFD's detection
# time plus a margin (bgp_lib.sh: 3000 ms x 3 + 21 s in make check,
# 500 ms x 3 + 1.5 s with S2S_BGP_STRICT=1 in make check-timing) and the
# TCP stream survives.  Restoring the underlay brings the ECMP routes back.
# Then active/standby by AS-path prepending on vpn1: routes over vpn0
# only, vpn1 takes over when vpn0 breaks.
#
#   lanh 10.1.0.2 -- 10.1.0.1 cgw vpn0 (192.0.2.1 <-> 192.0.2.2) xfrm0 cloud 10.2.0.1 -- 10.2.0.2 chost
#   AS 65000                      vpn1 (198.51.100.1 <-> .2)     xfrm1 AS 64512
#
# Without BFD the BGP hold time (30 s as a cloud's VPN uses, 90 s in make
# check) decides, so the routes do not move in time: S2S_BGP_NO_BFD=1 runs
# the same test without BFD (the negative control; it must fail).

# FRR's daemons start slowly in a TCG guest on a loaded host (4 to 8
# minutes in all at a load average of 15 to 20, the VM's boot not counted)
# timeout=900

# shellcheck disable=SC2016,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"
. "$(dirname "$0")/bgp_lib.sh"

bgp_require
esp_begin jq iperf3 nft
find_udpseq || s2s_skip "cannot build selftests/tools/udpseq.c (no cc)"

PORT=7000
NO_BFD=${S2S_BGP_NO_BFD:-0}
# shellcheck disable=SC2034
BGP_NO_BFD=$NO_BFD

topology() {
	s2s_setup_ns lanh cgw cloud chost || return 1
	esp_quiet_ipv6 "$lanh" "$cgw" "$cloud" "$chost" &&
	s2s_veth "$lanh" eth0 "$cgw" lan &&
	s2s_veth "$cgw" ul "$cloud" ul &&
	s2s_veth "$cloud" lan "$chost" eth0 &&
	ip -n "$lanh" -batch - <<-EOF &&
	addr add 10.1.0.2/24 dev eth0
	route add default via 10.1.0.1
	EOF
	ip -n "$chost" -batch - <<-EOF &&
	addr add 10.2.0.2/24 dev eth0
	route add default via 10.2.0.1
	EOF
	ip -n "$cgw" -batch - <<-EOF &&
	addr add 10.1.0.1/24 dev lan
	addr add 192.0.2.1/24 dev ul
	addr add 198.51.100.1/24 dev ul
	EOF
	ip -n "$cloud" -batch - <<-EOF &&
	addr add 10.2.0.1/24 dev lan
	addr add 192.0.2.2/24 dev ul
	addr add 198.51.100.2/24 dev ul
	EOF
	bgp_router_sysctls "$cgw" "$cloud" &&
	s2s_wait 10 ip netns exec "$cgw" ping -c 1 -W 1 198.51.100.2
}
esp_do "four namespaces: on-prem host, customer gateway, cloud gateway, cloud host" \
	topology || s2s_exit

bgp_phase "topology up"
# vpn0 and vpn1 on the customer gateway (s2svpn), xfrm0 (if_id 10) and
# xfrm1 (if_id 20) on the cloud gateway; SPIs cgw->cloud 0x1000/0x1100,
# cloud->cgw 0x2000/0x2100
cgw_tunnels() {
	{
		bgp_s2s_tunnel_lines vpn0 192.0.2.1 192.0.2.2 0x1000 1 0x2000 2 &&
		bgp_s2s_tunnel_lines vpn1 198.51.100.1 198.51.100.2 0x1100 3 0x2100 4
	} | s2sctl -n "$cgw" -b - &&
	ip -n "$cgw" -batch - <<-EOF
	addr add 169.254.10.1/30 dev vpn0
	addr add 169.254.20.1/30 dev vpn1
	link set vpn0 up
	link set vpn1 up
	EOF
}
cloud_tunnels() {
	{
		bgp_xfrm_tunnel_lines xfrm0 10 192.0.2.2 192.0.2.1 169.254.10.2/30 \
			0x2000 2 0x1000 1 &&
		bgp_xfrm_tunnel_lines xfrm1 20 198.51.100.2 198.51.100.1 169.254.20.2/30 \
			0x2100 4 0x1100 3
	} | ip -n "$cloud" -batch -
}
s2s_check "customer gateway: two s2svpn tunnels, manual keys" cgw_tunnels
s2s_check "cloud gateway: two native XFRM interfaces (if_id 10, 20)" cloud_tunnels
s2s_check "ping across vpn0/xfrm0's inside addresses" esp_ping "$cgw" 169.254.10.2 2
s2s_check "ping across vpn1/xfrm1's inside addresses" esp_ping "$cgw" 169.254.20.2 2

bgp_phase "tunnels up"
# --- FRR -------------------------------------------------------------------

bgp_frr_dir
bgp_frr_conf cgw 65000 169.254.10.1 2 10.1.0.0/24 169.254.10.2/64512 169.254.20.2/64512
bgp_frr_conf cloud 64512 169.254.10.2 2 10.2.0.0/24 169.254.10.1/65000 169.254.20.1/65000
esp_do "FRR (zebra, bfdd, bgpd) on the customer gateway" bgp_frr_start "$cgw" cgw || s2s_exit
esp_do "FRR (zebra, bfdd, bgpd) on the cloud gateway" bgp_frr_start "$cloud" cloud || s2s_exit
frr_logs() { bgp_logs cgw cloud; }

# the cloud's device of a customer gateway's tunnel
declare -A XF=([vpn0]=xfrm0 [vpn1]=xfrm1)
routes_ecmp() {
	bgp_via_is "$cgw" 10.2.0.0/24 "vpn0 vpn1" && bgp_via_is "$cloud" 10.1.0.0/24 "xfrm0 xfrm1"
}
bgp_phase "FRR started"
s2s_check "BGP: ECMP routes over both tunnels on both gateways" \
	s2s_wait "$(bgp_s 60)" routes_ecmp || { frr_logs; s2s_exit; }
if [ "$NO_BFD" != 1 ]; then
	s2s_check "BFD: both sessions up" s2s_wait "$(bgp_s 20)" bgp_bfd_up cgw 2
fi
s2s_check "ping on-prem host -> cloud host" esp_ping "$lanh" 10.2.0.2 3

bgp_phase "ECMP routes and BFD up"
# --- failover --------------------------------------------------------------

bgp_stream_start "$lanh" "$chost" 10.2.0.2 $PORT "$(bgp_s 120)"
sleep 1

# the tunnel carrying the UDP stream (the flow hash picks one)
txp() {
	ip netns exec "$cgw" cat /sys/class/net/vpn0/statistics/tx_packets \
		/sys/class/net/vpn1/statistics/tx_packets | xargs
}
read -r tx0 tx1 <<<"$(txp)"
sleep 1
read -r d0 d1 <<<"$(txp)"
d0=$((d0 - tx0)) d1=$((d1 - tx1))
if [ $d0 -ge $d1 ]; then
	brk=vpn0 other=vpn1 ul=192.0.2.2
else
	brk=vpn1 other=vpn0 ul=198.51.100.2
fi
s2s_log "the UDP stream runs over $brk (tx packets in 1 s: vpn0 $d0, vpn1 $d1)"
# four TCP streams (four flow hashes: most likely over both tunnels)
esp_bg_start tcp esp_iperf "$lanh" 10.2.0.2 -t 10 -P 4 -b 1M
s2s_wait "$(bgp_s 20)" bgp_tcp_up "$chost" 5
sleep 1

# break UL: drop the underlay ESP to and from UL both ways on the customer
# gateway
break_ul() {
	ip netns exec "$cgw" nft -f - <<-EOF
	table inet bgp_failover {
		chain in {
			type filter hook input priority 0;
			ip saddr $1 meta l4proto esp drop
		}
		chain out {
			type filter hook output priority 0;
			ip daddr $1 meta l4proto esp drop
		}
	}
	EOF
}
bgp_phase "stream and TCP running"
s2s_check "nftables drops $brk's underlay ESP" break_ul $ul
nft_clean() {
	ip netns exec "$cgw" nft delete table inet bgp_failover 2>/dev/null
	return 0
}
s2s_defer nft_clean
moved() {
	bgp_via_is "$cgw" 10.2.0.0/24 $other && bgp_via_is "$cloud" 10.1.0.0/24 ${XF[$other]}
}
start=$(bgp_ms)
s2s_check "routes move to $other on both gateways within $BGP_ROUTE_WAIT_S s" \
	s2s_wait $BGP_ROUTE_WAIT_S moved || frr_logs
if moved; then
	s2s_log "routes moved after $(($(bgp_ms) - start)) ms"
else
	s2s_log "routes had not moved after $(($(bgp_ms) - start)) ms"
fi
bgp_show cgw "show bfd peers counters" | grep -E 'peer|Session (up|down)' | sed 's/^/# /'
bgp_phase "routes moved"
bgp_stream_end "bgp_failover: kernel $(uname -r)" break
esp_bg_check tcp "iperf3 TCP (4 streams) on-prem -> cloud survives the failover"
s2s_check "ping over $other" s2s_wait "$(bgp_s 10)" esp_ping "$lanh" 10.2.0.2 2

bgp_phase "stream checked"
# restore: the routes come back on both tunnels
s2s_check "nftables rule removed" ip netns exec "$cgw" nft delete table inet bgp_failover
start=$SECONDS
s2s_check "ECMP routes come back within $(bgp_s 40) s" s2s_wait "$(bgp_s 40)" routes_ecmp ||
	frr_logs
s2s_log "routes came back after about $((SECONDS - start)) s"
s2s_check "ping on-prem host -> cloud host" esp_ping "$lanh" 10.2.0.2 3

bgp_phase "ECMP back"
# --- active/standby: both sides prepend their AS twice towards vpn1 --------

# prepend NAME AS PEER: vpn1's session gets a longer AS path out
prepend() {
	bgp_show "$1" 'configure terminal' \
		'route-map STANDBY permit 10' "set as-path prepend $2 $2" exit \
		"router bgp $2" 'address-family ipv4 unicast' \
		"neighbor 169.254.20.$3 route-map STANDBY out" end \
		'clear bgp ipv4 unicast * soft out'
}
s2s_check "customer gateway prepends on vpn1" prepend cgw 65000 2
s2s_check "cloud gateway prepends on vpn1" prepend cloud 64512 1
active() {
	bgp_via_is "$cgw" 10.2.0.0/24 $1 && bgp_via_is "$cloud" 10.1.0.0/24 ${XF[$1]}
}
s2s_check "active/standby: routes over vpn0 only" s2s_wait "$(bgp_s 40)" active vpn0 ||
	frr_logs
s2s_check "nftables drops vpn0's underlay ESP" break_ul 192.0.2.2
s2s_check "standby takes over: routes over vpn1 within $BGP_ROUTE_WAIT_S s" \
	s2s_wait $BGP_ROUTE_WAIT_S active vpn1 ||
	frr_logs
s2s_check "ping over vpn1" s2s_wait "$(bgp_s 10)" esp_ping "$lanh" 10.2.0.2 2
s2s_check "nftables rule removed" ip netns exec "$cgw" nft delete table inet bgp_failover
s2s_check "routes return to vpn0 within $(bgp_s 40) s" s2s_wait "$(bgp_s 40)" active vpn0

bgp_phase "active/standby done"
esp_check_dmesg "no kernel warning"
s2s_exit
