/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Security associations: crypto state, lifetimes, lookup by SPI.
 */
#ifndef _S2S_SA_H
#define _S2S_SA_H

#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>
#include <crypto/aead.h>
#include "../uapi/linux/s2svpn.h"
#include "replay.h"
#include "stats.h"

struct s2s_tunnel;
struct s2s_net;
struct s2s_sa_id;

/*
 * The largest IV, ICV and cipher block of the supported algorithms
 * (AES-CBC's IV and block, HMAC-SHA-512-256's ICV), and so ESP's worst-case
 * overhead on an inner packet: SPI and sequence number, IV, up to a block
 * less one of padding, pad length and next header, ICV.
 */
#define S2S_ESP_IV_MAX 16
#define S2S_ESP_ICV_MAX 32
#define S2S_ESP_BLOCK_MAX 16
#define S2S_ESP_HLEN_MAX (8 + S2S_ESP_IV_MAX)
#define S2S_ESP_TRAILER_MAX (S2S_ESP_BLOCK_MAX - 1 + 2 + S2S_ESP_ICV_MAX)
#define S2S_ESP_MAX_OVERHEAD (S2S_ESP_HLEN_MAX + S2S_ESP_TRAILER_MAX)

/**
 * struct s2s_sa_config - SA parameters, as netlink supplies them
 * @dir: enum s2s_dir
 * @spi: SPI, host order
 * @aead_alg: AEAD algorithm name, or "" for cipher + HMAC
 * @aead_key: AEAD key followed by the 4-byte salt
 * @aead_keylen: bytes in @aead_key
 * @icv_bits: AEAD ICV length
 * @enc_alg: cipher name (with @auth_alg), or ""
 * @enc_key: cipher key
 * @enc_keylen: bytes in @enc_key
 * @auth_alg: HMAC name, or ""
 * @auth_key: HMAC key
 * @auth_keylen: bytes in @auth_key
 * @auth_trunc_bits: ICV length, 0 for the RFC 2404/4868 length
 * @replay_window: anti-replay window (inbound), 0 = off
 * @esn: extended sequence numbers
 * @soft_bytes: soft lifetime in bytes, 0 = none (likewise below)
 * @hard_bytes: hard lifetime in bytes
 * @soft_packets: soft lifetime in packets
 * @hard_packets: hard lifetime in packets
 * @soft_seconds: soft lifetime in seconds
 * @hard_seconds: hard lifetime in seconds
 * @seq: outbound: the last sequence number already used, for an SA that
 *	moves from another gateway or process; 0 for a new SA
 */
struct s2s_sa_config {
	u8 dir;
	u32 spi;
	char aead_alg[S2S_ALG_NAME_SIZE];
	u8 aead_key[S2S_KEY_MAX];
	u32 aead_keylen;
	u32 icv_bits;
	char enc_alg[S2S_ALG_NAME_SIZE];
	u8 enc_key[S2S_KEY_MAX];
	u32 enc_keylen;
	char auth_alg[S2S_ALG_NAME_SIZE];
	u8 auth_key[S2S_KEY_MAX];
	u32 auth_keylen;
	u32 auth_trunc_bits;
	u32 replay_window;
	bool esn;
	u64 soft_bytes;
	u64 hard_bytes;
	u64 soft_packets;
	u64 hard_packets;
	u64 soft_seconds;
	u64 hard_seconds;
	u64 seq;
};

/* s2s_sa.flags bits */
enum {
	S2S_SA_SOFT_FIRED,	/* soft expiry reached; event pending or sent */
	S2S_SA_SOFT_SENT,
	S2S_SA_HARD_FIRED,	/* hard expiry reached; removal pending */
	S2S_SA_WRAP_FIRED,	/* outbound sequence space exhausted */
	S2S_SA_WRAP_SENT,
};

