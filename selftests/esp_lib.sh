# SPDX-License-Identifier: GPL-2.0-only
#
# ESP data-path helpers shared by the esp_*.sh selftests (not a test
# itself).  Sourced after lib.sh:
#
#   . "$(dirname "$0")/lib.sh"
#   . "$(dirname "$0")/esp_lib.sh"
#
# Topology built by esp_two_sites (names stored in $a and $b):
#
#   site A (ns $a)                                site B (ns $b)
#   lan 10.1.0.1/24 fd00:1::1/64                 lan 10.2.0.1/24 fd00:2::1/64
#   ul  192.0.2.1/24 2001:db8::1/64 --veth-- ul  192.0.2.2/24 2001:db8::2/64
#
# The LAN addresses sit on a dummy interface in the gateway namespace, so
# every ping and iperf3 starts and ends at a gateway and crosses the tunnel
# exactly once each way.  SPIs: A->B 0x1000, B->A 0x2000.

ESP_OUT4_A=192.0.2.1
ESP_OUT4_B=192.0.2.2
ESP_OUT6_A=2001:db8::1
ESP_OUT6_B=2001:db8::2
ESP_LAN4_A=10.1.0.1
ESP_LAN4_B=10.2.0.1
ESP_LAN6_A=fd00:1::1
ESP_LAN6_B=fd00:2::1
ESP_NET4_A=10.1.0.0/24
ESP_NET4_B=10.2.0.0/24
ESP_NET6_A=fd00:1::/64
ESP_NET6_B=fd00:2::/64
ESP_SPI_AB=0x1000
ESP_SPI_BA=0x2000

# esp_do DESCRIPTION CMD...: like s2s_check, but CMD runs in this shell (not
# in a command substitution), so the variables and cleanups it sets stay.
esp_do() {
	local desc=$1 out rc
	shift
	out=$(mktemp /tmp/esp-do.XXXXXX)
	"$@" >"$out" 2>&1
	rc=$?
	s2s_result $rc "$desc" "\$ $*"$'\n'"$(cat "$out")"$'\n'"exit status $rc"
	rm -f "$out"
	return $rc
}

# --- topology ---------------------------------------------------------------

# esp_site NS LAN4 LAN6: a dummy "lan" interface carrying the site's
# addresses, and no IPv6 DAD anywhere in NS.
esp_site() {
	local ns=$1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 &&
	ip -n "$ns" link add lan type dummy &&
	ip -n "$ns" link set lan up &&
	ip -n "$ns" addr add "$2/24" dev lan &&
	ip -n "$ns" addr add "$3/64" dev lan nodad
}

# esp_two_sites: namespaces $a and $b joined by the veth "ul", both outer
# families configured, a LAN on each side.
esp_two_sites() {
	s2s_setup_ns a b || return 1
	esp_site "$a" $ESP_LAN4_A $ESP_LAN6_A &&
	esp_site "$b" $ESP_LAN4_B $ESP_LAN6_B &&
	s2s_veth "$a" ul "$b" ul &&
	ip -n "$a" addr add $ESP_OUT4_A/24 dev ul &&
	ip -n "$b" addr add $ESP_OUT4_B/24 dev ul &&
	ip -n "$a" addr add $ESP_OUT6_A/64 dev ul nodad &&
	ip -n "$b" addr add $ESP_OUT6_B/64 dev ul nodad &&
	s2s_wait 10 ip netns exec "$a" ping -c 1 -W 1 $ESP_OUT4_B &&
	s2s_wait 10 ip netns exec "$a" ping -c 1 -W 1 $ESP_OUT6_B
}

# esp_outer SITE FAMILY: the site's (a|b) outer address of FAMILY (4|6).
esp_outer() {
	case $1$2 in
	a4) echo $ESP_OUT4_A ;;
	b4) echo $ESP_OUT4_B ;;
	a6) echo $ESP_OUT6_A ;;
	b6) echo $ESP_OUT6_B ;;
	esac
}

# esp_s2s_tunnel NS LOCAL REMOTE PEER_NET4 PEER_NET6 SRC4 SRC6 [TUN]:
# an s2svpn tunnel (default vpn0), up, with routes to the peer's LAN.
esp_s2s_tunnel() {
	local ns=$1 tun=${8:-vpn0}
	s2sctl -n "$ns" tunnel add "$tun" local "$2" remote "$3" &&
	ip -n "$ns" link set "$tun" up &&
	ip -n "$ns" route add "$4" dev "$tun" src "$6" &&
	ip -n "$ns" -6 route add "$5" dev "$tun" src "$7"
}

