/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small streaming JSON writer: compact output, strings escaped, and
 * bytes that are not valid UTF-8 replaced by U+FFFD so that the document
 * always parses (interface names are arbitrary bytes).
 */
#ifndef S2SCTL_JSON_H
#define S2SCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define S2S_JSON_MAX_DEPTH 16

struct s2s_json {
	FILE *f;
	int depth;
	bool need_comma[S2S_JSON_MAX_DEPTH];
	bool after_key;
};

void s2s_json_init(struct s2s_json *j, FILE *f);

void s2s_json_object_begin(struct s2s_json *j);
void s2s_json_object_end(struct s2s_json *j);
void s2s_json_array_begin(struct s2s_json *j);
void s2s_json_array_end(struct s2s_json *j);

/* Inside an object, every value is preceded by its key. */
void s2s_json_key(struct s2s_json *j, const char *key);

void s2s_json_string(struct s2s_json *j, const char *s);
void s2s_json_u64(struct s2s_json *j, uint64_t v);
void s2s_json_bool(struct s2s_json *j, bool v);
void s2s_json_null(struct s2s_json *j);

/* Key and value in one call. */
void s2s_json_kv_string(struct s2s_json *j, const char *key, const char *s);
void s2s_json_kv_u64(struct s2s_json *j, const char *key, uint64_t v);
void s2s_json_kv_bool(struct s2s_json *j, const char *key, bool v);

#endif /* S2SCTL_JSON_H */
