// SPDX-License-Identifier: GPL-2.0-only
/*
 * The outer transport: ESP directly over IPv4 or IPv6 (protocol 50).
 *
 * Outbound, the route to the remote gateway (cached per configuration) and
 * the outer header; inbound, s2svpn's place in the kernel's ESP handler
 * chain (xfrm4/xfrm6 protocol registration, ahead of vti, xfrm interfaces
 * and esp4/esp6), which hands ESP packets to input.c, and the ICMP error
 * handlers that learn the path MTU for packets we sent.  Everything that
 * knows how ESP travels the underlay is here.  With UDP encapsulation
 * (RFC 3948) a UDP header goes between the outer IP header and ESP: over
 * IPv4 with a zero checksum (RFC 3948 section 2.1 allows it, and Linux's
 * own espinudp sends it so), over IPv6 with a real one (RFC 8200 forbids
 * zero); encap.c owns the socket that receives it.  Under an IKE daemon
 * the daemon owns the UDP socket: what it receives reaches the chain's
 * input_handler through xfrm4/6_rcv_encap(), and an SA's own encapsulation
 * (an xfrm state's, km.c) decides the outer format.
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
#include "device.h"
#include "esp.h"
#include "input.h"
#include "sa.h"
#include "transport.h"

/* Priority in the xfrm ESP handler chain: before vti (100), xfrmi (10), esp (0). */
#define S2S_XFRM_PRIORITY 200

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
