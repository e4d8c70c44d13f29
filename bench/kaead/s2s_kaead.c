// SPDX-License-Identifier: GPL-2.0-only
/*
 * s2s_kaead: the AEAD ceiling measured in the kernel, for the benchmark.
 *
 * Not part of s2svpn.ko: the benchmark VM loads it to learn how fast the
 * kernel's AEAD runs on the exact packet sizes the tunnel encrypts, without
 * the system calls and copies of AF_ALG.  One debugfs file,
 * /sys/kernel/debug/s2s_kaead/run (root only): writing a line such as
 *
 *   driver=rfc4106(gcm(aes)) keylen=20 icv=16 size=1404 op=enc cpus=2 secs=2
 *
 * runs the measurement (the write returns when it is over) and reading the
 * file returns the result of the last run, one line:
 *
 *   kaead alg=... driver=... keylen=20 icv=16 op=enc size=1404 cpus=2
 *   ops=N seconds=S ops_per_s=R ns_per_op=X MBps=Y async=K
 *
 * Every key is optional (the defaults are those of the example, with
 * cpus=1 secs=1).  One transform with a random key is shared by one kernel
 * thread per CPU (the first @cpus online CPUs), as an SA is shared by the
 * CPUs that transmit through it.  The threads start together; each runs
 * the AEAD on a request and buffer of its own, one operation at a time
 * with bottom halves disabled (as the data path runs in softirq context),
 * and looks at jiffies every 64 operations.  The buffers are laid out as
 * s2svpn lays out a linear ESP packet (kmod/crypto.c): a 16-byte
 * associated data buffer (SPI, sequence number, IV) and one linear entry
 * holding the payload and the ICV, encrypted in place with the sequence
 * number as IV.  Decryption authenticates a ciphertext made once per
 * thread, out of place so that it stays valid; a failed authentication
 * ends the run with an error, and the plaintext is compared at the end.
 *
 * ns_per_op is the aggregate: 10^9 divided by the operations per second
 * of all threads together (one thread: the time of one operation).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aead.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/parser.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#define KAEAD_SECS_MAX		10
#define KAEAD_SIZE_MAX		9000
#define KAEAD_KEY_MAX		64
#define KAEAD_IV_MAX		16
#define KAEAD_AAD		8	/* SPI, sequence number */
#define KAEAD_CHECK_EVERY	64
#define KAEAD_LINE_MAX		256
#define KAEAD_RESULT_MAX	512

struct kaead_params {
	char driver[CRYPTO_MAX_ALG_NAME];
	unsigned int keylen;
	unsigned int icv;
	unsigned int size;
	bool decrypt;
	unsigned int cpus;
	unsigned int secs;
};

struct kaead_run;

struct kaead_worker {
	struct kaead_run *run;
	struct task_struct *task;
	struct aead_request *req;
	struct crypto_wait wait;
	struct scatterlist src[2];
	struct scatterlist dst[2];
	u8 *ivbuf;
	u8 *iv;
	u8 iv0[KAEAD_IV_MAX];	/* decryption: the ciphertext's IV */
	u8 *aad;		/* AAD + IV, then payload and ICV */
	u8 *data;
	u8 *out;		/* decryption: AAD + IV, then payload */
	u8 *plain;		/* decryption: the expected plaintext */
	u64 ops;
	u64 async;
	u64 ns;
	int err;
};

struct kaead_run {
	const struct kaead_params *p;
	struct crypto_aead *tfm;
	unsigned int ivlen;
	unsigned int assoclen;
	struct completion start;
	struct completion done;
	atomic_t running;
	bool stop;
	unsigned int n;
	struct kaead_worker w[];
};

static DEFINE_MUTEX(kaead_lock);	/* one run at a time; guards the result */
static char kaead_result[KAEAD_RESULT_MAX];
static struct dentry *kaead_dir;

enum {
	KAEAD_OPT_DRIVER, KAEAD_OPT_KEYLEN, KAEAD_OPT_ICV, KAEAD_OPT_SIZE,
	KAEAD_OPT_ENC, KAEAD_OPT_DEC, KAEAD_OPT_CPUS, KAEAD_OPT_SECS,
	KAEAD_OPT_ERR,
};

static const match_table_t kaead_tokens = {
	{ KAEAD_OPT_DRIVER, "driver=%s" },
	{ KAEAD_OPT_KEYLEN, "keylen=%u" },
	{ KAEAD_OPT_ICV, "icv=%u" },
	{ KAEAD_OPT_SIZE, "size=%u" },
	{ KAEAD_OPT_ENC, "op=enc" },
	{ KAEAD_OPT_DEC, "op=dec" },
	{ KAEAD_OPT_CPUS, "cpus=%u" },
	{ KAEAD_OPT_SECS, "secs=%u" },
	{ KAEAD_OPT_ERR, NULL },
};

