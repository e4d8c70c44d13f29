/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The words s2sctl reads and prints for uapi enum values.  One table per
 * enum serves the parser, the human output and the JSON output alike.
 */
#ifndef S2SCTL_NAMES_H
#define S2SCTL_NAMES_H

#include <stdbool.h>

struct s2s_name {
	unsigned int value;
	const char *name;
};

/* Tables end with { 0, NULL }. */
extern const struct s2s_name s2s_mode_names[];
extern const struct s2s_name s2s_dir_names[];
extern const struct s2s_name s2s_encap_names[];
extern const struct s2s_name s2s_oper_state_names[];
extern const struct s2s_name s2s_peer_state_names[];
extern const struct s2s_name s2s_sa_state_names[];
extern const struct s2s_name s2s_action_names[];
extern const struct s2s_name s2s_expire_kind_names[];
extern const struct s2s_name s2s_expire_limit_names[];
extern const struct s2s_name s2s_proto_names[];

/* The name of @value in @table, or NULL. */
const char *s2s_name_of(const struct s2s_name *table, unsigned int value);

/* The value named @name in @table; false when @name is not in it. */
bool s2s_value_of(const struct s2s_name *table, const char *name,
		  unsigned int *value);

/* snake_case name of an enum s2s_drop_reason, or NULL when unknown. */
const char *s2s_drop_name(unsigned int reason);

/* Command-line keyword ("soft-bytes") and JSON key ("soft_bytes"). */
extern const char *const s2s_lifetime_keywords[];
extern const char *const s2s_lifetime_keys[];

#endif /* S2SCTL_NAMES_H */
