// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generic netlink family "s2svpn": configuration of tunnels, SAs,
 * segments and traffic selectors.  The "events" multicast group is events.c's.
 *
 * Documentation/netlink/s2svpn.yaml specifies the API; the policies below
 * follow it (tools/check-spec.py proves it), one top-level policy per
 * command so that each command takes exactly its attributes.  Handlers turn
 * attributes into plain configuration for device.c, sa.c, segment.c and
 * selector.c.
 * The family's pre_doit takes RTNL and resolves the tunnel a request names
 * for the commands that ask for it; every refusal carries an extended-ack
 * message.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include "compat.h"
#include "device.h"
#include "events.h"
#include "extack.h"
#include "km.h"
#include "netlink.h"
#include "netns.h"
#include "probe.h"
#include "sa.h"
#include "segment.h"
#include "selector.h"

/* genl_ops.internal_flags: what pre_doit prepares for the handler */
#define S2S_NL_RTNL	BIT(0)			/* hold RTNL */
#define S2S_NL_TUNNEL	(BIT(1) | S2S_NL_RTNL)	/* user_ptr[0]: the tunnel */

static struct genl_family s2s_genl_family;

/* An outer or selector address: 4 (IPv4) or 16 (IPv6) bytes. */
#define S2S_POLICY_ADDR NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct in_addr), \
					 sizeof(struct in6_addr))
