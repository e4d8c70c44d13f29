// SPDX-License-Identifier: GPL-2.0-only
/*
 * Security associations: building the AEAD transform from ip-xfrm style
 * keys, the SPI table for the receive path, lifetimes and expiry events, and
 * what a tunnel's outbound SA decides for its device: the MTU and the
 * carrier (s2s_tunnel_update_mtu(), s2s_tunnel_update_carrier()).
 *
 * An SA is built and keyed without RTNL (allocating a transform may load
 * crypto modules), then linked to its tunnel under RTNL.  The data path
 * finds SAs under RCU and holds a reference for as long as a crypto
 * request is in flight.  Everything an SA allocates is charged to the
 * memory cgroup of the process that adds it, except its share of the
 * namespace's SPI table, which sa_max bounds.
 *
 * The SPI table is an rhltable: it grows and shrinks with the SAs, so a
 * lookup stays one bucket of about one entry at 10 SAs as at 100,000, and
 * its hash is seeded, so the SPIs a peer picks cannot line up in one chain.
 * Several SAs may share an SPI when their local addresses differ (xfrm
 * demultiplexes on both); they share one entry's list.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/moduleparam.h>
#include <linux/rhashtable.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <crypto/authenc.h>
#include <net/ipv6.h>
#include <net/ip6_route.h>
#include <net/netlink.h>
#include <net/route.h>
#include "events.h"
#include "netns.h"
#include "sa.h"
#include "transport.h"
#include "tunnel.h"

static unsigned int s2s_sa_max = S2S_SAS_MAX;
module_param_named(sa_max, s2s_sa_max, uint, 0644);
MODULE_PARM_DESC(sa_max, "SAs one network namespace may hold (default "
		 __stringify(S2S_SAS_MAX) ")");

static struct workqueue_struct *s2s_sa_wq;

struct s2s_auth_alg {
	const char *name;
	unsigned int icv_bits;		/* S2S_ICV_SET() of the lengths allowed */
	unsigned int icv_default;	/* RFC 2404 / RFC 4868 */
};

static const struct s2s_auth_alg s2s_auth_algs[] = {
	{ S2S_ALG_HMAC_SHA1, S2S_SHA1_ICV_BITS, S2S_SHA1_ICV_DEFAULT },
	{ S2S_ALG_HMAC_SHA256, S2S_SHA256_ICV_BITS, S2S_SHA256_ICV_DEFAULT },
	{ S2S_ALG_HMAC_SHA384, S2S_SHA384_ICV_BITS, S2S_SHA384_ICV_DEFAULT },
	{ S2S_ALG_HMAC_SHA512, S2S_SHA512_ICV_BITS, S2S_SHA512_ICV_DEFAULT },
};

static const struct s2s_auth_alg *s2s_auth_alg_find(const char *name)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(s2s_auth_algs); i++)
		if (!strcmp(s2s_auth_algs[i].name, name))
			return &s2s_auth_algs[i];
	return NULL;
}

static const struct rhashtable_params s2s_sa_in_params = {
	.head_offset = offsetof(struct s2s_sa, spi_node),
	.key_offset = offsetof(struct s2s_sa, spi),
	.key_len = sizeof_field(struct s2s_sa, spi),
	.automatic_shrinking = true,
};

/**
 * s2s_sa_net_init() - set up a namespace's inbound SPI table
 * @sn: the namespace's state
 *
 * Return: 0 or -ENOMEM.
 */
int s2s_sa_net_init(struct s2s_net *sn)
{
	return rhltable_init(&sn->sa_in, &s2s_sa_in_params);
}

/**
 * s2s_sa_net_close() - stop lookups in a dying namespace's SPI table
 * @sn: the namespace's state, whose tunnels and so SAs are gone
 *
 * The namespace's other devices (the underlay) are removed only after
 * s2svpn's exit, and ESP may still arrive on them: from now on it finds no
 * SA.  The caller waits for an RCU grace period before s2s_sa_net_exit(),
 * so that no lookup that found the table open is still in it.
 */
void s2s_sa_net_close(struct s2s_net *sn)
{
	WRITE_ONCE(sn->sa_in_closed, true);
}

/**
 * s2s_sa_net_exit() - free a namespace's inbound SPI table
 * @sn: the namespace's state, closed by s2s_sa_net_close() a grace period
 *	ago
 */
void s2s_sa_net_exit(struct s2s_net *sn)
{
	rhltable_destroy(&sn->sa_in);
}

static void s2s_sa_free_work(struct work_struct *work)
{
	struct s2s_sa *sa = container_of(work, struct s2s_sa, free_work);

	/* crypto_free_aead() zeroes the transform's key schedule */
	crypto_free_aead(sa->tfm);
	s2s_replay_free(&sa->replay);
	s2s_stats_free(&sa->stats);
	kfree_sensitive(sa);
}

