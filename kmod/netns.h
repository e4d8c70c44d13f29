/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per network namespace state.
 */
#ifndef _S2S_NETNS_H
#define _S2S_NETNS_H

#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/netfilter.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include "km.h"

#define S2S_SA_HASH_BITS 8
#define S2S_TUNNEL_HASH_BITS 8

/**
 * struct s2s_net - everything s2svpn keeps per network namespace
 * @net: the namespace
 * @tunnels: all s2svpn tunnels of this namespace, under RTNL
 * @n_tunnels: number of entries in @tunnels (RTNL), at most S2S_TUNNELS_MAX
 * @tunnel_hash: the tunnels with addresses, hashed by outer address pair;
 *	written under RTNL, read under RCU by the receive path
 * @segments: named segment marks (struct s2s_segment), under RTNL
 * @n_segments: number of entries in @segments (RTNL)
 * @sa_in: inbound SAs hashed by SPI; written under RTNL, read under RCU
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
	DECLARE_HASHTABLE(sa_in, S2S_SA_HASH_BITS);
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

int s2s_netns_init(void);
void s2s_netns_exit(void);

#endif /* _S2S_NETNS_H */
