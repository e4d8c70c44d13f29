// SPDX-License-Identifier: GPL-2.0-only
/*
 * The overview of all tunnels and the Prometheus metrics.  Both are built
 * from one snapshot of the namespace, so that they can be unit-tested on
 * decoded replies without a kernel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <linux/s2svpn.h>

#include "metrics.h"
#include "names.h"
#include "show.h"

void s2s_snapshot_init(struct s2s_snapshot *snap)
{
	*snap = (struct s2s_snapshot) {
		.tunnels = S2S_VEC_INIT(struct s2s_tunnel),
		.sas = S2S_VEC_INIT(struct s2s_sa),
		.segments = S2S_VEC_INIT(struct s2s_segment),
		.selectors = S2S_VEC_INIT(struct s2s_selector),
	};
}

void s2s_snapshot_free(struct s2s_snapshot *snap)
{
	s2s_vec_free(&snap->tunnels);
	s2s_vec_free(&snap->sas);
	s2s_vec_free(&snap->segments);
	s2s_vec_free(&snap->selectors);
}

/* Objects a module without that command does not have. */
static int optional(int err)
{
	return err == -EOPNOTSUPP ? 0 : err;
}

int s2s_snapshot_get(struct s2s_nl *nl, struct s2s_snapshot *snap)
{
	int err = s2s_get_tunnels(nl, NULL, &snap->tunnels);

	if (!err)
		err = optional(s2s_get_sas(nl, NULL, &snap->sas));
	if (!err)
		err = optional(s2s_get_segments(nl, &snap->segments));
	if (!err)
		err = optional(s2s_get_selectors(nl, NULL, &snap->selectors));
	return err;
}

/* Prometheus */

