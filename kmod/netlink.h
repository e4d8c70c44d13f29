/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Generic netlink family "s2svpn": configuration commands.
 */
#ifndef _S2S_NETLINK_H
#define _S2S_NETLINK_H

int s2s_netlink_init(void);
void s2s_netlink_exit(void);

#endif /* _S2S_NETLINK_H */
