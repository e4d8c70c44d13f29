// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the module's traffic selector rules, kmod/selector_core.h,
 * compiled on the host: prefixes, protocols, port and ICMP ranges, marks,
 * the effective order, duplicates, and the classifier's decomposition (by
 * prefix-length pair, first match per bucket) against a linear search.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tap.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

union s2s_addr {
	uint32_t ip4;		/* network order, as the kernel's __be32 */
	struct in6_addr ip6;
};

#include "../../../kmod/selector_core.h"

static union s2s_addr addr(const char *s)
{
	union s2s_addr a;

	memset(&a, 0, sizeof(a));
	if (strchr(s, ':'))
		inet_pton(AF_INET6, s, &a.ip6);
	else
		inet_pton(AF_INET, s, &a.ip4);
	return a;
}

/* A rule for "src/splen dst/dplen": any protocol, port and mark. */
static struct s2s_sel_rule rule(const char *src, u8 splen, const char *dst,
				u8 dplen, u32 priority, u32 id)
{
	struct s2s_sel_rule r;

	memset(&r, 0, sizeof(r));
	r.family = strchr(src, ':') ? AF_INET6 : AF_INET;
	r.src = addr(src);
	r.dst = addr(dst);
	r.src_plen = splen;
	r.dst_plen = dplen;
	r.sport_max = S2S_SEL_PORT_MAX;
	r.dport_max = S2S_SEL_PORT_MAX;
	r.priority = priority;
	r.id = id;
	return r;
}

static struct s2s_flow flow(const char *src, const char *dst, u8 proto,
			    u16 sport, u16 dport)
{
	struct s2s_flow f;

	memset(&f, 0, sizeof(f));
	f.family = strchr(src, ':') ? AF_INET6 : AF_INET;
	f.src = addr(src);
	f.dst = addr(dst);
	f.proto = proto;
	f.ports = true;
	f.sport = sport;
	f.dport = dport;
	return f;
}

static void test_prefixes(void)
{
	union s2s_addr a = addr("10.1.2.3"), m;

	s2s_sel_prefix_mask(&m, &a, 16);
	tap_ok(m.ip4 == addr("10.1.0.0").ip4, "mask 10.1.2.3/16");
	s2s_sel_prefix_mask(&m, &a, 0);
	tap_ok(m.ip4 == 0, "mask /0 clears everything");
	s2s_sel_prefix_mask(&m, &a, 13);
	tap_ok(m.ip4 == addr("10.0.0.0").ip4, "mask /13 (not a byte boundary)");
	a = addr("2001:db8:abcd:12ff::1");
	s2s_sel_prefix_mask(&m, &a, 56);
	a = addr("2001:db8:abcd:1200::");
	tap_ok(!memcmp(&m, &a, sizeof(a)), "mask IPv6 /56");

	a = addr("10.1.0.0");
	tap_ok(s2s_sel_prefix_clean(&a, 16, AF_INET), "10.1.0.0/16 is clean");
	tap_ok(!s2s_sel_prefix_clean(&a, 8, AF_INET), "10.1.0.0/8 has host bits");
	tap_ok(s2s_sel_prefix_clean(&a, 32, AF_INET), "/32 is always clean");
	a = addr("2001:db8::1");
	tap_ok(!s2s_sel_prefix_clean(&a, 64, AF_INET6), "2001:db8::1/64 has host bits");
	tap_ok(s2s_sel_prefix_clean(&a, 128, AF_INET6), "IPv6 /128 is clean");
	a = addr("::");
	tap_ok(s2s_sel_prefix_clean(&a, 0, AF_INET6), "::/0 is clean");

	a = addr("10.1.0.0");
	m = addr("10.1.255.255");
	tap_ok(s2s_sel_prefix_match(&a, &m, 16), "10.1.255.255 in 10.1.0.0/16");
	m = addr("10.2.0.0");
	tap_ok(!s2s_sel_prefix_match(&a, &m, 16), "10.2.0.0 not in 10.1.0.0/16");
	tap_ok(s2s_sel_prefix_match(&a, &m, 14), "10.2.0.0 in 10.0.0.0/14");
	tap_ok(!s2s_sel_prefix_match(&a, &m, 15), "10.2.0.0 not in 10.0.0.0/15");
	tap_ok(s2s_sel_prefix_match(&a, &m, 0), "everything in /0");
	a = addr("2001:db8:1::");
	m = addr("2001:db8:1:ffff::5");
	tap_ok(s2s_sel_prefix_match(&a, &m, 48) && !s2s_sel_prefix_match(&a, &m, 49),
	       "IPv6 /48 matches, /49 does not");
	tap_ok(s2s_sel_addr_bits(AF_INET) == 32 && s2s_sel_addr_bits(AF_INET6) == 128,
	       "address bits per family");
}

