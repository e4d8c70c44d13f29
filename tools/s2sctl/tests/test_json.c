// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the JSON writer (json.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../json.h"
#include "tap.h"

static char *buf;
static size_t len;
static FILE *f;
static struct s2s_json j;

static void start(void)
{
	f = open_memstream(&buf, &len);
	s2s_json_init(&j, f);
}

static void expect(const char *want, const char *what)
{
	fclose(f);
	if (!tap_ok(!strcmp(buf, want), "json: %s", what))
		tap_diag("got %s, want %s", buf, want);
	free(buf);
}

static void string_is(const char *in, const char *want, const char *what)
{
	start();
	s2s_json_string(&j, in);
	expect(want, what);
}

void test_json(void)
{
	start();
	s2s_json_object_begin(&j);
	s2s_json_kv_u64(&j, "a", 1);
	s2s_json_key(&j, "b");
	s2s_json_array_begin(&j);
	s2s_json_bool(&j, true);
	s2s_json_bool(&j, false);
	s2s_json_null(&j);
	s2s_json_array_end(&j);
	s2s_json_key(&j, "c");
	s2s_json_object_begin(&j);
	s2s_json_kv_string(&j, "d", "x");
	s2s_json_kv_string(&j, "e", NULL);
	s2s_json_object_end(&j);
	s2s_json_kv_u64(&j, "max", UINT64_MAX);
	s2s_json_object_end(&j);
	expect("{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"x\",\"e\":null},"
	       "\"max\":18446744073709551615}", "nesting and commas");

	start();
	s2s_json_array_begin(&j);
	s2s_json_array_end(&j);
	expect("[]", "empty array");

	start();
	s2s_json_array_begin(&j);
	s2s_json_object_begin(&j);
	s2s_json_object_end(&j);
	s2s_json_object_begin(&j);
	s2s_json_object_end(&j);
	s2s_json_array_end(&j);
	expect("[{},{}]", "array of empty objects");

	string_is("a\"b\\c", "\"a\\\"b\\\\c\"", "quote and backslash escaped");
	string_is("l1\nl2\tx\r", "\"l1\\nl2\\tx\\r\"", "newline, tab, CR");
	string_is("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"", "control characters");
	string_is("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92",
		  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92\"", "valid UTF-8 kept");
	string_is("a\xff" "b", "\"a\\ufffdb\"", "invalid byte replaced");
	string_is("\xc0\xaf", "\"\\ufffd\\ufffd\"", "overlong encoding replaced");
	string_is("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"", "surrogate replaced");
	string_is("\xe2\x82", "\"\\ufffd\\ufffd\"", "truncated sequence replaced");
	string_is("", "\"\"", "empty string");
}
