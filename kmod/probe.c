// SPDX-License-Identifier: GPL-2.0-only
/*
 * Liveness probing of a tunnel's peer.
 *
 * With a probe address configured (the peer's inside address, such as the
 * far end of a 169.254.x.x/30 tunnel network), the tunnel sends an ICMP or
 * ICMPv6 echo request to it through itself every probe interval.  Any
 * authenticated inbound packet (the echo reply, the peer's own probes, BGP
 * or BFD, user traffic) counts as a sign of life: the receive path notes
 * the time in s2s_tunnel.last_rx.  After probe-misses intervals without
 * one the peer is dead: the carrier goes off (s2s_tunnel_update_carrier())
 * and a tunnel state event says so; the first authenticated packet after
 * that brings it back within one interval.
 *
 * The probes bypass the device queue, which discards everything while
 * the carrier is off, so that a dead peer is noticed when it comes back
 * even if it sends nothing by itself.  They go through the tunnel's usual
 * output path and are counted like any packet.
 *
 * One delayed work per tunnel does both the check and the sending, under
 * RTNL; it only tries the lock, so that cancelling it under RTNL
 * (ndo_uninit, on delete, namespace exit and module unload) cannot
 * deadlock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include "esp.h"
#include "probe.h"
#include "sa.h"
#include "tunnel.h"

#define S2S_PROBE_ID 0x5332	/* ICMP echo identifier of the probes */
#define S2S_PROBE_DATA 8	/* bytes of echo data */

static struct sk_buff *s2s_probe_alloc(struct net_device *dev,
				       unsigned int len)
{
	unsigned int room = LL_MAX_HEADER + READ_ONCE(dev->needed_headroom);
	struct sk_buff *skb;

	skb = alloc_skb(room + len + READ_ONCE(dev->needed_tailroom),
			GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, room);
	skb_reset_network_header(skb);
	skb->dev = dev;
	skb->ip_summed = CHECKSUM_NONE;
	return skb;
}

static struct sk_buff *s2s_probe_build4(struct s2s_tunnel *t, __be32 daddr,
					u16 seq)
{
	unsigned int len = sizeof(struct iphdr) + sizeof(struct icmphdr) +
			   S2S_PROBE_DATA;
	struct icmphdr *icmph;
	struct sk_buff *skb;
	struct iphdr *iph;
	__be32 saddr;

	saddr = inet_select_addr(t->dev, daddr, RT_SCOPE_UNIVERSE);
	if (!saddr)
		return NULL;
	skb = s2s_probe_alloc(t->dev, len);
	if (!skb)
		return NULL;
	iph = skb_put_zero(skb, len);
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tot_len = htons(len);
	iph->frag_off = htons(IP_DF);
	iph->ttl = 64;
	iph->protocol = IPPROTO_ICMP;
	iph->saddr = saddr;
	iph->daddr = daddr;
	ip_send_check(iph);
	skb_set_transport_header(skb, sizeof(*iph));
	icmph = icmp_hdr(skb);
	icmph->type = ICMP_ECHO;
	icmph->un.echo.id = htons(S2S_PROBE_ID);
	icmph->un.echo.sequence = htons(seq);
	icmph->checksum = ip_compute_csum(icmph, len - sizeof(*iph));
	skb->protocol = htons(ETH_P_IP);
	return skb;
}

