// SPDX-License-Identifier: GPL-2.0-only
/*
 * Transmit: inner packets in, ESP packets out.
 *
 * s2s_output_skb() encrypts an inner packet with a given SA and sends it;
 * the tunnel device's ndo_start_xmit (s2s_esp_xmit) is a thin caller that
 * picks the outbound SA, and policy mode or IKE-installed SAs call it the
 * same way.  The tunnel configuration is read once per packet.  GSO
 * packets are segmented in software, and each inner packet is made to fit
 * the path: an IPv4 packet without DF is fragmented into a local list
 * first (validated like br_validate_ipv4(), its control block cleared),
 * then each fragment is encrypted, so no context travels through globals
 * and a tunnel may transmit from inside another tunnel's transmit.  An
 * IPv6 packet of at most 1280 bytes is encrypted whole and the outer
 * packet fragmented (RFC 2473 section 7.1); anything else too big gets
 * ICMP "too big".  Then sequence number, lifetime, ESP trailer in the
 * tailroom, encryption in place (crypto.c), and the transport (transport.c)
 * sends the result.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/dsfield.h>
#include <net/esp.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include "compat.h"
#include "crypto.h"
#include "tunnel.h"
#include "esp.h"
#include "sa.h"
#include "segment.h"
#include "selector.h"
#include "transport.h"

/**
 * struct s2s_xmit_ctx - what one inner packet needs to be sent
 * @t: the tunnel
 * @p: the tunnel's configuration, one snapshot for the whole packet (RCU)
 * @sa: the outbound SA (the caller's reference)
 * @dst: the underlay route (the caller's reference)
 * @saddr: outer source address
 * @mtu: largest inner packet that fits the underlay path
 * @hroom: headroom an inner packet needs for ESP and the outer headers
 */
struct s2s_xmit_ctx {
	struct s2s_tunnel *t;
	const struct s2s_tunnel_params *p;
	struct s2s_sa *sa;
	struct dst_entry *dst;
	union s2s_addr saddr;
	unsigned int mtu;
	unsigned int hroom;
};

/* Sends or drops an encrypted packet; called with BHs off. */
static void s2s_output_finish(struct s2s_crypt *c, int err)
{
	struct s2s_tunnel *t = netdev_priv(c->dev);

	if (unlikely(err)) {
		s2s_drop(t, c->sa, c->skb, s2s_crypt_reason(err, false));
	} else if (likely(!s2s_transport_send(t->net, &c->outer, c->skb))) {
		s2s_stats_tx(&t->stats, c->inner_len);
		s2s_stats_tx(&c->sa->stats, c->inner_len);
	} else {
		/*
		 * The route was there; the underlay refused the packet (a
		 * netfilter rule, a full qdisc, an unresolved neighbour) and
		 * has already freed it.
		 */
		s2s_count_drop(t, c->sa, S2S_DROP_UNDERLAY);
	}
	s2s_crypt_free(c);
}

static void s2s_output_job_finish(struct s2s_job *job, int err)
{
	s2s_output_finish(container_of(job, struct s2s_crypt, job), err);
}

/* Outer TOS: DSCP copied from the inner packet, ECN per RFC 6040. */
static u8 s2s_outer_tos(const struct sk_buff *skb)
{
	u8 inner = skb->protocol == htons(ETH_P_IP) ?
		   ip_hdr(skb)->tos : ipv6_get_dsfield(ipv6_hdr(skb));

	return INET_ECN_encapsulate(inner, inner);
}

/*
 * Encrypts one inner packet that fits the path, or whose outer packet may
 * be fragmented (@frag_outer), and sends it; consumes @skb.
 */
