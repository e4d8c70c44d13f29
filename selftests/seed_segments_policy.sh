#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The seed scenario with a policy-based customer gateway (seed_lib.sh): no
# route points into the tunnel; the netfilter hook of policy tunnels
# captures what the outbound selectors protect, wherever routing sends it,
# and the single SA pair carries every subnet pair to a native xfrm cloud
# endpoint.  IPv4 and IPv6 inside: allowed flows answered, forbidden flows
# dropped and counted per segment (policy_discard), an unknown VPC counted
# as selector_mismatch, an unselected on-premises host left alone,
# decrypted packets marked with their segment (nftables counters); the
# gateway's own traffic captured as well.
# A second tunnel on the same outer addresses needs another mark.  Finally,
# deleting the tunnel unregisters the hook: nothing is captured any more.

# shellcheck disable=SC2154,SC2317
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"
. "$(dirname "$0")/seed_lib.sh"

esp_begin jq ping nft

esp_do "seed topology, native cloud endpoint, policy-based gateway" seed_setup policy ||
	s2s_exit
seed_traffic 4
seed_traffic 6
seed_check_counters 2 policy

# The gateway's own traffic is captured too (LOCAL_OUT -> POST_ROUTING).
gw_local_selectors() {
	s2sctl -n "$gw" -b - <<-EOF
	selector add vpn0 dir out src 10.0.0.1/32 dst $(seed_net dev 4)
	selector add vpn0 dir in src $(seed_net dev 4) dst 10.0.0.1/32
	EOF
}
s2s_check "selectors for the gateway's own address" gw_local_selectors
tx0=$(esp_fast_stat "$gw" tx_packets)
s2s_check "the gateway itself reaches the dev VPC through the policy tunnel" \
	esp_ping "$gw" "$(seed_addr dev 4)" 2 -I 10.0.0.1
esp_check_grew "locally generated packets were encrypted" "$tx0" \
	"$(esp_fast_stat "$gw" tx_packets)" 2
s2s_check "selector show lists the effective order with counters" \
	s2sctl -n "$gw" selector show vpn0
s2s_check_fail "a second tunnel on the same addresses with the same mark: refused" \
	s2sctl -n "$gw" tunnel add vpn9 local $SEED_UL_GW remote $SEED_UL_CLOUD
s2s_check "a second tunnel on the same addresses with another mark: accepted" \
	s2sctl -n "$gw" tunnel add vpn9 local $SEED_UL_GW remote $SEED_UL_CLOUD mark 0x100/0xf00
s2s_check "tunnel del: the policy hook goes with it" s2sctl -n "$gw" tunnel del vpn0
s2s_check "without the tunnel, the gateway forwards in clear (cloud refuses it)" \
	seed_noping "$vpc" "$(seed_addr dev 4)" "$(seed_addr infra 4)"
esp_check_dmesg "no kernel warning"
s2s_exit
