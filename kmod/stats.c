// SPDX-License-Identifier: GPL-2.0-only
/*
 * Counters for tunnels, SAs and segments, and their netlink form.
 */
#include <net/netlink.h>
#include "stats.h"

/**
 * s2s_stats_init() - allocate per-CPU counters and zero the drops
 * @stats: the counters
 * @gfp: allocation flags
 *
 * Return: 0 or -ENOMEM.
 */
int s2s_stats_init(struct s2s_stats *stats, gfp_t gfp)
{
	struct s2s_pcpu_stats __percpu *pcpu;
	int cpu, i;

	for (i = 0; i < __S2S_DROP_MAX; i++)
		atomic64_set(&stats->drops[i], 0);
	pcpu = alloc_percpu_gfp(struct s2s_pcpu_stats, gfp | __GFP_ZERO);
	if (!pcpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(pcpu, cpu)->syncp);
	stats->pcpu = pcpu;
	return 0;
}

/**
 * s2s_stats_free() - release per-CPU counters
 * @stats: the counters
 */
void s2s_stats_free(struct s2s_stats *stats)
{
	free_percpu(stats->pcpu);
	stats->pcpu = NULL;
}

/**
 * s2s_stats_sum() - add up the counters of every CPU
 * @stats: the counters
 * @snap: receives the sums
 */
void s2s_stats_sum(const struct s2s_stats *stats,
		   struct s2s_stats_snapshot *snap)
{
	int cpu, i;

	memset(snap, 0, sizeof(*snap));
	for (i = 0; i < __S2S_DROP_MAX; i++)
		snap->drops[i] = atomic64_read(&stats->drops[i]);
	if (!stats->pcpu)
		return;
	for_each_possible_cpu(cpu) {
		const struct s2s_pcpu_stats *s = per_cpu_ptr(stats->pcpu, cpu);
		struct s2s_stats_snapshot one;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			one.tx_packets = u64_stats_read(&s->tx_packets);
			one.tx_bytes = u64_stats_read(&s->tx_bytes);
			one.rx_packets = u64_stats_read(&s->rx_packets);
			one.rx_bytes = u64_stats_read(&s->rx_bytes);
		} while (u64_stats_fetch_retry(&s->syncp, start));

		snap->tx_packets += one.tx_packets;
		snap->tx_bytes += one.tx_bytes;
		snap->rx_packets += one.rx_packets;
		snap->rx_bytes += one.rx_bytes;
	}
}

/**
 * s2s_stats_fill() - put the counters into a netlink message
 * @msg: the message
 * @attrtype: type of the nest to create (enum s2s_stats_attr inside)
 * @stats: the counters
 *
 * Every drop reason is reported, zero or not, so that scripts find a
 * stable set of keys.
 *
 * Return: 0 or -EMSGSIZE.
 */
int s2s_stats_fill(struct sk_buff *msg, int attrtype,
		   const struct s2s_stats *stats)
{
	struct s2s_stats_snapshot snap;
	struct nlattr *nest, *drops;
	int i;

	s2s_stats_sum(stats, &snap);
	nest = nla_nest_start(msg, attrtype);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(msg, S2S_STATS_A_TX_PACKETS, snap.tx_packets,
			      S2S_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, S2S_STATS_A_TX_BYTES, snap.tx_bytes,
			      S2S_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, S2S_STATS_A_RX_PACKETS, snap.rx_packets,
			      S2S_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, S2S_STATS_A_RX_BYTES, snap.rx_bytes,
			      S2S_STATS_A_PAD))
		goto cancel;
	drops = nla_nest_start(msg, S2S_STATS_A_DROPS);
	if (!drops)
		goto cancel;
	for (i = 1; i < __S2S_DROP_MAX; i++)
		if (nla_put_u64_64bit(msg, i, snap.drops[i], S2S_DROP_UNSPEC))
			goto cancel;
	nla_nest_end(msg, drops);
	nla_nest_end(msg, nest);
	return 0;

cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}
