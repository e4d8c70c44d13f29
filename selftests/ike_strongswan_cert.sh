#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# strongSwan with X.509 certificates drives s2svpn (ike_lib.sh topology).
# The test makes a CA and two end-entity certificates with strongSwan's pki
# (ECDSA P-256); the sites authenticate with them, and one CHILD_SA carries
# two subnet pairs (10.1.0.0/24 and 10.1.1.0/24 <-> 10.2.0.0/24 and
# 10.2.1.0/24): pings between both pairs cross on s2svpn, and vpn0's SAs
# are the ones charon installed.

# shellcheck disable=SC2016,SC2317,SC2086,SC2154
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/esp_lib.sh"
. "$(dirname "$0")/ike_lib.sh"

ike_require
esp_begin pki

# pki_make DIR: ca.pem, and for a and b: their key and certificate
pki_make() {
	local d=$1 s ip
	pki --gen --type ecdsa --size 256 --outform pem >"$d/ca.key" &&
	pki --self --ca --lifetime 2 --in "$d/ca.key" --type ecdsa \
		--dn "CN=s2svpn selftest CA" --outform pem >"$d/ca.pem" || return 1
	for s in a b; do
		ip=$ESP_OUT4_A
		[ $s = b ] && ip=$ESP_OUT4_B
		pki --gen --type ecdsa --size 256 --outform pem >"$d/$s.key" &&
		pki --pub --in "$d/$s.key" --type ecdsa |
			pki --issue --lifetime 2 --cacert "$d/ca.pem" --cakey "$d/ca.key" \
				--type pub --dn "CN=$s.s2svpn.test" --san "$s.s2svpn.test" \
				--outform pem >"$d/$s.pem" || return 1
	done
}

# install_certs SITE: the CA, the site's certificate and key for swanctl
install_certs() {
	local sw
	sw=$(ike_dir "$1")/swanctl
	cp "$IKE_TMP/pki/ca.pem" "$sw/x509ca/" &&
	cp "$IKE_TMP/pki/$1.pem" "$sw/x509/" &&
	cp "$IKE_TMP/pki/$1.key" "$sw/private/"
}

# ike_setup's steps, with certificates and a second subnet on each side
cert_setup() {
	IKE_TMP=$(mktemp -d /tmp/ike.XXXXXX)
	s2s_defer rm -rf "$IKE_TMP"
	ike_preload
	mkdir "$IKE_TMP/pki" && pki_make "$IKE_TMP/pki" || return 1
	esp_two_sites || return 1
	ip -n "$a" addr add 10.1.1.1/24 dev lan &&
	ip -n "$b" addr add 10.2.1.1/24 dev lan || return 1
	s2s_defer ike_stop b
	s2s_defer ike_stop a
	IKE_AUTH=pubkey
	IKE_LOCAL_TS=10.1.0.0/24,10.1.1.0/24 IKE_REMOTE_TS=10.2.0.0/24,10.2.1.0/24 \
		IKE_LOCAL_ID=a.s2svpn.test IKE_REMOTE_ID=b.s2svpn.test \
		IKE_LOCAL_EXTRA="certs = a.pem" \
		ike_conf a $ESP_OUT4_A $ESP_OUT4_B "start_action = none" &&
	IKE_LOCAL_TS=10.2.0.0/24,10.2.1.0/24 IKE_REMOTE_TS=10.1.0.0/24,10.1.1.0/24 \
		IKE_LOCAL_ID=b.s2svpn.test IKE_REMOTE_ID=a.s2svpn.test \
		IKE_LOCAL_EXTRA="certs = b.pem" \
		ike_conf b $ESP_OUT4_B $ESP_OUT4_A "start_action = none" || return 1
	install_certs a && install_certs b || return 1
	s2sctl -n "$a" tunnel add vpn0 local $ESP_OUT4_A remote $ESP_OUT4_B \
		if-id $IKE_IFID || return 1
	ip -n "$a" -batch - <<-EOF || return 1
	link set vpn0 up
	route add 10.2.0.0/24 dev vpn0 src 10.1.0.1
	route add 10.2.1.0/24 dev vpn0 src 10.1.1.1
	EOF
	ip -n "$b" -batch - <<-EOF || return 1
	link add xfrm0 type xfrm dev ul if_id $IKE_IFID
	link set xfrm0 up
	route add 10.1.0.0/24 dev xfrm0 src 10.2.0.1
	route add 10.1.1.0/24 dev xfrm0 src 10.2.1.1
	EOF
	ike_start a "$a" && ike_start b "$b"
}

esp_do "a CA and two certificates (pki), two sites, two charons" cert_setup ||
	{ ike_logs; cat "$(ike_dir a)/swanctl/swanctl.conf" | sed 's/^/# /'; s2s_exit; }
s2s_check "A initiates with its certificate" ike_initiate || { ike_logs; s2s_exit; }
s2s_check "authenticated by certificate" \
	grep -qE "authentication of 'b.s2svpn.test' with .*ECDSA.* successful" "$(ike_dir a)/charon.log"
s2s_wait 10 ike_has_sas
s2s_result $? "A's vpn0 holds the SA pair charon installed" "$(ike_sa_count "$a")"
ts=$(ike_swanctl a --list-sas --raw | grep -o 'remote-ts=\[[^]]*\]')
s2s_check_eq "one CHILD_SA, two subnet pairs" "$ts" "remote-ts=[10.2.0.0/24 10.2.1.0/24]"

before=$(esp_fast_stat "$a" tx_packets)
s2s_check "ping 10.1.0.1 -> 10.2.0.1" esp_ping "$a" 10.2.0.1 2 -I 10.1.0.1
s2s_check "ping 10.1.1.1 -> 10.2.1.1" esp_ping "$a" 10.2.1.1 2 -I 10.1.1.1
s2s_check "ping 10.1.0.1 -> 10.2.1.1" esp_ping "$a" 10.2.1.1 2 -I 10.1.0.1
after=$(esp_fast_stat "$a" tx_packets)
esp_check_grew "s2svpn carried them" "$before" "$after" 6
esp_check_dmesg "no kernel warning"
s2s_exit
