#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The seed scenario with a route-based customer gateway (seed_lib.sh): the
# cloud's prefixes are routed into the tunnel, and its selectors filter what
# it carries: allowed flows answered, forbidden flows dropped and counted
# per segment (policy_discard), an unknown VPC counted as
# selector_mismatch, an on-premises host without an outbound selector
# dropped as no_policy, decrypted packets marked with their segment
# (nftables counters).  IPv4 and IPv6 inside.

# shellcheck disable=SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"
. "$(dirname "$0")/seed_lib.sh"

esp_begin jq ping nft

esp_do "seed topology, native cloud endpoint, route-based gateway" seed_setup route ||
	s2s_exit
seed_traffic 4
seed_traffic 6
seed_check_counters 2 route
esp_check_dmesg "no kernel warning"
s2s_exit
