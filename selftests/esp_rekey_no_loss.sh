#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Make-before-break rekeying with manual keys loses nothing.  20 rekeys on
# both sites while iperf3 TCP (A->B) and a sequence-numbered UDP stream in
# each direction (selftests/tools/udpseq.c) run.  Each site adds the new
# inbound SA; once the peer has it, "sa add ... dir out" with the new SPI
# replaces the outbound SA atomically; old inbound SAs are deleted a rekey
# or two later, when nothing under them can be in flight.  Expected: no UDP datagram lost or duplicated, the TCP
# stream completes, no replay, auth or unknown-SPI drop on either site, the
# carrier never drops.

# shellcheck disable=SC2016,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

s2s_require_cmd jq iperf3
s2s_require_s2sctl
s2s_require_module
find_udpseq || s2s_skip "cannot build selftests/tools/udpseq.c (no cc)"
esp_dmesg_mark

REKEYS=20
PORT=7000

esp_do "two sites over a veth" esp_two_sites || s2s_exit
s2s_check "s2svpn tunnels over IPv4" esp_s2s_tunnels 4 || s2s_exit
s2s_check "first SA pair" esp_s2s_sas gcm128-128 || s2s_exit
s2s_check "ping A->B" esp_ping "$a" $ESP_LAN4_B

events=$(mktemp /tmp/rekey-events.XXXXXX)
s2s_defer rm -f "$events"
s2sctl -j -n "$a" monitor >"$events" 2>&1 &
monitor=$!
s2s_defer kill "$monitor"

# receivers, then senders: 200 datagrams a second each way until stopped
recv_b=$(mktemp /tmp/rekey-recv.XXXXXX)
recv_a=$(mktemp /tmp/rekey-recv.XXXXXX)
stop=$(mktemp -u /tmp/rekey-stop.XXXXXX)
s2s_defer rm -f "$recv_a" "$recv_b" "$stop"
ip netns exec "$b" "$UDPSEQ" recv $ESP_LAN4_B $PORT 900 >"$recv_b" &
pid_rb=$!
ip netns exec "$a" "$UDPSEQ" recv $ESP_LAN4_A $PORT 900 >"$recv_a" &
pid_ra=$!
s2s_wait 10 grep -q listening "$recv_b" "$recv_a"
esp_iperf_server "$b"
ip netns exec "$a" "$UDPSEQ" send $ESP_LAN4_B $PORT 200 900 &
pid_sa=$!
ip netns exec "$b" "$UDPSEQ" send $ESP_LAN4_A $PORT 200 900 &
pid_sb=$!
quiet_kill() {
	kill "$@" 2>/dev/null
	return 0
}
s2s_defer quiet_kill $pid_sa $pid_sb $pid_ra $pid_rb

# rate-limited iperf3 TCP runs back to back until the rekeys are done;
# every run must complete
tcp_runs() {
	local n=0
	until [ -e "$stop" ]; do
		esp_iperf "$a" $ESP_LAN4_B -t 5 -b 20M >/dev/null || {
			echo "iperf3 run $((n + 1)) failed"
			return 1
		}
		n=$((n + 1))
	done
	echo "$n runs"
}
esp_bg_start tcp tcp_runs
sleep 1

