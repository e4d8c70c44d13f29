#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Native xfrm tunnels on the SAME outer address pair as an s2svpn tunnel.
# s2svpn demultiplexes inbound ESP by (destination, SPI) as xfrm does and
# passes every packet it does not own on down the ESP handler chain, so
# that vti, XFRM interfaces and policy-based xfrm get their own packets.
#
# Natively, a vti tunnel claims every ESP packet between its endpoints
# (it looks states up with its key as mark and drops what it does not
# find), so it cannot share a pair with an XFRM interface or plain policy
# SAs even without s2svpn.  An XFRM interface and policy SAs do share a
# pair (xfrmi hands states without an if_id back to the plain path).  So
# two rounds, on 192.0.2.1 <-> 192.0.2.2 where s2svpn's vpn0 runs
# (10.1/10.2, SPIs 0x1000/0x2000):
#   1. s2svpn beside a vti tunnel (key 7, marked states 0x5000/0x6000,
#      LANs 10.5/10.6);
#   2. s2svpn beside an XFRM interface (if_id 42, SPIs 0x7000/0x8000, LANs
#      10.3/10.4) and policy SAs (0x5000/0x6000, LANs 10.5/10.6).
# In each round every tunnel passes pings at the same time, the native
# states count their packets, xfrm's error counters stay zero, and s2svpn
# counts nothing but its own traffic.  Before the fix s2svpn dropped the
# vti's packets as no_sa (its xfrm_state_lookup() missed marked states).

# shellcheck disable=SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq ping

A=$ESP_OUT4_A
B=$ESP_OUT4_B
MARK=7
IFID=42

# xfrm_errors NS: the nonzero error counters of /proc/net/xfrm_stat.
xfrm_errors() {
	ip netns exec "$1" cat /proc/net/xfrm_stat | awk '$2 != 0 { print $1 "=" $2 }'
}

# state_packets NS SRC DST SPI: packets a native state has processed.
state_packets() {
	ip -n "$1" -s xfrm state get src "$2" dst "$3" proto esp spi "$4" $5 |
		sed -n '/lifetime current:/{n;s/.*(bytes), *\([0-9]*\)(packets).*/\1/p}'
}

# lan NS NAME ADDR: a dummy interface carrying ADDR/24.
lan() {
	esp_words link add "$2" type dummy
	esp_words link set "$2" up
	esp_words addr add "$3/24" dev "$2"
}

# vti_site NS LOCAL REMOTE LAN PEER_NET SPI_OUT SEED_OUT SPI_IN SEED_IN
vti_site() {
	local ns=$1 l=$2 r=$3
	{
		lan "$ns" lan2 "$4"
		esp_words link add vti0 type vti local "$l" remote "$r" key $MARK
		esp_words link set vti0 up
		esp_words route add "$5" dev vti0 src "$4"
		esp_xfrm_state_lines "$l" "$r" "$6" "$7" "$8" "$9" gcm128-128 0 mark $MARK
		esp_xfrm_policy_lines "$l" "$r" 0.0.0.0/0 0.0.0.0/0 mark $MARK
	} | ip -n "$ns" -batch - &&
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.vti0.disable_policy=1
}

# xfrmi_policy_site NS LOCAL REMOTE: an XFRM interface (LAN3 10.3/10.4)
# and policy SAs (LAN2 10.5/10.6) on the same pair.
xfrmi_policy_site() {
	local ns=$1 l=$2 r=$3 lan3 peer3 lan2 peer2 so si eo ei
	if [ "$ns" = "$a" ]; then
		lan3=10.3.0.1 peer3=10.4.0.0/24 lan2=10.5.0.1 peer2=10.6.0.0/24
		so=0x7000 si=0x8000 eo=7 ei=8
	else
		lan3=10.4.0.1 peer3=10.3.0.0/24 lan2=10.6.0.1 peer2=10.5.0.0/24
		so=0x8000 si=0x7000 eo=8 ei=7
	fi
	{
		lan "$ns" lan3 $lan3
		esp_words link add xfrm0 type xfrm dev ul if_id $IFID
		esp_words link set xfrm0 up
		esp_words route add $peer3 dev xfrm0 src $lan3
		esp_xfrm_state_lines "$l" "$r" $so $eo $si $ei gcm128-128 0 if_id $IFID
		esp_xfrm_policy_lines "$l" "$r" 0.0.0.0/0 0.0.0.0/0 if_id $IFID
		esp_words link add lan2 type dummy
		esp_words link set lan2 up
		esp_words addr add $lan2/24 dev lan2
		esp_words route add $peer2 via "$r" src $lan2
	} | ip -n "$ns" -batch - || return 1
	if [ "$ns" = "$a" ]; then
		{
			esp_xfrm_state_lines "$l" "$r" 0x5000 5 0x6000 6 gcm128-128 0 |
				sed "s/'reqid' '1'/'reqid' '2'/"
			esp_xfrm_policy_lines "$l" "$r" 10.5.0.0/24 10.6.0.0/24 |
				sed "s/'reqid' '1'/'reqid' '2'/"
		} | ip -n "$ns" -batch -
	else
		{
			esp_xfrm_state_lines "$l" "$r" 0x6000 6 0x5000 5 gcm128-128 0 |
				sed "s/'reqid' '1'/'reqid' '2'/"
			esp_xfrm_policy_lines "$l" "$r" 10.6.0.0/24 10.5.0.0/24 |
				sed "s/'reqid' '1'/'reqid' '2'/"
		} | ip -n "$ns" -batch -
	fi
}

