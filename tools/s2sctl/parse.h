/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Command-line parsing: words in, a struct s2s_request out.  No netlink
 * and no output here, so every rule is testable on the host.
 */
#ifndef S2SCTL_PARSE_H
#define S2SCTL_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "s2s.h"

enum s2s_op {
	S2S_OP_HELP,
	S2S_OP_VERSION,
	S2S_OP_MONITOR,
	S2S_OP_TUNNEL_ADD,
	S2S_OP_TUNNEL_SET,
	S2S_OP_TUNNEL_DEL,
	S2S_OP_TUNNEL_SHOW,
	S2S_OP_SA_ADD,
	S2S_OP_SA_DEL,
	S2S_OP_SA_SHOW,
	S2S_OP_SEGMENT_ADD,
	S2S_OP_SEGMENT_DEL,
	S2S_OP_SEGMENT_SHOW,
	S2S_OP_SELECTOR_ADD,
	S2S_OP_SELECTOR_DEL,
	S2S_OP_SELECTOR_SHOW,
	S2S_OP_COUNT,
};

/*
 * One command.  Only the member that belongs to @op is filled; the name
 * of the tunnel or segment a command is about lives in that member.
 */
struct s2s_request {
	enum s2s_op op;
	const char *help_object;	/* S2S_OP_HELP: object, or NULL */
	/* the object of @op; a batch holds thousands of requests */
	union {
		struct s2s_tunnel tunnel;
		struct s2s_sa sa;
		struct s2s_segment segment;
		struct s2s_selector selector;
	};
};

/*
 * Parses one command (argv without the program name and global options).
 * Returns 0, or -1 with a one-line message naming the offending word in
 * @err.  Keys are never copied into @err.
 */
int s2s_parse_command(int argc, char *const argv[], struct s2s_request *req,
		      char *err, size_t errlen);

/* "tunnel add" for S2S_OP_TUNNEL_ADD. */
const char *s2s_op_name(enum s2s_op op);

/* Usage of one object ("tunnel"), or of everything for NULL. */
const char *s2s_usage(const char *object);

/*
 * Primitive parsers.  They return 0 or a negative errno:
 * -EINVAL malformed, -ERANGE out of range, plus as documented.
 */

/* Decimal or 0x hex, no sign, no octal, at most @max. */
int s2s_parse_uint(const char *s, uint64_t max, uint64_t *value);

/* IPv4 or IPv6 address. */
int s2s_parse_addr(const char *s, struct s2s_addr *addr);

/* ADDR[/PLEN]; -EDOM when ADDR has bits set beyond PLEN. */
int s2s_parse_prefix(const char *s, struct s2s_addr *addr);

/* 0x followed by an even number of hex digits; -E2BIG above S2S_KEY_MAX. */
int s2s_parse_key(const char *s, struct s2s_key *key);

/* PORT or PORT-PORT; -EDOM when the first exceeds the second. */
int s2s_parse_port_range(const char *s, uint16_t *min, uint16_t *max);

/* MARK[/MASK], MASK defaulting to 0xffffffff. */
int s2s_parse_mark(const char *s, uint32_t *mark, uint32_t *mask);

#endif /* S2SCTL_PARSE_H */
