// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "events" multicast group of the generic netlink family: SA soft and
 * hard expiry, sequence-number exhaustion and tunnel state changes, for an
 * IKE daemon or "s2sctl monitor".
 *
 * Only a process with CAP_NET_ADMIN over the namespace may listen: events
 * name SAs by SPI.  Events may be sent from any context; they are dropped
 * while nobody listens or while the family is not registered.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include "../uapi/linux/s2svpn.h"
#include "compat.h"
#include "events.h"

const struct genl_multicast_group s2s_events_mcgrps[S2S_EVENTS_N_MCGRPS] = {
	[S2S_EVENTS_MCGRP] = {
		.name = S2S_GENL_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

/* The registered family, or NULL: set by the netlink code. */
static const struct genl_family __rcu *s2s_events_family;

/**
 * s2s_events_attach() - start sending events for a registered family
 * @family: the family, whose multicast groups are s2s_events_mcgrps
 */
void s2s_events_attach(const struct genl_family *family)
{
	rcu_assign_pointer(s2s_events_family, family);
}

/**
 * s2s_events_detach() - stop sending events
 *
 * Returns once no sender uses the family any more, so that it can be
 * unregistered.
 */
void s2s_events_detach(void)
{
	RCU_INIT_POINTER(s2s_events_family, NULL);
	synchronize_rcu();
}

/**
 * s2s_nl_put_dev() - put a device's index and name
 * @msg: the message
 * @ifindex_type: attribute type of the index
 * @ifname_type: attribute type of the name
 * @dev: the device
 *
 * Return: 0 or -EMSGSIZE.
 */
int s2s_nl_put_dev(struct sk_buff *msg, int ifindex_type, int ifname_type,
		   const struct net_device *dev)
{
	if (nla_put_u32(msg, ifindex_type, dev->ifindex) ||
	    nla_put_string(msg, ifname_type, dev->name))
		return -EMSGSIZE;
	return 0;
}

/**
 * s2s_nl_put_sa_id() - put what names an SA, inside an SA nest
 * @msg: the message
 * @id: the SA's direction, SPI, sequence number, state and tunnel
 *
 * Return: 0 or -EMSGSIZE.
 */
int s2s_nl_put_sa_id(struct sk_buff *msg, const struct s2s_sa_id *id)
{
	if (nla_put_u8(msg, S2S_SA_A_DIR, id->dir) ||
	    nla_put_u32(msg, S2S_SA_A_SPI, id->spi) ||
	    nla_put_u64_64bit(msg, S2S_SA_A_SEQ, id->seq, S2S_SA_A_PAD) ||
	    nla_put_u8(msg, S2S_SA_A_STATE, id->state) ||
	    s2s_nl_put_dev(msg, S2S_SA_A_IFINDEX, S2S_SA_A_IFNAME, id->dev))
		return -EMSGSIZE;
	return 0;
}

/*
 * Multicasts event @cmd about @dev: the device's index and name, then what
 * @fill puts from @arg.  Nothing is built while nobody listens.
 */
static void s2s_event(const struct net_device *dev, u8 cmd,
		      int (*fill)(struct sk_buff *msg, const void *arg),
		      const void *arg)
{
	const struct genl_family *family;
	struct sk_buff *msg;
	void *hdr;

	/* s2s_events_detach() waits for this section */
	rcu_read_lock();
	family = rcu_dereference(s2s_events_family);
	if (!family ||
	    !genl_has_listeners(family, dev_net(dev), S2S_EVENTS_MCGRP))
		goto out;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!msg)
		goto out;
	hdr = genlmsg_put(msg, 0, 0, family, 0, cmd);
	if (!hdr || s2s_nl_put_dev(msg, S2S_A_IFINDEX, S2S_A_IFNAME, dev) ||
	    fill(msg, arg)) {
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(family, dev_net(dev), msg, 0, S2S_EVENTS_MCGRP,
				GFP_ATOMIC);
out:
	rcu_read_unlock();
}

struct s2s_event_sa {
	const struct s2s_sa_id *id;
	u8 kind;	/* enum s2s_expire_kind, 0 for no EXPIRE nest */
	u8 limit;	/* enum s2s_expire_limit */
};

/* The SA nest and, for expiry, the EXPIRE nest. */
static int s2s_event_fill_sa(struct sk_buff *msg, const void *arg)
{
	const struct s2s_event_sa *ev = arg;
	struct nlattr *nest;

	nest = nla_nest_start(msg, S2S_A_SA);
	if (!nest || s2s_nl_put_sa_id(msg, ev->id))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	if (!ev->kind)
		return 0;
	nest = nla_nest_start(msg, S2S_A_EXPIRE);
	if (!nest || nla_put_u8(msg, S2S_EXPIRE_A_KIND, ev->kind) ||
	    nla_put_u8(msg, S2S_EXPIRE_A_LIMIT, ev->limit))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

struct s2s_event_rekey {
	const struct s2s_sa_id *id;
	u32 replaced_spi;
};

/* The SA nest of the new outbound SA, naming the one it replaced. */
static int s2s_event_fill_rekey(struct sk_buff *msg, const void *arg)
{
	const struct s2s_event_rekey *ev = arg;
	struct nlattr *nest;

	nest = nla_nest_start(msg, S2S_A_SA);
	if (!nest || s2s_nl_put_sa_id(msg, ev->id) ||
	    nla_put_u32(msg, S2S_SA_A_REPLACED_SPI, ev->replaced_spi))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

struct s2s_event_state {
	const struct net_device *dev;
	u8 peer;	/* enum s2s_peer_state */
};

/* The TUNNEL nest: operational state, peer state, index and name. */
static int s2s_event_fill_state(struct sk_buff *msg, const void *arg)
{
	const struct s2s_event_state *ev = arg;
	const struct net_device *dev = ev->dev;
	struct nlattr *nest;

	nest = nla_nest_start(msg, S2S_A_TUNNEL);
	if (!nest ||
	    nla_put_u8(msg, S2S_TUNNEL_A_OPER_STATE,
		       netif_running(dev) && netif_carrier_ok(dev) ?
		       S2S_STATE_UP : S2S_STATE_DOWN) ||
	    nla_put_u8(msg, S2S_TUNNEL_A_PEER_STATE, ev->peer) ||
	    s2s_nl_put_dev(msg, S2S_TUNNEL_A_IFINDEX, S2S_TUNNEL_A_IFNAME, dev))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/**
 * s2s_event_sa_expire() - multicast an SA expiry event
 * @id: the SA
 * @kind: enum s2s_expire_kind
 * @limit: enum s2s_expire_limit, the limit that was reached
 *
 * May be called from any context.
 */
void s2s_event_sa_expire(const struct s2s_sa_id *id, u8 kind, u8 limit)
{
	struct s2s_event_sa ev = { .id = id, .kind = kind, .limit = limit };

	s2s_event(id->dev, S2S_CMD_EVENT_SA_EXPIRE, s2s_event_fill_sa, &ev);
}

/**
 * s2s_event_seq_wrap() - multicast an outbound sequence exhaustion event
 * @id: the outbound SA, which stopped rather than wrap
 *
 * May be called from any context.
 */
void s2s_event_seq_wrap(const struct s2s_sa_id *id)
{
	struct s2s_event_sa ev = { .id = id };

	s2s_event(id->dev, S2S_CMD_EVENT_SEQ_WRAP, s2s_event_fill_sa, &ev);
}

/**
 * s2s_event_sa_rekey() - multicast an outbound SA replacing another
 * @id: the new outbound SA, which transmits from now on
 * @replaced_spi: the SPI of the outbound SA it replaced, host order
 *
 * May be called from any context.
 */
void s2s_event_sa_rekey(const struct s2s_sa_id *id, u32 replaced_spi)
{
	struct s2s_event_rekey ev = { .id = id, .replaced_spi = replaced_spi };

	s2s_event(id->dev, S2S_CMD_EVENT_SA_REKEY, s2s_event_fill_rekey, &ev);
}

/**
 * s2s_event_tunnel_state() - multicast a tunnel's operational state
 * @dev: the tunnel's device; up when running with carrier
 * @peer: enum s2s_peer_state, what liveness probing knows of the peer
 *
 * May be called from any context.
 */
void s2s_event_tunnel_state(const struct net_device *dev, u8 peer)
{
	struct s2s_event_state ev = { .dev = dev, .peer = peer };

	s2s_event(dev, S2S_CMD_EVENT_TUNNEL_STATE, s2s_event_fill_state, &ev);
}

struct s2s_event_nat {
	const struct net_device *dev;
	u16 family;
	const void *addr;	/* 4 or 16 bytes, network order */
	u16 port;
};

/* The TUNNEL nest: where UDP-encapsulated ESP goes now. */
static int s2s_event_fill_nat(struct sk_buff *msg, const void *arg)
{
	const struct s2s_event_nat *ev = arg;
	struct nlattr *nest;

	nest = nla_nest_start(msg, S2S_A_TUNNEL);
	if (!nest ||
	    nla_put(msg, S2S_TUNNEL_A_NAT_REMOTE,
		    ev->family == AF_INET ? 4 : 16, ev->addr) ||
	    nla_put_u16(msg, S2S_TUNNEL_A_NAT_DPORT, ev->port) ||
	    s2s_nl_put_dev(msg, S2S_TUNNEL_A_IFINDEX, S2S_TUNNEL_A_IFNAME,
			   ev->dev))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/**
 * s2s_event_nat_mapping() - multicast a changed NAT mapping
 * @dev: the tunnel's device
 * @family: AF_INET or AF_INET6
 * @addr: the peer's outer address now, 4 or 16 bytes
 * @port: the peer's UDP port now, host order
 *
 * May be called from any context.
 */
void s2s_event_nat_mapping(const struct net_device *dev, u16 family,
			   const void *addr, u16 port)
{
	struct s2s_event_nat ev = {
		.dev = dev, .family = family, .addr = addr, .port = port,
	};

	s2s_event(dev, S2S_CMD_EVENT_NAT_MAPPING, s2s_event_fill_nat, &ev);
}
