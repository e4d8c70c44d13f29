/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The in-memory description of s2svpn objects.  The command line, a batch
 * file and the kernel's replies all fill these structures; requests mark the
 * fields the user gave in @set, replies mark the attributes the kernel sent.
 */
#ifndef S2SCTL_S2S_H
#define S2SCTL_S2S_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/s2svpn.h>	/* the limits: S2S_KEY_MAX, S2S_*_SIZE ... */

#define S2S_DROPS_CAP		64	/* reasons the tool can hold, known or not */
#define S2S_DEFAULT_UDP_PORT	4500	/* RFC 3948 */

struct s2s_addr {
	uint8_t family;		/* AF_INET, AF_INET6, or 0 when unset */
	uint8_t plen;		/* prefix length, for selectors */
	union {
		uint8_t bytes[16];
		struct in_addr v4;
		struct in6_addr v6;
	};
};

static inline unsigned int s2s_addr_len(const struct s2s_addr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

struct s2s_stats {
	bool present;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t drops[S2S_DROPS_CAP];	/* index: enum s2s_drop_reason */
};

enum {
	S2S_TUNNEL_HAS_LOCAL		= 1u << 0,
	S2S_TUNNEL_HAS_REMOTE		= 1u << 1,
	S2S_TUNNEL_HAS_MODE		= 1u << 2,
	S2S_TUNNEL_HAS_MARK		= 1u << 3,	/* mark and mask */
	S2S_TUNNEL_HAS_MTU		= 1u << 4,
	S2S_TUNNEL_HAS_ENCAP		= 1u << 5,
	S2S_TUNNEL_HAS_SPORT		= 1u << 6,
	S2S_TUNNEL_HAS_DPORT		= 1u << 7,
	S2S_TUNNEL_HAS_STATE		= 1u << 8,
	S2S_TUNNEL_HAS_TX_SPI		= 1u << 9,
	S2S_TUNNEL_HAS_LINK_MTU		= 1u << 10,
	S2S_TUNNEL_HAS_KEEPALIVE	= 1u << 11,
	S2S_TUNNEL_HAS_NAT		= 1u << 12,	/* nat_remote, nat_dport */
	S2S_TUNNEL_HAS_IF_ID		= 1u << 13,
	S2S_TUNNEL_HAS_PROBE		= 1u << 14,	/* probe address or none */
	S2S_TUNNEL_HAS_PROBE_INTERVAL	= 1u << 15,
	S2S_TUNNEL_HAS_PROBE_MISSES	= 1u << 16,
	S2S_TUNNEL_HAS_PEER_STATE	= 1u << 17,
};

struct s2s_tunnel {
	char ifname[IFNAMSIZ];
	uint32_t ifindex;
	unsigned int set;
	struct s2s_addr local;
	struct s2s_addr remote;
	uint8_t mode;		/* enum s2s_mode */
	uint8_t encap;		/* enum s2s_encap */
	uint8_t oper_state;	/* enum s2s_oper_state */
	uint16_t sport;
	uint16_t dport;
	uint32_t mark;
	uint32_t mask;
	uint32_t mtu;		/* configured; 0 = derived from the underlay */
	uint32_t link_mtu;	/* the device's current MTU */
	uint32_t tx_spi;
	uint16_t keepalive;	/* seconds between NAT keepalives, 0 = none */
	struct s2s_addr nat_remote;	/* where UDP-encapsulated ESP goes now */
	uint16_t nat_dport;
	uint32_t if_id;		/* xfrm interface ID carried, 0 = none */
	struct s2s_addr probe;	/* family 0: no probing */
	uint32_t probe_interval;	/* ms */
	uint32_t probe_misses;
	uint8_t peer_state;	/* enum s2s_peer_state */
	struct s2s_stats stats;
	uint32_t ike_sel_refused;	/* xfrm policies not mirrored */
};

struct s2s_key {
	unsigned int len;
	uint8_t bytes[S2S_KEY_MAX];
};

/* Lifetime limits, in the order of S2S_SA_A_SOFT_BYTES .. HARD_SECONDS. */
enum s2s_lifetime {
	S2S_LT_SOFT_BYTES,
	S2S_LT_HARD_BYTES,
	S2S_LT_SOFT_PACKETS,
	S2S_LT_HARD_PACKETS,
	S2S_LT_SOFT_SECONDS,
	S2S_LT_HARD_SECONDS,
	S2S_LT_COUNT,
};

enum {
	S2S_SA_HAS_DIR			= 1u << 0,
	S2S_SA_HAS_SPI			= 1u << 1,
	S2S_SA_HAS_AEAD			= 1u << 2,	/* alg, key, icv bits */
	S2S_SA_HAS_ENC			= 1u << 3,	/* alg, key */
	S2S_SA_HAS_AUTH			= 1u << 4,	/* alg, key, trunc bits */
	S2S_SA_HAS_REPLAY		= 1u << 5,
	S2S_SA_HAS_SEQ			= 1u << 6,
	S2S_SA_HAS_STATE		= 1u << 7,
	S2S_SA_HAS_AGE			= 1u << 8,
	/* S2S_SA_HAS_LIFETIME(i): lifetime[i] given */
	S2S_SA_HAS_LIFETIME0		= 1u << 9,
};
#define S2S_SA_HAS_LIFETIME(i)	(S2S_SA_HAS_LIFETIME0 << (i))

struct s2s_sa {
	char ifname[IFNAMSIZ];
	uint32_t ifindex;
	unsigned int set;
	uint8_t dir;		/* enum s2s_dir */
	uint32_t spi;
	char aead_alg[S2S_ALG_NAME_SIZE];
	char enc_alg[S2S_ALG_NAME_SIZE];
	char auth_alg[S2S_ALG_NAME_SIZE];
	struct s2s_key aead_key;
	struct s2s_key enc_key;
	struct s2s_key auth_key;
	uint32_t icv_bits;
	uint32_t trunc_bits;
	uint32_t replay_window;
	bool esn;
	uint64_t lifetime[S2S_LT_COUNT];
	uint64_t seq;
	uint8_t state;		/* enum s2s_sa_state */
	uint64_t age;
	struct s2s_stats stats;
};

struct s2s_segment {
	char name[S2S_SEGMENT_NAME_SIZE];
	uint32_t mark;
	uint32_t mask;
	bool has_selectors;
	uint32_t selectors;	/* selectors naming it */
	struct s2s_stats stats;	/* tx = out, rx = in */
};

enum {
	S2S_SEL_HAS_ID			= 1u << 0,
	S2S_SEL_HAS_DIR			= 1u << 1,
	S2S_SEL_HAS_SRC			= 1u << 2,
	S2S_SEL_HAS_DST			= 1u << 3,
	S2S_SEL_HAS_PROTO		= 1u << 4,
	S2S_SEL_HAS_SPORT		= 1u << 5,
	S2S_SEL_HAS_DPORT		= 1u << 6,
	S2S_SEL_HAS_SEGMENT		= 1u << 7,
	S2S_SEL_HAS_ACTION		= 1u << 8,
	S2S_SEL_HAS_PRIORITY		= 1u << 9,
	S2S_SEL_HAS_MATCHES		= 1u << 10,
};

struct s2s_selector {
	char ifname[IFNAMSIZ];
	uint32_t ifindex;
	unsigned int set;
	uint32_t id;
	uint8_t dir;
	struct s2s_addr src;
	struct s2s_addr dst;
	uint8_t proto;		/* 0 = any */
	uint16_t sport_min, sport_max;
	uint16_t dport_min, dport_max;
	char segment[S2S_SEGMENT_NAME_SIZE];
	uint8_t action;		/* enum s2s_sel_action */
	uint32_t priority;
	uint64_t matches;	/* packets */
	uint64_t match_bytes;
	uint8_t origin;		/* enum s2s_sel_origin */
};

/* A notification from the "events" group. */
struct s2s_event {
	uint8_t cmd;		/* S2S_CMD_EVENT_* */
	char ifname[IFNAMSIZ];
	uint32_t ifindex;
	uint8_t dir;		/* SA events */
	uint32_t spi;
	bool has_seq;
	uint64_t seq;
	uint8_t kind;		/* SA expiry: enum s2s_expire_kind */
	uint8_t limit;		/* SA expiry: enum s2s_expire_limit */
	bool has_state;
	uint8_t oper_state;	/* tunnel state */
	bool has_nat;		/* NAT mapping */
	struct s2s_addr nat_remote;
	uint16_t nat_dport;
	bool has_peer_state;
	uint8_t peer_state;	/* enum s2s_peer_state */
	uint32_t replaced_spi;	/* SA rekey: the outbound SA replaced */
};

#endif /* S2SCTL_S2S_H */
