// SPDX-License-Identifier: GPL-2.0-only
/*
 * libnl-genl transport for s2sctl: socket setup with extended ACK,
 * request/reply loop, attribute encoding and decoding.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/s2svpn.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>

#include "netlink.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Large enough that a burst of events does not overrun the monitor. */
#define S2S_RCVBUF (1 << 20)

#define S2S_NL_BUF_SIZE 32768

int s2s_nl_open(struct s2s_nl *nl)
{
	int one = 1, err;

	nl->extack[0] = '\0';
	nl->family = -1;
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	err = genl_connect(nl->sk);
	if (err < 0) {
		snprintf(nl->extack, sizeof(nl->extack),
			 "cannot open a generic netlink socket: %s",
			 nl_geterror(err));
		err = -EIO;
		goto err_free;
	}
	/*
	 * Ask for the kernel's error messages, and for acks that do not echo
	 * the request back.  Both are best effort: old kernels lack them.
	 */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	/*
	 * One read per message into a buffer as large as the biggest message
	 * the kernel builds (dumps fill at most 32 KiB, the most a reader's
	 * buffer makes it use), rather than a peek at the length and a
	 * second read: a batch of 10,000 selectors is 20,000 reads fewer.
	 */
	nl_socket_disable_msg_peek(nl->sk);
	nl_socket_set_msg_buf_size(nl->sk, S2S_NL_BUF_SIZE);

	nl->family = genl_ctrl_resolve(nl->sk, S2S_GENL_NAME);
	if (nl->family < 0) {
		err = nl->family == -NLE_OBJ_NOTFOUND ? -ENOENT : -EIO;
		snprintf(nl->extack, sizeof(nl->extack),
			 "cannot resolve the generic netlink family \"%s\": %s",
			 S2S_GENL_NAME, nl_geterror(nl->family));
		goto err_free;
	}
	return 0;

err_free:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return err;
}

void s2s_nl_close(struct s2s_nl *nl)
{
	nl_socket_free(nl->sk);
	nl->sk = NULL;
}

