// SPDX-License-Identifier: GPL-2.0-only
/*
 * Receive: s2svpn's place in the kernel's ESP handler chain (xfrm4/xfrm6
 * protocol registration at priority 200, ahead of vti, xfrm interfaces and
 * esp4/esp6), the ICMP error handlers that learn the path MTU for packets
 * we sent, and the ESP packets that chain and the UDP encapsulation socket
 * (encap.c) hand over.
 *
 * Demultiplexing is by (outer destination, SPI), as xfrm does: a packet
 * whose SPI s2svpn does not own for that destination goes back to the
 * kernel's ESP handler chain untouched (vti, xfrm interfaces, esp4/esp6),
 * and so does one with an s2svpn SPI from a source other than the tunnel's
 * remote (counted as outer_mismatch: an xfrm state may own that SPI for
 * that source).  ESP in UDP (encap.c) is taken only by a tunnel that
 * encapsulates on that port, from any source: behind a NAT the source is
 * the NAT's, and authentication decides; an authenticated, not replayed
 * packet from a new source moves output there (nat.c).  Under an IKE
 * daemon an SA's own encapsulation decides (km.c): ESP in UDP arrives
 * through the daemon's socket and xfrm4/6_rcv_encap() (below), and
 * a new source is also reported to the daemon.  Then length checks and
 * the replay precheck before any
 * crypto work, decryption, the replay window moved only once the packet
 * is authenticated, the trailer checked (padding in small steps, no big
 * buffer in softirq), ECN decapsulation per RFC 6040, and delivery
 * through GRO on the tunnel device with CHECKSUM_NONE, a cleared hash and
 * a fresh MAC header, so the stack verifies checksums and RPS/fq see the
 * inner flow.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/dsfield.h>
#include <net/esp.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/xfrm.h>
#include "crypto.h"
#include "esp.h"
#include "input.h"
#include "km.h"
#include "nat.h"
#include "netns.h"
#include "sa.h"
#include "segment.h"
#include "selector.h"
#include "tunnel.h"

/* Priority in the xfrm ESP handler chain: before vti (100), xfrmi (10), esp (0). */
#define S2S_XFRM_PRIORITY 200

/* Checks padding and next header; returns the drop reason or 0. */
static int s2s_check_trailer(struct s2s_crypt *c, unsigned int elen,
			     u8 *nexthdr, unsigned int *padlen)
{
	struct sk_buff *skb = c->skb;
	unsigned int icvlen = c->sa->icvlen, off, done, n, i;
	u8 buf[16];
	const u8 *p;

	p = skb_header_pointer(skb, skb->len - icvlen - 2, 2, buf);
	if (!p)
		return S2S_DROP_MALFORMED;
	*padlen = p[0];
	*nexthdr = p[1];
	if (*padlen + 2 > elen)
		return S2S_DROP_BAD_TRAILER;
	/* padding 1, 2, 3, ... in small steps: no big buffer in softirq */
	off = skb->len - icvlen - 2 - *padlen;
	for (done = 0; done < *padlen; done += n) {
		n = min_t(unsigned int, *padlen - done, sizeof(buf));
		p = skb_header_pointer(skb, off + done, n, buf);
		if (!p)
			return S2S_DROP_MALFORMED;
		for (i = 0; i < n; i++)
			if (p[i] != (u8)(done + i + 1))
				return S2S_DROP_BAD_TRAILER;
	}
	if (*nexthdr == IPPROTO_NONE)
		return S2S_DROP_DUMMY;
	if (*nexthdr != IPPROTO_IPIP && *nexthdr != IPPROTO_IPV6)
		return S2S_DROP_BAD_TRAILER;
	return 0;
}

/*
 * With inbound selectors, a decrypted packet must match a protect selector
 * of the tunnel that decrypted it (RFC 4301 section 5.2).  Returns the
 * drop reason or 0, and the deciding selector in @sel.
 */
static int s2s_input_select(struct s2s_tunnel *t, struct sk_buff *skb,
			    struct s2s_selector **sel)
{
	struct s2s_flow flow;

