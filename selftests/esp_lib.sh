# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2154,SC2034,SC2016
#
# ESP data-path helpers shared by the esp_*.sh selftests (not a test
# itself).  Sourced after lib.sh:
#
#   . "$(dirname "$0")/lib.sh"
#   . "$(dirname "$0")/esp_lib.sh"
#
# Topology built by esp_two_sites (namespace names stored in $a and $b):
#
#   site A (ns $a)                                site B (ns $b)
#   lan 10.1.0.1/24 fd00:1::1/64                 lan 10.2.0.1/24 fd00:2::1/64
#   ul  192.0.2.1/24 2001:db8::1/64 --veth-- ul  192.0.2.2/24 2001:db8::2/64
#
# The LAN addresses sit on a dummy interface in the gateway namespace, so
# every ping and iperf3 starts and ends at a gateway and crosses the tunnel
# once each way.  SPIs: A->B 0x1000, B->A 0x2000.
#
# In the TCG VM every process start costs a few hundred milliseconds and
# jq about a second, so these helpers batch: one s2sctl -b per namespace to
# replace SAs, one "ip -batch" per native peer, one s2sctl + one jq per
# counter snapshot.

. "$S2S_TOP/selftests/crypto_lib.sh"

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

# --- tools -----------------------------------------------------------------

# find_espmangle: sets ESPMANGLE to the hostile-input tool (selftests/tools):
# $S2S_ESPMANGLE, the one built next to its source, else one built now into
# /tmp (the source tree is read-only in the VM).
find_espmangle() {
	local src=$S2S_TOP/selftests/tools/espmangle.c bin
	for bin in "${S2S_ESPMANGLE:-}" "$S2S_TOP/selftests/tools/espmangle"; do
		if [ -n "$bin" ] && [ -x "$bin" ] && ! [ "$src" -nt "$bin" ]; then
			ESPMANGLE=$bin
			return 0
		fi
	done
	command -v cc >/dev/null || return 1
	bin=$(mktemp /tmp/espmangle.XXXXXX) || return 1
	s2s_defer rm -f "$bin"
	cc -O2 -Wall -Wextra -Werror -std=c11 -o "$bin" "$src" || return 1
	ESPMANGLE=$bin
}

# find_udpseq: sets UDPSEQ to the sequence-numbered UDP stream tool
# (selftests/tools/udpseq.c), found or built like find_espmangle.
find_udpseq() {
	local src=$S2S_TOP/selftests/tools/udpseq.c bin
	for bin in "${S2S_UDPSEQ:-}" "$S2S_TOP/selftests/tools/udpseq"; do
		if [ -n "$bin" ] && [ -x "$bin" ] && ! [ "$src" -nt "$bin" ]; then
			UDPSEQ=$bin
			return 0
		fi
	done
	command -v cc >/dev/null || return 1
	bin=$(mktemp /tmp/udpseq.XXXXXX) || return 1
	s2s_defer rm -f "$bin"
	cc -O2 -Wall -Wextra -Werror -std=c11 -o "$bin" "$src" || return 1
	UDPSEQ=$bin
}

# --- topology ---------------------------------------------------------------

# esp_site NS LAN4 LAN6: a dummy "lan" interface carrying the site's
# addresses.
esp_site() {
	ip -n "$1" -batch - <<-EOF
	link add lan type dummy
	link set lan up
	addr add $2/24 dev lan
	addr add $3/64 dev lan nodad
	EOF
}

# esp_quiet_ipv6 NS...: interfaces created later in NS get no IPv6
# link-local address, send no router solicitation and do no DAD, so that a
# tunnel carries nothing but the test's own packets (exact counters).
esp_quiet_ipv6() {
	local ns
	for ns in "$@"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.addr_gen_mode=1 \
			net.ipv6.conf.default.router_solicitations=0 \
			net.ipv6.conf.default.accept_dad=0 || return 1
	done
}

