#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A steady flow costs no allocation per packet: a request that is done
# becomes its CPU's spare and the next packet on that CPU reuses it
# (kmod/crypto.c).  A hist trigger on kmem:kmalloc, keyed by call site,
# counts the allocations s2svpn's request code makes while pings cross the
# tunnel both ways (four requests per ping); they must stay far below one
# per request, for AES-GCM and then for AES-CBC with HMAC-SHA-512, whose
# requests are larger (the spare is replaced, and then reused).  Every ping
# is answered, nothing is dropped, and the module unloads with the spares
# it keeps, without a warning.

# shellcheck disable=SC2016,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

esp_begin jq ping

s2s_tracefs || s2s_skip "tracefs is not mounted and cannot be"
tr=$S2S_TRACEFS
[ -d $tr/events/kmem/kmalloc ] || s2s_skip "no kmem:kmalloc trace event in $tr"
[ -e $tr/events/kmem/kmalloc/hist ] || s2s_skip "no hist triggers in this kernel"

# one event for kmalloc() and kmalloc_node() on 6.1 and later
EVENTS=$tr/events/kmem/kmalloc
TRIGGER='hist:keys=call_site.sym:vals=hitcount'

hist_on() {
	local e
	for e in $EVENTS; do
		echo "$TRIGGER" >"$e/trigger" || return 1
	done
}

hist_off() {
	local e
	for e in $EVENTS; do
		echo "!$TRIGGER" >"$e/trigger" 2>/dev/null
	done
	return 0
}
s2s_defer hist_off

# hist_count: allocations made from s2svpn's request code since hist_on
# (the trigger's table is keyed by symbol; the helper may be inlined into
# s2s_crypt_prepare, so both names count)
hist_count() {
	local e
	for e in $EVENTS; do
		cat "$e/hist"
	done | awk '/s2s_crypt_(prepare|get)/ {
		for (i = 1; i <= NF; i++) if ($i == "hitcount:") n += $(i + 1)
	} END { print n + 0 }'
}

PINGS=300

# run ALGO: pings through the tunnel with ALGO's SAs, counting allocations
run() {
	local algo=$1 txa0 txa1 rxa0 rxa1 allocs reqs
	s2s_check "$algo: SAs on both sites" esp_s2s_sas -r "$algo" || return
	s2s_check "$algo: a first ping (the spares are taken)" s2s_wait 10 esp_ping "$a" $ESP_LAN4_B 1
	txa0=$(esp_fast_stat "$a" tx_packets)
	rxa0=$(esp_fast_stat "$a" rx_packets)
	s2s_check "$algo: allocations counted" hist_on || return
	s2s_check "$algo: $PINGS pings, all answered" \
		ip netns exec "$a" ping -q -n -c $PINGS -i 0.01 -W 2 -I $ESP_LAN4_A $ESP_LAN4_B
	allocs=$(hist_count)
	hist_off
	txa1=$(esp_fast_stat "$a" tx_packets)
	rxa1=$(esp_fast_stat "$a" rx_packets)
	# A's requests counted by A's tunnel, B's are as many (they answer)
	reqs=$((2 * (txa1 - txa0 + rxa1 - rxa0)))
	s2s_log "$algo: $reqs requests, $allocs allocations by s2s_crypt_*"
	esp_check_ge "$algo: the pings crossed the tunnel both ways" "$reqs" $((4 * PINGS))
	[ "$allocs" -le $((reqs / 20)) ]
	s2s_result $? "$algo: at most one allocation per 20 requests" \
		"$allocs allocations for $reqs requests"
}

setup() {
	esp_two_sites && esp_s2s_tunnels 4 && esp_s2s_sas gcm128-128
}
esp_do "two sites, s2svpn over IPv4" setup || s2s_exit

run gcm128-128
run cbc256-sha512
run gcm256-128

for ns in "$a" "$b"; do
	s2s_check_eq "no drop on $ns's tunnel" \
		"$(esp_jq "$(esp_json "$ns")" -- '[$j0[0].stats.drops // {} | .[]] | add // 0')" 0
done

s2s_check "delete site A" s2s_del_ns "$a"
s2s_check "delete site B" s2s_del_ns "$b"
s2s_check "unload the module, the spares still kept" s2s_unload_module
s2s_check "the module is gone" s2s_fails s2s_module_loaded
esp_check_dmesg "no kernel warning"
s2s_exit
