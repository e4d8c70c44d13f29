// SPDX-License-Identifier: GPL-2.0-only
/*
 * Named segment marks: "dev", "test", "prod" ... each a skb mark under a
 * mask.  Traffic selectors name a segment; decrypted traffic is tagged with
 * its segment's mark so that policy routing and firewalls on the gateway
 * keep the segments apart.  The list is per namespace, changes only under
 * RTNL and is charged to the memory cgroup of the process that adds to it.
 * The data path reaches a segment only through a selector that names it,
 * under RCU; a segment in use cannot be deleted, and a deleted one is freed
 * after a grace period.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "netns.h"
#include "segment.h"

static unsigned int s2s_segment_max = S2S_SEGMENTS_MAX;
module_param_named(segment_max, s2s_segment_max, uint, 0644);
MODULE_PARM_DESC(segment_max, "segments one network namespace may hold (default "
		 __stringify(S2S_SEGMENTS_MAX) ")");

static struct s2s_segment *s2s_segment_find_mark(struct s2s_net *sn, u32 mark,
						 u32 mask)
{
	struct s2s_segment *seg;

	list_for_each_entry(seg, &sn->segments, node)
		if (seg->mark == mark && seg->mask == mask)
			return seg;
	return NULL;
}

/**
 * s2s_segment_find() - look a segment up by name
 * @sn: the namespace's state
 * @name: the segment's name
 *
 * Called under RTNL.
 *
 * Return: the segment or NULL.
 */
struct s2s_segment *s2s_segment_find(struct s2s_net *sn, const char *name)
{
	struct s2s_segment *seg;

	ASSERT_RTNL();
	list_for_each_entry(seg, &sn->segments, node)
		if (!strcmp(seg->name, name))
			return seg;
	return NULL;
}

/**
 * s2s_segment_add() - create a named segment mark
 * @sn: the namespace's state
 * @name: 1 to S2S_SEGMENT_NAME_SIZE - 1 characters
 * @mark: the mark value; no bit outside @mask
 * @mask: the bits of skb->mark the segment owns, not 0
 * @extack: receives the reason of a refusal
 *
 * Names and mark/mask pairs are unique within a namespace.  Called under
 * RTNL.
 *
 * Return: 0 or a negative errno.
 */
int s2s_segment_add(struct s2s_net *sn, const char *name, u32 mark,
		    u32 mask, struct netlink_ext_ack *extack)
{
	struct s2s_segment *seg;
	size_t len = strlen(name);

	ASSERT_RTNL();
	if (!len || len >= S2S_SEGMENT_NAME_SIZE) {
		NL_SET_ERR_MSG_MOD(extack, "segment name must be 1 to 31 characters");
		return -EINVAL;
	}
	if (!mask) {
		NL_SET_ERR_MSG_MOD(extack, "segment mask must not be 0");
		return -EINVAL;
	}
	if (mark & ~mask) {
		NL_SET_ERR_MSG_MOD(extack, "segment mark has bits outside its mask");
		return -EINVAL;
	}
	if (s2s_segment_find(sn, name)) {
		NL_SET_ERR_MSG_MOD(extack, "a segment with this name exists");
		return -EEXIST;
	}
	if (s2s_segment_find_mark(sn, mark, mask)) {
		NL_SET_ERR_MSG_MOD(extack, "a segment with this mark and mask exists");
		return -EEXIST;
	}

	if (sn->n_segments >= READ_ONCE(s2s_segment_max)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "this namespace has the maximum number of segments (module parameter segment_max)");
		return -ENOSPC;
	}

	seg = kzalloc(sizeof(*seg), GFP_KERNEL_ACCOUNT);
	if (!seg)
		return -ENOMEM;
	if (s2s_stats_init(&seg->stats, GFP_KERNEL_ACCOUNT)) {
		kfree(seg);
		return -ENOMEM;
	}
	strscpy(seg->name, name, sizeof(seg->name));
	seg->mark = mark;
	seg->mask = mask;
	list_add_tail(&seg->node, &sn->segments);
	sn->n_segments++;
	return 0;
}

static void s2s_segment_free_rcu(struct rcu_head *head)
{
	struct s2s_segment *seg = container_of(head, struct s2s_segment, rcu);

	s2s_stats_free(&seg->stats);
	kfree(seg);
}

static void s2s_segment_unlink(struct s2s_net *sn, struct s2s_segment *seg)
{
	list_del(&seg->node);
	sn->n_segments--;
	call_rcu(&seg->rcu, s2s_segment_free_rcu);
}

/**
 * s2s_segment_del() - delete a named segment mark
 * @sn: the namespace's state
 * @name: the segment's name
 * @extack: receives the reason of a refusal
 *
 * A segment that selectors name stays.  Called under RTNL.
 *
 * Return: 0, -ENOENT or -EBUSY.
 */
int s2s_segment_del(struct s2s_net *sn, const char *name,
		    struct netlink_ext_ack *extack)
{
	struct s2s_segment *seg = s2s_segment_find(sn, name);

	if (!seg) {
		NL_SET_ERR_MSG_MOD(extack, "no segment with this name");
		return -ENOENT;
	}
	if (seg->users) {
		NL_SET_ERR_MSG_MOD(extack,
				   "selectors use this segment: delete them first (selector show lists them)");
		return -EBUSY;
	}
	s2s_segment_unlink(sn, seg);
	return 0;
}

/**
 * s2s_segment_flush() - delete every segment of a namespace
 * @sn: the namespace's state
 *
 * Called under RTNL when the namespace goes away, after its tunnels (and
 * so every selector) are gone.
 */
void s2s_segment_flush(struct s2s_net *sn)
{
	struct s2s_segment *seg, *tmp;

	ASSERT_RTNL();
	list_for_each_entry_safe(seg, tmp, &sn->segments, node) {
		WARN_ON_ONCE(seg->users);
		s2s_segment_unlink(sn, seg);
	}
}
