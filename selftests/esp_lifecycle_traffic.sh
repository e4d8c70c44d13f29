#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Lifecycle under traffic.  Host hA sends iperf3 UDP and a fast ping to
# host hB through gateways A and B joined by an s2svpn tunnel
# (hA - A == vpn0 == B - hB; the gateways run no process, so deleting one's
# namespace really destroys it with packets in flight).  While the traffic
# flows, one at a time:
#   - every SA is deleted, then a fresh pair is added: traffic resumes;
#   - A's tunnel is deleted, then recreated: traffic resumes;
#   - B's namespace (tunnel, SAs and all) is deleted, then rebuilt;
#   - the module is unloaded, then loaded again and the tunnels rebuilt.
# After each: the objects are gone (no s2svpn interface left anywhere, the
# module leaves lsmod), the tunnel works again, and the kernel log has no
# warning (the VM runner checks the whole log as well).

# shellcheck disable=SC2016,SC2317,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq ping iperf3

HA=10.1.0.2
HB=10.2.0.2

# host NS GW_NS ADDR GW_ADDR: a host behind a gateway (veth gw <-> lan).
host() {
	ip link add gw netns "$1" type veth peer name lan netns "$2" &&
	ip -n "$2" -batch - <<-EOF &&
	link set lan up
	addr add $4/24 dev lan
	EOF
	ip -n "$1" -batch - <<-EOF
	link set gw up
	addr add $3/24 dev gw
	route add default via $4
	EOF
}

# gateway_b: (re)builds gateway B: its namespace, the veth to A, the host
# link to hB, forwarding.  A's side of the veth is configured too.
gateway_b() {
	s2s_setup_ns b || return 1
	ip netns exec "$b" sysctl -qw net.ipv4.ip_forward=1 &&
	s2s_veth "$a" ul "$b" ul &&
	ip -n "$a" addr add $ESP_OUT4_A/24 dev ul &&
	ip -n "$b" addr add $ESP_OUT4_B/24 dev ul &&
	host "$hb" "$b" $HB $ESP_LAN4_B
}

topology() {
	s2s_setup_ns a ha hb || return 1
	ip netns exec "$a" sysctl -qw net.ipv4.ip_forward=1 &&
	host "$ha" "$a" $HA $ESP_LAN4_A &&
	gateway_b
}

# tunnel_a / tunnel_b: the s2svpn tunnel of one gateway, up and routed.
tunnel_a() {
	s2sctl -n "$a" tunnel add vpn0 local $ESP_OUT4_A remote $ESP_OUT4_B &&
	ip -n "$a" -batch - <<-EOF
	link set vpn0 up
	route add $ESP_NET4_B dev vpn0
	EOF
}

tunnel_b() {
	s2sctl -n "$b" tunnel add vpn0 local $ESP_OUT4_B remote $ESP_OUT4_A &&
	ip -n "$b" -batch - <<-EOF
	link set vpn0 up
	route add $ESP_NET4_A dev vpn0
	EOF
}

# sas: a fresh SA pair on both gateways, replacing whatever SAs they have.
sas() {
	local ns
	for ns in "$a" "$b"; do
		s2sctl -n "$ns" sa del vpn0 dir out spi $ESP_SPI_AB >/dev/null 2>&1
		s2sctl -n "$ns" sa del vpn0 dir out spi $ESP_SPI_BA >/dev/null 2>&1
		s2sctl -n "$ns" sa del vpn0 dir in spi $ESP_SPI_AB >/dev/null 2>&1
		s2sctl -n "$ns" sa del vpn0 dir in spi $ESP_SPI_BA >/dev/null 2>&1
	done
	esp_s2s_sas gcm128-128
}

# traffic_start: iperf3 UDP (10 Mbit/s) and a ping every 10 ms from hA to
# hB, in the background; returns once A's tunnel has carried some of it.
# Runs in this shell (esp_do), which keeps the background jobs.
traffic_start() {
	local j0
	j0=$(esp_fast_stat "$a" tx_packets)
	esp_bg_start iperf timeout 60 ip netns exec "$ha" iperf3 -c $HB -u -b 10M -l 1200 -t 40 \
		--connect-timeout 3000
	esp_bg_start ping timeout 60 ip netns exec "$ha" ping -q -n -i 0.01 -w 40 $HB
	local end=$((SECONDS + 15))
	while [ "$(esp_fast_stat "$a" tx_packets)" -lt $((j0 + 100)) ] 2>/dev/null; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}