struct nl_msg *s2s_msg_new(int family, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
			 S2S_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

void s2s_msg_free(struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	explicit_bzero(nlh, nlh->nlmsg_len);
	nlmsg_free(msg);
}

/* Requests */

static int put_addr(struct nl_msg *msg, int type, const struct s2s_addr *a)
{
	return nla_put(msg, type, s2s_addr_len(a), a->bytes);
}

int s2s_put_ifname(struct nl_msg *msg, const char *ifname)
{
	return nla_put_string(msg, S2S_A_IFNAME, ifname) ? -EMSGSIZE : 0;
}

int s2s_put_tunnel(struct nl_msg *msg, const struct s2s_tunnel *t)
{
	struct nlattr *nest;
	int err = 0;

	if (s2s_put_ifname(msg, t->ifname))
		return -EMSGSIZE;
	nest = nla_nest_start(msg, S2S_A_TUNNEL);
	if (!nest)
		return -EMSGSIZE;
	if (t->set & S2S_TUNNEL_HAS_LOCAL)
		err |= put_addr(msg, S2S_TUNNEL_A_LOCAL, &t->local);
	if (t->set & S2S_TUNNEL_HAS_REMOTE)
		err |= put_addr(msg, S2S_TUNNEL_A_REMOTE, &t->remote);
	if (t->set & S2S_TUNNEL_HAS_MODE)
		err |= nla_put_u8(msg, S2S_TUNNEL_A_MODE, t->mode);
	if (t->set & S2S_TUNNEL_HAS_MARK) {
		err |= nla_put_u32(msg, S2S_TUNNEL_A_MARK, t->mark);
		err |= nla_put_u32(msg, S2S_TUNNEL_A_MARK_MASK, t->mask);
	}
	if (t->set & S2S_TUNNEL_HAS_MTU)
		err |= nla_put_u32(msg, S2S_TUNNEL_A_MTU, t->mtu);
	if (t->set & S2S_TUNNEL_HAS_ENCAP)
		err |= nla_put_u8(msg, S2S_TUNNEL_A_ENCAP, t->encap);
	if (t->set & S2S_TUNNEL_HAS_SPORT)
		err |= nla_put_u16(msg, S2S_TUNNEL_A_ENCAP_SPORT, t->sport);
	if (t->set & S2S_TUNNEL_HAS_DPORT)
		err |= nla_put_u16(msg, S2S_TUNNEL_A_ENCAP_DPORT, t->dport);
	if (t->set & S2S_TUNNEL_HAS_KEEPALIVE)
		err |= nla_put_u16(msg, S2S_TUNNEL_A_ENCAP_KEEPALIVE,
				   t->keepalive);
	if (t->set & S2S_TUNNEL_HAS_IF_ID)
		err |= nla_put_u32(msg, S2S_TUNNEL_A_IF_ID, t->if_id);
	if (t->set & S2S_TUNNEL_HAS_PROBE)	/* none: 0 bytes */
		err |= t->probe.family ?
		       put_addr(msg, S2S_TUNNEL_A_PROBE_ADDR, &t->probe) :
		       nla_put(msg, S2S_TUNNEL_A_PROBE_ADDR, 0, NULL);
	if (t->set & S2S_TUNNEL_HAS_PROBE_INTERVAL)
		err |= nla_put_u32(msg, S2S_TUNNEL_A_PROBE_INTERVAL, t->probe_interval);
	if (t->set & S2S_TUNNEL_HAS_PROBE_MISSES)
		err |= nla_put_u32(msg, S2S_TUNNEL_A_PROBE_MISSES, t->probe_misses);
	nla_nest_end(msg, nest);
	return err ? -EMSGSIZE : 0;
}

static int put_key(struct nl_msg *msg, int type, const struct s2s_key *key)
{
	return nla_put(msg, type, key->len, key->bytes);
}

int s2s_put_sa(struct nl_msg *msg, const struct s2s_sa *sa)
{
	struct nlattr *nest;
	int err = 0;

	if (s2s_put_ifname(msg, sa->ifname))
		return -EMSGSIZE;
	nest = nla_nest_start(msg, S2S_A_SA);
	if (!nest)
		return -EMSGSIZE;
	if (sa->set & S2S_SA_HAS_DIR)
		err |= nla_put_u8(msg, S2S_SA_A_DIR, sa->dir);
	if (sa->set & S2S_SA_HAS_SPI)
		err |= nla_put_u32(msg, S2S_SA_A_SPI, sa->spi);
	if (sa->set & S2S_SA_HAS_AEAD) {
		err |= nla_put_string(msg, S2S_SA_A_AEAD_ALG, sa->aead_alg);
		err |= put_key(msg, S2S_SA_A_AEAD_KEY, &sa->aead_key);
		err |= nla_put_u32(msg, S2S_SA_A_ICV_BITS, sa->icv_bits);
	}
	if (sa->set & S2S_SA_HAS_ENC) {
		err |= nla_put_string(msg, S2S_SA_A_ENC_ALG, sa->enc_alg);
		err |= put_key(msg, S2S_SA_A_ENC_KEY, &sa->enc_key);
	}
	if (sa->set & S2S_SA_HAS_AUTH) {
		err |= nla_put_string(msg, S2S_SA_A_AUTH_ALG, sa->auth_alg);
		err |= put_key(msg, S2S_SA_A_AUTH_KEY, &sa->auth_key);
		err |= nla_put_u32(msg, S2S_SA_A_AUTH_TRUNC_BITS, sa->trunc_bits);
	}
	if (sa->set & S2S_SA_HAS_REPLAY)
		err |= nla_put_u32(msg, S2S_SA_A_REPLAY_WINDOW, sa->replay_window);
	if (sa->esn)
		err |= nla_put_flag(msg, S2S_SA_A_ESN);
	if (sa->set & S2S_SA_HAS_SEQ)
		err |= nla_put_u64(msg, S2S_SA_A_SEQ, sa->seq);
	for (int i = 0; i < S2S_LT_COUNT; i++)
		if (sa->set & S2S_SA_HAS_LIFETIME(i))
			err |= nla_put_u64(msg, S2S_SA_A_SOFT_BYTES + i,
					   sa->lifetime[i]);
	nla_nest_end(msg, nest);
	return err ? -EMSGSIZE : 0;
}

int s2s_put_segment(struct nl_msg *msg, const struct s2s_segment *seg,
		    bool with_mark)
{
	struct nlattr *nest = nla_nest_start(msg, S2S_A_SEGMENT);
	int err = 0;

	if (!nest)
		return -EMSGSIZE;
	err |= nla_put_string(msg, S2S_SEGMENT_A_NAME, seg->name);
	if (with_mark) {
		err |= nla_put_u32(msg, S2S_SEGMENT_A_MARK, seg->mark);
		err |= nla_put_u32(msg, S2S_SEGMENT_A_MASK, seg->mask);
	}
	nla_nest_end(msg, nest);
	return err ? -EMSGSIZE : 0;
}

int s2s_put_selector(struct nl_msg *msg, const struct s2s_selector *sel)
{
	struct nlattr *nest;
	int err = 0;

	if (s2s_put_ifname(msg, sel->ifname))
		return -EMSGSIZE;
	nest = nla_nest_start(msg, S2S_A_SELECTOR);
	if (!nest)
		return -EMSGSIZE;
	if (sel->set & S2S_SEL_HAS_ID)
		err |= nla_put_u32(msg, S2S_SEL_A_ID, sel->id);
	if (sel->set & S2S_SEL_HAS_DIR)
		err |= nla_put_u8(msg, S2S_SEL_A_DIR, sel->dir);
	if (sel->set & S2S_SEL_HAS_SRC) {
		err |= put_addr(msg, S2S_SEL_A_SRC, &sel->src);
		err |= nla_put_u8(msg, S2S_SEL_A_SRC_PLEN, sel->src.plen);
	}
	if (sel->set & S2S_SEL_HAS_DST) {
		err |= put_addr(msg, S2S_SEL_A_DST, &sel->dst);
		err |= nla_put_u8(msg, S2S_SEL_A_DST_PLEN, sel->dst.plen);
	}
	if (sel->set & S2S_SEL_HAS_PROTO)
		err |= nla_put_u8(msg, S2S_SEL_A_PROTO, sel->proto);
	if (sel->set & S2S_SEL_HAS_SPORT) {
		err |= nla_put_u16(msg, S2S_SEL_A_SPORT_MIN, sel->sport_min);
		err |= nla_put_u16(msg, S2S_SEL_A_SPORT_MAX, sel->sport_max);
	}
	if (sel->set & S2S_SEL_HAS_DPORT) {
		err |= nla_put_u16(msg, S2S_SEL_A_DPORT_MIN, sel->dport_min);
		err |= nla_put_u16(msg, S2S_SEL_A_DPORT_MAX, sel->dport_max);
	}
	if (sel->set & S2S_SEL_HAS_SEGMENT)
		err |= nla_put_string(msg, S2S_SEL_A_SEGMENT, sel->segment);
	if (sel->set & S2S_SEL_HAS_ACTION)
		err |= nla_put_u8(msg, S2S_SEL_A_ACTION, sel->action);
	if (sel->set & S2S_SEL_HAS_PRIORITY)
		err |= nla_put_u32(msg, S2S_SEL_A_PRIORITY, sel->priority);
	nla_nest_end(msg, nest);
	return err ? -EMSGSIZE : 0;
}

/* The request/reply loop */

struct transaction {
	struct s2s_nl *nl;
	s2s_reply_fn fn;
	void *arg;
	int err;
	bool done;
};

/* Where the TLVs of an NLMSG_ERROR start: after the (possibly capped) echo. */
static size_t ack_tlv_offset(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t offset = sizeof(*e);

	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len > NLMSG_HDRLEN)
		offset += e->msg.nlmsg_len - NLMSG_HDRLEN;
	return NLMSG_ALIGN(offset);
}

