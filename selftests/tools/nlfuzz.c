// SPDX-License-Identifier: GPL-2.0-only
/*
 * nlfuzz: a structured netlink fuzzer for the s2svpn generic netlink
 * family and the "s2svpn" rtnetlink link kind.
 *
 * Every message has a valid netlink and genetlink header (a few have a bad
 * one); its attributes are drawn from the uapi's attribute tables: mostly
 * of the right type with values at and around the limits, sometimes of a
 * wrong length or type, nested where a scalar belongs (and the reverse),
 * truncated, with unknown types, or nested deeper than the family allows.
 * Names, SPIs, ifindexes, segment names and selector ids come from small
 * pools, so that a random sequence of commands creates, changes, looks up
 * and deletes the same few objects and reaches the paths that depend on
 * state.  The replies are read and counted, never trusted.
 *
 * usage: nlfuzz [-t SECONDS] [-n MESSAGES] [-s SEED] [-q] [-v]
 * Prints "messages N accepted N refused N" and the errno counts (-v: and
 * per genetlink command and rtnetlink type how many were sent, accepted,
 * how long they took in all and at most, and how many waited out the
 * receive timeout); exits 0
 * unless a socket operation itself fails (the kernel's verdicts are the
 * test's business: see selftests/netlink_fuzz.sh).
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/s2svpn.h>

#define BUF_SIZE 16384
#define MAX_DEPTH 4

enum kind { K_NONE, K_U8, K_U16, K_U32, K_U64, K_STR, K_ADDR, K_KEY,
	    K_FLAG, K_NEST_TUNNEL, K_NEST_SA, K_NEST_SEG, K_NEST_SEL,
	    K_NEST_EXPIRE, K_NEST_STATS, K_IFNAME, K_SEGNAME, K_ALG,
	    K_SPI, K_IFINDEX, K_DIR, K_SELID };

static const enum kind top_kinds[__S2S_A_MAX] = {
	[S2S_A_IFINDEX] = K_IFINDEX, [S2S_A_IFNAME] = K_IFNAME,
	[S2S_A_VERSION] = K_STR, [S2S_A_TUNNEL] = K_NEST_TUNNEL,
	[S2S_A_SA] = K_NEST_SA, [S2S_A_SEGMENT] = K_NEST_SEG,
	[S2S_A_SELECTOR] = K_NEST_SEL, [S2S_A_EXPIRE] = K_NEST_EXPIRE,
};

static const enum kind tunnel_kinds[__S2S_TUNNEL_A_MAX] = {
	[S2S_TUNNEL_A_LOCAL] = K_ADDR, [S2S_TUNNEL_A_REMOTE] = K_ADDR,
	[S2S_TUNNEL_A_MODE] = K_U8, [S2S_TUNNEL_A_MARK] = K_U32,
	[S2S_TUNNEL_A_MARK_MASK] = K_U32, [S2S_TUNNEL_A_MTU] = K_U32,
	[S2S_TUNNEL_A_ENCAP] = K_U8, [S2S_TUNNEL_A_ENCAP_SPORT] = K_U16,
	[S2S_TUNNEL_A_ENCAP_DPORT] = K_U16, [S2S_TUNNEL_A_OPER_STATE] = K_U8,
	[S2S_TUNNEL_A_STATS] = K_NEST_STATS, [S2S_TUNNEL_A_IFINDEX] = K_IFINDEX,
	[S2S_TUNNEL_A_IFNAME] = K_IFNAME, [S2S_TUNNEL_A_TX_SPI] = K_SPI,
	[S2S_TUNNEL_A_LINK_MTU] = K_U32,
};

static const enum kind sa_kinds[__S2S_SA_A_MAX] = {
	[S2S_SA_A_DIR] = K_DIR, [S2S_SA_A_SPI] = K_SPI,
	[S2S_SA_A_AEAD_ALG] = K_ALG, [S2S_SA_A_AEAD_KEY] = K_KEY,
	[S2S_SA_A_ICV_BITS] = K_U32, [S2S_SA_A_ENC_ALG] = K_ALG,
	[S2S_SA_A_ENC_KEY] = K_KEY, [S2S_SA_A_AUTH_ALG] = K_ALG,
	[S2S_SA_A_AUTH_KEY] = K_KEY, [S2S_SA_A_AUTH_TRUNC_BITS] = K_U32,
	[S2S_SA_A_REPLAY_WINDOW] = K_U32, [S2S_SA_A_ESN] = K_FLAG,
	[S2S_SA_A_SOFT_BYTES] = K_U64, [S2S_SA_A_HARD_BYTES] = K_U64,
	[S2S_SA_A_SOFT_PACKETS] = K_U64, [S2S_SA_A_HARD_PACKETS] = K_U64,
	[S2S_SA_A_SOFT_SECONDS] = K_U64, [S2S_SA_A_HARD_SECONDS] = K_U64,
	[S2S_SA_A_SEQ] = K_U64, [S2S_SA_A_STATS] = K_NEST_STATS,
	[S2S_SA_A_STATE] = K_U8, [S2S_SA_A_AGE] = K_U64,
	[S2S_SA_A_IFINDEX] = K_IFINDEX, [S2S_SA_A_IFNAME] = K_IFNAME,
};

static const enum kind seg_kinds[__S2S_SEGMENT_A_MAX] = {
	[S2S_SEGMENT_A_NAME] = K_SEGNAME, [S2S_SEGMENT_A_MARK] = K_U32,
	[S2S_SEGMENT_A_MASK] = K_U32, [S2S_SEGMENT_A_STATS] = K_NEST_STATS,
	[S2S_SEGMENT_A_SELECTORS] = K_U32,
};

static const enum kind sel_kinds[__S2S_SEL_A_MAX] = {
	[S2S_SEL_A_ID] = K_SELID, [S2S_SEL_A_DIR] = K_DIR,
	[S2S_SEL_A_SRC] = K_ADDR, [S2S_SEL_A_SRC_PLEN] = K_U8,
	[S2S_SEL_A_DST] = K_ADDR, [S2S_SEL_A_DST_PLEN] = K_U8,
	[S2S_SEL_A_PROTO] = K_U8, [S2S_SEL_A_SPORT_MIN] = K_U16,
	[S2S_SEL_A_SPORT_MAX] = K_U16, [S2S_SEL_A_DPORT_MIN] = K_U16,
	[S2S_SEL_A_DPORT_MAX] = K_U16, [S2S_SEL_A_SEGMENT] = K_SEGNAME,
	[S2S_SEL_A_ACTION] = K_U8, [S2S_SEL_A_PRIORITY] = K_U32,
	[S2S_SEL_A_MATCHES] = K_U64, [S2S_SEL_A_MATCH_BYTES] = K_U64,
};

static const enum kind expire_kinds[__S2S_EXPIRE_A_MAX] = {
	[S2S_EXPIRE_A_KIND] = K_U8, [S2S_EXPIRE_A_LIMIT] = K_U8,
};

static const enum kind stats_kinds[__S2S_STATS_A_MAX] = {
	[S2S_STATS_A_TX_PACKETS] = K_U64, [S2S_STATS_A_TX_BYTES] = K_U64,
	[S2S_STATS_A_RX_PACKETS] = K_U64, [S2S_STATS_A_RX_BYTES] = K_U64,
};

static const enum kind ifla_kinds[__IFLA_S2S_MAX] = {
	[IFLA_S2S_LOCAL] = K_ADDR, [IFLA_S2S_REMOTE] = K_ADDR,
	[IFLA_S2S_MODE] = K_U8,
};

struct table {
	const enum kind *kinds;
	int max;	/* highest known type */
};

