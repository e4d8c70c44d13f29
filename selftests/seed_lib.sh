# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2154,SC2034,SC2016
#
# The seed scenario (a customer gateway in front of on-premises segments,
# one VPN connection into a cloud), shared by seed_segments_policy.sh,
# seed_segments_route.sh and demo.sh (not a test itself).  Sourced after
# lib.sh and esp_lib.sh.
#
#   on-premises (ns $onprem)      customer gateway ($gw)    cloud ($cloud)    VPCs ($vpc)
#   infra 10.10.0.10 fd00:10::10                            native xfrm,      dev  192.168.1.10 fd01:1::10
#   dev   10.20.0.10 fd00:20::10  --lan-- s2svpn vpn0 --ul-- one SA pair  --vpc-- test 192.168.2.10 fd01:2::10
#   prod  10.30.0.10 fd00:30::10                            10/8 <-> 192.168/16 prod 192.168.3.10 fd01:3::10
#   lab   10.40.0.10 fd00:40::10                            fd00::/16 <-> fd01::/16 other 192.168.9.10 fd01:9::10
#
# The cloud is a native policy-based peer with ONE SA pair ("flag af-unspec"
# states carry IPv4 and IPv6 inside) and tunnel policies 10.0.0.0/8 <->
# 192.168.0.0/16 and fd00::/16 <-> fd01::/16, as a cloud endpoint accepts
# them.  The gateway keeps the segments apart with selectors and segment
# marks (dev 0x1, test 0x2, prod 0x3, infra 0x4, mask 0xf):
#   dev VPC  -> infra, dev services      prod VPC -> infra, prod services
#   test VPC -> infra only               other VPC: no selector (mismatch)
# nftables on the gateway marks what leaves each on-premises subnet with its
# segment (outbound selectors select by mark) and counts decrypted packets
# per mark (proof that the segment tagged them).

SEED_SPI_OUT=0x1000	# gateway -> cloud
SEED_SPI_IN=0x2000	# cloud -> gateway
SEED_UL_GW=198.51.100.1
SEED_UL_CLOUD=198.51.100.2
SEED_UL6_GW=2001:db8:ff::1
SEED_UL6_CLOUD=2001:db8:ff::2

# Hosts by name, per inner family: seed_addr NAME 4|6
seed_addr() {
	case $1$2 in
	infra4) echo 10.10.0.10 ;;	infra6) echo fd00:10::10 ;;
	devsvc4) echo 10.20.0.10 ;;	devsvc6) echo fd00:20::10 ;;
	prodsvc4) echo 10.30.0.10 ;;	prodsvc6) echo fd00:30::10 ;;
	lab4) echo 10.40.0.10 ;;	lab6) echo fd00:40::10 ;;
	dev4) echo 192.168.1.10 ;;	dev6) echo fd01:1::10 ;;
	test4) echo 192.168.2.10 ;;	test6) echo fd01:2::10 ;;
	prod4) echo 192.168.3.10 ;;	prod6) echo fd01:3::10 ;;
	other4) echo 192.168.9.10 ;;	other6) echo fd01:9::10 ;;
	esac
}

# Subnets by name, per family: seed_net NAME 4|6
seed_net() {
	case $1$2 in
	onprem4) echo 10.0.0.0/8 ;;	onprem6) echo fd00::/16 ;;
	infra4) echo 10.10.0.0/16 ;;	infra6) echo fd00:10::/64 ;;
	devsvc4) echo 10.20.0.0/16 ;;	devsvc6) echo fd00:20::/64 ;;
	prodsvc4) echo 10.30.0.0/16 ;;	prodsvc6) echo fd00:30::/64 ;;
	cloud4) echo 192.168.0.0/16 ;;	cloud6) echo fd01::/16 ;;
	dev4) echo 192.168.1.0/24 ;;	dev6) echo fd01:1::/64 ;;
	test4) echo 192.168.2.0/24 ;;	test6) echo fd01:2::/64 ;;
	prod4) echo 192.168.3.0/24 ;;	prod6) echo fd01:3::/64 ;;
	esac
}

# The namespace a host lives in.
seed_ns() {
	case $1 in
	infra | devsvc | prodsvc | lab) echo "$onprem" ;;
	*) echo "$vpc" ;;
	esac
}

