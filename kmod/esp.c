// SPDX-License-Identifier: GPL-2.0-only
/*
 * RFC 4303 ESP in tunnel mode, on the kernel crypto API.
 *
 * Outbound: s2s_output_skb() encrypts an inner packet with a given SA and
 * sends it; the tunnel device's xmit is a thin caller that picks the SA.
 * GSO packets are segmented, each inner packet is made to fit the path:
 * an IPv4 packet without DF is fragmented into a local list first and each
 * fragment is then encrypted (no context travels through globals, so a
 * tunnel may transmit from inside another tunnel's transmit); an IPv6
 * packet of at most 1280 bytes is encrypted whole and the outer packet is
 * fragmented (RFC 2473 section 7.1); anything else gets ICMP "too big".
 *
 * Inbound: a handler in the xfrm ESP protocol chain claims packets whose
 * (destination, SPI) belongs to an s2svpn SA and that came from the SA's
 * tunnel remote; every other packet goes on down the chain untouched, to
 * vti, xfrm interfaces and the kernel's own ESP, as xfrm would demux it.
 *
 * Each packet has one allocation: struct s2s_crypt, the AEAD request and
 * its context, the IV, the AAD with a copy of the IV, and the scatterlist,
 * each sized for the SA.  s2s_crypt_prepare() sets it up for both
 * directions; synchronous and asynchronous completion end in the same
 * function.  The AAD is (SPI, [seq_hi,] seq_lo) followed by the IV, so the
 * same layout serves rfc4106(gcm(aes)), authenc() and authencesn().
 * Requests are never backlogged: an engine whose queue is full refuses
 * the packet, which is dropped as crypto_busy (as esp4 does), so nobody
 * can queue unbounded work with unauthenticated packets.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <net/dsfield.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/xfrm.h>
#include "compat.h"
#include "device.h"
#include "esp.h"
#include "netns.h"
#include "queueing.h"
#include "sa.h"

/* Priority in the xfrm ESP handler chain: before vti (100), xfrmi (10), esp (0). */
#define S2S_XFRM_PRIORITY 200

#define S2S_AAD_MAX 12		/* SPI, seq_hi, seq_lo */

/**
 * struct s2s_crypt - per-packet crypto state, one allocation
 * @skb: the packet
 * @sa: the SA, referenced
 * @dev: the tunnel device, referenced
 * @dst: outbound: the underlay route, referenced
 * @seq: full sequence number
 * @inner_len: outbound: inner packet length
 * @family: outer address family
 * @outer_tos: outbound: outer TOS/traffic class; inbound: outer DS field
 * @df: outbound IPv4: outer DF bit
 * @frag_outer: outbound: the outer packet may be fragmented (RFC 2473)
 * @saddr: outbound: outer source address
 * @daddr: outbound: outer destination address
 * @iv: the IV given to the AEAD (CBC modifies it), in the tail
 * @aad: the AAD followed by a copy of the IV, in the tail
 * @job: the packet's place in its tunnel's crypto queue
 * @req: the AEAD request; its context, the IV, the AAD and the
 *	scatterlist follow, each sized for the SA
 */
struct s2s_crypt {
	struct sk_buff *skb;
	struct s2s_sa *sa;
	struct net_device *dev;
	struct dst_entry *dst;
	u64 seq;
	unsigned int inner_len;
	u16 family;
	u8 outer_tos;
	__be16 df;
	bool frag_outer;
	union s2s_addr saddr;
	union s2s_addr daddr;
	u8 *iv;
	u8 *aad;
	struct s2s_job job;
	struct aead_request req;
};

/**
 * struct s2s_xmit_ctx - what one inner packet needs to be sent
 * @t: the tunnel
 * @p: the tunnel's configuration, one snapshot for the whole packet (RCU)
 * @sa: the outbound SA (RCU)
 * @dst: the underlay route (the caller's reference)
 * @saddr: outer source address
 * @mtu: largest inner packet that fits the underlay path
 * @hroom: headroom an inner packet needs for ESP and the outer headers
 */
struct s2s_xmit_ctx {
	struct s2s_tunnel *t;
	const struct s2s_tunnel_params *p;
	struct s2s_sa *sa;
	struct dst_entry *dst;
	union s2s_addr saddr;
	unsigned int mtu;
	unsigned int hroom;
};

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

static void s2s_drop(struct s2s_tunnel *t, struct s2s_sa *sa,
		     struct sk_buff *skb, enum s2s_drop_reason reason)
{
	s2s_stats_drop(&t->stats, reason);
	if (sa)
		s2s_stats_drop(&sa->stats, reason);
	kfree_skb_reason(skb, s2s_skb_reason(reason));
}

