// SPDX-License-Identifier: GPL-2.0-only
/*
 * Traffic selectors and their classifier.
 *
 * Which selector decides a packet is defined by selector_core.h: the first
 * in the effective order (priority, then specificity, then id) that
 * matches.  Finding it must not cost more as a tunnel gains selectors, so
 * selectors are kept by the shape of their address match (a tuple space):
 *
 *   group  (direction, family, dst prefix length, src prefix length), one
 *          per shape in use, on an RCU list per direction;
 *   bucket (the same, plus the dst and src prefixes themselves), in a hash
 *          table per tunnel; it holds its selectors in effective order.
 *
 * A packet can only match selectors in the bucket whose prefixes are its
 * own addresses cut to the group's lengths, so a lookup costs one hash
 * probe per group and a walk of one bucket per group until the first
 * selector that matches or that cannot beat the best so far.  The number
 * of groups depends on how many prefix-length pairs are in use, not on how
 * many selectors there are: 10 and 10,000 /24-to-/24 selectors both make
 * one group.  Adding or deleting a selector touches one bucket, one group,
 * the id map and an rbtree of the effective order (for dumps): O(log n),
 * no rebuild.
 *
 * Writers hold RTNL; the data path reads under RCU.  Everything a tunnel's
 * selectors allocate is charged to the memory cgroup of the process that
 * adds them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netlink.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include "netns.h"
#include "segment.h"
#include "selector.h"

/**
 * struct s2s_sel_key - what a bucket is found by
 * @dir: enum s2s_dir
 * @family: AF_INET or AF_INET6
 * @dst_plen: destination prefix length
 * @src_plen: source prefix length
 * @dst: destination prefix, zero beyond @dst_plen
 * @src: source prefix, zero beyond @src_plen
 */
struct s2s_sel_key {
	u8 dir;
	u8 family;
	u8 dst_plen;
	u8 src_plen;
	union s2s_addr dst;
	union s2s_addr src;
};

/**
 * struct s2s_sel_group - one prefix-length pair in use in a direction
 * @node: entry in s2s_sel_dir.groups (RCU)
 * @family: AF_INET or AF_INET6
 * @dst_plen: destination prefix length
 * @src_plen: source prefix length
 * @buckets: buckets of this shape (RTNL)
 * @rcu: deferred free
 */
struct s2s_sel_group {
	struct list_head node;
	u8 family;
	u8 dst_plen;
	u8 src_plen;
	unsigned int buckets;
	struct rcu_head rcu;
};

/**
 * struct s2s_sel_bucket - the selectors of one direction with the same
 *	family and prefixes
 * @node: entry in s2s_sel_table.buckets
 * @key: direction, family, prefix lengths and prefixes
 * @selectors: struct s2s_selector in effective order (RCU)
 * @group: the group of its shape
 * @rcu: deferred free
 */
struct s2s_sel_bucket {
	struct rhash_head node;
	struct s2s_sel_key key;
	struct list_head selectors;
	struct s2s_sel_group *group;
	struct rcu_head rcu;
};

static const struct rhashtable_params s2s_sel_ht_params = {
	.key_len = sizeof(struct s2s_sel_key),
	.key_offset = offsetof(struct s2s_sel_bucket, key),
	.head_offset = offsetof(struct s2s_sel_bucket, node),
	.automatic_shrinking = true,
};

static struct s2s_sel_dir *s2s_sel_dir(struct s2s_sel_table *tab, u8 dir)
{
	return &tab->dir[s2s_sel_dir_index(dir)];
}

/**
 * s2s_sel_table_init() - give a tunnel an empty selector table
 * @t: the tunnel, being initialised
 *
 * Return: 0 or a negative errno.
 */
