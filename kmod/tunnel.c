// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tunnel object below its net_device: its parameter objects, the
 * namespace's hash of tunnels by outer address pair that the receive path
 * (input.c, encap.c) and the key manager (km.c) look tunnels up in, and the
 * peer address that a NAT mapping change teaches (nat.c, km.c).
 *
 * A tunnel's parameters (struct s2s_tunnel_params) are immutable once
 * published: a change builds a new object and swaps the pointer under RTNL,
 * and the old one is freed after a grace period.  The hash is written under
 * RTNL and read under RCU.  Nothing here knows the net_device's operations:
 * an s2svpn device is recognised by its link kind, which rtnetlink keeps
 * unique, so this file stays below device.c.
 */
#include <linux/jhash.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "events.h"
#include "netns.h"
#include "tunnel.h"

static u32 s2s_outer_hash(u16 family, const union s2s_addr *remote,
			  const union s2s_addr *local)
{
	u32 len = family == AF_INET ? sizeof(remote->ip4) : sizeof(remote->ip6);

	return jhash(remote, len, jhash(local, len, family));
}

/**
 * s2s_tunnel_params_new() - a parameter object for a configuration
 * @cfg: the configuration; its MTU stays with the tunnel (user_mtu)
 *
 * The peer starts as the configured remote (and UDP port).  Called in
 * process context.
 *
 * Return: the object, or NULL without memory.
 */
struct s2s_tunnel_params *
s2s_tunnel_params_new(const struct s2s_tunnel_config *cfg)
{
	struct s2s_tunnel_params *p;

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return NULL;
	if (dst_cache_init(&p->dst_cache, GFP_KERNEL_ACCOUNT)) {
		kfree(p);
		return NULL;
	}
	p->cfg = *cfg;
	p->cfg.mtu = 0;		/* s2s_tunnel.user_mtu has it */
	p->peer = cfg->remote;
	if (cfg->encap == S2S_ENCAP_UDP)
		p->peer_port = htons(cfg->dport);
	return p;
}

/**
 * s2s_tunnel_params_free() - free a parameter object no reader can see
 * @p: the object, or NULL
 */
void s2s_tunnel_params_free(struct s2s_tunnel_params *p)
{
	dst_cache_destroy(&p->dst_cache);
	kfree(p);
}

static void s2s_params_free_rcu(struct rcu_head *rcu)
{
	s2s_tunnel_params_free(container_of(rcu, struct s2s_tunnel_params, rcu));
}

/**
 * s2s_tunnel_params_release() - free a replaced parameter object
 * @p: the object, no longer published
 *
 * Readers that took it under RCU finish first.
 */
void s2s_tunnel_params_release(struct s2s_tunnel_params *p)
{
	call_rcu(&p->rcu, s2s_params_free_rcu);
}

/**
 * s2s_tunnel_hash() - put a tunnel into its namespace's outer-pair hash
 * @t: the tunnel; nothing happens while it has no addresses
 *
 * Called under RTNL.
 */
void s2s_tunnel_hash(struct s2s_tunnel *t)
{
	const struct s2s_tunnel_params *p = rtnl_dereference(t->params);
	struct s2s_net *sn = s2s_net(t->net);

	if (p->cfg.family)
		hash_add_rcu(sn->tunnel_hash, &t->outer_node,
			     s2s_outer_hash(p->cfg.family, &p->cfg.remote,
					    &p->cfg.local));
}

/**
 * s2s_tunnel_lookup_outer() - find a tunnel by outer address pair
 * @net: the namespace
 * @family: AF_INET or AF_INET6
 * @saddr: outer source address of a received packet (a tunnel's remote)
 * @daddr: outer destination address of that packet (the tunnel's local)
 * @match: NULL, or a further condition the tunnel must meet (several
 *	tunnels may share an address pair when their marks differ)
 * @arg: passed to @match
 *
 * Called under RCU (the receive path) or RTNL.  No reference is taken.
 *
 * Return: the first such tunnel or NULL.
 */
struct s2s_tunnel *s2s_tunnel_lookup_outer(struct net *net, u16 family,
					   const union s2s_addr *saddr,
					   const union s2s_addr *daddr,
					   s2s_tunnel_match_t match,
					   const void *arg)
{
	struct s2s_net *sn = s2s_net(net);
	const struct s2s_tunnel_params *p;
	struct s2s_tunnel *t;

	hash_for_each_possible_rcu(sn->tunnel_hash, t, outer_node,
				   s2s_outer_hash(family, saddr, daddr),
				   lockdep_rtnl_is_held()) {
		p = rcu_dereference_rtnl(t->params);
		if (p->cfg.family == family &&
		    s2s_addr_equal(family, &p->cfg.remote, saddr) &&
		    s2s_addr_equal(family, &p->cfg.local, daddr) &&
		    (!match || match(t, arg)))
			return t;
	}
	return NULL;
}

/**
 * s2s_tunnel_set_peer() - send UDP-encapsulated ESP to a learned NAT mapping
 * @t: the tunnel
 * @family: the family of @addr
 * @addr: the peer's outer address as the NAT shows it
 * @port: the peer's UDP port as the NAT shows it (network order)
 * @notify: send the nat-mapping event
 *
 * Called under RTNL when an authenticated packet came from there (RFC 3948
 * section 3.1, as IKE's NAT mapping update does), or when an IKE daemon
 * installs an outbound SA for another mapping (km.c).  A new parameter
 * object with its own route cache takes over; the event tells listeners.
 */
void s2s_tunnel_set_peer(struct s2s_tunnel *t, u16 family,
			 const union s2s_addr *addr, __be16 port, bool notify)
{
	struct s2s_tunnel_params *old = rtnl_dereference(t->params), *p;

	ASSERT_RTNL();
	if ((old->cfg.encap != S2S_ENCAP_UDP && !old->cfg.if_id) ||
	    old->cfg.family != family ||
	    (s2s_addr_equal(family, &old->peer, addr) &&
	     old->peer_port == port))
		return;
	p = s2s_tunnel_params_new(&old->cfg);
	if (!p)
		return;		/* the next packet tries again */
	p->peer = *addr;
	p->peer_port = port;
	rcu_assign_pointer(t->params, p);
	s2s_tunnel_params_release(old);
	if (notify)
		s2s_event_nat_mapping(t->dev, family, addr, ntohs(port));
}

/**
 * s2s_tunnel_from_dev() - the tunnel behind a net_device
 * @dev: any net_device
 *
 * Return: the tunnel, or NULL when @dev is not an s2svpn interface.
 */
struct s2s_tunnel *s2s_tunnel_from_dev(struct net_device *dev)
{
	if (!dev->rtnl_link_ops ||
	    strcmp(dev->rtnl_link_ops->kind, S2S_LINK_KIND))
		return NULL;
	return netdev_priv(dev);
}
