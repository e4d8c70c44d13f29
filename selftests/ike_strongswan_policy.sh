#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A policy-based CHILD_SA under IKE: one CHILD_SA with several subnet pairs
# (local_ts 10.1.0.0/24,10.3.0.0/24, remote_ts 10.2.0.0/24,10.4.0.0/24).
# Site A, the customer gateway, runs charon and a policy-mode s2svpn tunnel
# with "if-id 42" and no selector of its own; site B, the cloud, runs
# charon and a native XFRM interface.  strongSwan's configuration is the
# usual one plus if_id.  Then:
#  - the xfrm policies charon installs with if_id 42 appear as selectors of
#    origin "ike" on vpn0 (4 subnet pairs: 4 out, 4 in; the in and fwd
#    policies make one selector each), which the user cannot delete;
#  - traffic between the pairs crosses s2svpn (its counters rise, A's xfrm
#    states count only what s2svpn fed back, the underlay carries ESP);
#  - traffic outside the selectors (10.5.0.0/24 <-> 10.6.0.0/24) is not
#    protected: it goes in clear (policy mode: no selector, no capture);
#  - swanctl --terminate removes the mirrored selectors, a new initiate
#    brings them and the traffic back.

# shellcheck disable=SC2016,SC2317,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"
. "$(dirname "$0")/ike_lib.sh"

ike_require
s2s_require_s2sctl
s2s_require_module
esp_dmesg_mark

NETS_A=10.1.0.0/24,10.3.0.0/24
NETS_B=10.2.0.0/24,10.4.0.0/24

# the two sites: A's policy tunnel with no selector and no route into it;
# A reaches B's networks (and 10.6.0.0/24, outside the CHILD_SA) through
# the underlay; B routes A's CHILD_SA networks into its XFRM interface
pol_setup() {
	ike_sites || return 1
	IKE_LOCAL_TS=$NETS_A IKE_REMOTE_TS=$NETS_B \
		ike_conf a $ESP_OUT4_A $ESP_OUT4_B "start_action = none" &&
	IKE_LOCAL_TS=$NETS_B IKE_REMOTE_TS=$NETS_A \
		ike_conf b $ESP_OUT4_B $ESP_OUT4_A "start_action = none" || return 1
	s2sctl -n "$a" tunnel add vpn0 local $ESP_OUT4_A remote $ESP_OUT4_B \
		mode policy if-id $IKE_IFID || return 1
	ip -n "$a" -batch - <<-EOF || return 1
	link set vpn0 up
	addr add 10.3.0.1/24 dev lan
	addr add 10.5.0.1/24 dev lan
	route add 10.2.0.0/24 via $ESP_OUT4_B src 10.1.0.1
	route add 10.4.0.0/24 via $ESP_OUT4_B src 10.3.0.1
	route add 10.6.0.0/24 via $ESP_OUT4_B src 10.5.0.1
	EOF
	ip -n "$b" -batch - <<-EOF || return 1
	addr add 10.4.0.1/24 dev lan
	addr add 10.6.0.1/24 dev lan
	link add xfrm0 type xfrm dev ul if_id $IKE_IFID
	link set xfrm0 up
	route add 10.1.0.0/24 dev xfrm0 src 10.2.0.1
	route add 10.3.0.0/24 dev xfrm0 src 10.4.0.1
	route add 10.5.0.0/24 via $ESP_OUT4_A src 10.6.0.1
	EOF
	ike_start a "$a" && ike_start b "$b"
}

# pol_sels: vpn0's selectors of origin ike as sorted "DIR SRC DST ACTION"
# lines
pol_sels() {
	s2sctl -j -n "$a" selector show vpn0 2>/dev/null |
		jq -r '.[] | select(.origin == "ike") |
			"\(.dir) \(.src) \(.dst) \(.action)"' | sort
}

