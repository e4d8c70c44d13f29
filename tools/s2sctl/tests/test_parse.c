// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the command-line grammar (parse.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/s2svpn.h>

#include "../batch.h"
#include "../parse.h"
#include "tap.h"

#define H8	"0123456789abcdef"		/* 8 key bytes */
#define KEY16	"0x" H8 H8
#define KEY24	"0x" H8 H8 H8
#define KEY32	"0x" H8 H8 H8 H8
/* An rfc4106(gcm(aes)) key from an ip xfrm configuration: 16 + 4 salt */
#define KEY20	"0x4a506a794f574265564551694d6537681a2b1a2b"
#define KEY28	KEY24 "01020304"
#define KEY36	KEY32 "01020304"
#define GCM	"'rfc4106(gcm(aes))'"
#define TUN	"tunnel add vpn0 local 192.0.2.1 remote 198.51.100.2"
#define SA_OUT	"sa add vpn0 dir out spi 0x1000"
#define SEL	"selector add vpn0 dir out src 10.0.0.0/24 dst 10.1.0.0/16"

static struct s2s_request req;
static char err[256];

/* Splits @line as a batch file line would be, then parses it. */
static bool parse(const char *line)
{
	char buf[1024], *words[S2S_BATCH_MAX_WORDS];
	int n;

	snprintf(buf, sizeof(buf), "%s", line);
	n = s2s_split_line(buf, words, S2S_BATCH_MAX_WORDS);
	if (n < 0) {
		snprintf(err, sizeof(err), "split failed");
		return false;
	}
	return s2s_parse_command(n, words, &req, err, sizeof(err)) == 0;
}

static bool good(const char *line)
{
	bool ok = parse(line);

	if (!tap_ok(ok, "accepts: %s", line))
		tap_diag("error: %s", err);
	return ok;
}

/* Refused, with a message containing @expect (the offending word). */
static void bad(const char *line, const char *expect)
{
	bool ok = !parse(line) && strstr(err, expect);

	if (!tap_ok(ok, "rejects: %s", line))
		tap_diag("message: \"%s\", expected it to contain \"%s\"", err,
			 expect);
}

