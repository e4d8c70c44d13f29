// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parallel crypto with per-tunnel order.
 *
 * A single flow through one tunnel would otherwise encrypt on the one CPU
 * that transmits it.  Each packet becomes a job: it joins its tunnel's
 * ordered queue and, with the parallel parameter on, is given to a CPU.
 * When a job is done, whoever finished it drains the head of the queue
 * while the head is done, so packets leave in the order they came,
 * whichever CPU finished first.  One CPU drains a queue at a time.
 *
 * The parallel mode spreads only a busy queue.  A job that finds its queue
 * empty and the queue's previous job more than S2S_QUIET_NS old is lone (a
 * ping, a request): its crypto runs on the submitting CPU, as in the
 * serial mode, since handing it to another CPU would only add a wake-up to
 * its latency.  A queue that sees more than about one job per S2S_QUIET_NS
 * (a TCP window, a segmented GSO packet, a stream) is spread.  A lone job
 * still leaves from the home CPU (below): a quiet gap on the submitting
 * side does not prove that the packets before it have left the home CPU's
 * backlog, and overtaking them could cost more than the replay window.
 *
 * The parallel mode hands work on per burst, not per packet: a queue gives
 * S2S_BURST consecutive jobs to one CPU, then the next S2S_BURST to the
 * next online CPU, round-robin.  A burst given to the submitting CPU runs
 * at once, inline, as in the serial mode; a burst given to another CPU
 * joins that CPU's worker list, and only a job that finds the list empty
 * queues the worker, so a work item and a context switch are paid per
 * burst at most.  A CPU whose worker already has S2S_WORKER_BACKLOG jobs
 * waiting is behind: the submitter claims the job back and runs it itself,
 * so that a hand-off never waits longer than running inline would, and
 * flows that already keep every CPU busy stay on their own CPUs.
 *
 * With the parameter off (or one CPU online) a job still joins the queue
 * but its crypto starts at once on the CPU that submitted it.  Mostly it
 * finishes there and then, is the head, and leaves at once.  But an
 * asynchronous engine (cryptd, which the AES-NI glue falls back to when
 * the FPU is not usable, or a hardware engine) may finish it later, on
 * another CPU: the packets submitted after it wait behind it instead of
 * overtaking it.  Since every job is queued whatever the mode, switching
 * the parameter at run time never reorders either.
 *
 * In that serial mode a transmitted packet leaves from the CPU that
 * submitted it.  A job done at once on its CPU is owned by it: other
 * drainers pass over it, and its CPU finishes it itself, once it holds the
 * draining bit (waiting S2S_OWN_WAIT_NS at most for another CPU's softirq
 * to let go; then it leaves the job to whoever drains).  Its CPU in turn
 * passes over other CPUs' owned jobs ahead of it: such a job was submitted
 * while its CPU was busy with it, so no packet of the same sender is
 * behind it, and nothing orders the two.  A job not done at once (an
 * asynchronous engine) is not owned, and no job passes it.  Before, the
 * CPU that held the draining bit sent every finished head, other CPUs'
 * too: a flow's packets then left through two CPUs' backlogs, which
 * overtake each other (TCP counted the reordering as loss:
 * Documentation/performance.rst).
 *
 * Bounded, in every case:
 *  - A queue holds at most S2S_QUEUE_MAX jobs.  A job that finds it full is
 *    finished at once with -ENOBUFS (dropped, counted as queue_full): it
 *    never runs past the jobs queued before it, which would reorder.
 *  - One drain pass hands on at most S2S_DRAIN_BUDGET jobs with BHs off.
 *    When the budget runs out the drainer keeps the queue's draining bit
 *    and a work item continues, a budget at a time, rescheduling between
 *    passes: no soft lockup or RCU stall when jobs finish at line rate.
 *
 * In the parallel mode every queue also has a home CPU, chosen
 * round-robin when the tunnel is created: jobs finished elsewhere leave
 * the draining to a work item on the home CPU.  Packets of a tunnel then
 * leave from one CPU: through one transmit queue of a multi-queue device,
 * or one CPU's backlog behind a veth, which would otherwise let two CPUs'
 * packets overtake each other after they left in order, by more than the
 * peer's replay window when the sender floods.
 *
 * Delivery keeps the order too.  A decrypted packet leaves its queue on
 * whichever CPU drains it; handing it to that CPU's backlog or GRO cell
 * would let two packets of one flow, drained on two CPUs one after the
 * other, reach the stack in either order.  Instead each tunnel has one
 * NAPI instance (struct s2s_rx_napi, as WireGuard has one per peer): the
 * drainer appends to its list and schedules it, and since a NAPI instance
 * is polled on one CPU at a time, packets reach GRO and the stack in
 * queue order.  The list holds at most netdev_max_backlog packets; more
 * are refused and counted as queue_full by the caller.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/workqueue.h>
