# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2154,SC2034
#
# NAT traversal (RFC 3948) helpers shared by the natt_*.sh selftests (not a
# test itself).  Sourced after lib.sh and esp_lib.sh.
#
# Topology built by natt_topology (namespace names in $a, $n and $b):
#
#   site A (ns $a)          NAT (ns $n)                     site B (ns $b)
#   lan 10.1.0.1/24         in  10.0.0.254/24               lan 10.2.0.1/24
#   ul  10.0.0.1/24 --veth-- in  out 192.0.2.254/24 --veth-- ul 192.0.2.2/24
#       fd10::1/64               fd10::fe/64  2001:db8::fe/64   2001:db8::2/64
#
# A reaches B only through $n, which masquerades A's IPv4 behind
# 192.0.2.254 (nftables, natt_nat); B has no route to 10.0.0.0/24, so
# nothing but NATed traffic can get through.  IPv6 is routed without NAT.

NATT_A=10.0.0.1
NATT_N_IN=10.0.0.254
NATT_N_OUT=192.0.2.254
NATT_B=192.0.2.2
NATT_A6=fd10::1
NATT_N6_IN=fd10::fe
NATT_N6_OUT=2001:db8::fe
NATT_B6=2001:db8::2

# natt_topology: the three namespaces, their links and routes.
natt_topology() {
	s2s_setup_ns a n b || return 1
	esp_quiet_ipv6 "$a" "$b" &&
	# N forwards IPv6: its neighbour solicitations for forwarded packets
	# come from a link-local address, so N keeps those (without DAD)
	ip netns exec "$n" sysctl -qw net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.default.router_solicitations=0 &&
	esp_site "$a" $ESP_LAN4_A $ESP_LAN6_A &&
	esp_site "$b" $ESP_LAN4_B $ESP_LAN6_B &&
	s2s_veth "$a" ul "$n" in &&
	s2s_veth "$n" out "$b" ul &&
	ip -n "$a" -batch - <<-EOF &&
	addr add $NATT_A/24 dev ul
	addr add $NATT_A6/64 dev ul nodad
	route add default via $NATT_N_IN
	route add default via $NATT_N6_IN
	EOF
	ip -n "$n" -batch - <<-EOF &&
	addr add $NATT_N_IN/24 dev in
	addr add $NATT_N_OUT/24 dev out
	addr add $NATT_N6_IN/64 dev in nodad
	addr add $NATT_N6_OUT/64 dev out nodad
	EOF
	ip -n "$b" -batch - <<-EOF &&
	addr add $NATT_B/24 dev ul
	addr add $NATT_B6/64 dev ul nodad
	route add fd10::/64 via $NATT_N6_OUT
	EOF
	ip netns exec "$n" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 &&
	natt_nat preserve &&
	s2s_wait 10 ip netns exec "$a" ping -c 1 -W 1 $NATT_B &&
	s2s_wait 10 ip netns exec "$a" ping -c 1 -W 1 $NATT_B6
}

# natt_nat preserve|LO-HI: $n masquerades A's IPv4 on "out", keeping the
# source port when it can (preserve) or mapping UDP and TCP ports into LO-HI.
natt_nat() {
	local ports=
	[ "$1" != preserve ] &&
		ports="oifname \"out\" meta l4proto { tcp, udp } masquerade to :$1"
	ip netns exec "$n" nft -f - <<-EOF
	table ip natt
	delete table ip natt
	table ip natt {
		chain post {
			type nat hook postrouting priority srcnat;
			$ports
			oifname "out" masquerade
		}
	}
	EOF
}

# natt_flush: forgets every NAT mapping of $n.
natt_flush() {
	ip netns exec "$n" conntrack -F 2>&1 | grep -v 'flow entries have been deleted'
	return "${PIPESTATUS[0]}"
}

# natt_tunnel NS LOCAL REMOTE PEER_NET4 PEER_NET6 SRC4 SRC6 [WORD...]: an
# s2svpn tunnel vpn0 with "encap udp WORD...", up, with routes to the
# peer's LAN.
natt_tunnel() {
	local ns=$1 l=$2 r=$3 n4=$4 n6=$5 s4=$6 s6=$7
	shift 7
	s2sctl -n "$ns" tunnel add vpn0 local "$l" remote "$r" encap udp "$@" &&
	ip -n "$ns" -batch - <<-EOF
	link set vpn0 up
	route add $n4 dev vpn0 src $s4
	route add $n6 dev vpn0 src $s6
	EOF
}

# natt_capture_start NAME NS IFACE FILTER: tcpdump writes what matches
# FILTER on IFACE to a file until natt_capture_count NAME [FILTER] stops it
# and prints how many packets (matching FILTER, if given) it saw.
declare -A NATT_CAP_PID NATT_CAP_FILE
natt_capture_start() {
	local name=$1 log
	NATT_CAP_FILE[$name]=$(mktemp /tmp/natt-cap.XXXXXX)
	log=${NATT_CAP_FILE[$name]}.log
	ip netns exec "$2" tcpdump -n -U -i "$3" -w "${NATT_CAP_FILE[$name]}" "$4" \
		>"$log" 2>&1 &
	NATT_CAP_PID[$name]=$!
	s2s_defer rm -f "${NATT_CAP_FILE[$name]}" "$log"
	s2s_wait 10 grep -q 'listening on' "$log"
}

natt_capture_count() {
	local name=$1 filter=${2:-}
	kill "${NATT_CAP_PID[$name]}" 2>/dev/null
	wait "${NATT_CAP_PID[$name]}" 2>/dev/null
	tcpdump -n -r "${NATT_CAP_FILE[$name]}" ${filter:+"$filter"} 2>/dev/null | wc -l
}

# natt_capture_show NAME [FILTER]: the capture, decoded (for logs).
natt_capture_show() {
	tcpdump -n -r "${NATT_CAP_FILE[$1]}" ${2:+"$2"} 2>/dev/null | head -20
}

# natt_capture_gaps NAME FILTER: the seconds between consecutive packets
# matching FILTER in a stopped capture, one a line.
natt_capture_gaps() {
	tcpdump -n -tt -r "${NATT_CAP_FILE[$1]}" "$2" 2>/dev/null |
		awk 'NR > 1 { printf "%.2f\n", $1 - prev } { prev = $1 }'
}

# natt_kill PID: ends a helper this test started, if it still runs.
natt_kill() {
	kill "$1" 2>/dev/null
	return 0
}
