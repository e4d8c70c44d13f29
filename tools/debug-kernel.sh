#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Builds (once per machine) the debug kernel of "make check-debug": Debian's
# linux-source-6.1 configured from x86_64 defconfig + kvm_guest.config,
# trimmed of what a qemu guest never uses, with everything the selftests
# need built in (virtio, 9p, netns, veth, xfrm, esp, vti, nftables, the
# crypto the module uses) and the kernel's runtime checkers on: KASAN,
# UBSAN, KMEMLEAK, lockdep (PROVE_LOCKING, PROVE_RCU), DEBUG_ATOMIC_SLEEP,
# DEBUG_OBJECTS, DEBUG_LIST, DEBUG_SG, DEBUG_NET.  panic_on_warn is given on
# the command line by the runner.
#
# The build lives outside the checkout, under
#   ${S2S_DEBUG_KERNEL_CACHE:-/var/cache/s2svpn/debug-kernel}/HASH/
# where HASH is a hash of this script's configuration fragment and of the
# kernel source version, so that a change to either builds a new tree and an
# unchanged one is reused.  It holds:
#   build/            the O= object tree (KDIR for an M= module build)
#   vmlinux, bzImage  the kernel
#   modroot/lib/modules/KREL/   modules.builtin etc., so that modprobe of a
#                     built-in driver succeeds in the guest
#   kernelrelease     KREL
#   done              present once everything above is complete
#
# usage: debug-kernel.sh [-p]   build if needed, print the cache directory
#        -p  only print the directory (exit 1 if it is not built)
# Environment: S2S_DEBUG_KERNEL_JOBS (default 2), S2S_DEBUG_KERNEL_NICE
# (default 10), S2S_DEBUG_KERNEL_SRC.
set -euo pipefail

src=${S2S_DEBUG_KERNEL_SRC:-/usr/src/linux-source-6.1}
cache_root=${S2S_DEBUG_KERNEL_CACHE:-/var/cache/s2svpn/debug-kernel}
jobs=${S2S_DEBUG_KERNEL_JOBS:-2}
print_only=0
[ "${1:-}" = -p ] && print_only=1