# traffic_stop: ends the background traffic (whatever became of it).
traffic_stop() {
	local name
	for name in iperf ping; do
		pkill -P "${ESP_BG_PID[$name]}" 2>/dev/null
		kill "${ESP_BG_PID[$name]}" 2>/dev/null
		wait "${ESP_BG_PID[$name]}" 2>/dev/null
		rm -f "${ESP_BG_OUT[$name]}"
	done
}

# no_s2s_links NS...: none of the namespaces holds an s2svpn interface.
no_s2s_links() {
	local ns out=
	for ns in "$@"; do
		out+=$(ip ${ns:+-n "$ns"} -d link show | grep -B1 -A1 's2svpn')
	done
	[ -z "$out" ] || { echo "$out"; return 1; }
}

tunnels() {
	tunnel_a && tunnel_b
}

works() {
	s2s_wait 15 ip netns exec "$ha" ping -c 1 -W 1 $HB
}

esp_do "hA - A - B - hB" topology || s2s_exit
s2s_check "tunnels" tunnels || s2s_exit
s2s_check "SAs" sas || s2s_exit
esp_do "iperf3 server on hB" esp_iperf_server "$hb" || s2s_exit
s2s_check "hA reaches hB through the tunnel" works || s2s_exit

# --- SAs deleted under traffic ------------------------------------------------
esp_do "SAs: traffic flows" traffic_start
s2s_check "SAs: all deleted under traffic" sh -c "
	'$S2SCTL' -n '$a' sa del vpn0 dir out spi $ESP_SPI_AB &&
	'$S2SCTL' -n '$b' sa del vpn0 dir in spi $ESP_SPI_AB &&
	'$S2SCTL' -n '$b' sa del vpn0 dir out spi $ESP_SPI_BA &&
	'$S2SCTL' -n '$a' sa del vpn0 dir in spi $ESP_SPI_BA"
s2s_check_eq "SAs: none left" "$(esp_jq "$(esp_json "$a")" "$(esp_json "$b")" -- \
	'[$j0[0].sas, $j1[0].sas] | map(length) | add')" 0
sleep 1
s2s_check "SAs: a fresh pair added under traffic" sas
s2s_check "SAs: traffic resumes" works
traffic_stop

# --- tunnel deleted under traffic ---------------------------------------------
esp_do "tunnel: traffic flows" traffic_start
s2s_check "tunnel: A's tunnel deleted under traffic" s2sctl -n "$a" tunnel del vpn0
s2s_check "tunnel: its interface is gone" no_s2s_links "$a"
sleep 1
s2s_check "tunnel: recreated" tunnel_a
s2s_check "tunnel: fresh SAs" sas
s2s_check "tunnel: traffic resumes" works
traffic_stop

# --- namespace deleted under traffic --------------------------------------
esp_do "netns: traffic flows" traffic_start
old_b=$b
s2s_check "netns: B's namespace deleted under traffic" ip netns del "$b"
# The namespace dies asynchronously; A's end of the veth dies with it.
s2s_check "netns: B is destroyed" s2s_wait 30 s2s_fails ip -n "$a" link show ul
s2s_check "netns: A keeps its tunnel" ip -n "$a" link show vpn0
s2s_check "netns: no s2svpn interface moved to the initial namespace" no_s2s_links ""
traffic_stop
esp_do "netns: B rebuilt" gateway_b
s2s_check "netns: B's tunnel" tunnel_b
s2s_check "netns: fresh SAs" sas
s2s_check "netns: traffic resumes" works
s2s_check_fail "netns: the old namespace is gone" ip netns exec "$old_b" true

# --- module unloaded under traffic ------------------------------------------
esp_do "rmmod: traffic flows" traffic_start
s2s_check "rmmod: s2svpn unloaded under traffic" timeout 60 rmmod s2svpn
s2s_check "rmmod: not in lsmod" sh -c '! lsmod | grep -qw s2svpn'
s2s_check "rmmod: no s2svpn interface left" no_s2s_links "$a" "$b" ""
traffic_stop
s2s_check "rmmod: loaded again" s2s_load_module
s2s_check "rmmod: tunnels again" tunnels
s2s_check "rmmod: SAs again" sas
s2s_check "rmmod: traffic flows again" works

# --- and a quiet unload at the end ----------------------------------------
s2s_check "end: tunnels deleted" sh -c "
	'$S2SCTL' -n '$a' tunnel del vpn0 && '$S2SCTL' -n '$b' tunnel del vpn0"
s2s_check "end: no s2svpn interface left" no_s2s_links "$a" "$b" "$ha" "$hb" ""
s2s_check "end: rmmod" rmmod s2svpn
s2s_check "end: not in lsmod" sh -c '! lsmod | grep -qw s2svpn'
esp_check_dmesg "no kernel warning"

s2s_exit
