/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * RFC 4303 ESP in tunnel mode over the kernel crypto API: what the rest of
 * the module uses.  s2s_esp_init() and s2s_esp_exit() join and leave the
 * kernel's ESP receive chains (input.c); s2s_esp_xmit() is the tunnel
 * device's ndo_start_xmit and s2s_output_skb() encrypts a packet with a
 * given SA and sends it (output.c).
 */
#ifndef _S2S_ESP_H
#define _S2S_ESP_H

#include <linux/netdevice.h>
#include "../uapi/linux/s2svpn.h"

struct s2s_sa;
struct s2s_selector;
struct s2s_tunnel;

int s2s_esp_init(void);
void s2s_esp_exit(void);
netdev_tx_t s2s_esp_xmit(struct sk_buff *skb, struct net_device *dev);
void s2s_output_skb(struct s2s_tunnel *t, struct s2s_sa *sa,
		    struct sk_buff *skb);
void s2s_output_protect(struct s2s_tunnel *t, struct s2s_selector *sel,
			struct sk_buff *skb);
void s2s_output_sel_drop(struct s2s_tunnel *t, struct s2s_sa *sa,
			 struct s2s_selector *sel, struct sk_buff *skb,
			 enum s2s_drop_reason reason);

#endif /* _S2S_ESP_H */
