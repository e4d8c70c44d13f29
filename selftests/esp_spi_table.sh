#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The inbound SPI table of a namespace with many tunnels: it grows, shrinks
# and demultiplexes by (destination, SPI) while traffic flows.
#
# Site A has one outer address and N tunnels (t0..t(N-1)), one to each of
# N outer addresses of site B.  Each tunnel has its own inner pair
# (10.100.x.y on A, 10.200.x.y on B) and an SA pair.  B->A uses N distinct
# SPIs, all inbound on A's one address: A's table holds N entries and
# resizes several times on the way.  A->B uses ONE SPI for every tunnel,
# inbound on N different addresses of B: B's table has a single SPI that
# names N SAs, told apart only by their destination.
#
# Checked: t0 carries pings without a loss while the other N-1 tunnels and
# their SAs are added, and again while they are deleted (the table resizes
# under its readers); a sample of tunnels answers pings, each on its own
# SA (exact per-SA counters, so no packet lands on a neighbour with the same
# SPI); nothing is dropped anywhere; after the deletion the remaining
# tunnel still works, and the SPIs of the deleted ones are refused again.

# shellcheck disable=SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq ping

N=${S2S_SPI_TABLE_TUNNELS:-400}
SPI_AB=0x3000
A=$ESP_OUT4_A
WORK=$(mktemp -d /tmp/esp_spi_table.XXXXXX) ||
	{ s2s_result 1 "a work directory in /tmp"; s2s_exit; }
s2s_defer rm -rf "$WORK"

# host I PREFIX: tunnel I's address under PREFIX (10.100, 10.200, 198.18)
host() { echo "$2.$(($1 / 250)).$(($1 % 250 + 1))"; }
spi_ba() { printf '0x%x' $((0x200000 + $1)); }

setup() {
	esp_two_sites || return 1
	ip netns exec "$b" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 &&
	ip -n "$a" route add 198.18.0.0/16 via $ESP_OUT4_B
}

# batches FIRST LAST: the batch files of tunnels FIRST..LAST, both sites:
# $WORK/{a,b}.s2s (tunnels and SAs), $WORK/{a,b}.ip (addresses, up,
# routes), $WORK/{a,b}.del (the tunnels' deletion)
batches() {
	local i ra la lb
	: >"$WORK/a.s2s"; : >"$WORK/b.s2s"; : >"$WORK/a.ip"; : >"$WORK/b.ip"
	: >"$WORK/a.del"; : >"$WORK/b.del"
	for ((i = $1; i <= $2; i++)); do
		ra=$(host $i 198.18)
		la=$(host $i 10.100)
		lb=$(host $i 10.200)
		{
			echo "tunnel add t$i local $A remote $ra"
			esp_sa_line t$i out $SPI_AB gcm128-128 1
			esp_sa_line t$i in "$(spi_ba $i)" gcm128-128 2
		} >>"$WORK/a.s2s"
		{
			echo "tunnel add t$i local $ra remote $A"
			esp_sa_line t$i out "$(spi_ba $i)" gcm128-128 2
			esp_sa_line t$i in $SPI_AB gcm128-128 1
		} >>"$WORK/b.s2s"
		printf 'addr add %s/32 dev lo\nlink set t%d up\nroute add %s/32 dev t%d src %s\n' \
			"$la" $i "$lb" $i "$la" >>"$WORK/a.ip"
		printf 'addr add %s/32 dev lo\naddr add %s/32 dev lo\nlink set t%d up\nroute add %s/32 dev t%d src %s\n' \
			"$ra" "$lb" $i "$la" $i "$lb" >>"$WORK/b.ip"
		echo "tunnel del t$i" >>"$WORK/a.del"
		echo "tunnel del t$i" >>"$WORK/b.del"
	done
}

# add FIRST LAST: tunnels FIRST..LAST on both sites
add() {
	batches "$1" "$2" &&
	s2sctl -n "$a" -b "$WORK/a.s2s" && s2sctl -n "$b" -b "$WORK/b.s2s" &&
	ip -n "$b" -batch "$WORK/b.ip" && ip -n "$a" -batch "$WORK/a.ip"
}

# del FIRST LAST: deletes tunnels FIRST..LAST on both sites
del() {
	batches "$1" "$2" &&
	s2sctl -n "$a" -b "$WORK/a.del" && s2sctl -n "$b" -b "$WORK/b.del"
}

