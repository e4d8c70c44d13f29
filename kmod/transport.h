/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The outer transport of ESP packets: the underlay route, the outer IPv4 or
 * IPv6 header, sending, and the receive hooks in the kernel's ESP handler
 * chain.  With UDP encapsulation (NAT-T) it puts a UDP header between the
 * outer IP header and ESP; encap.c receives from the socket.
 */
#ifndef _S2S_TRANSPORT_H
#define _S2S_TRANSPORT_H

#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include "tunnel.h"

/* the longest outer header without UDP encapsulation */
#define S2S_OUTER_MAX sizeof(struct ipv6hdr)

/**
 * struct s2s_outer - how one ESP packet travels the underlay
 * @dst: outbound: the route to the remote gateway, referenced
 * @saddr: outbound: outer source address
 * @daddr: outbound: outer destination address
 * @family: outer address family
 * @tos: outbound: outer TOS/traffic class; inbound: outer DS field
 * @df: outbound IPv4: outer DF bit
 * @frag: outbound: the outer packet may be fragmented (RFC 2473)
 * @sport: UDP encapsulation (RFC 3948): source port, network order;
 *	0 = ESP directly over IP
 * @dport: UDP encapsulation: destination port, network order
 */
struct s2s_outer {
	struct dst_entry *dst;
	union s2s_addr saddr;
	union s2s_addr daddr;
	u16 family;
	u8 tos;
	__be16 df;
	bool frag;
	__be16 sport;
	__be16 dport;
};

struct dst_entry *s2s_transport_route(struct s2s_tunnel *t,
				      const struct s2s_tunnel_params *p,
				      union s2s_addr *saddr);
unsigned int s2s_transport_hlen(const struct s2s_tunnel_config *cfg);
int s2s_transport_send(struct net *net, struct s2s_outer *o,
		       struct sk_buff *skb);

#endif /* _S2S_TRANSPORT_H */