static void test_l4(void)
{
	struct s2s_sel_rule r = rule("10.0.0.0", 8, "192.168.0.0", 16, 0, 1);
	struct s2s_flow f = flow("10.1.1.1", "192.168.5.5", IPPROTO_TCP, 40000, 443);

	tap_ok(s2s_sel_rule_match(&r, &f), "any protocol matches tcp");
	f.family = AF_INET6;
	tap_ok(!s2s_sel_rule_match(&r, &f), "family must agree");
	f.family = AF_INET;
	f.dst = addr("192.169.0.1");
	tap_ok(!s2s_sel_rule_match(&r, &f), "dst outside the prefix");
	f = flow("11.0.0.1", "192.168.0.1", IPPROTO_TCP, 1, 2);
	tap_ok(!s2s_sel_rule_match(&r, &f), "src outside the prefix");

	f = flow("10.1.1.1", "192.168.5.5", IPPROTO_TCP, 40000, 443);
	r.proto = IPPROTO_TCP;
	r.dport_min = r.dport_max = 443;
	tap_ok(s2s_sel_rule_match(&r, &f), "tcp dport 443");
	f.dport = 444;
	tap_ok(!s2s_sel_rule_match(&r, &f), "tcp dport 444 misses 443");
	r.dport_min = 400;
	r.dport_max = 500;
	tap_ok(s2s_sel_rule_match(&r, &f), "444 in 400-500");
	f.dport = 500;
	tap_ok(s2s_sel_rule_match(&r, &f), "range includes its last port");
	f.dport = 400;
	tap_ok(s2s_sel_rule_match(&r, &f), "range includes its first port");
	f.dport = 399;
	tap_ok(!s2s_sel_rule_match(&r, &f), "399 below 400-500");
	f.dport = 450;
	r.sport_min = 1024;
	r.sport_max = 65535;
	f.sport = 1023;
	tap_ok(!s2s_sel_rule_match(&r, &f), "sport 1023 misses 1024-65535");
	f.sport = 1024;
	tap_ok(s2s_sel_rule_match(&r, &f), "sport 1024 in 1024-65535");
	f.proto = IPPROTO_UDP;
	tap_ok(!s2s_sel_rule_match(&r, &f), "udp does not match a tcp selector");
	f.proto = IPPROTO_TCP;
	f.ports = false;
	tap_ok(!s2s_sel_rule_match(&r, &f),
	       "a later fragment (no ports) misses a port range");
	r.sport_min = r.dport_min = 0;
	r.sport_max = r.dport_max = S2S_SEL_PORT_MAX;
	tap_ok(s2s_sel_rule_match(&r, &f),
	       "a later fragment matches a protocol-only selector");
	r.proto = 0;
	tap_ok(s2s_sel_rule_match(&r, &f), "and an any-protocol selector");

	/* ICMP: type in the source port, code in the destination port */
	r = rule("10.0.0.0", 8, "192.168.0.0", 16, 0, 1);
	r.proto = IPPROTO_ICMP;
	r.sport_min = r.sport_max = 8;
	f = flow("10.0.0.1", "192.168.0.1", IPPROTO_ICMP, 8, 0);
	tap_ok(s2s_sel_rule_match(&r, &f), "icmp type 8 (echo request)");
	f.sport = 0;
	tap_ok(!s2s_sel_rule_match(&r, &f), "echo reply misses type 8");
	r.sport_min = 0;
	r.dport_min = r.dport_max = 4;
	f.dport = 3;
	tap_ok(!s2s_sel_rule_match(&r, &f), "code 3 misses code 4");
	tap_ok(s2s_sel_proto_is_icmp(IPPROTO_ICMP, AF_INET) &&
	       !s2s_sel_proto_is_icmp(IPPROTO_ICMP, AF_INET6) &&
	       s2s_sel_proto_is_icmp(IPPROTO_ICMPV6, AF_INET6) &&
	       !s2s_sel_proto_is_icmp(IPPROTO_ICMPV6, AF_INET),
	       "icmp is IPv4's, icmpv6 IPv6's");
	tap_ok(s2s_sel_proto_has_ports(IPPROTO_TCP) &&
	       s2s_sel_proto_has_ports(IPPROTO_UDP) &&
	       s2s_sel_proto_has_ports(IPPROTO_SCTP) &&
	       s2s_sel_proto_has_ports(IPPROTO_UDPLITE) &&
	       !s2s_sel_proto_has_ports(IPPROTO_ICMP) &&
	       !s2s_sel_proto_has_ports(IPPROTO_ESP) &&
	       !s2s_sel_proto_has_ports(0), "protocols with ports");

	r = rule("2001:db8::", 32, "::", 0, 0, 1);
	r.proto = IPPROTO_ICMPV6;
	r.sport_min = 128;
	r.sport_max = 129;
	f = flow("2001:db8::1", "2001:db9::1", IPPROTO_ICMPV6, 129, 0);
	tap_ok(s2s_sel_rule_match(&r, &f), "icmpv6 type 128-129 matches 129");
	f.sport = 135;
	tap_ok(!s2s_sel_rule_match(&r, &f), "icmpv6 neighbour solicitation misses");

	r = rule("10.0.0.0", 8, "0.0.0.0", 0, 0, 1);
	r.proto = IPPROTO_ICMP;
	r.sport_max = 255;
	r.dport_max = 255;
	s2s_sel_rule_normalise(&r);
	tap_ok(r.sport_max == S2S_SEL_PORT_MAX && r.dport_max == S2S_SEL_PORT_MAX &&
	       !s2s_sel_rule_has_ports(&r), "ICMP 0-255 is normalised to any");
	r.sport_max = 8;
	s2s_sel_rule_normalise(&r);
	tap_ok(r.sport_max == 8 && s2s_sel_rule_has_ports(&r),
	       "a real ICMP type range stays");

	/* segment marks */
	r = rule("10.0.0.0", 8, "0.0.0.0", 0, 0, 1);
	r.mark = 0x30;
	r.mask = 0xf0;
	f = flow("10.0.0.1", "1.1.1.1", IPPROTO_UDP, 1, 1);
	f.mark = 0x35;
	tap_ok(s2s_sel_rule_match(&r, &f), "mark 0x35 is segment 0x30/0xf0");
	f.mark = 0x45;
	tap_ok(!s2s_sel_rule_match(&r, &f), "mark 0x45 is not");
	r.mask = 0;
	r.mark = 0;
	tap_ok(s2s_sel_rule_match(&r, &f), "no segment: any mark");
}

