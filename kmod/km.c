// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-kernel xfrm key manager: an IKE daemon (strongSwan) keeps
 * installing its SAs through XFRM with an interface ID, exactly as for an
 * XFRM interface, and every ESP tunnel-mode state whose if_id a tunnel
 * carries ("s2sctl tunnel add ... if-id N") becomes an s2svpn SA of that
 * tunnel.  Documentation/ike.rst describes the design.
 *
 * Threading:
 *  - xfrm calls s2s_km_notify() in atomic context (under rcu_read_lock(),
 *    from a softirq hrtimer for expiry, and under x->lock when a byte or
 *    packet limit fires).  It only copies what identifies the state into an
 *    event (GFP_ATOMIC, bounded), marks the SPI as pending so that the
 *    receive path claims its packets, and kicks the work item.
 *  - One work item on an ordered workqueue does everything else in process
 *    context: looks the live state up again, builds and keys the transform
 *    without RTNL, links the SA under RTNL, and every S2S_KM_TICK feeds the
 *    usage of each mirrored SA back into its xfrm state and removes SAs
 *    whose xfrm state died (DELSA, FLUSHSA, hard expiry) or whose tunnel
 *    no longer carries the interface ID.
 *  - The bindings (s2svpn SA <-> xfrm state) are under RTNL.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/xfrm.h>
#include "tunnel.h"
#include "km.h"
#include "netns.h"
#include "sa.h"
#include "stats.h"

/* feedback and reconciliation period while any SA is mirrored */
#define S2S_KM_TICK		(HZ / 4)
/* states one namespace may have waiting; beyond, that namespace is walked */
#define S2S_KM_NET_EVENTS_MAX	4096
/* SPIs one namespace may have claimed while their SAs are set up */
#define S2S_KM_NET_PENDING_MAX	1024
#define S2S_KM_PENDING_BITS	8
/* events of one namespace served before the next namespace's turn */
#define S2S_KM_SLICE		16
/* work (events, a walk counting as a slice) per run, then a reconcile */
#define S2S_KM_RUN_BUDGET	256
/* xfrm states collected, and visited, per turn of a walk */
#define S2S_KM_WALK_BATCH	32
#define S2S_KM_WALK_VISIT	1024
/* how long a dead outbound state's SA may wait for its successor */
#define S2S_KM_DEAD_OUT_MAX	(2 * HZ)
/* ask for a rekey when fewer sequence numbers than this are left */
#define S2S_KM_SEQ_MARGIN	(1ULL << 24)

/**
 * struct s2s_km_pending - an SPI whose SA is being set up
 * @node: entry in s2s_km_pending (spinlock writes, RCU reads)
 * @rcu: deferred free
 * @net: the namespace (compared only; the event holds a reference)
 * @family: outer family
 * @daddr: outer destination address
 * @spi: SPI, network order
 * @if_id: the state's interface ID
 */
struct s2s_km_pending {
	struct hlist_node node;
	struct rcu_head rcu;
	struct net *net;
	u16 family;
	union s2s_addr daddr;
	__be32 spi;
	u32 if_id;
};

/**
 * struct s2s_km_event - an xfrm state to mirror
 * @node: entry in its namespace's s2s_km_net.events
 * @mark: the state's mark value
 * @daddr: the state's destination address
 * @spi: the state's SPI
 * @family: the state's outer family
 * @pending: the claim on its SPI, or NULL
 */
struct s2s_km_event {
	struct list_head node;
	u32 mark;
	xfrm_address_t daddr;
	__be32 spi;
	u16 family;
	struct s2s_km_pending *pending;
};

/**
 * struct s2s_km_binding - an s2svpn SA mirroring an xfrm state (RTNL)
 * @node: entry in s2s_km_bindings
 * @net_node: entry in its namespace's s2s_km_net.bindings
 * @hnode: entry in its namespace's s2s_km_net.by_state
 * @net: the namespace
 * @ifindex: the tunnel's interface
 * @sa: the SA, referenced (its counters outlive its unlinking)
 * @x: the xfrm state, referenced
 * @fed_bytes: bytes already added to @x->curlft
 * @fed_packets: packets already added to @x->curlft
 * @rekey_asked: a rekey was requested for sequence exhaustion
 * @dead_since: jiffies when its state was first seen dead while its SA
 *	kept sending (make-before-break), 0 before
 */
struct s2s_km_binding {
	struct list_head node;
	struct list_head net_node;
	struct hlist_node hnode;
	struct net *net;
	int ifindex;
	struct s2s_sa *sa;
	struct xfrm_state *x;
	u64 fed_bytes;
	u64 fed_packets;
	bool rekey_asked;
	unsigned long dead_since;
};

static struct workqueue_struct *s2s_km_wq;
static struct delayed_work s2s_km_work;
static bool s2s_km_stopping;

/*
 * s2s_km_lock: the namespaces' queues (struct s2s_km_net), the round robin
 * of those with work, and the pending table (notify side).  A namespace
 * is served S2S_KM_SLICE events at a time, so that one flooding xfrm with
 * states delays the others by a slice per turn, not by its whole queue.
 */
static DEFINE_SPINLOCK(s2s_km_lock);
static LIST_HEAD(s2s_km_ready);
static DEFINE_HASHTABLE(s2s_km_pending, S2S_KM_PENDING_BITS);

/* RTNL: every binding, for the feedback tick; lookups use the namespace's */
static LIST_HEAD(s2s_km_bindings);

static bool s2s_addr_eq(u16 family, const union s2s_addr *a,
			const xfrm_address_t *b)
{
	if (family == AF_INET)
		return a->ip4 == b->a4;
	return ipv6_addr_equal(&a->ip6, &b->in6);
}

static void s2s_addr_from_xfrm(union s2s_addr *a, u16 family,
			       const xfrm_address_t *b)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET)
		a->ip4 = b->a4;
	else
		a->ip6 = b->in6;
}

/*
 * An ESP tunnel-mode state with an interface ID, over IP or in UDP
 * (RFC 3948; the obsolete non-IKE marker variant stays with xfrm).
 */
static bool s2s_km_candidate(const struct xfrm_state *x)
{
	return x && x->id.proto == IPPROTO_ESP &&
	       x->props.mode == XFRM_MODE_TUNNEL && x->if_id &&
	       (!x->encap || x->encap->encap_type == UDP_ENCAP_ESPINUDP) &&
	       (x->props.family == AF_INET || x->props.family == AF_INET6);
}

