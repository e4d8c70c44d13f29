// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the overview and of the Prometheus metrics (metrics.c) on
 * a snapshot made here: no kernel involved.  When python3 and its
 * prometheus_client are installed, the metrics also go through that
 * parser (text_string_to_metric_families), as node_exporter's would.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/s2svpn.h>

#include "../metrics.h"
#include "tap.h"

#define CAPTURE(out, print) do {					\
	size_t _len;							\
	FILE *f = open_memstream(&(out), &_len);			\
	print;								\
	fclose(f);							\
} while (0)

static unsigned int count(const char *text, const char *what)
{
	unsigned int n = 0;

	for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static void fill(struct s2s_snapshot *snap, uint64_t scale)
{
	struct s2s_tunnel *t = s2s_vec_push(&snap->tunnels);
	struct s2s_sa *sa;
	struct s2s_segment *seg;
	struct s2s_selector *sel;

	strcpy(t->ifname, "vpn0");
	t->ifindex = 7;
	t->local.family = t->remote.family = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", t->local.bytes);
	inet_pton(AF_INET, "198.51.100.2", t->remote.bytes);
	t->mode = S2S_MODE_ROUTE;
	t->oper_state = S2S_STATE_UP;
	t->tx_spi = 0x1000;
	t->link_mtu = 1422;
	t->set = S2S_TUNNEL_HAS_STATE | S2S_TUNNEL_HAS_TX_SPI |
		 S2S_TUNNEL_HAS_LINK_MTU | S2S_TUNNEL_HAS_MODE;
	t->stats.present = true;
	t->stats.rx_packets = 100 * scale;
	t->stats.rx_bytes = 125000 * scale;
	t->stats.tx_packets = 50 * scale;
	t->stats.tx_bytes = 1000 * scale;
	t->stats.drops[S2S_DROP_AUTH] = 3;
	t->stats.drops[S2S_DROP_REPLAY] = 5;
	t->stats.drops[S2S_DROPS_CAP - 1] = 2;	/* newer than the tool */

	sa = s2s_vec_push(&snap->sas);
	strcpy(sa->ifname, "vpn0");
	sa->ifindex = 7;
	sa->dir = S2S_DIR_IN;
	sa->spi = 0x2000;
	sa->seq = 42;
	sa->age = 61;
	sa->set = S2S_SA_HAS_SEQ | S2S_SA_HAS_AGE;
	sa->stats.present = true;
	sa->stats.rx_packets = 9;
	sa = s2s_vec_push(&snap->sas);
	strcpy(sa->ifname, "vpn0");
	sa->ifindex = 7;
	sa->dir = S2S_DIR_IN;
	sa->spi = 0x2001;

	seg = s2s_vec_push(&snap->segments);
	strcpy(seg->name, "a\"b\\c");
	seg->stats.present = true;
	seg->stats.tx_packets = 4;

	sel = s2s_vec_push(&snap->selectors);
	strcpy(sel->ifname, "vpn0");
	sel->id = 3;
	sel->dir = S2S_DIR_OUT;
	sel->matches = 11;
	sel->set = S2S_SEL_HAS_MATCHES;
}

static void parse_with_python(const char *text)
{
	char path[] = "/tmp/s2s-metrics-XXXXXX", cmd[512], line[128] = "";
	FILE *f, *p;
	int fd;

	if (system("/usr/bin/python3 -c 'import prometheus_client' 2>/dev/null")) {
		tap_ok(true, "prometheus: python3-prometheus-client not installed # SKIP");
		return;
	}
	fd = mkstemp(path);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "/usr/bin/python3 -c 'import sys\n"
		 "from prometheus_client.parser import text_string_to_metric_families as p\n"
		 "fams = list(p(open(sys.argv[1]).read()))\n"
		 "s = {(x.name, tuple(sorted(x.labels.items()))): x.value for f in fams for x in f.samples}\n"
		 "print(len(fams), s[(\"s2svpn_tunnel_drops_total\", ((\"reason\", \"auth\"), (\"tunnel\", \"vpn0\")))],"
		 " s[(\"s2svpn_segment_tx_packets_total\", ((\"segment\", \"a\\\"b\\\\c\"),))])' %s 2>&1",
		 path);
	p = popen(cmd, "r");
	if (!fgets(line, sizeof(line), p))
		line[0] = '\0';
	pclose(p);
	unlink(path);
	if (!tap_ok(!strcmp(line, "20 3.0 4.0\n"),
		    "prometheus: the real parser reads 20 families, the drops and an escaped label"))
		tap_diag("parser said: %s", line);
}

