// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of batch files (batch.c).
 */
#include <stdio.h>
#include <string.h>

#include "../batch.h"
#include "tap.h"

static int split(const char *line, char **words, char *buf, size_t len)
{
	snprintf(buf, len, "%s", line);
	return s2s_split_line(buf, words, 8);
}

static void test_split(void)
{
	char buf[256], *w[8];
	int n;

	n = split("tunnel add vpn0  local\t192.0.2.1\n", w, buf, sizeof(buf));
	tap_ok(n == 5 && !strcmp(w[0], "tunnel") && !strcmp(w[3], "local") &&
	       !strcmp(w[4], "192.0.2.1"), "blanks and tabs separate words");
	n = split("aead 'rfc4106(gcm(aes))' 0x01 128", w, buf, sizeof(buf));
	tap_ok(n == 4 && !strcmp(w[1], "rfc4106(gcm(aes))"), "single quotes");
	n = split("auth \"hmac(sha256)\" x", w, buf, sizeof(buf));
	tap_ok(n == 3 && !strcmp(w[1], "hmac(sha256)"), "double quotes");
	n = split("a\"b c\"d 'e f'", w, buf, sizeof(buf));
	tap_ok(n == 2 && !strcmp(w[0], "ab cd") && !strcmp(w[1], "e f"),
	       "quotes inside a word");
	n = split("say \"a \\\"b\\\"\" 'c\\d'", w, buf, sizeof(buf));
	tap_ok(n == 3 && !strcmp(w[1], "a \"b\"") && !strcmp(w[2], "c\\d"),
	       "backslash escapes, literal inside single quotes");
	n = split("'' x", w, buf, sizeof(buf));
	tap_ok(n == 2 && !w[0][0], "an empty quoted word");
	n = split("# a comment", w, buf, sizeof(buf));
	tap_ok(n == 0, "comment line");
	n = split("   \t\r\n", w, buf, sizeof(buf));
	tap_ok(n == 0, "blank line");
	n = split("tunnel show # all of them", w, buf, sizeof(buf));
	tap_ok(n == 2, "trailing comment");
	n = split("segment add a#b mark 1", w, buf, sizeof(buf));
	tap_ok(n == 5 && !strcmp(w[2], "a#b"), "# inside a word is literal");
	n = split("x '#' y", w, buf, sizeof(buf));
	tap_ok(n == 3 && !strcmp(w[1], "#"), "quoted #");
	n = split("tunnel show\r\n", w, buf, sizeof(buf));
	tap_ok(n == 2 && !strcmp(w[1], "show"), "CRLF line ending");
	tap_ok(split("a 'b c", w, buf, sizeof(buf)) == -1, "unterminated quote");
	tap_ok(split("1 2 3 4 5 6 7 8 9", w, buf, sizeof(buf)) == -1,
	       "too many words");
	tap_ok(split("1 2 3 4 5 6 7 8", w, buf, sizeof(buf)) == 8,
	       "as many words as allowed");
}

static int parse_text(const char *text, struct s2s_batch *b,
		      unsigned int *lineno, char *err, size_t len)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	if (!f)
		return -2;
	ret = s2s_batch_parse(f, b, lineno, err, len);
	fclose(f);
	return ret;
}

static void test_files(void)
{
	static const char good[] =
		"# two sites\n"
		"tunnel add vpn0 local 192.0.2.1 remote 198.51.100.2\n"
		"\n"
		"sa add vpn0 dir out spi 0x1000 aead 'rfc4106(gcm(aes))' "
		"0x4a506a794f574265564551694d6537681a2b1a2b 128\n"
		"   # indented comment\n"
		"\n"
		"sa add vpn0 dir in spi 0x2000 aead \"rfc4106(gcm(aes))\" "
		"0x4a506a794f574265564551694d6537681a2b1a2b 128 # inbound\n"
		"tunnel show vpn0";	/* no final newline */
	static const char bad_line3[] =
		"tunnel add vpn0 local 192.0.2.1 remote 198.51.100.2\n"
		"# fine so far\n"
		"sa add vpn0 dir out spi 0xzz aead 'rfc4106(gcm(aes))' 0x00 128\n"
		"tunnel del vpn0\n";
	struct s2s_batch b;
	unsigned int lineno;
	char err[256];
	int ret;

	ret = parse_text(good, &b, &lineno, err, sizeof(err));
	tap_ok(!ret && b.n == 4, "batch: four commands among comments and blanks");
	if (!ret && b.n == 4) {
		tap_ok(b.cmds[0].lineno == 2 && b.cmds[1].lineno == 4 &&
		       b.cmds[2].lineno == 7 && b.cmds[3].lineno == 8,
		       "batch: line numbers kept");
		tap_ok(b.cmds[0].req.op == S2S_OP_TUNNEL_ADD &&
		       b.cmds[1].req.op == S2S_OP_SA_ADD &&
		       b.cmds[2].req.sa.spi == 0x2000 &&
		       b.cmds[3].req.op == S2S_OP_TUNNEL_SHOW,
		       "batch: requests parsed");
	}
	s2s_batch_free(&b);

	ret = parse_text(bad_line3, &b, &lineno, err, sizeof(err));
	tap_ok(ret && lineno == 3 && strstr(err, "invalid SPI \"0xzz\"") && !b.n &&
	       !b.cmds, "batch: an error names its line and nothing is kept");

	ret = parse_text("tunnel show\nmonitor\n", &b, &lineno, err, sizeof(err));
	tap_ok(ret && lineno == 2 && strstr(err, "\"monitor\" cannot be used"),
	       "batch: monitor refused");
	ret = parse_text("help\n", &b, &lineno, err, sizeof(err));
	tap_ok(ret && lineno == 1, "batch: help refused");
	ret = parse_text("tunnel show 'vpn0\n", &b, &lineno, err, sizeof(err));
	tap_ok(ret && lineno == 1 && strstr(err, "unterminated quote"),
	       "batch: unterminated quote");
	ret = parse_text("# nothing\n\n", &b, &lineno, err, sizeof(err));
	tap_ok(!ret && !b.n, "batch: only comments");
	s2s_batch_free(&b);
}

void test_batch(void)
{
	test_split();
	test_files();
}
