/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * s2svpn: site-to-site IPsec ESP data plane, userspace API.
 *
 * The generic netlink family "s2svpn" configures tunnels, security
 * associations (SAs), segments and traffic selectors, and multicasts events
 * on the group "events".  Documentation/netlink/s2svpn.yaml is the
 * specification this header follows.
 *
 * Conventions:
 *  - Every object lives in the network namespace the request is sent from.
 *  - A tunnel is named by S2S_A_IFINDEX or S2S_A_IFNAME (top level).
 *  - Addresses are raw network-order bytes: 4 bytes for IPv4, 16 for IPv6.
 *  - SPIs are host-order u32 values of the 32-bit wire SPI.
 *  - Counters are u64.
 */
#ifndef _UAPI_LINUX_S2SVPN_H
#define _UAPI_LINUX_S2SVPN_H

#define S2S_GENL_NAME		"s2svpn"
#define S2S_GENL_VERSION	1
#define S2S_GENL_MCGRP_EVENTS	"events"

/* rtnetlink link kind */
#define S2S_LINK_KIND		"s2svpn"

/* UDP encapsulation (RFC 3948) defaults and limits */
#define S2S_ENCAP_PORT_DEFAULT	4500
#define S2S_KEEPALIVE_DEFAULT	20	/* seconds, as strongSwan */
#define S2S_KEEPALIVE_MAX	3600

/* s2svpn tunnels one network namespace may hold */
#define S2S_TUNNELS_MAX		16384

/*
 * Limits.  The module enforces them and s2sctl checks them before asking;
 * Documentation/netlink/s2svpn.yaml states the same values.
 */
#define S2S_SAS_MAX		65536	/* SAs per namespace (all tunnels) */
#define S2S_SEGMENTS_MAX	1024	/* segments per namespace */
#define S2S_TUNNEL_IN_SAS_MAX	8	/* inbound SAs per tunnel */
#define S2S_SEGMENT_NAME_SIZE	32	/* bytes with the NUL: 1..31 characters */
#define S2S_ALG_NAME_SIZE	64	/* bytes with the NUL */
#define S2S_KEY_MAX		128	/* bytes of one key */
#define S2S_SPI_MIN		256	/* RFC 4303: 1..255 reserved, 0 local */
#define S2S_REPLAY_WINDOW_MIN	32	/* packets; 0 turns the window off */
#define S2S_REPLAY_WINDOW_MAX	4096
#define S2S_REPLAY_WINDOW_DEFAULT 1024
#define S2S_MTU_MIN		68	/* RFC 791 */
#define S2S_MTU_MAX		65422	/* 65535 - IPv6 header - worst ESP overhead */
#define S2S_TUNNEL_SELECTORS_MAX 16384	/* selectors per tunnel, both directions */
#define S2S_SEL_PRIORITY_MAX	65535	/* selector priorities: 0..MAX, lower first */
#define S2S_SEL_PRIORITY_DEFAULT 1000	/* when a selector names none */
#define S2S_PROBE_INTERVAL_MIN	10	/* ms between liveness probes */
#define S2S_PROBE_INTERVAL_MAX	30000	/* fits the s16 policy bounds of 6.1 */
#define S2S_PROBE_INTERVAL_DEFAULT 1000
#define S2S_PROBE_MISSES_MIN	1	/* silent intervals before the peer is dead */
#define S2S_PROBE_MISSES_MAX	255
#define S2S_PROBE_MISSES_DEFAULT 3

/*
 * Algorithms, by their crypto API names (as "ip xfrm" writes them), and
 * the ICV lengths each may use: those real peers use, no others.
 * S2S_ICV_SET(bits) is the bit of a length in an S2S_*_ICV_BITS set, and
 * S2S_ICV_ALLOWED(set, bits) says whether @bits is in @set.
 */
