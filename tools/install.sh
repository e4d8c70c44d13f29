#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# "make install" and "make uninstall": s2sctl, libs2svpn (shared, static,
# headers, pkg-config file), the manual pages, the bash completion, and the
# module's sources with their dkms.conf (then "dkms install
# s2svpn/VERSION" builds the module for the running kernel).
#
# usage: tools/install.sh install|uninstall|list
# Variables (environment): DESTDIR (a staging root, absolute), PREFIX
# (/usr/local), SBINDIR, LIBDIR, INCLUDEDIR, MANDIR, DATADIR, SRCDIR
# (default /usr/src, where DKMS looks), S2S_VERSION.
#
# All or nothing: install checks its variables, then copies file by file;
# if any copy fails it removes what it had copied and exits 1.  Bad
# variables exit 2.  Each error is one line on stderr.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

say() { echo "s2svpn install: $*" >&2; }

action=${1:-}
case $action in
install | uninstall | list) ;;
*) say "usage: tools/install.sh install|uninstall|list"; exit 2 ;;
esac

DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/usr/local}
SBINDIR=${SBINDIR:-$PREFIX/sbin}
LIBDIR=${LIBDIR:-$PREFIX/lib}
INCLUDEDIR=${INCLUDEDIR:-$PREFIX/include}
DATADIR=${DATADIR:-$PREFIX/share}
MANDIR=${MANDIR:-$DATADIR/man}
SRCDIR=${SRCDIR:-/usr/src}
S2S_VERSION=${S2S_VERSION:-0.1.0}

for var in PREFIX SBINDIR LIBDIR INCLUDEDIR DATADIR MANDIR SRCDIR; do
	case ${!var} in
	/*) ;;
	*) say "$var must be an absolute path, not \"${!var}\""; exit 2 ;;
	esac
done
if [ -n "$DESTDIR" ]; then
	case $DESTDIR in
	/*) ;;
	*) say "DESTDIR must be an absolute path, not \"$DESTDIR\""; exit 2 ;;
	esac
	if [ -e "$DESTDIR" ] && [ ! -d "$DESTDIR" ]; then
		say "DESTDIR \"$DESTDIR\" is not a directory"
		exit 2
	fi
fi
case $S2S_VERSION in
*[!0-9A-Za-z.+~-]* | "") say "bad S2S_VERSION \"$S2S_VERSION\""; exit 2 ;;
esac

moddir=$SRCDIR/s2svpn-$S2S_VERSION

# manifest: "MODE SOURCE DESTINATION" lines; SOURCE "@link:TARGET" makes a
# symbolic link, "@gen:NAME" a generated file
manifest() {
	local f
	echo "0755 tools/s2sctl/s2sctl $SBINDIR/s2sctl"
	echo "0644 tools/libs2svpn/libs2svpn.so.0 $LIBDIR/libs2svpn.so.0"
	echo "0644 @link:libs2svpn.so.0 $LIBDIR/libs2svpn.so"
	echo "0644 tools/libs2svpn/libs2svpn.a $LIBDIR/libs2svpn.a"
	echo "0644 @gen:pc $LIBDIR/pkgconfig/libs2svpn.pc"
	echo "0644 tools/libs2svpn/include/s2svpn.h $INCLUDEDIR/s2svpn.h"
	for f in s2s.h netlink.h vec.h; do
		echo "0644 tools/libs2svpn/include/s2svpn/$f $INCLUDEDIR/s2svpn/$f"
	done
	echo "0644 uapi/linux/s2svpn.h $INCLUDEDIR/s2svpn/linux/s2svpn.h"
	echo "0644 Documentation/man/s2sctl.8 $MANDIR/man8/s2sctl.8"
	echo "0644 Documentation/man/s2svpn.7 $MANDIR/man7/s2svpn.7"
	echo "0644 tools/s2sctl/completion/s2sctl $DATADIR/bash-completion/completions/s2sctl"
	echo "0644 @gen:dkms $moddir/dkms.conf"
	echo "0644 Kbuild $moddir/Kbuild"
	echo "0644 uapi/linux/s2svpn.h $moddir/uapi/linux/s2svpn.h"
	for f in kmod/Kbuild kmod/*.c kmod/*.h; do
		case $f in
		*.mod.c | kmod/compat-generated.h) continue ;;
		esac
		echo "0644 $f $moddir/$f"
	done
	echo "0755 kmod/compat-probe.sh $moddir/kmod/compat-probe.sh"
}

generate() {
	case $1 in
	pc)
		cat <<-PC
		prefix=$PREFIX
		libdir=$LIBDIR
		includedir=$INCLUDEDIR

		Name: libs2svpn
		Description: drive the s2svpn kernel module (site-to-site IPsec) over netlink
		Version: $S2S_VERSION
		Requires: libnl-3.0 libnl-genl-3.0
		Libs: -L\${libdir} -ls2svpn
		Cflags: -I\${includedir} -I\${includedir}/s2svpn
		PC
		;;
	dkms) sed "s/#MODULE_VERSION#/$S2S_VERSION/" tools/dkms.conf ;;
	esac
}

# Directories install creates that no other software shares, removed
# again by uninstall when empty.
own_dirs() {
	printf '%s\n' "$moddir/kmod" "$moddir/uapi/linux" "$moddir/uapi" "$moddir" \
		"$INCLUDEDIR/s2svpn/linux" "$INCLUDEDIR/s2svpn"
}

if [ "$action" = list ]; then
	manifest | awk '{ print $3 }'
	exit 0
fi

if [ "$action" = uninstall ]; then
	manifest | while read -r _ _ dst; do
		rm -f -- "$DESTDIR$dst"
	done
	own_dirs | while read -r d; do
		rmdir -- "$DESTDIR$d" 2>/dev/null
	done
	exit 0
fi

# install: everything the manifest names must have been built
missing=$(manifest | while read -r _ src _; do
	case $src in @*) continue ;; esac
	[ -f "$src" ] || echo "$src"
done)
if [ -n "$missing" ]; then
	say "not built: $(echo $missing) (run \"make tools\" first)"
	exit 1
fi

done_list=()
created_dirs=()

roll_back() {
	local f d
	for f in "${done_list[@]}"; do
		rm -f -- "$f"
	done
	for ((d = ${#created_dirs[@]} - 1; d >= 0; d--)); do
		rmdir -- "${created_dirs[d]}" 2>/dev/null
	done
}

# make_dir DIR: mkdir -p, remembering what it created (for the roll-back)
make_dir() {
	local d=$1 todo=()
	while [ ! -d "$d" ]; do
		todo=("$d" "${todo[@]}")
		d=$(dirname "$d")
	done
	for d in "${todo[@]}"; do
		mkdir -- "$d" 2>/dev/null || return 1
		created_dirs+=("$d")
	done
}

while read -r mode src dst; do
	target=$DESTDIR$dst
	if ! make_dir "$(dirname "$target")"; then
		err="cannot create the directory of $target"
	else
		err=
		case $src in
		@link:*)
			ln -sfn -- "${src#@link:}" "$target" 2>/dev/null || err="cannot create $target" ;;
		@gen:*)
			{ generate "${src#@gen:}" >"$target" && chmod "$mode" "$target"; } \
				2>/dev/null || err="cannot write $target" ;;
		*)
			install -m "$mode" -- "$src" "$target" 2>/dev/null ||
				err="cannot install $target" ;;
		esac
		# recorded even when failed half-way: the roll-back removes it
		done_list+=("$target")
	fi
	if [ -n "$err" ]; then
		roll_back
		say "$err; nothing was installed"
		exit 1
	fi
done < <(manifest)
exit 0
