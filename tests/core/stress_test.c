// SPDX-License-Identifier: GPL-2.0
/*
 * stress_test.c - the mixed soak: everything at once, on 2 vCPUs.
 *
 * 4 processes x 4 threads open and close a slot (through its device node
 * and a mknod node), select channels from a small shared set, write, read
 * with large and small buffers, poll and touch short-lived extra slots,
 * while beside them a control thread adds and removes those extra slots
 * and clears the stressed one, a thread reads every sysfs counter of the
 * stressed slot and a thread dumps it through debugfs in small and large
 * reads.  concurrency_test.c and races_test.c each race one thing; this
 * races all of them.
 *
 * Checked all the time: every message read or dumped verifies
 * (stress_msg.h) and names the channel it came from; no writer's message
 * on a channel is followed by an older one of the same writer; EWOULDBLOCK
 * only when a clear may have emptied the channel since this thread last
 * saw a message there (or poll said POLLIN); ENOSPC never with a BUF_LEN
 * buffer; read never writes past what it returns; sysfs values parse and
 * lie within the bounds the workers' own counts allow at that moment.
 * Checked at the end, when all is quiet: writes, reads and open_files are
 * exactly what the workers did; channels and bytes are exactly what the
 * channels hold; the dump is exactly the channels' messages.
 *
 * MS_STRESS_SECONDS sets the soak's length (default 15 here; the debug
 * lane runs longer).  The totals and rates are printed at the end.
 */
#include "stress_watch.h"

#include <poll.h>
#include <pthread.h>
#include <sys/mman.h>

enum {
	CANARY = 16,
	FILL = 0xc3,
	DEFAULT_SECONDS = 15,
	SLACK_SECONDS = 45,	/* setup, quiesce and the final checks */
};

/* One worker thread: its view of the channels and its own PRNG. */
struct worker {
	struct soak *sh;
	struct counts *c;
	unsigned int id;		/* writer id, 0..NWORKERS-1 */
	uint64_t rng;
	int fd;				/* its main open file */
	unsigned int chan;		/* the channel index @fd has selected */
	unsigned int opens;
	uint32_t seq;			/* of its last long message */
	/* clears_done when it last knew channel i held a message. */
	uint64_t known[MSG_NCHAN];
	/* The newest seq it has seen per channel and writer. */
	uint32_t last_seq[MSG_NCHAN][MSG_NWRITERS];
};

static double soak_seconds(void)
{
	const char *env = getenv("MS_STRESS_SECONDS");
	double s = env && *env ? atof(env) : DEFAULT_SECONDS;

	return s > 0 ? s : DEFAULT_SECONDS;
}

/*
 * The harness armed alarm() with this test's nominal timeout; a longer
 * soak (MS_STRESS_SECONDS) needs a proportionally longer one, scaled like
 * the harness's own by HARNESS_TIMEOUT_SCALE.
 */
static void arm_timeout(double seconds)
{
	const char *env = getenv("HARNESS_TIMEOUT_SCALE");
	unsigned int scale = env && atoi(env) > 0 ? (unsigned int)atoi(env) : 1;
	unsigned int want = ((unsigned int)seconds + SLACK_SECONDS) * scale;
	unsigned int left = alarm(want);

	if (left > want)
		alarm(left);
}

static void bump(_Atomic uint64_t *counter)
{
	atomic_fetch_add(counter, 1);
}

/* ---- the verifier's own test ------------------------------------------ */

/*
 * A read of @n bytes whose first @k bytes come from @a and the rest from
 * @b (each followed by stale bytes); unless that is a whole @a or @b,
 * msg_check() must reject it.  Returns 1 if it was a torn case.
 */
static int check_torn(const unsigned char *a, size_t la,
		      const unsigned char *b, size_t lb, size_t n, size_t k)
{
	unsigned char mix[BUF_LEN];
	struct msg_info info;
	char hex[BUF_LEN * 3 + 32];

	memset(mix, FILL, sizeof(mix));
	memcpy(mix, a, k < la ? k : la);
	if (lb > k)
		memcpy(mix + k, b + k, (n < lb ? n : lb) - k);
	if ((n == la && !memcmp(mix, a, n)) || (n == lb && !memcmp(mix, b, n)))
		return 0;
	if (!msg_check(mix, n, &info)) {
		TH_LOG("accepted a read of %zu bytes, %zu from a %zu-byte and the rest from a %zu-byte message",
		       n, k, la, lb);
		TH_LOG("  %s", msg_hex(hex, sizeof(hex), mix, n));
		harness_fail();
	}
	return 1;
}

