// SPDX-License-Identifier: GPL-2.0-only
/*
 * The per-packet crypto request, for both directions.
 *
 * Each packet has one allocation: struct s2s_crypt, the AEAD request and
 * its context, the IV, the AAD with a copy of the IV, and the scatterlist,
 * each sized for the SA.  s2s_crypt_prepare() is the one place that sets
 * it up; the completion callback and a synchronous return both end in
 * s2s_job_complete(), which calls the direction's finish function.  The
 * AAD is (SPI, [seq_hi,] seq_lo) followed by the IV, so one layout serves
 * rfc4106(gcm(aes)), authenc() and authencesn() (assoclen = AAD + IV).
 *
 * A request that is done becomes its CPU's spare, and the next packet
 * prepared on that CPU reuses it if it is large enough: in the steady state
 * a packet costs no allocation (and no zeroing: Debian's init_on_alloc
 * clears every kmalloc()).  One spare per CPU at most, taken and put back
 * with this_cpu_cmpxchg(), so any context may free a request, on any CPU
 * (a parallel worker or an engine's callback finishes it elsewhere).
 * Everything a request carries is written again before it is used.  Keys
 * live in the transform, but an authenc request's context may keep hash
 * state derived from the HMAC key: a request that is freed instead of kept
 * (its CPU has a spare, the spare is too small, module unload) is cleared
 * with kfree_sensitive().
 *
 * Requests never carry CRYPTO_TFM_REQ_MAY_BACKLOG (as esp4): an engine
 * whose queue is full refuses the request, and the packet is dropped as
 * crypto_busy, so nobody can queue unbounded work with unauthenticated
 * packets.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <net/xfrm.h>
#include "compat.h"
#include "crypto.h"
#include "tunnel.h"
#include "sa.h"

#define S2S_AAD_MAX 12		/* SPI, seq_hi, seq_lo */

/* One done request per CPU, kept for the next packet (see the top). */
static DEFINE_PER_CPU(struct s2s_crypt *, s2s_crypt_spare);

/* The closest generic reason, for drop monitors (all exist on 6.1 and 6.12). */
static enum skb_drop_reason s2s_skb_reason(enum s2s_drop_reason reason)
{
	switch (reason) {
	case S2S_DROP_NO_MEM:
		return SKB_DROP_REASON_NOMEM;
	case S2S_DROP_MALFORMED:
		return SKB_DROP_REASON_PKT_TOO_SMALL;
	case S2S_DROP_TOO_BIG:
		return SKB_DROP_REASON_PKT_TOO_BIG;
	case S2S_DROP_NO_ROUTE:
	case S2S_DROP_LOOP:
		return SKB_DROP_REASON_IP_OUTNOROUTES;
	case S2S_DROP_BAD_INNER:
		return SKB_DROP_REASON_IP_INHDR;
	case S2S_DROP_DOWN:
		return SKB_DROP_REASON_DEV_READY;
	case S2S_DROP_CRYPTO_BUSY:
	case S2S_DROP_QUEUE_FULL:
		return SKB_DROP_REASON_FULL_RING;
	case S2S_DROP_NO_OUT_SA:
	case S2S_DROP_POLICY_DISCARD:
	case S2S_DROP_NO_POLICY:
		return SKB_DROP_REASON_XFRM_POLICY;
	default:
		return SKB_DROP_REASON_NOT_SPECIFIED;
	}
}

/**
 * s2s_count_drop() - count a data-path drop whose packet is already gone
 * @t: the tunnel, counted
 * @sa: the SA, counted too, or NULL
 * @reason: why
 */
void s2s_count_drop(struct s2s_tunnel *t, struct s2s_sa *sa,
		    enum s2s_drop_reason reason)
{
	s2s_stats_drop(&t->stats, reason);
	if (sa)
		s2s_stats_drop(&sa->stats, reason);
}

/**
 * s2s_drop() - drop a data-path packet and count it
 * @t: the tunnel, counted
 * @sa: the SA, counted too, or NULL
 * @skb: the packet, freed with the closest generic drop reason
 * @reason: why
 */