/* The drop reason for a crypto result other than 0. */
static enum s2s_drop_reason s2s_crypt_reason(int err, bool decrypt)
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

static void s2s_crypt_free(struct s2s_crypt *c)
{
	dst_release(c->dst);
	s2s_sa_put(c->sa);
	dev_put(c->dev);
	kfree(c);
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

/*
 * The per-packet crypto request for both directions, in one allocation:
 * the request and its context, the IV (aligned for the transform), the AAD
 * followed by a copy of the IV, and the scatterlist over the AAD and the
 * ESP payload of @skb (@cryptlen bytes after the IV, ICV included).  On
 * encryption a fresh IV is written into the ESP header; on decryption the
 * IV is read from it.  Takes no references: the caller fills in @sa,
 * @dev and @dst.  Returns NULL when out of memory, an ERR_PTR when the
 * packet does not map.
 */
static struct s2s_crypt *s2s_crypt_prepare(struct s2s_sa *sa,
					   struct sk_buff *skb, int nfrags,
					   u64 seq, unsigned int cryptlen,
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
	c = kmalloc(len + (nfrags + 1) * sizeof(*sg), GFP_ATOMIC);
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
		if (sa->ivlen == 8)	/* RFC 4106: the counter is the IV */
			put_unaligned_be64(seq, c->iv);
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
	c->dst = NULL;
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
	kfree(c);
	return ERR_PTR(-EINVAL);
}

/* ---- outbound ---- */

static struct dst_entry *s2s_route(struct s2s_tunnel *t,
				   const struct s2s_tunnel_params *p,
				   union s2s_addr *saddr)
{
	struct dst_cache *cache = (struct dst_cache *)&p->dst_cache;
	const struct s2s_tunnel_config *cfg = &p->cfg;
	struct net *net = t->net;
	struct dst_entry *dst;

	if (cfg->family == AF_INET) {
		struct flowi4 fl = {
			.daddr = cfg->remote.ip4,
			.saddr = cfg->local.ip4,
			.flowi4_proto = IPPROTO_ESP,
		};
		struct rtable *rt;

		rt = dst_cache_get_ip4(cache, &saddr->ip4);
		if (rt)
			return &rt->dst;
		rt = ip_route_output_key(net, &fl);
		if (IS_ERR(rt))
			return ERR_CAST(rt);
		saddr->ip4 = fl.saddr;
		dst_cache_set_ip4(cache, &rt->dst, fl.saddr);
		return &rt->dst;
	}
	if (cfg->family != AF_INET6)	/* a tunnel without addresses yet */
		return ERR_PTR(-EDESTADDRREQ);
#if IS_ENABLED(CONFIG_IPV6)
	{
		struct flowi6 fl = {
			.daddr = cfg->remote.ip6,
			.saddr = cfg->local.ip6,
			.flowi6_proto = IPPROTO_ESP,
		};

		dst = dst_cache_get_ip6(cache, &saddr->ip6);
		if (dst)
			return dst;
		dst = ip6_dst_lookup_flow(net, NULL, &fl, NULL);
		if (IS_ERR(dst))
			return dst;
		saddr->ip6 = fl.saddr;
		dst_cache_set_ip6(cache, dst, &fl.saddr);
		return dst;
	}
#else
	dst = ERR_PTR(-EAFNOSUPPORT);
	return dst;
#endif
}

/* Largest inner packet whose ESP packet fits the underlay path MTU. */
static unsigned int s2s_inner_mtu(u16 family, const struct s2s_sa *sa,
				  const struct dst_entry *dst)
{
	int room = dst_mtu(dst) - (family == AF_INET ?
				   sizeof(struct iphdr) : sizeof(struct ipv6hdr));

	room -= sizeof(struct ip_esp_hdr) + sa->ivlen + sa->icvlen;
	room = round_down(room, sa->blocksize) - 2;
	return room > 0 ? room : 0;
}

static void s2s_send(struct s2s_crypt *c)
{
	struct sk_buff *skb = c->skb;
	struct dst_entry *dst = c->dst;
	struct s2s_tunnel *t = netdev_priv(c->dev);
	struct net *net = t->net;
	int err;

	skb_scrub_packet(skb, false);
	skb_dst_set(skb, dst);
	c->dst = NULL;
	skb->ip_summed = CHECKSUM_NONE;
	skb->encapsulation = 0;
	/* after the scrub, which clears it: IPv6 outer fragmentation */
	skb->ignore_df = c->frag_outer;

	if (c->family == AF_INET) {
		struct iphdr *iph = skb_push(skb, sizeof(*iph));

		skb_reset_network_header(skb);
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
		skb->protocol = htons(ETH_P_IP);
		iph->version = 4;
		iph->ihl = sizeof(*iph) >> 2;
		iph->tos = c->outer_tos;
		iph->frag_off = ip_mtu_locked(dst) || c->frag_outer ? 0 : c->df;
		iph->ttl = ip4_dst_hoplimit(dst);
		iph->protocol = IPPROTO_ESP;
		iph->saddr = c->saddr.ip4;
		iph->daddr = c->daddr.ip4;
		__ip_select_ident(net, iph, 1);
		err = ip_local_out(net, NULL, skb);
	} else {
		struct ipv6hdr *ip6h = skb_push(skb, sizeof(*ip6h));

		skb_reset_network_header(skb);
		memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
		skb->protocol = htons(ETH_P_IPV6);
		ip6_flow_hdr(ip6h, c->outer_tos, 0);
		ip6h->nexthdr = IPPROTO_ESP;
		ip6h->hop_limit = ip6_dst_hoplimit(dst);
		ip6h->saddr = c->saddr.ip6;
		ip6h->daddr = c->daddr.ip6;
		err = ip6_local_out(net, NULL, skb);
	}
	if (likely(!net_xmit_eval(err))) {
		s2s_stats_tx(&t->stats, c->inner_len);
		s2s_stats_tx(&c->sa->stats, c->inner_len);
	} else {
		/* the underlay already freed the packet */
		s2s_stats_drop(&t->stats, S2S_DROP_NO_ROUTE);
	}
}

/* Sends or drops an encrypted packet; called with BHs off. */
static void s2s_output_finish(struct s2s_crypt *c, int err)
{
	struct s2s_tunnel *t = netdev_priv(c->dev);

	if (unlikely(err))
		s2s_drop(t, c->sa, c->skb, s2s_crypt_reason(err, false));
	else
		s2s_send(c);
	s2s_crypt_free(c);
}

static void s2s_output_job_finish(struct s2s_job *job, int err)
{
	s2s_output_finish(container_of(job, struct s2s_crypt, job), err);
}

/* Outer TOS: DSCP copied from the inner packet, ECN per RFC 6040. */
static u8 s2s_outer_tos(const struct sk_buff *skb)
{
	u8 inner = skb->protocol == htons(ETH_P_IP) ?
		   ip_hdr(skb)->tos : ipv6_get_dsfield(ipv6_hdr(skb));

	return INET_ECN_encapsulate(inner, inner);
}

/*
 * Encrypts one inner packet that fits the path, or whose outer packet may
 * be fragmented (@frag_outer), and sends it; consumes @skb.
 */
static void s2s_esp_output(struct s2s_xmit_ctx *x, struct sk_buff *skb,
			   bool frag_outer)
{
	struct s2s_sa *sa = x->sa;
	struct s2s_tunnel *t = x->t;
	unsigned int inner_len, clen, padlen, tailen;
	struct sk_buff *trailer;
	struct ip_esp_hdr *esph;
	struct s2s_crypt *c;
	u8 proto, tos, *tail;
	__be16 df;
	int nfrags, i;
	u64 seq;

	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		goto drop_nomem;

	seq = atomic64_inc_return(&sa->seq_out);
	if (unlikely(!seq || (!sa->esn && seq > U32_MAX))) {
		atomic64_dec(&sa->seq_out);
		s2s_sa_seq_exhausted(sa);
		s2s_drop(t, sa, skb, S2S_DROP_SEQ_EXHAUSTED);
		return;
	}
	inner_len = skb->len;
	if (!s2s_sa_account(sa, inner_len)) {
		s2s_drop(t, sa, skb, S2S_DROP_SA_EXPIRED);
		return;
	}

	if (skb->protocol == htons(ETH_P_IP)) {
		proto = IPPROTO_IPIP;
		df = ip_hdr(skb)->frag_off & htons(IP_DF);
	} else {
		proto = IPPROTO_IPV6;
		df = htons(IP_DF);
	}
	tos = s2s_outer_tos(skb);

	clen = ALIGN(inner_len + 2, sa->blocksize);
	padlen = clen - inner_len - 2;
	tailen = padlen + 2 + sa->icvlen;

	if (skb_cow_head(skb, x->hroom))
		goto drop_nomem;
	nfrags = skb_cow_data(skb, tailen, &trailer);
	if (nfrags < 0)
		goto drop_nomem;

	tail = pskb_put(skb, trailer, tailen);
	for (i = 0; i < padlen; i++)
		tail[i] = i + 1;
	tail[padlen] = padlen;
	tail[padlen + 1] = proto;

	esph = skb_push(skb, sizeof(*esph) + sa->ivlen);
	skb_reset_transport_header(skb);
	esph->spi = sa->spi;
	esph->seq_no = htonl(lower_32_bits(seq));

	c = s2s_crypt_prepare(sa, skb, nfrags, seq, clen + sa->icvlen, true);
	if (IS_ERR_OR_NULL(c)) {
		s2s_drop(t, sa, skb, c ? S2S_DROP_MALFORMED : S2S_DROP_NO_MEM);
		return;
	}
	c->sa = sa;
	c->dev = t->dev;
	c->dst = dst_clone(x->dst);
	c->inner_len = inner_len;
	c->family = x->p->cfg.family;
	c->outer_tos = tos;
	c->df = frag_outer ? 0 : df;
	c->frag_outer = frag_outer;
	c->saddr = x->saddr;
	c->daddr = x->p->cfg.remote;
	refcount_inc(&sa->refcnt);	/* the caller holds one already */
	dev_hold(c->dev);
	c->job.finish = s2s_output_job_finish;
	s2s_job_run(&t->txq, &c->job);
	return;

drop_nomem:
	s2s_drop(t, sa, skb, S2S_DROP_NO_MEM);
}

/*
 * An inner IPv4 header about to be fragmented must be sane (as
 * br_validate_ipv4() checks): a whole header, a total length within the
 * packet and covering the header; bytes past the total length go.
 */
static bool s2s_inner4_valid(struct sk_buff *skb)
{
	const struct iphdr *iph;
	unsigned int len;

	if (!pskb_network_may_pull(skb, sizeof(*iph)))
		return false;
	iph = ip_hdr(skb);
	if (iph->ihl < 5 || iph->version != 4)
		return false;
	if (!pskb_network_may_pull(skb, iph->ihl * 4))
		return false;
	iph = ip_hdr(skb);
	len = ntohs(iph->tot_len);
	if (len < iph->ihl * 4 || skb->len < skb_network_offset(skb) + len)
		return false;
	return !pskb_trim_rcsum(skb, skb_network_offset(skb) + len);
}

/*
 * Fragments an inner IPv4 packet into a local list, then encrypts each
 * fragment: nothing of this packet is left in flight when the first
 * fragment is sent, so a nested transmit (an underlay routed through
 * another tunnel) cannot disturb it.  Consumes @skb.
 */
static void s2s_xmit_frag4(struct s2s_xmit_ctx *x, struct sk_buff *skb)
{
	struct sk_buff_head frags;
	struct ip_frag_state st;
	struct sk_buff *frag;
	unsigned int hlen;

	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb)) {
		s2s_drop(x->t, x->sa, skb, S2S_DROP_NO_MEM);
		return;
	}
	/* whatever the stack left in the control block is not ours */
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	hlen = ip_hdrlen(skb);
	__skb_queue_head_init(&frags);
	ip_frag_init(skb, hlen, x->hroom, x->mtu - hlen, false, &st);
	while (st.left > 0) {
		frag = ip_frag_next(skb, &st);
		if (IS_ERR(frag)) {
			__skb_queue_purge(&frags);
			s2s_drop(x->t, x->sa, skb, S2S_DROP_NO_MEM);
			return;
		}
		__skb_queue_tail(&frags, frag);
	}
	consume_skb(skb);
	while ((frag = __skb_dequeue(&frags)))
		s2s_esp_output(x, frag, false);
}

