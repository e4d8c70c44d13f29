#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make demo", run inside the test VM: an on-premises customer gateway
# (namespace site-a) connected to a cloud VPN gateway (site-b) by one VPN
# connection of two s2svpn tunnels, as in the reference architecture.
# Traffic between the on-premises LAN and the cloud network crosses tunnel 1;
# when tunnel 1 goes down, tunnel 2 carries it.  Counters show where every
# packet went.  Then the seed scenario (seed_lib.sh): a policy-based gateway
# keeps on-premises segments and dev/test/prod VPCs apart over one SA pair.

. "$(dirname "$0")/lib.sh"
set -e

# say TEXT: a heading; run CMD...: shows a command, then runs it
say() { printf '\n== %s\n' "$*"; }
run() { echo "\$ $*"; "$@"; }

s2s_require_cmd ping iperf3 nft
s2s_require_s2sctl
s2s_require_module
echo "s2svpn demo on Linux $(uname -r), module $S2S_KO"
run s2sctl version

say "Two sites and the internet between them"
for site in site-a site-b; do
	run ip netns add $site
	s2s_defer s2s_del_ns $site
done
run s2s_veth site-a wan0 site-b wan0
# two outer address pairs: one per tunnel of the VPN connection
run ip -n site-a addr add 192.0.2.1/24 dev wan0
run ip -n site-a addr add 192.0.2.11/24 dev wan0
run ip -n site-b addr add 192.0.2.2/24 dev wan0
run ip -n site-b addr add 192.0.2.12/24 dev wan0
# the networks behind each gateway
run ip -n site-a link add lan0 type dummy
run ip -n site-a addr add 10.1.0.1/24 dev lan0
run ip -n site-a link set lan0 up
run ip -n site-b link add vpc0 type dummy
run ip -n site-b addr add 10.2.0.1/24 dev vpc0
run ip -n site-b link set vpc0 up

say "Tunnel 1: AES-GCM-128, tunnel 2: AES-256-CBC with HMAC-SHA-256"
K_GCM_AB=0x4a506a794f574265564551694d6537681a2b1a2b
K_GCM_BA=0x0102030405060708090a0b0c0d0e0f1011121314
K_AES_AB=0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
K_AES_BA=0x1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100
K_SHA_AB=0xa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf
K_SHA_BA=0xc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf
gcm="aead rfc4106(gcm(aes))"
run s2sctl -n site-a tunnel add tun1 local 192.0.2.1 remote 192.0.2.2
run s2sctl -n site-a sa add tun1 dir out spi 0x1001 $gcm $K_GCM_AB 128
run s2sctl -n site-a sa add tun1 dir in spi 0x2001 $gcm $K_GCM_BA 128
run s2sctl -n site-b tunnel add tun1 local 192.0.2.2 remote 192.0.2.1
run s2sctl -n site-b sa add tun1 dir out spi 0x2001 $gcm $K_GCM_BA 128
run s2sctl -n site-b sa add tun1 dir in spi 0x1001 $gcm $K_GCM_AB 128
run s2sctl -n site-a tunnel add tun2 local 192.0.2.11 remote 192.0.2.12
run s2sctl -n site-a sa add tun2 dir out spi 0x1002 enc 'cbc(aes)' $K_AES_AB auth 'hmac(sha256)' $K_SHA_AB
run s2sctl -n site-a sa add tun2 dir in spi 0x2002 enc 'cbc(aes)' $K_AES_BA auth 'hmac(sha256)' $K_SHA_BA
run s2sctl -n site-b tunnel add tun2 local 192.0.2.12 remote 192.0.2.11
run s2sctl -n site-b sa add tun2 dir out spi 0x2002 enc 'cbc(aes)' $K_AES_BA auth 'hmac(sha256)' $K_SHA_BA
run s2sctl -n site-b sa add tun2 dir in spi 0x1002 enc 'cbc(aes)' $K_AES_AB auth 'hmac(sha256)' $K_SHA_AB

say "Routes: tunnel 1 preferred, tunnel 2 as backup"
for t in tun1 tun2; do
	run ip -n site-a link set $t up
	run ip -n site-b link set $t up
done
run ip -n site-a route add 10.2.0.0/24 dev tun1 src 10.1.0.1 metric 100
run ip -n site-a route add 10.2.0.0/24 dev tun2 src 10.1.0.1 metric 200
run ip -n site-b route add 10.1.0.0/24 dev tun1 src 10.2.0.1 metric 100
run ip -n site-b route add 10.1.0.0/24 dev tun2 src 10.2.0.1 metric 200

