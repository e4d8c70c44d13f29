#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench/profile_categories.awk, which "make bench" uses to sum each perf
# profile into categories (AEAD, tunnel, copies, lock waits, idle ...):
# every kind of line lands in its category, user-space samples stay user
# space whatever their symbol, comments and lines that are not samples are
# skipped, and the shares add up to what the input had.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tools/tests/tap.sh"

cats=$top/bench/profile_categories.awk

# classify "PERCENT DSO MARK SYMBOL": the category of that one line
classify() {
	printf '# header\n\n    %s  %s  %s %s\n' "$@" |
		awk -v prof=t -f "$cats" | cut -f2
}

# expect CATEGORY PERCENT DSO MARK SYMBOL
expect() {
	local want=$1 got
	shift
	got=$(classify "$@")
	[ "$got" = "$want" ] || diag "$3 $4: got '$got', want '$want'"
	ok $([ "$got" = "$want" ]; echo $?) "$4 ($2) is $want"
}

expect AEAD 13.32% '[aesni_intel]' '[k]' _encrypt_by_8_new2497
expect AEAD 15.20% '[aesni_intel]' '[k]' aes_gcm_enc_update_aesni_avx
expect AEAD 3.00% '[chacha_x86_64]' '[k]' chacha_4block_xor_avx2
expect AEAD 2.00% '[poly1305_x86_64]' '[k]' poly1305_blocks_avx2
expect crypto_API 0.50% '[kernel.kallsyms]' '[k]' crypto_aead_encrypt
expect crypto_API 0.40% '[kernel.kallsyms]' '[k]' scatterwalk_map_and_copy
expect crypto_API 0.30% '[cryptd]' '[k]' cryptd_queue_worker
expect tunnel 0.78% '[s2svpn]' '[k]' s2s_sa_lookup_in
expect tunnel 0.82% '[kernel.kallsyms]' '[k]' xfrm_input
expect tunnel 0.60% '[esp4]' '[k]' esp_output_tail
expect tunnel 0.20% '[wireguard]' '[k]' wg_packet_encrypt_worker
expect copy+zero 3.98% '[kernel.kallsyms]' '[k]' memset_erms
expect copy+zero 1.57% '[kernel.kallsyms]' '[k]' clear_page_erms
expect copy+zero 3.88% '[kernel.kallsyms]' '[k]' copy_user_enhanced_fast_string
expect copy+zero 0.75% '[kernel.kallsyms]' '[k]' csum_partial
expect lock_wait 5.95% '[kernel.kallsyms]' '[k]' native_queued_spin_lock_slowpath
expect sched 2.86% '[kernel.kallsyms]' '[k]' finish_task_switch.isra.0
expect sched 1.39% '[kernel.kallsyms]' '[k]' queue_work_on
expect idle 49.06% '[kernel.kallsyms]' '[k]' pv_native_safe_halt
expect idle 17.15% '[kernel.kallsyms]' '[k]' native_safe_halt
expect user 2.22% libc.so.6 '[.]' __memmove_avx_unaligned_erms
expect user 0.10% '[unknown]' '[.]' 0x00007f0000001000
expect kernel 1.19% '[kernel.kallsyms]' '[k]' fib_table_lookup
expect kernel 0.70% '[kernel.kallsyms]' '[k]' tcp_v4_rcv

# a whole profile: categories add up, lines that are no samples are skipped
out=$(awk -v prof=p -f "$cats" <<'EOT'
# Samples: 3K of event 'cpu-clock'
#
    40.00%  [aesni_intel]      [k] _encrypt_by_8_new2497
    10.00%  [aesni_intel]      [k] gcmaes_crypt_by_sg
    30.00%  [kernel.kallsyms]  [k] native_safe_halt
    15.00%  [kernel.kallsyms]  [k] tcp_ack
     5.00%  [s2svpn]           [k] s2s_esp_xmit

            |
            ---rfc4106_encrypt
EOT
)
want=$(printf 'p\tAEAD\t50.00\np\tidle\t30.00\np\tkernel\t15.00\np\ttunnel\t5.00')
got=$(sort -k2,2 <<<"$out")
[ "$got" = "$want" ] || diag "got:" "$got" "want:" "$want"
ok $([ "$got" = "$want" ]; echo $?) "a profile sums into its categories, other lines skipped"

total=$(awk -F'\t' '{ s += $3 } END { printf "%.2f", s }' <<<"$out")
ok $([ "$total" = 100.00 ]; echo $?) "the categories add up to the input's 100 % (got $total)"

tap_done
