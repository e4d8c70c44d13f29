// SPDX-License-Identifier: GPL-2.0-only
/*
 * Policy-based tunnels under IKE: the traffic selectors an IKE daemon
 * negotiated (a CHILD_SA's local_ts/remote_ts) exist only in the xfrm
 * policies it installs with the interface ID (strongSwan installs
 * tunnel-mode states with an empty selector).  Each xfrm policy whose
 * if_id a policy-mode tunnel carries becomes a selector of that tunnel,
 * of origin "ike":
 *
 *   out policy        -> an outbound selector
 *   in and fwd policy -> an inbound selector (the same match fields and
 *                        priority make one selector)
 *
 * protect for a policy with templates, bypass for one without, discard for
 * a block policy (outbound only: inbound selectors check what the tunnel
 * decrypted, so only protecting policies are mirrored there).  The xfrm
 * priority is kept in order, compressed (priority >> 16); a policy mark
 * names the segment with the same mark and mask.
 *
 * km.c's notify_policy (atomic context) flags the namespace; its work
 * item walks the namespace's policies with s2s_km_policy_step() and
 * reconciles by mark and sweep: every wanted selector is found (or added)
 * and marked with the walk's generation, then, when the walk is over, the
 * tunnels' ike selectors without it are removed.  Changes during a walk
 * flag the namespace again, so another walk follows it, which cannot miss
 * one.  A walk is resumed at xfrm's cursor turn by turn, one batch of
 * policies per turn under RTNL: a namespace with many policies (any user
 * namespace's root can add them) neither holds RTNL nor the key manager for
 * the length of its walk.  Documentation/ike.rst describes it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/xfrm.h>
#include "tunnel.h"
#include "km.h"
#include "netns.h"
#include "segment.h"
#include "selector.h"

/* policies collected, and visited, per turn */
#define S2S_KMP_WALK_BATCH	32
#define S2S_KMP_WALK_VISIT	1024

/**
 * struct s2s_kmp_entry - what a selector needs of an xfrm policy
 * @sel: the policy's selector
 * @mark: its mark
 * @priority: its priority
 * @if_id: its interface ID
 * @dir: XFRM_POLICY_IN, _OUT or _FWD
 * @action: XFRM_POLICY_ALLOW or _BLOCK
 * @templates: number of templates (0: a bypass policy)
 */
struct s2s_kmp_entry {
	struct xfrm_selector sel;
	struct xfrm_mark mark;
	u32 priority;
	u32 if_id;
	u8 dir;
	u8 action;
	u8 templates;
};

/**
 * struct s2s_kmp_walk - a walk of a namespace's policies, a batch per turn
 * @walk: xfrm's cursor, kept in the namespace's policy list between turns
 * @gen: the walk's mark-and-sweep generation
 * @by_if_id: this turn's index of the policy-mode tunnels by interface ID
 * @visited: policies visited this turn, at most S2S_KMP_WALK_VISIT
 * @n: entries in @e
 * @e: the policies collected this turn
 */
struct s2s_kmp_walk {
	struct xfrm_policy_walk walk;
	u32 gen;
	struct xarray *by_if_id;
	unsigned int visited;
	unsigned int n;
	struct s2s_kmp_entry e[S2S_KMP_WALK_BATCH];
};

/* mark-and-sweep generation (RTNL) */
static u32 s2s_kmp_gen;

/*
 * Indexes the policy-mode tunnels of @net that carry an interface ID by
 * that ID (RTNL), so that the walk, under xfrm's policy lock, finds them
 * without going through every tunnel.  Return: how many, or -ENOMEM.
 */
static int s2s_kmp_index(struct net *net, struct xarray *by_if_id)
{
	const struct s2s_tunnel_config *cfg;
	struct s2s_tunnel *t;
	int n = 0, err;

	list_for_each_entry(t, &s2s_net(net)->tunnels, net_node) {
		cfg = &rtnl_dereference(t->params)->cfg;
		if (!t->sel)
			continue;
		if (!cfg->if_id || cfg->mode != S2S_MODE_POLICY)
			continue;
		err = xa_err(xa_store(by_if_id, cfg->if_id, t, GFP_KERNEL));
		if (err)
			return err;
		n++;
	}
	return n;
}

/*
 * Under the namespace's xfrm policy lock (and RTNL, held by the caller):
 * copies what matters of the policies a tunnel carries.
 */
static int s2s_kmp_collect(struct xfrm_policy *xp, int dir, int count,
			   void *arg)
{
	struct s2s_kmp_walk *w = arg;
	struct s2s_kmp_entry *e;

	/* the walk resumes at @xp */
	if (w->visited++ == S2S_KMP_WALK_VISIT)
		return -ENOBUFS;
	if (dir >= XFRM_POLICY_MAX || !xp->if_id ||
	    !xa_load(w->by_if_id, xp->if_id))
		return 0;
	if (w->n == S2S_KMP_WALK_BATCH)
		return -ENOBUFS;
	e = &w->e[w->n++];
	e->sel = xp->selector;
	e->mark = xp->mark;
	e->priority = xp->priority;
	e->if_id = xp->if_id;
	e->dir = dir;
	e->action = xp->action;
	e->templates = xp->xfrm_nr;
	return 0;
}

