#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A namespace with an s2svpn tunnel deleted while ESP for it keeps
# arriving.  s2svpn's per-namespace state goes before the namespace's
# other devices do, and its underlay still receives meanwhile: a receiver
# must not look into the inbound SPI table while the table is destroyed.
# Ten times: sites A and B with a tunnel each over a veth, a UDP flood
# from A through the tunnel to B, B's namespace deleted under it; then A's
# namespace too.  No kernel warning or oops.  Before, the receive path
# could walk the freed table: a general protection fault in
# s2s_sa_lookup_in, seen once when esp_lifecycle_traffic.sh deleted a
# site's namespace under traffic.  On the release kernels such a read of
# freed memory mostly goes unnoticed (this test passed twice with the old
# module); on the debug kernel (KASAN, make check-debug) it is reported.

# shellcheck disable=SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin
find_udpseq || s2s_skip "cannot build selftests/tools/udpseq.c (no cc)"
ROUNDS=10

# one round: the sites, the flood, B's namespace deleted under it
round() {
	local flood
	esp_par_sites_setup || return 1
	s2s_wait 10 esp_ping "$a" $ESP_LAN4_B 1 || return 1
	ip netns exec "$a" "$UDPSEQ" send $ESP_LAN4_B 7001 50000 10 >/dev/null 2>&1 &
	flood=$!
	sleep 0.5
	ip netns del "$b" || return 1
	# the namespace is dismantled later, by a work item: flood on meanwhile
	sleep 3
	kill $flood 2>/dev/null
	wait $flood 2>/dev/null
	ip netns del "$a"
}

for ((i = 1; i <= ROUNDS; i++)); do
	round || break
done
s2s_check_eq "$ROUNDS namespaces deleted under ESP" "$((i - 1))" $ROUNDS
# namespace cleanup runs in a work item: let the last one finish
sleep 2
esp_check_dmesg "no kernel warning or oops"
s2s_exit