#define TABLE(k) { k, (int)(sizeof(k) / sizeof(k[0])) - 1 }
static const struct table tables[] = {
	[K_NEST_TUNNEL] = TABLE(tunnel_kinds), [K_NEST_SA] = TABLE(sa_kinds),
	[K_NEST_SEG] = TABLE(seg_kinds), [K_NEST_SEL] = TABLE(sel_kinds),
	[K_NEST_EXPIRE] = TABLE(expire_kinds),
	[K_NEST_STATS] = TABLE(stats_kinds),
};
static const struct table top_table = TABLE(top_kinds);
static const struct table ifla_table = TABLE(ifla_kinds);

static const char *const ifnames[] = {
	"fz0", "fz1", "fz2", "fz3", "lo", "", "fz0fz0fz0fz0fz0",
	"fz0fz0fz0fz0fz0x", "fz/0", "fz 1",
};
static const char *const segnames[] = {
	"s0", "s1", "s2", "", "abcdefghijklmnopqrstuvwxyz01234",
	"abcdefghijklmnopqrstuvwxyz012345",
};
static const char *const algs[] = {
	"rfc4106(gcm(aes))", "cbc(aes)", "hmac(sha1)", "hmac(sha256)",
	"hmac(sha384)", "hmac(sha512)", "gcm(aes)", "ecb(cipher_null)",
	"cryptd(rfc4106(gcm(aes)))", "pcrypt(rfc4106(gcm(aes)))", "",
	"hmac(md5)", "authenc(hmac(sha256),cbc(aes))", "rfc4106(gcm(aes)",
};
static const uint32_t spis[] = { 0x100, 0x101, 0x1000, 0x1001, 0, 1, 255,
				 0xffffffff };