	*sel = NULL;
	if (s2s_sel_none(t, S2S_DIR_IN))
		return 0;
	if (s2s_flow_from_skb(skb, &flow))
		return S2S_DROP_MALFORMED;
	*sel = s2s_sel_match(t, S2S_DIR_IN, &flow, skb->len);
	if (!*sel)
		return S2S_DROP_SELECTOR_MISMATCH;
	switch ((*sel)->action) {
	case S2S_SEL_PROTECT:
		return 0;
	case S2S_SEL_DISCARD:
		return S2S_DROP_POLICY_DISCARD;
	default:	/* bypass: should not have come protected */
		return S2S_DROP_SELECTOR_MISMATCH;
	}
}

/*
 * RFC 3948 NAT mapping: an authenticated ESP-in-UDP packet from another
 * address or port than output uses moves output there, once it passed
 * every check and raised the replay window's top.  A captured packet
 * replayed later from elsewhere (even with replay protection off) is
 * never above the top, so it cannot move the peer.
 */
static void s2s_input_nat_check(struct s2s_tunnel *t, const struct s2s_sa *sa,
				const struct s2s_outer *o)
{
	const struct s2s_tunnel_params *p;
	bool same;

	rcu_read_lock();
	p = rcu_dereference(t->params);
	/* an xfrm state's SA: where the daemon said the peer is, until learnt */
	same = (p->peer_port ?: sa->udp_peer) == o->sport &&
	       p->cfg.family == o->family &&
	       (o->family == AF_INET ?
		p->peer.ip4 == o->saddr.ip4 :
		ipv6_addr_equal(&p->peer.ip6, &o->saddr.ip6));
	rcu_read_unlock();
	if (!same)
		s2s_nat_learn(t, o->family, &o->saddr, o->sport, sa->spi);
}

/*
 * The decrypted packet must carry an inner header the IP layer can parse,
 * as ip_rcv_core() and ipv6_rcv() check it, so that an authenticated but
 * malformed packet is counted here (bad_inner) instead of vanishing in the
 * IP layer: a whole header of the version the next header named (another
 * version: bad_trailer); for IPv4 an ihl of at least 5 within the packet,
 * a right header checksum and a total length from the header's end to the
 * packet's end; for IPv6 a payload within the packet.  Bytes past the
 * inner packet (TFC padding, RFC 4303 section 2.7) are the IP layer's to
 * trim.  Returns the drop reason or 0.
 */
static int s2s_input_inner_check(struct sk_buff *skb)
{
	bool v4 = skb->protocol == htons(ETH_P_IP);
	unsigned int hlen = v4 ? sizeof(struct iphdr) : sizeof(struct ipv6hdr);
	const struct iphdr *iph;
	unsigned int len;

	if (!pskb_may_pull(skb, hlen))
		return S2S_DROP_BAD_INNER;
	if (ip_hdr(skb)->version != (v4 ? 4 : 6))
		return S2S_DROP_BAD_TRAILER;
	if (!v4) {
		len = ntohs(ipv6_hdr(skb)->payload_len) + hlen;
		return len <= skb->len ? 0 : S2S_DROP_BAD_INNER;
	}
	hlen = ip_hdr(skb)->ihl * 4;
	if (hlen < sizeof(*iph) || !pskb_may_pull(skb, hlen))
		return S2S_DROP_BAD_INNER;
	iph = ip_hdr(skb);
	len = ntohs(iph->tot_len);
	if (ip_fast_csum(iph, iph->ihl) || len < hlen || len > skb->len)
		return S2S_DROP_BAD_INNER;
	return 0;
}

