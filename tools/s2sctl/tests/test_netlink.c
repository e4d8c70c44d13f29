// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of message encoding and decoding (netlink.c) and of the
 * output built from decoded replies (show.c), on messages made here: no
 * kernel involved.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/s2svpn.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "../batch.h"
#include "../names.h"
#include "netlink.h"
#include "../parse.h"
#include "../show.h"
#include "tap.h"

#define FAMILY 0x42
#define KEY20 "0x4a506a794f574265564551694d6537681a2b1a2b"

static struct s2s_request req;

static bool parse(const char *line)
{
	char buf[1024], *words[S2S_BATCH_MAX_WORDS], err[256];
	int n;

	snprintf(buf, sizeof(buf), "%s", line);
	n = s2s_split_line(buf, words, S2S_BATCH_MAX_WORDS);
	if (n < 0 || s2s_parse_command(n, words, &req, err, sizeof(err))) {
		tap_diag("cannot parse %s: %s", line, err);
		return false;
	}
	return true;
}

/* The top-level attributes of @msg, and those of its nest @nest_type. */
static bool attrs(struct nl_msg *msg, struct nlattr **tb, int nest_type,
		  struct nlattr **nb, int nest_max)
{
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, S2S_A_MAX, NULL))
		return false;
	if (!nest_type)
		return true;
	return tb[nest_type] &&
	       !nla_parse_nested(nb, nest_max, tb[nest_type], NULL);
}

/* Output of @print into a string the caller frees. */
#define CAPTURE(out, print) do {					\
	size_t _len;							\
	FILE *f = open_memstream(&(out), &_len);			\
	print;								\
	fclose(f);							\
} while (0)

static void contains(const char *text, const char *want, const char *what)
{
	if (!tap_ok(text && strstr(text, want), "%s", what))
		tap_diag("\"%s\" not in:\n%s", want, text ? text : "(null)");
}

static void test_tunnel_request(void)
{
	struct nlattr *tb[S2S_A_MAX + 1], *nb[S2S_TUNNEL_A_MAX + 1];
	struct s2s_tunnel back;
	struct nl_msg *msg;
	struct genlmsghdr *gh;

	if (!parse("tunnel add vpn0 local 192.0.2.1 remote 198.51.100.2 mark 0x10/0xff "
		   "encap udp"))
		return;
	msg = s2s_msg_new(FAMILY, S2S_CMD_TUNNEL_NEW, 0);
	tap_ok(msg && !s2s_put_tunnel(msg, &req.tunnel), "tunnel add: encoded");
	gh = nlmsg_data(nlmsg_hdr(msg));
	tap_ok(nlmsg_hdr(msg)->nlmsg_type == FAMILY &&
	       gh->cmd == S2S_CMD_TUNNEL_NEW && gh->version == S2S_GENL_VERSION,
	       "tunnel add: family, command and version");
	if (attrs(msg, tb, S2S_A_TUNNEL, nb, S2S_TUNNEL_A_MAX)) {
		tap_ok(tb[S2S_A_IFNAME] && !strcmp(nla_get_string(tb[S2S_A_IFNAME]), "vpn0"),
		       "tunnel add: IFNAME at top level");
		tap_ok(nb[S2S_TUNNEL_A_LOCAL] && nla_len(nb[S2S_TUNNEL_A_LOCAL]) == 4 &&
		       !memcmp(nla_data(nb[S2S_TUNNEL_A_LOCAL]), "\xc0\x00\x02\x01", 4),
		       "tunnel add: LOCAL is 4 raw bytes");
		tap_ok(nb[S2S_TUNNEL_A_REMOTE] && nla_len(nb[S2S_TUNNEL_A_REMOTE]) == 4,
		       "tunnel add: REMOTE");
		tap_ok(nb[S2S_TUNNEL_A_MODE] &&
		       nla_get_u8(nb[S2S_TUNNEL_A_MODE]) == S2S_MODE_ROUTE,
		       "tunnel add: MODE route (u8)");
		tap_ok(nla_get_u32(nb[S2S_TUNNEL_A_MARK]) == 0x10 &&
		       nla_get_u32(nb[S2S_TUNNEL_A_MARK_MASK]) == 0xff,
		       "tunnel add: MARK and MARK_MASK");
		tap_ok(nla_get_u8(nb[S2S_TUNNEL_A_ENCAP]) == S2S_ENCAP_UDP &&
		       nla_get_u16(nb[S2S_TUNNEL_A_ENCAP_SPORT]) == 4500 &&
		       nla_get_u16(nb[S2S_TUNNEL_A_ENCAP_DPORT]) == 4500,
		       "tunnel add: ENCAP udp with ports 4500");
		tap_ok(!nb[S2S_TUNNEL_A_MTU], "tunnel add: no MTU unless given");
	} else {
		tap_ok(false, "tunnel add: attributes parse");
	}
	tap_ok(!s2s_tunnel_from_msg(msg, &back) && !strcmp(back.ifname, "vpn0") &&
	       back.mark == 0x10 && back.mask == 0xff && back.sport == 4500 &&
	       back.local.family == AF_INET && back.mode == S2S_MODE_ROUTE,
	       "tunnel: decoding what was encoded gives it back");
	s2s_msg_free(msg);

	if (!parse("tunnel del vpn0"))
		return;
	msg = s2s_msg_new(FAMILY, S2S_CMD_TUNNEL_DEL, 0);
	s2s_put_ifname(msg, req.tunnel.ifname);
	tap_ok(attrs(msg, tb, 0, NULL, 0) && tb[S2S_A_IFNAME] && !tb[S2S_A_TUNNEL],
	       "tunnel del: IFNAME only");
	s2s_msg_free(msg);
}

