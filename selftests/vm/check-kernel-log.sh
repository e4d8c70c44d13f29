#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Scans a guest console log for signs that the kernel went wrong: WARN/BUG/
# Oops, KASAN/UBSAN reports, lockdep splats, RCU stalls and lockups, leaked
# device references.  Prints the offending lines, exits 1 when there are any.
#
# usage: check-kernel-log.sh LOG...   (the console log, the guest's dmesg)

# Only kernel lines count (they start with the printk timestamp), so what
# tests print cannot trip it.  Matched at the start of the message:
start='WARNING:|BUG:|Oops|kernel BUG at|INFO: |Kernel panic|general protection fault'
# matched anywhere in the message:
anywhere='KASAN:|UBSAN:|rcu: INFO|self-detected stall|detected stalls on CPUs|soft lockup|hard LOCKUP|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|unregister_netdevice: waiting for|Call Trace:'

cat "$@" 2>/dev/null | tr -d '\r' |
	grep -aE "^\[ *[0-9]+\.[0-9]+\] ((${start})|.*(${anywhere}))" |
	awk '!seen[$0]++ { found = 1; print } END { exit found }'