static void s2s_km_kick(void)
{
	if (!READ_ONCE(s2s_km_stopping))
		mod_delayed_work(s2s_km_wq, &s2s_km_work, 0);
}

static u32 s2s_km_pending_key(const struct net *net, __be32 spi)
{
	return (__force u32)spi ^ net_hash_mix(net);
}

/*
 * Under s2s_km_lock, atomic: claims the state's SPI until its SA is
 * linked, within the namespace's share of the table.
 */
static struct s2s_km_pending *s2s_km_pending_add(struct s2s_km_net *kn,
						 const struct xfrm_state *x)
{
	struct s2s_km_pending *p;

	if (atomic_read(&kn->n_pending) >= S2S_KM_NET_PENDING_MAX)
		return NULL;
	p = kzalloc(sizeof(*p), GFP_ATOMIC);
	if (!p)
		return NULL;
	p->net = kn->net;
	p->family = x->props.family;
	s2s_addr_from_xfrm(&p->daddr, p->family, &x->id.daddr);
	p->spi = x->id.spi;
	p->if_id = x->if_id;
	hash_add_rcu(s2s_km_pending, &p->node,
		     s2s_km_pending_key(p->net, p->spi));
	atomic_inc(&kn->n_pending);
	return p;
}

static void s2s_km_pending_del(struct s2s_km_net *kn, struct s2s_km_pending *p)
{
	spin_lock_bh(&s2s_km_lock);
	hash_del_rcu(&p->node);
	atomic_dec(&kn->n_pending);
	spin_unlock_bh(&s2s_km_lock);
	kfree_rcu(p, rcu);
}

static void s2s_km_event_free(struct s2s_km_net *kn, struct s2s_km_event *ev)
{
	if (ev->pending)
		s2s_km_pending_del(kn, ev->pending);
	kfree(ev);
}

/*
 * Under s2s_km_lock: puts the namespace in the round robin unless it is
 * there or being served already.  The round robin holds a reference on
 * it, so that its queue outlives no namespace.  False for a dying one.
 */
static bool s2s_km_ready_locked(struct s2s_km_net *kn)
{
	if (s2s_km_stopping)
		return false;
	if (kn->queued)
		return true;
	if (!maybe_get_net(kn->net))
		return false;
	kn->queued = true;
	list_add_tail(&kn->ready, &s2s_km_ready);
	return true;
}

/*
 * Atomic-safe: queues a state of @net to mirror.  Beyond its namespace's
 * share, or without memory, the event is not kept and the namespace is
 * walked instead, which finds every state: only that namespace waits.
 */
static void s2s_km_queue_mirror(struct net *net, const struct xfrm_state *x)
{
	struct s2s_km_net *kn = &s2s_net(net)->km;
	struct s2s_km_event *ev;

	ev = kzalloc(sizeof(*ev), GFP_ATOMIC);
	if (ev) {
		ev->mark = x->mark.v;
		ev->daddr = x->id.daddr;
		ev->spi = x->id.spi;
		ev->family = x->props.family;
	}

	spin_lock_bh(&s2s_km_lock);
	if (!s2s_km_ready_locked(kn)) {
		spin_unlock_bh(&s2s_km_lock);
		kfree(ev);
		return;
	}
	if (!ev || kn->n_events >= S2S_KM_NET_EVENTS_MAX) {
		kn->resync = true;
	} else {
		ev->pending = s2s_km_pending_add(kn, x);
		list_add_tail(&ev->node, &kn->events);
		kn->n_events++;
		ev = NULL;
	}
	spin_unlock_bh(&s2s_km_lock);
	kfree(ev);
	s2s_km_kick();
}

/*
 * Atomic-safe: the namespace's states (@states) or only its policies must
 * be walked again.  A burst of changes costs one walk.
 */
static void s2s_km_queue_walk(struct net *net, bool states)
{
	struct s2s_km_net *kn = &s2s_net(net)->km;

	spin_lock_bh(&s2s_km_lock);
	if (s2s_km_ready_locked(kn)) {
		if (states)
			kn->resync = true;
		else
			kn->policy = true;
	}
	spin_unlock_bh(&s2s_km_lock);
	s2s_km_kick();
}

/*
 * xfrm's notification.  Atomic context: no sleeping, no x->lock (it may be
 * held by our caller), never delete x here.  DELSA, FLUSHSA and hard
 * expiry leave the state dead (x->km.state), which the work item notices.
 */
static int s2s_km_notify(struct xfrm_state *x, const struct km_event *c)
{
	switch (c->event) {
	case XFRM_MSG_NEWSA:
	case XFRM_MSG_UPDSA:
		/* UPDSA may hand over a discarded copy: only its identity counts */
		if (s2s_km_candidate(x))
			s2s_km_queue_mirror(xs_net(x), x);
		break;
	case XFRM_MSG_DELSA:
	case XFRM_MSG_EXPIRE:
		if (s2s_km_candidate(x))
			s2s_km_kick();
		break;
	case XFRM_MSG_FLUSHSA:
		s2s_km_kick();
		break;
	}
	return 0;
}

/*
 * xfrm's policy notification, under rcu_read_lock() (atomic): a policy of
 * an interface ID may be a tunnel's selector (km_policy.c).  The work item
 * walks the namespace's policies again.  FLUSHPOLICY comes without one.
 */
static int s2s_km_notify_policy(struct xfrm_policy *xp, int dir,
				const struct km_event *c)
{
	switch (c->event) {
	case XFRM_MSG_NEWPOLICY:
	case XFRM_MSG_UPDPOLICY:
	case XFRM_MSG_DELPOLICY:
	case XFRM_MSG_POLEXPIRE:
		if (xp && xp->if_id && dir < XFRM_POLICY_MAX)
			s2s_km_queue_walk(xp_net(xp), false);
		break;
	case XFRM_MSG_FLUSHPOLICY:
		if (c->net)
			s2s_km_queue_walk(c->net, false);
		break;
	}
	return 0;
}

/* Called by km_query() for every manager: larval states are not ours. */
static int s2s_km_acquire(struct xfrm_state *x, struct xfrm_tmpl *t,
			  struct xfrm_policy *xp)
{
	return -EOPNOTSUPP;
}

