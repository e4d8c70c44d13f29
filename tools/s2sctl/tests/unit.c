// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of s2sctl (no kernel module needed).
 */
#include <stdio.h>

#include "tap.h"

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	puts("TAP version 13");
	tap_diag("argument parsing");
	test_parse();
	tap_diag("batch files");
	test_batch();
	tap_diag("JSON writer");
	test_json();
	tap_diag("netlink encoding, decoding and output");
	test_netlink();
	tap_diag("anti-replay window (kmod/replay_core.h)");
	test_replay();
	tap_diag("traffic selector rules (kmod/selector_core.h)");
	test_selector_rules();
	tap_diag("overview and Prometheus metrics");
	test_metrics();
	return tap_finish();
}