int s2s_sel_table_init(struct s2s_tunnel *t)
{
	struct s2s_sel_table *tab;
	int err, i;

	tab = kzalloc(sizeof(*tab), GFP_KERNEL_ACCOUNT);
	if (!tab)
		return -ENOMEM;
	err = rhashtable_init(&tab->buckets, &s2s_sel_ht_params);
	if (err) {
		kfree(tab);
		return err;
	}
	xa_init_flags(&tab->ids, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	tab->next_id = 1;
	for (i = 0; i < S2S_SEL_DIRS; i++) {
		INIT_LIST_HEAD(&tab->dir[i].groups);
		tab->dir[i].order = RB_ROOT;
	}
	t->sel = tab;
	return 0;
}

/**
 * s2s_sel_table_free() - free a tunnel's (empty) selector table
 * @t: the tunnel, once no reader can reach it
 */
void s2s_sel_table_free(struct s2s_tunnel *t)
{
	struct s2s_sel_table *tab = t->sel;

	if (!tab)
		return;
	WARN_ON_ONCE(tab->count);
	rhashtable_destroy(&tab->buckets);
	xa_destroy(&tab->ids);
	kfree(tab);
	t->sel = NULL;
}

/* ---- the effective order, for dumps (RTNL) ---- */

static void s2s_sel_order_insert(struct s2s_sel_dir *d,
				 struct s2s_selector *sel)
{
	struct rb_node **link = &d->order.rb_node, *parent = NULL;

	while (*link) {
		struct s2s_selector *cur;

		parent = *link;
		cur = rb_entry(parent, struct s2s_selector, order_node);
		if (s2s_sel_order_cmp(&sel->order, &cur->order) < 0)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&sel->order_node, parent, link);
	rb_insert_color(&sel->order_node, &d->order);
}

/**
 * s2s_sel_next() - the selector after @sel in effective order
 * @sel: a selector
 *
 * Called under RTNL.
 *
 * Return: the selector or NULL.
 */
struct s2s_selector *s2s_sel_next(struct s2s_selector *sel)
{
	struct rb_node *n = rb_next(&sel->order_node);

	return n ? rb_entry(n, struct s2s_selector, order_node) : NULL;
}

/**
 * s2s_sel_after() - the first selector that goes after a sort key
 * @t: the tunnel
 * @dir: enum s2s_dir
 * @after: a sort key, typically of the last selector a dump sent
 *
 * Lets a dump resume in O(log n) even when selectors came or went since
 * it sent the last one.  Called under RTNL.
 *
 * Return: the selector or NULL.
 */
struct s2s_selector *s2s_sel_after(struct s2s_tunnel *t, u8 dir,
				   const struct s2s_sel_order *after)
{
	struct rb_node *n = s2s_sel_dir(t->sel, dir)->order.rb_node;
	struct s2s_selector *found = NULL;

	while (n) {
		struct s2s_selector *cur = rb_entry(n, struct s2s_selector,
						    order_node);

		if (s2s_sel_order_cmp(&cur->order, after) > 0) {
			found = cur;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return found;
}

/**
 * s2s_sel_counters() - packets and bytes a selector matched
 * @sel: the selector
 * @packets: receives the packets
 * @bytes: receives their bytes
 */
void s2s_sel_counters(const struct s2s_selector *sel, u64 *packets,
		      u64 *bytes)
{
	int cpu;

	*packets = 0;
	*bytes = 0;
	for_each_possible_cpu(cpu) {
		const struct s2s_sel_pcpu *s = per_cpu_ptr(sel->pcpu, cpu);
		unsigned int start;
		u64 p, b;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			p = u64_stats_read(&s->packets);
			b = u64_stats_read(&s->bytes);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		*packets += p;
		*bytes += b;
	}
}

/* ---- adding and deleting (RTNL) ---- */

static void s2s_sel_key_of(struct s2s_sel_key *key, u8 dir,
			   const struct s2s_sel_rule *r)
{
	memset(key, 0, sizeof(*key));
	key->dir = dir;
	key->family = r->family;
	key->dst_plen = r->dst_plen;
	key->src_plen = r->src_plen;
	key->dst = r->dst;
	key->src = r->src;
}

static struct s2s_sel_group *s2s_sel_group_get(struct s2s_sel_dir *d,
					       const struct s2s_sel_key *key)
{
	struct s2s_sel_group *g;

	list_for_each_entry(g, &d->groups, node)
		if (g->family == key->family && g->dst_plen == key->dst_plen &&
		    g->src_plen == key->src_plen)
			return g;
	g = kzalloc(sizeof(*g), GFP_KERNEL_ACCOUNT);
	if (!g)
		return NULL;
	g->family = key->family;
	g->dst_plen = key->dst_plen;
	g->src_plen = key->src_plen;
	list_add_tail_rcu(&g->node, &d->groups);
	return g;
}

static void s2s_sel_group_put(struct s2s_sel_group *g)
{
	if (g->buckets)
		return;
	list_del_rcu(&g->node);
	kfree_rcu(g, rcu);
}

static struct s2s_sel_bucket *s2s_sel_bucket_new(struct s2s_sel_table *tab,
						 const struct s2s_sel_key *key)
{
	struct s2s_sel_dir *d = s2s_sel_dir(tab, key->dir);
	struct s2s_sel_bucket *b;
	int err;

	b = kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b)
		return ERR_PTR(-ENOMEM);
	b->key = *key;
	INIT_LIST_HEAD(&b->selectors);
	b->group = s2s_sel_group_get(d, key);
	if (!b->group) {
		kfree(b);
		return ERR_PTR(-ENOMEM);
	}
	err = rhashtable_insert_fast(&tab->buckets, &b->node, s2s_sel_ht_params);
	if (err) {
		s2s_sel_group_put(b->group);
		kfree(b);
		return ERR_PTR(err);
	}
	b->group->buckets++;
	return b;
}

static void s2s_sel_bucket_put(struct s2s_sel_table *tab,
			       struct s2s_sel_bucket *b)
{
	if (!list_empty(&b->selectors))
		return;
	rhashtable_remove_fast(&tab->buckets, &b->node, s2s_sel_ht_params);
	b->group->buckets--;
	s2s_sel_group_put(b->group);
	kfree_rcu(b, rcu);
}

/* Links @sel into bucket @b before the first selector that goes after it. */
static void s2s_sel_bucket_link(struct s2s_sel_bucket *b,
				struct s2s_selector *sel)
{
	struct s2s_selector *cur;

	sel->bucket = b;
	list_for_each_entry(cur, &b->selectors, bucket_node) {
		if (s2s_sel_order_cmp(&sel->order, &cur->order) < 0) {
			list_add_tail_rcu(&sel->bucket_node, &cur->bucket_node);
			return;
		}
	}
	list_add_tail_rcu(&sel->bucket_node, &b->selectors);
}

static void s2s_sel_free_rcu(struct rcu_head *head)
{
	struct s2s_selector *sel = container_of(head, struct s2s_selector, rcu);

	free_percpu(sel->pcpu);
	kfree(sel);
}

static void s2s_sel_unlink(struct s2s_sel_table *tab, struct s2s_selector *sel)
{
	struct s2s_sel_dir *d = s2s_sel_dir(tab, sel->dir);

	xa_erase(&tab->ids, sel->rule.id);
	rb_erase(&sel->order_node, &d->order);
	list_del_rcu(&sel->bucket_node);
	s2s_sel_bucket_put(tab, sel->bucket);
	WRITE_ONCE(d->count, d->count - 1);
	tab->count--;
	if (sel->segment)
		sel->segment->users--;
	call_rcu(&sel->rcu, s2s_sel_free_rcu);
}

static int s2s_sel_check_prefix(const union s2s_addr *addr, u8 plen,
				u16 family, bool dst,
				struct netlink_ext_ack *extack)
{
	if (plen > s2s_sel_addr_bits(family)) {
		if (dst)
			NL_SET_ERR_MSG_MOD(extack,
					   "dst prefix length is longer than the address (32 for IPv4, 128 for IPv6)");
		else
			NL_SET_ERR_MSG_MOD(extack,
					   "src prefix length is longer than the address (32 for IPv4, 128 for IPv6)");
		return -EINVAL;
	}
	if (!s2s_sel_prefix_clean(addr, plen, family)) {
		if (dst)
			NL_SET_ERR_MSG_MOD(extack,
					   "dst address has bits set beyond its prefix length");
		else
			NL_SET_ERR_MSG_MOD(extack,
					   "src address has bits set beyond its prefix length");
		return -EINVAL;
	}
	return 0;
}

static int s2s_sel_check_ports(const struct s2s_sel_rule *r,
			       struct netlink_ext_ack *extack)
{
	bool icmp = s2s_sel_proto_is_icmp(r->proto, r->family);

	if (r->sport_min > r->sport_max || r->dport_min > r->dport_max) {
		NL_SET_ERR_MSG_MOD(extack,
				   "port range is inverted: its first port is above its last");
		return -EINVAL;
	}
	if (!s2s_sel_rule_has_ports(r) || s2s_sel_proto_has_ports(r->proto))
		return 0;
	if (!icmp) {
		NL_SET_ERR_MSG_MOD(extack,
				   "ports need protocol tcp, udp, sctp or udplite (ICMP type and code need icmp or icmpv6)");
		return -EINVAL;
	}
	if ((s2s_sel_range_narrow(r->sport_min, r->sport_max) &&
	     r->sport_max > S2S_SEL_ICMP_MAX) ||
	    (s2s_sel_range_narrow(r->dport_min, r->dport_max) &&
	     r->dport_max > S2S_SEL_ICMP_MAX)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "ICMP type and code (SPORT, DPORT) are 0 to 255");
		return -EINVAL;
	}
	return 0;
}

/* Everything about a new selector that does not depend on the others. */
static int s2s_sel_check(const struct s2s_sel_config *cfg,
			 struct netlink_ext_ack *extack)
{
	const struct s2s_sel_rule *r = &cfg->rule;
	int err;

	if (cfg->dir != S2S_DIR_IN && cfg->dir != S2S_DIR_OUT) {
		NL_SET_ERR_MSG_MOD(extack, "selector direction must be in or out");
		return -EINVAL;
	}
	if (r->family != AF_INET && r->family != AF_INET6) {
		NL_SET_ERR_MSG_MOD(extack, "selector prefixes must be IPv4 or IPv6");
		return -EINVAL;
	}
	err = s2s_sel_check_prefix(&r->src, r->src_plen, r->family, false,
				   extack);
	if (!err)
		err = s2s_sel_check_prefix(&r->dst, r->dst_plen, r->family, true,
					   extack);
	if (err)
		return err;
	if ((r->proto == IPPROTO_ICMP && r->family == AF_INET6) ||
	    (r->proto == IPPROTO_ICMPV6 && r->family == AF_INET)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "icmp goes with IPv4 prefixes and icmpv6 with IPv6 ones");
		return -EINVAL;
	}
	err = s2s_sel_check_ports(r, extack);
	if (err)
		return err;
	if (r->priority > S2S_SEL_PRIORITY_MAX) {
		NL_SET_ERR_MSG_MOD(extack,
				   "selector priority is above S2S_SEL_PRIORITY_MAX (65535)");
		return -ERANGE;
	}
	if (cfg->action < S2S_SEL_PROTECT || cfg->action > S2S_SEL_DISCARD) {
		NL_SET_ERR_MSG_MOD(extack,
				   "selector action must be protect, bypass or discard");
		return -EINVAL;
	}
	return 0;
}