/* Makes one inner packet fit the path, then encrypts it; consumes @skb. */
static void s2s_xmit_fit(struct s2s_xmit_ctx *x, struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP)) {
		if (unlikely(!s2s_inner4_valid(skb))) {
			s2s_drop(x->t, x->sa, skb, S2S_DROP_BAD_INNER);
			return;
		}
		if (likely(skb->len <= x->mtu)) {
			s2s_esp_output(x, skb, false);
			return;
		}
		/* peers do not reassemble ESP: fragment the inner packet */
		if (!(ip_hdr(skb)->frag_off & htons(IP_DF)) && x->mtu >= 68) {
			s2s_xmit_frag4(x, skb);
			return;
		}
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			      htonl(x->mtu));
	} else {
		if (likely(skb->len <= x->mtu)) {
			s2s_esp_output(x, skb, false);
			return;
		}
		/*
		 * RFC 2473 section 7.1: IPv6 guarantees 1280 bytes end to
		 * end, so a packet up to that size is sent anyway and the
		 * outer packet is fragmented.
		 */
		if (skb->len <= IPV6_MIN_MTU) {
			s2s_esp_output(x, skb, true);
			return;
		}
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0,
				max_t(u32, x->mtu, IPV6_MIN_MTU));
	}
	s2s_drop(x->t, x->sa, skb, S2S_DROP_TOO_BIG);
}