# esp_s2s_tunnels FAMILY: vpn0 on both sites over the outer FAMILY.
esp_s2s_tunnels() {
	esp_s2s_tunnel "$a" "$(esp_outer a "$1")" "$(esp_outer b "$1")" \
		$ESP_NET4_B $ESP_NET6_B $ESP_LAN4_A $ESP_LAN6_A &&
	esp_s2s_tunnel "$b" "$(esp_outer b "$1")" "$(esp_outer a "$1")" \
		$ESP_NET4_A $ESP_NET6_A $ESP_LAN4_B $ESP_LAN6_B
}

# --- algorithms and keys ---------------------------------------------------

# esp_key BYTES SEED: a fixed key of BYTES bytes, "0x..." as ip xfrm takes it.
esp_key() {
	local i out=0x
	for ((i = 0; i < $1; i++)); do
		printf -v out '%s%02x' "$out" $(((${2} * 37 + i * 11 + 5) & 0xff))
	done
	echo "$out"
}

# The algorithms every test may name:
#   gcm128-64 gcm128-96 gcm128-128 gcm256-64 gcm256-96 gcm256-128
#   cbc128-sha1 cbc128-sha256 cbc128-sha384 cbc128-sha512
#   cbc256-sha1 cbc256-sha256 cbc256-sha384 cbc256-sha512
ESP_ALGOS_ALL="gcm128-64 gcm128-96 gcm128-128 gcm256-128 cbc128-sha1
cbc128-sha256 cbc128-sha384 cbc128-sha512 cbc256-sha1 cbc256-sha256
cbc256-sha384 cbc256-sha512"

