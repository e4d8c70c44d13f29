// SPDX-License-Identifier: GPL-2.0-only
/*
 * Command-line grammar of s2sctl (see README and PRODUCT.md).
 *
 * Each object + verb has one parse function that fills the request; the
 * checks here are the ones a user benefits from before the kernel is asked
 * (the kernel validates everything again).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/s2svpn.h>

#include "names.h"
#include "parse.h"

struct parser {
	int argc;
	char *const *argv;
	int i;
	char *err;
	size_t errlen;
};

static int fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *take(struct parser *p)
{
	return p->i < p->argc ? p->argv[p->i++] : NULL;
}

static int take_value(struct parser *p, const char *keyword, const char **value)
{
	*value = take(p);
	if (!*value)
		return fail(p, "missing value after \"%s\"", keyword);
	return 0;
}

/*
 * Looks @word up in a NULL-terminated keyword list and returns its index;
 * unknown and repeated keywords are errors.
 */
static int keyword_index(struct parser *p, const char *const *keywords,
			 const char *word, unsigned int *seen)
{
	for (int k = 0; keywords[k]; k++) {
		if (strcmp(keywords[k], word))
			continue;
		if (*seen & (1u << k))
			return fail(p, "\"%s\" given twice", word);
		*seen |= 1u << k;
		return k;
	}
	return fail(p, "unknown keyword \"%s\"", word);
}

/* Primitive parsers */

int s2s_parse_uint(const char *s, uint64_t max, uint64_t *value)
{
	const char *digits = s;
	unsigned long long v;
	char *end;
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		digits = s + 2;
	}
	/* strtoull would accept a sign and leading blanks: refuse them */
	if (base == 16 ? !isxdigit((unsigned char)*digits) :
			 !isdigit((unsigned char)*digits))
		return -EINVAL;
	errno = 0;
	v = strtoull(digits, &end, base);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*value = v;
	return 0;
}

int s2s_parse_addr(const char *s, struct s2s_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (inet_pton(AF_INET, s, &addr->v4) == 1) {
		addr->family = AF_INET;
		addr->plen = 32;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &addr->v6) == 1) {
		addr->family = AF_INET6;
		addr->plen = 128;
		return 0;
	}
	return -EINVAL;
}

int s2s_parse_prefix(const char *s, struct s2s_addr *addr)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	unsigned int full, i;
	uint64_t plen;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	if (slash)
		buf[slash - s] = '\0';
	if (s2s_parse_addr(buf, addr))
		return -EINVAL;
	if (!slash)
		return 0;

	full = addr->plen;
	if (s2s_parse_uint(slash + 1, 255, &plen))
		return -EINVAL;
	if (plen > full)
		return -ERANGE;
	addr->plen = plen;
	for (i = plen; i < full; i++)
		if (addr->bytes[i / 8] & (0x80 >> (i % 8)))
			return -EDOM;
	return 0;
}

int s2s_parse_key(const char *s, struct s2s_key *key)
{
	size_t n, i;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -EINVAL;
	s += 2;
	n = strlen(s);
	if (!n || n % 2)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return -EINVAL;
	if (n / 2 > S2S_KEY_MAX)
		return -E2BIG;
	key->len = n / 2;
	/* every digit is checked above, so each pair converts */
	for (i = 0; i < key->len; i++)
		sscanf(s + 2 * i, "%2hhx", &key->bytes[i]);
	return 0;
}

int s2s_parse_port_range(const char *s, uint16_t *min, uint16_t *max)
{
	char buf[32];
	const char *dash = strchr(s, '-');
	uint64_t lo, hi;
	int err;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	if (dash)
		buf[dash - s] = '\0';
	err = s2s_parse_uint(buf, UINT16_MAX, &lo);
	if (err)
		return err;
	hi = lo;
	if (dash) {
		err = s2s_parse_uint(dash + 1, UINT16_MAX, &hi);
		if (err)
			return err;
		if (lo > hi)
			return -EDOM;
	}
	*min = lo;
	*max = hi;
	return 0;
}

int s2s_parse_mark(const char *s, uint32_t *mark, uint32_t *mask)
{
	char buf[32];
	const char *slash = strchr(s, '/');
	uint64_t m, k = UINT32_MAX;
	int err;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	if (slash)
		buf[slash - s] = '\0';
	err = s2s_parse_uint(buf, UINT32_MAX, &m);
	if (!err && slash)
		err = s2s_parse_uint(slash + 1, UINT32_MAX, &k);
	if (err)
		return err;
	*mark = m;
	*mask = k;
	return 0;
}

/* Values with a name in the error message */

static int number(struct parser *p, const char *what, const char *word,
		  uint64_t max, uint64_t *value)
{
	int err = s2s_parse_uint(word, max, value);

	if (err == -ERANGE)
		return fail(p, "invalid %s \"%s\": out of range (maximum %" PRIu64 ")",
			    what, word, max);
	if (err)
		return fail(p, "invalid %s \"%s\": expected a decimal or 0x hex number",
			    what, word);
	return 0;
}

static int take_number(struct parser *p, const char *keyword, const char *what,
		       uint64_t max, uint64_t *value)
{
	const char *word;

	if (take_value(p, keyword, &word))
		return -1;
	return number(p, what, word, max, value);
}

static int take_enum(struct parser *p, const char *keyword,
		     const struct s2s_name *table, const char *expected,
		     uint8_t *value)
{
	const char *word;
	unsigned int v;

	if (take_value(p, keyword, &word))
		return -1;
	if (!s2s_value_of(table, word, &v))
		return fail(p, "invalid %s \"%s\" (expected %s)", keyword, word,
			    expected);
	*value = v;
	return 0;
}

static int take_addr(struct parser *p, const char *keyword,
		     struct s2s_addr *addr, const char **word)
{
	if (take_value(p, keyword, word))
		return -1;
	if (s2s_parse_addr(*word, addr))
		return fail(p, "invalid %s address \"%s\"", keyword, *word);
	return 0;
}

static int take_prefix(struct parser *p, const char *keyword,
		       struct s2s_addr *addr, const char **word)
{
	int err;

	if (take_value(p, keyword, word))
		return -1;
	err = s2s_parse_prefix(*word, addr);
	if (err == -ERANGE)
		return fail(p, "invalid %s prefix \"%s\": prefix length too long",
			    keyword, *word);
	if (err == -EDOM)
		return fail(p, "invalid %s prefix \"%s\": address has bits set beyond the prefix length",
			    keyword, *word);
	if (err)
		return fail(p, "invalid %s prefix \"%s\"", keyword, *word);
	return 0;
}