#include "compat.h"
#include "queueing.h"

/* Jobs a queue holds; more are dropped (bounded memory, order kept). */
#define S2S_QUEUE_MAX 1024
/* Jobs one drain pass hands on with BHs off. */
#define S2S_DRAIN_BUDGET 64
/* Consecutive jobs of a queue given to one CPU in the parallel mode. */
#define S2S_BURST 8
/* Jobs waiting for a CPU's worker beyond which submitters keep theirs. */
#define S2S_WORKER_BACKLOG (4 * S2S_BURST)
/* A gap between a queue's jobs after which the next one is lone. */
#define S2S_QUIET_NS NSEC_PER_MSEC

/*
 * Off by default: one flow gains the other CPUs, but flows that already
 * keep every CPU busy lose to the hand-offs, and a lone packet submitted
 * on another CPU than its queue's home pays a drain there
 * (Documentation/performance.rst).
 */
static bool parallel;
module_param(parallel, bool, 0644);
MODULE_PARM_DESC(parallel, "spread crypto over all CPUs, keeping order (default: off)");

struct s2s_worker {
	struct llist_head jobs;
	atomic_t backlog;
	struct work_struct work;
};

/* How long a CPU waits to send the packet it submitted itself. */
#define S2S_OWN_WAIT_NS (200 * NSEC_PER_USEC)

static struct s2s_worker __percpu *s2s_workers;
static struct workqueue_struct *s2s_crypt_wq;

/*
 * Hands on up to S2S_DRAIN_BUDGET finished jobs from the head of @q, in
 * order: takes them off under one hold of the lock, then finishes them.
 * The caller holds the draining bit and has BHs off.  Returns true when
 * the budget ran out (more may be waiting).
 */
static bool s2s_queue_pop(struct s2s_queue *q, struct s2s_job *mine,
			  bool *took_mine)
{
	struct s2s_job *job, *tmp;
	unsigned int n = 0;
	LIST_HEAD(done);

	spin_lock_bh(&q->lock);
	list_for_each_entry_safe(job, tmp, &q->jobs, queue_node) {
		if (n == S2S_DRAIN_BUDGET)
			break;
		/* its own CPU sends it; what follows came from other CPUs */
		if (job->owned && job != mine)
			continue;
		/* pairs with smp_store_release() in s2s_job_complete() */
		if (!smp_load_acquire(&job->done))
			break;
		if (job == mine)
			*took_mine = true;
		list_move_tail(&job->queue_node, &done);
		n++;
	}
	q->len -= n;
	spin_unlock_bh(&q->lock);
	/* @finish frees the job */
	list_for_each_entry_safe(job, tmp, &done, queue_node)
		job->finish(job, job->err);
	return n == S2S_DRAIN_BUDGET;
}

/* Whether a drainer would hand a job on now. */
static bool s2s_queue_head_ready(struct s2s_queue *q)
{
	struct s2s_job *job;
	bool ready = false;

	spin_lock_bh(&q->lock);
	list_for_each_entry(job, &q->jobs, queue_node) {
		if (job->owned)
			continue;
		/* pairs with smp_store_release() in s2s_job_complete() */
		ready = smp_load_acquire(&job->done);
		break;
	}
	spin_unlock_bh(&q->lock);
	return ready;
}

/*
 * The CPU that drains @q in the parallel mode, so that its packets leave
 * from one CPU (one transmit queue, one backlog); any CPU while the home
 * CPU is offline.
 */
static int s2s_queue_home(struct s2s_queue *q)
{
	int cpu = q->home_cpu;

	return cpu_online(cpu) ? cpu : raw_smp_processor_id();
}

/* The caller holds the draining bit: the work item becomes the drainer. */
static void s2s_queue_drain_defer(struct s2s_queue *q)
{
	int cpu = READ_ONCE(parallel) ? s2s_queue_home(q) :
					raw_smp_processor_id();

	WRITE_ONCE(q->drainer_cpu, -1);
	netdev_hold(q->dev, &q->drain_tracker, GFP_ATOMIC);
	if (!queue_work_on(cpu, s2s_crypt_wq, &q->drain_work))
		netdev_put(q->dev, &q->drain_tracker);
}

