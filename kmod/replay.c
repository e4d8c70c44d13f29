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

/* Under @r->lock: every sequence number up to @top counts as seen. */
static void s2s_replay_fill(struct s2s_replay_state *st, u64 top)
{
	u32 i, last;

	st->top = top;
	if (!st->window)
		return;
	for (i = 0; i < st->nwords; i++)
		st->bitmap[i] = ~0ULL;
	/* the word of @top: the numbers above it are not seen yet */
	last = top % S2S_REPLAY_WORD_BITS;
	if (last < S2S_REPLAY_WORD_BITS - 1)
		st->bitmap[(top / S2S_REPLAY_WORD_BITS) % st->nwords] =
			GENMASK_ULL(last, 0);
}

/**
 * s2s_replay_start() - start a window after numbers received elsewhere
 * @r: the window, of an SA not receiving yet
 * @top: the highest sequence number received under the same key
 *
 * Every number up to @top counts as seen: with only the top known, a
 * packet reordered below it is dropped rather than a replay accepted.
 */
void s2s_replay_start(struct s2s_replay *r, u64 top)
{
	spin_lock_bh(&r->lock);
	if (top > r->st.top)
		s2s_replay_fill(&r->st, top);
	spin_unlock_bh(&r->lock);
}

/**
 * s2s_replay_copy() - take over another SA's window for the same key
 * @dst: the window of an SA not receiving yet
 * @src: the window of the SA it replaces, which may still be receiving
 *
 * The bitmap is copied when both windows have the same size; otherwise
 * every number up to @src's top counts as seen.
 */
void s2s_replay_copy(struct s2s_replay *dst, struct s2s_replay *src)
{
	spin_lock_bh(&src->lock);
	spin_lock_nested(&dst->lock, SINGLE_DEPTH_NESTING);
	if (src->st.top > dst->st.top) {
		if (dst->st.window && dst->st.nwords == src->st.nwords &&
		    dst->st.window == src->st.window) {
			memcpy(dst->st.bitmap, src->st.bitmap,
			       dst->st.nwords * sizeof(u64));
			dst->st.top = src->st.top;
		} else {
			s2s_replay_fill(&dst->st, src->st.top);
		}
	}
	spin_unlock(&dst->lock);
	spin_unlock_bh(&src->lock);
}