static int take_mark(struct parser *p, const char *keyword, uint32_t *mark,
		     uint32_t *mask)
{
	const char *word;

	if (take_value(p, keyword, &word))
		return -1;
	if (s2s_parse_mark(word, mark, mask))
		return fail(p, "invalid %s \"%s\": expected MARK[/MASK], each a 32-bit number",
			    keyword, word);
	return 0;
}

static int take_port(struct parser *p, const char *keyword, uint16_t *port)
{
	uint64_t v;

	if (take_number(p, keyword, keyword, UINT16_MAX, &v))
		return -1;
	if (!v)
		return fail(p, "invalid %s \"0\": port 0 cannot be used", keyword);
	*port = v;
	return 0;
}

static int take_port_range(struct parser *p, const char *keyword,
			   uint16_t *min, uint16_t *max)
{
	const char *word;
	int err;

	if (take_value(p, keyword, &word))
		return -1;
	err = s2s_parse_port_range(word, min, max);
	if (err == -EDOM)
		return fail(p, "invalid %s \"%s\": first port above last port",
			    keyword, word);
	if (err)
		return fail(p, "invalid %s \"%s\": expected PORT or PORT-PORT, 0 to 65535",
			    keyword, word);
	return 0;
}

/* Names: the kernel's dev_valid_name() rules for interfaces. */
static int take_ifname(struct parser *p, const char *cmd, char *ifname)
{
	const char *word = take(p);
	size_t len;

	if (!word)
		return fail(p, "%s: missing tunnel name", cmd);
	len = strlen(word);
	if (!len || len >= IFNAMSIZ || !strcmp(word, ".") || !strcmp(word, ".."))
		goto invalid;
	for (const char *c = word; *c; c++)
		if (*c == '/' || *c == ':' || isspace((unsigned char)*c))
			goto invalid;
	strcpy(ifname, word);
	return 0;
invalid:
	return fail(p, "invalid tunnel name \"%s\" (1 to %d characters, no '/', ':' or blanks)",
		    word, IFNAMSIZ - 1);
}

static int check_segment_name(struct parser *p, const char *word, char *name)
{
	size_t len = strlen(word);

	if (!len || len >= S2S_SEGMENT_NAME_SIZE)
		goto invalid;
	for (const char *c = word; *c; c++)
		if (!isgraph((unsigned char)*c))
			goto invalid;
	strcpy(name, word);
	return 0;
invalid:
	return fail(p, "invalid segment name \"%s\" (1 to %d printable characters, no blanks)",
		    word, S2S_SEGMENT_NAME_SIZE - 1);
}

static int take_segment_name(struct parser *p, const char *cmd, char *name)
{
	const char *word = take(p);

	if (!word)
		return fail(p, "%s: missing segment name", cmd);
	return check_segment_name(p, word, name);
}

static int no_more_words(struct parser *p)
{
	const char *word = take(p);

	if (word)
		return fail(p, "unexpected \"%s\"", word);
	return 0;
}

static const char *family_name(const struct s2s_addr *a)
{
	return a->family == AF_INET ? "IPv4" : "IPv6";
}

static int same_family(struct parser *p, const char *kw1, const char *word1,
		       const struct s2s_addr *a1, const char *kw2,
		       const char *word2, const struct s2s_addr *a2)
{
	if (a1->family == a2->family)
		return 0;
	return fail(p, "%s \"%s\" is %s but %s \"%s\" is %s: they must be the same family",
		    kw2, word2, family_name(a2), kw1, word1, family_name(a1));
}

/* tunnel */

enum {
	TK_LOCAL, TK_REMOTE, TK_MODE, TK_MARK, TK_MTU, TK_ENCAP, TK_SPORT,
	TK_DPORT, TK_KEEPALIVE, TK_IF_ID,
	TK_PROBE, TK_PROBE_INTERVAL, TK_PROBE_MISSES,
};
static const char *const tunnel_keywords[] = {
	"local", "remote", "mode", "mark", "mtu", "encap", "sport", "dport",
	"keepalive", "if-id", "probe", "probe-interval", "probe-misses", NULL,
};

/* probe ADDR|none, probe-interval MS, probe-misses N */
static int parse_tunnel_probe(struct parser *p, struct s2s_tunnel *t, int k,
			      const char *word)
{
	const char *value;
	uint64_t v;

	switch (k) {
	case TK_PROBE:
		if (take_value(p, word, &value))
			return -1;
		if (strcmp(value, "none")) {
			p->i--;
			if (take_addr(p, word, &t->probe, &value))
				return -1;
		}
		t->set |= S2S_TUNNEL_HAS_PROBE;
		return 0;
	case TK_PROBE_INTERVAL:
		if (take_number(p, word, "probe interval", S2S_PROBE_INTERVAL_MAX, &v))
			return -1;
		if (v < S2S_PROBE_INTERVAL_MIN)
			return fail(p, "invalid probe interval \"%s\": %d to %d ms",
				    p->argv[p->i - 1], S2S_PROBE_INTERVAL_MIN,
				    S2S_PROBE_INTERVAL_MAX);
		t->probe_interval = v;
		t->set |= S2S_TUNNEL_HAS_PROBE_INTERVAL;
		return 0;
	default:
		if (take_number(p, word, "probe misses", S2S_PROBE_MISSES_MAX, &v))
			return -1;
		if (v < S2S_PROBE_MISSES_MIN)
			return fail(p, "invalid probe misses \"%s\": %d to %d",
				    p->argv[p->i - 1], S2S_PROBE_MISSES_MIN,
				    S2S_PROBE_MISSES_MAX);
		t->probe_misses = v;
		t->set |= S2S_TUNNEL_HAS_PROBE_MISSES;
		return 0;
	}
}

