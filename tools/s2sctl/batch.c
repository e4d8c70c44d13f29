// SPDX-License-Identifier: GPL-2.0-only
/*
 * Batch file reading and parsing.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

int s2s_split_line(char *line, char **words, int max)
{
	char *r = line, *w = line;
	int n = 0;

	for (;;) {
		char quote = 0;

		while (is_blank(*r))
			r++;
		if (!*r || *r == '#')
			return n;
		if (n == max)
			return -1;
		words[n++] = w;
		for (; *r && (quote || !is_blank(*r)); r++) {
			if (quote && *r == quote) {
				quote = 0;
			} else if (!quote && (*r == '\'' || *r == '"')) {
				quote = *r;
			} else if (*r == '\\' && quote != '\'' && r[1]) {
				*w++ = *++r;
			} else {
				*w++ = *r;
			}
		}
		if (quote)
			return -1;
		/* w <= r: terminating the word never clobbers unread input */
		if (*r)
			r++;
		*w++ = '\0';
	}
}

static int add_command(struct s2s_batch *batch, unsigned int lineno,
		       const struct s2s_request *req)
{
	struct s2s_batch_cmd *cmds = batch->cmds;

	/* doubling: a file of 10,000 selectors costs no quadratic copying */
	if (batch->n == batch->cap) {
		size_t cap = batch->cap ? 2 * batch->cap : 16;

		cmds = realloc(batch->cmds, cap * sizeof(*cmds));
		if (!cmds)
			return -1;
		batch->cmds = cmds;
		batch->cap = cap;
	}
	cmds[batch->n].lineno = lineno;
	cmds[batch->n].req = *req;
	batch->n++;
	return 0;
}

static int parse_line(char *line, struct s2s_request *req, char *err,
		      size_t errlen)
{
	char *words[S2S_BATCH_MAX_WORDS];
	int n = s2s_split_line(line, words, S2S_BATCH_MAX_WORDS);

	if (n < 0) {
		snprintf(err, errlen, "unterminated quote or more than %d words",
			 S2S_BATCH_MAX_WORDS);
		return -1;
	}
	if (!n)
		return 0;
	if (s2s_parse_command(n, words, req, err, errlen))
		return -1;
	if (req->op == S2S_OP_MONITOR || req->op == S2S_OP_HELP) {
		snprintf(err, errlen, "\"%s\" cannot be used in a batch",
			 words[0]);
		return -1;
	}
	return 1;
}

int s2s_batch_parse(FILE *f, struct s2s_batch *batch, unsigned int *lineno,
		    char *err, size_t errlen)
{
	struct s2s_request req;
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	batch->cmds = NULL;
	batch->n = 0;
	batch->cap = 0;
	*lineno = 0;
	while (getline(&line, &cap, f) >= 0) {
		int r;

		++*lineno;
		r = parse_line(line, &req, err, errlen);
		if (r > 0 && add_command(batch, *lineno, &req)) {
			snprintf(err, errlen, "out of memory");
			r = -1;
		}
		if (r < 0) {
			ret = -1;
			break;
		}
	}
	if (!ret && ferror(f)) {
		snprintf(err, errlen, "read error");
		ret = -1;
	}
	/* the line and the request held keys */
	if (line)
		explicit_bzero(line, cap);
	free(line);
	explicit_bzero(&req, sizeof(req));
	if (ret)
		s2s_batch_free(batch);
	return ret;
}

void s2s_batch_free(struct s2s_batch *batch)
{
	if (batch->cmds)
		explicit_bzero(batch->cmds, batch->cap * sizeof(*batch->cmds));
	free(batch->cmds);
	batch->cmds = NULL;
	batch->n = 0;
	batch->cap = 0;
}
