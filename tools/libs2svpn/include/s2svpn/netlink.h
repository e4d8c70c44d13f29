/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Talking to the s2svpn generic netlink family through libnl-genl:
 * requests built from, and replies parsed into, the structures of s2s.h.
 */
#ifndef S2SCTL_NETLINK_H
#define S2SCTL_NETLINK_H

#include <stdbool.h>
#include <stdint.h>
#include <netlink/msg.h>

#include "s2s.h"
#include "vec.h"

struct s2s_nl {
	struct nl_sock *sk;
	int family;
	/* why the last request failed: the kernel's extack message, or "" */
	char extack[256];
};

/*
 * Connects and resolves the family.  Returns 0, -ENOENT when the family is
 * not registered (module not loaded), or another negative errno with the
 * reason in @nl->extack.
 */
int s2s_nl_open(struct s2s_nl *nl);
void s2s_nl_close(struct s2s_nl *nl);

/* A request message for @cmd; NULL when out of memory. */
struct nl_msg *s2s_msg_new(int family, uint8_t cmd, int flags);

/* Frees a request, wiping it first: SA requests carry keys. */
void s2s_msg_free(struct nl_msg *msg);

/* Attributes of a request; each returns 0 or -EMSGSIZE. */
int s2s_put_ifname(struct nl_msg *msg, const char *ifname);
int s2s_put_tunnel(struct nl_msg *msg, const struct s2s_tunnel *t);
int s2s_put_sa(struct nl_msg *msg, const struct s2s_sa *sa);
int s2s_put_segment(struct nl_msg *msg, const struct s2s_segment *seg,
		    bool with_mark);
int s2s_put_selector(struct nl_msg *msg, const struct s2s_selector *sel);

/*
 * Sends @msg (and frees it), hands every reply to @fn (may be NULL) and
 * waits for the acknowledgement or the end of the dump.  Returns 0 or a
 * negative errno; the kernel's extended-ack message is in @nl->extack.
 * Warnings the kernel attaches to a success go to stderr.
 */
typedef int (*s2s_reply_fn)(struct nl_msg *msg, void *arg);
int s2s_nl_request(struct s2s_nl *nl, struct nl_msg *msg, s2s_reply_fn fn,
		   void *arg);

/*
 * The kernel's extended-ack message (NLMSGERR_ATTR_MSG) of an NLMSG_ERROR
 * or NLMSG_DONE message, or "" when it has none.
 */
void s2s_nl_extack(const struct nlmsghdr *nlh, char *buf, size_t len);

/* Reply parsers: 0, or -EINVAL when @msg does not hold the object. */
int s2s_tunnel_from_msg(struct nl_msg *msg, struct s2s_tunnel *t);
int s2s_sa_from_msg(struct nl_msg *msg, struct s2s_sa *sa);
int s2s_segment_from_msg(struct nl_msg *msg, struct s2s_segment *seg);
int s2s_selector_from_msg(struct nl_msg *msg, struct s2s_selector *sel);
int s2s_event_from_msg(struct nl_msg *msg, struct s2s_event *ev);

/* Queries; @ifname NULL or "" means every tunnel. */
int s2s_get_version(struct s2s_nl *nl, char *version, size_t len);
int s2s_get_tunnels(struct s2s_nl *nl, const char *ifname, struct s2s_vec *out);
int s2s_get_sas(struct s2s_nl *nl, const char *ifname, struct s2s_vec *out);
int s2s_get_segments(struct s2s_nl *nl, struct s2s_vec *out);
int s2s_get_selectors(struct s2s_nl *nl, const char *ifname,
		      struct s2s_vec *out);

/*
 * Joins the "events" group and calls @fn for every event until @fn
 * returns non-zero or receiving fails (negative errno).
 */
typedef int (*s2s_event_fn)(const struct s2s_event *ev, void *arg);
int s2s_nl_monitor(struct s2s_nl *nl, s2s_event_fn fn, void *arg);

#endif /* S2SCTL_NETLINK_H */