static const uint64_t edges[] = { 0, 1, 2, 31, 32, 63, 64, 67, 68, 96, 127,
				  128, 192, 255, 256, 1024, 4096, 4097,
				  65422, 65423, 65535, 65536, 0x7fffffff,
				  0xffffffff, 0x100000000ULL, UINT64_MAX };

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static unsigned int below(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static bool chance(unsigned int percent)
{
	return below(100) < percent;
}

#define PICK(a) (a[below(sizeof(a) / sizeof(a[0]))])

struct msg {
	unsigned char buf[BUF_SIZE];
	size_t len;
};

static void *put(struct msg *m, const void *data, size_t len)
{
	void *p;

	if (m->len + NLA_ALIGN(len) > BUF_SIZE)
		return NULL;
	p = m->buf + m->len;
	memset(p, 0, NLA_ALIGN(len));
	if (data)
		memcpy(p, data, len);
	m->len += NLA_ALIGN(len);
	return p;
}

/* Starts an attribute; returns its offset for end_attr(), or -1. */
static long start_attr(struct msg *m, unsigned int type)
{
	struct nlattr *a;
	long off = m->len;

	a = put(m, NULL, sizeof(*a));
	if (!a)
		return -1;
	a->nla_type = type;
	return off;
}

static void end_attr(struct msg *m, long off)
{
	struct nlattr *a = (struct nlattr *)(m->buf + off);

	a->nla_len = m->len - off;
}

static void attr(struct msg *m, unsigned int type, const void *data,
		 size_t len)
{
	long off = start_attr(m, type);

	if (off < 0)
		return;
	if (put(m, data, len))
		((struct nlattr *)(m->buf + off))->nla_len = NLA_HDRLEN + len;
	else
		end_attr(m, off);
}

static void random_bytes(unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = rnd();
}

static uint64_t number(void)
{
	return chance(60) ? PICK(edges) + below(3) - 1 : rnd();
}

static void nest(struct msg *m, unsigned int type, const struct table *t,
		 int depth);

/* One attribute of kind @k, usually right, sometimes wrong. */
static void value(struct msg *m, unsigned int type, enum kind k, int depth)
{
	unsigned char b[300];
	size_t len;
	uint64_t v = number();
	const char *s;

	if (chance(8)) {	/* a payload of a random length */
		len = chance(50) ? below(9) : below(sizeof(b));
		random_bytes(b, len);
		attr(m, type, b, len);
		return;
	}
	if (chance(3) && depth < MAX_DEPTH + 2) {	/* nested where scalar */
		nest(m, type, &tables[K_NEST_SA], depth + 1);
		return;
	}
	switch (k) {
	case K_U8:
		b[0] = chance(70) ? below(5) : v;
		attr(m, type, b, 1);
		break;
	case K_DIR:
		b[0] = chance(85) ? 1 + below(2) : v;
		attr(m, type, b, 1);
		break;
	case K_U16: {
		uint16_t x = chance(50) ? 4500 + below(3) : v;

		attr(m, type, &x, 2);
		break;
	}
	case K_U32: case K_IFINDEX: case K_SPI: case K_SELID: {
		uint32_t x = v;

		if (k == K_IFINDEX && chance(80))
			x = 1 + below(12);
		else if (k == K_SPI && chance(80))
			x = PICK(spis);
		else if (k == K_SELID && chance(80))
			x = below(6);
		attr(m, type, &x, 4);
		break;
	}
	case K_U64:
		attr(m, type, &v, 8);
		break;
	case K_FLAG:
		attr(m, type, NULL, 0);
		break;
	case K_ADDR:
		len = chance(45) ? 4 : chance(80) ? 16 : below(20);
		random_bytes(b, len);
		if (len == 4 && chance(70))
			memcpy(b, (unsigned char[]){ 192, 0, 2, below(4) }, 4);
		attr(m, type, b, len);
		break;
	case K_KEY:
		len = chance(70) ? PICK(((size_t[]){ 16, 20, 24, 28, 32, 36, 48, 64 }))
				 : below(S2S_KEY_MAX + 8);
		random_bytes(b, len);
		attr(m, type, b, len);
		break;
	case K_IFNAME: case K_SEGNAME: case K_ALG: case K_STR:
		s = k == K_IFNAME ? PICK(ifnames) : k == K_SEGNAME ?
			PICK(segnames) : k == K_ALG ? PICK(algs) : "x";
		len = strlen(s);
		if (chance(5))		/* not NUL-terminated */
			attr(m, type, s, len);
		else
			attr(m, type, s, len + 1);
		break;
	case K_NEST_TUNNEL: case K_NEST_SA: case K_NEST_SEG: case K_NEST_SEL:
	case K_NEST_EXPIRE: case K_NEST_STATS:
		if (chance(5)) {	/* a scalar where a nest belongs */
			uint32_t x = v;

			attr(m, type, &x, 4);
		} else {
			nest(m, type, &tables[k], depth + 1);
		}
		break;
	case K_NONE:
	default:
		len = below(24);
		random_bytes(b, len);
		attr(m, type, b, len);
		break;
	}
}

/* Some attributes of table @t: mostly known types, some unknown. */
static void attrs(struct msg *m, const struct table *t, int depth)
{
	unsigned int n = below(depth ? 7 : 4), i;

	for (i = 0; i < n; i++) {
		unsigned int type = chance(92) ? 1 + below(t->max) :
				    below(t->max + 8);

		enum kind k = (int)type <= t->max ? t->kinds[type] : K_NONE;

		if (chance(4))
			type |= NLA_F_NESTED;
		value(m, type, k, depth);
	}
}

static void nest(struct msg *m, unsigned int type, const struct table *t,
		 int depth)
{
	long off;

	if (depth > MAX_DEPTH || !t->kinds)
		return;
	off = start_attr(m, type | (chance(90) ? NLA_F_NESTED : 0));
	if (off < 0)
		return;
	attrs(m, t, depth);
	end_attr(m, off);
}

/* What a command usually carries, so that most requests get far. */
static void command_attrs(struct msg *m, unsigned int cmd)
{
	if (chance(85) && cmd != S2S_CMD_SEGMENT_NEW &&
	    cmd != S2S_CMD_SEGMENT_DEL && cmd != S2S_CMD_VERSION_GET) {
		if (chance(70))
			value(m, S2S_A_IFNAME, K_IFNAME, MAX_DEPTH);
		else
			value(m, S2S_A_IFINDEX, K_IFINDEX, MAX_DEPTH);
	}
	switch (cmd) {
	case S2S_CMD_TUNNEL_NEW: case S2S_CMD_TUNNEL_SET:
		nest(m, S2S_A_TUNNEL, &tables[K_NEST_TUNNEL], 1);
		break;
	case S2S_CMD_SA_NEW: case S2S_CMD_SA_DEL:
		nest(m, S2S_A_SA, &tables[K_NEST_SA], 1);
		break;
	case S2S_CMD_SEGMENT_NEW: case S2S_CMD_SEGMENT_DEL:
		nest(m, S2S_A_SEGMENT, &tables[K_NEST_SEG], 1);
		break;
	case S2S_CMD_SELECTOR_NEW: case S2S_CMD_SELECTOR_DEL:
		nest(m, S2S_A_SELECTOR, &tables[K_NEST_SEL], 1);
		break;
	}
	if (chance(30))
		attrs(m, &top_table, 0);
}

/* A well-formed SA or tunnel now and then, so that objects exist. */
static void good_tunnel(struct msg *m)
{
	unsigned char local[4] = { 192, 0, 2, 1 }, remote[4] = { 192, 0, 2, 2 };
	long off;

	value(m, S2S_A_IFNAME, K_IFNAME, MAX_DEPTH);
	off = start_attr(m, S2S_A_TUNNEL | NLA_F_NESTED);
	remote[3] += below(3);
	attr(m, S2S_TUNNEL_A_LOCAL, local, 4);
	attr(m, S2S_TUNNEL_A_REMOTE, remote, 4);
	end_attr(m, off);
}

static void good_sa(struct msg *m)
{
	unsigned char key[20];
	unsigned char dir = 1 + below(2);
	uint32_t spi = PICK(spis), icv = 128;
	long off;

	random_bytes(key, sizeof(key));
	value(m, S2S_A_IFNAME, K_IFNAME, MAX_DEPTH);
	off = start_attr(m, S2S_A_SA | NLA_F_NESTED);
	attr(m, S2S_SA_A_DIR, &dir, 1);
	attr(m, S2S_SA_A_SPI, &spi, 4);
	attr(m, S2S_SA_A_AEAD_ALG, "rfc4106(gcm(aes))", 18);
	attr(m, S2S_SA_A_AEAD_KEY, key, sizeof(key));
	attr(m, S2S_SA_A_ICV_BITS, &icv, 4);
	end_attr(m, off);
}

/* the time spent per kind of request, for -v */
struct lat {
	unsigned long n, accepted, timeouts;
	unsigned long timed;	/* sent alone, so timed on their own */
	unsigned long accepted_timed;
	uint64_t total_ns, max_ns, accepted_ns;
};

#define LAT_GENL 32	/* genetlink commands 0..31 */
#define LAT_KINDS (LAT_GENL + 4)

struct counts {
	unsigned long sent, accepted, refused, dumps, timeouts;
	unsigned long err[134];
	struct lat lat[LAT_KINDS];
};

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + t.tv_nsec;
}

