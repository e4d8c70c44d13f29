#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel crypto API's choice of AEAD, for the selftests (esp_lib.sh)
# and the benchmark (bench/guest.sh, bench/report.sh): sourced, no
# top-level code.

# crypto_top_driver [FILE]: the driver rfc4106(gcm(aes)) resolves to (the
# highest priority one) in FILE, a copy of /proc/crypto, or in /proc/crypto.
crypto_top_driver() {
	awk -F' *: *' '
		$1 == "name" { name = $2 }
		$1 == "driver" { drv = $2 }
		$1 == "priority" && name == "rfc4106(gcm(aes))" && $2 + 0 > best {
			best = $2 + 0; top = drv }
		END { print top }' "${1:-/proc/crypto}"
}

# crypto_instantiate NAME: creates a crypto template instance (cryptd(..),
# pcrypt(..)) through an AF_ALG bind, with the crypto self-tests off for
# that moment: 6.1's self-test WARNs that such wrappers change req->base.
# The instance stays registered even when the bind itself fails.
crypto_instantiate() {
	local notests=/sys/module/cryptomgr/parameters/notests old rc
	modprobe -q algif_aead 2>/dev/null
	old=$(cat $notests 2>/dev/null) || old=
	[ -n "$old" ] && echo 1 >$notests
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET, 0)
s.bind(("aead", sys.argv[1]))' "$1"
	rc=$?
	[ -n "$old" ] && echo "$old" >$notests
	return $rc
}