/* A label value: backslash, double quote and newline escaped. */
static void label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void family(FILE *f, const char *name, const char *type,
		   const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

enum counter {
	RX_PACKETS, RX_BYTES, TX_PACKETS, TX_BYTES, COUNTERS,
};

static const struct {
	const char *suffix;
	const char *help;
} counters[COUNTERS] = {
	[RX_PACKETS] = { "rx_packets_total", "packets received and decrypted" },
	[RX_BYTES] = { "rx_bytes_total", "inner bytes received and decrypted" },
	[TX_PACKETS] = { "tx_packets_total", "packets encrypted and sent" },
	[TX_BYTES] = { "tx_bytes_total", "inner bytes encrypted and sent" },
};

static uint64_t counter_of(const struct s2s_stats *st, enum counter c)
{
	switch (c) {
	case RX_PACKETS:
		return st->rx_packets;
	case RX_BYTES:
		return st->rx_bytes;
	case TX_PACKETS:
		return st->tx_packets;
	case TX_BYTES:
	default:
		return st->tx_bytes;
	}
}

/* The labels of one object, without braces: 'tunnel="vpn0",dir="in"'. */
typedef void (*labels_fn)(FILE *f, const void *obj);

static void tunnel_labels(FILE *f, const void *obj)
{
	const struct s2s_tunnel *t = obj;

	fputs("tunnel=\"", f);
	label_value(f, t->ifname);
	fputc('"', f);
}

static void sa_labels(FILE *f, const void *obj)
{
	const struct s2s_sa *sa = obj;
	const char *dir = s2s_name_of(s2s_dir_names, sa->dir);

	fputs("tunnel=\"", f);
	label_value(f, sa->ifname);
	fprintf(f, "\",dir=\"%s\",spi=\"0x%08" PRIx32 "\"", dir ? dir : "?",
		sa->spi);
}

static void segment_labels(FILE *f, const void *obj)
{
	const struct s2s_segment *seg = obj;

	fputs("segment=\"", f);
	label_value(f, seg->name);
	fputc('"', f);
}

/* The counters and drops of every object in @objs, family by family. */
static void stats_families(FILE *f, const char *prefix, const char *what,
			   const struct s2s_vec *objs, size_t stats_offset,
			   labels_fn labels)
{
	char name[96];

	for (int c = 0; c < COUNTERS; c++) {
		snprintf(name, sizeof(name), "s2svpn_%s_%s", prefix,
			 counters[c].suffix);
		fprintf(f, "# HELP %s %s, per %s\n# TYPE %s counter\n", name,
			counters[c].help, what, name);
		for (size_t i = 0; i < objs->n; i++) {
			const void *obj = s2s_vec_at(objs, i);
			const struct s2s_stats *st =
				(const void *)((const char *)obj + stats_offset);

			if (!st->present)
				continue;
			fprintf(f, "%s{", name);
			labels(f, obj);
			fprintf(f, "} %" PRIu64 "\n", counter_of(st, c));
		}
	}
	snprintf(name, sizeof(name), "s2svpn_%s_drops_total", prefix);
	fprintf(f, "# HELP %s packets dropped, per %s and reason\n# TYPE %s counter\n",
		name, what, name);
	for (size_t i = 0; i < objs->n; i++) {
		const void *obj = s2s_vec_at(objs, i);
		const struct s2s_stats *st =
			(const void *)((const char *)obj + stats_offset);

		if (!st->present)
			continue;
		for (unsigned int r = 1; r < S2S_DROPS_CAP; r++) {
			const char *reason = s2s_drop_name(r);

			/* every known reason; a newer one once it happened */
			if (!reason && !st->drops[r])
				continue;
			fprintf(f, "%s{", name);
			labels(f, obj);
			if (reason)
				fprintf(f, ",reason=\"%s\"", reason);
			else
				fprintf(f, ",reason=\"reason_%u\"", r);
			fprintf(f, "} %" PRIu64 "\n", st->drops[r]);
		}
	}
}

/*
 * value_fn: the gauge's value for one object, false when the object does
 * not report it (an older module, or an attribute a dump left out).
 */
typedef bool (*value_fn)(const void *obj, uint64_t *value);

/* gauge_family: one gauge family with a sample for each object that has it */
static void gauge_family(FILE *f, const char *name, const char *help,
			 const struct s2s_vec *objs, value_fn value,
			 labels_fn labels)
{
	family(f, name, "gauge", help);
	for (size_t i = 0; i < objs->n; i++) {
		const void *obj = s2s_vec_at(objs, i);
		uint64_t v;

		if (!value(obj, &v))
			continue;
		fprintf(f, "%s{", name);
		labels(f, obj);
		fprintf(f, "} %" PRIu64 "\n", v);
	}
}

static bool tunnel_up(const void *obj, uint64_t *v)
{
	const struct s2s_tunnel *t = obj;

	*v = t->oper_state == S2S_STATE_UP;
	return t->set & S2S_TUNNEL_HAS_STATE;
}

static bool tunnel_mtu(const void *obj, uint64_t *v)
{
	const struct s2s_tunnel *t = obj;

	*v = t->link_mtu;
	return t->set & S2S_TUNNEL_HAS_LINK_MTU;
}

static bool sa_age(const void *obj, uint64_t *v)
{
	const struct s2s_sa *sa = obj;

	*v = sa->age;
	return sa->set & S2S_SA_HAS_AGE;
}

static bool sa_seq(const void *obj, uint64_t *v)
{
	const struct s2s_sa *sa = obj;

	*v = sa->seq;
	return sa->set & S2S_SA_HAS_SEQ;
}

void s2s_print_prometheus(FILE *f, const struct s2s_snapshot *snap)
{
	const struct s2s_vec *tunnels = &snap->tunnels;

	gauge_family(f, "s2svpn_tunnel_up",
		     "1 when the tunnel is up (it has an outbound SA and its device is up)",
		     tunnels, tunnel_up, tunnel_labels);
	gauge_family(f, "s2svpn_tunnel_mtu", "the tunnel interface's MTU in bytes",
		     tunnels, tunnel_mtu, tunnel_labels);
	stats_families(f, "tunnel", "tunnel", tunnels,
		       offsetof(struct s2s_tunnel, stats), tunnel_labels);

	stats_families(f, "sa", "SA", &snap->sas, offsetof(struct s2s_sa, stats),
		       sa_labels);
	gauge_family(f, "s2svpn_sa_age_seconds", "seconds since the SA was added",
		     &snap->sas, sa_age, sa_labels);
	gauge_family(f, "s2svpn_sa_seq",
		     "the SA's last sequence number, sent (out) or accepted (in)",
		     &snap->sas, sa_seq, sa_labels);

	stats_families(f, "segment", "segment", &snap->segments,
		       offsetof(struct s2s_segment, stats), segment_labels);

	family(f, "s2svpn_selector_matches_total", "counter",
	       "packets a traffic selector decided on");
	for (size_t i = 0; i < snap->selectors.n; i++) {
		const struct s2s_selector *sel = s2s_vec_at(&snap->selectors, i);
		const char *dir = s2s_name_of(s2s_dir_names, sel->dir);

		if (!(sel->set & S2S_SEL_HAS_MATCHES))
			continue;
		fputs("s2svpn_selector_matches_total{tunnel=\"", f);
		label_value(f, sel->ifname);
		fprintf(f, "\",dir=\"%s\",id=\"%" PRIu32 "\"} %" PRIu64 "\n",
			dir ? dir : "?", sel->id, sel->matches);
	}
}

/* The overview */

static uint64_t drops_total(const struct s2s_stats *st)
{
	uint64_t sum = 0;

	for (unsigned int r = 0; r < S2S_DROPS_CAP; r++)
		sum += st->drops[r];
	return sum;
}

/* 1234567 -> "1.2M", in @buf */
static const char *human(double v, char *buf, size_t len)
{
	static const char units[] = " kMGT";
	int u = 0;

	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.*f%c", v < 10 ? 1 : 0, v, units[u]);
	return buf;
}

static const struct s2s_tunnel *find_tunnel(const struct s2s_vec *tunnels,
					    const struct s2s_tunnel *t)
{
	for (size_t i = 0; tunnels && i < tunnels->n; i++) {
		const struct s2s_tunnel *o = s2s_vec_at(tunnels, i);

		if (o->ifindex == t->ifindex && !strcmp(o->ifname, t->ifname))
			return o;
	}
	return NULL;
}

static bool sa_of(const struct s2s_sa *sa, const struct s2s_tunnel *t)
{
	if (sa->ifindex && t->ifindex)
		return sa->ifindex == t->ifindex;
	return !strcmp(sa->ifname, t->ifname);
}

/* "0x00001000,0x00001001" or "-" */
static void inbound_spis(const struct s2s_vec *sas, const struct s2s_tunnel *t,
			 char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sas->n && n + 12 < len; i++) {
		const struct s2s_sa *sa = s2s_vec_at(sas, i);

		if (sa->dir != S2S_DIR_IN || !sa_of(sa, t))
			continue;
		n += snprintf(buf + n, len - n, "%s0x%08" PRIx32, n ? "," : "",
			      sa->spi);
	}
	if (!n)
		snprintf(buf, len, "-");
}