/* Called for socket policies by every manager: none are ours. */
static struct xfrm_policy *s2s_km_compile_policy(struct sock *sk, int opt,
						 u8 *data, int len, int *dir)
{
	*dir = -EOPNOTSUPP;
	return NULL;
}

static struct xfrm_mgr s2s_km_mgr = {
	.notify = s2s_km_notify,
	.notify_policy = s2s_km_notify_policy,
	.acquire = s2s_km_acquire,
	.compile_policy = s2s_km_compile_policy,
};

/* ---- process context ---- */

static struct s2s_tunnel *s2s_km_tunnel_by_if_id(struct net *net, u32 if_id)
{
	struct s2s_tunnel *t;

	ASSERT_RTNL();
	list_for_each_entry(t, &s2s_net(net)->tunnels, net_node)
		if (rtnl_dereference(t->params)->cfg.if_id == if_id)
			return t;
	return NULL;
}

/* The xfrm state's direction on @t: inbound when it is addressed to us. */
static u8 s2s_km_dir(struct s2s_tunnel *t, const struct xfrm_state *x)
{
	const struct s2s_tunnel_config *cfg = &rtnl_dereference(t->params)->cfg;

	if (cfg->family != x->props.family)
		return 0;
	if (s2s_addr_eq(cfg->family, &cfg->local, &x->id.daddr))
		return S2S_DIR_IN;
	if (s2s_addr_eq(cfg->family, &cfg->local, &x->props.saddr))
		return S2S_DIR_OUT;
	return 0;
}

/*
 * During a resync, an outbound state older than the one the tunnel sends
 * with (a rekey in progress) must not take transmission back.
 */
static bool s2s_km_older_out(struct s2s_tunnel *t, const struct xfrm_state *x)
{
	struct s2s_sa *tx = rtnl_dereference(t->tx_sa);
	struct s2s_km_binding *b;

	list_for_each_entry(b, &s2s_net(t->net)->km.bindings, net_node)
		if (b->sa == tx)
			return b->x->curlft.add_time >= x->curlft.add_time;
	return false;
}

static void s2s_km_binding_free(struct s2s_km_binding *b);

static struct s2s_km_binding *s2s_km_binding_find(struct net *net,
						  const struct xfrm_state *x)
{
	struct s2s_km_binding *b;

	hash_for_each_possible(s2s_net(net)->km.by_state, b, hnode,
			       (unsigned long)x)
		if (b->x == x)
			return b;
	return NULL;
}

static int s2s_km_copy_key(u8 *key, u32 *keylen, const char *alg_key,
			   unsigned int bits)
{
	unsigned int len = DIV_ROUND_UP(bits, 8);

	if (len > S2S_KEY_MAX)
		return -EINVAL;
	memcpy(key, alg_key, len);
	*keylen = len;
	return 0;
}

/* The last outbound sequence number the xfrm state knows of. */
static u64 s2s_km_oseq(const struct xfrm_state *x)
{
	const struct xfrm_replay_state_esn *esn = x->replay_esn;

	if (esn)
		return (u64)READ_ONCE(esn->oseq_hi) << 32 | READ_ONCE(esn->oseq);
	return READ_ONCE(x->replay.oseq);
}

/*
 * The highest inbound sequence number the xfrm state knows of: what
 * s2svpn fed back (s2s_km_feed_iseq()) before the module was reloaded, or
 * what the daemon copied over when it moved the state (a NAT mapping).
 */
static u64 s2s_km_iseq(struct xfrm_state *x)
{
	const struct xfrm_replay_state_esn *esn;
	u64 seq;

	spin_lock_bh(&x->lock);
	esn = x->replay_esn;
	seq = esn ? (u64)esn->seq_hi << 32 | esn->seq : x->replay.seq;
	spin_unlock_bh(&x->lock);
	return seq;
}

/* What an xfrm hard limit leaves, 0 for none (XFRM_INF). */
static u64 s2s_km_left(u64 limit, u64 used)
{
	if (limit == XFRM_INF)
		return 0;
	return limit > used ? limit - used : 1;
}

/* The SA's parameters from the xfrm state; keys never change once set. */
static int s2s_km_fill_config(struct s2s_sa_config *cfg,
			      const struct xfrm_state *x, u8 dir)
{
	u32 window;
	int err;

	cfg->dir = dir;
	cfg->spi = ntohl(x->id.spi);
	cfg->esn = !!(x->props.flags & XFRM_STATE_ESN);
	if (x->aead) {
		strscpy(cfg->aead_alg, x->aead->alg_name, sizeof(cfg->aead_alg));
		cfg->icv_bits = x->aead->alg_icv_len;
		err = s2s_km_copy_key(cfg->aead_key, &cfg->aead_keylen,
				      x->aead->alg_key, x->aead->alg_key_len);
	} else if (x->ealg && x->aalg) {
		strscpy(cfg->enc_alg, x->ealg->alg_name, sizeof(cfg->enc_alg));
		strscpy(cfg->auth_alg, x->aalg->alg_name, sizeof(cfg->auth_alg));
		cfg->auth_trunc_bits = x->aalg->alg_trunc_len;
		err = s2s_km_copy_key(cfg->enc_key, &cfg->enc_keylen,
				      x->ealg->alg_key, x->ealg->alg_key_len);
		if (!err)
			err = s2s_km_copy_key(cfg->auth_key, &cfg->auth_keylen,
					      x->aalg->alg_key,
					      x->aalg->alg_key_len);
	} else {
		return -EOPNOTSUPP;
	}
	if (err)
		return err;

	/*
	 * xfrm's hard limits, less what the state already counted: s2svpn
	 * stops at the exact packet, xfrm expires the state at the next
	 * feedback.  The soft ones stay xfrm's (the daemon rekeys on them).
	 */
	cfg->hard_bytes = s2s_km_left(x->lft.hard_byte_limit,
				      READ_ONCE(x->curlft.bytes));
	cfg->hard_packets = s2s_km_left(x->lft.hard_packet_limit,
					READ_ONCE(x->curlft.packets));

	if (dir == S2S_DIR_IN) {
		window = x->replay_esn ? x->replay_esn->replay_window :
					 x->props.replay_window;
		cfg->replay_window = window ?
			clamp_t(u32, window, S2S_REPLAY_WINDOW_MIN,
				S2S_REPLAY_WINDOW_MAX) : 0;
	} else if (READ_ONCE(x->curlft.packets)) {
		/*
		 * A state that already carried traffic (the module was
		 * reloaded): its sequence numbers are not ours to know, so
		 * start beyond every one it can have used and ask for a rekey.
		 */
		cfg->seq = READ_ONCE(x->curlft.packets) + 2 * S2S_KM_SEQ_MARGIN;
		if (!cfg->esn && cfg->seq > U32_MAX)
			return -ERANGE;
	} else if (s2s_km_oseq(x)) {
		/*
		 * The daemon moved a state to new addresses or ports (a NAT
		 * mapping change: delete, then add with the replay state
		 * copied).  Its copy of our sequence number is up to one
		 * feedback tick old: start well beyond it, never reusing one
		 * (an IV) under this key.
		 */
		cfg->seq = s2s_km_oseq(x) + S2S_KM_SEQ_MARGIN;
		if (!cfg->esn && cfg->seq > U32_MAX)
			return -ERANGE;
	}
	return 0;
}

