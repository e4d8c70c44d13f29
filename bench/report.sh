#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Turns the raw results of one benchmark VM run (bench/guest.sh) into
#   OUTDIR/results.txt    the table (also printed)
#   OUTDIR/results.json   medians, min/max, every sample, ratios, crypto,
#                         in-kernel AEAD ceiling, memory, targets, diagnostics
#   OUTDIR/results.svg    the chart (and results.png, the same)
#   OUTDIR/samples.tsv    every sample: round, configuration, metric, value
#   OUTDIR/profile-CFG.txt   hottest kernel symbols during a TCP single flow
#   OUTDIR/profile-CFG-tcp4.txt  the same during 4 TCP flows
#
# usage: bench/report.sh VMDIR OUTDIR   (VMDIR holds raw/, e.g. build/bench/KVER/vm)
#
# Needs awk, jq and gnuplot (tools/deps.sh installs them); perf for the
# profiles (left out without it).
set -uo pipefail

[ $# = 2 ] || { echo "usage: bench/report.sh VMDIR OUTDIR" >&2; exit 2; }
raw=$1/raw
outdir=$2
[ -s "$raw/status" ] || { echo "report: no results in $raw" >&2; exit 1; }
mkdir -p "$outdir" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# crypto_top_driver
. "$(dirname "$0")/../selftests/crypto_lib.sh"

# status KEY: the value of the first line "KEY VALUE..." in raw/status
status() { awk -v k="$1" '$1 == k { sub(/^[^ ]+ /, ""); print; exit }' "$raw/status"; }
host() { awk -v k="$1" '$1 == k { sub(/^[^ ]+ /, ""); print; exit }' "$raw/host" 2>/dev/null; }

kver=$(status kernel)
rounds=$(status rounds)
secs=$(status secs)
read -ra measured <<<"$(status measured)"
read -ra failed <<<"$(awk '$1 == "setup_failed" { printf "%s ", $2 }' "$raw/status")"
ncpu=$(status cpus)

# display names
label() {
	case $1 in
	veth) echo "veth (plain)" ;;
	s2svpn) echo "s2svpn route" ;;
	s2svpn_par) echo "s2svpn parallel" ;;
	vti) echo "xfrm VTI" ;;
	vti_pcrypt) echo "VTI pcrypt" ;;
	dps1) echo "s2svpn 1 tunnel (UDP 64 B)" ;;
	dps) echo "s2svpn 100 of 1000 tunnels (UDP 64 B)" ;;
	xfrmi) echo "XFRM if" ;;
	wireguard) echo "WireGuard" ;;
	sel10) echo "s2svpn 10 sel" ;;
	sel10k) echo "s2svpn 10k sel" ;;
	*) echo "$1" ;;
	esac
}

# --- samples --------------------------------------------------------------------