static bool s2s_inner_valid(struct sk_buff *skb)
{
	switch (skb->protocol) {
	case htons(ETH_P_IP):
		return pskb_network_may_pull(skb, sizeof(struct iphdr)) &&
		       ip_hdr(skb)->version == 4;
	case htons(ETH_P_IPV6):
		return pskb_network_may_pull(skb, sizeof(struct ipv6hdr)) &&
		       ipv6_hdr(skb)->version == 6;
	default:
		return false;
	}
}

/**
 * s2s_output_skb() - encrypt an inner packet with an SA and send it
 * @t: the tunnel the packet leaves by
 * @sa: the outbound SA to use; the caller holds a reference and keeps it
 * @skb: an inner IPv4 or IPv6 packet (skb->protocol set, network header
 *	at skb->data), possibly GSO
 *
 * Reads the tunnel's configuration once, routes to the remote gateway,
 * segments GSO packets, makes each packet fit the path and encrypts it.
 * Called with BHs off (ndo_start_xmit, or a hook in softirq).  Consumes
 * @skb: every packet is either sent or dropped and counted.
 */
void s2s_output_skb(struct s2s_tunnel *t, struct s2s_sa *sa,
		    struct sk_buff *skb)
{
	struct s2s_xmit_ctx x = { .t = t, .sa = sa };
	struct sk_buff *segs, *next;