static void test_prometheus(void)
{
	struct s2s_snapshot snap;
	char *out = NULL;

	s2s_snapshot_init(&snap);
	fill(&snap, 1);
	CAPTURE(out, s2s_print_prometheus(f, &snap));
	tap_ok(count(out, "# TYPE ") == 20 && count(out, "# HELP ") == 20,
	       "prometheus: 20 metric families, each with HELP and TYPE once");
	tap_ok(strstr(out, "\ns2svpn_tunnel_rx_packets_total{tunnel=\"vpn0\"} 100\n") &&
	       strstr(out, "\ns2svpn_tunnel_tx_bytes_total{tunnel=\"vpn0\"} 1000\n"),
	       "prometheus: tunnel counters");
	tap_ok(strstr(out, "\ns2svpn_tunnel_drops_total{tunnel=\"vpn0\",reason=\"auth\"} 3\n") &&
	       strstr(out, "\ns2svpn_tunnel_drops_total{tunnel=\"vpn0\",reason=\"no_sa\"} 0\n") &&
	       strstr(out, "\ns2svpn_tunnel_drops_total{tunnel=\"vpn0\",reason=\"reason_63\"} 2\n"),
	       "prometheus: every known drop reason, zero or not, and a newer one by number");
	tap_ok(count(out, "s2svpn_tunnel_drops_total{") == S2S_DROP_MAX + 1,
	       "prometheus: %u drop samples for the tunnel", S2S_DROP_MAX + 1);
	tap_ok(strstr(out, "\ns2svpn_tunnel_up{tunnel=\"vpn0\"} 1\n") &&
	       strstr(out, "\ns2svpn_tunnel_mtu{tunnel=\"vpn0\"} 1422\n"),
	       "prometheus: tunnel state and MTU gauges");
	tap_ok(strstr(out, "\ns2svpn_sa_rx_packets_total{tunnel=\"vpn0\",dir=\"in\",spi=\"0x00002000\"} 9\n") &&
	       strstr(out, "\ns2svpn_sa_seq{tunnel=\"vpn0\",dir=\"in\",spi=\"0x00002000\"} 42\n") &&
	       strstr(out, "\ns2svpn_sa_age_seconds{tunnel=\"vpn0\",dir=\"in\",spi=\"0x00002000\"} 61\n") &&
	       !strstr(out, "spi=\"0x00002001\"}"),
	       "prometheus: SA counters and gauges, none for what the kernel did not report");
	tap_ok(strstr(out, "\ns2svpn_segment_tx_packets_total{segment=\"a\\\"b\\\\c\"} 4\n") != NULL,
	       "prometheus: a label value with a quote and a backslash is escaped");
	tap_ok(strstr(out, "\ns2svpn_selector_matches_total{tunnel=\"vpn0\",dir=\"out\",id=\"3\"} 11\n") != NULL,
	       "prometheus: selector matches");
	parse_with_python(out);
	free(out);
	s2s_snapshot_free(&snap);
}

static void test_overview(void)
{
	struct s2s_snapshot before, now;
	char *out = NULL;

	s2s_snapshot_init(&before);
	s2s_snapshot_init(&now);
	CAPTURE(out, s2s_print_overview(f, &now, NULL, 0));
	tap_ok(!strcmp(out, "no tunnels\n"), "overview: no tunnels");
	free(out);

	fill(&before, 1);
	fill(&now, 3);
	CAPTURE(out, s2s_print_overview(f, &now, &before, 2.0));
	tap_ok(strstr(out, "TUNNEL") && strstr(out, "DROPS") && count(out, "\n") == 3,
	       "overview: a header, a line per tunnel and its drops line");
	tap_ok(strstr(out, "vpn0   up    route  192.0.2.1 > 198.51.100.2 0x00001000 "
		      "0x00002000,0x00002001") != NULL,
	       "overview: name, state, mode, addresses, out SPI and in SPIs");
	/* (300-100)/2 = 100 pps, (375000-125000)*8/2 = 1.0 Mbit/s ... */
	if (!tap_ok(strstr(out, "     100     1.0M       50     8.0k       10\n") != NULL,
		    "overview: rates between the two snapshots and the drop total"))
		tap_diag("%s", out);
	tap_ok(strstr(out, "drops: auth 3, replay 5, reason_63 2\n") != NULL,
	       "overview: the reasons that happened");
	free(out);
	s2s_snapshot_free(&before);
	s2s_snapshot_free(&now);
}

void test_metrics(void)
{
	test_prometheus();
	test_overview();
}
