#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bash completion of s2sctl (tools/s2sctl/completion/s2sctl): loaded into a
# clean bash, "complete -p" registers it, and simulated command lines
# (COMP_WORDS, COMP_CWORD) complete objects, verbs, keywords, values,
# algorithm names, and the tunnel, segment, SA and selector names that a
# stand-in s2sctl reports in s2sctl's JSON format.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tools/tests/tap.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A stand-in s2sctl: the JSON documents the real one prints, and a log of
# how it was called (the namespace must be passed on).
cat >"$tmp/s2sctl" <<'STUB'
#!/bin/bash
echo "$*" >>"${0%/*}/calls"
case "$*" in
*"tunnel show"*)
	echo '[{"name": "vpn0", "ifindex": 7, "local": "192.0.2.1"},{"name": "vpn1", "ifindex": 8}]' ;;
*"segment show"*)
	echo '[{"name": "prod", "mark": 48},{"name": "dev", "mark": 16}]' ;;
*"sa show vpn0"*)
	echo '[{"tunnel": "vpn0", "dir": "in", "spi": 4096},{"tunnel": "vpn0", "dir": "out", "spi": 8192}]' ;;
*"selector show vpn1"*)
	echo '[{"tunnel": "vpn1", "id": 3},{"tunnel": "vpn1", "id": 12}]' ;;
esac
STUB
chmod +x "$tmp/s2sctl"

# comp LINE: the completions bash offers for LINE (its last word may be
# empty: LINE ends in a blank), one per line, sorted
comp() {
	PATH=$tmp:$PATH bash --norc --noprofile -c '
		. "$1"
		read -ra COMP_WORDS <<<"$2"
		[[ $2 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$2 COMP_POINT=${#2}
		_s2sctl s2sctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$top/tools/s2sctl/completion/s2sctl" "$1" |
		sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//'
}

# expect LINE WANT: the completions of LINE are exactly WANT
expect() {
	local got
	got=$(comp "$1")
	[ "$got" = "$2" ] || diag "\"$1\": got \"$got\", want \"$2\""
	ok $([ "$got" = "$2" ]; echo $?) "\"$1\" completes to: $2"
}

reg=$(bash --norc --noprofile -c '. "$1"; complete -p s2sctl' _ \
	"$top/tools/s2sctl/completion/s2sctl" 2>&1)
[ "$reg" = "complete -F _s2sctl s2sctl" ]
ok $? "complete -p s2sctl: registered with _s2sctl"

expect "s2sctl " "help monitor sa segment selector show tunnel version"
expect "s2sctl se" "segment selector"
expect "s2sctl --" "--batch --help --json --netns --output --version"
expect "s2sctl -o " "json prometheus text"
expect "s2sctl -j tunnel " "add del help set show"
expect "s2sctl tunnel del " "vpn0 vpn1"
expect "s2sctl tunnel show v" "vpn0 vpn1"
expect "s2sctl tunnel add gw0 " "dport encap if-id keepalive local mark mode mtu probe probe-interval probe-misses remote sport"
expect "s2sctl tunnel add gw0 local 192.0.2.1 m" "mark mode mtu"
expect "s2sctl tunnel add gw0 mode " "policy route"
expect "s2sctl tunnel add gw0 encap " "udp"
expect "s2sctl tunnel set vpn0 encap " "none udp"
expect "s2sctl tunnel set vpn0 probe " "none"
expect "s2sctl tunnel add gw0 remote " ""
expect "s2sctl segment del " "dev prod"
expect "s2sctl sa add vpn0 dir " "in out"
expect "s2sctl sa add vpn0 dir out spi 0x100 aead " "'rfc4106(gcm(aes))'"
expect "s2sctl sa add vpn0 dir out spi 0x100 enc 'cbc(aes)' 0x00 auth 'hmac(sha2" \
	"'hmac(sha256)'"
expect "s2sctl sa add vpn0 dir out spi 0x100 aead 'rfc4106(gcm(aes))' 0x00 " ""
expect "s2sctl sa add vpn0 dir out spi 0x100 aead 'rfc4106(gcm(aes))' 0x00 128 h" \
	"hard-bytes hard-packets hard-seconds"
expect "s2sctl sa del vpn0 dir in spi " "4096 8192"
expect "s2sctl selector add vpn1 dir out src 10.0.0.0/8 dst 10.1.0.0/16 proto " \
	"any gre icmp icmpv6 sctp tcp udp udplite"
expect "s2sctl selector add vpn1 dir out segment " "dev prod"
expect "s2sctl selector add vpn1 dir out action " "bypass discard protect"
expect "s2sctl selector del vpn1 id " "12 3"

rm -f "$tmp/calls"
comp "s2sctl -n site-a tunnel del " >/dev/null
grep -qx -- "-n site-a -j tunnel show" "$tmp/calls"
ok $? "names are asked in the namespace given with -n"

tap_done
