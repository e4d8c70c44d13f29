#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Liveness probing: "tunnel set vpn0 probe ADDR probe-interval MS
# probe-misses N" sends ICMP echo requests through the tunnel to the peer's
# inside address; authenticated inbound traffic keeps the peer alive.  Site
# A probes B (inside addresses 169.254.10.1/30 and .2/30, B answers as any
# host does).  When B's underlay drops A's ESP (nftables) the peer is dead
# after N silent intervals: no carrier, routes linkdown, a tunnel-state
# event that names the dead peer, "peer dead" in show.  Lifting the drop
# brings the peer and the carrier back (the probes go out even without
# carrier).  "probe none" stops probing; bad values are refused; deleting a
# probing tunnel and its namespace is clean.

# shellcheck disable=SC2016,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq ping nft

esp_do "two sites over a veth" esp_two_sites || s2s_exit
s2s_check "s2svpn tunnels over IPv4" esp_s2s_tunnels 4 || s2s_exit
s2s_check "SA pairs" esp_s2s_sas gcm128-128 || s2s_exit
ip -n "$a" addr add 169.254.10.1/30 dev vpn0
ip -n "$b" addr add 169.254.10.2/30 dev vpn0

events=$(mktemp /tmp/probe-events.XXXXXX)
s2s_defer rm -f "$events"
s2sctl -j -n "$a" monitor >"$events" 2>&1 &
monitor=$!
s2s_defer kill "$monitor"
sleep 0.5

# rx_grew BEFORE N: A's vpn0 has received at least N packets since BEFORE
rx_grew() {
	test "$(esp_stat "$a" vpn0 rx_packets)" -ge $(($1 + $2))
}
has_event() {
	jq -e -s "any(.[]; $1)" "$events" >/dev/null 2>&1
}
# show_is JQ_TEST: A's vpn0 in "tunnel show -j" satisfies JQ_TEST
show_is() {
	s2sctl -j -n "$a" tunnel show vpn0 | jq -e ".[0] | $1" >/dev/null
}
carrier() {
	ip -n "$a" -j link show vpn0 | jq -r '.[0].flags | index("LOWER_UP") != null'
}
linkdown() {
	ip -n "$a" -j route show "$ESP_NET4_B" dev vpn0 |
		jq -e '.[0].flags | index("linkdown") != null' >/dev/null
}
drop_esp() {
	ip netns exec "$b" nft -f - <<-EOF
	table inet probe {
		chain in {
			type filter hook input priority 0;
			meta l4proto esp drop
		}
	}
	EOF
}

s2s_check_eq "no probing: peer unknown" \
	"$(s2sctl -j -n "$a" tunnel show vpn0 | jq -r '.[0].peer')" null
s2s_check "probe the peer every 100 ms, dead after 3 misses" \
	s2sctl -n "$a" tunnel set vpn0 probe 169.254.10.2 probe-interval 100 probe-misses 3
s2s_check "show: probe address, interval, misses" \
	show_is '.probe == "169.254.10.2" and .probe_interval == 100 and .probe_misses == 3'
rx=$(esp_stat "$a" vpn0 rx_packets)
s2s_check "the probes are answered without other traffic" \
	s2s_wait 5 rx_grew "$rx" 3
s2s_check "peer alive, state up" s2s_wait 5 show_is '.peer == "alive" and .state == "up"'
s2s_check_eq "carrier" "$(carrier)" true

s2s_check "B's underlay drops ESP" drop_esp
s2s_check "the peer is dead" s2s_wait 5 show_is '.peer == "dead" and .state == "down"'
s2s_check_eq "no carrier" "$(carrier)" false
s2s_check "tunnel-state down event naming the dead peer" s2s_wait 5 has_event \
	'.event == "tunnel-state" and .tunnel == "vpn0" and .state == "down" and .peer == "dead"'
s2s_check "routes through vpn0 are linkdown" s2s_wait 5 linkdown
show_text_dead() {
	s2sctl -n "$a" tunnel show vpn0 | grep -q 'peer dead'
}
s2s_check "s2sctl tunnel show prints the peer state" show_text_dead

s2s_check "B's underlay passes ESP again" ip netns exec "$b" nft delete table inet probe
s2s_check "the peer is alive again" s2s_wait 5 show_is '.peer == "alive" and .state == "up"'
s2s_check "tunnel-state up event naming the live peer" s2s_wait 5 has_event \
	'.event == "tunnel-state" and .tunnel == "vpn0" and .state == "up" and .peer == "alive"'
s2s_check "routes through vpn0 are usable again" s2s_wait 5 s2s_fails linkdown
s2s_check "ping B's LAN" esp_ping "$a" $ESP_LAN4_B

# probing stops; without it the dead peer no longer matters
s2s_check "B's underlay drops ESP" drop_esp
s2s_check "the peer is dead" s2s_wait 5 show_is '.peer == "dead"'
s2s_check "probe none" s2sctl -n "$a" tunnel set vpn0 probe none
s2s_check "no probing: peer unknown, state up" \
	show_is '.peer == null and .probe == null and .state == "up"'
ip netns exec "$b" nft delete table inet probe

# refusals: by s2sctl (exit 2) and by the module (exit 1, its message)
s2s_check_fail "probe-interval 5 is refused" \
	s2sctl -n "$a" tunnel set vpn0 probe 169.254.10.2 probe-interval 5
out=$(s2sctl -n "$a" tunnel set vpn0 probe-misses 4 2>&1)
s2s_check_eq "probe-misses without probing: the module refuses (exit 1)" "$?" 1
s2s_check "with its message" grep -q "need a probe address" <<<"$out"

# an IPv6 probe; then delete the probing tunnel, then B's namespace with one
ip -n "$a" addr add fd00:a9::1/64 dev vpn0 nodad
ip -n "$b" addr add fd00:a9::2/64 dev vpn0 nodad
s2s_check "IPv6 probe" \
	s2sctl -n "$a" tunnel set vpn0 probe fd00:a9::2 probe-interval 100 probe-misses 3
rx=$(esp_stat "$a" vpn0 rx_packets)
s2s_check "IPv6 probes are answered" s2s_wait 5 rx_grew "$rx" 3
s2s_check "peer alive" s2s_wait 5 show_is '.peer == "alive" and .state == "up"'
s2s_check "B probes A too" s2sctl -n "$b" tunnel set vpn0 probe 169.254.10.1 probe-interval 20
s2s_check "delete A's probing tunnel" s2sctl -n "$a" tunnel del vpn0
sleep 0.3
s2s_check "delete B's namespace with a probing tunnel" ip netns del "$b"

esp_check_dmesg "no kernel warning"
s2s_exit
