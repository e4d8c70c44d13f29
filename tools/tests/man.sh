#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The manual pages: s2sctl(8) and s2svpn(7) render with groff -ww (every
# warning enabled) without a single warning, s2sctl(8) names every
# keyword and option that "s2sctl help" knows, and s2svpn(7) every drop
# reason and module parameter.  Needs tools/s2sctl/s2sctl built.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tools/tests/tap.sh"

man8=$top/Documentation/man/s2sctl.8
man7=$top/Documentation/man/s2svpn.7
s2sctl=$top/tools/s2sctl/s2sctl

for page in "$man8" "$man7"; do
	warnings=$(LC_ALL=C.UTF-8 groff -ww -man -Tutf8 "$page" 2>&1 >/dev/null)
	rc=$?
	[ -z "$warnings" ] || diag "$warnings"
	ok $(( rc != 0 || ${#warnings} != 0 )) "${page##*/} renders without warnings"
done

# wide lines and no hyphenation, so that words stay whole
render() { LC_ALL=C.UTF-8 groff -man -Tascii -rLL=250n -rHY=0 "$1" 2>/dev/null | col -bx; }
text8=$(render "$man8")
text7=$(render "$man7")

# keywords of the command syntax in "s2sctl help": lower-case words
keywords=$("$s2sctl" help | grep -E '^  s2sctl |^ {16,}\[' |
	sed -E 's/^ +//; s/ {2,}.*//' | tr '[]|()' '     ' | tr -s ' ' '\n' | grep -E '^[a-z][a-z0-9-]*$' |
	grep -vx s2sctl | sort -u)
missing=()
for w in $keywords; do
	grep -qw -- "$w" <<<"$text8" || missing+=("$w")
done
[ ${#missing[@]} = 0 ] || diag "not in s2sctl(8): ${missing[*]}"
ok $(( ${#missing[@]} != 0 || $(wc -w <<<"$keywords") < 40 )) \
	"s2sctl(8) names the $(wc -w <<<"$keywords") keywords of s2sctl help"

options=$("$s2sctl" help | grep -oE -- '--[a-z]+' | sort -u)
missing=()
for o in $options; do
	grep -qF -- "$o" <<<"$text8" || missing+=("$o")
done
[ ${#missing[@]} = 0 ] || diag "options not in s2sctl(8): ${missing[*]}"
ok ${#missing[@]} "s2sctl(8) names every global option"

for s in "EXIT STATUS" "JSON OUTPUT" "METRICS" "EXAMPLES" "encap udp" "if-id"; do
	grep -qF -- "$s" <<<"$text8"
	ok $? "s2sctl(8) has \"$s\""
done

# drop reasons: the names s2sctl prints (tools/s2sctl/names.c)
reasons=$(sed -n '/drop_names\[\]/,/};/p' "$top/tools/s2sctl/names.c" |
	grep -oE '"[a-z_]+"' | tr -d '"')
missing=()
for r in $reasons; do
	grep -qw -- "$r" <<<"$text7" || missing+=("$r")
done
[ ${#missing[@]} = 0 ] || diag "drop reasons not in s2svpn(7): ${missing[*]}"
ok $(( ${#missing[@]} != 0 || $(wc -w <<<"$reasons") < 10 )) \
	"s2svpn(7) names the $(wc -w <<<"$reasons") drop reasons"

params=$(grep -hoE 'module_param(_named)?\([a-z_]+' "$top"/kmod/*.c | sed 's/.*(//' | sort -u)
missing=()
for p in $params; do
	grep -qw -- "$p" <<<"$text7" || missing+=("$p")
done
[ ${#missing[@]} = 0 ] || diag "parameters not in s2svpn(7): ${missing[*]}"
ok $(( ${#missing[@]} != 0 || $(wc -w <<<"$params") == 0 )) \
	"s2svpn(7) documents the module parameters: $(echo $params)"

tap_done