static void s2s_esp_output(struct s2s_xmit_ctx *x, struct sk_buff *skb,
			   bool frag_outer)
{
	struct s2s_sa *sa = x->sa;
	struct s2s_tunnel *t = x->t;
	unsigned int inner_len, clen, padlen, tailen;
	struct sk_buff *trailer;
	struct ip_esp_hdr *esph;
	struct s2s_crypt *c;
	u8 proto, tos, *tail;
	__be16 df;
	int nfrags, i;
	u64 seq;

	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		goto drop_nomem;

	seq = atomic64_inc_return(&sa->seq_out);
	if (unlikely(!seq || (!sa->esn && seq > U32_MAX))) {
		atomic64_dec(&sa->seq_out);
		s2s_sa_seq_exhausted(sa);
		s2s_drop(t, sa, skb, S2S_DROP_SEQ_EXHAUSTED);
		return;
	}
	inner_len = skb->len;
	if (!s2s_sa_account(sa, inner_len)) {
		s2s_drop(t, sa, skb, S2S_DROP_SA_EXPIRED);
		return;
	}

	if (skb->protocol == htons(ETH_P_IP)) {
		proto = IPPROTO_IPIP;
		df = ip_hdr(skb)->frag_off & htons(IP_DF);
	} else {
		proto = IPPROTO_IPV6;
		df = htons(IP_DF);
	}
	tos = s2s_outer_tos(skb);

	clen = ALIGN(inner_len + 2, sa->blocksize);
	padlen = clen - inner_len - 2;
	tailen = padlen + 2 + sa->icvlen;

	if (skb_cow_head(skb, x->hroom))
		goto drop_nomem;
	nfrags = skb_cow_data(skb, tailen, &trailer);
	if (nfrags < 0)
		goto drop_nomem;

	tail = pskb_put(skb, trailer, tailen);
	for (i = 0; i < padlen; i++)
		tail[i] = i + 1;
	tail[padlen] = padlen;
	tail[padlen + 1] = proto;

	esph = skb_push(skb, sizeof(*esph) + sa->ivlen);
	skb_reset_transport_header(skb);
	esph->spi = sa->spi;
	esph->seq_no = htonl(lower_32_bits(seq));

	c = s2s_crypt_prepare(sa, skb, nfrags, seq, clen + sa->icvlen, true);
	if (IS_ERR_OR_NULL(c)) {
		s2s_drop(t, sa, skb, c ? S2S_DROP_MALFORMED : S2S_DROP_NO_MEM);
		return;
	}
	c->sa = sa;
	c->outer.dst = dst_clone(x->dst);
	c->inner_len = inner_len;
	c->outer.family = x->p->cfg.family;
	c->outer.tos = tos;
	c->outer.df = frag_outer ? 0 : df;
	c->outer.frag = frag_outer;
	c->outer.saddr = x->saddr;
	c->outer.daddr = x->p->peer;
	if (sa->udp_local) {
		/* an xfrm state's ESP in UDP: its ports, or a learned mapping */
		c->outer.sport = sa->udp_local;
		c->outer.dport = x->p->peer_port ?: sa->udp_peer;
	} else {
		c->outer.sport = htons(x->p->cfg.sport);
		/* 0: ESP over IP (an if-id tunnel may have learnt a port) */
		c->outer.dport = x->p->cfg.encap == S2S_ENCAP_UDP ?
				 x->p->peer_port : 0;
	}
	refcount_inc(&sa->refcnt);	/* the caller holds one already */
	s2s_crypt_hold_dev(c, t->dev);
	c->job.finish = s2s_output_job_finish;
	s2s_job_run(&t->txq, &c->job);
	return;

drop_nomem:
	s2s_drop(t, sa, skb, S2S_DROP_NO_MEM);
}

/*
 * An inner IPv4 header about to be fragmented must be sane (as
 * br_validate_ipv4() checks): a whole header, a total length within the
 * packet and covering the header; bytes past the total length go.
 */
static bool s2s_inner4_valid(struct sk_buff *skb)
{
	const struct iphdr *iph;
	unsigned int len;

	if (!pskb_network_may_pull(skb, sizeof(*iph)))
		return false;
	iph = ip_hdr(skb);
	if (iph->ihl < 5 || iph->version != 4)
		return false;
	if (!pskb_network_may_pull(skb, iph->ihl * 4))
		return false;
	iph = ip_hdr(skb);
	len = ntohs(iph->tot_len);
	if (len < iph->ihl * 4 || skb->len < skb_network_offset(skb) + len)
		return false;
	return !pskb_trim_rcsum(skb, skb_network_offset(skb) + len);
}

/*
 * Fragments an inner IPv4 packet into a local list, then encrypts each
 * fragment: nothing of this packet is left in flight when the first
 * fragment is sent, so a nested transmit (an underlay routed through
 * another tunnel) cannot disturb it.  Consumes @skb.
 */