#define S2S_POLICY_STRING(size) { .type = NLA_NUL_STRING, .len = (size) - 1 }
#define S2S_POLICY_KEY NLA_POLICY_RANGE(NLA_BINARY, 1, S2S_KEY_MAX)
#define S2S_POLICY_IFINDEX NLA_POLICY_MIN(NLA_U32, 1)
#define S2S_POLICY_IFNAME S2S_POLICY_STRING(IFNAMSIZ)

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
	[S2S_TUNNEL_A_ENCAP_SPORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[S2S_TUNNEL_A_ENCAP_DPORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[S2S_TUNNEL_A_ENCAP_KEEPALIVE] = NLA_POLICY_MAX(NLA_U16,
							S2S_KEEPALIVE_MAX),
	[S2S_TUNNEL_A_IF_ID] = { .type = NLA_U32 },
	[S2S_TUNNEL_A_PROBE_ADDR] = NLA_POLICY_RANGE(NLA_BINARY, 0,
						      sizeof(struct in6_addr)),
	[S2S_TUNNEL_A_PROBE_INTERVAL] = NLA_POLICY_RANGE(NLA_U32,
							 S2S_PROBE_INTERVAL_MIN,
							 S2S_PROBE_INTERVAL_MAX),
	[S2S_TUNNEL_A_PROBE_MISSES] = NLA_POLICY_RANGE(NLA_U32,
						       S2S_PROBE_MISSES_MIN,
						       S2S_PROBE_MISSES_MAX),
};

static const struct nla_policy s2s_sa_policy[S2S_SA_A_MAX + 1] = {
	[S2S_SA_A_DIR] = NLA_POLICY_RANGE(NLA_U8, S2S_DIR_IN, S2S_DIR_OUT),
	[S2S_SA_A_SPI] = { .type = NLA_U32 },
	[S2S_SA_A_AEAD_ALG] = S2S_POLICY_STRING(S2S_ALG_NAME_SIZE),
	[S2S_SA_A_AEAD_KEY] = S2S_POLICY_KEY,
	[S2S_SA_A_ICV_BITS] = { .type = NLA_U32 },
	[S2S_SA_A_ENC_ALG] = S2S_POLICY_STRING(S2S_ALG_NAME_SIZE),
	[S2S_SA_A_ENC_KEY] = S2S_POLICY_KEY,
	[S2S_SA_A_AUTH_ALG] = S2S_POLICY_STRING(S2S_ALG_NAME_SIZE),
	[S2S_SA_A_AUTH_KEY] = S2S_POLICY_KEY,
	[S2S_SA_A_AUTH_TRUNC_BITS] = { .type = NLA_U32 },
	[S2S_SA_A_REPLAY_WINDOW] = NLA_POLICY_MAX(NLA_U32, S2S_REPLAY_WINDOW_MAX),
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
	[S2S_SEGMENT_A_NAME] = S2S_POLICY_STRING(S2S_SEGMENT_NAME_SIZE),
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
	[S2S_SEL_A_SEGMENT] = S2S_POLICY_STRING(S2S_SEGMENT_NAME_SIZE),
	[S2S_SEL_A_ACTION] = NLA_POLICY_RANGE(NLA_U8, S2S_SEL_PROTECT,
					      S2S_SEL_DISCARD),
	[S2S_SEL_A_PRIORITY] = { .type = NLA_U32 },
};

/* The top-level attributes each command takes (none: version, segment-get). */
static const struct nla_policy s2s_tunnel_new_policy[S2S_A_MAX + 1] = {
	[S2S_A_IFNAME] = S2S_POLICY_IFNAME,
	[S2S_A_TUNNEL] = NLA_POLICY_NESTED(s2s_tunnel_policy),
};

static const struct nla_policy s2s_tunnel_set_policy[S2S_A_MAX + 1] = {
	[S2S_A_IFINDEX] = S2S_POLICY_IFINDEX,
	[S2S_A_IFNAME] = S2S_POLICY_IFNAME,
	[S2S_A_TUNNEL] = NLA_POLICY_NESTED(s2s_tunnel_policy),
};

/* tunnel-del, tunnel-get, and the filter of sa-get and selector-get */
static const struct nla_policy s2s_tunnel_ref_policy[S2S_A_MAX + 1] = {
	[S2S_A_IFINDEX] = S2S_POLICY_IFINDEX,
	[S2S_A_IFNAME] = S2S_POLICY_IFNAME,
};

static const struct nla_policy s2s_sa_req_policy[S2S_A_MAX + 1] = {
	[S2S_A_IFINDEX] = S2S_POLICY_IFINDEX,
	[S2S_A_IFNAME] = S2S_POLICY_IFNAME,
	[S2S_A_SA] = NLA_POLICY_NESTED(s2s_sa_policy),
};

static const struct nla_policy s2s_segment_req_policy[S2S_A_MAX + 1] = {
	[S2S_A_SEGMENT] = NLA_POLICY_NESTED(s2s_segment_policy),
};

static const struct nla_policy s2s_selector_req_policy[S2S_A_MAX + 1] = {
	[S2S_A_IFINDEX] = S2S_POLICY_IFINDEX,
	[S2S_A_IFNAME] = S2S_POLICY_IFNAME,
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

/*
 * S2S_NL_NEST - parses the top-level nest @type of a request into @tb
 * (@max, @policy), refusing its absence with the message @missing (a
 * literal, as for NL_SET_ERR_MSG_MOD).
 */
#define S2S_NL_NEST(info, type, tb, max, policy, missing)		\
	(S2S_NL_MISSING((info)->extack, NULL, (info)->attrs, type,	\
			missing) ? -EINVAL :				\
	 nla_parse_nested(tb, max, (info)->attrs[type], policy,	\
			  (info)->extack))

/* ---- message building ---- */

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

/* Where UDP-encapsulated ESP goes now (a learned NAT mapping); RTNL. */
static int s2s_nl_put_peer(struct sk_buff *msg, struct s2s_tunnel *t)
{
	const struct s2s_tunnel_params *p = rtnl_dereference(t->params);

	if (s2s_nl_put_addr(msg, S2S_TUNNEL_A_NAT_REMOTE, p->cfg.family,
			    &p->peer))
		return -EMSGSIZE;
	return nla_put_u16(msg, S2S_TUNNEL_A_NAT_DPORT, ntohs(p->peer_port));
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
	    nla_put_u32(msg, S2S_TUNNEL_A_IF_ID, cfg->if_id) ||
	    nla_put_u8(msg, S2S_TUNNEL_A_OPER_STATE, s2s_nl_oper_state(t)) ||
	    nla_put_u8(msg, S2S_TUNNEL_A_PEER_STATE, s2s_tunnel_peer_state(t)) ||
	    nla_put_u32(msg, S2S_TUNNEL_A_IKE_SEL_REFUSED,
			t->sel ? READ_ONCE(t->sel->ike_refused) : 0) ||
	    s2s_nl_put_dev(msg, S2S_TUNNEL_A_IFINDEX, S2S_TUNNEL_A_IFNAME,
			   t->dev))
		goto cancel;
	if (cfg->encap == S2S_ENCAP_UDP &&
	    (nla_put_u16(msg, S2S_TUNNEL_A_ENCAP_SPORT, cfg->sport) ||
	     nla_put_u16(msg, S2S_TUNNEL_A_ENCAP_DPORT, cfg->dport) ||
	     nla_put_u16(msg, S2S_TUNNEL_A_ENCAP_KEEPALIVE, cfg->keepalive) ||
	     s2s_nl_put_peer(msg, t)))
		goto cancel;
	/* NAT-T SAs from an IKE daemon: where their ESP in UDP goes */
	if (cfg->if_id && rtnl_dereference(t->params)->peer_port &&
	    s2s_nl_put_peer(msg, t))
		goto cancel;
	if (cfg->probe_family &&
	    (s2s_nl_put_addr(msg, S2S_TUNNEL_A_PROBE_ADDR, cfg->probe_family,
			     &cfg->probe) ||
	     nla_put_u32(msg, S2S_TUNNEL_A_PROBE_INTERVAL, cfg->probe_interval) ||
	     nla_put_u32(msg, S2S_TUNNEL_A_PROBE_MISSES, cfg->probe_misses)))
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

static int s2s_nl_put_sa_algs(struct sk_buff *msg, const struct s2s_sa *sa)
{
	u32 icv_bits = sa->icvlen * 8;

	if (sa->aead_alg) {
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
	struct s2s_sa_id id;
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &s2s_genl_family, flags,
			  S2S_CMD_SA_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (s2s_nl_put_dev(msg, S2S_A_IFINDEX, S2S_A_IFNAME, sa->tunnel->dev))
		goto cancel;
	nest = nla_nest_start(msg, S2S_A_SA);
	if (!nest)
		goto cancel;
	s2s_sa_get_id(sa, &id);
	if (s2s_nl_put_sa_id(msg, &id) || s2s_nl_put_sa_algs(msg, sa) ||
	    (sa->dir == S2S_DIR_IN &&
	     nla_put_u32(msg, S2S_SA_A_REPLAY_WINDOW, sa->replay_window)) ||
	    (sa->esn && nla_put_flag(msg, S2S_SA_A_ESN)) ||
	    s2s_nl_put_sa_limits(msg, sa) ||
	    nla_put_u64_64bit(msg, S2S_SA_A_AGE,
			      ktime_get_seconds() - sa->add_time,
			      S2S_SA_A_PAD) ||
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
	    nla_put_u32(msg, S2S_SEGMENT_A_MASK, seg->mask) ||
	    nla_put_u32(msg, S2S_SEGMENT_A_SELECTORS, seg->users) ||
	    s2s_stats_fill(msg, S2S_SEGMENT_A_STATS, &seg->stats)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return 0;
}

static int s2s_nl_put_sel_rule(struct sk_buff *msg,
			       const struct s2s_sel_rule *r)
{
	if (nla_put_u32(msg, S2S_SEL_A_ID, r->id) ||
	    s2s_nl_put_addr(msg, S2S_SEL_A_SRC, r->family, &r->src) ||
	    nla_put_u8(msg, S2S_SEL_A_SRC_PLEN, r->src_plen) ||
	    s2s_nl_put_addr(msg, S2S_SEL_A_DST, r->family, &r->dst) ||
	    nla_put_u8(msg, S2S_SEL_A_DST_PLEN, r->dst_plen) ||
	    nla_put_u8(msg, S2S_SEL_A_PROTO, r->proto) ||
	    nla_put_u32(msg, S2S_SEL_A_PRIORITY, r->priority))
		return -EMSGSIZE;
	if (s2s_sel_rule_has_ports(r) &&
	    (nla_put_u16(msg, S2S_SEL_A_SPORT_MIN, r->sport_min) ||
	     nla_put_u16(msg, S2S_SEL_A_SPORT_MAX, r->sport_max) ||
	     nla_put_u16(msg, S2S_SEL_A_DPORT_MIN, r->dport_min) ||
	     nla_put_u16(msg, S2S_SEL_A_DPORT_MAX, r->dport_max)))
		return -EMSGSIZE;
	return 0;
}

/* @sel with its tunnel, as a selector-get reply or dump entry. */
static int s2s_nl_fill_selector(struct sk_buff *msg, struct s2s_tunnel *t,
				const struct s2s_selector *sel, u32 portid,
				u32 seq, int flags)
{
	struct nlattr *nest;
	u64 packets, bytes;
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &s2s_genl_family, flags,
			  S2S_CMD_SELECTOR_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (s2s_nl_put_dev(msg, S2S_A_IFINDEX, S2S_A_IFNAME, t->dev))
		goto cancel;
	nest = nla_nest_start(msg, S2S_A_SELECTOR);
	if (!nest)
		goto cancel;
	s2s_sel_counters(sel, &packets, &bytes);
	if (s2s_nl_put_sel_rule(msg, &sel->rule) ||
	    nla_put_u8(msg, S2S_SEL_A_DIR, sel->dir) ||
	    nla_put_u8(msg, S2S_SEL_A_ACTION, sel->action) ||
	    (sel->segment &&
	     nla_put_string(msg, S2S_SEL_A_SEGMENT, sel->segment->name)) ||
	    nla_put_u64_64bit(msg, S2S_SEL_A_MATCHES, packets, S2S_SEL_A_PAD) ||
	    nla_put_u64_64bit(msg, S2S_SEL_A_MATCH_BYTES, bytes, S2S_SEL_A_PAD) ||
	    nla_put_u8(msg, S2S_SEL_A_ORIGIN, sel->origin))
		goto cancel;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return 0;

cancel:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
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

/* Liveness probing: an address of 0 bytes turns it off. */
static int s2s_nl_parse_probe(struct s2s_tunnel_config *cfg,
			      struct nlattr **tb,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *addr = tb[S2S_TUNNEL_A_PROBE_ADDR], *opt;

	if (addr) {
		switch (nla_len(addr)) {
		case 0:
			cfg->probe_family = 0;
			memset(&cfg->probe, 0, sizeof(cfg->probe));
			cfg->probe_interval = 0;
			cfg->probe_misses = 0;
			break;
		case sizeof(struct in_addr):
			cfg->probe_family = AF_INET;
			cfg->probe.ip4 = nla_get_in_addr(addr);
			break;
		case sizeof(struct in6_addr):
			cfg->probe_family = AF_INET6;
			cfg->probe.ip6 = nla_get_in6_addr(addr);
			break;
		default:
			S2S_NL_ERR_ATTR(extack, addr,
					"a probe address is 4 (IPv4) or 16 (IPv6) bytes, or 0 to stop probing");
			return -EINVAL;
		}
	}
	opt = tb[S2S_TUNNEL_A_PROBE_INTERVAL] ?: tb[S2S_TUNNEL_A_PROBE_MISSES];
	if (opt && !cfg->probe_family) {
		S2S_NL_ERR_ATTR(extack, opt,
				"probe interval and misses need a probe address");
		return -EINVAL;
	}
	if (tb[S2S_TUNNEL_A_PROBE_INTERVAL])
		cfg->probe_interval = nla_get_u32(tb[S2S_TUNNEL_A_PROBE_INTERVAL]);
	if (tb[S2S_TUNNEL_A_PROBE_MISSES])
		cfg->probe_misses = nla_get_u32(tb[S2S_TUNNEL_A_PROBE_MISSES]);
	if (cfg->probe_family && !cfg->probe_interval)
		cfg->probe_interval = S2S_PROBE_INTERVAL_DEFAULT;
	if (cfg->probe_family && !cfg->probe_misses)
		cfg->probe_misses = S2S_PROBE_MISSES_DEFAULT;
	return 0;
}

/* Applies the attributes present in a TUNNEL nest to @cfg. */
static int s2s_nl_parse_tunnel(struct s2s_tunnel_config *cfg,
			       struct nlattr *nest,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[S2S_TUNNEL_A_MAX + 1];
	bool was_udp = cfg->encap == S2S_ENCAP_UDP;
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
	if (tb[S2S_TUNNEL_A_ENCAP_KEEPALIVE])
		cfg->keepalive = nla_get_u16(tb[S2S_TUNNEL_A_ENCAP_KEEPALIVE]);
	if (tb[S2S_TUNNEL_A_IF_ID])
		cfg->if_id = nla_get_u32(tb[S2S_TUNNEL_A_IF_ID]);

	port = tb[S2S_TUNNEL_A_ENCAP_SPORT] ?: tb[S2S_TUNNEL_A_ENCAP_DPORT] ?:
	       tb[S2S_TUNNEL_A_ENCAP_KEEPALIVE];
	if (port && cfg->encap != S2S_ENCAP_UDP) {
		S2S_NL_ERR_ATTR(extack, port,
				"encapsulation ports and keepalive need UDP encapsulation");
		return -EINVAL;
	}
	if (cfg->encap != S2S_ENCAP_UDP) {
		cfg->sport = 0;
		cfg->dport = 0;
		cfg->keepalive = 0;
	} else if (!was_udp) {
		/* RFC 3948 defaults for what the request leaves out */
		if (!tb[S2S_TUNNEL_A_ENCAP_SPORT])
			cfg->sport = S2S_ENCAP_PORT_DEFAULT;
		if (!tb[S2S_TUNNEL_A_ENCAP_DPORT])
			cfg->dport = S2S_ENCAP_PORT_DEFAULT;
		if (!tb[S2S_TUNNEL_A_ENCAP_KEEPALIVE])
			cfg->keepalive = S2S_KEEPALIVE_DEFAULT;
	}
	/*
	 * Under IKE the daemon owns the UDP port and each SA says how it is
	 * encapsulated; the key manager leaves NAT-T states to xfrm.
	 */
	if (cfg->if_id && cfg->encap == S2S_ENCAP_UDP) {
		S2S_NL_ERR_ATTR(extack, tb[S2S_TUNNEL_A_IF_ID] ?:
				tb[S2S_TUNNEL_A_ENCAP],
				"if-id and encap udp exclude each other: under IKE the daemon owns the UDP port");
		return -EINVAL;
	}
	return s2s_nl_parse_probe(cfg, tb, extack);
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
			nla_get_u32(tb[S2S_SA_A_ICV_BITS]) :
			S2S_GCM_ICV_DEFAULT;
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
 * algorithms, key lengths and limits are checked by s2s_sa_create().
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
			     S2S_REPLAY_WINDOW_DEFAULT;
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

/* A selector address and its prefix length (default: the whole address). */
static int s2s_nl_parse_prefix(union s2s_addr *addr, u8 *plen,
			       const struct nlattr *attr,
			       const struct nlattr *plen_attr,
			       struct netlink_ext_ack *extack)
{
	int len = nla_len(attr);

	if (len != sizeof(struct in_addr) && len != sizeof(struct in6_addr)) {
		S2S_NL_ERR_ATTR(extack, attr,
				"a selector address is 4 (IPv4) or 16 (IPv6) bytes");
		return -EINVAL;
	}
	memset(addr, 0, sizeof(*addr));
	nla_memcpy(addr, attr, len);
	*plen = plen_attr ? nla_get_u8(plen_attr) : len * 8;
	return len == sizeof(struct in_addr) ? AF_INET : AF_INET6;
}

/*
 * A port (or ICMP type/code) range: a missing bound equals the other one
 * (a single port), both missing is any.
 */
static void s2s_nl_parse_range(u16 *min, u16 *max, const struct nlattr *lo,
			       const struct nlattr *hi)
{
	*min = 0;
	*max = S2S_SEL_PORT_MAX;
	if (lo)
		*min = *max = nla_get_u16(lo);
	if (hi) {
		*max = nla_get_u16(hi);
		if (!lo)
			*min = *max;
	}
}

/*
 * Fills @cfg from a SELECTOR nest of selector-new.  Its structure is
 * checked here; the values by s2s_sel_add().
 */
static int s2s_nl_parse_selector(struct s2s_sel_config *cfg,
				 struct nlattr *nest,
				 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[S2S_SEL_A_MAX + 1];
	struct s2s_sel_rule *r = &cfg->rule;
	int err, dst_family;

	err = nla_parse_nested(tb, S2S_SEL_A_MAX, nest, s2s_selector_policy,
			       extack);
	if (err)
		return err;
	if (tb[S2S_SEL_A_ID]) {
		S2S_NL_ERR_ATTR(extack, tb[S2S_SEL_A_ID],
				"the kernel assigns selector ids: give none (ID) to a new selector");
		return -EINVAL;
	}
	if (S2S_NL_MISSING(extack, nest, tb, S2S_SEL_A_DIR,
			   "the selector direction (DIR) is missing") ||
	    S2S_NL_MISSING(extack, nest, tb, S2S_SEL_A_SRC,
			   "the source prefix (SRC) is missing") ||
	    S2S_NL_MISSING(extack, nest, tb, S2S_SEL_A_DST,
			   "the destination prefix (DST) is missing"))
		return -EINVAL;
	memset(cfg, 0, sizeof(*cfg));
	cfg->dir = nla_get_u8(tb[S2S_SEL_A_DIR]);
	err = s2s_nl_parse_prefix(&r->src, &r->src_plen, tb[S2S_SEL_A_SRC],
				  tb[S2S_SEL_A_SRC_PLEN], extack);
	if (err < 0)
		return err;
	r->family = err;
	dst_family = s2s_nl_parse_prefix(&r->dst, &r->dst_plen,
					 tb[S2S_SEL_A_DST],
					 tb[S2S_SEL_A_DST_PLEN], extack);
	if (dst_family < 0)
		return dst_family;
	if (dst_family != r->family) {
		S2S_NL_ERR_ATTR(extack, tb[S2S_SEL_A_DST],
				"src and dst of a selector must be of one family (both IPv4 or both IPv6)");
		return -EINVAL;
	}
	if (tb[S2S_SEL_A_PROTO])
		r->proto = nla_get_u8(tb[S2S_SEL_A_PROTO]);
	s2s_nl_parse_range(&r->sport_min, &r->sport_max,
			   tb[S2S_SEL_A_SPORT_MIN], tb[S2S_SEL_A_SPORT_MAX]);
	s2s_nl_parse_range(&r->dport_min, &r->dport_max,
			   tb[S2S_SEL_A_DPORT_MIN], tb[S2S_SEL_A_DPORT_MAX]);
	if (tb[S2S_SEL_A_SEGMENT])
		nla_strscpy(cfg->segment, tb[S2S_SEL_A_SEGMENT],
			    sizeof(cfg->segment));
	cfg->action = tb[S2S_SEL_A_ACTION] ?
		      nla_get_u8(tb[S2S_SEL_A_ACTION]) : S2S_SEL_PROTECT;
	r->priority = tb[S2S_SEL_A_PRIORITY] ?
		      nla_get_u32(tb[S2S_SEL_A_PRIORITY]) :
		      S2S_SEL_PRIORITY_DEFAULT;
	return 0;
}

/* ---- pre_doit / post_doit ---- */

static int s2s_nl_pre_doit(const struct s2s_genl_doit_ops *ops,
			   struct sk_buff *skb, struct genl_info *info)
{
	struct s2s_tunnel *t;

	if (!(ops->internal_flags & S2S_NL_RTNL))
		return 0;
	rtnl_lock();
	if ((ops->internal_flags & S2S_NL_TUNNEL) == S2S_NL_TUNNEL) {
		t = s2s_nl_tunnel_lookup(genl_info_net(info), info->attrs,
					 info->extack);
		if (IS_ERR(t)) {
			rtnl_unlock();
			return PTR_ERR(t);
		}
		info->user_ptr[0] = t;
	}
	return 0;
}

static void s2s_nl_post_doit(const struct s2s_genl_doit_ops *ops,
			     struct sk_buff *skb, struct genl_info *info)
{
	if (ops->internal_flags & S2S_NL_RTNL)
		rtnl_unlock();
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

/* Under RTNL (S2S_NL_RTNL). */
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
	err = s2s_nl_parse_tunnel(&cfg, nest, info->extack);
	if (err)
		return err;
	if (!cfg.family) {
		S2S_NL_ERR_ATTR(info->extack, nest,
				"local and remote addresses (LOCAL, REMOTE) are required");
		return -EINVAL;
	}
	err = s2s_km_check_if_id(genl_info_net(info), NULL, cfg.if_id,
				 info->extack);
	if (err)
		return err;
	err = s2s_tunnel_create(genl_info_net(info),
				nla_data(attrs[S2S_A_IFNAME]), &cfg,
				info->extack);
	if (!err && cfg.if_id)
		s2s_km_sync(genl_info_net(info));
	return err;
}

/* The handlers below run with the tunnel resolved (S2S_NL_TUNNEL). */
static int s2s_nl_tunnel_set(struct sk_buff *skb, struct genl_info *info)
{
	struct s2s_tunnel *t = info->user_ptr[0];
	struct s2s_tunnel_config cfg;
	int err;

	s2s_tunnel_get_config(t, &cfg);
	if (info->attrs[S2S_A_TUNNEL]) {
		err = s2s_nl_parse_tunnel(&cfg, info->attrs[S2S_A_TUNNEL],
					  info->extack);
		if (err)
			return err;
	}
	err = s2s_km_check_if_id(t->net, t, cfg.if_id, info->extack);
	if (err)
		return err;
	return s2s_tunnel_change(t, &cfg, info->extack);
}

static int s2s_nl_tunnel_del(struct sk_buff *skb, struct genl_info *info)
{
	s2s_tunnel_delete(info->user_ptr[0]);
	return 0;
}

static int s2s_nl_tunnel_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = s2s_nl_fill_tunnel(msg, info->user_ptr[0], info->snd_portid,
				 info->snd_seq, 0);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

static int s2s_nl_sa_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[S2S_SA_A_MAX + 1];
	struct nlattr *nest = info->attrs[S2S_A_SA];
	int err;

	err = S2S_NL_NEST(info, S2S_A_SA, tb, S2S_SA_A_MAX, s2s_sa_policy,
			  "the SA to delete (SA with DIR and SPI) is missing");
	if (err)
		return err;
	if (S2S_NL_MISSING(info->extack, nest, tb, S2S_SA_A_DIR,
			   "the SA direction (DIR) is missing") ||
	    S2S_NL_MISSING(info->extack, nest, tb, S2S_SA_A_SPI,
			   "the SPI (SPI) is missing"))
		return -EINVAL;
	return s2s_sa_del(info->user_ptr[0], nla_get_u8(tb[S2S_SA_A_DIR]),
			  nla_get_u32(tb[S2S_SA_A_SPI]), info->extack);
}

/*
 * Without RTNL from pre_doit: the SA's transform is allocated and keyed
 * first (which may load crypto modules), then linked under RTNL.
 */
static int s2s_nl_sa_new(struct sk_buff *skb, struct genl_info *info)
{
	struct s2s_sa_config *cfg;
	struct s2s_tunnel *t;
	struct s2s_sa *sa;
	int err;

	if (S2S_NL_MISSING(info->extack, NULL, info->attrs, S2S_A_SA,
			   "the SA parameters (SA) are missing"))
		return -EINVAL;
	/* holds keys: wiped when freed */
	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	err = s2s_nl_parse_sa(cfg, info->attrs[S2S_A_SA], info->extack);
	sa = err ? ERR_PTR(err) : s2s_sa_create(cfg, info->extack);
	kfree_sensitive(cfg);
	if (IS_ERR(sa))
		return PTR_ERR(sa);

	rtnl_lock();
	t = s2s_nl_tunnel_lookup(genl_info_net(info), info->attrs,
				 info->extack);
	err = IS_ERR(t) ? PTR_ERR(t) : s2s_sa_link(t, sa, info->extack);
	rtnl_unlock();
	if (err)
		s2s_sa_put(sa);
	return err;
}

/* The segment commands run under RTNL (S2S_NL_RTNL). */
static int s2s_nl_parse_segment(struct nlattr **tb, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[S2S_A_SEGMENT];
	int err;

	err = S2S_NL_NEST(info, S2S_A_SEGMENT, tb, S2S_SEGMENT_A_MAX,
			  s2s_segment_policy,
			  "the segment (SEGMENT with NAME) is missing");
	if (err)
		return err;
	if (S2S_NL_MISSING(info->extack, nest, tb, S2S_SEGMENT_A_NAME,
			   "the segment name (NAME) is missing"))
		return -EINVAL;
	return 0;
}

static int s2s_nl_segment_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[S2S_SEGMENT_A_MAX + 1];
	u32 mask = U32_MAX;
	int err;

	err = s2s_nl_parse_segment(tb, info);
	if (err)
		return err;
	if (S2S_NL_MISSING(info->extack, info->attrs[S2S_A_SEGMENT], tb,
			   S2S_SEGMENT_A_MARK,
			   "the segment mark (MARK) is missing"))
		return -EINVAL;
	if (tb[S2S_SEGMENT_A_MASK])
		mask = nla_get_u32(tb[S2S_SEGMENT_A_MASK]);
	return s2s_segment_add(s2s_net(genl_info_net(info)),
			       nla_data(tb[S2S_SEGMENT_A_NAME]),
			       nla_get_u32(tb[S2S_SEGMENT_A_MARK]), mask,
			       info->extack);
}

static int s2s_nl_segment_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[S2S_SEGMENT_A_MAX + 1];
	int err;

	err = s2s_nl_parse_segment(tb, info);
	if (err)
		return err;
	return s2s_segment_del(s2s_net(genl_info_net(info)),
			       nla_data(tb[S2S_SEGMENT_A_NAME]), info->extack);
}

/* The selector commands run with the tunnel resolved (S2S_NL_TUNNEL). */
static int s2s_nl_selector_new(struct sk_buff *skb, struct genl_info *info)
{
	struct s2s_tunnel *t = info->user_ptr[0];
	struct s2s_sel_config cfg;
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;
	u32 id;
	int err;

	if (S2S_NL_MISSING(info->extack, NULL, info->attrs, S2S_A_SELECTOR,
			   "the selector (SELECTOR) is missing"))
		return -EINVAL;
	err = s2s_nl_parse_selector(&cfg, info->attrs[S2S_A_SELECTOR],
				    info->extack);
	if (err)
		return err;
	/*
	 * The reply (tunnel index and name, the id) is allocated first, so
	 * that an added selector always gets its id back; sized to fit, as
	 * batches add thousands.
	 */
	msg = genlmsg_new(nla_total_size(sizeof(u32)) +
			  nla_total_size(IFNAMSIZ) +
			  nla_total_size(nla_total_size(sizeof(u32))),
			  GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &s2s_genl_family, 0,
				S2S_CMD_SELECTOR_NEW);
	if (!hdr || s2s_nl_put_dev(msg, S2S_A_IFINDEX, S2S_A_IFNAME, t->dev)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	err = s2s_sel_add(t, &cfg, &id, info->extack);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	/* the message was sized for these */
	nest = nla_nest_start(msg, S2S_A_SELECTOR);
	if (nest && !nla_put_u32(msg, S2S_SEL_A_ID, id))
		nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int s2s_nl_selector_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[S2S_SEL_A_MAX + 1];
	struct nlattr *nest = info->attrs[S2S_A_SELECTOR];
	int err;

	err = S2S_NL_NEST(info, S2S_A_SELECTOR, tb, S2S_SEL_A_MAX,
			  s2s_selector_policy,
			  "the selector to delete (SELECTOR with ID) is missing");
	if (err)
		return err;
	if (S2S_NL_MISSING(info->extack, nest, tb, S2S_SEL_A_ID,
			   "the selector id (ID) is missing"))
		return -EINVAL;
	return s2s_sel_del(info->user_ptr[0], nla_get_u32(tb[S2S_SEL_A_ID]),
			   info->extack);
}

/* ---- dumps ---- */

/*
 * Dumps walk lists under RTNL and resume by position: @pos counts the
 * entries of @head already sent.  @fill puts one entry; an error (the
 * message is full) stops the walk at that entry.
 */
static int s2s_nl_dump_list(struct sk_buff *skb, struct netlink_callback *cb,
			    struct list_head *head, long *pos,
			    int (*fill)(struct sk_buff *skb,
					struct netlink_callback *cb,
					struct list_head *node))
{
	struct list_head *node;
	long idx = 0;
	int err = 0;

	list_for_each(node, head) {
		if (idx >= *pos) {
			err = fill(skb, cb, node);
			if (err)
				break;
		}
		idx++;
	}
	*pos = idx;
	return err;
}

/* What a dumpit returns: the bytes filled, or the error of an empty skb. */
static int s2s_nl_dump_result(struct sk_buff *skb, int err)
{
	return err && !skb->len ? err : skb->len;
}

static int s2s_nl_dump_tunnel(struct sk_buff *skb, struct netlink_callback *cb,
			      struct list_head *node)
{
	return s2s_nl_fill_tunnel(skb, list_entry(node, struct s2s_tunnel,
						  net_node),
				  NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, NLM_F_MULTI);
}

static int s2s_nl_dump_segment(struct sk_buff *skb,
			       struct netlink_callback *cb,
			       struct list_head *node)
{
	return s2s_nl_fill_segment(skb, list_entry(node, struct s2s_segment,
						   node),
				   NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq, NLM_F_MULTI);
}

static int s2s_nl_dump_sa(struct sk_buff *skb, struct netlink_callback *cb,
			  struct list_head *node)
{
	return s2s_nl_fill_sa(skb, list_entry(node, struct s2s_sa, tunnel_node),
			      NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			      NLM_F_MULTI);
}

/*
 * The SAs of one tunnel: cb->args[1] counts those sent, cb->args[2] is the
 * ifindex the dump is restricted to (0: every tunnel).
 */
static int s2s_nl_dump_tunnel_sas(struct sk_buff *skb,
				  struct netlink_callback *cb,
				  struct list_head *node)
{
	struct s2s_tunnel *t = list_entry(node, struct s2s_tunnel, net_node);
	int err;

	if (cb->args[2] && cb->args[2] != t->dev->ifindex)
		return 0;
	err = s2s_nl_dump_list(skb, cb, &t->sa_list, &cb->args[1],
			       s2s_nl_dump_sa);
	if (!err)
		cb->args[1] = 0;
	return err;
}

/* Every dump walks the namespace's list of one kind; cb->args[0] resumes it. */
static int s2s_nl_dump_net(struct sk_buff *skb, struct netlink_callback *cb,
			   bool segments,
			   int (*fill)(struct sk_buff *skb,
				       struct netlink_callback *cb,
				       struct list_head *node))
{
	struct s2s_net *sn = s2s_net(sock_net(skb->sk));
	int err;

	rtnl_lock();
	err = s2s_nl_dump_list(skb, cb, segments ? &sn->segments : &sn->tunnels,
			       &cb->args[0], fill);
	rtnl_unlock();
	return s2s_nl_dump_result(skb, err);
}

static int s2s_nl_tunnel_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return s2s_nl_dump_net(skb, cb, false, s2s_nl_dump_tunnel);
}

static int s2s_nl_segment_dump(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	return s2s_nl_dump_net(skb, cb, true, s2s_nl_dump_segment);
}

static int s2s_nl_sa_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = s2s_genl_dump_attrs(cb);
	struct s2s_tunnel *only;

	cb->args[2] = 0;
	if (attrs[S2S_A_IFINDEX] || attrs[S2S_A_IFNAME]) {
		rtnl_lock();
		only = s2s_nl_tunnel_lookup(sock_net(skb->sk), attrs,
					    cb->extack);
		if (!IS_ERR(only))
			cb->args[2] = only->dev->ifindex;
		rtnl_unlock();
		if (IS_ERR(only))
			return PTR_ERR(only);
	}
	return s2s_nl_dump_net(skb, cb, false, s2s_nl_dump_tunnel_sas);
}

/*
 * Where a selector dump stands, in cb->args: [0] tunnels done, [1] the
 * phase within the current tunnel, [2..4] the sort key of the last
 * selector sent in that phase (zero: none yet), [5] the ifindex the dump
 * is restricted to (0: every tunnel).  Resuming by key rather than by
 * position costs O(log n) and skips or repeats nothing when selectors come
 * and go between two parts of the dump.  Each tunnel sends its inbound, then its outbound
 * selectors, each direction in effective order.
 */
enum {
	S2S_SEL_DUMP_IN_START,
	S2S_SEL_DUMP_IN,
	S2S_SEL_DUMP_OUT_START,
	S2S_SEL_DUMP_OUT,
	S2S_SEL_DUMP_DONE,
};

static int s2s_nl_dump_tunnel_selectors(struct sk_buff *skb,
					struct netlink_callback *cb,
					struct list_head *node)
{
	struct s2s_tunnel *t = list_entry(node, struct s2s_tunnel, net_node);
	struct s2s_selector *sel;
	struct s2s_sel_order last;
	long *phase = &cb->args[1];
	int err, i;
	u8 dir;

	if (cb->args[5] && cb->args[5] != t->dev->ifindex)
		return 0;
	for (; *phase < S2S_SEL_DUMP_DONE; ++*phase) {
		dir = *phase < S2S_SEL_DUMP_OUT_START ? S2S_DIR_IN : S2S_DIR_OUT;
		/* a zero key goes before every selector's */
		if (*phase == S2S_SEL_DUMP_IN_START ||
		    *phase == S2S_SEL_DUMP_OUT_START) {
			for (i = 0; i < 3; i++)
				cb->args[2 + i] = 0;
			++*phase;
		}
		for (i = 0; i < 3; i++)
			last.k[i] = cb->args[2 + i];
		sel = s2s_sel_after(t, dir, &last);
		for (; sel; sel = s2s_sel_next(sel)) {
			err = s2s_nl_fill_selector(skb, t, sel,
						   NETLINK_CB(cb->skb).portid,
						   cb->nlh->nlmsg_seq,
						   NLM_F_MULTI);
			if (err)
				return err;
			for (i = 0; i < 3; i++)
				cb->args[2 + i] = sel->order.k[i];
		}
	}
	*phase = S2S_SEL_DUMP_IN_START;
	return 0;
}

static int s2s_nl_selector_dump(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct nlattr **attrs = s2s_genl_dump_attrs(cb);
	struct s2s_tunnel *only;

	if (!cb->args[5] && (attrs[S2S_A_IFINDEX] || attrs[S2S_A_IFNAME])) {
		rtnl_lock();
		only = s2s_nl_tunnel_lookup(sock_net(skb->sk), attrs,
					    cb->extack);
		if (!IS_ERR(only))
			cb->args[5] = only->dev->ifindex;
		rtnl_unlock();
		if (IS_ERR(only))
			return PTR_ERR(only);
	}
	return s2s_nl_dump_net(skb, cb, false, s2s_nl_dump_tunnel_selectors);
}

/* A configuration command: CAP_NET_ADMIN over the namespace's user ns. */
#define S2S_NL_OP(_cmd, _doit, _dumpit, _policy, _flags) {		\
	.cmd = (_cmd), .doit = (_doit), .dumpit = (_dumpit),		\
	.policy = (_policy), .maxattr = S2S_A_MAX,			\
	.internal_flags = (_flags), .flags = GENL_UNS_ADMIN_PERM,	\
}

/* A NULL policy: the command takes no attribute at all. */
static const struct genl_ops s2s_genl_ops[] = {
	{ .cmd = S2S_CMD_VERSION_GET, .doit = s2s_nl_version_get },
	S2S_NL_OP(S2S_CMD_TUNNEL_NEW, s2s_nl_tunnel_new, NULL,
		  s2s_tunnel_new_policy, S2S_NL_RTNL),
	S2S_NL_OP(S2S_CMD_TUNNEL_SET, s2s_nl_tunnel_set, NULL,
		  s2s_tunnel_set_policy, S2S_NL_TUNNEL),
	S2S_NL_OP(S2S_CMD_TUNNEL_DEL, s2s_nl_tunnel_del, NULL,
		  s2s_tunnel_ref_policy, S2S_NL_TUNNEL),
	S2S_NL_OP(S2S_CMD_TUNNEL_GET, s2s_nl_tunnel_get, s2s_nl_tunnel_dump,
		  s2s_tunnel_ref_policy, S2S_NL_TUNNEL),
	S2S_NL_OP(S2S_CMD_SA_NEW, s2s_nl_sa_new, NULL, s2s_sa_req_policy, 0),
	S2S_NL_OP(S2S_CMD_SA_DEL, s2s_nl_sa_del, NULL, s2s_sa_req_policy,
		  S2S_NL_TUNNEL),
	S2S_NL_OP(S2S_CMD_SA_GET, NULL, s2s_nl_sa_dump, s2s_tunnel_ref_policy,
		  0),
	S2S_NL_OP(S2S_CMD_SEGMENT_NEW, s2s_nl_segment_new, NULL,
		  s2s_segment_req_policy, S2S_NL_RTNL),
	S2S_NL_OP(S2S_CMD_SEGMENT_DEL, s2s_nl_segment_del, NULL,
		  s2s_segment_req_policy, S2S_NL_RTNL),
	S2S_NL_OP(S2S_CMD_SEGMENT_GET, NULL, s2s_nl_segment_dump, NULL, 0),
	S2S_NL_OP(S2S_CMD_SELECTOR_NEW, s2s_nl_selector_new, NULL,
		  s2s_selector_req_policy, S2S_NL_TUNNEL),
	S2S_NL_OP(S2S_CMD_SELECTOR_DEL, s2s_nl_selector_del, NULL,
		  s2s_selector_req_policy, S2S_NL_TUNNEL),
	S2S_NL_OP(S2S_CMD_SELECTOR_GET, NULL, s2s_nl_selector_dump,
		  s2s_tunnel_ref_policy, 0),
};

/*
 * resv_start_op 0: the header's reserved field and the netlink flags are
 * checked, and attributes strictly validated, for every command.
 */
static struct genl_family s2s_genl_family __ro_after_init = {
	.name = S2S_GENL_NAME,
	.version = S2S_GENL_VERSION,
	.maxattr = S2S_A_MAX,
	.netnsok = true,
	.module = THIS_MODULE,
	.pre_doit = s2s_nl_pre_doit,
	.post_doit = s2s_nl_post_doit,
	.ops = s2s_genl_ops,
	.n_ops = ARRAY_SIZE(s2s_genl_ops),
	.resv_start_op = 0,
	.mcgrps = s2s_events_mcgrps,
	.n_mcgrps = S2S_EVENTS_N_MCGRPS,
};

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
	s2s_events_attach(&s2s_genl_family);
	return 0;
}

/**
 * s2s_netlink_exit() - unregister the generic netlink family
 *
 * Events stop first: no sender still uses the family once it is gone.
 */
void s2s_netlink_exit(void)
{
	s2s_events_detach();
	genl_unregister_family(&s2s_genl_family);
}
