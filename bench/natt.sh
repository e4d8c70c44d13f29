#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# NAT-T cost: iperf3 TCP (one flow) through a tunnel pair (AES-GCM-128, the
# same keys and SPIs everywhere, outer IPv4, two namespaces on a veth,
# tunnel MTU 1400), four configurations, each on namespaces of its own:
#
#   s2s-esp    s2svpn, plain ESP
#   s2s-udp    s2svpn, ESP in UDP ("tunnel set vpn0 encap udp" on both
#              sites, the same SAs and namespaces as s2s-esp)
#   xfrm-esp   native XFRM interfaces (if_id 42), plain ESP states
#   xfrm-udp   the same with "encap espinudp 4500 4500" states (replaced
#              before each run) and UDP_ENCAP_ESPINUDP sockets on 4500 at
#              both ends, as an IKE daemon holds them
#
# S2S_NATT_ROUNDS rounds (default 3) of S2S_NATT_SECONDS (default 5) each,
# the four configurations one after the other in every round, so that load
# drifting on the host hits all alike.  Runs inside the test VM:
#
#   S2S_MODULE=$PWD/build/$K/kmod/s2svpn.ko selftests/vm/run.sh -k $K bench/natt.sh
#
# Prints one KTAP line per run and a summary: medians per configuration and
# the ratios ESP-in-UDP / plain ESP for each implementation and s2svpn /
# native for each encapsulation.

# shellcheck disable=SC2154,SC2086,SC1091
. "$(dirname "$0")/../selftests/lib.sh"
. "$(dirname "$0")/../selftests/esp_lib.sh"

# (only S2S_* variables reach the VM)
ROUNDS=${S2S_NATT_ROUNDS:-3}
SECONDS_PER_RUN=${S2S_NATT_SECONDS:-5}
ALGO=gcm128-128
IFID=42

s2s_require_cmd jq iperf3 python3
s2s_require_s2sctl
s2s_require_module

# --- s2svpn: namespaces a, b ------------------------------------------------
esp_do "s2svpn: two sites" esp_two_sites || s2s_exit
esp_do "s2svpn: tunnels" esp_s2s_tunnels 4 || s2s_exit
esp_do "s2svpn: SAs" esp_s2s_sas $ALGO || s2s_exit
esp_do "s2svpn: MTU 1400" ip -n "$a" link set vpn0 mtu 1400 || s2s_exit
esp_do "s2svpn: MTU 1400 on B" ip -n "$b" link set vpn0 mtu 1400 || s2s_exit
esp_do "s2svpn: iperf3 server" esp_iperf_server "$b" || s2s_exit

# --- native: namespaces c, d (the same addresses, keys and SPIs) -----------
native_sites() {
	s2s_setup_ns c d || return 1
	esp_quiet_ipv6 "$c" "$d" &&
	esp_site "$c" $ESP_LAN4_A $ESP_LAN6_A &&
	esp_site "$d" $ESP_LAN4_B $ESP_LAN6_B &&
	s2s_veth "$c" ul "$d" ul &&
	ip -n "$c" addr add $ESP_OUT4_A/24 dev ul &&
	ip -n "$d" addr add $ESP_OUT4_B/24 dev ul &&
	s2s_wait 10 ip netns exec "$c" ping -c 1 -W 1 $ESP_OUT4_B
}
# native_if NS PEER_NET SRC: the XFRM interface, MTU 1400, route to PEER_NET
native_if() {
	ip -n "$1" -batch - <<-EOF
	link add xfrm0 type xfrm dev ul if_id $IFID
	link set xfrm0 mtu 1400 up
	route add $2 dev xfrm0 src $3
	EOF
}
# native_states udp|esp: both sites' states (A's outbound is B's inbound)
native_states() {
	local enc=()
	[ "$1" = udp ] && enc=(encap espinudp 4500 4500 0.0.0.0)
	{
		echo "xfrm state flush"
		esp_xfrm_state_lines $ESP_OUT4_A $ESP_OUT4_B $ESP_SPI_AB 1 $ESP_SPI_BA 2 \
			$ALGO 0 if_id $IFID "${enc[@]}"
	} | ip -n "$c" -batch - &&
	{
		echo "xfrm state flush"
		esp_xfrm_state_lines $ESP_OUT4_B $ESP_OUT4_A $ESP_SPI_BA 2 $ESP_SPI_AB 1 \
			$ALGO 0 if_id $IFID "${enc[@]}"
	} | ip -n "$d" -batch -
}
native_policies() {
	esp_xfrm_policy_lines $ESP_OUT4_A $ESP_OUT4_B 0.0.0.0/0 0.0.0.0/0 if_id $IFID |
		ip -n "$c" -batch - &&
	esp_xfrm_policy_lines $ESP_OUT4_B $ESP_OUT4_A 0.0.0.0/0 0.0.0.0/0 if_id $IFID |
		ip -n "$d" -batch -
}
# encap_holder NS: a UDP_ENCAP_ESPINUDP socket on 4500 in NS (xfrm
# decapsulates ESP in UDP only for such a socket), until the run ends
encap_holder() {
	local out
	out=$(mktemp /tmp/natt-bench.XXXXXX)
	s2s_defer rm -f "$out"
	ip netns exec "$1" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_UDP, 100, 2)	# UDP_ENCAP, UDP_ENCAP_ESPINUDP