	if (unlikely(!s2s_inner_valid(skb))) {
		s2s_drop(t, sa, skb, S2S_DROP_BAD_INNER);
		return;
	}
	x.p = rcu_dereference_bh(t->params);
	x.dst = s2s_route(t, x.p, &x.saddr);
	if (IS_ERR(x.dst)) {
		s2s_drop(t, sa, skb, S2S_DROP_NO_ROUTE);
		return;
	}
	if (unlikely(x.dst->dev == t->dev)) {
		s2s_drop(t, sa, skb, S2S_DROP_LOOP);
		goto out;
	}
	x.mtu = s2s_inner_mtu(x.p->cfg.family, sa, x.dst);
	x.hroom = LL_RESERVED_SPACE(x.dst->dev) + sizeof(struct ipv6hdr) +
		  sizeof(struct ip_esp_hdr) + sa->ivlen;

	if (!skb_is_gso(skb)) {
		s2s_xmit_fit(&x, skb);
		goto out;
	}
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		s2s_drop(t, sa, skb, S2S_DROP_NO_MEM);
		goto out;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		s2s_xmit_fit(&x, skb);
	}
out:
	dst_release(x.dst);
}

/**
 * s2s_esp_xmit() - the tunnel device's ndo_start_xmit
 * @skb: an inner IPv4 or IPv6 packet, possibly GSO
 * @dev: the tunnel device
 *
 * Picks the outbound SA and hands the packet to s2s_output_skb().
 *
 * Return: NETDEV_TX_OK; every packet is either sent or dropped and counted.
 */
netdev_tx_t s2s_esp_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct s2s_tunnel *t = netdev_priv(dev);
	struct s2s_sa *sa;

	sa = s2s_sa_out_get(t, skb);
	if (unlikely(!sa)) {
		s2s_drop(t, NULL, skb, S2S_DROP_NO_OUT_SA);
		return NETDEV_TX_OK;
	}
	s2s_output_skb(t, sa, skb);
	s2s_sa_put(sa);
	return NETDEV_TX_OK;
}

/* ---- inbound ---- */

/* Checks padding and next header; returns the drop reason or 0. */
static int s2s_check_trailer(struct s2s_crypt *c, unsigned int elen,
			     u8 *nexthdr, unsigned int *padlen)
{
	struct sk_buff *skb = c->skb;
	unsigned int icvlen = c->sa->icvlen, off, done, n, i;
	u8 buf[16];
	const u8 *p;

	p = skb_header_pointer(skb, skb->len - icvlen - 2, 2, buf);
	if (!p)
		return S2S_DROP_MALFORMED;
	*padlen = p[0];
	*nexthdr = p[1];
	if (*padlen + 2 > elen)
		return S2S_DROP_BAD_TRAILER;
	/* padding 1, 2, 3, ... in small steps: no big buffer in softirq */
	off = skb->len - icvlen - 2 - *padlen;
	for (done = 0; done < *padlen; done += n) {
		n = min_t(unsigned int, *padlen - done, sizeof(buf));
		p = skb_header_pointer(skb, off + done, n, buf);
		if (!p)
			return S2S_DROP_MALFORMED;
		for (i = 0; i < n; i++)
			if (p[i] != (u8)(done + i + 1))
				return S2S_DROP_BAD_TRAILER;
	}
	if (*nexthdr == IPPROTO_NONE)
		return S2S_DROP_DUMMY;
	if (*nexthdr != IPPROTO_IPIP && *nexthdr != IPPROTO_IPV6)
		return S2S_DROP_BAD_TRAILER;
	return 0;
}

