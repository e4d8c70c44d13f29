// SPDX-License-Identifier: GPL-2.0-only
/*
 * espmangle - capture one ESP packet leaving an interface, and send
 * modified copies of it out of the same interface (hostile-input tests).
 *
 *   espmangle capture IFACE FILE [-t MS] [-s SPI] [-4|-6]
 *       Waits at most MS milliseconds (default 5000) for the next ESP
 *       packet (outer IPv4 protocol 50 or IPv6 next header 50) that
 *       IFACE sends, and writes the whole frame to FILE.  Prints one
 *       line "captured ..." describing it.  Exit 2 when none was seen.
 *
 *   espmangle send IFACE FILE MODE [ARG] [-n COUNT] [-i]
 *       Reads a frame written by capture, applies MODE and sends it
 *       COUNT times (default 1) out of IFACE.  -i: each copy carries the
 *       next sequence number (a flood of packets the replay window lets
 *       through to decryption).  Modes:
 *         replay          unchanged
 *         flip-icv        flip the lowest bit of the last byte (the ICV)
 *         truncate N      keep only N bytes of ESP (SPI onward), fixing
 *                         the outer length (and IPv4 checksum); N >= 8
 *         src ADDR        outer source address (same family)
 *         spi SPI         SPI (decimal or 0x hex)
 *         seq SEQ         sequence number (low 32 bits on the wire)
 *
 *   espmangle show FILE
 *       Prints the "captured ..." line for FILE.
 *
 * Exit status: 0 done, 1 usage or system error, 2 nothing captured.
 * Uses AF_PACKET; needs CAP_NET_RAW in the namespace of IFACE.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAX 65600
#define ETH_HLEN_ 14
#define IP4_HLEN_MIN 20
#define IP6_HLEN 40
#define ESP_HLEN 8
#define PROTO_ESP 50

struct frame {
	uint8_t buf[FRAME_MAX];
	size_t len;		/* whole frame, Ethernet header included */
	int family;		/* 4 or 6 */
	size_t l3;		/* offset of the IP header */
	size_t esp;		/* offset of the ESP header */
};

static const char *prog = "espmangle";

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: %s capture IFACE FILE [-t MS] [-s SPI] [-4|-6]\n"
		"       %s send IFACE FILE MODE [ARG] [-n COUNT] [-i]\n"
		"       %s show FILE\n"
		"MODE: replay | flip-icv | truncate N | src ADDR | spi SPI | seq SEQ\n",
		prog, prog, prog);
	exit(1);
}

static unsigned long long parse_num(const char *s, unsigned long long max,
				    const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end || *s == '-' || v > max)
		die("bad %s: '%s'", what, s);
	return v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

/*
 * Finds the ESP header of an Ethernet frame.  Only unfragmented IPv4
 * protocol 50 and IPv6 with next header 50 right after the fixed header.
 * Returns 0 when @f is such a packet.
 */
static int classify(struct frame *f)
{
	const uint8_t *p = f->buf;
	uint16_t type;

	if (f->len < ETH_HLEN_)
		return -1;
	type = get16(p + 12);
	f->l3 = ETH_HLEN_;
	p += ETH_HLEN_;
	if (type == ETH_P_IP) {
		size_t ihl, tot;

		if (f->len < f->l3 + IP4_HLEN_MIN || (p[0] >> 4) != 4)
			return -1;
		ihl = (size_t)(p[0] & 0xf) * 4;
		tot = get16(p + 2);
		if (ihl < IP4_HLEN_MIN || p[9] != PROTO_ESP)
			return -1;
		if (get16(p + 6) & 0x3fff)	/* MF or fragment offset */
			return -1;
		if (tot < ihl + ESP_HLEN || f->l3 + tot > f->len)
			return -1;
		f->len = f->l3 + tot;		/* drop Ethernet padding */
		f->family = 4;
		f->esp = f->l3 + ihl;
		return 0;
	}
	if (type == ETH_P_IPV6) {
		size_t plen;

		if (f->len < f->l3 + IP6_HLEN || (p[0] >> 4) != 6)
			return -1;
		plen = get16(p + 4);
		if (p[6] != PROTO_ESP || plen < ESP_HLEN ||
		    f->l3 + IP6_HLEN + plen > f->len)
			return -1;
		f->len = f->l3 + IP6_HLEN + plen;
		f->family = 6;
		f->esp = f->l3 + IP6_HLEN;
		return 0;
	}
	return -1;
}

