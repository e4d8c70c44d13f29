/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parallel crypto with per-tunnel order: packets are encrypted or decrypted
 * on every CPU, and leave in the order they entered.  Decrypted packets are
 * delivered by one NAPI per tunnel, in that order.
 */
#ifndef _S2S_QUEUEING_H
#define _S2S_QUEUEING_H

#include <linux/list.h>
#include <linux/llist.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

struct s2s_job;

/**
 * struct s2s_queue - one direction of one tunnel
 * @dev: the tunnel device
 * @lock: protects @jobs and @len
 * @jobs: jobs in arrival order; only the head may leave
 * @len: number of jobs in @jobs
 * @draining: bit 0 set while one CPU hands finished jobs on
 * @burst_cpu: the CPU the parallel mode gives this queue's jobs to now
 * @burst_left: jobs still to give to @burst_cpu before moving on
 * @home_cpu: the CPU that drains the queue in the parallel mode
 * @last_ns: local_clock() when the last job came, in the parallel mode
 * @drain_work: continues a drain whose budget ran out (holds @dev)
 * @drain_tracker: tracks @drain_work's reference on @dev
 * @own: in the serial mode a CPU finishes the jobs it submitted itself
	(the transmit queue: packets leave from the CPU that sent them)
 * @drainer_cpu: the CPU holding @draining in softirq context, or -1
 */
struct s2s_queue {
	struct net_device *dev;
	spinlock_t lock;
	struct list_head jobs;
	unsigned int len;
	unsigned long draining;
	int burst_cpu;
	unsigned int burst_left;
	int home_cpu;
	u64 last_ns;
	struct work_struct drain_work;
	netdevice_tracker drain_tracker;
	bool own;
	int drainer_cpu;
};

/**
 * struct s2s_job - a packet's place in a queue
 * @queue_node: entry in s2s_queue.jobs
 * @worker_node: entry in a CPU's list of jobs to run
 * @queue: the queue the job waits in
 * @start: starts the crypto operation; returns its status (-EINPROGRESS
 *	means the completion callback will report; requests are never
 *	backlogged, so -EBUSY and -ENOSPC are refusals)
 * @finish: hands the finished packet on, in queue order
 * @err: the crypto result
 * @cpu: the CPU that submitted the job
 * @done: set once @err is valid
 * @owned: @cpu finishes the job itself (serial mode, done at once);
 *	written under the queue's lock
 */
struct s2s_job {
	struct list_head queue_node;
	struct llist_node worker_node;
	struct s2s_queue *queue;
	int (*start)(struct s2s_job *job);
	void (*finish)(struct s2s_job *job, int err);
	int err;
	int cpu;
	bool done;
	bool owned;
};

/**
 * struct s2s_rx_napi - in-order delivery of a tunnel's decrypted packets
 * @napi: delivers @ready through GRO; polled on one CPU at a time
 * @ready: decrypted packets in the order their queue handed them on
 */
struct s2s_rx_napi {
	struct napi_struct napi;
	struct sk_buff_head ready;
};

int s2s_queueing_init(void);
void s2s_queueing_exit(void);
void s2s_queue_init(struct s2s_queue *q, struct net_device *dev);
void s2s_job_run(struct s2s_queue *q, struct s2s_job *job);
void s2s_job_complete(struct s2s_job *job, int err);
void s2s_rx_napi_init(struct s2s_rx_napi *r, struct net_device *dev);
void s2s_rx_napi_destroy(struct s2s_rx_napi *r);
int s2s_rx_napi_deliver(struct s2s_rx_napi *r, struct sk_buff *skb);

#endif /* _S2S_QUEUEING_H */
