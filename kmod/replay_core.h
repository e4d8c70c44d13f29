/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Anti-replay window arithmetic (RFC 4303 section 3.4.3 and Appendix A,
 * bitmap ring in the style of RFC 6479).  Pure functions over plain
 * integers, so the same code runs in the module and in host unit tests;
 * the includer provides u32, u64 and bool.  Callers serialise updates.
 */
#ifndef _S2S_REPLAY_CORE_H
#define _S2S_REPLAY_CORE_H

#include "../uapi/linux/s2svpn.h"

#define S2S_REPLAY_WORD_BITS 64
#define S2S_REPLAY_MIN S2S_REPLAY_WINDOW_MIN
#define S2S_REPLAY_MAX S2S_REPLAY_WINDOW_MAX
#define S2S_REPLAY_DEFAULT S2S_REPLAY_WINDOW_DEFAULT

/**
 * struct s2s_replay_state - the window
 * @top: highest authenticated sequence number (0: none yet)
 * @window: window size in packets, 0 = replay protection off
 * @nwords: words in @bitmap, a power of two with
 *	(nwords - 1) * 64 >= window, so the ring always has a spare word
 * @bitmap: ring of bits; bit (seq % (nwords * 64)) is seq's
 */
struct s2s_replay_state {
	u64 top;
	u32 window;
	u32 nwords;
	u64 *bitmap;
};

/* Number of bitmap words needed for a window of @window packets. */
static inline u32 s2s_replay_words(u32 window)
{
	u32 need = window / S2S_REPLAY_WORD_BITS + 2;
	u32 n = 1;

	while (n < need)
		n <<= 1;
	return n;
}

/*
 * Reconstructs the full 64-bit sequence number from its low 32 bits as
 * RFC 4303 Appendix A2.2 describes.  Without ESN the high half is 0.
 */
static inline u64 s2s_replay_infer(const struct s2s_replay_state *r,
				   u32 seq_lo, bool esn)
{
	u32 tl = (u32)r->top, th = (u32)(r->top >> 32);
	u32 w = r->window ? r->window : S2S_REPLAY_DEFAULT;
	u32 bottom = tl - w + 1;

	if (!esn)
		return seq_lo;
	if (tl >= w - 1) {
		/* window lies within one 2^32 subspace */
		if (seq_lo < bottom)
			th++;
	} else {
		/* window spans the boundary with the previous subspace */
		if (seq_lo >= bottom && th)
			th--;
	}
	return ((u64)th << 32) | seq_lo;
}

/* True when @seq may be new: the cheap test done before decryption. */
static inline bool s2s_replay_check(const struct s2s_replay_state *r, u64 seq)
{
	u64 bit;

	if (!r->window)
		return true;
	if (seq == 0)
		return false;
	if (seq > r->top)
		return true;
	if (r->top - seq >= r->window)
		return false;
	bit = seq % ((u64)r->nwords * S2S_REPLAY_WORD_BITS);
	return !(r->bitmap[bit / S2S_REPLAY_WORD_BITS] &
		 (1ULL << (bit % S2S_REPLAY_WORD_BITS)));
}

/*
 * Checks @seq again and records it; done after authentication.  Returns
 * false when @seq is a replay or too old.
 */
static inline bool s2s_replay_update(struct s2s_replay_state *r, u64 seq)
{
	u64 ring = (u64)r->nwords * S2S_REPLAY_WORD_BITS, bit;

	if (!r->window) {
		if (seq > r->top)
			r->top = seq;
		return true;
	}
	if (!s2s_replay_check(r, seq))
		return false;
	if (seq > r->top) {
		u64 idx = r->top / S2S_REPLAY_WORD_BITS;
		u64 new_idx = seq / S2S_REPLAY_WORD_BITS;
		u64 steps = new_idx - idx;

		if (steps > r->nwords)
			steps = r->nwords;
		while (steps--) {
			idx++;
			r->bitmap[idx % r->nwords] = 0;
		}
		r->top = seq;
	}
	bit = seq % ring;
	r->bitmap[bit / S2S_REPLAY_WORD_BITS] |= 1ULL << (bit % S2S_REPLAY_WORD_BITS);
	return true;
}

#endif /* _S2S_REPLAY_CORE_H */