static void ip4_fix_csum(struct frame *f)
{
	uint8_t *ip = f->buf + f->l3;
	size_t ihl = (size_t)(ip[0] & 0xf) * 4, i;
	uint32_t sum = 0;

	put16(ip + 10, 0);
	for (i = 0; i < ihl; i += 2)
		sum += get16(ip + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(ip + 10, (uint16_t)~sum);
}

/* Sets the outer length fields after f->len changed. */
static void fix_lengths(struct frame *f)
{
	uint8_t *ip = f->buf + f->l3;

	if (f->family == 4) {
		put16(ip + 2, (uint16_t)(f->len - f->l3));
		ip4_fix_csum(f);
	} else {
		put16(ip + 4, (uint16_t)(f->len - f->l3 - IP6_HLEN));
	}
}

static void describe(const struct frame *f)
{
	const uint8_t *ip = f->buf + f->l3;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];

	if (f->family == 4) {
		inet_ntop(AF_INET, ip + 12, src, sizeof(src));
		inet_ntop(AF_INET, ip + 16, dst, sizeof(dst));
	} else {
		inet_ntop(AF_INET6, ip + 8, src, sizeof(src));
		inet_ntop(AF_INET6, ip + 24, dst, sizeof(dst));
	}
	printf("captured ipv%d %s > %s spi 0x%08x seq %u esp_len %zu\n",
	       f->family, src, dst, get32(f->buf + f->esp),
	       get32(f->buf + f->esp + 4), f->len - f->esp);
	fflush(stdout);
}

static int open_packet(const char *ifname, int *ifindex)
{
	struct sockaddr_ll sll;
	int fd;

	*ifindex = (int)if_nametoindex(ifname);
	if (!*ifindex)
		die("no interface %s", ifname);
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0)
		die("socket(AF_PACKET): %s", strerror(errno));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = *ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("bind %s: %s", ifname, strerror(errno));
	return fd;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void write_file(const char *path, const struct frame *f)
{
	FILE *fp = fopen(path, "wb");

	if (!fp)
		die("%s: %s", path, strerror(errno));
	if (fwrite(f->buf, 1, f->len, fp) != f->len || fclose(fp))
		die("%s: write failed", path);
}

static void read_file(const char *path, struct frame *f)
{
	FILE *fp = fopen(path, "rb");

	if (!fp)
		die("%s: %s", path, strerror(errno));
	f->len = fread(f->buf, 1, sizeof(f->buf), fp);
	if (ferror(fp))
		die("%s: read failed", path);
	fclose(fp);
	if (classify(f))
		die("%s: not an ESP frame written by capture", path);
}