static void put_stats(struct nl_msg *msg, int type)
{
	struct nlattr *stats = nla_nest_start(msg, type), *drops;

	nla_put_u64(msg, S2S_STATS_A_TX_PACKETS, 10);
	nla_put_u64(msg, S2S_STATS_A_TX_BYTES, 1000);
	nla_put_u64(msg, S2S_STATS_A_RX_PACKETS, 20);
	nla_put_u64(msg, S2S_STATS_A_RX_BYTES, 2000);
	drops = nla_nest_start(msg, S2S_STATS_A_DROPS);
	nla_put_u64(msg, S2S_DROP_AUTH, 3);
	nla_put_u64(msg, S2S_DROP_REPLAY, 5);
	nla_put_u64(msg, S2S_DROP_NO_SA, 0);
	nla_put_u64(msg, 40, 2);	/* a reason newer than the tool */
	nla_nest_end(msg, drops);
	nla_nest_end(msg, stats);
}

static struct nl_msg *tunnel_reply(void)
{
	struct nl_msg *msg = s2s_msg_new(FAMILY, S2S_CMD_TUNNEL_GET, 0);
	struct nlattr *nest;
	uint8_t local[16], remote[16];

	inet_pton(AF_INET6, "2001:db8::1", local);
	inet_pton(AF_INET6, "2001:db8::2", remote);
	nla_put_u32(msg, S2S_A_IFINDEX, 7);
	nla_put_string(msg, S2S_A_IFNAME, "vpn0");
	nest = nla_nest_start(msg, S2S_A_TUNNEL);
	nla_put(msg, S2S_TUNNEL_A_LOCAL, 16, local);
	nla_put(msg, S2S_TUNNEL_A_REMOTE, 16, remote);
	nla_put_u8(msg, S2S_TUNNEL_A_MODE, S2S_MODE_ROUTE);
	nla_put_u32(msg, S2S_TUNNEL_A_MARK, 0);
	nla_put_u32(msg, S2S_TUNNEL_A_MARK_MASK, 0);
	nla_put_u32(msg, S2S_TUNNEL_A_MTU, 0);
	nla_put_u32(msg, S2S_TUNNEL_A_LINK_MTU, 1422);
	nla_put_u8(msg, S2S_TUNNEL_A_OPER_STATE, S2S_STATE_UP);
	nla_put_u32(msg, S2S_TUNNEL_A_TX_SPI, 0x1000);
	nla_put_u8(msg, S2S_TUNNEL_A_ENCAP, S2S_ENCAP_NONE);
	put_stats(msg, S2S_TUNNEL_A_STATS);
	nla_put_u32(msg, 200, 1);	/* an attribute newer than the tool */
	nla_nest_end(msg, nest);
	return msg;
}