static struct s2s_selector *s2s_sel_alloc(void)
{
	struct s2s_selector *sel;
	int cpu;

	sel = kzalloc(sizeof(*sel), GFP_KERNEL_ACCOUNT);
	if (!sel)
		return NULL;
	sel->pcpu = alloc_percpu_gfp(struct s2s_sel_pcpu,
				     GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!sel->pcpu) {
		kfree(sel);
		return NULL;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(sel->pcpu, cpu)->syncp);
	return sel;
}

/* A selector in @b that matches the same packets with the same priority. */
static bool s2s_sel_duplicate(const struct s2s_sel_bucket *b,
			      const struct s2s_sel_rule *r)
{
	const struct s2s_selector *cur;

	list_for_each_entry(cur, &b->selectors, bucket_node)
		if (s2s_sel_rule_same(&cur->rule, r))
			return true;
	return false;
}

/**
 * s2s_sel_add() - add a traffic selector to a tunnel
 * @t: the tunnel
 * @cfg: the selector; its rule is normalised (any port range 0..65535,
 *	the segment's mark for outbound selectors)
 * @id: receives the id the kernel gave it
 * @extack: receives the reason of a refusal
 *
 * Refuses, and changes nothing, when the selector is invalid, names an
 * unknown segment, would exceed S2S_TUNNEL_SELECTORS_MAX or duplicates one
 * the tunnel has (same match fields, direction and priority).  Called under
 * RTNL.
 *
 * Return: 0 or a negative errno.
 */
