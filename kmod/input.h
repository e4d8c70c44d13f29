/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Receive: ESP packets the transport hands over.
 */
#ifndef _S2S_INPUT_H
#define _S2S_INPUT_H

#include <linux/skbuff.h>

int s2s_input_esp(struct sk_buff *skb, u16 family);

#endif /* _S2S_INPUT_H */
