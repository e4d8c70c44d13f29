/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Liveness probing of a tunnel's peer (probe.c).
 */
#ifndef _S2S_PROBE_H
#define _S2S_PROBE_H

#include <linux/types.h>

struct s2s_tunnel;

void s2s_probe_init(struct s2s_tunnel *t);
void s2s_probe_update(struct s2s_tunnel *t);
void s2s_probe_stop(struct s2s_tunnel *t);

#endif /* _S2S_PROBE_H */
