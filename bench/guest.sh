#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck disable=SC2317 # setup_CFG functions are called as "setup_$c"
#
# The benchmark itself, run inside the test VM by bench/run.sh (one boot per
# kernel).  It measures; it does not judge: raw results go to
# $s2s_out/raw/ (the VM's output directory, shared with the host) and
# bench/report.sh turns them into the table, JSON and chart.
#
# Steps, in this order:
#   1. memory: slab/percpu growth for N dummy interfaces, N s2svpn tunnels,
#      N outbound and N inbound SAs (fresh kernel, nothing else running)
#   2. optionally, tcrypt's AEAD speed test
#   3. throughput/latency: one namespace pair per configuration, all set up
#      before the first measurement; ROUNDS interleaved rounds, each running
#      every workload on every configuration (configuration order rotated
#      each round), then the crypto ceiling: the AEAD alone in the kernel
#      (s2s_kaead.ko) at the packet sizes the tunnel encrypts, and through
#      AF_ALG as a user-space reference, one CPU and all CPUs
#   4. profiles: perf record -a (cpu-clock) during TCP with 1 and 4 flows
#
# Scale (before any configuration is set up, see below): 10,000 SAs through
# "s2sctl -b" against the same 10,000 states through "ip -batch" into xfrm,
# ROUNDS times; and in every round, 64-byte UDP from one sender spread over
# 100 of 1000 tunnels against the same sender through a pair with one
# tunnel: VM CPU time per datagram received.
#
# vti_pcrypt, xfrm VTI with pcrypt(rfc4106(gcm(aes))), the kernel's own
# parallel crypto, is set up last whatever its place in the list: the
# pcrypt instance outranks the plain driver, so every AEAD allocated after
# it (xfrm's, s2svpn's) would get it.  The crypto ceiling then names the
# plain driver explicitly.
#
# Every process start costs a few hundred milliseconds under TCG, so sleeps
# and counter snapshots use shell builtins only.
#
# Environment (bench/run.sh sets them; defaults in brackets):
#   S2S_BENCH_MODULE    s2svpn.ko to load
#   S2S_BENCH_S2SCTL    s2sctl binary
#   S2S_BENCH_ROUNDS    rounds [3]
#   S2S_BENCH_TIME      measured seconds per iperf3 run, after 1 s omitted [4]
#   S2S_BENCH_CONFIGS   configurations [veth s2svpn s2svpn_par vti xfrmi wireguard
#                       sel10 sel10k vti_pcrypt]
#   S2S_BENCH_SCALE     1 = the scale steps (control plane and data path) [1]
#   S2S_BENCH_UDPSPRAY  the data-path scale sender (bench/udpspray.c)
#                       [build/bench/udpspray]
#   S2S_BENCH_TUNNELS   tunnels in the memory test, 0 = skip [1000]
#   S2S_BENCH_CRYPTO    1 = measure the AEAD alone (crypto ceiling) [1]
#   S2S_BENCH_AEAD      the AF_ALG program (bench/aead_speed.c) [build/bench/aead_speed]
#   S2S_BENCH_KAEAD     the in-kernel AEAD module (bench/kaead), "" = none
#                       [build/bench/KVER/kaead/s2s_kaead.ko]
#   S2S_BENCH_KAEAD_SECS  seconds per in-kernel measurement [1]
#   S2S_BENCH_TCRYPT    1 = also run tcrypt's AEAD speed test (+100 s) [0]
#   S2S_BENCH_PROFILE   configurations to profile, "" = none [s2svpn s2svpn_par vti]
#   S2S_BENCH_PING      ping count per run [200]
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# crypto_top_driver, crypto_instantiate
. "$top/selftests/crypto_lib.sh"
out=${s2s_out:?"guest.sh runs inside the bench VM (bench/run.sh)"}
raw=$out/raw
mkdir -p "$raw" || exit 1

kver=$(uname -r)
ko=${S2S_BENCH_MODULE:-$top/build/bench/$kver/kmod/s2svpn.ko}
S2SCTL=${S2S_BENCH_S2SCTL:-$top/tools/s2sctl/s2sctl}
rounds=${S2S_BENCH_ROUNDS:-3}
secs=${S2S_BENCH_TIME:-4}
read -ra configs <<<"${S2S_BENCH_CONFIGS:-veth s2svpn s2svpn_par vti xfrmi wireguard sel10 sel10k vti_pcrypt}"
scale=${S2S_BENCH_SCALE:-1}
udpspray=${S2S_BENCH_UDPSPRAY:-$top/build/bench/udpspray}
ntun=${S2S_BENCH_TUNNELS:-1000}
crypto=${S2S_BENCH_CRYPTO:-1}
tcrypt=${S2S_BENCH_TCRYPT:-0}
aead=${S2S_BENCH_AEAD:-$top/build/bench/aead_speed}
kaead=${S2S_BENCH_KAEAD-$top/build/bench/$kver/kaead/s2s_kaead.ko}
kaead_secs=${S2S_BENCH_KAEAD_SECS:-1}
read -ra profiles <<<"${S2S_BENCH_PROFILE-s2svpn s2svpn_par vti}"
npings=${S2S_BENCH_PING:-200}
[ "$secs" -ge 3 ] || secs=3

# ip xfrm style keys (16-byte AES key + 4-byte salt); SPIs A->B, B->A.
K_AB=0x4a506a794f574265564551694d6537681a2b1a2b
K_BA=0x0102030405060708090a0b0c0d0e0f1011121314
SPI_AB=0x1000
SPI_BA=0x2000
ALG='rfc4106(gcm(aes))'
OUT_A=192.0.2.1
OUT_B=192.0.2.2
IN_A=10.9.0.1
IN_B=10.9.0.2
MTU=1400
parallel_param=/sys/module/s2svpn/parameters/parallel

log() { printf 'bench: %s\n' "$*"; }
# status KEY VALUE...: one line of raw/status (host-side facts about the run)
status() { echo "$*" >>"$raw/status"; }

# nap SECONDS: sleep without starting a process (a read that times out on a
# FIFO nobody writes; the guest has no /dev/fd for process substitution)
mkfifo /tmp/bench-nap || exit 1
exec {nap_fd}<>/tmp/bench-nap
nap() { read -r -t "$1" -u "$nap_fd" _ || :; }