static void s2s_input_finish(struct s2s_crypt *c, int err)
{
	struct s2s_tunnel *t = netdev_priv(c->dev);
	const struct s2s_tunnel_config *cfg;
	struct sk_buff *skb = c->skb;
	struct s2s_sa *sa = c->sa;
	unsigned int hlen = sizeof(struct ip_esp_hdr) + sa->ivlen;
	unsigned int elen = skb->len - hlen - sa->icvlen, padlen, len;
	int reason;
	u8 nexthdr;

	if (unlikely(err)) {
		reason = s2s_crypt_reason(err, true);
		goto drop;
	}
	/* authenticated: now the window may move */
	if (!s2s_replay_advance(&sa->replay, c->seq)) {
		reason = S2S_DROP_REPLAY;
		goto drop;
	}
	reason = s2s_check_trailer(c, elen, &nexthdr, &padlen);
	if (reason)
		goto drop;

	if (pskb_trim(skb, skb->len - sa->icvlen - padlen - 2)) {
		reason = S2S_DROP_NO_MEM;
		goto drop;
	}
	if (!pskb_pull(skb, hlen)) {
		reason = S2S_DROP_MALFORMED;
		goto drop;
	}
	skb_reset_network_header(skb);
	if (nexthdr == IPPROTO_IPIP) {
		skb->protocol = htons(ETH_P_IP);
		if (!pskb_may_pull(skb, sizeof(struct iphdr)) ||
		    ip_hdr(skb)->version != 4) {
			reason = S2S_DROP_BAD_TRAILER;
			goto drop;
		}
	} else {
		skb->protocol = htons(ETH_P_IPV6);
		if (!pskb_may_pull(skb, sizeof(struct ipv6hdr)) ||
		    ipv6_hdr(skb)->version != 6) {
			reason = S2S_DROP_BAD_TRAILER;
			goto drop;
		}
	}
	if (INET_ECN_decapsulate(skb, c->outer_tos,
				 skb->protocol == htons(ETH_P_IP) ?
				 ip_hdr(skb)->tos :
				 ipv6_get_dsfield(ipv6_hdr(skb))) > 1) {
		reason = S2S_DROP_ECN;
		goto drop;
	}
	len = skb->len;
	if (!s2s_sa_account(sa, len)) {
		reason = S2S_DROP_SA_EXPIRED;
		goto drop;
	}

	skb_scrub_packet(skb, false);
	skb->dev = t->dev;
	skb->pkt_type = PACKET_HOST;
	/*
	 * The ICV proves who sent the packet, not that its checksums are
	 * right: a gateway forwards LAN traffic nobody has verified.  Leave
	 * CHECKSUM_NONE as xfrm tunnel mode does.  A fresh hash and MAC
	 * header, so that RPS and fq see the inner flow, not one ESP flow.
	 */
	skb->ip_summed = CHECKSUM_NONE;
	skb_clear_hash(skb);
	skb_reset_mac_header(skb);
	skb_reset_transport_header(skb);
	cfg = &rcu_dereference_bh(t->params)->cfg;
	if (cfg->mark_mask)
		skb->mark = (skb->mark & ~cfg->mark_mask) |
			    (cfg->mark & cfg->mark_mask);
	s2s_stats_rx(&t->stats, len);
	s2s_stats_rx(&sa->stats, len);
	gro_cells_receive(&t->gro_cells, skb);
	s2s_crypt_free(c);
	return;

drop:
	s2s_drop(t, sa, skb, reason);
	s2s_crypt_free(c);
}

static void s2s_input_job_finish(struct s2s_job *job, int err)
{
	s2s_input_finish(container_of(job, struct s2s_crypt, job), err);
}

static bool s2s_outer_matches(const struct s2s_tunnel *t, u16 family,
			      const union s2s_addr *saddr,
			      const union s2s_addr *daddr)
{
	const struct s2s_tunnel_config *cfg = &rcu_dereference(t->params)->cfg;

	if (cfg->family != family)
		return false;
	if (family == AF_INET)
		return saddr->ip4 == cfg->remote.ip4 &&
		       daddr->ip4 == cfg->local.ip4;
	return ipv6_addr_equal(&saddr->ip6, &cfg->remote.ip6) &&
	       ipv6_addr_equal(&daddr->ip6, &cfg->local.ip6);
}

