// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests of libs2svpn through its public header only: requests
 * encoded and decoded back, replies and events as the kernel sends them,
 * extended-ack extraction, the growable array, and a session opened on a
 * host where the module is not loaded.  No kernel module needed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <s2svpn.h>

#define FAMILY 0x42

static unsigned int passed, failed;

static bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s %u - ", cond ? "ok" : "not ok", passed + failed + 1);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (cond)
		passed++;
	else
		failed++;
	return cond;
}

static void addr(struct s2s_addr *a, const char *text, uint8_t plen)
{
	a->family = strchr(text, ':') ? AF_INET6 : AF_INET;
	a->plen = plen;
	inet_pton(a->family, text, a->bytes);
}

static void test_vec(void)
{
	struct s2s_vec v = S2S_VEC_INIT(uint32_t);
	bool zeroed = true, in_order = true;

	for (uint32_t i = 0; i < 1000; i++) {
		uint32_t *p = s2s_vec_push(&v);

		if (!p)
			break;
		zeroed &= *p == 0;
		*p = i;
	}
	for (size_t i = 0; i < v.n; i++)
		in_order &= *(uint32_t *)s2s_vec_at(&v, i) == i;
	ok(zeroed, "vec: a pushed element starts zeroed");
	ok(v.n == 1000 && in_order, "vec: 1000 elements kept in order across growth");
	s2s_vec_free(&v);
	ok(v.n == 0 && !v.items, "vec: freed and reusable");
}

static void test_tunnel(void)
{
	struct s2s_tunnel t = { .ifname = "gw0" }, back;
	struct nl_msg *msg = s2s_msg_new(FAMILY, S2S_CMD_TUNNEL_NEW, 0);

	addr(&t.local, "2001:db8::1", 0);
	addr(&t.remote, "192.0.2.2", 0);
	t.mode = S2S_MODE_POLICY;
	t.mark = 0x20;
	t.mask = 0xf0;
	t.mtu = 1400;
	t.encap = S2S_ENCAP_UDP;
	t.sport = 4501;
	t.dport = 4502;
	t.set = S2S_TUNNEL_HAS_LOCAL | S2S_TUNNEL_HAS_REMOTE |
		S2S_TUNNEL_HAS_MODE | S2S_TUNNEL_HAS_MARK | S2S_TUNNEL_HAS_MTU |
		S2S_TUNNEL_HAS_ENCAP | S2S_TUNNEL_HAS_SPORT |
		S2S_TUNNEL_HAS_DPORT;
	ok(msg && !s2s_put_tunnel(msg, &t), "tunnel: encoded");
	ok(nlmsg_hdr(msg)->nlmsg_type == FAMILY &&
	   ((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(msg)))->cmd == S2S_CMD_TUNNEL_NEW,
	   "tunnel: family and command in the headers");
	ok(!s2s_tunnel_from_msg(msg, &back), "tunnel: decoded");
	ok(!strcmp(back.ifname, "gw0") && back.set == t.set &&
	   back.local.family == AF_INET6 && back.remote.family == AF_INET &&
	   !memcmp(back.local.bytes, t.local.bytes, 16) &&
	   !memcmp(back.remote.bytes, t.remote.bytes, 4),
	   "tunnel: name, mixed-family addresses and the fields given");
	ok(back.mode == S2S_MODE_POLICY && back.mark == 0x20 &&
	   back.mask == 0xf0 && back.mtu == 1400 &&
	   back.encap == S2S_ENCAP_UDP && back.sport == 4501 && back.dport == 4502,
	   "tunnel: mode, mark, mtu and encapsulation round-trip");
	s2s_msg_free(msg);

	/* only what is marked in @set goes out */
	t.set = S2S_TUNNEL_HAS_MTU;
	msg = s2s_msg_new(FAMILY, S2S_CMD_TUNNEL_SET, 0);
	s2s_put_tunnel(msg, &t);
	ok(!s2s_tunnel_from_msg(msg, &back) && back.set == S2S_TUNNEL_HAS_MTU &&
	   !back.local.family, "tunnel set: only the fields marked in set");
	s2s_msg_free(msg);

	msg = s2s_msg_new(FAMILY, S2S_CMD_SA_GET, 0);
	nla_put_string(msg, S2S_A_IFNAME, "gw0");
	ok(s2s_tunnel_from_msg(msg, &back) == -EINVAL,
	   "tunnel: a message without a tunnel is refused with -EINVAL");
	s2s_msg_free(msg);
}