void s2s_nl_extack(const struct nlmsghdr *nlh, char *buf, size_t len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t payload = nlh->nlmsg_len - NLMSG_HDRLEN;
	size_t offset;

	buf[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len < NLMSG_HDRLEN)
		return;
	if (nlh->nlmsg_type == NLMSG_ERROR)
		offset = payload >= sizeof(struct nlmsgerr) ? ack_tlv_offset(nlh) :
							       payload;
	else	/* NLMSG_DONE: the dump's error code, then the TLVs */
		offset = NLMSG_ALIGN(sizeof(int));
	if (offset >= payload)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)NLMSG_DATA(nlh) + offset),
		      payload - offset, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(buf, tb[NLMSGERR_ATTR_MSG], len);
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *nlh = (void *)((char *)e - NLMSG_HDRLEN);
	struct transaction *t = arg;

	(void)who;
	s2s_nl_extack(nlh, t->nl->extack, sizeof(t->nl->extack));
	t->err = e->error;
	t->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct transaction *t = arg;
	char warning[256];

	s2s_nl_extack(nlh, warning, sizeof(warning));
	if (warning[0])
		fprintf(stderr, "Warning: %s\n", warning);
	t->done = true;
	return NL_STOP;
}

/* NLMSG_DONE carries the dump's error, if any, and then TLVs. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct transaction *t = arg;
	int err;

	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(err)) {
		memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
		if (err < 0) {
			t->err = err;
			s2s_nl_extack(nlh, t->nl->extack,
				      sizeof(t->nl->extack));
		}
	}
	t->done = true;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct transaction *t = arg;

	if (t->fn && !t->err) {
		int err = t->fn(msg, t->arg);

		if (err < 0)
			t->err = err;
	}
	return NL_OK;
}

int s2s_nl_request(struct s2s_nl *nl, struct nl_msg *msg, s2s_reply_fn fn,
		   void *arg)
{
	struct transaction t = { .nl = nl, .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int err;

	nl->extack[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		s2s_msg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &t);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &t);

	err = nl_send_auto(nl->sk, msg);
	s2s_msg_free(msg);
	while (err >= 0 && !t.done)
		err = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);

	if (!t.done) {
		snprintf(nl->extack, sizeof(nl->extack), "netlink: %s",
			 nl_geterror(err));
		return -EIO;
	}
	return t.err;
}

/* Replies */

static struct nla_policy top_policy[S2S_A_MAX + 1] = {
	[S2S_A_IFINDEX]		= { .type = NLA_U32 },
	[S2S_A_IFNAME]		= { .type = NLA_STRING },
	[S2S_A_VERSION]		= { .type = NLA_STRING },
	[S2S_A_TUNNEL]		= { .type = NLA_NESTED },
	[S2S_A_SA]		= { .type = NLA_NESTED },
	[S2S_A_SEGMENT]		= { .type = NLA_NESTED },
	[S2S_A_SELECTOR]	= { .type = NLA_NESTED },
	[S2S_A_EXPIRE]		= { .type = NLA_NESTED },
};

static struct nla_policy tunnel_policy[S2S_TUNNEL_A_MAX + 1] = {
	[S2S_TUNNEL_A_MODE]		= { .type = NLA_U8 },
	[S2S_TUNNEL_A_MARK]		= { .type = NLA_U32 },
	[S2S_TUNNEL_A_MARK_MASK]	= { .type = NLA_U32 },
	[S2S_TUNNEL_A_MTU]		= { .type = NLA_U32 },
	[S2S_TUNNEL_A_ENCAP]		= { .type = NLA_U8 },
	[S2S_TUNNEL_A_ENCAP_SPORT]	= { .type = NLA_U16 },
	[S2S_TUNNEL_A_ENCAP_DPORT]	= { .type = NLA_U16 },
	[S2S_TUNNEL_A_OPER_STATE]	= { .type = NLA_U8 },
	[S2S_TUNNEL_A_STATS]		= { .type = NLA_NESTED },
	[S2S_TUNNEL_A_IFINDEX]		= { .type = NLA_U32 },
	[S2S_TUNNEL_A_IFNAME]		= { .type = NLA_STRING },
	[S2S_TUNNEL_A_TX_SPI]		= { .type = NLA_U32 },
	[S2S_TUNNEL_A_LINK_MTU]		= { .type = NLA_U32 },
	[S2S_TUNNEL_A_ENCAP_KEEPALIVE]	= { .type = NLA_U16 },
	[S2S_TUNNEL_A_NAT_DPORT]	= { .type = NLA_U16 },
	[S2S_TUNNEL_A_IF_ID]		= { .type = NLA_U32 },
	[S2S_TUNNEL_A_PROBE_INTERVAL]	= { .type = NLA_U32 },
	[S2S_TUNNEL_A_PROBE_MISSES]	= { .type = NLA_U32 },
	[S2S_TUNNEL_A_PEER_STATE]	= { .type = NLA_U8 },
	[S2S_TUNNEL_A_IKE_SEL_REFUSED]	= { .type = NLA_U32 },
};

static struct nla_policy sa_policy[S2S_SA_A_MAX + 1] = {
	[S2S_SA_A_DIR]			= { .type = NLA_U8 },
	[S2S_SA_A_SPI]			= { .type = NLA_U32 },
	[S2S_SA_A_AEAD_ALG]		= { .type = NLA_STRING },
	[S2S_SA_A_ICV_BITS]		= { .type = NLA_U32 },
	[S2S_SA_A_ENC_ALG]		= { .type = NLA_STRING },
	[S2S_SA_A_AUTH_ALG]		= { .type = NLA_STRING },
	[S2S_SA_A_AUTH_TRUNC_BITS]	= { .type = NLA_U32 },
	[S2S_SA_A_REPLAY_WINDOW]	= { .type = NLA_U32 },
	[S2S_SA_A_ESN]			= { .type = NLA_FLAG },
	[S2S_SA_A_SOFT_BYTES]		= { .type = NLA_U64 },
	[S2S_SA_A_HARD_BYTES]		= { .type = NLA_U64 },
	[S2S_SA_A_SOFT_PACKETS]		= { .type = NLA_U64 },
	[S2S_SA_A_HARD_PACKETS]		= { .type = NLA_U64 },
	[S2S_SA_A_SOFT_SECONDS]		= { .type = NLA_U64 },
	[S2S_SA_A_HARD_SECONDS]		= { .type = NLA_U64 },
	[S2S_SA_A_SEQ]			= { .type = NLA_U64 },
	[S2S_SA_A_STATS]		= { .type = NLA_NESTED },
	[S2S_SA_A_STATE]		= { .type = NLA_U8 },
	[S2S_SA_A_AGE]			= { .type = NLA_U64 },
	[S2S_SA_A_IFINDEX]		= { .type = NLA_U32 },
	[S2S_SA_A_IFNAME]		= { .type = NLA_STRING },
	[S2S_SA_A_REPLACED_SPI]		= { .type = NLA_U32 },
};