static int cmp(const struct s2s_sel_rule *a, const struct s2s_sel_rule *b)
{
	return s2s_sel_rule_cmp(a, b);
}

static void test_order(void)
{
	struct s2s_sel_rule a, b;

	a = rule("10.0.0.0", 8, "192.168.1.0", 24, 10, 5);
	b = rule("0.0.0.0", 0, "0.0.0.0", 0, 5, 9);
	tap_ok(cmp(&b, &a) < 0 && cmp(&a, &b) > 0,
	       "lower priority first, even when less specific");
	b.priority = 10;
	tap_ok(cmp(&a, &b) < 0, "same priority: the longer dst prefix first");
	b = rule("10.1.0.0", 16, "192.168.0.0", 16, 10, 1);
	tap_ok(cmp(&a, &b) < 0, "dst prefix length beats src prefix length");
	b = rule("10.1.0.0", 16, "192.168.1.0", 24, 10, 9);
	tap_ok(cmp(&b, &a) < 0, "same dst length: the longer src prefix first");
	b = a;
	b.id = 9;
	b.proto = IPPROTO_TCP;
	tap_ok(cmp(&b, &a) < 0, "a protocol before any protocol");
	a.proto = IPPROTO_TCP;
	a.dport_min = 443;
	a.dport_max = 443;
	tap_ok(cmp(&a, &b) < 0, "a dport before any dport");
	b.dport_min = 400;
	b.dport_max = 500;
	tap_ok(cmp(&a, &b) < 0, "the narrower dport range first");
	b.dport_min = b.dport_max = 443;
	b.sport_min = 1024;
	tap_ok(cmp(&b, &a) < 0, "same dport: the narrower sport range first");
	b.sport_min = 0;
	b.mark = 0x10;
	b.mask = 0xf0;
	tap_ok(cmp(&b, &a) < 0, "a segment before none");
	b.mark = b.mask = 0;
	tap_ok(cmp(&a, &b) < 0 && cmp(&b, &a) > 0, "then the lower id");
	b.id = a.id;
	tap_ok(cmp(&a, &b) == 0, "the same rule and id compare equal");

	a = rule("2001:db8::", 32, "2001:db8:1::", 48, 0, 2);
	b = rule("2001:db8::", 32, "2001:db8:1:2::", 64, 0, 3);
	tap_ok(cmp(&b, &a) < 0, "IPv6: /64 before /48");
	a.priority = S2S_SEL_PRIORITY_MAX;
	b.priority = S2S_SEL_PRIORITY_MAX;
	tap_ok(cmp(&b, &a) < 0, "the highest priority value still orders by prefix");
	a.priority = 0;
	tap_ok(cmp(&a, &b) < 0, "priority 0 goes first");
	a = rule("::", 0, "::", 128, 3, 1);
	b = rule("::", 128, "::", 127, 3, 1);
	tap_ok(cmp(&a, &b) < 0, "dst /128 before dst /127 whatever the src");
}

