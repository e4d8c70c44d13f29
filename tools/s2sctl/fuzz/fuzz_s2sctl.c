// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for s2sctl's parsers: the command line
 * (s2s_parse_command), batch files (s2s_batch_parse, with its word
 * splitter) and the primitive parsers (numbers, addresses, prefixes, keys,
 * port ranges, marks).  Built with ASan and UBSan by fuzz/Makefile.
 *
 * The first input byte picks the parser; the rest is its input.  For the
 * command line, NUL bytes and newlines separate the words, so that a corpus
 * entry reads as one command per line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "parse.h"

#define MAX_WORDS 128

static void fuzz_command(const char *buf, size_t len)
{
	char *copy = malloc(len + 1);
	char *argv[MAX_WORDS + 1];
	struct s2s_request req;
	char err[256];
	int argc = 0;
	size_t i, start = 0;

	if (!copy)
		return;
	memcpy(copy, buf, len);
	copy[len] = '\0';
	for (i = 0; i <= len && argc < MAX_WORDS; i++) {
		if (i == len || copy[i] == '\0' || copy[i] == '\n') {
			copy[i] = '\0';
			argv[argc++] = copy + start;
			start = i + 1;
		}
	}
	argv[argc] = NULL;
	memset(&req, 0, sizeof(req));
	if (s2s_parse_command(argc, argv, &req, err, sizeof(err)) < 0 &&
	    !memchr(err, '\0', sizeof(err)))
		abort();	/* the message must be a string */
	free(copy);
}

static void fuzz_batch(const char *buf, size_t len)
{
	struct s2s_batch batch = { 0 };
	unsigned int lineno = 0;
	char err[256];
	FILE *f;

	f = fmemopen((void *)buf, len ? len : 1, "r");
	if (!f)
		return;
	if (s2s_batch_parse(f, &batch, &lineno, err, sizeof(err)) == 0)
		s2s_batch_free(&batch);
	else if (batch.n)
		abort();	/* a failed batch must be empty */
	fclose(f);
}

static void fuzz_split(const char *buf, size_t len)
{
	char *line = malloc(len + 1);
	char *words[S2S_BATCH_MAX_WORDS];
	int n, i;

	if (!line)
		return;
	memcpy(line, buf, len);
	line[len] = '\0';
	n = s2s_split_line(line, words, S2S_BATCH_MAX_WORDS);
	if (n > S2S_BATCH_MAX_WORDS)
		abort();
	for (i = 0; i < n; i++)	/* every word lies within the line */
		if (words[i] < line || words[i] > line + len ||
		    strlen(words[i]) > len)
			abort();
	free(line);
}

static void fuzz_primitives(unsigned int which, const char *buf, size_t len)
{
	char *s = strndup(buf, len);
	struct s2s_addr addr;
	struct s2s_key key;
	uint64_t v;
	uint32_t mark, mask;
	uint16_t lo, hi;

	if (!s)
		return;
	switch (which % 6) {
	case 0:
		if (!s2s_parse_uint(s, UINT32_MAX, &v) && v > UINT32_MAX)
			abort();
		break;
	case 1:
		s2s_parse_addr(s, &addr);
		break;
	case 2:
		s2s_parse_prefix(s, &addr);
		break;
	case 3:
		if (!s2s_parse_key(s, &key) && key.len > S2S_KEY_MAX)
			abort();
		break;
	case 4:
		if (!s2s_parse_port_range(s, &lo, &hi) && lo > hi)
			abort();
		break;
	case 5:
		s2s_parse_mark(s, &mark, &mask);
		break;
	}
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data + 1;

	if (size < 1)
		return 0;
	size--;
	switch (data[0] % 4) {
	case 0:
		fuzz_command(buf, size);
		break;
	case 1:
		fuzz_batch(buf, size);
		break;
	case 2:
		fuzz_split(buf, size);
		break;
	case 3:
		fuzz_primitives(data[0] / 4, buf, size);
		break;
	}
	return 0;
}