static struct nla_policy stats_policy[S2S_STATS_A_MAX + 1] = {
	[S2S_STATS_A_TX_PACKETS]	= { .type = NLA_U64 },
	[S2S_STATS_A_TX_BYTES]		= { .type = NLA_U64 },
	[S2S_STATS_A_RX_PACKETS]	= { .type = NLA_U64 },
	[S2S_STATS_A_RX_BYTES]		= { .type = NLA_U64 },
	[S2S_STATS_A_DROPS]		= { .type = NLA_NESTED },
};

static struct nla_policy segment_policy[S2S_SEGMENT_A_MAX + 1] = {
	[S2S_SEGMENT_A_NAME]		= { .type = NLA_STRING },
	[S2S_SEGMENT_A_MARK]		= { .type = NLA_U32 },
	[S2S_SEGMENT_A_MASK]		= { .type = NLA_U32 },
	[S2S_SEGMENT_A_STATS]		= { .type = NLA_NESTED },
	[S2S_SEGMENT_A_SELECTORS]	= { .type = NLA_U32 },
};

static struct nla_policy selector_policy[S2S_SEL_A_MAX + 1] = {
	[S2S_SEL_A_ID]			= { .type = NLA_U32 },
	[S2S_SEL_A_DIR]			= { .type = NLA_U8 },
	[S2S_SEL_A_SRC_PLEN]		= { .type = NLA_U8 },
	[S2S_SEL_A_DST_PLEN]		= { .type = NLA_U8 },
	[S2S_SEL_A_PROTO]		= { .type = NLA_U8 },
	[S2S_SEL_A_SPORT_MIN]		= { .type = NLA_U16 },
	[S2S_SEL_A_SPORT_MAX]		= { .type = NLA_U16 },
	[S2S_SEL_A_DPORT_MIN]		= { .type = NLA_U16 },
	[S2S_SEL_A_DPORT_MAX]		= { .type = NLA_U16 },
	[S2S_SEL_A_SEGMENT]		= { .type = NLA_STRING },
	[S2S_SEL_A_ACTION]		= { .type = NLA_U8 },
	[S2S_SEL_A_PRIORITY]		= { .type = NLA_U32 },
	[S2S_SEL_A_MATCHES]		= { .type = NLA_U64 },
	[S2S_SEL_A_MATCH_BYTES]		= { .type = NLA_U64 },
	[S2S_SEL_A_ORIGIN]		= { .type = NLA_U8 },
};

static struct nla_policy expire_policy[S2S_EXPIRE_A_MAX + 1] = {
	[S2S_EXPIRE_A_KIND]		= { .type = NLA_U8 },
	[S2S_EXPIRE_A_LIMIT]		= { .type = NLA_U8 },
};

static bool get_addr(const struct nlattr *a, struct s2s_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (!a)
		return false;
	if (nla_len(a) == 4)
		addr->family = AF_INET;
	else if (nla_len(a) == 16)
		addr->family = AF_INET6;
	else
		return false;
	memcpy(addr->bytes, nla_data(a), nla_len(a));
	addr->plen = nla_len(a) * 8;
	return true;
}

/* A counter, whatever integer width the kernel chose. */
static uint64_t get_counter(const struct nlattr *a)
{
	switch (nla_len(a)) {
	case 8:
		return nla_get_u64((struct nlattr *)a);
	case 4:
		return nla_get_u32((struct nlattr *)a);
	default:
		return 0;
	}
}

static void get_stats(struct nlattr *nest, struct s2s_stats *st)
{
	struct nlattr *tb[S2S_STATS_A_MAX + 1], *a;
	int rem;

	if (!nest || nla_parse_nested(tb, S2S_STATS_A_MAX, nest, stats_policy))
		return;
	st->present = true;
	if (tb[S2S_STATS_A_TX_PACKETS])
		st->tx_packets = nla_get_u64(tb[S2S_STATS_A_TX_PACKETS]);
	if (tb[S2S_STATS_A_TX_BYTES])
		st->tx_bytes = nla_get_u64(tb[S2S_STATS_A_TX_BYTES]);
	if (tb[S2S_STATS_A_RX_PACKETS])
		st->rx_packets = nla_get_u64(tb[S2S_STATS_A_RX_PACKETS]);
	if (tb[S2S_STATS_A_RX_BYTES])
		st->rx_bytes = nla_get_u64(tb[S2S_STATS_A_RX_BYTES]);
	if (!tb[S2S_STATS_A_DROPS])
		return;
	/* the attribute type is the reason, so unknown reasons still count */
	nla_for_each_nested(a, tb[S2S_STATS_A_DROPS], rem)
		if (nla_type(a) < S2S_DROPS_CAP)
			st->drops[nla_type(a)] = get_counter(a);
}

static void get_owner(struct nlattr *ifindex, struct nlattr *ifname,
		      uint32_t *index, char *name)
{
	if (ifindex)
		*index = nla_get_u32(ifindex);
	if (ifname)
		nla_strlcpy(name, ifname, IFNAMSIZ);
}

static int parse_top(struct nl_msg *msg, struct nlattr **tb)
{
	return genlmsg_parse(nlmsg_hdr(msg), 0, tb, S2S_A_MAX, top_policy) ?
	       -EINVAL : 0;
}