static int s2s_esp_rcv(struct sk_buff *skb, u16 family)
{
	struct s2s_net *sn = s2s_net(dev_net(skb->dev));
	union s2s_addr saddr = {}, daddr = {};
	unsigned int elen;
	struct sk_buff *trailer;
	struct ip_esp_hdr *esph;
	struct s2s_tunnel *t;
	struct s2s_crypt *c;
	struct s2s_sa *sa;
	int nfrags, reason;
	u8 dsfield;
	u64 seq;

	if (!pskb_may_pull(skb, sizeof(*esph)))
		return -EINVAL;
	esph = (struct ip_esp_hdr *)skb->data;
	if (family == AF_INET) {
		saddr.ip4 = ip_hdr(skb)->saddr;
		daddr.ip4 = ip_hdr(skb)->daddr;
		dsfield = ip_hdr(skb)->tos;
	} else {
		saddr.ip6 = ipv6_hdr(skb)->saddr;
		daddr.ip6 = ipv6_hdr(skb)->daddr;
		dsfield = ipv6_get_dsfield(ipv6_hdr(skb));
	}

	/* demux as xfrm does: (destination, SPI); not ours goes on down */
	sa = s2s_sa_lookup_in(sn, esph->spi, family, &daddr);
	if (!sa || !s2s_sa_get(sa))
		return -EINVAL;
	t = sa->tunnel;

	if (!s2s_outer_matches(t, family, &saddr, &daddr)) {
		/* an xfrm state may own this SPI from that source: count only */
		s2s_stats_drop(&t->stats, S2S_DROP_OUTER_MISMATCH);
		s2s_stats_drop(&sa->stats, S2S_DROP_OUTER_MISMATCH);
		s2s_sa_put(sa);
		return -EINVAL;
	}
	if (unlikely(!(t->dev->flags & IFF_UP))) {
		reason = S2S_DROP_DOWN;
		goto drop;
	}
	if (s2s_sa_state(sa) == S2S_SA_STATE_DEAD) {
		reason = S2S_DROP_SA_EXPIRED;
		goto drop;
	}
	if (skb->len < sizeof(*esph) + sa->ivlen + sa->icvlen + 2) {
		reason = S2S_DROP_MALFORMED;
		goto drop;
	}
	elen = skb->len - sizeof(*esph) - sa->ivlen - sa->icvlen;
	if (elen % sa->blocksize) {
		reason = S2S_DROP_MALFORMED;
		goto drop;
	}
	seq = s2s_replay_seq(&sa->replay, ntohl(esph->seq_no), sa->esn);
	if (!s2s_replay_precheck(&sa->replay, seq)) {
		reason = S2S_DROP_REPLAY;
		goto drop;
	}

	nfrags = skb_cow_data(skb, 0, &trailer);
	if (nfrags < 0) {
		reason = S2S_DROP_NO_MEM;
		goto drop;
	}
	skb->ip_summed = CHECKSUM_NONE;

	c = s2s_crypt_prepare(sa, skb, nfrags, seq, elen + sa->icvlen, false);
	if (IS_ERR_OR_NULL(c)) {
		reason = c ? S2S_DROP_MALFORMED : S2S_DROP_NO_MEM;
		goto drop;
	}
	c->sa = sa;		/* the reference taken above */
	c->dev = t->dev;
	c->family = family;
	c->outer_tos = dsfield;
	dev_hold(c->dev);
	c->job.finish = s2s_input_job_finish;
	s2s_job_run(&t->rxq, &c->job);
	return 0;

drop:
	s2s_drop(t, sa, skb, reason);
	s2s_sa_put(sa);
	return 0;
}

/* ICMP errors about packets we sent: learn the path MTU. */
static bool s2s_err_ours(struct net *net, u16 family, __be32 spi,
			 const union s2s_addr *saddr,
			 const union s2s_addr *daddr)
{
	struct s2s_tunnel *t;
	struct s2s_sa *sa;

	/* our outbound packet: its source is our local, its dest the remote */
	t = s2s_tunnel_lookup_outer(net, family, daddr, saddr);
	if (!t)
		return false;
	sa = rcu_dereference(t->tx_sa);
	return sa && sa->spi == spi;
}

static int s2s_esp4_rcv(struct sk_buff *skb)
{
	return s2s_esp_rcv(skb, AF_INET);
}