static const char *lat_name(unsigned int k, char *buf, size_t len)
{
	/* by type - RTM_NEWLINK */
	static const char *const rt[] = { "RTM_NEWLINK", "RTM_DELLINK",
					  "RTM_GETLINK", "RTM_SETLINK" };

	if (k >= LAT_GENL)
		return rt[k - LAT_GENL];
	snprintf(buf, len, "genl cmd %u", k);
	return buf;
}

static int family;

/*
 * A batch: consecutive messages for the same socket, sent in one datagram
 * (the kernel handles them one after the other and answers each), which
 * spares a system call and a request buffer per message on a slow debug
 * kernel.  A message with a lying length ends its batch: the kernel drops
 * it, and would swallow the messages after it.
 */
#define BATCH_MAX 64
#define BATCH_BUF (BATCH_MAX * 1024)
#define RECV_VLEN 16

struct batch {
	unsigned char buf[BATCH_BUF];
	size_t len;
	int n;
	struct {
		uint32_t seq;
		unsigned int kind;	/* index in counts.lat */
		bool wait;		/* a reply must come */
		bool answered;
	} m[BATCH_MAX];
};

/* verdicts for the per-kind counts */
enum { T_ACCEPTED, T_REFUSED, T_DONE, T_TIMEOUT };

static void note(struct counts *c, struct batch *b, int i, int verdict)
{
	struct lat *l = &c->lat[b->m[i].kind];

	b->m[i].answered = true;
	switch (verdict) {
	case T_ACCEPTED:
		c->accepted++;
		l->accepted++;
		break;
	case T_REFUSED:
		c->refused++;
		break;
	case T_DONE:
		c->dumps++;
		break;
	case T_TIMEOUT:
		c->timeouts++;
		l->timeouts++;
		break;
	}
}

