#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The Debian packages on this host, end to end: "make deb" builds
# s2svpn-dkms and s2sctl lintian-clean; installing them makes DKMS build
# and install the module for every installed kernel with headers
# (tools/kernels.sh); each kernel boots in the VM and carries a tunnel
# with that DKMS-built module and the packaged s2sctl
# (selftests/deb_tunnel.sh); a kernel without headers is refused by DKMS
# with nothing installed for it; purging both packages leaves no file, no
# DKMS entry and no module behind.
#
# Installs packages: runs as root only (CI does), else skips.  Leaves the
# host as it found it.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tools/tests/tap.sh"
cd "$top" || exit 1

if [ "$(id -u)" != 0 ]; then
	skip "Debian packages" "installing packages needs root"
	tap_done
	exit
fi
for t in dpkg-buildpackage dh_dkms dkms lintian qemu-system-x86_64; do
	command -v "$t" >/dev/null && continue
	skip "Debian packages" "$t is not installed (tools/deps.sh)"
	tap_done
	exit
done

version=$(sed -n 's/^S2S_VERSION := //p' Makefile)
apt_get() { DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=600 "$@"; }
installed() { dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | grep -q '^ii'; }
purge() { apt_get purge s2sctl s2svpn-dkms >/dev/null 2>&1; }

if installed s2sctl || installed s2svpn-dkms; then
	skip "Debian packages" "s2sctl or s2svpn-dkms is installed already: not touching it"
	tap_done
	exit
fi
trap purge EXIT

before=$(git status --porcelain 2>/dev/null)
# the unit tests run on their own in "make check": not again in the build
out=$(DEB_BUILD_OPTIONS=nocheck make -s deb 2>&1)
rc=$?
ok $rc "make deb (lintian-clean)"
[ $rc = 0 ] || diag "$out"
debs=("build/deb/s2svpn-dkms_${version}_all.deb" build/deb/s2sctl_"${version}"_*.deb)
[ -f "${debs[0]}" ] && [ -f "${debs[1]}" ]
ok $? "both packages are in build/deb/"
[ "$(git status --porcelain 2>/dev/null)" = "$before" ]
ok $? "make deb leaves the checkout as it was"
[ -z "$(ls .. | grep -E '^s2s(ctl|vpn)[-_].*\.(deb|changes|buildinfo)$')" ]
ok $? "nothing was written to the parent directory"

out=$(apt_get install "./${debs[0]}" "./${debs[1]}" 2>&1)
rc=$?
ok $rc "apt-get install s2svpn-dkms s2sctl"
[ $rc = 0 ] || diag "$(tail -n 20 <<<"$out")"

files=$(dpkg -L s2sctl s2svpn-dkms | sort -u)
mapfile -t kernels < <(tools/kernels.sh)
for k in "${kernels[@]}"; do
	st=$(dkms status -m s2svpn -v "$version" -k "$k" 2>/dev/null)
	[[ $st == *": installed"* ]]
	ok $? "DKMS built and installed the module for $k ($st)"
	ko=$(ls /lib/modules/"$k"/updates/dkms/s2svpn.ko* 2>/dev/null | head -n 1)
	[ -n "$ko" ] && [[ $(modinfo -F vermagic "$ko") == "$k "* ]] &&
		[ "$(modinfo -F version "$ko")" = "$version" ]
	ok $? "$k: ${ko:-no module}, vermagic and version right"
done
[ -x /usr/sbin/s2sctl ] && [ "$(/usr/sbin/s2sctl -V)" = "s2sctl $version" ]
ok $? "/usr/sbin/s2sctl runs"
for f in /usr/share/man/man8/s2sctl.8.gz /usr/share/man/man7/s2svpn.7.gz \
	/usr/share/bash-completion/completions/s2sctl /usr/include/s2svpn.h; do
	[ -e "$f" ]
	ok $? "installed: $f"
done

# a kernel without headers: DKMS says so, nothing is installed for it
fake=0.0.0-s2svpn-fake
out=$(dkms install -m s2svpn -v "$version" -k "$fake" 2>&1)
rc=$?
[ $rc != 0 ] && grep -qi "kernel headers for kernel $fake cannot be found" <<<"$out" && [ ! -e "/lib/modules/$fake" ]
ok $? "a kernel without headers: DKMS refuses (exit $rc) and installs nothing"
grep -i headers <<<"$out" | head -n 2 | sed 's/^/# /'

# the DKMS-built module and the packaged tool carry a tunnel in the VM
for k in "${kernels[@]}"; do
	ko=$(ls /lib/modules/"$k"/updates/dkms/s2svpn.ko* 2>/dev/null | head -n 1)
	out=$(S2S_MODULE=$ko S2S_S2SCTL=/usr/sbin/s2sctl \
		selftests/vm/run.sh -k "$k" -t 240 -n deb_tunnel selftests/deb_tunnel.sh 2>&1)
	rc=$?
	ok $rc "$k: a tunnel through the DKMS-built module in the VM"
	[ $rc = 0 ] || diag "$out"
	mkdir -p "build/vm/$k"
	echo "$out" >"build/vm/$k/deb_tunnel.sh.log"
done

out=$(apt_get purge s2sctl s2svpn-dkms 2>&1)
rc=$?
ok $rc "apt-get purge s2sctl s2svpn-dkms"
[ $rc = 0 ] || diag "$(tail -n 20 <<<"$out")"
! installed s2sctl && ! installed s2svpn-dkms
ok $? "both packages are gone"
[ -z "$(dkms status -m s2svpn 2>/dev/null)" ] && [ ! -e /var/lib/dkms/s2svpn ]
ok $? "DKMS knows no s2svpn any more"
left=$(ls /lib/modules/*/updates/dkms/s2svpn.ko* 2>/dev/null; ls -d /usr/src/s2svpn-* 2>/dev/null)
[ -z "$left" ]
ok $? "no module and no sources left"
[ -z "$left" ] || diag "$left"
left=$(while read -r f; do
	[ -d "$f" ] && continue	# directories other packages share
	[ -e "$f" ] || [ -L "$f" ] && echo "$f"
done <<<"$files")
[ -z "$left" ]
ok $? "none of the $(wc -l <<<"$files") packaged paths is left"
[ -z "$left" ] || diag "$left"
trap - EXIT

tap_done
