#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make install" / "make uninstall" into a temporary DESTDIR: every file
# lands under PREFIX (the module's sources under /usr/src for DKMS), a
# program builds against the installed header, pkg-config file and shared
# library and runs; uninstall leaves no file behind.  Bad input: a
# relative DESTDIR or PREFIX, a DESTDIR that is a file, a path blocked
# half-way: one line on stderr, exit 2 (or 1), nothing installed.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tools/tests/tap.sh"
cd "$top" || exit 1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
d=$tmp/root
libdir=/usr/lib/x86_64-linux-gnu

make -s tools >/dev/null 2>&1
ok $? "make tools"

out=$(make -s install DESTDIR="$d" PREFIX=/usr LIBDIR=$libdir 2>&1)
ok $? "make install DESTDIR=... PREFIX=/usr"
[ -z "$out" ] || diag "$out"

want=$(DESTDIR="$d" PREFIX=/usr LIBDIR=$libdir tools/install.sh list | sort)
got=$(cd "$d" && find . \( -type f -o -type l \) | sed 's/^\.//' | sort)
[ "$want" = "$got" ]
ok $? "exactly the $(wc -l <<<"$want") files of the manifest are installed"
[ "$want" = "$got" ] || diag "$(diff <(echo "$want") <(echo "$got"))"

for f in /usr/sbin/s2sctl $libdir/libs2svpn.so.0 /usr/include/s2svpn.h \
	/usr/share/man/man8/s2sctl.8 /usr/share/man/man7/s2svpn.7 \
	/usr/share/bash-completion/completions/s2sctl \
	/usr/src/s2svpn-0.1.0/dkms.conf /usr/src/s2svpn-0.1.0/kmod/main.c; do
	[ -e "$d$f" ]
	ok $? "installed: $f"
done
grep -q '^PACKAGE_VERSION="0.1.0"$' "$d/usr/src/s2svpn-0.1.0/dkms.conf"
ok $? "dkms.conf carries the version"
[ "$(readlink "$d$libdir/libs2svpn.so")" = libs2svpn.so.0 ]
ok $? "libs2svpn.so links to the soname"

[ "$("$d/usr/sbin/s2sctl" -V)" = "s2sctl 0.1.0" ]
ok $? "the installed s2sctl runs"

# a program built the way a user builds one, against the installed files
# the installed .pc, its paths moved under DESTDIR
mkdir -p "$tmp/pc"
sed -E "s|^(prefix\|libdir\|includedir)=|\\1=$d|" "$d$libdir/pkgconfig/libs2svpn.pc" \
	>"$tmp/pc/libs2svpn.pc"
cflags=$(PKG_CONFIG_PATH=$tmp/pc pkg-config --cflags libs2svpn 2>&1)
ok $? "pkg-config knows libs2svpn: $cflags"
libs=$(PKG_CONFIG_PATH=$tmp/pc pkg-config --libs libs2svpn 2>&1)
# shellcheck disable=SC2086
out=$(cc -Wall -Werror -o "$tmp/s2s-tunnels" \
	tools/libs2svpn/examples/s2s-tunnels.c $cflags $libs 2>&1)
ok $? "the example builds against the installed header and library"
[ -z "$out" ] || diag "$out"
out=$(LD_LIBRARY_PATH=$d$libdir ldd "$tmp/s2s-tunnels" 2>&1)
grep -q "libs2svpn.so.0 => $d$libdir/libs2svpn.so.0" <<<"$out"
rc=$?
ok $rc "it uses the installed shared library"
[ $rc = 0 ] || diag "$out"
out=$(LD_LIBRARY_PATH=$d$libdir "$tmp/s2s-tunnels" 2>&1)
rc=$?
if [ $rc = 0 ]; then
	skip "the example without the module" "the s2svpn module is loaded here"
else
	[ $rc = 1 ] && [ "$out" = "s2s-tunnels: the s2svpn module is not loaded" ]
	ok $? "it runs: one line and exit 1 without the module"
fi

out=$(make -s uninstall DESTDIR="$d" PREFIX=/usr LIBDIR=$libdir 2>&1)
ok $? "make uninstall"
left=$(find "$d" \( -type f -o -type l \))
[ -z "$left" ]
ok $? "uninstall leaves no file"
[ -z "$left" ] || diag "$left"
[ ! -e "$d/usr/src/s2svpn-0.1.0" ] && [ ! -e "$d/usr/include/s2svpn" ]
ok $? "nor the directories that are s2svpn's own"

# bad input
# bad CMD...: exit status and stderr of CMD
bad() {
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
}
bad env DESTDIR=relative/dir tools/install.sh install
[ $rc = 2 ] && [ "$(wc -l <<<"$out")" = 1 ] && [[ $out == *"DESTDIR must be an absolute path"* ]] &&
	[ ! -e relative ]
ok $? "a relative DESTDIR: exit 2, one line, nothing created ($out)"

bad env DESTDIR="$d" PREFIX=usr tools/install.sh install
[ $rc = 2 ] && [[ $out == *"PREFIX must be an absolute path"* ]]
ok $? "a relative PREFIX: exit 2 ($out)"

: >"$tmp/file"
bad env DESTDIR="$tmp/file" tools/install.sh install
[ $rc = 2 ] && [[ $out == *"is not a directory"* ]]
ok $? "a DESTDIR that is a file: exit 2 ($out)"

# a file where a directory must go: fails half-way, rolls back
rm -rf "$d"
mkdir -p "$d/usr/share"
: >"$d/usr/share/man"
bad make -s install DESTDIR="$d" PREFIX=/usr
[ $rc != 0 ] && grep -q "s2svpn install: cannot create the directory of $d/usr/share/man/man8/s2sctl.8; nothing was installed" <<<"$out"
ok $? "a blocked path: fails with one line"
[ "$(grep -c 's2svpn install' <<<"$out")" = 1 ] || diag "$out"
left=$(cd "$d" && find . -mindepth 1 | sort | tr '\n' ' ')
[ "$left" = "./usr ./usr/share ./usr/share/man " ]
ok $? "and nothing is half-installed (left: $left)"

tap_done