static struct sk_buff *s2s_probe_build6(struct s2s_tunnel *t,
					const struct in6_addr *daddr, u16 seq)
{
	unsigned int plen = sizeof(struct icmp6hdr) + S2S_PROBE_DATA;
	struct icmp6hdr *icmp6h;
	struct in6_addr saddr;
	struct ipv6hdr *ip6h;
	struct sk_buff *skb;

	if (ipv6_dev_get_saddr(t->net, t->dev, daddr, 0, &saddr))
		return NULL;
	skb = s2s_probe_alloc(t->dev, sizeof(*ip6h) + plen);
	if (!skb)
		return NULL;
	ip6h = skb_put_zero(skb, sizeof(*ip6h) + plen);
	ip6h->version = 6;
	ip6h->payload_len = htons(plen);
	ip6h->nexthdr = IPPROTO_ICMPV6;
	ip6h->hop_limit = 64;
	ip6h->saddr = saddr;
	ip6h->daddr = *daddr;
	skb_set_transport_header(skb, sizeof(*ip6h));
	icmp6h = icmp6_hdr(skb);
	icmp6h->icmp6_type = ICMPV6_ECHO_REQUEST;
	icmp6h->icmp6_identifier = htons(S2S_PROBE_ID);
	icmp6h->icmp6_sequence = htons(seq);
	icmp6h->icmp6_cksum = csum_ipv6_magic(&saddr, daddr, plen,
					      IPPROTO_ICMPV6,
					      csum_partial(icmp6h, plen, 0));
	skb->protocol = htons(ETH_P_IPV6);
	return skb;
}

/* Sends one echo request through the tunnel, past its queue. */
static void s2s_probe_send(struct s2s_tunnel *t,
			   const struct s2s_tunnel_config *cfg)
{
	struct sk_buff *skb;

	if (cfg->probe_family == AF_INET)
		skb = s2s_probe_build4(t, cfg->probe.ip4, ++t->probe_seq);
	else
		skb = s2s_probe_build6(t, &cfg->probe.ip6, ++t->probe_seq);
	if (!skb)
		return;
	local_bh_disable();
	s2s_esp_xmit(skb, t->dev);
	local_bh_enable();
}

static void s2s_probe_work(struct work_struct *work)
{
	struct s2s_tunnel *t = container_of(to_delayed_work(work),
					    struct s2s_tunnel, probe_work);
	const struct s2s_tunnel_config *cfg;
	unsigned long interval;
	bool dead;

	if (!rtnl_trylock()) {
		queue_delayed_work(system_wq, &t->probe_work, 1);
		return;
	}
	cfg = &rtnl_dereference(t->params)->cfg;
	if (!cfg->probe_family) {
		rtnl_unlock();
		return;
	}
	interval = msecs_to_jiffies(cfg->probe_interval) ?: 1;
	dead = time_after(jiffies, READ_ONCE(t->last_rx) +
				   interval * cfg->probe_misses);
	if (dead != t->peer_dead) {
		t->peer_dead = dead;
		s2s_tunnel_update_carrier(t);
	}
	if (netif_running(t->dev))
		s2s_probe_send(t, cfg);
	rtnl_unlock();
	queue_delayed_work(system_wq, &t->probe_work, interval);
}

/**
 * s2s_probe_init() - set up a tunnel's probing state
 * @t: the tunnel, from ndo_init
 */
void s2s_probe_init(struct s2s_tunnel *t)
{
	INIT_DELAYED_WORK(&t->probe_work, s2s_probe_work);
}

/**
 * s2s_probe_update() - start, restart or stop probing after a change
 * @t: a registered tunnel
 *
 * The peer gets a full probe-misses period to answer before it counts as
 * dead.  Called under RTNL.
 */
void s2s_probe_update(struct s2s_tunnel *t)
{
	ASSERT_RTNL();
	t->peer_dead = false;
	if (rtnl_dereference(t->params)->cfg.probe_family) {
		WRITE_ONCE(t->last_rx, jiffies);
		mod_delayed_work(system_wq, &t->probe_work, 0);
	} else {
		/* a run already started sees no probe address and stops */
		cancel_delayed_work(&t->probe_work);
	}
	s2s_tunnel_update_carrier(t);
}

/**
 * s2s_probe_stop() - stop probing for good
 * @t: the tunnel, from ndo_uninit (RTNL held)
 *
 * Waits for a running probe; the work only tries RTNL, so this cannot
 * deadlock.
 */
void s2s_probe_stop(struct s2s_tunnel *t)
{
	cancel_delayed_work_sync(&t->probe_work);
}