static void s2s_input_finish(struct s2s_crypt *c, int err)
{
	struct s2s_tunnel *t = netdev_priv(c->dev);
	struct sk_buff *skb = c->skb;
	struct s2s_sa *sa = c->sa;
	struct s2s_selector *sel = NULL;
	struct s2s_segment *seg;
	unsigned int hlen = sizeof(struct ip_esp_hdr) + sa->ivlen;
	unsigned int elen = skb->len - hlen - sa->icvlen, padlen, len;
	unsigned long now;
	bool newest;
	int reason;
	u8 nexthdr;

	if (unlikely(err)) {
		reason = s2s_crypt_reason(err, true);
		goto drop;
	}
	/* authenticated: now the window may move */
	if (!s2s_replay_advance(&sa->replay, c->seq, &newest)) {
		reason = S2S_DROP_REPLAY;
		goto drop;
	}
	reason = s2s_check_trailer(c, elen, &nexthdr, &padlen);
	if (reason)
		goto drop;

	if (pskb_trim(skb, skb->len - sa->icvlen - padlen - 2)) {
		reason = S2S_DROP_NO_MEM;
		goto drop;
	}
	if (!pskb_pull(skb, hlen)) {
		reason = S2S_DROP_MALFORMED;
		goto drop;
	}
	skb_reset_network_header(skb);
	skb->protocol = nexthdr == IPPROTO_IPIP ? htons(ETH_P_IP) :
						  htons(ETH_P_IPV6);
	reason = s2s_input_inner_check(skb);
	if (reason)
		goto drop;
	if (INET_ECN_decapsulate(skb, c->outer.tos,
				 skb->protocol == htons(ETH_P_IP) ?
				 ip_hdr(skb)->tos :
				 ipv6_get_dsfield(ipv6_hdr(skb))) > 1) {
		reason = S2S_DROP_ECN;
		goto drop;
	}
	len = skb->len;
	if (!s2s_sa_account(sa, len)) {
		reason = S2S_DROP_SA_EXPIRED;
		goto drop;
	}
	reason = s2s_input_select(t, skb, &sel);
	if (reason)
		goto drop;

	skb_scrub_packet(skb, false);
	skb->dev = t->dev;
	skb->pkt_type = PACKET_HOST;
	/*
	 * The ICV proves who sent the packet, not that its checksums are
	 * right: a gateway forwards LAN traffic nobody has verified.  Leave
	 * CHECKSUM_NONE as xfrm tunnel mode does.  A fresh hash and MAC
	 * header, so that RPS and fq see the inner flow, not one ESP flow.
	 */
	skb->ip_summed = CHECKSUM_NONE;
	skb_clear_hash(skb);
	skb_reset_mac_header(skb);
	skb_reset_transport_header(skb);
	if (c->mark_mask)
		skb->mark = (skb->mark & ~c->mark_mask) |
			    (c->mark & c->mark_mask);
	seg = sel ? sel->segment : NULL;
	/* the segment tags the packet: its bits, the others kept */
	if (seg)
		skb->mark = (skb->mark & ~seg->mask) | seg->mark;
	if (c->outer.sport && newest)
		s2s_input_nat_check(t, sa, &c->outer);
	/* authenticated: the peer is alive (probe.c) */
	now = jiffies;
	if (READ_ONCE(t->last_rx) != now)
		WRITE_ONCE(t->last_rx, now);
	/* in queue order; the NAPI may free the packet at once */
	err = s2s_rx_napi_deliver(&t->rx_napi, skb);
	if (unlikely(err)) {
		reason = err == -ENETDOWN ? S2S_DROP_DOWN : S2S_DROP_QUEUE_FULL;
		goto drop;
	}
	if (seg)
		s2s_segment_count(seg, S2S_DIR_IN, len);
	s2s_stats_rx(&t->stats, len);
	s2s_stats_rx(&sa->stats, len);
	s2s_crypt_free(c);
	return;

drop:
	if (sel && sel->segment)
		s2s_segment_drop(sel->segment, reason);
	s2s_drop(t, sa, skb, reason);
	s2s_crypt_free(c);
}

static void s2s_input_job_finish(struct s2s_job *job, int err)
{
	s2s_input_finish(container_of(job, struct s2s_crypt, job), err);
}

/*
 * ESP over IP: from the tunnel's remote to its local address, on a tunnel
 * without encapsulation.  ESP in UDP (@dport set): to the tunnel's local
 * address and UDP port, from anywhere.  An SA mirroring an xfrm state
 * with UDP encapsulation takes only ESP in UDP to the state's port, from
 * anywhere (the IKE daemon's socket received it).
 */