static int s2s_esp4_err(struct sk_buff *skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	struct net *net = dev_net(skb->dev);
	union s2s_addr saddr = {}, daddr = {};
	struct ip_esp_hdr *esph;

	if (!pskb_may_pull(skb, (iph->ihl << 2) + sizeof(*esph)))
		return 1;
	iph = (const struct iphdr *)skb->data;
	esph = (struct ip_esp_hdr *)(skb->data + (iph->ihl << 2));
	saddr.ip4 = iph->saddr;
	daddr.ip4 = iph->daddr;
	if (!s2s_err_ours(net, AF_INET, esph->spi, &saddr, &daddr))
		return 1;
	switch (icmp_hdr(skb)->type) {
	case ICMP_DEST_UNREACH:
		if (icmp_hdr(skb)->code != ICMP_FRAG_NEEDED)
			return 0;
		ipv4_update_pmtu(skb, net, info, 0, IPPROTO_ESP);
		break;
	case ICMP_REDIRECT:
		ipv4_redirect(skb, net, 0, IPPROTO_ESP);
		break;
	}
	return 0;
}

#if IS_ENABLED(CONFIG_IPV6)
static int s2s_esp6_rcv(struct sk_buff *skb)
{
	return s2s_esp_rcv(skb, AF_INET6);
}

static int s2s_esp6_err(struct sk_buff *skb, struct inet6_skb_parm *opt,
			u8 type, u8 code, int offset, __be32 info)
{
	const struct ipv6hdr *ip6h = (const struct ipv6hdr *)skb->data;
	struct net *net = dev_net(skb->dev);
	union s2s_addr saddr = {}, daddr = {};
	struct ip_esp_hdr *esph;

	if (!pskb_may_pull(skb, offset + sizeof(*esph)))
		return 1;
	ip6h = (const struct ipv6hdr *)skb->data;
	esph = (struct ip_esp_hdr *)(skb->data + offset);
	saddr.ip6 = ip6h->saddr;
	daddr.ip6 = ip6h->daddr;
	if (!s2s_err_ours(net, AF_INET6, esph->spi, &saddr, &daddr))
		return 1;
	if (type == ICMPV6_PKT_TOOBIG)
		ip6_update_pmtu(skb, net, info, 0, 0, sock_net_uid(net, NULL));
	else if (type == NDISC_REDIRECT)
		ip6_redirect(skb, net, skb->dev->ifindex, 0,
			     sock_net_uid(net, NULL));
	return 0;
}
#endif

/* s2svpn never hands packets to xfrm_input(): these pass everything on. */
static int s2s_input_handler(struct sk_buff *skb, int nexthdr, __be32 spi,
			     int encap_type)
{
	return -EINVAL;
}

static int s2s_cb_handler(struct sk_buff *skb, int err)
{
	/* positive: let the rest of the chain (xfrmi, vti) see the packet */
	return 1;
}

static struct xfrm4_protocol s2s_esp4_protocol __read_mostly = {
	.handler = s2s_esp4_rcv,
	.input_handler = s2s_input_handler,
	.cb_handler = s2s_cb_handler,
	.err_handler = s2s_esp4_err,
	.priority = S2S_XFRM_PRIORITY,
};

#if IS_ENABLED(CONFIG_IPV6)
static struct xfrm6_protocol s2s_esp6_protocol __read_mostly = {
	.handler = s2s_esp6_rcv,
	.input_handler = s2s_input_handler,
	.cb_handler = s2s_cb_handler,
	.err_handler = s2s_esp6_err,
	.priority = S2S_XFRM_PRIORITY,
};
#endif

/**
 * s2s_esp_init() - join the kernel's ESP receive chains
 *
 * Return: 0 or a negative errno.
 */
int s2s_esp_init(void)
{
	int err;

	err = xfrm4_protocol_register(&s2s_esp4_protocol, IPPROTO_ESP);
	if (err) {
		pr_err("cannot register the IPv4 ESP handler: %d\n", err);
		return err;
	}
#if IS_ENABLED(CONFIG_IPV6)
	err = xfrm6_protocol_register(&s2s_esp6_protocol, IPPROTO_ESP);
	if (err) {
		pr_err("cannot register the IPv6 ESP handler: %d\n", err);
		xfrm4_protocol_deregister(&s2s_esp4_protocol, IPPROTO_ESP);
		return err;
	}
#endif
	return 0;
}

/**
 * s2s_esp_exit() - leave the kernel's ESP receive chains
 */
void s2s_esp_exit(void)
{
#if IS_ENABLED(CONFIG_IPV6)
	xfrm6_protocol_deregister(&s2s_esp6_protocol, IPPROTO_ESP);
#endif
	xfrm4_protocol_deregister(&s2s_esp4_protocol, IPPROTO_ESP);
}
