/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * NAT mapping learning from authenticated ESP-in-UDP packets (nat.c).
 */
#ifndef _S2S_NAT_H
#define _S2S_NAT_H

#include <linux/types.h>

struct s2s_tunnel;
union s2s_addr;

int s2s_nat_init(void);
void s2s_nat_exit(void);
void s2s_nat_tunnel_init(struct s2s_tunnel *t);
void s2s_nat_learn(struct s2s_tunnel *t, u16 family,
		   const union s2s_addr *saddr, __be16 sport, __be32 spi);

#endif /* _S2S_NAT_H */