# s2sctl_batch NS: runs the s2sctl commands on stdin as one batch
s2sctl_batch() {
	local f
	f=$(mktemp /tmp/bench-batch.XXXXXX) || return 1
	cat >"$f"
	"$S2SCTL" -n "$1" -b "$f"
	local rc=$?
	rm -f "$f"
	return $rc
}

t_start=$EPOCHREALTIME
# elapsed: seconds since the start, as an integer
elapsed() { local t=${EPOCHREALTIME%.*}; echo $((t - ${t_start%.*})); }

# --- modules ----------------------------------------------------------------

load_modules() {
	local d
	for d in $(modinfo -F depends "$ko" | tr , ' '); do
		modprobe "$d" || return 1
	done
	# What udev's coldplug loads on a real host for the CPU's features
	# (aesni_intel, ghash_clmulni_intel, ...): there is no udev in the VM,
	# and without them rfc4106(gcm(aes)) resolves to aes-generic.
	modprobe -q -a "$(cat /sys/devices/system/cpu/modalias)" 2>/dev/null
	insmod "$ko" || return 1
	# the peers' modules; "ip link add" would load them too
	for d in veth dummy wireguard ip_vti xfrm_interface esp4 xfrm_user; do
		modprobe -q "$d" 2>/dev/null
	done
	return 0
}

# --- memory -------------------------------------------------------------------

# mem_snap LABEL: /proc/meminfo fields and every slab cache's size
mem_snap() {
	local k v buf=
	while read -r k v _; do
		case $k in
		MemFree: | Buffers: | Cached: | AnonPages: | Slab: | SReclaimable: | \
		SUnreclaim: | KernelStack: | PageTables: | VmallocUsed: | Percpu:)
			buf+="mem $1 ${k%:} $v"$'\n'
			;;
		esac
	done </proc/meminfo
	buf+="time $1 $EPOCHREALTIME"$'\n'
	printf '%s' "$buf" >>"$raw/mem.txt"
	cat /proc/slabinfo >"$raw/slabinfo-$1.txt"
}

# mem_step LABEL CMD...: runs CMD (a batch), settles, snapshots
mem_step() {
	local label=$1 t0 rc
	shift
	t0=$EPOCHREALTIME
	"$@" >"$raw/mem-$label.log" 2>&1
	rc=$?
	echo "step $label rc $rc start $t0 end $EPOCHREALTIME" >>"$raw/mem.txt"
	[ $rc = 0 ] || { log "memory step $label failed:"; tail -n 3 "$raw/mem-$label.log"; }
	nap 2
	mem_snap "$label"
	return $rc
}

mem_test() {
	local ns=bench-mem i f=/tmp/bench-mem
	mkdir -p $f
	ip netns add $ns && ip -n $ns -batch - <<-EOF || return 1
	link set lo up
	link add u0 type dummy
	addr add 198.18.0.1/15 dev u0
	link set u0 up
	EOF
	for ((i = 0; i < ntun; i++)); do
		echo "link add d$i type dummy"
	done >$f/dummy
	for ((i = 0; i < ntun; i++)); do
		echo "link set d$i up"
	done >$f/dummy-up
	for ((i = 0; i < ntun; i++)); do
		echo "tunnel add t$i local 198.18.0.1 remote 198.18.$((i / 250)).$((i % 250 + 2)) mtu $MTU"
	done >$f/tunnel
	for ((i = 0; i < ntun; i++)); do
		echo "link set t$i up"
	done >$f/tunnel-up
	for ((i = 0; i < ntun; i++)); do
		printf "sa add t%d dir out spi 0x%x aead '%s' %s 128\n" $i $((0x100000 + i)) "$ALG" $K_AB
	done >$f/sa-out
	for ((i = 0; i < ntun; i++)); do
		printf "sa add t%d dir in spi 0x%x aead '%s' %s 128\n" $i $((0x200000 + i)) "$ALG" $K_BA
	done >$f/sa-in

	# One of each first, deleted again: loads the crypto templates and
	# creates the slab caches, so that N objects measure N objects.
	s2sctl_batch $ns <<-EOF || return 1
	tunnel add w0 local 198.18.0.1 remote 198.19.255.254 mtu $MTU
	sa add w0 dir out spi 0xfff00 aead '$ALG' $K_AB 128
	sa add w0 dir in spi 0xfff01 aead '$ALG' $K_BA 128
	EOF
	ip -n $ns link add w1 type dummy
	ip -n $ns link set w1 up
	ip -n $ns link set w0 up
	"$S2SCTL" -n $ns tunnel del w0
	ip -n $ns link del w1
	nap 3

	mem_snap base
	mem_step dummy ip -n $ns -batch $f/dummy &&
	mem_step tunnel "$S2SCTL" -n $ns -b $f/tunnel &&
	mem_step sa_out "$S2SCTL" -n $ns -b $f/sa-out &&
	mem_step sa_in "$S2SCTL" -n $ns -b $f/sa-in &&
	mem_step dummy_up ip -n $ns -batch $f/dummy-up &&
	mem_step tunnel_up ip -n $ns -batch $f/tunnel-up
	local rc=$?
	local t0=$EPOCHREALTIME
	ip netns del $ns
	# the namespace goes away in the background: wait for its interfaces
	for ((i = 0; i < 600; i++)); do
		[ "$(ls /sys/class/net | wc -l)" -le 2 ] && break
		nap 0.1
	done
	echo "step netns_del rc 0 start $t0 end $EPOCHREALTIME" >>"$raw/mem.txt"
	rm -rf $f
	return $rc
}

# --- scale ----------------------------------------------------------------------

# Control plane: 10,000 SAs = 1250 tunnels x (1 outbound + 7 inbound),
# through one "s2sctl -b", against the same 10,000 states (addresses, SPIs,
# keys) through one "ip -batch" into xfrm, each in a fresh namespace; only
# the SA step is timed.  One line per tool in raw/cps.txt:
#   cps ROUND TOOL n N seconds S rc RC
CPS_TUNNELS=1250
CPS_PER_TUNNEL=8

# cps_remote I: the remote address of tunnel I
cps_remote() { echo "198.18.$(($1 / 250)).$(($1 % 250 + 2))"; }

# cps_ns NS: a namespace with the local address of every tunnel
cps_ns() {
	ip netns add "$1" && ip -n "$1" -batch - <<-EOF
	link set lo up
	link add u0 type dummy
	addr add 198.18.0.1/15 dev u0
	link set u0 up
	EOF
}