static struct nl_msg *sa_reply(void)
{
	struct nl_msg *msg = s2s_msg_new(FAMILY, S2S_CMD_SA_GET, 0);
	struct nlattr *nest = nla_nest_start(msg, S2S_A_SA);

	nla_put_u8(msg, S2S_SA_A_DIR, S2S_DIR_IN);
	nla_put_u32(msg, S2S_SA_A_SPI, 0x2000);
	nla_put_string(msg, S2S_SA_A_AEAD_ALG, "rfc4106(gcm(aes))");
	nla_put_u32(msg, S2S_SA_A_ICV_BITS, 128);
	nla_put_u32(msg, S2S_SA_A_REPLAY_WINDOW, 1024);
	nla_put_flag(msg, S2S_SA_A_ESN);
	nla_put_u64(msg, S2S_SA_A_HARD_BYTES, 1000000);
	nla_put_u64(msg, S2S_SA_A_SEQ, 20);
	nla_put_u8(msg, S2S_SA_A_STATE, S2S_SA_STATE_SOFT_EXPIRED);
	nla_put_u64(msg, S2S_SA_A_AGE, 3723);
	nla_put_u32(msg, S2S_SA_A_IFINDEX, 7);
	nla_put_string(msg, S2S_SA_A_IFNAME, "vpn0");
	put_stats(msg, S2S_SA_A_STATS);
	nla_nest_end(msg, nest);
	return msg;
}

