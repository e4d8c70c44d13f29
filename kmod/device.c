// SPDX-License-Identifier: GPL-2.0-only
/*
 * The s2svpn net_device: a point-to-point, NOARP, VTI-style interface.
 * Whatever the routing table sends into it is encrypted with its outbound
 * SA; decrypted traffic comes out of it.
 *
 * A tunnel is created either by rtnetlink ("ip link add NAME type s2svpn")
 * or by the generic netlink family; both end in register_netdevice().  Once
 * registered, the tunnel joins its namespace's list (RTNL) and, while it has
 * addresses, the namespace's hash by outer address pair (RCU readers).
 *
 * The configuration the data path reads is an immutable object
 * (struct s2s_tunnel_params) replaced as a whole under RTNL; every packet
 * works on one snapshot of it.  A changed outer address pair also moves the
 * tunnel in the hash, with a grace period in between so that no lookup
 * walks from one bucket into another.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_arp.h>
#include <linux/jhash.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/rtnetlink.h>
#include "compat.h"
#include "device.h"
#include "encap.h"
#include "esp.h"
#include "events.h"
#include "extack.h"
#include "km.h"
#include "nat.h"
#include "netns.h"
#include "policy.h"
#include "probe.h"
#include "sa.h"
#include "selector.h"
#include "transport.h"

/* uapi states the MTU range; it must be what ESP can carry */
static_assert(S2S_MTU_MIN == ETH_MIN_MTU);
static_assert(IP_MAX_MTU - S2S_OUTER_MAX - S2S_ESP_MAX_OVERHEAD == S2S_MTU_MAX);

#define S2S_FEATURES (NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | \
		      NETIF_F_GSO_SOFTWARE)

static struct rtnl_link_ops s2s_link_ops;

/* A gateway address: neither unspecified, nor multicast, nor broadcast. */
static bool s2s_addr_unicast(u16 family, const union s2s_addr *a)
{
	if (family == AF_INET)
		return !ipv4_is_zeronet(a->ip4) && !ipv4_is_multicast(a->ip4) &&
		       !ipv4_is_lbcast(a->ip4);
	return !ipv6_addr_any(&a->ip6) && !ipv6_addr_is_multicast(&a->ip6);
}

/* A tunnel's configuration checked against the others. */
struct s2s_tunnel_check_arg {
	const struct s2s_tunnel *self;	/* NULL: a new tunnel */
	const struct s2s_tunnel_config *cfg;
};

/* Another tunnel than @arg's with the same mark and mask (RTNL). */
static bool s2s_tunnel_same_mark(const struct s2s_tunnel *t, const void *arg)
{
	const struct s2s_tunnel_check_arg *a = arg;
	const struct s2s_tunnel_config *cfg = &rtnl_dereference(t->params)->cfg;

	return t != a->self && cfg->mark == a->cfg->mark &&
	       cfg->mark_mask == a->cfg->mark_mask;
}

/**
 * s2s_tunnel_parse_addrs() - take outer addresses from netlink attributes
 * @cfg: the configuration to update; @cfg->family is the family of the
 *	addresses it holds already (0: none)
 * @local: the local address attribute, or NULL to keep the current one
 * @remote: the remote address attribute, or NULL to keep the current one
 * @extack: receives the reason of a refusal
 *
 * An address is 4 bytes (IPv4) or 16 bytes (IPv6).  Both ends have the
 * same family, so a change of family needs both addresses.  Serves the
 * rtnetlink and the generic netlink configuration alike.
 *
 * Return: 0 or -EINVAL.
 */
