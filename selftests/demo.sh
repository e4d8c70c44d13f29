#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make demo", run inside the test VM: two sites, each a network namespace
# standing for one gateway, linked by an underlay network, each with an
# s2svpn tunnel to the other.  For now the tunnels are created, shown and
# removed; the demo grows with the data path.

. "$(dirname "$0")/lib.sh"
set -e

# say TEXT: a heading; run CMD...: shows a command, then runs it
say() { printf '\n== %s\n' "$*"; }
run() { echo "\$ $*"; "$@"; }

s2s_require_s2sctl
s2s_require_module
echo "s2svpn demo on Linux $(uname -r), module $S2S_KO"
run s2sctl version

say "Two sites and the underlay between them"
for site in site-a site-b; do
	run ip netns add $site
	s2s_defer s2s_del_ns $site
done
run s2s_veth site-a wan0 site-b wan0
run ip -n site-a addr add 192.0.2.1/24 dev wan0
run ip -n site-b addr add 192.0.2.2/24 dev wan0

say "A tunnel on each gateway, towards the other"
run s2sctl -n site-a tunnel add s2s0 local 192.0.2.1 remote 192.0.2.2
run s2sctl -n site-b tunnel add s2s0 local 192.0.2.2 remote 192.0.2.1
run s2sctl -n site-a tunnel show
run s2sctl -n site-b tunnel show
run ip -n site-a -d link show s2s0
echo "\$ s2sctl -j -n site-a tunnel show | jq ."
s2sctl -j -n site-a tunnel show | jq .

say "Removing the tunnels"
run s2sctl -n site-a tunnel del s2s0
run s2sctl -n site-b tunnel del s2s0
run s2sctl -n site-a tunnel show
run s2sctl -n site-b tunnel show

say "Done"