TEST(verifier_rejects_every_torn_read)
{
	static const size_t lens[] = { 1, 2, 3, 8, 11, 12, 13, 40, 127, 128 };
	unsigned char a[BUF_LEN], b[BUF_LEN];
	size_t i, n, k, nl = sizeof(lens) / sizeof(lens[0]);
	struct msg_info info;
	unsigned long cases = 0;

	/* Every length verifies and says who wrote it where. */
	for (n = 1; n <= BUF_LEN; n++) {
		msg_make(a, n, 5, 3, 77);
		ASSERT_TRUE(msg_check(a, n, &info) == NULL);
		ASSERT_EQ(info.writer, n > MSG_SHORT_MAX ? 5 : -1);
		ASSERT_EQ(info.chan, n > 1 ? 3 : -1);
		ASSERT_EQ(info.seq, n > MSG_SHORT_MAX ? 77 : 0);
		/*
		 * Any one bit changed is caught, but in the channel bits of
		 * a short message: there, it may name another channel.
		 */
		for (k = 0; k < n * 8; k++) {
			if (n <= MSG_SHORT_MAX && k / 8 == 1 && k % 8 >= 5)
				continue;
			a[k / 8] ^= (unsigned char)(1 << k % 8);
			if (msg_check(a, n, &info) == NULL) {
				TH_LOG("bit %zu of a %zu-byte message flipped, and it verifies",
				       k, n);
				harness_fail();
			}
			a[k / 8] ^= (unsigned char)(1 << k % 8);
		}
	}
	/*
	 * Two writers' messages, on one channel or on two, spliced at every
	 * point, read with either length.
	 */
	for (i = 0; i < nl * nl * 2; i++) {
		size_t la = lens[i % nl], lb = lens[i / nl % nl];
		size_t reads[2] = { la, lb }, r;

		msg_make(a, la, 1, 2, 10);
		msg_make(b, lb, 2, 2 + (unsigned int)(i / (nl * nl)), 11);
		for (r = 0; r < 2; r++)
			for (k = 1; k < reads[r]; k++)
				cases += check_torn(a, la, b, lb, reads[r], k);
	}
	TH_LOG("%lu torn reads rejected", cases);
	ASSERT_GT(cases, 1000);
}

TEST(dump_parser_takes_only_the_exact_format)
{
	static const char *const bad[] = {
		"", "7", "7 3", "7 3 ab", "7 3 abcd", "0 1 a", "07 1 a",
		"7 01 a", "7 0 ", "7 129 a", "4294967296 1 a", "7 1 \\x41",
		"7 1 \\x0A", "7 1 \\", "7 1 \\x0", "7 1 \x7f",
	};
	unsigned char msg[BUF_LEN], got[BUF_LEN] = { 0 };
	char line[4 * BUF_LEN + 32];
	size_t i, n, len;
	uint32_t id;

	for (n = 1; n <= BUF_LEN; n++) {
		msg_make(msg, n, 9, 7, 3);
		dump_format(line, 0xffffffffu, msg, n);
		ASSERT_TRUE(dump_parse(line, &id, got, &len) == NULL);
		ASSERT_EQ(id, 0xffffffffu);
		ASSERT_EQ(len, n);
		ASSERT_MEM_EQ(got, msg, n);
	}
	ASSERT_TRUE(dump_parse("7 3 a\\x5cb", &id, got, &len) == NULL);
	ASSERT_MEM_EQ(got, "a\\b", 3);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (dump_parse(bad[i], &id, got, &len) == NULL) {
			TH_LOG("accepted the dump line \"%s\"", bad[i]);
			harness_fail();
		}
}

/* ---- the workers ------------------------------------------------------ */

