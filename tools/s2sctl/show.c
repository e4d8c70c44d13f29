// SPDX-License-Identifier: GPL-2.0-only
/*
 * Human and JSON output of tunnels, SAs, segments, selectors and events.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <linux/s2svpn.h>

#include "json.h"
#include "names.h"
#include "show.h"

/* The name of an enum value, or its number when this tool predates it. */
static const char *enum_name(const struct s2s_name *table, unsigned int value,
			     char *buf, size_t len)
{
	const char *name = s2s_name_of(table, value);

	if (name)
		return name;
	snprintf(buf, len, "%u", value);
	return buf;
}

static const char *addr_str(const struct s2s_addr *a, bool with_plen,
			    char *buf, size_t len)
{
	size_t n;

	if (!inet_ntop(a->family, a->bytes, buf, len))
		return "?";
	n = strlen(buf);
	if (with_plen)
		snprintf(buf + n, len - n, "/%u", a->plen);
	return buf;
}

static bool same_tunnel(uint32_t ifindex_a, const char *name_a,
			uint32_t ifindex_b, const char *name_b)
{
	if (ifindex_a && ifindex_b)
		return ifindex_a == ifindex_b;
	return !strcmp(name_a, name_b);
}

/* Human output */

#define LABEL_WIDTH 11

