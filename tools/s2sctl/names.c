// SPDX-License-Identifier: GPL-2.0-only
/*
 * Name tables for uapi enum values.
 */
#include <assert.h>
#include <stddef.h>
#include <string.h>
#include <linux/s2svpn.h>

#include "names.h"
#include "s2s.h"

const struct s2s_name s2s_mode_names[] = {
	{ S2S_MODE_ROUTE, "route" },
	{ S2S_MODE_POLICY, "policy" },
	{ 0, NULL },
};

const struct s2s_name s2s_dir_names[] = {
	{ S2S_DIR_IN, "in" },
	{ S2S_DIR_OUT, "out" },
	{ 0, NULL },
};

const struct s2s_name s2s_encap_names[] = {
	{ S2S_ENCAP_NONE, "none" },
	{ S2S_ENCAP_UDP, "udp" },
	{ 0, NULL },
};

const struct s2s_name s2s_oper_state_names[] = {
	{ S2S_STATE_DOWN, "down" },
	{ S2S_STATE_UP, "up" },
	{ 0, NULL },
};

const struct s2s_name s2s_peer_state_names[] = {
	{ S2S_PEER_UNKNOWN, "unknown" },
	{ S2S_PEER_ALIVE, "alive" },
	{ S2S_PEER_DEAD, "dead" },
	{ 0, NULL },
};

const struct s2s_name s2s_sa_state_names[] = {
	{ S2S_SA_STATE_VALID, "valid" },
	{ S2S_SA_STATE_SOFT_EXPIRED, "soft-expired" },
	{ S2S_SA_STATE_DEAD, "dead" },
	{ 0, NULL },
};

const struct s2s_name s2s_action_names[] = {
	{ S2S_SEL_PROTECT, "protect" },
	{ S2S_SEL_BYPASS, "bypass" },
	{ S2S_SEL_DISCARD, "discard" },
	{ 0, NULL },
};

const struct s2s_name s2s_expire_kind_names[] = {
	{ S2S_EXPIRE_SOFT, "soft" },
	{ S2S_EXPIRE_HARD, "hard" },
	{ 0, NULL },
};

const struct s2s_name s2s_expire_limit_names[] = {
	{ S2S_LIMIT_BYTES, "bytes" },
	{ S2S_LIMIT_PACKETS, "packets" },
	{ S2S_LIMIT_SECONDS, "seconds" },
	{ 0, NULL },
};

/* IANA protocol numbers; the first name of a number is the one printed. */
const struct s2s_name s2s_proto_names[] = {
	{ 0, "any" },
	{ IPPROTO_ICMP, "icmp" },
	{ IPPROTO_TCP, "tcp" },
	{ IPPROTO_UDP, "udp" },
	{ IPPROTO_GRE, "gre" },
	{ IPPROTO_ICMPV6, "icmpv6" },
	{ IPPROTO_ICMPV6, "ipv6-icmp" },
	{ IPPROTO_SCTP, "sctp" },
	{ IPPROTO_UDPLITE, "udplite" },
	{ 0, NULL },
};

static const char *const drop_names[] = {
	[S2S_DROP_NO_SA]		= "no_sa",
	[S2S_DROP_AUTH]			= "auth",
	[S2S_DROP_REPLAY]		= "replay",
	[S2S_DROP_BAD_TRAILER]		= "bad_trailer",
	[S2S_DROP_OUTER_MISMATCH]	= "outer_mismatch",
	[S2S_DROP_MALFORMED]		= "malformed",
	[S2S_DROP_DUMMY]		= "dummy",
	[S2S_DROP_ECN]			= "ecn",
	[S2S_DROP_SA_EXPIRED]		= "sa_expired",
	[S2S_DROP_NO_OUT_SA]		= "no_out_sa",
	[S2S_DROP_TOO_BIG]		= "too_big",
	[S2S_DROP_SEQ_EXHAUSTED]	= "seq_exhausted",
	[S2S_DROP_NO_ROUTE]		= "no_route",
	[S2S_DROP_LOOP]			= "loop",
	[S2S_DROP_BAD_INNER]		= "bad_inner",
	[S2S_DROP_NO_MEM]		= "no_mem",
	[S2S_DROP_CRYPTO]		= "crypto",
	[S2S_DROP_POLICY_DISCARD]	= "policy_discard",
	[S2S_DROP_NO_POLICY]		= "no_policy",
	[S2S_DROP_DOWN]			= "down",
	[S2S_DROP_CRYPTO_BUSY]		= "crypto_busy",
	[S2S_DROP_QUEUE_FULL]		= "queue_full",
	[S2S_DROP_SELECTOR_MISMATCH]	= "selector_mismatch",
	[S2S_DROP_NAT_KEEPALIVE]	= "nat_keepalive",
	[S2S_DROP_NON_ESP]		= "non_esp",
	[S2S_DROP_SA_PENDING]		= "sa_pending",
	[S2S_DROP_UNDERLAY]		= "underlay_drop",
};

/* A reason added to the uapi must get its name here. */
static_assert(sizeof(drop_names) / sizeof(drop_names[0]) == S2S_DROP_MAX + 1,
	      "drop_names does not cover enum s2s_drop_reason");
static_assert(S2S_DROP_MAX < S2S_DROPS_CAP, "S2S_DROPS_CAP too small");
static_assert(S2S_SA_A_HARD_SECONDS - S2S_SA_A_SOFT_BYTES + 1 == S2S_LT_COUNT,
	      "lifetime attributes are not contiguous");

const char *const s2s_lifetime_keywords[S2S_LT_COUNT] = {
	"soft-bytes", "hard-bytes", "soft-packets", "hard-packets",
	"soft-seconds", "hard-seconds",
};

const char *const s2s_lifetime_keys[S2S_LT_COUNT] = {
	"soft_bytes", "hard_bytes", "soft_packets", "hard_packets",
	"soft_seconds", "hard_seconds",
};

const char *s2s_name_of(const struct s2s_name *table, unsigned int value)
{
	for (; table->name; table++)
		if (table->value == value)
			return table->name;
	return NULL;
}

bool s2s_value_of(const struct s2s_name *table, const char *name,
		  unsigned int *value)
{
	for (; table->name; table++) {
		if (!strcmp(table->name, name)) {
			*value = table->value;
			return true;
		}
	}
	return false;
}

const char *s2s_drop_name(unsigned int reason)
{
	if (reason > S2S_DROP_MAX)
		return NULL;
	return drop_names[reason];
}