static void fail_msg(struct worker *w, const char *what, unsigned int chan,
		     const unsigned char *buf, size_t n, const char *why)
{
	char hex[BUF_LEN * 3 + 32];

	TH_LOG("worker %u: %s on channel %u: %s", w->id, what,
	       soak_ids[chan], why);
	TH_LOG("  %s", msg_hex(hex, sizeof(hex), buf, n));
	harness_fail();
}

static void select_channel(struct worker *w, int fd, unsigned int chan)
{
	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, soak_ids[chan]));
	w->c->ioctls++;
}

/* Opens the stressed slot, through its device node or its mknod node. */
static int open_slot(struct worker *w, unsigned int chan)
{
	const char *path = w->opens++ % 2 ? slot_node(w->sh->minor) :
					    dev_node(w->sh->minor);
	int fd;

	bump(&w->c->opens_started);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		TH_LOG("worker %u: open %s: %s", w->id, path, strerror(errno));
		harness_fail();
	}
	bump(&w->c->opens_done);
	select_channel(w, fd, chan);
	return fd;
}

static void close_slot(struct worker *w, int fd)
{
	bump(&w->c->closes_started);
	ASSERT_OK(close(fd));
	bump(&w->c->closes_done);
}

static unsigned int random_chan(struct worker *w)
{
	return (unsigned int)(prng_next(&w->rng) >> 40) % MSG_NCHAN;
}

/* A verified message read from channel @chan: is it that channel's, and new? */
static void check_origin(struct worker *w, unsigned int chan,
			 const unsigned char *buf, size_t n,
			 const struct msg_info *info)
{
	uint32_t *last;

	if (info->chan >= 0 && (unsigned int)info->chan != chan)
		fail_msg(w, "read", chan, buf, n,
			 "a message written to another channel");
	if (info->writer >= NWORKERS && info->writer != PARENT_WRITER)
		fail_msg(w, "read", chan, buf, n, "a writer that does not exist");
	if (info->writer >= 0 && (unsigned int)info->writer != w->id)
		w->c->foreign_reads++;
	if (!info->seq)
		return;
	last = &w->last_seq[chan][info->writer];
	if (info->seq < *last) {
		TH_LOG("worker %u: writer %d's message %u on channel %u after its message %u",
		       w->id, info->writer, info->seq, soak_ids[chan], *last);
		fail_msg(w, "read", chan, buf, n, "an older message came back");
	}
	*last = info->seq;
}

/*
 * One read of @count bytes from @fd, which has channel @chan selected,
 * checked to the last byte.  Returns the length or -errno (EWOULDBLOCK,
 * or ENOSPC for a buffer smaller than BUF_LEN).
 */
static ssize_t checked_read(struct worker *w, int fd, unsigned int chan,
			    size_t count)
{
	unsigned char buf[BUF_LEN + CANARY];
	uint64_t done = atomic_load(&w->sh->clears_done);
	struct msg_info info;
	const char *why;
	ssize_t n;
	size_t i;
	int err;

	memset(buf, FILL, sizeof(buf));
	bump(&w->c->reads_started);
	n = read(fd, buf, count);
	err = errno;
	for (i = n > 0 ? (size_t)n : 0; i < sizeof(buf); i++)
		if (buf[i] != FILL) {
			TH_LOG("worker %u: read(%zu) returned %zd but wrote byte %zu",
			       w->id, count, n, i);
			harness_fail();
		}
	if (n < 0 && err == ENOSPC && count < BUF_LEN)
		return -ENOSPC;
	if (n < 0 && err == EWOULDBLOCK) {
		/* Every clear that ever started had ended before we knew. */
		if (atomic_load(&w->sh->clears_started) == w->known[chan]) {
			TH_LOG("worker %u: EWOULDBLOCK on channel %u, which held a message, and no clear ran since",
			       w->id, soak_ids[chan]);
			harness_fail();
		}
		return -EWOULDBLOCK;
	}
	if (n < 0) {
		TH_LOG("worker %u: read(%zu) on channel %u: %s", w->id, count,
		       soak_ids[chan], strerror(err));
		harness_fail();
	}
	bump(&w->c->reads_done);
	if (n == 0 || (size_t)n > count) {
		TH_LOG("worker %u: read(%zu) returned %zd", w->id, count, n);
		harness_fail();
	}
	why = msg_check(buf, (size_t)n, &info);
	if (why)
		fail_msg(w, "torn read", chan, buf, (size_t)n, why);
	check_origin(w, chan, buf, (size_t)n, &info);
	w->known[chan] = done;
	return n;
}

