// SPDX-License-Identifier: GPL-2.0-only
/*
 * s2sctl: control tool for the s2svpn kernel module.
 *
 * Global options, network namespace, and the two ways of running: one
 * command from the command line, or an all-or-nothing batch file.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "commands.h"
#include "metrics.h"
#include "parse.h"
#include "show.h"

#ifndef S2S_VERSION
#define S2S_VERSION "0.1.0"
#endif

enum {
	EXIT_REFUSED = 1,	/* the kernel (or the system) said no */
	EXIT_USAGE = 2,		/* the command line is wrong */
};

struct options {
	bool json;
	enum s2s_output output;
	const char *netns;
	const char *batch;
};

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("s2sctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

static int parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "netns", required_argument, NULL, 'n' },
		{ "batch", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	/* "+": options end at the command, whose words may start with '-' */
	while ((c = getopt_long(argc, argv, "+jo:n:b:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opt->json = true;
			break;
		case 'o':
			if (!strcmp(optarg, "text")) {
				opt->output = S2S_OUTPUT_TEXT;
			} else if (!strcmp(optarg, "json")) {
				opt->output = S2S_OUTPUT_JSON;
				opt->json = true;
			} else if (!strcmp(optarg, "prometheus")) {
				opt->output = S2S_OUTPUT_PROMETHEUS;
			} else {
				exit(usage_error("unknown output format \"%s\": expected text, json or prometheus",
						 optarg));
			}
			break;
		case 'n':
			opt->netns = optarg;
			break;
		case 'b':
			opt->batch = optarg;
			break;
		case 'h':
			fputs(s2s_usage(NULL), stdout);
			exit(0);
		case 'V':
			printf("s2sctl %s\n", S2S_VERSION);
			exit(0);
		default:
			/* getopt has named the option */
			exit(EXIT_USAGE);
		}
	}
	return optind;
}

/* As "ip -n NAME": NAME under /run/netns, or a path. */
static int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "s2sctl: cannot open network namespace \"%s\": %s\n",
			name, strerror(errno));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET)) {
		fprintf(stderr, "s2sctl: cannot enter network namespace \"%s\": %s\n",
			name, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * Enters @netns, if any, and opens the netlink socket there; @version_only
 * tolerates a missing module.
 */
static int open_kernel(struct s2s_ctx *ctx, const char *netns,
		       bool version_only)
{
	int err;

	if (netns && enter_netns(netns))
		return EXIT_REFUSED;
	err = s2s_nl_open(&ctx->nl);
	if (!err)
		return 0;
	if (err == -ENOENT && version_only) {
		s2s_show_version(ctx->out, ctx->json, ctx->version, NULL);
		return EXIT_REFUSED;
	}
	if (err == -ENOENT)
		fprintf(stderr, "s2sctl: s2svpn kernel module is not loaded\n");
	else
		s2s_report_error(ctx, err);
	return EXIT_REFUSED;
}

/* "s2sctl" alone, or "s2sctl show": every tunnel at a glance. */
static int run_show(struct s2s_ctx *ctx, const char *netns,
		    enum s2s_output output)
{
	int ret = open_kernel(ctx, netns, false);

	if (!ret) {
		int err = s2s_run_show(ctx, output);

		if (err) {
			s2s_report_error(ctx, err);
			ret = EXIT_REFUSED;
		}
		s2s_nl_close(&ctx->nl);
	}
	return ret;
}

static int run_one(struct s2s_ctx *ctx, const char *netns, int argc,
		   char **argv)
{
	struct s2s_request req;
	char msg[256];
	int ret;

	if (s2s_parse_command(argc, argv, &req, msg, sizeof(msg)))
		return usage_error("%s", msg);
	if (req.op == S2S_OP_HELP) {
		fputs(s2s_usage(req.help_object), stdout);
		return 0;
	}
	ret = open_kernel(ctx, netns, req.op == S2S_OP_VERSION);
	if (!ret) {
		int err = s2s_run(ctx, &req, NULL);

		if (err) {
			s2s_report_error(ctx, err);
			ret = EXIT_REFUSED;
		}
		s2s_nl_close(&ctx->nl);
	}
	explicit_bzero(&req, sizeof(req));
	return ret;
}

/* Reverses commands [0, failed) of @batch, newest first, as far as possible. */
static void roll_back(struct s2s_ctx *ctx, const char *file,
		      const struct s2s_batch *batch, struct s2s_undo *undo,
		      size_t failed)
{
	for (size_t i = failed; i-- > 0;) {
		const struct s2s_batch_cmd *cmd = &batch->cmds[i];
		int err;

		switch (undo[i].kind) {
		case S2S_UNDO_NOTHING:
			break;
		case S2S_UNDO_IMPOSSIBLE:
			fprintf(stderr, "s2sctl: %s:%u: \"%s\" cannot be undone\n",
				file, cmd->lineno, s2s_op_name(cmd->req.op));
			break;
		case S2S_UNDO_REQUEST:
			err = s2s_run(ctx, &undo[i].req, NULL);
			if (err) {
				fprintf(stderr, "s2sctl: %s:%u: undoing \"%s\" failed: ",
					file, cmd->lineno, s2s_op_name(cmd->req.op));
				s2s_report_error(ctx, err);
			}
			break;
		}
	}
}

static int execute_batch(struct s2s_ctx *ctx, const char *file,
			 const struct s2s_batch *batch)
{
	struct s2s_undo *undo = calloc(batch->n ? batch->n : 1, sizeof(*undo));
	int ret = 0;

	if (!undo) {
		fprintf(stderr, "s2sctl: %s\n", strerror(ENOMEM));
		return EXIT_REFUSED;
	}
	for (size_t i = 0; i < batch->n; i++) {
		const struct s2s_batch_cmd *cmd = &batch->cmds[i];
		int err = s2s_run(ctx, &cmd->req, &undo[i]);

		if (!err)
			continue;
		s2s_report_error(ctx, err);
		fprintf(stderr, "s2sctl: %s:%u: \"%s\" failed%s\n", file,
			cmd->lineno, s2s_op_name(cmd->req.op),
			i ? "; undoing the lines before it" : "");
		roll_back(ctx, file, batch, undo, i);
		ret = EXIT_REFUSED;
		break;
	}
	explicit_bzero(undo, batch->n * sizeof(*undo));
	free(undo);
	return ret;
}

static int run_batch(struct s2s_ctx *ctx, const char *netns, const char *file)
{
	struct s2s_batch batch;
	unsigned int lineno;
	char err[256];
	FILE *f;
	int ret;

	f = strcmp(file, "-") ? fopen(file, "re") : stdin;
	if (!f) {
		fprintf(stderr, "s2sctl: cannot open batch file \"%s\": %s\n",
			file, strerror(errno));
		return EXIT_USAGE;
	}
	ret = s2s_batch_parse(f, &batch, &lineno, err, sizeof(err));
	if (f != stdin)
		fclose(f);
	if (ret) {
		fprintf(stderr, "s2sctl: %s:%u: %s\n", file, lineno, err);
		return EXIT_USAGE;
	}

	ret = open_kernel(ctx, netns, false);
	if (!ret) {
		ret = execute_batch(ctx, file, &batch);
		s2s_nl_close(&ctx->nl);
	}
	s2s_batch_free(&batch);
	return ret;
}

int main(int argc, char **argv)
{
	struct options opt = { 0 };
	struct s2s_ctx ctx = { .out = stdout, .version = S2S_VERSION };
	int first = parse_options(argc, argv, &opt);

	ctx.json = opt.json;
	if (opt.batch && first < argc)
		return usage_error("unexpected \"%s\" after --batch", argv[first]);
	if (!opt.batch && (first == argc ||
			   (argc - first == 1 && !strcmp(argv[first], "show"))))
		return run_show(&ctx, opt.netns, opt.json ? S2S_OUTPUT_JSON :
							    opt.output);
	if (opt.output == S2S_OUTPUT_PROMETHEUS)
		return usage_error("-o prometheus applies to \"show\" only");
	if (opt.batch)
		return run_batch(&ctx, opt.netns, opt.batch);
	return run_one(&ctx, opt.netns, argc - first, argv + first);
}