/* Asks the daemon for a rekey as xfrm's soft expiry does, under x->lock. */
static void s2s_km_ask_rekey(struct xfrm_state *x)
{
	spin_lock_bh(&x->lock);
	if (x->km.state == XFRM_STATE_VALID)
		km_state_expired(x, 0, 0);
	spin_unlock_bh(&x->lock);
}

static void s2s_km_binding_free(struct s2s_km_binding *b);

/*
 * The state's UDP encapsulation (RFC 3948), before the SA is linked: an
 * outbound state's source port is ours, an inbound one's the peer's.
 */
static void s2s_km_encap_ports(struct s2s_sa *sa, struct xfrm_state *x)
{
	spin_lock_bh(&x->lock);
	if (x->encap) {
		sa->udp_local = sa->dir == S2S_DIR_OUT ? x->encap->encap_sport :
							 x->encap->encap_dport;
		sa->udp_peer = sa->dir == S2S_DIR_OUT ? x->encap->encap_dport :
							x->encap->encap_sport;
	}
	spin_unlock_bh(&x->lock);
}

/*
 * An SA of the same SPI and direction whose xfrm state died: the daemon
 * moved the state to a new NAT mapping, or deleted and added it again
 * before the work item ran (DELSA, then NEWSA).  Its SA still holds the
 * SPI on the tunnel and would make the new one's link fail, so it goes
 * now rather than at the next reconciliation.  The new SA takes its
 * place, an outbound one continuing its sequence numbers (the IV under
 * the same key), so the old one goes first (RTNL).
 */
static void s2s_km_take_over(struct s2s_tunnel *t, struct s2s_sa *sa)
{
	struct s2s_km_binding *b, *tmp;
	u64 seq;

	/*
	 * An inbound SA whose state died is unlinked with its binding, so
	 * with no SA of this SPI there is nothing to take over.
	 */
	if (sa->dir == S2S_DIR_IN && !s2s_sa_lookup(t, sa->dir, sa->spi))
		return;
	list_for_each_entry_safe(b, tmp, &s2s_net(t->net)->km.bindings,
				 net_node) {
		if (b->sa->spi != sa->spi || b->sa->dir != sa->dir ||
		    b->net != t->net || b->ifindex != t->dev->ifindex ||
		    READ_ONCE(b->x->km.state) == XFRM_STATE_VALID)
			continue;
		if (sa->dir == S2S_DIR_OUT) {
			seq = atomic64_read(&b->sa->seq_out);
			if (seq > atomic64_read(&sa->seq_out))
				atomic64_set(&sa->seq_out, seq);
		} else {
			/* a packet the old SA took must not pass again */
			s2s_replay_copy(&sa->replay, &b->sa->replay);
		}
		if (s2s_sa_lookup(t, b->sa->dir, b->sa->spi) == b->sa)
			s2s_sa_del(t, b->sa->dir, ntohl(b->sa->spi), NULL);
		s2s_km_binding_free(b);
	}
}

/*
 * Mirrors one live xfrm state into an SA of the tunnel carrying its
 * interface ID, once.  The transform is built and keyed without RTNL.
 */
static void s2s_km_mirror(struct net *net, struct xfrm_state *x, bool sync)
{
	struct netlink_ext_ack extack = {};
	struct s2s_km_binding *b = NULL;
	struct s2s_sa_config *cfg;
	struct net_device *dev;
	struct s2s_tunnel *t;
	struct s2s_sa *sa;
	int ifindex, err;
	u8 dir;

	rtnl_lock();
	t = READ_ONCE(x->km.state) == XFRM_STATE_VALID &&
	    !s2s_km_binding_find(net, x) ?
	    s2s_km_tunnel_by_if_id(net, x->if_id) :
				      NULL;
	dir = t ? s2s_km_dir(t, x) : 0;
	if (dir == S2S_DIR_OUT && sync && s2s_km_older_out(t, x))
		dir = 0;
	ifindex = t ? t->dev->ifindex : 0;
	rtnl_unlock();
	if (!dir)
		return;

	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return;
	err = s2s_km_fill_config(cfg, x, dir);
	sa = err ? ERR_PTR(err) : s2s_sa_create(cfg, &extack);
	kfree_sensitive(cfg);
	if (IS_ERR(sa)) {
		pr_warn_ratelimited("xfrm SA spi 0x%08x (if_id %u) not carried: %s (%ld)\n",
				    ntohl(x->id.spi), x->if_id,
				    extack._msg ?: "unsupported", PTR_ERR(sa));
		return;
	}
	s2s_km_encap_ports(sa, x);
	if (dir == S2S_DIR_IN)
		s2s_replay_start(&sa->replay, s2s_km_iseq(x));

	rtnl_lock();
	dev = __dev_get_by_index(net, ifindex);
	t = dev ? s2s_tunnel_from_dev(dev) : NULL;
	err = -ENODEV;
	if (t && rtnl_dereference(t->params)->cfg.if_id == x->if_id &&
	    s2s_km_dir(t, x) == dir &&
	    READ_ONCE(x->km.state) == XFRM_STATE_VALID &&
	    !s2s_km_binding_find(net, x)) {
		err = -ENOMEM;
		b = kzalloc(sizeof(*b), GFP_KERNEL);
		if (b) {
			s2s_km_take_over(t, sa);
			err = s2s_sa_link(t, sa, &extack);
		}
		/*
		 * Output goes where the daemon's newest outbound state says;
		 * a move from an earlier NAT-T state's is a mapping change.
		 */
		if (!err && dir == S2S_DIR_OUT) {
			union s2s_addr peer;

			s2s_addr_from_xfrm(&peer, x->props.family,
					   &x->id.daddr);
			/* a learned port before: this is a mapping change */
			s2s_tunnel_set_peer(t, x->props.family, &peer,
					    sa->udp_peer,
					    rtnl_dereference(t->params)->peer_port != 0);
		}
	}
	if (!err) {
		s2s_sa_get(sa);		/* the binding's reference */
		b->net = net;
		b->ifindex = ifindex;
		b->sa = sa;
		xfrm_state_hold(x);
		b->x = x;
		b->rekey_asked = dir == S2S_DIR_OUT &&
				 READ_ONCE(x->curlft.packets);
		list_add_tail(&b->node, &s2s_km_bindings);
		list_add_tail(&b->net_node, &s2s_net(net)->km.bindings);
		hash_add(s2s_net(net)->km.by_state, &b->hnode, (unsigned long)x);
	}
	rtnl_unlock();
	if (err) {
		kfree(b);
		s2s_sa_put(sa);
		if (err != -ENODEV)
			pr_warn_ratelimited("xfrm SA spi 0x%08x (if_id %u) not carried: %s (%d)\n",
					    ntohl(x->id.spi), x->if_id,
					    extack._msg ?: "", err);
		return;
	}
	if (b->rekey_asked)
		s2s_km_ask_rekey(x);
}