# iperf3: received throughput (TCP), received packet rate (UDP)
shopt -s nullglob
jsons=("$raw"/r*-*-*.json)
if [ ${#jsons[@]} -gt 0 ]; then
	# r1-CFG-WORKLOAD.N.json: flow N of a run; the flows of one run add up
	jq -r '
		(input_filename | sub(".*/"; "") | sub("(\\.[0-9]+)?\\.json$"; "") | split("-")) as $t
		| ($t[0] | ltrimstr("r")) as $r
		| if .error then "\($r)\t\($t[1])\t\($t[2])_error\t1"
		  elif $t[2] == "udp64" then
			(.end.sum_received) as $s
			| "\($r)\t\($t[1])\tudp64_kpps\t\(($s.packets - $s.lost_packets) / $s.seconds / 1000)",
			  "\($r)\t\($t[1])\tudp64_sent_kpps\t\(.end.sum_sent.packets / .end.sum_sent.seconds / 1000)",
			  "\($r)\t\($t[1])\tudp64_loss_pct\t\($s.lost_percent)"
		  else
			"\($r)\t\($t[1])\t\($t[2])_mbps\t\(.end.sum_received.bits_per_second / 1e6)",
			"\($r)\t\($t[1])\t\($t[2])_retrans\t\(.end.sum_sent.retransmits // 0)"
		  end' "${jsons[@]}" >"$tmp/iperf-flows.tsv" 2>"$tmp/jq.err" ||
		{ echo "report: cannot read the iperf3 results:" >&2; cat "$tmp/jq.err" >&2; }
	# the sum over the flows of a run (rates and counts; UDP runs have one flow)
	awk -F'\t' '{ k = $1 FS $2 FS $3; if (!(k in v)) o[++n] = k; v[k] += $4 }
		END { for (i = 1; i <= n; i++) print o[i] FS v[o[i]] }' "$tmp/iperf-flows.tsv" >"$tmp/iperf.tsv"
fi

# CPU windows: the VM's busy time per Gbit received, utilisation per CPU,
# softirqs, the busiest tasks.  USER_HZ is 100.
: >"$tmp/window.tsv"
: >"$tmp/diag.tsv"
for s0 in "$raw"/r*-*-*.s0; do
	s1=${s0%.s0}.s1
	[ -s "$s1" ] || continue
	tag=$(basename "${s0%.s0}")
	awk -v tag="$tag" -v ncpu="$ncpu" -v W="$tmp/window.tsv" -v D="$tmp/diag.tsv" '
		FNR == 1 { f++ }
		$1 == "time" { t[f] = $2 }
		$1 ~ /^cpu[0-9]*$/ {
			busy = $2 + $3 + $4 + $7 + $8 + $9
			tot = busy + $5 + $6
			B[f, $1] = busy; T[f, $1] = tot; S[f, $1] = $8; SY[f, $1] = $4
			if ($1 != "cpu") cpus[$1] = 1
		}
		# receive bytes, packets ... transmit bytes, packets
		$1 == "netdev" && $2 == "t0:" { rxb[f] = $3; rxp[f] = $4; txp[f] = $12 }
		$1 == "softirq" && ($2 == "NET_RX:" || $2 == "NET_TX:") {
			n = 0; for (i = 3; i <= NF; i++) n += $i
			SQ[f, $2] = n
		}
		$1 == "task" {
			line = $0; sub(/^task /, "", line)
			pid = line; sub(/ .*/, "", pid)
			comm = line; sub(/^[0-9]+ \(/, "", comm); sub(/\) [A-Z] .*/, "", comm)
			rest = line; sub(/.*\) /, "", rest)
			split(rest, x, " ")
			# x[1] is the state (field 3): utime and stime are fields 14, 15
			k = pid " " comm
			TK[f, k] = x[12] + x[13]; names[k] = 1
		}
		END {
			split(tag, p, "-"); r = substr(p[1], 2); c = p[2]; w = p[3]
			dt = t[2] - t[1]
			if (dt <= 0) exit
			dbusy = B[2, "cpu"] - B[1, "cpu"]; dtot = T[2, "cpu"] - T[1, "cpu"]
			gbit = (rxb[2] - rxb[1]) * 8 / 1e9
			if (dtot > 0)
				printf "%s\t%s\t%s_vm_cpu_pct\t%.1f\n", r, c, w, 100 * ncpu * dbusy / dtot >> W
			if (gbit > 0)
				printf "%s\t%s\t%s_cpu_s_per_gbit\t%.2f\n", r, c, w, dbusy / 100 / gbit >> W
			printf "%s\t%s\t%s_win_mbps\t%.2f\n", r, c, w, gbit * 1000 / dt >> W
			printf "%s\t%s\t%s_win_kpps\t%.2f\n", r, c, w, (rxp[2] - rxp[1]) / dt / 1000 >> W
			# TCP: what the receiving side sends back per data packet it
			# got through the tunnel (ACKs; both counted before GRO)
			if (w ~ /^tcp/ && rxp[2] > rxp[1])
				printf "%s\t%s\t%s_acks_per_seg\t%.4f\n", r, c, w, (txp[2] - txp[1]) / (rxp[2] - rxp[1]) >> W
			for (cp in cpus) {
				db = B[2, cp] - B[1, cp]; dtt = T[2, cp] - T[1, cp]
				if (dtt <= 0) continue
				printf "%s\t%s\t%s\t%s_busy_pct\t%.1f\n", r, c, w, cp, 100 * db / dtt >> D
				printf "%s\t%s\t%s\t%s_softirq_pct\t%.1f\n", r, c, w, cp, 100 * (S[2, cp] - S[1, cp]) / dtt >> D
				printf "%s\t%s\t%s\t%s_sys_pct\t%.1f\n", r, c, w, cp, 100 * (SY[2, cp] - SY[1, cp]) / dtt >> D
			}
			printf "%s\t%s\t%s\tnet_rx_per_s\t%.0f\n", r, c, w, (SQ[2, "NET_RX:"] - SQ[1, "NET_RX:"]) / dt >> D
			printf "%s\t%s\t%s\tnet_tx_per_s\t%.0f\n", r, c, w, (SQ[2, "NET_TX:"] - SQ[1, "NET_TX:"]) / dt >> D
			# tasks: CPU % of one CPU over the window
			for (k in names) {
				if (!((1, k) in TK) || !((2, k) in TK)) continue
				d = TK[2, k] - TK[1, k]
				if (d / dt < 1) continue	# under 1% of a CPU
				nm = k; sub(/^[0-9]+ /, "", nm); gsub(/[\t ]/, "_", nm)
				printf "%s\t%s\t%s\ttask:%s\t%.1f\n", r, c, w, nm, d / dt >> D
			}
		}' "$s0" "$s1"
done

# ping: p50 and p99 of the per-packet round-trip times (nearest rank)
: >"$tmp/ping.tsv"
for f in "$raw"/r*-*-ping.ping; do
	tag=$(basename "${f%.ping}")
	grep -o 'time=[0-9.]*' "$f" | cut -d= -f2 | sort -g |
		awk -v tag="$tag" -v total="$(grep -c 'icmp_seq=' "$f" 2>/dev/null)" '
		{ v[NR] = $1 }
		END {
			split(tag, p, "-"); r = substr(p[1], 2); c = p[2]
			if (NR == 0) { printf "%s\t%s\tping_error\t1\n", r, c; exit }
			i50 = int(0.50 * NR); if (i50 < 0.50 * NR) i50++
			i99 = int(0.99 * NR); if (i99 < 0.99 * NR) i99++
			printf "%s\t%s\tping_p50_us\t%.0f\n", r, c, v[i50] * 1000
			printf "%s\t%s\tping_p99_us\t%.0f\n", r, c, v[i99] * 1000
			printf "%s\t%s\tping_replies\t%d\n", r, c, NR
		}' >>"$tmp/ping.tsv"
done

# TCP retransmissions over a whole run (sender, from nstat): all of them,
# the spurious ones (D-SACK: reordering, not loss), the receiver's
# out-of-order queueings
: >"$tmp/mib.tsv"
for n0 in "$raw"/r*-*-tcp*.n0; do
	n1=${n0%.n0}.n1
	[ -s "$n1" ] || continue
	tag=$(basename "${n0%.n0}")
	awk -v tag="$tag" '
		FNR == 1 { f++ }
		$1 ~ /^(TcpRetransSegs|TcpExtTCPDSACKRecvSegs|TcpExtTCPOFOQueue)$/ { v[f, $1] = $2 }
		END {
			split(tag, p, "-"); r = substr(p[1], 2); c = p[2]; w = p[3]
			printf "%s\t%s\t%s_retrans_segs\t%d\n", r, c, w, v[2, "TcpRetransSegs"] - v[1, "TcpRetransSegs"]
			printf "%s\t%s\t%s_spurious_segs\t%d\n", r, c, w, v[2, "TcpExtTCPDSACKRecvSegs"] - v[1, "TcpExtTCPDSACKRecvSegs"]
			printf "%s\t%s\t%s_ofo_queued\t%d\n", r, c, w, v[2, "TcpExtTCPOFOQueue"] - v[1, "TcpExtTCPOFOQueue"]
		}' "$n0" "$n1" >>"$tmp/mib.tsv"
done

{
	printf 'round\tconfig\tmetric\tvalue\n'
	cat "$tmp/iperf.tsv" "$tmp/window.tsv" "$tmp/ping.tsv" "$tmp/mib.tsv" 2>/dev/null | sort -k2,2 -k3,3 -k1,1n
} >"$outdir/samples.tsv"

# medians (and min, max, n) per configuration and metric
tail -n +2 "$outdir/samples.tsv" | sort -k2,2 -k3,3 -k4,4g |
	awk -F'\t' '
	function flush() {
		if (n == 0) return
		m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		printf "%s\t%s\t%.6g\t%.6g\t%.6g\t%d\n", pc, pm, m, v[1], v[n], n
	}
	{ if ($2 != pc || $3 != pm) { flush(); n = 0; pc = $2; pm = $3 } v[++n] = $4 }
	END { flush() }' >"$tmp/medians.tsv"

# med CONFIG METRIC: the median, or empty
med() { awk -F'\t' -v c="$1" -v m="$2" '$1 == c && $2 == m { print $3; exit }' "$tmp/medians.tsv"; }
# mcell CONFIG METRIC: "median [min..max]" of a count, "-" when missing
mcell() {
	awk -F'\t' -v c="$1" -v m="$2" '$1 == c && $2 == m { printf "%g[%g..%g]", $3, $4, $5; f = 1; exit }
		END { if (!f) printf "-" }' "$tmp/medians.tsv"
}
# ratio A B: A/B with two decimals, or empty
ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b }'; }
# fmt VALUE: a number for the table, "-" when missing
fmt() {
	[ -n "$1" ] || { echo "-"; return; }
	awk -v v="$1" 'BEGIN { if (v >= 100) printf "%.0f", v; else if (v >= 10) printf "%.1f", v; else printf "%.2f", v }'
}

metrics=(tcp1_mbps tcp4_mbps udp64_kpps ping_p50_us ping_p99_us tcp1_cpu_s_per_gbit tcp4_cpu_s_per_gbit)
heads=("TCP1 Mbit/s" "TCP4 Mbit/s" "UDP64 kpps" "ping p50 us" "ping p99 us" "CPU s/Gbit 1" "CPU s/Gbit 4")

# --- crypto ceiling ---------------------------------------------------------------

