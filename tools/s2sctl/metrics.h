/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * "s2sctl" alone and "s2sctl show": the one-screen overview of every
 * tunnel, and its Prometheus form ("s2sctl -o prometheus show").
 */
#ifndef S2SCTL_METRICS_H
#define S2SCTL_METRICS_H

#include <stdio.h>

#include "commands.h"
#include "s2s.h"
#include "vec.h"

/* Everything the namespace holds, at one moment. */
struct s2s_snapshot {
	struct s2s_vec tunnels;		/* struct s2s_tunnel */
	struct s2s_vec sas;		/* struct s2s_sa */
	struct s2s_vec segments;	/* struct s2s_segment */
	struct s2s_vec selectors;	/* struct s2s_selector */
};

void s2s_snapshot_init(struct s2s_snapshot *snap);
void s2s_snapshot_free(struct s2s_snapshot *snap);

/* 0 or a negative errno (the kernel's message in nl->extack). */
int s2s_snapshot_get(struct s2s_nl *nl, struct s2s_snapshot *snap);

/*
 * The Prometheus text exposition format (0.0.4): every counter and drop
 * reason of @snap, each metric family once with its HELP and TYPE.
 */
void s2s_print_prometheus(FILE *f, const struct s2s_snapshot *snap);

/*
 * One line per tunnel: state, mode, addresses, SPIs, the rates between
 * @before and @now (@seconds apart; no rates when @before is NULL) and the
 * drops, with the reasons that happened on a line below.
 */
void s2s_print_overview(FILE *f, const struct s2s_snapshot *now,
			const struct s2s_snapshot *before, double seconds);

enum s2s_output { S2S_OUTPUT_TEXT, S2S_OUTPUT_JSON, S2S_OUTPUT_PROMETHEUS };

/* "s2sctl show": 0 or a negative errno. */
int s2s_run_show(struct s2s_ctx *ctx, enum s2s_output output);

#endif /* S2SCTL_METRICS_H */