# cps_files DIR: the batch files: tunnels, their SAs, the xfrm states
cps_files() {
	local d=$1 i j spi r key dir
	for ((i = 0; i < CPS_TUNNELS; i++)); do
		echo "tunnel add t$i local 198.18.0.1 remote $(cps_remote $i) mtu $MTU"
	done >"$d/tunnels"
	for ((i = 0; i < CPS_TUNNELS; i++)); do
		echo "tunnel del t$i"
	done >"$d/tunnels-del"
	: >"$d/sas"
	: >"$d/states"
	for ((i = 0; i < CPS_TUNNELS; i++)); do
		r=$(cps_remote $i)
		for ((j = 0; j < CPS_PER_TUNNEL; j++)); do
			spi=$((0x100000 + i * CPS_PER_TUNNEL + j))
			if [ $j = 0 ]; then
				dir=out key=$K_AB
				printf 'xfrm state add src 198.18.0.1 dst %s proto esp spi 0x%x mode tunnel aead %s %s 128\n' \
					"$r" $spi "$ALG" $key >>"$d/states"
			else
				dir=in key=$K_BA
				printf 'xfrm state add src %s dst 198.18.0.1 proto esp spi 0x%x mode tunnel aead %s %s 128\n' \
					"$r" $spi "$ALG" $key >>"$d/states"
			fi
			printf "sa add t%d dir %s spi 0x%x aead '%s' %s 128\n" $i $dir $spi "$ALG" $key >>"$d/sas"
		done
	done
}

# ns_gone NS DIR: empties NS first (its tunnels deleted through s2sctl and
# its xfrm states flushed, both synchronous), so that no namespace cleanup
# runs in the background of the next timed step, then deletes it
ns_gone() {
	"$S2SCTL" -n "$1" -b "$2/tunnels-del" >/dev/null 2>&1
	ip -n "$1" xfrm state flush
	ip netns del "$1"
	nap 1
}

# cps_one ROUND TOOL DIR: one timed step of TOOL (s2sctl or xfrm)
cps_one() {
	local r=$1 tool=$2 d=$3 ns=bench-cps t0 t1 rc
	cps_ns $ns || return 1
	if [ "$tool" = s2sctl ]; then
		"$S2SCTL" -n $ns -b "$d/tunnels" >/dev/null || { ns_gone $ns "$d"; return 1; }
		t0=$EPOCHREALTIME
		"$S2SCTL" -n $ns -b "$d/sas" >"$raw/cps-$tool.log" 2>&1
		rc=$?
		t1=$EPOCHREALTIME
	else
		t0=$EPOCHREALTIME
		ip -n $ns -batch "$d/states" >"$raw/cps-$tool.log" 2>&1
		rc=$?
		t1=$EPOCHREALTIME
	fi
	echo "cps $r $tool n $((CPS_TUNNELS * CPS_PER_TUNNEL)) seconds $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') rc $rc" \
		>>"$raw/cps.txt"
	ns_gone $ns "$d"
	return $rc
}

# cps_test: ROUNDS rounds, the order of the two tools alternating
cps_test() {
	local d=/tmp/bench-cps r rc=0
	mkdir -p $d && cps_files $d || return 1
	for ((r = 1; r <= rounds; r++)); do
		if ((r % 2)); then
			cps_one $r s2sctl $d && cps_one $r xfrm $d || rc=1
		else
			cps_one $r xfrm $d && cps_one $r s2sctl $d || rc=1
		fi
	done
	rm -rf $d
	return $rc
}

# Data path: the pair "dps" has DPS_TUNNELS s2svpn tunnels with an SA pair
# each; tunnel I carries 10.(64 + I / 256).(I % 256).0/24, which site B
# owns whole (a /10 on lo), and site B has each tunnel's own outer address
# (on lo; site A routes them through one next hop).  The pair "dps1" is the
# same with one tunnel.  One udpspray sender in site A sends 64-byte
# datagrams as fast as it can, round-robin over DPS_SPREAD tunnels spread
# evenly across the DPS_TUNNELS (dps), or to the one tunnel of dps1; a
# udpspray sink in site B receives them.  Per-datagram cost = the VM's busy
# CPU time / datagrams delivered to the sink, in a window of the steady
# state.  One line per pair and round in raw/dps.txt:
#   dps ROUND PAIR tunnels N spread M seconds S busy_ticks T datagrams D rc RC
DPS_TUNNELS=1000
DPS_SPREAD=100
DPS_PORT=5300

# dps_addr I: site B's inner address behind tunnel I
dps_addr() { echo "10.$((64 + $1 / 256)).$(($1 % 256)).1"; }

# dps_setup PAIR N: the pair with N tunnels
dps_setup() {
	local p=$1 n=$2 i r s ba=/tmp/bench-$1-a bb=/tmp/bench-$1-b sa=/tmp/bench-$1-sa sb=/tmp/bench-$1-sb
	ns_pair "$p" || return 1
	# IPv4 only: without this every tunnel that comes up sends router
	# solicitations and MLD reports, and site B routes them through an
	# IPv6 table of 1000 devices (2 % of a profile, not the data path)
	for s in a b; do
		ip netns exec "$p-$s" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 || return 1
	done
	ip netns exec "$p-b" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 || return 1
	: >"$ba"
	: >"$bb"
	: >"$sa"
	: >"$sb"
	echo "addr add 10.9.0.1/32 dev lo" >>"$ba"
	echo "route add 198.18.0.0/15 via $OUT_B" >>"$ba"
	echo "addr add 10.64.0.1/10 dev lo" >>"$bb"
	for ((i = 0; i < n; i++)); do
		r=$(cps_remote "$i")
		echo "addr add $r/32 dev lo" >>"$bb"
		printf "tunnel add t%d local %s remote %s mtu %d\nsa add t%d dir out spi 0x%x aead '%s' %s 128\nsa add t%d dir in spi 0x%x aead '%s' %s 128\n" \
			$i $OUT_A "$r" $MTU $i $((0x100000 + i)) "$ALG" $K_AB $i $((0x200000 + i)) "$ALG" $K_BA >>"$sa"
		printf "tunnel add t%d local %s remote %s mtu %d\nsa add t%d dir out spi 0x%x aead '%s' %s 128\nsa add t%d dir in spi 0x%x aead '%s' %s 128\n" \
			$i "$r" $OUT_A $MTU $i $((0x200000 + i)) "$ALG" $K_BA $i $((0x100000 + i)) "$ALG" $K_AB >>"$sb"
	done
	ip -n "$p-b" -batch "$bb" && "$S2SCTL" -n "$p-a" -b "$sa" && "$S2SCTL" -n "$p-b" -b "$sb" || return 1
	: >"$ba.up"
	: >"$bb"
	for ((i = 0; i < n; i++)); do
		echo "link set t$i up" >>"$ba.up"
		echo "route add 10.$((64 + i / 256)).$((i % 256)).0/24 dev t$i src 10.9.0.1" >>"$ba.up"
		echo "link set t$i up" >>"$bb"
	done
	ip -n "$p-a" -batch "$ba" && ip -n "$p-a" -batch "$ba.up" && ip -n "$p-b" -batch "$bb" || return 1
	rm -f "$ba" "$ba.up" "$bb" "$sa" "$sb"
	# the sender's destinations: every (N / SPREAD)th tunnel
	dps_dst[$p]=
	local step=$((n / DPS_SPREAD))
	[ $step -ge 1 ] || step=1
	for ((i = 0; i < n; i += step)); do
		dps_dst[$p]+="$(dps_addr $i) "
	done
	# one datagram to each destination: every tunnel must carry
	ip netns exec "$p-b" "$udpspray" sink $DPS_PORT 3 >"/tmp/bench-$p.sink" &
	local pid=$!
	nap 0.5
	# shellcheck disable=SC2086 # a list of addresses
	ip netns exec "$p-a" "$udpspray" send $DPS_PORT 1 64 ${dps_dst[$p]} >/dev/null
	wait $pid
	local got
	read -r _ got <"/tmp/bench-$p.sink"
	rm -f "/tmp/bench-$p.sink"
	[ "${got:-0}" -gt 0 ] || { echo "$p: nothing arrived through the tunnels"; return 1; }
}