static void test_tunnel_reply(void)
{
	struct s2s_vec tunnels = S2S_VEC_INIT(struct s2s_tunnel);
	struct s2s_vec sas = S2S_VEC_INIT(struct s2s_sa);
	struct nl_msg *msg = tunnel_reply();
	struct s2s_tunnel *t = s2s_vec_push(&tunnels);
	struct s2s_sa *sa = s2s_vec_push(&sas);
	char *out = NULL, last[80];

	tap_ok(!s2s_tunnel_from_msg(msg, t) && t->ifindex == 7 &&
	       !strcmp(t->ifname, "vpn0") && t->local.family == AF_INET6 &&
	       t->link_mtu == 1422 && t->oper_state == S2S_STATE_UP &&
	       t->tx_spi == 0x1000, "tunnel reply: decoded");
	tap_ok(t->stats.present && t->stats.tx_packets == 10 &&
	       t->stats.rx_bytes == 2000 && t->stats.drops[S2S_DROP_AUTH] == 3 &&
	       t->stats.drops[S2S_DROP_REPLAY] == 5 && t->stats.drops[40] == 2,
	       "tunnel reply: counters and drops by reason, unknown ones too");
	nlmsg_free(msg);
	msg = sa_reply();
	tap_ok(!s2s_sa_from_msg(msg, sa) && sa->ifindex == 7 &&
	       !strcmp(sa->ifname, "vpn0") && sa->spi == 0x2000 && sa->esn &&
	       sa->state == S2S_SA_STATE_SOFT_EXPIRED && sa->age == 3723 &&
	       sa->lifetime[S2S_LT_HARD_BYTES] == 1000000 &&
	       !(sa->set & S2S_SA_HAS_LIFETIME(S2S_LT_SOFT_BYTES)) &&
	       sa->stats.drops[S2S_DROP_REPLAY] == 5, "sa reply: decoded");
	nlmsg_free(msg);

	CAPTURE(out, s2s_show_tunnels(f, true, &tunnels, &sas, NULL));
	contains(out, "[{\"name\":\"vpn0\",\"ifindex\":7,\"local\":\"2001:db8::1\","
		 "\"remote\":\"2001:db8::2\",\"mode\":\"route\",\"mark\":0,\"mask\":0,"
		 "\"mtu\":0,\"link_mtu\":1422,\"state\":\"up\",\"tx_spi\":4096,"
		 "\"encap\":\"none\",\"encap_sport\":0,\"encap_dport\":0,"
		 "\"encap_keepalive\":0,\"nat_remote\":null,\"nat_dport\":null,\"if_id\":0,"
		 "\"stats\":{\"tx_packets\":10,\"tx_bytes\":1000,\"rx_packets\":20,"
		 "\"rx_bytes\":2000,\"drops\":{\"no_sa\":0,\"auth\":3,\"replay\":5,"
		 "\"bad_trailer\":0,", "tunnel JSON: keys in order");
	/* the last known reason, whichever it is, then the unknown one */
	snprintf(last, sizeof(last), "\"%s\":0,\"reason_40\":2}}",
		 s2s_drop_name(S2S_DROP_MAX));
	contains(out, last,
		 "tunnel JSON: every known reason, then unknown ones seen");
	contains(out, "\"sas\":[{\"tunnel\":\"vpn0\",\"ifindex\":7,\"dir\":\"in\","
		 "\"spi\":8192,\"aead\":\"rfc4106(gcm(aes))\",\"icv_bits\":128,"
		 "\"enc\":null,\"auth\":null,\"auth_trunc_bits\":null,"
		 "\"replay_window\":1024,\"esn\":true,\"seq\":20,"
		 "\"state\":\"soft-expired\",\"age\":3723,\"lifetime\":{"
		 "\"soft_bytes\":0,\"hard_bytes\":1000000,", "tunnel JSON: its SAs");
	contains(out, "\"selectors\":[],\"probe\":null,\"probe_interval\":null,"
		 "\"probe_misses\":null,\"peer\":null,\"ike_sel_refused\":0}]\n",
		 "tunnel JSON: selectors, probing last, one document");
	free(out);

	CAPTURE(out, s2s_show_tunnels(f, false, &tunnels, &sas, NULL));
	contains(out, "tunnel vpn0 (ifindex 7)\n  state:     up\n  mode:      route\n"
		 "  local:     2001:db8::1\n  remote:    2001:db8::2\n"
		 "  mtu:       1422 (automatic)\n  tx spi:    0x00001000\n"
		 "  rx:        20 packets, 2000 bytes\n"
		 "  tx:        10 packets, 1000 bytes\n"
		 "  drops:     auth 3, replay 5, reason_40 2\n",
		 "tunnel text: aligned, only reasons that happened");
	contains(out, "  sa in spi 0x00002000\n"
		 "    algorithm: aead rfc4106(gcm(aes)), icv 128 bits\n"
		 "    state:     soft-expired, age 1h02m03s\n"
		 "    seq:       20 (esn)\n    replay:    window 1024\n"
		 "    lifetime:  hard-bytes 1000000\n", "tunnel text: its SAs");
	free(out);

	CAPTURE(out, s2s_show_sas(f, false, &sas));
	contains(out, "sa vpn0 in spi 0x00002000\n", "sa text names the tunnel");
	free(out);
	s2s_vec_free(&tunnels);
	s2s_vec_free(&sas);
}