int s2s_tunnel_parse_addrs(struct s2s_tunnel_config *cfg,
			   const struct nlattr *local,
			   const struct nlattr *remote,
			   struct netlink_ext_ack *extack)
{
	const struct nlattr *attrs[] = { local, remote };
	u16 fam[ARRAY_SIZE(attrs)] = {};
	u16 family = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		if (!attrs[i])
			continue;
		switch (nla_len(attrs[i])) {
		case sizeof(struct in_addr):
			fam[i] = AF_INET;
			break;
		case sizeof(struct in6_addr):
			fam[i] = AF_INET6;
			break;
		default:
			S2S_NL_ERR_ATTR(extack, attrs[i],
					"an address is 4 (IPv4) or 16 (IPv6) bytes");
			return -EINVAL;
		}
		if (family && fam[i] != family) {
			S2S_NL_ERR_ATTR(extack, attrs[i],
					"local and remote addresses must be of the same family");
			return -EINVAL;
		}
		family = fam[i];
	}
	if (!family)
		return 0;
	if ((!local || !remote) && family != cfg->family) {
		S2S_NL_ERR_ATTR(extack, local ?: remote,
				"local and remote addresses must be of the same family (give both to set or change the family)");
		return -EINVAL;
	}

	cfg->family = family;
	if (local)
		nla_memcpy(&cfg->local, local, sizeof(cfg->local));
	if (remote)
		nla_memcpy(&cfg->remote, remote, sizeof(cfg->remote));
	return 0;
}

/* Checks a configuration for tunnel @self (NULL: a new tunnel) in @net. */
static int s2s_tunnel_check(struct net *net, const struct s2s_tunnel *self,
			    const struct s2s_tunnel_config *cfg,
			    struct netlink_ext_ack *extack)
{
	struct s2s_tunnel_check_arg check = { .self = self, .cfg = cfg };
	struct s2s_tunnel *other;

	if (cfg->family) {
		if (!s2s_addr_unicast(cfg->family, &cfg->local)) {
			NL_SET_ERR_MSG_MOD(extack, "local address must be a unicast address");
			return -EINVAL;
		}
		if (!s2s_addr_unicast(cfg->family, &cfg->remote)) {
			NL_SET_ERR_MSG_MOD(extack, "remote address must be a unicast address");
			return -EINVAL;
		}
		if (s2s_addr_equal(cfg->family, &cfg->local, &cfg->remote)) {
			NL_SET_ERR_MSG_MOD(extack, "local and remote addresses must differ");
			return -EINVAL;
		}
		/*
		 * Several tunnels may share a pair, kept apart by their marks
		 * (the VTI key analogue); inbound, SPIs tell them apart.
		 */
		other = s2s_tunnel_lookup_outer(net, cfg->family, &cfg->remote,
						&cfg->local, s2s_tunnel_same_mark,
						&check);
		if (other) {
			NL_SET_ERR_MSG_MOD(extack,
					   "a tunnel with these local and remote addresses and this mark exists in this namespace (give each tunnel on the same addresses its own mark)");
			return -EEXIST;
		}
	}
	if (cfg->mode != S2S_MODE_ROUTE && cfg->mode != S2S_MODE_POLICY) {
		NL_SET_ERR_MSG_MOD(extack, "unknown tunnel mode");
		return -EINVAL;
	}
	if (cfg->encap == S2S_ENCAP_UDP) {
		if (!cfg->family) {
			NL_SET_ERR_MSG_MOD(extack,
					   "UDP encapsulation needs the local and remote addresses");
			return -EINVAL;
		}
		if (!cfg->sport || !cfg->dport) {
			NL_SET_ERR_MSG_MOD(extack,
					   "UDP encapsulation ports must be 1..65535");
			return -EINVAL;
		}
		if (cfg->keepalive > S2S_KEEPALIVE_MAX) {
			NL_SET_ERR_MSG_MOD(extack,
					   "the NAT keepalive interval is 0 (none) to 3600 seconds");
			return -EINVAL;
		}
	} else if (cfg->encap != S2S_ENCAP_NONE) {
		NL_SET_ERR_MSG_MOD(extack, "unknown encapsulation");
		return -EINVAL;
	}
	if (cfg->mark & ~cfg->mark_mask) {
		NL_SET_ERR_MSG_MOD(extack, "mark has bits outside its mask");
		return -EINVAL;
	}
	if (cfg->mtu && (cfg->mtu < S2S_MTU_MIN || cfg->mtu > S2S_MTU_MAX)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "MTU must be 68..65422, or 0 to derive it from the underlay");
		return -EINVAL;
	}
	return 0;
}

/**
 * s2s_tunnel_get_config() - the tunnel's current configuration
 * @t: the tunnel
 * @cfg: receives a copy
 *
 * Called under RTNL.
 */
