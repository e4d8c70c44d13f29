#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The parallel crypto path (module parameter "parallel"): packets of a tunnel
# are encrypted and decrypted on every CPU, yet leave in order.  A ping
# flood from one process must put its ESP packets on the wire with strictly
# increasing sequence numbers, also while the parameter is switched off and
# on under the flood (every job joins the queue, whatever the mode), and
# under a UDP blast (what the queue cannot take is dropped and counted as
# queue_full, never sent out of order); TCP both ways must flow without a
# replay or crypto drop; deleting the tunnel and unloading the module
# while traffic is queued must leave nothing behind and no warning.

# shellcheck disable=SC2016
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq ping iperf3 tcpdump python3
[ "$(nproc)" -ge 2 ] || s2s_skip "the parallel path needs 2 CPUs, this VM has $(nproc)"

param=/sys/module/s2svpn/parameters/parallel
s2s_check "parallel crypto switched on" sh -c "echo 1 > $param"

esp_do "two sites over a veth" esp_two_sites || s2s_exit
s2s_check "s2svpn tunnels over IPv4" esp_s2s_tunnels 4 || s2s_exit
s2s_check "AES-GCM-128 SAs" esp_s2s_sas gcm128-128 || s2s_exit

# in_order TAG [TOGGLE]: a ping flood's ESP packets, captured on A's
# underlay, carry strictly increasing sequence numbers; TOGGLE=1 switches
# the parallel parameter off and on during the flood.
in_order() {
	local tag=$1 toggle=${2:-0} cap tcpd seqs n inorder i pf
	cap=$(mktemp /tmp/esp-par.XXXXXX)
	timeout 40 ip netns exec "$a" tcpdump -l -n -i ul "esp and src $ESP_OUT4_A" >"$cap" 2>/dev/null &
	tcpd=$!
	sleep 1
	ip netns exec "$a" ping -q -n -f -c 600 -s 1000 -I $ESP_LAN4_A $ESP_LAN4_B >/dev/null 2>&1 &
	pf=$!
	if [ "$toggle" = 1 ]; then
		for ((i = 0; i < 20; i++)); do
			echo 0 >$param
			sleep 0.05
			echo 1 >$param
			sleep 0.05
		done
	fi
	wait $pf
	echo 1 >$param
	sleep 1
	kill "$tcpd" 2>/dev/null
	wait "$tcpd" 2>/dev/null
	seqs=$(esp_cap_seqs "$cap")
	rm -f "$cap"
	n=$(wc -w <<<"$seqs")
	# of the 600, a loaded host's tcpdump may miss some: order is the point
	esp_check_ge "$tag: the flood's ESP packets were captured" "$n" 300
	# shellcheck disable=SC2086  # one word per number
	esp_in_order $seqs >/dev/null && inorder=1 || inorder=0
	s2s_check_eq "$tag: they left in sequence-number order" "$inorder" 1
}
in_order "parallel"
in_order "parallel switched off and on under the flood" 1