static void s2s_sa_free_rcu(struct rcu_head *rcu)
{
	struct s2s_sa *sa = container_of(rcu, struct s2s_sa, rcu);

	queue_work(s2s_sa_wq, &sa->free_work);
}

/**
 * s2s_sa_put() - drop a reference to an SA
 * @sa: the SA
 *
 * The last reference frees the SA after an RCU grace period; the crypto
 * transform is released from process context.
 */
void s2s_sa_put(struct s2s_sa *sa)
{
	if (refcount_dec_and_test(&sa->refcnt))
		call_rcu(&sa->rcu, s2s_sa_free_rcu);
}

static int s2s_sa_setup_aead(struct s2s_sa *sa, const struct s2s_sa_config *cfg,
			     struct netlink_ext_ack *extack)
{
	unsigned int keylen = cfg->aead_keylen;
	int err;

	if (strcmp(cfg->aead_alg, S2S_ALG_GCM_AES)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "unsupported AEAD algorithm (supported: rfc4106(gcm(aes)))");
		return -EOPNOTSUPP;
	}
	if (keylen != 20 && keylen != 28 && keylen != 36) {
		NL_SET_ERR_MSG_MOD(extack,
				   "rfc4106(gcm(aes)) key must be 20, 28 or 36 bytes (AES key + 4-byte salt)");
		return -EINVAL;
	}
	if (!S2S_ICV_ALLOWED(S2S_GCM_ICV_BITS, cfg->icv_bits)) {
		NL_SET_ERR_MSG_MOD(extack, "AES-GCM ICV must be 64, 96 or 128 bits");
		return -EINVAL;
	}

	sa->tfm = crypto_alloc_aead(cfg->aead_alg, 0, 0);
	if (IS_ERR(sa->tfm)) {
		err = PTR_ERR(sa->tfm);
		sa->tfm = NULL;
		NL_SET_ERR_MSG_MOD(extack, "cannot allocate the AEAD transform");
		return err;
	}
	err = crypto_aead_setkey(sa->tfm, cfg->aead_key, keylen);
	if (!err)
		err = crypto_aead_setauthsize(sa->tfm, cfg->icv_bits / 8);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "the crypto API refused the AEAD key or ICV length");
		return err;
	}
	sa->aead_alg = S2S_ALG_GCM_AES;
	sa->blocksize = 4;
	return 0;
}

static int s2s_sa_setup_authenc(struct s2s_sa *sa,
				const struct s2s_sa_config *cfg,
				struct netlink_ext_ack *extack)
{
	const struct s2s_auth_alg *auth = s2s_auth_alg_find(cfg->auth_alg);
	char name[CRYPTO_MAX_ALG_NAME];
	unsigned int trunc, bloblen;
	struct crypto_authenc_key_param *param;
	struct rtattr *rta;
	u8 *blob;
	int err;

	if (strcmp(cfg->enc_alg, S2S_ALG_CBC_AES)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "unsupported cipher (supported: cbc(aes), or aead rfc4106(gcm(aes)))");
		return -EOPNOTSUPP;
	}
	if (!auth) {
		NL_SET_ERR_MSG_MOD(extack,
				   "unsupported integrity algorithm (supported: hmac(sha1), hmac(sha256), hmac(sha384), hmac(sha512))");
		return -EOPNOTSUPP;
	}
	if (cfg->enc_keylen != 16 && cfg->enc_keylen != 24 && cfg->enc_keylen != 32) {
		NL_SET_ERR_MSG_MOD(extack, "cbc(aes) key must be 16, 24 or 32 bytes");
		return -EINVAL;
	}
	if (!cfg->auth_keylen) {
		NL_SET_ERR_MSG_MOD(extack, "integrity key missing");
		return -EINVAL;
	}
	trunc = cfg->auth_trunc_bits ? cfg->auth_trunc_bits : auth->icv_default;
	if (!S2S_ICV_ALLOWED(auth->icv_bits, trunc)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "ICV length not used by peers of this algorithm: hmac(sha1) 96, hmac(sha256) 128 or 96, hmac(sha384) 192, hmac(sha512) 256 bits");
		return -EINVAL;
	}

	snprintf(name, sizeof(name), "%s(%s,cbc(aes))",
		 cfg->esn ? "authencesn" : "authenc", auth->name);
	sa->tfm = crypto_alloc_aead(name, 0, 0);
	if (IS_ERR(sa->tfm)) {
		err = PTR_ERR(sa->tfm);
		sa->tfm = NULL;
		NL_SET_ERR_MSG_MOD(extack, "cannot allocate the authenc transform");
		return err;
	}

	/* The authenc key blob: parameter rtattr, HMAC key, cipher key. */
	bloblen = RTA_SPACE(sizeof(*param)) + cfg->auth_keylen + cfg->enc_keylen;
	blob = kmalloc(bloblen, GFP_KERNEL_ACCOUNT);
	if (!blob)
		return -ENOMEM;
	rta = (struct rtattr *)blob;
	rta->rta_type = CRYPTO_AUTHENC_KEYA_PARAM;
	rta->rta_len = RTA_LENGTH(sizeof(*param));
	param = RTA_DATA(rta);
	param->enckeylen = cpu_to_be32(cfg->enc_keylen);
	memcpy(blob + RTA_SPACE(sizeof(*param)), cfg->auth_key, cfg->auth_keylen);
	memcpy(blob + RTA_SPACE(sizeof(*param)) + cfg->auth_keylen,
	       cfg->enc_key, cfg->enc_keylen);
	err = crypto_aead_setkey(sa->tfm, blob, bloblen);
	kfree_sensitive(blob);
	if (!err)
		err = crypto_aead_setauthsize(sa->tfm, trunc / 8);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "the crypto API refused the keys or ICV length");
		return err;
	}
	sa->enc_alg = S2S_ALG_CBC_AES;
	sa->auth_alg = auth->name;
	sa->blocksize = crypto_aead_blocksize(sa->tfm);
	return 0;
}

