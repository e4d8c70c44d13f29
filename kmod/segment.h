/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Named segment marks (dev / test / prod ...), per network namespace.
 */
#ifndef _S2S_SEGMENT_H
#define _S2S_SEGMENT_H

#include <linux/list.h>
#include <linux/types.h>
#include "../uapi/linux/s2svpn.h"

struct s2s_net;
struct netlink_ext_ack;

/**
 * struct s2s_segment - a named skb mark/mask
 * @node: entry in s2s_net.segments (RTNL)
 * @name: NUL-terminated name
 * @mark: mark value
 * @mask: mark mask
 */
struct s2s_segment {
	struct list_head node;
	char name[S2S_SEGMENT_NAME_SIZE];
	u32 mark;
	u32 mask;
};

int s2s_segment_add(struct s2s_net *sn, const char *name, u32 mark,
		    u32 mask, struct netlink_ext_ack *extack);
int s2s_segment_del(struct s2s_net *sn, const char *name,
		    struct netlink_ext_ack *extack);
struct s2s_segment *s2s_segment_find(struct s2s_net *sn, const char *name);
void s2s_segment_flush(struct s2s_net *sn);

#endif /* _S2S_SEGMENT_H */