static void test_sa_request(void)
{
	struct nlattr *tb[S2S_A_MAX + 1], *nb[S2S_SA_A_MAX + 1];
	struct nl_msg *msg;

	if (!parse("sa add vpn0 dir out spi 0x1000 aead 'rfc4106(gcm(aes))' " KEY20
		   " 96 esn soft-bytes 100"))
		return;
	msg = s2s_msg_new(FAMILY, S2S_CMD_SA_NEW, 0);
	s2s_put_sa(msg, &req.sa);
	if (attrs(msg, tb, S2S_A_SA, nb, S2S_SA_A_MAX)) {
		tap_ok(nla_get_u8(nb[S2S_SA_A_DIR]) == S2S_DIR_OUT &&
		       nla_get_u32(nb[S2S_SA_A_SPI]) == 0x1000, "sa add: DIR and SPI");
		tap_ok(!strcmp(nla_get_string(nb[S2S_SA_A_AEAD_ALG]), "rfc4106(gcm(aes))") &&
		       nla_len(nb[S2S_SA_A_AEAD_KEY]) == 20 &&
		       !memcmp(nla_data(nb[S2S_SA_A_AEAD_KEY]),
			       "\x4a\x50\x6a\x79\x4f\x57\x42\x65\x56\x45\x51\x69"
			       "\x4d\x65\x37\x68\x1a\x2b\x1a\x2b", 20) &&
		       nla_get_u32(nb[S2S_SA_A_ICV_BITS]) == 96,
		       "sa add: AEAD name, key with salt, ICV bits");
		tap_ok(nb[S2S_SA_A_ESN] && !nb[S2S_SA_A_ENC_ALG] &&
		       !nb[S2S_SA_A_REPLAY_WINDOW] &&
		       nla_get_u64(nb[S2S_SA_A_SOFT_BYTES]) == 100 &&
		       !nb[S2S_SA_A_HARD_BYTES],
		       "sa add: ESN flag, only the limits given");
	} else {
		tap_ok(false, "sa add: attributes parse");
	}
	s2s_msg_free(msg);

	if (!parse("sa add vpn0 dir in spi 0x700 enc 'cbc(aes)' 0x000102030405060708090a0b0c0d0e0f"
		   " auth 'hmac(sha256)' 0x0102 replay-window 64"))
		return;
	msg = s2s_msg_new(FAMILY, S2S_CMD_SA_NEW, 0);
	s2s_put_sa(msg, &req.sa);
	if (attrs(msg, tb, S2S_A_SA, nb, S2S_SA_A_MAX))
		tap_ok(!strcmp(nla_get_string(nb[S2S_SA_A_ENC_ALG]), "cbc(aes)") &&
		       nla_len(nb[S2S_SA_A_ENC_KEY]) == 16 &&
		       !strcmp(nla_get_string(nb[S2S_SA_A_AUTH_ALG]), "hmac(sha256)") &&
		       nla_len(nb[S2S_SA_A_AUTH_KEY]) == 2 &&
		       nla_get_u32(nb[S2S_SA_A_AUTH_TRUNC_BITS]) == 128 &&
		       nla_get_u32(nb[S2S_SA_A_REPLAY_WINDOW]) == 64 &&
		       !nb[S2S_SA_A_AEAD_ALG] && !nb[S2S_SA_A_ESN],
		       "sa add: enc + auth with the RFC truncation sent explicitly");
	s2s_msg_free(msg);

	if (!parse("sa del vpn0 dir in spi 0x700"))
		return;
	msg = s2s_msg_new(FAMILY, S2S_CMD_SA_DEL, 0);
	s2s_put_sa(msg, &req.sa);
	if (attrs(msg, tb, S2S_A_SA, nb, S2S_SA_A_MAX))
		tap_ok(tb[S2S_A_IFNAME] && nb[S2S_SA_A_DIR] && nb[S2S_SA_A_SPI] &&
		       !nb[S2S_SA_A_AUTH_ALG] && !nb[S2S_SA_A_ENC_KEY],
		       "sa del: DIR and SPI only");
	s2s_msg_free(msg);
}

