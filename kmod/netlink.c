// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generic netlink family "s2svpn": configuration of tunnels, SAs and
 * segments, and the "events" multicast group.
 *
 * Documentation/netlink/s2svpn.yaml specifies the API; the policies below
 * follow it.  Every configuration handler runs under RTNL (the data path
 * uses RCU), and every refusal carries an extended-ack message.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include "compat.h"
#include "device.h"
#include "netlink.h"
#include "netns.h"
#include "sa.h"
#include "segment.h"

enum {
	S2S_MCGRP_EVENTS,
};

static const struct genl_multicast_group s2s_mcgrps[] = {
	[S2S_MCGRP_EVENTS] = { .name = S2S_GENL_MCGRP_EVENTS },
};

static struct genl_family s2s_genl_family;

/* Set while the family is registered; events are dropped otherwise. */
static bool s2s_nl_registered;

/* An outer or selector address: 4 (IPv4) or 16 (IPv6) bytes. */
#define S2S_POLICY_ADDR NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct in_addr), \
					 sizeof(struct in6_addr))
#define S2S_POLICY_STRING(size) { .type = NLA_NUL_STRING, .len = (size) - 1 }
#define S2S_POLICY_KEY NLA_POLICY_RANGE(NLA_BINARY, 1, S2S_KEY_MAX)

/* Read-only attributes have no policy entry: strict validation refuses them. */
static const struct nla_policy s2s_tunnel_policy[S2S_TUNNEL_A_MAX + 1] = {
	[S2S_TUNNEL_A_LOCAL] = S2S_POLICY_ADDR,
	[S2S_TUNNEL_A_REMOTE] = S2S_POLICY_ADDR,
	[S2S_TUNNEL_A_MODE] = NLA_POLICY_RANGE(NLA_U8, S2S_MODE_ROUTE,
					       S2S_MODE_POLICY),
	[S2S_TUNNEL_A_MARK] = { .type = NLA_U32 },
	[S2S_TUNNEL_A_MARK_MASK] = { .type = NLA_U32 },
	[S2S_TUNNEL_A_MTU] = { .type = NLA_U32 },
	[S2S_TUNNEL_A_ENCAP] = NLA_POLICY_MAX(NLA_U8, S2S_ENCAP_UDP),
	[S2S_TUNNEL_A_ENCAP_SPORT] = { .type = NLA_U16 },
	[S2S_TUNNEL_A_ENCAP_DPORT] = { .type = NLA_U16 },
};

static const struct nla_policy s2s_sa_policy[S2S_SA_A_MAX + 1] = {
	[S2S_SA_A_DIR] = NLA_POLICY_RANGE(NLA_U8, S2S_DIR_IN, S2S_DIR_OUT),
	[S2S_SA_A_SPI] = { .type = NLA_U32 },
	[S2S_SA_A_AEAD_ALG] = S2S_POLICY_STRING(S2S_ALG_NAME_MAX),
	[S2S_SA_A_AEAD_KEY] = S2S_POLICY_KEY,
	[S2S_SA_A_ICV_BITS] = { .type = NLA_U32 },
	[S2S_SA_A_ENC_ALG] = S2S_POLICY_STRING(S2S_ALG_NAME_MAX),
	[S2S_SA_A_ENC_KEY] = S2S_POLICY_KEY,
	[S2S_SA_A_AUTH_ALG] = S2S_POLICY_STRING(S2S_ALG_NAME_MAX),
	[S2S_SA_A_AUTH_KEY] = S2S_POLICY_KEY,
	[S2S_SA_A_AUTH_TRUNC_BITS] = { .type = NLA_U32 },
	[S2S_SA_A_REPLAY_WINDOW] = NLA_POLICY_MAX(NLA_U32, S2S_REPLAY_MAX),
	[S2S_SA_A_ESN] = { .type = NLA_FLAG },
	[S2S_SA_A_SOFT_BYTES] = { .type = NLA_U64 },
	[S2S_SA_A_HARD_BYTES] = { .type = NLA_U64 },
	[S2S_SA_A_SOFT_PACKETS] = { .type = NLA_U64 },
	[S2S_SA_A_HARD_PACKETS] = { .type = NLA_U64 },
	[S2S_SA_A_SOFT_SECONDS] = { .type = NLA_U64 },
	[S2S_SA_A_HARD_SECONDS] = { .type = NLA_U64 },
	[S2S_SA_A_SEQ] = { .type = NLA_U64 },
};

static const struct nla_policy s2s_segment_policy[S2S_SEGMENT_A_MAX + 1] = {
	[S2S_SEGMENT_A_NAME] = S2S_POLICY_STRING(S2S_SEGMENT_NAME_MAX),
	[S2S_SEGMENT_A_MARK] = { .type = NLA_U32 },
	[S2S_SEGMENT_A_MASK] = { .type = NLA_U32 },
};

