#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# What a gateway's monitoring reads: "s2sctl -o prometheus show" parsed by
# the real Prometheus parser (python3-prometheus-client's
# text_string_to_metric_families) agrees with "s2sctl -j tunnel show"
# counter by counter, drop reason by drop reason; "s2sctl" alone shows the
# tunnel, its SPIs and its rates; "s2sctl -j monitor" prints one JSON
# object a line, each valid JSON with the documented keys and types.

# shellcheck disable=SC2016
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

s2s_require_cmd jq ping python3
python3 -c 'import prometheus_client' 2>/dev/null ||
	s2s_skip "python3-prometheus-client is not installed"
s2s_require_s2sctl
s2s_require_module

esp_do "two sites over a veth" esp_two_sites || s2s_exit
s2s_check "s2svpn tunnels over IPv4" esp_s2s_tunnels 4 || s2s_exit

events=$(mktemp /tmp/s2s-events.XXXXXX)
s2s_defer rm -f "$events"
s2sctl -j -n "$a" monitor >"$events" 2>&1 &
monitor=$!
s2s_defer kill "$monitor"
sleep 1

# sas: the SA pair, A's outbound SA soft-limited to 3 packets
sas() {
	printf '%s\n' "$(esp_sa_line vpn0 out $ESP_SPI_AB gcm128-128 1 soft-packets 3)" \
		"$(esp_sa_line vpn0 in $ESP_SPI_BA gcm128-128 2)" | s2sctl -n "$a" -b - &&
	printf '%s\n' "$(esp_sa_line vpn0 out $ESP_SPI_BA gcm128-128 2)" \
		"$(esp_sa_line vpn0 in $ESP_SPI_AB gcm128-128 1)" | s2sctl -n "$b" -b -
}
s2s_check "SA pair, A's outbound soft-limited to 3 packets" sas
s2s_check "traffic through the tunnel" \
	ip netns exec "$a" ping -q -n -c 5 -i 0.2 -W 2 -I $ESP_LAN4_A $ESP_LAN4_B

# --- Prometheus -------------------------------------------------------------
prom=$(mktemp /tmp/s2s-prom.XXXXXX)
json=$(mktemp /tmp/s2s-json.XXXXXX)
s2s_defer rm -f "$prom" "$json"
s2s_check "s2sctl -o prometheus show" sh -c "'$S2SCTL' -n '$a' -o prometheus show >'$prom'"
s2s_check "s2sctl -j tunnel show" sh -c "'$S2SCTL' -n '$a' -j tunnel show >'$json'"

# check_prometheus: one "ok" or "bad: ..." line per value checked
check_prometheus() {
	python3 - "$prom" "$json" <<-'PY'
	import json, sys
	from prometheus_client.parser import text_string_to_metric_families
	text = open(sys.argv[1]).read()
	tunnels = json.load(open(sys.argv[2]))
	fams = {f.name: f for f in text_string_to_metric_families(text)}
	def samples(name):
	    return {tuple(sorted(s.labels.items())): s.value
	            for s in fams[name].samples}
	def check(cond, what):
	    print("ok" if cond else "bad: " + what)
	t = tunnels[0]
	lab = (("tunnel", t["name"]),)
	for c in ("rx_packets", "rx_bytes", "tx_packets", "tx_bytes"):
	    # the parser names a counter family without its _total
	    got = samples("s2svpn_tunnel_" + c).get(lab)
	    check(got == t["stats"][c], "%s %r != %r" % (c, got, t["stats"][c]))
	check(t["stats"]["tx_packets"] >= 5, "tx_packets %r" % t["stats"]["tx_packets"])
	drops = samples("s2svpn_tunnel_drops")
	for reason, value in t["stats"]["drops"].items():
	    got = drops.get((("reason", reason),) + lab)
	    check(got == value, "drops %s %r != %r" % (reason, got, value))
	check(len([k for k in drops if dict(k)["tunnel"] == t["name"]]) ==
	      len(t["stats"]["drops"]), "one drop sample per reason")
	check(samples("s2svpn_tunnel_up").get(lab) == (1 if t["state"] == "up" else 0),
	      "tunnel_up")
	check(samples("s2svpn_tunnel_mtu").get(lab) == t["link_mtu"], "tunnel_mtu")
	sa = samples("s2svpn_sa_tx_packets")
	for s in t["sas"]:
	    key = (("dir", s["dir"]), ("spi", "0x%08x" % s["spi"]), ("tunnel", t["name"]))
	    check(sa.get(key) == s["stats"]["tx_packets"], "SA %r" % (key,))
	    check(samples("s2svpn_sa_seq").get(key) == s["seq"], "SA seq %r" % (key,))
	check(fams["s2svpn_tunnel_rx_packets"].type == "counter", "counter type")
	check(fams["s2svpn_sa_age_seconds"].type == "gauge", "gauge type")
	PY
}
out=$(check_prometheus 2>&1)
s2s_check_eq "the Prometheus parser reads every counter, drop reason and SA as tunnel show -j has them" \
	"$(grep -v '^ok$' <<<"$out")" ""