# the driver rfc4106(gcm(aes)) resolved to before vti_pcrypt's instance
# (guest.sh names it to AF_ALG and kaead), else the highest priority one
driver=$(status aead_driver)
[ -n "$driver" ] || driver=$(crypto_top_driver "$raw/crypto.txt" 2>/dev/null)
: >"$tmp/crypto.tsv"
# AF_ALG, one line per round and measurement: the median over the rounds
aeads=("$raw"/aead-r*.txt)
if [ ${#aeads[@]} -gt 0 ]; then
	awk '$1 == "aead" {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); a[kv[1]] = kv[2] }
		printf "aead_%s_cpus%s\t%s\n", a["op"], a["cpus"], a["MBps"]
	}' "${aeads[@]}" | sort -k1,1 -k2,2g | awk -F'\t' '
		function flush() {
			if (!n) return
			m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
			printf "%s_MBps\t%.2f\n%s_Gbps\t%.4f\n%s_n\t%d\n", p, m, p, m * 8 / 1000, p, n
		}
		{ if ($1 != p) { flush(); n = 0; p = $1 } v[++n] = $2 }
		END { flush() }' >>"$tmp/crypto.tsv"
fi
if [ -s "$raw/tcrypt.txt" ]; then
	awk '
		/testing speed of rfc4106\(gcm\(aes\)\)/ { on = 1; op = ($NF == "encryption") ? "encrypt" : "decrypt"; next }
		/testing speed of/ { on = 0 }
		on && /160 bit key, 1420 byte blocks/ {
			# "... N operations in S seconds (B bytes)"
			for (i = 1; i < NF; i++) if ($i == "seconds") { secs = $(i - 1); b = $(i + 1) }
			gsub(/[^0-9]/, "", b)
			if (secs > 0) printf "tcrypt_%s_1420_MBps\t%.2f\n", op, b / secs / 1e6
		}' "$raw/tcrypt.txt" >>"$tmp/crypto.tsv"
fi
cry() { awk -F'\t' -v k="$1" '$1 == k { print $2; exit }' "$tmp/crypto.tsv"; }

# --- in-kernel AEAD ceiling (bench/kaead, s2s_kaead.ko) -------------------------------

# The sizes guest.sh measures: ESP plaintext ALIGN(inner + 2, 4) at inner
# MTU 1400 (AES-GCM-128, 16-byte ICV, 16-byte AAD + IV).
# shellcheck disable=SC2034 # (the four arrays are read through kaead_table's namerefs)
kaead_sizes=(1404 56 96 88 1420)
# shellcheck disable=SC2034
kaead_what=("TCP data" "TCP ACK" "UDP 64 B" "ping" "tcrypt's")
# WireGuard's (ChaCha20-Poly1305): the inner packet padded to 16, at most the MTU
# shellcheck disable=SC2034
kaead_cc_sizes=(1400 64 96)
# shellcheck disable=SC2034
kaead_cc_what=("TCP data" "TCP ACK" "UDP 64 B")
MSS=1348			# TCP payload per 1404-byte operation (timestamps on)
: >"$tmp/kaead-samples.tsv"
: >"$tmp/kaead.tsv"
: >"$tmp/ceil.tsv"
kdriver='' kdriver_cc=''
kaead_files=("$raw"/kaead-r*.txt)
if [ ${#kaead_files[@]} -gt 0 ]; then
	# round, metric, value; "driver" lines name the driver the module used
	awk '
		FNR == 1 { r = FILENAME; sub(/.*kaead-r/, "", r); sub(/\.txt$/, "", r) }
		$1 == "kaead" {
			delete a
			for (i = 2; i <= NF; i++) { p = index($i, "="); a[substr($i, 1, p - 1)] = substr($i, p + 1) }
			if ("error" in a || !("ns_per_op" in a)) { printf "%s\tfailed\t1\n", r; next }
			# WireGuard'"'"'s AEAD (ChaCha20-Poly1305) under kaead_cc_
			cc = (a["alg"] ~ /chacha/) ? "cc_" : ""
			k = "kaead_" cc a["op"] "_" a["size"] "_cpus" a["cpus"]
			printf "%s\t%s_ns_per_op\t%s\n", r, k, a["ns_per_op"]
			printf "%s\t%s_kops\t%.3f\n", r, k, a["ops_per_s"] / 1000
			printf "%s\t%s_MBps\t%s\n", r, k, a["MBps"]
			printf "%s\tdriver%s\t%s\n", r, cc ? "_cc" : "", a["driver"]
		}
		$1 == "kaead_fail" { printf "%s\tfailed\t1\n", r }' "${kaead_files[@]}" >"$tmp/kaead-samples.tsv"
	kdriver=$(awk -F'\t' '$2 == "driver" { print $3; exit }' "$tmp/kaead-samples.tsv")
	kdriver_cc=$(awk -F'\t' '$2 == "driver_cc" { print $3; exit }' "$tmp/kaead-samples.tsv")
fi

# medians FILE: "metric median min max n" from "round metric value" lines
medians() {
	sort -t$'\t' -k2,2 -k3,3g "$1" | awk -F'\t' '
	function flush() {
		if (n == 0) return
		m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		printf "%s\t%.6g\t%.6g\t%.6g\t%d\n", p, m, v[1], v[n], n
	}
	{ if ($2 != p) { flush(); n = 0; p = $2 } v[++n] = $3 }
	END { flush() }'
}
kaead_failed=$(awk -F'\t' '$2 == "failed" { n++ } END { print n + 0 }' "$tmp/kaead-samples.tsv")

# ACKs per TCP data segment: measured on the TCP single flow of an ESP
# configuration (the receiving side's tunnel transmit / receive packets);
# without one, an assumption.
acks=
acks_src=
for c in s2svpn s2svpn_par sel10 vti xfrmi; do
	[[ " ${measured[*]} " == *" $c "* ]] || continue
	acks=$(med "$c" tcp1_acks_per_seg)
	[ -n "$acks" ] && { acks_src="measured: $(label "$c"), TCP 1 flow, median"; break; }
done
if [ -z "$acks" ]; then
	acks=0.5
	acks_src="assumed (no TCP 1 flow packet counters of an ESP configuration)"
fi

# The ceilings, per round (then median and spread), from the times per
# operation (t = ns_per_op; with every CPU, the aggregate time):
#   TCP one flow  C = MSS * 8 / (t_enc(1404) + t_dec(1404)
#                                + a * (t_enc(56) + t_dec(56)))   Mbit/s
#   UDP 64 B      U = 1 / (t_enc(96) + t_dec(96))                  kpps
# Both ends of the tunnel run in this VM: every packet is encrypted and
# decrypted by its CPUs.  C1/U1 on one CPU, C2/U2 on all of them.
# WireGuard's ceilings (ceiling_cc_*) are the same with ChaCha20-Poly1305 at
# its sizes: 1400 for a data segment, 64 for an ACK, 96 for UDP 64 B.
awk -F'\t' -v a="$acks" -v mss="$MSS" -v ncpu="$ncpu" '
	$2 ~ /_ns_per_op$/ { t[$1, $2] = $3; rounds[$1] = 1 }
	function T(r, op, size, n) { return t[r, "kaead_" cc op "_" size "_cpus" n "_ns_per_op"] }
	function ceil(r, pre, data, ack, udp,    i, n, d, u) {
		cc = pre
		for (i = 1; i <= 2; i++) {
			n = cs[i]
			d = T(r, "enc", data, n) + T(r, "dec", data, n) + a * (T(r, "enc", ack, n) + T(r, "dec", ack, n))
			if (T(r, "enc", data, n) > 0 && T(r, "dec", data, n) > 0 && T(r, "enc", ack, n) > 0 && T(r, "dec", ack, n) > 0)
				printf "%s\tceiling_%stcp1_c%s_mbps\t%.2f\n", r, pre, i, mss * 8 / d * 1000
			u = T(r, "enc", udp, n) + T(r, "dec", udp, n)
			if (T(r, "enc", udp, n) > 0 && T(r, "dec", udp, n) > 0)
				printf "%s\tceiling_%sudp64_u%s_kpps\t%.2f\n", r, pre, i, 1e6 / u
		}
	}
	END {
		split("1 " ncpu, cs, " ")
		for (r in rounds) {
			ceil(r, "", 1404, 56, 96)
			ceil(r, "cc_", 1400, 64, 96)
		}
	}' "$tmp/kaead-samples.tsv" >"$tmp/ceil-samples.tsv"
[ -s "$tmp/kaead-samples.tsv" ] && medians <(grep -v -e '	driver	' -e '	driver_cc	' -e '	failed	' "$tmp/kaead-samples.tsv") >"$tmp/kaead.tsv"
[ -s "$tmp/ceil-samples.tsv" ] && medians "$tmp/ceil-samples.tsv" >"$tmp/ceil.tsv"
# kmed METRIC [COLUMN]: median (2), min (3), max (4) or n (5) of a kaead or ceiling metric
kmed() { awk -F'\t' -v k="$1" -v c="${2:-2}" '$1 == k { print $c; exit }' "$tmp/kaead.tsv" "$tmp/ceil.tsv"; }
# kcell METRIC: "median [min..max]"
kcell() {
	local m
	m=$(kmed "$1")
	[ -n "$m" ] || { echo "-"; return; }
	echo "$(fmt "$m") [$(fmt "$(kmed "$1" 3)")..$(fmt "$(kmed "$1" 4)")]"
}
# kaead_table PREFIX SIZES WHAT: thousand operations/s per size (the arrays
# named SIZES and WHAT), encryption and decryption on 1 CPU and on all
kaead_table() {
	local -n sizes=$2 what=$3
	local i n op
	printf '  %5s %-9s%22s%22s' bytes packet "enc 1 CPU" "dec 1 CPU"
	[ "$ncpu" != 1 ] && printf '%22s%22s' "enc $ncpu CPUs" "dec $ncpu CPUs"
	echo
	for i in "${!sizes[@]}"; do
		printf '  %5s %-9s' "${sizes[$i]}" "${what[$i]}"
		for n in 1 "$ncpu"; do
			for op in enc dec; do
				printf '%22s' "$(kcell "kaead_$1${op}_${sizes[$i]}_cpus${n}_kops")"
			done
			[ "$n" = "$ncpu" ] && break
		done
		echo
	done
}
# fraction of the ceilings, per configuration: metric, config, value;
# WireGuard's of its own AEAD's ceilings when they were measured
: >"$tmp/fractions.tsv"
cc_ceil=
[ -n "$(kmed ceiling_cc_tcp1_c1_mbps)" ] && cc_ceil=cc_
for c in "${measured[@]}"; do
	[ "$c" = veth ] && continue
	pre=
	[ "$c" = wireguard ] && pre=$cc_ceil
	for f in "tcp1_c1 tcp1_mbps ceiling_tcp1_c1_mbps" "tcp1_c2 tcp1_mbps ceiling_tcp1_c2_mbps" \
		"tcp4_c2 tcp4_mbps ceiling_tcp1_c2_mbps" "udp64_u1 udp64_kpps ceiling_udp64_u1_kpps" \
		"udp64_u2 udp64_kpps ceiling_udp64_u2_kpps"; do
		read -r name metric ceil <<<"$f"
		v=$(ratio "$(med "$c" "$metric")" "$(kmed "${ceil/ceiling_/ceiling_$pre}")")
		[ -n "$v" ] && printf '%s\t%s\t%s\n' "$c" "$name" "$v" >>"$tmp/fractions.tsv"
	done
done
frac() { awk -F'\t' -v c="$1" -v k="$2" '$1 == c && $2 == k { print $3; exit }' "$tmp/fractions.tsv"; }

# --- scale (guest.sh cps_test, dps_round) ---------------------------------------------

# Control plane, per round: SAs/s of s2sctl -b and of ip -batch (xfrm
# states), and their ratio.  Data path, per round: VM CPU microseconds per
# datagram delivered and kpps, for one tunnel (dps1) and for 100 of 1000
# tunnels (dps), and the ratio of the costs.
: >"$tmp/scale-samples.tsv"
if [ -s "$raw/cps.txt" ]; then
	awk '$1 == "cps" && $9 == 0 && $7 > 0 {
		v[$2, $3] = $5 / $7; r[$2] = 1
		printf "%s\tcps_%s_sas_per_s\t%.1f\n", $2, $3, $5 / $7
		n = $5
	}
	END {
		for (k in r) if (v[k, "s2sctl"] > 0 && v[k, "xfrm"] > 0)
			printf "%s\tcps_ratio\t%.3f\n", k, v[k, "s2sctl"] / v[k, "xfrm"]
		if (n) printf "0\tcps_n\t%d\n", n
	}' "$raw/cps.txt" >>"$tmp/scale-samples.tsv"
fi
if [ -s "$raw/dps.txt" ]; then
	# dps ROUND PAIR tunnels N spread M seconds S busy_ticks T datagrams D rc RC
	awk '$1 == "dps" && $15 == 0 && $13 > 0 && $9 > 0 {
		us = $11 * 10000 / $13; c[$2, $3] = us; r[$2] = 1
		printf "%s\tdps_%s_us_per_dgram\t%.3f\n", $2, $3, us
		printf "%s\tdps_%s_kpps\t%.3f\n", $2, $3, $13 / $9 / 1000
		printf "0\tdps_%s_tunnels\t%d\n0\tdps_%s_spread\t%d\n", $3, $5, $3, $7
	}
	END {
		for (k in r) if (c[k, "dps"] > 0 && c[k, "dps1"] > 0)
			printf "%s\tdps_ratio\t%.3f\n", k, c[k, "dps"] / c[k, "dps1"]
	}' "$raw/dps.txt" >>"$tmp/scale-samples.tsv"
fi
: >"$tmp/scale.tsv"
[ -s "$tmp/scale-samples.tsv" ] && medians "$tmp/scale-samples.tsv" >"$tmp/scale.tsv"
# smed METRIC [COLUMN]: median (2), min (3), max (4) or n (5) of a scale metric
smed() { awk -F'\t' -v k="$1" -v c="${2:-2}" '$1 == k { print $c; exit }' "$tmp/scale.tsv"; }
# scell METRIC: "median [min..max]"
scell() {
	local m
	m=$(smed "$1")
	[ -n "$m" ] || { echo "-"; return; }
	echo "$(fmt "$m") [$(fmt "$(smed "$1" 3)")..$(fmt "$(smed "$1" 4)")]"
}

# --- memory -----------------------------------------------------------------------

: >"$tmp/mem.tsv"
: >"$tmp/slabs.tsv"
memn=$(status mem_n)
if [ -s "$raw/mem.txt" ] && [ -n "$memn" ]; then
	awk -v n="$memn" -v M="$tmp/mem.tsv" '
		$1 == "mem" { v[$2, $3] = $4; labels[$2] = 1 }
		$1 == "step" { dur[$2] = $8 - $6; rc[$2] = $4 }
		# kernel memory: slab (kmalloc included) + percpu + vmalloc, in bytes
		function k(l) { return (v[l, "Slab"] + v[l, "Percpu"] + v[l, "VmallocUsed"]) * 1024 }
		function slab(l) { return v[l, "Slab"] * 1024 }
		function pcpu(l) { return v[l, "Percpu"] * 1024 }
		# everything not free, not page cache and not process memory
		function used(l) { return -(v[l, "MemFree"] + v[l, "Cached"] + v[l, "Buffers"] + v[l, "AnonPages"]) * 1024 }
		function out(key, val) { printf "%s\t%.0f\n", key, val >> M }
		function per(key, a, b) {
			out(key, (k(b) - k(a)) / n)
			out(key "_slab", (slab(b) - slab(a)) / n)
			out(key "_percpu", (pcpu(b) - pcpu(a)) / n)
			out(key "_used", (used(b) - used(a)) / n)
		}
		END {
			if (!(("tunnel_up", "Slab") in v)) exit
			per("dummy_netdev", "base", "dummy")
			per("tunnel_total", "dummy", "tunnel")
			per("sa_out", "tunnel", "sa_out")
			per("sa_in", "sa_out", "sa_in")
			per("dummy_up", "sa_in", "dummy_up")
			per("tunnel_up", "dummy_up", "tunnel_up")
			out("tunnel_excl_netdev", ((k("tunnel") - k("dummy")) - (k("dummy") - k("base"))) / n)
			out("tunnel_excl_netdev_up", ((k("tunnel") - k("dummy")) + (k("tunnel_up") - k("dummy_up")) \
				- (k("dummy") - k("base")) - (k("dummy_up") - k("sa_in"))) / n)
			sa = (k("sa_in") - k("tunnel")) / (2 * n)
			out("sa_avg", sa)
			out("tunnels_per_s", dur["tunnel"] > 0 ? n / dur["tunnel"] : 0)
			out("sas_per_s", dur["sa_out"] + dur["sa_in"] > 0 ? 2 * n / (dur["sa_out"] + dur["sa_in"]) : 0)
		}' "$raw/mem.txt"
	# the slab caches that grew most per object, for tunnels and for SAs
	slabgrowth() {
		[ -s "$raw/slabinfo-$1.txt" ] && [ -s "$raw/slabinfo-$2.txt" ] || return
		awk -v n="$memn" -v what="$3" '
			FNR == 1 { f++ }
			/^#|^slabinfo/ { next }
			{ s[f, $1] = $3 * $4; names[$1] = 1 }
			END {
				for (c in names) {
					d = (s[2, c] - s[1, c]) / n
					if (d >= 16) printf "%s\t%s\t%.0f\n", what, c, d
				}
			}' "$raw/slabinfo-$1.txt" "$raw/slabinfo-$2.txt" | sort -t$'\t' -k3,3nr | head -n 8
	}
	{
		slabgrowth base dummy dummy_netdev
		slabgrowth dummy tunnel tunnel
		slabgrowth tunnel sa_in sa_pair
		slabgrowth dummy_up tunnel_up tunnel_up
	} >"$tmp/slabs.tsv"
fi
mem() { awk -F'\t' -v k="$1" '$1 == k { print $2; exit }' "$tmp/mem.tsv"; }

# --- targets (issue 5) -------------------------------------------------------------

: >"$tmp/targets.tsv"
# target NAME VALUE OP LIMIT
target() {
	local met
	if [ -z "$2" ]; then
		met=unknown
	elif awk -v v="$2" -v l="$4" -v op="$3" 'BEGIN { exit !(op == ">=" ? v >= l : v <= l) }'; then
		met=met
	else
		met="NOT met"
	fi
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "${2:--}" "$3" "$4" "$met" >>"$tmp/targets.tsv"
}
# the throughput targets, for s2svpn with and without the parallel parameter
for s in s2svpn s2svpn_par; do
	[[ " ${measured[*]} " == *" $s "* ]] || continue
	n=$(label $s)
	s_vti() { ratio "$(med "$s" "$1")" "$(med vti "$1")"; }
	s_wg() { ratio "$(med "$s" "$1")" "$(med wireguard "$1")"; }
	target "$n / xfrm VTI, TCP 1 flow" "$(s_vti tcp1_mbps)" ">=" 1.3
	target "$n / xfrm VTI, TCP 4 flows" "$(s_vti tcp4_mbps)" ">=" 1.6
	target "$n / WireGuard, TCP 1 flow" "$(s_wg tcp1_mbps)" ">=" 1.0
	target "$n / WireGuard, TCP 4 flows" "$(s_wg tcp4_mbps)" ">=" 1.0
	target "$n / WireGuard, UDP 64 B rate" "$(s_wg udp64_kpps)" ">=" 1.0
	target "$n / WireGuard, ping p50" "$(s_wg ping_p50_us)" "<=" 1.0
	target "$n / xfrm VTI, UDP 64 B rate" "$(s_vti udp64_kpps)" ">=" 1.2
	target "$n / xfrm VTI, ping p50" "$(s_vti ping_p50_us)" "<=" 1.0
	target "$n, TCP 1 flow / in-kernel ceiling C2" "$(frac "$s" tcp1_c2)" ">=" 0.5
	if [[ " ${measured[*]} " == *" vti_pcrypt "* ]]; then
		s_pc() { ratio "$(med "$s" "$1")" "$(med vti_pcrypt "$1")"; }
		target "$n / VTI pcrypt, TCP 1 flow" "$(s_pc tcp1_mbps)" ">=" 1.0
		target "$n / VTI pcrypt, TCP 4 flows" "$(s_pc tcp4_mbps)" ">=" 1.0
		target "$n / VTI pcrypt, UDP 64 B rate" "$(s_pc udp64_kpps)" ">=" 1.0
	fi
done
# scale (issue 14): 10,000 SAs at least as fast as xfrm; 100 of 1000
# tunnels within 10% of one tunnel's per-packet cost
[ -n "$(smed cps_ratio)" ] && target "SAs/s: s2sctl -b / ip -batch (xfrm)" "$(smed cps_ratio)" ">=" 1.0
[ -n "$(smed dps_ratio)" ] && target "per-packet cost: 100 of 1000 tunnels / 1" "$(smed dps_ratio)" "<=" 1.1
# selectors (issue 9): 10,000 selectors cost at most 10% against 10
sel_ratio() { ratio "$(med sel10k "$1")" "$(med sel10 "$1")"; }
if [[ " ${measured[*]} " == *" sel10 "* && " ${measured[*]} " == *" sel10k "* ]]; then
	target "selectors 10,000 / 10, TCP 1 flow" "$(sel_ratio tcp1_mbps)" ">=" 0.9
	target "selectors 10,000 / 10, TCP 4 flows" "$(sel_ratio tcp4_mbps)" ">=" 0.9
	target "selectors 10,000 / 10, UDP 64 B rate" "$(sel_ratio udp64_kpps)" ">=" 0.9
fi
# per SA: the larger of the two directions
sa_max=$(awk -v a="$(mem sa_out)" -v b="$(mem sa_in)" 'BEGIN { if (a != "" && b != "") print (a > b ? a : b) }')
target "memory per SA, bytes" "$sa_max" "<=" 4096
target "memory per tunnel, net device excluded, bytes" "$(mem tunnel_excl_netdev_up)" "<=" 16384

# --- profile categories ----------------------------------------------------------------

# Each profile's samples (self time, both CPUs, idle included) summed into
# categories (bench/profile_categories.awk), so that a gap can be read as
# where the time goes.
: >"$tmp/cats.tsv"
cat_cols="AEAD crypto_API tunnel copy+zero lock_wait sched idle user kernel"
for data in "$raw"/profile-*.data; do
	command -v perf >/dev/null || break
	c=$(basename "${data%.data}")
	c=${c#profile-}
	perf report -i "$data" --kallsyms="$raw/kallsyms" --stdio --no-children \
		--sort dso,sym -g none --percent-limit 0 2>/dev/null |
		awk -v prof="$c" -f "$(dirname "$0")/profile_categories.awk" >>"$tmp/cats.tsv"
done

# --- the table ------------------------------------------------------------------------

# table_head WIDTH: the header line of a table with one column per metric
table_head() {
	local h
	printf '%-14s' config
	for h in "${heads[@]}"; do printf "%${1}s" "$h"; done
	echo
}

commit=$(host commit)
[ "$(host dirty)" = yes ] && commit="$commit + local changes"
{
	echo "s2svpn benchmark -- Linux $kver, qemu TCG ($(host tcg_thread || true)-threaded), $ncpu vCPUs"
	echo "source: ${commit:-unknown}, $(host date)"
	echo "$rounds interleaved rounds; iperf3 runs of $secs s (+1 s omitted), 4 flows = 4 clients at once;"
	echo "ping every 10 ms"
	echo "inner MTU 1400 on every device under test (the plain veth too); IPsec: AES-GCM-128"
	echo "(rfc4106, 128-bit ICV); WireGuard: ChaCha20-Poly1305.  Emulated CPU: compare ratios."
	[ ${#failed[@]} -gt 0 ] && [ -n "${failed[0]}" ] && echo "NOT MEASURED (setup failed): ${failed[*]}"
	echo
	echo "Medians of $rounds rounds (CPU s/Gbit: whole-VM CPU seconds per Gbit received, TCP 1 / 4 flows)"
	table_head 13
	for c in "${measured[@]}"; do
		printf '%-14s' "$(label "$c")"
		for m in "${metrics[@]}"; do printf '%13s' "$(fmt "$(med "$c" "$m")")"; done
		echo
	done
	for ref in vti wireguard; do
		[[ " ${measured[*]} " == *" $ref "* ]] || continue
		echo
		echo "Ratio to $(label $ref) (throughput, rate: higher is better; ping, CPU: lower is better)"
		table_head 13
		for c in "${measured[@]}"; do
			[ "$c" = "$ref" ] && continue
			printf '%-14s' "$(label "$c")"
			for m in "${metrics[@]}"; do
				r=$(ratio "$(med "$c" "$m")" "$(med "$ref" "$m")")
				printf '%13s' "${r:+${r}x}"
				[ -n "$r" ] || printf '%13s' -
			done
			echo
		done
	done

	echo
	echo "In-kernel AEAD ceiling (bench/kaead, s2s_kaead.ko): rfc4106(gcm(aes)) alone, driver ${kdriver:-unknown}"
	if [ -s "$tmp/kaead.tsv" ]; then
		echo "thousand operations/s, median [min..max] of $(kmed kaead_enc_1404_cpus1_kops 5) rounds; one kernel thread per CPU,"
		echo "BHs off per operation, the ESP packet's layout (16-byte AAD + IV, payload + ICV in place);"
		echo "ESP plaintext bytes for inner MTU 1400; with $ncpu CPUs: all threads together"
		kaead_table "" kaead_sizes kaead_what
		printf '  1404 B on 1 CPU: enc %s MB/s, dec %s MB/s (ns per operation: %s, %s)\n' \
			"$(fmt "$(kmed kaead_enc_1404_cpus1_MBps)")" "$(fmt "$(kmed kaead_dec_1404_cpus1_MBps)")" \
			"$(fmt "$(kmed kaead_enc_1404_cpus1_ns_per_op)")" "$(fmt "$(kmed kaead_dec_1404_cpus1_ns_per_op)")"
		[ "$kaead_failed" -gt 0 ] && echo "  FAILED measurements: $kaead_failed (raw/kaead-r*.txt)"
		echo "Ceilings (both tunnel ends in this VM: each packet is encrypted and decrypted here)"
		echo "  TCP one flow, goodput: C = $MSS * 8 / (t_enc(1404) + t_dec(1404) + a * (t_enc(56) + t_dec(56)))"
		echo "    a = $acks ACKs per data segment, $acks_src"
		printf '    C1 (1 CPU): %s Mbit/s    C2 (%s CPUs): %s Mbit/s\n' \
			"$(kcell ceiling_tcp1_c1_mbps)" "$ncpu" "$(kcell ceiling_tcp1_c2_mbps)"
		printf '  UDP 64 B: U = 1 / (t_enc(96) + t_dec(96)):  U1 (1 CPU): %s kpps    U2 (%s CPUs): %s kpps\n' \
			"$(kcell ceiling_udp64_u1_kpps)" "$ncpu" "$(kcell ceiling_udp64_u2_kpps)"
		if [ -n "$cc_ceil" ]; then
			echo "WireGuard's AEAD, ChaCha20-Poly1305 (rfc7539esp(chacha20,poly1305), driver ${kdriver_cc:-unknown}),"
			echo "at the sizes WireGuard encrypts (inner packet padded to 16 bytes, at most the MTU), thousand operations/s:"
			kaead_table cc_ kaead_cc_sizes kaead_cc_what
			echo "  TCP one flow: C = $MSS * 8 / (t_enc(1400) + t_dec(1400) + a * (t_enc(64) + t_dec(64))), UDP 64 B: U = 1 / (t_enc(96) + t_dec(96))"
			printf '    C1 (1 CPU): %s Mbit/s    C2 (%s CPUs): %s Mbit/s    U1: %s kpps    U2: %s kpps\n' \
				"$(kcell ceiling_cc_tcp1_c1_mbps)" "$ncpu" "$(kcell ceiling_cc_tcp1_c2_mbps)" \
				"$(kcell ceiling_cc_udp64_u1_kpps)" "$(kcell ceiling_cc_udp64_u2_kpps)"
		fi
		if [ -s "$tmp/fractions.tsv" ]; then
			echo "Fraction of the ceiling (medians): TCP 1 flow of C1 and C2, TCP 4 flows of C2, UDP 64 B of U1 and U2"
			printf '  %-16s%10s%10s%10s%10s%10s\n' config TCP1/C1 TCP1/C2 TCP4/C2 UDP64/U1 UDP64/U2
			for c in "${measured[@]}"; do
				[ "$c" = veth ] && continue
				printf '  %-16s' "$(label "$c")"
				for k in tcp1_c1 tcp1_c2 tcp4_c2 udp64_u1 udp64_u2; do
					v=$(frac "$c" "$k")
					printf '%10s' "${v:--}"
				done
				if [ "$c" = wireguard ]; then
					if [ -n "$cc_ceil" ]; then
						printf "  (of ChaCha20-Poly1305's ceilings)"
					else
						printf '  (ChaCha20-Poly1305, not this AEAD)'
					fi
				fi
				echo
			done
		fi
	else
		echo "  not measured"
	fi

	echo
	n=$(cry aead_encrypt_cpus1_n)
	echo "User-space reference: rfc4106(gcm(aes)) through AF_ALG (system call and copies per operation),"
	echo "driver ${driver:-unknown}${n:+, median of $n rounds}"
	if [ -s "$tmp/crypto.tsv" ]; then
		for op in encrypt decrypt; do
			line=
			for n in 1 "$ncpu"; do
				v=$(cry "aead_${op}_cpus${n}_MBps")
				[ -n "$v" ] || continue
				line+=$(printf '  %s CPU%s: %s MB/s (%s Gbit/s)' "$n" "$([ "$n" = 1 ] || echo s)" \
					"$(fmt "$v")" "$(fmt "$(cry "aead_${op}_cpus${n}_Gbps")")")
				[ "$n" = "$ncpu" ] && break
			done
			[ -n "$line" ] && printf '  AF_ALG %s, 1400 B:%s\n' "$op" "$line"
		done
		for op in encrypt decrypt; do
			v=$(cry "tcrypt_${op}_1420_MBps")
			[ -n "$v" ] && printf '  tcrypt %s, 1420 B, 1 CPU: %s MB/s (%s Gbit/s)\n' "$op" \
				"$(fmt "$v")" "$(fmt "$(awk -v v="$v" 'BEGIN { print v * 8 / 1000 }')")"
		done
		e=$(cry aead_encrypt_cpus1_MBps) d=$(cry aead_decrypt_cpus1_MBps)
		if [ -n "$e" ] && [ -n "$d" ]; then
			awk -v e="$e" -v d="$d" 'BEGIN {
				printf "  one flow, both ends in this VM: encrypt + decrypt on one CPU %.1f Mbit/s, on two CPUs %.1f Mbit/s\n",
					8 / (1 / e + 1 / d), 8 * (e < d ? e : d) }'
		fi
	else
		echo "  not measured"
	fi

	echo
	if [ -s "$tmp/mem.tsv" ]; then
		echo "Memory, $memn of each (slab + percpu + vmalloc growth, bytes per object)"
		printf '  net device (dummy, down) %8s    up: +%s\n' "$(mem dummy_netdev)" "$(mem dummy_up)"
		printf '  s2svpn tunnel (down)     %8s    up: +%s\n' "$(mem tunnel_total)" "$(mem tunnel_up)"
		printf '  tunnel, net device excluded: %s down, %s up\n' "$(mem tunnel_excl_netdev)" "$(mem tunnel_excl_netdev_up)"
		printf '  SA out %s, SA in %s (slab %s / %s, percpu %s / %s)\n' "$(mem sa_out)" "$(mem sa_in)" \
			"$(mem sa_out_slab)" "$(mem sa_in_slab)" "$(mem sa_out_percpu)" "$(mem sa_in_percpu)"
		printf '  created: %s tunnels/s, %s SAs/s (s2sctl -b)\n' "$(fmt "$(mem tunnels_per_s)")" "$(fmt "$(mem sas_per_s)")"
		echo "  slab caches that grew most (bytes per object):"
		awk -F'\t' '{ if ($1 != p) { printf "%s    %s:", (p == "" ? "" : "\n"), $1; p = $1 } printf " %s %s", $2, $3 }
			END { if (p != "") print "" }' "$tmp/slabs.tsv"
	else
		echo "Memory: not measured"
	fi

	if [[ " ${measured[*]} " == *" sel10 "* && " ${measured[*]} " == *" sel10k "* ]]; then
		echo
		echo "Selectors: one s2svpn tunnel with 10 and with 10,000 selectors (medians)"
		for m in tcp1_mbps tcp4_mbps udp64_kpps; do
			printf '  %-11s %10s with 10, %10s with 10,000: ratio %s\n' "$m" \
				"$(fmt "$(med sel10 "$m")")" "$(fmt "$(med sel10k "$m")")" \
				"$(sel_ratio "$m")"
		done
	fi

	echo
	echo "Spread: min..max of the $rounds rounds"
	table_head 15
	for c in "${measured[@]}"; do
		printf '%-14s' "$(label "$c")"
		for m in "${metrics[@]}"; do
			lo=$(awk -F'\t' -v c="$c" -v m="$m" '$1 == c && $2 == m { print $4; exit }' "$tmp/medians.tsv")
			hi=$(awk -F'\t' -v c="$c" -v m="$m" '$1 == c && $2 == m { print $5; exit }' "$tmp/medians.tsv")
			if [ -n "$lo" ]; then printf '%15s' "$(fmt "$lo")..$(fmt "$hi")"; else printf '%15s' -; fi
		done
		echo
	done

	if [ -s "$tmp/mib.tsv" ]; then
		echo
		echo "TCP retransmissions per run, median [min..max]: segments retransmitted (sender),"
		echo "spurious ones (D-SACK: the original had been overtaken, not lost),"
		echo "out-of-order queueings (receiver)"
		printf '%-16s %-34s %s\n' config "TCP 1 flow: retrans/spurious/ofo" "TCP 4 flows: retrans/spurious/ofo"
		for c in "${measured[@]}"; do
			[ -n "$(med "$c" tcp1_retrans_segs)$(med "$c" tcp4_retrans_segs)" ] || continue
			printf '%-16s' "$(label "$c")"
			for w in tcp1 tcp4; do
				printf ' %-34s' "$(mcell "$c" ${w}_retrans_segs)/$(mcell "$c" ${w}_spurious_segs)/$(mcell "$c" ${w}_ofo_queued)"
			done
			echo
		done
	fi

	if [ -s "$tmp/scale.tsv" ]; then
		echo
		echo "Scale: median [min..max] of the rounds"
		if [ -n "$(smed cps_ratio)" ]; then
			printf '  %s SAs (%s tunnels x 8, one batch each, fresh namespace):\n' "$(smed cps_n)" "$(($(smed cps_n) / 8))"
			printf '    s2sctl -b          %s SAs/s\n' "$(scell cps_s2sctl_sas_per_s)"
			printf '    ip -batch (xfrm)   %s states/s\n' "$(scell cps_xfrm_sas_per_s)"
			printf '    ratio              %s\n' "$(scell cps_ratio)"
		fi
		if [ -n "$(smed dps_dps1_us_per_dgram)" ]; then
			echo "  64-byte UDP, one sender as fast as it can; VM CPU time per datagram delivered:"
			printf '    1 tunnel                   %s us/datagram, %s kpps\n' \
				"$(scell dps_dps1_us_per_dgram)" "$(scell dps_dps1_kpps)"
			printf '    %s of %s tunnels        %s us/datagram, %s kpps\n' "$(smed dps_dps_spread)" \
				"$(smed dps_dps_tunnels)" "$(scell dps_dps_us_per_dgram)" "$(scell dps_dps_kpps)"
			printf '    ratio of the costs         %s\n' "$(scell dps_ratio)"
		fi
	fi

	echo
	echo "Targets (issue 5, issue 9, issue 14)"
	awk -F'\t' '{ printf "  %-46s %7s  (%s %s)  %s\n", $1, $2, $3, $4, $5 }' "$tmp/targets.tsv"

	if [ -s "$tmp/cats.tsv" ]; then
		echo
		echo "Where the time goes, by profile: % of all perf samples of both CPUs, idle included"
		echo "(categories: bench/profile_categories.awk; the symbols: profile-CFG.txt)"
		printf '  %-24s' "profile"
		for k in $cat_cols; do printf ' %9s' "${k//_/ }"; done
		echo
		for p in $(cut -f1 "$tmp/cats.tsv" | sort -u); do
			case $p in
			*-tcp4) name="$(label "${p%-tcp4}"), TCP 4" ;;
			dps1) name="s2svpn 1 tunnel, UDP 64" ;;
			dps) name="s2svpn 100/1000, UDP 64" ;;
			*) name="$(label "$p"), TCP 1" ;;
			esac
			printf '  %-24s' "${name:0:24}"
			for k in $cat_cols; do
				printf ' %9s' "$(awk -F'\t' -v p="$p" -v k="$k" '$1 == p && $2 == k { v = $3 } END { printf "%.1f", v + 0 }' "$tmp/cats.tsv")"
			done
			echo
		done
	fi

	echo
	echo "Where the CPU goes, TCP single flow: per CPU busy/softirq % (medians), busiest tasks"
	echo "(% of one CPU, mean of the rounds, tasks of one name added up; the benchmark's own shell left out)"
	for c in "${measured[@]}"; do
		awk -F'\t' -v c="$c" -v name="$(label "$c")" -v rounds="$rounds" '
			$2 == c && $3 == "tcp1" { v[$4] = v[$4] " " $5; cnt[$4]++ }
			function median(s,   a, n, i, j, t) {
				n = split(s, a, " ")
				for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
				return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
			}
			END {
				line = sprintf("  %-14s", name)
				for (i = 0; i < 8; i++) {
					cp = "cpu" i
					if (!((cp "_busy_pct") in v)) continue
					line = line sprintf(" %s %.0f/%.0f", cp, median(v[cp "_busy_pct"]), median(v[cp "_softirq_pct"]))
				}
				# tasks: sum over rounds / rounds
				n = 0
				for (k in v) if (k ~ /^task:/ && k != "task:guest.sh") {
					split(v[k], a, " "); s = 0; for (i in a) s += a[i]
					tk[++n] = k; tv[n] = s / rounds
				}
				for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (tv[j] > tv[i]) {
					t = tv[i]; tv[i] = tv[j]; tv[j] = t; t = tk[i]; tk[i] = tk[j]; tk[j] = t }
				line = line " |"
				for (i = 1; i <= n && i <= 4; i++) line = line sprintf(" %s %.0f", substr(tk[i], 6), tv[i])
				print line
			}' "$tmp/diag.tsv"
	done
} >"$outdir/results.txt"