static int parse_tunnel(struct parser *p, struct s2s_tunnel *t, bool add)
{
	const char *cmd = add ? "tunnel add" : "tunnel set";
	const char *local_word = NULL, *remote_word = NULL, *word;
	unsigned int seen = 0;
	uint64_t v;

	if (take_ifname(p, cmd, t->ifname))
		return -1;
	while ((word = take(p))) {
		int k = keyword_index(p, tunnel_keywords, word, &seen);

		switch (k) {
		case TK_LOCAL:
			if (take_addr(p, word, &t->local, &local_word))
				return -1;
			t->set |= S2S_TUNNEL_HAS_LOCAL;
			break;
		case TK_REMOTE:
			if (take_addr(p, word, &t->remote, &remote_word))
				return -1;
			t->set |= S2S_TUNNEL_HAS_REMOTE;
			break;
		case TK_MODE:
			if (take_enum(p, word, s2s_mode_names, "route or policy",
				      &t->mode))
				return -1;
			t->set |= S2S_TUNNEL_HAS_MODE;
			break;
		case TK_MARK:
			if (take_mark(p, word, &t->mark, &t->mask))
				return -1;
			t->set |= S2S_TUNNEL_HAS_MARK;
			break;
		case TK_MTU:
			if (take_number(p, word, "MTU", S2S_MTU_MAX, &v))
				return -1;
			if (v && v < S2S_MTU_MIN)
				return fail(p, "invalid MTU \"%s\": 0 (automatic) or %d to %d",
					    p->argv[p->i - 1], S2S_MTU_MIN,
					    S2S_MTU_MAX);
			t->mtu = v;
			t->set |= S2S_TUNNEL_HAS_MTU;
			break;
		case TK_ENCAP:
			if (take_enum(p, word, s2s_encap_names, "udp or none",
				      &t->encap))
				return -1;
			t->set |= S2S_TUNNEL_HAS_ENCAP;
			break;
		case TK_SPORT:
			if (take_port(p, word, &t->sport))
				return -1;
			t->set |= S2S_TUNNEL_HAS_SPORT;
			break;
		case TK_DPORT:
			if (take_port(p, word, &t->dport))
				return -1;
			t->set |= S2S_TUNNEL_HAS_DPORT;
			break;
		case TK_KEEPALIVE:
			if (take_number(p, word, "keepalive", S2S_KEEPALIVE_MAX,
					&v))
				return -1;
			t->keepalive = v;
			t->set |= S2S_TUNNEL_HAS_KEEPALIVE;
			break;
		case TK_IF_ID:
			if (take_number(p, word, "if-id", UINT32_MAX, &v))
				return -1;
			t->if_id = v;
			t->set |= S2S_TUNNEL_HAS_IF_ID;
			break;
		case TK_PROBE:
		case TK_PROBE_INTERVAL:
		case TK_PROBE_MISSES:
			if (parse_tunnel_probe(p, t, k, word))
				return -1;
			break;
		default:
			return -1;
		}
	}
	if ((t->set & (S2S_TUNNEL_HAS_PROBE_INTERVAL | S2S_TUNNEL_HAS_PROBE_MISSES)) &&
	    (t->set & S2S_TUNNEL_HAS_PROBE ? !t->probe.family : add))
		return fail(p, "\"%s\" needs \"probe ADDR\"",
			    t->set & S2S_TUNNEL_HAS_PROBE_INTERVAL ?
			    "probe-interval" : "probe-misses");

	if (add && !(t->set & S2S_TUNNEL_HAS_LOCAL))
		return fail(p, "%s: missing \"local\"", cmd);
	if (add && !(t->set & S2S_TUNNEL_HAS_REMOTE))
		return fail(p, "%s: missing \"remote\"", cmd);
	if (!t->set)
		return fail(p, "%s: nothing to change", cmd);
	if (local_word && remote_word &&
	    same_family(p, "local", local_word, &t->local, "remote",
			remote_word, &t->remote))
		return -1;

	if (t->set & (S2S_TUNNEL_HAS_SPORT | S2S_TUNNEL_HAS_DPORT |
		      S2S_TUNNEL_HAS_KEEPALIVE)) {
		const char *kw = t->set & S2S_TUNNEL_HAS_SPORT ? "sport" :
				 t->set & S2S_TUNNEL_HAS_DPORT ? "dport" :
				 "keepalive";

		/* set may change the ports of a tunnel that already has udp */
		if (t->set & S2S_TUNNEL_HAS_ENCAP ? t->encap != S2S_ENCAP_UDP : add)
			return fail(p, "\"%s\" needs \"encap udp\"", kw);
	}
	if ((t->set & S2S_TUNNEL_HAS_ENCAP) && t->encap == S2S_ENCAP_UDP) {
		if (!(t->set & S2S_TUNNEL_HAS_SPORT))
			t->sport = S2S_DEFAULT_UDP_PORT;
		if (!(t->set & S2S_TUNNEL_HAS_DPORT))
			t->dport = S2S_DEFAULT_UDP_PORT;
		t->set |= S2S_TUNNEL_HAS_SPORT | S2S_TUNNEL_HAS_DPORT;
	}
	if (add && !(t->set & S2S_TUNNEL_HAS_MODE)) {
		t->mode = S2S_MODE_ROUTE;
		t->set |= S2S_TUNNEL_HAS_MODE;
	}
	return 0;
}

static int parse_tunnel_add(struct parser *p, struct s2s_request *req)
{
	return parse_tunnel(p, &req->tunnel, true);
}

static int parse_tunnel_set(struct parser *p, struct s2s_request *req)
{
	return parse_tunnel(p, &req->tunnel, false);
}

static int parse_tunnel_del(struct parser *p, struct s2s_request *req)
{
	if (take_ifname(p, "tunnel del", req->tunnel.ifname))
		return -1;
	return no_more_words(p);
}

/* "show [NAME]": an optional tunnel name */
static int parse_show_tunnel(struct parser *p, char *ifname)
{
	if (p->i < p->argc && take_ifname(p, "show", ifname))
		return -1;
	return no_more_words(p);
}

static int parse_tunnel_show(struct parser *p, struct s2s_request *req)
{
	return parse_show_tunnel(p, req->tunnel.ifname);
}

/* sa */

struct alg_desc {
	const char *name;		/* kernel crypto API name */
	const char *alias;		/* ip xfrm's short name, or NULL */
	unsigned int keylens[3];	/* bytes; none listed: any length */
	unsigned int icv_set;		/* S2S_ICV_SET() of the ICV lengths */
	unsigned int icv_default;	/* bits */
};

/* The uapi's algorithm rules, which the module applies too. */
static const struct alg_desc aead_algs[] = {
	/* key || 4-byte salt (RFC 4106 section 8.1) */
	{ S2S_ALG_GCM_AES, NULL, { 20, 28, 36 }, S2S_GCM_ICV_BITS,
	  S2S_GCM_ICV_DEFAULT },
	{ .name = NULL },
};

static const struct alg_desc enc_algs[] = {
	{ S2S_ALG_CBC_AES, "aes", { 16, 24, 32 }, 0, 0 },
	{ .name = NULL },
};

