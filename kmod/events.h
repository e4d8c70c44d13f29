/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Events on the generic netlink multicast group "events".  The core hands
 * over plain values; this file builds the messages and knows nothing of
 * tunnels or SAs.
 */
#ifndef _S2S_EVENTS_H
#define _S2S_EVENTS_H

#include <linux/types.h>
#include <net/genetlink.h>

struct net_device;

enum {
	S2S_EVENTS_MCGRP,
	S2S_EVENTS_N_MCGRPS,
};

extern const struct genl_multicast_group s2s_events_mcgrps[S2S_EVENTS_N_MCGRPS];

/**
 * struct s2s_sa_id - what names an SA in a message
 * @dev: the owning tunnel's device
 * @dir: enum s2s_dir
 * @spi: SPI, host order
 * @seq: outbound: the last sequence number used; inbound: the highest
 *	authenticated one
 * @state: enum s2s_sa_state
 */
struct s2s_sa_id {
	const struct net_device *dev;
	u8 dir;
	u32 spi;
	u64 seq;
	u8 state;
};

void s2s_events_attach(const struct genl_family *family);
void s2s_events_detach(void);

int s2s_nl_put_dev(struct sk_buff *msg, int ifindex_type, int ifname_type,
		   const struct net_device *dev);
int s2s_nl_put_sa_id(struct sk_buff *msg, const struct s2s_sa_id *id);

void s2s_event_sa_expire(const struct s2s_sa_id *id, u8 kind, u8 limit);
void s2s_event_seq_wrap(const struct s2s_sa_id *id);
void s2s_event_sa_rekey(const struct s2s_sa_id *id, u32 replaced_spi);
void s2s_event_tunnel_state(const struct net_device *dev, u8 peer);
void s2s_event_nat_mapping(const struct net_device *dev, u16 family,
			   const void *addr, u16 port);

#endif /* _S2S_EVENTS_H */
