// SPDX-License-Identifier: GPL-2.0-only
/*
 * UDP encapsulation of ESP (RFC 3948) for NAT traversal, standalone: no IKE
 * daemon, so s2svpn opens and owns the UDP sockets itself.
 *
 * Sockets: one kernel UDP socket per (namespace, family, local port), made
 * with the UDP tunnel API and shared by the tunnels that use that port;
 * the last tunnel to let go closes it (udp_tunnel_sock_release() waits for
 * receivers to leave).  A port some other socket holds is refused.
 *
 * Receive: the socket's encap_rcv sees every datagram to the port.  One
 * 0xff byte is a NAT keepalive and four zero bytes the non-ESP marker of
 * IKE; with no IKE daemon on s2svpn's socket both are consumed and counted
 * on the tunnel of that address pair (nat_keepalive, non_esp).  Anything
 * else of at least an ESP header is ESP: the UDP header is pulled and the
 * packet takes the same path as ESP over IP (input.c).
 *
 * Keepalives: a tunnel with an interval sends one 0xff byte from its
 * source port to the peer's port every interval while it is up, so that
 * the NAT keeps the mapping even without traffic.
 *
 * A changed NAT mapping is learnt by nat.c from what input.c authenticated.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include <linux/udp.h>
#include <net/esp.h>
#include <net/udp_tunnel.h>
#include "tunnel.h"
#include "encap.h"
#include "input.h"
#include "netns.h"
#include "transport.h"

#define S2S_NAT_KEEPALIVE_BYTE 0xff

static struct workqueue_struct *s2s_encap_wq;

/* A tunnel that encapsulates in UDP with local port *arg (RCU). */
static bool s2s_encap_port_match(const struct s2s_tunnel *t, const void *arg)
{
	const struct s2s_tunnel_config *cfg = &rcu_dereference(t->params)->cfg;

	return cfg->encap == S2S_ENCAP_UDP &&
	       htons(cfg->sport) == *(const __be16 *)arg;
}

/* Consumes a datagram that carries no ESP, counted on its tunnel. */
static void s2s_encap_drop(struct sock *sk, struct sk_buff *skb, u16 family,
			   __be16 port, enum s2s_drop_reason reason)
{
	union s2s_addr saddr = {}, daddr = {};
	struct s2s_tunnel *t;

	if (family == AF_INET) {
		saddr.ip4 = ip_hdr(skb)->saddr;
		daddr.ip4 = ip_hdr(skb)->daddr;
	} else {
		saddr.ip6 = ipv6_hdr(skb)->saddr;
		daddr.ip6 = ipv6_hdr(skb)->daddr;
	}
	t = s2s_tunnel_lookup_outer(sock_net(sk), family, &saddr, &daddr,
				    s2s_encap_port_match, &port);
	if (t)
		s2s_stats_drop(&t->stats, reason);
	if (reason == S2S_DROP_NAT_KEEPALIVE)
		consume_skb(skb);
	else
		kfree_skb(skb);
}

/*
 * encap_rcv of s2svpn's sockets: the UDP checksum is verified, skb->data
 * is at the UDP header.  Always consumes the datagram (returns 0).
 */
static int s2s_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	u16 family = sk->sk_family;
	const struct udphdr *uh = udp_hdr(skb);
	unsigned int len = skb->len - sizeof(*uh);
	__be16 sport = uh->source, dport = uh->dest;
	enum s2s_drop_reason reason;
	u8 buf[sizeof(u32)];
	const u8 *p;
	int err;

	if (len == 1) {
		p = skb_header_pointer(skb, sizeof(*uh), 1, buf);
		reason = p && *p == S2S_NAT_KEEPALIVE_BYTE ?
			 S2S_DROP_NAT_KEEPALIVE : S2S_DROP_MALFORMED;
		goto drop;
	}
	p = skb_header_pointer(skb, sizeof(*uh), sizeof(buf), buf);
	if (!p) {
		reason = S2S_DROP_MALFORMED;
		goto drop;
	}
	if (!get_unaligned((const u32 *)p)) {
		reason = S2S_DROP_NON_ESP;
		goto drop;
	}
	if (len < sizeof(struct ip_esp_hdr)) {
		reason = S2S_DROP_MALFORMED;
		goto drop;
	}

	__skb_pull(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	err = s2s_input_esp(skb, family, sport, dport);
	if (!err)
		return 0;
	if (err != -ENOENT) {
		/* counted by input.c (outer_mismatch) */
		kfree_skb(skb);
		return 0;
	}
	reason = S2S_DROP_NO_SA;
drop:
	s2s_encap_drop(sk, skb, family, dport, reason);
	return 0;
}

/**
 * s2s_encap_sock_get() - the UDP encapsulation socket of a port
 * @net: the namespace
 * @family: AF_INET or AF_INET6
 * @port: the local UDP port, host order
 * @extack: receives the reason of a refusal
 *
 * Shares the socket the namespace has for @family and @port, or opens one
 * bound to the wildcard address.  Called under RTNL, may sleep.
 *
 * Return: the socket, with one more user, or an ERR_PTR.
 */
struct s2s_encap_sock *s2s_encap_sock_get(struct net *net, u16 family,
					  u16 port,
					  struct netlink_ext_ack *extack)
{
	struct s2s_net *sn = s2s_net(net);
	struct udp_tunnel_sock_cfg tcfg = {
		.encap_type = UDP_ENCAP_ESPINUDP,
		.encap_rcv = s2s_encap_rcv,
	};
	struct udp_port_cfg ucfg = {
		.family = family,
		.local_udp_port = htons(port),
	};
	struct s2s_encap_sock *es;
	int err;

