#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# natt_ike.sh with s2svpn on the public side: the native XFRM interface
# sits behind the NAT, so s2svpn sees the NAT mapping change, follows it
# and reports it to charon.
NATT_IKE_ROLE=public exec "$(dirname "$0")/natt_ike.sh"