declare -A dps_dst=()

# snap_cpu: BUSY = the VM's busy ticks so far (all CPUs), UDPIN = datagrams
# delivered to UDP sockets in the namespace of process $anchor
snap_cpu() {
	local l w
	while read -r l; do
		if [[ $l == "cpu "* ]]; then
			read -ra w <<<"$l"
			BUSY=$((w[1] + w[2] + w[3] + w[6] + w[7] + w[8]))
			break
		fi
	done </proc/stat
	UDPIN=
	while read -r l; do
		if [[ $l == "Udp: "[0-9]* ]]; then
			read -ra w <<<"$l"
			UDPIN=${w[1]}
			break
		fi
	done <"/proc/$anchor/net/snmp"
}

# dps_run ROUND PAIR: one measurement
dps_run() {
	local r=$1 p=$2 sink send rc=0 b0 u0 t0
	ip netns exec "$p-b" "$udpspray" sink $DPS_PORT $((secs + 30)) >"$raw/dps-r$r-$p.sink" 2>&1 &
	sink=$!
	anchor=$sink
	nap 0.5
	# shellcheck disable=SC2086 # a list of addresses
	ip netns exec "$p-a" "$udpspray" send $DPS_PORT $((secs + 2)) 64 ${dps_dst[$p]} \
		>"$raw/dps-r$r-$p.send" 2>&1 &
	send=$!
	nap 1.5
	snap_cpu
	b0=$BUSY u0=$UDPIN t0=$EPOCHREALTIME
	nap "$((secs - 1))"
	snap_cpu
	echo "dps $r $p tunnels ${dps_n[$p]} spread $(wc -w <<<"${dps_dst[$p]}") seconds $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }') busy_ticks $((BUSY - b0)) datagrams $((UDPIN - u0)) rc $rc" \
		>>"$raw/dps.txt"
	wait $send || rc=1
	kill -TERM $sink 2>/dev/null
	wait $sink
	echo "run r$r-dps-$p rc $rc" >>"$raw/status"
	nap 0.5
}

declare -A dps_n=([dps1]=1 [dps]=$DPS_TUNNELS)

# dps_round ROUND: both pairs, in alternating order
dps_round() {
	local pairs=(dps1 dps) p
	((${1} % 2)) || pairs=(dps dps1)
	log "round $1: data-path scale, $DPS_SPREAD of $DPS_TUNNELS tunnels against 1 (at $(elapsed) s)"
	for p in "${pairs[@]}"; do
		[ -n "${dps_dst[$p]:-}" ] && dps_run "$1" "$p"
	done
}

# --- crypto ceiling -------------------------------------------------------------

# The packet sizes the tunnel encrypts (AES-GCM, inner MTU 1400): the ESP
# plaintext is ALIGN(inner packet + 2, 4) bytes.  TCP data 1400 -> 1404,
# TCP ACK 52 -> 56, UDP with 64-byte payload 92 -> 96, ping 84 -> 88; 1420
# is tcrypt's block size, for comparison.
KAEAD_SIZES="1404 56 96 88 1420"
KAEAD_RUN=/sys/kernel/debug/s2s_kaead/run
# WireGuard's AEAD at the sizes it encrypts at the same MTU, its ceiling when
# wireguard is measured: the plaintext is the inner packet padded to 16
# bytes, at most the MTU (TCP data 1400, TCP ACK 52 -> 64, UDP 64 B 92 -> 96,
# ping 84 -> 96).  WireGuard calls the ChaCha20-Poly1305 library; the crypto
# API's rfc7539esp template shares its SIMD ChaCha20 and Poly1305 code but
# not its glue, so the figures are approximate for WireGuard.
KAEAD_CC_ALG="rfc7539esp(chacha20,poly1305)"
KAEAD_CC_SIZES="1400 64 96"