# esp_two_sites: namespaces $a and $b joined by the veth "ul", both outer
# families configured, a LAN on each side; quiet IPv6 (esp_quiet_ipv6).
esp_two_sites() {
	s2s_setup_ns a b || return 1
	esp_quiet_ipv6 "$a" "$b" &&
	esp_site "$a" $ESP_LAN4_A $ESP_LAN6_A &&
	esp_site "$b" $ESP_LAN4_B $ESP_LAN6_B &&
	s2s_veth "$a" ul "$b" ul &&
	ip -n "$a" -batch - <<-EOF &&
	addr add $ESP_OUT4_A/24 dev ul
	addr add $ESP_OUT6_A/64 dev ul nodad
	EOF
	ip -n "$b" -batch - <<-EOF &&
	addr add $ESP_OUT4_B/24 dev ul
	addr add $ESP_OUT6_B/64 dev ul nodad
	EOF
	s2s_wait 10 ip netns exec "$a" ping -c 1 -W 1 $ESP_OUT4_B
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
	ip -n "$ns" -batch - <<-EOF
	link set $tun up
	route add $4 dev $tun src $6
	route add $5 dev $tun src $7
	EOF
}

# esp_s2s_tunnels FAMILY: vpn0 on both sites over the outer FAMILY (4|6).
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
		printf -v out '%s%02x' "$out" $((($2 * 37 + i * 11 + 5) & 0xff))
	done
	echo "$out"
}

# Algorithm names the tests use:
#   gcmBITS-ICV      rfc4106(gcm(aes)), BITS 128|256, ICV 64|96|128
#   cbcBITS-HASH     cbc(aes) with hmac(HASH), BITS 128|256,
#                    HASH sha1|sha256|sha384|sha512 (RFC 2404/4868 lengths)
ESP_ALGOS_ALL="gcm128-64 gcm128-96 gcm128-128 gcm256-128 cbc128-sha1
cbc128-sha256 cbc128-sha384 cbc128-sha512 cbc256-sha1 cbc256-sha256
cbc256-sha384 cbc256-sha512"

# esp_algo NAME SEED: sets ESP_S2S_ALGO (s2sctl words) and ESP_XFRM_ALGO
# (ip xfrm state words) for algorithm NAME with keys derived from SEED.
# Both describe the same SA on the wire.
esp_algo() {
	local name=$1 seed=$2 bits icv hash trunc key ekey akey
	case $name in
	gcm128-* | gcm256-*)
		bits=${name#gcm}
		icv=${bits#*-}
		bits=${bits%-*}
		key=$(esp_key $((bits / 8 + 4)) "$seed")	# key || salt
		ESP_S2S_ALGO=(aead 'rfc4106(gcm(aes))' "$key" "$icv")
		ESP_XFRM_ALGO=("${ESP_S2S_ALGO[@]}")
		;;
	cbc128-* | cbc256-*)
		bits=${name#cbc}
		hash=${bits#*-}
		bits=${bits%-*}
		case $hash in
		sha1) trunc=96 akey=$(esp_key 20 $((seed + 100))) ;;
		sha256) trunc=128 akey=$(esp_key 32 $((seed + 100))) ;;
		sha384) trunc=192 akey=$(esp_key 48 $((seed + 100))) ;;
		sha512) trunc=256 akey=$(esp_key 64 $((seed + 100))) ;;
		*) echo "esp_algo: unknown hash $hash" >&2; return 1 ;;
		esac
		ekey=$(esp_key $((bits / 8)) "$seed")
		ESP_S2S_ALGO=(enc 'cbc(aes)' "$ekey" auth "hmac($hash)" "$akey")
		ESP_XFRM_ALGO=(enc 'cbc(aes)' "$ekey" auth-trunc "hmac($hash)" "$akey" "$trunc")
		;;
	*)
		echo "esp_algo: unknown algorithm $name" >&2
		return 1
		;;
	esac
}

# esp_words WORD...: one batch line, every word single-quoted.
esp_words() {
	local w line=
	for w in "$@"; do
		line+="'$w' "
	done
	echo "$line"
}

# esp_sa_line TUN DIR SPI ALGO SEED [OPTION...]: an "sa add" batch line.
esp_sa_line() {
	local tun=$1 dir=$2 spi=$3
	esp_algo "$4" "$5" || return 1
	shift 5
	esp_words sa add "$tun" dir "$dir" spi "$spi" "${ESP_S2S_ALGO[@]}" "$@"
}

# esp_s2s_sa NS TUN DIR SPI ALGO SEED [OPTION...]: s2sctl sa add.
esp_s2s_sa() {
	local ns=$1 tun=$2 dir=$3 spi=$4
	esp_algo "$5" "$6" || return 1
	shift 6
	s2sctl -n "$ns" sa add "$tun" dir "$dir" spi "$spi" "${ESP_S2S_ALGO[@]}" "$@"
}

