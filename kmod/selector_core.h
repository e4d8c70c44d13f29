/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Traffic selector rules (RFC 4301 section 4.4.1): what a selector matches
 * and in which order selectors are tried.  Pure functions over plain
 * integers and byte strings, so the same code runs in the module and in
 * host unit tests; the includer provides u8, u16, u32, u64, bool, __be32,
 * struct in6_addr, union s2s_addr (4 or 16 network-order bytes), AF_INET,
 * AF_INET6 and the IPPROTO_* numbers.
 *
 * The order ("effective order", Documentation/selectors.rst): lower
 * priority value first; then the longer destination prefix; then the
 * longer source prefix; then a selector naming a protocol before one for
 * any protocol; then the narrower destination port (ICMP code) range; then
 * the narrower source port (ICMP type) range; then a selector with a segment
 * mark before one without; then the lower id.  The first selector in that
 * order that matches a packet decides its fate.
 */
#ifndef _S2S_SELECTOR_CORE_H
#define _S2S_SELECTOR_CORE_H

#include "../uapi/linux/s2svpn.h"

#define S2S_SEL_PORT_MAX	65535	/* a range 0..65535 is "any" */
#define S2S_SEL_ICMP_MAX	255	/* ICMP type and code are single bytes */

/**
 * struct s2s_flow - what selectors look at in an inner packet
 * @family: AF_INET or AF_INET6
 * @proto: IPPROTO_* of the transport header (after IPv6 extension headers)
 * @ports: @sport and @dport are valid (a first fragment with a TCP, UDP,
 *	UDP-Lite, SCTP, ICMP or ICMPv6 header)
 * @src: source address
 * @dst: destination address
 * @sport: source port, host order; ICMP/ICMPv6: the type
 * @dport: destination port, host order; ICMP/ICMPv6: the code
 * @mark: skb->mark
 */
struct s2s_flow {
	u16 family;
	u8 proto;
	bool ports;
	union s2s_addr src, dst;
	u16 sport, dport;
	u32 mark;
};

/**
 * struct s2s_sel_rule - the match fields of a selector, and its order key
 * @family: AF_INET or AF_INET6
 * @src_plen: source prefix length (0..32 or 0..128)
 * @dst_plen: destination prefix length
 * @proto: IPPROTO_*, 0 = any
 * @src: source prefix, no bit set beyond @src_plen
 * @dst: destination prefix, no bit set beyond @dst_plen
 * @sport_min: lowest source port (ICMP type)
 * @sport_max: highest source port (ICMP type)
 * @dport_min: lowest destination port (ICMP code)
 * @dport_max: highest destination port (ICMP code)
 * @mark: the segment's mark (outbound selectors only)
 * @mask: the segment's mask; 0 = any mark (no segment, or inbound, where a
 *	segment tags packets rather than selects them)
 * @priority: lower goes first, 0..S2S_SEL_PRIORITY_MAX
 * @id: unique per tunnel, the last tie-breaker
 */
struct s2s_sel_rule {
	u16 family;
	u8 src_plen;
	u8 dst_plen;
	u8 proto;
	union s2s_addr src;
	union s2s_addr dst;
	u16 sport_min, sport_max;
	u16 dport_min, dport_max;
	u32 mark;
	u32 mask;
	u32 priority;
	u32 id;
};

/* Protocols whose selectors may name port ranges. */
static inline bool s2s_sel_proto_has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP || proto == IPPROTO_UDPLITE;
}

/* Protocols whose selectors may name ICMP type and code ranges. */
static inline bool s2s_sel_proto_is_icmp(u8 proto, u16 family)
{
	return (proto == IPPROTO_ICMP && family == AF_INET) ||
	       (proto == IPPROTO_ICMPV6 && family == AF_INET6);
}

/* Bits in an address of @family. */
static inline unsigned int s2s_sel_addr_bits(u16 family)
{
	return family == AF_INET ? 32 : 128;
}

/* Copies the first @plen bits of @addr into @out and clears the rest. */
static inline void s2s_sel_prefix_mask(union s2s_addr *out,
				       const union s2s_addr *addr,
				       unsigned int plen)
{
	const u8 *in = (const u8 *)addr;
	u8 *o = (u8 *)out;
	unsigned int i;

	for (i = 0; i < sizeof(*out); i++) {
		if (plen >= 8) {
			o[i] = in[i];
			plen -= 8;
		} else {
			o[i] = plen ? in[i] & (u8)(0xff << (8 - plen)) : 0;
			plen = 0;
		}
	}
}

/* True when @addr has no bit set beyond its first @plen bits. */
static inline bool s2s_sel_prefix_clean(const union s2s_addr *addr,
					unsigned int plen, u16 family)
{
	const u8 *a = (const u8 *)addr;
	unsigned int bits = s2s_sel_addr_bits(family), i;
	union s2s_addr m;

	s2s_sel_prefix_mask(&m, addr, plen);
	for (i = 0; i < bits / 8; i++)
		if (a[i] != ((const u8 *)&m)[i])
			return false;
	return true;
}

/* True when the first @plen bits of @addr equal those of @prefix. */
static inline bool s2s_sel_prefix_match(const union s2s_addr *prefix,
					const union s2s_addr *addr,
					unsigned int plen)
{
	const u8 *p = (const u8 *)prefix, *a = (const u8 *)addr;
	unsigned int i;

	for (i = 0; plen >= 8; i++, plen -= 8)
		if (p[i] != a[i])
			return false;
	return !plen || !((p[i] ^ a[i]) & (u8)(0xff << (8 - plen)));
}