/* An xfrm port and mask as a range; false when the mask is not a prefix. */
static bool s2s_kmp_ports(__be16 port, __be16 mask, u16 *min, u16 *max)
{
	u16 m = ntohs(mask);
	u16 host = ~m;

	if (host & (host + 1))
		return false;
	*min = ntohs(port) & m;
	*max = *min | host;
	return true;
}

static struct s2s_segment *s2s_kmp_segment(struct net *net,
					   const struct xfrm_mark *mark)
{
	struct s2s_segment *seg;

	list_for_each_entry(seg, &s2s_net(net)->segments, node)
		if (seg->mask == mark->m && seg->mark == (mark->v & mark->m))
			return seg;
	return NULL;
}

/*
 * The selector configuration of policy @e, or an error with the reason in
 * @why (the policy is then not mirrored and counted on the tunnel).
 */
static int s2s_kmp_config(struct net *net, const struct s2s_kmp_entry *e,
			  struct s2s_sel_config *cfg, const char **why)
{
	const struct xfrm_selector *xs = &e->sel;
	struct s2s_sel_rule *r = &cfg->rule;
	unsigned int bits;

	memset(cfg, 0, sizeof(*cfg));
	cfg->origin = S2S_SEL_ORIGIN_IKE;
	cfg->dir = e->dir == XFRM_POLICY_OUT ? S2S_DIR_OUT : S2S_DIR_IN;
	if (e->action == XFRM_POLICY_BLOCK)
		cfg->action = S2S_SEL_DISCARD;
	else
		cfg->action = e->templates ? S2S_SEL_PROTECT : S2S_SEL_BYPASS;
	if (cfg->dir == S2S_DIR_IN && cfg->action != S2S_SEL_PROTECT)
		return 1;	/* not about decrypted packets: not mirrored */

	if (xs->family != AF_INET && xs->family != AF_INET6) {
		*why = "selector of no address family";
		return -EAFNOSUPPORT;
	}
	if (xs->ifindex) {
		*why = "selector names an interface";
		return -EOPNOTSUPP;
	}
	r->family = xs->family;
	bits = s2s_sel_addr_bits(xs->family);
	if (xs->prefixlen_s > bits || xs->prefixlen_d > bits) {
		*why = "prefix longer than the address";
		return -EINVAL;
	}
	r->src_plen = xs->prefixlen_s;
	r->dst_plen = xs->prefixlen_d;
	s2s_sel_prefix_mask(&r->src, (const union s2s_addr *)&xs->saddr,
			    r->src_plen);
	s2s_sel_prefix_mask(&r->dst, (const union s2s_addr *)&xs->daddr,
			    r->dst_plen);
	r->proto = xs->proto;
	if (!s2s_kmp_ports(xs->sport, xs->sport_mask, &r->sport_min,
			   &r->sport_max) ||
	    !s2s_kmp_ports(xs->dport, xs->dport_mask, &r->dport_min,
			   &r->dport_max)) {
		*why = "port mask is not a range";
		return -EINVAL;
	}
	/* s2svpn's order: lower first, as xfrm's; 0..S2S_SEL_PRIORITY_MAX */
	r->priority = e->priority >> 16;
	if (e->mark.m) {
		struct s2s_segment *seg = s2s_kmp_segment(net, &e->mark);

		if (!seg) {
			*why = "no segment has the policy's mark and mask";
			return -ENOENT;
		}
		strscpy(cfg->segment, seg->name, sizeof(cfg->segment));
		if (cfg->dir == S2S_DIR_OUT) {
			r->mark = seg->mark;
			r->mask = seg->mask;
		}
	}
	s2s_sel_rule_normalise(r);
	return 0;
}

