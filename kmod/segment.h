/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Named segment marks (dev / test / prod ...), per network namespace.
 */
#ifndef _S2S_SEGMENT_H
#define _S2S_SEGMENT_H

#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include "../uapi/linux/s2svpn.h"
#include "stats.h"

struct s2s_net;
struct netlink_ext_ack;

/**
 * struct s2s_segment - a named skb mark/mask
 * @node: entry in s2s_net.segments (RTNL)
 * @name: NUL-terminated name
 * @mark: mark value (data path)
 * @mask: mark mask (data path)
 * @users: selectors naming the segment (RTNL); it cannot be deleted while
 *	any does, so a selector's segment lives as long as the selector
 * @stats: per direction packets and bytes (tx = out, rx = in) and drops
 *	by reason, of the traffic its selectors decided on
 * @rcu: deferred free
 */
struct s2s_segment {
	struct list_head node;
	char name[S2S_SEGMENT_NAME_SIZE];
	u32 mark;
	u32 mask;
	unsigned int users;
	struct s2s_stats stats;
	struct rcu_head rcu;
};

int s2s_segment_add(struct s2s_net *sn, const char *name, u32 mark,
		    u32 mask, struct netlink_ext_ack *extack);
int s2s_segment_del(struct s2s_net *sn, const char *name,
		    struct netlink_ext_ack *extack);
struct s2s_segment *s2s_segment_find(struct s2s_net *sn, const char *name);
void s2s_segment_flush(struct s2s_net *sn);

/**
 * s2s_segment_count() - count a packet of a segment
 * @seg: the segment
 * @dir: enum s2s_dir: S2S_DIR_OUT counts as tx, S2S_DIR_IN as rx
 * @len: its inner bytes
 *
 * Called under RCU, from the data path.
 */
static inline void s2s_segment_count(struct s2s_segment *seg, u8 dir,
				     unsigned int len)
{
	if (dir == S2S_DIR_OUT)
		s2s_stats_tx(&seg->stats, len);
	else
		s2s_stats_rx(&seg->stats, len);
}

/**
 * s2s_segment_drop() - count a dropped packet of a segment
 * @seg: the segment
 * @reason: why it was dropped
 *
 * Called under RCU, from the data path.
 */
static inline void s2s_segment_drop(struct s2s_segment *seg,
				    enum s2s_drop_reason reason)
{
	s2s_stats_drop(&seg->stats, reason);
}

#endif /* _S2S_SEGMENT_H */
