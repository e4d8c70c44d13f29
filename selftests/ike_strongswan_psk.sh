#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# strongSwan drives s2svpn unchanged.  Site A, the customer gateway, runs
# charon and an s2svpn tunnel with "if-id 42"; site B, the cloud VPN
# endpoint, runs charon and a native XFRM interface with if_id 42.  Both
# offer AWS's proposals (AES-256-GCM-16 or AES-128/SHA2-256, DH 14 or 20,
# IKEv2, DPD), authenticate with a PSK and negotiate a route-based CHILD_SA
# with 0.0.0.0/0 selectors.  Then:
#  - A's vpn0 holds the SA pair charon installed through XFRM;
#  - ping and iperf3 cross both ways, s2svpn's counters rise;
#  - A's xfrm states count exactly what s2svpn fed back, and swanctl
#    --list-sas reports those bytes;
#  - the underlay carries nothing but ESP and IKE (UDP 500/4500).

# shellcheck disable=SC2016,SC2317,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"
. "$(dirname "$0")/ike_lib.sh"

ike_require
s2s_require_s2sctl
s2s_require_module
esp_dmesg_mark

esp_do "two sites, s2svpn on A, XFRM interface on B, two charons" \
	ike_setup "start_action = none" "start_action = none" || { ike_logs; s2s_exit; }
esp_do "iperf3 server on site B" esp_iperf_server "$b" || s2s_exit

# the underlay, while the tunnel comes up and carries traffic
cap=$IKE_TMP/ul.pcap
ip netns exec "$b" tcpdump -n -i ul -U -w "$cap" >/dev/null 2>&1 &
cap_pid=$!
s2s_defer ike_kill $cap_pid
s2s_wait 10 test -s "$cap"

s2s_check "A initiates: IKE_SA and CHILD_SA up" ike_initiate || { ike_logs; s2s_exit; }
s2s_wait 10 ike_has_sas
s2s_result $? "A's vpn0 holds the SA pair charon installed" "$(ike_sa_count "$a"; ike_logs)"

before=$(esp_json "$a")
s2s_check "ping A -> B" esp_ping "$a" $ESP_LAN4_B 3
esp_check_iperf "iperf3 A -> B" "$a" $ESP_LAN4_B -n 256K
esp_check_iperf "iperf3 B -> A" "$a" $ESP_LAN4_B -n 256K -R
after=$(esp_json "$a")
esp_check_grew "s2svpn sent the traffic" "$(esp_json_stat "$before" tx_packets)" \
	"$(esp_json_stat "$after" tx_packets)" 50
esp_check_grew "s2svpn received the traffic" "$(esp_json_stat "$before" rx_packets)" \
	"$(esp_json_stat "$after" rx_packets)" 50

# what was fed back: xfrm's counters of A's states = s2svpn's SA counters
sleep 1
s2s_sas=$(s2sctl -j -n "$a" sa show vpn0 | jq -r '.[] |
	if .dir == "out" then "out \(.spi) \(.stats.tx_bytes) \(.stats.tx_packets)"
	else "in \(.spi) \(.stats.rx_bytes) \(.stats.rx_packets)" end' | sort)
xfrm_sas=$(ip -n "$a" -s xfrm state list |
	awk -v local=$ESP_OUT4_A '
	/^src / { dir = ($2 == local) ? "out" : "in" }
	/proto esp spi/ { spi = $4 }
	/lifetime current:/ { getline; gsub(/\(bytes\),|\(packets\)/, "");
			      print dir, spi, $1, $2 }' |
	while read -r d s n p; do s=${s%%(*}; echo "$d $((s)) $n $p"; done | sort)
s2s_check_eq "A's xfrm states count what s2svpn carried" "$xfrm_sas" "$s2s_sas"
swan=$(ike_swanctl a --list-sas --raw 2>/dev/null |
	grep -o 'bytes-\(in\|out\)=[0-9]*' | sort | tr '\n' ' ')
s2s_check_eq "swanctl --list-sas shows s2svpn's byte counts" "$swan" \
	"$(awk '{ printf "bytes-%s=%s ", $1, $3 }' <<<"$s2s_sas")"
s2s_log "A's SAs (dir spi bytes packets): $(tr '\n' ';' <<<"$s2s_sas")"
s2s_log "A's tunnel: $(esp_stats_line "$(esp_json "$a")")"

kill $cap_pid 2>/dev/null
wait $cap_pid 2>/dev/null
esp_n=$(tcpdump -n -r "$cap" esp 2>/dev/null | wc -l)
other=$(tcpdump -n -r "$cap" 'ip and not esp and not (udp port 500 or udp port 4500)' 2>/dev/null)
esp_check_ge "the underlay carried ESP" "$esp_n" 100
s2s_check_eq "and nothing but ESP and IKE" "$other" ""
s2s_check_eq "no xfrm error counter moved on A" \
	"$(ip netns exec "$a" awk '$2 != 0' /proc/net/xfrm_stat)" ""

esp_check_dmesg "no kernel warning"
s2s_exit
