/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The tunnel object that every part of the module works on (device.c makes
 * it a net_device), its configuration, and the lookups of tunnel.c: by
 * outer address pair for the receive path, from a net_device for the
 * control plane, and the peer a NAT mapping teaches.
 */
#ifndef _S2S_TUNNEL_H
#define _S2S_TUNNEL_H

#include <linux/netdevice.h>
#include <linux/in6.h>
#include <linux/rtnetlink.h>
#include <net/dst_cache.h>
#include <net/ipv6.h>
#include "../uapi/linux/s2svpn.h"
#include "queueing.h"
#include "stats.h"

struct s2s_encap_sock;
struct s2s_sa;
struct s2s_sel_table;

union s2s_addr {
	__be32 ip4;
	struct in6_addr ip6;
};

/**
 * struct s2s_tunnel_config - tunnel parameters, as netlink supplies them
 * @family: AF_INET or AF_INET6, the outer (underlay) family
 * @local: outer source address
 * @remote: outer destination address (the peer gateway)
 * @mode: enum s2s_mode
 * @mark: mark set on decrypted packets (under @mark_mask)
 * @mark_mask: bits of skb->mark that @mark owns; 0 = leave the mark alone
 * @mtu: user-set MTU, 0 = derive from the underlay route (control plane
 *	only: the tunnel keeps it in s2s_tunnel.user_mtu)
 * @encap: enum s2s_encap
 * @sport: UDP encapsulation source port (host order)
 * @dport: UDP encapsulation destination port (host order)
 * @keepalive: seconds between NAT keepalives, 0 = none
 * @if_id: xfrm interface ID whose states the tunnel carries (km.c), 0 = none
 * @probe_family: AF_INET or AF_INET6 when liveness probing is on, else 0
 * @probe: the peer's inside address that probes go to (probe.c)
 * @probe_interval: ms between probes
 * @probe_misses: silent intervals after which the peer is dead
 */
struct s2s_tunnel_config {
	u16 family;
	union s2s_addr local;
	union s2s_addr remote;
	u8 mode;
	u32 mark;
	u32 mark_mask;
	u32 mtu;
	u8 encap;
	u16 sport;
	u16 dport;
	u16 keepalive;
	u32 if_id;
	u16 probe_family;
	union s2s_addr probe;
	u32 probe_interval;
	u32 probe_misses;
};

/**
 * struct s2s_tunnel_params - the configuration the data path reads
 * @cfg: the configuration
 * @peer: where outer packets go: the configured remote, or with UDP
 *	encapsulation the address a NAT mapping change taught (encap.c)
 * @peer_port: with UDP encapsulation, the destination port (network
 *	order) going with @peer; 0 without
 * @dst_cache: underlay route to exactly these addresses
 * @rcu: deferred free
 *
 * Immutable once published: a change builds a new object and swaps
 * s2s_tunnel.params under RTNL.  A packet takes one snapshot and uses it
 * from routing to the outer header, so a family or address change can
 * never pair a route of one family with a header of the other.  The route
 * cache lives and dies with the addresses it caches routes for.
 */
struct s2s_tunnel_params {
	struct s2s_tunnel_config cfg;
	union s2s_addr peer;
	__be16 peer_port;
	struct dst_cache dst_cache;
	struct rcu_head rcu;
};