static void test_same(void)
{
	struct s2s_sel_rule a = rule("10.0.0.0", 8, "192.168.0.0", 16, 10, 1);
	struct s2s_sel_rule b = a;

	b.id = 2;
	tap_ok(s2s_sel_rule_same(&a, &b), "duplicate: ids do not count");
	b.priority = 11;
	tap_ok(!s2s_sel_rule_same(&a, &b), "another priority is not a duplicate");
	b = a;
	b.dst_plen = 17;
	tap_ok(!s2s_sel_rule_same(&a, &b), "another prefix length is not");
	b = a;
	b.proto = IPPROTO_UDP;
	tap_ok(!s2s_sel_rule_same(&a, &b), "another protocol is not");
	a.proto = IPPROTO_UDP;
	a.dport_min = a.dport_max = 53;
	b = a;
	b.dport_max = 54;
	tap_ok(!s2s_sel_rule_same(&a, &b), "another port range is not");
	b = a;
	b.mark = 1;
	b.mask = 1;
	tap_ok(!s2s_sel_rule_same(&a, &b), "another segment is not");
	a = rule("2001:db8::", 32, "::", 0, 1, 1);
	b = rule("2001:db9::", 32, "::", 0, 1, 2);
	tap_ok(!s2s_sel_rule_same(&a, &b), "IPv6: another prefix is not");
	b.src = a.src;
	tap_ok(s2s_sel_rule_same(&a, &b), "IPv6 duplicate");
}