s.bind(("0.0.0.0", 4500))
print("bound", flush=True)
time.sleep(3600)' >"$out" 2>&1 &
	s2s_defer kill $!
	s2s_wait 30 grep -q bound "$out"
}
esp_do "native: two sites" native_sites || s2s_exit
esp_do "native: XFRM interface on A" native_if "$c" $ESP_NET4_B $ESP_LAN4_A || s2s_exit
esp_do "native: XFRM interface on B" native_if "$d" $ESP_NET4_A $ESP_LAN4_B || s2s_exit
esp_do "native: policies" native_policies || s2s_exit
esp_do "native: ESP-in-UDP socket on A" encap_holder "$c" || s2s_exit
esp_do "native: ESP-in-UDP socket on B" encap_holder "$d" || s2s_exit
esp_do "native: iperf3 server" esp_iperf_server "$d" || s2s_exit

s2s_encap() {
	s2sctl -n "$a" tunnel set vpn0 encap "$@" &&
		s2sctl -n "$b" tunnel set vpn0 encap "$@"
}
# setup CFG: switches to CFG, prints the client and the server namespace
setup() {
	case $1 in
	s2s-esp) s2s_encap none && echo "$a $b" ;;
	s2s-udp) s2s_encap udp keepalive 0 && echo "$a $b" ;;
	xfrm-esp) native_states esp && echo "$c $d" ;;
	xfrm-udp) native_states udp && echo "$c $d" ;;
	esac
}
# udp_in NS: UDP datagrams NS received (ESP in UDP counts, to either
# implementation's encapsulation socket)
udp_in() {
	# shellcheck disable=SC2016
	ip netns exec "$1" awk '/^Udp:/ && n++ { print $2 }' /proc/net/snmp
}

CFGS="s2s-esp s2s-udp xfrm-esp xfrm-udp"
declare -A results
for ((r = 1; r <= ROUNDS; r++)); do
	for cfg in $CFGS; do
		if ! nss=$(setup $cfg); then
			s2s_result 1 "round $r $cfg: setup" "$nss"
			continue
		fi
		read -r ns sns <<<"$nss"
		u0=$(udp_in "$sns")
		if bps=$(esp_iperf "$ns" $ESP_LAN4_B -t "$SECONDS_PER_RUN"); then
			u1=$(udp_in "$sns")
			results[$cfg]+=" $bps"
			# ESP in UDP: thousands of UDP datagrams; plain: none
			if [[ $cfg == *-udp ]]; then
				wire=$([ $((u1 - u0)) -gt 1000 ] && echo 0 || echo 1)
			else
				wire=$([ $((u1 - u0)) -lt 100 ] && echo 0 || echo 1)
			fi
			s2s_result $wire "round $r $cfg: $(esp_mbps "$bps") Mbit/s, $((u1 - u0)) UDP datagrams in" \
				"(UDP datagrams the server's namespace received: $((u1 - u0)))"
		else
			s2s_result 1 "round $r $cfg" "$bps"
		fi
	done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { if (y > 0) printf "%.2f", x / y; else print "n/a" }'; }
declare -A med
for cfg in $CFGS; do
	med[$cfg]=$(median <<<"${results[$cfg]:-}")
	s2s_log "$cfg: median $(esp_mbps "${med[$cfg]:-0}") Mbit/s (runs:${results[$cfg]:-})"
done
s2s_log "ESP in UDP / plain ESP: s2svpn $(ratio "${med[s2s-udp]}" "${med[s2s-esp]}")," \
	"native xfrm $(ratio "${med[xfrm-udp]}" "${med[xfrm-esp]}")"
s2s_log "s2svpn / native xfrm: plain ESP $(ratio "${med[s2s-esp]}" "${med[xfrm-esp]}")," \
	"ESP in UDP $(ratio "${med[s2s-udp]}" "${med[xfrm-udp]}")" \
	"(medians of $ROUNDS, $(uname -r))"
s2s_exit
