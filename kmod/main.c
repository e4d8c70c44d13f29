// SPDX-License-Identifier: GPL-2.0-only
/*
 * s2svpn: a site-to-site IPsec ESP data plane behind VTI-style interfaces.
 *
 * This file only registers the module's parts, in dependency order, and
 * unregisters them in reverse.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/rtnetlink.h>
#include "crypto.h"
#include "device.h"
#include "encap.h"
#include "esp.h"
#include "km.h"
#include "nat.h"
#include "netlink.h"
#include "pernet.h"
#include "queueing.h"
#include "sa.h"

static int __init s2s_mod_init(void)
{
	int err;

	err = s2s_netns_init();
	if (err)
		goto err_netns;
	err = s2s_sa_init();
	if (err)
		goto err_sa;
	err = s2s_queueing_init();
	if (err)
		goto err_queueing;
	err = s2s_encap_init();
	if (err)
		goto err_encap;
	err = s2s_nat_init();
	if (err)
		goto err_nat;
	err = s2s_device_init();
	if (err)
		goto err_device;
	err = s2s_esp_init();
	if (err)
		goto err_esp;
	err = s2s_km_init();
	if (err)
		goto err_km;
	err = s2s_netlink_init();
	if (err)
		goto err_netlink;

	pr_info("version " S2S_VERSION " loaded\n");
	return 0;

err_netlink:
	s2s_km_exit();
err_km:
	s2s_esp_exit();
err_esp:
	s2s_device_exit();
err_device:
	s2s_nat_exit();
err_nat:
	s2s_encap_exit();
err_encap:
	s2s_queueing_exit();
	s2s_crypt_cache_exit();
err_queueing:
	s2s_sa_exit();
err_sa:
	s2s_netns_exit();
err_netns:
	pr_err("cannot load: %d\n", err);
	return err;
}

static void __exit s2s_mod_exit(void)
{
	s2s_netlink_exit();
	s2s_km_exit();
	s2s_esp_exit();
	s2s_device_exit();
	s2s_nat_exit();
	s2s_encap_exit();
	s2s_queueing_exit();
	s2s_crypt_cache_exit();
	s2s_sa_exit();
	s2s_netns_exit();
}

module_init(s2s_mod_init);
module_exit(s2s_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Site-to-site IPsec ESP tunnels (route-based, VTI-style)");
MODULE_VERSION(S2S_VERSION);
MODULE_ALIAS_RTNL_LINK(S2S_LINK_KIND);
MODULE_ALIAS_GENL_FAMILY(S2S_GENL_NAME);
