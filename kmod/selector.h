/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Traffic selectors (RFC 4301 style) of a tunnel, per direction, and their
 * classifier.  The rules themselves (matching, order) are selector_core.h's.
 */
#ifndef _S2S_SELECTOR_H
#define _S2S_SELECTOR_H

#include <linux/in.h>
#include <linux/list.h>
#include <linux/rbtree.h>
#include <linux/rhashtable-types.h>
#include <linux/skbuff.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <linux/xarray.h>
#include "tunnel.h"
#include "selector_core.h"

struct s2s_segment;
struct s2s_sel_bucket;
struct netlink_ext_ack;

/* enum s2s_dir as an index: S2S_DIR_IN 0, S2S_DIR_OUT 1 */
#define S2S_SEL_DIRS 2
#define s2s_sel_dir_index(dir) ((dir) - S2S_DIR_IN)

struct s2s_sel_pcpu {
	u64_stats_t packets;
	u64_stats_t bytes;
	struct u64_stats_sync syncp;
};

/**
 * struct s2s_selector - one traffic selector of a tunnel
 * @rule: match fields and order key (selector_core.h)
 * @dir: enum s2s_dir
 * @action: enum s2s_sel_action (data path)
 * @segment: the segment it names, or NULL (data path; RCU-safe as long as
 *	the selector is: a segment that selectors use cannot be deleted)
 * @order: sort key of @rule, cached
 * @bucket: the bucket holding it (same family, prefixes and direction)
 * @bucket_node: entry in @bucket's list, in effective order (RCU)
 * @order_node: entry in its direction's tree, in effective order (RTNL)
 * @pcpu: packets and bytes matched
 * @rcu: deferred free
 * @origin: enum s2s_sel_origin: added by the user, or mirrored from an
 *	xfrm policy of the tunnel's if-id (km_policy.c)
 * @km_gen: km_policy.c's mark-and-sweep generation (RTNL)
 */
struct s2s_selector {
	struct s2s_sel_rule rule;
	u8 dir;
	u8 action;
	u8 origin;
	u32 km_gen;
	struct s2s_segment *segment;
	struct s2s_sel_order order;
	struct s2s_sel_bucket *bucket;
	struct list_head bucket_node;
	struct rb_node order_node;
	struct s2s_sel_pcpu __percpu *pcpu;
	struct rcu_head rcu;
};

/**
 * struct s2s_sel_dir - the selectors of one direction of a tunnel
 * @groups: struct s2s_sel_group, one per (family, dst_plen, src_plen) in
 *	use (RCU readers, RTNL writers)
 * @order: every selector of the direction in effective order (RTNL)
 * @count: number of selectors (written under RTNL, read locklessly)
 */
struct s2s_sel_dir {
	struct list_head groups;
	struct rb_root order;
	unsigned int count;
};

/**
 * struct s2s_sel_table - the selectors of a tunnel
 * @buckets: struct s2s_sel_bucket by (direction, family, prefix lengths,
 *	prefixes)
 * @ids: selectors by id (RTNL)
 * @next_id: where the search for a free id starts (ids are not reused soon)
 * @count: selectors of both directions (RTNL)
 * @dir: per direction, indexed by s2s_sel_dir_index()
 * @ike_refused: xfrm policies of the tunnel's if-id that km_policy.c could
 *	not mirror into selectors at its last sync (RTNL writes)
 */
struct s2s_sel_table {
	struct rhashtable buckets;
	struct xarray ids;
	u32 next_id;
	unsigned int count;
	unsigned int ike_refused;
	struct s2s_sel_dir dir[S2S_SEL_DIRS];
};

/**
 * struct s2s_sel_config - a selector as netlink supplies it
 * @rule: match fields (id ignored)
 * @dir: enum s2s_dir
 * @action: enum s2s_sel_action
 * @segment: segment name, "" for none
 * @origin: enum s2s_sel_origin (netlink: always S2S_SEL_ORIGIN_USER)
 */
struct s2s_sel_config {
	struct s2s_sel_rule rule;
	u8 dir;
	u8 action;
	u8 origin;
	char segment[S2S_SEGMENT_NAME_SIZE];
};

/* Control plane (RTNL) */
int s2s_sel_table_init(struct s2s_tunnel *t);
void s2s_sel_flush(struct s2s_tunnel *t);
void s2s_sel_table_free(struct s2s_tunnel *t);
int s2s_sel_add(struct s2s_tunnel *t, struct s2s_sel_config *cfg, u32 *id,
		struct netlink_ext_ack *extack);
int s2s_sel_del(struct s2s_tunnel *t, u32 id, struct netlink_ext_ack *extack);
struct s2s_selector *s2s_sel_next(struct s2s_selector *sel);
struct s2s_selector *s2s_sel_after(struct s2s_tunnel *t, u8 dir,
				   const struct s2s_sel_order *after);
struct s2s_selector *s2s_sel_find(struct s2s_tunnel *t, u8 dir,
				  const struct s2s_sel_rule *rule);
void s2s_sel_remove(struct s2s_tunnel *t, struct s2s_selector *sel);
void s2s_sel_counters(const struct s2s_selector *sel, u64 *packets,
		      u64 *bytes);

/* Data path (RCU) */
int s2s_flow_from_skb(struct sk_buff *skb, struct s2s_flow *flow);
struct s2s_selector *s2s_sel_match(struct s2s_tunnel *t, u8 dir,
				   const struct s2s_flow *flow,
				   unsigned int len);
bool s2s_sel_none(struct s2s_tunnel *t, u8 dir);

#endif /* _S2S_SELECTOR_H */