/**
 * struct s2s_km_walk - a walk of a namespace's states, one batch per turn
 * @walk: xfrm's cursor, kept in the namespace's state list between turns
 * @states: the batch collected, referenced
 * @n: entries in @states
 * @visited: states visited this turn, at most S2S_KM_WALK_VISIT
 */
struct s2s_km_walk {
	struct xfrm_state_walk walk;
	struct xfrm_state *states[S2S_KM_WALK_BATCH];
	unsigned int n;
	unsigned int visited;
};

/* Under the namespace's xfrm state lock: only take references. */
static int s2s_km_collect(struct xfrm_state *x, int count, void *arg)
{
	struct s2s_km_walk *w = arg;

	/* the walk resumes at @x: states of no tunnel count too */
	if (w->visited++ == S2S_KM_WALK_VISIT)
		return -ENOBUFS;
	if (!s2s_km_candidate(x))
		return 0;
	if (w->n == S2S_KM_WALK_BATCH)
		return -ENOBUFS;
	xfrm_state_hold(x);
	w->states[w->n++] = x;
	return 0;
}

/* Ends the namespace's walk (done, or the module goes). */
static void s2s_km_walk_end(struct s2s_km_net *kn)
{
	xfrm_state_walk_done(&kn->walk->walk, kn->net);
	kfree(kn->walk);
	kn->walk = NULL;
}

/*
 * Mirrors the next batch of the namespace's states that a tunnel carries
 * and are not yet, starting a walk if none is under way.  A namespace with
 * many states is walked over several turns, so that the others do not wait
 * for all of them.  Returns true when the walk is over.
 */
static bool s2s_km_walk_step(struct s2s_km_net *kn)
{
	struct s2s_km_walk *w = kn->walk;
	unsigned int i;
	int err;

	if (!w) {
		w = kmalloc(sizeof(*w), GFP_KERNEL);
		if (!w)
			return true;
		xfrm_state_walk_init(&w->walk, IPPROTO_ESP, NULL);
		kn->walk = w;
	}
	w->n = 0;
	w->visited = 0;
	err = xfrm_state_walk(kn->net, &w->walk, s2s_km_collect, w);
	for (i = 0; i < w->n; i++) {
		if (!READ_ONCE(s2s_km_stopping))
			s2s_km_mirror(kn->net, w->states[i], true);
		xfrm_state_put(w->states[i]);
	}
	if (err == -ENOBUFS && !READ_ONCE(s2s_km_stopping))
		return false;
	s2s_km_walk_end(kn);
	return true;
}

static void s2s_km_binding_free(struct s2s_km_binding *b)
{
	list_del(&b->node);
	list_del(&b->net_node);
	hash_del(&b->hnode);
	s2s_sa_put(b->sa);
	xfrm_state_put(b->x);
	kfree(b);
}

/*
 * xfrm must never send with a sequence number, and so an IV, that
 * s2svpn already used under the same key: should the state ever transmit
 * through xfrm again (the tunnel gave up its if-id, the module went while
 * an XFRM interface of that if-id exists), it continues after ours.
 * Called under x->lock.
 */
static void s2s_km_feed_oseq(struct xfrm_state *x, u64 seq)
{
	struct xfrm_replay_state_esn *esn = x->replay_esn;

	if (esn) {
		if (seq > ((u64)esn->oseq_hi << 32 | esn->oseq)) {
			esn->oseq = lower_32_bits(seq);
			esn->oseq_hi = upper_32_bits(seq);
		}
	} else if (seq > x->replay.oseq) {
		x->replay.oseq = min_t(u64, seq, U32_MAX);
	}
}

/*
 * The highest inbound sequence number s2svpn received, for the next SA
 * that mirrors this state (a reloaded module, a state the daemon moves):
 * a packet received before must not pass again.  Called under x->lock.
 */
static void s2s_km_feed_iseq(struct xfrm_state *x, u64 seq)
{
	struct xfrm_replay_state_esn *esn = x->replay_esn;

	if (esn) {
		if (seq > ((u64)esn->seq_hi << 32 | esn->seq)) {
			esn->seq = lower_32_bits(seq);
			esn->seq_hi = upper_32_bits(seq);
		}
	} else if (seq > x->replay.seq) {
		x->replay.seq = min_t(u64, seq, U32_MAX);
	}
}

/*
 * Adds the SA's usage since the last time to the xfrm state, so that
 * xfrm's byte and packet lifetimes fire (the daemon rekeys on the soft
 * one) and the daemon reports real counters; an outbound state's
 * sequence number follows ours.
 */
