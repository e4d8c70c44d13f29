/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Batch files: one command a line, as on the command line without
 * "s2sctl".  The whole file is parsed before anything runs.
 */
#ifndef S2SCTL_BATCH_H
#define S2SCTL_BATCH_H

#include <stdio.h>

#include "parse.h"

#define S2S_BATCH_MAX_WORDS 64

struct s2s_batch_cmd {
	unsigned int lineno;
	struct s2s_request req;
};

struct s2s_batch {
	struct s2s_batch_cmd *cmds;
	size_t n;
	size_t cap;	/* entries allocated in @cmds */
};

/*
 * Splits @line in place into at most @max words: blanks separate words,
 * '...' and "..." quote, a backslash escapes the next character outside
 * single quotes, and a word starting with an unquoted # starts a comment.
 * Returns the number of words, or -1 for an unterminated quote or too
 * many words.
 */
int s2s_split_line(char *line, char **words, int max);

/*
 * Parses all of @f into @batch.  Returns 0, or -1 with @lineno and a
 * message in @err; @batch is then empty.
 */
int s2s_batch_parse(FILE *f, struct s2s_batch *batch, unsigned int *lineno,
		    char *err, size_t errlen);

/* Frees @batch, wiping the keys it holds. */
void s2s_batch_free(struct s2s_batch *batch);

#endif /* S2SCTL_BATCH_H */