void s2s_tunnel_get_config(const struct s2s_tunnel *t,
			   struct s2s_tunnel_config *cfg)
{
	*cfg = rtnl_dereference(t->params)->cfg;
	cfg->mtu = t->user_mtu;
}

static int s2s_dev_init(struct net_device *dev)
{
	struct s2s_tunnel *t = netdev_priv(dev);
	int err;

	t->net = dev_net(dev);
	INIT_LIST_HEAD(&t->sa_list);
	s2s_probe_init(t);
	s2s_queue_init(&t->txq, dev);
	t->txq.own = true;
	s2s_queue_init(&t->rxq, dev);
	err = s2s_stats_init(&t->stats, GFP_KERNEL_ACCOUNT);
	if (err)
		return err;
	err = s2s_sel_table_init(t);
	if (err)
		goto err_stats;
	s2s_rx_napi_init(&t->rx_napi, dev);

	INIT_LIST_HEAD(&t->net_node);
	INIT_LIST_HEAD(&t->policy_node);
	INIT_HLIST_NODE(&t->outer_node);
	/* last: ndo_uninit detaches if registration fails later on */
	if (rtnl_dereference(t->params)->cfg.mode == S2S_MODE_POLICY) {
		err = s2s_policy_attach(t, NULL);
		if (err)
			goto err_sel;
	}
	WRITE_ONCE(dev->mtu, s2s_tunnel_mtu(t));
	/* no outbound SA yet: s2s_tunnel_update_carrier() turns it on */
	netif_carrier_off(dev);
	return 0;

err_sel:
	s2s_rx_napi_destroy(&t->rx_napi);
	s2s_sel_table_free(t);
err_stats:
	s2s_stats_free(&t->stats);
	return err;
}

/*
 * Also runs when registration fails after ndo_init, before the tunnel was
 * listed.  RCU readers that found the tunnel before list_del_rcu() are
 * waited for (unregister_netdevice_many() synchronizes after ndo_uninit)
 * before the destructor frees what they use.
 */
static void s2s_dev_uninit(struct net_device *dev)
{
	struct s2s_tunnel *t = netdev_priv(dev);

	s2s_probe_stop(t);
	s2s_encap_tunnel_stop(t);
	s2s_encap_sock_put(t->encap_sock);
	t->encap_sock = NULL;
	s2s_policy_detach(t);
	s2s_sa_flush(t);
	s2s_sel_flush(t);
	if (!list_empty(&t->net_node)) {
		list_del(&t->net_node);
		s2s_net(t->net)->n_tunnels--;
	}
	if (!hlist_unhashed(&t->outer_node))
		hash_del_rcu(&t->outer_node);
}

/*
 * Runs once the last reference to the device is gone: in-flight crypto
 * requests hold one, so nothing appends to the receive NAPI (a poll still
 * under way is waited for) or uses the route cache any more.
 */
static void s2s_dev_free(struct net_device *dev)
{
	struct s2s_tunnel *t = netdev_priv(dev);

	s2s_rx_napi_destroy(&t->rx_napi);
	s2s_sel_table_free(t);
	s2s_tunnel_params_free(rcu_dereference_protected(t->params, true));
	s2s_stats_free(&t->stats);
}

static int s2s_dev_open(struct net_device *dev)
{
	s2s_encap_tunnel_kick(netdev_priv(dev));
	s2s_event_tunnel_state(dev, s2s_tunnel_peer_state(netdev_priv(dev)));
	return 0;
}

static int s2s_dev_stop(struct net_device *dev)
{
	s2s_event_tunnel_state(dev, s2s_tunnel_peer_state(netdev_priv(dev)));
	return 0;
}

/* Any MTU set through the device (ip link set mtu) is the user's. */
static int s2s_dev_change_mtu(struct net_device *dev, int new_mtu)
{
	struct s2s_tunnel *t = netdev_priv(dev);

	if (!t->mtu_internal)
		t->user_mtu = new_mtu;
	WRITE_ONCE(dev->mtu, new_mtu);
	return 0;
}