	ASSERT_RTNL();
	list_for_each_entry(es, &sn->encap_socks, node) {
		if (es->family == family && es->port == port) {
			es->users++;
			return es;
		}
	}
	es = kzalloc(sizeof(*es), GFP_KERNEL);
	if (!es)
		return ERR_PTR(-ENOMEM);
	if (family == AF_INET6) {
		/* the IPv4 socket of the same port is another one */
		ucfg.ipv6_v6only = 1;
		/* RFC 3948 over IPv6: a zero checksum is not allowed */
		ucfg.use_udp6_rx_checksums = 1;
		ucfg.use_udp6_tx_checksums = 1;
	}
	err = udp_sock_create(net, &ucfg, &es->sock);
	if (err) {
		kfree(es);
		if (err == -EADDRINUSE)
			NL_SET_ERR_MSG_MOD(extack,
					   "the UDP encapsulation port (sport) is in use by another socket in this namespace");
		else
			NL_SET_ERR_MSG_MOD(extack,
					   "cannot open the UDP encapsulation socket");
		return ERR_PTR(err);
	}
	tcfg.sk_user_data = es;
	setup_udp_tunnel_sock(net, es->sock, &tcfg);
	es->family = family;
	es->port = port;
	es->users = 1;
	list_add(&es->node, &sn->encap_socks);
	return es;
}

/**
 * s2s_encap_sock_put() - let go of a UDP encapsulation socket
 * @es: the socket, or NULL
 *
 * The last user closes it, after the receivers in flight have left.
 * Called under RTNL, may sleep.
 */
void s2s_encap_sock_put(struct s2s_encap_sock *es)
{
	ASSERT_RTNL();
	if (!es || --es->users)
		return;
	list_del(&es->node);
	udp_tunnel_sock_release(es->sock);
	kfree(es);
}

/* One 0xff byte from the tunnel's UDP port to the peer's; BHs off, RCU. */
static void s2s_encap_send_keepalive(struct s2s_tunnel *t,
				     const struct s2s_tunnel_params *p)
{
	struct s2s_outer o = {
		.family = p->cfg.family,
		.daddr = p->peer,
		.sport = htons(p->cfg.sport),
		.dport = p->peer_port,
		.df = htons(IP_DF),
	};
	struct sk_buff *skb;
	unsigned int hroom;

	o.dst = s2s_transport_route(t, p, &o.saddr);
	if (IS_ERR(o.dst))
		return;
	if (o.dst->dev == t->dev)
		goto out;
	hroom = LL_RESERVED_SPACE(o.dst->dev) + s2s_transport_hlen(&p->cfg);
	skb = alloc_skb(hroom + 1, GFP_ATOMIC);
	if (!skb)
		goto out;
	skb_reserve(skb, hroom);
	skb_put_u8(skb, S2S_NAT_KEEPALIVE_BYTE);
	s2s_transport_send(t->net, &o, skb);	/* takes the route */
	return;
out:
	dst_release(o.dst);
}

static void s2s_encap_keepalive_work(struct work_struct *work)
{
	struct s2s_tunnel *t = container_of(to_delayed_work(work),
					    struct s2s_tunnel, keepalive_work);
	const struct s2s_tunnel_params *p;
	unsigned int interval = 0;

	rcu_read_lock_bh();
	p = rcu_dereference_bh(t->params);
	if (p->cfg.encap == S2S_ENCAP_UDP && p->cfg.keepalive &&
	    netif_running(t->dev)) {
		interval = p->cfg.keepalive;
		s2s_encap_send_keepalive(t, p);
	}
	rcu_read_unlock_bh();
	if (interval)
		queue_delayed_work(s2s_encap_wq, &t->keepalive_work,
				   interval * HZ);
}

/**
 * s2s_encap_tunnel_init() - a new tunnel's keepalive work
 * @t: the tunnel
 */
void s2s_encap_tunnel_init(struct s2s_tunnel *t)
{
	INIT_DELAYED_WORK(&t->keepalive_work, s2s_encap_keepalive_work);
}

/**
 * s2s_encap_tunnel_kick() - send a keepalive now and rearm the interval
 * @t: the tunnel, registered; its configuration or state changed
 *
 * The work decides from the configuration whether it sends and rearms.
 */
void s2s_encap_tunnel_kick(struct s2s_tunnel *t)
{
	mod_delayed_work(s2s_encap_wq, &t->keepalive_work, 0);
}

/**
 * s2s_encap_tunnel_stop() - stop a tunnel's keepalives for good
 * @t: the tunnel, being unregistered
 */
void s2s_encap_tunnel_stop(struct s2s_tunnel *t)
{
	cancel_delayed_work_sync(&t->keepalive_work);
}

/**
 * s2s_encap_init() - module-wide setup
 *
 * Return: 0 or -ENOMEM.
 */
int s2s_encap_init(void)
{
	s2s_encap_wq = alloc_workqueue("s2svpn_encap", 0, 0);
	return s2s_encap_wq ? 0 : -ENOMEM;
}

/**
 * s2s_encap_exit() - module-wide teardown, once every tunnel is gone
 */
void s2s_encap_exit(void)
{
	destroy_workqueue(s2s_encap_wq);
}