static struct s2s_sa *s2s_sa_find(struct s2s_tunnel *t, u8 dir, __be32 spi)
{
	struct s2s_sa *sa;

	list_for_each_entry(sa, &t->sa_list, tunnel_node)
		if (sa->dir == dir && sa->spi == spi)
			return sa;
	return NULL;
}

/**
 * s2s_sa_lookup() - a linked SA of a tunnel by direction and SPI
 * @t: the tunnel
 * @dir: enum s2s_dir
 * @spi: the SPI, network order
 *
 * Called under RTNL.
 *
 * Return: the SA (no reference taken) or NULL.
 */
struct s2s_sa *s2s_sa_lookup(struct s2s_tunnel *t, u8 dir, __be32 spi)
{
	ASSERT_RTNL();
	return s2s_sa_find(t, dir, spi);
}

static bool s2s_sa_has_time_limit(const struct s2s_sa *sa)
{
	return sa->cfg_limits.soft_seconds || sa->cfg_limits.hard_seconds;
}

static void s2s_sa_kick(struct s2s_net *sn, unsigned long delay)
{
	mod_delayed_work(system_wq, &sn->expire_work, delay);
}

/* Unlinks @sa from its tunnel and the SPI hash and drops that reference. */
static void s2s_sa_unlink(struct s2s_sa *sa)
{
	struct s2s_tunnel *t = sa->tunnel;

	ASSERT_RTNL();
	list_del(&sa->tunnel_node);
	if (sa->dir == S2S_DIR_IN) {
		/* only fails for an entry that is not in the table */
		WARN_ON_ONCE(rhltable_remove(&s2s_net(t->net)->sa_in,
					     &sa->spi_node, s2s_sa_in_params));
		t->n_in_sa--;
	} else if (rcu_access_pointer(t->tx_sa) == sa) {
		RCU_INIT_POINTER(t->tx_sa, NULL);
	}
	s2s_net(t->net)->n_sas--;
	s2s_sa_put(sa);
}

/* The rules that need no tunnel: checked before anything is allocated. */
static int s2s_sa_check_config(const struct s2s_sa_config *cfg,
			       struct netlink_ext_ack *extack)
{
	if (cfg->dir != S2S_DIR_IN && cfg->dir != S2S_DIR_OUT) {
		NL_SET_ERR_MSG_MOD(extack, "SA direction must be in or out");
		return -EINVAL;
	}
	if (cfg->spi < S2S_SPI_MIN) {
		NL_SET_ERR_MSG_MOD(extack, "SPIs 0-255 are reserved (RFC 4303)");
		return -EINVAL;
	}
	if (cfg->replay_window &&
	    (cfg->replay_window < S2S_REPLAY_WINDOW_MIN ||
	     cfg->replay_window > S2S_REPLAY_WINDOW_MAX)) {
		NL_SET_ERR_MSG_MOD(extack, "replay window must be 0 (off) or 32..4096");
		return -EINVAL;
	}
	if ((cfg->soft_bytes && cfg->hard_bytes && cfg->soft_bytes > cfg->hard_bytes) ||
	    (cfg->soft_packets && cfg->hard_packets &&
	     cfg->soft_packets > cfg->hard_packets) ||
	    (cfg->soft_seconds && cfg->hard_seconds &&
	     cfg->soft_seconds > cfg->hard_seconds)) {
		NL_SET_ERR_MSG_MOD(extack, "a soft lifetime limit exceeds its hard limit");
		return -EINVAL;
	}
	if (cfg->seq && (cfg->dir != S2S_DIR_OUT ||
			 (!cfg->esn && cfg->seq > U32_MAX))) {
		NL_SET_ERR_MSG_MOD(extack,
				   "an initial sequence number applies to outbound SAs, below 2^32 without ESN");
		return -EINVAL;
	}
	if (!cfg->aead_alg[0] == !cfg->enc_alg[0]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "give either an AEAD algorithm or a cipher with an integrity algorithm");
		return -EINVAL;
	}
	return 0;
}

