// SPDX-License-Identifier: GPL-2.0-only
/*
 * Streaming JSON writer.
 */
#include <inttypes.h>

#include "json.h"

void s2s_json_init(struct s2s_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->need_comma[0] = false;
	j->after_key = false;
}

/* Separates a value from the previous one unless a key just went out. */
static void value_prefix(struct s2s_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
}

static void open_container(struct s2s_json *j, char c)
{
	value_prefix(j);
	fputc(c, j->f);
	if (j->depth < S2S_JSON_MAX_DEPTH - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_container(struct s2s_json *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
}

void s2s_json_object_begin(struct s2s_json *j)
{
	open_container(j, '{');
}

void s2s_json_object_end(struct s2s_json *j)
{
	close_container(j, '}');
}

void s2s_json_array_begin(struct s2s_json *j)
{
	open_container(j, '[');
}

void s2s_json_array_end(struct s2s_json *j)
{
	close_container(j, ']');
}

/* Length of the valid UTF-8 sequence at @s, or 0 (RFC 3629 table 3-7). */
static int utf8_sequence(const unsigned char *s)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	int n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (int i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

static void write_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		unsigned char c = *s;
		int n;

		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
		} else if (c == '\n') {
			fputs("\\n", f);
		} else if (c == '\t') {
			fputs("\\t", f);
		} else if (c == '\r') {
			fputs("\\r", f);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
		} else if (c < 0x80) {
			fputc(c, f);
		} else if ((n = utf8_sequence(s))) {
			fwrite(s, 1, n, f);
			s += n;
			continue;
		} else {
			fputs("\\ufffd", f);
		}
		s++;
	}
	fputc('"', f);
}

void s2s_json_key(struct s2s_json *j, const char *key)
{
	value_prefix(j);
	write_string(j->f, key);
	fputc(':', j->f);
	j->after_key = true;
}

void s2s_json_string(struct s2s_json *j, const char *s)
{
	value_prefix(j);
	write_string(j->f, s);
}

void s2s_json_u64(struct s2s_json *j, uint64_t v)
{
	value_prefix(j);
	fprintf(j->f, "%" PRIu64, v);
}

void s2s_json_bool(struct s2s_json *j, bool v)
{
	value_prefix(j);
	fputs(v ? "true" : "false", j->f);
}

void s2s_json_null(struct s2s_json *j)
{
	value_prefix(j);
	fputs("null", j->f);
}

void s2s_json_kv_string(struct s2s_json *j, const char *key, const char *s)
{
	s2s_json_key(j, key);
	if (s)
		s2s_json_string(j, s);
	else
		s2s_json_null(j);
}

void s2s_json_kv_u64(struct s2s_json *j, const char *key, uint64_t v)
{
	s2s_json_key(j, key);
	s2s_json_u64(j, v);
}

void s2s_json_kv_bool(struct s2s_json *j, const char *key, bool v)
{
	s2s_json_key(j, key);
	s2s_json_bool(j, v);
}