/**
 * struct s2s_tunnel - private data of an s2svpn net_device
 * @dev: the net_device
 * @net: its namespace (underlay and overlay are the same namespace)
 * @net_node: entry in s2s_net.tunnels (RTNL)
 * @outer_node: entry in s2s_net.tunnel_hash by outer address pair, while
 *	the tunnel has addresses (RTNL writes, RCU reads)
 * @params: the current configuration (RCU; see struct s2s_tunnel_params)
 * @user_mtu: MTU set by the user, 0 = derived from the underlay (RTNL)
 * @mtu_internal: set while the tunnel itself changes the device MTU (RTNL)
 * @tx_sa: the active outbound SA (RCU)
 * @sa_list: every SA of this tunnel, both directions (RTNL)
 * @n_in_sa: number of inbound SAs (RTNL)
 * @rx_napi: delivers decrypted packets in order, through GRO
 * @stats: per-tunnel counters and drop reasons
 * @txq: outbound packets in crypto, in order
 * @rxq: inbound packets in crypto, in order
 * @sel: traffic selectors, both directions (selector.c)
 * @policy_node: entry in s2s_net.policy_tunnels while the tunnel is in
 *	policy mode (policy.c; RTNL writes, RCU reads)
 * @encap_sock: the UDP encapsulation socket while encapsulating (RTNL)
 * @keepalive_work: sends NAT keepalives (encap.c)
 * @nat_work: applies a learned NAT mapping (encap.c)
 * @nat_lock: protects @nat_family, @nat_addr, @nat_port and @nat_spi
 * @nat_family: family of the last learned source
 * @nat_addr: last learned outer source address
 * @nat_port: last learned UDP source port (network order)
 * @nat_spi: the inbound SPI that taught it (network order)
 * @nat_quiet_until: jiffies before which no new mapping is learnt (encap.c)
 * @probe_work: liveness probing (probe.c)
 * @last_rx: jiffies of the last authenticated inbound packet
 * @peer_dead: probing found the peer silent: no carrier (RTNL)
 * @probe_seq: sequence number of the last probe (RTNL)
 */
struct s2s_tunnel {
	struct net_device *dev;
	struct net *net;
	struct list_head net_node;
	struct hlist_node outer_node;
	struct s2s_tunnel_params __rcu *params;
	u32 user_mtu;
	bool mtu_internal;
	struct s2s_sa __rcu *tx_sa;
	struct list_head sa_list;
	unsigned int n_in_sa;
	struct s2s_rx_napi rx_napi;
	struct s2s_stats stats;
	struct s2s_queue txq;
	struct s2s_queue rxq;
	struct s2s_sel_table *sel;
	struct list_head policy_node;
	struct s2s_encap_sock *encap_sock;
	struct delayed_work keepalive_work;
	struct work_struct nat_work;
	spinlock_t nat_lock;	/* see above */
	u16 nat_family;
	union s2s_addr nat_addr;
	__be16 nat_port;
	__be32 nat_spi;
	unsigned long nat_quiet_until;
	struct delayed_work probe_work;
	unsigned long last_rx;
	bool peer_dead;
	u16 probe_seq;
};

static inline bool s2s_addr_equal(u16 family, const union s2s_addr *a,
				  const union s2s_addr *b)
{
	if (family == AF_INET)
		return a->ip4 == b->ip4;
	return ipv6_addr_equal(&a->ip6, &b->ip6);
}

/**
 * s2s_tunnel_peer_state() - what liveness probing knows of the peer
 * @t: the tunnel
 *
 * Probing (probe.c) sets @t->peer_dead; this reads it.  Called under RTNL.
 *
 * Return: enum s2s_peer_state.
 */
static inline u8 s2s_tunnel_peer_state(const struct s2s_tunnel *t)
{
	if (!rtnl_dereference(t->params)->cfg.probe_family)
		return S2S_PEER_UNKNOWN;
	return t->peer_dead ? S2S_PEER_DEAD : S2S_PEER_ALIVE;
}

struct s2s_tunnel_params *
s2s_tunnel_params_new(const struct s2s_tunnel_config *cfg);
void s2s_tunnel_params_free(struct s2s_tunnel_params *p);
void s2s_tunnel_params_release(struct s2s_tunnel_params *p);
void s2s_tunnel_hash(struct s2s_tunnel *t);
void s2s_tunnel_set_peer(struct s2s_tunnel *t, u16 family,
			 const union s2s_addr *addr, __be16 port, bool notify);
struct s2s_tunnel *s2s_tunnel_from_dev(struct net_device *dev);

/*
 * s2s_tunnel_lookup_outer() finds, under RCU, a tunnel that a received
 * packet with outer source @saddr and destination @daddr may belong to: a
 * tunnel whose remote is @saddr and whose local is @daddr, and for which
 * @match (if not NULL) holds.
 */
typedef bool (*s2s_tunnel_match_t)(const struct s2s_tunnel *t,
				   const void *arg);
struct s2s_tunnel *s2s_tunnel_lookup_outer(struct net *net, u16 family,
					   const union s2s_addr *saddr,
					   const union s2s_addr *daddr,
					   s2s_tunnel_match_t match,
					   const void *arg);

#endif /* _S2S_TUNNEL_H */
