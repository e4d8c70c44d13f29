# SPDX-License-Identifier: GPL-2.0-only
#
# s2svpn top-level build.
#   make                 module (kmod/s2svpn.ko) and tools (tools/s2sctl/s2sctl,
#                        tools/libs2svpn)
#   make KVER=6.1.0-56-amd64 / KDIR=...   pick the kernel headers
#   make check           deps, builds, host unit tests, VM selftests on every
#                        installed kernel with headers (KVER=... : that one)
#   make demo            two sites through an s2svpn tunnel, in the VM
#   make demo-ike        the same keyed by strongSwan (IKEv2), with a rekey
#   make demo-failover   two customer gateways, BGP/BFD (FRR), one dies, in the VM
#   make bench           benchmarks in the VM
#   make checkpatch      kernel style check of kmod/
#   make check-debug     the selftests on a KASAN/UBSAN/kmemleak/lockdep kernel
#                        (built once per machine by tools/debug-kernel.sh)
#   make fuzz            the netlink fuzzer for FUZZ_SECONDS (default 600)
#                        on the debug kernel
#   make stress          the long stress test on the debug kernel
#   make check-timing    the timing-sensitive VM tests (BGP/BFD failover)
#   make deps            install what is missing (S2S_BACKPORTS=1: Linux 6.12 too)
#   make install         s2sctl, libs2svpn, man pages, completion, the module's
#                        sources for DKMS (DESTDIR, PREFIX=/usr/local, ...:
#                        tools/install.sh); make uninstall removes them
#   make deb             Debian packages s2svpn-dkms and s2sctl in build/deb/

S2S_VERSION := 0.1.0

# Newest installed Debian kernel that has headers.
KVER ?= $(shell tools/kernels.sh | tail -n 1)
KDIR ?= /lib/modules/$(KVER)/build

export S2S_VERSION KVER KDIR

.PHONY: all module tools clean deps module-tree check demo demo-ike demo-failover checkpatch bench \
	install uninstall deb debug-kernel check-debug fuzz stress check-timing
all: module tools

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) S2S_VERSION=$(S2S_VERSION) W=$(W) modules

tools:
	$(MAKE) -C tools/libs2svpn S2S_VERSION=$(S2S_VERSION)
	$(MAKE) -C tools/s2sctl S2S_VERSION=$(S2S_VERSION)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean || true
	$(MAKE) -C tools/s2sctl clean
	$(MAKE) -C tools/libs2svpn clean
	rm -f kmod/compat-generated.h
	rm -rf build/vm build/logs $(wildcard build/*-amd64)

deps:
	tools/deps.sh

# The module in a tree of its own, build/$(KVER)/, so that the objects of
# several kernels never mix; "make check" builds one per kernel.
TREE ?= build/$(KVER)
module-tree:
	mkdir -p $(TREE)
	tar -cf - --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.order' \
		--exclude='compat-generated.h*' Kbuild kmod uapi | tar -xf - -C $(TREE)
	rm -f $(TREE)/kmod/s2svpn.ko
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(TREE) S2S_VERSION=$(S2S_VERSION) W=1 modules

# KVER given on the command line or in the environment: that kernel only.
check:
	@tools/check.sh $(if $(filter command line environment,$(origin KVER)),-k $(KVER))

# On a fresh machine KVER is known only once deps.sh has installed a kernel.
# Then the gateway failover with FRR (demo-failover).
demo:
	tools/deps.sh
	k=$${KVER:-$$(tools/kernels.sh | tail -n 1)} && \
	$(MAKE) -s module-tree tools KVER=$$k KDIR=/lib/modules/$$k/build && \
	S2S_MODULE=$(CURDIR)/build/$$k/kmod/s2svpn.ko selftests/vm/run.sh -k $$k selftests/demo.sh && \
	$(MAKE) -s -C selftests tools/udpseq && \
	echo "== Failover with FRR: two customer gateways, BGP + BFD, one of them dies" && \
	S2S_MODULE=$(CURDIR)/build/$$k/kmod/s2svpn.ko selftests/vm/run.sh -k $$k -t 600 selftests/bgp_gateways.sh

# The same with strongSwan negotiating the keys (selftests/demo_ike.sh).
demo-ike:
	tools/deps.sh
	k=$${KVER:-$$(tools/kernels.sh | tail -n 1)} && \
	$(MAKE) -s module-tree tools KVER=$$k KDIR=/lib/modules/$$k/build && \
	S2S_MODULE=$(CURDIR)/build/$$k/kmod/s2svpn.ko selftests/vm/run.sh -k $$k selftests/demo_ike.sh

# The gateway failover of selftests/bgp_gateways.sh (FRR), its routes shown
# before, during and after; BFD 3000 ms x 3 as in make check (on an idle
# machine S2S_BGP_STRICT=1 make demo-failover: 500 ms x 3).
demo-failover:
	tools/deps.sh
	k=$${KVER:-$$(tools/kernels.sh | tail -n 1)} && \
	$(MAKE) -s module-tree tools KVER=$$k KDIR=/lib/modules/$$k/build && \
	$(MAKE) -s -C selftests tools/udpseq && \
	S2S_MODULE=$(CURDIR)/build/$$k/kmod/s2svpn.ko selftests/vm/run.sh -k $$k -t 600 selftests/bgp_gateways.sh

# The sources, not what the build generates.
KMOD_SOURCES = $(filter-out %.mod.c %/compat-generated.h,$(wildcard kmod/*.c kmod/*.h))
checkpatch: deps
	build/scripts/checkpatch.pl --no-tree --quiet -f $(KMOD_SOURCES) $(wildcard bench/kaead/*.c)

bench: deps
	@if [ -x bench/run.sh ]; then bench/run.sh; else echo "bench: no benchmarks yet"; fi

# For those without Debian packages; tools/install.sh lists the variables.
install: tools
	DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) S2S_VERSION=$(S2S_VERSION) tools/install.sh install

uninstall:
	DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) S2S_VERSION=$(S2S_VERSION) tools/install.sh uninstall

deb:
	tools/make-deb.sh

debug-kernel:
	tools/debug-kernel.sh

check-debug:
	@tools/check-debug.sh

# The timing-sensitive VM tests (selftests/Makefile TEST_PROGS_TIMING, e.g.
# BGP/BFD failover) with strict bounds (S2S_BGP_STRICT=1: BFD 500 ms x 3,
# outage within detection + 1.5 s; S2S_STRICT_TIMING=1: 10,000 selectors
# in under 2 s), one kernel after the other on an otherwise idle host.
check-timing: deps
	@for k in $$(tools/kernels.sh); do \
		$(MAKE) -s module-tree KVER=$$k KDIR=/lib/modules/$$k/build || exit 1; \
		S2S_BGP_STRICT=1 S2S_STRICT_TIMING=1 selftests/run_tests.sh -k $$k $$($(MAKE) -s -C selftests list | sed -n 's/^timing //p') || exit 1; \
	done

# The netlink fuzzer in the VM on the debug kernel, FUZZ_SECONDS per fuzzer
# (two run at once); FUZZ_KERNEL=KVER fuzzes an installed kernel instead.
FUZZ_SECONDS ?= 600
fuzz: tools
	@tools/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_KERNEL)

# The stress test at full size (60 s of churn, 10,000 tunnels, 100
# namespaces) on the debug kernel; STRESS_KERNEL=KVER: an installed kernel.
stress: tools
	@tools/fuzz.sh --stress 0 $(STRESS_KERNEL)