int s2s_tunnel_from_msg(struct nl_msg *msg, struct s2s_tunnel *t)
{
	struct nlattr *tb[S2S_A_MAX + 1], *ta[S2S_TUNNEL_A_MAX + 1];

	memset(t, 0, sizeof(*t));
	if (parse_top(msg, tb) || !tb[S2S_A_TUNNEL] ||
	    nla_parse_nested(ta, S2S_TUNNEL_A_MAX, tb[S2S_A_TUNNEL], tunnel_policy))
		return -EINVAL;
	get_owner(ta[S2S_TUNNEL_A_IFINDEX], ta[S2S_TUNNEL_A_IFNAME], &t->ifindex,
		  t->ifname);
	get_owner(tb[S2S_A_IFINDEX], tb[S2S_A_IFNAME], &t->ifindex, t->ifname);

	if (get_addr(ta[S2S_TUNNEL_A_LOCAL], &t->local))
		t->set |= S2S_TUNNEL_HAS_LOCAL;
	if (get_addr(ta[S2S_TUNNEL_A_REMOTE], &t->remote))
		t->set |= S2S_TUNNEL_HAS_REMOTE;
	if (ta[S2S_TUNNEL_A_MODE]) {
		t->mode = nla_get_u8(ta[S2S_TUNNEL_A_MODE]);
		t->set |= S2S_TUNNEL_HAS_MODE;
	}
	if (ta[S2S_TUNNEL_A_MARK] || ta[S2S_TUNNEL_A_MARK_MASK]) {
		if (ta[S2S_TUNNEL_A_MARK])
			t->mark = nla_get_u32(ta[S2S_TUNNEL_A_MARK]);
		if (ta[S2S_TUNNEL_A_MARK_MASK])
			t->mask = nla_get_u32(ta[S2S_TUNNEL_A_MARK_MASK]);
		t->set |= S2S_TUNNEL_HAS_MARK;
	}
	if (ta[S2S_TUNNEL_A_MTU]) {
		t->mtu = nla_get_u32(ta[S2S_TUNNEL_A_MTU]);
		t->set |= S2S_TUNNEL_HAS_MTU;
	}
	if (ta[S2S_TUNNEL_A_ENCAP]) {
		t->encap = nla_get_u8(ta[S2S_TUNNEL_A_ENCAP]);
		t->set |= S2S_TUNNEL_HAS_ENCAP;
	}
	if (ta[S2S_TUNNEL_A_ENCAP_SPORT]) {
		t->sport = nla_get_u16(ta[S2S_TUNNEL_A_ENCAP_SPORT]);
		t->set |= S2S_TUNNEL_HAS_SPORT;
	}
	if (ta[S2S_TUNNEL_A_ENCAP_DPORT]) {
		t->dport = nla_get_u16(ta[S2S_TUNNEL_A_ENCAP_DPORT]);
		t->set |= S2S_TUNNEL_HAS_DPORT;
	}
	if (ta[S2S_TUNNEL_A_OPER_STATE]) {
		t->oper_state = nla_get_u8(ta[S2S_TUNNEL_A_OPER_STATE]);
		t->set |= S2S_TUNNEL_HAS_STATE;
	}
	if (ta[S2S_TUNNEL_A_TX_SPI]) {
		t->tx_spi = nla_get_u32(ta[S2S_TUNNEL_A_TX_SPI]);
		t->set |= S2S_TUNNEL_HAS_TX_SPI;
	}
	if (ta[S2S_TUNNEL_A_LINK_MTU]) {
		t->link_mtu = nla_get_u32(ta[S2S_TUNNEL_A_LINK_MTU]);
		t->set |= S2S_TUNNEL_HAS_LINK_MTU;
	}
	if (ta[S2S_TUNNEL_A_ENCAP_KEEPALIVE]) {
		t->keepalive = nla_get_u16(ta[S2S_TUNNEL_A_ENCAP_KEEPALIVE]);
		t->set |= S2S_TUNNEL_HAS_KEEPALIVE;
	}
	if (get_addr(ta[S2S_TUNNEL_A_NAT_REMOTE], &t->nat_remote) &&
	    ta[S2S_TUNNEL_A_NAT_DPORT]) {
		t->nat_dport = nla_get_u16(ta[S2S_TUNNEL_A_NAT_DPORT]);
		t->set |= S2S_TUNNEL_HAS_NAT;
	}
	if (ta[S2S_TUNNEL_A_IF_ID]) {
		t->if_id = nla_get_u32(ta[S2S_TUNNEL_A_IF_ID]);
		t->set |= S2S_TUNNEL_HAS_IF_ID;
	}
	if (get_addr(ta[S2S_TUNNEL_A_PROBE_ADDR], &t->probe))
		t->set |= S2S_TUNNEL_HAS_PROBE;
	if (ta[S2S_TUNNEL_A_PROBE_INTERVAL]) {
		t->probe_interval = nla_get_u32(ta[S2S_TUNNEL_A_PROBE_INTERVAL]);
		t->set |= S2S_TUNNEL_HAS_PROBE_INTERVAL;
	}
	if (ta[S2S_TUNNEL_A_PROBE_MISSES]) {
		t->probe_misses = nla_get_u32(ta[S2S_TUNNEL_A_PROBE_MISSES]);
		t->set |= S2S_TUNNEL_HAS_PROBE_MISSES;
	}
	if (ta[S2S_TUNNEL_A_IKE_SEL_REFUSED])
		t->ike_sel_refused = nla_get_u32(ta[S2S_TUNNEL_A_IKE_SEL_REFUSED]);
	if (ta[S2S_TUNNEL_A_PEER_STATE]) {
		t->peer_state = nla_get_u8(ta[S2S_TUNNEL_A_PEER_STATE]);
		t->set |= S2S_TUNNEL_HAS_PEER_STATE;
	}
	get_stats(ta[S2S_TUNNEL_A_STATS], &t->stats);
	return 0;
}

static void get_string(struct nlattr *a, char *buf, size_t len)
{
	if (a)
		nla_strlcpy(buf, a, len);
}