native_flush() {
	local ns
	for ns in "$a" "$b"; do
		ip -n "$ns" -batch - <<-EOT || return 1
		xfrm policy flush
		xfrm state flush
		EOT
		ip -n "$ns" link del vti0 2>/dev/null
		ip -n "$ns" link del lan2 2>/dev/null
	done
	return 0
}

setup() {
	esp_two_sites &&
	esp_s2s_tunnels 4 &&
	esp_s2s_sas gcm128-128
}
esp_do "two sites with an s2svpn tunnel over IPv4" setup || s2s_exit
s2s_check "s2svpn alone: ping" esp_ping "$a" $ESP_LAN4_B 2

# round NAME PING_TARGET:STATE_SPI:EXTRA...: pings through s2svpn and every
# native tunnel at once, then the counters.
round() {
	local name=$1 t ja0 ja1 jb0 jb1 i spec dst spi extra
	local -a dsts spis extras before after
	shift
	i=0
	for spec in "$@"; do
		IFS=: read -r dst spi extra <<<"$spec"
		dsts[i]=$dst spis[i]=$spi extras[i]=$extra
		before[i]=$(state_packets "$b" $A $B "$spi" "$extra")
		i=$((i + 1))
	done
	ja0=$(esp_json "$a")
	jb0=$(esp_json "$b")
	# exactly 10 echo requests: esp_ping's deadline would send more when
	# replies are slow (a debug kernel), and the counts below are exact
	esp_bg_start s2s ping_exact "$a" $ESP_LAN4_B 10
	for ((i = 0; i < ${#dsts[@]}; i++)); do
		esp_bg_start "n$i" esp_ping "$a" "${dsts[i]}" 10
	done
	esp_bg_check s2s "$name: s2svpn ping at the same time"
	for ((i = 0; i < ${#dsts[@]}; i++)); do
		esp_bg_check "n$i" "$name: ping ${dsts[i]} through native SPI ${spis[i]}"
		after[i]=$(state_packets "$b" $A $B "${spis[i]}" "${extras[i]}")
		esp_check_grew "$name: B's native state ${spis[i]} counted packets" \
			"${before[i]:--1}" "${after[i]:--1}" 10
	done
	ja1=$(esp_json "$a")
	jb1=$(esp_json "$b")
	t=$(esp_jq "$ja0" "$ja1" "$jb0" "$jb1" -- '
		[tstat($j1; "rx_packets") - tstat($j0; "rx_packets"),
		 tstat($j3; "rx_packets") - tstat($j2; "rx_packets"),
		 ([$j1, $j3] | map(.[0].stats.drops | to_entries | map(.value) | add) | add) -
		 ([$j0, $j2] | map(.[0].stats.drops | to_entries | map(.value) | add) | add)]
		| map(tostring) | join(" ")')
	read -r arx brx drops <<<"$t"
	s2s_log "$name: s2svpn rx A $arx B $brx, new drops $drops"
	s2s_check_eq "$name: s2svpn received exactly its own pings (B)" "$brx" 10
	s2s_check_eq "$name: s2svpn received exactly its own replies (A)" "$arx" 10
	s2s_check_eq "$name: s2svpn dropped nothing" "$drops" 0
	for ns in "$a" "$b"; do
		s2s_check_eq "$name: no xfrm error counter in ${ns%%-*}" "$(xfrm_errors "$ns")" ""
	done
}

# ping_exact NS DST COUNT: exactly COUNT echo requests, all answered
ping_exact() {
	local out
	out=$(ip netns exec "$1" ping -q -n -c "$3" -i 0.2 -W 5 "$2" 2>&1)
	grep -q "^$3 packets transmitted, $3 received" <<<"$out" && return 0
	echo "$out"
	return 1
}

vti_sites() {
	vti_site "$a" $A $B 10.5.0.1 10.6.0.0/24 0x5000 5 0x6000 6 &&
	vti_site "$b" $B $A 10.6.0.1 10.5.0.0/24 0x6000 6 0x5000 5
}
esp_do "round 1: a vti tunnel (marked states) on the same pair" vti_sites &&
	round "s2svpn + vti" "10.6.0.1:0x5000:mark $MARK"

esp_do "native tunnels removed" native_flush
xfrmi_sites() {
	xfrmi_policy_site "$a" $A $B && xfrmi_policy_site "$b" $B $A
}
esp_do "round 2: an XFRM interface and policy SAs on the same pair" xfrmi_sites &&
	round "s2svpn + xfrmi + policy" "10.4.0.1:0x7000:" "10.6.0.1:0x5000:"

esp_check_dmesg "no kernel warning"
s2s_exit
