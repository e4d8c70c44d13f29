# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2154,SC2034
#
# BGP/BFD helpers of the failover tests (bgp_failover.sh, bgp_gateways.sh):
# FRR (zebra, bfdd, bgpd) per namespace, the cloud side's native XFRM
# interfaces, route inspection.  Source after lib.sh and esp_lib.sh.

BGP_FRR=/usr/lib/frr

# Two modes.  "make check" (CI: both kernels' VMs side by side on a 2-core
# host, emulated by TCG, starved now and then for seconds) checks
# correctness with generous timers and bounds: BFD 3000 ms x 3, BGP hold
# time 90 s, and the outage (routes moved, the UDP stream's longest gap)
# within BFD's detection time plus 21 s, 30 s; without BFD the hold time
# gives 80 to 90 s, so the bound still fails a broken failover.  (At a host
# load of 17, bfdd in the guest went 7 s without running: 1000 and 2000 ms
# x 3 flapped on the healthy tunnel.)  S2S_BGP_STRICT=1 ("make
# check-timing", an otherwise idle host) measures what the admin guide
# configures: BFD 500 ms x 3, hold time 30 s, the outage within the
# detection time plus 1.5 s.  S2S_BGP_BFD_MS, S2S_BGP_HOLD and
# S2S_BGP_MARGIN_MS override either.
#
# On a slow kernel (S2S_TIMEOUT_FACTOR F, 4 in "make check-debug": KASAN,
# lockdep and kmemleak make the guest about ten times slower) make check's
# timers, bounds and waits are F times as long: BFD 3000F ms x 3, hold time
# 90F s, margin 21F s, so the bound (30F s) still lies well below the hold
# time and still fails a failover without BFD.  Strict mode is for an idle
# host and a stock kernel and is never scaled.
BGP_STRICT=${S2S_BGP_STRICT:-0}
if [ "$BGP_STRICT" = 1 ]; then
	BGP_F=1
	BGP_BFD_MS=${S2S_BGP_BFD_MS:-500}
	BGP_HOLD=${S2S_BGP_HOLD:-30}
	BGP_MARGIN_MS=${S2S_BGP_MARGIN_MS:-1500}
else
	BGP_F=${S2S_TIMEOUT_FACTOR:-1}
	BGP_BFD_MS=${S2S_BGP_BFD_MS:-$((3000 * BGP_F))}
	BGP_HOLD=${S2S_BGP_HOLD:-$((90 * BGP_F))}
	BGP_MARGIN_MS=${S2S_BGP_MARGIN_MS:-$((21000 * BGP_F))}
fi
BGP_OUTAGE_MS=$((3 * BGP_BFD_MS + BGP_MARGIN_MS))
# the same in whole seconds, rounded up, for s2s_wait
BGP_OUTAGE_S=$(((BGP_OUTAGE_MS + 999) / 1000))
# how long the tests poll for the routes to move: the outage bound when
# strict; twice that in make check, since polling "ip route" in a starved
# guest lags by seconds (the UDP stream's gap is the measure that counts,
# and without BFD the routes move only after the 90 s hold time)
if [ "$BGP_STRICT" = 1 ]; then
	BGP_ROUTE_WAIT_S=$BGP_OUTAGE_S
else
	BGP_ROUTE_WAIT_S=$((2 * BGP_OUTAGE_S))
fi

# bgp_s SECONDS: SECONDS times BGP_F, for waits on FRR and the stream's
# length (the same scale as the timers above).
bgp_s() {
	echo $(($1 * BGP_F))
}

# bgp_require: skips the test unless FRR and the tools are installed.
bgp_require() {
	local d
	for d in zebra bfdd bgpd; do
		[ -x $BGP_FRR/$d ] || s2s_skip "FRR $BGP_FRR/$d is not installed (apt-get install frr)"
	done
	id frr >/dev/null 2>&1 || s2s_skip "no frr user (apt-get install frr)"
	command -v vtysh >/dev/null || s2s_skip "no vtysh (apt-get install frr)"
}

# bgp_frr_dir: BGP_DIR, one directory for every router's configuration,
# pid files, vty sockets and zebra API socket (the VM's root is read-only).
bgp_frr_dir() {
	BGP_DIR=$(mktemp -d /tmp/bgp.XXXXXX)
	chmod 755 "$BGP_DIR"
	s2s_defer rm -rf "$BGP_DIR"
}

