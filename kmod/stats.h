/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU packet, byte and drop-reason counters, for tunnels and SAs.
 */
#ifndef _S2S_STATS_H
#define _S2S_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>
#include <linux/skbuff.h>
#include "../uapi/linux/s2svpn.h"

struct s2s_pcpu_stats {
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t drops[__S2S_DROP_MAX];
	struct u64_stats_sync syncp;
};

/**
 * struct s2s_stats_snapshot - counters summed over all CPUs
 * @tx_packets: packets encrypted and sent
 * @tx_bytes: their inner bytes
 * @rx_packets: packets decrypted and delivered
 * @rx_bytes: their inner bytes
 * @drops: dropped packets by enum s2s_drop_reason
 */
struct s2s_stats_snapshot {
	u64 tx_packets;
	u64 tx_bytes;
	u64 rx_packets;
	u64 rx_bytes;
	u64 drops[__S2S_DROP_MAX];
};

struct s2s_stats {
	struct s2s_pcpu_stats __percpu *pcpu;
};

int s2s_stats_init(struct s2s_stats *stats, gfp_t gfp);
void s2s_stats_free(struct s2s_stats *stats);
void s2s_stats_sum(const struct s2s_stats *stats,
		   struct s2s_stats_snapshot *snap);
int s2s_stats_fill(struct sk_buff *msg, int attrtype,
		   const struct s2s_stats *stats);

static inline void s2s_stats_tx(struct s2s_stats *stats, unsigned int len)
{
	struct s2s_pcpu_stats *s = get_cpu_ptr(stats->pcpu);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->tx_packets);
	u64_stats_add(&s->tx_bytes, len);
	u64_stats_update_end(&s->syncp);
	put_cpu_ptr(stats->pcpu);
}

static inline void s2s_stats_rx(struct s2s_stats *stats, unsigned int len)
{
	struct s2s_pcpu_stats *s = get_cpu_ptr(stats->pcpu);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->rx_packets);
	u64_stats_add(&s->rx_bytes, len);
	u64_stats_update_end(&s->syncp);
	put_cpu_ptr(stats->pcpu);
}

static inline void s2s_stats_drop(struct s2s_stats *stats,
				  enum s2s_drop_reason reason)
{
	struct s2s_pcpu_stats *s;

	if (!stats || !stats->pcpu)
		return;
	s = get_cpu_ptr(stats->pcpu);
	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->drops[reason]);
	u64_stats_update_end(&s->syncp);
	put_cpu_ptr(stats->pcpu);
}

#endif /* _S2S_STATS_H */