/**
 * s2s_sa_create() - build an SA and key its transform
 * @cfg: the SA's parameters, keys included
 * @extack: receives the reason of a refusal
 *
 * Runs without RTNL: allocating the transform may load crypto modules.
 * The SA belongs to no tunnel until s2s_sa_link() adds it to one; drop it
 * with s2s_sa_put() otherwise.
 *
 * Return: the SA, holding one reference, or an ERR_PTR().
 */
struct s2s_sa *s2s_sa_create(const struct s2s_sa_config *cfg,
			     struct netlink_ext_ack *extack)
{
	struct s2s_sa *sa;
	int err;

	err = s2s_sa_check_config(cfg, extack);
	if (err)
		return ERR_PTR(err);

	sa = kzalloc(sizeof(*sa), GFP_KERNEL_ACCOUNT);
	if (!sa)
		return ERR_PTR(-ENOMEM);
	INIT_WORK(&sa->free_work, s2s_sa_free_work);
	refcount_set(&sa->refcnt, 1);
	sa->spi = htonl(cfg->spi);
	sa->dir = cfg->dir;
	sa->esn = cfg->esn;
	sa->replay_window = cfg->dir == S2S_DIR_IN ? cfg->replay_window : 0;
	atomic64_set(&sa->seq_out, cfg->dir == S2S_DIR_OUT ? cfg->seq : 0);
	sa->cfg_limits.soft_bytes = cfg->soft_bytes;
	sa->cfg_limits.hard_bytes = cfg->hard_bytes;
	sa->cfg_limits.soft_packets = cfg->soft_packets;
	sa->cfg_limits.hard_packets = cfg->hard_packets;
	sa->cfg_limits.soft_seconds = cfg->soft_seconds;
	sa->cfg_limits.hard_seconds = cfg->hard_seconds;

	if (cfg->aead_alg[0])
		err = s2s_sa_setup_aead(sa, cfg, extack);
	else
		err = s2s_sa_setup_authenc(sa, cfg, extack);
	if (err)
		goto err_free;
	sa->ivlen = crypto_aead_ivsize(sa->tfm);
	sa->icvlen = crypto_aead_authsize(sa->tfm);
	if (sa->blocksize < 4)
		sa->blocksize = 4;

	err = s2s_replay_init(&sa->replay, sa->replay_window,
			      GFP_KERNEL_ACCOUNT);
	if (err)
		goto err_free;
	err = s2s_stats_init(&sa->stats, GFP_KERNEL_ACCOUNT);
	if (err)
		goto err_free;
	return sa;

err_free:
	if (sa->tfm)
		crypto_free_aead(sa->tfm);
	s2s_replay_free(&sa->replay);
	s2s_stats_free(&sa->stats);
	kfree_sensitive(sa);
	return ERR_PTR(err);
}

/* The rules that involve the tunnel and the namespace, under RTNL. */
static int s2s_sa_check_link(struct s2s_tunnel *t, const struct s2s_sa *sa,
			     struct netlink_ext_ack *extack)
{
	struct s2s_net *sn = s2s_net(t->net);

	if (s2s_sa_find(t, sa->dir, sa->spi)) {
		NL_SET_ERR_MSG_MOD(extack, "the tunnel already has an SA with this SPI and direction");
		return -EEXIST;
	}
	/* an outbound SA that replaces the active one adds nothing */
	if (!(sa->dir == S2S_DIR_OUT && rcu_access_pointer(t->tx_sa)) &&
	    sn->n_sas >= READ_ONCE(s2s_sa_max)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "this namespace has the maximum number of SAs (module parameter sa_max)");
		return -ENOSPC;
	}
	if (sa->dir == S2S_DIR_IN) {
		const struct s2s_tunnel_config *tc;
		bool taken;

		tc = &rtnl_dereference(t->params)->cfg;
		rcu_read_lock();
		taken = tc->family &&
			s2s_sa_lookup_in(sn, sa->spi, tc->family, &tc->local);
		rcu_read_unlock();
		if (taken) {
			NL_SET_ERR_MSG_MOD(extack,
					   "SPI already used by an inbound SA for this local address");
			return -EEXIST;
		}
		if (t->n_in_sa >= S2S_TUNNEL_IN_SAS_MAX) {
			NL_SET_ERR_MSG_MOD(extack, "the tunnel already has 8 inbound SAs");
			return -ENOSPC;
		}
	}
	return 0;
}

