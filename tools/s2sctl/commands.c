// SPDX-License-Identifier: GPL-2.0-only
/*
 * One function per command: build the request, talk to the kernel, print.
 */
#include <errno.h>
#include <string.h>
#include <linux/s2svpn.h>

#include "commands.h"
#include "show.h"

void s2s_report_error(const struct s2s_ctx *ctx, int err)
{
	fprintf(stderr, "Error: %s\n",
		ctx->nl.extack[0] ? ctx->nl.extack : strerror(-err));
}

/* Builds a message for @cmd with @put and sends it; @fn sees the replies. */
static int send_cmd(struct s2s_ctx *ctx, uint8_t cmd,
		    int (*put)(struct nl_msg *msg, const void *obj),
		    const void *obj, s2s_reply_fn fn, void *arg)
{
	struct nl_msg *msg = s2s_msg_new(ctx->nl.family, cmd, 0);
	int err;

	if (!msg)
		return -ENOMEM;
	err = put(msg, obj);
	if (err) {
		s2s_msg_free(msg);
		return err;
	}
	return s2s_nl_request(&ctx->nl, msg, fn, arg);
}

static int put_tunnel(struct nl_msg *msg, const void *t)
{
	return s2s_put_tunnel(msg, t);
}

static int put_ifname(struct nl_msg *msg, const void *t)
{
	return s2s_put_ifname(msg, ((const struct s2s_tunnel *)t)->ifname);
}

static int put_sa(struct nl_msg *msg, const void *sa)
{
	return s2s_put_sa(msg, sa);
}

static int put_segment(struct nl_msg *msg, const void *seg)
{
	return s2s_put_segment(msg, seg, true);
}

static int put_segment_name(struct nl_msg *msg, const void *seg)
{
	return s2s_put_segment(msg, seg, false);
}

static int put_selector(struct nl_msg *msg, const void *sel)
{
	return s2s_put_selector(msg, sel);
}

static void undo_with(struct s2s_undo *undo, enum s2s_op op)
{
	if (!undo)
		return;
	memset(&undo->req, 0, sizeof(undo->req));
	undo->kind = S2S_UNDO_REQUEST;
	undo->req.op = op;
}

static void undo_impossible(struct s2s_undo *undo)
{
	if (undo)
		undo->kind = S2S_UNDO_IMPOSSIBLE;
}

/* tunnel */

static int run_tunnel_add(struct s2s_ctx *ctx, const struct s2s_request *req,
			  struct s2s_undo *undo)
{
	int err = send_cmd(ctx, S2S_CMD_TUNNEL_NEW, put_tunnel, &req->tunnel,
			   NULL, NULL);

	if (!err && undo) {
		undo_with(undo, S2S_OP_TUNNEL_DEL);
		strcpy(undo->req.tunnel.ifname, req->tunnel.ifname);
	}
	return err;
}

/* The settings @changed of @cur, as a "tunnel set" that restores them. */
static void tunnel_restore(const struct s2s_tunnel *cur, unsigned int changed,
			   struct s2s_tunnel *restore)
{
	/* the ports travel with the encapsulation */
	if (changed & (S2S_TUNNEL_HAS_ENCAP | S2S_TUNNEL_HAS_SPORT |
		       S2S_TUNNEL_HAS_DPORT | S2S_TUNNEL_HAS_KEEPALIVE))
		changed |= S2S_TUNNEL_HAS_ENCAP | S2S_TUNNEL_HAS_SPORT |
			   S2S_TUNNEL_HAS_DPORT | S2S_TUNNEL_HAS_KEEPALIVE;
	*restore = *cur;
	restore->set = cur->set & changed;
	memset(&restore->stats, 0, sizeof(restore->stats));
}

static int run_tunnel_set(struct s2s_ctx *ctx, const struct s2s_request *req,
			  struct s2s_undo *undo)
{
	struct s2s_vec cur = S2S_VEC_INIT(struct s2s_tunnel);
	int err;

	if (undo) {
		err = s2s_get_tunnels(&ctx->nl, req->tunnel.ifname, &cur);
		if (err)
			goto out;
		if (cur.n != 1) {
			err = -ENODEV;
			goto out;
		}
	}
	err = send_cmd(ctx, S2S_CMD_TUNNEL_SET, put_tunnel, &req->tunnel,
		       NULL, NULL);
	if (!err && undo) {
		undo_with(undo, S2S_OP_TUNNEL_SET);
		tunnel_restore(s2s_vec_at(&cur, 0), req->tunnel.set,
			       &undo->req.tunnel);
		strcpy(undo->req.tunnel.ifname, req->tunnel.ifname);
	}
out:
	s2s_vec_free(&cur);
	return err;
}

static int run_tunnel_del(struct s2s_ctx *ctx, const struct s2s_request *req,
			  struct s2s_undo *undo)
{
	undo_impossible(undo);
	return send_cmd(ctx, S2S_CMD_TUNNEL_DEL, put_ifname, &req->tunnel,
			NULL, NULL);
}

/*
 * SAs and selectors arrived with later issues: a module that does not
 * know the command yet still shows its tunnels.
 */