#define S2S_ALG_GCM_AES		"rfc4106(gcm(aes))"	/* key || 4-byte salt */
#define S2S_ALG_CBC_AES		"cbc(aes)"
#define S2S_ALG_HMAC_SHA1	"hmac(sha1)"
#define S2S_ALG_HMAC_SHA256	"hmac(sha256)"
#define S2S_ALG_HMAC_SHA384	"hmac(sha384)"
#define S2S_ALG_HMAC_SHA512	"hmac(sha512)"

#define S2S_ICV_SET(bits)	(1U << ((bits) / 32))
#define S2S_ICV_ALLOWED(set, bits) \
	((bits) % 32 == 0 && (bits) <= 256 && ((set) & S2S_ICV_SET(bits)))

/* rfc4106(gcm(aes)): 64, 96 or 128 bits (RFC 4106), default 128 */
#define S2S_GCM_ICV_BITS \
	(S2S_ICV_SET(64) | S2S_ICV_SET(96) | S2S_ICV_SET(128))
#define S2S_GCM_ICV_DEFAULT	128
/* HMAC: the RFC 2404/4868 length (the default), and SHA-256's legacy 96 */
#define S2S_SHA1_ICV_BITS	S2S_ICV_SET(96)
#define S2S_SHA1_ICV_DEFAULT	96
#define S2S_SHA256_ICV_BITS	(S2S_ICV_SET(96) | S2S_ICV_SET(128))
#define S2S_SHA256_ICV_DEFAULT	128
#define S2S_SHA384_ICV_BITS	S2S_ICV_SET(192)
#define S2S_SHA384_ICV_DEFAULT	192
#define S2S_SHA512_ICV_BITS	S2S_ICV_SET(256)
#define S2S_SHA512_ICV_DEFAULT	256

enum s2s_cmd {
	S2S_CMD_UNSPEC,
	S2S_CMD_VERSION_GET,	/* reply: S2S_A_VERSION */
	S2S_CMD_TUNNEL_NEW,	/* IFNAME + TUNNEL nest */
	S2S_CMD_TUNNEL_SET,	/* IFINDEX|IFNAME + TUNNEL nest */
	S2S_CMD_TUNNEL_DEL,	/* IFINDEX|IFNAME */
	S2S_CMD_TUNNEL_GET,	/* doit with IFINDEX|IFNAME, or dump */
	S2S_CMD_SA_NEW,		/* IFINDEX|IFNAME + SA nest */
	S2S_CMD_SA_DEL,		/* IFINDEX|IFNAME + SA nest (DIR, SPI) */
	S2S_CMD_SA_GET,		/* dump; optional IFINDEX|IFNAME filter */
	S2S_CMD_SEGMENT_NEW,	/* SEGMENT nest */
	S2S_CMD_SEGMENT_DEL,	/* SEGMENT nest (NAME) */
	S2S_CMD_SEGMENT_GET,	/* dump */
	S2S_CMD_SELECTOR_NEW,	/* IFINDEX|IFNAME + SELECTOR nest; reply ID */
	S2S_CMD_SELECTOR_DEL,	/* IFINDEX|IFNAME + SELECTOR nest (ID) */
	S2S_CMD_SELECTOR_GET,	/* dump; optional IFINDEX|IFNAME filter */

	/* notifications on the "events" group */
	S2S_CMD_EVENT_SA_EXPIRE,	/* tunnel + SA(DIR, SPI) + EXPIRE */
	S2S_CMD_EVENT_SEQ_WRAP,		/* tunnel + SA(DIR, SPI, SEQ) */
	S2S_CMD_EVENT_TUNNEL_STATE,	/* tunnel + TUNNEL(OPER_STATE) */
	S2S_CMD_EVENT_NAT_MAPPING,	/* tunnel + TUNNEL(NAT_REMOTE,
					 * NAT_DPORT): an authenticated
					 * ESP-in-UDP packet came from a new
					 * address or port; output follows it */
	S2S_CMD_EVENT_SA_REKEY,		/* tunnel + SA(DIR out, SPI, STATE,
					 * REPLACED_SPI): a new outbound SA
					 * took over transmission */

