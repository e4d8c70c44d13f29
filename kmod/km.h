/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The in-kernel xfrm key manager: SAs that an IKE daemon installs through
 * XFRM with a tunnel's interface ID become s2svpn SAs of that tunnel.
 */
#ifndef _S2S_KM_H
#define _S2S_KM_H

#include <linux/types.h>

struct net;
struct netlink_ext_ack;
struct sk_buff;
struct s2s_tunnel;
struct s2s_kmp_walk;
union s2s_addr;

int s2s_km_init(void);
void s2s_km_exit(void);

int s2s_km_check_if_id(struct net *net, const struct s2s_tunnel *self,
		       u32 if_id, struct netlink_ext_ack *extack);
void s2s_km_sync(struct net *net);
int s2s_km_claim(struct net *net, struct sk_buff *skb, u16 family,
		 const union s2s_addr *saddr, const union s2s_addr *daddr,
		 __be32 spi);
bool s2s_km_policy_step(struct net *net, struct s2s_kmp_walk **pw);
void s2s_km_policy_end(struct net *net, struct s2s_kmp_walk **pw);
void s2s_km_new_mapping(struct s2s_tunnel *t, __be32 spi,
			const union s2s_addr *addr, __be16 port);

#endif /* _S2S_KM_H */
