#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# NAT traversal: a captured ESP-in-UDP packet resent later from elsewhere
# must not move B's NAT mapping (regression test for "a mapping is learned
# only from a packet that raised the replay window's top").  Topology of
# natt_lib.sh (A masqueraded by N, port preserved) plus an attacker
# namespace X (198.51.100.1) wired to B, which routes to it.
#
#   replay-window 0: an A -> B packet captured on N and already delivered,
#   resent from X and from N's address with another source port: delivered
#   (replay protection is off) but B's output stays at 192.0.2.254:4500;
#   default window: a packet N captured *and dropped* (its sequence number
#   never seen, below the top once later packets passed), resent from X:
#   delivered once, output unchanged; resent again from N:4501: a replay
#   drop;
#   no nat-mapping event and A <-> B traffic flows after each; then a real
#   NAT port change does move the mapping (the monitor sees it).

# shellcheck disable=SC2016,SC2317,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"
. "$(dirname "$0")/natt_lib.sh"

esp_begin jq ping tcpdump nft conntrack python3

X=198.51.100.1
XB=198.51.100.2
ESPF="src $NATT_A and udp dst port 4500 and greater 100"	# A's ESP, not keepalives

esp_do "three namespaces, A masqueraded by N" natt_topology || s2s_exit
s2s_setup_ns x || s2s_exit
attacker() {
	s2s_veth "$x" ul "$b" x &&
	ip -n "$x" addr add $X/24 dev ul &&
	ip -n "$x" route add default via $XB &&
	ip -n "$b" addr add $XB/24 dev x &&
	s2s_wait 10 ip netns exec "$x" ping -c 1 -W 1 $NATT_B
}
esp_do "attacker X wired to B" attacker || s2s_exit
s2s_check "tunnel on A: encap udp keepalive 0" natt_tunnel "$a" $NATT_A $NATT_B \
	$ESP_NET4_B $ESP_NET6_B $ESP_LAN4_A $ESP_LAN6_A keepalive 0 || s2s_exit
s2s_check "tunnel on B: encap udp keepalive 0" natt_tunnel "$b" $NATT_B $NATT_N_OUT \
	$ESP_NET4_A $ESP_NET6_A $ESP_LAN4_B $ESP_LAN6_B keepalive 0 || s2s_exit

events=$(mktemp /tmp/natt-events.XXXXXX)
resend=$(mktemp /tmp/natt-resend.XXXXXX)
s2s_defer rm -f "$events" "$resend"
s2sctl -j -n "$b" monitor >"$events" 2>&1 &
s2s_defer natt_kill $!

# resend PCAP SRC SPORT: the UDP payload of the first packet of PCAP (an
# Ethernet capture of IPv4/UDP) sent from SRC:SPORT to B's port 4500.
cat >"$resend" <<'EOF'
import socket, struct, sys
data = open(sys.argv[1], "rb").read()
le = data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1")
incl = struct.unpack(("<" if le else ">") + "I", data[32:36])[0]
frame = data[40:40 + incl]
ip = frame[14:]
ihl = (ip[0] & 15) * 4
ulen = struct.unpack(">H", ip[ihl + 4:ihl + 6])[0]
payload = ip[ihl + 8:ihl + ulen]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[2], int(sys.argv[3])))
s.sendto(payload, (sys.argv[4], 4500))
print("resent %d bytes, SPI/seq %s" % (len(payload), payload[:8].hex()))
EOF
resend() {
	ip netns exec "$1" python3 "$resend" "${NATT_CAP_FILE[cap]}" "$2" "$3" $NATT_B
}

mapping() {
	esp_jq "$(esp_json "$b")" -- '$j0[0] | "\(.nat_remote):\(.nat_dport)"'
}

# counters NS: "rx_packets drops.replay" of vpn0 on B
counters() {
	esp_jq "$(esp_json "$b")" -- \
		'"\(tstat($j0; "rx_packets")) \(tstat($j0; "drops.replay"))"'
}