/* Finds or adds the selector of policy @e, marked with @gen (RTNL). */
static void s2s_kmp_apply(struct net *net, struct xarray *by_if_id,
			  const struct s2s_kmp_entry *e, u32 gen)
{
	struct netlink_ext_ack extack = {};
	struct s2s_sel_config cfg;
	struct s2s_selector *sel;
	const char *why = NULL;
	struct s2s_tunnel *t;
	u32 id;
	int err;

	t = xa_load(by_if_id, e->if_id);
	if (!t)
		return;
	err = s2s_kmp_config(net, e, &cfg, &why);
	if (err > 0)
		return;
	if (!err) {
		sel = s2s_sel_find(t, cfg.dir, &cfg.rule);
		if (sel && sel->origin == S2S_SEL_ORIGIN_IKE &&
		    sel->action == cfg.action &&
		    !strcmp(sel->segment ? sel->segment->name : "",
			    cfg.segment)) {
			sel->km_gen = gen;
			return;
		}
		if (sel && sel->origin == S2S_SEL_ORIGIN_IKE) {
			/* the daemon updated the policy: replace it */
			s2s_sel_remove(t, sel);
		} else if (sel) {
			why = "a user selector has the same match fields";
			err = -EEXIST;
		}
	}
	if (!err) {
		err = s2s_sel_add(t, &cfg, &id, &extack);
		if (!err) {
			sel = xa_load(&t->sel->ids, id);
			if (sel)
				sel->km_gen = gen;
			return;
		}
		why = extack._msg ?: "selector refused";
	}
	WRITE_ONCE(t->sel->ike_refused, t->sel->ike_refused + 1);
	pr_warn_ratelimited("%s: xfrm policy (if_id %u, dir %u) not mirrored: %s (%d)\n",
			    t->dev->name, e->if_id, e->dir, why, err);
}

/* The tunnels' ike selectors that the walk of generation @gen did not mark. */
static void s2s_kmp_sweep(struct net *net, u32 gen)
{
	struct s2s_selector *sel;
	struct s2s_tunnel *t;
	unsigned long id;

	list_for_each_entry(t, &s2s_net(net)->tunnels, net_node) {
		if (!t->sel)
			continue;
		xa_for_each(&t->sel->ids, id, sel)
			if (sel->origin == S2S_SEL_ORIGIN_IKE &&
			    sel->km_gen != gen)
				s2s_sel_remove(t, sel);
	}
}

/* Starts a walk (RTNL): its generation, the refusal counts from zero. */
static void s2s_kmp_begin(struct net *net, struct s2s_kmp_walk *w)
{
	struct s2s_tunnel *t;

	/* 0 is "not begun" */
	w->gen = ++s2s_kmp_gen ?: ++s2s_kmp_gen;
	list_for_each_entry(t, &s2s_net(net)->tunnels, net_node)
		if (t->sel)
			WRITE_ONCE(t->sel->ike_refused, 0);
}

/**
 * s2s_km_policy_end() - end a walk of a namespace's policies
 * @net: the namespace
 * @pw: the walk, freed and cleared
 *
 * Also for a walk cut short (the module goes): what it mirrored stays.
 */
void s2s_km_policy_end(struct net *net, struct s2s_kmp_walk **pw)
{
	xfrm_policy_walk_done(&(*pw)->walk, net);
	kfree(*pw);
	*pw = NULL;
}

/**
 * s2s_km_policy_step() - mirror the next batch of a namespace's policies
 * @net: the namespace
 * @pw: the walk under way, or NULL to start one; ended when it is over
 *
 * Makes the "ike" selectors of every policy-mode tunnel of @net those of
 * the xfrm policies of its interface ID: adds what is missing and, once
 * the walk has seen every policy, removes what no policy (or no longer the
 * tunnel's if-id or mode) asks for; counts the policies that cannot be
 * mirrored in the tunnel's ike_refused.  One turn visits at most
 * S2S_KMP_WALK_VISIT policies and mirrors S2S_KMP_WALK_BATCH.  Called from
 * km.c's work item, in process context; takes RTNL.
 *
 * Return: true when the walk is over.
 */
bool s2s_km_policy_step(struct net *net, struct s2s_kmp_walk **pw)
{
	struct s2s_kmp_walk *w = *pw;
	struct xarray by_if_id;
	bool sweep = false, more = false;
	unsigned int i;
	int err;

	if (!w) {
		w = kmalloc(sizeof(*w), GFP_KERNEL);
		if (!w)
			return true;
		xfrm_policy_walk_init(&w->walk, XFRM_POLICY_TYPE_MAIN);
		w->gen = 0;
		*pw = w;
	}
	xa_init(&by_if_id);
	w->by_if_id = &by_if_id;

	rtnl_lock();
	if (!w->gen)
		s2s_kmp_begin(net, w);
	/* tunnels come and go between turns: indexed again at each */
	err = s2s_kmp_index(net, &by_if_id);
	if (err < 0)
		goto out;	/* keep what is mirrored */
	if (err > 0) {
		w->n = 0;
		w->visited = 0;
		err = xfrm_policy_walk(net, &w->walk, s2s_kmp_collect, w);
		for (i = 0; i < w->n; i++)
			s2s_kmp_apply(net, &by_if_id, &w->e[i], w->gen);
		more = err == -ENOBUFS;
		sweep = !err || err == -ENOENT;
	} else {
		/* no tunnel carries policies: none of theirs stays */
		sweep = true;
	}
	if (sweep)
		s2s_kmp_sweep(net, w->gen);
out:
	rtnl_unlock();
	xa_destroy(&by_if_id);
	if (more)
		return false;
	s2s_km_policy_end(net, pw);
	return true;
}
