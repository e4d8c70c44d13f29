# SPDX-License-Identifier: GPL-2.0-only
#
# TAP helpers for the host tests in tools/tests: source it, call ok/skip,
# end with tap_done.  The last line is "N passed, N failed, N skipped".

tap_n=0 tap_pass=0 tap_fail=0 tap_skip=0
echo "TAP version 13"

# ok COND_STATUS DESCRIPTION: "ok" when COND_STATUS is 0
ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" = 0 ]; then
		tap_pass=$((tap_pass + 1))
		echo "ok $tap_n - $2"
	else
		tap_fail=$((tap_fail + 1))
		echo "not ok $tap_n - $2"
	fi
}

skip() {
	tap_n=$((tap_n + 1))
	tap_skip=$((tap_skip + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

tap_done() {
	echo "1..$tap_n"
	echo "$tap_pass passed, $tap_fail failed, $tap_skip skipped"
	[ "$tap_fail" = 0 ]
}