/*
 * The direction of each drop reason, for the device's rx_dropped and
 * tx_dropped; reasons that occur both ways (an expired SA, memory, crypto
 * errors) count as tx.  The per-reason counters are in the netlink stats.
 */
static const bool s2s_drop_is_rx[__S2S_DROP_MAX] = {
	[S2S_DROP_NO_SA] = true,
	[S2S_DROP_AUTH] = true,
	[S2S_DROP_REPLAY] = true,
	[S2S_DROP_BAD_TRAILER] = true,
	[S2S_DROP_OUTER_MISMATCH] = true,
	[S2S_DROP_MALFORMED] = true,
	[S2S_DROP_DUMMY] = true,
	[S2S_DROP_ECN] = true,
	[S2S_DROP_DOWN] = true,
	[S2S_DROP_NON_ESP] = true,
	[S2S_DROP_SA_PENDING] = true,
};

static void s2s_dev_get_stats64(struct net_device *dev,
				struct rtnl_link_stats64 *stats)
{
	struct s2s_tunnel *t = netdev_priv(dev);
	struct s2s_stats_snapshot snap;
	int i;

	s2s_stats_sum(&t->stats, &snap);
	stats->tx_packets = snap.tx_packets;
	stats->tx_bytes = snap.tx_bytes;
	stats->rx_packets = snap.rx_packets;
	stats->rx_bytes = snap.rx_bytes;
	for (i = S2S_DROP_UNSPEC + 1; i < __S2S_DROP_MAX; i++) {
		/* a NAT keepalive did its job: not a loss */
		if (i == S2S_DROP_NAT_KEEPALIVE)
			continue;
		if (s2s_drop_is_rx[i])
			stats->rx_dropped += snap.drops[i];
		else
			stats->tx_dropped += snap.drops[i];
	}
}

static const struct net_device_ops s2s_netdev_ops = {
	.ndo_init = s2s_dev_init,
	.ndo_uninit = s2s_dev_uninit,
	.ndo_open = s2s_dev_open,
	.ndo_stop = s2s_dev_stop,
	.ndo_start_xmit = s2s_esp_xmit,
	.ndo_get_stats64 = s2s_dev_get_stats64,
	.ndo_change_mtu = s2s_dev_change_mtu,
};

static void s2s_dev_setup(struct net_device *dev)
{
	struct s2s_tunnel *t = netdev_priv(dev);

	dev->netdev_ops = &s2s_netdev_ops;
	dev->header_ops = &ip_tunnel_header_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	/* esp.c fragments and sends ICMP errors using the inner route */
	netif_keep_dst(dev);
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->needed_headroom = LL_MAX_HEADER + S2S_OUTER_MAX +
			       sizeof(struct udphdr) + S2S_ESP_HLEN_MAX;
	dev->needed_tailroom = S2S_ESP_TRAILER_MAX;
	dev->mtu = s2s_sa_inner_mtu(NULL, ETH_DATA_LEN - S2S_OUTER_MAX);
	dev->min_mtu = S2S_MTU_MIN;
	dev->max_mtu = S2S_MTU_MAX;
	dev->features |= S2S_FEATURES;
	dev->hw_features |= S2S_FEATURES;
	s2s_dev_set_lltx(dev);
	/* the underlay is the device's own namespace */
	s2s_dev_set_netns_local(dev);
	dev->needs_free_netdev = true;
	dev->priv_destructor = s2s_dev_free;
	t->dev = dev;
	s2s_encap_tunnel_init(t);
	s2s_nat_tunnel_init(t);
}

/* Registers a device whose tunnel configuration @cfg was not checked yet. */
static int s2s_tunnel_register(struct net_device *dev,
			       const struct s2s_tunnel_config *cfg,
			       struct netlink_ext_ack *extack)
{
	struct s2s_tunnel *t = netdev_priv(dev);
	struct s2s_tunnel_params *p;
	int err;