	__S2S_CMD_MAX,
};
#define S2S_CMD_MAX (__S2S_CMD_MAX - 1)

/* top-level attributes */
enum s2s_attr {
	S2S_A_UNSPEC,
	S2S_A_IFINDEX,		/* u32 */
	S2S_A_IFNAME,		/* string */
	S2S_A_VERSION,		/* string, module version */
	S2S_A_TUNNEL,		/* nest: enum s2s_tunnel_attr */
	S2S_A_SA,		/* nest: enum s2s_sa_attr */
	S2S_A_SEGMENT,		/* nest: enum s2s_segment_attr */
	S2S_A_SELECTOR,		/* nest: enum s2s_selector_attr */
	S2S_A_EXPIRE,		/* nest: enum s2s_expire_attr */
	__S2S_A_MAX,
};
#define S2S_A_MAX (__S2S_A_MAX - 1)

enum s2s_mode {
	S2S_MODE_ROUTE = 1,
	S2S_MODE_POLICY = 2,
};

enum s2s_encap {
	S2S_ENCAP_NONE = 0,
	S2S_ENCAP_UDP = 1,	/* RFC 3948 ESP-in-UDP */
};

enum s2s_oper_state {
	S2S_STATE_DOWN = 0,
	S2S_STATE_UP = 1,
};

/* What liveness probing knows of the peer (S2S_TUNNEL_A_PEER_STATE) */
enum s2s_peer_state {
	S2S_PEER_UNKNOWN = 0,	/* no probing configured */
	S2S_PEER_ALIVE = 1,	/* authenticated traffic within the limit */
	S2S_PEER_DEAD = 2,	/* silent for probe-misses intervals: no carrier */
};

enum s2s_tunnel_attr {
	S2S_TUNNEL_A_UNSPEC,
	S2S_TUNNEL_A_LOCAL,		/* binary: 4 or 16 bytes */
	S2S_TUNNEL_A_REMOTE,		/* binary: 4 or 16 bytes */
	S2S_TUNNEL_A_MODE,		/* u8: enum s2s_mode */
	S2S_TUNNEL_A_MARK,		/* u32: mark set on decrypted packets */
	S2S_TUNNEL_A_MARK_MASK,		/* u32 */
	S2S_TUNNEL_A_MTU,		/* u32: 0 = derived from the underlay */
	S2S_TUNNEL_A_ENCAP,		/* u8: enum s2s_encap */
	S2S_TUNNEL_A_ENCAP_SPORT,	/* u16 */
	S2S_TUNNEL_A_ENCAP_DPORT,	/* u16 */
	S2S_TUNNEL_A_OPER_STATE,	/* u8: enum s2s_oper_state (read-only) */
	S2S_TUNNEL_A_STATS,		/* nest: enum s2s_stats_attr (read-only) */
	S2S_TUNNEL_A_IFINDEX,		/* u32 (read-only) */
	S2S_TUNNEL_A_IFNAME,		/* string (read-only) */
	S2S_TUNNEL_A_TX_SPI,		/* u32: active outbound SPI (read-only) */
	S2S_TUNNEL_A_LINK_MTU,		/* u32: current device MTU (read-only) */
	S2S_TUNNEL_A_ENCAP_KEEPALIVE,	/* u16: seconds between NAT keepalives,
					 * 0 = none; default 20 with encap udp */
	S2S_TUNNEL_A_NAT_REMOTE,	/* binary: where UDP-encapsulated ESP
					 * goes now: REMOTE, or the address
					 * learned from the peer (read-only) */
	S2S_TUNNEL_A_NAT_DPORT,		/* u16: and its port (read-only) */
	S2S_TUNNEL_A_IF_ID,		/* u32: carry the xfrm states with this
					 * interface ID; 0 = none */
	S2S_TUNNEL_A_PROBE_ADDR,	/* binary: 4 or 16 bytes, 0 bytes = off */
	S2S_TUNNEL_A_PROBE_INTERVAL,	/* u32: ms between probes */
	S2S_TUNNEL_A_PROBE_MISSES,	/* u32: silent intervals before dead */
	S2S_TUNNEL_A_PEER_STATE,	/* u8: enum s2s_peer_state (read-only) */
	S2S_TUNNEL_A_IKE_SEL_REFUSED,	/* u32: xfrm policies of the if-id not
					 * mirrored into selectors (read-only) */
	__S2S_TUNNEL_A_MAX,
};
#define S2S_TUNNEL_A_MAX (__S2S_TUNNEL_A_MAX - 1)