/* True when the range [@min, @max] is narrower than "any" (0..65535). */
static inline bool s2s_sel_range_narrow(u16 min, u16 max)
{
	return min != 0 || max != S2S_SEL_PORT_MAX;
}

/*
 * True when @r restricts ports (or ICMP type/code).  Rules keep "any" as
 * 0..65535 for ICMP too (s2s_sel_rule_normalise()).
 */
static inline bool s2s_sel_rule_has_ports(const struct s2s_sel_rule *r)
{
	return s2s_sel_range_narrow(r->sport_min, r->sport_max) ||
	       s2s_sel_range_narrow(r->dport_min, r->dport_max);
}

/* Stores every unrestricted range of @r as 0..65535. */
static inline void s2s_sel_rule_normalise(struct s2s_sel_rule *r)
{
	bool icmp = s2s_sel_proto_is_icmp(r->proto, r->family);

	if (icmp && !r->sport_min && r->sport_max == S2S_SEL_ICMP_MAX)
		r->sport_max = S2S_SEL_PORT_MAX;
	if (icmp && !r->dport_min && r->dport_max == S2S_SEL_ICMP_MAX)
		r->dport_max = S2S_SEL_PORT_MAX;
}

/*
 * Everything but the addresses: protocol, ports or ICMP type/code, mark.
 * A packet without transport header information (a non-first fragment)
 * matches only selectors that do not restrict ports (RFC 4301 section
 * 7.1: such a fragment can only match ANY).
 */
static inline bool s2s_sel_match_l4(const struct s2s_sel_rule *r,
				    const struct s2s_flow *f)
{
	if ((f->mark & r->mask) != r->mark)
		return false;
	if (!r->proto)
		return true;
	if (r->proto != f->proto)
		return false;
	if (!s2s_sel_rule_has_ports(r))
		return true;
	if (!f->ports)
		return false;
	return f->sport >= r->sport_min && f->sport <= r->sport_max &&
	       f->dport >= r->dport_min && f->dport <= r->dport_max;
}

/* True when rule @r matches flow @f. */
static inline bool s2s_sel_rule_match(const struct s2s_sel_rule *r,
				      const struct s2s_flow *f)
{
	return r->family == f->family &&
	       s2s_sel_prefix_match(&r->dst, &f->dst, r->dst_plen) &&
	       s2s_sel_prefix_match(&r->src, &f->src, r->src_plen) &&
	       s2s_sel_match_l4(r, f);
}

/**
 * struct s2s_sel_order - the sort key of a selector
 * @k: compared as one 192-bit number, @k[0] most significant; lower goes
 *	first
 */
struct s2s_sel_order {
	u64 k[3];
};

/* The sort key of @r (see the order at the top of this file). */
static inline void s2s_sel_order_key(const struct s2s_sel_rule *r,
				     struct s2s_sel_order *o)
{
	u32 dwidth = (u32)r->dport_max - r->dport_min + 1;
	u32 swidth = (u32)r->sport_max - r->sport_min + 1;

	o->k[0] = (u64)r->priority << 32 | (u64)(128 - r->dst_plen) << 16 |
		  (u64)(128 - r->src_plen) << 8 | (r->proto ? 0 : 1);
	o->k[1] = (u64)dwidth << 32 | (u64)swidth << 1 | (r->mask ? 0 : 1);
	o->k[2] = r->id;
}

/* <0 when @a goes before @b, >0 when after, 0 when equal. */
static inline int s2s_sel_order_cmp(const struct s2s_sel_order *a,
				    const struct s2s_sel_order *b)
{
	int i;

	for (i = 0; i < 3; i++)
		if (a->k[i] != b->k[i])
			return a->k[i] < b->k[i] ? -1 : 1;
	return 0;
}

/* <0 when rule @a goes before rule @b in the effective order, >0 after. */
static inline int s2s_sel_rule_cmp(const struct s2s_sel_rule *a,
				   const struct s2s_sel_rule *b)
{
	struct s2s_sel_order oa, ob;

	s2s_sel_order_key(a, &oa);
	s2s_sel_order_key(b, &ob);
	return s2s_sel_order_cmp(&oa, &ob);
}

/*
 * True when @a and @b match exactly the same packets and have the same
 * priority: the second would never decide anything, so it is refused as a
 * duplicate.  The ids do not count.
 */
static inline bool s2s_sel_rule_same(const struct s2s_sel_rule *a,
				     const struct s2s_sel_rule *b)
{
	unsigned int n = a->family == AF_INET ? 4 : 16;
	const u8 *as = (const u8 *)&a->src, *bs = (const u8 *)&b->src;
	const u8 *ad = (const u8 *)&a->dst, *bd = (const u8 *)&b->dst;
	unsigned int i;

	if (a->family != b->family || a->src_plen != b->src_plen ||
	    a->dst_plen != b->dst_plen || a->proto != b->proto ||
	    a->sport_min != b->sport_min || a->sport_max != b->sport_max ||
	    a->dport_min != b->dport_min || a->dport_max != b->dport_max ||
	    a->mark != b->mark || a->mask != b->mask ||
	    a->priority != b->priority)
		return false;
	for (i = 0; i < n; i++)
		if (as[i] != bs[i] || ad[i] != bd[i])
			return false;
	return true;
}

#endif /* _S2S_SELECTOR_CORE_H */