static int do_capture(int argc, char **argv)
{
	long long timeout = 5000, deadline;
	int want_family = 0, have_spi = 0, ifindex, fd, opt;
	uint32_t spi = 0;
	const char *ifname, *path;
	static struct frame f;

	if (argc < 3)
		usage();
	ifname = argv[1];
	path = argv[2];
	optind = 3;
	while ((opt = getopt(argc, argv, "t:s:46")) != -1) {
		switch (opt) {
		case 't':
			timeout = (long long)parse_num(optarg, 3600000, "timeout");
			break;
		case 's':
			spi = (uint32_t)parse_num(optarg, UINT32_MAX, "SPI");
			have_spi = 1;
			break;
		case '4':
			want_family = 4;
			break;
		case '6':
			want_family = 6;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	fd = open_packet(ifname, &ifindex);
	/* ready: a caller waiting for this line may now send traffic */
	fprintf(stderr, "%s: listening on %s\n", prog, ifname);
	deadline = now_ms() + timeout;
	for (;;) {
		struct sockaddr_ll from;
		socklen_t fromlen = sizeof(from);
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t n;
		int r;

		if (left <= 0)
			break;
		r = poll(&pfd, 1, (int)left);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		if (r == 0)
			break;
		n = recvfrom(fd, f.buf, sizeof(f.buf), MSG_TRUNC,
			     (struct sockaddr *)&from, &fromlen);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("recvfrom: %s", strerror(errno));
		}
		if ((size_t)n > sizeof(f.buf))
			continue;	/* cannot be one of ours */
		if (from.sll_pkttype != PACKET_OUTGOING ||
		    from.sll_ifindex != ifindex)
			continue;
		f.len = (size_t)n;
		if (classify(&f))
			continue;
		if (want_family && f.family != want_family)
			continue;
		if (have_spi && get32(f.buf + f.esp) != spi)
			continue;
		close(fd);
		write_file(path, &f);
		describe(&f);
		return 0;
	}
	close(fd);
	fprintf(stderr, "%s: no ESP packet left %s within %lld ms\n", prog,
		ifname, timeout);
	return 2;
}

static void set_src(struct frame *f, const char *addr)
{
	uint8_t *ip = f->buf + f->l3;

	if (f->family == 4) {
		if (inet_pton(AF_INET, addr, ip + 12) != 1)
			die("bad IPv4 address '%s'", addr);
		ip4_fix_csum(f);
	} else if (inet_pton(AF_INET6, addr, ip + 8) != 1) {
		die("bad IPv6 address '%s'", addr);
	}
}

static int do_send(int argc, char **argv)
{
	static struct frame f;
	struct sockaddr_ll sll;
	const char *ifname, *path, *mode, *arg = NULL;
	unsigned long count = 1, i;
	int ifindex, fd, opt, argi, incr = 0;
	uint32_t seq0;

	if (argc < 4)
		usage();
	ifname = argv[1];
	path = argv[2];
	mode = argv[3];
	argi = 4;
	if (!strcmp(mode, "truncate") || !strcmp(mode, "src") ||
	    !strcmp(mode, "spi") || !strcmp(mode, "seq")) {
		if (argc < 5)
			usage();
		arg = argv[4];
		argi = 5;
	} else if (strcmp(mode, "replay") && strcmp(mode, "flip-icv")) {
		fprintf(stderr, "%s: unknown mode '%s'\n", prog, mode);
		usage();
	}
	optind = argi;
	while ((opt = getopt(argc, argv, "n:i")) != -1) {
		if (opt == 'i') {
			incr = 1;
			continue;
		}
		if (opt != 'n')
			usage();
		count = (unsigned long)parse_num(optarg, 1000000, "count");
	}
	if (optind != argc)
		usage();

	read_file(path, &f);
	if (!strcmp(mode, "flip-icv")) {
		f.buf[f.len - 1] ^= 1;
	} else if (!strcmp(mode, "truncate")) {
		size_t keep = (size_t)parse_num(arg, 65535, "length");

		if (keep < ESP_HLEN)
			die("truncate: keep at least the %d-byte ESP header",
			    ESP_HLEN);
		if (keep >= f.len - f.esp)
			die("truncate: %zu is not shorter than the ESP packet (%zu)",
			    keep, f.len - f.esp);
		f.len = f.esp + keep;
		fix_lengths(&f);
	} else if (!strcmp(mode, "src")) {
		set_src(&f, arg);
	} else if (!strcmp(mode, "spi")) {
		put32(f.buf + f.esp,
		      (uint32_t)parse_num(arg, UINT32_MAX, "SPI"));
	} else if (!strcmp(mode, "seq")) {
		put32(f.buf + f.esp + 4,
		      (uint32_t)parse_num(arg, UINT32_MAX, "sequence number"));
	}

	fd = open_packet(ifname, &ifindex);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifindex;
	sll.sll_halen = ETH_ALEN;
	memcpy(sll.sll_addr, f.buf, ETH_ALEN);
	seq0 = get32(f.buf + f.esp + 4);
	for (i = 0; i < count; i++) {
		ssize_t n;

		if (incr)
			put32(f.buf + f.esp + 4, seq0 + (uint32_t)i);
		n = sendto(fd, f.buf, f.len, 0, (struct sockaddr *)&sll,
			   sizeof(sll));
		if (n < 0 && errno == ENOBUFS) {
			/* the qdisc is full: a flood waits, it does not stop */
			usleep(200);
			i--;
			continue;
		}
		if (n < 0)
			die("sendto %s: %s", ifname, strerror(errno));
		if ((size_t)n != f.len)
			die("sendto %s: short write", ifname);
	}
	close(fd);
	printf("sent %lu %s packet%s (esp_len %zu) on %s\n", count, mode,
	       count == 1 ? "" : "s", f.len - f.esp, ifname);
	return 0;
}

static int do_show(int argc, char **argv)
{
	static struct frame f;

	if (argc != 2)
		usage();
	read_file(argv[1], &f);
	describe(&f);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "capture"))
		return do_capture(argc - 1, argv + 1);
	if (!strcmp(argv[1], "send"))
		return do_send(argc - 1, argv + 1);
	if (!strcmp(argv[1], "show"))
		return do_show(argc - 1, argv + 1);
	usage();
	return 1;
}