static bool s2s_outer_matches(const struct s2s_tunnel_config *cfg,
			      const struct s2s_sa *sa, u16 family,
			      const union s2s_addr *saddr,
			      const union s2s_addr *daddr, __be16 dport)
{
	if (cfg->family != family)
		return false;
	if (sa->udp_local)
		return dport == sa->udp_local &&
		       (family == AF_INET ? daddr->ip4 == cfg->local.ip4 :
			ipv6_addr_equal(&daddr->ip6, &cfg->local.ip6));
	if (dport)
		return cfg->encap == S2S_ENCAP_UDP &&
		       htons(cfg->sport) == dport &&
		       (family == AF_INET ? daddr->ip4 == cfg->local.ip4 :
			ipv6_addr_equal(&daddr->ip6, &cfg->local.ip6));
	if (cfg->encap != S2S_ENCAP_NONE)
		return false;
	if (family == AF_INET)
		return saddr->ip4 == cfg->remote.ip4 &&
		       daddr->ip4 == cfg->local.ip4;
	return ipv6_addr_equal(&saddr->ip6, &cfg->remote.ip6) &&
	       ipv6_addr_equal(&daddr->ip6, &cfg->local.ip6);
}

/**
 * s2s_input_esp() - receive one ESP packet, if it is ours
 * @skb: the packet, ESP header at skb->data, outer IP header before it
 *	(and the UDP header, with UDP encapsulation)
 * @family: the outer address family
 * @sport: UDP encapsulation: the UDP source port; 0 = ESP over IP
 * @dport: UDP encapsulation: the UDP destination port; 0 = ESP over IP
 *
 * Demultiplexes by (outer destination, SPI) as xfrm does.  A packet whose
 * SPI s2svpn does not own for that destination, or that does not arrive
 * as the SA's tunnel expects (another source than its remote, or not in
 * the tunnel's encapsulation; counted as outer_mismatch), is left
 * untouched for the caller.
 *
 * Return: 0 when the packet was consumed (queued for decryption, or
 * dropped and counted), -ENOENT when s2svpn has no such SA, -EINVAL when
 * the SA's tunnel does not take it.
 */
int s2s_input_esp(struct sk_buff *skb, u16 family, __be16 sport,
		  __be16 dport)
{
	struct s2s_net *sn = s2s_net(dev_net(skb->dev));
	const struct s2s_tunnel_config *cfg;
	union s2s_addr saddr = {}, daddr = {};
	unsigned int elen;
	struct sk_buff *trailer;
	struct ip_esp_hdr *esph;
	struct s2s_tunnel *t;
	struct s2s_crypt *c;
	struct s2s_sa *sa;
	int nfrags, reason;
	u8 dsfield;
	u64 seq;

	if (!pskb_may_pull(skb, sizeof(*esph)))
		return -EINVAL;
	esph = (struct ip_esp_hdr *)skb->data;
	if (family == AF_INET) {
		saddr.ip4 = ip_hdr(skb)->saddr;
		daddr.ip4 = ip_hdr(skb)->daddr;
		dsfield = ip_hdr(skb)->tos;
	} else {
		saddr.ip6 = ipv6_hdr(skb)->saddr;
		daddr.ip6 = ipv6_hdr(skb)->daddr;
		dsfield = ipv6_get_dsfield(ipv6_hdr(skb));
	}

	/* demux as xfrm does: (destination, SPI); not ours goes on down */
	sa = s2s_sa_lookup_in(sn, esph->spi, family, &daddr);
	if (!sa || !s2s_sa_get(sa)) {
		/* an SA an IKE daemon just installed for a tunnel? */
		if (!s2s_km_claim(dev_net(skb->dev), skb, family, &saddr,
				  &daddr, esph->spi))
			return 0;
		return -ENOENT;
	}
	t = sa->tunnel;

	/* the configuration, read once for this packet */
	cfg = &rcu_dereference(t->params)->cfg;
	if (!s2s_outer_matches(cfg, sa, family, &saddr, &daddr, dport)) {
		/* an xfrm state may own this SPI from that source: count only */
		s2s_count_drop(t, sa, S2S_DROP_OUTER_MISMATCH);
		s2s_sa_put(sa);
		return -EINVAL;
	}
	if (unlikely(!(t->dev->flags & IFF_UP))) {
		reason = S2S_DROP_DOWN;
		goto drop;
	}
	if (s2s_sa_state(sa) == S2S_SA_STATE_DEAD) {
		reason = S2S_DROP_SA_EXPIRED;
		goto drop;
	}
	if (skb->len < sizeof(*esph) + sa->ivlen + sa->icvlen + 2) {
		reason = S2S_DROP_MALFORMED;
		goto drop;
	}
	elen = skb->len - sizeof(*esph) - sa->ivlen - sa->icvlen;
	if (elen % sa->blocksize) {
		reason = S2S_DROP_MALFORMED;
		goto drop;
	}
	seq = s2s_replay_seq(&sa->replay, ntohl(esph->seq_no), sa->esn);
	if (!s2s_replay_precheck(&sa->replay, seq)) {
		reason = S2S_DROP_REPLAY;
		goto drop;
	}

	nfrags = skb_cow_data(skb, 0, &trailer);
	if (nfrags < 0) {
		reason = S2S_DROP_NO_MEM;
		goto drop;
	}
	skb->ip_summed = CHECKSUM_NONE;

	c = s2s_crypt_prepare(sa, skb, nfrags, seq, elen + sa->icvlen, false);
	if (IS_ERR_OR_NULL(c)) {
		reason = c ? S2S_DROP_MALFORMED : S2S_DROP_NO_MEM;
		goto drop;
	}
	c->sa = sa;		/* the reference taken above */
	c->outer.family = family;
	c->outer.tos = dsfield;
	c->outer.saddr = saddr;
	c->outer.sport = sport;
	c->mark = cfg->mark;
	c->mark_mask = cfg->mark_mask;
	s2s_crypt_hold_dev(c, t->dev);
	c->job.finish = s2s_input_job_finish;
	s2s_job_run(&t->rxq, &c->job);
	return 0;

drop:
	s2s_drop(t, sa, skb, reason);
	s2s_sa_put(sa);
	return 0;
}