/**
 * s2s_sa_link() - add an SA made by s2s_sa_create() to a tunnel
 * @t: the tunnel
 * @sa: the SA; on success the tunnel owns its reference
 * @extack: receives the reason of a refusal
 *
 * An inbound SA joins the tunnel's set of inbound SAs; an outbound SA
 * replaces the tunnel's active outbound SA atomically (make-before-break).
 * Called under RTNL.
 *
 * Return: 0, or a negative errno and the caller still owns @sa.
 */
int s2s_sa_link(struct s2s_tunnel *t, struct s2s_sa *sa,
		struct netlink_ext_ack *extack)
{
	struct s2s_net *sn = s2s_net(t->net);
	struct s2s_sa_id id;
	struct s2s_sa *old;
	int err;

	ASSERT_RTNL();
	err = s2s_sa_check_link(t, sa, extack);
	if (err)
		return err;

	/* set before a reader can find the SA; the insertion publishes it */
	sa->tunnel = t;
	if (sa->dir == S2S_DIR_IN) {
		err = rhltable_insert(&sn->sa_in, &sa->spi_node,
				      s2s_sa_in_params);
		if (err) {
			sa->tunnel = NULL;
			NL_SET_ERR_MSG_MOD(extack,
					   "could not add the SA to the namespace's SPI table");
			return err;
		}
	}
	sa->add_time = ktime_get_seconds();
	sn->n_sas++;
	list_add_tail(&sa->tunnel_node, &t->sa_list);
	if (sa->dir == S2S_DIR_IN) {
		t->n_in_sa++;
	} else {
		old = rtnl_dereference(t->tx_sa);
		rcu_assign_pointer(t->tx_sa, sa);
		if (old) {
			s2s_sa_get_id(sa, &id);
			s2s_event_sa_rekey(&id, ntohl(old->spi));
			s2s_sa_unlink(old);
		}
		s2s_tunnel_update_mtu(t);
		s2s_tunnel_update_carrier(t);
	}
	if (s2s_sa_has_time_limit(sa))
		s2s_sa_kick(sn, HZ);
	return 0;
}

/**
 * s2s_sa_del() - remove an SA from a tunnel
 * @t: the tunnel
 * @dir: enum s2s_dir
 * @spi: the SPI, host order
 * @extack: receives the reason of a refusal
 *
 * Called under RTNL.  Packets in flight finish with their reference.
 *
 * Return: 0 or -ENOENT.
 */
int s2s_sa_del(struct s2s_tunnel *t, u8 dir, u32 spi,
	       struct netlink_ext_ack *extack)
{
	struct s2s_sa *sa;

	ASSERT_RTNL();
	sa = s2s_sa_find(t, dir, htonl(spi));
	if (!sa) {
		NL_SET_ERR_MSG_MOD(extack, "no SA with this SPI and direction on the tunnel");
		return -ENOENT;
	}
	s2s_sa_unlink(sa);
	if (dir == S2S_DIR_OUT) {
		s2s_tunnel_update_mtu(t);
		s2s_tunnel_update_carrier(t);
	}
	return 0;
}

/**
 * s2s_sa_flush() - remove every SA of a tunnel
 * @t: the tunnel
 *
 * Called under RTNL when the tunnel goes away.
 */
void s2s_sa_flush(struct s2s_tunnel *t)
{
	struct s2s_sa *sa, *tmp;

	ASSERT_RTNL();
	list_for_each_entry_safe(sa, tmp, &t->sa_list, tunnel_node)
		s2s_sa_unlink(sa);
}

/* The tunnel's local address is the inbound SA's destination address. */
static bool s2s_sa_daddr_is(const struct s2s_sa *sa, u16 family,
			    const union s2s_addr *daddr)
{
	const struct s2s_tunnel_config *cfg;

	cfg = &rcu_dereference_rtnl(sa->tunnel->params)->cfg;
	if (cfg->family != family)
		return false;
	if (family == AF_INET)
		return cfg->local.ip4 == daddr->ip4;
	return ipv6_addr_equal(&cfg->local.ip6, &daddr->ip6);
}

/**
 * s2s_sa_lookup_in() - find an inbound SA by destination address and SPI
 * @sn: the namespace's state
 * @spi: the SPI, network order
 * @family: AF_INET or AF_INET6, the outer family
 * @daddr: the outer destination address
 *
 * Demultiplexes as xfrm does: an inbound SA is identified by its SPI and
 * its destination address (the tunnel's local address), so an SPI that
 * s2svpn uses for one address stays free for native xfrm SAs on another.
 * Called under rcu_read_lock(); no reference is taken.
 *
 * Return: the SA or NULL.
 */