/* a number in [min, max] */
static int kaead_uint(substring_t *arg, unsigned int min, unsigned int max,
		      unsigned int *val)
{
	unsigned int v;

	if (match_uint(arg, &v) || v < min || v > max)
		return -EINVAL;
	*val = v;
	return 0;
}

static int kaead_parse(char *line, struct kaead_params *p)
{
	substring_t args[MAX_OPT_ARGS];
	int token, err;
	char *opt;

	strscpy(p->driver, "rfc4106(gcm(aes))", sizeof(p->driver));
	p->keylen = 20;
	p->icv = 16;
	p->size = 1404;
	p->decrypt = false;
	p->cpus = 1;
	p->secs = 1;

	while ((opt = strsep(&line, " \t\n")) != NULL) {
		if (!*opt)
			continue;
		token = match_token(opt, kaead_tokens, args);
		switch (token) {
		case KAEAD_OPT_DRIVER:
			if (args[0].to - args[0].from >= sizeof(p->driver))
				return -EINVAL;
			match_strlcpy(p->driver, &args[0], sizeof(p->driver));
			err = 0;
			break;
		case KAEAD_OPT_KEYLEN:
			err = kaead_uint(&args[0], 1, KAEAD_KEY_MAX, &p->keylen);
			break;
		case KAEAD_OPT_ICV:
			err = kaead_uint(&args[0], 1, 64, &p->icv);
			break;
		case KAEAD_OPT_SIZE:
			err = kaead_uint(&args[0], 1, KAEAD_SIZE_MAX, &p->size);
			break;
		case KAEAD_OPT_ENC:
		case KAEAD_OPT_DEC:
			p->decrypt = token == KAEAD_OPT_DEC;
			err = 0;
			break;
		case KAEAD_OPT_CPUS:
			err = kaead_uint(&args[0], 1, num_online_cpus(),
					 &p->cpus);
			break;
		case KAEAD_OPT_SECS:
			err = kaead_uint(&args[0], 1, KAEAD_SECS_MAX, &p->secs);
			break;
		default:
			return -EINVAL;
		}
		if (err)
			return err;
	}
	return 0;
}

/* the AAD (SPI, sequence number) followed by the IV, as s2svpn builds it */
static void kaead_set_seq(struct kaead_run *run, struct kaead_worker *w,
			  u64 seq)
{
	__be64 counter = cpu_to_be64(seq);
	__be32 *aad = (__be32 *)w->aad;
	unsigned int i;

	aad[0] = htonl(0x1000);
	aad[1] = htonl(lower_32_bits(seq));
	for (i = 0; i < run->ivlen; i += sizeof(counter))
		memcpy(w->iv + i, &counter,
		       min_t(unsigned int, sizeof(counter), run->ivlen - i));
	memcpy(w->aad + KAEAD_AAD, w->iv, run->ivlen);
}

/* one operation, bottom halves disabled; waits (outside) if it went async */
static int kaead_op(struct kaead_worker *w, bool decrypt)
{
	int err;

	reinit_completion(&w->wait.completion);
	local_bh_disable();
	if (decrypt)
		err = crypto_aead_decrypt(w->req);
	else
		err = crypto_aead_encrypt(w->req);
	local_bh_enable();
	if (err == -EINPROGRESS || err == -EBUSY) {
		w->async++;
		err = crypto_wait_req(err, &w->wait);
	}
	return err;
}

