/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The per-packet crypto request, shared by both directions of the ESP data
 * path (output.c, input.c), and the one way a data-path packet is dropped.
 */
#ifndef _S2S_CRYPTO_H
#define _S2S_CRYPTO_H

#include <crypto/aead.h>
#include <linux/skbuff.h>
#include "queueing.h"
#include "stats.h"
#include "transport.h"

struct s2s_sa;
struct s2s_tunnel;

/**
 * struct s2s_crypt - per-packet crypto state, one allocation
 * @skb: the packet
 * @sa: the SA, referenced
 * @dev: the tunnel device, referenced
 * @outer: outbound: where and how the ESP packet goes (its dst
 *	referenced); inbound: the outer family and DS field it came with
 * @seq: full sequence number
 * @inner_len: outbound: inner packet length
 * @mark: inbound: the tunnel's mark for the decrypted packet
 * @mark_mask: inbound: the bits of skb->mark that @mark owns
 * @iv: the IV given to the AEAD (CBC modifies it), in the tail
 * @aad: the AAD followed by a copy of the IV, in the tail
 * @dev_tracker: tracks the reference on @dev
 * @size: bytes allocated, so that a spare can be reused for another SA
 * @job: the packet's place in its tunnel's crypto queue
 * @req: the AEAD request; its context, the IV, the AAD and the
 *	scatterlist follow, each sized for the SA
 */
struct s2s_crypt {
	struct sk_buff *skb;
	struct s2s_sa *sa;
	struct net_device *dev;
	struct s2s_outer outer;
	u64 seq;
	unsigned int inner_len;
	u32 mark;
	u32 mark_mask;
	u8 *iv;
	u8 *aad;
	netdevice_tracker dev_tracker;
	unsigned int size;
	struct s2s_job job;
	struct aead_request req;
};

struct s2s_crypt *s2s_crypt_prepare(struct s2s_sa *sa, struct sk_buff *skb,
				    int nfrags, u64 seq, unsigned int cryptlen,
				    bool encrypt);
void s2s_crypt_hold_dev(struct s2s_crypt *c, struct net_device *dev);
void s2s_crypt_free(struct s2s_crypt *c);
enum s2s_drop_reason s2s_crypt_reason(int err, bool decrypt);
void s2s_crypt_cache_exit(void);
void s2s_count_drop(struct s2s_tunnel *t, struct s2s_sa *sa,
		    enum s2s_drop_reason reason);
void s2s_drop(struct s2s_tunnel *t, struct s2s_sa *sa, struct sk_buff *skb,
	      enum s2s_drop_reason reason);

#endif /* _S2S_CRYPTO_H */
