/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Output: aligned text for people, or one JSON document for scripts
 * (README lists the JSON schema).
 */
#ifndef S2SCTL_SHOW_H
#define S2SCTL_SHOW_H

#include <stdbool.h>
#include <stdio.h>

#include "s2s.h"
#include "vec.h"

/*
 * Tunnels with their SAs and selectors (matched by ifindex, else by name).
 * @sas and @selectors may be NULL.
 */
void s2s_show_tunnels(FILE *f, bool json, const struct s2s_vec *tunnels,
		      const struct s2s_vec *sas, const struct s2s_vec *selectors);
void s2s_show_sas(FILE *f, bool json, const struct s2s_vec *sas);
void s2s_show_segments(FILE *f, bool json, const struct s2s_vec *segments,
		       const char *name);
void s2s_show_selectors(FILE *f, bool json, const struct s2s_vec *selectors);

/* One line per event. */
void s2s_show_event(FILE *f, bool json, const struct s2s_event *ev);

/* @module is NULL when the module is not loaded. */
void s2s_show_version(FILE *f, bool json, const char *tool, const char *module);

/* The ID the kernel gave a new selector. */
void s2s_show_selector_id(FILE *f, bool json, uint32_t id);

#endif /* S2SCTL_SHOW_H */
