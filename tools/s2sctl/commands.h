/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running parsed requests against the kernel, one function per command,
 * and what it takes to undo each (for all-or-nothing batches).
 */
#ifndef S2SCTL_COMMANDS_H
#define S2SCTL_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>

#include "netlink.h"
#include "parse.h"

struct s2s_ctx {
	struct s2s_nl nl;
	bool json;
	FILE *out;
	const char *version;	/* the tool's */
};

enum s2s_undo_kind {
	S2S_UNDO_NOTHING,	/* nothing changed (show, version) */
	S2S_UNDO_REQUEST,	/* running @req reverses the command */
	S2S_UNDO_IMPOSSIBLE,	/* e.g. a deleted SA: its keys are gone */
};

struct s2s_undo {
	enum s2s_undo_kind kind;
	struct s2s_request req;
};

/*
 * Runs @req.  With @undo, first records how to reverse it (which may cost
 * a query).  Returns 0 or a negative errno, the kernel's message then
 * being in ctx->nl.extack.
 */
int s2s_run(struct s2s_ctx *ctx, const struct s2s_request *req,
	    struct s2s_undo *undo);

/* Prints "Error: <the kernel's message or strerror>" to stderr. */
void s2s_report_error(const struct s2s_ctx *ctx, int err);

#endif /* S2SCTL_COMMANDS_H */