static int get_optional(int err)
{
	return err == -EOPNOTSUPP ? 0 : err;
}

/* Objects from a dump filtered by tunnel belong to it, named or not. */
static void default_owner(char *ifname, uint32_t ifindex, const char *tunnel)
{
	if (tunnel[0] && !ifname[0] && !ifindex)
		strcpy(ifname, tunnel);
}

static void own_sas(struct s2s_vec *sas, const char *tunnel)
{
	for (size_t i = 0; i < sas->n; i++) {
		struct s2s_sa *sa = s2s_vec_at(sas, i);

		default_owner(sa->ifname, sa->ifindex, tunnel);
	}
}

static void own_selectors(struct s2s_vec *selectors, const char *tunnel)
{
	for (size_t i = 0; i < selectors->n; i++) {
		struct s2s_selector *sel = s2s_vec_at(selectors, i);

		default_owner(sel->ifname, sel->ifindex, tunnel);
	}
}

static int run_tunnel_show(struct s2s_ctx *ctx, const struct s2s_request *req,
			   struct s2s_undo *undo)
{
	struct s2s_vec tunnels = S2S_VEC_INIT(struct s2s_tunnel);
	struct s2s_vec sas = S2S_VEC_INIT(struct s2s_sa);
	struct s2s_vec selectors = S2S_VEC_INIT(struct s2s_selector);
	const char *name = req->tunnel.ifname;
	int err;

	(void)undo;
	err = s2s_get_tunnels(&ctx->nl, name, &tunnels);
	if (!err && tunnels.n)
		err = get_optional(s2s_get_sas(&ctx->nl, name, &sas));
	if (!err && tunnels.n)
		err = get_optional(s2s_get_selectors(&ctx->nl, name, &selectors));
	own_sas(&sas, name);
	own_selectors(&selectors, name);
	if (!err)
		s2s_show_tunnels(ctx->out, ctx->json, &tunnels, &sas, &selectors);
	s2s_vec_free(&selectors);
	s2s_vec_free(&sas);
	s2s_vec_free(&tunnels);
	return err;
}

/* sa */

static int run_sa_add(struct s2s_ctx *ctx, const struct s2s_request *req,
		      struct s2s_undo *undo)
{
	int err = send_cmd(ctx, S2S_CMD_SA_NEW, put_sa, &req->sa, NULL, NULL);

	if (!err && undo) {
		struct s2s_sa *sa = &undo->req.sa;

		undo_with(undo, S2S_OP_SA_DEL);
		strcpy(sa->ifname, req->sa.ifname);
		sa->dir = req->sa.dir;
		sa->spi = req->sa.spi;
		sa->set = S2S_SA_HAS_DIR | S2S_SA_HAS_SPI;
	}
	return err;
}

static int run_sa_del(struct s2s_ctx *ctx, const struct s2s_request *req,
		      struct s2s_undo *undo)
{
	undo_impossible(undo);
	return send_cmd(ctx, S2S_CMD_SA_DEL, put_sa, &req->sa, NULL, NULL);
}

static int run_sa_show(struct s2s_ctx *ctx, const struct s2s_request *req,
		       struct s2s_undo *undo)
{
	struct s2s_vec sas = S2S_VEC_INIT(struct s2s_sa);
	int err;

	(void)undo;
	err = s2s_get_sas(&ctx->nl, req->sa.ifname, &sas);
	own_sas(&sas, req->sa.ifname);
	if (!err)
		s2s_show_sas(ctx->out, ctx->json, &sas);
	s2s_vec_free(&sas);
	return err;
}

/* segment */

static int run_segment_add(struct s2s_ctx *ctx, const struct s2s_request *req,
			   struct s2s_undo *undo)
{
	int err = send_cmd(ctx, S2S_CMD_SEGMENT_NEW, put_segment, &req->segment,
			   NULL, NULL);

	if (!err && undo) {
		undo_with(undo, S2S_OP_SEGMENT_DEL);
		undo->req.segment = req->segment;
	}
	return err;
}

/* Finds the segment @name so that deleting it can be undone. */
static int segment_lookup(struct s2s_ctx *ctx, const char *name,
			  struct s2s_segment *found)
{
	struct s2s_vec segs = S2S_VEC_INIT(struct s2s_segment);
	int err = s2s_get_segments(&ctx->nl, &segs);

	if (!err) {
		err = -ENOENT;
		for (size_t i = 0; i < segs.n; i++) {
			const struct s2s_segment *seg = s2s_vec_at(&segs, i);

			if (!strcmp(seg->name, name)) {
				*found = *seg;
				err = 0;
			}
		}
	}
	s2s_vec_free(&segs);
	return err;
}

static int run_segment_del(struct s2s_ctx *ctx, const struct s2s_request *req,
			   struct s2s_undo *undo)
{
	struct s2s_segment old;
	bool restorable = undo && !segment_lookup(ctx, req->segment.name, &old);
	int err;

	err = send_cmd(ctx, S2S_CMD_SEGMENT_DEL, put_segment_name, &req->segment,
		       NULL, NULL);
	if (!err && restorable) {
		undo_with(undo, S2S_OP_SEGMENT_ADD);
		undo->req.segment = old;
	} else {
		undo_impossible(undo);
	}
	return err;
}

