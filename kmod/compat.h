/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Differences between the kernels s2svpn supports (6.1 and 6.12 LTS), and
 * nothing else.  Each shim is keyed on a feature test that
 * kmod/compat-probe.sh runs against the target kernel's headers, never on
 * version numbers.
 */
#ifndef _S2S_COMPAT_H
#define _S2S_COMPAT_H

#include <linux/netdevice.h>
#include <linux/crypto.h>
#include <net/genetlink.h>
#include "compat-generated.h"

#ifdef S2S_HAVE_NET_GSO_H
#include <net/gso.h>
#endif
#ifdef S2S_HAVE_NET_HOTDATA
#include <net/hotdata.h>
#endif

/*
 * AEAD completion: 6.1 passes the crypto_async_request, 6.3+ the data
 * pointer given to aead_request_set_callback().  S2S_CRYPTO_DONE() declares
 * a completion function and s2s_crypto_done_data() recovers that pointer.
 */
#ifdef S2S_HAVE_CRYPTO_COMPL_DATA
#define S2S_CRYPTO_DONE(fn) void fn(void *s2s_compl_arg, int err)
#define s2s_crypto_done_data() (s2s_compl_arg)
#else
#define S2S_CRYPTO_DONE(fn) \
	void fn(struct crypto_async_request *s2s_compl_arg, int err)
#define s2s_crypto_done_data() (s2s_compl_arg->data)
#endif

static inline void s2s_dev_set_netns_local(struct net_device *dev)
{
#ifdef S2S_HAVE_DEV_NETNS_LOCAL
	dev->netns_local = true;
#else
	dev->features |= NETIF_F_NETNS_LOCAL;
#endif
}

static inline void s2s_dev_set_lltx(struct net_device *dev)
{
#ifdef S2S_HAVE_DEV_LLTX
	dev->lltx = true;
#else
	dev->features |= NETIF_F_LLTX;
#endif
}

/*
 * A family's pre_doit/post_doit get the operation: a genl_split_ops since
 * 6.2, the genl_ops before.  Both carry the op's internal_flags.
 */
#ifdef S2S_HAVE_GENL_SPLIT_OPS
#define s2s_genl_doit_ops genl_split_ops
#else
#define s2s_genl_doit_ops genl_ops
#endif

/*
 * Events name SAs by SPI: only CAP_NET_ADMIN over the namespace may listen.
 * Kernels without the group flag have no hook to check it either.
 */
#ifndef S2S_HAVE_GENL_MCAST_CAP
#error "s2svpn needs GENL_MCAST_CAP_NET_ADMIN in <net/genetlink.h>"
#endif

/* The backlog limit ("net.core.netdev_max_backlog"). */
static inline int s2s_max_backlog(void)
{
#ifdef S2S_HAVE_NET_HOTDATA
	return READ_ONCE(net_hotdata.max_backlog);
#else
	return READ_ONCE(netdev_max_backlog);
#endif
}

/* The request attributes of a generic netlink dump, parsed by its policy. */
static inline struct nlattr **s2s_genl_dump_attrs(struct netlink_callback *cb)
{
#ifdef S2S_HAVE_GENL_DUMPIT_INFO_INFO
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _S2S_COMPAT_H */
