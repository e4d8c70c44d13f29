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
 * km.c's notify_policy (atomic context) queues a POLICY event for the
 * namespace; its work item calls s2s_km_policy_sync(), which walks the
 * namespace's policies under RTNL and reconciles by mark and sweep: every
 * wanted selector is found (or added) and marked with this sync's
 * generation, then the tunnels' ike selectors without it are removed.  A
 * namespace holds few policies per tunnel, so a full walk per event (events
 * of one namespace in a row are merged) costs little and cannot miss one.
 * Documentation/ike.rst describes it.
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

/* policies collected per xfrm_policy_walk() round */
#define S2S_KMP_WALK_BATCH	32

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

struct s2s_kmp_walk {
	struct xarray *by_if_id;
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
		WRITE_ONCE(t->sel->ike_refused, 0);
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

	if (dir >= XFRM_POLICY_MAX || !xp->if_id ||
	    !xa_load(w->by_if_id, xp->if_id))
		return 0;
	if (w->n == S2S_KMP_WALK_BATCH)
		return -ENOBUFS;	/* the walk resumes at @xp */
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

/**
 * s2s_km_policy_sync() - mirror the xfrm policies of a namespace now
 * @net: the namespace
 *
 * Makes the "ike" selectors of every policy-mode tunnel of @net those of
 * the xfrm policies of its interface ID: adds what is missing, removes what
 * no policy (or no longer the tunnel's if-id or mode) asks for, and counts
 * the policies that cannot be mirrored in the tunnel's ike_refused.  Called
 * from km.c's work item, in process context; takes RTNL.
 */
void s2s_km_policy_sync(struct net *net)
{
	struct xfrm_policy_walk walk;
	struct s2s_selector *sel;
	struct s2s_kmp_walk *w;
	struct s2s_tunnel *t;
	struct xarray by_if_id;
	unsigned long id;
	unsigned int i;
	u32 gen;
	int err;

	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return;
	xa_init(&by_if_id);
	w->by_if_id = &by_if_id;

	rtnl_lock();
	if (list_empty(&s2s_net(net)->tunnels))
		goto out;
	gen = ++s2s_kmp_gen;
	err = s2s_kmp_index(net, &by_if_id);
	if (err < 0)
		goto out;	/* keep what is mirrored */
	if (err > 0) {
		xfrm_policy_walk_init(&walk, XFRM_POLICY_TYPE_MAIN);
		do {
			w->n = 0;
			err = xfrm_policy_walk(net, &walk, s2s_kmp_collect, w);
			for (i = 0; i < w->n; i++)
				s2s_kmp_apply(net, &by_if_id, &w->e[i], gen);
		} while (err == -ENOBUFS);
		xfrm_policy_walk_done(&walk, net);
		if (err && err != -ENOENT)
			goto out;
	}

	/* what no policy asks for any more, or no longer for this tunnel */
	list_for_each_entry(t, &s2s_net(net)->tunnels, net_node) {
		if (!t->sel)
			continue;
		xa_for_each(&t->sel->ids, id, sel)
			if (sel->origin == S2S_SEL_ORIGIN_IKE &&
			    sel->km_gen != gen)
				s2s_sel_remove(t, sel);
	}
out:
	rtnl_unlock();
	xa_destroy(&by_if_id);
	kfree(w);
}