static void test_sa(void)
{
	struct s2s_sa sa = { .ifname = "gw0" }, back;
	struct nl_msg *msg = s2s_msg_new(FAMILY, S2S_CMD_SA_NEW, 0);

	sa.dir = S2S_DIR_OUT;
	sa.spi = 0xc0ffee;
	strcpy(sa.aead_alg, "rfc4106(gcm(aes))");
	sa.aead_key.len = 20;
	memset(sa.aead_key.bytes, 0xab, 20);
	sa.icv_bits = 128;
	sa.replay_window = 256;
	sa.esn = true;
	sa.lifetime[S2S_LT_HARD_SECONDS] = 3600;
	sa.set = S2S_SA_HAS_DIR | S2S_SA_HAS_SPI | S2S_SA_HAS_AEAD |
		 S2S_SA_HAS_REPLAY | S2S_SA_HAS_LIFETIME(S2S_LT_HARD_SECONDS);
	ok(msg && !s2s_put_sa(msg, &sa), "sa: encoded");
	ok(!s2s_sa_from_msg(msg, &back) && back.dir == S2S_DIR_OUT &&
	   back.spi == 0xc0ffee && !strcmp(back.aead_alg, "rfc4106(gcm(aes))") &&
	   back.icv_bits == 128 && back.replay_window == 256 && back.esn &&
	   back.lifetime[S2S_LT_HARD_SECONDS] == 3600 &&
	   (back.set & S2S_SA_HAS_LIFETIME(S2S_LT_HARD_SECONDS)) &&
	   !(back.set & S2S_SA_HAS_LIFETIME(S2S_LT_SOFT_SECONDS)),
	   "sa: direction, SPI, AEAD, window, ESN and lifetimes round-trip");
	{
		struct nlattr *tb[S2S_A_MAX + 1], *ta[S2S_SA_A_MAX + 1];

		ok(!genlmsg_parse(nlmsg_hdr(msg), 0, tb, S2S_A_MAX, NULL) &&
		   tb[S2S_A_SA] &&
		   !nla_parse_nested(ta, S2S_SA_A_MAX, tb[S2S_A_SA], NULL) &&
		   ta[S2S_SA_A_AEAD_KEY] && nla_len(ta[S2S_SA_A_AEAD_KEY]) == 20 &&
		   !memcmp(nla_data(ta[S2S_SA_A_AEAD_KEY]), sa.aead_key.bytes, 20),
		   "sa: the key goes out as raw bytes, salt included");
	}
	s2s_msg_free(msg);
}

static void test_segment_selector(void)
{
	struct s2s_segment seg = { .name = "prod", .mark = 0x300, .mask = 0xf00 };
	struct s2s_segment sback;
	struct s2s_selector sel = { .ifname = "gw0" }, back;
	struct nl_msg *msg = s2s_msg_new(FAMILY, S2S_CMD_SEGMENT_NEW, 0);

	ok(msg && !s2s_put_segment(msg, &seg, true) &&
	   !s2s_segment_from_msg(msg, &sback) && !strcmp(sback.name, "prod") &&
	   sback.mark == 0x300 && sback.mask == 0xf00,
	   "segment: name and mark/mask round-trip");
	s2s_msg_free(msg);

	msg = s2s_msg_new(FAMILY, S2S_CMD_SELECTOR_NEW, 0);
	sel.dir = S2S_DIR_OUT;
	addr(&sel.src, "10.1.0.0", 16);
	addr(&sel.dst, "2001:db8:100::", 48);
	sel.proto = IPPROTO_TCP;
	sel.dport_min = 443;
	sel.dport_max = 444;
	strcpy(sel.segment, "prod");
	sel.action = S2S_SEL_DISCARD;
	sel.priority = 7;
	sel.set = S2S_SEL_HAS_DIR | S2S_SEL_HAS_SRC | S2S_SEL_HAS_DST |
		  S2S_SEL_HAS_PROTO | S2S_SEL_HAS_DPORT | S2S_SEL_HAS_SEGMENT |
		  S2S_SEL_HAS_ACTION | S2S_SEL_HAS_PRIORITY;
	ok(msg && !s2s_put_selector(msg, &sel) &&
	   !s2s_selector_from_msg(msg, &back), "selector: encoded and decoded");
	ok(back.src.plen == 16 && back.dst.plen == 48 &&
	   back.dst.family == AF_INET6 && back.proto == IPPROTO_TCP &&
	   back.dport_min == 443 && back.dport_max == 444 &&
	   !(back.set & S2S_SEL_HAS_SPORT) && !strcmp(back.segment, "prod") &&
	   back.action == S2S_SEL_DISCARD && back.priority == 7,
	   "selector: prefixes, ports, segment, action and priority round-trip");
	s2s_msg_free(msg);
}

