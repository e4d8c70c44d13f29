/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Registration of the per network namespace state (pernet.c).
 */
#ifndef _S2S_PERNET_H
#define _S2S_PERNET_H

int s2s_netns_init(void);
void s2s_netns_exit(void);

#endif /* _S2S_PERNET_H */