/* Handles one reply datagram; returns how many requests it answered. */
static int replies(struct counts *c, struct batch *b, unsigned char *rbuf,
		   ssize_t n, bool quiet)
{
	struct nlmsghdr *h;
	int done = 0, i;

	for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
		int e;

		if (h->nlmsg_type != NLMSG_DONE && h->nlmsg_type != NLMSG_ERROR)
			continue;
		for (i = 0; i < b->n; i++)
			if (b->m[i].wait && !b->m[i].answered &&
			    b->m[i].seq == h->nlmsg_seq)
				break;
		if (i == b->n)
			continue;
		done++;
		if (h->nlmsg_type == NLMSG_DONE) {
			note(c, b, i, T_DONE);
			continue;
		}
		e = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
		note(c, b, i, e ? T_REFUSED : T_ACCEPTED);
		if (e > 0 && e < 134)
			c->err[e]++;
		if (!quiet && e == EPERM)
			fprintf(stderr, "nlfuzz: EPERM\n");
	}
	return done;
}

/* Sends the batch and reads the answers; -1 when a socket call fails. */
static int flush(int fd, struct batch *b, struct counts *c, bool quiet)
{
	static unsigned char rbuf[RECV_VLEN][65536];
	struct mmsghdr mm[RECV_VLEN];
	struct iovec iov[RECV_VLEN];
	int i, want = 0, n;

	if (!b->n)
		return 0;
	if (send(fd, b->buf, b->len, 0) < 0) {
		b->n = b->len = 0;
		if (errno == ENOBUFS || errno == EINTR)
			return 0;
		perror("nlfuzz: send");
		return -1;
	}
	c->sent += b->n;
	for (i = 0; i < b->n; i++)
		want += b->m[i].wait;
	while (want > 0) {
		memset(mm, 0, sizeof(mm));
		for (i = 0; i < RECV_VLEN; i++) {
			iov[i].iov_base = rbuf[i];
			iov[i].iov_len = sizeof(rbuf[i]);
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, mm, RECV_VLEN, MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS)	/* answers were lost */
				break;
			if (errno == EAGAIN) {	/* SO_RCVTIMEO */
				for (i = 0; i < b->n; i++)
					if (b->m[i].wait && !b->m[i].answered)
						note(c, b, i, T_TIMEOUT);
				break;
			}
			perror("nlfuzz: recv");
			return -1;
		}
		for (i = 0; i < n; i++)
			want -= replies(c, b, rbuf[i], mm[i].msg_len, quiet);
	}
	/* what was not waited for: errors of requests that had no ACK */
	while ((n = recv(fd, rbuf[0], sizeof(rbuf[0]), MSG_DONTWAIT)) > 0)
		replies(c, b, rbuf[0], n, quiet);
	b->n = b->len = 0;
	return 0;
}