static void test_event(void)
{
	struct nl_msg *msg = s2s_msg_new(FAMILY, S2S_CMD_EVENT_SA_EXPIRE, 0);
	struct nlattr *nest;
	struct s2s_event ev;

	nla_put_u32(msg, S2S_A_IFINDEX, 9);
	nla_put_string(msg, S2S_A_IFNAME, "gw1");
	nest = nla_nest_start(msg, S2S_A_SA);
	nla_put_u8(msg, S2S_SA_A_DIR, S2S_DIR_IN);
	nla_put_u32(msg, S2S_SA_A_SPI, 0x1234);
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, S2S_A_EXPIRE);
	nla_put_u8(msg, S2S_EXPIRE_A_KIND, S2S_EXPIRE_HARD);
	nla_put_u8(msg, S2S_EXPIRE_A_LIMIT, S2S_LIMIT_BYTES);
	nla_nest_end(msg, nest);
	ok(!s2s_event_from_msg(msg, &ev) && ev.cmd == S2S_CMD_EVENT_SA_EXPIRE &&
	   ev.ifindex == 9 && !strcmp(ev.ifname, "gw1") &&
	   ev.dir == S2S_DIR_IN && ev.spi == 0x1234 &&
	   ev.kind == S2S_EXPIRE_HARD && ev.limit == S2S_LIMIT_BYTES,
	   "event: SA expiry names tunnel, direction, SPI, kind and limit");
	s2s_msg_free(msg);
}

/* An NLMSG_ERROR as the kernel sends it: error, capped echo, extack TLVs. */
static void test_extack(void)
{
	union {
		struct nlmsghdr nlh;
		char buf[256];
	} m;
	struct nlmsgerr *e;
	struct nlattr *a;
	const char *text = "SPI already in use";
	char out[64];

	memset(&m, 0, sizeof(m));
	m.nlh.nlmsg_type = NLMSG_ERROR;
	m.nlh.nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	e = NLMSG_DATA(&m.nlh);
	e->error = -EEXIST;
	e->msg.nlmsg_len = 100;	/* capped: the echo is the header alone */
	a = (struct nlattr *)((char *)e + NLMSG_ALIGN(sizeof(*e)));
	a->nla_type = NLMSGERR_ATTR_MSG;
	a->nla_len = NLA_HDRLEN + strlen(text) + 1;
	memcpy((char *)a + NLA_HDRLEN, text, strlen(text) + 1);
	m.nlh.nlmsg_len = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*e)) +
			  NLA_ALIGN(a->nla_len);
	s2s_nl_extack(&m.nlh, out, sizeof(out));
	ok(!strcmp(out, text), "extack: the kernel's message is extracted");

	m.nlh.nlmsg_flags = NLM_F_CAPPED;
	s2s_nl_extack(&m.nlh, out, sizeof(out));
	ok(out[0] == '\0', "extack: none without NLM_F_ACK_TLVS");
}

/*
 * Without the module the family does not resolve: -ENOENT, and the
 * example program says so in one line and exits 1.
 */
static void test_no_module(void)
{
	struct s2s_nl nl;
	char line[256] = "";
	FILE *p;
	int err, status;

	err = s2s_nl_open(&nl);
	if (err == 0) {
		printf("# the s2svpn module is loaded here: no-module checks skipped\n");
		s2s_nl_close(&nl);
		return;
	}
	ok(err == -ENOENT, "open: -ENOENT when the family is not registered (got %d)",
	   err);
	p = popen("examples/s2s-tunnels 2>&1", "r");
	if (!ok(p != NULL, "example: runs"))
		return;
	if (!fgets(line, sizeof(line), p))
		line[0] = '\0';
	status = pclose(p);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 1 &&
	   !strcmp(line, "s2s-tunnels: the s2svpn module is not loaded\n"),
	   "example: one line and exit status 1 without the module");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	puts("TAP version 13");
	test_vec();
	test_tunnel();
	test_sa();
	test_segment_selector();
	test_event();
	test_extack();
	test_no_module();
	printf("1..%u\n%u passed, %u failed\n", passed + failed, passed, failed);
	return failed ? 1 : 0;
}