# esp_s2s_sas [-r] ALGO [OPTION...]: the SA pair on vpn0 of both sites,
# one s2sctl batch per site; A->B keys come from seed 1, B->A from seed 2.
# OPTIONs (esn, replay-window N) go to every SA.  -r first deletes the
# pair installed before, in the same batch.
esp_s2s_sas() {
	local del=0 algo batch_a batch_b
	[ "$1" = -r ] && { del=1; shift; }
	algo=$1
	shift
	batch_a=$( ((del)) && printf 'sa del vpn0 dir out spi %s\nsa del vpn0 dir in spi %s\n' \
			$ESP_SPI_AB $ESP_SPI_BA
		esp_sa_line vpn0 out $ESP_SPI_AB "$algo" 1 "$@" &&
		esp_sa_line vpn0 in $ESP_SPI_BA "$algo" 2 "$@") || return 1
	batch_b=$( ((del)) && printf 'sa del vpn0 dir out spi %s\nsa del vpn0 dir in spi %s\n' \
			$ESP_SPI_BA $ESP_SPI_AB
		esp_sa_line vpn0 out $ESP_SPI_BA "$algo" 2 "$@" &&
		esp_sa_line vpn0 in $ESP_SPI_AB "$algo" 1 "$@") || return 1
	s2sctl -n "$a" -b - <<<"$batch_a" && s2sctl -n "$b" -b - <<<"$batch_b"
}

# esp_s2s_sas_del: removes what esp_s2s_sas added.
esp_s2s_sas_del() {
	s2sctl -n "$a" -b - <<-EOF &&
	sa del vpn0 dir out spi $ESP_SPI_AB
	sa del vpn0 dir in spi $ESP_SPI_BA
	EOF
	s2sctl -n "$b" -b - <<-EOF
	sa del vpn0 dir out spi $ESP_SPI_BA
	sa del vpn0 dir in spi $ESP_SPI_AB
	EOF
}

# --- counters ---------------------------------------------------------------

# esp_json NS [TUN]: "s2sctl -j tunnel show" of TUN (default vpn0), "[]"
# when it fails.
esp_json() {
	s2sctl -j -n "$1" tunnel show "${2:-vpn0}" 2>/dev/null || echo '[]'
}

# esp_jq JSON... -- FILTER: runs FILTER once with the JSON documents bound to
# $j0, $j1, ...  Helpers in scope: tstat(j; key) for a tunnel counter
# ("rx_packets", "drops.auth"), sastat(j; dir; spi; key) for an SA counter,
# sa(j; dir; spi) for the SA object.  A missing value is -1.
esp_jq() {
	local args=() i=0
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		args+=(--argjson "j$i" "${1:-[]}")
		i=$((i + 1))
		shift
	done
	shift
	jq -rn "${args[@]}" '
		def tstat(j; k): (k | split(".")) as $p | j[0].stats // {} |
			getpath($p) // -1;
		def sa(j; d; s): d as $d | s as $s |
			[j[0].sas[]? | select(.dir == $d and .spi == $s)][0];
		def sastat(j; d; s; k): (k | split(".")) as $p |
			sa(j; d; s).stats // {} | getpath($p) // -1;
		'"$1"
}

# esp_stat NS TUN KEY: one tunnel counter (KEY as for tstat), -1 when it
# cannot be read.
esp_stat() {
	esp_jq "$(esp_json "$1" "$2")" -- "tstat(\$j0; \"$3\")"
}

# esp_fast_stat NS KEY: the tunnel vpn0's counter KEY ("tx_packets",
# "auth", ...) without jq (a second each in the VM): the first "KEY": N of
# "s2sctl -j tunnel show", where the tunnel's counters come before its
# SAs'.  -1 when it cannot be read.
esp_fast_stat() {
	esp_json_stat "$(s2sctl -j -n "$1" tunnel show vpn0 2>/dev/null)" "$2"
}

# esp_json_stat JSON KEY: the same, from a "tunnel show" already taken.
esp_json_stat() {
	local re="\"$2\":[[:space:]]*([0-9]+)"
	if [[ $1 =~ $re ]]; then
		echo "${BASH_REMATCH[1]}"
	else
		echo -1
	fi
}

# esp_stats_line JSON: "rx P/B tx P/B drops: ..." (for logs).
esp_stats_line() {
	esp_jq "$1" -- '$j0[0].stats | "rx \(.rx_packets)/\(.rx_bytes) tx \(.tx_packets)/\(.tx_bytes) drops: " +
		(.drops | to_entries | map(select(.value != 0) | "\(.key)=\(.value)") | join(" "))'
}