# seed_hosts_lines NAME...: ip -batch lines for a dummy "hosts" interface with those hosts.
seed_hosts_lines() {
	local n
	echo "link add hosts type dummy"
	echo "link set hosts up"
	for n in "$@"; do
		echo "addr add $(seed_addr "$n" 4)/24 dev hosts"
		echo "addr add $(seed_addr "$n" 6)/64 dev hosts nodad"
	done
}

# seed_topology: the four namespaces, addresses, routes and forwarding.
seed_topology() {
	s2s_setup_ns onprem gw cloud vpc || return 1
	local ns
	for ns in "$gw" "$cloud"; do
		ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 \
			net.ipv6.conf.all.forwarding=1 \
			net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0 || return 1
	done
	s2s_veth "$onprem" lan "$gw" lan &&
	s2s_veth "$gw" ul "$cloud" ul &&
	s2s_veth "$cloud" vpc "$vpc" vpc || return 1
	{
		seed_hosts_lines infra devsvc prodsvc lab
		cat <<-EOF
		addr add 10.0.0.2/24 dev lan
		addr add fd00:ff::2/64 dev lan nodad
		route add default via 10.0.0.1
		route add default via fd00:ff::1
		EOF
	} | ip -n "$onprem" -batch - || return 1
	ip -n "$gw" -batch - <<-EOF || return 1
	addr add 10.0.0.1/24 dev lan
	addr add fd00:ff::1/64 dev lan nodad
	addr add $SEED_UL_GW/24 dev ul
	addr add $SEED_UL6_GW/64 dev ul nodad
	route add 10.0.0.0/8 via 10.0.0.2
	route add fd00::/16 via fd00:ff::2
	EOF
	ip -n "$cloud" -batch - <<-EOF || return 1
	addr add $SEED_UL_CLOUD/24 dev ul
	addr add $SEED_UL6_CLOUD/64 dev ul nodad
	addr add 192.168.0.1/24 dev vpc
	addr add fd01:ff::1/64 dev vpc nodad
	route add 192.168.0.0/16 via 192.168.0.2
	route add fd01::/16 via fd01:ff::2
	route add 10.0.0.0/8 via $SEED_UL_GW
	route add fd00::/16 via $SEED_UL6_GW
	EOF
	{
		seed_hosts_lines dev test prod other
		cat <<-EOF
		addr add 192.168.0.2/24 dev vpc
		addr add fd01:ff::2/64 dev vpc nodad
		route add default via 192.168.0.1
		route add default via fd01:ff::1
		EOF
	} | ip -n "$vpc" -batch - || return 1
	s2s_wait 10 ip netns exec "$gw" ping -c 1 -W 1 $SEED_UL_CLOUD &&
	s2s_wait 10 ip netns exec "$onprem" ping -c 1 -W 1 fd00:ff::1 &&
	s2s_wait 10 ip netns exec "$vpc" ping -c 1 -W 1 fd01:ff::1 &&
	s2s_wait 10 ip netns exec "$gw" ping -c 1 -W 1 $SEED_UL6_CLOUD
}

# seed_cloud: the native policy-based endpoint, one SA pair, two policies.
seed_cloud() {
	local f
	{
		esp_xfrm_state_lines $SEED_UL_CLOUD $SEED_UL_GW $SEED_SPI_IN 2 \
			$SEED_SPI_OUT 1 gcm128-128 0
		for f in 4 6; do
			esp_xfrm_policy_lines $SEED_UL_CLOUD $SEED_UL_GW \
				"$(seed_net cloud $f)" "$(seed_net onprem $f)"
		done
	} | ip -n "$cloud" -batch -
}

# seed_selector_lines: segments and the gateway's selectors, as a batch.
seed_selector_lines() {
	local f on
	cat <<-EOF
	segment add dev mark 0x1/0xf
	segment add test mark 0x2/0xf
	segment add prod mark 0x3/0xf
	segment add infra mark 0x4/0xf
	EOF
	for f in 4 6; do
		on=$(seed_net onprem $f)
		cat <<-EOF
		selector add vpn0 dir in src $(seed_net dev $f) dst $(seed_net infra $f) segment dev
		selector add vpn0 dir in src $(seed_net dev $f) dst $(seed_net devsvc $f) segment dev
		selector add vpn0 dir in src $(seed_net dev $f) dst $on segment dev action discard
		selector add vpn0 dir in src $(seed_net test $f) dst $(seed_net infra $f) segment test
		selector add vpn0 dir in src $(seed_net test $f) dst $on segment test action discard
		selector add vpn0 dir in src $(seed_net prod $f) dst $(seed_net infra $f) segment prod
		selector add vpn0 dir in src $(seed_net prod $f) dst $(seed_net prodsvc $f) segment prod
		selector add vpn0 dir in src $(seed_net prod $f) dst $on segment prod action discard
		selector add vpn0 dir out src $(seed_net infra $f) dst $(seed_net cloud $f) segment infra
		selector add vpn0 dir out src $(seed_net devsvc $f) dst $(seed_net dev $f) segment dev
		selector add vpn0 dir out src $(seed_net devsvc $f) dst $(seed_net cloud $f) segment dev action discard
		selector add vpn0 dir out src $(seed_net prodsvc $f) dst $(seed_net prod $f) segment prod
		selector add vpn0 dir out src $(seed_net prodsvc $f) dst $(seed_net cloud $f) segment prod action discard
		EOF
	done
}

