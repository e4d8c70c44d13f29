/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Packet, byte and drop-reason counters, for tunnels, SAs and segments.
 *
 * Packets and bytes are counted on every packet, so they are per CPU: 32
 * bytes per CPU on 64-bit.  Drops are rare on a working tunnel and there are
 * many reasons, so they are one shared array of atomics: per CPU they would
 * cost every SA 8 bytes x reasons x CPUs (16 KiB on 64 CPUs), enough to
 * break the budget of 4 KiB per SA.  A flood that makes every CPU drop into
 * the same counter pays a contended atomic add per packet it loses anyway,
 * as the core's atomic device drop counters did for years.
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

/**
 * struct s2s_stats - the counters of one object
 * @pcpu: packets and bytes, per CPU
 * @drops: dropped packets by enum s2s_drop_reason, shared
 */
struct s2s_stats {
	struct s2s_pcpu_stats __percpu *pcpu;
	atomic64_t drops[__S2S_DROP_MAX];
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
	if (stats)
		atomic64_inc(&stats->drops[reason]);
}

#endif /* _S2S_STATS_H */
