#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make demo-ike", run inside the test VM: a customer gateway (site A)
# and a cloud VPN endpoint (site B) negotiate with strongSwan, IKEv2 with a
# pre-shared key and AWS's proposals.  Site B is strongSwan with a native
# XFRM interface, as a cloud endpoint would be; site A is strongSwan whose
# CHILD_SA carries an interface ID, and the s2svpn tunnel bound to that
# if-id carries the traffic.  A rekey shows in "s2sctl monitor".

# shellcheck disable=SC2154,SC2086
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"
. "$(dirname "$0")/ike_lib.sh"

say() { printf '\n== %s\n' "$*"; }
run() { echo "\$ $*"; "$@"; }
# asite ARGS...: swanctl on site A, shown as the user would type it
aswan() { echo "\$ swanctl $*"; ike_swanctl a "$@"; }

ike_require
s2s_require_s2sctl
s2s_require_module
echo "s2svpn IKE demo on Linux $(uname -r), module $S2S_KO"
echo "strongSwan: $($IKE_CHARON --version 2>/dev/null | head -1 || echo charon)"

say "Two sites; both run charon with the same swanctl.conf shape"
ike_setup "start_action = none" "" >"/tmp/demo_ike_setup.log" 2>&1 ||
	{ cat /tmp/demo_ike_setup.log; ike_logs; exit 1; }
echo "site A (customer gateway), the CHILD_SA of $(ike_dir a)/swanctl/swanctl.conf:"
sed -n '/children {/,/^[[:space:]]*}$/p' "$(ike_dir a)/swanctl/swanctl.conf" |
	sed 's/^\t*/    /'
echo "site B (cloud): the same, with a native XFRM interface:"
echo "\$ ip link add xfrm0 type xfrm dev ul if_id $IKE_IFID"
echo "site A: an s2svpn tunnel takes the SAs of interface ID $IKE_IFID:"
echo "\$ s2sctl tunnel add vpn0 local $ESP_OUT4_A remote $ESP_OUT4_B if-id $IKE_IFID"
run s2sctl -n "$a" tunnel show vpn0

say "Watching s2svpn's events on site A"
echo "\$ s2sctl monitor &"
s2sctl -n "$a" monitor >"$IKE_TMP/monitor" 2>&1 &
s2s_defer ike_kill $!

say "Site A initiates: IKE_SA and CHILD_SA"
aswan --initiate --child net --timeout 30 | grep -E 'established|CHILD_SA' || true
s2s_wait 10 ike_has_sas || { ike_logs; exit 1; }
aswan --list-sas
run s2sctl -n "$a" sa show vpn0

say "Traffic between the sites: encrypted and decrypted by s2svpn"
run ip netns exec "$a" ping -c 3 -i 0.3 -I $ESP_LAN4_A $ESP_LAN4_B
ip netns exec "$b" iperf3 -s -1 -D
sleep 1
run ip netns exec "$a" iperf3 -c $ESP_LAN4_B -t 2
run s2sctl -n "$a" tunnel show vpn0
echo "(the xfrm states count what s2svpn fed back; xfrm itself carried nothing)"
run ip -n "$a" -s xfrm state list

say "A rekey: strongSwan installs a new SA pair, s2svpn switches without loss"
aswan --rekey --child net
s2s_wait 20 grep -q '^sa-rekey' "$IKE_TMP/monitor"
echo "\$ s2sctl monitor   (what it printed)"
cat "$IKE_TMP/monitor"
run ip netns exec "$a" ping -c 3 -i 0.3 -I $ESP_LAN4_A $ESP_LAN4_B
aswan --list-sas
run s2sctl -n "$a" sa show vpn0

say "Done"