int s2s_sa_from_msg(struct nl_msg *msg, struct s2s_sa *sa)
{
	struct nlattr *tb[S2S_A_MAX + 1], *ta[S2S_SA_A_MAX + 1];

	memset(sa, 0, sizeof(*sa));
	if (parse_top(msg, tb) || !tb[S2S_A_SA] ||
	    nla_parse_nested(ta, S2S_SA_A_MAX, tb[S2S_A_SA], sa_policy))
		return -EINVAL;
	get_owner(tb[S2S_A_IFINDEX], tb[S2S_A_IFNAME], &sa->ifindex, sa->ifname);
	get_owner(ta[S2S_SA_A_IFINDEX], ta[S2S_SA_A_IFNAME], &sa->ifindex,
		  sa->ifname);

	if (ta[S2S_SA_A_DIR]) {
		sa->dir = nla_get_u8(ta[S2S_SA_A_DIR]);
		sa->set |= S2S_SA_HAS_DIR;
	}
	if (ta[S2S_SA_A_SPI]) {
		sa->spi = nla_get_u32(ta[S2S_SA_A_SPI]);
		sa->set |= S2S_SA_HAS_SPI;
	}
	if (ta[S2S_SA_A_AEAD_ALG]) {
		get_string(ta[S2S_SA_A_AEAD_ALG], sa->aead_alg, sizeof(sa->aead_alg));
		if (ta[S2S_SA_A_ICV_BITS])
			sa->icv_bits = nla_get_u32(ta[S2S_SA_A_ICV_BITS]);
		sa->set |= S2S_SA_HAS_AEAD;
	}
	if (ta[S2S_SA_A_ENC_ALG]) {
		get_string(ta[S2S_SA_A_ENC_ALG], sa->enc_alg, sizeof(sa->enc_alg));
		sa->set |= S2S_SA_HAS_ENC;
	}
	if (ta[S2S_SA_A_AUTH_ALG]) {
		get_string(ta[S2S_SA_A_AUTH_ALG], sa->auth_alg, sizeof(sa->auth_alg));
		if (ta[S2S_SA_A_AUTH_TRUNC_BITS])
			sa->trunc_bits = nla_get_u32(ta[S2S_SA_A_AUTH_TRUNC_BITS]);
		sa->set |= S2S_SA_HAS_AUTH;
	}
	if (ta[S2S_SA_A_REPLAY_WINDOW]) {
		sa->replay_window = nla_get_u32(ta[S2S_SA_A_REPLAY_WINDOW]);
		sa->set |= S2S_SA_HAS_REPLAY;
	}
	sa->esn = !!ta[S2S_SA_A_ESN];
	for (int i = 0; i < S2S_LT_COUNT; i++) {
		if (ta[S2S_SA_A_SOFT_BYTES + i]) {
			sa->lifetime[i] = nla_get_u64(ta[S2S_SA_A_SOFT_BYTES + i]);
			sa->set |= S2S_SA_HAS_LIFETIME(i);
		}
	}
	if (ta[S2S_SA_A_SEQ]) {
		sa->seq = nla_get_u64(ta[S2S_SA_A_SEQ]);
		sa->set |= S2S_SA_HAS_SEQ;
	}
	if (ta[S2S_SA_A_STATE]) {
		sa->state = nla_get_u8(ta[S2S_SA_A_STATE]);
		sa->set |= S2S_SA_HAS_STATE;
	}
	if (ta[S2S_SA_A_AGE]) {
		sa->age = nla_get_u64(ta[S2S_SA_A_AGE]);
		sa->set |= S2S_SA_HAS_AGE;
	}
	get_stats(ta[S2S_SA_A_STATS], &sa->stats);
	return 0;
}

int s2s_segment_from_msg(struct nl_msg *msg, struct s2s_segment *seg)
{
	struct nlattr *tb[S2S_A_MAX + 1], *ta[S2S_SEGMENT_A_MAX + 1];

	memset(seg, 0, sizeof(*seg));
	if (parse_top(msg, tb) || !tb[S2S_A_SEGMENT] ||
	    nla_parse_nested(ta, S2S_SEGMENT_A_MAX, tb[S2S_A_SEGMENT],
			     segment_policy) ||
	    !ta[S2S_SEGMENT_A_NAME])
		return -EINVAL;
	get_string(ta[S2S_SEGMENT_A_NAME], seg->name, sizeof(seg->name));
	if (ta[S2S_SEGMENT_A_MARK])
		seg->mark = nla_get_u32(ta[S2S_SEGMENT_A_MARK]);
	seg->mask = ta[S2S_SEGMENT_A_MASK] ?
		    nla_get_u32(ta[S2S_SEGMENT_A_MASK]) : UINT32_MAX;
	if (ta[S2S_SEGMENT_A_SELECTORS]) {
		seg->selectors = nla_get_u32(ta[S2S_SEGMENT_A_SELECTORS]);
		seg->has_selectors = true;
	}
	get_stats(ta[S2S_SEGMENT_A_STATS], &seg->stats);
	return 0;
}

static void get_ports(struct nlattr *min, struct nlattr *max, uint16_t *lo,
		      uint16_t *hi)
{
	*lo = min ? nla_get_u16(min) : 0;
	*hi = max ? nla_get_u16(max) : *lo;
}