# Rekey I, in two s2sctl batches:
#   B: outbound B->A of rekey I-1 (A got its inbound SA in rekey I-1),
#      inbound A->B of rekey I, delete inbound A->B of rekey I-2;
#   A: inbound B->A of rekey I, outbound A->B of rekey I (B has its
#      inbound SA now), delete inbound B->A of rekey I-3 (B stopped using
#      it one rekey ago).
# A->B SPI 0x1000+I (key seed 10+I), B->A SPI 0x2000+I (seed 50+I).
rekey() {
	local i=$1
	{
		[ "$i" -ge 2 ] && esp_sa_line vpn0 out $((0x2000 + i - 1)) gcm128-128 $((50 + i - 1))
		[ "$i" -ge 2 ] && echo "sa del vpn0 dir in spi $((0x1000 + i - 2))"
		[ "$i" -le $REKEYS ] && esp_sa_line vpn0 in $((0x1000 + i)) gcm128-128 $((10 + i))
	} | s2sctl -n "$b" -b - || return 1
	[ "$i" -le $REKEYS ] || return 0
	{
		esp_sa_line vpn0 in $((0x2000 + i)) gcm128-128 $((50 + i))
		esp_sa_line vpn0 out $((0x1000 + i)) gcm128-128 $((10 + i))
		[ "$i" -ge 3 ] && echo "sa del vpn0 dir in spi $((0x2000 + i - 3))"
	} | s2sctl -n "$a" -b -
}

start=$SECONDS
failed=0
for ((i = 1; i <= REKEYS + 1; i++)); do
	out=$(rekey $i 2>&1) || { failed=$i; break; }
	sleep 0.2
done
s2s_result $failed "$REKEYS make-before-break rekeys on both sites ($((SECONDS - start)) s)" \
	"rekey $failed failed: $out"
sleep 1
touch "$stop"
esp_bg_check tcp "iperf3 TCP A->B, back to back through the rekeys"
kill -TERM $pid_sa $pid_sb
wait $pid_rb
s2s_result $? "UDP A->B: the receiver saw the end of the stream" "$(cat "$recv_b")"
wait $pid_ra
s2s_result $? "UDP B->A: the receiver saw the end of the stream" "$(cat "$recv_a")"

# udp_field FILE KEY: the number after KEY in udpseq's result line
udp_field() {
	sed -n "s/.* $2 \([0-9]*\).*/\1/p; s/^$2 \([0-9]*\).*/\1/p" "$1" | head -n 1
}
for dir in "A->B $recv_b" "B->A $recv_a"; do
	set -- $dir
	s2s_log "UDP $1: $(tail -n 1 "$2")"
	s2s_check "UDP $1: datagrams were sent throughout" \
		test "$(udp_field "$2" sent)" -ge 1000
	s2s_check_eq "UDP $1: none lost" "$(udp_field "$2" lost)" 0
	s2s_check_eq "UDP $1: none duplicated" "$(udp_field "$2" duplicated)" 0
done

ja=$(esp_json "$a")
jb=$(esp_json "$b")
s2s_check_eq "no replay, auth or unknown-SPI drop on either site" \
	"$(esp_jq "$ja" "$jb" -- '[tstat($j0; "drops.replay"), tstat($j0; "drops.auth"),
		tstat($j0; "drops.no_sa"), tstat($j1; "drops.replay"),
		tstat($j1; "drops.auth"), tstat($j1; "drops.no_sa")] | map(tostring) | join(" ")')" \
	"0 0 0 0 0 0"
s2s_check_eq "the last SAs are active" \
	"$(esp_jq "$ja" "$jb" -- '"\($j0[0].tx_spi) \($j1[0].tx_spi)"')" \
	"$((0x1000 + REKEYS)) $((0x2000 + REKEYS))"
s2s_check "the last A->B SA carried traffic" \
	test "$(esp_jq "$jb" -- "sastat(\$j0; \"in\"; $((0x1000 + REKEYS)); \"rx_packets\")")" -gt 0
s2s_check "the carrier never dropped" \
	s2s_fails jq -e -s 'any(.[]; .event == "tunnel-state")' "$events"
# each outbound replacement on A multicast sa-rekey, naming both SPIs
sa_rekeys_seen() {
	[ "$(jq -s '[.[] | select(.event == "sa-rekey" and .dir == "out" and
		.replaces + 1 == .spi)] | length' "$events")" -ge "$REKEYS" ]
}
s2s_check "an sa-rekey event for each of A's $REKEYS outbound replacements" \
	s2s_wait 5 sa_rekeys_seen

esp_check_dmesg "no kernel warning"
s2s_exit
