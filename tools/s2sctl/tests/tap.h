/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Minimal TAP producer for the host unit tests: "ok N - what" lines, the
 * plan at the end, and the closing "N passed, N failed" line.
 */
#ifndef S2SCTL_TAP_H
#define S2SCTL_TAP_H

#include <stdbool.h>

/* Records one test point; returns @ok. */
bool tap_ok(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A "# ..." diagnostic line. */
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the plan and the summary; returns the exit status. */
int tap_finish(void);

/* The suites */
void test_parse(void);
void test_batch(void);
void test_json(void);
void test_netlink(void);
void test_replay(void);
void test_selector_rules(void);
void test_metrics(void);

#endif /* S2SCTL_TAP_H */