# The fragment applied on top of defconfig + kvm_guest.config.  "=y" and
# "=n" lines; options a kernel does not know are dropped by olddefconfig.
fragment() {
	cat <<-'EOF'
	CONFIG_LOCALVERSION="-s2sdebug"
	CONFIG_LOCALVERSION_AUTO=n
	CONFIG_MODULES=y
	CONFIG_MODULE_UNLOAD=y
	CONFIG_MODULE_FORCE_UNLOAD=n
	CONFIG_MODVERSIONS=n
	CONFIG_MODULE_SIG=n
	CONFIG_PVH=y
	CONFIG_HYPERVISOR_GUEST=y
	CONFIG_PARAVIRT=y
	CONFIG_KVM_GUEST=y
	CONFIG_SMP=y
	CONFIG_NR_CPUS=8
	CONFIG_VIRTIO=y
	CONFIG_VIRTIO_PCI=y
	CONFIG_VIRTIO_CONSOLE=y
	CONFIG_NET_9P=y
	CONFIG_NET_9P_VIRTIO=y
	CONFIG_9P_FS=y
	CONFIG_9P_FS_POSIX_ACL=y
	CONFIG_TMPFS=y
	CONFIG_TMPFS_POSIX_ACL=y
	CONFIG_DEVTMPFS=y
	CONFIG_DEVTMPFS_MOUNT=n
	CONFIG_BLK_DEV_INITRD=y
	CONFIG_RD_GZIP=y
	CONFIG_SERIAL_8250=y
	CONFIG_SERIAL_8250_CONSOLE=y
	CONFIG_MAGIC_SYSRQ=y
	CONFIG_IKCONFIG=y
	CONFIG_IKCONFIG_PROC=y
	CONFIG_NAMESPACES=y
	CONFIG_NET_NS=y
	CONFIG_USER_NS=y
	CONFIG_PID_NS=y
	CONFIG_UTS_NS=y
	CONFIG_IPC_NS=y
	CONFIG_CGROUPS=y
	CONFIG_SYSVIPC=y
	CONFIG_POSIX_MQUEUE=y
	CONFIG_NET=y
	CONFIG_INET=y
	CONFIG_IPV6=y
	CONFIG_PACKET=y
	CONFIG_UNIX=y
	CONFIG_INET_DIAG=y
	CONFIG_NETDEVICES=y
	CONFIG_NET_CORE=y
	CONFIG_VETH=y
	CONFIG_DUMMY=y
	CONFIG_TUN=y
	CONFIG_BRIDGE=y
	CONFIG_MACVLAN=y
	CONFIG_NET_IPGRE_DEMUX=y
	CONFIG_NET_IPGRE=y
	CONFIG_IPV6_GRE=y
	CONFIG_NET_UDP_TUNNEL=y
	CONFIG_INET_TUNNEL=y
	CONFIG_IPV6_TUNNEL=y
	CONFIG_IPV6_MULTIPLE_TABLES=y
	CONFIG_IP_MULTIPLE_TABLES=y
	CONFIG_IP_ADVANCED_ROUTER=y
	CONFIG_NET_SCHED=y
	CONFIG_NET_SCH_NETEM=y
	CONFIG_NET_SCH_FQ_CODEL=y
	CONFIG_NET_SCH_TBF=y
	CONFIG_NET_CLS_ACT=y
	CONFIG_XFRM=y
	CONFIG_XFRM_USER=y
	CONFIG_XFRM_INTERFACE=y
	CONFIG_XFRM_STATISTICS=y
	CONFIG_XFRM_ESP=y
	CONFIG_INET_ESP=y
	CONFIG_INET6_ESP=y
	CONFIG_INET_ESPINTCP=n
	CONFIG_INET6_ESPINTCP=n
	CONFIG_INET_XFRM_TUNNEL=y
	CONFIG_INET6_XFRM_TUNNEL=y
	CONFIG_NET_IPVTI=y
	CONFIG_IPV6_VTI=y
	CONFIG_NETFILTER=y
	CONFIG_NETFILTER_ADVANCED=y
	CONFIG_NF_CONNTRACK=y
	CONFIG_NF_NAT=y
	CONFIG_NF_TABLES=y
	CONFIG_NF_TABLES_INET=y
	CONFIG_NF_TABLES_IPV4=y
	CONFIG_NF_TABLES_IPV6=y
	CONFIG_NFT_CT=y
	CONFIG_NFT_NAT=y
	CONFIG_NFT_MASQ=y
	CONFIG_NFT_REJECT=y
	CONFIG_NFT_FIB_INET=y
	CONFIG_NFT_LOG=y
	CONFIG_NF_LOG_SYSLOG=y
	CONFIG_NETFILTER_XTABLES=y
	CONFIG_IP_NF_IPTABLES=y
	CONFIG_IP_NF_FILTER=y
	CONFIG_IP_NF_NAT=y
	CONFIG_IP_NF_TARGET_MASQUERADE=y
	CONFIG_IP6_NF_IPTABLES=y
	CONFIG_IP6_NF_FILTER=y
	CONFIG_NETFILTER_XT_MATCH_POLICY=y
	CONFIG_NETFILTER_XT_MARK=y
	CONFIG_WIREGUARD=y
	CONFIG_CRYPTO=y
	CONFIG_CRYPTO_MANAGER=y
	CONFIG_CRYPTO_MANAGER_DISABLE_TESTS=y
	CONFIG_CRYPTO_USER=y
	CONFIG_CRYPTO_USER_API_HASH=y
	CONFIG_CRYPTO_USER_API_SKCIPHER=y
	CONFIG_CRYPTO_USER_API_AEAD=y
	CONFIG_CRYPTO_AES=y
	CONFIG_CRYPTO_AES_NI_INTEL=y
	CONFIG_CRYPTO_GCM=y
	CONFIG_CRYPTO_GHASH=y
	CONFIG_CRYPTO_GHASH_CLMUL_NI_INTEL=y
	CONFIG_CRYPTO_CBC=y
	CONFIG_CRYPTO_CTR=y
	CONFIG_CRYPTO_CCM=y
	CONFIG_CRYPTO_HMAC=y
	CONFIG_CRYPTO_SHA1=y
	CONFIG_CRYPTO_SHA256=y
	CONFIG_CRYPTO_SHA512=y
	CONFIG_CRYPTO_SHA1_SSSE3=y
	CONFIG_CRYPTO_SHA256_SSSE3=y
	CONFIG_CRYPTO_SHA512_SSSE3=y
	CONFIG_CRYPTO_AUTHENC=y
	CONFIG_CRYPTO_SEQIV=y
	CONFIG_CRYPTO_ECHAINIV=y
	CONFIG_CRYPTO_CRYPTD=y
	CONFIG_CRYPTO_PCRYPT=y
	CONFIG_CRYPTO_CHACHA20POLY1305=y
	CONFIG_CRYPTO_TEST=n
	CONFIG_DRM=n
	CONFIG_SOUND=n
	CONFIG_USB_SUPPORT=n
	CONFIG_WLAN=n
	CONFIG_WIRELESS=n
	CONFIG_CFG80211=n
	CONFIG_MAC80211=n
	CONFIG_BT=n
	CONFIG_AGP=n
	CONFIG_FB=n
	CONFIG_HID=n
	CONFIG_INPUT_MOUSE=n
	CONFIG_INPUT_JOYSTICK=n
	CONFIG_INPUT_TABLET=n
	CONFIG_INPUT_TOUCHSCREEN=n
	CONFIG_ETHERNET=n
	CONFIG_SCSI=n
	CONFIG_ATA=n
	CONFIG_MD=n
	CONFIG_EXT4_FS=n
	CONFIG_NFS_FS=n
	CONFIG_NETWORK_FILESYSTEMS=y
	CONFIG_HIBERNATION=n
	CONFIG_SUSPEND=n
	CONFIG_CPU_FREQ=n
	CONFIG_PCCARD=n
	CONFIG_I2C=n
	CONFIG_HWMON=n
	CONFIG_THERMAL=n
	CONFIG_WATCHDOG=n
	CONFIG_MEDIA_SUPPORT=n
	CONFIG_PERF_EVENTS_INTEL_UNCORE=n
	CONFIG_SECURITY_SELINUX=n
	CONFIG_AUDIT=n
	CONFIG_PROFILING=n
	CONFIG_KPROBES=n
	CONFIG_FTRACE=n
	CONFIG_DEBUG_INFO_NONE=y
	CONFIG_DEBUG_INFO=n
	CONFIG_DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT=n
	CONFIG_DEBUG_INFO_BTF=n
	CONFIG_KALLSYMS=y
	CONFIG_KALLSYMS_ALL=y
	CONFIG_DEBUG_KERNEL=y
	CONFIG_DEBUG_MISC=y
	CONFIG_PANIC_ON_OOPS=n
	CONFIG_KASAN=y
	CONFIG_KASAN_GENERIC=y
	CONFIG_KASAN_INLINE=y
	CONFIG_KASAN_VMALLOC=y
	CONFIG_UBSAN=y
	CONFIG_UBSAN_BOUNDS=y
	CONFIG_UBSAN_SHIFT=y
	CONFIG_UBSAN_DIV_ZERO=y
	CONFIG_UBSAN_BOOL=y
	CONFIG_UBSAN_ENUM=y
	CONFIG_UBSAN_ALIGNMENT=n
	CONFIG_UBSAN_SANITIZE_ALL=y
	CONFIG_UBSAN_TRAP=n
	CONFIG_DEBUG_KMEMLEAK=y
	CONFIG_DEBUG_KMEMLEAK_MEM_POOL_SIZE=40000
	CONFIG_DEBUG_KMEMLEAK_DEFAULT_OFF=n
	CONFIG_DEBUG_KMEMLEAK_AUTO_SCAN=n
	CONFIG_PROVE_LOCKING=y
	CONFIG_PROVE_RCU=y
	CONFIG_DEBUG_LOCKDEP=n
	CONFIG_LOCKDEP_BITS=16
	CONFIG_LOCKDEP_CHAINS_BITS=17
	CONFIG_DEBUG_ATOMIC_SLEEP=y
	CONFIG_DEBUG_OBJECTS=y
	CONFIG_DEBUG_OBJECTS_FREE=y
	CONFIG_DEBUG_OBJECTS_TIMERS=y
	CONFIG_DEBUG_OBJECTS_WORK=y
	CONFIG_DEBUG_OBJECTS_RCU_HEAD=y
	CONFIG_DEBUG_OBJECTS_PERCPU_COUNTER=y
	CONFIG_DEBUG_LIST=y
	CONFIG_DEBUG_SG=y
	CONFIG_DEBUG_NET=y
	CONFIG_DEBUG_PREEMPT=n
	CONFIG_RCU_CPU_STALL_TIMEOUT=60
	CONFIG_SOFTLOCKUP_DETECTOR=y
	CONFIG_DETECT_HUNG_TASK=y
	CONFIG_DEFAULT_HUNG_TASK_TIMEOUT=240
	CONFIG_WQ_WATCHDOG=n
	CONFIG_STACKTRACE=y
	CONFIG_STACKPROTECTOR_STRONG=y
	CONFIG_FORTIFY_SOURCE=y
	CONFIG_HARDENED_USERCOPY=y
	CONFIG_INIT_ON_FREE_DEFAULT_ON=n
	CONFIG_X86_X2APIC=y
	CONFIG_IOMMU_SUPPORT=n
	CONFIG_AMD_IOMMU=n
	CONFIG_INTEL_IOMMU=n
	CONFIG_ACPI_AC=n
	CONFIG_ACPI_BATTERY=n
	CONFIG_ACPI_VIDEO=n
	CONFIG_ACPI_FAN=n
	CONFIG_ACPI_DOCK=n
	CONFIG_ACPI_THERMAL=n
	CONFIG_ACPI_BGRT=n
	CONFIG_ACPI_WMI=n
	CONFIG_ACPI_TABLE_UPGRADE=n
	CONFIG_X86_PLATFORM_DEVICES=n
	CONFIG_HOTPLUG_PCI=n
	CONFIG_PNP=n
	CONFIG_SERIAL_8250_EXTENDED=n
	CONFIG_SERIAL_8250_EXAR=n
	CONFIG_SERIAL_8250_LPSS=n
	CONFIG_SERIAL_8250_MID=n
	CONFIG_SERIAL_8250_PERICOM=n
	CONFIG_SERIAL_NONSTANDARD=n
	CONFIG_HW_RANDOM=n
	CONFIG_PPS=n
	CONFIG_PTP_1588_CLOCK=n
	CONFIG_RTC_CLASS=n
	CONFIG_NEW_LEDS=n
	CONFIG_POWER_SUPPLY=n
	CONFIG_NVMEM=n
	CONFIG_DMADEVICES=n
	CONFIG_RFKILL=n
	CONFIG_ISO9660_FS=n
	CONFIG_MSDOS_FS=n
	CONFIG_VFAT_FS=n
	CONFIG_FAT_FS=n
	CONFIG_AUTOFS_FS=n
	CONFIG_AUTOFS4_FS=n
	CONFIG_NETLABEL=n
	CONFIG_IP_PNP=n
	CONFIG_IP_MROUTE=n
	CONFIG_IPV6_SIT=n
	CONFIG_NF_CONNTRACK_FTP=n
	CONFIG_NF_CONNTRACK_IRC=n
	CONFIG_NF_CONNTRACK_SIP=n
	CONFIG_NETFILTER_XT_TARGET_CONNSECMARK=n
	CONFIG_NETFILTER_XT_TARGET_SECMARK=n
	CONFIG_NETFILTER_XT_TARGET_TCPMSS=n
	CONFIG_NETFILTER_XT_TARGET_NFLOG=n
	CONFIG_SYSTEM_TRUSTED_KEYRING=n
	CONFIG_ASYMMETRIC_KEY_TYPE=n
	CONFIG_BLK_CGROUP_IOLATENCY=n
	CONFIG_BLK_CGROUP_IOCOST=n
	CONFIG_CGROUP_DEBUG=n
	CONFIG_CGROUP_RDMA=n
	EOF
}

