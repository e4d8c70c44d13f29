#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Builds the test VM's initramfs for one installed kernel: busybox-static,
# selftests/vm/init, and the virtio/9p modules that kernel needs to mount the
# host's root, in load order and decompressed (busybox insmod reads plain
# .ko only).
#
# usage: mkinitramfs.sh KVER OUTPUT.cpio [MODROOT]
#   MODROOT  the root under which lib/modules/KVER is (default /), for a
#            kernel not installed on the host (tools/debug-kernel.sh)
set -euo pipefail

kver=$1
output=$2
modroot=${3:-/}
here=$(cd "$(dirname "$0")" && pwd)
modules=(virtio_pci 9pnet_virtio 9p)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/modules"
cp /bin/busybox "$stage/bin/busybox"
cp "$here/init" "$stage/init"
chmod 755 "$stage/init"

# "modprobe --show-depends" lists what to insmod, dependencies first; the
# kernel's built-in modules show up as "builtin" and need nothing.
for m in "${modules[@]}"; do
	modprobe -d "$modroot" -S "$kver" --show-depends "$m"
done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' >"$stage/order"

while read -r ko; do
	name=$(basename "$ko")
	name=${name%.xz}
	name=${name%.zst}
	case "$ko" in
	*.xz) xz -dc "$ko" >"$stage/modules/$name" ;;
	*.zst) zstd -qdc "$ko" >"$stage/modules/$name" ;;
	*) cp "$ko" "$stage/modules/$name" ;;
	esac
	echo "$name" >>"$stage/modules.list"
done <"$stage/order"
rm "$stage/order"
touch "$stage/modules.list"

mkdir -p "$(dirname "$output")"
(cd "$stage" && find . | cpio -o -H newc -R 0:0 --quiet) >"$output.tmp"
mv "$output.tmp" "$output"
