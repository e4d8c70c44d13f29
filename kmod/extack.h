/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Extended-ack helpers shared by every file that refuses a request.
 */
#ifndef _S2S_EXTACK_H
#define _S2S_EXTACK_H

#include <linux/netlink.h>

/* NL_SET_ERR_MSG_ATTR() with the module's name in front of the message. */
#define S2S_NL_ERR_ATTR(extack, attr, msg) \
	NL_SET_ERR_MSG_ATTR(extack, attr, KBUILD_MODNAME ": " msg)

#endif /* _S2S_EXTACK_H */