/* A segment-get reply: users and counters, as text and JSON. */
static void test_segment_counters(void)
{
	struct s2s_vec segs = S2S_VEC_INIT(struct s2s_segment);
	struct s2s_segment *seg = s2s_vec_push(&segs);
	struct nl_msg *msg = s2s_msg_new(FAMILY, S2S_CMD_SEGMENT_GET, 0);
	struct nlattr *nest, *stats, *drops;
	char *out = NULL;

	nest = nla_nest_start(msg, S2S_A_SEGMENT);
	nla_put_string(msg, S2S_SEGMENT_A_NAME, "dev");
	nla_put_u32(msg, S2S_SEGMENT_A_MARK, 0x10);
	nla_put_u32(msg, S2S_SEGMENT_A_MASK, 0xf0);
	nla_put_u32(msg, S2S_SEGMENT_A_SELECTORS, 2);
	stats = nla_nest_start(msg, S2S_SEGMENT_A_STATS);
	nla_put_u64(msg, S2S_STATS_A_TX_PACKETS, 5);
	nla_put_u64(msg, S2S_STATS_A_TX_BYTES, 500);
	nla_put_u64(msg, S2S_STATS_A_RX_PACKETS, 3);
	nla_put_u64(msg, S2S_STATS_A_RX_BYTES, 300);
	drops = nla_nest_start(msg, S2S_STATS_A_DROPS);
	nla_put_u64(msg, S2S_DROP_POLICY_DISCARD, 7);
	nla_put_u64(msg, S2S_DROP_SELECTOR_MISMATCH, 1);
	nla_nest_end(msg, drops);
	nla_nest_end(msg, stats);
	nla_nest_end(msg, nest);
	tap_ok(!s2s_segment_from_msg(msg, seg) && seg->has_selectors &&
	       seg->selectors == 2 && seg->stats.tx_packets == 5 &&
	       seg->stats.rx_bytes == 300 &&
	       seg->stats.drops[S2S_DROP_POLICY_DISCARD] == 7,
	       "segment-get: users and counters");
	s2s_msg_free(msg);
	CAPTURE(out, s2s_show_segments(f, false, &segs, NULL));
	contains(out, "segment dev  mark 0x10/0xf0, 2 selectors\n"
		 "  out:       5 packets, 500 bytes\n"
		 "  in:        3 packets, 300 bytes\n"
		 "  drops:     policy_discard 7, selector_mismatch 1\n",
		 "segment text: out, in, drops by reason");
	free(out);
	CAPTURE(out, s2s_show_segments(f, true, &segs, NULL));
	contains(out, "{\"name\":\"dev\",\"mark\":16,\"mask\":240,\"selectors\":2,"
		 "\"stats\":{\"tx_packets\":5,\"tx_bytes\":500,"
		 "\"rx_packets\":3,\"rx_bytes\":300,\"drops\":{",
		 "segment JSON: selectors and stats");
	contains(out, "\"policy_discard\":7,", "segment JSON: drops by name");
	free(out);
	s2s_vec_free(&segs);
}

static void test_selector_segment(void)
{
	struct s2s_vec sels = S2S_VEC_INIT(struct s2s_selector);
	struct s2s_selector *back = s2s_vec_push(&sels);
	struct s2s_segment seg;
	struct nl_msg *msg;
	char *out = NULL;

	if (!parse("selector add vpn0 dir out src 10.0.0.0/24 dst 10.1.0.0/16 proto tcp "
		   "sport 1024-65535 dport 443 segment prod action bypass priority 10"))
		return;
	msg = s2s_msg_new(FAMILY, S2S_CMD_SELECTOR_NEW, 0);
	s2s_put_selector(msg, &req.selector);
	tap_ok(!s2s_selector_from_msg(msg, back) && !strcmp(back->ifname, "vpn0") &&
	       back->src.plen == 24 && back->dst.plen == 16 &&
	       back->proto == IPPROTO_TCP && back->sport_min == 1024 &&
	       back->dport_max == 443 && !strcmp(back->segment, "prod") &&
	       back->action == S2S_SEL_BYPASS && back->priority == 10 &&
	       !(back->set & S2S_SEL_HAS_ID), "selector: round trip");
	s2s_msg_free(msg);
	back->id = 3;
	CAPTURE(out, s2s_show_selectors(f, false, &sels));
	contains(out, "selector vpn0 id 3 out\n"
		 "  match:     10.0.0.0/24 -> 10.1.0.0/16 proto tcp sport 1024-65535 dport 443\n"
		 "  action:    bypass, segment prod, priority 10\n", "selector text");
	free(out);
	CAPTURE(out, s2s_show_selectors(f, true, &sels));
	contains(out, "[{\"tunnel\":\"vpn0\",\"ifindex\":0,\"id\":3,\"dir\":\"out\","
		 "\"src\":\"10.0.0.0/24\",\"dst\":\"10.1.0.0/16\",\"proto\":6,"
		 "\"sport_min\":1024,\"sport_max\":65535,\"dport_min\":443,"
		 "\"dport_max\":443,\"segment\":\"prod\",\"action\":\"bypass\","
		 "\"priority\":10,\"matches\":0,\"match_bytes\":0,"
		 "\"origin\":\"user\"}]\n",
		 "selector JSON");
	free(out);
	back->origin = S2S_SEL_ORIGIN_IKE;
	CAPTURE(out, s2s_show_selectors(f, false, &sels));
	contains(out, "  action:    bypass, segment prod, priority 10, origin ike\n",
		 "selector text: mirrored from an xfrm policy");
	free(out);
	CAPTURE(out, s2s_show_selectors(f, true, &sels));
	contains(out, "\"match_bytes\":0,\"origin\":\"ike\"}]\n",
		 "selector JSON: origin ike");
	free(out);
	s2s_vec_free(&sels);

	if (!parse("segment add prod mark 0x30/0xf0"))
		return;
	msg = s2s_msg_new(FAMILY, S2S_CMD_SEGMENT_NEW, 0);
	s2s_put_segment(msg, &req.segment, true);
	tap_ok(!s2s_segment_from_msg(msg, &seg) && !strcmp(seg.name, "prod") &&
	       seg.mark == 0x30 && seg.mask == 0xf0, "segment: round trip");
	s2s_msg_free(msg);
	msg = s2s_msg_new(FAMILY, S2S_CMD_SEGMENT_DEL, 0);
	s2s_put_segment(msg, &req.segment, false);
	tap_ok(!s2s_segment_from_msg(msg, &seg) && !seg.mark &&
	       seg.mask == 0xffffffff, "segment del: name only; mask defaults");
	s2s_msg_free(msg);
	test_segment_counters();
}

