/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The in-kernel xfrm key manager: SAs that an IKE daemon installs through
 * XFRM with a tunnel's interface ID become s2svpn SAs of that tunnel.
 */
#ifndef _S2S_KM_H
#define _S2S_KM_H

#include <linux/atomic.h>
#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/types.h>

struct net;
struct netlink_ext_ack;
struct s2s_km_walk;
struct sk_buff;
struct s2s_tunnel;
union s2s_addr;

/**
 * struct s2s_km_net - the key manager's queue of one network namespace
 * @net: the namespace
 * @events: xfrm states to mirror (struct s2s_km_event), s2s_km_lock
 * @ready: entry in the key manager's round robin of namespaces with work
 * @n_events: entries in @events, at most S2S_KM_NET_EVENTS_MAX
 * @n_pending: SPIs claimed for this namespace, at most S2S_KM_NET_PENDING_MAX
 * @queued: in the round robin or being served, holding a reference on @net
 * @resync: every state and policy must be walked (events were lost)
 * @policy: the policies must be walked
 * @walk: the walk of the states under way, resumed at each turn (work item)
 * @bindings: the SAs mirrored in this namespace (struct s2s_km_binding), RTNL
 * @by_state: the same, hashed by xfrm state (RTNL)
 *
 * Part of struct s2s_net, so that a namespace flooding xfrm with states
 * only ever overflows its own queue (km.c).
 */
struct s2s_km_net {
	struct net *net;
	struct list_head events;
	struct list_head ready;
	unsigned int n_events;
	atomic_t n_pending;
	bool queued;
	bool resync;
	bool policy;
	struct s2s_km_walk *walk;
	struct list_head bindings;
	DECLARE_HASHTABLE(by_state, 8);
};

static inline void s2s_km_net_init(struct s2s_km_net *kn, struct net *net)
{
	kn->net = net;
	INIT_LIST_HEAD(&kn->events);
	INIT_LIST_HEAD(&kn->ready);
	INIT_LIST_HEAD(&kn->bindings);
	hash_init(kn->by_state);
}

int s2s_km_init(void);
void s2s_km_exit(void);

int s2s_km_check_if_id(struct net *net, const struct s2s_tunnel *self,
		       u32 if_id, struct netlink_ext_ack *extack);
void s2s_km_sync(struct net *net);
int s2s_km_claim(struct net *net, struct sk_buff *skb, u16 family,
		 const union s2s_addr *saddr, const union s2s_addr *daddr,
		 __be32 spi);
void s2s_km_policy_sync(struct net *net);
void s2s_km_new_mapping(struct s2s_tunnel *t, __be32 spi,
			const union s2s_addr *addr, __be16 port);

#endif /* _S2S_KM_H */
