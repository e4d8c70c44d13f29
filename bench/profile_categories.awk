# SPDX-License-Identifier: GPL-2.0-only
#
# Sums a profile's samples into categories, for bench/report.sh ("Where the
# time goes, by profile") and its host test (tools/tests/bench_categories.sh).
#
# Input: "perf report --stdio --no-children --sort dso,sym -g none" lines,
#   "  12.34%  [aesni_intel]  [k] _encrypt_by_8_new2497"
# ("[k]" a kernel symbol, "[.]" a user-space one; comments and blank
# lines are skipped).  Output: "PROFILE<TAB>CATEGORY<TAB>PERCENT" per
# category found, PROFILE from -v prof=NAME.  The categories:
#   AEAD        the cipher's modules: aesni_intel (AES-GCM), the ChaCha20
#               and Poly1305 modules (WireGuard), or such code built in
#   crypto_API  the kernel's glue around it: crypto_*, scatterlists,
#               cryptd, crypto_simd, pcrypt and padata
#   tunnel      the tunnel's own code: s2svpn.ko; or esp4, ip_vti,
#               xfrm_interface and the kernel's xfrm_*/esp_* functions;
#               or wireguard.ko
#   copy+zero   kernel copies, zeroing and checksums (memcpy, memset,
#               clear_page, copy_user, csum_partial ...)
#   lock_wait   spinning on a contended spinlock (*spin_lock_slowpath)
#   sched       context switches, wake-ups, work items
#   idle        the idle loop
#   user        user space (iperf3, libc)
#   kernel      the rest: TCP/IP at both ends, veth, the allocator, timers

/^#/ || NF < 4 { next }
{
	p = $1
	if (p !~ /^[0-9.]+%$/)
		next
	sub(/%$/, "", p)
	dso = $2
	sym = $NF
	if ($3 == "[.]")
		k = "user"
	else if (dso ~ /^\[(aesni_intel|ghash_clmulni_intel|gf128mul|aes_generic|libaes|gcm|chacha_x86_64|poly1305_x86_64|libchacha|libpoly1305|libchacha20poly1305|chacha20poly1305|chacha_generic|poly1305_generic)\]$/ ||
		 (dso == "[kernel.kallsyms]" && sym ~ /^_*(chacha|hchacha|poly1305|gcm_|ghash|aes_|aesni)/))
		k = "AEAD"
	else if (dso ~ /^\[(cryptd|crypto_simd|pcrypt|padata)\]$/ ||
		 sym ~ /^_*(crypto_|scatterwalk|skb_to_sgvec|aead_|sg_|padata)/)
		k = "crypto_API"
	else if (dso ~ /^\[(s2svpn|esp4|esp6|ip_vti|ip6_vti|xfrm_interface|wireguard|xfrm_algo|tunnel4|ip_tunnel|udp_tunnel|ip6_udp_tunnel)\]$/ ||
		 sym ~ /^_*(xfrm|esp_|esp4|esp6|vti_)/)
		k = "tunnel"
	else if (sym ~ /(native_safe_halt|default_idle|cpu_idle|do_idle|poll_idle|acpi_idle|intel_idle|mwait_idle)/)
		k = "idle"
	else if (sym ~ /spin_lock_slowpath/)
		k = "lock_wait"
	else if (sym ~ /^_*(memset|memcpy|memmove|clear_page|copy_page|copy_user|copy_to_user|copy_from_user|rep_movs|rep_stos|_copy_to_iter|_copy_from_iter|csum_partial|csum_)/)
		k = "copy+zero"
	else if (sym ~ /^_*(schedule|finish_task_switch|switch_to|switch_mm|try_to_wake_up|ttwu_|wake_up|enqueue_task|dequeue_task|pick_next|update_curr|update_load_avg|queue_work|process_one_work|worker_thread|select_task_rq|newidle_balance|load_balance|psi_|set_next_entity|put_prev)/)
		k = "sched"
	else
		k = "kernel"
	s[k] += p
}
END {
	for (k in s)
		printf "%s\t%s\t%.2f\n", prof, k, s[k]
}