/* Adds a finished message to @b; false when it must go first. */
static bool add(struct batch *b, struct msg *m, unsigned int kind)
{
	struct nlmsghdr *req = (struct nlmsghdr *)m->buf;
	size_t len = NLMSG_ALIGN(m->len);

	if (b->n == BATCH_MAX || b->len + len > sizeof(b->buf))
		return false;
	memcpy(b->buf + b->len, m->buf, m->len);
	memset(b->buf + b->len + m->len, 0, len - m->len);
	b->len += len;
	b->m[b->n].seq = req->nlmsg_seq;
	b->m[b->n].kind = kind;
	b->m[b->n].answered = false;
	/* a length past the datagram is dropped without a reply */
	b->m[b->n].wait = req->nlmsg_len == m->len &&
			  (req->nlmsg_flags & (NLM_F_ACK | NLM_F_DUMP));
	b->n++;
	return true;
}

static void genl_header(struct msg *m, unsigned int cmd, unsigned int flags)
{
	struct nlmsghdr *h = put(m, NULL, NLMSG_HDRLEN);
	struct genlmsghdr *g = put(m, NULL, GENL_HDRLEN);
	static unsigned int seq;

	h->nlmsg_type = family;
	h->nlmsg_flags = flags;
	h->nlmsg_seq = ++seq;
	g->cmd = cmd;
	g->version = chance(98) ? S2S_GENL_VERSION : below(4);
	g->reserved = chance(98) ? 0 : rnd();
}

static void build_genl(struct msg *m)
{
	unsigned int cmd, flags = NLM_F_REQUEST | NLM_F_ACK;
	unsigned int r = below(100);

	cmd = chance(95) ? 1 + below(S2S_CMD_MAX) : below(S2S_CMD_MAX + 4);
	if ((cmd == S2S_CMD_TUNNEL_GET || cmd == S2S_CMD_SA_GET ||
	     cmd == S2S_CMD_SEGMENT_GET || cmd == S2S_CMD_SELECTOR_GET) &&
	    chance(60))
		flags |= NLM_F_DUMP;
	if (chance(2))
		flags |= 1u << below(16);
	if (r < 6) {
		genl_header(m, S2S_CMD_TUNNEL_NEW, flags);
		good_tunnel(m);
	} else if (r < 14) {
		genl_header(m, S2S_CMD_SA_NEW, flags);
		good_sa(m);
	} else {
		genl_header(m, cmd, flags);
		command_attrs(m, cmd);
	}
}