void s2s_print_overview(FILE *f, const struct s2s_snapshot *now,
			const struct s2s_snapshot *before, double seconds)
{
	char local[INET6_ADDRSTRLEN], remote[INET6_ADDRSTRLEN], ends[100];
	char out_spi[12], in_spis[64], r[4][16];
	int name_w = 6, ends_w = 15;

	if (!now->tunnels.n) {
		fputs("no tunnels\n", f);
		return;
	}
	for (size_t i = 0; i < now->tunnels.n; i++) {
		const struct s2s_tunnel *t = s2s_vec_at(&now->tunnels, i);
		int n;

		if ((int)strlen(t->ifname) > name_w)
			name_w = strlen(t->ifname);
		inet_ntop(t->local.family ? t->local.family : AF_INET,
			  t->local.bytes, local, sizeof(local));
		inet_ntop(t->remote.family ? t->remote.family : AF_INET,
			  t->remote.bytes, remote, sizeof(remote));
		n = snprintf(ends, sizeof(ends), "%s > %s", local, remote);
		if (n > ends_w)
			ends_w = n;
	}
	fprintf(f, "%-*s %-5s %-6s %-*s %-10s %-23s %8s %8s %8s %8s %8s\n",
		name_w, "TUNNEL", "STATE", "MODE", ends_w, "LOCAL > REMOTE",
		"OUT SPI", "IN SPI", "RX pps", "RX bps", "TX pps", "TX bps",
		"DROPS");
	for (size_t i = 0; i < now->tunnels.n; i++) {
		const struct s2s_tunnel *t = s2s_vec_at(&now->tunnels, i);
		const struct s2s_tunnel *b = before ?
			find_tunnel(&before->tunnels, t) : NULL;
		const char *state = s2s_name_of(s2s_oper_state_names, t->oper_state);
		const char *mode = s2s_name_of(s2s_mode_names, t->mode);

		inet_ntop(t->local.family ? t->local.family : AF_INET,
			  t->local.bytes, local, sizeof(local));
		inet_ntop(t->remote.family ? t->remote.family : AF_INET,
			  t->remote.bytes, remote, sizeof(remote));
		snprintf(ends, sizeof(ends), "%s > %s", local, remote);
		if (t->set & S2S_TUNNEL_HAS_TX_SPI && t->tx_spi)
			snprintf(out_spi, sizeof(out_spi), "0x%08" PRIx32, t->tx_spi);
		else
			snprintf(out_spi, sizeof(out_spi), "-");
		inbound_spis(&now->sas, t, in_spis, sizeof(in_spis));
		if (b && seconds > 0 && t->stats.present && b->stats.present) {
			const struct s2s_stats *x = &t->stats, *y = &b->stats;

			human((x->rx_packets - y->rx_packets) / seconds, r[0], 16);
			human((x->rx_bytes - y->rx_bytes) * 8 / seconds, r[1], 16);
			human((x->tx_packets - y->tx_packets) / seconds, r[2], 16);
			human((x->tx_bytes - y->tx_bytes) * 8 / seconds, r[3], 16);
		} else {
			for (int k = 0; k < 4; k++)
				snprintf(r[k], 16, "-");
		}
		fprintf(f, "%-*s %-5s %-6s %-*s %-10s %-23s %8s %8s %8s %8s %8" PRIu64 "\n",
			name_w, t->ifname, state ? state : "?", mode ? mode : "?",
			ends_w, ends, out_spi, in_spis, r[0], r[1], r[2], r[3],
			drops_total(&t->stats));
		if (drops_total(&t->stats)) {
			bool first = true;

			fprintf(f, "%*s drops:", name_w, "");
			for (unsigned int k = 1; k < S2S_DROPS_CAP; k++) {
				const char *reason = s2s_drop_name(k);

				if (!t->stats.drops[k])
					continue;
				if (reason)
					fprintf(f, "%s %s %" PRIu64, first ? "" : ",",
						reason, t->stats.drops[k]);
				else
					fprintf(f, "%s reason_%u %" PRIu64,
						first ? "" : ",", k, t->stats.drops[k]);
				first = false;
			}
			fputc('\n', f);
		}
	}
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int s2s_run_show(struct s2s_ctx *ctx, enum s2s_output output)
{
	struct s2s_snapshot before, now;
	double t0, t1;
	int err;

	s2s_snapshot_init(&before);
	s2s_snapshot_init(&now);
	t0 = now_seconds();
	err = s2s_snapshot_get(&ctx->nl, &now);
	if (err)
		goto out;
	switch (output) {
	case S2S_OUTPUT_PROMETHEUS:
		s2s_print_prometheus(ctx->out, &now);
		break;
	case S2S_OUTPUT_JSON:
		s2s_show_tunnels(ctx->out, true, &now.tunnels, &now.sas,
				 &now.selectors);
		break;
	case S2S_OUTPUT_TEXT:
		/* rates: a second snapshot one second later */
		if (now.tunnels.n) {
			struct timespec second = { 1, 0 };

			before = now;
			s2s_snapshot_init(&now);
			nanosleep(&second, NULL);
			t1 = now_seconds();
			err = s2s_snapshot_get(&ctx->nl, &now);
			if (err)
				goto out;
			s2s_print_overview(ctx->out, &now, &before, t1 - t0);
		} else {
			s2s_print_overview(ctx->out, &now, NULL, 0);
		}
		break;
	}
out:
	s2s_snapshot_free(&now);
	s2s_snapshot_free(&before);
	return err;
}