static struct nl_msg *event(uint8_t cmd)
{
	struct nl_msg *msg = s2s_msg_new(FAMILY, cmd, 0);

	nla_put_u32(msg, S2S_A_IFINDEX, 7);
	nla_put_string(msg, S2S_A_IFNAME, "vpn0");
	return msg;
}

static void event_is(struct nl_msg *msg, const char *text, const char *json,
		     const char *what)
{
	struct s2s_event ev;
	char *out = NULL;

	tap_ok(!s2s_event_from_msg(msg, &ev), "%s: decoded", what);
	CAPTURE(out, s2s_show_event(f, false, &ev));
	if (!tap_ok(!strcmp(out, text), "%s: text", what))
		tap_diag("got %s", out);
	free(out);
	CAPTURE(out, s2s_show_event(f, true, &ev));
	if (!tap_ok(!strcmp(out, json), "%s: JSON", what))
		tap_diag("got %s", out);
	free(out);
	nlmsg_free(msg);
}

static void test_events(void)
{
	struct nl_msg *msg = event(S2S_CMD_EVENT_SA_EXPIRE);
	struct nlattr *nest;

	nest = nla_nest_start(msg, S2S_A_SA);
	nla_put_u8(msg, S2S_SA_A_DIR, S2S_DIR_OUT);
	nla_put_u32(msg, S2S_SA_A_SPI, 0x1000);
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, S2S_A_EXPIRE);
	nla_put_u8(msg, S2S_EXPIRE_A_KIND, S2S_EXPIRE_SOFT);
	nla_put_u8(msg, S2S_EXPIRE_A_LIMIT, S2S_LIMIT_BYTES);
	nla_nest_end(msg, nest);
	event_is(msg, "sa-expire soft tunnel vpn0 dir out spi 0x00001000 limit bytes\n",
		 "{\"event\":\"sa-expire\",\"tunnel\":\"vpn0\",\"ifindex\":7,"
		 "\"dir\":\"out\",\"spi\":4096,\"kind\":\"soft\",\"limit\":\"bytes\"}\n",
		 "sa-expire event");

	msg = event(S2S_CMD_EVENT_SEQ_WRAP);
	nest = nla_nest_start(msg, S2S_A_SA);
	nla_put_u8(msg, S2S_SA_A_DIR, S2S_DIR_OUT);
	nla_put_u32(msg, S2S_SA_A_SPI, 0x1000);
	nla_put_u64(msg, S2S_SA_A_SEQ, 0xffffff00);
	nla_nest_end(msg, nest);
	event_is(msg, "seq-wrap tunnel vpn0 dir out spi 0x00001000 seq 4294967040\n",
		 "{\"event\":\"seq-wrap\",\"tunnel\":\"vpn0\",\"ifindex\":7,"
		 "\"dir\":\"out\",\"spi\":4096,\"seq\":4294967040}\n",
		 "seq-wrap event");

	msg = event(S2S_CMD_EVENT_TUNNEL_STATE);
	nest = nla_nest_start(msg, S2S_A_TUNNEL);
	nla_put_u8(msg, S2S_TUNNEL_A_OPER_STATE, S2S_STATE_DOWN);
	nla_nest_end(msg, nest);
	event_is(msg, "tunnel-state tunnel vpn0 state down\n",
		 "{\"event\":\"tunnel-state\",\"tunnel\":\"vpn0\",\"ifindex\":7,"
		 "\"state\":\"down\",\"peer\":null}\n", "tunnel-state event");

	msg = event(S2S_CMD_EVENT_TUNNEL_STATE);
	nest = nla_nest_start(msg, S2S_A_TUNNEL);
	nla_put_u8(msg, S2S_TUNNEL_A_OPER_STATE, S2S_STATE_DOWN);
	nla_put_u8(msg, S2S_TUNNEL_A_PEER_STATE, S2S_PEER_DEAD);
	nla_nest_end(msg, nest);
	event_is(msg, "tunnel-state tunnel vpn0 state down peer dead\n",
		 "{\"event\":\"tunnel-state\",\"tunnel\":\"vpn0\",\"ifindex\":7,"
		 "\"state\":\"down\",\"peer\":\"dead\"}\n",
		 "tunnel-state event: the peer is dead");

	msg = event(S2S_CMD_EVENT_NAT_MAPPING);
	nest = nla_nest_start(msg, S2S_A_TUNNEL);
	nla_put(msg, S2S_TUNNEL_A_NAT_REMOTE, 4, (uint8_t []){ 192, 0, 2, 254 });
	nla_put_u16(msg, S2S_TUNNEL_A_NAT_DPORT, 20145);
	nla_nest_end(msg, nest);
	event_is(msg, "nat-mapping tunnel vpn0 peer 192.0.2.254 port 20145\n",
		 "{\"event\":\"nat-mapping\",\"tunnel\":\"vpn0\",\"ifindex\":7,"
		 "\"peer\":\"192.0.2.254\",\"port\":20145}\n", "nat-mapping event");
}