enum s2s_dir {
	S2S_DIR_IN = 1,
	S2S_DIR_OUT = 2,
};

enum s2s_sa_attr {
	S2S_SA_A_UNSPEC,
	S2S_SA_A_DIR,			/* u8: enum s2s_dir */
	S2S_SA_A_SPI,			/* u32 */
	S2S_SA_A_AEAD_ALG,		/* string, e.g. "rfc4106(gcm(aes))" */
	S2S_SA_A_AEAD_KEY,		/* binary: key || 4-byte salt */
	S2S_SA_A_ICV_BITS,		/* u32: S2S_GCM_ICV_BITS (AEAD) */
	S2S_SA_A_ENC_ALG,		/* string, "cbc(aes)" */
	S2S_SA_A_ENC_KEY,		/* binary */
	S2S_SA_A_AUTH_ALG,		/* string, "hmac(sha256)" ... */
	S2S_SA_A_AUTH_KEY,		/* binary */
	S2S_SA_A_AUTH_TRUNC_BITS,	/* u32: S2S_SHA*_ICV_BITS */
	S2S_SA_A_REPLAY_WINDOW,		/* u32: 0 (off) or S2S_REPLAY_WINDOW_MIN..MAX */
	S2S_SA_A_ESN,			/* flag */
	S2S_SA_A_SOFT_BYTES,		/* u64, 0 = none */
	S2S_SA_A_HARD_BYTES,		/* u64 */
	S2S_SA_A_SOFT_PACKETS,		/* u64 */
	S2S_SA_A_HARD_PACKETS,		/* u64 */
	S2S_SA_A_SOFT_SECONDS,		/* u64 */
	S2S_SA_A_HARD_SECONDS,		/* u64 */
	S2S_SA_A_SEQ,			/* u64: last sequence number used (out)
					 * or highest received (in); settable
					 * on add for outbound SAs */
	S2S_SA_A_STATS,			/* nest: enum s2s_stats_attr (read-only) */
	S2S_SA_A_STATE,			/* u8: enum s2s_sa_state (read-only) */
	S2S_SA_A_AGE,			/* u64: seconds since added (read-only) */
	S2S_SA_A_IFINDEX,		/* u32: owning tunnel (read-only) */
	S2S_SA_A_IFNAME,		/* string: owning tunnel (read-only) */
	S2S_SA_A_PAD,
	S2S_SA_A_REPLACED_SPI,		/* u32: the outbound SA it replaced
					 * (sa-rekey events, read-only) */
	__S2S_SA_A_MAX,
};
#define S2S_SA_A_MAX (__S2S_SA_A_MAX - 1)

enum s2s_sa_state {
	S2S_SA_STATE_VALID = 0,
	S2S_SA_STATE_SOFT_EXPIRED = 1,	/* still usable; rekey now */
	S2S_SA_STATE_DEAD = 2,		/* hard expired or sequence exhausted */
};

/*
 * Counters.  Each drop reason is its own attribute in S2S_STATS_A_DROPS,
 * with the attribute type being the enum s2s_drop_reason value, so new
 * reasons never break old tools.
 */
