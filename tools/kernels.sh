#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Lists the installed Debian kernels that s2svpn can be built for and tested
# on (image in /boot and headers in /lib/modules/KVER/build), oldest first.
for d in /lib/modules/*; do
	k=${d##*/}
	[ -e "$d/build/Makefile" ] && [ -e "/boot/vmlinuz-$k" ] && echo "$k"
done | sort -V
