// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the module's anti-replay arithmetic, kmod/replay_core.h,
 * compiled on the host (RFC 4303 section 3.4.3 and Appendix A).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "tap.h"

typedef uint32_t u32;
typedef uint64_t u64;

#include "../../../kmod/replay_core.h"

#define TWO32 (1ULL << 32)

static struct s2s_replay_state *window_new(u32 window)
{
	struct s2s_replay_state *r = calloc(1, sizeof(*r));

	r->window = window;
	r->nwords = s2s_replay_words(window);
	r->bitmap = calloc(r->nwords, sizeof(u64));
	return r;
}

static void window_free(struct s2s_replay_state *r)
{
	free(r->bitmap);
	free(r);
}

/* What the data path does: the cheap check, then the update. */
static bool receive(struct s2s_replay_state *r, u64 seq)
{
	return s2s_replay_check(r, seq) && s2s_replay_update(r, seq);
}

static void test_words(void)
{
	bool ok = true;

	for (u32 w = S2S_REPLAY_MIN; w <= S2S_REPLAY_MAX; w++) {
		u32 n = s2s_replay_words(w);

		/* a power of two, with a spare word beyond the window */
		if ((n & (n - 1)) || (u64)(n - 1) * S2S_REPLAY_WORD_BITS < w)
			ok = false;
	}
	tap_ok(ok, "replay: bitmap sizes for windows 32..4096");
	tap_ok(s2s_replay_words(32) == 2 && s2s_replay_words(1024) == 32 &&
	       s2s_replay_words(4096) == 128, "replay: sizes of 32, 1024, 4096");
}

static void test_in_order(void)
{
	struct s2s_replay_state *r = window_new(1024);
	bool ok = true;

	for (u64 seq = 1; seq <= 10000; seq++)
		ok &= receive(r, seq);
	tap_ok(ok && r->top == 10000, "replay: 10000 packets in order accepted");
	tap_ok(!receive(r, 10000) && !receive(r, 9999) && !receive(r, 9000),
	       "replay: duplicates refused");
	tap_ok(!s2s_replay_check(r, 0), "replay: sequence number 0 refused");
	window_free(r);
}

static void test_out_of_order(void)
{
	struct s2s_replay_state *r = window_new(64);

	tap_ok(receive(r, 100), "replay: first packet 100");
	tap_ok(receive(r, 50) && receive(r, 99) && receive(r, 37),
	       "replay: older packets within the window accepted once");
	tap_ok(!receive(r, 50) && !receive(r, 37), "replay: ... and only once");
	tap_ok(r->top == 100, "replay: old packets do not move the top");
	/* window 64 at top 100: 37..100 inside, 36 and below too old */
	tap_ok(!receive(r, 36) && !s2s_replay_check(r, 1), "replay: too old refused");
	tap_ok(receive(r, 38), "replay: lowest edge of the window");
	tap_ok(receive(r, 101) && !receive(r, 37), "replay: window slides by one");
	window_free(r);
}

static void test_edges(void)
{
	struct s2s_replay_state *r = window_new(32);

	receive(r, 100);
	/* top - seq < window: 69 is the last one inside */
	tap_ok(s2s_replay_check(r, 69) && !s2s_replay_check(r, 68),
	       "replay: window 32 edge at top - 31");
	window_free(r);

	r = window_new(4096);
	receive(r, 5000);
	tap_ok(s2s_replay_check(r, 905) && !s2s_replay_check(r, 904),
	       "replay: window 4096 edge at top - 4095");
	tap_ok(receive(r, 905) && !receive(r, 905), "replay: edge packet recorded");
	window_free(r);
}