/* The tunnel sends with the SPI @arg points to. */
static bool s2s_err_tx_spi(const struct s2s_tunnel *t, const void *arg)
{
	const struct s2s_sa *sa = rcu_dereference(t->tx_sa);

	return sa && sa->spi == *(const __be32 *)arg;
}

/* ICMP errors about packets we sent: learn the path MTU. */
static bool s2s_err_ours(struct net *net, u16 family, __be32 spi,
			 const union s2s_addr *saddr,
			 const union s2s_addr *daddr)
{
	/* our outbound packet: its source is our local, its dest the remote */
	return s2s_tunnel_lookup_outer(net, family, daddr, saddr,
				       s2s_err_tx_spi, &spi);
}

/* Not ours (-ENOENT, -EINVAL): the next handler of the chain runs. */
static int s2s_esp4_rcv(struct sk_buff *skb)
{
	return s2s_input_esp(skb, AF_INET, 0, 0) ? -EINVAL : 0;
}

static int s2s_esp4_err(struct sk_buff *skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	struct net *net = dev_net(skb->dev);
	union s2s_addr saddr = {}, daddr = {};
	struct ip_esp_hdr *esph;

	if (!pskb_may_pull(skb, (iph->ihl << 2) + sizeof(*esph)))
		return 1;
	iph = (const struct iphdr *)skb->data;
	esph = (struct ip_esp_hdr *)(skb->data + (iph->ihl << 2));
	saddr.ip4 = iph->saddr;
	daddr.ip4 = iph->daddr;
	if (!s2s_err_ours(net, AF_INET, esph->spi, &saddr, &daddr))
		return 1;
	switch (icmp_hdr(skb)->type) {
	case ICMP_DEST_UNREACH:
		if (icmp_hdr(skb)->code != ICMP_FRAG_NEEDED)
			return 0;
		ipv4_update_pmtu(skb, net, info, 0, IPPROTO_ESP);
		break;
	case ICMP_REDIRECT:
		ipv4_redirect(skb, net, 0, IPPROTO_ESP);
		break;
	}
	return 0;
}

#if IS_ENABLED(CONFIG_IPV6)
static int s2s_esp6_rcv(struct sk_buff *skb)
{
	return s2s_input_esp(skb, AF_INET6, 0, 0) ? -EINVAL : 0;
}