# kaead_round ROUND: the AEAD alone in the kernel (bench/kaead), one
# measurement per size, operation and CPU count (1 and all), KAEAD_SECS
# each: one result line per measurement in raw/kaead-rROUND.txt, or a
# "kaead_fail" line.  The module is loaded for the step and unloaded
# after it.  Shell builtins only: no process start between measurements.
kaead_round() {
	local r=$1 f=$raw/kaead-r$1.txt size op n line buf='' rc=0 cpus=(1)
	local spec alg keylen sizes specs=("${drv:-$ALG}|20|$KAEAD_SIZES")
	[ -n "$kaead" ] || return 0
	if [ ! -r "$kaead" ]; then
		echo "run r$r-kaead rc 1 (no $kaead)" >>"$raw/status"
		return 1
	fi
	[ "$(nproc)" -gt 1 ] && cpus+=("$(nproc)")
	if [ ! -e /sys/module/s2s_kaead ] && ! insmod "$kaead"; then
		echo "run r$r-kaead rc 1 (insmod)" >>"$raw/status"
		return 1
	fi
	[ -e $KAEAD_RUN ] || mount -t debugfs none /sys/kernel/debug
	# the tunnel's AEAD, then WireGuard's when it is measured
	[[ " ${configs[*]} " == *" wireguard "* ]] && specs+=("$KAEAD_CC_ALG|36|$KAEAD_CC_SIZES")
	for spec in "${specs[@]}"; do
		IFS='|' read -r alg keylen sizes <<<"$spec"
		for size in $sizes; do
			for op in enc dec; do
				for n in "${cpus[@]}"; do
					line=
					if echo "driver=$alg keylen=$keylen icv=16 size=$size op=$op cpus=$n secs=$kaead_secs" \
						>$KAEAD_RUN 2>/dev/null &&
						read -r line <$KAEAD_RUN; then
						buf+=$line$'\n'
					else
						# the module's line says why (error=-ERRNO)
						read -r line <$KAEAD_RUN
						buf+="kaead_fail alg=$alg size=$size op=$op cpus=$n: $line"$'\n'
						rc=1
					fi
				done
			done
		done
	done
	rmmod s2s_kaead || rc=1
	printf '%s' "$buf" >"$f"
	echo "run r$r-kaead rc $rc" >>"$raw/status"
	return $rc
}

# crypto_round ROUND: the crypto ceiling, once per round like every
# configuration: in the kernel (kaead_round), then the user-space
# reference, the AEAD through AF_ALG (bench/aead_speed.c, the driver every
# tunnel gets), 1400-byte packets: one CPU, then every CPU at once.
crypto_round() {
	local f=$raw/aead-r$1.txt
	log "round $1: crypto ceiling, $ALG alone, in the kernel and through AF_ALG (at $(elapsed) s)"
	kaead_round "$1"
	"$aead" -a "${drv:-$ALG}" -s 1400 -t 2 -c 1 >"$f" 2>&1 &&
	"$aead" -a "${drv:-$ALG}" -s 1400 -t 2 -c "$(nproc)" >>"$f" 2>&1
	echo "run r$1-aead rc $?" >>"$raw/status"
}

# tcrypt's AEAD speed test (mode 211), in the kernel without system calls:
# 1-second runs of every block size and key size, encryption and decryption
# of rfc4106 and gcm, about 100 s under TCG.
tcrypt_test() {
	echo "s2s-bench: tcrypt start" >/dev/kmsg
	# tcrypt always refuses to stay loaded (EAGAIN) once its tests ran
	modprobe tcrypt mode=211 sec=1 2>/dev/null
	echo "s2s-bench: tcrypt end" >/dev/kmsg
	dmesg | sed -n '/s2s-bench: tcrypt start/,/s2s-bench: tcrypt end/p' >"$raw/tcrypt.txt"
	grep -q 'operations in' "$raw/tcrypt.txt"
}

# --- the configurations ----------------------------------------------------------

# Configurations: veth (plain, no tunnel), s2svpn (route-based, parameter
# parallel off), s2svpn_par (parameter parallel on), vti (native xfrm VTI),
# xfrmi (native XFRM interface), wireguard.
# Each configuration lives in its own pair of namespaces, CFG-a and CFG-b,
# joined by the veth "u0" (MTU 1500, 192.0.2.1/24 -- 192.0.2.2/24).  The
# device under test is "t0" on both sides, MTU 1400, 10.9.0.1 -- 10.9.0.2.

ns_pair() {
	local a=$1-a b=$1-b
	ip netns add "$a" && ip netns add "$b" &&
	ip link add u0 netns "$a" type veth peer name u0 netns "$b" &&
	ip -n "$a" -batch - <<-EOF &&
	link set lo up
	addr add $OUT_A/24 dev u0
	link set u0 up
	EOF
	ip -n "$b" -batch - <<-EOF
	link set lo up
	addr add $OUT_B/24 dev u0
	link set u0 up
	EOF
}

# side_vars SIDE: the local/remote view of side a or b
side_vars() {
	if [ "$1" = a ]; then
		L=$OUT_A R=$OUT_B ME=$IN_A PEER=$IN_B OSPI=$SPI_AB ISPI=$SPI_BA OKEY=$K_AB IKEY=$K_BA
	else
		L=$OUT_B R=$OUT_A ME=$IN_B PEER=$IN_A OSPI=$SPI_BA ISPI=$SPI_AB OKEY=$K_BA IKEY=$K_AB
	fi
}

setup_veth() {
	ip link add t0 netns veth-a mtu $MTU type veth peer name t0 netns veth-b mtu $MTU &&
	ip -n veth-a -batch - <<-EOF &&
	addr add $IN_A/24 dev t0
	link set t0 up
	EOF
	ip -n veth-b -batch - <<-EOF
	addr add $IN_B/24 dev t0
	link set t0 up
	EOF
}

# s2svpn_par is the same tunnel measured with the module parameter
# "parallel" on (crypto spread over all CPUs); s2svpn has it off.
setup_s2svpn_par() {
	[ -w $parallel_param ] || { echo "no $parallel_param in this module"; return 1; }
	setup_s2svpn s2svpn_par
}

# set_parallel CFG: the module parameter as CFG wants it
set_parallel() {
	[ -w $parallel_param ] || return 0
	if [ "$1" = s2svpn_par ]; then
		echo 1 >$parallel_param
	else
		echo 0 >$parallel_param
	fi
}

setup_s2svpn() {
	local s c=${1:-s2svpn}
	for s in a b; do
		side_vars $s
		s2sctl_batch $c-$s <<-EOF || return 1
		tunnel add t0 local $L remote $R mtu $MTU
		sa add t0 dir out spi $OSPI aead '$ALG' $OKEY 128
		sa add t0 dir in spi $ISPI aead '$ALG' $IKEY 128
		EOF
		ip -n $c-$s -batch - <<-EOF || return 1
		addr add $ME peer $PEER dev t0
		link set t0 up
		EOF
	done
}

