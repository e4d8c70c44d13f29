// SPDX-License-Identifier: GPL-2.0-only
/*
 * The anti-replay window of an inbound SA: the arithmetic lives in
 * replay_core.h (shared with the host unit tests), the locking here.
 */
#include <linux/slab.h>
#include "replay.h"

/**
 * s2s_replay_init() - set up a window
 * @r: the window
 * @window: size in packets, 0 (off) or S2S_REPLAY_MIN..S2S_REPLAY_MAX
 * @gfp: allocation flags
 *
 * Return: 0 or -ENOMEM.
 */
int s2s_replay_init(struct s2s_replay *r, u32 window, gfp_t gfp)
{
	spin_lock_init(&r->lock);
	r->st.top = 0;
	r->st.window = window;
	r->st.nwords = s2s_replay_words(window);
	r->st.bitmap = kcalloc(r->st.nwords, sizeof(u64), gfp);
	return r->st.bitmap ? 0 : -ENOMEM;
}

/**
 * s2s_replay_free() - release a window
 * @r: the window
 */
void s2s_replay_free(struct s2s_replay *r)
{
	kfree(r->st.bitmap);
	r->st.bitmap = NULL;
}

/**
 * s2s_replay_seq() - full sequence number of a received packet
 * @r: the window
 * @seq_lo: the 32 bits on the wire
 * @esn: whether the SA uses extended sequence numbers
 *
 * Return: the inferred 64-bit sequence number.
 */
u64 s2s_replay_seq(struct s2s_replay *r, u32 seq_lo, bool esn)
{
	struct s2s_replay_state st = {
		.top = READ_ONCE(r->st.top),
		.window = r->st.window,
	};

	return s2s_replay_infer(&st, seq_lo, esn);
}

/**
 * s2s_replay_precheck() - cheap test before decryption
 * @r: the window
 * @seq: the full sequence number
 *
 * Racy by design: a false positive is caught by s2s_replay_advance().
 *
 * Return: false if @seq is certainly a replay or too old.
 */
bool s2s_replay_precheck(struct s2s_replay *r, u64 seq)
{
	struct s2s_replay_state st = r->st;

	st.top = READ_ONCE(r->st.top);
	return s2s_replay_check(&st, seq);
}

/**
 * s2s_replay_advance() - check again and record, after authentication
 * @r: the window
 * @seq: the full sequence number
 * @newest: set to whether @seq is above every sequence number seen before
 *	(also with replay protection off); may be NULL
 *
 * Return: false if @seq is a replay or too old.
 */
bool s2s_replay_advance(struct s2s_replay *r, u64 seq, bool *newest)
{
	bool ok, above;

	spin_lock_bh(&r->lock);
	above = seq > r->st.top;
	ok = s2s_replay_update(&r->st, seq);
	spin_unlock_bh(&r->lock);
	if (newest)
		*newest = ok && above;
	return ok;
}
