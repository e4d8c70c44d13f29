// SPDX-License-Identifier: GPL-2.0-only
/*
 * NAT mapping learning (RFC 3948 section 3.1, as IKE's NAT mapping update
 * does it): when an authenticated, not replayed ESP-in-UDP packet comes
 * from another address or port than output uses, output follows it.
 *
 * The receive path (input.c) only notes the new source under a spinlock;
 * a work item swaps the tunnel's parameters under RTNL
 * (s2s_tunnel_set_peer()) and sends the nat-mapping event.  The same
 * learning serves SAs an IKE daemon installed with UDP encapsulation
 * (km.c), and the daemon is then told as xfrm would tell it
 * (km_new_mapping() through s2s_km_new_mapping()).
 */
#include <linux/rtnetlink.h>
#include <linux/workqueue.h>
#include "km.h"
#include "nat.h"
#include "tunnel.h"

/* a flapping NAT mapping moves output (and the daemon) once a second */
#define S2S_NAT_LEARN_INTERVAL HZ

static struct workqueue_struct *s2s_nat_wq;

static void s2s_nat_work(struct work_struct *work)
{
	struct s2s_tunnel *t = container_of(work, struct s2s_tunnel, nat_work);
	union s2s_addr addr;
	__be16 port;
	__be32 spi;
	u16 family;

	spin_lock_bh(&t->nat_lock);
	family = t->nat_family;
	addr = t->nat_addr;
	port = t->nat_port;
	spi = t->nat_spi;
	spin_unlock_bh(&t->nat_lock);

	rtnl_lock();
	if (t->dev->reg_state == NETREG_REGISTERED) {
		WRITE_ONCE(t->nat_quiet_until,
			   jiffies + S2S_NAT_LEARN_INTERVAL);
		s2s_tunnel_set_peer(t, family, &addr, port, true);
		/* under IKE the daemon learns it too, as from xfrm's ESP */
		s2s_km_new_mapping(t, spi, &addr, port);
	}
	rtnl_unlock();
	dev_put(t->dev);	/* taken by s2s_nat_learn() */
}

/**
 * s2s_nat_learn() - note the source of an authenticated ESP-in-UDP packet
 * @t: the tunnel that decrypted it
 * @family: outer family
 * @saddr: outer source address
 * @sport: UDP source port
 * @spi: the inbound SA's SPI (network order)
 *
 * Called from the receive path when the source differs from where output
 * goes; the change is applied in process context, at most once per
 * S2S_NAT_LEARN_INTERVAL (a mapping that flaps between two sources would
 * otherwise move output, send an event and ask the IKE daemon to move its
 * SAs for every packet).  A packet from the new source after the interval
 * teaches it again.
 */
void s2s_nat_learn(struct s2s_tunnel *t, u16 family,
		     const union s2s_addr *saddr, __be16 sport, __be32 spi)
{
	if (time_before(jiffies, READ_ONCE(t->nat_quiet_until)))
		return;
	spin_lock_bh(&t->nat_lock);
	t->nat_family = family;
	t->nat_addr = *saddr;
	t->nat_port = sport;
	t->nat_spi = spi;
	spin_unlock_bh(&t->nat_lock);
	/* the work holds the device until it has run */
	dev_hold(t->dev);
	if (!queue_work(s2s_nat_wq, &t->nat_work))
		dev_put(t->dev);
}

/**
 * s2s_nat_tunnel_init() - a new tunnel's NAT mapping state
 * @t: the tunnel
 *
 * A pending mapping work holds the device, so it runs before the device
 * is freed and finds it unregistered.
 */
void s2s_nat_tunnel_init(struct s2s_tunnel *t)
{
	INIT_WORK(&t->nat_work, s2s_nat_work);
	spin_lock_init(&t->nat_lock);
	t->nat_quiet_until = jiffies;	/* jiffies start near wrapping */
}

/**
 * s2s_nat_init() - module-wide setup
 *
 * Return: 0 or -ENOMEM.
 */
int s2s_nat_init(void)
{
	s2s_nat_wq = alloc_workqueue("s2svpn_nat", 0, 0);
	return s2s_nat_wq ? 0 : -ENOMEM;
}

/**
 * s2s_nat_exit() - module-wide teardown, once every tunnel is gone
 */
void s2s_nat_exit(void)
{
	destroy_workqueue(s2s_nat_wq);
}
