#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# s2svpn to s2svpn, every algorithm: two sites over a veth, an s2svpn
# tunnel on each.  For AES-GCM-128 (ICV 64, 96, 128), AES-GCM-256 (ICV 128)
# and AES-CBC-128/256 with HMAC-SHA1-96, SHA2-256-128, SHA2-384-192 and
# SHA2-512-256, plus ESN with one GCM and one CBC suite, the SAs are
# replaced (one all-or-nothing batch per site), pings cross the tunnel both
# ways, and the new SAs show the algorithm and count that traffic.
#
# The first use of each algorithm makes the kernel load and self-test it,
# which takes seconds in the TCG VM; the SA counters of all suites are
# checked at the end with one jq run.

# shellcheck disable=SC2016,SC2317,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq ping

esp_do "two sites over a veth" esp_two_sites || s2s_exit
s2s_check "s2svpn tunnels over IPv4" esp_s2s_tunnels 4 || s2s_exit
j0a=$(esp_json "$a")
j0b=$(esp_json "$b")

# sa_matches ALGO ESN: the jq test that an SA object is ALGO, ESN true|false.
sa_matches() {
	local algo=$1 esn=$2 h t
	case $algo in
	gcm*) echo ".aead == \"rfc4106(gcm(aes))\" and .icv_bits == ${algo#*-} and .esn == $esn" ;;
	cbc*)
		h=${algo#*-}
		case $h in sha1) t=96 ;; sha256) t=128 ;; sha384) t=192 ;; sha512) t=256 ;; esac
		echo ".enc == \"cbc(aes)\" and .auth == \"hmac($h)\" and .auth_trunc_bits == $t and .esn == $esn" ;;
	esac
}

# Per suite: its name, the jq test of its SAs, the packets each SA must
# have carried, and "s2sctl -j tunnel show" of A and B after its traffic.
names=()
tests=()
mins=()
docs=()
first=1

# one_suite ALGO [esn]
one_suite() {
	local algo=$1 esn=false name=$1 opts=() replace=(-r) n=0
	if [ "${2:-}" = esn ]; then
		esn=true
		name="$algo esn"
		opts=(esn)
	fi
	((first)) && replace=()

	s2s_check "$name: SAs replaced on both sites" \
		esp_s2s_sas "${replace[@]}" "$algo" "${opts[@]}" || return
	first=0

	# Each direction carries 3 + 2 packets (5 + 2 more with IPv6).
	esp_bg_start pa esp_ping "$a" $ESP_LAN4_B 3
	esp_bg_start pb esp_ping "$b" $ESP_LAN4_A 2 -s 1300
	esp_bg_check pa "$name: ping A -> B" && n=$((n + 3))
	esp_bg_check pb "$name: ping B -> A, 1300 bytes" && n=$((n + 2))
	if [ "$esn" = true ] || [ "$algo" = gcm128-128 ]; then
		s2s_check "$name: ping6 A -> B" esp_ping "$a" $ESP_LAN6_B 2 && n=$((n + 2))
	fi

	names+=("$name")
	tests+=("$(sa_matches "$algo" "$esn")")
	mins+=("$n")
	docs+=("$(esp_json "$a")" "$(esp_json "$b")")
}

for algo in $ESP_ALGOS_ALL; do
	one_suite "$algo"
done
one_suite gcm128-128 esn
one_suite cbc256-sha256 esn

# One line per suite: the algorithm test on A's outbound and B's inbound
# SA, then tx/rx packets of A out, B in, B out, A in.
filter='def sa(j; d; s): [j[0].sas[]? | select(.dir == d and .spi == s)][0];
	def n(x): x // -1;
	[range(0; length; 2) as $i | .[$i] as $ja | .[$i + 1] as $jb |
	 (sa($ja; "out"; $ab)) as $ao | (sa($jb; "in"; $ab)) as $bi |
	 (sa($jb; "out"; $ba)) as $bo | (sa($ja; "in"; $ba)) as $ai |
	 [($ao | if . then TEST_i else false end), ($bi | if . then TEST_i else false end),
	  n($ao.stats.tx_packets), n($bi.stats.rx_packets),
	  n($bo.stats.tx_packets), n($ai.stats.rx_packets)] | map(tostring) | join(" ")]
	| .[]'
# TEST_i is the suite's own test: build "if $i == 0 then T0 elif ..." once.
sel=
for i in "${!tests[@]}"; do
	sel+="$( ((i)) && echo elif || echo if) \$i == $((2 * i)) then (${tests[i]}) "
done
sel="(${sel}else false end)"
filter=${filter//TEST_i/$sel}
# (no process substitution: the VM has no /dev/fd)
mapfile -t results <<<"$(printf '%s\n' "${docs[@]}" |
	jq -rs --argjson ab $((ESP_SPI_AB)) --argjson ba $((ESP_SPI_BA)) "$filter" 2>&1)"
[ ${#results[@]} = ${#names[@]} ] || printf '# %s\n' "${results[@]}"
for i in "${!names[@]}"; do
	read -r aok bok aotx birx botx airx <<<"${results[i]:-}"
	s2s_check_eq "${names[i]}: A's outbound SA shows the algorithm" "${aok:-}" true
	s2s_check_eq "${names[i]}: B's inbound SA shows the algorithm" "${bok:-}" true
	esp_check_ge "${names[i]}: A's outbound SA tx_packets" "${aotx:-}" "${mins[i]}"
	esp_check_ge "${names[i]}: B's inbound SA rx_packets" "${birx:-}" "${mins[i]}"
	esp_check_ge "${names[i]}: B's outbound SA tx_packets" "${botx:-}" "${mins[i]}"
	esp_check_ge "${names[i]}: A's inbound SA rx_packets" "${airx:-}" "${mins[i]}"
done

j1a=$(esp_json "$a")
j1b=$(esp_json "$b")
s2s_log "A: $(esp_stats_line "$j1a")"
s2s_log "B: $(esp_stats_line "$j1b")"
read -r atx arx btx brx adrop bdrop <<<"$(esp_jq "$j0a" "$j1a" "$j0b" "$j1b" -- '
	[tstat($j1; "tx_packets") - tstat($j0; "tx_packets"),
	 tstat($j1; "rx_packets") - tstat($j0; "rx_packets"),
	 tstat($j3; "tx_packets") - tstat($j2; "tx_packets"),
	 tstat($j3; "rx_packets") - tstat($j2; "rx_packets"),
	 ($j1[0].stats.drops | [.auth, .replay, .bad_trailer, .malformed] | add),
	 ($j3[0].stats.drops | [.auth, .replay, .bad_trailer, .malformed] | add)]
	| map(tostring) | join(" ")')"
total=0
for n in "${mins[@]}"; do
	total=$((total + n))
done
esp_check_ge "tunnel A tx_packets" "$atx" $total
esp_check_ge "tunnel A rx_packets" "$arx" $total
esp_check_ge "tunnel B tx_packets" "$btx" $total
esp_check_ge "tunnel B rx_packets" "$brx" $total
s2s_check_eq "no auth/replay/trailer/malformed drops on A" "$adrop" 0
s2s_check_eq "no auth/replay/trailer/malformed drops on B" "$bdrop" 0
esp_check_dmesg "no kernel warning"

s2s_exit
