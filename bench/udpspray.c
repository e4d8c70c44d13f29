// SPDX-License-Identifier: GPL-2.0-only
/*
 * udpspray: the data-path scale step of the benchmark.  Sends small UDP
 * datagrams as fast as it can, round-robin over a list of IPv4
 * destinations (one per tunnel), in sendmmsg() batches; or receives and
 * counts them.
 *
 * usage: udpspray send PORT SECONDS BYTES ADDR...
 *          prints "sent N" (datagrams the kernel took)
 *        udpspray sink PORT SECONDS
 *          binds 0.0.0.0:PORT, receives for SECONDS (or until SIGTERM),
 *          prints "received N"
 *
 * A batch of 64 datagrams goes to 64 consecutive destinations of the list,
 * so with 100 destinations every tunnel sees every batch: the lookups of
 * the tunnels, SAs and routes are spread as traffic of many peers is.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MAX_BYTES 1400

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr, "usage: udpspray send PORT SECONDS BYTES ADDR...\n"
			"       udpspray sink PORT SECONDS\n");
	return 2;
}

/* parse_uint: a decimal number within [lo, hi], or -1 */
static long parse_uint(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	return v;
}

static int do_send(int port, int secs, int bytes, int naddr, char **addrs)
{
	static char payload[MAX_BYTES];
	struct sockaddr_in *dst;
	struct mmsghdr msgs[BATCH];
	struct iovec iov = { payload, (size_t)bytes };
	unsigned long long sent = 0;
	double end;
	int fd, i, next = 0;

	dst = calloc(naddr, sizeof(*dst));
	if (!dst)
		return 1;
	for (i = 0; i < naddr; i++) {
		dst[i].sin_family = AF_INET;
		dst[i].sin_port = htons(port);
		if (inet_pton(AF_INET, addrs[i], &dst[i].sin_addr) != 1) {
			fprintf(stderr, "udpspray: not an IPv4 address: %s\n", addrs[i]);
			return 2;
		}
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udpspray: socket");
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_namelen = sizeof(*dst);
	}
	end = now() + secs;
	while (!stop && now() < end) {
		int n;

		for (i = 0; i < BATCH; i++) {
			msgs[i].msg_hdr.msg_name = &dst[next];
			next = (next + 1) % naddr;
		}
		n = sendmmsg(fd, msgs, BATCH, 0);
		if (n > 0)
			sent += n;
		else if (n < 0 && errno != ENOBUFS && errno != EAGAIN &&
			 errno != EINTR && errno != ECONNREFUSED) {
			perror("udpspray: sendmmsg");
			return 1;
		}
	}
	printf("sent %llu\n", sent);
	close(fd);
	free(dst);
	return 0;
}

static int do_sink(int port, int secs)
{
	static char bufs[BATCH][MAX_BYTES];
	struct sockaddr_in me = { .sin_family = AF_INET };
	struct mmsghdr msgs[BATCH];
	struct iovec iovs[BATCH];
	struct timeval tv = { 0, 200000 };
	unsigned long long received = 0;
	int rcvbuf = 4 << 20;
	double end;
	int fd, i;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udpspray: socket");
		return 1;
	}
	me.sin_port = htons(port);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		perror("udpspray: bind");
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		iovs[i].iov_base = bufs[i];
		iovs[i].iov_len = MAX_BYTES;
		msgs[i].msg_hdr.msg_iov = &iovs[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	end = now() + secs;
	while (!stop && now() < end) {
		int n = recvmmsg(fd, msgs, BATCH, 0, NULL);

		if (n > 0)
			received += n;
	}
	printf("received %llu\n", received);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	long port, secs, bytes;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 4)
		return usage();
	port = parse_uint(argv[2], 1, 65535);
	secs = parse_uint(argv[3], 1, 3600);
	if (port < 0 || secs < 0)
		return usage();
	if (!strcmp(argv[1], "sink") && argc == 4)
		return do_sink(port, secs);
	if (strcmp(argv[1], "send") || argc < 6)
		return usage();
	bytes = parse_uint(argv[4], 1, MAX_BYTES);
	if (bytes < 0)
		return usage();
	return do_send(port, secs, bytes, argc - 5, argv + 5);
}