static void field(FILE *f, int indent, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void field(FILE *f, int indent, const char *label, const char *fmt, ...)
{
	va_list ap;

	fprintf(f, "%*s%-*s", indent, "", LABEL_WIDTH, label);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

static void print_duration(FILE *f, uint64_t s)
{
	if (s >= 86400)
		fprintf(f, "%" PRIu64 "d%02" PRIu64 "h%02" PRIu64 "m%02" PRIu64 "s",
			s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
	else if (s >= 3600)
		fprintf(f, "%" PRIu64 "h%02" PRIu64 "m%02" PRIu64 "s",
			s / 3600, s / 60 % 60, s % 60);
	else if (s >= 60)
		fprintf(f, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
	else
		fprintf(f, "%" PRIu64 "s", s);
}

/* Only the reasons that happened, by name. */
static void print_drops(FILE *f, int indent, const struct s2s_stats *st)
{
	bool any = false;

	for (unsigned int r = 1; r < S2S_DROPS_CAP; r++) {
		const char *name = s2s_drop_name(r);

		if (!st->drops[r])
			continue;
		if (!any)
			fprintf(f, "%*s%-*s", indent, "", LABEL_WIDTH, "drops:");
		if (name)
			fprintf(f, "%s%s %" PRIu64, any ? ", " : "", name,
				st->drops[r]);
		else
			fprintf(f, "%sreason_%u %" PRIu64, any ? ", " : "", r,
				st->drops[r]);
		any = true;
	}
	if (any)
		fputc('\n', f);
}

static void print_stats(FILE *f, int indent, const struct s2s_stats *st)
{
	if (!st->present)
		return;
	field(f, indent, "rx:", "%" PRIu64 " packets, %" PRIu64 " bytes",
	      st->rx_packets, st->rx_bytes);
	field(f, indent, "tx:", "%" PRIu64 " packets, %" PRIu64 " bytes",
	      st->tx_packets, st->tx_bytes);
	print_drops(f, indent, st);
}

static void print_sa(FILE *f, int indent, const struct s2s_sa *sa,
		     bool with_tunnel)
{
	char buf[16];
	bool any = false;

	fprintf(f, "%*ssa %s%s%s spi 0x%08x\n", indent, "",
		with_tunnel ? sa->ifname : "", with_tunnel ? " " : "",
		enum_name(s2s_dir_names, sa->dir, buf, sizeof(buf)), sa->spi);
	indent += 2;
	if (sa->set & S2S_SA_HAS_AEAD)
		field(f, indent, "algorithm:", "aead %s, icv %u bits",
		      sa->aead_alg, sa->icv_bits);
	else
		field(f, indent, "algorithm:", "enc %s, auth %s, truncated to %u bits",
		      sa->enc_alg, sa->auth_alg, sa->trunc_bits);
	if (sa->set & S2S_SA_HAS_STATE) {
		fprintf(f, "%*s%-*s%s", indent, "", LABEL_WIDTH, "state:",
			enum_name(s2s_sa_state_names, sa->state, buf, sizeof(buf)));
		if (sa->set & S2S_SA_HAS_AGE) {
			fputs(", age ", f);
			print_duration(f, sa->age);
		}
		fputc('\n', f);
	}
	if (sa->set & S2S_SA_HAS_SEQ)
		field(f, indent, "seq:", "%" PRIu64 "%s", sa->seq,
		      sa->esn ? " (esn)" : "");
	if (sa->dir == S2S_DIR_IN && (sa->set & S2S_SA_HAS_REPLAY)) {
		if (sa->replay_window)
			field(f, indent, "replay:", "window %u", sa->replay_window);
		else
			field(f, indent, "replay:", "off");
	}
	for (int i = 0; i < S2S_LT_COUNT; i++) {
		if (!sa->lifetime[i])
			continue;
		if (!any)
			fprintf(f, "%*s%-*s", indent, "", LABEL_WIDTH, "lifetime:");
		fprintf(f, "%s%s %" PRIu64, any ? ", " : "",
			s2s_lifetime_keywords[i], sa->lifetime[i]);
		any = true;
	}
	if (any)
		fputc('\n', f);
	print_stats(f, indent, &sa->stats);
}

static void print_ports(FILE *f, const char *kw, uint16_t lo, uint16_t hi)
{
	if (lo == hi)
		fprintf(f, " %s %u", kw, lo);
	else if (lo != 0 || hi != UINT16_MAX)
		fprintf(f, " %s %u-%u", kw, lo, hi);
}

static void print_selector(FILE *f, int indent, const struct s2s_selector *sel,
			   bool with_tunnel)
{
	char a[INET6_ADDRSTRLEN + 8], b[INET6_ADDRSTRLEN + 8], buf[16];
	bool icmp = sel->proto == IPPROTO_ICMP || sel->proto == IPPROTO_ICMPV6;

	fprintf(f, "%*sselector %s%s%u %s\n", indent, "",
		with_tunnel ? sel->ifname : "", with_tunnel ? " id " : "",
		sel->id, enum_name(s2s_dir_names, sel->dir, buf, sizeof(buf)));
	indent += 2;
	fprintf(f, "%*s%-*s%s -> %s", indent, "", LABEL_WIDTH, "match:",
		addr_str(&sel->src, true, a, sizeof(a)),
		addr_str(&sel->dst, true, b, sizeof(b)));
	if (sel->proto)
		fprintf(f, " proto %s",
			enum_name(s2s_proto_names, sel->proto, buf, sizeof(buf)));
	/* RFC 4301: ICMP type and code travel in the port fields */
	if (sel->set & S2S_SEL_HAS_SPORT)
		print_ports(f, icmp ? "type" : "sport", sel->sport_min,
			    sel->sport_max);
	if (sel->set & S2S_SEL_HAS_DPORT)
		print_ports(f, icmp ? "code" : "dport", sel->dport_min,
			    sel->dport_max);
	fputc('\n', f);
	fprintf(f, "%*s%-*s%s", indent, "", LABEL_WIDTH, "action:",
		enum_name(s2s_action_names, sel->action, buf, sizeof(buf)));
	if (sel->segment[0])
		fprintf(f, ", segment %s", sel->segment);
	fprintf(f, ", priority %u", sel->priority);
	/* mirrored from an xfrm policy of the tunnel's if-id */
	if (sel->origin == S2S_SEL_ORIGIN_IKE)
		fprintf(f, ", origin ike");
	fputc('\n', f);
	if (sel->set & S2S_SEL_HAS_MATCHES)
		field(f, indent, "matches:", "%" PRIu64 " packets, %" PRIu64 " bytes",
		      sel->matches, sel->match_bytes);
}

static void print_tunnel(FILE *f, const struct s2s_tunnel *t,
			 const struct s2s_vec *sas,
			 const struct s2s_vec *selectors)
{
	char a[INET6_ADDRSTRLEN], buf[16];

	fprintf(f, "tunnel %s (ifindex %u)\n", t->ifname, t->ifindex);
	if (t->set & S2S_TUNNEL_HAS_STATE)
		field(f, 2, "state:", "%s", enum_name(s2s_oper_state_names,
						      t->oper_state, buf, sizeof(buf)));
	if (t->set & S2S_TUNNEL_HAS_MODE)
		field(f, 2, "mode:", "%s",
		      enum_name(s2s_mode_names, t->mode, buf, sizeof(buf)));
	if (t->set & S2S_TUNNEL_HAS_LOCAL)
		field(f, 2, "local:", "%s", addr_str(&t->local, false, a, sizeof(a)));
	if (t->set & S2S_TUNNEL_HAS_REMOTE)
		field(f, 2, "remote:", "%s", addr_str(&t->remote, false, a, sizeof(a)));
	if (t->set & S2S_TUNNEL_HAS_LINK_MTU)
		field(f, 2, "mtu:", "%u%s", t->link_mtu,
		      t->mtu ? " (configured)" : " (automatic)");
	else if (t->set & S2S_TUNNEL_HAS_MTU)
		field(f, 2, "mtu:", "%u", t->mtu);
	if ((t->set & S2S_TUNNEL_HAS_MARK) && t->mask)
		field(f, 2, "mark:", "0x%x/0x%x", t->mark, t->mask);
	if ((t->set & S2S_TUNNEL_HAS_ENCAP) && t->encap != S2S_ENCAP_NONE)
		field(f, 2, "encap:", "%s sport %u dport %u keepalive %u",
		      enum_name(s2s_encap_names, t->encap, buf, sizeof(buf)),
		      t->sport, t->dport, t->keepalive);
	if (t->set & S2S_TUNNEL_HAS_NAT)
		field(f, 2, "nat peer:", "%s port %u",
		      addr_str(&t->nat_remote, false, a, sizeof(a)),
		      t->nat_dport);
	if (t->if_id)
		field(f, 2, "if-id:", "%u", t->if_id);
	if (t->ike_sel_refused)
		field(f, 2, "ike refused:", "%u xfrm policies not mirrored into selectors",
		      t->ike_sel_refused);
	if (t->probe.family)
		field(f, 2, "probe:", "%s every %u ms, dead after %u misses; peer %s",
		      addr_str(&t->probe, false, a, sizeof(a)), t->probe_interval,
		      t->probe_misses, enum_name(s2s_peer_state_names,
						 t->peer_state, buf, sizeof(buf)));
	if (t->tx_spi)
		field(f, 2, "tx spi:", "0x%08x", t->tx_spi);
	else if (t->set & S2S_TUNNEL_HAS_TX_SPI)
		field(f, 2, "tx spi:", "none");
	print_stats(f, 2, &t->stats);

	for (size_t i = 0; sas && i < sas->n; i++) {
		const struct s2s_sa *sa = s2s_vec_at(sas, i);

		if (same_tunnel(sa->ifindex, sa->ifname, t->ifindex, t->ifname))
			print_sa(f, 2, sa, false);
	}
	for (size_t i = 0; selectors && i < selectors->n; i++) {
		const struct s2s_selector *sel = s2s_vec_at(selectors, i);

		if (same_tunnel(sel->ifindex, sel->ifname, t->ifindex, t->ifname))
			print_selector(f, 2, sel, false);
	}
}

/* JSON output */

static void json_enum(struct s2s_json *j, const char *key,
		      const struct s2s_name *table, unsigned int value)
{
	char buf[16];

	s2s_json_kv_string(j, key, enum_name(table, value, buf, sizeof(buf)));
}

static void json_addr(struct s2s_json *j, const char *key,
		      const struct s2s_addr *a, bool present, bool with_plen)
{
	char buf[INET6_ADDRSTRLEN + 8];

	s2s_json_kv_string(j, key, present ? addr_str(a, with_plen, buf, sizeof(buf)) :
			   NULL);
}

static void json_u64_or_null(struct s2s_json *j, const char *key, bool present,
			     uint64_t v)
{
	s2s_json_key(j, key);
	if (present)
		s2s_json_u64(j, v);
	else
		s2s_json_null(j);
}

/* Every known reason, so scripts can rely on the keys; unknown ones if seen. */
static void json_stats(struct s2s_json *j, const struct s2s_stats *st)
{
	s2s_json_key(j, "stats");
	s2s_json_object_begin(j);
	s2s_json_kv_u64(j, "tx_packets", st->tx_packets);
	s2s_json_kv_u64(j, "tx_bytes", st->tx_bytes);
	s2s_json_kv_u64(j, "rx_packets", st->rx_packets);
	s2s_json_kv_u64(j, "rx_bytes", st->rx_bytes);
	s2s_json_key(j, "drops");
	s2s_json_object_begin(j);
	for (unsigned int r = 1; r < S2S_DROPS_CAP; r++) {
		const char *name = s2s_drop_name(r);
		char key[24];

		if (!name && !st->drops[r])
			continue;
		if (!name) {
			snprintf(key, sizeof(key), "reason_%u", r);
			name = key;
		}
		s2s_json_kv_u64(j, name, st->drops[r]);
	}
	s2s_json_object_end(j);
	s2s_json_object_end(j);
}

static void json_sa(struct s2s_json *j, const struct s2s_sa *sa)
{
	bool aead = sa->set & S2S_SA_HAS_AEAD;

	s2s_json_object_begin(j);
	s2s_json_kv_string(j, "tunnel", sa->ifname);
	s2s_json_kv_u64(j, "ifindex", sa->ifindex);
	json_enum(j, "dir", s2s_dir_names, sa->dir);
	s2s_json_kv_u64(j, "spi", sa->spi);
	s2s_json_kv_string(j, "aead", aead ? sa->aead_alg : NULL);
	json_u64_or_null(j, "icv_bits", aead, sa->icv_bits);
	s2s_json_kv_string(j, "enc", sa->set & S2S_SA_HAS_ENC ? sa->enc_alg : NULL);
	s2s_json_kv_string(j, "auth", sa->set & S2S_SA_HAS_AUTH ? sa->auth_alg : NULL);
	json_u64_or_null(j, "auth_trunc_bits", sa->set & S2S_SA_HAS_AUTH,
			 sa->trunc_bits);
	json_u64_or_null(j, "replay_window", sa->set & S2S_SA_HAS_REPLAY,
			 sa->replay_window);
	s2s_json_kv_bool(j, "esn", sa->esn);
	json_u64_or_null(j, "seq", sa->set & S2S_SA_HAS_SEQ, sa->seq);
	if (sa->set & S2S_SA_HAS_STATE)
		json_enum(j, "state", s2s_sa_state_names, sa->state);
	else
		s2s_json_kv_string(j, "state", NULL);
	json_u64_or_null(j, "age", sa->set & S2S_SA_HAS_AGE, sa->age);
	s2s_json_key(j, "lifetime");
	s2s_json_object_begin(j);
	for (int i = 0; i < S2S_LT_COUNT; i++)
		s2s_json_kv_u64(j, s2s_lifetime_keys[i], sa->lifetime[i]);
	s2s_json_object_end(j);
	json_stats(j, &sa->stats);
	s2s_json_object_end(j);
}

static void json_selector(struct s2s_json *j, const struct s2s_selector *sel)
{
	bool sport = sel->set & S2S_SEL_HAS_SPORT;
	bool dport = sel->set & S2S_SEL_HAS_DPORT;

	s2s_json_object_begin(j);
	s2s_json_kv_string(j, "tunnel", sel->ifname);
	s2s_json_kv_u64(j, "ifindex", sel->ifindex);
	s2s_json_kv_u64(j, "id", sel->id);
	json_enum(j, "dir", s2s_dir_names, sel->dir);
	json_addr(j, "src", &sel->src, sel->set & S2S_SEL_HAS_SRC, true);
	json_addr(j, "dst", &sel->dst, sel->set & S2S_SEL_HAS_DST, true);
	s2s_json_kv_u64(j, "proto", sel->proto);
	s2s_json_kv_u64(j, "sport_min", sport ? sel->sport_min : 0);
	s2s_json_kv_u64(j, "sport_max", sport ? sel->sport_max : UINT16_MAX);
	s2s_json_kv_u64(j, "dport_min", dport ? sel->dport_min : 0);
	s2s_json_kv_u64(j, "dport_max", dport ? sel->dport_max : UINT16_MAX);
	s2s_json_kv_string(j, "segment", sel->segment[0] ? sel->segment : NULL);
	json_enum(j, "action", s2s_action_names, sel->action);
	s2s_json_kv_u64(j, "priority", sel->priority);
	s2s_json_kv_u64(j, "matches", sel->matches);
	s2s_json_kv_u64(j, "match_bytes", sel->match_bytes);
	s2s_json_kv_string(j, "origin",
			   sel->origin == S2S_SEL_ORIGIN_IKE ? "ike" : "user");
	s2s_json_object_end(j);
}

static void json_tunnel(struct s2s_json *j, const struct s2s_tunnel *t,
			const struct s2s_vec *sas,
			const struct s2s_vec *selectors)
{
	s2s_json_object_begin(j);
	s2s_json_kv_string(j, "name", t->ifname);
	s2s_json_kv_u64(j, "ifindex", t->ifindex);
	json_addr(j, "local", &t->local, t->set & S2S_TUNNEL_HAS_LOCAL, false);
	json_addr(j, "remote", &t->remote, t->set & S2S_TUNNEL_HAS_REMOTE, false);
	json_enum(j, "mode", s2s_mode_names, t->mode);
	s2s_json_kv_u64(j, "mark", t->mark);
	s2s_json_kv_u64(j, "mask", t->mask);
	s2s_json_kv_u64(j, "mtu", t->mtu);
	json_u64_or_null(j, "link_mtu", t->set & S2S_TUNNEL_HAS_LINK_MTU,
			 t->link_mtu);
	json_enum(j, "state", s2s_oper_state_names, t->oper_state);
	json_u64_or_null(j, "tx_spi", t->tx_spi, t->tx_spi);
	json_enum(j, "encap", s2s_encap_names, t->encap);
	s2s_json_kv_u64(j, "encap_sport", t->sport);
	s2s_json_kv_u64(j, "encap_dport", t->dport);
	s2s_json_kv_u64(j, "encap_keepalive", t->keepalive);
	json_addr(j, "nat_remote", &t->nat_remote, t->set & S2S_TUNNEL_HAS_NAT,
		  false);
	json_u64_or_null(j, "nat_dport", t->set & S2S_TUNNEL_HAS_NAT,
			 t->nat_dport);
	s2s_json_kv_u64(j, "if_id", t->if_id);
	json_stats(j, &t->stats);

	s2s_json_key(j, "sas");
	s2s_json_array_begin(j);
	for (size_t i = 0; sas && i < sas->n; i++) {
		const struct s2s_sa *sa = s2s_vec_at(sas, i);

		if (same_tunnel(sa->ifindex, sa->ifname, t->ifindex, t->ifname))
			json_sa(j, sa);
	}
	s2s_json_array_end(j);
	s2s_json_key(j, "selectors");
	s2s_json_array_begin(j);
	for (size_t i = 0; selectors && i < selectors->n; i++) {
		const struct s2s_selector *sel = s2s_vec_at(selectors, i);

		if (same_tunnel(sel->ifindex, sel->ifname, t->ifindex, t->ifname))
			json_selector(j, sel);
	}
	s2s_json_array_end(j);
	/* liveness probing; appended last */
	json_addr(j, "probe", &t->probe, t->probe.family, false);
	json_u64_or_null(j, "probe_interval", t->probe.family, t->probe_interval);
	json_u64_or_null(j, "probe_misses", t->probe.family, t->probe_misses);
	if (t->probe.family)
		json_enum(j, "peer", s2s_peer_state_names, t->peer_state);
	else
		s2s_json_kv_string(j, "peer", NULL);
	s2s_json_kv_u64(j, "ike_sel_refused", t->ike_sel_refused);
	s2s_json_object_end(j);
}

/* Entry points */

void s2s_show_tunnels(FILE *f, bool json, const struct s2s_vec *tunnels,
		      const struct s2s_vec *sas, const struct s2s_vec *selectors)
{
	struct s2s_json j;

	if (!json) {
		for (size_t i = 0; i < tunnels->n; i++) {
			if (i)
				fputc('\n', f);
			print_tunnel(f, s2s_vec_at(tunnels, i), sas, selectors);
		}
		return;
	}
	s2s_json_init(&j, f);
	s2s_json_array_begin(&j);
	for (size_t i = 0; i < tunnels->n; i++)
		json_tunnel(&j, s2s_vec_at(tunnels, i), sas, selectors);
	s2s_json_array_end(&j);
	fputc('\n', f);
}

void s2s_show_sas(FILE *f, bool json, const struct s2s_vec *sas)
{
	struct s2s_json j;

	if (!json) {
		for (size_t i = 0; i < sas->n; i++)
			print_sa(f, 0, s2s_vec_at(sas, i), true);
		return;
	}
	s2s_json_init(&j, f);
	s2s_json_array_begin(&j);
	for (size_t i = 0; i < sas->n; i++)
		json_sa(&j, s2s_vec_at(sas, i));
	s2s_json_array_end(&j);
	fputc('\n', f);
}

/* Segments count what their selectors decided: out is tx, in is rx. */
static void print_segment(FILE *f, int width, const struct s2s_segment *seg)
{
	fprintf(f, "segment %-*s  mark 0x%x/0x%x", width, seg->name, seg->mark,
		seg->mask);
	if (seg->has_selectors)
		fprintf(f, ", %u selector%s", seg->selectors,
			seg->selectors == 1 ? "" : "s");
	fputc('\n', f);
	if (!seg->stats.present)
		return;
	field(f, 2, "out:", "%" PRIu64 " packets, %" PRIu64 " bytes",
	      seg->stats.tx_packets, seg->stats.tx_bytes);
	field(f, 2, "in:", "%" PRIu64 " packets, %" PRIu64 " bytes",
	      seg->stats.rx_packets, seg->stats.rx_bytes);
	print_drops(f, 2, &seg->stats);
}

void s2s_show_segments(FILE *f, bool json, const struct s2s_vec *segments,
		       const char *name)
{
	struct s2s_json j;
	int width = 0;

	for (size_t i = 0; i < segments->n; i++) {
		const struct s2s_segment *seg = s2s_vec_at(segments, i);

		if ((int)strlen(seg->name) > width)
			width = strlen(seg->name);
	}
	s2s_json_init(&j, f);
	if (json)
		s2s_json_array_begin(&j);
	for (size_t i = 0; i < segments->n; i++) {
		const struct s2s_segment *seg = s2s_vec_at(segments, i);

		if (name && name[0] && strcmp(name, seg->name))
			continue;
		if (!json) {
			print_segment(f, width, seg);
			continue;
		}
		s2s_json_object_begin(&j);
		s2s_json_kv_string(&j, "name", seg->name);
		s2s_json_kv_u64(&j, "mark", seg->mark);
		s2s_json_kv_u64(&j, "mask", seg->mask);
		s2s_json_kv_u64(&j, "selectors", seg->selectors);
		json_stats(&j, &seg->stats);
		s2s_json_object_end(&j);
	}
	if (json) {
		s2s_json_array_end(&j);
		fputc('\n', f);
	}
}

void s2s_show_selectors(FILE *f, bool json, const struct s2s_vec *selectors)
{
	struct s2s_json j;

	if (!json) {
		for (size_t i = 0; i < selectors->n; i++)
			print_selector(f, 0, s2s_vec_at(selectors, i), true);
		return;
	}
	s2s_json_init(&j, f);
	s2s_json_array_begin(&j);
	for (size_t i = 0; i < selectors->n; i++)
		json_selector(&j, s2s_vec_at(selectors, i));
	s2s_json_array_end(&j);
	fputc('\n', f);
}

static const char *event_name(uint8_t cmd)
{
	switch (cmd) {
	case S2S_CMD_EVENT_SA_EXPIRE:
		return "sa-expire";
	case S2S_CMD_EVENT_SEQ_WRAP:
		return "seq-wrap";
	case S2S_CMD_EVENT_TUNNEL_STATE:
		return "tunnel-state";
	case S2S_CMD_EVENT_NAT_MAPPING:
		return "nat-mapping";
	case S2S_CMD_EVENT_SA_REKEY:
		return "sa-rekey";
	default:
		return NULL;
	}
}

static void print_event(FILE *f, const struct s2s_event *ev, const char *name)
{
	char k[16], l[16], d[16], s[16], a[INET6_ADDRSTRLEN];

	switch (ev->cmd) {
	case S2S_CMD_EVENT_SA_EXPIRE:
		fprintf(f, "%s %s tunnel %s dir %s spi 0x%08x limit %s\n", name,
			enum_name(s2s_expire_kind_names, ev->kind, k, sizeof(k)),
			ev->ifname, enum_name(s2s_dir_names, ev->dir, d, sizeof(d)),
			ev->spi,
			enum_name(s2s_expire_limit_names, ev->limit, l, sizeof(l)));
		break;
	case S2S_CMD_EVENT_SEQ_WRAP:
		fprintf(f, "%s tunnel %s dir %s spi 0x%08x", name, ev->ifname,
			enum_name(s2s_dir_names, ev->dir, d, sizeof(d)), ev->spi);
		if (ev->has_seq)
			fprintf(f, " seq %" PRIu64, ev->seq);
		fputc('\n', f);
		break;
	case S2S_CMD_EVENT_TUNNEL_STATE:
		fprintf(f, "%s tunnel %s state %s", name, ev->ifname,
			enum_name(s2s_oper_state_names, ev->oper_state, s, sizeof(s)));
		if (ev->has_peer_state && ev->peer_state != S2S_PEER_UNKNOWN)
			fprintf(f, " peer %s", enum_name(s2s_peer_state_names,
							 ev->peer_state, s, sizeof(s)));
		fputc('\n', f);
		break;
	case S2S_CMD_EVENT_NAT_MAPPING:
		fprintf(f, "%s tunnel %s peer %s port %u\n", name, ev->ifname,
			ev->has_nat ? addr_str(&ev->nat_remote, false, a, sizeof(a)) :
				      "?", ev->nat_dport);
		break;
	case S2S_CMD_EVENT_SA_REKEY:
		fprintf(f, "%s tunnel %s dir %s spi 0x%08x replaces 0x%08x\n",
			name, ev->ifname,
			enum_name(s2s_dir_names, ev->dir, d, sizeof(d)), ev->spi,
			ev->replaced_spi);
		break;
	}
}

static void json_event(FILE *f, const struct s2s_event *ev, const char *name)
{
	struct s2s_json j;

	s2s_json_init(&j, f);
	s2s_json_object_begin(&j);
	s2s_json_kv_string(&j, "event", name);
	s2s_json_kv_string(&j, "tunnel", ev->ifname);
	s2s_json_kv_u64(&j, "ifindex", ev->ifindex);
	switch (ev->cmd) {
	case S2S_CMD_EVENT_SA_EXPIRE:
		json_enum(&j, "dir", s2s_dir_names, ev->dir);
		s2s_json_kv_u64(&j, "spi", ev->spi);
		json_enum(&j, "kind", s2s_expire_kind_names, ev->kind);
		json_enum(&j, "limit", s2s_expire_limit_names, ev->limit);
		break;
	case S2S_CMD_EVENT_SEQ_WRAP:
		json_enum(&j, "dir", s2s_dir_names, ev->dir);
		s2s_json_kv_u64(&j, "spi", ev->spi);
		json_u64_or_null(&j, "seq", ev->has_seq, ev->seq);
		break;
	case S2S_CMD_EVENT_TUNNEL_STATE:
		if (ev->has_state)
			json_enum(&j, "state", s2s_oper_state_names, ev->oper_state);
		else
			s2s_json_kv_string(&j, "state", NULL);
		if (ev->has_peer_state && ev->peer_state != S2S_PEER_UNKNOWN)
			json_enum(&j, "peer", s2s_peer_state_names, ev->peer_state);
		else
			s2s_json_kv_string(&j, "peer", NULL);
		break;
	case S2S_CMD_EVENT_NAT_MAPPING:
		json_addr(&j, "peer", &ev->nat_remote, ev->has_nat, false);
		json_u64_or_null(&j, "port", ev->has_nat, ev->nat_dport);
		break;
	case S2S_CMD_EVENT_SA_REKEY:
		json_enum(&j, "dir", s2s_dir_names, ev->dir);
		s2s_json_kv_u64(&j, "spi", ev->spi);
		s2s_json_kv_u64(&j, "replaces", ev->replaced_spi);
		break;
	}
	s2s_json_object_end(&j);
	fputc('\n', f);
}

void s2s_show_event(FILE *f, bool json, const struct s2s_event *ev)
{
	const char *name = event_name(ev->cmd);

	if (!name)
		return;		/* an event newer than this tool */
	if (json)
		json_event(f, ev, name);
	else
		print_event(f, ev, name);
	fflush(f);
}

void s2s_show_version(FILE *f, bool json, const char *tool, const char *module)
{
	struct s2s_json j;

	if (!json) {
		fprintf(f, "s2sctl %s\nmodule: %s\n", tool,
			module ? module : "not loaded");
		return;
	}
	s2s_json_init(&j, f);
	s2s_json_object_begin(&j);
	s2s_json_kv_string(&j, "tool", tool);
	s2s_json_kv_string(&j, "module", module);
	s2s_json_object_end(&j);
	fputc('\n', f);
}

void s2s_show_selector_id(FILE *f, bool json, uint32_t id)
{
	struct s2s_json j;

	if (!json) {
		fprintf(f, "id %u\n", id);
		return;
	}
	s2s_json_init(&j, f);
	s2s_json_object_begin(&j);
	s2s_json_kv_u64(&j, "id", id);
	s2s_json_object_end(&j);
	fputc('\n', f);
}