static void s2s_km_feed(struct s2s_km_binding *b)
{
	u64 bytes = atomic64_read(&b->sa->cur_bytes);
	u64 packets = atomic64_read(&b->sa->cur_packets);
	struct xfrm_state *x = b->x;

	if (bytes != b->fed_bytes || packets != b->fed_packets) {
		spin_lock_bh(&x->lock);
		if (x->km.state == XFRM_STATE_VALID) {
			x->curlft.bytes += bytes - b->fed_bytes;
			x->curlft.packets += packets - b->fed_packets;
			x->lastused = ktime_get_real_seconds();
			if (b->sa->dir == S2S_DIR_OUT)
				s2s_km_feed_oseq(x,
						 atomic64_read(&b->sa->seq_out));
			else
				s2s_km_feed_iseq(x,
						 READ_ONCE(b->sa->replay.st.top));
			xfrm_state_check_expire(x);
		}
		spin_unlock_bh(&x->lock);
		b->fed_bytes = bytes;
		b->fed_packets = packets;
	}
	if (b->sa->dir == S2S_DIR_OUT && !b->rekey_asked &&
	    atomic64_read(&b->sa->seq_out) >
	    (b->sa->esn ? U64_MAX : U32_MAX) - S2S_KM_SEQ_MARGIN) {
		b->rekey_asked = true;
		s2s_km_ask_rekey(x);
	}
}

/* The binding's tunnel, if it still exists. */
static struct s2s_tunnel *s2s_km_binding_tunnel(struct s2s_km_binding *b)
{
	struct net_device *dev = __dev_get_by_index(b->net, b->ifindex);

	return dev ? s2s_tunnel_from_dev(dev) : NULL;
}

/* Its SA is still wanted: the tunnel carries the state, which lives. */
static bool s2s_km_binding_alive(struct s2s_km_binding *b,
				 struct s2s_tunnel *t)
{
	return t && rtnl_dereference(t->params)->cfg.if_id == b->x->if_id &&
	       READ_ONCE(b->x->km.state) == XFRM_STATE_VALID;
}

/*
 * A tunnel left without an outbound SA while an older outbound state of
 * its interface ID is still valid (the daemon deleted the newest one, as
 * after a rekey collision) sends with the newest of those again, its
 * sequence numbers continuing.
 */
static void s2s_km_fallback_out(void)
{
	struct s2s_km_binding *b;
	struct s2s_tunnel *t;

	list_for_each_entry_reverse(b, &s2s_km_bindings, node) {
		t = s2s_km_binding_tunnel(b);
		if (b->sa->dir != S2S_DIR_OUT || !s2s_km_binding_alive(b, t) ||
		    rcu_access_pointer(t->tx_sa) ||
		    s2s_sa_state(b->sa) == S2S_SA_STATE_DEAD)
			continue;
		s2s_sa_get(b->sa);
		if (s2s_sa_link(t, b->sa, NULL))
			s2s_sa_put(b->sa);
	}
}

/*
 * Has the daemon installed a state of @net that is not mirrored yet?  A
 * rekey installs the new outbound state before it deletes the old one, so
 * when the tunnel's outbound state is found dead with its successor still
 * queued, the old SA keeps sending until the successor replaces it
 * (make-before-break, as xfrm switches at the install): the peer keeps
 * its old inbound SA until after it has the new one.
 */
static bool s2s_km_mirror_queued(struct net *net)
{
	struct s2s_km_net *kn = &s2s_net(net)->km;
	bool queued;

	spin_lock_bh(&s2s_km_lock);
	/* @walk is the work item's, which is the caller */
	queued = kn->resync || kn->walk || !list_empty(&kn->events);
	spin_unlock_bh(&s2s_km_lock);
	return queued;
}

/*
 * The tunnel's outbound SA, whose state died: it keeps sending while a
 * state of the namespace waits to be mirrored, for S2S_KM_DEAD_OUT_MAX at
 * most (a namespace that keeps adding states must not keep it alive).
 */
static bool s2s_km_keep_dead_out(struct s2s_km_binding *b)
{
	if (!b->dead_since)
		b->dead_since = jiffies ?: 1;
	return time_before(jiffies, b->dead_since + S2S_KM_DEAD_OUT_MAX) &&
	       s2s_km_mirror_queued(b->net);
}

/*
 * Feeds usage back and removes what xfrm or the user took away (RTNL).
 * Outbound SAs replaced by a newer one stay bound, unlinked, while their
 * xfrm state lives: s2s_km_fallback_out() may need them.
 */
static void s2s_km_reconcile(void)
{
	struct s2s_km_binding *b, *tmp;
	struct s2s_tunnel *t;
	bool linked, alive;

	ASSERT_RTNL();
	list_for_each_entry_safe(b, tmp, &s2s_km_bindings, node) {
		t = s2s_km_binding_tunnel(b);
		linked = t && s2s_sa_lookup(t, b->sa->dir, b->sa->spi) == b->sa;
		alive = s2s_km_binding_alive(b, t);

		s2s_km_feed(b);
		if (alive && (linked || b->sa->dir == S2S_DIR_OUT))
			continue;
		if (linked && b->sa->dir == S2S_DIR_OUT &&
		    rtnl_dereference(t->params)->cfg.if_id == b->x->if_id &&
		    s2s_km_keep_dead_out(b))
			continue;	/* until its successor is linked */
		if (linked)
			s2s_sa_del(t, b->sa->dir, ntohl(b->sa->spi), NULL);
		/*
		 * A live state this tunnel no longer carries (the daemon
		 * changed its if_id with UPDSA, or the tunnel went or gave
		 * the interface ID up) may be another tunnel's now.
		 */
		if (READ_ONCE(b->x->km.state) == XFRM_STATE_VALID)
			s2s_km_queue_walk(b->net, true);
		s2s_km_binding_free(b);
	}
	s2s_km_fallback_out();
}

/* Mirrors the live state the event names. */
static void s2s_km_run_event(struct net *net, const struct s2s_km_event *ev)
{
	struct xfrm_state *x;

	/* the live state: UPDSA may have announced a discarded copy */
	x = xfrm_state_lookup(net, ev->mark, &ev->daddr, ev->spi, IPPROTO_ESP,
			      ev->family);
	if (x) {
		if (s2s_km_candidate(x))
			s2s_km_mirror(net, x, false);
		xfrm_state_put(x);
	}
}

