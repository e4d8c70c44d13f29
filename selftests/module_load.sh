#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# s2svpn.ko loads and unloads cleanly 20 times in a row.  While it is
# loaded, the generic netlink family "s2svpn" (with its "events" group) and
# the rtnetlink link kind "s2svpn" exist; after unload both are gone.

. "$(dirname "$0")/lib.sh"

s2s_require_cmd genl modinfo
s2s_require_module_built
s2s_defer s2s_unload_module

family_present() { genl ctrl get name s2svpn >/dev/null 2>&1; }

load_unload() {
	local i
	for i in $(seq 20); do
		s2s_load_module || { echo "insmod #$i failed"; return 1; }
		family_present || { echo "family missing after insmod #$i"; return 1; }
		rmmod s2svpn || { echo "rmmod #$i failed"; return 1; }
		! family_present || { echo "family left after rmmod #$i"; return 1; }
	done
}
s2s_check "insmod/rmmod 20 times" load_unload

s2s_check "insmod" s2s_load_module
s2s_check "generic netlink family s2svpn" genl ctrl get name s2svpn
s2s_check "multicast group events" \
	sh -c 'genl ctrl get name s2svpn | grep -A3 "multicast groups" | grep -qw events'
s2s_check "ip link add type s2svpn" ip link add s2s-probe type s2svpn
s2s_check "link kind is s2svpn" \
	sh -c 'ip -d -j link show s2s-probe | jq -e ".[0].linkinfo.info_kind == \"s2svpn\""'
s2s_check "ip link del" ip link del s2s-probe

if [ -x "$S2SCTL" ]; then
	version=$(modinfo -F version "$S2S_KO")
	s2s_check "s2sctl version names the module version $version" \
		sh -c "'$S2SCTL' version | grep -qF -- '$version'"
fi

s2s_check "rmmod" rmmod s2svpn
s2s_check_fail "family gone after rmmod" genl ctrl get name s2svpn
s2s_check_fail "link kind gone after rmmod" ip link add s2s-probe type s2svpn
if [ -x "$S2SCTL" ]; then
	s2s_check "s2sctl version says the module is not loaded" \
		sh -c "'$S2SCTL' version 2>&1 | grep -qi 'not loaded'"
fi

s2s_exit