static void s2s_xmit_frag4(struct s2s_xmit_ctx *x, struct sk_buff *skb)
{
	struct sk_buff_head frags;
	struct ip_frag_state st;
	struct sk_buff *frag;
	unsigned int hlen;

	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb)) {
		s2s_drop(x->t, x->sa, skb, S2S_DROP_NO_MEM);
		return;
	}
	/* whatever the stack left in the control block is not ours */
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	hlen = ip_hdrlen(skb);
	__skb_queue_head_init(&frags);
	ip_frag_init(skb, hlen, x->hroom, x->mtu - hlen, false, &st);
	while (st.left > 0) {
		frag = ip_frag_next(skb, &st);
		if (IS_ERR(frag)) {
			__skb_queue_purge(&frags);
			s2s_drop(x->t, x->sa, skb, S2S_DROP_NO_MEM);
			return;
		}
		__skb_queue_tail(&frags, frag);
	}
	consume_skb(skb);
	while ((frag = __skb_dequeue(&frags)))
		s2s_esp_output(x, frag, false);
}

/* Makes one inner packet fit the path, then encrypts it; consumes @skb. */
static void s2s_xmit_fit(struct s2s_xmit_ctx *x, struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP)) {
		if (unlikely(!s2s_inner4_valid(skb))) {
			s2s_drop(x->t, x->sa, skb, S2S_DROP_BAD_INNER);
			return;
		}
		if (likely(skb->len <= x->mtu)) {
			s2s_esp_output(x, skb, false);
			return;
		}
		/* peers do not reassemble ESP: fragment the inner packet */
		if (!(ip_hdr(skb)->frag_off & htons(IP_DF)) && x->mtu >= 68) {
			s2s_xmit_frag4(x, skb);
			return;
		}
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			      htonl(x->mtu));
	} else {
		if (likely(skb->len <= x->mtu)) {
			s2s_esp_output(x, skb, false);
			return;
		}
		/*
		 * RFC 2473 section 7.1: IPv6 guarantees 1280 bytes end to
		 * end, so a packet up to that size is sent anyway and the
		 * outer packet is fragmented.
		 */
		if (skb->len <= IPV6_MIN_MTU) {
			s2s_esp_output(x, skb, true);
			return;
		}
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0,
				max_t(u32, x->mtu, IPV6_MIN_MTU));
	}
	s2s_drop(x->t, x->sa, skb, S2S_DROP_TOO_BIG);
}

static bool s2s_inner_valid(struct sk_buff *skb)
{
	switch (skb->protocol) {
	case htons(ETH_P_IP):
		return pskb_network_may_pull(skb, sizeof(struct iphdr)) &&
		       ip_hdr(skb)->version == 4;
	case htons(ETH_P_IPV6):
		return pskb_network_may_pull(skb, sizeof(struct ipv6hdr)) &&
		       ipv6_hdr(skb)->version == 6;
	default:
		return false;
	}
}

/**
 * s2s_output_skb() - encrypt an inner packet with an SA and send it
 * @t: the tunnel the packet leaves by
 * @sa: the outbound SA to use; the caller holds a reference and keeps it
 * @skb: an inner IPv4 or IPv6 packet (skb->protocol set, network header
 *	at skb->data), possibly GSO
 *
 * Reads the tunnel's configuration once, routes to the remote gateway,
 * segments GSO packets, makes each packet fit the path and encrypts it.
 * Called with BHs off (ndo_start_xmit, or a hook in softirq).  Consumes
 * @skb: every packet is either sent or dropped and counted.
 */
void s2s_output_skb(struct s2s_tunnel *t, struct s2s_sa *sa,
		    struct sk_buff *skb)
{
	struct s2s_xmit_ctx x = { .t = t, .sa = sa };
	struct sk_buff *segs, *next;

	if (unlikely(!s2s_inner_valid(skb))) {
		s2s_drop(t, sa, skb, S2S_DROP_BAD_INNER);
		return;
	}
	x.p = rcu_dereference_bh(t->params);
	x.dst = s2s_transport_route(t, x.p, &x.saddr);
	if (IS_ERR(x.dst)) {
		s2s_drop(t, sa, skb, S2S_DROP_NO_ROUTE);
		return;
	}
	if (unlikely(x.dst->dev == t->dev)) {
		s2s_drop(t, sa, skb, S2S_DROP_LOOP);
		goto out;
	}
	x.mtu = s2s_sa_inner_mtu(sa, dst_mtu(x.dst) -
				 s2s_transport_hlen(&x.p->cfg));
	x.hroom = LL_RESERVED_SPACE(x.dst->dev) +
		  s2s_transport_hlen(&x.p->cfg) +
		  sizeof(struct ip_esp_hdr) + sa->ivlen;