static const struct alg_desc auth_algs[] = {
	{ S2S_ALG_HMAC_SHA1, "sha1", { 0 }, S2S_SHA1_ICV_BITS,
	  S2S_SHA1_ICV_DEFAULT },
	{ S2S_ALG_HMAC_SHA256, "sha256", { 0 }, S2S_SHA256_ICV_BITS,
	  S2S_SHA256_ICV_DEFAULT },
	{ S2S_ALG_HMAC_SHA384, "sha384", { 0 }, S2S_SHA384_ICV_BITS,
	  S2S_SHA384_ICV_DEFAULT },
	{ S2S_ALG_HMAC_SHA512, "sha512", { 0 }, S2S_SHA512_ICV_BITS,
	  S2S_SHA512_ICV_DEFAULT },
	{ .name = NULL },
};

/* "16, 24 or 32" */
static const char *list_values(const unsigned int *values, size_t n,
			       char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%u",
				 !i ? "" : i == n - 1 ? " or " : ", ", values[i]);
	return buf;
}

static size_t count_values(const unsigned int *values)
{
	size_t n = 0;

	while (n < 3 && values[n])
		n++;
	return n;
}

static bool listed(const unsigned int *values, unsigned int v)
{
	for (int i = 0; i < 3 && values[i]; i++)
		if (values[i] == v)
			return true;
	return false;
}

/* "96 or 128": the ICV lengths of an S2S_ICV_SET() set */
static const char *list_icv_bits(unsigned int set, char *buf, size_t len)
{
	unsigned int bits[8];
	size_t n = 0;

	for (unsigned int b = 32; b <= 256 && n < 8; b += 32)
		if (S2S_ICV_ALLOWED(set, b))
			bits[n++] = b;
	return list_values(bits, n, buf, len);
}

static const struct alg_desc *find_alg(const struct alg_desc *algs,
				       const char *name)
{
	for (; algs->name; algs++)
		if (!strcmp(algs->name, name) ||
		    (algs->alias && !strcmp(algs->alias, name)))
			return algs;
	return NULL;
}

static int take_alg(struct parser *p, const char *keyword,
		    const struct alg_desc *algs, const struct alg_desc **alg)
{
	char supported[160] = "";
	size_t used = 0;
	const char *word;

	if (take_value(p, keyword, &word))
		return -1;
	*alg = find_alg(algs, word);
	if (*alg)
		return 0;
	for (const struct alg_desc *a = algs; a->name; a++)
		used += snprintf(supported + used, sizeof(supported) - used,
				 "%s%s", a == algs ? "" : ", ", a->name);
	return fail(p, "unsupported %s algorithm \"%s\" (supported: %s)",
		    keyword, word, supported);
}

/* Keys are secrets: error messages name the keyword, never the key. */
static int take_key(struct parser *p, const char *keyword,
		    const struct alg_desc *alg, struct s2s_key *key)
{
	char lens[32];
	const char *word;
	int err;

	if (take_value(p, keyword, &word))
		return -1;
	err = s2s_parse_key(word, key);
	if (err == -E2BIG)
		return fail(p, "invalid %s key for \"%s\": longer than %d bytes",
			    keyword, alg->name, S2S_KEY_MAX);
	if (err)
		return fail(p, "invalid %s key for \"%s\": expected 0x followed by an even number of hex digits, as ip xfrm writes keys",
			    keyword, alg->name);
	if (alg->keylens[0] && !listed(alg->keylens, key->len))
		return fail(p, "invalid %s key for \"%s\": %u byte%s, expected %s%s",
			    keyword, alg->name, key->len, key->len == 1 ? "" : "s",
			    list_values(alg->keylens, count_values(alg->keylens),
					lens, sizeof(lens)),
			    alg == aead_algs ? " (key plus 4-byte salt)" : "");
	return 0;
}

static int take_dir(struct parser *p, const char *keyword, uint8_t *dir)
{
	return take_enum(p, keyword, s2s_dir_names, "in or out", dir);
}

static int take_spi(struct parser *p, const char *keyword, uint32_t *spi)
{
	uint64_t v;

	if (take_number(p, keyword, "SPI", UINT32_MAX, &v))
		return -1;
	if (v < S2S_SPI_MIN)
		return fail(p, "invalid SPI \"%s\": 0 to %d are reserved (RFC 4303)",
			    p->argv[p->i - 1], S2S_SPI_MIN - 1);
	*spi = v;
	return 0;
}

/* The number after an algorithm's key: ICV_BITS or the truncation. */
static int take_bits(struct parser *p, const char *keyword, const char *what,
		     uint32_t *bits)
{
	const char *word = take(p);
	uint64_t v;

	if (!word)
		return fail(p, "missing %s after the \"%s\" key", what, keyword);
	if (number(p, what, word, UINT32_MAX, &v))
		return -1;
	*bits = v;
	return 0;
}

static int take_aead(struct parser *p, const char *keyword, struct s2s_sa *sa)
{
	const struct alg_desc *alg;
	char bits[32];

	if (take_alg(p, keyword, aead_algs, &alg) ||
	    take_key(p, keyword, alg, &sa->aead_key) ||
	    take_bits(p, keyword, "ICV length", &sa->icv_bits))
		return -1;
	if (!S2S_ICV_ALLOWED(alg->icv_set, sa->icv_bits))
		return fail(p, "invalid ICV length \"%s\" for \"%s\": expected %s bits",
			    p->argv[p->i - 1], alg->name,
			    list_icv_bits(alg->icv_set, bits, sizeof(bits)));
	strcpy(sa->aead_alg, alg->name);
	sa->set |= S2S_SA_HAS_AEAD;
	return 0;
}

static int take_enc(struct parser *p, const char *keyword, struct s2s_sa *sa)
{
	const struct alg_desc *alg;

	if (take_alg(p, keyword, enc_algs, &alg) ||
	    take_key(p, keyword, alg, &sa->enc_key))
		return -1;
	strcpy(sa->enc_alg, alg->name);
	sa->set |= S2S_SA_HAS_ENC;
	return 0;
}

/* "auth ALG KEY" or "auth-trunc ALG KEY BITS" */
static int take_auth(struct parser *p, const char *keyword, bool trunc,
		     struct s2s_sa *sa)
{
	const struct alg_desc *alg;

