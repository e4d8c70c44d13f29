// SPDX-License-Identifier: GPL-2.0-only
/*
 * Policy-based tunnels: packets that a policy tunnel's outbound selectors
 * protect are captured wherever routing sends them, forwarded or locally
 * generated, and encrypted with the tunnel's outbound SA.
 *
 * The capture is a netfilter hook at NF_INET_POST_ROUTING, IPv4 and IPv6,
 * registered in a namespace only while it has a policy tunnel, so a
 * namespace without one pays nothing.  It runs after the mangle and
 * source NAT hooks (it sees the final addresses and marks, as a route
 * lookup of the final packet would) and before conntrack confirmation.
 * Each packet is tried against the namespace's policy tunnels in the order
 * they were created; the first tunnel with a matching outbound selector
 * decides: protect steals the packet and encrypts it, discard drops it
 * (counted), bypass leaves it to the stack.  Not captured: s2svpn's own
 * ESP packets (transport.c marks them as xfrm marks what it transformed)
 * and packets that the same tunnel decrypted.
 *
 * Native xfrm policies are looked up earlier, when the route is chosen
 * (xfrm_lookup()): a packet that an xfrm policy protects is already an
 * xfrm bundle and reaches POST_ROUTING as an ESP packet marked
 * transformed, so xfrm wins over a policy tunnel for the same traffic.
 * See Documentation/cloud-vpn.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/rculist.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include "tunnel.h"
#include "esp.h"
#include "netns.h"
#include "policy.h"
#include "selector.h"

/* After mangle (-150) and source NAT (100), before conntrack confirm. */
#define S2S_POLICY_HOOK_PRIORITY (NF_IP_PRI_NAT_SRC + 1)

static bool s2s_policy_transformed(const struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		return IPCB(skb)->flags & IPSKB_XFRM_TRANSFORMED;
	return IP6CB(skb)->flags & IP6SKB_XFRM_TRANSFORMED;
}

/*
 * The first policy tunnel whose outbound selectors match decides.  Runs in
 * POST_ROUTING, possibly with BHs on (local output from process context).
 */
static unsigned int s2s_policy_hook(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct s2s_net *sn = priv;
	struct s2s_selector *sel;
	struct s2s_tunnel *t;
	struct s2s_flow flow;
	unsigned int verdict = NF_ACCEPT;

	if (list_empty(&sn->policy_tunnels) || s2s_policy_transformed(skb))
		return NF_ACCEPT;
	if (s2s_flow_from_skb(skb, &flow))
		return NF_ACCEPT;

	local_bh_disable();
	rcu_read_lock();
	list_for_each_entry_rcu(t, &sn->policy_tunnels, policy_node) {
		/* decrypted by this tunnel: never sent back into it */
		if (skb->skb_iif == t->dev->ifindex ||
		    !(READ_ONCE(t->dev->flags) & IFF_UP))
			continue;
		sel = s2s_sel_match(t, S2S_DIR_OUT, &flow, skb->len);
		if (!sel)
			continue;
		switch (sel->action) {
		case S2S_SEL_PROTECT:
			s2s_output_protect(t, sel, skb);
			verdict = NF_STOLEN;
			break;
		case S2S_SEL_DISCARD:
			s2s_output_sel_drop(t, NULL, sel, skb,
					    S2S_DROP_POLICY_DISCARD);
			verdict = NF_STOLEN;
			break;
		default:	/* bypass: in clear, as routed */
			break;
		}
		break;
	}
	rcu_read_unlock();
	local_bh_enable();
	return verdict;
}

/**
 * s2s_policy_attach() - make a tunnel capture what its selectors protect
 * @t: a tunnel in policy mode
 * @extack: receives the reason of a refusal
 *
 * The namespace's hook is registered with its first policy tunnel.
 * Called under RTNL; does nothing for a tunnel already attached.
 *
 * Return: 0 or a negative errno.
 */
int s2s_policy_attach(struct s2s_tunnel *t, struct netlink_ext_ack *extack)
{
	struct s2s_net *sn = s2s_net(t->net);
	struct nf_hook_ops *ops = sn->policy_ops;
	int err;

	ASSERT_RTNL();
	if (!list_empty(&t->policy_node))
		return 0;
	if (list_empty(&sn->policy_tunnels)) {
		memset(sn->policy_ops, 0, sizeof(sn->policy_ops));
		ops[0].hook = s2s_policy_hook;
		ops[0].priv = sn;
		ops[0].pf = NFPROTO_IPV4;
		ops[0].hooknum = NF_INET_POST_ROUTING;
		ops[0].priority = S2S_POLICY_HOOK_PRIORITY;
		ops[1] = ops[0];
		ops[1].pf = NFPROTO_IPV6;
		err = nf_register_net_hooks(t->net, ops,
					    ARRAY_SIZE(sn->policy_ops));
		if (err) {
			NL_SET_ERR_MSG_MOD(extack,
					   "cannot register the netfilter hook of policy-based tunnels");
			return err;
		}
	}
	list_add_tail_rcu(&t->policy_node, &sn->policy_tunnels);
	return 0;
}

/**
 * s2s_policy_detach() - stop capturing for a tunnel
 * @t: a tunnel, attached or not
 *
 * The namespace's hook goes with its last policy tunnel.  Called under
 * RTNL; waits until no hook looks at @t any more.
 */
void s2s_policy_detach(struct s2s_tunnel *t)
{
	struct s2s_net *sn = s2s_net(t->net);

	ASSERT_RTNL();
	if (list_empty(&t->policy_node))
		return;
	list_del_rcu(&t->policy_node);
	if (list_empty(&sn->policy_tunnels))
		nf_unregister_net_hooks(t->net, sn->policy_ops,
					ARRAY_SIZE(sn->policy_ops));
	/* a hook may be on the node: reinitialise it only after them */
	synchronize_net();
	INIT_LIST_HEAD(&t->policy_node);
}