# sel10 / sel10k: the s2svpn tunnel with 10 or 10,000 selectors (half
# outbound, half inbound, on each side), loaded with one s2sctl -b.  One
# selector per direction matches the measured traffic (10.9.0.0/24 both
# ways); the others are unique filler spread over eight (destination,
# source) prefix-length pairs, so both sizes exercise the same kinds of
# lookup.  The ratio sel10k / sel10 is the classifier's cost at scale.
setup_sel10() { setup_sel sel10 10; }
setup_sel10k() { setup_sel sel10k 10000; }

# sel_lines DIR N: N selectors of direction DIR, the matching one first
sel_lines() {
	local dir=$1 n=$2 i a b d dst src out
	printf -v out 'selector add t0 dir %s src 10.9.0.0/24 dst 10.9.0.0/24\n' "$dir"
	for ((i = 1; i < n; i++)); do
		a=$(((i >> 8) & 255)) b=$((i & 255)) d=$((128 + i % 64))
		case $((i % 4)) in
		0) dst=10.$d.0.0/16 ;;
		1) dst=10.$d.$((a & 0xf0)).0/20 ;;
		2) dst=10.$d.$a.0/24 ;;
		3) dst=10.$d.$a.$b/32 ;;
		esac
		if (((i >> 2) & 1)); then
			src=172.$((32 + a)).$b.0/24
		else
			src=172.16.$a.$b/32
		fi
		out+="selector add t0 dir $dir src $src dst $dst"$'\n'
	done
	printf '%s' "$out"
}

setup_sel() {
	local c=$1 n=$2 s
	setup_s2svpn "$c" || return 1
	for s in a b; do
		{
			sel_lines out $((n / 2))
			sel_lines in $((n / 2))
		} | s2sctl_batch "$c-$s" >/dev/null || return 1
	done
}

# VTI: states and policies carry the interface's key as their mark.
setup_vti() {
	local s c=${1:-vti}
	for s in a b; do
		side_vars $s
		ip -n $c-$s -batch - <<-EOF || return 1
		link add t0 type vti local $L remote $R key 7
		xfrm state add src $L dst $R proto esp spi $OSPI mode tunnel mark 7 aead $ALG $OKEY 128
		xfrm state add src $R dst $L proto esp spi $ISPI mode tunnel mark 7 aead $ALG $IKEY 128
		xfrm policy add src 0.0.0.0/0 dst 0.0.0.0/0 dir out mark 7 tmpl src $L dst $R proto esp mode tunnel
		xfrm policy add src 0.0.0.0/0 dst 0.0.0.0/0 dir in mark 7 tmpl src $R dst $L proto esp mode tunnel
		link set t0 mtu $MTU
		addr add $ME peer $PEER dev t0
		link set t0 up
		EOF
		ip netns exec $c-$s sysctl -qw net.ipv4.conf.t0.disable_policy=1 || return 1
	done
}

# vti_pcrypt: the VTI above with pcrypt over the plain driver, instantiated
# through an AF_ALG bind to "pcrypt(DRIVER)" (the instance stays
# registered under the inner algorithm's name, rfc4106(gcm(aes)), with the
# inner driver's priority + 100, so xfrm's allocation by name gets it).
# The driver's name, not the algorithm's: the instance is found by its
# driver name "pcrypt(DRIVER)", while a bind to "pcrypt(rfc4106(gcm(aes)))"
# never finds the instance it created and, on 6.12, creates pcrypt over
# pcrypt until the name is too long.  crypto_instantiate turns the crypto
# self-tests off for that moment.
setup_vti_pcrypt() {
	modprobe -q pcrypt || { echo "no pcrypt module"; return 1; }
	crypto_instantiate "pcrypt(${drv:?no plain driver})"
	case $(crypto_top_driver) in
	pcrypt\(*) ;;
	*) echo "rfc4106(gcm(aes)) still resolves to $(crypto_top_driver), not to pcrypt"; return 1 ;;
	esac
	status pcrypt_driver "$(crypto_top_driver)"
	setup_vti vti_pcrypt
}

# XFRM interface: states and policies carry the interface's if_id.
setup_xfrmi() {
	local s
	for s in a b; do
		side_vars $s
		ip -n xfrmi-$s -batch - <<-EOF || return 1
		link add t0 type xfrm dev u0 if_id 42
		xfrm state add src $L dst $R proto esp spi $OSPI mode tunnel if_id 42 aead $ALG $OKEY 128
		xfrm state add src $R dst $L proto esp spi $ISPI mode tunnel if_id 42 aead $ALG $IKEY 128
		xfrm policy add src 0.0.0.0/0 dst 0.0.0.0/0 dir out tmpl src $L dst $R proto esp mode tunnel if_id 42
		xfrm policy add src 0.0.0.0/0 dst 0.0.0.0/0 dir in tmpl src $R dst $L proto esp mode tunnel if_id 42
		link set t0 mtu $MTU
		addr add $ME peer $PEER dev t0
		link set t0 up
		EOF
	done
}

setup_wireguard() {
	local s k=/tmp/bench-wg
	mkdir -p $k
	for s in a b; do
		wg genkey >$k/$s.key && wg pubkey <$k/$s.key >$k/$s.pub || return 1
	done
	for s in a b; do
		side_vars $s
		local peer=b
		[ $s = b ] && peer=a
		ip -n wireguard-$s link add t0 type wireguard || return 1
		ip netns exec wireguard-$s wg set t0 private-key $k/$s.key listen-port 51820 \
			peer "$(cat $k/$peer.pub)" allowed-ips 0.0.0.0/0 endpoint $R:51820 || return 1
		ip -n wireguard-$s -batch - <<-EOF || return 1
		link set t0 mtu $MTU
		addr add $ME peer $PEER dev t0
		link set t0 up
		EOF
	done
}

# setup CFG: namespaces, device, a working ping, iperf3 servers in CFG-b
# (one per flow of the 4-flow test, ports 5201..5204)
setup() {
	local c=$1 i p
	ns_pair "$c" && "setup_$c" || return 1
	for ((i = 0; i < 5; i++)); do
		ip netns exec "$c-a" ping -c 1 -W 2 $IN_B >/dev/null 2>&1 && break
	done
	[ $i -lt 5 ] || { log "$c: no ping through the tunnel"; return 1; }
	for p in 1 2 3 4; do
		ip netns exec "$c-b" iperf3 -s -p $((5200 + p)) -D -I "/run/bench-$c.$p.pid" \
			>/dev/null 2>&1 || return 1
	done
	for ((i = 0; i < 50; i++)); do
		[ -s "/run/bench-$c.4.pid" ] && return 0
		nap 0.1
	done
	return 1
}

