/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per network namespace state: the data only (its life is pernet.c's).
 */
#ifndef _S2S_NETNS_H
#define _S2S_NETNS_H

#include <linux/atomic.h>
#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/netfilter.h>
#include <linux/rhashtable-types.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#define S2S_TUNNEL_HASH_BITS 8

struct s2s_km_walk;
struct s2s_kmp_walk;

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
 * @policy_walk: the walk of the policies under way, the same way
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
	struct s2s_kmp_walk *policy_walk;
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

/**
 * struct s2s_net - everything s2svpn keeps per network namespace
 * @net: the namespace
 * @tunnels: all s2svpn tunnels of this namespace, under RTNL
 * @n_tunnels: number of entries in @tunnels (RTNL), at most S2S_TUNNELS_MAX
 * @tunnel_hash: the tunnels with addresses, hashed by outer address pair;
 *	written under RTNL, read under RCU by the receive path
 * @segments: named segment marks (struct s2s_segment), under RTNL
 * @n_segments: number of entries in @segments (RTNL)
 * @sa_in: inbound SAs by SPI, a table that grows with them (SAs of one SPI
 *	on several local addresses share an entry); written under RTNL, read
 *	under RCU
 * @sa_in_closed: set once the namespace is dying and its tunnels are
 *	gone: lookups no longer enter @sa_in, which is then destroyed while
 *	the namespace's other devices may still receive
 * @n_sas: SAs linked to the tunnels of this namespace (RTNL)
 * @expire_work: SA lifetime housekeeping (events, hard-expiry removal)
 * @policy_tunnels: the policy-based tunnels of this namespace (policy.c);
 *	written under RTNL, read under RCU by the netfilter hook
 * @policy_ops: that hook, IPv4 and IPv6, registered while @policy_tunnels
 *	is not empty (RTNL)
 * @encap_socks: the UDP encapsulation sockets (struct s2s_encap_sock) of
 *	this namespace's tunnels (RTNL)
 * @km: the key manager's queue for this namespace (km.c)
 */
struct s2s_net {
	struct net *net;
	struct list_head tunnels;
	unsigned int n_tunnels;
	DECLARE_HASHTABLE(tunnel_hash, S2S_TUNNEL_HASH_BITS);
	struct list_head segments;
	unsigned int n_segments;
	struct rhltable sa_in;
	bool sa_in_closed;
	unsigned int n_sas;
	struct delayed_work expire_work;
	struct list_head policy_tunnels;
	struct nf_hook_ops policy_ops[2];
	struct list_head encap_socks;
	struct s2s_km_net km;
};

extern unsigned int s2s_net_id;

static inline struct s2s_net *s2s_net(const struct net *net)
{
	return net_generic(net, s2s_net_id);
}

#endif /* _S2S_NETNS_H */
