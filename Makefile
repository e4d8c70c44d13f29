# SPDX-License-Identifier: GPL-2.0-only
#
# s2svpn top-level build.
#   make                 module (kmod/s2svpn.ko) and tools (tools/s2sctl/s2sctl)
#   make KVER=6.1.0-56-amd64 / KDIR=...   pick the kernel headers
#   make check           host unit tests + VM selftests
#   make demo            two sites through an s2svpn tunnel, in the VM
#   make bench           benchmarks in the VM
#   make checkpatch      kernel style check of kmod/

S2S_VERSION := 0.1.0

# Newest installed Debian kernel that has headers.
KVER ?= $(shell for d in /lib/modules/*-amd64; do [ -e $$d/build/Makefile ] && basename $$d; done | sort -V | tail -n 1)
KDIR ?= /lib/modules/$(KVER)/build

export S2S_VERSION KVER KDIR

.PHONY: all module tools clean
all: module tools

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) S2S_VERSION=$(S2S_VERSION) W=$(W) modules

tools:
	$(MAKE) -C tools/s2sctl S2S_VERSION=$(S2S_VERSION)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean || true
	$(MAKE) -C tools/s2sctl clean
	rm -f kmod/compat-generated.h