/* ---- the classifier's decomposition against a linear search ---- */

#define N_RULES 400
#define N_FLOWS 4000

static u32 rnd_state = 12345;

static u32 rnd(void)
{
	rnd_state = rnd_state * 1103515245 + 12345;
	return rnd_state >> 8;
}

/* Addresses from a small space, so that prefixes overlap a lot. */
static union s2s_addr rnd_addr(u16 family)
{
	union s2s_addr a;
	u8 *b = (u8 *)&a;

	memset(&a, 0, sizeof(a));
	b[0] = 10;
	b[1] = rnd() % 3;
	b[2] = rnd() % 4;
	b[3] = rnd() % 8;
	if (family == AF_INET6)
		b[15] = rnd() % 4;
	return a;
}

static struct s2s_sel_rule rnd_rule(u32 id)
{
	static const u8 plens[] = { 0, 8, 15, 16, 24, 30, 32 };
	static const u8 protos[] = { 0, 0, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP };
	struct s2s_sel_rule r;
	union s2s_addr a;

	memset(&r, 0, sizeof(r));
	r.family = rnd() % 4 ? AF_INET : AF_INET6;
	r.src_plen = plens[rnd() % sizeof(plens)];
	r.dst_plen = plens[rnd() % sizeof(plens)];
	if (r.family == AF_INET6) {
		r.src_plen = r.src_plen == 32 ? 128 : r.src_plen;
		r.dst_plen = r.dst_plen == 32 ? 120 : r.dst_plen;
	}
	a = rnd_addr(r.family);
	s2s_sel_prefix_mask(&r.src, &a, r.src_plen);
	a = rnd_addr(r.family);
	s2s_sel_prefix_mask(&r.dst, &a, r.dst_plen);
	r.proto = protos[rnd() % sizeof(protos)];
	r.sport_max = r.dport_max = S2S_SEL_PORT_MAX;
	if (r.proto && rnd() % 2) {
		r.dport_min = rnd() % 6;
		r.dport_max = r.dport_min + rnd() % 3;
	}
	if (r.proto && rnd() % 3 == 0) {
		r.sport_min = rnd() % 6;
		r.sport_max = r.sport_min + rnd() % 4;
	}
	if (rnd() % 4 == 0) {
		r.mask = 0xf0;
		r.mark = (rnd() % 2) << 4;
	}
	r.priority = rnd() % 4;
	r.id = id;
	return r;
}

static struct s2s_flow rnd_flow(void)
{
	static const u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, 47 };
	struct s2s_flow f;

	memset(&f, 0, sizeof(f));
	f.family = rnd() % 4 ? AF_INET : AF_INET6;
	f.src = rnd_addr(f.family);
	f.dst = rnd_addr(f.family);
	f.proto = protos[rnd() % sizeof(protos)];
	f.ports = rnd() % 8 != 0;
	f.sport = rnd() % 8;
	f.dport = rnd() % 8;
	f.mark = (rnd() % 3) << 4;
	return f;
}

static const struct s2s_sel_rule *linear_best(const struct s2s_sel_rule *rules,
					      int n, const struct s2s_flow *f)
{
	const struct s2s_sel_rule *best = NULL;

	for (int i = 0; i < n; i++)
		if (s2s_sel_rule_match(&rules[i], f) &&
		    (!best || s2s_sel_rule_cmp(&rules[i], best) < 0))
			best = &rules[i];
	return best;
}

static int sort_rules(const void *a, const void *b)
{
	return s2s_sel_rule_cmp(a, b);
}

