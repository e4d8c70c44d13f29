#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Two customer gateways, two tunnels each, and BGP: losing a whole gateway
# moves the traffic to the other.  Each customer gateway (cgw1, cgw2: s2svpn
# route-based tunnels vpn0 and vpn1, FRR, AS 65000) has two tunnels to the
# cloud gateway (cloud: native XFRM interfaces xfrm10..xfrm40, if_id 10..40,
# FRR standing in for the transit gateway, AS 64512); eBGP with BFD over
# every tunnel's inside /30.  On premises, the router
# (lanh, FRR, AS 65001, also the traffic source) peers with both gateways
# over the shared LAN with BFD and installs the cloud's prefix with both
# gateways as ECMP next hops; the cloud installs the on-premises prefix over
# all four tunnels.
#
#                    +-- cgw1 10.1.0.1 vpn0 192.0.2.1    <-> .2  xfrm10 --+
#   lanh 10.1.0.2 ---+            vpn1 198.51.100.1 <-> .2  xfrm20    cloud 10.2.0.1 -- chost 10.2.0.2
#   (bridge br0)     +-- cgw2 10.1.0.3 vpn0 203.0.113.1  <-> .2  xfrm30    |
#                                 vpn1 203.0.113.1  <-> .3  xfrm40 --+
#
# While a sequence-numbered UDP stream and iperf3 TCP streams run from lanh
# to chost, the gateway carrying the UDP stream dies (nftables on it drops
# every IP packet in and out, as a hung or powered-off box would): BFD takes
# its sessions down on lanh and on the cloud, the routes keep only the other
# gateway, the UDP outage (max_gap_ms, printed) stays within BFD's
# detection time plus a margin (bgp_lib.sh: 3000 ms x 3 + 21 s in make
# check, 500 ms x 3 + 1.5 s with S2S_BGP_STRICT=1 in make check-timing) and
# the TCP streams survive.  Bringing the gateway back restores the ECMP routes.
#
# S2S_BGP_NO_BFD=1 runs the same test without BFD (the BGP hold time
# decides): the negative control, it must fail.

# FRR's daemons start slowly in a TCG guest on a loaded host (4 to 8
# minutes in all at a load average of 15 to 20, the VM's boot not counted)
# timeout=900

# shellcheck disable=SC2016,SC2086,SC2154,SC2317
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"
. "$(dirname "$0")/bgp_lib.sh"

bgp_require
esp_begin jq iperf3 nft
find_udpseq || s2s_skip "cannot build selftests/tools/udpseq.c (no cc)"

PORT=7000
BGP_NO_BFD=${S2S_BGP_NO_BFD:-0}

topology() {
	s2s_setup_ns lanh cgw1 cgw2 cloud chost || return 1
	esp_quiet_ipv6 "$lanh" "$cgw1" "$cgw2" "$cloud" "$chost" &&
	s2s_veth "$lanh" p1 "$cgw1" lan &&
	s2s_veth "$lanh" p2 "$cgw2" lan &&
	s2s_veth "$cgw1" ul "$cloud" ul1 &&
	s2s_veth "$cgw2" ul "$cloud" ul2 &&
	s2s_veth "$cloud" lan "$chost" eth0 &&
	ip -n "$lanh" -batch - <<-EOF &&
	link add br0 type bridge
	link set p1 master br0
	link set p2 master br0
	link set br0 up
	addr add 10.1.0.2/24 dev br0
	EOF
	ip -n "$chost" -batch - <<-EOF &&
	addr add 10.2.0.2/24 dev eth0
	route add default via 10.2.0.1
	EOF
	ip -n "$cgw1" -batch - <<-EOF &&
	addr add 10.1.0.1/24 dev lan
	addr add 192.0.2.1/24 dev ul
	addr add 198.51.100.1/24 dev ul
	EOF
	ip -n "$cgw2" -batch - <<-EOF &&
	addr add 10.1.0.3/24 dev lan
	addr add 203.0.113.1/24 dev ul
	EOF
	ip -n "$cloud" -batch - <<-EOF &&
	addr add 10.2.0.1/24 dev lan
	addr add 192.0.2.2/24 dev ul1
	addr add 198.51.100.2/24 dev ul1
	addr add 203.0.113.2/24 dev ul2
	addr add 203.0.113.3/24 dev ul2
	EOF
	bgp_router_sysctls "$lanh" "$cgw1" "$cgw2" "$cloud" &&
	s2s_wait 10 ip netns exec "$cgw2" ping -c 1 -W 1 203.0.113.3 &&
	s2s_wait 10 ip netns exec "$lanh" ping -c 1 -W 1 10.1.0.3
}
esp_do "on-prem router, two customer gateways, cloud gateway, cloud host" \
	topology || s2s_exit

