// SPDX-License-Identifier: GPL-2.0-only
/*
 * The life of the per network namespace state (struct s2s_net, netns.h):
 * its tables set up when a namespace appears, and its tunnels, segments,
 * SA lifetime work and inbound SPI table taken down when it goes away.
 * netns.h holds only the data, so that every file may use it while this
 * one, which calls into sa.c, tunnel.c and segment.c, stands above them.
 *
 * Tunnel devices are netns-local, so a namespace that goes away takes its
 * tunnels with it.  The core would unregister them as well (they have
 * rtnl_link_ops), but deleting them here first guarantees that every SA is
 * gone before the lifetime work is cancelled and the state is freed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include "tunnel.h"
#include "netns.h"
#include "pernet.h"
#include "sa.h"
#include "segment.h"

unsigned int s2s_net_id __read_mostly;

static int __net_init s2s_net_init(struct net *net)
{
	struct s2s_net *sn = s2s_net(net);
	int err;

	err = s2s_sa_net_init(sn);
	if (err)
		return err;
	sn->net = net;
	INIT_LIST_HEAD(&sn->tunnels);
	INIT_LIST_HEAD(&sn->segments);
	INIT_LIST_HEAD(&sn->policy_tunnels);
	INIT_LIST_HEAD(&sn->encap_socks);
	hash_init(sn->tunnel_hash);
	INIT_DELAYED_WORK(&sn->expire_work, s2s_sa_expire_work);
	s2s_km_net_init(&sn->km, net);
	return 0;
}

/*
 * exit_batch with rtnl_lock() rather than exit_batch_rtnl: the former
 * exists on every kernel s2svpn supports, the latter only on some.
 */
static void __net_exit s2s_net_exit_batch(struct list_head *net_exit_list)
{
	struct s2s_tunnel *t;
	struct net *net;
	LIST_HEAD(kill);

	rtnl_lock();
	list_for_each_entry(net, net_exit_list, exit_list) {
		struct s2s_net *sn = s2s_net(net);

		list_for_each_entry(t, &sn->tunnels, net_node)
			unregister_netdevice_queue(t->dev, &kill);
	}
	/* ndo_uninit flushes the SAs and selectors and unlinks each tunnel */
	unregister_netdevice_many(&kill);
	/* no selector names a segment any more */
	list_for_each_entry(net, net_exit_list, exit_list)
		s2s_segment_flush(s2s_net(net));
	rtnl_unlock();

	/* no SA is left to re-arm the work once the tunnels are gone */
	list_for_each_entry(net, net_exit_list, exit_list) {
		cancel_delayed_work_sync(&s2s_net(net)->expire_work);
		s2s_sa_net_close(s2s_net(net));
	}
	/*
	 * The underlays still receive (they go after s2svpn's exit): wait
	 * until no ESP receiver is in a table it found open.
	 */
	synchronize_rcu();
	list_for_each_entry(net, net_exit_list, exit_list)
		s2s_sa_net_exit(s2s_net(net));
}

static struct pernet_operations s2s_net_ops = {
	.init = s2s_net_init,
	.exit_batch = s2s_net_exit_batch,
	.id = &s2s_net_id,
	.size = sizeof(struct s2s_net),
};

/**
 * s2s_netns_init() - register the per-namespace state
 *
 * Registered as a pernet device, so that a dying namespace's tunnels are
 * removed together with its other network devices.
 *
 * Return: 0 or a negative errno.
 */
int s2s_netns_init(void)
{
	return register_pernet_device(&s2s_net_ops);
}

/**
 * s2s_netns_exit() - unregister the per-namespace state
 *
 * Runs the exit method for every namespace that still exists.
 */
void s2s_netns_exit(void)
{
	unregister_pernet_device(&s2s_net_ops);
}
