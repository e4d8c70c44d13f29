// SPDX-License-Identifier: GPL-2.0-only
/*
 * s2s-tunnels: lists the s2svpn tunnels of the current network namespace
 * with their outbound SPI and counters, through libs2svpn alone.  The
 * smallest useful program on the library:
 *
 *	cc -o s2s-tunnels s2s-tunnels.c $(pkg-config --cflags --libs libs2svpn)
 *
 * Exit status: 0, or 1 with a one-line reason (module not loaded, refused).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include <s2svpn.h>

static const char *addr(const struct s2s_addr *a, char *buf, size_t len)
{
	if (!a->family || !inet_ntop(a->family, a->bytes, buf, len))
		return "-";
	return buf;
}

int main(void)
{
	struct s2s_vec tunnels = S2S_VEC_INIT(struct s2s_tunnel);
	char local[INET6_ADDRSTRLEN], remote[INET6_ADDRSTRLEN];
	struct s2s_nl nl;
	int err;

	err = s2s_nl_open(&nl);
	if (err) {
		fprintf(stderr, "s2s-tunnels: %s\n", err == -ENOENT ?
			"the s2svpn module is not loaded" : nl.extack);
		return 1;
	}
	err = s2s_get_tunnels(&nl, NULL, &tunnels);
	if (err) {
		fprintf(stderr, "s2s-tunnels: %s\n", nl.extack[0] ?
			nl.extack : "cannot list the tunnels");
		s2s_nl_close(&nl);
		return 1;
	}
	for (size_t i = 0; i < tunnels.n; i++) {
		const struct s2s_tunnel *t = s2s_vec_at(&tunnels, i);

		printf("%s %s %s spi 0x%08" PRIx32 " tx %" PRIu64 " rx %" PRIu64 "\n",
		       t->ifname, addr(&t->local, local, sizeof(local)),
		       addr(&t->remote, remote, sizeof(remote)), t->tx_spi,
		       t->stats.tx_packets, t->stats.rx_packets);
	}
	s2s_vec_free(&tunnels);
	s2s_nl_close(&nl);
	return 0;
}