srcver=$(make -s -C "$src" kernelversion 2>/dev/null || basename "$src")
hash=$( { fragment; echo "$srcver"; } | sha256sum | cut -c1-16)
dir=$cache_root/$hash

if [ $print_only = 1 ]; then
	[ -e "$dir/done" ] || exit 1
	echo "$dir"
	exit 0
fi
if [ -e "$dir/done" ]; then
	echo "$dir"
	exit 0
fi

mkdir -p "$dir" 2>/dev/null || {
	echo "debug-kernel.sh: cannot create $dir (set S2S_DEBUG_KERNEL_CACHE)" >&2
	exit 1
}
exec 9>"$dir/lock"
flock 9
if [ -e "$dir/done" ]; then
	echo "$dir"
	exit 0
fi

log=$dir/build.log
obj=$dir/build
mkdir -p "$obj"
say() { echo "debug-kernel.sh: $*" >&2; }
say "building the debug kernel ($srcver) in $dir; log $log"
kmake() { nice -n "${S2S_DEBUG_KERNEL_NICE:-10}" make -C "$src" O="$obj" -j"$jobs" "$@"; }

if [ ! -e "$obj/.config.s2s" ]; then
	kmake defconfig >>"$log" 2>&1
	kmake kvm_guest.config >>"$log" 2>&1
	fragment | sed 's/^\t*//' >"$dir/fragment.config"
	# =n lines become "# CONFIG_X is not set" for merge_config.
	sed -E 's/^(CONFIG_[A-Za-z0-9_]+)=n$/# \1 is not set/' "$dir/fragment.config" \
		>"$dir/fragment.merge"
	(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" \
		"$obj/.config" "$dir/fragment.merge") >>"$log" 2>&1
	kmake olddefconfig >>"$log" 2>&1
	# Report what the fragment asked for and did not get.
	while IFS= read -r line; do
		case $line in
		*=n) opt=${line%=n}
			grep -q "^$opt=" "$obj/.config" && say "note: $opt is still set" ;;
		*) grep -qxF "$line" "$obj/.config" || say "note: $line not taken" ;;
		esac
	done <"$dir/fragment.config"
	cp "$obj/.config" "$obj/.config.s2s"
fi

# Progress: the count of objects built so far, every 30 s.
(
	while sleep 30; do
		n=$(find "$obj" -name '*.o' 2>/dev/null | wc -l)
		say "$(date -u +%H:%M:%S) $n objects built"
	done
) &
progress=$!
trap 'kill $progress 2>/dev/null' EXIT

start=$(date +%s)
if ! kmake bzImage modules >>"$log" 2>&1; then
	tail -n 30 "$log" >&2
	say "the build failed; log $log"
	exit 1
fi
rm -rf "$dir/modroot"
kmake INSTALL_MOD_PATH="$dir/modroot" modules_install >>"$log" 2>&1
kmake -s kernelrelease >"$dir/kernelrelease"
cp "$obj/vmlinux" "$dir/vmlinux"
cp "$obj/arch/x86/boot/bzImage" "$dir/bzImage"
touch "$dir/done"
say "built in $(($(date +%s) - start)) s"
echo "$dir"