	err = s2s_tunnel_check(dev_net(dev), NULL, cfg, extack);
	if (err)
		return err;
	if (s2s_net(dev_net(dev))->n_tunnels >= S2S_TUNNELS_MAX) {
		NL_SET_ERR_MSG_MOD(extack,
				   "this namespace has the maximum number of s2svpn tunnels (S2S_TUNNELS_MAX)");
		return -ENOSPC;
	}
	if (cfg->encap == S2S_ENCAP_UDP) {
		t->encap_sock = s2s_encap_sock_get(dev_net(dev), cfg->family,
						   cfg->sport, extack);
		if (IS_ERR(t->encap_sock)) {
			err = PTR_ERR(t->encap_sock);
			t->encap_sock = NULL;
			return err;
		}
	}
	p = s2s_tunnel_params_new(cfg);
	if (!p) {
		s2s_encap_sock_put(t->encap_sock);
		t->encap_sock = NULL;
		return -ENOMEM;
	}
	RCU_INIT_POINTER(t->params, p);
	t->user_mtu = cfg->mtu;
	err = register_netdevice(dev);
	if (err) {
		/* the destructor runs only for registered devices */
		RCU_INIT_POINTER(t->params, NULL);
		s2s_tunnel_params_free(p);
		/* unless ndo_uninit let go of it already */
		s2s_encap_sock_put(t->encap_sock);
		t->encap_sock = NULL;
		if (err == -EEXIST)
			NL_SET_ERR_MSG_MOD(extack, "an interface with this name exists");
		else
			NL_SET_ERR_MSG_MOD(extack, "cannot register the interface");
		return err;
	}
	/* listed only once registered: no reader sees a failed one */
	list_add_tail(&t->net_node, &s2s_net(t->net)->tunnels);
	s2s_net(t->net)->n_tunnels++;
	s2s_tunnel_hash(t);
	s2s_probe_update(t);
	return 0;
}

/**
 * s2s_tunnel_create() - create a tunnel interface (generic netlink path)
 * @net: the namespace of the interface and of its underlay
 * @name: interface name; may hold a %d template
 * @cfg: the tunnel's configuration
 * @extack: receives the reason of a refusal
 *
 * Called under RTNL.
 *
 * Return: 0 or a negative errno.
 */
int s2s_tunnel_create(struct net *net, const char *name,
		      const struct s2s_tunnel_config *cfg,
		      struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	int err;

	ASSERT_RTNL();
	if (!dev_valid_name(name)) {
		NL_SET_ERR_MSG_MOD(extack, "invalid interface name");
		return -EINVAL;
	}
	if (__dev_get_by_name(net, name)) {
		NL_SET_ERR_MSG_MOD(extack, "an interface with this name exists");
		return -EEXIST;
	}
	dev = alloc_netdev(sizeof(struct s2s_tunnel), name, NET_NAME_USER,
			   s2s_dev_setup);
	if (!dev)
		return -ENOMEM;
	dev_net_set(dev, net);
	dev->rtnl_link_ops = &s2s_link_ops;
	err = s2s_tunnel_register(dev, cfg, extack);
	if (err)
		free_netdev(dev);
	return err;
}

/**
 * s2s_tunnel_change() - apply a new configuration to a tunnel
 * @t: the tunnel
 * @cfg: the whole new configuration (the current one with changes applied)
 * @extack: receives the reason of a refusal
 *
 * The new configuration is a new immutable object: packets already on
 * their way finish with the snapshot they took (old addresses, old route
 * cache), new packets use the new one.  New outer addresses take the
 * tunnel off the outer-pair hash for a grace period before it joins its
 * new bucket.  A tunnel with an interface ID, before or after, has the key
 * manager look at the namespace's xfrm states again (its addresses decide
 * which states are its inbound and outbound ones), whichever of rtnetlink
 * and generic netlink changed it.  Called under RTNL.
 *
 * Return: 0 or a negative errno.
 */
int s2s_tunnel_change(struct s2s_tunnel *t,
		      const struct s2s_tunnel_config *cfg,
		      struct netlink_ext_ack *extack)
{
	struct s2s_tunnel_params *old = rtnl_dereference(t->params), *p;
	struct s2s_encap_sock *es = NULL;
	bool moved, resync;
	int err;