/* Called with BHs off; the work item takes over when the budget runs out. */
static void s2s_queue_drain(struct s2s_queue *q)
{
	for (;;) {
		bool mine = false;

		if (test_and_set_bit(0, &q->draining))
			return;	/* the CPU draining will see our job */
		WRITE_ONCE(q->drainer_cpu, smp_processor_id());
		if (s2s_queue_pop(q, NULL, &mine)) {
			/* keep the bit: the work item is the drainer now */
			s2s_queue_drain_defer(q);
			return;
		}
		clear_bit(0, &q->draining);
		/*
		 * A job may have finished after we looked but before we let
		 * go, its CPU seeing the bit still set: look again.  Pairs
		 * with the ordering of test_and_set_bit() above, on that CPU.
		 */
		smp_mb__after_atomic();
		if (!s2s_queue_head_ready(q))
			return;
	}
}

/* Under q->lock: another CPU may finish @job now. */
static void s2s_job_disown(struct s2s_queue *q, struct s2s_job *job)
{
	spin_lock_bh(&q->lock);
	job->owned = false;
	spin_unlock_bh(&q->lock);
}

/*
 * The serial mode, a job done at once on the CPU that submitted it: that
 * CPU sends it, so that what one CPU submits leaves from that CPU (one
 * transmit queue, one backlog), in order.  Other drainers pass over the
 * job, and this CPU passes over other CPUs' own jobs ahead of it: each was
 * submitted while the other was busy with its own, so nothing orders
 * them.  While another CPU's softirq holds the draining bit this CPU waits
 * for it, a short while (S2S_OWN_WAIT_NS), then leaves the job to whoever
 * drains.  BHs off.
 */
static void s2s_queue_drain_owned(struct s2s_queue *q, struct s2s_job *job)
{
	u64 until = local_clock() + S2S_OWN_WAIT_NS;
	int me = smp_processor_id();
	bool mine = false;
	int holder;

	while (test_and_set_bit(0, &q->draining)) {
		/* not behind a work item, nor ourselves, nor for long */
		holder = READ_ONCE(q->drainer_cpu);
		if (holder < 0 || holder == me || local_clock() >= until) {
			s2s_job_disown(q, job);
			s2s_queue_drain(q);
			return;
		}
		do {
			cpu_relax();
		} while (test_bit(0, &q->draining) && local_clock() < until);
	}
	WRITE_ONCE(q->drainer_cpu, me);
	if (s2s_queue_pop(q, job, &mine)) {
		if (!mine)
			s2s_job_disown(q, job);
		/* keep the bit: the work item is the drainer now */
		s2s_queue_drain_defer(q);
		return;
	}
	/* not taken: behind a job still in crypto, whose completion sends */
	if (!mine)
		s2s_job_disown(q, job);
	clear_bit(0, &q->draining);
	smp_mb__after_atomic();	/* as in s2s_queue_drain() */
	if (s2s_queue_head_ready(q))
		s2s_queue_drain(q);
}

static void s2s_queue_drain_fn(struct work_struct *work)
{
	struct s2s_queue *q = container_of(work, struct s2s_queue, drain_work);
	/* ours: a drain below may queue this work again with a new one */
	netdevice_tracker tracker = q->drain_tracker;
	struct net_device *dev = q->dev;
	bool more;

	do {
		bool mine = false;

		local_bh_disable();
		more = s2s_queue_pop(q, NULL, &mine);
		local_bh_enable();
		cond_resched();
	} while (more);
	clear_bit(0, &q->draining);
	smp_mb__after_atomic();	/* as in s2s_queue_drain() */
	local_bh_disable();
	if (s2s_queue_head_ready(q))
		s2s_queue_drain(q);
	local_bh_enable();
	netdev_put(dev, &tracker);	/* taken when this work was queued */
}

/**
 * s2s_job_complete() - report a job's crypto result
 * @job: the job
 * @err: 0 or the crypto error
 *
 * Called after a synchronous operation or from the crypto completion
 * callback, in any context.  A completion in hard IRQ context (a hardware
 * engine's) leaves the draining to the work item, and so does one on
 * another CPU than the queue's home in the parallel mode.
 */