# esp_algo NAME SEED: sets ESP_S2S_ALGO (s2sctl words) and ESP_XFRM_ALGO
# (ip xfrm state words) for algorithm NAME with keys derived from SEED.
# The two describe the same SA on the wire.
esp_algo() {
	local name=$1 seed=$2 bits icv hash trunc
	case $name in
	gcm*)
		bits=${name#gcm}
		icv=${bits#*-}
		bits=${bits%-*}
		local key
		key=$(esp_key $((bits / 8 + 4)) "$seed")
		ESP_S2S_ALGO=(aead 'rfc4106(gcm(aes))' "$key" "$icv")
		ESP_XFRM_ALGO=(aead 'rfc4106(gcm(aes))' "$key" "$icv")
		;;
	cbc*)
		bits=${name#cbc}
		hash=${bits#*-}
		bits=${bits%-*}
		case $hash in
		sha1) trunc=96 ;;
		sha256) trunc=128 ;;
		sha384) trunc=192 ;;
		sha512) trunc=256 ;;
		*) echo "esp_algo: unknown hash $hash" >&2; return 1 ;;
		esac
		local ekey akey
		ekey=$(esp_key $((bits / 8)) "$seed")
		# HMAC keys as long as the digest (sha1: 20 bytes)
		case $hash in
		sha1) akey=$(esp_key 20 $((seed + 100))) ;;
		*) akey=$(esp_key $((${hash#sha} / 8)) $((seed + 100))) ;;
		esac
		ESP_S2S_ALGO=(enc 'cbc(aes)' "$ekey" auth "hmac($hash)" "$akey")
		ESP_XFRM_ALGO=(enc 'cbc(aes)' "$ekey" auth-trunc "hmac($hash)" "$akey" "$trunc")
		;;
	*)
		echo "esp_algo: unknown algorithm $name" >&2
		return 1
		;;
	esac
}

# esp_s2s_sa NS TUN DIR SPI ALGO SEED [OPTION...]: s2sctl sa add.
esp_s2s_sa() {
	local ns=$1 tun=$2 dir=$3 spi=$4
	esp_algo "$5" "$6" || return 1
	shift 6
	s2sctl -n "$ns" sa add "$tun" dir "$dir" spi "$spi" "${ESP_S2S_ALGO[@]}" "$@"
}

# esp_s2s_sas ALGO [OPTION...]: the SA pair on vpn0 of both sites; A->B
# keys come from seed 1, B->A from seed 2.  OPTIONs go to every SA (esn,
# replay-window N).
esp_s2s_sas() {
	local algo=$1
	shift
	esp_s2s_sa "$a" vpn0 out $ESP_SPI_AB "$algo" 1 "$@" &&
	esp_s2s_sa "$b" vpn0 in $ESP_SPI_AB "$algo" 1 "$@" &&
	esp_s2s_sa "$b" vpn0 out $ESP_SPI_BA "$algo" 2 "$@" &&
	esp_s2s_sa "$a" vpn0 in $ESP_SPI_BA "$algo" 2 "$@"
}

# esp_s2s_sas_del: removes what esp_s2s_sas added.
esp_s2s_sas_del() {
	s2sctl -n "$a" sa del vpn0 dir out spi $ESP_SPI_AB &&
	s2sctl -n "$b" sa del vpn0 dir in spi $ESP_SPI_AB &&
	s2sctl -n "$b" sa del vpn0 dir out spi $ESP_SPI_BA &&
	s2sctl -n "$a" sa del vpn0 dir in spi $ESP_SPI_BA
}

# --- counters ---------------------------------------------------------------

# esp_stat NS TUN KEY: a tunnel counter; KEY is a jq path below .stats,
# e.g. rx_packets or drops.auth.  Prints -1 when it cannot be read.
esp_stat() {
	s2sctl -j -n "$1" tunnel show "$2" 2>/dev/null |
		jq -r ".[0].stats.$3 // -1" 2>/dev/null || echo -1
}

# esp_sa_stat NS TUN DIR SPI KEY: an SA counter (KEY below .stats) or field
# (KEY starting with "."), -1 when it cannot be read.
esp_sa_stat() {
	local path=$5
	[ "${path#.}" != "$path" ] || path=.stats.$path
	s2sctl -j -n "$1" sa show "$2" 2>/dev/null |
		jq -r --arg d "$3" --argjson s "$(($4))" \
		"[.[] | select(.dir == \$d and .spi == \$s)][0]$path // -1" \
		2>/dev/null || echo -1
}

# esp_drops NS TUN: the nonzero drop counters, "reason=N ..." (for logs).
esp_drops() {
	s2sctl -j -n "$1" tunnel show "$2" 2>/dev/null |
		jq -r '.[0].stats.drops | to_entries | map(select(.value != 0) |
			"\(.key)=\(.value)") | join(" ")' 2>/dev/null
}

# esp_stats_line NS TUN: "rx P/B tx P/B drops ..." (for logs).
esp_stats_line() {
	s2sctl -j -n "$1" tunnel show "$2" 2>/dev/null |
		jq -r '.[0].stats | "rx \(.rx_packets)/\(.rx_bytes) tx \(.tx_packets)/\(.tx_bytes) drops: " +
			(.drops | to_entries | map(select(.value != 0) |
			"\(.key)=\(.value)") | join(" "))' 2>/dev/null
}

# esp_check_grew DESCRIPTION BEFORE AFTER [MIN]: AFTER - BEFORE >= MIN
# (default 1); BEFORE or AFTER of -1 (unreadable) fails.
esp_check_grew() {
	local min=${4:-1}
	[ "$2" -ge 0 ] && [ "$3" -ge 0 ] && [ $(($3 - $2)) -ge "$min" ]
	s2s_result $? "$1" "before $2, after $3, wanted an increase of at least $min"
}

# esp_check_same DESCRIPTION BEFORE AFTER: the counter did not move.
esp_check_same() {
	[ "$2" -ge 0 ] && [ "$2" = "$3" ]
	s2s_result $? "$1" "before $2, after $3, wanted no change"
}

# --- traffic ----------------------------------------------------------------

# esp_ping NS DST [COUNT [PING_OPTION...]]: COUNT (default 3) echo requests,
# at least one answered.  Output on failure.
esp_ping() {
	local ns=$1 dst=$2 count=${3:-3}
	shift $(($# < 3 ? $# : 3))
	ip netns exec "$ns" ping -q -c "$count" -i 0.2 -W 2 -w $((count + 4)) "$@" "$dst"
}

# esp_iperf SERVER_NS SERVER_ADDR CLIENT_NS [IPERF3_CLIENT_OPTION...]:
# one iperf3 TCP run (default -n 1M); prints the received bits per second
# (an integer) and succeeds when it is above zero.
esp_iperf() {
	local sns=$1 saddr=$2 cns=$3 pidf json bps
	shift 3
	[ $# -gt 0 ] || set -- -n 1M
	pidf=$(mktemp /tmp/esp-iperf.XXXXXX)
	ip netns exec "$sns" iperf3 -s -1 -D -B "$saddr" -p 5201 -I "$pidf" >/dev/null 2>&1 ||
		{ echo "iperf3 server did not start"; rm -f "$pidf"; return 1; }
	if ! s2s_wait 5 esp_listening "$sns" 5201; then
		echo "iperf3 server does not listen"
		esp_iperf_kill "$pidf"
		return 1
	fi
	json=$(timeout 30 ip netns exec "$cns" iperf3 -J -c "$saddr" -p 5201 \
		--connect-timeout 5000 "$@" 2>&1)
	esp_iperf_kill "$pidf"
	bps=$(jq -r '.end.sum_received.bits_per_second // 0 | floor' <<<"$json" 2>/dev/null)
	if [ -z "$bps" ] || [ "$bps" -le 0 ]; then
		echo "iperf3 failed:"
		jq -r '.error // empty' <<<"$json" 2>/dev/null || head -c 2000 <<<"$json"
		return 1
	fi
	echo "$bps"
}

esp_listening() {
	ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .
}

esp_iperf_kill() {
	local pid
	pid=$(cat "$1" 2>/dev/null)
	rm -f "$1"
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	# the one-off server usually ends by itself
	s2s_wait 3 s2s_fails kill -0 "$pid"
}

# esp_check_iperf DESCRIPTION SERVER_NS SERVER_ADDR CLIENT_NS [OPTION...]:
# a KTAP line with the throughput.
esp_check_iperf() {
	local desc=$1 out rc
	shift
	out=$(esp_iperf "$@")
	rc=$?
	if [ $rc = 0 ]; then
		s2s_result 0 "$desc ($(esp_mbps "$out") Mbit/s)"
	else
		s2s_result 1 "$desc" "$out"
	fi
}

esp_mbps() {
	local bps=$1
	printf '%d.%d' $((bps / 1000000)) $((bps / 100000 % 10))
}

# --- the kernel log -------------------------------------------------------

# esp_dmesg_mark: remembers where the kernel log ends now.
esp_dmesg_mark() {
	ESP_DMESG_LINES=$(dmesg 2>/dev/null | wc -l)
}

# esp_check_dmesg DESCRIPTION: no warning or bug since esp_dmesg_mark.
esp_check_dmesg() {
	local bad
	bad=$(dmesg 2>/dev/null | tail -n +$((${ESP_DMESG_LINES:-0} + 1)) |
		grep -E 'WARNING:|BUG:|Oops|general protection|KASAN|UBSAN|refcount_t|list_(add|del) corruption|unregister_netdevice: waiting|RCU stall|lockdep|possible recursive locking|circular locking|Call Trace')
	[ -z "$bad" ]
	s2s_result $? "$1" "$bad"
}

# --- native xfrm peers ----------------------------------------------------

# esp_xfrm_states NS LOCAL REMOTE SPI_OUT SEED_OUT SPI_IN SEED_IN ALGO
#                 ESN IFID [SEL_FAMILY]: the two ip xfrm tunnel-mode states of
# a native peer (reqid 1).  ESN=1: "flag esn" and a 128-packet replay
# window on both (native ESN needs a window); else a 128 window inbound.
# IFID (0 = none) puts the states on an XFRM interface.  SEL_FAMILY 4|6
# gives the states an explicit inner selector of that family (needed when
# the inner family differs from the outer).
esp_xfrm_states() {
	local ns=$1 l=$2 r=$3 so=$4 eo=$5 si=$6 ei=$7 algo=$8 esn=$9
	local ifid=${10} self=${11:-} opts=() sel=()
	[ "$ifid" != 0 ] && opts+=(if_id "$ifid")
	if [ "$esn" = 1 ]; then
		opts+=(replay-window 128 flag esn)
	else
		opts+=(replay-window 128)
	fi
	case $self in
	4) sel=(sel src 0.0.0.0/0 dst 0.0.0.0/0) ;;
	6) sel=(sel src ::/0 dst ::/0) ;;
	esac
	esp_algo "$algo" "$eo" || return 1
	ip -n "$ns" xfrm state add src "$l" dst "$r" proto esp spi "$so" reqid 1 \
		mode tunnel "${ESP_XFRM_ALGO[@]}" "${opts[@]}" "${sel[@]}" || return 1
	esp_algo "$algo" "$ei" || return 1
	ip -n "$ns" xfrm state add src "$r" dst "$l" proto esp spi "$si" reqid 1 \
		mode tunnel "${ESP_XFRM_ALGO[@]}" "${opts[@]}" "${sel[@]}"
}

# esp_xfrm_policies NS LOCAL REMOTE MY_NET PEER_NET [EXTRA...]: out, in and
# fwd tunnel-mode policies between MY_NET and PEER_NET; EXTRA (if_id N,
# mark N) goes to each.
esp_xfrm_policies() {
	local ns=$1 l=$2 r=$3 mine=$4 peer=$5
	shift 5
	ip -n "$ns" xfrm policy add dir out src "$mine" dst "$peer" \
		tmpl src "$l" dst "$r" proto esp reqid 1 mode tunnel "$@" &&
	ip -n "$ns" xfrm policy add dir in src "$peer" dst "$mine" \
		tmpl src "$r" dst "$l" proto esp reqid 1 mode tunnel "$@" &&
	ip -n "$ns" xfrm policy add dir fwd src "$peer" dst "$mine" \
		tmpl src "$r" dst "$l" proto esp reqid 1 mode tunnel "$@"
}