void s2s_drop(struct s2s_tunnel *t, struct s2s_sa *sa, struct sk_buff *skb,
	      enum s2s_drop_reason reason)
{
	s2s_count_drop(t, sa, reason);
	kfree_skb_reason(skb, s2s_skb_reason(reason));
}

/**
 * s2s_crypt_reason() - the drop reason for a failed crypto operation
 * @err: the result, not 0
 * @decrypt: the operation decrypted (-EBADMSG is then an ICV mismatch)
 *
 * Return: auth, crypto_busy (the engine refused: never backlogged),
 * queue_full (s2s_job_run() found the ordered queue full) or crypto.
 */
enum s2s_drop_reason s2s_crypt_reason(int err, bool decrypt)
{
	switch (err) {
	case -EBADMSG:
		return decrypt ? S2S_DROP_AUTH : S2S_DROP_CRYPTO;
	case -EBUSY:
	case -ENOSPC:
	case -EAGAIN:		/* pcrypt: too many requests in flight */
		return S2S_DROP_CRYPTO_BUSY;
	case -ENOBUFS:		/* from s2s_job_run(): the queue is full */
		return S2S_DROP_QUEUE_FULL;
	default:
		return S2S_DROP_CRYPTO;
	}
}

/**
 * s2s_crypt_hold_dev() - make a request hold its tunnel device
 * @c: the request
 * @dev: the tunnel device, which stays until s2s_crypt_free()
 */
void s2s_crypt_hold_dev(struct s2s_crypt *c, struct net_device *dev)
{
	c->dev = dev;
	netdev_hold(dev, &c->dev_tracker, GFP_ATOMIC);
}

/* @size bytes, from this CPU's spare if it is large enough. */
static struct s2s_crypt *s2s_crypt_get(unsigned int size)
{
	struct s2s_crypt *c = this_cpu_xchg(s2s_crypt_spare, NULL);

	if (likely(c && c->size >= size))
		return c;
	kfree_sensitive(c);	/* too small for this SA: replaced */
	size = kmalloc_size_roundup(size);
	c = kmalloc(size, GFP_ATOMIC);
	if (c)
		c->size = size;
	return c;
}

/* Keeps @c as this CPU's spare, or frees it when the CPU has one. */
static void s2s_crypt_put(struct s2s_crypt *c)
{
	if (this_cpu_cmpxchg(s2s_crypt_spare, NULL, c))
		kfree_sensitive(c);
}

/**
 * s2s_crypt_free() - release a request and the references it holds
 * @c: the request (its packet was sent, delivered or dropped)
 *
 * The device reference goes last: once the last request has put it, the
 * module may unload, and s2s_crypt_cache_exit() must then find every spare.
 */
void s2s_crypt_free(struct s2s_crypt *c)
{
	struct net_device *dev = c->dev;
	netdevice_tracker tracker = c->dev_tracker;

	dst_release(c->outer.dst);
	s2s_sa_put(c->sa);
	s2s_crypt_put(c);
	netdev_put(dev, &tracker);
}

/**
 * s2s_crypt_cache_exit() - free the CPUs' spare requests
 *
 * Called at module unload once no tunnel device is left, so no request is
 * in flight and none can become a spare any more.
 */
void s2s_crypt_cache_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		kfree_sensitive(per_cpu(s2s_crypt_spare, cpu));
		per_cpu(s2s_crypt_spare, cpu) = NULL;
	}
}

static S2S_CRYPTO_DONE(s2s_crypt_done)
{
	struct s2s_crypt *c = s2s_crypto_done_data();

	s2s_job_complete(&c->job, err);
}

static int s2s_encrypt_start(struct s2s_job *job)
{
	return crypto_aead_encrypt(&container_of(job, struct s2s_crypt, job)->req);
}

static int s2s_decrypt_start(struct s2s_job *job)
{
	return crypto_aead_decrypt(&container_of(job, struct s2s_crypt, job)->req);
}