static void test_numbers(void)
{
	static const struct {
		const char *s;
		uint64_t max;
		int err;
		uint64_t value;
	} cases[] = {
		{ "0", UINT32_MAX, 0, 0 },
		{ "42", UINT32_MAX, 0, 42 },
		{ "010", UINT32_MAX, 0, 10 },		/* decimal, never octal */
		{ "0x1f", UINT32_MAX, 0, 31 },
		{ "0X1F", UINT32_MAX, 0, 31 },
		{ "4294967295", UINT32_MAX, 0, 4294967295u },
		{ "0xffffffff", UINT32_MAX, 0, 4294967295u },
		{ "4294967296", UINT32_MAX, -ERANGE, 0 },
		{ "0x100000000", UINT32_MAX, -ERANGE, 0 },
		{ "18446744073709551615", UINT64_MAX, 0, UINT64_MAX },
		{ "0xffffffffffffffff", UINT64_MAX, 0, UINT64_MAX },
		{ "18446744073709551616", UINT64_MAX, -ERANGE, 0 },
		{ "0x10000000000000000", UINT64_MAX, -ERANGE, 0 },
		{ "65536", UINT16_MAX, -ERANGE, 0 },
		{ "", UINT32_MAX, -EINVAL, 0 },
		{ "-1", UINT32_MAX, -EINVAL, 0 },
		{ "+1", UINT32_MAX, -EINVAL, 0 },
		{ " 1", UINT32_MAX, -EINVAL, 0 },
		{ "1 ", UINT32_MAX, -EINVAL, 0 },
		{ "0x", UINT32_MAX, -EINVAL, 0 },
		{ "0xzz", UINT32_MAX, -EINVAL, 0 },
		{ "0x-1", UINT32_MAX, -EINVAL, 0 },
		{ "12abc", UINT32_MAX, -EINVAL, 0 },
		{ "1e3", UINT32_MAX, -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 0;
		int r = s2s_parse_uint(cases[i].s, cases[i].max, &v);

		tap_ok(r == cases[i].err && (r || v == cases[i].value),
		       "number \"%s\" (max %#llx): %s", cases[i].s,
		       (unsigned long long)cases[i].max,
		       cases[i].err == -ERANGE ? "out of range" :
		       cases[i].err ? "invalid" : "parsed");
	}
}

static void test_addresses(void)
{
	struct s2s_addr a;
	uint8_t v6[16];

	tap_ok(!s2s_parse_addr("192.0.2.1", &a) && a.family == AF_INET &&
	       a.bytes[0] == 192 && a.bytes[3] == 1, "address 192.0.2.1");
	inet_pton(AF_INET6, "2001:db8::1", v6);
	tap_ok(!s2s_parse_addr("2001:db8::1", &a) && a.family == AF_INET6 &&
	       !memcmp(a.bytes, v6, 16), "address 2001:db8::1");
	tap_ok(!s2s_parse_addr("::ffff:192.0.2.1", &a) && a.family == AF_INET6,
	       "address ::ffff:192.0.2.1 is IPv6");
	tap_ok(s2s_parse_addr("1.2.3", &a) == -EINVAL, "address 1.2.3 invalid");
	tap_ok(s2s_parse_addr("300.1.1.1", &a) == -EINVAL, "address 300.1.1.1 invalid");
	tap_ok(s2s_parse_addr("fe80::1%eth0", &a) == -EINVAL,
	       "address with zone invalid");
	tap_ok(s2s_parse_addr("vpn.example", &a) == -EINVAL,
	       "host names are not resolved");
}

static void test_prefixes(void)
{
	struct s2s_addr a;

	tap_ok(!s2s_parse_prefix("10.0.0.0/8", &a) && a.plen == 8 &&
	       a.family == AF_INET, "prefix 10.0.0.0/8");
	tap_ok(!s2s_parse_prefix("10.0.0.1", &a) && a.plen == 32,
	       "prefix without length is a host");
	tap_ok(!s2s_parse_prefix("2001:db8::/32", &a) && a.plen == 32 &&
	       a.family == AF_INET6, "prefix 2001:db8::/32");
	tap_ok(!s2s_parse_prefix("2001:db8::1", &a) && a.plen == 128,
	       "IPv6 host prefix is /128");
	tap_ok(!s2s_parse_prefix("0.0.0.0/0", &a) && a.plen == 0, "prefix 0.0.0.0/0");
	tap_ok(!s2s_parse_prefix("::/0", &a) && a.plen == 0, "prefix ::/0");
	tap_ok(!s2s_parse_prefix("10.0.0.128/25", &a) && a.plen == 25,
	       "prefix 10.0.0.128/25");
	tap_ok(s2s_parse_prefix("10.0.0.0/33", &a) == -ERANGE, "prefix /33 too long");
	tap_ok(s2s_parse_prefix("2001:db8::/129", &a) == -ERANGE,
	       "prefix /129 too long");
	tap_ok(s2s_parse_prefix("10.0.0.1/8", &a) == -EDOM,
	       "prefix with host bits refused");
	tap_ok(s2s_parse_prefix("10.0.0.0/", &a) == -EINVAL, "prefix with empty length");
	tap_ok(s2s_parse_prefix("10.0.0.0/x", &a) == -EINVAL, "prefix with bad length");
	tap_ok(s2s_parse_prefix("10.0.0/8", &a) == -EINVAL, "prefix with bad address");
}

static void test_keys(void)
{
	static const uint8_t xfrm_key[20] = {
		0x4a, 0x50, 0x6a, 0x79, 0x4f, 0x57, 0x42, 0x65, 0x56, 0x45,
		0x51, 0x69, 0x4d, 0x65, 0x37, 0x68, 0x1a, 0x2b, 0x1a, 0x2b,
	};
	char long_key[2 + 2 * 129 + 1] = "0x";
	struct s2s_key k;

	tap_ok(!s2s_parse_key(KEY20, &k) && k.len == 20 &&
	       !memcmp(k.bytes, xfrm_key, 20),
	       "ip xfrm rfc4106 key decodes to 20 bytes, salt last");
	tap_ok(!s2s_parse_key("0X4A506A79", &k) && k.len == 4 && k.bytes[0] == 0x4a &&
	       k.bytes[3] == 0x79, "upper-case hex key");
	tap_ok(s2s_parse_key("0x", &k) == -EINVAL, "empty key refused");
	tap_ok(s2s_parse_key("0x123", &k) == -EINVAL, "odd number of digits refused");
	tap_ok(s2s_parse_key("4a506a79", &k) == -EINVAL, "key without 0x refused");
	tap_ok(s2s_parse_key("secretpassword", &k) == -EINVAL,
	       "string key refused (ip xfrm would take it as text)");
	tap_ok(s2s_parse_key("0x4a50zz79", &k) == -EINVAL, "non-hex digit refused");
	for (int i = 0; i < 128; i++)
		strcat(long_key, "ab");
	tap_ok(!s2s_parse_key(long_key, &k) && k.len == 128, "128-byte key accepted");
	strcat(long_key, "ab");
	tap_ok(s2s_parse_key(long_key, &k) == -E2BIG, "129-byte key refused");
}

static void test_ports_marks(void)
{
	uint16_t lo, hi;
	uint32_t mark, mask;

	tap_ok(!s2s_parse_port_range("443", &lo, &hi) && lo == 443 && hi == 443,
	       "port 443");
	tap_ok(!s2s_parse_port_range("1024-65535", &lo, &hi) && lo == 1024 &&
	       hi == 65535, "port range 1024-65535");
	tap_ok(!s2s_parse_port_range("0x50-0x51", &lo, &hi) && lo == 80 && hi == 81,
	       "hex port range");
	tap_ok(!s2s_parse_port_range("0-65535", &lo, &hi) && !lo && hi == 65535,
	       "full port range");
	tap_ok(s2s_parse_port_range("65536", &lo, &hi) == -ERANGE, "port 65536");
	tap_ok(s2s_parse_port_range("2000-1000", &lo, &hi) == -EDOM,
	       "reversed port range");
	tap_ok(s2s_parse_port_range("10-", &lo, &hi) == -EINVAL, "open port range");
	tap_ok(s2s_parse_port_range("-10", &lo, &hi) == -EINVAL, "negative port");
	tap_ok(s2s_parse_port_range("http", &lo, &hi) == -EINVAL, "port name");

	tap_ok(!s2s_parse_mark("0x10", &mark, &mask) && mark == 16 &&
	       mask == 0xffffffff, "mark without mask");
	tap_ok(!s2s_parse_mark("0x10/0xff", &mark, &mask) && mark == 16 &&
	       mask == 0xff, "mark/mask");
	tap_ok(!s2s_parse_mark("16/255", &mark, &mask) && mark == 16 && mask == 255,
	       "decimal mark/mask");
	tap_ok(s2s_parse_mark("0x1/", &mark, &mask) == -EINVAL, "mark with empty mask");
	tap_ok(s2s_parse_mark("0x100000000", &mark, &mask) == -ERANGE,
	       "mark above 32 bits");
}

static void test_tunnel(void)
{
	const struct s2s_tunnel *t = &req.tunnel;

	if (good(TUN))
		tap_ok(req.op == S2S_OP_TUNNEL_ADD && !strcmp(t->ifname, "vpn0") &&
		       t->local.family == AF_INET && t->remote.bytes[0] == 198 &&
		       t->mode == S2S_MODE_ROUTE &&
		       t->set == (S2S_TUNNEL_HAS_LOCAL | S2S_TUNNEL_HAS_REMOTE |
				  S2S_TUNNEL_HAS_MODE),
		       "tunnel add: route mode by default, nothing else sent");
	if (good("tunnel add vpn1 local 2001:db8::1 remote 2001:db8::2 mode policy "
		 "mark 0x10/0xff mtu 1400 encap udp sport 4501"))
		tap_ok(t->mode == S2S_MODE_POLICY && t->mark == 0x10 &&
		       t->mask == 0xff && t->mtu == 1400 &&
		       t->encap == S2S_ENCAP_UDP && t->sport == 4501 &&
		       t->dport == 4500 && (t->set & S2S_TUNNEL_HAS_DPORT),
		       "tunnel add: all keywords, dport defaults to 4500");
	if (good(TUN " probe 169.254.10.2 probe-interval 200 probe-misses 3"))
		tap_ok(t->probe.family == AF_INET && t->probe.bytes[3] == 2 &&
		       t->probe_interval == 200 && t->probe_misses == 3 &&
		       (t->set & S2S_TUNNEL_HAS_PROBE_INTERVAL) &&
		       (t->set & S2S_TUNNEL_HAS_PROBE_MISSES),
		       "tunnel add: probe, probe-interval, probe-misses");
	if (good("tunnel set vpn0 probe none"))
		tap_ok(t->set == S2S_TUNNEL_HAS_PROBE && !t->probe.family,
		       "tunnel set: probe none");
	if (good("tunnel set vpn0 probe-misses 5"))
		tap_ok(t->set == S2S_TUNNEL_HAS_PROBE_MISSES && t->probe_misses == 5,
		       "tunnel set: probe-misses alone (probing already on)");
	if (good(TUN " mark 7"))
		tap_ok(t->mark == 7 && t->mask == 0xffffffff, "mark mask defaults to all ones");
	if (good("tunnel set vpn0 mtu 0"))
		tap_ok(req.op == S2S_OP_TUNNEL_SET && t->set == S2S_TUNNEL_HAS_MTU &&
		       !t->mtu, "tunnel set: only the given field");
	if (good(TUN " encap udp keepalive 0"))
		tap_ok(t->keepalive == 0 && (t->set & S2S_TUNNEL_HAS_KEEPALIVE) &&
		       t->sport == 4500 && t->dport == 4500,
		       "tunnel add: keepalive 0 turns NAT keepalives off");
	if (good("tunnel set vpn0 keepalive 25"))
		tap_ok(t->set == S2S_TUNNEL_HAS_KEEPALIVE && t->keepalive == 25,
		       "tunnel set: keepalive alone (encap already udp)");
	if (good("tunnel set vpn0 sport 4600"))
		tap_ok(t->set == S2S_TUNNEL_HAS_SPORT && t->sport == 4600,
		       "tunnel set: a port alone (encap already udp)");
	if (good(TUN " if-id 42"))
		tap_ok(t->if_id == 42 && (t->set & S2S_TUNNEL_HAS_IF_ID),
		       "tunnel add: if-id");
	if (good("tunnel set vpn0 if-id 0"))
		tap_ok(t->set == S2S_TUNNEL_HAS_IF_ID && !t->if_id,
		       "tunnel set: if-id 0 unbinds");
	bad(TUN " if-id 4294967296", "if-id");
	if (good("tunnel change vpn0 remote 203.0.113.9"))
		tap_ok(req.op == S2S_OP_TUNNEL_SET, "change is set");
	if (good("tunnel del vpn0"))
		tap_ok(req.op == S2S_OP_TUNNEL_DEL && !strcmp(t->ifname, "vpn0"),
		       "tunnel del");
	if (good("tunnel delete vpn0"))
		tap_ok(req.op == S2S_OP_TUNNEL_DEL, "delete is del");
	if (good("tunnel show"))
		tap_ok(req.op == S2S_OP_TUNNEL_SHOW && !t->ifname[0], "tunnel show");
	if (good("tunnel show vpn0"))
		tap_ok(!strcmp(t->ifname, "vpn0"), "tunnel show NAME");
	if (good("tunnel"))
		tap_ok(req.op == S2S_OP_TUNNEL_SHOW, "tunnel alone shows");
	if (good("tunnel ls"))
		tap_ok(req.op == S2S_OP_TUNNEL_SHOW, "ls is show");
	good("tunnel add abcdefghijklmno local 192.0.2.1 remote 192.0.2.2");

	bad("tunnel add vpn0 local 1.2.3 remote 198.51.100.2",
	    "invalid local address \"1.2.3\"");
	bad("tunnel add vpn0 local 192.0.2.1 remote 2001:db8::1",
	    "remote \"2001:db8::1\" is IPv6 but local \"192.0.2.1\" is IPv4");
	bad("tunnel add vpn0 local 2001:db8::1 remote 192.0.2.1", "same family");
	bad("tunnel add vpn0 local 192.0.2.1", "missing \"remote\"");
	bad("tunnel add vpn0 remote 192.0.2.1", "missing \"local\"");
	bad("tunnel add vpn0 local", "missing value after \"local\"");
	bad(TUN " mtu", "missing value after \"mtu\"");
	bad(TUN " foo bar", "unknown keyword \"foo\"");
	bad(TUN " local 192.0.2.3", "\"local\" given twice");
	bad(TUN " mode bridge", "invalid mode \"bridge\"");
	bad(TUN " mtu 40", "invalid MTU \"40\"");
	bad(TUN " mtu 70000", "invalid MTU \"70000\"");
	bad(TUN " mark 0x1/0xzz", "invalid mark \"0x1/0xzz\"");
	bad(TUN " encap tcp", "invalid encap \"tcp\"");
	bad(TUN " sport 4500", "\"sport\" needs \"encap udp\"");
	bad(TUN " encap udp dport 0", "invalid dport \"0\"");
	bad(TUN " encap udp dport 65536", "invalid dport \"65536\"");
	bad(TUN " encap foo", "invalid encap \"foo\"");
	bad(TUN " encap", "encap");
	bad(TUN " encap udp sport", "sport");
	bad(TUN " encap udp sport 0", "invalid sport \"0\"");
	bad(TUN " encap udp sport 70000", "invalid sport \"70000\"");
	bad(TUN " encap udp dport", "dport");
	bad(TUN " encap udp keepalive 3601", "invalid keepalive \"3601\"");
	bad(TUN " encap udp keepalive", "keepalive");
	bad(TUN " keepalive 20", "\"keepalive\" needs \"encap udp\"");
	bad("tunnel set vpn0 encap none dport 4500", "\"dport\" needs \"encap udp\"");
	bad(TUN " probe 10.1", "invalid probe address \"10.1\"");
	bad(TUN " probe", "missing value after \"probe\"");
	bad(TUN " probe-interval 100", "\"probe-interval\" needs \"probe ADDR\"");
	bad("tunnel set vpn0 probe none probe-misses 2",
	    "\"probe-misses\" needs \"probe ADDR\"");
	bad(TUN " probe fd00::2 probe-interval 5", "invalid probe interval \"5\"");
	bad(TUN " probe fd00::2 probe-interval 30001", "invalid probe interval \"30001\"");
	bad(TUN " probe fd00::2 probe-misses 0", "invalid probe misses \"0\"");
	bad(TUN " probe fd00::2 probe-misses 256", "invalid probe misses \"256\"");
	bad("tunnel set vpn0", "nothing to change");
	bad("tunnel add", "missing tunnel name");
	bad("tunnel add abcdefghijklmnop local 192.0.2.1 remote 192.0.2.2",
	    "invalid tunnel name \"abcdefghijklmnop\"");
	bad("tunnel add a/b local 192.0.2.1 remote 192.0.2.2",
	    "invalid tunnel name \"a/b\"");
	bad("tunnel add '' local 192.0.2.1 remote 192.0.2.2",
	    "invalid tunnel name \"\"");
	bad("tunnel del vpn0 now", "unexpected \"now\"");
	bad("tunnel frob", "unknown tunnel command \"frob\"");
}

static void test_sa(void)
{
	const struct s2s_sa *sa = &req.sa;

	if (good(SA_OUT " aead " GCM " " KEY20 " 128"))
		tap_ok(req.op == S2S_OP_SA_ADD && sa->dir == S2S_DIR_OUT &&
		       sa->spi == 0x1000 && !strcmp(sa->aead_alg, "rfc4106(gcm(aes))") &&
		       sa->aead_key.len == 20 && sa->icv_bits == 128 &&
		       sa->aead_key.bytes[19] == 0x2b &&
		       !(sa->set & (S2S_SA_HAS_ENC | S2S_SA_HAS_AUTH |
				    S2S_SA_HAS_REPLAY)),
		       "sa add: AES-GCM-128 with an ip xfrm key");
	if (good("sa add vpn0 dir in spi 4096 aead " GCM " " KEY36 " 64"))
		tap_ok(sa->dir == S2S_DIR_IN && sa->spi == 4096 &&
		       sa->aead_key.len == 36 && sa->icv_bits == 64,
		       "sa add: AES-GCM-256, ICV 64");
	good(SA_OUT " aead " GCM " " KEY28 " 96");
	good("sa add vpn0 spi 0x1000 aead \"rfc4106(gcm(aes))\" " KEY20 " 128 dir out");
	if (good(SA_OUT " enc 'cbc(aes)' " KEY32 " auth 'hmac(sha256)' " KEY32))
		tap_ok(!strcmp(sa->enc_alg, "cbc(aes)") && sa->enc_key.len == 32 &&
		       !strcmp(sa->auth_alg, "hmac(sha256)") &&
		       sa->auth_key.len == 32 && sa->trunc_bits == 128,
		       "sa add: AES-256-CBC/HMAC-SHA-256 truncated to 128 (RFC 4868)");
	if (good(SA_OUT " enc 'cbc(aes)' " KEY16 " auth 'hmac(sha1)' 0x" H8 H8 "01020304"))
		tap_ok(sa->trunc_bits == 96 && sa->auth_key.len == 20,
		       "HMAC-SHA1 truncated to 96 (RFC 2404)");
	if (good(SA_OUT " enc 'cbc(aes)' " KEY24 " auth 'hmac(sha384)' " KEY32 H8 H8))
		tap_ok(sa->trunc_bits == 192 && sa->enc_key.len == 24,
		       "HMAC-SHA384 truncated to 192, AES-192");
	if (good(SA_OUT " enc 'cbc(aes)' " KEY32 " auth 'hmac(sha512)' " KEY32 H8 H8 H8 H8))
		tap_ok(sa->trunc_bits == 256, "HMAC-SHA512 truncated to 256");
	if (good(SA_OUT " auth-trunc 'hmac(sha256)' " KEY32 " 96 enc 'cbc(aes)' " KEY16))
		tap_ok(sa->trunc_bits == 96, "auth-trunc before enc, 96 bits");
	if (good(SA_OUT " enc aes " KEY16 " auth sha256 " KEY32))
		tap_ok(!strcmp(sa->enc_alg, "cbc(aes)") &&
		       !strcmp(sa->auth_alg, "hmac(sha256)"),
		       "ip xfrm short names map to crypto API names");
	if (good(SA_OUT " aead " GCM " " KEY20 " 128 replay-window 0 esn"))
		tap_ok(sa->esn && (sa->set & S2S_SA_HAS_REPLAY) && !sa->replay_window,
		       "replay-window 0 and esn");
	if (good(SA_OUT " aead " GCM " " KEY20 " 128 seq 0xfffffff0"))
		tap_ok((sa->set & S2S_SA_HAS_SEQ) && sa->seq == 0xfffffff0,
		       "seq sets the initial sequence number");
	good(SA_OUT " aead " GCM " " KEY20 " 128 replay-window 32");
	if (good(SA_OUT " aead " GCM " " KEY20 " 128 replay-window 4096 "
		 "soft-bytes 0x100000 hard-bytes 2097152 soft-packets 100 "
		 "hard-packets 200 soft-seconds 3000 hard-seconds 3600"))
		tap_ok(sa->replay_window == 4096 &&
		       sa->lifetime[S2S_LT_SOFT_BYTES] == 0x100000 &&
		       sa->lifetime[S2S_LT_HARD_BYTES] == 2097152 &&
		       sa->lifetime[S2S_LT_HARD_SECONDS] == 3600 &&
		       (sa->set & S2S_SA_HAS_LIFETIME(S2S_LT_SOFT_PACKETS)),
		       "lifetimes");
	good(SA_OUT " aead " GCM " " KEY20 " 128 soft-bytes 100 hard-bytes 0");
	if (good("sa del vpn0 dir in spi 0x2000"))
		tap_ok(req.op == S2S_OP_SA_DEL && sa->spi == 0x2000 &&
		       sa->set == (S2S_SA_HAS_DIR | S2S_SA_HAS_SPI), "sa del");
	if (good("sa show"))
		tap_ok(req.op == S2S_OP_SA_SHOW && !sa->ifname[0], "sa show");
	if (good("sa show vpn0"))
		tap_ok(!strcmp(sa->ifname, "vpn0"), "sa show NAME");

	bad("sa add vpn0 dir out spi 0xzz aead " GCM " " KEY20 " 128",
	    "invalid SPI \"0xzz\"");
	bad("sa add vpn0 dir out spi 0 aead " GCM " " KEY20 " 128",
	    "invalid SPI \"0\"");
	bad("sa add vpn0 dir out spi 255 aead " GCM " " KEY20 " 128",
	    "invalid SPI \"255\": 0 to 255 are reserved");
	good("sa add vpn0 dir out spi 256 aead " GCM " " KEY20 " 128");
	bad("sa add vpn0 dir out spi 0x100000000 aead " GCM " " KEY20 " 128",
	    "invalid SPI \"0x100000000\": out of range");
	bad("sa add vpn0 dir out spi -1", "invalid SPI \"-1\"");
	bad("sa add vpn0 spi 0x1000 aead " GCM " " KEY20 " 128", "missing \"dir\"");
	bad("sa add vpn0 dir out aead " GCM " " KEY20 " 128", "missing \"spi\"");
	bad("sa add vpn0 dir both spi 1", "invalid dir \"both\"");
	bad(SA_OUT " aead 'gcm(aes)' " KEY20 " 128",
	    "unsupported aead algorithm \"gcm(aes)\"");
	bad(SA_OUT " aead " GCM " " KEY16 " 128", "16 bytes, expected 20, 28 or 36");
	bad(SA_OUT " aead " GCM " " KEY32 " 128", "32 bytes");
	bad(SA_OUT " aead " GCM " secretpassword 128", "expected 0x followed by");
	bad(SA_OUT " aead " GCM " 0x123 128", "invalid aead key");
	bad(SA_OUT " aead " GCM " " KEY20 " 100", "invalid ICV length \"100\"");
	bad(SA_OUT " aead " GCM " " KEY20 " 0x80x", "invalid ICV length \"0x80x\"");
	bad(SA_OUT " aead " GCM " " KEY20, "missing ICV length");
	bad(SA_OUT " aead " GCM, "missing value after \"aead\"");
	bad(SA_OUT " aead", "missing value after \"aead\"");
	bad(SA_OUT " enc 'cbc(aes)' " KEY16, "\"enc\" needs \"auth\"");
	bad(SA_OUT " auth 'hmac(sha1)' " KEY16, "\"auth\" needs \"enc\"");
	bad(SA_OUT " aead " GCM " " KEY20 " 128 enc 'cbc(aes)' " KEY16,
	    "\"aead\" excludes");
	bad(SA_OUT, "missing algorithm");
	bad(SA_OUT " enc 'cbc(aes)' " KEY20 " auth 'hmac(sha1)' " KEY16,
	    "invalid enc key for \"cbc(aes)\": 20 bytes, expected 16, 24 or 32");
	bad(SA_OUT " enc 'cbc(des)' " KEY16 " auth 'hmac(sha1)' " KEY16,
	    "unsupported enc algorithm \"cbc(des)\"");
	bad(SA_OUT " enc 'cbc(aes)' " KEY16 " auth 'hmac(md5)' " KEY16,
	    "unsupported auth algorithm \"hmac(md5)\"");
	bad(SA_OUT " enc 'cbc(aes)' " KEY16 " auth-trunc 'hmac(sha256)' " KEY32 " 100",
	    "invalid truncation length \"100\"");
	bad(SA_OUT " enc 'cbc(aes)' " KEY16 " auth-trunc 'hmac(sha256)' " KEY32 " 264",
	    "invalid truncation length \"264\"");
	bad(SA_OUT " enc 'cbc(aes)' " KEY16 " auth-trunc 'hmac(sha256)' " KEY32,
	    "missing truncation length");
	bad(SA_OUT " enc 'cbc(aes)' " KEY16 " auth 'hmac(sha1)' " KEY16
	    " auth-trunc 'hmac(sha1)' " KEY16 " 96", "\"auth-trunc\" given twice");
	bad(SA_OUT " aead " GCM " " KEY20 " 128 replay-window 16",
	    "invalid replay window \"16\"");
	bad(SA_OUT " aead " GCM " " KEY20 " 128 replay-window 4097",
	    "invalid replay window \"4097\"");
	bad(SA_OUT " aead " GCM " " KEY20 " 128 replay-window -1",
	    "invalid replay window \"-1\"");
	bad(SA_OUT " aead " GCM " " KEY20 " 128 soft-bytes 2000 hard-bytes 1000",
	    "soft-bytes 2000 is above hard-bytes 1000");
	bad(SA_OUT " aead " GCM " " KEY20 " 128 hard-seconds 1x",
	    "invalid hard-seconds \"1x\"");
	bad(SA_OUT " aead " GCM " " KEY20 " 128 esn esn", "\"esn\" given twice");
	bad(SA_OUT " aead " GCM " " KEY20 " 128 lifetime 5", "unknown keyword \"lifetime\"");
	bad("sa del vpn0 dir in spi 0x1000 aead x", "unknown keyword \"aead\"");
	bad("sa del vpn0 dir in", "missing \"spi\"");
	bad("sa show vpn0 extra", "unexpected \"extra\"");

	/* keys are secrets: never echoed in an error */
	parse(SA_OUT " aead " GCM " 0xsecret 128");
	tap_ok(!strstr(err, "secret"), "a bad key is not echoed in the error");
}

static void test_segment(void)
{
	const struct s2s_segment *seg = &req.segment;

	if (good("segment add prod mark 0x30"))
		tap_ok(req.op == S2S_OP_SEGMENT_ADD && !strcmp(seg->name, "prod") &&
		       seg->mark == 0x30 && seg->mask == 0xffffffff, "segment add");
	if (good("segment add dev mark 0x10/0xf0"))
		tap_ok(seg->mask == 0xf0, "segment add with mask");
	good("segment add abcdefghijklmnopqrstuvwxyz01234 mark 1");
	if (good("segment del prod"))
		tap_ok(req.op == S2S_OP_SEGMENT_DEL && !strcmp(seg->name, "prod"),
		       "segment del");
	if (good("segment show"))
		tap_ok(req.op == S2S_OP_SEGMENT_SHOW && !seg->name[0], "segment show");
	good("segment show prod");

	bad("segment add prod", "missing \"mark\"");
	bad("segment add prod mark 0xg", "invalid mark \"0xg\"");
	bad("segment add abcdefghijklmnopqrstuvwxyz012345 mark 1",
	    "invalid segment name \"abcdefghijklmnopqrstuvwxyz012345\"");
	bad("segment add 'a b' mark 1", "invalid segment name \"a b\"");
	bad("segment add prod mark 1 mark 2", "\"mark\" given twice");
	bad("segment del", "missing segment name");
}

static void test_selector(void)
{
	const struct s2s_selector *sel = &req.selector;

	if (good(SEL))
		tap_ok(req.op == S2S_OP_SELECTOR_ADD && sel->dir == S2S_DIR_OUT &&
		       sel->src.plen == 24 && sel->dst.plen == 16 &&
		       sel->action == S2S_SEL_PROTECT && !sel->proto &&
		       !(sel->set & (S2S_SEL_HAS_PRIORITY | S2S_SEL_HAS_PROTO)),
		       "selector add: protect by default");
	if (good(SEL " proto tcp dport 443 sport 1024-65535 segment prod "
		 "action bypass priority 10"))
		tap_ok(sel->proto == IPPROTO_TCP && sel->dport_min == 443 &&
		       sel->dport_max == 443 && sel->sport_min == 1024 &&
		       sel->sport_max == 65535 && !strcmp(sel->segment, "prod") &&
		       sel->action == S2S_SEL_BYPASS && sel->priority == 10,
		       "selector add: every keyword");
	if (good(SEL " proto 47 action discard"))
		tap_ok(sel->proto == 47 && sel->action == S2S_SEL_DISCARD,
		       "numeric protocol");
	if (good("selector add vpn0 dir in src 2001:db8:1::/48 dst ::/0 proto icmpv6"))
		tap_ok(sel->dir == S2S_DIR_IN && sel->proto == IPPROTO_ICMPV6 &&
		       sel->dst.plen == 0, "IPv6 selector with icmpv6");
	if (good(SEL " proto udp dport 500"))
		tap_ok(sel->proto == IPPROTO_UDP, "udp");
	good(SEL " proto icmp");
	if (good("selector del vpn0 id 5"))
		tap_ok(req.op == S2S_OP_SELECTOR_DEL && sel->id == 5 &&
		       sel->set == S2S_SEL_HAS_ID, "selector del");
	good("selector show");
	if (good("selector show vpn0"))
		tap_ok(req.op == S2S_OP_SELECTOR_SHOW && !strcmp(sel->ifname, "vpn0"),
		       "selector show NAME");

	bad("selector add vpn0 dir out dst 10.1.0.0/16", "missing \"src\"");
	bad("selector add vpn0 dir out src 10.0.0.0/24", "missing \"dst\"");
	bad("selector add vpn0 src 10.0.0.0/24 dst 10.1.0.0/16", "missing \"dir\"");
	bad("selector add vpn0 dir out src 10.0.0.1/8 dst 10.1.0.0/16",
	    "invalid src prefix \"10.0.0.1/8\": address has bits set");
	bad("selector add vpn0 dir out src 10.0.0.0/33 dst 10.1.0.0/16",
	    "invalid src prefix \"10.0.0.0/33\"");
	bad("selector add vpn0 dir out src 10.0.0.0/24 dst 2001:db8::/32",
	    "dst \"2001:db8::/32\" is IPv6 but src \"10.0.0.0/24\" is IPv4");
	bad(SEL " dport 443", "\"dport\" needs proto tcp, udp");
	bad(SEL " proto icmp sport 1", "\"sport\" needs proto");
	bad(SEL " proto tcp dport 2000-1000", "invalid dport \"2000-1000\"");
	bad(SEL " proto tcp dport 70000", "invalid dport \"70000\"");
	bad(SEL " proto foo", "invalid proto \"foo\"");
	bad(SEL " proto 256", "invalid proto \"256\"");
	bad("selector add vpn0 dir in src 2001:db8::/32 dst ::/0 proto icmp",
	    "use \"icmpv6\"");
	bad(SEL " proto icmpv6", "use \"icmp\"");
	bad(SEL " action allow", "invalid action \"allow\"");
	bad(SEL " priority high", "invalid priority \"high\"");
	bad(SEL " segment abcdefghijklmnopqrstuvwxyz012345", "invalid segment name");
	if (good(SEL " proto icmp type 8 code 0"))
		tap_ok(sel->proto == IPPROTO_ICMP && sel->sport_min == 8 &&
		       sel->sport_max == 8 && sel->dport_min == 0 &&
		       sel->dport_max == 0 && (sel->set & S2S_SEL_HAS_SPORT) &&
		       (sel->set & S2S_SEL_HAS_DPORT),
		       "ICMP type and code travel as sport and dport");
	if (good("selector add vpn0 dir in src 2001:db8::/32 dst ::/0 "
		 "proto icmpv6 type 128-129"))
		tap_ok(sel->sport_min == 128 && sel->sport_max == 129 &&
		       !(sel->set & S2S_SEL_HAS_DPORT), "ICMPv6 type range");
	if (good(SEL " priority 65535"))
		tap_ok(sel->priority == S2S_SEL_PRIORITY_MAX, "the highest priority");
	if (good(SEL " proto sctp dport 2905"))
		tap_ok(sel->proto == IPPROTO_SCTP, "sctp takes ports");
	bad(SEL " priority 65536", "invalid priority \"65536\": out of range (maximum 65535)");
	bad(SEL " proto icmp type 256", "invalid type \"256\": ICMP types are 0 to 255");
	bad(SEL " proto icmp code 0-300", "invalid code \"0-300\"");
	bad(SEL " proto tcp type 8", "\"type\" needs proto icmp (IPv4) or icmpv6 (IPv6)");
	bad(SEL " code 1", "\"code\" needs proto icmp");
	bad(SEL " proto icmp type 8 type 9", "\"type\" given twice");
	bad("selector del vpn0", "missing \"id\"");
	bad("selector del vpn0 id x", "invalid selector ID \"x\"");
}

static void test_commands(void)
{
	if (good("version"))
		tap_ok(req.op == S2S_OP_VERSION, "version");
	if (good("monitor"))
		tap_ok(req.op == S2S_OP_MONITOR, "monitor");
	if (good("help"))
		tap_ok(req.op == S2S_OP_HELP && !req.help_object, "help");
	if (good("help sa"))
		tap_ok(req.op == S2S_OP_HELP && !strcmp(req.help_object, "sa"),
		       "help OBJECT");
	if (good("selector help"))
		tap_ok(req.op == S2S_OP_HELP && !strcmp(req.help_object, "selector"),
		       "OBJECT help");
	bad("version now", "unexpected \"now\"");
	bad("monitor all", "unexpected \"all\"");
	bad("frobnicate", "unknown command \"frobnicate\"");
	bad("help foo", "no help for \"foo\"");
	bad("", "missing command");
	tap_ok(!strcmp(s2s_op_name(S2S_OP_SA_ADD), "sa add"), "op names");
	tap_ok(strstr(s2s_usage(NULL), "selector add") &&
	       strstr(s2s_usage(NULL), "--batch") &&
	       strstr(s2s_usage("sa"), "auth-trunc"), "usage text");
}

/*
 * The limits and algorithm rules of uapi/linux/s2svpn.h, which the module
 * applies too: the tool must take exactly what the kernel takes.
 */
static void test_uapi_rules(void)
{
	static const struct {
		const char *alg;
		unsigned int bits;
		bool ok;
	} icv[] = {
		{ "'hmac(sha1)' " KEY16, 96, true },
		{ "'hmac(sha1)' " KEY16, 64, false },
		{ "'hmac(sha1)' " KEY16, 128, false },
		{ "'hmac(sha256)' " KEY32, 128, true },
		{ "'hmac(sha256)' " KEY32, 96, true },
		{ "'hmac(sha256)' " KEY32, 64, false },
		{ "'hmac(sha256)' " KEY32, 160, false },
		{ "'hmac(sha256)' " KEY32, 256, false },
		{ "'hmac(sha384)' " KEY32, 192, true },
		{ "'hmac(sha384)' " KEY32, 128, false },
		{ "'hmac(sha512)' " KEY32, 256, true },
		{ "'hmac(sha512)' " KEY32, 192, false },
	};
	char line[256], what[128], word[16];

	for (size_t i = 0; i < sizeof(icv) / sizeof(icv[0]); i++) {
		snprintf(line, sizeof(line),
			 SA_OUT " enc 'cbc(aes)' " KEY16 " auth-trunc %s %u",
			 icv[i].alg, icv[i].bits);
		snprintf(what, sizeof(what), "auth-trunc %.16s %u %s",
			 icv[i].alg, icv[i].bits, icv[i].ok ? "taken" : "refused");
		snprintf(word, sizeof(word), "\"%u\"", icv[i].bits);
		tap_ok(parse(line) == icv[i].ok &&
		       (icv[i].ok || strstr(err, word)), "%s", what);
	}
	good(SA_OUT " aead " GCM " " KEY20 " 64");
	good(SA_OUT " aead " GCM " " KEY20 " 96");
	bad(SA_OUT " aead " GCM " " KEY20 " 32",
	    "invalid ICV length \"32\" for \"rfc4106(gcm(aes))\": expected 64, 96 or 128 bits");
	bad(SA_OUT " aead " GCM " " KEY20 " 192", "invalid ICV length \"192\"");
	bad(SA_OUT " enc 'cbc(aes)' " KEY16 " auth-trunc 'hmac(sha256)' " KEY32 " 64",
	    "invalid truncation length \"64\" for \"hmac(sha256)\": expected 96 or 128 bits");
	if (good(SA_OUT " enc 'cbc(aes)' " KEY16 " auth 'hmac(sha256)' " KEY32))
		tap_ok(req.sa.trunc_bits == S2S_SHA256_ICV_DEFAULT,
		       "auth hmac(sha256): RFC 4868's 128 bits");

	/* MTU: S2S_MTU_MIN..S2S_MTU_MAX, or 0 */
	good(TUN " mtu 65422");
	good(TUN " mtu 68");
	bad(TUN " mtu 65423", "invalid MTU \"65423\"");
	bad(TUN " mtu 67", "invalid MTU \"67\": 0 (automatic) or 68 to 65422");

	/* segment names: S2S_SEGMENT_NAME_SIZE - 1 characters at most */
	tap_ok(S2S_SEGMENT_NAME_SIZE == 32, "segment names: 31 characters and the NUL");
	good("segment add abcdefghijklmnopqrstuvwxyz01234 mark 1");
	bad("segment add abcdefghijklmnopqrstuvwxyz012345 mark 1",
	    "(1 to 31 printable characters");

	/* replay window and SPI bounds */
	good(SA_OUT " aead " GCM " " KEY20 " 128 replay-window 4096");
	good(SA_OUT " aead " GCM " " KEY20 " 128 replay-window 32");
	good(SA_OUT " aead " GCM " " KEY20 " 128 replay-window 0");
	bad(SA_OUT " aead " GCM " " KEY20 " 128 replay-window 31",
	    "invalid replay window \"31\": 0 (off) or 32 to 4096 packets");
	bad("sa add vpn0 dir out spi 255 aead " GCM " " KEY20 " 128",
	    "invalid SPI \"255\": 0 to 255 are reserved");
	good("sa add vpn0 dir out spi 256 aead " GCM " " KEY20 " 128");
}

void test_parse(void)
{
	test_numbers();
	test_addresses();
	test_prefixes();
	test_keys();
	test_ports_marks();
	test_tunnel();
	test_sa();
	test_segment();
	test_selector();
	test_commands();
	test_uapi_rules();
}