	if (sa->set & S2S_SA_HAS_AUTH)
		return fail(p, "\"%s\" given twice (\"auth\" and \"auth-trunc\" exclude each other)",
			    keyword);
	if (take_alg(p, keyword, auth_algs, &alg) ||
	    take_key(p, keyword, alg, &sa->auth_key))
		return -1;
	sa->trunc_bits = alg->icv_default;
	if (trunc) {
		char bits[32];

		if (take_bits(p, keyword, "truncation length", &sa->trunc_bits))
			return -1;
		if (!S2S_ICV_ALLOWED(alg->icv_set, sa->trunc_bits))
			return fail(p, "invalid truncation length \"%s\" for \"%s\": expected %s bits",
				    p->argv[p->i - 1], alg->name,
				    list_icv_bits(alg->icv_set, bits,
						  sizeof(bits)));
	}
	strcpy(sa->auth_alg, alg->name);
	sa->set |= S2S_SA_HAS_AUTH;
	return 0;
}

enum {
	SK_DIR, SK_SPI, SK_AEAD, SK_ENC, SK_AUTH, SK_AUTH_TRUNC,
	SK_REPLAY_WINDOW, SK_ESN, SK_SEQ, SK_LIFETIME0,
};
static const char *const sa_keywords[] = {
	"dir", "spi", "aead", "enc", "auth", "auth-trunc", "replay-window",
	"esn", "seq", "soft-bytes", "hard-bytes", "soft-packets", "hard-packets",
	"soft-seconds", "hard-seconds", NULL,
};

static int parse_sa_word(struct parser *p, const char *word, unsigned int *seen,
			 struct s2s_sa *sa)
{
	int k = keyword_index(p, sa_keywords, word, seen);
	uint64_t v;

	switch (k) {
	case -1:
		return -1;
	case SK_DIR:
		sa->set |= S2S_SA_HAS_DIR;
		return take_dir(p, word, &sa->dir);
	case SK_SPI:
		sa->set |= S2S_SA_HAS_SPI;
		return take_spi(p, word, &sa->spi);
	case SK_AEAD:
		return take_aead(p, word, sa);
	case SK_ENC:
		return take_enc(p, word, sa);
	case SK_AUTH:
	case SK_AUTH_TRUNC:
		return take_auth(p, word, k == SK_AUTH_TRUNC, sa);
	case SK_REPLAY_WINDOW:
		if (take_number(p, word, "replay window", UINT32_MAX, &v))
			return -1;
		if (v && (v < S2S_REPLAY_WINDOW_MIN || v > S2S_REPLAY_WINDOW_MAX))
			return fail(p, "invalid replay window \"%s\": 0 (off) or %d to %d packets",
				    p->argv[p->i - 1], S2S_REPLAY_WINDOW_MIN,
				    S2S_REPLAY_WINDOW_MAX);
		sa->replay_window = v;
		sa->set |= S2S_SA_HAS_REPLAY;
		return 0;
	case SK_ESN:
		sa->esn = true;
		return 0;
	case SK_SEQ:
		if (take_number(p, word, "sequence number", UINT64_MAX, &sa->seq))
			return -1;
		sa->set |= S2S_SA_HAS_SEQ;
		return 0;
	default:
		k -= SK_LIFETIME0;
		if (take_number(p, word, word, UINT64_MAX, &sa->lifetime[k]))
			return -1;
		sa->set |= S2S_SA_HAS_LIFETIME(k);
		return 0;
	}
}

static int check_sa_id(struct parser *p, const char *cmd, const struct s2s_sa *sa)
{
	if (!(sa->set & S2S_SA_HAS_DIR))
		return fail(p, "%s: missing \"dir\"", cmd);
	if (!(sa->set & S2S_SA_HAS_SPI))
		return fail(p, "%s: missing \"spi\"", cmd);
	return 0;
}

static int check_sa_algorithms(struct parser *p, const struct s2s_sa *sa)
{
	bool aead = sa->set & S2S_SA_HAS_AEAD;
	bool enc = sa->set & S2S_SA_HAS_ENC;
	bool auth = sa->set & S2S_SA_HAS_AUTH;

	if (aead && (enc || auth))
		return fail(p, "\"aead\" excludes \"enc\" and \"auth\"");
	if (!aead && !enc && !auth)
		return fail(p, "sa add: missing algorithm (\"aead ALG KEY ICV_BITS\" or \"enc ALG KEY auth ALG KEY\")");
	if (enc && !auth)
		return fail(p, "\"enc\" needs \"auth\" or \"auth-trunc\" (ESP without integrity is not supported)");
	if (auth && !enc)
		return fail(p, "\"auth\" needs \"enc\" (ESP with null encryption is not supported)");
	return 0;
}

static int check_sa_lifetimes(struct parser *p, const struct s2s_sa *sa)
{
	for (int soft = 0; soft < S2S_LT_COUNT; soft += 2) {
		int hard = soft + 1;

		if (sa->lifetime[soft] && sa->lifetime[hard] &&
		    sa->lifetime[soft] > sa->lifetime[hard])
			return fail(p, "%s %" PRIu64 " is above %s %" PRIu64,
				    s2s_lifetime_keywords[soft], sa->lifetime[soft],
				    s2s_lifetime_keywords[hard], sa->lifetime[hard]);
	}
	return 0;
}

static int parse_sa_add(struct parser *p, struct s2s_request *req)
{
	struct s2s_sa *sa = &req->sa;
	unsigned int seen = 0;
	const char *word;

	if (take_ifname(p, "sa add", sa->ifname))
		return -1;
	while ((word = take(p)))
		if (parse_sa_word(p, word, &seen, sa))
			return -1;
	if (check_sa_id(p, "sa add", sa) || check_sa_algorithms(p, sa) ||
	    check_sa_lifetimes(p, sa))
		return -1;
	return 0;
}

enum { DK_DIR, DK_SPI };
static const char *const sa_del_keywords[] = { "dir", "spi", NULL };

static int parse_sa_del(struct parser *p, struct s2s_request *req)
{
	struct s2s_sa *sa = &req->sa;
	unsigned int seen = 0;
	const char *word;

	if (take_ifname(p, "sa del", sa->ifname))
		return -1;
	while ((word = take(p))) {
		switch (keyword_index(p, sa_del_keywords, word, &seen)) {
		case DK_DIR:
			if (take_dir(p, word, &sa->dir))
				return -1;
			sa->set |= S2S_SA_HAS_DIR;
			break;
		case DK_SPI:
			if (take_spi(p, word, &sa->spi))
				return -1;
			sa->set |= S2S_SA_HAS_SPI;
			break;
		default:
			return -1;
		}
	}
	return check_sa_id(p, "sa del", sa);
}

