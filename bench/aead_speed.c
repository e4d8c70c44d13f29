// SPDX-License-Identifier: GPL-2.0-only
/*
 * aead_speed: the crypto ceiling of the benchmark.  Times AEAD encryptions
 * and decryptions of fixed-size packets through AF_ALG, that is through the
 * kernel crypto API driver that s2svpn and xfrm get for the same algorithm
 * name (the highest-priority one), one process per CPU, each pinned.
 *
 * usage: aead_speed [-a ALG] [-s BYTES] [-t SECONDS] [-c CPUS]
 *   -a ALG      algorithm (default "rfc4106(gcm(aes))", 16-byte key +
 *               4-byte salt, 16-byte ICV, 8-byte IV, ESP-style 16-byte AAD
 *               made of SPI, sequence number and IV)
 *   -s BYTES    plaintext bytes per operation (default 1400)
 *   -t SECONDS  seconds per measurement (default 2)
 *   -c CPUS     run on CPUs 0..CPUS-1 at once (default 1)
 *
 * Prints one line per operation and CPU count:
 *   aead alg=ALG op=encrypt|decrypt cpus=N bytes=B ops=N seconds=S MBps=X Gbps=Y
 * MBps and Gbps count plaintext bytes, summed over the CPUs.
 *
 * The system call per operation (sendmsg + read, copying the packet in and
 * out) is included, so this is a lower bound of what the driver does in the
 * kernel; the tcrypt module measures without it (bench/guest.sh -c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <linux/if_alg.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SOL_ALG
#define SOL_ALG 279
#endif

#define KEY_LEN 20
#define ICV_LEN 16
#define IV_LEN 8
#define AAD_LEN 16	/* SPI, 32-bit sequence number, IV */