# A UDP blast from one process: whether the tunnel's queue fills up depends
# on how the scheduler places the sender, the workers and the drain (a
# sender whose worker is behind encrypts inline and so slows itself down).
# Either way every datagram the socket sent is encrypted or dropped and
# counted (queue_full when the queue was full), and nothing overtakes the
# jobs already queued: the wire sees strictly increasing sequence numbers.
blast_in_order() {
	local cap tcpd seqs n inorder full0 full1 j0 j1 sent out
	cap=$(mktemp /tmp/esp-par.XXXXXX)
	j0=$(esp_json "$a")
	full0=$(esp_json_stat "$j0" queue_full)
	timeout 60 ip netns exec "$a" tcpdump -l -n -i ul "esp and src $ESP_OUT4_A" >"$cap" 2>/dev/null &
	tcpd=$!
	sleep 1
	sent=$(ip netns exec "$a" python3 - $ESP_LAN4_B <<-'PY'
	import socket, sys, time
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	# SO_SNDBUFFORCE: room for thousands of datagrams in flight, so that
	# the socket never waits for the tunnel
	s.setsockopt(socket.SOL_SOCKET, 32, 64 << 20)
	sent = 0
	end = time.time() + 4
	while time.time() < end:
	    for _ in range(200):
	        try:
	            s.sendto(b"x" * 1000, (sys.argv[1], 9))
	            sent += 1
	        except OSError:
	            pass
	print(sent)
	PY
	)
	sleep 2
	kill "$tcpd" 2>/dev/null
	wait "$tcpd" 2>/dev/null
	j1=$(esp_json "$a")
	full1=$(esp_json_stat "$j1" queue_full)
	# what left the tunnel: encrypted, or dropped under any reason
	out=$(esp_jq "$j0" "$j1" -- '($j1[0].stats.tx_packets - $j0[0].stats.tx_packets) +
		(([$j1[0].stats.drops[]] | add) - ([$j0[0].stats.drops[]] | add))')
	seqs=$(esp_cap_seqs "$cap")
	rm -f "$cap"
	n=$(wc -w <<<"$seqs")
	s2s_log "blast: $sent datagrams sent, $n ESP packets captured on the wire, queue_full $full0 -> $full1"
	# the debug kernel's sender is slower than its crypto workers (every
	# sendto pays KASAN and lockdep): no flood, only the order is checked
	if s2s_debug_kernel; then
		s2s_skip_check "blast: ESP packets were captured" "one process cannot flood on the debug kernel ($n packets)"
	else
		esp_check_ge "blast: ESP packets were captured" "$n" 500
	fi
	# shellcheck disable=SC2086  # one word per number
	esp_in_order $seqs >/dev/null && inorder=1 || inorder=0
	s2s_check_eq "blast: they left in sequence-number order" "$inorder" 1
	s2s_check_eq "blast: every datagram was encrypted or counted as a drop (queue_full $((full1 - full0)))" \
		"$out" "$sent"
}
blast_in_order

s2s_check "iperf3 server in site B" esp_iperf_server "$b" $ESP_LAN4_B
esp_check_iperf "TCP A -> B" "$a" $ESP_LAN4_B -t 3
esp_check_iperf "TCP B -> A (reverse)" "$a" $ESP_LAN4_B -t 3 -R
ja=$(esp_json "$a")
jb=$(esp_json "$b")
s2s_log "A: $(esp_stats_line "$ja")"
s2s_log "B: $(esp_stats_line "$jb")"
for j in "$ja" "$jb"; do
	s2s_check_eq "no replay, auth or crypto drop" \
		"$(esp_jq "$j" -- 'tstat($j0; "drops.replay") + tstat($j0; "drops.auth") + tstat($j0; "drops.crypto")')" 0
done

# teardown while packets sit in the queues
esp_bg_start flood ip netns exec "$a" ping -q -n -f -w 6 -I $ESP_LAN4_A $ESP_LAN4_B
sleep 2
s2s_check "delete site B's tunnel under a flood" s2sctl -n "$b" tunnel del vpn0
sleep 1
s2s_check "delete site A's tunnel under a flood" s2sctl -n "$a" tunnel del vpn0
wait "${ESP_BG_PID[flood]}" 2>/dev/null
s2s_check "recreate both tunnels" esp_s2s_tunnels 4
s2s_check "and their SAs" esp_s2s_sas gcm128-128
esp_bg_start flood2 ip netns exec "$a" ping -q -n -f -w 8 -I $ESP_LAN4_A $ESP_LAN4_B
sleep 2
s2s_check "delete the namespaces under a flood" s2s_del_ns "$b"
s2s_check "unload the module with traffic queued" s2s_unload_module
wait "${ESP_BG_PID[flood2]}" 2>/dev/null
s2s_check "the module is gone" s2s_fails s2s_module_loaded
esp_check_dmesg "no kernel warning"
s2s_exit
