/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The anti-replay window of an inbound SA.
 */
#ifndef _S2S_REPLAY_H
#define _S2S_REPLAY_H

#include <linux/spinlock.h>
#include <linux/types.h>
#include "replay_core.h"

/**
 * struct s2s_replay - anti-replay window with its lock
 * @lock: serialises updates; the pre-decryption check reads locklessly
 * @st: the window
 */
struct s2s_replay {
	spinlock_t lock;
	struct s2s_replay_state st;
};

int s2s_replay_init(struct s2s_replay *r, u32 window, gfp_t gfp);
void s2s_replay_free(struct s2s_replay *r);
u64 s2s_replay_seq(struct s2s_replay *r, u32 seq_lo, bool esn);
bool s2s_replay_precheck(struct s2s_replay *r, u64 seq);
bool s2s_replay_advance(struct s2s_replay *r, u64 seq, bool *newest);
void s2s_replay_start(struct s2s_replay *r, u64 top);
void s2s_replay_copy(struct s2s_replay *dst, struct s2s_replay *src);

#endif /* _S2S_REPLAY_H */
