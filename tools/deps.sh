#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Installs every Debian package s2svpn needs and extracts the kernel's own
# style and test tooling (checkpatch, kselftest headers) from linux-source-6.1
# into build/.  Idempotent: quiet and fast when everything is already there.
#
#   tools/deps.sh                   Debian 12 packages (Linux 6.1)
#   S2S_BACKPORTS=1 tools/deps.sh   also Linux 6.12 from bookworm-backports;
#                                   adds that suite to apt's sources
#
# Runs as root (apt-get); .ci/run and "make check" call it.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)

packages=(
	# kernels to test in the VM, their headers, and the kernel's tooling
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	# building the module and s2sctl
	build-essential pkg-config libnl-3-dev libnl-genl-3-dev libnl-route-3-dev
	# tools/check-spec.py: the netlink spec against uapi and policies
	python3 python3-yaml
	# the VM test harness
	qemu-system-x86 busybox-static cpio kmod xz-utils zstd procps
	# what the tests run inside the VM
	iproute2 iputils-ping iperf3 tcpdump jq ethtool wireguard-tools nftables conntrack
	strongswan-charon strongswan-swanctl strongswan-pki libstrongswan-standard-plugins
	# selftests/bgp_failover.sh: BGP + BFD over two tunnels
	frr
	# benchmark charts, and the profiles of make bench (perf in the VM,
	# perf report on the host)
	gnuplot-nox linux-perf
	# host tests of the manual pages (groff -ww)
	groff-base bsdextrautils
	# s2sctl -o prometheus read by the real parser (unit and VM tests)
	python3-prometheus-client
	# make deb and its install/DKMS test
	dpkg-dev debhelper dh-dkms dkms lintian
	# s2sctl under libFuzzer, ASan and UBSan; the ESP fuzzer's crypto
	clang libclang-rt-14-dev libssl-dev
	# tools/debug-kernel.sh (make check-debug, make fuzz)
	flex bison bc libelf-dev
)

apt_opts=(-y -q -o DPkg::Lock::Timeout=600 --no-install-recommends)
export DEBIAN_FRONTEND=noninteractive

# apt-get with its progress dropped; errors still reach stderr.
quiet_apt_get() {
	apt-get "$@" 2> >(grep -v '^debconf: delaying package configuration' >&2) >/dev/null
}

say() { echo "deps: $*" >&2; }

need_root() {
	[ "$(id -u)" -eq 0 ] && return
	say "must run as root to install: $*"
	exit 1
}

# Prints the packages among "$@" that are not fully installed.
missing_packages() {
	local installed
	installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "$@" 2>/dev/null |
		awk '$1 == "ii" { print $2 }' || true)
	local p
	for p in "$@"; do
		grep -qx -- "$p" <<<"$installed" || echo "$p"
	done
}

install_base() {
	local missing
	missing=$(missing_packages "${packages[@]}")
	[ -n "$missing" ] || return 0
	need_root $missing
	say "installing: $(echo $missing)"
	quiet_apt_get -q -o DPkg::Lock::Timeout=600 update
	# shellcheck disable=SC2086
	quiet_apt_get install "${apt_opts[@]}" $missing
}

# The suite's source reuses the mirror and keyring of the existing Debian
# source, so no new host or key is introduced.
backports_source=/etc/apt/sources.list.d/s2svpn-backports.sources

have_backports_source() {
	grep -qs -- 'bookworm-backports' /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources
}

# Prints the "URIs:" and "Signed-By:" lines of the deb822 stanza that carries
# the bookworm suite.
debian_stanza_fields() {
	awk '
		/^[[:space:]]*$/ { if (suite) exit; uris = ""; key = ""; next }
		/^URIs:/ { uris = $0 }
		/^Signed-By:/ { key = $0 }
		/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") suite = 1 }
		END { if (suite) { print uris; if (key != "") print key } }
	' /etc/apt/sources.list.d/debian.sources 2>/dev/null
}

add_backports_source() {
	have_backports_source && return 0
	local fields
	fields=$(debian_stanza_fields)
	if [ -z "$fields" ]; then
		say "no bookworm stanza in /etc/apt/sources.list.d/debian.sources;"
		say "add bookworm-backports to apt's sources by hand and rerun"
		exit 1
	fi
	need_root "the bookworm-backports source"
	say "adding bookworm-backports ($backports_source)"
	{
		echo "Types: deb"
		echo "$fields" | grep '^URIs:'
		echo "Suites: bookworm-backports"
		echo "Components: main"
		echo "$fields" | grep '^Signed-By:' || true
	} >"$backports_source"
}

install_backports_kernel() {
	local v
	v=$(dpkg-query -W -f='${Version} ' linux-image-amd64 linux-headers-amd64 2>/dev/null || true)
	case "$v" in *bpo*" "*bpo*) return 0 ;; esac
	add_backports_source
	need_root "the bookworm-backports kernel"
	say "installing the bookworm-backports kernel and headers"
	quiet_apt_get -q -o DPkg::Lock::Timeout=600 update
	quiet_apt_get install "${apt_opts[@]}" -t bookworm-backports \
		linux-image-amd64 linux-headers-amd64
}

# Files of linux-source-6.1 the project uses, and where they land in build/:
# checkpatch for "make checkpatch", extract-vmlinux for the test VM's fast
# boot, the kselftest headers for C selftests.
kernel_tools=(
	scripts/checkpatch.pl:scripts
	scripts/spelling.txt:scripts
	scripts/const_structs.checkpatch:scripts
	scripts/extract-vmlinux:scripts
	tools/testing/selftests/kselftest.h:kselftest
	tools/testing/selftests/kselftest_harness.h:kselftest
)

extract_kernel_tools() {
	local out=$top/build entry f missing=()
	for entry in "${kernel_tools[@]}"; do
		f=${entry%%:*}
		[ -e "$out/${entry#*:}/${f##*/}" ] || missing+=("linux-source-6.1/$f")
	done
	[ ${#missing[@]} -gt 0 ] || return 0

	say "extracting kernel tools (checkpatch, kselftest headers) into build/"
	local tmp
	tmp=$(mktemp -d)
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$tmp" "${missing[@]}"
	for entry in "${kernel_tools[@]}"; do
		f=${entry%%:*}
		[ -e "$tmp/linux-source-6.1/$f" ] || continue
		mkdir -p "$out/${entry#*:}"
		mv "$tmp/linux-source-6.1/$f" "$out/${entry#*:}/"
	done
	rm -rf "$tmp"
}

install_base
[ "${S2S_BACKPORTS:-0}" = 1 ] && install_backports_kernel
extract_kernel_tools