enum s2s_stats_attr {
	S2S_STATS_A_UNSPEC,
	S2S_STATS_A_TX_PACKETS,		/* u64 */
	S2S_STATS_A_TX_BYTES,		/* u64: inner bytes */
	S2S_STATS_A_RX_PACKETS,		/* u64 */
	S2S_STATS_A_RX_BYTES,		/* u64: inner bytes */
	S2S_STATS_A_DROPS,		/* nest: type = enum s2s_drop_reason, u64 */
	S2S_STATS_A_PAD,
	__S2S_STATS_A_MAX,
};
#define S2S_STATS_A_MAX (__S2S_STATS_A_MAX - 1)

enum s2s_drop_reason {
	S2S_DROP_UNSPEC,
	S2S_DROP_NO_SA,		/* rx: unknown SPI for this tunnel */
	S2S_DROP_AUTH,		/* rx: ICV check failed */
	S2S_DROP_REPLAY,	/* rx: duplicate or older than the window */
	S2S_DROP_BAD_TRAILER,	/* rx: bad padding, pad length or next header */
	S2S_DROP_OUTER_MISMATCH, /* rx: outer addresses are not the tunnel's */
	S2S_DROP_MALFORMED,	/* rx: truncated or not a multiple of the block */
	S2S_DROP_DUMMY,		/* rx: next header 59 (RFC 4303 dummy packet) */
	S2S_DROP_ECN,		/* rx: CE outer on not-ECT inner (RFC 6040) */
	S2S_DROP_SA_EXPIRED,	/* rx/tx: SA hard expired or dead */
	S2S_DROP_NO_OUT_SA,	/* tx: no outbound SA */
	S2S_DROP_TOO_BIG,	/* tx: DF set and does not fit; ICMP sent */
	S2S_DROP_SEQ_EXHAUSTED,	/* tx: sequence number would wrap */
	S2S_DROP_NO_ROUTE,	/* tx: no route to the remote gateway */
	S2S_DROP_LOOP,		/* tx: route to remote points into the tunnel */
	S2S_DROP_BAD_INNER,	/* rx/tx: bad inner IPv4/IPv6 header */
	S2S_DROP_NO_MEM,	/* rx/tx: allocation failed */
	S2S_DROP_CRYPTO,	/* rx/tx: crypto API error other than auth */
	S2S_DROP_POLICY_DISCARD, /* selector action discard */
	S2S_DROP_NO_POLICY,	/* tx: outbound selectors exist, none protects the packet */
	S2S_DROP_DOWN,		/* tunnel administratively down */
	S2S_DROP_CRYPTO_BUSY,	/* rx/tx: crypto engine queue full */
	S2S_DROP_QUEUE_FULL,	/* rx/tx: ordered parallel queue full */
	S2S_DROP_SELECTOR_MISMATCH, /* rx: decrypted packet matches no inbound selector */
	S2S_DROP_NAT_KEEPALIVE,	/* rx: NAT keepalive (one 0xff byte) consumed */
	S2S_DROP_NON_ESP,	/* rx: IKE (non-ESP marker) on the encapsulation
				 * port: no IKE daemon owns s2svpn's socket */
	S2S_DROP_SA_PENDING,	/* rx: SA installed through xfrm, not ready yet */
	S2S_DROP_UNDERLAY,	/* tx: the underlay refused the ESP packet */
	__S2S_DROP_MAX,
};
#define S2S_DROP_MAX (__S2S_DROP_MAX - 1)

enum s2s_segment_attr {
	S2S_SEGMENT_A_UNSPEC,
	S2S_SEGMENT_A_NAME,		/* string, < S2S_SEGMENT_NAME_SIZE */
	S2S_SEGMENT_A_MARK,		/* u32 */
	S2S_SEGMENT_A_MASK,		/* u32, default 0xffffffff */
	S2S_SEGMENT_A_STATS,		/* nest: enum s2s_stats_attr (read-only):
					 * tx = out, rx = in, drops by reason */
	S2S_SEGMENT_A_SELECTORS,	/* u32: selectors naming it (read-only) */
	__S2S_SEGMENT_A_MAX,
};
#define S2S_SEGMENT_A_MAX (__S2S_SEGMENT_A_MAX - 1)