# attack NS SRC SPORT RX REPLAY: resend the captured packet from SRC:SPORT
# (in NS); B's rx_packets must grow by RX and drops.replay by REPLAY, and
# the mapping must stay where it was.
attack() {
	local before after want m rx rp
	before=$(counters)
	resend "$1" "$2" "$3" || return 1
	read -r rx rp <<<"$before"
	want="$((rx + $4)) $((rp + $5))"
	s2s_wait 5 eval '[ "$(counters)" = "$want" ]'
	after=$(counters)
	m=$(mapping)
	[ "$after" = "$want" ] && [ "$m" = "$NATT_N_OUT:4500" ] &&
		! grep -q '"nat-mapping"' "$events" && return 0
	echo "rx/replay drops $before -> $after (want $want), mapping $m"
	cat "$events"
	return 1
}

# --- replay-window 0 ------------------------------------------------------------

s2s_check "SAs with replay-window 0" esp_s2s_sas gcm128-128 replay-window 0 || s2s_exit
natt_capture_start cap "$n" in "$ESPF" || s2s_exit
s2s_check "ping A -> B (captured on N)" esp_ping "$a" $ESP_LAN4_B 3
sleep 1		# tcpdump in a loaded VM may lag
esp_check_ge "captured A's ESP-in-UDP packets" "$(natt_capture_count cap)" 1
s2s_check "later packets pass" esp_ping "$a" $ESP_LAN4_B 3
s2s_check_eq "B sends to 192.0.2.254:4500" "$(mapping)" "$NATT_N_OUT:4500"
s2s_check "window 0: resent from X ($X:4500): delivered, mapping unchanged" \
	attack "$x" $X 4500 1 0
s2s_check "window 0: resent from N:4501: delivered, mapping unchanged" \
	attack "$n" $NATT_N_OUT 4501 1 0
s2s_check "ping A -> B" esp_ping "$a" $ESP_LAN4_B 3
s2s_check "ping B -> A" esp_ping "$b" $ESP_LAN4_A 3

# --- default window, a packet the attacker kept from B ---------------------------

s2s_check "SAs with the default window" esp_s2s_sas -r gcm128-128 || s2s_exit
s2s_check "ping A -> B" esp_ping "$a" $ESP_LAN4_B 3
natt_capture_start cap "$n" in "$ESPF" || s2s_exit
s2s_check "N drops A's ESP-in-UDP" ip netns exec "$n" nft -f - <<-EOF
	table ip natt_drop {
		chain f {
			type filter hook forward priority 0;
			ip saddr $NATT_A udp dport 4500 meta length > 100 drop
		}
	}
EOF
s2s_check_fail "one ping A -> B does not get through" \
	ip netns exec "$a" ping -q -c 1 -W 1 $ESP_LAN4_B
sleep 1
s2s_check_eq "N captured it" "$(natt_capture_count cap)" 1
s2s_check "N forwards again" ip netns exec "$n" nft delete table ip natt_drop
s2s_check "later packets pass" esp_ping "$a" $ESP_LAN4_B 3
s2s_check "unseen packet resent from X: delivered once, mapping unchanged" \
	attack "$x" $X 4500 1 0
s2s_check "resent again from N:4501: a replay drop, mapping unchanged" \
	attack "$n" $NATT_N_OUT 4501 0 1
s2s_check "ping A -> B" esp_ping "$a" $ESP_LAN4_B 3
s2s_check "ping B -> A" esp_ping "$b" $ESP_LAN4_A 3

# --- a genuine change still moves the mapping ---------------------------------

real_move() {
	natt_nat 20000-20999 && natt_flush || return 1
	s2s_wait 15 ip netns exec "$a" ping -c 1 -W 1 $ESP_LAN4_B || return 1
	s2s_wait 5 grep -qE '"nat-mapping".*"port":20[0-9]{3}\}' "$events" || {
		cat "$events"
		return 1
	}
	esp_ping "$b" $ESP_LAN4_A 3
}
s2s_check "NAT port change, conntrack flushed: event, mapping moved" real_move
s2s_check_eq "exactly one nat-mapping event" "$(grep -c '"nat-mapping"' "$events")" 1

esp_check_dmesg "no kernel warnings"
s2s_exit