# --- profiles ----------------------------------------------------------------------------

for data in "$raw"/profile-*.data; do
	c=$(basename "${data%.data}")
	c=${c#profile-}
	command -v perf >/dev/null || break
	{
		case $c in
		dps*) echo "# perf record -a -g -e cpu-clock during the data-path scale sender: $(label "$c"), Linux $kver" ;;
		*-tcp4) echo "# perf record -a -g -e cpu-clock during 4 TCP flows (4 clients) through $(label "${c%-tcp4}"), Linux $kver" ;;
		*) echo "# perf record -a -g -e cpu-clock during a TCP single flow through $(label "$c"), Linux $kver" ;;
		esac
		echo "# by symbol (self), then by task"
		perf report -i "$data" --kallsyms="$raw/kallsyms" --stdio --no-children \
			--sort sym -g none --percent-limit 0.4 2>/dev/null | grep -v '^#' | grep -v '^$'
		echo
		perf report -i "$data" --kallsyms="$raw/kallsyms" --stdio --no-children \
			--sort comm -g none --percent-limit 1 2>/dev/null | grep -v '^#' | grep -v '^$'
	} >"$outdir/profile-$c.txt"
done

# --- JSON ---------------------------------------------------------------------------------

jq -n \
	--arg kernel "$kver" --arg commit "$(host commit)" --arg dirty "$(host dirty)" \
	--arg date "$(host date)" --argjson rounds "${rounds:-0}" --argjson secs "${secs:-0}" \
	--arg cpus "$ncpu" --arg tcg "$(host tcg_thread)" --arg driver "$driver" --arg measured "${measured[*]}" \
	--arg failed "${failed[*]}" --arg memn "${memn:-0}" \
	--rawfile samples "$outdir/samples.tsv" --rawfile medians "$tmp/medians.tsv" \
	--rawfile crypto "$tmp/crypto.tsv" --rawfile mem "$tmp/mem.tsv" \
	--rawfile slabs "$tmp/slabs.tsv" --rawfile targets "$tmp/targets.tsv" \
	--rawfile diag "$tmp/diag.tsv" \
	--rawfile kaead "$tmp/kaead.tsv" --rawfile ceil "$tmp/ceil.tsv" --rawfile fractions "$tmp/fractions.tsv" \
	--arg kdriver "$kdriver" --arg kdriver_cc "$kdriver_cc" --arg cc_ceil "$cc_ceil" --arg acks "$acks" --arg acks_src "$acks_src" --argjson mss "$MSS" \
	--argjson kaead_failed "${kaead_failed:-0}" --rawfile scale "$tmp/scale.tsv" \
	--rawfile cats "$tmp/cats.tsv" '
	def rows($s): $s | split("\n") | map(select(length > 0) | split("\t"));
	def num: if test("^-?[0-9.]+([eE][-+]?[0-9]+)?$") then tonumber elif . == "-" then null else . end;
	(rows($medians) | map({config: .[0], metric: .[1], median: (.[2] | num), min: (.[3] | num), max: (.[4] | num), n: (.[5] | num)})) as $m
	| ($m | group_by(.config) | map({key: .[0].config, value: (map({key: .metric, value: {median, min, max, n}}) | from_entries)}) | from_entries) as $med
	| def ratios($ref): $med | to_entries | map(select(.key != $ref) | {key: .key, value: (.value | to_entries
		| map(select($med[$ref][.key].median != null and $med[$ref][.key].median != 0)
		| {key: .key, value: ((.value.median / $med[$ref][.key].median) * 1000 | round / 1000)}) | from_entries)}) | from_entries;
	{
		kernel: $kernel, commit: $commit, dirty: ($dirty == "yes"), date: $date,
		vm: {accel: "tcg", tcg_thread: $tcg, cpus: ($cpus | tonumber)},
		rounds: $rounds, seconds_per_run: $secs, inner_mtu: 1400,
		configs: ($measured | split(" ") | map(select(length > 0))),
		setup_failed: ($failed | split(" ") | map(select(length > 0))),
		units: {tcp1_mbps: "Mbit/s", tcp4_mbps: "Mbit/s", udp64_kpps: "kpps received",
			ping_p50_us: "us", ping_p99_us: "us", tcp1_cpu_s_per_gbit: "VM CPU s per Gbit",
			tcp4_cpu_s_per_gbit: "VM CPU s per Gbit", tcp1_vm_cpu_pct: "% (of all CPUs x 100)"},
		medians: $med,
		ratios: {vs_vti: (if $med.vti then ratios("vti") else null end),
			vs_wireguard: (if $med.wireguard then ratios("wireguard") else null end)},
		crypto: {algorithm: "rfc4106(gcm(aes))", driver: $driver,
			results: (rows($crypto) | map({key: .[0], value: (.[1] | num)}) | from_entries)},
		kernel_ceiling: {source: "bench/kaead (s2s_kaead.ko)", algorithm: "rfc4106(gcm(aes))", driver: $kdriver,
			wireguard: (if $cc_ceil != "" then {algorithm: "rfc7539esp(chacha20,poly1305)", driver: $kdriver_cc,
				keys: "kaead_cc_* and ceiling_cc_*; its fractions are of these"} else null end),
			failed_measurements: $kaead_failed, mss: $mss,
			acks_per_segment: ($acks | num), acks_per_segment_source: $acks_src,
			units: {kops: "thousand operations/s", ns_per_op: "ns (all CPUs: aggregate)", MBps: "MB/s of plaintext",
				tcp1_mbps: "Mbit/s goodput", udp64_kpps: "kpps"},
			measurements: (rows($kaead) | map({key: .[0], value: {median: (.[1] | num), min: (.[2] | num), max: (.[3] | num), n: (.[4] | num)}}) | from_entries),
			ceilings: (rows($ceil) | map({key: .[0], value: {median: (.[1] | num), min: (.[2] | num), max: (.[3] | num), n: (.[4] | num)}}) | from_entries),
			fractions: (rows($fractions) | group_by(.[0]) | map({key: .[0][0], value: (map({key: .[1], value: (.[2] | num)}) | from_entries)}) | from_entries)},
		scale: (rows($scale) | map({key: .[0], value: {median: (.[1] | num), min: (.[2] | num), max: (.[3] | num), n: (.[4] | num)}}) | from_entries),
		memory: {objects: ($memn | tonumber), bytes_per_object: (rows($mem) | map({key: .[0], value: (.[1] | num)}) | from_entries),
			slab_growth: (rows($slabs) | map({what: .[0], cache: .[1], bytes_per_object: (.[2] | num)}))},
		targets: (rows($targets) | map({name: .[0], value: (.[1] | num), op: .[2], limit: (.[3] | num), met: (.[4] == "met")})),
		samples: (rows($samples) | .[1:] | map({round: (.[0] | num), config: .[1], metric: .[2], value: (.[3] | num)})),
		profile_categories: (rows($cats) | group_by(.[0]) | map({key: .[0][0], value: (map({key: .[1], value: (.[2] | num)}) | from_entries)}) | from_entries),
		diagnostics: (rows($diag) | map({round: (.[0] | num), config: .[1], workload: .[2], key: .[3], value: (.[4] | num)}))
	}' >"$outdir/results.json" || echo "report: cannot write results.json" >&2