# bgp_frr_conf NAME AS ROUTER_ID MAXPATHS "NET..." PEER_ADDR/PEER_AS...:
# the configuration of router NAME: eBGP to every peer (keepalive 10 s,
# hold time BGP_HOLD: 30 s as a cloud's VPN uses in strict mode; BFD
# BGP_BFD_MS x 3 unless BGP_NO_BFD=1), announcing
# NETs, up to MAXPATHS equal paths installed (ECMP).
bgp_frr_conf() {
	local d=$BGP_DIR/$1 as=$2 rid=$3 maxp=$4 nets=$5 p addr n
	shift 5
	mkdir -p "$d" || return 1
	echo "log file $d/zebra.log" >"$d/zebra.conf"
	cat >"$d/bfdd.conf" <<-EOF
	log file $d/bfdd.log
	bfd
	 profile fast
	  transmit-interval $BGP_BFD_MS
	  receive-interval $BGP_BFD_MS
	  detect-multiplier 3
	 exit
	exit
	EOF
	{
		echo "log file $d/bgpd.log"
		echo "router bgp $as"
		echo " bgp router-id $rid"
		echo " no bgp ebgp-requires-policy"
		echo " no bgp network import-check"
		for p in "$@"; do
			addr=${p%/*}
			echo " neighbor $addr remote-as ${p#*/}"
			echo " neighbor $addr timers 10 $BGP_HOLD"
			echo " neighbor $addr timers connect 1"
			[ "${BGP_NO_BFD:-0}" = 1 ] || echo " neighbor $addr bfd profile fast"
		done
		echo " address-family ipv4 unicast"
		for n in $nets; do
			echo "  network $n"
		done
		echo "  maximum-paths $maxp"
		echo " exit-address-family"
	} >"$d/bgpd.conf"
}

# bgp_frr_start NS NAME: zebra, bfdd and bgpd of router NAME in NS, as the
# frr user (FRR wants a user of its vty group), stopped on exit.
bgp_frr_start() {
	local ns=$1 d=$BGP_DIR/$2 daemon
	local common=(-d -u frr -g frr --vty_socket "$d" -z "$d/zserv.api")
	chown -R frr:frr "$d" || return 1
	for daemon in zebra bfdd bgpd; do
		local extra=()
		[ $daemon = bfdd ] && extra=(--bfdctl "$d/bfdd.sock")
		ip netns exec "$ns" $BGP_FRR/$daemon "${common[@]}" "${extra[@]}" \
			-f "$d/$daemon.conf" -i "$d/$daemon.pid" || return 1
		s2s_defer esp_kill_pidfile "$d/$daemon.pid"
		[ $daemon = zebra ] && { s2s_wait 10 test -S "$d/zserv.api" || return 1; }
	done
	return 0
}

# bgp_show NAME CMD...: vtysh commands on router NAME.
bgp_show() {
	local name=$1 c args=()
	shift
	for c in "$@"; do
		args+=(-c "$c")
	done
	timeout 30 vtysh --vty_socket "$BGP_DIR/$name" "${args[@]}" 2>&1
}