int s2s_sel_add(struct s2s_tunnel *t, struct s2s_sel_config *cfg, u32 *id,
		struct netlink_ext_ack *extack)
{
	struct s2s_sel_table *tab = t->sel;
	struct s2s_sel_rule *r = &cfg->rule;
	struct s2s_segment *seg = NULL;
	struct s2s_sel_bucket *b;
	struct s2s_selector *sel;
	struct s2s_sel_key key;
	int err;

	ASSERT_RTNL();
	err = s2s_sel_check(cfg, extack);
	if (err)
		return err;
	if (cfg->segment[0]) {
		seg = s2s_segment_find(s2s_net(t->net), cfg->segment);
		if (!seg) {
			NL_SET_ERR_MSG_MOD(extack, "no segment with this name (segment show lists them)");
			return -ENOENT;
		}
	}
	s2s_sel_rule_normalise(r);
	/* outbound, a segment selects by mark; inbound, it tags */
	r->mark = seg && cfg->dir == S2S_DIR_OUT ? seg->mark : 0;
	r->mask = seg && cfg->dir == S2S_DIR_OUT ? seg->mask : 0;

	s2s_sel_key_of(&key, cfg->dir, r);
	b = rhashtable_lookup_fast(&tab->buckets, &key, s2s_sel_ht_params);
	if (b && s2s_sel_duplicate(b, r)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the tunnel has a selector with the same match fields, direction and priority");
		return -EEXIST;
	}
	if (tab->count >= S2S_TUNNEL_SELECTORS_MAX) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the tunnel has the maximum number of selectors (S2S_TUNNEL_SELECTORS_MAX, 16384)");
		return -ENOSPC;
	}

	sel = s2s_sel_alloc();
	if (!sel)
		return -ENOMEM;
	err = xa_alloc_cyclic(&tab->ids, &r->id, sel, XA_LIMIT(1, U32_MAX),
			      &tab->next_id, GFP_KERNEL_ACCOUNT);
	if (err < 0)
		goto err_free;
	if (!b) {
		b = s2s_sel_bucket_new(tab, &key);
		if (IS_ERR(b)) {
			err = PTR_ERR(b);
			goto err_id;
		}
	}

	sel->rule = *r;
	sel->dir = cfg->dir;
	sel->action = cfg->action;
	sel->origin = cfg->origin;
	sel->segment = seg;
	s2s_sel_order_key(&sel->rule, &sel->order);
	s2s_sel_order_insert(s2s_sel_dir(tab, cfg->dir), sel);
	s2s_sel_bucket_link(b, sel);
	WRITE_ONCE(s2s_sel_dir(tab, cfg->dir)->count,
		   s2s_sel_dir(tab, cfg->dir)->count + 1);
	tab->count++;
	if (seg)
		seg->users++;
	*id = r->id;
	return 0;