struct s2s_sa *s2s_sa_lookup_in(struct s2s_net *sn, __be32 spi, u16 family,
				const union s2s_addr *daddr)
{
	struct rhlist_head *list, *pos;
	struct s2s_sa *sa;

	/* a dying namespace: the table may be destroyed (netns exit) */
	if (unlikely(READ_ONCE(sn->sa_in_closed)))
		return NULL;
	list = rhltable_lookup(&sn->sa_in, &spi, s2s_sa_in_params);
	rhl_for_each_entry_rcu(sa, pos, list, spi_node)
		if (s2s_sa_daddr_is(sa, family, daddr))
			return sa;
	return NULL;
}

/**
 * s2s_sa_out_get() - the outbound SA for a packet
 * @t: the tunnel
 * @skb: the packet
 *
 * The tunnel's active outbound SA, chosen under RTNL whenever its outbound
 * SAs change.  Called under RCU (BH).
 *
 * Return: the SA with a reference held, or NULL.
 */
struct s2s_sa *s2s_sa_out_get(struct s2s_tunnel *t, const struct sk_buff *skb)
{
	struct s2s_sa *sa = rcu_dereference_bh(t->tx_sa);

	return sa && s2s_sa_get(sa) ? sa : NULL;
}

/**
 * s2s_sa_state() - the SA's lifetime state
 * @sa: the SA
 *
 * Return: enum s2s_sa_state.
 */
u8 s2s_sa_state(const struct s2s_sa *sa)
{
	if (test_bit(S2S_SA_HARD_FIRED, &sa->flags) ||
	    test_bit(S2S_SA_WRAP_FIRED, &sa->flags))
		return S2S_SA_STATE_DEAD;
	if (test_bit(S2S_SA_SOFT_FIRED, &sa->flags))
		return S2S_SA_STATE_SOFT_EXPIRED;
	return S2S_SA_STATE_VALID;
}

/**
 * s2s_sa_get_id() - what names an SA in a netlink message
 * @sa: a linked SA
 * @id: filled with the SA's tunnel, direction, SPI, sequence number, state
 */
void s2s_sa_get_id(const struct s2s_sa *sa, struct s2s_sa_id *id)
{
	id->dev = sa->tunnel->dev;
	id->dir = sa->dir;
	id->spi = ntohl(sa->spi);
	id->seq = sa->dir == S2S_DIR_OUT ? atomic64_read(&sa->seq_out) :
					   READ_ONCE(sa->replay.st.top);
	id->state = s2s_sa_state(sa);
}

static bool s2s_sa_over(u64 limit, u64 value)
{
	return limit && value >= limit;
}

/**
 * s2s_sa_account() - count a packet against the SA's lifetime
 * @sa: the SA
 * @len: the packet's length
 *
 * Fires soft and hard expiry when a byte or packet limit is reached; the
 * events and the removal happen in process context.  Called from the data
 * path.
 *
 * Return: false when the SA is dead and the packet must be dropped.
 */
bool s2s_sa_account(struct s2s_sa *sa, unsigned int len)
{
	u64 bytes, packets;

	if (unlikely(s2s_sa_state(sa) == S2S_SA_STATE_DEAD))
		return false;
	bytes = atomic64_add_return(len, &sa->cur_bytes);
	packets = atomic64_inc_return(&sa->cur_packets);

	if (unlikely(s2s_sa_over(sa->cfg_limits.hard_bytes, bytes) ||
		     s2s_sa_over(sa->cfg_limits.hard_packets, packets))) {
		if (!test_and_set_bit(S2S_SA_HARD_FIRED, &sa->flags)) {
			sa->hard_limit = s2s_sa_over(sa->cfg_limits.hard_bytes, bytes) ?
					 S2S_LIMIT_BYTES : S2S_LIMIT_PACKETS;
			s2s_sa_kick(s2s_net(sa->tunnel->net), 0);
		}
		/* the packet that reaches a hard limit exactly is the last */
		return !(sa->cfg_limits.hard_bytes && bytes > sa->cfg_limits.hard_bytes) &&
		       !(sa->cfg_limits.hard_packets &&
			 packets > sa->cfg_limits.hard_packets);
	}
	if (unlikely(s2s_sa_over(sa->cfg_limits.soft_bytes, bytes) ||
		     s2s_sa_over(sa->cfg_limits.soft_packets, packets)) &&
	    !test_and_set_bit(S2S_SA_SOFT_FIRED, &sa->flags)) {
		sa->soft_limit = s2s_sa_over(sa->cfg_limits.soft_bytes, bytes) ?
				 S2S_LIMIT_BYTES : S2S_LIMIT_PACKETS;
		s2s_sa_kick(s2s_net(sa->tunnel->net), 0);
	}
	return true;
}

/**
 * s2s_sa_seq_exhausted() - note that the outbound sequence space is used up
 * @sa: the outbound SA
 *
 * The SA stops (it never wraps) and the IKE daemon is told to rekey.
 */
void s2s_sa_seq_exhausted(struct s2s_sa *sa)
{
	if (!test_and_set_bit(S2S_SA_WRAP_FIRED, &sa->flags))
		s2s_sa_kick(s2s_net(sa->tunnel->net), 0);
}