# --- measurements ---------------------------------------------------------------

# snap FILE start|end: the whole VM's CPU times, softirq counts, CFG-b's
# interface counters (via the iperf3 server's /proc/PID/net/dev) and every
# task's CPU times.  The counters that define the window are read last at
# its start and first at its end, and the file is written in one go (the
# output directory is 9p: every write is a round trip to the host).
snap() {
	local l p counters tasks
	if [ "$2" = end ]; then
		snap_counters
		counters=$snap_out
		snap_tasks
		tasks=$snap_out
	else
		snap_tasks
		tasks=$snap_out
		snap_counters
		counters=$snap_out
	fi
	printf '%s%s' "$counters" "$tasks" >"$1"
}

snap_counters() {
	local l
	snap_out="time $EPOCHREALTIME"$'\n'
	while read -r l; do
		case $l in cpu*) snap_out+=$l$'\n' ;; esac
	done </proc/stat
	while read -r l; do snap_out+="netdev $l"$'\n'; done <"/proc/$anchor/net/dev"
	while read -r l; do snap_out+="softirq $l"$'\n'; done </proc/softirqs
}

snap_tasks() {
	local l p
	snap_out=
	for p in /proc/[0-9]*/stat; do
		read -r l 2>/dev/null <"$p" && snap_out+="task $l"$'\n'
	done
}

# read_rx: RX = bytes received by t0 in the measured configuration's b side
read_rx() {
	local l w
	RX=0
	while read -r l; do
		if [[ $l == t0:* ]]; then
			read -ra w <<<"${l#t0:}"
			RX=${w[0]}
		fi
	done <"/proc/$anchor/net/dev"
}

# wait_traffic: until t0 of the b side receives (10 s at most)
wait_traffic() {
	local i rx0
	read_rx
	rx0=$RX
	for ((i = 0; i < 100; i++)); do
		nap 0.1
		read_rx
		[ "$RX" != "$rx0" ] && return 0
	done
	return 1
}

# iperf CFG TAG FLOWS IPERF-ARGS...: FLOWS iperf3 clients at once, one flow
# each (iperf3 3.12 runs all the flows of -P N in one thread, so they could
# never use a second CPU), each secs+1 s with the first second omitted; CPU
# snapshots bracket a window in their steady state.
iperf() {
	local c=$1 tag=$2 flows=$3 i rc=0 pids=()
	shift 3
	anchor=$(<"/run/bench-$c.1.pid")
	[[ $tag == *-tcp* ]] && tcp_mib "$c" >"$raw/$tag.n0"
	for ((i = 1; i <= flows; i++)); do
		ip netns exec "$c-a" timeout $((secs + 30)) \
			iperf3 -c $IN_B -p $((5200 + i)) -t "$secs" -O 1 -J "$@" \
			>"$raw/$tag.$i.json" 2>"$raw/$tag.$i.err" &
		pids+=($!)
	done
	if wait_traffic; then
		nap 1.5
		snap "$raw/$tag.s0" start
		nap "$((secs - 2)).5"
		snap "$raw/$tag.s1" end
	fi
	for i in "${pids[@]}"; do
		wait "$i" || rc=$?
	done
	[[ $tag == *-tcp* ]] && tcp_mib "$c" >"$raw/$tag.n1"
	echo "run $tag rc $rc" >>"$raw/status"
	nap 0.5
}

# tcp_mib CFG: the sending side's TCP retransmission counters (absolute):
# segments retransmitted, and those the receiver reported as duplicates
# (D-SACK: the retransmission was spurious, the original had only been
# overtaken), with the receiving side's out-of-order queueings
tcp_mib() {
	ip netns exec "$1-a" nstat -saz TcpRetransSegs TcpExtTCPDSACKRecvSegs
	ip netns exec "$1-b" nstat -saz TcpExtTCPOFOQueue
}

ping_run() {
	local c=$1 tag=$2
	ip netns exec "$c-a" ping -i 0.01 -c "$npings" -W 1 $IN_B >"$raw/$tag.ping" 2>&1
	echo "run $tag rc $?" >>"$raw/status"
}

measure() {
	local c=$1 r=$2
	log "round $r: $c (at $(elapsed) s)"
	set_parallel "$c"
	iperf "$c" "r$r-$c-tcp1" 1
	iperf "$c" "r$r-$c-tcp4" 4
	iperf "$c" "r$r-$c-udp64" 1 -u -l 64 -b 0
	ping_run "$c" "r$r-$c-ping"
}

# profile CFG FLOWS: perf record (cpu-clock, call graphs) of the whole VM
# for the length of a TCP run of FLOWS clients at once (1 or 4, as the
# rounds measure them).  perf report runs on the host (bench/report.sh)
# with the guest's /proc/kallsyms: under TCG it would take minutes here.
profile() {
	local c=$1 flows=$2 tag=profile-$1
	[ "$flows" = 1 ] || tag=$tag-tcp$flows
	set_parallel "$c"
	# perf walks /lib/modules/KVER at start, 4000 files over 9p (40 s under
	# TCG): hide it behind an empty tmpfs in a mount namespace of its own;
	# the symbols come from /proc/kallsyms anyway.  The clients write
	# nothing over 9p while perf records.
	# shellcheck disable=SC2016 # expanded by the inner shells
	unshare -m sh -c 'mount -t tmpfs none "/lib/modules/$(uname -r)" && exec "$@"' sh \
		perf record -q -B -N -a -g -e cpu-clock -F 499 -o "/tmp/$tag.data" -- \
		ip netns exec "$c-a" sh -c 'i=1; while [ $i -le $2 ]; do
			timeout 30 iperf3 -c $1 -p $((5200 + i)) -t 6 -J >/tmp/$3.$i.json &
			i=$((i + 1)); done; wait' sh $IN_B "$flows" "$tag" \
		2>"$raw/$tag.log"
	echo "run $tag rc $?" >>"$raw/status"
	# written to tmpfs first: perf's own writes over 9p would show in the profile
	mv "/tmp/$tag.data" "$raw/$tag.data"
	mv "/tmp/$tag.1.json" "$raw/$tag.json"
	rm -f "/tmp/$tag".*.json
	nap 1
}