static void do_write(struct worker *w)
{
	unsigned char msg[BUF_LEN];
	uint64_t r = prng_next(&w->rng);
	/* One in ten short, the rest spread over 12..128 bytes. */
	size_t len = r % 10 ? 12 + (r >> 8) % (BUF_LEN - 11) :
			      1 + (r >> 8) % MSG_SHORT_MAX;
	uint64_t done = atomic_load(&w->sh->clears_done);

	if (len > MSG_SHORT_MAX)
		w->seq++;
	msg_make(msg, len, w->id, w->chan, w->seq);
	bump(&w->c->writes_started);
	if (write(w->fd, msg, len) != (ssize_t)len) {
		TH_LOG("worker %u: write of %zu bytes to channel %u: %s",
		       w->id, len, soak_ids[w->chan], strerror(errno));
		harness_fail();
	}
	bump(&w->c->writes_done);
	w->known[w->chan] = done;
	if (len > MSG_SHORT_MAX)
		w->last_seq[w->chan][w->id] = w->seq;
}

static void do_read(struct worker *w)
{
	if (checked_read(w, w->fd, w->chan, BUF_LEN) == -EWOULDBLOCK)
		w->c->empty_reads++;
}

static void do_small_read(struct worker *w)
{
	size_t count = 1 + prng_next(&w->rng) % (BUF_LEN - 1);

	w->c->small_reads++;
	if (checked_read(w, w->fd, w->chan, count) == -ENOSPC)
		w->c->enospc++;
}

/* POLLOUT always; POLLIN means a read now finds a message. */
static void do_poll(struct worker *w)
{
	struct pollfd p = { .fd = w->fd, .events = POLLIN | POLLOUT };
	uint64_t done = atomic_load(&w->sh->clears_done);

	ASSERT_EQ(poll(&p, 1, 0), 1);
	ASSERT_EQ(p.revents & ~POLLIN, POLLOUT);
	w->c->polls++;
	if (p.revents & POLLIN) {
		w->known[w->chan] = done;
		checked_read(w, w->fd, w->chan, BUF_LEN);
	}
}

static void do_reopen(struct worker *w)
{
	close_slot(w, w->fd);
	w->chan = random_chan(w);
	w->fd = open_slot(w, w->chan);
}

/* A second, short-lived open file beside the main one. */
static void do_second_file(struct worker *w)
{
	unsigned int chan = random_chan(w);
	int fd = open_slot(w, chan);

	if (checked_read(w, fd, chan, BUF_LEN) == -EWOULDBLOCK)
		w->c->empty_reads++;
	close_slot(w, fd);
}

/* Writes and reads back a message on an extra slot, if one exists now. */
static void do_extra(struct worker *w)
{
	unsigned char msg[BUF_LEN], buf[BUF_LEN];
	int minor = atomic_load(&w->sh->extra_minor);
	struct msg_info info;
	const char *why;
	ssize_t n;
	int fd;

	if (minor < 0)
		return;
	fd = open(dev_node((unsigned int)minor), O_RDWR);
	if (fd < 0) {
		ASSERT_EQ(errno, ENOENT);	/* removed just now */
		w->c->extra_absent++;
		return;
	}
	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, EXTRA_CHANNEL));
	msg_make(msg, 64, w->id, 0, 1);
	ASSERT_EQ(write(fd, msg, 64), 64);
	/* Nobody clears an extra slot, nor removes it while it is open. */
	n = read(fd, buf, sizeof(buf));
	ASSERT_GT(n, 0);
	why = msg_check(buf, (size_t)n, &info);
	if (why)
		fail_msg(w, "torn read on an extra slot", 0, buf, (size_t)n, why);
	ASSERT_OK(close(fd));
	w->c->extra_ops++;
}