err_id:
	xa_erase(&tab->ids, r->id);
err_free:
	free_percpu(sel->pcpu);
	kfree(sel);
	return err;
}

/**
 * s2s_sel_del() - delete a traffic selector
 * @t: the tunnel
 * @id: the selector's id
 * @extack: receives the reason of a refusal
 *
 * Packets already matched finish with it; it is freed after a grace
 * period.  Called under RTNL.
 *
 * Return: 0 or -ENOENT.
 */
int s2s_sel_del(struct s2s_tunnel *t, u32 id, struct netlink_ext_ack *extack)
{
	struct s2s_selector *sel;

	ASSERT_RTNL();
	sel = xa_load(&t->sel->ids, id);
	if (!sel) {
		NL_SET_ERR_MSG_MOD(extack, "the tunnel has no selector with this id");
		return -ENOENT;
	}
	if (sel->origin != S2S_SEL_ORIGIN_USER) {
		NL_SET_ERR_MSG_MOD(extack,
				   "this selector mirrors an xfrm policy of the tunnel's if-id (origin ike): the IKE daemon removes it");
		return -EPERM;
	}
	s2s_sel_unlink(t->sel, sel);
	return 0;
}

/**
 * s2s_sel_find() - the selector of a tunnel that has these match fields
 * @t: the tunnel
 * @dir: enum s2s_dir
 * @rule: match fields and priority, normalised as s2s_sel_add() stores
 *	them (any port range 0..65535, an outbound segment's mark and mask)
 *
 * Called under RTNL.
 *
 * Return: the selector s2s_sel_add() would refuse @rule as a duplicate of,
 * or NULL.
 */