/* An NLMSG_ERROR or NLMSG_DONE as the kernel builds it with extended ACK. */
static struct nl_msg *ack(int type, int flags, bool echo, const char *text)
{
	struct nl_msg *msg = nlmsg_alloc_simple(type, flags);
	struct nlmsgerr e = { .error = -EINVAL };
	char payload[20] = { 0 };
	int done_err = -ENODEV;

	e.msg.nlmsg_len = NLMSG_HDRLEN + sizeof(payload);
	if (type == NLMSG_ERROR) {
		nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO);
		if (echo)
			nlmsg_append(msg, payload, sizeof(payload), NLMSG_ALIGNTO);
	} else {
		nlmsg_append(msg, &done_err, sizeof(done_err), NLMSG_ALIGNTO);
	}
	if (text)
		nla_put_string(msg, NLMSGERR_ATTR_MSG, text);
	nla_put_u32(msg, NLMSGERR_ATTR_OFFS, 24);
	return msg;
}

static void extack_is(struct nl_msg *msg, const char *want, const char *what)
{
	char buf[256];

	s2s_nl_extack(nlmsg_hdr(msg), buf, sizeof(buf));
	if (!tap_ok(!strcmp(buf, want), "extack: %s", what))
		tap_diag("got \"%s\"", buf);
	nlmsg_free(msg);
}

static void test_extack(void)
{
	extack_is(ack(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, false,
		      "SPI already in use"), "SPI already in use",
		  "capped error");
	extack_is(ack(NLMSG_ERROR, NLM_F_ACK_TLVS, true, "unknown tunnel"),
		  "unknown tunnel", "error echoing the request");
	extack_is(ack(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS, false,
		      "dump failed"), "dump failed", "error ending a dump");
	extack_is(ack(NLMSG_ERROR, NLM_F_CAPPED, false, NULL), "",
		  "no TLVs, no message");
	extack_is(ack(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, false, NULL), "",
		  "TLVs without a message");
}

void test_netlink(void)
{
	test_tunnel_request();
	test_tunnel_reply();
	test_sa_request();
	test_selector_segment();
	test_events();
	test_extack();
}