/*
 * Serves one namespace's turn: a slice of its events, then the walks it
 * asked for.  Returns the work done, a walk counting as a slice.
 */
static unsigned int s2s_km_serve(struct s2s_km_net *kn)
{
	struct s2s_km_event *ev, *tmp;
	unsigned int n = 0, work;
	bool start, policy;
	LIST_HEAD(events);

	spin_lock_bh(&s2s_km_lock);
	while (n < S2S_KM_SLICE && !list_empty(&kn->events)) {
		list_move_tail(kn->events.next, &events);
		n++;
	}
	kn->n_events -= n;
	/* a walk under way finishes first; one asked meanwhile follows it */
	start = kn->resync && !kn->walk;
	if (start)
		kn->resync = false;
	spin_unlock_bh(&s2s_km_lock);

	work = n;
	list_for_each_entry_safe(ev, tmp, &events, node) {
		if (!READ_ONCE(s2s_km_stopping))
			s2s_km_run_event(kn->net, ev);
		list_del(&ev->node);
		s2s_km_event_free(kn, ev);
	}
	if (READ_ONCE(s2s_km_stopping))
		return work;
	if (start) {
		/*
		 * Bindings of a tunnel deleted since the last tick go first:
		 * a state still bound to one would not be taken over by the
		 * tunnel that now carries its interface ID.
		 */
		rtnl_lock();
		s2s_km_reconcile();
		rtnl_unlock();
	}
	if (kn->walk || start) {
		work += S2S_KM_SLICE;
		if (!s2s_km_walk_step(kn))
			return work;
		/* the policies follow a walk of the states */
		spin_lock_bh(&s2s_km_lock);
		kn->policy = true;
		spin_unlock_bh(&s2s_km_lock);
	}

	spin_lock_bh(&s2s_km_lock);
	policy = kn->policy && !kn->policy_walk;
	if (policy)
		kn->policy = false;
	spin_unlock_bh(&s2s_km_lock);
	if ((kn->policy_walk || policy) && !READ_ONCE(s2s_km_stopping)) {
		s2s_km_policy_step(kn->net, &kn->policy_walk);
		work += S2S_KM_SLICE;
	}
	return work;
}

/* The next namespace with work, its reference passing to the caller. */
static struct s2s_km_net *s2s_km_next(void)
{
	struct s2s_km_net *kn;

	spin_lock_bh(&s2s_km_lock);
	kn = list_first_entry_or_null(&s2s_km_ready, struct s2s_km_net, ready);
	if (kn)
		list_del_init(&kn->ready);
	spin_unlock_bh(&s2s_km_lock);
	return kn;
}

/* Back to the end of the round robin if it has more, else let it go. */
static void s2s_km_requeue(struct s2s_km_net *kn)
{
	bool more;

	spin_lock_bh(&s2s_km_lock);
	more = !s2s_km_stopping &&
	       (!list_empty(&kn->events) || kn->resync || kn->policy ||
		kn->walk || kn->policy_walk);
	if (more)
		list_add_tail(&kn->ready, &s2s_km_ready);
	else
		kn->queued = false;
	spin_unlock_bh(&s2s_km_lock);
	if (more)
		return;
	/* only the work item uses the walks: none is left once unloading */
	if (kn->walk)
		s2s_km_walk_end(kn);
	if (kn->policy_walk)
		s2s_km_policy_end(kn->net, &kn->policy_walk);
	put_net(kn->net);
}

/* Drops a namespace's queue (unload), its reference with it. */
static void s2s_km_drop_queue(struct s2s_km_net *kn)
{
	struct s2s_km_event *ev, *tmp;
	LIST_HEAD(events);

	spin_lock_bh(&s2s_km_lock);
	list_splice_init(&kn->events, &events);
	kn->n_events = 0;
	kn->resync = false;
	kn->policy = false;
	kn->queued = false;
	spin_unlock_bh(&s2s_km_lock);
	list_for_each_entry_safe(ev, tmp, &events, node)
		s2s_km_event_free(kn, ev);
	if (kn->walk)
		s2s_km_walk_end(kn);
	if (kn->policy_walk)
		s2s_km_policy_end(kn->net, &kn->policy_walk);
	put_net(kn->net);
}

static void s2s_km_work_fn(struct work_struct *work)
{
	unsigned int budget = S2S_KM_RUN_BUDGET, done;
	struct s2s_km_net *kn;
	bool again, more;

	while (budget && !READ_ONCE(s2s_km_stopping)) {
		kn = s2s_km_next();
		if (!kn)
			break;
		done = s2s_km_serve(kn);
		s2s_km_requeue(kn);
		budget -= min(budget, done);
	}

	rtnl_lock();
	s2s_km_reconcile();
	again = !list_empty(&s2s_km_bindings);
	rtnl_unlock();

	spin_lock_bh(&s2s_km_lock);
	more = !list_empty(&s2s_km_ready);
	spin_unlock_bh(&s2s_km_lock);
	if (READ_ONCE(s2s_km_stopping))
		return;
	if (more)
		mod_delayed_work(s2s_km_wq, &s2s_km_work, 0);
	else if (again)
		queue_delayed_work(s2s_km_wq, &s2s_km_work, S2S_KM_TICK);
}

/**
 * s2s_km_check_if_id() - may a tunnel carry this interface ID?
 * @net: the tunnel's namespace
 * @self: the tunnel being changed, or NULL for a new one
 * @if_id: the interface ID, 0 for none
 * @extack: receives the reason of a refusal
 *
 * An interface ID names the SAs of one tunnel: two tunnels of a namespace
 * cannot share one.  Called under RTNL.
 *
 * Return: 0 or -EEXIST.
 */
int s2s_km_check_if_id(struct net *net, const struct s2s_tunnel *self,
		       u32 if_id, struct netlink_ext_ack *extack)
{
	struct s2s_tunnel *t;

	if (!if_id)
		return 0;
	t = s2s_km_tunnel_by_if_id(net, if_id);
	if (t && t != self) {
		NL_SET_ERR_MSG_MOD(extack,
				   "another tunnel of this namespace carries this if-id");
		return -EEXIST;
	}
	return 0;
}