static void test_jumps(void)
{
	struct s2s_replay_state *r = window_new(64);
	u32 ring = r->nwords * S2S_REPLAY_WORD_BITS;
	bool ok = true;

	for (u64 seq = 1; seq <= 200; seq++)
		receive(r, seq);
	/* exactly one ring ahead: stale bits of 137..200 must be gone */
	tap_ok(receive(r, 200 + ring), "replay: jump by the ring size");
	for (u64 seq = 200 + ring - 63; seq < 200 + ring; seq++)
		ok &= s2s_replay_check(r, seq);
	tap_ok(ok, "replay: nothing inside the new window looks seen");

	tap_ok(receive(r, 1000000) && r->top == 1000000, "replay: large jump");
	ok = true;
	for (u64 seq = 1000000 - 63; seq < 1000000; seq++)
		ok &= s2s_replay_check(r, seq);
	tap_ok(ok && !s2s_replay_check(r, 1000000 - 64),
	       "replay: window after a large jump");
	for (u64 seq = 1000000 - 63; seq < 1000000; seq += 2)
		receive(r, seq);
	ok = true;
	for (u64 seq = 1000000 - 63; seq < 1000000; seq++)
		ok &= s2s_replay_check(r, seq) == ((1000000 - seq) % 2 == 0);
	tap_ok(ok, "replay: alternate packets in the window tracked exactly");
	window_free(r);
}

static void test_window_off(void)
{
	struct s2s_replay_state *r = window_new(0);

	tap_ok(receive(r, 5) && receive(r, 5) && receive(r, 1) && receive(r, 0),
	       "replay: window 0 accepts everything, replays included");
	tap_ok(r->top == 5, "replay: window 0 still tracks the top (for ESN)");
	window_free(r);
}

static void test_esn(void)
{
	struct s2s_replay_state *r = window_new(1024);

	/* case A2.2 with Tl >= W - 1: the window lies in one subspace */
	tap_ok(receive(r, TWO32 - 10), "esn: top just below 2^32");
	tap_ok(s2s_replay_infer(r, 0xfffffff0, true) == 0xfffffff0,
	       "esn: below the top, same subspace");
	tap_ok(s2s_replay_infer(r, 0xfffffffe, true) == 0xfffffffe,
	       "esn: above the top, same subspace");
	tap_ok(s2s_replay_infer(r, 5, true) == TWO32 + 5,
	       "esn: wrapped low bits mean the next subspace");
	tap_ok(s2s_replay_infer(r, 5, false) == 5, "no esn: the low bits as they are");
	tap_ok(receive(r, s2s_replay_infer(r, 5, true)) && r->top == TWO32 + 5,
	       "esn: packet across 2^32 accepted, top moves");

	/* case A2.2 with Tl < W - 1: the window spans the boundary */
	tap_ok(s2s_replay_infer(r, 0xfffffff0, true) == 0xfffffff0,
	       "esn: in the window below 2^32, previous subspace");
	tap_ok(receive(r, s2s_replay_infer(r, 0xfffffff0, true)),
	       "esn: that packet accepted once");
	tap_ok(!receive(r, s2s_replay_infer(r, 0xfffffff0, true)),
	       "esn: and refused as a replay");
	tap_ok(!receive(r, s2s_replay_infer(r, 0xfffffff6, true)),
	       "esn: the old top is a replay");
	tap_ok(s2s_replay_infer(r, 3, true) == TWO32 + 3, "esn: just below the top");
	tap_ok(s2s_replay_infer(r, 0xfffff000, true) == TWO32 + 0xfffff000,
	       "esn: below the window bottom means ahead in this subspace");

	r->top = 3 * TWO32 + 2000;
	tap_ok(s2s_replay_infer(r, 1000, true) == 3 * TWO32 + 1000 &&
	       s2s_replay_infer(r, 976, true) == 4 * TWO32 + 976 &&
	       s2s_replay_infer(r, 977, true) == 3 * TWO32 + 977,
	       "esn: window bottom of a high subspace");

	/* at the start of the SA there is no subspace below 0 */
	r->top = 5;
	tap_ok(s2s_replay_infer(r, 0xfffffff0, true) == 0xfffffff0,
	       "esn: no underflow below the first subspace");
	window_free(r);

	r = window_new(0);
	r->top = TWO32 - 10;
	tap_ok(s2s_replay_infer(r, 5, true) == TWO32 + 5,
	       "esn: inference works with the window off");
	window_free(r);
}

void test_replay(void)
{
	test_words();
	test_in_order();
	test_out_of_order();
	test_edges();
	test_jumps();
	test_window_off();
	test_esn();
}