s2s_check "and checked more than 30 values" test "$(grep -c '^ok$' <<<"$out")" -gt 30

# --- the overview -------------------------------------------------------------
ip netns exec "$a" ping -q -n -c 50 -i 0.1 -W 2 -I $ESP_LAN4_A $ESP_LAN4_B >/dev/null 2>&1 &
pinger=$!
# rx_packets: what A has decrypted so far
rx_packets() { s2sctl -n "$a" -j tunnel show vpn0 | jq '.[0].stats.rx_packets'; }
rx0=$(rx_packets)
grew() { [ "$(rx_packets)" -gt "$rx0" ]; }
s2s_check "the pinger's packets come back" s2s_wait 10 grew
overview=$(s2sctl -n "$a")
rc=$?
kill $pinger 2>/dev/null
wait $pinger 2>/dev/null
s2s_check_eq "s2sctl alone succeeds" "$rc" 0
line=$(grep '^vpn0 ' <<<"$overview")
s2s_check "the tunnel's line: up, route, addresses, SPIs" grep -qE \
	"^vpn0 +up +route +$ESP_OUT4_A > $ESP_OUT4_B +0x00001000 +0x00002000 " <<<"$line"
s2s_check "rates measured while pinging (RX pps > 0): $line" \
	awk '{ exit !($(NF - 4) + 0 > 0) }' <<<"$line"
s2s_check_eq "s2sctl show prints the same header" \
	"$(s2sctl -n "$a" show | head -n 1)" "$(head -n 1 <<<"$overview")"

# --- monitor -j ---------------------------------------------------------------
# (last: the routes into vpn0 go away with it)
s2s_check "the tunnel goes down and up (state events)" sh -c "
	ip -n '$a' link set vpn0 down && sleep 0.5 && ip -n '$a' link set vpn0 up"
s2s_check "the state events arrived" s2s_wait 5 grep -Eq '"state": ?"up"' "$events"
s2s_check "a soft-expire event arrived" s2s_wait 5 grep -q sa-expire "$events"
check_events() {
	python3 - "$events" <<-'PY'
	import json, sys
	schema = {
	    "sa-expire": {"dir": str, "spi": int, "kind": str, "limit": str},
	    "seq-wrap": {"dir": str, "spi": int},
	    "tunnel-state": {"state": str},
	    "nat-mapping": {},
	}
	kinds = set()
	for n, line in enumerate(open(sys.argv[1]), 1):
	    ev = json.loads(line)          # one complete object per line
	    assert isinstance(ev, dict), "line %d is not an object" % n
	    for k, t in (("event", str), ("tunnel", str), ("ifindex", int)):
	        assert isinstance(ev.get(k), t), "line %d: %s" % (n, k)
	    for k, t in schema[ev["event"]].items():
	        assert isinstance(ev.get(k), t), "line %d: %s" % (n, k)
	    assert ev["tunnel"] == "vpn0", line
	    kinds.add(ev["event"])
	    if ev["event"] == "sa-expire":
	        assert ev["kind"] == "soft" and ev["limit"] == "packets", line
	        assert ev["dir"] == "out" and ev["spi"] == 0x1000, line
	    if ev["event"] == "tunnel-state":
	        assert ev["state"] in ("up", "down"), line
	print(" ".join(sorted(kinds)))
	PY
}
s2s_check_eq "every monitor -j line is a JSON object of the documented schema" \
	"$(check_events 2>&1)" "sa-expire tunnel-state"

s2s_exit