bgp_phase "topology up"
# cgw_tunnels NS L0 R0 IN0 L1 R1 IN1 SPI_BASE: vpn0 and vpn1 (s2svpn) with
# inside addresses IN0 and IN1; SPIs gateway->cloud SPI_BASE, +0x100,
# cloud->gateway +0x1000, +0x1100 (seeds from the SPIs)
cgw_tunnels() {
	local ns=$1 b=$8
	{
		bgp_s2s_tunnel_lines vpn0 $2 $3 $b $b $((b + 0x1000)) $((b + 0x1000)) &&
		bgp_s2s_tunnel_lines vpn1 $5 $6 $((b + 0x100)) $((b + 0x100)) \
			$((b + 0x1100)) $((b + 0x1100))
	} | s2sctl -n "$ns" -b - &&
	ip -n "$ns" -batch - <<-EOF
	addr add $4 dev vpn0
	addr add $7 dev vpn1
	link set vpn0 up
	link set vpn1 up
	EOF
}
cloud_tunnels() {
	local b
	{
		b=0x10000
		bgp_xfrm_tunnel_lines xfrm10 10 192.0.2.2 192.0.2.1 169.254.10.2/30 \
			$((b + 0x1000)) $((b + 0x1000)) $b $b &&
		bgp_xfrm_tunnel_lines xfrm20 20 198.51.100.2 198.51.100.1 169.254.20.2/30 \
			$((b + 0x1100)) $((b + 0x1100)) $((b + 0x100)) $((b + 0x100)) &&
		b=0x20000
		bgp_xfrm_tunnel_lines xfrm30 30 203.0.113.2 203.0.113.1 169.254.30.2/30 \
			$((b + 0x1000)) $((b + 0x1000)) $b $b &&
		bgp_xfrm_tunnel_lines xfrm40 40 203.0.113.3 203.0.113.1 169.254.40.2/30 \
			$((b + 0x1100)) $((b + 0x1100)) $((b + 0x100)) $((b + 0x100))
	} | ip -n "$cloud" -batch -
}
s2s_check "cgw1: two s2svpn tunnels" cgw_tunnels "$cgw1" \
	192.0.2.1 192.0.2.2 169.254.10.1/30 198.51.100.1 198.51.100.2 169.254.20.1/30 0x10000
s2s_check "cgw2: two s2svpn tunnels" cgw_tunnels "$cgw2" \
	203.0.113.1 203.0.113.2 169.254.30.1/30 203.0.113.1 203.0.113.3 169.254.40.1/30 0x20000
s2s_check "cloud: four native XFRM interfaces (if_id 10, 20, 30, 40)" cloud_tunnels
inside_pings() {
	esp_ping "$cgw1" 169.254.10.2 2 && esp_ping "$cgw1" 169.254.20.2 2 &&
	esp_ping "$cgw2" 169.254.30.2 2 && esp_ping "$cgw2" 169.254.40.2 2
}
s2s_check "ping across the four tunnels' inside addresses" inside_pings

bgp_phase "tunnels up"
bgp_frr_dir
bgp_frr_conf lanh 65001 10.1.0.2 2 "" 10.1.0.1/65000 10.1.0.3/65000
bgp_frr_conf cgw1 65000 169.254.10.1 2 10.1.0.0/24 \
	169.254.10.2/64512 169.254.20.2/64512 10.1.0.2/65001
bgp_frr_conf cgw2 65000 169.254.30.1 2 10.1.0.0/24 \
	169.254.30.2/64512 169.254.40.2/64512 10.1.0.2/65001
bgp_frr_conf cloud 64512 169.254.10.2 4 10.2.0.0/24 169.254.10.1/65000 \
	169.254.20.1/65000 169.254.30.1/65000 169.254.40.1/65000
for r in lanh cgw1 cgw2 cloud; do
	esp_do "FRR (zebra, bfdd, bgpd) on $r" bgp_frr_start "${!r}" $r || s2s_exit
done
frr_logs() { bgp_logs lanh cgw1 cgw2 cloud; }

bgp_phase "FRR started"
ALL4="xfrm10 xfrm20 xfrm30 xfrm40"
# show_routes: the routes between the sites as "# " lines (make
# demo-failover shows them moving)
show_routes() {
	{
		echo "on-premises router (lanh): $(ip -n "$lanh" route show 10.2.0.0/24 | xargs)"
		echo "cloud gateway (cloud):     $(ip -n "$cloud" route show 10.1.0.0/24 | xargs)"
	} | sed 's/^/# /'
}
routes_all() {
	bgp_gw_is "$lanh" 10.2.0.0/24 "10.1.0.1 10.1.0.3" &&
	bgp_via_is "$cgw1" 10.2.0.0/24 "vpn0 vpn1" &&
	bgp_via_is "$cgw2" 10.2.0.0/24 "vpn0 vpn1" &&
	bgp_via_is "$cloud" 10.1.0.0/24 "$ALL4"
}
s2s_check "BGP: on-prem ECMP over both gateways, cloud ECMP over four tunnels" \
	s2s_wait "$(bgp_s 90)" routes_all || { frr_logs; s2s_exit; }