struct s2s_selector *s2s_sel_find(struct s2s_tunnel *t, u8 dir,
				  const struct s2s_sel_rule *rule)
{
	struct s2s_selector *cur;
	struct s2s_sel_bucket *b;
	struct s2s_sel_key key;

	ASSERT_RTNL();
	s2s_sel_key_of(&key, dir, rule);
	b = rhashtable_lookup_fast(&t->sel->buckets, &key, s2s_sel_ht_params);
	if (!b)
		return NULL;
	list_for_each_entry(cur, &b->selectors, bucket_node)
		if (s2s_sel_rule_same(&cur->rule, rule))
			return cur;
	return NULL;
}

/**
 * s2s_sel_remove() - delete a selector whatever its origin
 * @t: the tunnel
 * @sel: one of its selectors
 *
 * For km_policy.c, which owns the selectors it mirrored.  Packets already
 * matched finish with it.  Called under RTNL.
 */
void s2s_sel_remove(struct s2s_tunnel *t, struct s2s_selector *sel)
{
	ASSERT_RTNL();
	s2s_sel_unlink(t->sel, sel);
}

/**
 * s2s_sel_flush() - delete every selector of a tunnel
 * @t: the tunnel, going away
 *
 * Releases the segments they name.  Called under RTNL.
 */
void s2s_sel_flush(struct s2s_tunnel *t)
{
	struct s2s_selector *sel;
	unsigned long id;

	ASSERT_RTNL();
	if (!t->sel)
		return;
	xa_for_each(&t->sel->ids, id, sel)
		s2s_sel_unlink(t->sel, sel);
}

/* ---- the data path (RCU) ---- */

/* Reads the ports (or ICMP type and code) at @thoff. */
static int s2s_flow_ports(struct sk_buff *skb, int thoff,
			  struct s2s_flow *flow)
{
	__be16 _ports[2];
	const __be16 *ports;
	u8 _icmp[2];
	const u8 *icmp;

	if (s2s_sel_proto_has_ports(flow->proto)) {
		ports = skb_header_pointer(skb, thoff, sizeof(_ports), _ports);
		if (!ports)
			return -EINVAL;
		flow->sport = ntohs(ports[0]);
		flow->dport = ntohs(ports[1]);
		flow->ports = true;
	} else if (s2s_sel_proto_is_icmp(flow->proto, flow->family)) {
		icmp = skb_header_pointer(skb, thoff, sizeof(_icmp), _icmp);
		if (!icmp)
			return -EINVAL;
		flow->sport = icmp[0];
		flow->dport = icmp[1];
		flow->ports = true;
	}
	return 0;
}

static int s2s_flow_ipv4(struct sk_buff *skb, int off, struct s2s_flow *flow)
{
	struct iphdr _iph;
	const struct iphdr *iph;

	iph = skb_header_pointer(skb, off, sizeof(_iph), &_iph);
	if (!iph || iph->ihl < 5)
		return -EINVAL;
	flow->family = AF_INET;
	flow->proto = iph->protocol;
	flow->src.ip4 = iph->saddr;
	flow->dst.ip4 = iph->daddr;
	/* a later fragment carries no transport header */
	if (iph->frag_off & htons(IP_OFFSET))
		return 0;
	return s2s_flow_ports(skb, off + iph->ihl * 4, flow);
}

static int s2s_flow_ipv6(struct sk_buff *skb, int off, struct s2s_flow *flow)
{
	struct ipv6hdr _ip6h;
	const struct ipv6hdr *ip6h;
	__be16 frag_off;
	u8 nexthdr;
	int thoff;

	ip6h = skb_header_pointer(skb, off, sizeof(_ip6h), &_ip6h);
	if (!ip6h)
		return -EINVAL;
	flow->family = AF_INET6;
	flow->src.ip6 = ip6h->saddr;
	flow->dst.ip6 = ip6h->daddr;
	nexthdr = ip6h->nexthdr;
	thoff = ipv6_skip_exthdr(skb, off + sizeof(*ip6h), &nexthdr, &frag_off);
	if (thoff < 0)
		return -EINVAL;
	flow->proto = nexthdr;
	if (frag_off & htons(~0x7))
		return 0;
	return s2s_flow_ports(skb, thoff, flow);
}