# esp_check_grew DESCRIPTION BEFORE AFTER [MIN]: AFTER - BEFORE >= MIN
# (default 1); a value of -1 (unreadable) fails.
esp_check_grew() {
	local min=${4:-1}
	[ "$2" -ge 0 ] 2>/dev/null && [ "$3" -ge 0 ] 2>/dev/null &&
		[ $(($3 - $2)) -ge "$min" ]
	s2s_result $? "$1" "before $2, after $3, wanted an increase of at least $min"
}

# esp_check_ge DESCRIPTION VALUE MIN
esp_check_ge() {
	[ "$2" -ge "$3" ] 2>/dev/null
	s2s_result $? "$1" "got $2, wanted at least $3"
}

# esp_check_le DESCRIPTION VALUE MAX: VALUE is a number, at most MAX.
esp_check_le() {
	[ "$2" -le "$3" ] 2>/dev/null
	s2s_result $? "$1" "got $2, wanted at most $3"
}

# esp_check_same DESCRIPTION BEFORE AFTER: the counter did not move.
esp_check_same() {
	[ "$2" -ge 0 ] 2>/dev/null && [ "$2" = "$3" ]
	s2s_result $? "$1" "before $2, after $3, wanted no change"
}

# --- traffic ----------------------------------------------------------------