static int kaead_thread(void *data)
{
	struct kaead_worker *w = data;
	struct kaead_run *run = w->run;
	const struct kaead_params *p = run->p;
	unsigned long deadline;
	u64 t0, seq = 1;
	unsigned int i;
	int err = 0;

	wait_for_completion(&run->start);
	deadline = jiffies + p->secs * HZ;
	t0 = ktime_get_ns();
	while (!READ_ONCE(run->stop)) {
		for (i = 0; i < KAEAD_CHECK_EVERY; i++) {
			/* CBC modes write the IV back: restore it */
			if (p->decrypt)
				memcpy(w->iv, w->iv0, run->ivlen);
			else
				kaead_set_seq(run, w, ++seq);
			err = kaead_op(w, p->decrypt);
			if (err)
				goto out;
			w->ops++;
		}
		if (time_after_eq(jiffies, deadline))
			break;
		cond_resched();
	}
	if (p->decrypt && w->ops &&
	    memcmp(w->out + run->assoclen, w->plain, p->size))
		err = -EBADMSG;
out:
	w->ns = ktime_get_ns() - t0;
	w->err = err;
	if (atomic_dec_and_test(&run->running))
		complete(&run->done);

	/* stay until kthread_stop(), so that the task cannot go away early */
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static void kaead_worker_free(struct kaead_worker *w)
{
	if (w->task)
		kthread_stop(w->task);
	aead_request_free(w->req);
	kfree(w->ivbuf);
	kfree(w->aad);
	kfree(w->out);
	kfree(w->plain);
}

/* buffers and request of one thread, on @cpu's node; the ciphertext to
 * decrypt is made here, once
 */
static int kaead_worker_init(struct kaead_run *run, struct kaead_worker *w,
			     unsigned int cpu)
{
	const struct kaead_params *p = run->p;
	unsigned int len = run->assoclen + p->size + p->icv;
	unsigned int align = crypto_aead_alignmask(run->tfm) + 1;
	int node = cpu_to_node(cpu);
	int err;

	w->run = run;
	w->req = aead_request_alloc(run->tfm, GFP_KERNEL);
	w->ivbuf = kmalloc_node(run->ivlen + align, GFP_KERNEL, node);
	w->aad = kmalloc_node(len, GFP_KERNEL, node);
	if (!w->req || !w->ivbuf || !w->aad)
		return -ENOMEM;
	w->iv = PTR_ALIGN(w->ivbuf, align);
	w->data = w->aad + run->assoclen;
	get_random_bytes(w->data, p->size);
	kaead_set_seq(run, w, 1);
	memcpy(w->iv0, w->iv, run->ivlen);

	crypto_init_wait(&w->wait);
	/* waiting is allowed, sleeping in the driver is not (BHs are off) */
	aead_request_set_callback(w->req, CRYPTO_TFM_REQ_MAY_BACKLOG,
				  crypto_req_done, &w->wait);
	aead_request_set_ad(w->req, run->assoclen);
	sg_init_table(w->src, 2);
	sg_set_buf(&w->src[0], w->aad, run->assoclen);
	sg_set_buf(&w->src[1], w->data, p->size + p->icv);
	aead_request_set_crypt(w->req, w->src, w->src, p->size, w->iv);
	if (!p->decrypt)
		return 0;

	w->out = kmalloc_node(len, GFP_KERNEL, node);
	w->plain = kmalloc_node(p->size, GFP_KERNEL, node);
	if (!w->out || !w->plain)
		return -ENOMEM;
	memcpy(w->plain, w->data, p->size);
	err = kaead_op(w, false);
	if (err)
		return err;
	memcpy(w->out, w->aad, run->assoclen);
	sg_init_table(w->dst, 2);
	sg_set_buf(&w->dst[0], w->out, run->assoclen);
	sg_set_buf(&w->dst[1], w->out + run->assoclen, p->size + p->icv);
	aead_request_set_crypt(w->req, w->src, w->dst, p->size + p->icv,
			       w->iv);
	w->async = 0;
	return 0;
}

static struct crypto_aead *kaead_tfm(const struct kaead_params *p)
{
	struct crypto_aead *tfm;
	u8 *key;
	int err;

	tfm = crypto_alloc_aead(p->driver, 0, 0);
	if (IS_ERR(tfm))
		return tfm;
	err = -EINVAL;
	if (crypto_aead_ivsize(tfm) > KAEAD_IV_MAX)
		goto err;
	err = -ENOMEM;
	key = kmalloc(p->keylen, GFP_KERNEL);
	if (!key)
		goto err;
	get_random_bytes(key, p->keylen);
	err = crypto_aead_setkey(tfm, key, p->keylen);
	kfree_sensitive(key);
	if (!err)
		err = crypto_aead_setauthsize(tfm, p->icv);
	if (!err)
		return tfm;
err:
	crypto_free_aead(tfm);	/* the key in its context is zeroed */
	return ERR_PTR(err);
}

static void kaead_report(struct kaead_run *run, int err)
{
	const struct kaead_params *p = run->p;
	u64 ops = 0, async = 0, ns = 0, rate = 0, tenth_ns, mbps, secs;
	u32 ns_rem, ns_tenth, mb_rem;
	unsigned int i;
	int len;

	len = scnprintf(kaead_result, sizeof(kaead_result),
			"kaead alg=%s driver=%s keylen=%u icv=%u op=%s size=%u cpus=%u",
			p->driver, run->tfm ?
			crypto_tfm_alg_driver_name(crypto_aead_tfm(run->tfm)) :
			"none",
			p->keylen, p->icv, p->decrypt ? "dec" : "enc", p->size,
			p->cpus);
	if (err) {
		scnprintf(kaead_result + len, sizeof(kaead_result) - len,
			  " error=%d\n", err);
		return;
	}
	for (i = 0; i < run->n; i++) {
		struct kaead_worker *w = &run->w[i];

		ops += w->ops;
		async += w->async;
		ns = max(ns, w->ns);
		if (w->ns)
			rate += div64_u64(w->ops * NSEC_PER_SEC, w->ns);
	}
	/* tenths of a nanosecond per operation, hundredths of MB/s */
	tenth_ns = rate ? div64_u64(10ULL * NSEC_PER_SEC, rate) : 0;
	mbps = div64_u64(rate * p->size, 10000);
	secs = div_u64_rem(ns, NSEC_PER_SEC, &ns_rem);
	tenth_ns = div_u64_rem(tenth_ns, 10, &ns_tenth);
	mbps = div_u64_rem(mbps, 100, &mb_rem);
	scnprintf(kaead_result + len, sizeof(kaead_result) - len,
		  " ops=%llu seconds=%llu.%03u ops_per_s=%llu ns_per_op=%llu.%u MBps=%llu.%02u async=%llu\n",
		  ops, secs, ns_rem / (u32)NSEC_PER_MSEC, rate, tenth_ns,
		  ns_tenth, mbps, mb_rem, async);
}

static int kaead_measure(const struct kaead_params *p)
{
	struct kaead_run *run;
	unsigned int cpu, i;
	int err;

	run = kzalloc(struct_size(run, w, p->cpus), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	run->p = p;
	init_completion(&run->start);
	init_completion(&run->done);
	run->tfm = kaead_tfm(p);
	if (IS_ERR(run->tfm)) {
		err = PTR_ERR(run->tfm);
		/* no such algorithm, or it refused the key or ICV length */
		if (err == -ENOENT)
			err = -EINVAL;
		run->tfm = NULL;
		kaead_report(run, err);
		kfree(run);
		return err;
	}
	run->ivlen = crypto_aead_ivsize(run->tfm);
	run->assoclen = KAEAD_AAD + run->ivlen;

	i = 0;
	for_each_online_cpu(cpu) {
		struct kaead_worker *w = &run->w[i];

		if (i == p->cpus)
			break;
		run->n = ++i;
		err = kaead_worker_init(run, w, cpu);
		if (err)
			goto out;
		w->task = kthread_create_on_cpu(kaead_thread, w, cpu,
						"s2s_kaead/%u");
		if (IS_ERR(w->task)) {
			err = PTR_ERR(w->task);
			w->task = NULL;
			goto out;
		}
	}
	err = -EINVAL;		/* CPUs went offline since the parse */
	if (run->n < p->cpus)
		goto out;

	atomic_set(&run->running, run->n);
	for (i = 0; i < run->n; i++)
		wake_up_process(run->w[i].task);
	complete_all(&run->start);
	err = 0;
	if (wait_for_completion_killable(&run->done)) {
		WRITE_ONCE(run->stop, true);
		wait_for_completion(&run->done);
		err = -EINTR;
	}
	for (i = 0; i < run->n && !err; i++)
		err = run->w[i].err;
out:
	kaead_report(run, err);
	for (i = 0; i < run->n; i++)
		kaead_worker_free(&run->w[i]);
	crypto_free_aead(run->tfm);
	kfree(run);
	return err;
}

static ssize_t kaead_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct kaead_params *p;
	char *line;
	int err;

	if (count >= KAEAD_LINE_MAX)
		return -EINVAL;
	line = memdup_user_nul(ubuf, count);
	if (IS_ERR(line))
		return PTR_ERR(line);
	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!p) {
		kfree(line);
		return -ENOMEM;
	}
	err = kaead_parse(line, p);
	kfree(line);
	if (!err) {
		err = mutex_lock_killable(&kaead_lock);
		if (!err) {
			err = kaead_measure(p);
			mutex_unlock(&kaead_lock);
		}
	}
	kfree(p);
	return err ? err : count;
}

static ssize_t kaead_read(struct file *file, char __user *ubuf, size_t count,
			  loff_t *ppos)
{
	ssize_t ret;

	if (mutex_lock_killable(&kaead_lock))
		return -EINTR;
	ret = simple_read_from_buffer(ubuf, count, ppos, kaead_result,
				      strlen(kaead_result));
	mutex_unlock(&kaead_lock);
	return ret;
}

static const struct file_operations kaead_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = kaead_read,
	.write = kaead_write,
	.llseek = default_llseek,
};

static int __init kaead_init(void)
{
	kaead_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	if (IS_ERR(kaead_dir))
		return PTR_ERR(kaead_dir);
	debugfs_create_file("run", 0600, kaead_dir, NULL, &kaead_fops);
	return 0;
}

static void __exit kaead_exit(void)
{
	/* waits for a run in progress (debugfs holds off removal) */
	debugfs_remove_recursive(kaead_dir);
}

module_init(kaead_init);
module_exit(kaead_exit);

MODULE_DESCRIPTION("In-kernel AEAD speed measurement for the s2svpn benchmark");
MODULE_LICENSE("GPL");