# seed_nft: the gateway's firewall: on-premises subnets get their segment's
# mark on the way in; decrypted packets are counted per mark.
seed_nft() {
	ip netns exec "$gw" nft -f - <<-EOF
	table inet seed {
		chain pre {
			type filter hook prerouting priority mangle; policy accept;
			iifname "lan" ip saddr $(seed_net infra 4) meta mark set 0x4
			iifname "lan" ip6 saddr $(seed_net infra 6) meta mark set 0x4
			iifname "lan" ip saddr $(seed_net devsvc 4) meta mark set 0x1
			iifname "lan" ip6 saddr $(seed_net devsvc 6) meta mark set 0x1
			iifname "lan" ip saddr $(seed_net prodsvc 4) meta mark set 0x3
			iifname "lan" ip6 saddr $(seed_net prodsvc 6) meta mark set 0x3
		}
		chain decrypted {
			type filter hook forward priority filter; policy accept;
			iifname "vpn0" meta mark & 0xf == 0x1 counter comment "dev_in"
			iifname "vpn0" meta mark & 0xf == 0x2 counter comment "test_in"
			iifname "vpn0" meta mark & 0xf == 0x3 counter comment "prod_in"
			iifname "vpn0" meta mark & 0xf == 0x4 counter comment "infra_in"
		}
	}
	EOF
}

# seed_nft_counters: "dev_in=N test_in=N prod_in=N infra_in=N", from the
# decrypted chain's rule counters (anonymous counters named by their rule's
# comment: named counter objects need nft_objref, which not every kernel
# has).
seed_nft_counters() {
	ip netns exec "$gw" nft list chain inet seed decrypted |
		awk '/comment "/ {
			c = $0; sub(/.*comment "/, "", c); sub(/".*/, "", c)
			p = $0; sub(/.*packets /, "", p); sub(/ .*/, "", p)
			printf "%s=%s ", c, p }'
}

# seed_gateway MODE: the s2svpn tunnel (mode route: with routes into it;
# mode policy: the cloud is reached through the underlay and the tunnel
# captures), its SA pair, segments, selectors and firewall.
seed_gateway() {
	local mode=$1
	# the tunnel carries nothing but the scenario's packets (exact counters)
	esp_quiet_ipv6 "$gw" || return 1
	s2sctl -n "$gw" tunnel add vpn0 local $SEED_UL_GW remote $SEED_UL_CLOUD \
		mode "$mode" || return 1
	if [ "$mode" = route ]; then
		ip -n "$gw" -batch - <<-EOF || return 1
		link set vpn0 up
		route add $(seed_net cloud 4) dev vpn0
		route add $(seed_net cloud 6) dev vpn0
		EOF
	else
		ip -n "$gw" -batch - <<-EOF || return 1
		link set vpn0 up
		route add $(seed_net cloud 4) via $SEED_UL_CLOUD
		route add $(seed_net cloud 6) via $SEED_UL6_CLOUD
		EOF
	fi
	{
		esp_sa_line vpn0 out $SEED_SPI_OUT gcm128-128 1
		esp_sa_line vpn0 in $SEED_SPI_IN gcm128-128 2
		seed_selector_lines
	} | s2sctl -n "$gw" -b - || return 1
	seed_nft
}

# seed_setup MODE: everything.
seed_setup() {
	seed_topology && seed_cloud && seed_gateway "$1"
}