void s2s_job_complete(struct s2s_job *job, int err)
{
	struct s2s_queue *q = job->queue;
	netdevice_tracker tracker;

	/* once done is set another CPU may finish the job and free it */
	netdev_hold(q->dev, &tracker, GFP_ATOMIC);
	job->err = err;
	/* publishes err; pairs with s2s_queue_pop() */
	smp_store_release(&job->done, true);
	if (unlikely(in_hardirq() || irqs_disabled())) {
		/* whoever holds the bit looks at the head again when done */
		if (!test_and_set_bit(0, &q->draining))
			s2s_queue_drain_defer(q);
		netdev_put(q->dev, &tracker);
		return;
	}
	local_bh_disable();
	if (job->owned && job->cpu == smp_processor_id()) {
		s2s_queue_drain_owned(q, job);
	} else if (READ_ONCE(parallel) && smp_processor_id() != s2s_queue_home(q)) {
		/* the home CPU drains: packets leave from one CPU */
		if (!test_and_set_bit(0, &q->draining))
			s2s_queue_drain_defer(q);
	} else {
		s2s_queue_drain(q);
	}
	local_bh_enable();
	netdev_put(q->dev, &tracker);
}

static void s2s_job_start(struct s2s_job *job)
{
	int err = job->start(job);

	/*
	 * Requests never carry CRYPTO_TFM_REQ_MAY_BACKLOG: -EBUSY or -ENOSPC
	 * means the engine refused the request and will not call back.
	 */
	if (err != -EINPROGRESS) {
		s2s_job_complete(job, err);
	} else if (job->owned) {
		/* its completion may come anywhere: let any CPU send it */
		struct s2s_queue *q = job->queue;

		s2s_job_disown(q, job);
		if (s2s_queue_head_ready(q))
			s2s_queue_drain(q);
	}
}

static void s2s_worker_fn(struct work_struct *work)
{
	struct s2s_worker *w = container_of(work, struct s2s_worker, work);
	struct llist_node *list = llist_reverse_order(llist_del_all(&w->jobs));
	struct s2s_job *job, *tmp;

	llist_for_each_entry_safe(job, tmp, list, worker_node) {
		atomic_dec(&w->backlog);
		local_bh_disable();
		s2s_job_start(job);
		local_bh_enable();
		cond_resched();
	}
}

/* The CPU for @q's next job: S2S_BURST in a row each; q->lock held. */
static int s2s_burst_cpu(struct s2s_queue *q)
{
	int cpu = q->burst_cpu;

	/* burst_left is 0 until the first burst sets a CPU */
	if (q->burst_left && cpu_online(cpu)) {
		q->burst_left--;
		return cpu;
	}
	cpu = cpumask_next(cpu, cpu_online_mask);
	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	q->burst_cpu = cpu;
	q->burst_left = S2S_BURST - 1;
	return cpu;
}

/**
 * s2s_job_run() - run a job's crypto, in parallel when that pays
 * @q: the tunnel's queue for this direction
 * @job: the job, with @start and @finish set
 *
 * @finish is called exactly once: in queue order, or at once with -ENOBUFS
 * (and without starting the crypto) when the queue is full.  Called with
 * BH disabled.
 */
void s2s_job_run(struct s2s_queue *q, struct s2s_job *job)
{
	bool par = READ_ONCE(parallel) && num_online_cpus() > 1;
	u64 now = par ? local_clock() : 0;
	struct s2s_worker *w;
	bool lone = false;
	int cpu = 0;

	job->done = false;
	job->queue = q;
	job->cpu = smp_processor_id();
	job->owned = !par && q->own && !irqs_disabled();

	spin_lock(&q->lock);
	if (q->len >= S2S_QUEUE_MAX) {
		spin_unlock(&q->lock);
		job->finish(job, -ENOBUFS);
		return;
	}
	if (par) {
		/* a clock read on another CPU may be ahead: that is busy */
		lone = !q->len && (s64)(now - q->last_ns) >= S2S_QUIET_NS;
		q->last_ns = now;
		if (!lone)
			cpu = s2s_burst_cpu(q);
	}
	list_add_tail(&job->queue_node, &q->jobs);
	q->len++;
	spin_unlock(&q->lock);

	/* queued first: a later job cannot overtake this one */
	if (!par || lone || cpu == smp_processor_id())
		goto inline_start;
	w = per_cpu_ptr(s2s_workers, cpu);
	if (atomic_read(&w->backlog) >= S2S_WORKER_BACKLOG)
		goto inline_start;	/* that CPU is behind: claim it back */
	atomic_inc(&w->backlog);
	if (llist_add(&job->worker_node, &w->jobs))
		queue_work_on(cpu, s2s_crypt_wq, &w->work);
	return;

inline_start:
	s2s_job_start(job);
}