# esp_ping NS DST [COUNT [PING_OPTION...]]: COUNT (default 3) echo requests
# 0.2 s apart, all answered.
esp_ping() {
	local ns=$1 dst=$2 count=${3:-3} out
	shift $(($# < 3 ? $# : 3))
	out=$(ip netns exec "$ns" ping -q -n -c "$count" -i 0.2 -W 2 \
		-w $((count + 4)) "$@" "$dst" 2>&1)
	grep -q " $count received" <<<"$out" && return 0
	echo "$out"
	return 1
}

# esp_bg_start NAME CMD...: runs CMD in the background, output kept;
# esp_bg_check NAME DESCRIPTION waits for it and prints its KTAP line.
declare -A ESP_BG_PID ESP_BG_OUT
esp_bg_start() {
	local name=$1
	shift
	ESP_BG_OUT[$name]=$(mktemp /tmp/esp-bg.XXXXXX)
	"$@" >"${ESP_BG_OUT[$name]}" 2>&1 &
	ESP_BG_PID[$name]=$!
}

esp_bg_check() {
	local rc
	wait "${ESP_BG_PID[$1]}"
	rc=$?
	s2s_result $rc "$2" "$(cat "${ESP_BG_OUT[$1]}")"$'\n'"exit status $rc"
	rc=$?
	rm -f "${ESP_BG_OUT[$1]}"
	unset "ESP_BG_PID[$1]" "ESP_BG_OUT[$1]"
	return $rc
}

# esp_iperf_server NS [ADDR [PORT]]: a persistent iperf3 server on PORT
# (default 5201) of ADDR (default: every address), killed on exit.  One
# server runs one test at a time: give concurrent tests their own port
# (esp_iperf ... -p PORT).
esp_iperf_server() {
	local ns=$1 port=${3:-5201} pidf bind=()
	[ -n "${2:-}" ] && bind=(-B "$2")
	pidf=$(mktemp -u /tmp/esp-iperf.XXXXXX)
	ip netns exec "$ns" iperf3 -s -D "${bind[@]}" -p "$port" -I "$pidf" >/dev/null 2>&1 ||
		return 1
	s2s_defer esp_kill_pidfile "$pidf"
	s2s_wait 10 esp_listening "$ns" "$port"
}

# esp_par_sites 0|1 SETUP_DESC: the "parallel" parameter off or on, two
# sites with s2svpn tunnels over IPv4 and AES-GCM-128 SAs, and a first
# ping through them; the test ends when any of it fails.
esp_par_sites() {
	local param=/sys/module/s2svpn/parameters/parallel
	if [ "$1" = 1 ]; then
		s2s_check "parallel crypto switched on" sh -c "echo 1 > $param"
	else
		s2s_check "parallel crypto off" sh -c "echo 0 > $param"
	fi
	esp_do "$2" esp_par_sites_setup || s2s_exit
	s2s_check "ping through the tunnel" s2s_wait 10 esp_ping "$a" $ESP_LAN4_B 1
}

esp_par_sites_setup() {
	esp_two_sites && esp_s2s_tunnels 4 && esp_s2s_sas gcm128-128
}

# esp_order_begin: what the order tests need (jq, iperf3, taskset, two
# CPUs, udpseq), and their stream's rate PPS: a slow kernel
# (S2S_TIMEOUT_FACTOR F, 4 on the debug kernel) sends F^2 times fewer
# datagrams a second and waits F times as long.
esp_order_begin() {
	esp_begin jq iperf3 taskset
	[ "$(nproc)" -ge 2 ] || s2s_skip "needs 2 CPUs, this VM has $(nproc)"
	find_udpseq || s2s_skip "cannot build selftests/tools/udpseq.c (no cc)"
	F=${S2S_TIMEOUT_FACTOR:-1}
	PPS=$((4000 / (F * F)))
}

# esp_seq_recv NS ADDR PORT FILE: a udpseq receiver in NS on ADDR:PORT,
# its report in FILE, waiting as long as a stream of SECS may take; returns
# once it listens, with its PID in ESP_SEQ_PID
esp_seq_recv() {
	ip netns exec "$1" "$UDPSEQ" recv "$2" "$3" $(((SECS + 60) * F)) >"$4" &
	ESP_SEQ_PID=$!
	s2s_wait $((20 * F)) grep -q listening "$4"
}

# esp_seq_field FILE NAME: the number after NAME in udpseq's report in FILE
esp_seq_field() {
	sed -n "s/.* $2 \([0-9]*\).*/\1/p" "$1"
}

# esp_seq_arrived FILE: at least half of the PPS * SECS datagrams sent
# reached the receiver whose report is in FILE
esp_seq_arrived() {
	esp_check_ge "the stream arrived (at least half of $((PPS * SECS)))" \
		"$(esp_seq_field "$1" received)" $((PPS * SECS / 2))
}

# esp_s2s_xfrmi_sites IFID: two sites over a veth, A an s2svpn tunnel
# over IPv4 with AES-GCM-128 SAs, B a native XFRM interface (if_id IFID)
# with the matching states and policies, and a first ping A -> B; the test
# ends when any of it fails.
esp_s2s_xfrmi_sites() {
	ESP_XFRMI_IFID=$1
	esp_do "two sites over a veth" esp_two_sites || s2s_exit
	s2s_check "site A: s2svpn tunnel over IPv4" esp_s2s_tunnel "$a" $ESP_OUT4_A $ESP_OUT4_B \
		$ESP_NET4_B $ESP_NET6_B $ESP_LAN4_A $ESP_LAN6_A || s2s_exit
	s2s_check "site A: AES-GCM-128 SAs" eval 's2sctl -n "$a" -b - <<<"$(
		esp_sa_line vpn0 out $ESP_SPI_AB gcm128-128 1 &&
		esp_sa_line vpn0 in $ESP_SPI_BA gcm128-128 2)"' || s2s_exit
	s2s_check "site B: native XFRM interface, states and policies" \
		esp_xfrmi_site_b || s2s_exit
	s2s_check "ping A -> B" s2s_wait 10 esp_ping "$a" $ESP_LAN4_B 1
}

esp_xfrmi_site_b() {
	{
		esp_words link add xfrm0 type xfrm dev ul if_id $ESP_XFRMI_IFID
		esp_words link set xfrm0 up
		esp_words route replace $ESP_NET4_A dev xfrm0 src $ESP_LAN4_B
		esp_xfrm_state_lines $ESP_OUT4_B $ESP_OUT4_A $ESP_SPI_BA 2 \
			$ESP_SPI_AB 1 gcm128-128 0 if_id $ESP_XFRMI_IFID &&
		esp_xfrm_policy_lines $ESP_OUT4_B $ESP_OUT4_A 0.0.0.0/0 0.0.0.0/0 \
			if_id $ESP_XFRMI_IFID
	} | ip -n "$b" -batch -
}

# esp_udp_sink NS PORT: a UDP receiver in NS that reads and drops every
# datagram to PORT (so that NS has nothing to answer), killed on exit.
esp_udp_sink() {
	ip netns exec "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", int(sys.argv[1])))
while True:
    s.recv(2048)
' "$2" &
	s2s_defer kill $!
}