int s2s_selector_from_msg(struct nl_msg *msg, struct s2s_selector *sel)
{
	struct nlattr *tb[S2S_A_MAX + 1], *ta[S2S_SEL_A_MAX + 1];

	memset(sel, 0, sizeof(*sel));
	if (parse_top(msg, tb) || !tb[S2S_A_SELECTOR] ||
	    nla_parse_nested(ta, S2S_SEL_A_MAX, tb[S2S_A_SELECTOR],
			     selector_policy))
		return -EINVAL;
	get_owner(tb[S2S_A_IFINDEX], tb[S2S_A_IFNAME], &sel->ifindex,
		  sel->ifname);
	if (ta[S2S_SEL_A_ID]) {
		sel->id = nla_get_u32(ta[S2S_SEL_A_ID]);
		sel->set |= S2S_SEL_HAS_ID;
	}
	if (ta[S2S_SEL_A_DIR]) {
		sel->dir = nla_get_u8(ta[S2S_SEL_A_DIR]);
		sel->set |= S2S_SEL_HAS_DIR;
	}
	if (get_addr(ta[S2S_SEL_A_SRC], &sel->src)) {
		if (ta[S2S_SEL_A_SRC_PLEN])
			sel->src.plen = nla_get_u8(ta[S2S_SEL_A_SRC_PLEN]);
		sel->set |= S2S_SEL_HAS_SRC;
	}
	if (get_addr(ta[S2S_SEL_A_DST], &sel->dst)) {
		if (ta[S2S_SEL_A_DST_PLEN])
			sel->dst.plen = nla_get_u8(ta[S2S_SEL_A_DST_PLEN]);
		sel->set |= S2S_SEL_HAS_DST;
	}
	if (ta[S2S_SEL_A_PROTO]) {
		sel->proto = nla_get_u8(ta[S2S_SEL_A_PROTO]);
		sel->set |= S2S_SEL_HAS_PROTO;
	}
	if (ta[S2S_SEL_A_SPORT_MIN] || ta[S2S_SEL_A_SPORT_MAX]) {
		get_ports(ta[S2S_SEL_A_SPORT_MIN], ta[S2S_SEL_A_SPORT_MAX],
			  &sel->sport_min, &sel->sport_max);
		sel->set |= S2S_SEL_HAS_SPORT;
	}
	if (ta[S2S_SEL_A_DPORT_MIN] || ta[S2S_SEL_A_DPORT_MAX]) {
		get_ports(ta[S2S_SEL_A_DPORT_MIN], ta[S2S_SEL_A_DPORT_MAX],
			  &sel->dport_min, &sel->dport_max);
		sel->set |= S2S_SEL_HAS_DPORT;
	}
	if (ta[S2S_SEL_A_SEGMENT]) {
		get_string(ta[S2S_SEL_A_SEGMENT], sel->segment, sizeof(sel->segment));
		sel->set |= S2S_SEL_HAS_SEGMENT;
	}
	if (ta[S2S_SEL_A_ACTION]) {
		sel->action = nla_get_u8(ta[S2S_SEL_A_ACTION]);
		sel->set |= S2S_SEL_HAS_ACTION;
	}
	if (ta[S2S_SEL_A_PRIORITY]) {
		sel->priority = nla_get_u32(ta[S2S_SEL_A_PRIORITY]);
		sel->set |= S2S_SEL_HAS_PRIORITY;
	}
	if (ta[S2S_SEL_A_MATCHES]) {
		sel->matches = nla_get_u64(ta[S2S_SEL_A_MATCHES]);
		if (ta[S2S_SEL_A_MATCH_BYTES])
			sel->match_bytes = nla_get_u64(ta[S2S_SEL_A_MATCH_BYTES]);
		sel->set |= S2S_SEL_HAS_MATCHES;
	}
	if (ta[S2S_SEL_A_ORIGIN])
		sel->origin = nla_get_u8(ta[S2S_SEL_A_ORIGIN]);
	return 0;
}

int s2s_event_from_msg(struct nl_msg *msg, struct s2s_event *ev)
{
	struct nlattr *tb[S2S_A_MAX + 1], *ta[S2S_SA_A_MAX + 1];
	struct nlattr *te[S2S_EXPIRE_A_MAX + 1], *tt[S2S_TUNNEL_A_MAX + 1];
	const struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));

	memset(ev, 0, sizeof(*ev));
	if (parse_top(msg, tb))
		return -EINVAL;
	ev->cmd = gh->cmd;
	get_owner(tb[S2S_A_IFINDEX], tb[S2S_A_IFNAME], &ev->ifindex, ev->ifname);

	if (tb[S2S_A_SA] &&
	    !nla_parse_nested(ta, S2S_SA_A_MAX, tb[S2S_A_SA], sa_policy)) {
		if (ta[S2S_SA_A_DIR])
			ev->dir = nla_get_u8(ta[S2S_SA_A_DIR]);
		if (ta[S2S_SA_A_SPI])
			ev->spi = nla_get_u32(ta[S2S_SA_A_SPI]);
		if (ta[S2S_SA_A_SEQ]) {
			ev->seq = nla_get_u64(ta[S2S_SA_A_SEQ]);
			ev->has_seq = true;
		}
		if (ta[S2S_SA_A_REPLACED_SPI])
			ev->replaced_spi = nla_get_u32(ta[S2S_SA_A_REPLACED_SPI]);
		if (!ev->ifname[0])
			get_owner(ta[S2S_SA_A_IFINDEX], ta[S2S_SA_A_IFNAME],
				  &ev->ifindex, ev->ifname);
	}
	if (tb[S2S_A_EXPIRE] &&
	    !nla_parse_nested(te, S2S_EXPIRE_A_MAX, tb[S2S_A_EXPIRE],
			      expire_policy)) {
		if (te[S2S_EXPIRE_A_KIND])
			ev->kind = nla_get_u8(te[S2S_EXPIRE_A_KIND]);
		if (te[S2S_EXPIRE_A_LIMIT])
			ev->limit = nla_get_u8(te[S2S_EXPIRE_A_LIMIT]);
	}
	if (tb[S2S_A_TUNNEL] &&
	    !nla_parse_nested(tt, S2S_TUNNEL_A_MAX, tb[S2S_A_TUNNEL],
			      tunnel_policy)) {
		if (tt[S2S_TUNNEL_A_OPER_STATE]) {
			ev->oper_state = nla_get_u8(tt[S2S_TUNNEL_A_OPER_STATE]);
			ev->has_state = true;
		}
		if (get_addr(tt[S2S_TUNNEL_A_NAT_REMOTE], &ev->nat_remote) &&
		    tt[S2S_TUNNEL_A_NAT_DPORT]) {
			ev->nat_dport = nla_get_u16(tt[S2S_TUNNEL_A_NAT_DPORT]);
			ev->has_nat = true;
		}
		if (tt[S2S_TUNNEL_A_PEER_STATE]) {
			ev->peer_state = nla_get_u8(tt[S2S_TUNNEL_A_PEER_STATE]);
			ev->has_peer_state = true;
		}
		if (!ev->ifname[0])
			get_owner(tt[S2S_TUNNEL_A_IFINDEX],
				  tt[S2S_TUNNEL_A_IFNAME], &ev->ifindex,
				  ev->ifname);
	}
	return 0;
}