/* BHs off (softirq): delivers up to @budget packets, in order. */
static int s2s_rx_napi_poll(struct napi_struct *napi, int budget)
{
	struct s2s_rx_napi *r = container_of(napi, struct s2s_rx_napi, napi);
	struct sk_buff *skb;
	int done = 0;

	while (done < budget) {
		skb = skb_dequeue(&r->ready);
		if (!skb)
			break;
		napi_gro_receive(napi, skb);
		done++;
	}
	/* a packet appended meanwhile set MISSED: NAPI polls again */
	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}

/**
 * s2s_rx_napi_deliver() - hand a decrypted packet to the stack, in order
 * @r: the tunnel's receive NAPI
 * @skb: the packet, its device set to the tunnel
 *
 * Called with BHs off by whoever drains the tunnel's receive queue, one
 * CPU at a time, so packets are appended in queue order.  On success the
 * packet belongs to the NAPI instance.
 *
 * Return: 0, -ENETDOWN when the tunnel is down, -ENOBUFS when
 * netdev_max_backlog packets already wait; the caller drops and counts.
 */
int s2s_rx_napi_deliver(struct s2s_rx_napi *r, struct sk_buff *skb)
{
	if (unlikely(!(skb->dev->flags & IFF_UP)))
		return -ENETDOWN;
	if (skb_queue_len_lockless(&r->ready) >= s2s_max_backlog())
		return -ENOBUFS;
	skb_queue_tail(&r->ready, skb);
	napi_schedule(&r->napi);
	return 0;
}

/**
 * s2s_rx_napi_init() - set up a tunnel's receive NAPI
 * @r: the NAPI
 * @dev: the tunnel device
 */
void s2s_rx_napi_init(struct s2s_rx_napi *r, struct net_device *dev)
{
	skb_queue_head_init(&r->ready);
	netif_napi_add(dev, &r->napi, s2s_rx_napi_poll);
	napi_enable(&r->napi);
}

/**
 * s2s_rx_napi_destroy() - stop a tunnel's receive NAPI, drop what waits
 * @r: the NAPI
 *
 * Called once nothing can deliver any more (no job holds the device):
 * waits for a poll under way, then frees the packets left.  May sleep.
 */
void s2s_rx_napi_destroy(struct s2s_rx_napi *r)
{
	napi_disable(&r->napi);
	netif_napi_del(&r->napi);
	skb_queue_purge(&r->ready);
}

/* Home CPUs for new queues, round-robin over the CPUs online now. */
static int s2s_home_pick(void)
{
	static atomic_t next = ATOMIC_INIT(0);
	unsigned int n = atomic_inc_return(&next) % num_online_cpus();
	int cpu = cpumask_first(cpu_online_mask);

	while (n--)
		cpu = cpumask_next(cpu, cpu_online_mask);
	return cpu < nr_cpu_ids ? cpu : cpumask_first(cpu_online_mask);
}

/**
 * s2s_queue_init() - initialise a tunnel's queue
 * @q: the queue
 * @dev: the tunnel device, which every queued job holds
 */
void s2s_queue_init(struct s2s_queue *q, struct net_device *dev)
{
	q->dev = dev;
	spin_lock_init(&q->lock);
	INIT_LIST_HEAD(&q->jobs);
	q->len = 0;
	q->draining = 0;
	q->burst_cpu = -1;
	q->burst_left = 0;
	q->home_cpu = s2s_home_pick();
	q->last_ns = 0;
	q->own = false;
	q->drainer_cpu = -1;
	INIT_WORK(&q->drain_work, s2s_queue_drain_fn);
}

/**
 * s2s_queueing_init() - create the per-CPU crypto workers
 *
 * Return: 0 or -ENOMEM.
 */
int s2s_queueing_init(void)
{
	int cpu;

	s2s_workers = alloc_percpu(struct s2s_worker);
	if (!s2s_workers)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct s2s_worker *w = per_cpu_ptr(s2s_workers, cpu);

		init_llist_head(&w->jobs);
		atomic_set(&w->backlog, 0);
		INIT_WORK(&w->work, s2s_worker_fn);
	}
	s2s_crypt_wq = alloc_workqueue("s2svpn_crypt",
				       WQ_CPU_INTENSIVE | WQ_MEM_RECLAIM, 0);
	if (!s2s_crypt_wq) {
		free_percpu(s2s_workers);
		return -ENOMEM;
	}
	return 0;
}

/**
 * s2s_queueing_exit() - stop the workers
 *
 * Every job holds a reference on its tunnel device, so once the devices are
 * gone no job is left; destroying the workqueue still waits for running
 * workers.
 */
void s2s_queueing_exit(void)
{
	destroy_workqueue(s2s_crypt_wq);
	free_percpu(s2s_workers);
}