# esp_udp_batches NS DST PORT SECONDS: from NS, 1000-byte datagrams to
# DST:PORT for SECONDS, in batches of 50 with a 1 ms pause between them.
esp_udp_batches() {
	ip netns exec "$1" python3 - "$2" "$3" "$4" <<-'PY'
	import socket, sys, time
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	end = time.time() + float(sys.argv[3])
	while time.time() < end:
	    for _ in range(50):
	        try:
	            s.sendto(b"x" * 1000, (sys.argv[1], int(sys.argv[2])))
	        except OSError:
	            pass
	    time.sleep(0.001)
	PY
}

# esp_hist_runs HIST NAME: the hitcounts of the lines of a hist keyed by
# function.sym (workqueue_execute_start) that name NAME, added up.
esp_hist_runs() {
	awk -v f="$2" '$0 ~ "^\\{.*" f {
		for (i = 1; i <= NF; i++) if ($i == "hitcount:") n += $(i + 1)
	} END { print n + 0 }' <<<"$1"
}

esp_listening() {
	ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .
}

esp_kill_pidfile() {
	local pid
	pid=$(cat "$1" 2>/dev/null)
	rm -f "$1"
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	return 0
}

# esp_iperf CLIENT_NS SERVER_ADDR [IPERF3_CLIENT_OPTION...]: one iperf3 TCP
# run (default -n 1M) against a server started with esp_iperf_server (port
# 5201 unless an option says -p PORT); prints the received bits per second
# and succeeds when above zero.
esp_iperf() {
	local cns=$1 saddr=$2 json bps
	shift 2
	[ $# -gt 0 ] || set -- -n 1M
	json=$(timeout 60 ip netns exec "$cns" iperf3 -J -c "$saddr" -p 5201 \
		--connect-timeout 5000 "$@" 2>&1)
	bps=$(jq -r '.end.sum_received.bits_per_second // 0 | floor' <<<"$json" 2>/dev/null)
	if [ -z "$bps" ] || [ "$bps" -le 0 ] 2>/dev/null; then
		echo "iperf3 -c $saddr $* failed:"
		jq -r '.error // empty' <<<"$json" 2>/dev/null || head -c 2000 <<<"$json"
		return 1
	fi
	echo "$bps"
}

# esp_check_iperf DESCRIPTION CLIENT_NS SERVER_ADDR [OPTION...]: one KTAP
# line with the throughput.
esp_check_iperf() {
	local desc=$1 out
	shift
	if out=$(esp_iperf "$@"); then
		s2s_result 0 "$desc ($(esp_mbps "$out") Mbit/s)"
	else
		s2s_result 1 "$desc" "$out"
	fi
}

esp_mbps() {
	printf '%d.%d' $(($1 / 1000000)) $(($1 / 100000 % 10))
}

# esp_sniff_start NS IFACE FILTER: tcpdump waits for one packet matching
# FILTER on IFACE (at most 20 s).  esp_sniff_check DESCRIPTION (in this
# shell, not in $(...)) prints whether it saw one.
esp_sniff_start() {
	ESP_SNIFF_OUT=$(mktemp /tmp/esp-sniff.XXXXXX)
	timeout 20 ip netns exec "$1" tcpdump -l -n -c 1 -i "$2" "$3" \
		>"$ESP_SNIFF_OUT" 2>&1 &
	ESP_SNIFF_PID=$!
	s2s_wait 10 grep -q 'listening on' "$ESP_SNIFF_OUT"
}

esp_sniff_check() {
	local rc
	s2s_wait 10 grep -q 'packets\? captured' "$ESP_SNIFF_OUT"
	kill "$ESP_SNIFF_PID" 2>/dev/null
	wait "$ESP_SNIFF_PID" 2>/dev/null
	grep -q '^1 packet captured' "$ESP_SNIFF_OUT"
	s2s_result $? "$1" "$(cat "$ESP_SNIFF_OUT")"
	rc=$?
	rm -f "$ESP_SNIFF_OUT"
	return $rc
}

# --- the kernel log -------------------------------------------------------

# esp_dmesg_mark: remembers where the kernel log ends now.
# esp_begin CMD...: the preamble of a test on the module: the commands CMD,
# s2sctl and the module are there (the test is skipped otherwise), and the
# kernel log is marked for esp_check_dmesg.
esp_begin() {
	s2s_require_cmd "$@"
	s2s_require_s2sctl
	s2s_require_module
	esp_dmesg_mark
}

esp_dmesg_mark() {
	ESP_DMESG_LINES=$(dmesg 2>/dev/null | wc -l)
}

# esp_check_dmesg DESCRIPTION: no warning or bug since esp_dmesg_mark (the
# VM runner checks the whole log too; this names the test that caused it).
esp_check_dmesg() {
	local bad
	bad=$(dmesg 2>/dev/null | tail -n +$((${ESP_DMESG_LINES:-0} + 1)) |
		grep -E 'WARNING:|BUG:|Oops|general protection|KASAN|UBSAN|refcount_t:|list_(add|del) corruption|unregister_netdevice: waiting|rcu.*stall|possible recursive locking|circular locking|Call Trace')
	[ -z "$bad" ]
	s2s_result $? "$1" "$bad"
}

# esp_cap_seqs FILE: the ESP sequence numbers in a "tcpdump -n" capture,
# in capture order, one word each.
esp_cap_seqs() {
	sed -n 's/.*ESP(spi=0x[0-9a-f]*,seq=\(0x[0-9a-f]*\)).*/\1/p' "$1"
}

# esp_in_order SEQ...: true when each is greater than the one before; else
# prints the first step back ("sequence S after P").
esp_in_order() {
	local s prev=0
	for s in "$@"; do
		[ $((s)) -gt "$prev" ] || { echo "sequence $((s)) after $prev"; return 1; }
		prev=$((s))
	done
}

# --- an asynchronous AEAD ---------------------------------------------------

# esp_async_gcm: makes rfc4106(gcm(aes)) resolve to cryptd (always
# asynchronous): unloads the AES-NI glue, whose own rfc4106 would outrank
# it, and instantiates cryptd(rfc4106(gcm(aes))) (crypto_lib.sh).  Fails
# when the top driver is not cryptd's.
esp_async_gcm() {
	modprobe -q -r aesni_intel 2>/dev/null
	crypto_instantiate 'cryptd(rfc4106(gcm(aes)))' 2>/dev/null
	case $(crypto_top_driver) in cryptd\(*) return 0 ;; esac
	return 1
}

# --- native xfrm peers ----------------------------------------------------

# esp_xfrm_state_lines LOCAL REMOTE SPI_OUT SEED_OUT SPI_IN SEED_IN ALGO ESN
#                      [EXTRA...]: "ip -batch" lines for the two tunnel-mode
# states of a native peer (reqid 1).  ESN=1: "flag esn" and a 128-packet
# replay window on both (native ESN needs a window); else a 128 window.
# "flag af-unspec" leaves the states' inner selector open, so one SA pair
# carries IPv4 and IPv6 inside, over either outer family.  EXTRA (if_id N)
# goes to both.
esp_xfrm_state_lines() {
	local l=$1 r=$2 so=$3 eo=$4 si=$5 ei=$6 algo=$7 esn=$8 flags=(flag af-unspec)
	shift 8
	[ "$esn" = 1 ] && flags=(flag esn flag af-unspec)
	esp_algo "$algo" "$eo" || return 1
	esp_words xfrm state add src "$l" dst "$r" proto esp spi "$so" reqid 1 \
		mode tunnel replay-window 128 "${flags[@]}" "$@" "${ESP_XFRM_ALGO[@]}"
	esp_algo "$algo" "$ei" || return 1
	esp_words xfrm state add src "$r" dst "$l" proto esp spi "$si" reqid 1 \
		mode tunnel replay-window 128 "${flags[@]}" "$@" "${ESP_XFRM_ALGO[@]}"
}

# esp_xfrm_policy_lines LOCAL REMOTE MY_NET PEER_NET [EXTRA...]: out, in and
# fwd tunnel-mode policies between MY_NET and PEER_NET; EXTRA (if_id N,
# mark N) goes to each.
esp_xfrm_policy_lines() {
	local l=$1 r=$2 mine=$3 peer=$4
	shift 4
	esp_words xfrm policy add dir out src "$mine" dst "$peer" \
		tmpl src "$l" dst "$r" proto esp reqid 1 mode tunnel "$@"
	esp_words xfrm policy add dir in src "$peer" dst "$mine" \
		tmpl src "$r" dst "$l" proto esp reqid 1 mode tunnel "$@"
	esp_words xfrm policy add dir fwd src "$peer" dst "$mine" \
		tmpl src "$r" dst "$l" proto esp reqid 1 mode tunnel "$@"
}
