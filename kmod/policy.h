/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Policy-based tunnels: the netfilter hook that captures what their
 * outbound selectors protect.
 */
#ifndef _S2S_POLICY_H
#define _S2S_POLICY_H

struct s2s_tunnel;
struct netlink_ext_ack;

int s2s_policy_attach(struct s2s_tunnel *t, struct netlink_ext_ack *extack);
void s2s_policy_detach(struct s2s_tunnel *t);

#endif /* _S2S_POLICY_H */
