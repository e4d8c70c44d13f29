#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# s2sctl on bad input, as PRODUCT.md fixes it: exactly one line on stderr
# naming the problem, nothing on stdout, exit 2 for bad usage (unknown
# keywords, missing values, unknown output formats) and 1 when the module
# is not loaded.  Needs tools/s2sctl/s2sctl built.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tools/tests/tap.sh"
s2sctl=$top/tools/s2sctl/s2sctl

# expect STATUS PATTERN ARGS...: s2sctl ARGS exits STATUS with one stderr
# line matching PATTERN and no output
expect() {
	local want=$1 pat=$2 out err rc
	shift 2
	err=$("$s2sctl" "$@" 2>&1 >/dev/null)
	rc=$?
	out=$("$s2sctl" "$@" 2>/dev/null)
	[ "$rc" = "$want" ] && [ "$(wc -l <<<"$err")" = 1 ] && [ -z "$out" ] &&
		[[ $err =~ $pat ]]
	ok $? "s2sctl $*: exit $want, \"$err\""
	[ "$rc" = "$want" ] || diag "exit status $rc"
}

expect 2 'unknown keyword "bogus"' tunnel add x local 192.0.2.1 remote 192.0.2.2 bogus 1
expect 2 'missing value after "local"' tunnel add x local
expect 2 'missing tunnel name' tunnel add
expect 2 'unknown tunnel command "frob"' tunnel frob
expect 2 'invalid dir "sideways"' sa add x dir sideways
expect 2 'unknown output format "yaml"' -o yaml show
expect 2 '-o prometheus applies to "show" only' -o prometheus tunnel show
expect 2 'cannot open batch file' -b /nonexistent/batch

if "$s2sctl" version >/dev/null 2>&1; then
	skip "module not loaded" "the s2svpn module is loaded here"
else
	expect 1 '^s2sctl: s2svpn kernel module is not loaded$'
	expect 1 '^s2sctl: s2svpn kernel module is not loaded$' -o prometheus show
	expect 1 '^s2sctl: s2svpn kernel module is not loaded$' tunnel show
fi

tap_done
