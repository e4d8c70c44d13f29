#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make deb": the Debian packages s2svpn-dkms and s2sctl, built by
# dpkg-buildpackage (debhelper, dh-dkms) from a copy of the tree in
# build/deb/, so that neither the checkout nor its parent directory gets
# build products.  Leaves build/deb/*.deb (with .buildinfo and .changes)
# and checks them with lintian (tags on the overrides lists are justified
# in debian/*lintian-overrides).  Exit status 0, or 1 with one line saying
# why.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=$top/build/deb

say() { echo "make deb: $*" >&2; }

for tool in dpkg-buildpackage dh dh_dkms lintian; do
	command -v "$tool" >/dev/null || {
		say "$tool is missing: install dpkg-dev, debhelper, dh-dkms and lintian (tools/deps.sh)"
		exit 1
	}
done
version=$(dpkg-parsechangelog -S Version) || { say "cannot read debian/changelog"; exit 1; }
S2S_VERSION=$(sed -n 's/^S2S_VERSION := //p' Makefile)
[ "$version" = "$S2S_VERSION" ] || {
	say "debian/changelog says $version, the Makefile's S2S_VERSION $S2S_VERSION"
	exit 1
}

# the sources: what git tracks (and new files not ignored), else the tree
rm -rf "$out"
src=$out/s2svpn-$version
mkdir -p "$src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z -c -o --exclude-standard | grep -zv '^build/' |
		xargs -0 cp --parents -a -t "$src" 2>/dev/null
else
	tar -cf - --exclude=./build --exclude='*.o' --exclude='*.ko' . | tar -xf - -C "$src"
fi || { say "cannot copy the sources to $src"; exit 1; }

log=$out/build.log
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$log" 2>&1; then
	say "dpkg-buildpackage failed; the last lines of $log:"
	tail -n 20 "$log" >&2
	exit 1
fi
rm -rf "$src"
ls "$out"/*.deb >/dev/null 2>&1 || { say "no package was built"; exit 1; }

# lintian: errors and warnings fail; info tags are printed
changes=$(ls "$out"/*.changes)
if ! lintian --allow-root --fail-on error,warning --info "$changes" >"$out/lintian.log" 2>&1; then
	say "lintian found problems ($out/lintian.log):"
	cat "$out/lintian.log" >&2
	exit 1
fi
cat "$out/lintian.log"
ls "$out"/*.deb