static const struct nla_policy s2s_selector_policy[S2S_SEL_A_MAX + 1] = {
	[S2S_SEL_A_ID] = { .type = NLA_U32 },
	[S2S_SEL_A_DIR] = NLA_POLICY_RANGE(NLA_U8, S2S_DIR_IN, S2S_DIR_OUT),
	[S2S_SEL_A_SRC] = S2S_POLICY_ADDR,
	[S2S_SEL_A_SRC_PLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[S2S_SEL_A_DST] = S2S_POLICY_ADDR,
	[S2S_SEL_A_DST_PLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[S2S_SEL_A_PROTO] = { .type = NLA_U8 },
	[S2S_SEL_A_SPORT_MIN] = { .type = NLA_U16 },
	[S2S_SEL_A_SPORT_MAX] = { .type = NLA_U16 },
	[S2S_SEL_A_DPORT_MIN] = { .type = NLA_U16 },
	[S2S_SEL_A_DPORT_MAX] = { .type = NLA_U16 },
	[S2S_SEL_A_SEGMENT] = S2S_POLICY_STRING(S2S_SEGMENT_NAME_MAX),
	[S2S_SEL_A_ACTION] = NLA_POLICY_RANGE(NLA_U8, S2S_SEL_PROTECT,
					      S2S_SEL_DISCARD),
	[S2S_SEL_A_PRIORITY] = { .type = NLA_U32 },
};

static const struct nla_policy s2s_policy[S2S_A_MAX + 1] = {
	[S2S_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[S2S_A_IFNAME] = S2S_POLICY_STRING(IFNAMSIZ),
	[S2S_A_TUNNEL] = NLA_POLICY_NESTED(s2s_tunnel_policy),
	[S2S_A_SA] = NLA_POLICY_NESTED(s2s_sa_policy),
	[S2S_A_SEGMENT] = NLA_POLICY_NESTED(s2s_segment_policy),
	[S2S_A_SELECTOR] = NLA_POLICY_NESTED(s2s_selector_policy),
};

/*
 * True (and the request refused) when @tb lacks attribute @type; the
 * extended ack names the attribute and says what is missing.
 */
#define S2S_NL_MISSING(extack, nest, tb, type, msg) ({			\
	struct netlink_ext_ack *__s2s_ea = (extack);			\
	bool __missing = !(tb)[type];					\
									\
	if (__missing) {						\
		NL_SET_ERR_ATTR_MISS(__s2s_ea, nest, type);		\
		NL_SET_ERR_MSG_MOD(__s2s_ea, msg);			\
	}								\
	__missing;							\
})

/* ---- message building ---- */

static int s2s_nl_put_dev(struct sk_buff *msg, int ifindex_type,
			  int ifname_type, const struct net_device *dev)
{
	if (nla_put_u32(msg, ifindex_type, dev->ifindex) ||
	    nla_put_string(msg, ifname_type, dev->name))
		return -EMSGSIZE;
	return 0;
}

static int s2s_nl_put_addr(struct sk_buff *msg, int type, u16 family,
			   const union s2s_addr *addr)
{
	if (family == AF_INET)
		return nla_put_in_addr(msg, type, addr->ip4);
	return nla_put_in6_addr(msg, type, &addr->ip6);
}

static u8 s2s_nl_oper_state(const struct s2s_tunnel *t)
{
	return netif_running(t->dev) && netif_carrier_ok(t->dev) ?
	       S2S_STATE_UP : S2S_STATE_DOWN;
}

static int s2s_nl_put_tunnel(struct sk_buff *msg, struct s2s_tunnel *t)
{
	struct s2s_tunnel_config config, *cfg = &config;
	struct nlattr *nest;
	struct s2s_sa *sa;
	int err = -EMSGSIZE;

	s2s_tunnel_get_config(t, cfg);
	nest = nla_nest_start(msg, S2S_A_TUNNEL);
	if (!nest)
		return -EMSGSIZE;
	if (cfg->family &&
	    (s2s_nl_put_addr(msg, S2S_TUNNEL_A_LOCAL, cfg->family, &cfg->local) ||
	     s2s_nl_put_addr(msg, S2S_TUNNEL_A_REMOTE, cfg->family, &cfg->remote)))
		goto cancel;
	if (nla_put_u8(msg, S2S_TUNNEL_A_MODE, cfg->mode) ||
	    nla_put_u32(msg, S2S_TUNNEL_A_MARK, cfg->mark) ||
	    nla_put_u32(msg, S2S_TUNNEL_A_MARK_MASK, cfg->mark_mask) ||
	    nla_put_u32(msg, S2S_TUNNEL_A_MTU, cfg->mtu) ||
	    nla_put_u32(msg, S2S_TUNNEL_A_LINK_MTU, READ_ONCE(t->dev->mtu)) ||
	    nla_put_u8(msg, S2S_TUNNEL_A_ENCAP, cfg->encap) ||
	    nla_put_u8(msg, S2S_TUNNEL_A_OPER_STATE, s2s_nl_oper_state(t)) ||
	    s2s_nl_put_dev(msg, S2S_TUNNEL_A_IFINDEX, S2S_TUNNEL_A_IFNAME,
			   t->dev))
		goto cancel;
	if (cfg->encap == S2S_ENCAP_UDP &&
	    (nla_put_u16(msg, S2S_TUNNEL_A_ENCAP_SPORT, cfg->sport) ||
	     nla_put_u16(msg, S2S_TUNNEL_A_ENCAP_DPORT, cfg->dport)))
		goto cancel;

	rcu_read_lock();
	sa = rcu_dereference(t->tx_sa);
	if (sa && nla_put_u32(msg, S2S_TUNNEL_A_TX_SPI, ntohl(sa->spi))) {
		rcu_read_unlock();
		goto cancel;
	}
	rcu_read_unlock();

	err = s2s_stats_fill(msg, S2S_TUNNEL_A_STATS, &t->stats);
	if (err)
		goto cancel;
	nla_nest_end(msg, nest);
	return 0;

cancel:
	nla_nest_cancel(msg, nest);
	return err;
}

static int s2s_nl_fill_tunnel(struct sk_buff *msg, struct s2s_tunnel *t,
			      u32 portid, u32 seq, int flags)
{
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &s2s_genl_family, flags,
			  S2S_CMD_TUNNEL_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (s2s_nl_put_dev(msg, S2S_A_IFINDEX, S2S_A_IFNAME, t->dev) ||
	    s2s_nl_put_tunnel(msg, t)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

/* What names an SA and its state: direction, SPI, sequence number, state. */
static int s2s_nl_put_sa_id(struct sk_buff *msg, const struct s2s_sa *sa)
{
	u64 seq = sa->dir == S2S_DIR_OUT ? atomic64_read(&sa->seq_out) :
					   READ_ONCE(sa->replay.st.top);

	if (nla_put_u8(msg, S2S_SA_A_DIR, sa->dir) ||
	    nla_put_u32(msg, S2S_SA_A_SPI, ntohl(sa->spi)) ||
	    nla_put_u64_64bit(msg, S2S_SA_A_SEQ, seq, S2S_SA_A_PAD) ||
	    nla_put_u8(msg, S2S_SA_A_STATE, s2s_sa_state(sa)))
		return -EMSGSIZE;
	return 0;
}

static int s2s_nl_put_sa_algs(struct sk_buff *msg, const struct s2s_sa *sa)
{
	u32 icv_bits = sa->icvlen * 8;

	if (sa->aead_alg[0]) {
		if (nla_put_string(msg, S2S_SA_A_AEAD_ALG, sa->aead_alg) ||
		    nla_put_u32(msg, S2S_SA_A_ICV_BITS, icv_bits))
			return -EMSGSIZE;
		return 0;
	}
	if (nla_put_string(msg, S2S_SA_A_ENC_ALG, sa->enc_alg) ||
	    nla_put_string(msg, S2S_SA_A_AUTH_ALG, sa->auth_alg) ||
	    nla_put_u32(msg, S2S_SA_A_AUTH_TRUNC_BITS, icv_bits))
		return -EMSGSIZE;
	return 0;
}

static int s2s_nl_put_sa_limits(struct sk_buff *msg, const struct s2s_sa *sa)
{
	const typeof(sa->cfg_limits) *lim = &sa->cfg_limits;

	if (nla_put_u64_64bit(msg, S2S_SA_A_SOFT_BYTES, lim->soft_bytes,
			      S2S_SA_A_PAD) ||
	    nla_put_u64_64bit(msg, S2S_SA_A_HARD_BYTES, lim->hard_bytes,
			      S2S_SA_A_PAD) ||
	    nla_put_u64_64bit(msg, S2S_SA_A_SOFT_PACKETS, lim->soft_packets,
			      S2S_SA_A_PAD) ||
	    nla_put_u64_64bit(msg, S2S_SA_A_HARD_PACKETS, lim->hard_packets,
			      S2S_SA_A_PAD) ||
	    nla_put_u64_64bit(msg, S2S_SA_A_SOFT_SECONDS, lim->soft_seconds,
			      S2S_SA_A_PAD) ||
	    nla_put_u64_64bit(msg, S2S_SA_A_HARD_SECONDS, lim->hard_seconds,
			      S2S_SA_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int s2s_nl_fill_sa(struct sk_buff *msg, struct s2s_sa *sa, u32 portid,
			  u32 seq, int flags)
{
	struct net_device *dev = sa->tunnel->dev;
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &s2s_genl_family, flags,
			  S2S_CMD_SA_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (s2s_nl_put_dev(msg, S2S_A_IFINDEX, S2S_A_IFNAME, dev))
		goto cancel;
	nest = nla_nest_start(msg, S2S_A_SA);
	if (!nest)
		goto cancel;
	if (s2s_nl_put_sa_id(msg, sa) || s2s_nl_put_sa_algs(msg, sa) ||
	    (sa->dir == S2S_DIR_IN &&
	     nla_put_u32(msg, S2S_SA_A_REPLAY_WINDOW, sa->replay_window)) ||
	    (sa->esn && nla_put_flag(msg, S2S_SA_A_ESN)) ||
	    s2s_nl_put_sa_limits(msg, sa) ||
	    nla_put_u64_64bit(msg, S2S_SA_A_AGE,
			      ktime_get_seconds() - sa->add_time,
			      S2S_SA_A_PAD) ||
	    s2s_nl_put_dev(msg, S2S_SA_A_IFINDEX, S2S_SA_A_IFNAME, dev) ||
	    s2s_stats_fill(msg, S2S_SA_A_STATS, &sa->stats))
		goto cancel;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return 0;

cancel:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

static int s2s_nl_fill_segment(struct sk_buff *msg,
			       const struct s2s_segment *seg, u32 portid,
			       u32 seq, int flags)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &s2s_genl_family, flags,
			  S2S_CMD_SEGMENT_GET);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(msg, S2S_A_SEGMENT);
	if (!nest ||
	    nla_put_string(msg, S2S_SEGMENT_A_NAME, seg->name) ||
	    nla_put_u32(msg, S2S_SEGMENT_A_MARK, seg->mark) ||
	    nla_put_u32(msg, S2S_SEGMENT_A_MASK, seg->mask)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return 0;
}

/* ---- request parsing ---- */

/*
 * The tunnel a request names by S2S_A_IFINDEX and/or S2S_A_IFNAME, in the
 * request's namespace.  Called under RTNL.
 */
static struct s2s_tunnel *s2s_nl_tunnel_lookup(struct net *net,
					       struct nlattr **attrs,
					       struct netlink_ext_ack *extack)
{
	struct net_device *dev = NULL, *named;
	struct s2s_tunnel *t;

	ASSERT_RTNL();
	if (attrs[S2S_A_IFINDEX]) {
		dev = __dev_get_by_index(net, nla_get_u32(attrs[S2S_A_IFINDEX]));
		if (!dev) {
			S2S_NL_ERR_ATTR(extack, attrs[S2S_A_IFINDEX],
					"no interface with this index");
			return ERR_PTR(-ENODEV);
		}
	}
	if (attrs[S2S_A_IFNAME]) {
		named = __dev_get_by_name(net, nla_data(attrs[S2S_A_IFNAME]));
		if (!named) {
			S2S_NL_ERR_ATTR(extack, attrs[S2S_A_IFNAME],
					"no interface with this name");
			return ERR_PTR(-ENODEV);
		}
		if (dev && dev != named) {
			S2S_NL_ERR_ATTR(extack, attrs[S2S_A_IFNAME],
					"interface index and name refer to different interfaces");
			return ERR_PTR(-EINVAL);
		}
		dev = named;
	}
	if (!dev) {
		NL_SET_ERR_MSG_MOD(extack,
				   "name the tunnel by interface index (IFINDEX) or name (IFNAME)");
		return ERR_PTR(-EINVAL);
	}
	t = s2s_tunnel_from_dev(dev);
	if (!t) {
		S2S_NL_ERR_ATTR(extack,
				attrs[S2S_A_IFINDEX] ?: attrs[S2S_A_IFNAME],
				"not an s2svpn tunnel");
		return ERR_PTR(-EINVAL);
	}
	return t;
}

/* Applies the attributes present in a TUNNEL nest to @cfg. */
static int s2s_nl_parse_tunnel(struct s2s_tunnel_config *cfg,
			       struct nlattr *nest,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[S2S_TUNNEL_A_MAX + 1];
	struct nlattr *port;
	int err;

	err = nla_parse_nested(tb, S2S_TUNNEL_A_MAX, nest, s2s_tunnel_policy,
			       extack);
	if (err)
		return err;
	err = s2s_tunnel_parse_addrs(cfg, tb[S2S_TUNNEL_A_LOCAL],
				     tb[S2S_TUNNEL_A_REMOTE], extack);
	if (err)
		return err;
	if (tb[S2S_TUNNEL_A_MODE])
		cfg->mode = nla_get_u8(tb[S2S_TUNNEL_A_MODE]);
	/* a mark without a mask owns every bit */
	if (tb[S2S_TUNNEL_A_MARK]) {
		cfg->mark = nla_get_u32(tb[S2S_TUNNEL_A_MARK]);
		cfg->mark_mask = U32_MAX;
	}
	if (tb[S2S_TUNNEL_A_MARK_MASK])
		cfg->mark_mask = nla_get_u32(tb[S2S_TUNNEL_A_MARK_MASK]);
	if (tb[S2S_TUNNEL_A_MTU])
		cfg->mtu = nla_get_u32(tb[S2S_TUNNEL_A_MTU]);
	if (tb[S2S_TUNNEL_A_ENCAP])
		cfg->encap = nla_get_u8(tb[S2S_TUNNEL_A_ENCAP]);
	if (tb[S2S_TUNNEL_A_ENCAP_SPORT])
		cfg->sport = nla_get_u16(tb[S2S_TUNNEL_A_ENCAP_SPORT]);
	if (tb[S2S_TUNNEL_A_ENCAP_DPORT])
		cfg->dport = nla_get_u16(tb[S2S_TUNNEL_A_ENCAP_DPORT]);

	port = tb[S2S_TUNNEL_A_ENCAP_SPORT] ?: tb[S2S_TUNNEL_A_ENCAP_DPORT];
	if (port && cfg->encap != S2S_ENCAP_UDP) {
		S2S_NL_ERR_ATTR(extack, port,
				"encapsulation ports need UDP encapsulation");
		return -EINVAL;
	}
	return 0;
}

static int s2s_nl_parse_sa_aead(struct s2s_sa_config *cfg,
				struct nlattr **tb, struct nlattr *nest,
				struct netlink_ext_ack *extack)
{
	static const int foreign[] = {
		S2S_SA_A_ENC_KEY, S2S_SA_A_AUTH_ALG, S2S_SA_A_AUTH_KEY,
		S2S_SA_A_AUTH_TRUNC_BITS,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(foreign); i++) {
		if (tb[foreign[i]]) {
			S2S_NL_ERR_ATTR(extack, tb[foreign[i]],
					"an AEAD SA takes no separate cipher or integrity parameters");
			return -EINVAL;
		}
	}
	if (S2S_NL_MISSING(extack, nest, tb, S2S_SA_A_AEAD_KEY,
			   "the AEAD key (AEAD_KEY) is missing"))
		return -EINVAL;
	nla_strscpy(cfg->aead_alg, tb[S2S_SA_A_AEAD_ALG], sizeof(cfg->aead_alg));
	cfg->aead_keylen = nla_memcpy(cfg->aead_key, tb[S2S_SA_A_AEAD_KEY],
				      sizeof(cfg->aead_key));
	cfg->icv_bits = tb[S2S_SA_A_ICV_BITS] ?
			nla_get_u32(tb[S2S_SA_A_ICV_BITS]) : 128;
	return 0;
}

static int s2s_nl_parse_sa_authenc(struct s2s_sa_config *cfg,
				   struct nlattr **tb, struct nlattr *nest,
				   struct netlink_ext_ack *extack)
{
	struct nlattr *aead = tb[S2S_SA_A_AEAD_KEY] ?: tb[S2S_SA_A_ICV_BITS];

	if (aead) {
		S2S_NL_ERR_ATTR(extack, aead,
				"AEAD parameters do not go with a cipher and integrity algorithm");
		return -EINVAL;
	}
	if (S2S_NL_MISSING(extack, nest, tb, S2S_SA_A_ENC_KEY,
			   "the cipher key (ENC_KEY) is missing") ||
	    S2S_NL_MISSING(extack, nest, tb, S2S_SA_A_AUTH_ALG,
			   "a cipher needs an integrity algorithm (AUTH_ALG)") ||
	    S2S_NL_MISSING(extack, nest, tb, S2S_SA_A_AUTH_KEY,
			   "the integrity key (AUTH_KEY) is missing"))
		return -EINVAL;
	nla_strscpy(cfg->enc_alg, tb[S2S_SA_A_ENC_ALG], sizeof(cfg->enc_alg));
	cfg->enc_keylen = nla_memcpy(cfg->enc_key, tb[S2S_SA_A_ENC_KEY],
				     sizeof(cfg->enc_key));
	nla_strscpy(cfg->auth_alg, tb[S2S_SA_A_AUTH_ALG], sizeof(cfg->auth_alg));
	cfg->auth_keylen = nla_memcpy(cfg->auth_key, tb[S2S_SA_A_AUTH_KEY],
				      sizeof(cfg->auth_key));
	if (tb[S2S_SA_A_AUTH_TRUNC_BITS])
		cfg->auth_trunc_bits = nla_get_u32(tb[S2S_SA_A_AUTH_TRUNC_BITS]);
	return 0;
}

static void s2s_nl_get_u64(u64 *val, const struct nlattr *attr)
{
	if (attr)
		*val = nla_get_u64(attr);
}

/*
 * Fills a zeroed @cfg from an SA nest.  Its structure is checked here; the
 * algorithms, key lengths and limits are checked by s2s_sa_add().
 */
static int s2s_nl_parse_sa(struct s2s_sa_config *cfg, struct nlattr *nest,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[S2S_SA_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, S2S_SA_A_MAX, nest, s2s_sa_policy, extack);
	if (err)
		return err;
	if (S2S_NL_MISSING(extack, nest, tb, S2S_SA_A_DIR,
			   "the SA direction (DIR) is missing") ||
	    S2S_NL_MISSING(extack, nest, tb, S2S_SA_A_SPI,
			   "the SPI (SPI) is missing"))
		return -EINVAL;
	cfg->dir = nla_get_u8(tb[S2S_SA_A_DIR]);
	cfg->spi = nla_get_u32(tb[S2S_SA_A_SPI]);

	if (!tb[S2S_SA_A_AEAD_ALG] == !tb[S2S_SA_A_ENC_ALG]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "give either an AEAD algorithm (AEAD_ALG) or a cipher (ENC_ALG) with an integrity algorithm (AUTH_ALG)");
		return -EINVAL;
	}
	if (tb[S2S_SA_A_AEAD_ALG])
		err = s2s_nl_parse_sa_aead(cfg, tb, nest, extack);
	else
		err = s2s_nl_parse_sa_authenc(cfg, tb, nest, extack);
	if (err)
		return err;

	cfg->replay_window = tb[S2S_SA_A_REPLAY_WINDOW] ?
			     nla_get_u32(tb[S2S_SA_A_REPLAY_WINDOW]) :
			     S2S_REPLAY_DEFAULT;
	cfg->esn = nla_get_flag(tb[S2S_SA_A_ESN]);
	s2s_nl_get_u64(&cfg->soft_bytes, tb[S2S_SA_A_SOFT_BYTES]);
	s2s_nl_get_u64(&cfg->hard_bytes, tb[S2S_SA_A_HARD_BYTES]);
	s2s_nl_get_u64(&cfg->soft_packets, tb[S2S_SA_A_SOFT_PACKETS]);
	s2s_nl_get_u64(&cfg->hard_packets, tb[S2S_SA_A_HARD_PACKETS]);
	s2s_nl_get_u64(&cfg->soft_seconds, tb[S2S_SA_A_SOFT_SECONDS]);
	s2s_nl_get_u64(&cfg->hard_seconds, tb[S2S_SA_A_HARD_SECONDS]);
	s2s_nl_get_u64(&cfg->seq, tb[S2S_SA_A_SEQ]);
	return 0;
}

/* ---- commands ---- */

static int s2s_nl_version_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &s2s_genl_family, 0,
				S2S_CMD_VERSION_GET);
	if (!hdr || nla_put_string(msg, S2S_A_VERSION, S2S_VERSION)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int s2s_nl_tunnel_new(struct sk_buff *skb, struct genl_info *info)
{
	struct s2s_tunnel_config cfg = { .mode = S2S_MODE_ROUTE };
	struct nlattr **attrs = info->attrs;
	struct nlattr *nest = attrs[S2S_A_TUNNEL];
	int err;

	if (S2S_NL_MISSING(info->extack, NULL, attrs, S2S_A_IFNAME,
			   "the new tunnel needs an interface name (IFNAME)") ||
	    S2S_NL_MISSING(info->extack, NULL, attrs, S2S_A_TUNNEL,
			   "the tunnel parameters (TUNNEL) are missing"))
		return -EINVAL;
	if (attrs[S2S_A_IFINDEX]) {
		S2S_NL_ERR_ATTR(info->extack, attrs[S2S_A_IFINDEX],
				"the kernel assigns the interface index");
		return -EINVAL;
	}
	err = s2s_nl_parse_tunnel(&cfg, nest, info->extack);
	if (err)
		return err;
	if (!cfg.family) {
		S2S_NL_ERR_ATTR(info->extack, nest,
				"local and remote addresses (LOCAL, REMOTE) are required");
		return -EINVAL;
	}

	rtnl_lock();
	err = s2s_tunnel_create(genl_info_net(info),
				nla_data(attrs[S2S_A_IFNAME]), &cfg,
				info->extack);
	rtnl_unlock();
	return err;
}

static int s2s_nl_tunnel_set(struct sk_buff *skb, struct genl_info *info)
{
	struct s2s_tunnel_config cfg;
	struct s2s_tunnel *t;
	int err;

	rtnl_lock();
	t = s2s_nl_tunnel_lookup(genl_info_net(info), info->attrs,
				 info->extack);
	if (IS_ERR(t)) {
		err = PTR_ERR(t);
		goto out;
	}
	s2s_tunnel_get_config(t, &cfg);
	if (info->attrs[S2S_A_TUNNEL]) {
		err = s2s_nl_parse_tunnel(&cfg, info->attrs[S2S_A_TUNNEL],
					  info->extack);
		if (err)
			goto out;
	}
	err = s2s_tunnel_change(t, &cfg, info->extack);
out:
	rtnl_unlock();
	return err;
}

static int s2s_nl_tunnel_del(struct sk_buff *skb, struct genl_info *info)
{
	struct s2s_tunnel *t;
	int err = 0;

	rtnl_lock();
	t = s2s_nl_tunnel_lookup(genl_info_net(info), info->attrs,
				 info->extack);
	if (IS_ERR(t))
		err = PTR_ERR(t);
	else
		s2s_tunnel_delete(t);
	rtnl_unlock();
	return err;
}

static int s2s_nl_tunnel_get(struct sk_buff *skb, struct genl_info *info)
{
	struct s2s_tunnel *t;
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rtnl_lock();
	t = s2s_nl_tunnel_lookup(genl_info_net(info), info->attrs,
				 info->extack);
	if (IS_ERR(t))
		err = PTR_ERR(t);
	else
		err = s2s_nl_fill_tunnel(msg, t, info->snd_portid,
					 info->snd_seq, 0);
	rtnl_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Dumps resume by position: cb->args[0] counts the tunnels done,
 * cb->args[1] the objects done within the current tunnel.
 */
static int s2s_nl_tunnel_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct s2s_net *sn = s2s_net(sock_net(skb->sk));
	long idx = 0, start = cb->args[0];
	struct s2s_tunnel *t;
	int err = 0;

	rtnl_lock();
	list_for_each_entry(t, &sn->tunnels, net_node) {
		if (idx >= start) {
			err = s2s_nl_fill_tunnel(skb, t,
						 NETLINK_CB(cb->skb).portid,
						 cb->nlh->nlmsg_seq,
						 NLM_F_MULTI);
			if (err)
				break;
		}
		idx++;
	}
	rtnl_unlock();
	cb->args[0] = idx;
	return err && !skb->len ? err : skb->len;
}

static int s2s_nl_sa_new(struct sk_buff *skb, struct genl_info *info)
{
	struct s2s_sa_config *cfg;
	struct s2s_tunnel *t;
	int err;

	if (S2S_NL_MISSING(info->extack, NULL, info->attrs, S2S_A_SA,
			   "the SA parameters (SA) are missing"))
		return -EINVAL;
	/* holds keys: wiped when freed */
	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	err = s2s_nl_parse_sa(cfg, info->attrs[S2S_A_SA], info->extack);
	if (err)
		goto out;

	rtnl_lock();
	t = s2s_nl_tunnel_lookup(genl_info_net(info), info->attrs,
				 info->extack);
	if (IS_ERR(t))
		err = PTR_ERR(t);
	else
		err = s2s_sa_add(t, cfg, info->extack);
	rtnl_unlock();
out:
	kfree_sensitive(cfg);
	return err;
}

static int s2s_nl_sa_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[S2S_SA_A_MAX + 1];
	struct nlattr *nest = info->attrs[S2S_A_SA];
	struct s2s_tunnel *t;
	int err;

	if (S2S_NL_MISSING(info->extack, NULL, info->attrs, S2S_A_SA,
			   "the SA to delete (SA with DIR and SPI) is missing"))
		return -EINVAL;
	err = nla_parse_nested(tb, S2S_SA_A_MAX, nest, s2s_sa_policy,
			       info->extack);
	if (err)
		return err;
	if (S2S_NL_MISSING(info->extack, nest, tb, S2S_SA_A_DIR,
			   "the SA direction (DIR) is missing") ||
	    S2S_NL_MISSING(info->extack, nest, tb, S2S_SA_A_SPI,
			   "the SPI (SPI) is missing"))
		return -EINVAL;

	rtnl_lock();
	t = s2s_nl_tunnel_lookup(genl_info_net(info), info->attrs,
				 info->extack);
	if (IS_ERR(t))
		err = PTR_ERR(t);
	else
		err = s2s_sa_del(t, nla_get_u8(tb[S2S_SA_A_DIR]),
				 nla_get_u32(tb[S2S_SA_A_SPI]), info->extack);
	rtnl_unlock();
	return err;
}

static int s2s_nl_sa_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct nlattr **attrs = s2s_genl_dump_attrs(cb);
	long idx = 0, sidx = 0;
	struct s2s_tunnel *t, *only = NULL;
	struct s2s_sa *sa;
	int err = 0;

	rtnl_lock();
	if (attrs[S2S_A_IFINDEX] || attrs[S2S_A_IFNAME]) {
		only = s2s_nl_tunnel_lookup(net, attrs, cb->extack);
		if (IS_ERR(only)) {
			err = PTR_ERR(only);
			goto out;
		}
	}
	list_for_each_entry(t, &s2s_net(net)->tunnels, net_node) {
		if (only && t != only)
			continue;
		if (idx < cb->args[0]) {
			idx++;
			continue;
		}
		sidx = 0;
		list_for_each_entry(sa, &t->sa_list, tunnel_node) {
			if (sidx >= cb->args[1]) {
				err = s2s_nl_fill_sa(skb, sa,
						     NETLINK_CB(cb->skb).portid,
						     cb->nlh->nlmsg_seq,
						     NLM_F_MULTI);
				if (err)
					goto out;
			}
			sidx++;
		}
		cb->args[1] = 0;
		sidx = 0;
		idx++;
	}
out:
	rtnl_unlock();
	cb->args[0] = idx;
	cb->args[1] = sidx;
	return err && !skb->len ? err : skb->len;
}

static int s2s_nl_segment_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[S2S_SEGMENT_A_MAX + 1];
	struct nlattr *nest = info->attrs[S2S_A_SEGMENT];
	u32 mask = U32_MAX;
	int err;

	if (S2S_NL_MISSING(info->extack, NULL, info->attrs, S2S_A_SEGMENT,
			   "the segment parameters (SEGMENT) are missing"))
		return -EINVAL;
	err = nla_parse_nested(tb, S2S_SEGMENT_A_MAX, nest, s2s_segment_policy,
			       info->extack);
	if (err)
		return err;
	if (S2S_NL_MISSING(info->extack, nest, tb, S2S_SEGMENT_A_NAME,
			   "the segment name (NAME) is missing") ||
	    S2S_NL_MISSING(info->extack, nest, tb, S2S_SEGMENT_A_MARK,
			   "the segment mark (MARK) is missing"))
		return -EINVAL;
	if (tb[S2S_SEGMENT_A_MASK])
		mask = nla_get_u32(tb[S2S_SEGMENT_A_MASK]);

	rtnl_lock();
	err = s2s_segment_add(s2s_net(genl_info_net(info)),
			      nla_data(tb[S2S_SEGMENT_A_NAME]),
			      nla_get_u32(tb[S2S_SEGMENT_A_MARK]), mask,
			      info->extack);
	rtnl_unlock();
	return err;
}

static int s2s_nl_segment_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[S2S_SEGMENT_A_MAX + 1];
	struct nlattr *nest = info->attrs[S2S_A_SEGMENT];
	int err;

	if (S2S_NL_MISSING(info->extack, NULL, info->attrs, S2S_A_SEGMENT,
			   "the segment to delete (SEGMENT with NAME) is missing"))
		return -EINVAL;
	err = nla_parse_nested(tb, S2S_SEGMENT_A_MAX, nest, s2s_segment_policy,
			       info->extack);
	if (err)
		return err;
	if (S2S_NL_MISSING(info->extack, nest, tb, S2S_SEGMENT_A_NAME,
			   "the segment name (NAME) is missing"))
		return -EINVAL;

	rtnl_lock();
	err = s2s_segment_del(s2s_net(genl_info_net(info)),
			      nla_data(tb[S2S_SEGMENT_A_NAME]), info->extack);
	rtnl_unlock();
	return err;
}

static int s2s_nl_segment_dump(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	struct s2s_net *sn = s2s_net(sock_net(skb->sk));
	long idx = 0, start = cb->args[0];
	struct s2s_segment *seg;
	int err = 0;

	rtnl_lock();
	list_for_each_entry(seg, &sn->segments, node) {
		if (idx >= start) {
			err = s2s_nl_fill_segment(skb, seg,
						  NETLINK_CB(cb->skb).portid,
						  cb->nlh->nlmsg_seq,
						  NLM_F_MULTI);
			if (err)
				break;
		}
		idx++;
	}
	rtnl_unlock();
	cb->args[0] = idx;
	return err && !skb->len ? err : skb->len;
}

#define S2S_NO_SELECTORS \
	"policy-based tunnels and traffic selectors are not implemented yet"

static int s2s_nl_selector_doit(struct sk_buff *skb, struct genl_info *info)
{
	NL_SET_ERR_MSG_MOD(info->extack, S2S_NO_SELECTORS);
	return -EOPNOTSUPP;
}

static int s2s_nl_selector_dump(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	NL_SET_ERR_MSG_MOD(cb->extack, S2S_NO_SELECTORS);
	return -EOPNOTSUPP;
}

static const struct genl_small_ops s2s_genl_ops[] = {
	{
		.cmd = S2S_CMD_VERSION_GET,
		.doit = s2s_nl_version_get,
	},
	{
		.cmd = S2S_CMD_TUNNEL_NEW,
		.doit = s2s_nl_tunnel_new,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = S2S_CMD_TUNNEL_SET,
		.doit = s2s_nl_tunnel_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = S2S_CMD_TUNNEL_DEL,
		.doit = s2s_nl_tunnel_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = S2S_CMD_TUNNEL_GET,
		.doit = s2s_nl_tunnel_get,
		.dumpit = s2s_nl_tunnel_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = S2S_CMD_SA_NEW,
		.doit = s2s_nl_sa_new,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = S2S_CMD_SA_DEL,
		.doit = s2s_nl_sa_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = S2S_CMD_SA_GET,
		.dumpit = s2s_nl_sa_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = S2S_CMD_SEGMENT_NEW,
		.doit = s2s_nl_segment_new,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = S2S_CMD_SEGMENT_DEL,
		.doit = s2s_nl_segment_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = S2S_CMD_SEGMENT_GET,
		.dumpit = s2s_nl_segment_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = S2S_CMD_SELECTOR_NEW,
		.doit = s2s_nl_selector_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = S2S_CMD_SELECTOR_DEL,
		.doit = s2s_nl_selector_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = S2S_CMD_SELECTOR_GET,
		.dumpit = s2s_nl_selector_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family s2s_genl_family __ro_after_init = {
	.name = S2S_GENL_NAME,
	.version = S2S_GENL_VERSION,
	.maxattr = S2S_A_MAX,
	.policy = s2s_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.small_ops = s2s_genl_ops,
	.n_small_ops = ARRAY_SIZE(s2s_genl_ops),
	.resv_start_op = S2S_CMD_SELECTOR_GET + 1,
	.mcgrps = s2s_mcgrps,
	.n_mcgrps = ARRAY_SIZE(s2s_mcgrps),
};

/* ---- events ---- */

/*
 * Starts an event about tunnel @t, or returns NULL when nobody listens.
 * Called under rcu_read_lock(), which s2s_netlink_exit() waits for.
 */
static struct sk_buff *s2s_nl_event_start(struct s2s_tunnel *t, u8 cmd,
					  void **hdr)
{
	struct sk_buff *msg;

	if (!READ_ONCE(s2s_nl_registered) ||
	    !genl_has_listeners(&s2s_genl_family, t->net, S2S_MCGRP_EVENTS))
		return NULL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &s2s_genl_family, 0, cmd);
	if (!*hdr ||
	    s2s_nl_put_dev(msg, S2S_A_IFINDEX, S2S_A_IFNAME, t->dev)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void s2s_nl_event_send(struct s2s_tunnel *t, struct sk_buff *msg,
			      void *hdr)
{
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&s2s_genl_family, t->net, msg, 0,
				S2S_MCGRP_EVENTS, GFP_ATOMIC);
}

/* Starts an SA event: the tunnel, then an SA nest naming the SA. */
static struct sk_buff *s2s_nl_sa_event_start(struct s2s_sa *sa, u8 cmd,
					     void **hdr)
{
	struct sk_buff *msg;
	struct nlattr *nest;

	msg = s2s_nl_event_start(sa->tunnel, cmd, hdr);
	if (!msg)
		return NULL;
	nest = nla_nest_start(msg, S2S_A_SA);
	if (!nest || s2s_nl_put_sa_id(msg, sa) ||
	    s2s_nl_put_dev(msg, S2S_SA_A_IFINDEX, S2S_SA_A_IFNAME,
			   sa->tunnel->dev)) {
		nlmsg_free(msg);
		return NULL;
	}
	nla_nest_end(msg, nest);
	return msg;
}

/**
 * s2s_nl_notify_sa_expire() - multicast an SA expiry event
 * @sa: the SA
 * @kind: enum s2s_expire_kind
 * @limit: enum s2s_expire_limit, the limit that was reached
 *
 * May be called from any context.
 */
void s2s_nl_notify_sa_expire(struct s2s_sa *sa, u8 kind, u8 limit)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	rcu_read_lock();
	msg = s2s_nl_sa_event_start(sa, S2S_CMD_EVENT_SA_EXPIRE, &hdr);
	if (!msg)
		goto out;
	nest = nla_nest_start(msg, S2S_A_EXPIRE);
	if (!nest || nla_put_u8(msg, S2S_EXPIRE_A_KIND, kind) ||
	    nla_put_u8(msg, S2S_EXPIRE_A_LIMIT, limit)) {
		nlmsg_free(msg);
		goto out;
	}
	nla_nest_end(msg, nest);
	s2s_nl_event_send(sa->tunnel, msg, hdr);
out:
	rcu_read_unlock();
}

/**
 * s2s_nl_notify_seq_wrap() - multicast an outbound sequence exhaustion event
 * @sa: the outbound SA, which stopped rather than wrap
 *
 * May be called from any context.
 */
void s2s_nl_notify_seq_wrap(struct s2s_sa *sa)
{
	struct sk_buff *msg;
	void *hdr;

	rcu_read_lock();
	msg = s2s_nl_sa_event_start(sa, S2S_CMD_EVENT_SEQ_WRAP, &hdr);
	if (msg)
		s2s_nl_event_send(sa->tunnel, msg, hdr);
	rcu_read_unlock();
}

/**
 * s2s_nl_notify_tunnel_state() - multicast a tunnel up/down event
 * @t: the tunnel
 *
 * May be called from any context.
 */
void s2s_nl_notify_tunnel_state(struct s2s_tunnel *t)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;

	rcu_read_lock();
	msg = s2s_nl_event_start(t, S2S_CMD_EVENT_TUNNEL_STATE, &hdr);
	if (!msg)
		goto out;
	nest = nla_nest_start(msg, S2S_A_TUNNEL);
	if (!nest ||
	    nla_put_u8(msg, S2S_TUNNEL_A_OPER_STATE, s2s_nl_oper_state(t)) ||
	    s2s_nl_put_dev(msg, S2S_TUNNEL_A_IFINDEX, S2S_TUNNEL_A_IFNAME,
			   t->dev)) {
		nlmsg_free(msg);
		goto out;
	}
	nla_nest_end(msg, nest);
	s2s_nl_event_send(t, msg, hdr);
out:
	rcu_read_unlock();
}

/**
 * s2s_netlink_init() - register the generic netlink family
 *
 * Return: 0 or a negative errno.
 */
int s2s_netlink_init(void)
{
	int err;

	err = genl_register_family(&s2s_genl_family);
	if (err)
		return err;
	WRITE_ONCE(s2s_nl_registered, true);
	return 0;
}

/**
 * s2s_netlink_exit() - unregister the generic netlink family
 *
 * Events stop first: no sender still uses the family once it is gone.
 */
void s2s_netlink_exit(void)
{
	WRITE_ONCE(s2s_nl_registered, false);
	synchronize_rcu();
	genl_unregister_family(&s2s_genl_family);
}