# ping_t NS I [COUNT]: COUNT (3) pings through tunnel I from NS's side
ping_t() {
	local src dst
	if [ "$1" = "$a" ]; then
		src=$(host "$2" 10.100) dst=$(host "$2" 10.200)
	else
		src=$(host "$2" 10.200) dst=$(host "$2" 10.100)
	fi
	esp_ping "$1" "$dst" "${3:-3}" -I "$src"
}

# steady_ping SECONDS: pings through t0 every 50 ms for about SECONDS,
# while a batch runs; every one must be answered (a resize loses no lookup)
steady_ping() {
	local out
	out=$(ip netns exec "$a" ping -q -n -i 0.05 -W 3 -c $(($1 * 20)) \
		-I "$(host 0 10.100)" "$(host 0 10.200)" 2>&1)
	grep -qE ' 0% packet loss' <<<"$out" && return 0
	echo "$out"
	return 1
}

# all_drops NS: drops summed over every tunnel and SA of NS
all_drops() {
	s2sctl -j -n "$1" tunnel show | jq '[.[] | (.stats.drops | add),
		(.sas[]?.stats.drops | add)] | add // 0'
}

# sa_rx NS TUN DIR SPI: an SA's received packets
sa_rx() {
	s2sctl -j -n "$1" tunnel show "$2" | jq --arg d "$3" --argjson s "$(($4))" \
		'.[0].sas[] | select(.dir == $d and .spi == $s) | .stats.rx_packets'
}

esp_do "two sites, site B with the outer addresses of $N tunnels" setup || s2s_exit
esp_do "tunnel t0 and its SAs on both sites" add 0 0 || s2s_exit
s2s_check "ping through t0" ping_t "$a" 0

esp_bg_start grow steady_ping 12
esp_do "tunnels t1..t$((N - 1)) added while t0 carries pings" add 1 $((N - 1))
esp_bg_check grow "t0 lost no ping while the SPI tables grew"

sample=(1 $((N / 4)) $((N / 2)) $((N - 2)) $((N - 1)))
for i in "${sample[@]}"; do
	s2s_check "ping from A through t$i" ping_t "$a" "$i"
	s2s_check "ping from B through t$i" ping_t "$b" "$i"
done
# B holds N inbound SAs with SPI $SPI_AB, one per local address: each
# counted exactly the pings sent through its own tunnel
for i in "${sample[@]}"; do
	s2s_check_eq "B: SA $SPI_AB of t$i received its 6 packets" \
		"$(sa_rx "$b" t$i in $SPI_AB)" 6
done
s2s_check_eq "B: SA $SPI_AB of t7 (no traffic) received nothing" \
	"$(sa_rx "$b" t7 in $SPI_AB)" 0
s2s_check_eq "A: SA $(spi_ba $((N / 2))) of t$((N / 2)) received its 6 packets" \
	"$(sa_rx "$a" t$((N / 2)) in "$(spi_ba $((N / 2)))")" 6
s2s_check_eq "A: no drop on any tunnel or SA" "$(all_drops "$a")" 0
s2s_check_eq "B: no drop on any tunnel or SA" "$(all_drops "$b")" 0

s2s_check "A: the SPI of t$((N - 1)) cannot be added again for the same address" \
	s2s_fails s2sctl -n "$a" -b - <<<"$(esp_sa_line t0 in "$(spi_ba $((N - 1)))" gcm128-128 2)"

esp_bg_start shrink steady_ping 12
esp_do "tunnels t1..t$((N - 1)) deleted while t0 carries pings" del 1 $((N - 1))
esp_bg_check shrink "t0 lost no ping while the SPI tables shrank"
s2s_check "ping through t0 after the deletion" ping_t "$b" 0
s2s_check "A: the SPI of the deleted t$((N - 1)) is free again" \
	s2sctl -n "$a" -b - <<<"$(esp_sa_line t0 in "$(spi_ba $((N - 1)))" gcm128-128 2)"
s2s_check_eq "A: still no drop" "$(all_drops "$a")" 0
s2s_check_eq "B: still no drop" "$(all_drops "$b")" 0

esp_check_dmesg "no kernel warning"
s2s_exit
