#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run by tools/tests/deb.sh, not by run_tests.sh: with the Debian packages
# installed on the host (whose root the VM shares), the module DKMS built
# for the VM's kernel (S2S_MODULE) and the packaged s2sctl (S2S_S2SCTL)
# carry a tunnel: two sites, an AES-GCM SA pair, pings both ways, counters
# as sent.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"

s2s_require_cmd jq ping
[ "$S2SCTL" = /usr/sbin/s2sctl ] || s2s_skip "not the packaged s2sctl: $S2SCTL"
case ${S2S_MODULE:-} in
/lib/modules/"$(uname -r)"/updates/dkms/s2svpn.ko*) ;;
*) s2s_skip "not the DKMS-built module: ${S2S_MODULE:-unset}" ;;
esac
s2s_require_s2sctl
s2s_require_module

s2s_check_eq "the module loaded is the DKMS build's" \
	"$(modinfo -F version "$S2S_MODULE")" "$(cat /sys/module/s2svpn/version)"
s2s_check_eq "the packaged s2sctl talks to it" \
	"$(s2sctl -j version | jq -r .module)" "$(cat /sys/module/s2svpn/version)"
esp_do "two sites over a veth" esp_two_sites || s2s_exit
s2s_check "s2svpn tunnels over IPv4" esp_s2s_tunnels 4 || s2s_exit
s2s_check "an AES-GCM SA pair on both sites" esp_s2s_sas gcm128-128 || s2s_exit
s2s_check "ping A -> B through the tunnel" \
	ip netns exec "$a" ping -q -n -c 5 -i 0.2 -W 2 -I $ESP_LAN4_A $ESP_LAN4_B
s2s_check "ping B -> A through the tunnel" \
	ip netns exec "$b" ping -q -n -c 5 -i 0.2 -W 2 -I $ESP_LAN4_B $ESP_LAN4_A
s2s_check "A encrypted at least 10 packets" \
	test "$(s2sctl -n "$a" -j tunnel show vpn0 | jq '.[0].stats.tx_packets')" -ge 10
s2s_check "B decrypted at least 10 packets" \
	test "$(s2sctl -n "$b" -j tunnel show vpn0 | jq '.[0].stats.rx_packets')" -ge 10

s2s_exit
