/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Generic netlink family "s2svpn": configuration and events.
 */
#ifndef _S2S_NETLINK_H
#define _S2S_NETLINK_H

#include <linux/netlink.h>
#include <linux/types.h>

/* NL_SET_ERR_MSG_ATTR() with the module's name in front of the message. */
#define S2S_NL_ERR_ATTR(extack, attr, msg) \
	NL_SET_ERR_MSG_ATTR(extack, attr, KBUILD_MODNAME ": " msg)

struct s2s_sa;
struct s2s_tunnel;

int s2s_netlink_init(void);
void s2s_netlink_exit(void);

void s2s_nl_notify_sa_expire(struct s2s_sa *sa, u8 kind, u8 limit);
void s2s_nl_notify_seq_wrap(struct s2s_sa *sa);
void s2s_nl_notify_tunnel_state(struct s2s_tunnel *t);

#endif /* _S2S_NETLINK_H */