static int parse_sa_show(struct parser *p, struct s2s_request *req)
{
	return parse_show_tunnel(p, req->sa.ifname);
}

/* segment */

static int parse_segment_add(struct parser *p, struct s2s_request *req)
{
	static const char *const keywords[] = { "mark", NULL };
	struct s2s_segment *seg = &req->segment;
	unsigned int seen = 0;
	const char *word;

	if (take_segment_name(p, "segment add", seg->name))
		return -1;
	while ((word = take(p))) {
		if (keyword_index(p, keywords, word, &seen) < 0 ||
		    take_mark(p, word, &seg->mark, &seg->mask))
			return -1;
	}
	if (!seen)
		return fail(p, "segment add: missing \"mark\"");
	return 0;
}

static int parse_segment_del(struct parser *p, struct s2s_request *req)
{
	if (take_segment_name(p, "segment del", req->segment.name))
		return -1;
	return no_more_words(p);
}

static int parse_segment_show(struct parser *p, struct s2s_request *req)
{
	if (p->i < p->argc &&
	    take_segment_name(p, "segment show", req->segment.name))
		return -1;
	return no_more_words(p);
}

/* selector */

static int take_proto(struct parser *p, const char *keyword, uint8_t *proto)
{
	const char *word;
	unsigned int v;
	uint64_t n;

	if (take_value(p, keyword, &word))
		return -1;
	if (s2s_value_of(s2s_proto_names, word, &v)) {
		*proto = v;
		return 0;
	}
	if (s2s_parse_uint(word, UINT8_MAX, &n))
		return fail(p, "invalid proto \"%s\" (expected tcp, udp, icmp, icmpv6, sctp, any or a number 0 to 255)",
			    word);
	*proto = n;
	return 0;
}

enum {
	LK_DIR, LK_SRC, LK_DST, LK_PROTO, LK_SPORT, LK_DPORT, LK_SEGMENT,
	LK_ACTION, LK_PRIORITY, LK_TYPE, LK_CODE,
};
static const char *const selector_keywords[] = {
	"dir", "src", "dst", "proto", "sport", "dport", "segment", "action",
	"priority", "type", "code", NULL,
};

/* The kernel's rules (kmod/selector_core.h) */
static bool proto_has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP || proto == IPPROTO_UDPLITE;
}

static bool proto_is_icmp(uint8_t proto, uint8_t family)
{
	return (proto == IPPROTO_ICMP && family == AF_INET) ||
	       (proto == IPPROTO_ICMPV6 && family == AF_INET6);
}

#define ICMP_MAX 255	/* ICMP type and code are one byte each */

/* ICMP type or code: a range of 0..255, kept in the port fields (RFC 4301) */
static int take_icmp_range(struct parser *p, const char *keyword,
			   uint16_t *min, uint16_t *max)
{
	if (take_port_range(p, keyword, min, max))
		return -1;
	if (*max > ICMP_MAX)
		return fail(p, "invalid %s \"%s\": ICMP %ss are 0 to %d", keyword,
			    p->argv[p->i - 1], keyword, ICMP_MAX);
	return 0;
}

static int parse_selector_word(struct parser *p, const char *word,
			       unsigned int *seen, struct s2s_selector *sel,
			       const char **src_word, const char **dst_word)
{
	uint64_t v;

	switch (keyword_index(p, selector_keywords, word, seen)) {
	case LK_DIR:
		sel->set |= S2S_SEL_HAS_DIR;
		return take_dir(p, word, &sel->dir);
	case LK_SRC:
		sel->set |= S2S_SEL_HAS_SRC;
		return take_prefix(p, word, &sel->src, src_word);
	case LK_DST:
		sel->set |= S2S_SEL_HAS_DST;
		return take_prefix(p, word, &sel->dst, dst_word);
	case LK_PROTO:
		sel->set |= S2S_SEL_HAS_PROTO;
		return take_proto(p, word, &sel->proto);
	case LK_SPORT:
		sel->set |= S2S_SEL_HAS_SPORT;
		return take_port_range(p, word, &sel->sport_min, &sel->sport_max);
	case LK_DPORT:
		sel->set |= S2S_SEL_HAS_DPORT;
		return take_port_range(p, word, &sel->dport_min, &sel->dport_max);
	case LK_SEGMENT:
		sel->set |= S2S_SEL_HAS_SEGMENT;
		if (take_value(p, word, &word))
			return -1;
		return check_segment_name(p, word, sel->segment);
	case LK_ACTION:
		sel->set |= S2S_SEL_HAS_ACTION;
		return take_enum(p, word, s2s_action_names,
				 "protect, bypass or discard", &sel->action);
	case LK_TYPE:
		sel->set |= S2S_SEL_HAS_SPORT;
		return take_icmp_range(p, word, &sel->sport_min, &sel->sport_max);
	case LK_CODE:
		sel->set |= S2S_SEL_HAS_DPORT;
		return take_icmp_range(p, word, &sel->dport_min, &sel->dport_max);
	case LK_PRIORITY:
		if (take_number(p, word, "priority", S2S_SEL_PRIORITY_MAX, &v))
			return -1;
		sel->priority = v;
		sel->set |= S2S_SEL_HAS_PRIORITY;
		return 0;
	default:
		return -1;
	}
}

static int check_selector(struct parser *p, struct s2s_selector *sel,
			  unsigned int seen, const char *src_word,
			  const char *dst_word)
{
	bool icmp = proto_is_icmp(sel->proto, sel->src.family);

	if (!(sel->set & S2S_SEL_HAS_DIR))
		return fail(p, "selector add: missing \"dir\"");
	if (!(sel->set & S2S_SEL_HAS_SRC))
		return fail(p, "selector add: missing \"src\"");
	if (!(sel->set & S2S_SEL_HAS_DST))
		return fail(p, "selector add: missing \"dst\"");
	if (same_family(p, "src", src_word, &sel->src, "dst", dst_word, &sel->dst))
		return -1;
	if (seen & (1u << LK_SPORT | 1u << LK_DPORT) &&
	    !proto_has_ports(sel->proto))
		return fail(p, "\"%s\" needs proto tcp, udp, sctp or udplite",
			    seen & 1u << LK_SPORT ? "sport" : "dport");
	if (seen & (1u << LK_TYPE | 1u << LK_CODE) && !icmp)
		return fail(p, "\"%s\" needs proto icmp (IPv4) or icmpv6 (IPv6)",
			    seen & 1u << LK_TYPE ? "type" : "code");
	if (sel->proto == IPPROTO_ICMP && sel->src.family == AF_INET6)
		return fail(p, "proto \"icmp\" with IPv6 prefixes never matches: use \"icmpv6\"");
	if (sel->proto == IPPROTO_ICMPV6 && sel->src.family == AF_INET)
		return fail(p, "proto \"icmpv6\" with IPv4 prefixes never matches: use \"icmp\"");
	if (!(sel->set & S2S_SEL_HAS_ACTION)) {
		sel->action = S2S_SEL_PROTECT;
		sel->set |= S2S_SEL_HAS_ACTION;
	}
	return 0;
}