/**
 * s2s_crypt_prepare() - set up the crypto request of one ESP packet
 * @sa: the SA whose transform, SPI and sizes apply
 * @skb: the packet, its ESP header at skb->data
 * @nfrags: the number of scatterlist entries @skb needs (skb_cow_data())
 * @seq: the full sequence number
 * @cryptlen: bytes after the ESP header and IV: payload, trailer and ICV
 * @encrypt: true to encrypt, false to decrypt and authenticate
 *
 * One allocation (or this CPU's spare) holds the request and its
 * context, the IV (aligned for the transform), the AAD followed by a copy
 * of the IV, and the scatterlist over the AAD and the ESP payload.  On
 * encryption a fresh IV is written into the ESP header; on decryption the
 * IV is read from it.
 * Requests are never backlogged.  Takes no references: the caller fills
 * in @sa, @dev and @outer, and sets @job.finish.
 *
 * Return: the request, NULL when out of memory, or an ERR_PTR when the
 * packet does not map.
 */
struct s2s_crypt *s2s_crypt_prepare(struct s2s_sa *sa, struct sk_buff *skb,
				    int nfrags, u64 seq, unsigned int cryptlen,
				    bool encrypt)
{
	struct crypto_aead *tfm = sa->tfm;
	unsigned int hlen = sizeof(struct ip_esp_hdr) + sa->ivlen;
	unsigned int len, aadlen;
	struct scatterlist *sg;
	struct s2s_crypt *c;
	__be32 *aad;
	u8 *p;
	int err;

	len = sizeof(*c) + crypto_aead_reqsize(tfm) +
	      crypto_aead_alignmask(tfm) + sa->ivlen + S2S_AAD_MAX + sa->ivlen;
	len = ALIGN(len, __alignof__(struct scatterlist));
	c = s2s_crypt_get(len + (nfrags + 1) * sizeof(*sg));
	if (!c)
		return NULL;
	sg = (struct scatterlist *)((u8 *)c + len);
	p = (u8 *)c->req.__ctx + crypto_aead_reqsize(tfm);
	c->iv = PTR_ALIGN(p, crypto_aead_alignmask(tfm) + 1);
	c->aad = c->iv + sa->ivlen;

	aad = (__be32 *)c->aad;
	aad[0] = sa->spi;
	if (sa->esn) {
		aad[1] = htonl(upper_32_bits(seq));
		aad[2] = htonl(lower_32_bits(seq));
		aadlen = 12;
	} else {
		aad[1] = htonl(lower_32_bits(seq));
		aadlen = 8;
	}
	if (encrypt) {
		__be64 counter = cpu_to_be64(seq);

		if (sa->ivlen == sizeof(counter))	/* RFC 4106 */
			memcpy(c->iv, &counter, sizeof(counter));
		else			/* CBC: unpredictable */
			get_random_bytes(c->iv, sa->ivlen);
		memcpy(skb->data + sizeof(struct ip_esp_hdr),
		       c->iv, sa->ivlen);
	} else if (skb_copy_bits(skb, sizeof(struct ip_esp_hdr), c->iv,
				 sa->ivlen)) {
		goto err;
	}
	memcpy(c->aad + aadlen, c->iv, sa->ivlen);

	sg_init_table(sg, nfrags + 1);
	sg_set_buf(sg, c->aad, aadlen + sa->ivlen);
	err = skb_to_sgvec(skb, sg + 1, hlen, cryptlen);
	if (unlikely(err < 0))
		goto err;

	c->skb = skb;
	c->seq = seq;
	c->outer.dst = NULL;
	aead_request_set_tfm(&c->req, tfm);
	/* no CRYPTO_TFM_REQ_MAY_BACKLOG: a full engine refuses (-EBUSY) */
	aead_request_set_callback(&c->req, 0, s2s_crypt_done, c);
	aead_request_set_crypt(&c->req, sg, sg,
			       encrypt ? cryptlen - sa->icvlen : cryptlen,
			       c->iv);
	aead_request_set_ad(&c->req, aadlen + sa->ivlen);
	c->job.start = encrypt ? s2s_encrypt_start : s2s_decrypt_start;
	return c;

err:
	s2s_crypt_put(c);
	return ERR_PTR(-EINVAL);
}
