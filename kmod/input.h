/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Receive: ESP packets the transport (or the UDP encapsulation) hands over.
 */
#ifndef _S2S_INPUT_H
#define _S2S_INPUT_H

#include <linux/skbuff.h>

int s2s_input_esp(struct sk_buff *skb, u16 family, __be16 sport,
		  __be16 dport);

#endif /* _S2S_INPUT_H */