/* Time limits; returns true while the SA still needs the periodic check. */
static bool s2s_sa_check_time(struct s2s_sa *sa, time64_t now)
{
	u64 age = now - sa->add_time;

	if (s2s_sa_over(sa->cfg_limits.hard_seconds, age) &&
	    !test_and_set_bit(S2S_SA_HARD_FIRED, &sa->flags))
		sa->hard_limit = S2S_LIMIT_SECONDS;
	if (s2s_sa_over(sa->cfg_limits.soft_seconds, age) &&
	    !test_and_set_bit(S2S_SA_SOFT_FIRED, &sa->flags))
		sa->soft_limit = S2S_LIMIT_SECONDS;
	return s2s_sa_has_time_limit(sa) &&
	       !test_bit(S2S_SA_HARD_FIRED, &sa->flags);
}

/* Sends pending events; returns true when the SA must be removed. */
static bool s2s_sa_report(struct s2s_sa *sa)
{
	struct s2s_sa_id id;

	s2s_sa_get_id(sa, &id);
	if (test_bit(S2S_SA_SOFT_FIRED, &sa->flags) &&
	    !test_and_set_bit(S2S_SA_SOFT_SENT, &sa->flags))
		s2s_event_sa_expire(&id, S2S_EXPIRE_SOFT, sa->soft_limit);
	if (test_bit(S2S_SA_WRAP_FIRED, &sa->flags) &&
	    !test_and_set_bit(S2S_SA_WRAP_SENT, &sa->flags))
		s2s_event_seq_wrap(&id);
	if (test_bit(S2S_SA_HARD_FIRED, &sa->flags)) {
		s2s_event_sa_expire(&id, S2S_EXPIRE_HARD, sa->hard_limit);
		return true;
	}
	return false;
}

/**
 * s2s_sa_expire_work() - lifetime housekeeping of one namespace
 * @work: s2s_net.expire_work
 *
 * Checks time limits, sends soft/hard expiry and sequence-wrap events, and
 * removes hard-expired SAs.  Reschedules itself every second while an SA
 * has a time limit.
 */
void s2s_sa_expire_work(struct work_struct *work)
{
	struct s2s_net *sn = container_of(to_delayed_work(work), struct s2s_net,
					  expire_work);
	time64_t now = ktime_get_seconds();
	struct s2s_sa *sa, *tmp;
	struct s2s_tunnel *t;
	bool again = false;

	/*
	 * Namespace teardown cancels this work after it has dropped RTNL
	 * (s2s_net_exit_batch()), so waiting for RTNL here cannot deadlock.
	 */
	rtnl_lock();
	list_for_each_entry(t, &sn->tunnels, net_node) {
		bool out_removed = false;

		list_for_each_entry_safe(sa, tmp, &t->sa_list, tunnel_node) {
			again |= s2s_sa_check_time(sa, now);
			if (s2s_sa_report(sa)) {
				out_removed |= sa->dir == S2S_DIR_OUT;
				s2s_sa_unlink(sa);
			}
		}
		if (out_removed)
			s2s_tunnel_update_mtu(t);
		/* also a sequence-exhausted SA, which stays until replaced */
		s2s_tunnel_update_carrier(t);
	}
	rtnl_unlock();
	if (again)
		s2s_sa_kick(sn, HZ);
}

/*
 * MTU of the underlay path to the remote gateway.  The lookup leaves the
 * source address out so that it works before the local address is
 * configured; the data path checks the real path MTU per packet anyway.
 */
static unsigned int s2s_underlay_mtu(struct s2s_tunnel *t)
{
	const struct s2s_tunnel_config *cfg = &rtnl_dereference(t->params)->cfg;
	unsigned int mtu = 0;

	if (cfg->family == AF_INET) {
		struct flowi4 fl4 = {
			.daddr = cfg->remote.ip4,
			.flowi4_proto = IPPROTO_ESP,
		};
		struct rtable *rt = ip_route_output_key(t->net, &fl4);

		if (!IS_ERR(rt)) {
			if (rt->dst.dev != t->dev)
				mtu = dst_mtu(&rt->dst);
			ip_rt_put(rt);
		}
#if IS_ENABLED(CONFIG_IPV6)
	} else if (cfg->family == AF_INET6) {
		struct flowi6 fl6 = {
			.daddr = cfg->remote.ip6,
			.flowi6_proto = IPPROTO_ESP,
		};
		struct dst_entry *dst = ip6_route_output(t->net, NULL, &fl6);

		if (!dst->error && dst->dev != t->dev)
			mtu = dst_mtu(dst);
		dst_release(dst);
#endif
	}
	return mtu ?: ETH_DATA_LEN;
}

/**
 * s2s_tunnel_mtu() - the MTU a tunnel's device should have now
 * @t: the tunnel
 *
 * Called under RTNL.
 *
 * Return: the user's MTU, or one derived from the underlay and the
 * outbound SA.
 */