/* Queries */

struct version_reply {
	char *buf;
	size_t len;
};

static int collect_version(struct nl_msg *msg, void *arg)
{
	struct version_reply *v = arg;
	struct nlattr *tb[S2S_A_MAX + 1];

	if (!parse_top(msg, tb) && tb[S2S_A_VERSION])
		nla_strlcpy(v->buf, tb[S2S_A_VERSION], v->len);
	return 0;
}

int s2s_get_version(struct s2s_nl *nl, char *version, size_t len)
{
	struct version_reply v = { version, len };
	struct nl_msg *msg = s2s_msg_new(nl->family, S2S_CMD_VERSION_GET, 0);

	if (!msg)
		return -ENOMEM;
	version[0] = '\0';
	return s2s_nl_request(nl, msg, collect_version, &v);
}

typedef int (*from_msg_fn)(struct nl_msg *msg, void *obj);

struct collector {
	struct s2s_vec *out;
	from_msg_fn from_msg;
};

static int collect(struct nl_msg *msg, void *arg)
{
	struct collector *c = arg;
	void *obj = s2s_vec_push(c->out);

	if (!obj)
		return -ENOMEM;
	/* a message without the object (a future kind of reply) is skipped */
	if (c->from_msg(msg, obj))
		c->out->n--;
	return 0;
}

/* A dump of @cmd, or a doit when @ifname names one tunnel and @doit says so. */
static int get_objects(struct s2s_nl *nl, uint8_t cmd, const char *ifname,
		       bool doit, from_msg_fn from_msg, struct s2s_vec *out)
{
	struct collector c = { out, from_msg };
	bool one = ifname && ifname[0];
	struct nl_msg *msg;

	msg = s2s_msg_new(nl->family, cmd, one && doit ? 0 : NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	if (one && s2s_put_ifname(msg, ifname)) {
		s2s_msg_free(msg);
		return -EMSGSIZE;
	}
	return s2s_nl_request(nl, msg, collect, &c);
}

static int tunnel_from(struct nl_msg *msg, void *obj)
{
	return s2s_tunnel_from_msg(msg, obj);
}

static int sa_from(struct nl_msg *msg, void *obj)
{
	return s2s_sa_from_msg(msg, obj);
}

static int segment_from(struct nl_msg *msg, void *obj)
{
	return s2s_segment_from_msg(msg, obj);
}

static int selector_from(struct nl_msg *msg, void *obj)
{
	return s2s_selector_from_msg(msg, obj);
}

int s2s_get_tunnels(struct s2s_nl *nl, const char *ifname, struct s2s_vec *out)
{
	return get_objects(nl, S2S_CMD_TUNNEL_GET, ifname, true, tunnel_from, out);
}

int s2s_get_sas(struct s2s_nl *nl, const char *ifname, struct s2s_vec *out)
{
	return get_objects(nl, S2S_CMD_SA_GET, ifname, false, sa_from, out);
}

int s2s_get_segments(struct s2s_nl *nl, struct s2s_vec *out)
{
	return get_objects(nl, S2S_CMD_SEGMENT_GET, NULL, false, segment_from,
			   out);
}

int s2s_get_selectors(struct s2s_nl *nl, const char *ifname,
		      struct s2s_vec *out)
{
	return get_objects(nl, S2S_CMD_SELECTOR_GET, ifname, false,
			   selector_from, out);
}

/* Events */

struct monitor {
	s2s_event_fn fn;
	void *arg;
	int stop;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct monitor *m = arg;
	struct s2s_event ev;

	if (s2s_event_from_msg(msg, &ev))
		return NL_SKIP;
	m->stop = m->fn(&ev, m->arg);
	return m->stop ? NL_STOP : NL_OK;
}

static int accept_any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int s2s_nl_monitor(struct s2s_nl *nl, s2s_event_fn fn, void *arg)
{
	struct monitor m = { fn, arg, 0 };
	struct nl_cb *cb;
	int group, err;

	group = genl_ctrl_resolve_grp(nl->sk, S2S_GENL_NAME,
				      S2S_GENL_MCGRP_EVENTS);
	if (group < 0) {
		snprintf(nl->extack, sizeof(nl->extack),
			 "cannot resolve the multicast group \"%s\": %s",
			 S2S_GENL_MCGRP_EVENTS, nl_geterror(group));
		return -ENOENT;
	}
	err = nl_socket_add_membership(nl->sk, group);
	if (err < 0) {
		/* events name SAs: the kernel lets only CAP_NET_ADMIN listen */
		snprintf(nl->extack, sizeof(nl->extack),
			 "cannot join the multicast group \"%s\": %s",
			 S2S_GENL_MCGRP_EVENTS,
			 err == -NLE_PERM ?
			 "listening needs CAP_NET_ADMIN in the namespace" :
			 nl_geterror(err));
		return -EIO;
	}
	nl_socket_set_buffer_size(nl->sk, S2S_RCVBUF, 0);

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	/* notifications carry sequence number 0, not ours */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, accept_any_seq, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_event, &m);
	while (!m.stop) {
		err = nl_recvmsgs(nl->sk, cb);
		/* libnl reports ENOBUFS (events dropped) as NLE_NOMEM */
		if (err == -NLE_NOMEM) {
			fprintf(stderr, "Warning: events were lost (receive buffer overrun)\n");
			continue;
		}
		if (err < 0) {
			snprintf(nl->extack, sizeof(nl->extack), "netlink: %s",
				 nl_geterror(err));
			err = -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	return err < 0 ? err : 0;
}