# profile_dps PAIR: the same for the data-path scale sender (6 s)
profile_dps() {
	local p=$1 tag=profile-$1 sink
	ip netns exec "$p-b" "$udpspray" sink $DPS_PORT 40 >/dev/null 2>&1 &
	sink=$!
	nap 0.5
	# shellcheck disable=SC2016,SC2086 # expanded by the inner shell; a list of addresses
	unshare -m sh -c 'mount -t tmpfs none "/lib/modules/$(uname -r)" && exec "$@"' sh \
		perf record -q -B -N -a -g -e cpu-clock -F 499 -o "/tmp/$tag.data" -- \
		ip netns exec "$p-a" "$udpspray" send $DPS_PORT 6 64 ${dps_dst[$p]} \
		>"$raw/$tag.log" 2>&1
	echo "run $tag rc $?" >>"$raw/status"
	kill -TERM $sink 2>/dev/null
	wait $sink
	mv "/tmp/$tag.data" "$raw/$tag.data"
	nap 1
}

# --- the run -------------------------------------------------------------------

rm -f "$raw/status"
status kernel "$kver"
status uname "$(uname -a)"
status cpus "$(nproc)"
status cpu_model "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
status rounds "$rounds"
status secs "$secs"
status configs "${configs[*]}"

log "kernel $kver, ${#configs[@]} configurations, $rounds rounds of ${secs}+1 s runs"
load_modules || { log "cannot load $ko"; exit 1; }
status module "$ko"
status module_srcversion "$(cat /sys/module/s2svpn/srcversion 2>/dev/null)"
cp /proc/modules "$raw/modules.txt"
# the plain driver, before vti_pcrypt instantiates pcrypt over it
drv=$(crypto_top_driver)
status aead_driver "$drv"

if [ "$ntun" -gt 0 ]; then
	log "memory: $ntun dummies, tunnels, SA pairs (at $(elapsed) s)"
	mem_test
	status mem_rc $?
	status mem_n "$ntun"
fi

if [ "$tcrypt" = 1 ]; then
	log "crypto ceiling: tcrypt mode=211 sec=1 (at $(elapsed) s)"
	tcrypt_test
	status tcrypt_rc $?
fi

if [ "$scale" = 1 ]; then
	log "scale: $((CPS_TUNNELS * CPS_PER_TUNNEL)) SAs, s2sctl -b and ip -batch (xfrm), $rounds rounds (at $(elapsed) s)"
	cps_test
	status cps_rc $?
	if [ -x "$udpspray" ]; then
		for p in dps1 dps; do
			log "scale: setting up $p, ${dps_n[$p]} tunnels (at $(elapsed) s)"
			if ! dps_setup $p "${dps_n[$p]}" >"$raw/setup-$p.log" 2>&1; then
				log "$p: setup failed, left out:"
				sed 's/^/    /' "$raw/setup-$p.log" | tail -n 5
				status setup_failed "$p"
				dps_dst[$p]=
			fi
		done
	else
		status setup_failed "dps (no $udpspray)"
	fi
fi

# vti_pcrypt last (see the top of this file)
setup_order=()
for c in "${configs[@]}"; do
	[ "$c" = vti_pcrypt ] || setup_order+=("$c")
done
[[ " ${configs[*]} " == *" vti_pcrypt "* ]] && setup_order+=(vti_pcrypt)
ok_configs=()
for c in "${setup_order[@]}"; do
	log "setting up $c"
	if setup "$c" >"$raw/setup-$c.log" 2>&1; then
		ok_configs+=("$c")
	else
		log "$c: setup failed, left out:"
		sed 's/^/    /' "$raw/setup-$c.log" | tail -n 5
		status setup_failed "$c"
	fi
done
status measured "${ok_configs[*]}"
cp /proc/crypto "$raw/crypto.txt"

n=${#ok_configs[@]}
for ((r = 1; r <= rounds; r++)); do
	for ((i = 0; i < n; i++)); do
		measure "${ok_configs[$(((i + r - 1) % n))]}" "$r"
	done
	[ "$crypto" = 1 ] && crypto_round "$r"
	[ "$scale" = 1 ] && dps_round "$r"
done

if [ ${#profiles[@]} -gt 0 ] && ! command -v perf >/dev/null; then
	profiles=()
	log "no perf: no profiles"
fi
[ ${#profiles[@]} = 0 ] || cp /proc/kallsyms "$raw/kallsyms"
for c in "${profiles[@]}"; do
	[[ " ${ok_configs[*]} " == *" $c "* ]] || continue
	log "profile: $c, TCP 1 and 4 flows (at $(elapsed) s)"
	profile "$c" 1
	profile "$c" 4
done
if [ ${#profiles[@]} -gt 0 ] && [ "$scale" = 1 ]; then
	for p in dps1 dps; do
		[ -n "${dps_dst[$p]:-}" ] || continue
		log "profile: $p, 64-byte UDP over ${dps_n[$p]} tunnel(s) (at $(elapsed) s)"
		profile_dps "$p"
	done
fi

# what the devices counted, drops included
for c in "${ok_configs[@]}"; do
	for s in a b; do
		ip -n "$c-$s" -s -s link show t0 >"$raw/link-$c-$s.txt" 2>&1
	done
done
for c in s2svpn s2svpn_par; do
	[[ " ${ok_configs[*]} " == *" $c "* ]] || continue
	for s in a b; do
		"$S2SCTL" -n $c-$s tunnel show >"$raw/s2sctl-$c-$s.txt" 2>&1
	done
done

log "cleaning up (at $(elapsed) s)"
# The namespaces of vti_pcrypt stay: with asynchronous crypto (pcrypt,
# cryptd) the kernel's VTI receive path takes its reference on the
# underlay device and drops one on the VTI device (xfrm_input() holds
# skb->dev before the decryption; vti_rcv_cb() sets skb->dev to the tunnel
# before the resumed path puts skb->dev), one per packet: deleting them
# would wait forever for a count below zero.  The VM powers off with them.
for c in "${configs[@]}" dps1 dps; do
	[ "$c" = vti_pcrypt ] && continue
	for p in 1 2 3 4; do
		[ -s "/run/bench-$c.$p.pid" ] && kill "$(<"/run/bench-$c.$p.pid")" 2>/dev/null
	done
	ip netns del "$c-a" 2>/dev/null
	ip netns del "$c-b" 2>/dev/null
done
nap 2
rmmod s2svpn 2>"$raw/rmmod.log"
status rmmod_rc $?
status elapsed "$(elapsed)"
log "done in $(elapsed) s"
exit 0