static int parse_selector_add(struct parser *p, struct s2s_request *req)
{
	struct s2s_selector *sel = &req->selector;
	const char *src_word = NULL, *dst_word = NULL, *word;
	unsigned int seen = 0;

	if (take_ifname(p, "selector add", sel->ifname))
		return -1;
	while ((word = take(p)))
		if (parse_selector_word(p, word, &seen, sel, &src_word, &dst_word))
			return -1;
	return check_selector(p, sel, seen, src_word, dst_word);
}

static int parse_selector_del(struct parser *p, struct s2s_request *req)
{
	static const char *const keywords[] = { "id", NULL };
	struct s2s_selector *sel = &req->selector;
	unsigned int seen = 0;
	const char *word;
	uint64_t v;

	if (take_ifname(p, "selector del", sel->ifname))
		return -1;
	while ((word = take(p))) {
		if (keyword_index(p, keywords, word, &seen) < 0 ||
		    take_number(p, word, "selector ID", UINT32_MAX, &v))
			return -1;
		sel->id = v;
		sel->set |= S2S_SEL_HAS_ID;
	}
	if (!seen)
		return fail(p, "selector del: missing \"id\"");
	return 0;
}

static int parse_selector_show(struct parser *p, struct s2s_request *req)
{
	return parse_show_tunnel(p, req->selector.ifname);
}

/* commands without objects */

static int parse_no_args(struct parser *p, struct s2s_request *req)
{
	(void)req;
	return no_more_words(p);
}

/* The objects, for "s2sctl help OBJECT" and "s2sctl OBJECT help" */
static const char *find_object(const char *word)
{
	static const char *const objects[] = {
		"tunnel", "sa", "segment", "selector", NULL,
	};

	for (int i = 0; objects[i]; i++)
		if (!strcmp(word, objects[i]))
			return objects[i];
	return NULL;
}

static int parse_help(struct parser *p, struct s2s_request *req)
{
	const char *word = take(p);

	if (word) {
		req->help_object = find_object(word);
		if (!req->help_object)
			return fail(p, "no help for \"%s\"", word);
	}
	return no_more_words(p);
}

/* The table of commands */

struct command {
	const char *object;
	const char *verb;		/* NULL: the object is the command */
	const char *name;
	enum s2s_op op;
	int (*parse)(struct parser *p, struct s2s_request *req);
};

static const struct command commands[] = {
	{ "help", NULL, "help", S2S_OP_HELP, parse_help },
	{ "version", NULL, "version", S2S_OP_VERSION, parse_no_args },
	{ "monitor", NULL, "monitor", S2S_OP_MONITOR, parse_no_args },
	{ "tunnel", "add", "tunnel add", S2S_OP_TUNNEL_ADD, parse_tunnel_add },
	{ "tunnel", "set", "tunnel set", S2S_OP_TUNNEL_SET, parse_tunnel_set },
	{ "tunnel", "del", "tunnel del", S2S_OP_TUNNEL_DEL, parse_tunnel_del },
	{ "tunnel", "show", "tunnel show", S2S_OP_TUNNEL_SHOW, parse_tunnel_show },
	{ "sa", "add", "sa add", S2S_OP_SA_ADD, parse_sa_add },
	{ "sa", "del", "sa del", S2S_OP_SA_DEL, parse_sa_del },
	{ "sa", "show", "sa show", S2S_OP_SA_SHOW, parse_sa_show },
	{ "segment", "add", "segment add", S2S_OP_SEGMENT_ADD, parse_segment_add },
	{ "segment", "del", "segment del", S2S_OP_SEGMENT_DEL, parse_segment_del },
	{ "segment", "show", "segment show", S2S_OP_SEGMENT_SHOW, parse_segment_show },
	{ "selector", "add", "selector add", S2S_OP_SELECTOR_ADD, parse_selector_add },
	{ "selector", "del", "selector del", S2S_OP_SELECTOR_DEL, parse_selector_del },
	{ "selector", "show", "selector show", S2S_OP_SELECTOR_SHOW, parse_selector_show },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* iproute2's spellings of the same verbs */
static const char *canonical_verb(const char *verb)
{
	static const char *const aliases[][2] = {
		{ "list", "show" }, { "ls", "show" }, { "delete", "del" },
		{ "change", "set" },
	};

	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (!strcmp(verb, aliases[i][0]))
			return aliases[i][1];
	return verb;
}

static const struct command *find_command(struct parser *p)
{
	const char *object = take(p), *verb;

	if (!object) {
		fail(p, "missing command (try \"s2sctl help\")");
		return NULL;
	}
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!commands[i].verb && !strcmp(commands[i].object, object))
			return &commands[i];
	if (!find_object(object)) {
		fail(p, "unknown command \"%s\" (try \"s2sctl help\")", object);
		return NULL;
	}

	verb = take(p);
	if (!verb)
		verb = "show";	/* "s2sctl tunnel" lists tunnels, as ip does */
	verb = canonical_verb(verb);
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (commands[i].verb && !strcmp(commands[i].object, object) &&
		    !strcmp(commands[i].verb, verb))
			return &commands[i];
	fail(p, "unknown %s command \"%s\" (try \"s2sctl %s help\")", object,
	     p->argv[p->i - 1], object);
	return NULL;
}

int s2s_parse_command(int argc, char *const argv[], struct s2s_request *req,
		      char *err, size_t errlen)
{
	struct parser p = { .argc = argc, .argv = argv, .err = err, .errlen = errlen };
	const struct command *cmd;

	memset(req, 0, sizeof(*req));
	err[0] = '\0';
	/* "s2sctl tunnel help" is "s2sctl help tunnel" */
	if (argc >= 2 && !strcmp(argv[1], "help") && find_object(argv[0])) {
		req->op = S2S_OP_HELP;
		req->help_object = find_object(argv[0]);
		p.i = 2;
		return no_more_words(&p);
	}
	cmd = find_command(&p);
	if (!cmd)
		return -1;
	req->op = cmd->op;
	return cmd->parse(&p, req);
}

