// SPDX-License-Identifier: GPL-2.0-only
/*
 * udpseq: a sequence-numbered UDP stream, to count what a tunnel loses,
 * duplicates or reorders while it is rekeyed or fails over.
 *
 *   udpseq send DST PORT PPS SECONDS
 *	sends PPS datagrams a second for SECONDS (or until SIGTERM or
 *	SIGINT), each carrying a magic and its sequence number (0, 1, ...);
 *	then 20 end markers, 100 ms apart, that carry the number sent
 *	(a 2 s window: a route flapping at that moment loses only some).
 *   udpseq recv ADDR PORT TIMEOUT
 *	receives on ADDR:PORT until an end marker arrives or TIMEOUT seconds
 *	pass, then prints one line:
 *	"sent N received N lost N duplicated N reordered N max_gap_ms N"
 *	where max_gap_ms is the longest time between two received datagrams
 *	of the stream (the outage).  Exit status 0 when an end marker
 *	arrived, 1 otherwise, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <endian.h>

#define MAGIC 0x73327371u	/* "s2sq" */
#define MAX_SEQ (1u << 24)

struct msg {
	uint32_t magic;
	uint32_t end;		/* 1 on the end markers */
	uint64_t seq;
	uint64_t total;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int open_sock(const char *addr, const char *port, int bind_it,
		     struct sockaddr_storage *ss, socklen_t *sslen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	int fd, err;

	err = getaddrinfo(addr, port, &hints, &ai);
	if (err) {
		fprintf(stderr, "udpseq: %s port %s: %s\n", addr, port,
			gai_strerror(err));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_DGRAM, 0);
	if (fd < 0 || (bind_it && bind(fd, ai->ai_addr, ai->ai_addrlen))) {
		perror("udpseq: socket/bind");
		freeaddrinfo(ai);
		return -1;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*sslen = ai->ai_addrlen;
	freeaddrinfo(ai);
	return fd;
}

static int do_send(const char *dst, const char *port, long pps, long secs)
{
	struct sockaddr_storage ss;
	struct timespec ts;
	socklen_t sslen;
	uint64_t seq, total = (uint64_t)pps * secs;
	int64_t start, t;
	struct msg m;
	int fd, i;

	if (pps <= 0 || secs <= 0 || total >= MAX_SEQ) {
		fprintf(stderr, "udpseq: bad rate or duration\n");
		return 2;
	}
	fd = open_sock(dst, port, 0, &ss, &sslen);
	if (fd < 0)
		return 1;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	start = now_ns();
	for (seq = 0; seq < total && !stop; seq++) {
		t = start + (int64_t)(seq * 1000000000ull / pps);
		ts.tv_sec = t / 1000000000;
		ts.tv_nsec = t % 1000000000;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		m = (struct msg){ .magic = htobe32(MAGIC), .seq = htobe64(seq) };
		/* a send error (no route for a moment) is a lost datagram */
		sendto(fd, &m, sizeof(m), 0, (struct sockaddr *)&ss, sslen);
	}
	total = seq;
	for (i = 0; i < 20; i++) {
		m = (struct msg){ .magic = htobe32(MAGIC), .end = htobe32(1),
				  .total = htobe64(total) };
		sendto(fd, &m, sizeof(m), 0, (struct sockaddr *)&ss, sslen);
		usleep(100000);
	}
	close(fd);
	return 0;
}

static int do_recv(const char *addr, const char *port, long timeout)
{
	uint64_t received = 0, dup = 0, reordered = 0, total = 0, highest = 0;
	int64_t deadline, last = 0, max_gap = 0, t;
	struct sockaddr_storage ss;
	unsigned char *seen;
	struct pollfd pfd;
	socklen_t sslen;
	int fd, done = 0;
	struct msg m;
	ssize_t n;

	int rcvbuf = 8 << 20;

	seen = calloc(MAX_SEQ / 8, 1);
	fd = open_sock(addr, port, 1, &ss, &sslen);
	if (!seen || fd < 0)
		return 1;
	/* a slow receiver (a busy VM) must not lose datagrams itself */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	printf("listening\n");
	fflush(stdout);
	deadline = now_ns() + (int64_t)timeout * 1000000000;
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (!done && (t = now_ns()) < deadline) {
		if (poll(&pfd, 1, (int)((deadline - t) / 1000000) + 1) <= 0)
			continue;
		n = recv(fd, &m, sizeof(m), 0);
		if (n != sizeof(m) || be32toh(m.magic) != MAGIC)
			continue;
		if (be32toh(m.end)) {
			total = be64toh(m.total);
			done = 1;
			break;
		}
		m.seq = be64toh(m.seq);
		if (m.seq >= MAX_SEQ)
			continue;
		t = now_ns();
		if (received && t - last > max_gap)
			max_gap = t - last;
		last = t;
		if (seen[m.seq / 8] & (1u << (m.seq % 8))) {
			dup++;
			continue;
		}
		seen[m.seq / 8] |= 1u << (m.seq % 8);
		if (received && m.seq < highest)
			reordered++;
		if (m.seq > highest)
			highest = m.seq;
		received++;
	}
	printf("sent %llu received %llu lost %llu duplicated %llu reordered %llu max_gap_ms %lld\n",
	       (unsigned long long)total, (unsigned long long)received,
	       (unsigned long long)(total > received ? total - received : 0),
	       (unsigned long long)dup, (unsigned long long)reordered,
	       (long long)(max_gap / 1000000));
	free(seen);
	close(fd);
	return done ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "send"))
		return do_send(argv[2], argv[3], strtol(argv[4], NULL, 0),
			       strtol(argv[5], NULL, 0));
	if (argc == 5 && !strcmp(argv[1], "recv"))
		return do_recv(argv[2], argv[3], strtol(argv[4], NULL, 0));
	fprintf(stderr, "usage: udpseq send DST PORT PPS SECONDS\n"
			"       udpseq recv ADDR PORT TIMEOUT\n");
	return 2;
}
