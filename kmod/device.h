/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The s2svpn net_device: a point-to-point, NOARP, VTI-style tunnel interface.
 */
#ifndef _S2S_DEVICE_H
#define _S2S_DEVICE_H

#include <linux/netdevice.h>
#include <linux/in6.h>
#include <net/dst_cache.h>
#include <net/gro_cells.h>
#include "queueing.h"
#include "stats.h"

struct s2s_sa;

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
 * @mtu: user-set MTU, 0 = derive from the underlay route
 * @encap: enum s2s_encap
 * @sport: UDP encapsulation source port (host order)
 * @dport: UDP encapsulation destination port (host order)
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
};

/**
 * struct s2s_tunnel - private data of an s2svpn net_device
 * @dev: the net_device
 * @net: its namespace (underlay and overlay are the same namespace)
 * @net_node: entry in s2s_net.tunnels (RTNL writes, RCU reads)
 * @cfg: configuration; written under RTNL while the device is down or by
 *	whole-field stores, read locklessly on the data path
 * @tx_sa: the active outbound SA (RCU)
 * @sa_list: every SA of this tunnel, both directions (RTNL)
 * @n_in_sa: number of inbound SAs (RTNL)
 * @dst_cache: cached underlay route to @cfg.remote
 * @gro_cells: receive-side GRO for decrypted packets
 * @stats: per-tunnel counters and drop reasons
 * @txq: outbound packets in crypto, in order
 * @rxq: inbound packets in crypto, in order
 */
struct s2s_tunnel {
	struct net_device *dev;
	struct net *net;
	struct list_head net_node;
	struct s2s_tunnel_config cfg;
	struct s2s_sa __rcu *tx_sa;
	struct list_head sa_list;
	unsigned int n_in_sa;
	struct dst_cache dst_cache;
	struct gro_cells gro_cells;
	struct s2s_stats stats;
	struct s2s_queue txq;
	struct s2s_queue rxq;
};

int s2s_device_init(void);
void s2s_device_exit(void);

struct s2s_tunnel *s2s_tunnel_from_dev(struct net_device *dev);
int s2s_tunnel_create(struct net *net, const char *name,
		      const struct s2s_tunnel_config *cfg,
		      struct netlink_ext_ack *extack);
int s2s_tunnel_change(struct s2s_tunnel *t,
		      const struct s2s_tunnel_config *cfg,
		      struct netlink_ext_ack *extack);
void s2s_tunnel_delete(struct s2s_tunnel *t);
void s2s_tunnel_update_mtu(struct s2s_tunnel *t);
int s2s_tunnel_parse_addrs(struct s2s_tunnel_config *cfg,
			   const struct nlattr *local,
			   const struct nlattr *remote,
			   struct netlink_ext_ack *extack);
/*
 * s2s_tunnel_lookup_outer() finds, under RCU, the tunnel that a received
 * packet with outer source @saddr and destination @daddr belongs to: the
 * tunnel whose remote is @saddr and whose local is @daddr.
 */
struct s2s_tunnel *s2s_tunnel_lookup_outer(struct net *net, u16 family,
					   const union s2s_addr *saddr,
					   const union s2s_addr *daddr);

#endif /* _S2S_DEVICE_H */
