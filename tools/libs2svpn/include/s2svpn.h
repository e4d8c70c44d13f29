/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libs2svpn: drive the s2svpn kernel module from a program, without
 * running s2sctl.  s2sctl itself is built on it.
 *
 * Build:    cc prog.c $(pkg-config --cflags --libs libs2svpn)
 *           (the header includes libnl's: libnl-3.0 and libnl-genl-3.0 come
 *           with it)
 * Include:  #include <s2svpn.h>
 *
 * Objects.  struct s2s_tunnel, s2s_sa, s2s_segment, s2s_selector and
 * s2s_event (s2svpn/s2s.h) describe what the kernel holds.  A request marks
 * the fields it gives in @set (S2S_TUNNEL_HAS_*, S2S_SA_HAS_* ...); a
 * decoded reply marks the attributes the kernel sent.  The enum values
 * (modes, directions, states, drop reasons) are those of the uapi header
 * <linux/s2svpn.h>, installed with this header.
 *
 * A session (s2svpn/netlink.h):
 *
 *	struct s2s_nl nl;
 *	struct s2s_vec tunnels = S2S_VEC_INIT(struct s2s_tunnel);
 *
 *	if (s2s_nl_open(&nl) == -ENOENT)
 *		... the module is not loaded ...
 *	if (s2s_get_tunnels(&nl, NULL, &tunnels) < 0)
 *		fprintf(stderr, "%s\n", nl.extack);
 *	for (size_t i = 0; i < tunnels.n; i++) {
 *		struct s2s_tunnel *t = s2s_vec_at(&tunnels, i);
 *		...
 *	}
 *	s2s_vec_free(&tunnels);
 *	s2s_nl_close(&nl);
 *
 * Changes: build a request with s2s_msg_new(nl.family, S2S_CMD_*, 0), add
 * the object with s2s_put_tunnel()/s2s_put_sa()/... and send it with
 * s2s_nl_request(); a negative errno comes back with the kernel's reason in
 * nl.extack.  Events: s2s_nl_monitor() on a session of its own.
 *
 * Rules.  Functions return 0 or a negative errno and never exit.  A session
 * is one netlink socket: use it from one thread at a time (one session per
 * thread is fine).  The session works in the network namespace the calling
 * thread is in when s2s_nl_open() runs.  Key material passes through
 * struct s2s_sa: wipe it when done (s2s_msg_free() wipes requests).
 * Every public symbol starts with s2s_ or S2S_.  The ABI follows the soname
 * (libs2svpn.so.0); the uapi header defines the wire format.
 */
#ifndef S2SVPN_H
#define S2SVPN_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * s2s.h sizes interface names with IFNAMSIZ, which <net/if.h> hides from
 * strict ISO C builds (-std=c11 without _DEFAULT_SOURCE); it is the
 * kernel's fixed 16.
 */
#ifndef IFNAMSIZ
#define IFNAMSIZ 16
#endif

#include "s2svpn/s2s.h"
#include "s2svpn/vec.h"
#include "s2svpn/netlink.h"

/* The library's version, for a program that wants to print it. */
#define S2SVPN_LIB_SOVERSION 0

#ifdef __cplusplus
}
#endif

#endif /* S2SVPN_H */