static void build_rtnl(struct msg *m)
{
	static const unsigned int types[] = { RTM_NEWLINK, RTM_NEWLINK,
					      RTM_SETLINK, RTM_DELLINK,
					      RTM_GETLINK };
	struct nlmsghdr *h = put(m, NULL, NLMSG_HDRLEN);
	struct ifinfomsg *ifi = put(m, NULL, sizeof(*ifi));
	static unsigned int seq = 1u << 31;
	long li, data;

	h->nlmsg_type = PICK(types);
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (h->nlmsg_type == RTM_NEWLINK && chance(80))
		h->nlmsg_flags |= NLM_F_CREATE | (chance(50) ? NLM_F_EXCL : 0);
	h->nlmsg_seq = ++seq;
	ifi->ifi_family = AF_UNSPEC;
	if (chance(40))
		ifi->ifi_index = 1 + below(12);
	if (chance(30)) {
		ifi->ifi_flags = chance(50) ? IFF_UP : 0;
		ifi->ifi_change = IFF_UP;
	}
	value(m, IFLA_IFNAME, K_IFNAME, MAX_DEPTH);
	if (chance(20)) {
		uint32_t mtu = number();

		attr(m, IFLA_MTU, &mtu, 4);
	}
	if (chance(10)) {
		uint32_t nsfd = below(8);

		attr(m, IFLA_NET_NS_FD, &nsfd, 4);
	}
	if (h->nlmsg_type == RTM_DELLINK || chance(15))
		return;
	li = start_attr(m, IFLA_LINKINFO | (chance(90) ? NLA_F_NESTED : 0));
	attr(m, IFLA_INFO_KIND, S2S_LINK_KIND, chance(95) ? sizeof(S2S_LINK_KIND) :
	     sizeof(S2S_LINK_KIND) - 1);
	if (chance(85)) {
		data = start_attr(m, IFLA_INFO_DATA | (chance(90) ? NLA_F_NESTED : 0));
		if (chance(60)) {
			unsigned char l[4] = { 192, 0, 2, 1 }, r[4] = { 192, 0, 2, 2 };

			attr(m, IFLA_S2S_LOCAL, l, 4);
			attr(m, IFLA_S2S_REMOTE, r, 4);
		}
		attrs(m, &ifla_table, 1);
		end_attr(m, data);
	}
	end_attr(m, li);
}

/* Cuts or corrupts the finished message now and then. */
static void mangle(struct msg *m)
{
	struct nlmsghdr *h = (struct nlmsghdr *)m->buf;
	size_t hdr = NLMSG_HDRLEN + 4;

	h->nlmsg_len = m->len;
	if (chance(3) && m->len > hdr) {	/* truncate the last attribute */
		m->len -= 1 + below(m->len - hdr);
		h->nlmsg_len = m->len;
	} else if (chance(2) && m->len > hdr) {	/* flip a byte in the payload */
		m->buf[hdr + below(m->len - hdr)] ^= 1u << below(8);
	} else if (chance(1)) {			/* a lying length */
		h->nlmsg_len = m->len + below(64);
	}
}

static int resolve_family(int fd)
{
	struct msg m = { 0 };
	struct nlmsghdr *h = put(&m, NULL, NLMSG_HDRLEN);
	struct genlmsghdr *g = put(&m, NULL, GENL_HDRLEN);
	static unsigned char rbuf[8192];
	ssize_t n;

	h->nlmsg_type = GENL_ID_CTRL;
	h->nlmsg_flags = NLM_F_REQUEST;
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 2;
	attr(&m, CTRL_ATTR_FAMILY_NAME, S2S_GENL_NAME, sizeof(S2S_GENL_NAME));
	h->nlmsg_len = m.len;
	if (send(fd, m.buf, m.len, 0) < 0)
		return -1;
	n = recv(fd, rbuf, sizeof(rbuf), 0);
	for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
		struct nlattr *a;
		int len;

		if (h->nlmsg_type != GENL_ID_CTRL)
			continue;
		a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
		len = h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
		while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
		       a->nla_len <= len) {
			if (a->nla_type == CTRL_ATTR_FAMILY_ID)
				return *(uint16_t *)((char *)a + NLA_HDRLEN);
			len -= NLA_ALIGN(a->nla_len);
			a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
		}
	}
	return -1;
}