	ASSERT_RTNL();
	err = s2s_tunnel_check(t->net, t, cfg, extack);
	if (err)
		return err;
	if (cfg->encap == S2S_ENCAP_UDP) {
		es = s2s_encap_sock_get(t->net, cfg->family, cfg->sport,
					extack);
		if (IS_ERR(es))
			return PTR_ERR(es);
	}
	if (cfg->mode == S2S_MODE_POLICY) {
		err = s2s_policy_attach(t, extack);
		if (err)
			goto err_sock;
	}
	p = s2s_tunnel_params_new(cfg);
	if (!p) {
		if (old->cfg.mode != S2S_MODE_POLICY)
			s2s_policy_detach(t);
		err = -ENOMEM;
		goto err_sock;
	}
	if (cfg->mode != S2S_MODE_POLICY)
		s2s_policy_detach(t);

	/* states to take on, or SAs to give back (km.c) */
	resync = cfg->if_id || old->cfg.if_id;
	moved = cfg->family != old->cfg.family ||
		!s2s_addr_equal(cfg->family, &cfg->local, &old->cfg.local) ||
		!s2s_addr_equal(cfg->family, &cfg->remote, &old->cfg.remote);
	/* a learned NAT mapping stays while the peer's address and port do */
	if (!moved && ((cfg->encap == S2S_ENCAP_UDP &&
			old->cfg.encap == S2S_ENCAP_UDP &&
			cfg->dport == old->cfg.dport) ||
		       (cfg->if_id && cfg->if_id == old->cfg.if_id))) {
		p->peer = old->peer;
		p->peer_port = old->peer_port;
	}
	if (moved && !hlist_unhashed(&t->outer_node)) {
		hash_del_rcu(&t->outer_node);
		synchronize_net();
	}
	rcu_assign_pointer(t->params, p);
	if (moved)
		s2s_tunnel_hash(t);
	s2s_tunnel_params_release(old);
	/* receivers of the old socket find the new parameters already */
	swap(t->encap_sock, es);
	s2s_encap_sock_put(es);
	t->user_mtu = cfg->mtu;
	s2s_tunnel_update_mtu(t);
	s2s_encap_tunnel_kick(t);
	/* restarts the probing, and updates the carrier */
	s2s_probe_update(t);
	if (resync)
		s2s_km_sync(t->net);
	return 0;

err_sock:
	s2s_encap_sock_put(es);
	return err;
}

/**
 * s2s_tunnel_delete() - delete a tunnel interface
 * @t: the tunnel
 *
 * Its SAs go with it (ndo_uninit).  Called under RTNL.
 */
void s2s_tunnel_delete(struct s2s_tunnel *t)
{
	ASSERT_RTNL();
	unregister_netdevice(t->dev);
}

/* ---- rtnetlink: ip link add/set/show NAME type s2svpn ---- */

static const struct nla_policy s2s_link_policy[IFLA_S2S_MAX + 1] = {
	[IFLA_S2S_UNSPEC] = { .strict_start_type = IFLA_S2S_LOCAL },
	[IFLA_S2S_LOCAL] = NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct in_addr),
					    sizeof(struct in6_addr)),
	[IFLA_S2S_REMOTE] = NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct in_addr),
					     sizeof(struct in6_addr)),
	[IFLA_S2S_MODE] = NLA_POLICY_RANGE(NLA_U8, S2S_MODE_ROUTE,
					   S2S_MODE_POLICY),
};

static int s2s_link_parse(struct s2s_tunnel_config *cfg, struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	int err;

	if (!data)
		return 0;
	err = s2s_tunnel_parse_addrs(cfg, data[IFLA_S2S_LOCAL],
				     data[IFLA_S2S_REMOTE], extack);
	if (err)
		return err;
	if (data[IFLA_S2S_MODE])
		cfg->mode = nla_get_u8(data[IFLA_S2S_MODE]);
	return 0;
}

static int s2s_newlink(struct net *src_net, struct net_device *dev,
		       struct nlattr *tb[], struct nlattr *data[],
		       struct netlink_ext_ack *extack)
{
	struct s2s_tunnel_config cfg = { .mode = S2S_MODE_ROUTE };
	int err;