say "On-premises to cloud, through tunnel 1"
run ip netns exec site-a ping -c 3 -i 0.3 10.2.0.1
ip netns exec site-b iperf3 -s -1 -D
sleep 1
run ip netns exec site-a iperf3 -c 10.2.0.1 -t 2
run s2sctl -n site-a tunnel show tun1

say "Tunnel 1 goes down: tunnel 2 takes over"
run ip -n site-a link set tun1 down
run ip -n site-b link set tun1 down
run ip netns exec site-a ping -c 3 -i 0.3 10.2.0.1
run s2sctl -n site-a tunnel show tun2
echo "\$ s2sctl -j -n site-b tunnel show | jq '.[] | {name, state, stats}'"
s2sctl -j -n site-b tunnel show | jq -c '.[] | {name, state, rx: .stats.rx_packets, tx: .stats.tx_packets}'

say "A packet with a forged ICV never gets through: a wrong key on site B"
run s2sctl -n site-b sa del tun2 dir in spi 0x1002
run s2sctl -n site-b sa add tun2 dir in spi 0x1002 enc 'cbc(aes)' $K_AES_AB auth 'hmac(sha256)' $K_SHA_BA
echo "\$ ip netns exec site-a ping -c 2 -W 1 10.2.0.1"
ip netns exec site-a ping -c 2 -W 1 10.2.0.1 || true
run s2sctl -n site-b sa show tun2

say "Cleaning up"
run s2sctl -n site-a tunnel del tun1
run s2sctl -n site-a tunnel del tun2

# --- the seed scenario: segments behind a policy-based gateway -----------
. "$(dirname "$0")/esp_lib.sh"
. "$(dirname "$0")/seed_lib.sh"

# demo_flow FAMILY FROM TO: one echo request, and what became of it.
demo_flow() {
	local src dst verdict=blocked
	src=$(seed_addr "$2" "$1")
	dst=$(seed_addr "$3" "$1")
	ip netns exec "$(seed_ns "$2")" ping -q -n -c 1 -W 1 -I "$src" "$dst" \
		>/dev/null 2>&1 && verdict=reachable
	printf '  %-8s %-14s -> %-8s %-14s %s\n' "$2" "$src" "$3" "$dst" "$verdict"
}

say "Segments: on-premises infra/dev/prod services, dev/test/prod VPCs in the cloud"
echo "on-premises (infra 10.10/16, dev services 10.20/16, prod services 10.30/16, lab 10.40/16)"
echo "  -- customer gateway (s2svpn, mode policy) -- cloud endpoint (native xfrm,"
echo "  ONE SA pair, 10.0.0.0/8 <-> 192.168.0.0/16, fd00::/16 <-> fd01::/16)"
echo "  -- VPCs dev 192.168.1/24, test 192.168.2/24, prod 192.168.3/24, other 192.168.9/24"
seed_setup policy >/dev/null
echo "\$ s2sctl -n gw -b - <<EOF   (the gateway's segments and selectors)"
seed_selector_lines | head -17
echo "  ... and the same for IPv6 ..."
echo "EOF"

say "Allowed: dev -> infra, dev services; test -> infra; prod -> infra, prod services"
for fl in $SEED_ALLOWED; do
	demo_flow 4 "${fl%%:*}" "${fl##*:}"
done
demo_flow 6 dev infra
demo_flow 6 prod prodsvc

say "Forbidden: dropped at the gateway, counted per segment"
for fl in $SEED_FORBIDDEN $SEED_MISMATCH; do
	demo_flow 4 "${fl%%:*}" "${fl##*:}"
done

say "Per-segment counters (in = decrypted, out = encrypted) and drop reasons"
run s2sctl -n "$gw" segment show
echo "\$ s2sctl -n gw tunnel show vpn0 | (counters)"
s2sctl -n "$gw" tunnel show vpn0 | sed -n '1,/^  sa /p' | sed '$d'
echo "\$ nft list chain inet seed decrypted (decrypted packets per segment mark, on the gateway)"
seed_nft_counters
echo
echo "\$ s2sctl -n gw selector show vpn0   (the IPv4 ones: effective order, match counters)"
s2sctl -n "$gw" selector show vpn0 | awk '
	/^selector/ { blk = $0; next }
	{ blk = blk "\n" $0 }
	/matches:/ && blk ~ /match: +[0-9]+\./ { print blk }'
say "Done"