# the cross product of the CHILD_SA's traffic selectors
want_sels=$(for s in ${NETS_A//,/ }; do for d in ${NETS_B//,/ }; do
	echo "out $s $d protect"; echo "in $d $s protect"; done; done | sort)

pol_sels_are() { [ "$(pol_sels)" = "$1" ]; }

esp_do "two sites, policy-mode s2svpn on A, XFRM interface on B, two charons" \
	pol_setup || { ike_logs; s2s_exit; }
esp_do "iperf3 server on site B" esp_iperf_server "$b" || s2s_exit

cap=$IKE_TMP/ul.pcap
ip netns exec "$b" tcpdump -n -i ul -U -w "$cap" >/dev/null 2>&1 &
cap_pid=$!
s2s_defer ike_kill $cap_pid
s2s_wait 10 test -s "$cap"

s2s_check "A initiates one CHILD_SA with 2 x 2 subnet pairs" ike_initiate ||
	{ ike_logs; s2s_exit; }
s2s_wait 10 ike_has_sas
s2s_result $? "A's vpn0 holds the SA pair charon installed" "$(ike_sa_count "$a"; ike_logs)"
s2s_wait 10 pol_sels_are "$want_sels"
s2s_result $? "charon's policies are vpn0's selectors, origin ike" \
	"got:"$'\n'"$(pol_sels)"$'\n'"wanted:"$'\n'"$want_sels"$'\n'"$(ip -n "$a" xfrm policy)"
s2s_log "$(s2sctl -n "$a" selector show vpn0 | grep -E 'selector|match|action' | head -8)"
id=$(s2sctl -j -n "$a" selector show vpn0 | jq -r '[.[] | select(.origin == "ike")][0].id')
s2s_check_fail "a mirrored selector cannot be deleted by hand" \
	s2sctl -n "$a" selector del vpn0 id "$id"
s2s_check_eq "nothing refused" \
	"$(s2sctl -j -n "$a" tunnel show vpn0 | jq -r '.[0].ike_sel_refused')" 0

before=$(esp_json "$a")
s2s_check "ping 10.1.0.1 -> 10.2.0.1" esp_ping "$a" 10.2.0.1 3
s2s_check "ping 10.3.0.1 -> 10.4.0.1" esp_ping "$a" 10.4.0.1 3
s2s_check "ping 10.1.0.1 -> 10.4.0.1 (a crossed pair)" esp_ping "$a" 10.4.0.1 3 -I 10.1.0.1
esp_check_iperf "iperf3 10.1.0.1 -> 10.2.0.1" "$a" 10.2.0.1 -n 256K
esp_check_iperf "iperf3 10.2.0.1 -> 10.1.0.1" "$a" 10.2.0.1 -n 256K -R
after=$(esp_json "$a")
esp_check_grew "s2svpn sent the traffic" "$(esp_json_stat "$before" tx_packets)" \
	"$(esp_json_stat "$after" tx_packets)" 50
esp_check_grew "s2svpn received the traffic" "$(esp_json_stat "$before" rx_packets)" \
	"$(esp_json_stat "$after" rx_packets)" 50

# outside the selectors: left to the stack, in clear
tx0=$(esp_json_stat "$after" tx_packets)
s2s_check "ping 10.5.0.1 -> 10.6.0.1 (no selector) answered" esp_ping "$a" 10.6.0.1 3
esp_check_same "and not carried by s2svpn" "$tx0" "$(esp_fast_stat "$a" tx_packets)"

# what was fed back: xfrm's counters of A's states = s2svpn's SA counters
s2s_sas=$(ike_s2s_sa_counts "$a")
s2s_wait 5 test "$(ike_xfrm_sa_counts "$a" $ESP_OUT4_A)" = "$s2s_sas"
s2s_check_eq "A's xfrm states count what s2svpn carried" \
	"$(ike_xfrm_sa_counts "$a" $ESP_OUT4_A)" "$s2s_sas"

kill $cap_pid 2>/dev/null
wait $cap_pid 2>/dev/null
esp_n=$(tcpdump -n -r "$cap" esp 2>/dev/null | wc -l)
clear_n=$(tcpdump -n -r "$cap" 'icmp and host 10.6.0.1' 2>/dev/null | wc -l)
other=$(tcpdump -n -r "$cap" 'ip and not esp and not (udp port 500 or udp port 4500) and not (icmp and host 10.6.0.1)' 2>/dev/null)
esp_check_ge "the underlay carried ESP" "$esp_n" 100
esp_check_ge "and 10.5.0.1 <-> 10.6.0.1 in clear" "$clear_n" 6
s2s_check_eq "and nothing else" "$other" ""

s2s_check "swanctl --terminate" ike_swanctl a --terminate --child net --timeout 30
s2s_wait 10 pol_sels_are ""
s2s_result $? "the mirrored selectors went with the CHILD_SA" "$(pol_sels)"
s2s_check_eq "and only those" \
	"$(s2sctl -j -n "$a" selector show vpn0 | jq length)" 0

s2s_check "A initiates again" ike_initiate || { ike_logs; s2s_exit; }
s2s_wait 10 pol_sels_are "$want_sels"
s2s_result $? "the selectors are back" "$(pol_sels)"
s2s_wait 10 ike_has_sas
tx0=$(esp_fast_stat "$a" tx_packets)
s2s_check "ping 10.3.0.1 -> 10.4.0.1 again" esp_ping "$a" 10.4.0.1 3
esp_check_grew "through s2svpn" "$tx0" "$(esp_fast_stat "$a" tx_packets)" 3

s2s_check_eq "no xfrm error counter moved on A" \
	"$(ip netns exec "$a" awk '$2 != 0' /proc/net/xfrm_stat)" ""
esp_check_dmesg "no kernel warning"
s2s_exit