# seed_noping NS SRC DST: COUNT=2 echo requests, none answered.
seed_noping() {
	local out
	out=$(ip netns exec "$1" ping -q -n -c 2 -i 0.2 -W 1 -I "$2" "$3" 2>&1)
	grep -q " 0 received" <<<"$out" && return 0
	echo "$out"
	return 1
}

# The flows (FROM TO), 2 echo requests each.  Allowed: answered.
SEED_ALLOWED="dev:infra dev:devsvc test:infra prod:infra prod:prodsvc
devsvc:dev infra:test"
# Forbidden by a discard selector, in (from a VPC) or out (from on-premises).
SEED_FORBIDDEN="dev:prodsvc test:devsvc test:prodsvc prod:devsvc
devsvc:prod prodsvc:dev prodsvc:test"
# No outbound selector at all (route mode: no_policy; policy mode: in clear).
SEED_UNSELECTED="lab:dev"
# Matched by no inbound selector: selector_mismatch.
SEED_MISMATCH="other:infra"

# seed_flows FAMILY KIND FLOWS: pings of the flows, in parallel, one KTAP
# line each; KIND ok or no.
seed_flows() {
	local f=$1 kind=$2 fl from to names=()
	for fl in $3; do
		from=${fl%%:*}
		to=${fl##*:}
		if [ "$kind" = ok ]; then
			esp_bg_start "$fl" esp_ping "$(seed_ns "$from")" \
				"$(seed_addr "$to" "$f")" 2 -I "$(seed_addr "$from" "$f")"
		else
			esp_bg_start "$fl" seed_noping "$(seed_ns "$from")" \
				"$(seed_addr "$from" "$f")" "$(seed_addr "$to" "$f")"
		fi
		names+=("$fl")
	done
	for fl in "${names[@]}"; do
		if [ "$kind" = ok ]; then
			esp_bg_check "$fl" "IPv$f: ${fl%%:*} reaches ${fl##*:}"
		else
			esp_bg_check "$fl" "IPv$f: ${fl%%:*} does not reach ${fl##*:}"
		fi
	done
}

# seed_traffic FAMILY: every flow of the scenario.
seed_traffic() {
	seed_flows "$1" ok "$SEED_ALLOWED"
	seed_flows "$1" no "$SEED_FORBIDDEN $SEED_MISMATCH $SEED_UNSELECTED"
}

# seed_segments_json / seed_tunnel_json: the gateway's counters.
seed_segments_json() { s2sctl -j -n "$gw" segment show 2>/dev/null || echo '[]'; }

# seed_check_counters FAMILIES MODE: the tunnel's and each segment's
# counters after seed_traffic ran for FAMILIES (1 or 2) inner families, 2
# packets per flow each way, on a MODE (route|policy) gateway.  The lab host
# has no outbound selector: a route-based tunnel drops what is routed into
# it (no_policy), a policy-based one leaves it alone (the cloud drops it).
seed_check_counters() {
	local n=$(($1 * 2)) nopol=0 want got segs tun nft
	[ "$2" = route ] && nopol=$n
	segs=$(seed_segments_json)
	tun=$(esp_json "$gw")
	nft=$(seed_nft_counters)
	# per segment: in (rx) packets, out (tx) packets, policy_discard drops
	want="dev $((3 * n)) $((2 * n)) $((2 * n))
test $((2 * n)) 0 $((2 * n))
prod $((2 * n)) $((1 * n)) $((3 * n))
infra 0 $((4 * n)) 0
tunnel $((7 * n)) $((7 * n)) $((7 * n)) selector_mismatch $n no_policy $nopol"
	got=$(esp_jq "$segs" "$tun" -- '
		(["dev", "test", "prod", "infra"][] as $x |
			([$j0[] | select(.name == $x)][0].stats // {}) as $s |
			"\($x) \($s.rx_packets) \($s.tx_packets) \($s.drops.policy_discard)"),
		"tunnel \(tstat($j1; "rx_packets")) \(tstat($j1; "tx_packets")) \(tstat($j1; "drops.policy_discard")) selector_mismatch \(tstat($j1; "drops.selector_mismatch")) no_policy \(tstat($j1; "drops.no_policy"))"')
	s2s_check_eq "segment counters (in, out, policy_discard) and tunnel counters" \
		"$got" "$want"
	s2s_check_eq "decrypted packets carry their segment's mark (nftables per-mark counters)" \
		"$nft" "dev_in=$((3 * n)) test_in=$((2 * n)) prod_in=$((2 * n)) infra_in=0 "
}