/**
 * s2s_km_sync() - mirror the xfrm states of a namespace now
 * @net: the namespace
 *
 * Called when a tunnel's interface ID or addresses change: the states
 * installed before are mirrored, those no longer carried are dropped.
 * Asynchronous.
 */
void s2s_km_sync(struct net *net)
{
	s2s_km_queue_walk(net, true);
}

static bool s2s_km_tunnel_has_if_id(const struct s2s_tunnel *t,
				    const void *arg)
{
	return rcu_dereference_rtnl(t->params)->cfg.if_id == *(const u32 *)arg;
}

/**
 * s2s_km_claim() - hold back a packet whose SA is still being set up
 * @net: the namespace the packet arrived in
 * @skb: an ESP packet that no s2svpn SA owns
 * @family: outer family
 * @saddr: outer source address
 * @daddr: outer destination address
 * @spi: the packet's SPI, network order
 *
 * Between an IKE daemon installing an xfrm state for a tunnel's interface
 * ID and its s2svpn SA being ready, the packets for that SPI must not reach
 * xfrm: they are dropped and counted as sa_pending on the tunnel.  Called
 * under RCU from the ESP receive path.
 *
 * Return: 0 when the packet was consumed, -EINVAL when it is not ours.
 */
int s2s_km_claim(struct net *net, struct sk_buff *skb, u16 family,
		 const union s2s_addr *saddr, const union s2s_addr *daddr,
		 __be32 spi)
{
	struct s2s_km_pending *p;
	struct s2s_tunnel *t;

	if (!atomic_read(&s2s_net(net)->km.n_pending))
		return -EINVAL;
	hash_for_each_possible_rcu(s2s_km_pending, p, node,
				   s2s_km_pending_key(net, spi)) {
		if (p->spi != spi || p->family != family || p->net != net ||
		    (family == AF_INET ? p->daddr.ip4 != daddr->ip4 :
		     !ipv6_addr_equal(&p->daddr.ip6, &daddr->ip6)))
			continue;
		t = s2s_tunnel_lookup_outer(net, family, saddr, daddr,
					    s2s_km_tunnel_has_if_id, &p->if_id);
		if (!t)
			return -EINVAL;
		s2s_stats_drop(&t->stats, S2S_DROP_SA_PENDING);
		kfree_skb(skb);
		return 0;
	}
	return -EINVAL;
}

/**
 * s2s_km_new_mapping() - tell the IKE daemon about a new NAT mapping
 * @t: the tunnel that learnt it
 * @spi: the inbound SA whose authenticated packet came from there
 * @addr: the peer's outer address as the NAT shows it
 * @port: the peer's UDP port as the NAT shows it (network order)
 *
 * As xfrm does for its own ESP in UDP (km_new_mapping()): the daemon then
 * moves the CHILD_SA's states.  Nothing for SAs not mirrored from xfrm.
 * Called under RTNL.
 */
void s2s_km_new_mapping(struct s2s_tunnel *t, __be32 spi,
			const union s2s_addr *addr, __be16 port)
{
	struct s2s_km_binding *b;
	xfrm_address_t ipaddr = {};

	ASSERT_RTNL();
	list_for_each_entry(b, &s2s_net(t->net)->km.bindings, net_node) {
		if (b->sa->spi != spi || b->sa->dir != S2S_DIR_IN ||
		    !b->sa->udp_local || b->net != t->net ||
		    b->ifindex != t->dev->ifindex ||
		    READ_ONCE(b->x->km.state) != XFRM_STATE_VALID)
			continue;
		if (b->x->props.family == AF_INET)
			ipaddr.a4 = addr->ip4;
		else
			ipaddr.in6 = addr->ip6;
		km_new_mapping(b->x, &ipaddr, port);
		return;
	}
}

/* A dying namespace: its bindings go before xfrm flushes its states. */
static void __net_exit s2s_km_net_exit(struct net *net)
{
	struct s2s_km_binding *b, *tmp;

	rtnl_lock();
	list_for_each_entry_safe(b, tmp, &s2s_net(net)->km.bindings, net_node) {
		s2s_km_feed(b);
		s2s_km_binding_free(b);
	}
	rtnl_unlock();
}

static struct pernet_operations s2s_km_net_ops = {
	.exit = s2s_km_net_exit,
};

/**
 * s2s_km_init() - register the key manager with xfrm
 *
 * Return: 0 or a negative errno.
 */
int s2s_km_init(void)
{
	int err;

	/*
	 * High priority: a rekey's new outbound SA takes over transmission
	 * only once this work item has run, while the daemon already tells
	 * the peer to delete the old one.
	 */
	s2s_km_wq = alloc_ordered_workqueue("s2svpn_km", WQ_HIGHPRI);
	if (!s2s_km_wq)
		return -ENOMEM;
	INIT_DELAYED_WORK(&s2s_km_work, s2s_km_work_fn);
	/* exits before xfrm's own per-namespace teardown */
	err = register_pernet_subsys(&s2s_km_net_ops);
	if (err) {
		destroy_workqueue(s2s_km_wq);
		return err;
	}
	xfrm_register_km(&s2s_km_mgr);
	return 0;
}

/**
 * s2s_km_exit() - unregister the key manager and drain it
 *
 * No notification runs once xfrm_unregister_km() returns; the work item is
 * then stopped, pending events dropped and the bindings released.  The
 * SAs stay with their tunnels, which go away with the module.
 */
void s2s_km_exit(void)
{
	struct s2s_km_binding *b, *tmp;
	struct s2s_km_net *kn;

	xfrm_unregister_km(&s2s_km_mgr);
	spin_lock_bh(&s2s_km_lock);
	WRITE_ONCE(s2s_km_stopping, true);
	spin_unlock_bh(&s2s_km_lock);
	cancel_delayed_work_sync(&s2s_km_work);
	flush_workqueue(s2s_km_wq);

	/* nothing enters the round robin once s2s_km_stopping is seen */
	while ((kn = s2s_km_next()))
		s2s_km_drop_queue(kn);

	rtnl_lock();
	list_for_each_entry_safe(b, tmp, &s2s_km_bindings, node) {
		/* the last usage and sequence number, for xfrm */
		s2s_km_feed(b);
		s2s_km_binding_free(b);
	}
	rtnl_unlock();
	unregister_pernet_subsys(&s2s_km_net_ops);
	destroy_workqueue(s2s_km_wq);
}