const char *s2s_op_name(enum s2s_op op)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (commands[i].op == op)
			return commands[i].name;
	return "?";
}

/* Usage, one block per object; "s2sctl help" prints them all. */

static const char usage_tunnel[] =
"  s2sctl tunnel add NAME local ADDR remote ADDR [mode route|policy]\n"
"                    [mark MARK[/MASK]] [mtu N]\n"
"                    [encap udp [sport PORT] [dport PORT] [keepalive SECONDS]]\n"
"                    [if-id N] [probe ADDR [probe-interval MS] [probe-misses N]]\n"
"  s2sctl tunnel set NAME [local ADDR] [remote ADDR] [mode route|policy]\n"
"                    [mark MARK[/MASK]] [mtu N] [encap udp|none] [sport PORT]\n"
"                    [dport PORT] [keepalive SECONDS] [if-id N]\n"
"                    [probe ADDR|none] [probe-interval MS] [probe-misses N]\n"
"  s2sctl tunnel del NAME\n"
"  s2sctl tunnel show [NAME]\n"
"      ADDR: IPv4 or IPv6, local and remote of one family.  MASK defaults\n"
"      to 0xffffffff; mtu 0 derives the MTU from the underlay; encap udp\n"
"      ports default to 4500, NAT keepalives to every 20 s (0: none);\n"
"      if-id N carries the SAs an IKE daemon installs through XFRM with\n"
"      interface ID N (0: none).  probe: ICMP echo to the peer's inside\n"
"      ADDR every MS (10 to 30000, default 1000) ms; the peer is dead, and\n"
"      the tunnel without carrier, after N (1 to 255, default 3) intervals\n"
"      without authenticated traffic from it.\n";

static const char usage_sa[] =
"  s2sctl sa add NAME dir in|out spi SPI ALGO [replay-window N] [esn] [seq N]\n"
"                [soft-bytes N] [hard-bytes N] [soft-packets N] [hard-packets N]\n"
"                [soft-seconds N] [hard-seconds N]\n"
"      ALGO := aead 'rfc4106(gcm(aes))' KEY ICV_BITS\n"
"            | enc 'cbc(aes)' KEY auth 'hmac(sha1|sha256|sha384|sha512)' KEY\n"
"            | enc 'cbc(aes)' KEY auth-trunc 'hmac(...)' KEY TRUNC_BITS\n"
"  s2sctl sa del NAME dir in|out spi SPI\n"
"  s2sctl sa show [NAME]\n"
"      KEY is 0x followed by hex digits, as ip xfrm writes it; for\n"
"      rfc4106 it ends with the 4-byte salt (20, 28 or 36 bytes).\n"
"      ICV_BITS: 64, 96 or 128.  cbc(aes) keys: 16, 24 or 32 bytes.\n"
"      auth truncates per RFC 2404/4868 (sha1 96, sha256 128, sha384 192,\n"
"      sha512 256); auth-trunc takes those or, for sha256, 96 (legacy\n"
"      ip xfrm peers).  replay-window: 0 (off) or 32..4096, default 1024.\n"
"      Lifetime limits of 0 mean none.\n";

static const char usage_segment[] =
"  s2sctl segment add SEGMENT mark MARK[/MASK]\n"
"  s2sctl segment del SEGMENT\n"
"  s2sctl segment show [SEGMENT]\n";

static const char usage_selector[] =
"  s2sctl selector add NAME dir in|out src PREFIX dst PREFIX\n"
"                      [proto tcp|udp|icmp|icmpv6|sctp|NUM] [sport PORT[-PORT]]\n"
"                      [dport PORT[-PORT]] [type T[-T]] [code C[-C]]\n"
"                      [segment SEGMENT] [action protect|bypass|discard]\n"
"                      [priority N]\n"
"  s2sctl selector del NAME id ID\n"
"  s2sctl selector show [NAME]\n"
"      PREFIX: ADDR[/PLEN], src and dst of one family, no bit set beyond\n"
"      PLEN.  sport/dport need tcp, udp, sctp or udplite; type/code (0 to\n"
"      255) need icmp or icmpv6.  action defaults to protect.  priority:\n"
"      0 to 65535, default 1000.  Selectors are tried lowest priority\n"
"      first, then most specific first (longer dst, longer src prefix,\n"
"      protocol, narrower dport, sport ranges, segment), then lowest ID;\n"
"      show lists them in that order.  add prints the new ID.\n";

static const char usage_all_head[] =
"Usage: s2sctl [OPTIONS] OBJECT COMMAND [ARGS]\n"
"       s2sctl [OPTIONS] -b FILE\n"
"       s2sctl [OPTIONS] [show]\n"
"\n"
"Options:\n"
"  -j, --json          machine output: one JSON document\n"
"  -o, --output FMT    text, json (as -j) or prometheus (with show)\n"
"  -n, --netns NAME    run in network namespace NAME (/run/netns/NAME)\n"
"  -b, --batch FILE    run the commands in FILE (\"-\": stdin), one a line,\n"
"                      all or nothing\n"
"  -h, --help          this text\n"
"  -V, --version       the tool's version\n"
"\n"
"Commands:\n"
"  s2sctl [show]       every tunnel at a glance: state, SPIs, rates, drops\n"
"  s2sctl version      tool and module versions\n"
"  s2sctl monitor      print events (SA expiry, rekey, sequence wrap, tunnel state)\n"
"  s2sctl help [OBJECT]\n";

static const char usage_all_tail[] =
"\n"
"Numbers are decimal or 0x hex.  show/list/ls, del/delete and set/change\n"
"are synonyms.  Exit status: 0 success, 1 the kernel refused, 2 bad usage.\n";

const char *s2s_usage(const char *object)
{
	static char all[sizeof(usage_all_head) + sizeof(usage_tunnel) +
			sizeof(usage_sa) + sizeof(usage_segment) +
			sizeof(usage_selector) + sizeof(usage_all_tail)];

	if (!object) {
		snprintf(all, sizeof(all), "%s%s%s%s%s%s", usage_all_head,
			 usage_tunnel, usage_sa, usage_segment, usage_selector,
			 usage_all_tail);
		return all;
	}
	if (!strcmp(object, "tunnel"))
		return usage_tunnel;
	if (!strcmp(object, "sa"))
		return usage_sa;
	if (!strcmp(object, "segment"))
		return usage_segment;
	return usage_selector;
}