if [ "$BGP_NO_BFD" != 1 ]; then
	bfd_all() { bgp_bfd_up lanh 2 && bgp_bfd_up cloud 4; }
	s2s_check "BFD: sessions up (on-prem 2, cloud 4)" s2s_wait "$(bgp_s 30)" bfd_all
fi
show_routes
s2s_check "ping on-prem router -> cloud host" esp_ping "$lanh" 10.2.0.2 3

bgp_phase "ECMP routes and BFD up"
# --- a whole gateway dies --------------------------------------------------

bgp_stream_start "$lanh" "$chost" 10.2.0.2 $PORT "$(bgp_s 300)"

# the gateway carrying the UDP stream: the one whose LAN port received more
rxp() {
	ip netns exec "$cgw1" cat /sys/class/net/lan/statistics/rx_packets
	ip netns exec "$cgw2" cat /sys/class/net/lan/statistics/rx_packets
}
# 100 datagrams counted (half a second of the stream)
counted() {
	read -r d1 d2 <<<"$(rxp | xargs)"
	d1=$((d1 - rx1)) d2=$((d2 - rx2))
	[ $((d1 + d2)) -ge 100 ]
}
read -r rx1 rx2 <<<"$(rxp | xargs)"
s2s_wait 10 counted
if [ $d1 -ge $d2 ]; then
	dead=cgw1 alive=cgw2 alive_gw=10.1.0.3 alive_xf="xfrm30 xfrm40"
else
	dead=cgw2 alive=cgw1 alive_gw=10.1.0.1 alive_xf="xfrm10 xfrm20"
fi
s2s_log "the UDP stream runs through $dead (LAN packets received: cgw1 $d1, cgw2 $d2)"
esp_bg_start tcp esp_iperf "$lanh" 10.2.0.2 -t 10 -P 4 -b 1M
s2s_wait "$(bgp_s 20)" bgp_tcp_up "$chost" 5

# kill_gw NS: every IP packet in and out of NS is dropped (the box is dead
# to its neighbours: no forwarding, no BGP, no BFD, no ESP)
kill_gw() {
	ip netns exec "$1" nft -f - <<-EOF
	table inet bgp_gateways {
		chain pre {
			type filter hook prerouting priority -400; policy drop;
		}
		chain out {
			type filter hook output priority -400; policy drop;
		}
	}
	EOF
}
revive_gw() {
	ip netns exec "$1" nft delete table inet bgp_gateways 2>/dev/null
	return 0
}
bgp_phase "stream and TCP running"
s2s_check "$dead dies (nftables drops all its IP traffic)" kill_gw "${!dead}"
s2s_defer revive_gw "${!dead}"
moved() {
	bgp_gw_is "$lanh" 10.2.0.0/24 $alive_gw &&
	bgp_via_is "$cloud" 10.1.0.0/24 "$alive_xf"
}
start=$(bgp_ms)
s2s_check "routes move to $alive (on-prem next hop $alive_gw, cloud $alive_xf) within $BGP_ROUTE_WAIT_S s" \
	s2s_wait $BGP_ROUTE_WAIT_S moved || frr_logs
if moved; then
	s2s_log "routes moved after $(($(bgp_ms) - start)) ms"
else
	s2s_log "routes had not moved after $(($(bgp_ms) - start)) ms"
fi
show_routes
s2s_wait "$(bgp_s 10)" esp_ping "$lanh" 10.2.0.2 1
bgp_phase "routes moved"
bgp_stream_end "bgp_gateways: kernel $(uname -r) gateway loss" loss
esp_bg_check tcp "iperf3 TCP (4 streams) on-prem -> cloud survives the gateway loss"
s2s_check "ping through $alive" s2s_wait "$(bgp_s 10)" esp_ping "$lanh" 10.2.0.2 2

bgp_phase "stream checked"
# --- the gateway comes back ------------------------------------------------

s2s_check "$dead comes back" ip netns exec "${!dead}" nft delete table inet bgp_gateways
start=$SECONDS
s2s_check "ECMP routes over both gateways and four tunnels come back within $(bgp_s 60) s" \
	s2s_wait "$(bgp_s 60)" routes_all || frr_logs
s2s_log "routes came back after about $((SECONDS - start)) s"
show_routes
s2s_check "ping on-prem router -> cloud host" esp_ping "$lanh" 10.2.0.2 3

bgp_phase "ECMP back"
esp_check_dmesg "no kernel warning"
s2s_exit