unsigned int s2s_tunnel_mtu(struct s2s_tunnel *t)
{
	const struct s2s_tunnel_config *cfg = &rtnl_dereference(t->params)->cfg;
	struct s2s_sa *sa = rtnl_dereference(t->tx_sa);
	int mtu;

	if (t->user_mtu)
		return t->user_mtu;
	mtu = s2s_underlay_mtu(t);
	mtu -= cfg->family ? s2s_transport_hlen(cfg) : S2S_OUTER_MAX;
	mtu = s2s_sa_inner_mtu(sa, mtu);
	return clamp(mtu, S2S_MTU_MIN, S2S_MTU_MAX);
}

/**
 * s2s_tunnel_update_mtu() - set the device MTU from the configuration
 * @t: the tunnel
 *
 * A user-set MTU (cfg.mtu) wins; otherwise the MTU is derived from the
 * underlay route to the remote gateway: the largest inner packet that the
 * outbound SA (any supported algorithm when there is none) fits in it.
 * Called under RTNL at creation, when the tunnel is
 * changed and when its outbound SA changes.
 */
void s2s_tunnel_update_mtu(struct s2s_tunnel *t)
{
	unsigned int mtu;
	int err;

	ASSERT_RTNL();
	mtu = s2s_tunnel_mtu(t);
	if (mtu == t->dev->mtu)
		return;
	t->mtu_internal = true;
	err = dev_set_mtu(t->dev, mtu);
	t->mtu_internal = false;
	if (err)
		netdev_warn(t->dev, "cannot set MTU %u: %d\n", mtu, err);
}

/**
 * s2s_tunnel_update_carrier() - carrier on only while the tunnel can send
 * @t: the tunnel
 *
 * The carrier is on while the tunnel has outer addresses, an outbound SA
 * that is not dead (hard-expired or out of sequence numbers) and, when
 * liveness probing is on, a peer that is not dead (probe.c).  Without
 * carrier the kernel marks routes through the tunnel linkdown, so multipath
 * routes and routing daemons move traffic to another path.  Every change
 * of what this depends on happens under RTNL (SA add, replace, delete and
 * expiry, address changes), and so does every call: the data path only
 * marks an SA dead and kicks the expiry work, which calls this.  A change
 * is announced as a tunnel state event while the device is up.
 */
void s2s_tunnel_update_carrier(struct s2s_tunnel *t)
{
	const struct s2s_sa *sa;
	bool on;

	ASSERT_RTNL();
	sa = rtnl_dereference(t->tx_sa);
	on = rtnl_dereference(t->params)->cfg.family && sa &&
	     s2s_sa_state(sa) != S2S_SA_STATE_DEAD && !t->peer_dead;
	if (on == netif_carrier_ok(t->dev))
		return;
	if (on)
		netif_carrier_on(t->dev);
	else
		netif_carrier_off(t->dev);
	if (netif_running(t->dev))
		s2s_event_tunnel_state(t->dev, s2s_tunnel_peer_state(t));
}

/**
 * s2s_sa_inner_mtu() - the largest inner packet that fits in an ESP packet
 * @sa: the outbound SA, or NULL for the worst case of every supported
 *	algorithm
 * @room: bytes the ESP packet may take: a path MTU less the outer header
 *
 * The one place that knows ESP's overhead: SPI and sequence number, the
 * IV, padding to the cipher's block, pad length and next header, the ICV.
 * Serves the device MTU (derived from the underlay route) and every packet
 * (against its route's path MTU) alike.
 *
 * Return: the largest inner packet length, 0 when nothing fits.
 */
unsigned int s2s_sa_inner_mtu(const struct s2s_sa *sa, int room)
{
	unsigned int ivlen = sa ? sa->ivlen : S2S_ESP_IV_MAX;
	unsigned int icvlen = sa ? sa->icvlen : S2S_ESP_ICV_MAX;
	unsigned int block = sa ? sa->blocksize : S2S_ESP_BLOCK_MAX;

	room -= sizeof(struct ip_esp_hdr) + ivlen + icvlen;
	if (room < (int)block)
		return 0;
	return round_down(room, block) - 2;
}

/**
 * s2s_sa_init() - module-wide SA setup
 *
 * Return: 0 or -ENOMEM.
 */
int s2s_sa_init(void)
{
	s2s_sa_wq = alloc_workqueue("s2svpn_sa", WQ_UNBOUND, 0);
	return s2s_sa_wq ? 0 : -ENOMEM;
}

/**
 * s2s_sa_exit() - module-wide SA teardown
 *
 * Waits for SAs still waiting for their grace period and frees them.
 */
void s2s_sa_exit(void)
{
	rcu_barrier();
	destroy_workqueue(s2s_sa_wq);
}