static int s2s_esp6_err(struct sk_buff *skb, struct inet6_skb_parm *opt,
			u8 type, u8 code, int offset, __be32 info)
{
	const struct ipv6hdr *ip6h = (const struct ipv6hdr *)skb->data;
	struct net *net = dev_net(skb->dev);
	union s2s_addr saddr = {}, daddr = {};
	struct ip_esp_hdr *esph;

	if (!pskb_may_pull(skb, offset + sizeof(*esph)))
		return 1;
	ip6h = (const struct ipv6hdr *)skb->data;
	esph = (struct ip_esp_hdr *)(skb->data + offset);
	saddr.ip6 = ip6h->saddr;
	daddr.ip6 = ip6h->daddr;
	if (!s2s_err_ours(net, AF_INET6, esph->spi, &saddr, &daddr))
		return 1;
	if (type == ICMPV6_PKT_TOOBIG)
		ip6_update_pmtu(skb, net, info, 0, 0, sock_net_uid(net, NULL));
	else if (type == NDISC_REDIRECT)
		ip6_redirect(skb, net, skb->dev->ifindex, 0,
			     sock_net_uid(net, NULL));
	return 0;
}
#endif

/*
 * ESP in UDP that an IKE daemon's encapsulation socket received
 * (xfrm4/6_udp_encap_rcv() -> xfrm4/6_rcv_encap()): skb->data is at the
 * ESP header, the UDP header right before it.  Packets of an s2svpn SA are
 * consumed (0); anything else goes on to xfrm_input() (-EINVAL).  s2svpn
 * never hands a packet to xfrm_input() itself.
 */
static int s2s_input_encap(struct sk_buff *skb, u16 family, int encap_type)
{
	const struct udphdr *uh;

	/* the non-IKE marker variant is obsolete: xfrm keeps those */
	if (encap_type != UDP_ENCAP_ESPINUDP ||
	    skb_headroom(skb) < sizeof(*uh))
		return -EINVAL;
	uh = (const struct udphdr *)(skb->data - sizeof(*uh));
	return s2s_input_esp(skb, family, uh->source, uh->dest) ? -EINVAL : 0;
}

static int s2s_input_handler4(struct sk_buff *skb, int nexthdr, __be32 spi,
			      int encap_type)
{
	return s2s_input_encap(skb, AF_INET, encap_type);
}

#if IS_ENABLED(CONFIG_IPV6)
static int s2s_input_handler6(struct sk_buff *skb, int nexthdr, __be32 spi,
			      int encap_type)
{
	return s2s_input_encap(skb, AF_INET6, encap_type);
}
#endif

static int s2s_cb_handler(struct sk_buff *skb, int err)
{
	/* positive: let the rest of the chain (xfrmi, vti) see the packet */
	return 1;
}

static struct xfrm4_protocol s2s_esp4_protocol __read_mostly = {
	.handler = s2s_esp4_rcv,
	.input_handler = s2s_input_handler4,
	.cb_handler = s2s_cb_handler,
	.err_handler = s2s_esp4_err,
	.priority = S2S_XFRM_PRIORITY,
};

#if IS_ENABLED(CONFIG_IPV6)
static struct xfrm6_protocol s2s_esp6_protocol __read_mostly = {
	.handler = s2s_esp6_rcv,
	.input_handler = s2s_input_handler6,
	.cb_handler = s2s_cb_handler,
	.err_handler = s2s_esp6_err,
	.priority = S2S_XFRM_PRIORITY,
};
#endif

/**
 * s2s_esp_init() - join the kernel's ESP receive chains
 *
 * Return: 0 or a negative errno.
 */
int s2s_esp_init(void)
{
	int err;

	err = xfrm4_protocol_register(&s2s_esp4_protocol, IPPROTO_ESP);
	if (err) {
		pr_err("cannot register the IPv4 ESP handler: %d\n", err);
		return err;
	}
#if IS_ENABLED(CONFIG_IPV6)
	err = xfrm6_protocol_register(&s2s_esp6_protocol, IPPROTO_ESP);
	if (err) {
		pr_err("cannot register the IPv6 ESP handler: %d\n", err);
		xfrm4_protocol_deregister(&s2s_esp4_protocol, IPPROTO_ESP);
		return err;
	}
#endif
	return 0;
}

/**
 * s2s_esp_exit() - leave the kernel's ESP receive chains
 */
void s2s_esp_exit(void)
{
#if IS_ENABLED(CONFIG_IPV6)
	xfrm6_protocol_deregister(&s2s_esp6_protocol, IPPROTO_ESP);
#endif
	xfrm4_protocol_deregister(&s2s_esp4_protocol, IPPROTO_ESP);
}
