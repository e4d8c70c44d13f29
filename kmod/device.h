/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The s2svpn net_device: a point-to-point, NOARP, VTI-style tunnel interface
 * (the tunnel object itself: tunnel.h).
 */
#ifndef _S2S_DEVICE_H
#define _S2S_DEVICE_H

#include "tunnel.h"

int s2s_device_init(void);
void s2s_device_exit(void);

int s2s_tunnel_create(struct net *net, const char *name,
		      const struct s2s_tunnel_config *cfg,
		      struct netlink_ext_ack *extack);
int s2s_tunnel_change(struct s2s_tunnel *t,
		      const struct s2s_tunnel_config *cfg,
		      struct netlink_ext_ack *extack);
void s2s_tunnel_delete(struct s2s_tunnel *t);
void s2s_tunnel_get_config(const struct s2s_tunnel *t,
			   struct s2s_tunnel_config *cfg);
int s2s_tunnel_parse_addrs(struct s2s_tunnel_config *cfg,
			   const struct nlattr *local,
			   const struct nlattr *remote,
			   struct netlink_ext_ack *extack);
#endif /* _S2S_DEVICE_H */
