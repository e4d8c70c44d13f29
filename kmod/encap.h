/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * UDP encapsulation of ESP (RFC 3948, NAT traversal): the kernel UDP
 * sockets s2svpn owns, what arrives on them, and NAT keepalives.
 */
#ifndef _S2S_ENCAP_H
#define _S2S_ENCAP_H

#include <linux/list.h>
#include <linux/netlink.h>
#include <linux/workqueue.h>
#include "tunnel.h"

/**
 * struct s2s_encap_sock - one UDP encapsulation socket
 * @node: entry in s2s_net.encap_socks (RTNL)
 * @sock: the kernel socket, bound to the wildcard address and @port
 * @family: AF_INET or AF_INET6 (an IPv6 socket is v6only)
 * @port: local UDP port, host order
 * @users: tunnels using it (RTNL)
 *
 * Shared by every tunnel of a namespace with the same family and local
 * port; the last tunnel to let go closes it.
 */
struct s2s_encap_sock {
	struct list_head node;
	struct socket *sock;
	u16 family;
	u16 port;
	unsigned int users;
};

int s2s_encap_init(void);
void s2s_encap_exit(void);
struct s2s_encap_sock *s2s_encap_sock_get(struct net *net, u16 family,
					  u16 port,
					  struct netlink_ext_ack *extack);
void s2s_encap_sock_put(struct s2s_encap_sock *es);
void s2s_encap_tunnel_init(struct s2s_tunnel *t);
void s2s_encap_tunnel_kick(struct s2s_tunnel *t);
void s2s_encap_tunnel_stop(struct s2s_tunnel *t);

#endif /* _S2S_ENCAP_H */