struct result {
	uint64_t ops;
	double seconds;
	int err;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int open_op(const char *alg)
{
	static const uint8_t key[KEY_LEN] = {
		0x4a, 0x50, 0x6a, 0x79, 0x4f, 0x57, 0x42, 0x65, 0x56, 0x45,
		0x51, 0x69, 0x4d, 0x65, 0x37, 0x68, 0x1a, 0x2b, 0x1a, 0x2b,
	};
	struct sockaddr_alg sa = { .salg_family = AF_ALG };
	int tfm, op;

	snprintf((char *)sa.salg_type, sizeof(sa.salg_type), "aead");
	snprintf((char *)sa.salg_name, sizeof(sa.salg_name), "%s", alg);
	tfm = socket(AF_ALG, SOCK_SEQPACKET, 0);
	if (tfm < 0)
		return -1;
	if (bind(tfm, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(tfm, SOL_ALG, ALG_SET_KEY, key, sizeof(key)) ||
	    setsockopt(tfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, ICV_LEN)) {
		close(tfm);
		return -1;
	}
	op = accept(tfm, NULL, 0);
	close(tfm);
	return op;
}

/* one operation: @in (AAD + text) to @out; returns the bytes read or -1 */
static ssize_t crypt_one(int op, int encrypt, const uint8_t *in, size_t inlen,
			 uint8_t *out, size_t outlen)
{
	char cbuf[CMSG_SPACE(sizeof(uint32_t)) +
		  CMSG_SPACE(sizeof(struct af_alg_iv) + IV_LEN) +
		  CMSG_SPACE(sizeof(uint32_t))] = { 0 };
	struct iovec iov = { .iov_base = (void *)in, .iov_len = inlen };
	struct msghdr msg = {
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	struct af_alg_iv *iv;
	struct cmsghdr *c;

	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_OP;
	c->cmsg_len = CMSG_LEN(sizeof(uint32_t));
	*(uint32_t *)CMSG_DATA(c) = encrypt ? ALG_OP_ENCRYPT : ALG_OP_DECRYPT;

	c = CMSG_NXTHDR(&msg, c);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_IV;
	c->cmsg_len = CMSG_LEN(sizeof(struct af_alg_iv) + IV_LEN);
	iv = (struct af_alg_iv *)CMSG_DATA(c);
	iv->ivlen = IV_LEN;
	memcpy(iv->iv, in + 8, IV_LEN);	/* the IV is also in the AAD, as in ESP */

	c = CMSG_NXTHDR(&msg, c);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_AEAD_ASSOCLEN;
	c->cmsg_len = CMSG_LEN(sizeof(uint32_t));
	*(uint32_t *)CMSG_DATA(c) = AAD_LEN;

	if (sendmsg(op, &msg, 0) != (ssize_t)inlen)
		return -1;
	return read(op, out, outlen);
}

/* runs @encrypt or decrypt for @seconds on the calling CPU */
static void run(const char *alg, int encrypt, size_t size, double seconds,
		struct result *res)
{
	size_t enc_len = AAD_LEN + size + ICV_LEN;
	uint8_t *plain = calloc(1, enc_len), *cipher = calloc(1, enc_len);
	uint8_t *out = calloc(1, enc_len);
	const uint8_t *in;
	size_t inlen, outlen;
	double start, end;
	int op;

	res->ops = 0;
	res->seconds = 0;
	res->err = 0;
	op = open_op(alg);
	if (op < 0 || !plain || !cipher || !out) {
		res->err = errno ? errno : ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < AAD_LEN + size; i++)
		plain[i] = (uint8_t)(i * 7 + 1);
	/* a valid ciphertext with its ICV, for the decryptions */
	if (crypt_one(op, 1, plain, AAD_LEN + size, cipher, enc_len) !=
	    (ssize_t)enc_len) {
		res->err = errno ? errno : EIO;
		goto out;
	}
	if (encrypt) {
		in = plain;
		inlen = AAD_LEN + size;
		outlen = enc_len;
	} else {
		in = cipher;
		inlen = enc_len;
		outlen = AAD_LEN + size;
	}
	start = now();
	end = start + seconds;
	do {
		for (int i = 0; i < 16; i++) {
			if (crypt_one(op, encrypt, in, inlen, out, outlen) !=
			    (ssize_t)outlen) {
				res->err = errno ? errno : EIO;
				goto out;
			}
		}
		res->ops += 16;
	} while (now() < end);
	res->seconds = now() - start;
out:
	if (op >= 0)
		close(op);
	free(plain);
	free(cipher);
	free(out);
}

int main(int argc, char **argv)
{
	const char *alg = "rfc4106(gcm(aes))";
	size_t size = 1400;
	double seconds = 2;
	int cpus = 1, opt, ret = 0;
	struct result *res;

	while ((opt = getopt(argc, argv, "a:s:t:c:")) != -1) {
		switch (opt) {
		case 'a':
			alg = optarg;
			break;
		case 's':
			size = strtoul(optarg, NULL, 0);
			break;
		case 't':
			seconds = strtod(optarg, NULL);
			break;
		case 'c':
			cpus = atoi(optarg);
			break;
		default:
			fprintf(stderr,
				"usage: aead_speed [-a ALG] [-s BYTES] [-t SECONDS] [-c CPUS]\n");
			return 2;
		}
	}
	if (!size || size > 65000 || seconds <= 0 || cpus < 1 || cpus > 256) {
		fprintf(stderr, "aead_speed: bad arguments\n");
		return 2;
	}
	res = mmap(NULL, cpus * sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED) {
		perror("aead_speed: mmap");
		return 1;
	}

	for (int encrypt = 1; encrypt >= 0; encrypt--) {
		uint64_t ops = 0;
		double secs = 0;

		for (int cpu = 0; cpu < cpus; cpu++) {
			pid_t pid = fork();

			if (pid < 0) {
				perror("aead_speed: fork");
				return 1;
			}
			if (!pid) {
				cpu_set_t set;

				CPU_ZERO(&set);
				CPU_SET(cpu, &set);
				sched_setaffinity(0, sizeof(set), &set);
				run(alg, encrypt, size, seconds, &res[cpu]);
				_exit(0);
			}
		}
		while (wait(NULL) > 0)
			;
		for (int cpu = 0; cpu < cpus; cpu++) {
			if (res[cpu].err) {
				fprintf(stderr, "aead_speed: %s on CPU %d: %s\n",
					alg, cpu, strerror(res[cpu].err));
				ret = 1;
			}
			ops += res[cpu].ops;
			if (res[cpu].seconds > secs)
				secs = res[cpu].seconds;
		}
		if (secs <= 0)
			continue;
		/* the CPUs ran side by side: their rates add up */
		double bps = 0;

		for (int cpu = 0; cpu < cpus; cpu++)
			if (res[cpu].seconds > 0)
				bps += res[cpu].ops * (double)size / res[cpu].seconds;
		printf("aead alg=%s op=%s cpus=%d bytes=%zu ops=%llu seconds=%.3f MBps=%.2f Gbps=%.4f\n",
		       alg, encrypt ? "encrypt" : "decrypt", cpus, size,
		       (unsigned long long)ops, secs, bps / 1e6, bps * 8 / 1e9);
		fflush(stdout);
	}
	return ret;
}