	if (!skb_is_gso(skb)) {
		s2s_xmit_fit(&x, skb);
		goto out;
	}
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		s2s_drop(t, sa, skb, S2S_DROP_NO_MEM);
		goto out;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		s2s_xmit_fit(&x, skb);
	}
out:
	dst_release(x.dst);
}

/**
 * s2s_output_sel_drop() - drop a packet a selector decided on, and count it
 * @t: the tunnel
 * @sa: its SA, or NULL
 * @sel: the selector that decided, or NULL; its segment counts the drop too
 * @skb: the packet
 * @reason: why
 *
 * Called under RCU (BH), from the data path.
 */
void s2s_output_sel_drop(struct s2s_tunnel *t, struct s2s_sa *sa,
			 struct s2s_selector *sel, struct sk_buff *skb,
			 enum s2s_drop_reason reason)
{
	if (sel && sel->segment)
		s2s_segment_drop(sel->segment, reason);
	s2s_drop(t, sa, skb, reason);
}

/**
 * s2s_output_protect() - encrypt a packet with a tunnel's outbound SA
 * @t: the tunnel
 * @sel: the protect selector that chose it, or NULL (no selectors)
 * @skb: an inner packet at its network header
 *
 * Counts the packet in the selector's segment, then hands it to
 * s2s_output_skb() with the tunnel's outbound SA.  Called with BHs off.
 * Consumes @skb.
 */
void s2s_output_protect(struct s2s_tunnel *t, struct s2s_selector *sel,
			struct sk_buff *skb)
{
	struct s2s_sa *sa;

	sa = s2s_sa_out_get(t, skb);
	if (unlikely(!sa)) {
		s2s_output_sel_drop(t, NULL, sel, skb, S2S_DROP_NO_OUT_SA);
		return;
	}
	if (sel && sel->segment)
		s2s_segment_count(sel->segment, S2S_DIR_OUT, skb->len);
	s2s_output_skb(t, sa, skb);
	s2s_sa_put(sa);
}

/*
 * What a packet routed into the tunnel device becomes when the tunnel has
 * outbound selectors: protect is sent; discard, bypass (there is no clear
 * path out of a tunnel device) and no match are dropped and counted.
 */
static void s2s_xmit_selected(struct s2s_tunnel *t, struct sk_buff *skb)
{
	struct s2s_selector *sel;
	struct s2s_flow flow;

	if (unlikely(s2s_flow_from_skb(skb, &flow))) {
		s2s_drop(t, NULL, skb, S2S_DROP_BAD_INNER);
		return;
	}
	sel = s2s_sel_match(t, S2S_DIR_OUT, &flow, skb->len);
	if (!sel) {
		s2s_drop(t, NULL, skb, S2S_DROP_NO_POLICY);
		return;
	}
	switch (sel->action) {
	case S2S_SEL_PROTECT:
		s2s_output_protect(t, sel, skb);
		return;
	case S2S_SEL_DISCARD:
		s2s_output_sel_drop(t, NULL, sel, skb,
				    S2S_DROP_POLICY_DISCARD);
		return;
	default:	/* bypass: not for this tunnel to carry */
		s2s_output_sel_drop(t, NULL, sel, skb, S2S_DROP_NO_POLICY);
		return;
	}
}

/**
 * s2s_esp_xmit() - the tunnel device's ndo_start_xmit
 * @skb: an inner IPv4 or IPv6 packet, possibly GSO
 * @dev: the tunnel device
 *
 * Without outbound selectors the tunnel carries everything routed into it;
 * with them, the best matching selector decides (s2s_xmit_selected()).
 * The outbound SA then takes the packet (s2s_output_protect()).
 *
 * Return: NETDEV_TX_OK; every packet is either sent or dropped and counted.
 */
netdev_tx_t s2s_esp_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct s2s_tunnel *t = netdev_priv(dev);

	if (s2s_sel_none(t, S2S_DIR_OUT))
		s2s_output_protect(t, NULL, skb);
	else
		s2s_xmit_selected(t, skb);
	return NETDEV_TX_OK;
}