/**
 * struct s2s_sa - one security association
 * @spi_node: entry in s2s_net.sa_in (inbound SAs only; RCU)
 * @tunnel_node: entry in s2s_tunnel.sa_list (RTNL)
 * @tunnel: owning tunnel, set when the SA is linked, before the SPI table
 *	publishes it; still set after the SA is unlinked, when a key-manager
 *	binding (km.c) may keep the SA until it reconciles, past the tunnel's
 *	life: only code that found the SA through its tunnel or the SPI table
 *	may follow it
 * @rcu: deferred free
 * @free_work: frees the crypto transform in process context
 * @refcnt: references from the tunnel and from in-flight crypto requests
 * @spi: SPI in network order
 * @dir: enum s2s_dir
 * @esn: 64-bit extended sequence numbers
 * @tfm: AEAD transform (rfc4106(gcm(aes)) or authenc[esn](hmac(..),cbc(aes)))
 * @ivlen: IV length on the wire
 * @icvlen: ICV length on the wire
 * @blocksize: padding alignment (cipher block size, at least 4)
 * @seq_out: last outbound sequence number used (outbound SAs)
 * @replay: anti-replay window (inbound SAs)
 * @cur_bytes: bytes processed, for lifetime limits
 * @cur_packets: packets processed, for lifetime limits
 * @add_time: ktime_get_seconds() when the SA was added
 * @flags: S2S_SA_* expiry state bits
 * @soft_limit: which limit fired the soft expiry (enum s2s_expire_limit)
 * @hard_limit: which limit fired the hard expiry (enum s2s_expire_limit)
 * @cfg_limits: the configured lifetime limits (copied from the config)
 * @aead_alg: AEAD algorithm name as configured (one of this module's
 *	constant strings: the configured name was checked against them), or
 *	NULL
 * @enc_alg: cipher name as configured (authenc SAs), likewise, or NULL
 * @auth_alg: HMAC name as configured (authenc SAs), likewise, or NULL
 * @replay_window: configured anti-replay window (inbound)
 * @udp_local: ESP in UDP (RFC 3948) that an xfrm state's encapsulation
 *	asks for (km.c): our UDP port, network order; 0 = ESP over IP.
 *	Set before the SA is linked, never changed after.
 * @udp_peer: with @udp_local, the peer's UDP port the state names
 * @stats: per-SA counters
 *
 * 512 bytes on x86-64 (pahole), the kmalloc-512 size class: one field more
 * moves every SA to 1 KiB, so the algorithm names are pointers to this
 * module's constants rather than copies (issue 14: at most 4 KiB per SA).
 */
struct s2s_sa {
	struct rhlist_head spi_node;
	struct list_head tunnel_node;
	struct s2s_tunnel *tunnel;
	struct rcu_head rcu;
	struct work_struct free_work;
	refcount_t refcnt;
	__be32 spi;
	u8 dir;
	bool esn;
	struct crypto_aead *tfm;
	unsigned int ivlen;
	unsigned int icvlen;
	unsigned int blocksize;
	atomic64_t seq_out;
	struct s2s_replay replay;
	atomic64_t cur_bytes;
	atomic64_t cur_packets;
	time64_t add_time;
	unsigned long flags;
	u8 soft_limit;
	u8 hard_limit;
	struct {
		u64 soft_bytes, hard_bytes;
		u64 soft_packets, hard_packets;
		u64 soft_seconds, hard_seconds;
	} cfg_limits;
	const char *aead_alg;
	const char *enc_alg;
	const char *auth_alg;
	u32 replay_window;
	__be16 udp_local;
	__be16 udp_peer;
	struct s2s_stats stats;
};

int s2s_sa_init(void);
void s2s_sa_exit(void);
int s2s_sa_net_init(struct s2s_net *sn);
void s2s_sa_net_close(struct s2s_net *sn);
void s2s_sa_net_exit(struct s2s_net *sn);

struct s2s_sa *s2s_sa_create(const struct s2s_sa_config *cfg,
			     struct netlink_ext_ack *extack);
int s2s_sa_link(struct s2s_tunnel *t, struct s2s_sa *sa,
		struct netlink_ext_ack *extack);
int s2s_sa_del(struct s2s_tunnel *t, u8 dir, u32 spi,
	       struct netlink_ext_ack *extack);
void s2s_sa_flush(struct s2s_tunnel *t);
struct s2s_sa *s2s_sa_lookup(struct s2s_tunnel *t, u8 dir, __be32 spi);
union s2s_addr;
struct sk_buff;

struct s2s_sa *s2s_sa_lookup_in(struct s2s_net *sn, __be32 spi, u16 family,
				const union s2s_addr *daddr);
struct s2s_sa *s2s_sa_out_get(struct s2s_tunnel *t, const struct sk_buff *skb);
void s2s_sa_put(struct s2s_sa *sa);
u8 s2s_sa_state(const struct s2s_sa *sa);
void s2s_sa_get_id(const struct s2s_sa *sa, struct s2s_sa_id *id);
bool s2s_sa_account(struct s2s_sa *sa, unsigned int len);
void s2s_sa_seq_exhausted(struct s2s_sa *sa);
void s2s_sa_expire_work(struct work_struct *work);
unsigned int s2s_sa_inner_mtu(const struct s2s_sa *sa, int room);
unsigned int s2s_tunnel_mtu(struct s2s_tunnel *t);
void s2s_tunnel_update_mtu(struct s2s_tunnel *t);
void s2s_tunnel_update_carrier(struct s2s_tunnel *t);

static inline bool s2s_sa_get(struct s2s_sa *sa)
{
	return refcount_inc_not_zero(&sa->refcnt);
}

#endif /* _S2S_SA_H */