# --- chart -------------------------------------------------------------------------------

if command -v gnuplot >/dev/null; then
	: >"$tmp/chart.dat"
	chart_metrics=(tcp1_mbps tcp4_mbps udp64_kpps ping_p50_us ping_p99_us tcp1_cpu_s_per_gbit)
	for c in "${measured[@]}"; do
		[ "$c" = veth ] && continue
		printf '"%s"' "$(label "$c" | sed 's/ /\\n/')" >>"$tmp/chart.dat"
		for m in "${chart_metrics[@]}"; do
			awk -F'\t' -v c="$c" -v m="$m" '$1 == c && $2 == m { printf " %s %s %s", $3, $4, $5; f = 1 }
				END { if (!f) printf " NaN NaN NaN" }' "$tmp/medians.tsv" >>"$tmp/chart.dat"
		done
		echo >>"$tmp/chart.dat"
	done
	vv() { fmt "$(med veth "$1")"; }
	cat >"$tmp/chart.gp" <<-EOF
	set multiplot layout 2,3 title "s2svpn benchmark, Linux $kver, qemu TCG, ${ncpu} vCPUs: medians of $rounds rounds, whiskers min..max"
	set style data histogram
	set style histogram errorbars gap 1 lw 1
	set style fill solid 0.8 border -1
	set boxwidth 0.8
	set yrange [0:*]
	set grid ytics
	set key off
	set xtics scale 0 font ",9"
	set bmargin 4
	set title "TCP, 1 flow: Mbit/s\n(plain veth: $(vv tcp1_mbps))"
	plot "$tmp/chart.dat" using 2:3:4:xtic(1) lc rgb "#3b75af"
	set title "TCP, 4 flows: Mbit/s\n(plain veth: $(vv tcp4_mbps))"
	plot "$tmp/chart.dat" using 5:6:7:xtic(1) lc rgb "#3b75af"
	set title "UDP, 64-byte packets: kpps received\n(plain veth: $(vv udp64_kpps))"
	plot "$tmp/chart.dat" using 8:9:10:xtic(1) lc rgb "#519e3e"
	set title "ping round trip p50, us\n(plain veth: $(vv ping_p50_us))"
	plot "$tmp/chart.dat" using 11:12:13:xtic(1) lc rgb "#ef8636"
	set title "ping round trip p99, us\n(plain veth: $(vv ping_p99_us))"
	plot "$tmp/chart.dat" using 14:15:16:xtic(1) lc rgb "#c53a32"
	set title "VM CPU seconds per Gbit, TCP 1 flow\n(plain veth: $(vv tcp1_cpu_s_per_gbit))"
	plot "$tmp/chart.dat" using 17:18:19:xtic(1) lc rgb "#8c6bb1"
	unset multiplot
	EOF
	{
		echo "set terminal svg size 1200,760 dynamic font 'sans,11' background '#ffffff'"
		echo "set output '$outdir/results.svg'"
		cat "$tmp/chart.gp"
		echo "set terminal pngcairo size 1200,760 font 'sans,9' background '#ffffff'"
		echo "set output '$outdir/results.png'"
		cat "$tmp/chart.gp"
	} | gnuplot >"$tmp/gnuplot.log" 2>&1 ||
		{ echo "report: gnuplot failed:" >&2; cat "$tmp/gnuplot.log" >&2; }
fi

cat "$outdir/results.txt"
echo
echo "report: $outdir/results.txt, results.json, results.svg, samples.tsv"