static int open_socket(int proto)
{
	struct timeval tv = { .tv_sec = 2 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	int one = 1, big = 1 << 20;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* Sends @b, timing it for -v when it holds one message. */
static int flush_timed(int fd, struct batch *b, struct counts *c, bool quiet)
{
	struct lat *l = &c->lat[b->m[0].kind];
	unsigned long acc = l->accepted;
	uint64_t t1, dt;
	int one = b->n == 1;

	t1 = now_ns();
	if (flush(fd, b, c, quiet) < 0)
		return -1;
	dt = now_ns() - t1;
	if (one) {
		l->timed++;
		l->total_ns += dt;
		if (dt > l->max_ns)
			l->max_ns = dt;
		if (l->accepted != acc) {
			l->accepted_timed++;
			l->accepted_ns += dt;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long limit = 0, seconds = 10, batch = 1;
	static struct counts c;
	static struct batch b;
	uint64_t t0, t;
	bool quiet = false, verbose = false;
	int opt, genl, rtnl, fd = -1, i;
	char name[32];

	rng_state = time(NULL) ^ getpid();
	while ((opt = getopt(argc, argv, "t:n:s:b:qv")) != -1) {
		switch (opt) {
		case 't': seconds = strtoul(optarg, NULL, 0); break;
		case 'n': limit = strtoul(optarg, NULL, 0); break;
		case 's': rng_state = strtoull(optarg, NULL, 0); break;
		case 'b': batch = strtoul(optarg, NULL, 0); break;
		case 'q': quiet = true; break;
		case 'v': verbose = true; break;
		default:
			fprintf(stderr, "usage: nlfuzz [-t SECONDS] [-n MESSAGES] [-s SEED] [-b BATCH] [-q] [-v]\n");
			return 2;
		}
	}
	if (batch < 1 || batch > BATCH_MAX) {
		fprintf(stderr, "nlfuzz: -b takes 1 to %d\n", BATCH_MAX);
		return 2;
	}
	if (!rng_state)
		rng_state = 1;
	printf("seed %llu\n", (unsigned long long)rng_state);
	genl = open_socket(NETLINK_GENERIC);
	rtnl = open_socket(NETLINK_ROUTE);
	if (genl < 0 || rtnl < 0) {
		perror("nlfuzz: socket");
		return 1;
	}
	family = resolve_family(genl);
	if (family < 0) {
		fprintf(stderr, "nlfuzz: no s2svpn family\n");
		return 1;
	}
	t0 = now_ns();
	for (;;) {
		static struct msg m;
		bool rt = chance(15), lie;
		struct nlmsghdr *h = (struct nlmsghdr *)m.buf;
		unsigned int k;

		m.len = 0;
		if (rt)
			build_rtnl(&m);
		else
			build_genl(&m);
		mangle(&m);
		if (rt)
			k = LAT_GENL + (h->nlmsg_type - RTM_NEWLINK) % 4;
		else
			k = ((struct genlmsghdr *)(m.buf + NLMSG_HDRLEN))->cmd %
			    LAT_GENL;
		c.lat[k].n++;
		lie = h->nlmsg_len != m.len;
		/* a batch goes to one socket, in the order of the messages */
		if (b.n && fd != (rt ? rtnl : genl) &&
		    flush_timed(fd, &b, &c, quiet) < 0)
			return 1;
		fd = rt ? rtnl : genl;
		if (!add(&b, &m, k)) {
			if (flush_timed(fd, &b, &c, quiet) < 0)
				return 1;
			add(&b, &m, k);
		}
		if ((lie || b.n >= (int)batch) &&
		    flush_timed(fd, &b, &c, quiet) < 0)
			return 1;
		if (limit && c.sent + b.n >= limit)
			break;
		/* often: a message may take long on a debug kernel */
		t = now_ns();
		if (t - t0 >= seconds * 1000000000ULL)
			break;
	}
	if (flush_timed(fd, &b, &c, quiet) < 0)
		return 1;
	t = now_ns();
	printf("messages %lu accepted %lu refused %lu dumps %lu\n",
	       c.sent, c.accepted, c.refused, c.dumps);
	if (verbose) {
		printf("%.1f s, %.0f messages/s, batches of up to %lu, %lu waited out the receive timeout\n",
		       (t - t0) / 1e9, c.sent / ((t - t0) / 1e9), batch,
		       c.timeouts);
		printf("%-14s %8s %8s %8s %9s %9s %9s %8s %8s\n", "kind",
		       "count", "accepted", "timeouts", "timed", "total ms",
		       "mean us", "max ms", "acc us");
		for (i = 0; i < LAT_KINDS; i++) {
			struct lat *l = &c.lat[i];

			if (!l->n)
				continue;
			printf("%-14s %8lu %8lu %8lu %9lu %9.0f %9.0f %9.1f %8.0f\n",
			       lat_name(i, name, sizeof(name)), l->n,
			       l->accepted, l->timeouts, l->timed,
			       l->total_ns / 1e6,
			       l->timed ? l->total_ns / 1e3 / l->timed : 0,
			       l->max_ns / 1e6,
			       l->accepted_timed ?
			       l->accepted_ns / 1e3 / l->accepted_timed : 0);
		}
	}
	for (i = 1; i < 134; i++)
		if (c.err[i])
			printf("errno %d (%s): %lu\n", i, strerror(i), c.err[i]);
	return 0;
}