# bgp_logs NAME...: sessions, BFD, routes and log tails, as "# " lines.
bgp_logs() {
	local r
	for r in "$@"; do
		echo "--- $r"
		bgp_show "$r" "show bgp summary" "show bfd peers brief" "show ip route"
		tail -n 10 "$BGP_DIR/$r"/*.log
	done | sed 's/^/# /'
}

# bgp_bfd_up NAME N: router NAME has N BFD sessions up.
bgp_bfd_up() {
	[ "$(bgp_show "$1" 'show bfd peers brief' | grep -c ' up ')" = "$2" ]
}

# bgp_via NS NET: the devices of NS's route to NET, sorted, one line
# ("vpn0 vpn1"); for a route through gateways, their addresses.
bgp_via() {
	ip -n "$1" route show "$2" | grep -o 'dev [^ ]*' | cut -d' ' -f2 | sort | xargs
}
bgp_gw() {
	ip -n "$1" route show "$2" | grep -o 'via [^ ]*' | cut -d' ' -f2 | sort | xargs
}
bgp_via_is() { [ "$(bgp_via "$1" "$2")" = "$3" ]; }
bgp_gw_is() { [ "$(bgp_gw "$1" "$2")" = "$3" ]; }

# bgp_router_sysctls NS...: forwarding, multipath hashing on ports, and
# routes over a device without carrier ignored.
bgp_router_sysctls() {
	local ns
	for ns in "$@"; do
		ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 \
			net.ipv4.conf.all.ignore_routes_with_linkdown=1 \
			net.ipv4.fib_multipath_hash_policy=1 || return 1
	done
}

# bgp_s2s_tunnel_lines NAME LOCAL REMOTE SPI_OUT SEED_OUT SPI_IN SEED_IN:
# the s2sctl batch lines of a route-based tunnel with manual keys.
bgp_s2s_tunnel_lines() {
	echo "tunnel add $1 local $2 remote $3"
	esp_sa_line "$1" out "$4" gcm128-128 "$5" &&
	esp_sa_line "$1" in "$6" gcm128-128 "$7"
}

# bgp_xfrm_tunnel_lines NAME IF_ID LOCAL REMOTE INSIDE SPI_OUT SEED_OUT
#                       SPI_IN SEED_IN: "ip -batch" lines of a native XFRM
# interface (the cloud side's tunnel), its two states and its policies for
# any traffic, all with IF_ID, and its inside address INSIDE (a /30).
bgp_xfrm_tunnel_lines() {
	local name=$1 ifid=$2 l=$3 r=$4 inside=$5
	esp_words link add "$name" type xfrm if_id "$ifid"
	esp_xfrm_state_lines "$l" "$r" "$6" "$7" "$8" "$9" gcm128-128 0 if_id "$ifid" &&
	esp_xfrm_policy_lines "$l" "$r" 0.0.0.0/0 0.0.0.0/0 if_id "$ifid"
	esp_words addr add "$inside" dev "$name"
	esp_words link set "$name" up
}

# bgp_ms: the monotonic-enough wall clock in milliseconds.
bgp_ms() {
	date +%s%3N
}

# bgp_phase TEXT: "# [+S.s] TEXT", seconds since the test sourced this file
# (where a slow run spends its time)
BGP_T0=$(date +%s%3N)
bgp_phase() {
	local t=$(($(bgp_ms) - BGP_T0))
	echo "# [+$((t / 1000)).$((t % 1000 / 100)) s] $*"
}

bgp_quiet_kill() {
	kill "$@" 2>/dev/null
	return 0
}

# bgp_stream_start FROM TO DST PORT SECONDS: a sequence-numbered UDP stream
# (200 datagrams/s, selftests/tools/udpseq) from namespace FROM to DST:PORT
# in namespace TO for at most SECONDS (the receiver waits bgp_s 30 more), and
# an iperf3 server in TO.  The receiver's report goes to $BGP_RECV;
# bgp_stream_end ends the stream.
bgp_stream_start() {
	BGP_RECV=$(mktemp /tmp/bgp-recv.XXXXXX)
	BGP_STREAM_FROM=$1 BGP_STREAM_DST=$3 BGP_STREAM_T0=$(bgp_ms)
	s2s_defer rm -f "$BGP_RECV"
	ip netns exec "$2" "$UDPSEQ" recv "$3" "$4" $(($5 + $(bgp_s 30))) >"$BGP_RECV" &
	BGP_PID_R=$!
	s2s_wait 10 grep -q listening "$BGP_RECV"
	esp_iperf_server "$2"
	ip netns exec "$1" "$UDPSEQ" send "$3" "$4" 200 "$5" &
	BGP_PID_S=$!
	s2s_defer bgp_quiet_kill $BGP_PID_S $BGP_PID_R
}

# bgp_tcp_up NS N: N TCP connections to port 5201 (iperf3: control + data)
# established in NS
bgp_tcp_up() {
	[ "$(ip netns exec "$1" ss -Htn state established "sport = :5201" | wc -l)" -ge "$2" ]
}

# bgp_outage_ok MS: MS is a number within the outage bound.
bgp_outage_ok() {
	[ -n "$1" ] && [ "$1" -le "$BGP_OUTAGE_MS" ]
}

# bgp_stream_end TEST WHAT: ends the stream once the path works again (a
# ping gets through, so the end markers can arrive) and checks it: the
# receiver saw its end, it lost datagrams (WHAT, the break or the loss, was
# real) and its longest gap, the outage, is within BGP_OUTAGE_MS (BFD, not
# the hold time).  The outage is printed for TEST.
bgp_stream_end() {
	local rc gap lost
	s2s_wait "$(bgp_s 30)" esp_ping "$BGP_STREAM_FROM" "$BGP_STREAM_DST" 1
	sleep 1
	kill -TERM $BGP_PID_S
	wait $BGP_PID_R
	rc=$?
	s2s_result $rc "UDP: the receiver saw the end of the stream" "$(cat "$BGP_RECV")"
	s2s_log "UDP: $(tail -n 1 "$BGP_RECV") (the stream ran $(($(bgp_ms) - BGP_STREAM_T0)) ms)"
	gap=$(sed -n 's/.* max_gap_ms \([0-9]*\).*/\1/p' "$BGP_RECV")
	lost=$(sed -n 's/.* lost \([0-9]*\).*/\1/p' "$BGP_RECV")
	echo "# $1 outage ${gap:-?} ms, ${lost:-?} datagrams lost" \
		"(BFD $BGP_BFD_MS ms x 3, hold $BGP_HOLD s, bound $BGP_OUTAGE_MS ms)"
	esp_check_ge "UDP: the stream lost datagrams (the $2 was real)" "${lost:-0}" 1
	# (max_gap_ms counts only gaps that ended: the stream must have come back)
	s2s_check "UDP: outage ${gap:-?} ms within $BGP_OUTAGE_MS ms (BFD $BGP_BFD_MS ms x 3 + $BGP_MARGIN_MS ms; not the $BGP_HOLD s hold time)" \
		bgp_outage_ok "$([ $rc = 0 ] && echo "$gap")"
}