static int run_segment_show(struct s2s_ctx *ctx, const struct s2s_request *req,
			    struct s2s_undo *undo)
{
	struct s2s_vec segs = S2S_VEC_INIT(struct s2s_segment);
	int err;

	(void)undo;
	err = s2s_get_segments(&ctx->nl, &segs);
	if (!err)
		s2s_show_segments(ctx->out, ctx->json, &segs, req->segment.name);
	s2s_vec_free(&segs);
	return err;
}

/* selector */

static int collect_selector_id(struct nl_msg *msg, void *arg)
{
	struct s2s_selector sel;

	if (!s2s_selector_from_msg(msg, &sel) && (sel.set & S2S_SEL_HAS_ID))
		*(struct s2s_selector *)arg = sel;
	return 0;
}

static int run_selector_add(struct s2s_ctx *ctx, const struct s2s_request *req,
			    struct s2s_undo *undo)
{
	struct s2s_selector reply = { .set = 0 };
	int err;

	err = send_cmd(ctx, S2S_CMD_SELECTOR_NEW, put_selector, &req->selector,
		       collect_selector_id, &reply);
	if (err)
		return err;
	if (!(reply.set & S2S_SEL_HAS_ID)) {
		undo_impossible(undo);
		return 0;
	}
	s2s_show_selector_id(ctx->out, ctx->json, reply.id);
	if (undo) {
		undo_with(undo, S2S_OP_SELECTOR_DEL);
		strcpy(undo->req.selector.ifname, req->selector.ifname);
		undo->req.selector.id = reply.id;
		undo->req.selector.set = S2S_SEL_HAS_ID;
	}
	return 0;
}

static int run_selector_del(struct s2s_ctx *ctx, const struct s2s_request *req,
			    struct s2s_undo *undo)
{
	undo_impossible(undo);
	return send_cmd(ctx, S2S_CMD_SELECTOR_DEL, put_selector, &req->selector,
			NULL, NULL);
}

static int run_selector_show(struct s2s_ctx *ctx, const struct s2s_request *req,
			     struct s2s_undo *undo)
{
	struct s2s_vec selectors = S2S_VEC_INIT(struct s2s_selector);
	int err;

	(void)undo;
	err = s2s_get_selectors(&ctx->nl, req->selector.ifname, &selectors);
	own_selectors(&selectors, req->selector.ifname);
	if (!err)
		s2s_show_selectors(ctx->out, ctx->json, &selectors);
	s2s_vec_free(&selectors);
	return err;
}

/* version, monitor */

static int run_version(struct s2s_ctx *ctx, const struct s2s_request *req,
		       struct s2s_undo *undo)
{
	char module[64];
	int err;

	(void)req;
	(void)undo;
	err = s2s_get_version(&ctx->nl, module, sizeof(module));
	if (!err)
		s2s_show_version(ctx->out, ctx->json, ctx->version, module);
	return err;
}

static int print_event(const struct s2s_event *ev, void *arg)
{
	const struct s2s_ctx *ctx = arg;

	s2s_show_event(ctx->out, ctx->json, ev);
	return 0;
}

static int run_monitor(struct s2s_ctx *ctx, const struct s2s_request *req,
		       struct s2s_undo *undo)
{
	(void)req;
	(void)undo;
	return s2s_nl_monitor(&ctx->nl, print_event, ctx);
}

typedef int (*run_fn)(struct s2s_ctx *ctx, const struct s2s_request *req,
		      struct s2s_undo *undo);

static const run_fn runners[S2S_OP_COUNT] = {
	[S2S_OP_VERSION]	= run_version,
	[S2S_OP_MONITOR]	= run_monitor,
	[S2S_OP_TUNNEL_ADD]	= run_tunnel_add,
	[S2S_OP_TUNNEL_SET]	= run_tunnel_set,
	[S2S_OP_TUNNEL_DEL]	= run_tunnel_del,
	[S2S_OP_TUNNEL_SHOW]	= run_tunnel_show,
	[S2S_OP_SA_ADD]		= run_sa_add,
	[S2S_OP_SA_DEL]		= run_sa_del,
	[S2S_OP_SA_SHOW]	= run_sa_show,
	[S2S_OP_SEGMENT_ADD]	= run_segment_add,
	[S2S_OP_SEGMENT_DEL]	= run_segment_del,
	[S2S_OP_SEGMENT_SHOW]	= run_segment_show,
	[S2S_OP_SELECTOR_ADD]	= run_selector_add,
	[S2S_OP_SELECTOR_DEL]	= run_selector_del,
	[S2S_OP_SELECTOR_SHOW]	= run_selector_show,
};

int s2s_run(struct s2s_ctx *ctx, const struct s2s_request *req,
	    struct s2s_undo *undo)
{
	if (undo)
		undo->kind = S2S_UNDO_NOTHING;
	if (req->op >= S2S_OP_COUNT || !runners[req->op])
		return -EINVAL;
	return runners[req->op](ctx, req, undo);
}