static bool same_key(const struct s2s_sel_rule *r, u16 family, u8 dplen,
		     u8 splen, const union s2s_addr *dst,
		     const union s2s_addr *src)
{
	return r->family == family && r->dst_plen == dplen &&
	       r->src_plen == splen && !memcmp(&r->dst, dst, sizeof(*dst)) &&
	       !memcmp(&r->src, src, sizeof(*src));
}

/*
 * What kmod/selector.c does: for every prefix-length pair in use, cut the
 * packet's addresses to it, take that bucket (here: the rules with exactly
 * those prefixes, sorted) and walk it until the first match or the first
 * rule that goes after the best so far.
 */
static const struct s2s_sel_rule *bucket_best(const struct s2s_sel_rule *sorted,
					      int n, const struct s2s_flow *f)
{
	const struct s2s_sel_rule *best = NULL;
	bool seen[2][129][129] = { { { false } } };

	for (int g = 0; g < n; g++) {
		const struct s2s_sel_rule *shape = &sorted[g];
		int fam = shape->family == AF_INET6;
		union s2s_addr dst, src;

		if (seen[fam][shape->dst_plen][shape->src_plen] ||
		    shape->family != f->family)
			continue;
		seen[fam][shape->dst_plen][shape->src_plen] = true;
		s2s_sel_prefix_mask(&dst, &f->dst, shape->dst_plen);
		s2s_sel_prefix_mask(&src, &f->src, shape->src_plen);
		for (int i = 0; i < n; i++) {
			const struct s2s_sel_rule *r = &sorted[i];

			if (!same_key(r, f->family, shape->dst_plen,
				      shape->src_plen, &dst, &src))
				continue;
			if (best && s2s_sel_rule_cmp(r, best) > 0)
				break;
			if (s2s_sel_match_l4(r, f)) {
				best = r;
				break;
			}
		}
	}
	return best;
}

static void test_classifier(void)
{
	static struct s2s_sel_rule rules[N_RULES], sorted[N_RULES];
	static bool decided[N_RULES + 1];
	int agree = 0, deciders = 0, keys = 0;

	for (int i = 0; i < N_RULES; i++)
		rules[i] = rnd_rule(i + 1);
	memcpy(sorted, rules, sizeof(rules));
	qsort(sorted, N_RULES, sizeof(sorted[0]), sort_rules);

	for (int i = 0; i < N_FLOWS; i++) {
		struct s2s_flow f = rnd_flow();
		const struct s2s_sel_rule *lin = linear_best(rules, N_RULES, &f);
		const struct s2s_sel_rule *tss = bucket_best(sorted, N_RULES, &f);

		if (lin && !decided[lin->id]) {
			decided[lin->id] = true;
			deciders++;
		}
		agree += (!lin && !tss) || (lin && tss && lin->id == tss->id);
		for (int j = 0; j < 8; j++) {
			const struct s2s_sel_rule *r = &rules[(i * 8 + j) % N_RULES];
			union s2s_addr d, s;
			bool by_key;

			s2s_sel_prefix_mask(&d, &f.dst, r->dst_plen);
			s2s_sel_prefix_mask(&s, &f.src, r->src_plen);
			by_key = same_key(r, f.family, r->dst_plen, r->src_plen,
					  &d, &s) && s2s_sel_match_l4(r, &f);
			keys += by_key == s2s_sel_rule_match(r, &f);
		}
	}
	tap_ok(deciders > N_RULES / 10,
	       "random flows: %d different selectors decide them", deciders);
	tap_ok(agree == N_FLOWS,
	       "bucket lookup finds the linear search's best (%d of %d)",
	       agree, N_FLOWS);
	tap_ok(keys == N_FLOWS * 8,
	       "a selector matches exactly when the cut addresses are its prefixes (%d of %d)",
	       keys, N_FLOWS * 8);
}

void test_selector_rules(void)
{
	test_prefixes();
	test_l4();
	test_order();
	test_same();
	test_classifier();
}