static void worker_step(struct worker *w)
{
	unsigned int r = (unsigned int)(prng_next(&w->rng) >> 33) % 100;

	w->c->ops++;
	if (r < 35) {
		do_write(w);
	} else if (r < 68) {
		do_read(w);
	} else if (r < 78) {
		w->chan = random_chan(w);
		select_channel(w, w->fd, w->chan);
	} else if (r < 83) {
		do_small_read(w);
	} else if (r < 87) {
		do_poll(w);
	} else if (r < 92) {
		do_reopen(w);
	} else if (r < 97) {
		do_second_file(w);
	} else {
		do_extra(w);
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	w->fd = open_slot(w, w->chan);
	while (!atomic_load_explicit(&w->sh->stop, memory_order_relaxed))
		worker_step(w);
	close_slot(w, w->fd);
	return NULL;
}

/* A worker process: NTHREADS workers; any failure ends it with status 1. */
static void process_main(struct soak *sh, unsigned int proc)
{
	static struct worker w[NTHREADS];
	pthread_t t[NTHREADS];
	unsigned int i;

	for (i = 0; i < NTHREADS; i++) {
		/*
		 * known[] starts at 0: every channel held a message (the
		 * parent's preload) before any clear could run.
		 */
		w[i] = (struct worker){
			.sh = sh, .id = proc * NTHREADS + i,
			.rng = mix64(0x5eed0000u + proc * NTHREADS + i) | 1,
		};
		w[i].c = &sh->w[w[i].id];
		w[i].chan = w[i].id % MSG_NCHAN;
		ASSERT_EQ(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	for (i = 0; i < NTHREADS; i++)
		ASSERT_EQ(pthread_join(t[i], NULL), 0);
	fflush(stdout);
	_exit(0);
}

/* ---- the soak --------------------------------------------------------- */

/* A fresh slot of the test's own: no messages, every counter 0. */
static unsigned int add_stressed_slot(void)
{
	int minor = ctl(MSG_SLOT_CTL_ADD, MSG_SLOT_ANY_MINOR);

	ASSERT_GE(minor, 0);
	/* An earlier test may have left messages there through a mknod node. */
	fresh_slot((unsigned int)minor);
	EXPECT_COUNTERS((unsigned int)minor, 0, 0, 0, 0);
	ASSERT_EQ(sysfs_value((unsigned int)minor, "open_files"), 0);
	return (unsigned int)minor;
}

/* Puts a first message on every channel; returns how many writes it made. */
static uint64_t preload(unsigned int minor)
{
	unsigned char msg[BUF_LEN];
	unsigned int i;

	for (i = 0; i < MSG_NCHAN; i++) {
		int fd = dev_open_channel(minor, soak_ids[i]);

		msg_make(msg, 20 + i, PARENT_WRITER, i, 1);
		slot_put(fd, msg, 20 + i);
		ASSERT_OK(close(fd));
	}
	return MSG_NCHAN;
}

/*
 * Waits for the worker processes until the deadline, stopping everyone
 * early if one fails; then reaps them all.  Returns whether all passed.
 */
static bool run_workers(struct soak *sh, const pid_t *pids, double deadline)
{
	bool ok = true;
	int status, i, left = NPROCS;
	pid_t pid;

	while (left > 0) {
		if (now_seconds() >= deadline || !ok)
			atomic_store(&sh->stop, 1);
		pid = waitpid(-1, &status, atomic_load(&sh->stop) ? 0 : WNOHANG);
		if (pid == 0) {
			usleep(100000);
			continue;
		}
		ASSERT_GT(pid, 0);
		for (i = 0; i < NPROCS && pids[i] != pid; i++)
			;
		ASSERT_LT(i, NPROCS);
		left--;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
		    !atomic_load(&sh->stop)) {
			TH_LOG("worker process %d ended with status %#x before the end",
			       i, status);
			ok = false;
		}
	}
	return ok;
}

/* The plain (report-only) counts of every worker, summed. */
static struct counts report_totals(struct soak *sh)
{
	struct counts t = { 0 };
	int i;

	for (i = 0; i < NWORKERS; i++) {
		t.ops += sh->w[i].ops;
		t.ioctls += sh->w[i].ioctls;
		t.polls += sh->w[i].polls;
		t.small_reads += sh->w[i].small_reads;
		t.enospc += sh->w[i].enospc;
		t.empty_reads += sh->w[i].empty_reads;
		t.foreign_reads += sh->w[i].foreign_reads;
		t.extra_ops += sh->w[i].extra_ops;
		t.extra_absent += sh->w[i].extra_absent;
	}
	return t;
}

static void report(struct soak *sh, const struct watch *wa, double seconds)
{
	struct counts t = report_totals(sh);
	unsigned long long clears = atomic_load(&sh->clears_done);

	TH_LOG("soak: %.1f s, %d processes x %d threads, and control, sysfs and dump threads",
	       seconds, NPROCS, NTHREADS);
	TH_LOG("workers: %llu ops (%.0f/s): %lld writes, %lld reads (%llu empty, %llu of another writer), %llu small reads (%llu ENOSPC)",
	       (unsigned long long)t.ops, t.ops / seconds,
	       SUM(sh, writes_done), SUM(sh, reads_done),
	       (unsigned long long)t.empty_reads,
	       (unsigned long long)t.foreign_reads,
	       (unsigned long long)t.small_reads,
	       (unsigned long long)t.enospc);
	TH_LOG("workers: %llu ioctls, %llu polls, %lld opens, %lld closes, %llu extra-slot round trips (%llu found it gone)",
	       (unsigned long long)t.ioctls, (unsigned long long)t.polls,
	       SUM(sh, opens_done), SUM(sh, closes_done),
	       (unsigned long long)t.extra_ops,
	       (unsigned long long)t.extra_absent);
	TH_LOG("control: %llu clears, %llu adds, %llu removes (%llu EBUSY), %llu removes of the open slot refused, %lu minors reclaimed from racing opens",
	       clears, wa->adds, wa->removes, wa->busy, wa->refused,
	       wa->reclaimed);
	TH_LOG("introspection: %llu sysfs rounds (%llu values), %llu dumps (%llu lines, %llu bytes)",
	       wa->sysfs_rounds, wa->sysfs_rounds * 5, wa->dumps, wa->lines,
	       wa->dump_bytes);
	ASSERT_GT(SUM(sh, writes_done), 0);
	ASSERT_GT(SUM(sh, reads_done), 0);
	/* The channels really were shared, and every side thread worked. */
	ASSERT_GT(t.foreign_reads, 0);
	ASSERT_GT(clears, 0);
	ASSERT_GT(wa->removes, 0);
	ASSERT_GT(wa->sysfs_rounds, 0);
	ASSERT_GT(wa->dumps, 0);
}

TEST_TIMEOUT(mixed_soak_never_tears_and_counts_stay_exact,
	     DEFAULT_SECONDS + SLACK_SECONDS)
{
	double seconds = soak_seconds(), start;
	struct watch wa = { 0 };
	pid_t pids[NPROCS];
	struct soak *sh;
	unsigned int i;
	int pin;
	bool ok;

	arm_timeout(seconds);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(sh != MAP_FAILED);
	memset(sh, 0, sizeof(*sh));
	atomic_init(&sh->extra_minor, -1);
	sh->minor = add_stressed_slot();
	slot_node(sh->minor);	/* made once, before the workers use it */
	sh->base_writes = preload(sh->minor);

	/* Fork before any thread or slot file exists in this process. */
	fflush(stdout);
	start = now_seconds();
	for (i = 0; i < NPROCS; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0)
			process_main(sh, i);
	}
	/* Open all along, so the stressed slot can never be removed. */
	pin = dev_open(sh->minor);
	sh->base_open = 1;
	watch_start(&wa, sh);
	ok = run_workers(sh, pids, start + seconds);
	watch_stop(&wa);
	ASSERT_TRUE(ok);
	report(sh, &wa, now_seconds() - start);

	ASSERT_OK(close(pin));
	sh->base_open = 0;
	check_quiet(sh);
	watch_cleanup(&wa);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, sh->minor));
}