enum s2s_sel_action {
	S2S_SEL_PROTECT = 1,
	S2S_SEL_BYPASS = 2,
	S2S_SEL_DISCARD = 3,
};

/* Who added a selector (S2S_SEL_A_ORIGIN) */
enum s2s_sel_origin {
	S2S_SEL_ORIGIN_USER = 0,	/* selector-new */
	S2S_SEL_ORIGIN_IKE = 1,		/* an xfrm policy of the if-id */
};

enum s2s_selector_attr {
	S2S_SEL_A_UNSPEC,
	S2S_SEL_A_ID,			/* u32, assigned by the kernel */
	S2S_SEL_A_DIR,			/* u8: enum s2s_dir */
	S2S_SEL_A_SRC,			/* binary: 4 or 16 bytes */
	S2S_SEL_A_SRC_PLEN,		/* u8 */
	S2S_SEL_A_DST,			/* binary */
	S2S_SEL_A_DST_PLEN,		/* u8 */
	S2S_SEL_A_PROTO,		/* u8, 0 = any */
	S2S_SEL_A_SPORT_MIN,		/* u16; ICMP/ICMPv6: lowest type */
	S2S_SEL_A_SPORT_MAX,		/* u16; ICMP/ICMPv6: highest type */
	S2S_SEL_A_DPORT_MIN,		/* u16; ICMP/ICMPv6: lowest code */
	S2S_SEL_A_DPORT_MAX,		/* u16; ICMP/ICMPv6: highest code */
	S2S_SEL_A_SEGMENT,		/* string: segment name */
	S2S_SEL_A_ACTION,		/* u8: enum s2s_sel_action */
	S2S_SEL_A_PRIORITY,		/* u32: 0..S2S_SEL_PRIORITY_MAX, lower
					 * runs first */
	S2S_SEL_A_MATCHES,		/* u64: packets matched (read-only) */
	S2S_SEL_A_PAD,
	S2S_SEL_A_MATCH_BYTES,		/* u64: their bytes (read-only) */
	S2S_SEL_A_ORIGIN,		/* u8: enum s2s_sel_origin (read-only) */
	__S2S_SEL_A_MAX,
};
#define S2S_SEL_A_MAX (__S2S_SEL_A_MAX - 1)

enum s2s_expire_kind {
	S2S_EXPIRE_SOFT = 1,
	S2S_EXPIRE_HARD = 2,
};

enum s2s_expire_limit {
	S2S_LIMIT_BYTES = 1,
	S2S_LIMIT_PACKETS = 2,
	S2S_LIMIT_SECONDS = 3,
};

enum s2s_expire_attr {
	S2S_EXPIRE_A_UNSPEC,
	S2S_EXPIRE_A_KIND,		/* u8: enum s2s_expire_kind */
	S2S_EXPIRE_A_LIMIT,		/* u8: enum s2s_expire_limit */
	__S2S_EXPIRE_A_MAX,
};
#define S2S_EXPIRE_A_MAX (__S2S_EXPIRE_A_MAX - 1)

/* rtnetlink: IFLA_INFO_DATA for link kind "s2svpn" */
enum {
	IFLA_S2S_UNSPEC,
	IFLA_S2S_LOCAL,		/* binary: 4 or 16 bytes */
	IFLA_S2S_REMOTE,	/* binary: 4 or 16 bytes */
	IFLA_S2S_MODE,		/* u8: enum s2s_mode */
	__IFLA_S2S_MAX,
};
#define IFLA_S2S_MAX (__IFLA_S2S_MAX - 1)

#endif /* _UAPI_LINUX_S2SVPN_H */