	/* an MTU given at creation is the user's, as later through ndo */
	if (tb[IFLA_MTU])
		cfg.mtu = nla_get_u32(tb[IFLA_MTU]);
	err = s2s_link_parse(&cfg, data, extack);
	if (err)
		return err;
	return s2s_tunnel_register(dev, &cfg, extack);
}

static int s2s_changelink(struct net_device *dev, struct nlattr *tb[],
			  struct nlattr *data[], struct netlink_ext_ack *extack)
{
	struct s2s_tunnel *t = netdev_priv(dev);
	struct s2s_tunnel_config cfg;
	int err;

	s2s_tunnel_get_config(t, &cfg);
	/* rtnetlink applies IFLA_MTU itself, through ndo_change_mtu */
	err = s2s_link_parse(&cfg, data, extack);
	if (err)
		return err;
	return s2s_tunnel_change(t, &cfg, extack);
}

static size_t s2s_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(struct in6_addr)) +	/* LOCAL */
	       nla_total_size(sizeof(struct in6_addr)) +	/* REMOTE */
	       nla_total_size(sizeof(u8));			/* MODE */
}

static int s2s_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct s2s_tunnel *t = netdev_priv(dev);
	const struct s2s_tunnel_config *cfg;
	int err = -EMSGSIZE;

	rcu_read_lock();
	cfg = &rcu_dereference(t->params)->cfg;
	if (cfg->family == AF_INET &&
	    (nla_put_in_addr(skb, IFLA_S2S_LOCAL, cfg->local.ip4) ||
	     nla_put_in_addr(skb, IFLA_S2S_REMOTE, cfg->remote.ip4)))
		goto out;
	if (cfg->family == AF_INET6 &&
	    (nla_put_in6_addr(skb, IFLA_S2S_LOCAL, &cfg->local.ip6) ||
	     nla_put_in6_addr(skb, IFLA_S2S_REMOTE, &cfg->remote.ip6)))
		goto out;
	if (nla_put_u8(skb, IFLA_S2S_MODE, cfg->mode))
		goto out;
	err = 0;
out:
	rcu_read_unlock();
	return err;
}

static struct rtnl_link_ops s2s_link_ops __read_mostly = {
	.kind = S2S_LINK_KIND,
	.maxtype = IFLA_S2S_MAX,
	.policy = s2s_link_policy,
	.priv_size = sizeof(struct s2s_tunnel),
	.setup = s2s_dev_setup,
	.newlink = s2s_newlink,
	.changelink = s2s_changelink,
	.dellink = unregister_netdevice_queue,
	.get_size = s2s_get_size,
	.fill_info = s2s_fill_info,
};

/*
 * A derived tunnel MTU follows the underlay: when an interface of the
 * namespace changes its MTU or comes up, the tunnels whose MTU the user
 * did not set recompute theirs.  Events of s2svpn devices themselves are
 * left out: a tunnel's own MTU change must not recurse into the others.
 */
static int s2s_netdev_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct s2s_tunnel *t;

	if (event != NETDEV_CHANGEMTU && event != NETDEV_UP)
		return NOTIFY_DONE;
	if (dev->rtnl_link_ops == &s2s_link_ops)
		return NOTIFY_DONE;
	list_for_each_entry(t, &s2s_net(dev_net(dev))->tunnels, net_node)
		if (!t->user_mtu)
			s2s_tunnel_update_mtu(t);
	return NOTIFY_DONE;
}

static struct notifier_block s2s_netdev_notifier = {
	.notifier_call = s2s_netdev_event,
};

/**
 * s2s_device_init() - register the "s2svpn" link kind
 *
 * Return: 0 or a negative errno.
 */
int s2s_device_init(void)
{
	int err;

	err = rtnl_link_register(&s2s_link_ops);
	if (err)
		return err;
	err = register_netdevice_notifier(&s2s_netdev_notifier);
	if (err)
		rtnl_link_unregister(&s2s_link_ops);
	return err;
}

/**
 * s2s_device_exit() - unregister the link kind
 *
 * Deletes every s2svpn interface of every namespace.
 */
void s2s_device_exit(void)
{
	unregister_netdevice_notifier(&s2s_netdev_notifier);
	rtnl_link_unregister(&s2s_link_ops);
}
