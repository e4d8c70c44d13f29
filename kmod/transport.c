// SPDX-License-Identifier: GPL-2.0-only
/*
 * The outer transport: ESP directly over IPv4 or IPv6 (protocol 50).
 *
 * The route to the remote gateway (cached per configuration), the outer
 * header and sending; the receiving end, s2svpn's place in the kernel's ESP
 * handler chain, is input.c's.  With UDP encapsulation
 * (RFC 3948) a UDP header goes between the outer IP header and ESP: over
 * IPv4 with a zero checksum (RFC 3948 section 2.1 allows it, and Linux's
 * own espinudp sends it so), over IPv6 with a real one (RFC 8200 forbids
 * zero); encap.c owns the socket that receives it.  Under an IKE daemon
 * an SA's own encapsulation (an xfrm state's, km.c) decides the outer
 * format.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/ip6_checksum.h>
#include <net/udp.h>
#include <net/xfrm.h>
#include "transport.h"


/**
 * s2s_transport_route() - the underlay route to a tunnel's remote gateway
 * @t: the tunnel
 * @p: its configuration, the snapshot the packet uses
 * @saddr: set to the outer source address
 *
 * Served from the configuration's dst_cache when it can be.
 *
 * Return: a referenced dst, or an ERR_PTR.
 */
struct dst_entry *s2s_transport_route(struct s2s_tunnel *t,
				      const struct s2s_tunnel_params *p,
				      union s2s_addr *saddr)
{
	struct dst_cache *cache = (struct dst_cache *)&p->dst_cache;
	const struct s2s_tunnel_config *cfg = &p->cfg;
	struct net *net = t->net;
	struct dst_entry *dst;

	if (cfg->family == AF_INET) {
		struct flowi4 fl = {
			.daddr = p->peer.ip4,
			.saddr = cfg->local.ip4,
			.flowi4_proto = IPPROTO_ESP,
		};
		struct rtable *rt;

		rt = dst_cache_get_ip4(cache, &saddr->ip4);
		if (rt)
			return &rt->dst;
		rt = ip_route_output_key(net, &fl);
		if (IS_ERR(rt))
			return ERR_CAST(rt);
		saddr->ip4 = fl.saddr;
		dst_cache_set_ip4(cache, &rt->dst, fl.saddr);
		return &rt->dst;
	}
	if (cfg->family != AF_INET6)	/* a tunnel without addresses yet */
		return ERR_PTR(-EDESTADDRREQ);
#if IS_ENABLED(CONFIG_IPV6)
	{
		struct flowi6 fl = {
			.daddr = p->peer.ip6,
			.saddr = cfg->local.ip6,
			.flowi6_proto = IPPROTO_ESP,
		};

		dst = dst_cache_get_ip6(cache, &saddr->ip6);
		if (dst)
			return dst;
		dst = ip6_dst_lookup_flow(net, NULL, &fl, NULL);
		if (IS_ERR(dst))
			return dst;
		saddr->ip6 = fl.saddr;
		dst_cache_set_ip6(cache, dst, &fl.saddr);
		return dst;
	}
#else
	dst = ERR_PTR(-EAFNOSUPPORT);
	return dst;
#endif
}

/**
 * s2s_transport_hlen() - the outer header length of a tunnel configuration
 * @cfg: the configuration: its outer family and encapsulation
 *
 * Return: the bytes the transport puts before the ESP header.
 */
unsigned int s2s_transport_hlen(const struct s2s_tunnel_config *cfg)
{
	unsigned int hlen = cfg->family == AF_INET ? sizeof(struct iphdr) :
						     sizeof(struct ipv6hdr);

	/* under IKE, the SAs' encapsulation decides: room for it always */
	if (cfg->encap == S2S_ENCAP_UDP || cfg->if_id)
		hlen += sizeof(struct udphdr);
	return hlen;
}

/* RFC 3948: the UDP header in front of ESP (or of a NAT keepalive). */
static void s2s_transport_push_udp(struct s2s_outer *o, struct sk_buff *skb)
{
	struct udphdr *uh = skb_push(skb, sizeof(*uh));

	skb_reset_transport_header(skb);
	uh->source = o->sport;
	uh->dest = o->dport;
	uh->len = htons(skb->len);
	uh->check = 0;
#if IS_ENABLED(CONFIG_IPV6)
	if (o->family == AF_INET6)
		udp6_set_csum(false, skb, &o->saddr.ip6, &o->daddr.ip6,
			      skb->len);
#endif
}

/**
 * s2s_transport_send() - put the outer header on an ESP packet and send it
 * @net: the underlay namespace
 * @o: the outer addresses, TOS, DF and route; the route's reference goes
 *	to the packet
 * @skb: the ESP packet, ESP header at skb->data, with headroom for the
 *	outer headers (s2s_transport_hlen()); with UDP encapsulation also a
 *	NAT keepalive
 *
 * Consumes @skb.  Called with BHs off.
 *
 * Return: 0 or the underlay's error (the packet is then gone).
 */
int s2s_transport_send(struct net *net, struct s2s_outer *o,
		       struct sk_buff *skb)
{
	struct dst_entry *dst = o->dst;
	int err;

	skb_scrub_packet(skb, false);
	skb_dst_set(skb, dst);
	o->dst = NULL;
	skb->ip_summed = CHECKSUM_NONE;
	skb->encapsulation = 0;
	/* after the scrub, which clears it: IPv6 outer fragmentation */
	skb->ignore_df = o->frag;
	if (o->dport)
		s2s_transport_push_udp(o, skb);

	if (o->family == AF_INET) {
		struct iphdr *iph = skb_push(skb, sizeof(*iph));

		skb_reset_network_header(skb);
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
		/* as xfrm marks its output: never captured again (policy.c) */
		IPCB(skb)->flags = IPSKB_XFRM_TRANSFORMED;
		skb->protocol = htons(ETH_P_IP);
		iph->version = 4;
		iph->ihl = sizeof(*iph) >> 2;
		iph->tos = o->tos;
		iph->frag_off = ip_mtu_locked(dst) || o->frag ? 0 : o->df;
		iph->ttl = ip4_dst_hoplimit(dst);
		iph->protocol = o->dport ? IPPROTO_UDP : IPPROTO_ESP;
		iph->saddr = o->saddr.ip4;
		iph->daddr = o->daddr.ip4;
		__ip_select_ident(net, iph, 1);
		err = ip_local_out(net, NULL, skb);
	} else {
		struct ipv6hdr *ip6h = skb_push(skb, sizeof(*ip6h));

		skb_reset_network_header(skb);
		memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
		IP6CB(skb)->flags = IP6SKB_XFRM_TRANSFORMED;
		skb->protocol = htons(ETH_P_IPV6);
		ip6_flow_hdr(ip6h, o->tos, 0);
		ip6h->nexthdr = o->dport ? IPPROTO_UDP : IPPROTO_ESP;
		ip6h->hop_limit = ip6_dst_hoplimit(dst);
		ip6h->saddr = o->saddr.ip6;
		ip6h->daddr = o->daddr.ip6;
		err = ip6_local_out(net, NULL, skb);
	}
	/* net_xmit_eval() evaluates its argument twice: never pass a call */
	return net_xmit_eval(err);
}