/**
 * s2s_flow_from_skb() - what the selectors see of a packet
 * @skb: an IPv4 or IPv6 packet at its network header
 * @flow: receives addresses, protocol, ports (or ICMP type and code) and
 *	mark
 *
 * Reads without changing @skb (linear or not).  The transport protocol is
 * the one after any IPv6 extension headers; later fragments have no ports.
 *
 * Return: 0, or -EINVAL when the packet is not a well-formed IPv4 or IPv6
 * packet (or a first fragment too short for its ports).
 */
int s2s_flow_from_skb(struct sk_buff *skb, struct s2s_flow *flow)
{
	int off = skb_network_offset(skb);
	const u8 *version;
	u8 _version;

	memset(flow, 0, sizeof(*flow));
	flow->mark = skb->mark;
	version = skb_header_pointer(skb, off, 1, &_version);
	if (!version)
		return -EINVAL;
	switch (*version >> 4) {
	case 4:
		return s2s_flow_ipv4(skb, off, flow);
	case 6:
		return s2s_flow_ipv6(skb, off, flow);
	default:
		return -EINVAL;
	}
}

static void s2s_sel_count(struct s2s_selector *sel, unsigned int len)
{
	struct s2s_sel_pcpu *s = get_cpu_ptr(sel->pcpu);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->packets);
	u64_stats_add(&s->bytes, len);
	u64_stats_update_end(&s->syncp);
	put_cpu_ptr(sel->pcpu);
}

/*
 * The best selector of bucket @b for @flow, if it beats @best: buckets keep
 * effective order, so the walk stops at the first that matches or that
 * goes after @best.
 */
static struct s2s_selector *s2s_sel_bucket_best(struct s2s_sel_bucket *b,
						const struct s2s_flow *flow,
						struct s2s_selector *best)
{
	struct s2s_selector *sel;

	list_for_each_entry_rcu(sel, &b->selectors, bucket_node) {
		if (best && s2s_sel_order_cmp(&sel->order, &best->order) > 0)
			break;
		if (s2s_sel_match_l4(&sel->rule, flow))
			return sel;
	}
	return best;
}

/**
 * s2s_sel_match() - the selector that decides a packet
 * @t: the tunnel
 * @dir: enum s2s_dir
 * @flow: the packet, from s2s_flow_from_skb()
 * @len: its length, for the selector's byte counter
 *
 * Called under RCU (typically with BHs off); the selector stays valid until
 * the caller's read-side critical section ends.
 *
 * Return: the first matching selector in effective order, its counters
 * advanced, or NULL when none matches.
 */
struct s2s_selector *s2s_sel_match(struct s2s_tunnel *t, u8 dir,
				   const struct s2s_flow *flow,
				   unsigned int len)
{
	struct s2s_sel_dir *d = s2s_sel_dir(t->sel, dir);
	struct s2s_selector *best = NULL;
	struct s2s_sel_group *g;
	struct s2s_sel_bucket *b;
	struct s2s_sel_key key;

	memset(&key, 0, sizeof(key));
	key.dir = dir;
	key.family = flow->family;
	rcu_read_lock();
	list_for_each_entry_rcu(g, &d->groups, node) {
		if (g->family != flow->family)
			continue;
		key.dst_plen = g->dst_plen;
		key.src_plen = g->src_plen;
		s2s_sel_prefix_mask(&key.dst, &flow->dst, g->dst_plen);
		s2s_sel_prefix_mask(&key.src, &flow->src, g->src_plen);
		b = rhashtable_lookup(&t->sel->buckets, &key, s2s_sel_ht_params);
		if (b)
			best = s2s_sel_bucket_best(b, flow, best);
	}
	if (best)
		s2s_sel_count(best, len);
	rcu_read_unlock();
	return best;
}

/**
 * s2s_sel_none() - whether a direction of a tunnel has no selector
 * @t: the tunnel
 * @dir: enum s2s_dir
 *
 * A route-based tunnel without selectors in @dir carries everything.
 * Called under RCU.
 *
 * Return: true when @dir has no selector.
 */
bool s2s_sel_none(struct s2s_tunnel *t, u8 dir)
{
	return !READ_ONCE(s2s_sel_dir(t->sel, dir)->count);
}
