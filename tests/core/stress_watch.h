/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stress_watch.h - what runs beside the workers of stress_test.c: their
 * shared counts, a control thread (extra slots come and go, the stressed
 * slot is cleared), a thread checking every sysfs counter against those
 * counts, a thread checking debugfs dumps, and the exact accounting once
 * the workers are gone.
 */
#ifndef MS_TESTS_STRESS_WATCH_H
#define MS_TESTS_STRESS_WATCH_H

#include "ctl_util.h"
#include "stress_msg.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

enum {
	NPROCS = 4,
	NTHREADS = 4,
	NWORKERS = NPROCS * NTHREADS,
	PARENT_WRITER = MSG_NWRITERS - 1,	/* messages the parent writes */
	EXTRA_CHANNEL = 9,	/* the channel used on extra slots */
	MAX_EXTRAS = 2,		/* extra slots alive at once */
	MAX_USED = 256,		/* distinct minors they may get */
};

/* The shared channels: small and large ids, the largest one included. */
static const uint32_t soak_ids[MSG_NCHAN] = {
	1, 2, 3, 64, 4096, 0x10000, 0x7fffffff, 0xffffffff,
};

/*
 * One worker's counts, in memory shared by all the processes.  The
 * atomic ones bracket its system calls on the stressed slot (started
 * before the call, done after it returned), so the sysfs thread can bound
 * what the driver may report at any moment.  The rest are for the report.
 */
struct counts {
	_Alignas(64) _Atomic uint64_t opens_started;
	_Atomic uint64_t opens_done, closes_started, closes_done;
	_Atomic uint64_t writes_started, writes_done;
	_Atomic uint64_t reads_started, reads_done;
	uint64_t ops, ioctls, polls, small_reads, enospc, empty_reads;
	uint64_t foreign_reads, extra_ops, extra_absent;
};

/* Everything the processes share (one MAP_SHARED mapping). */
struct soak {
	_Atomic int stop;
	_Atomic int extra_minor;	/* an extra slot for workers, or -1 */
	/* Bumped before and after each clear of the stressed slot. */
	_Atomic uint64_t clears_started, clears_done;
	unsigned int minor;		/* the stressed slot */
	uint64_t base_writes;		/* written by the parent beforehand */
	int base_open;			/* files the parent holds open on it */
	struct counts w[NWORKERS];
};

/* The side threads and what they did. */
struct watch {
	struct soak *sh;
	pthread_t threads[3];
	int live[MAX_EXTRAS], nlive;
	int used[MAX_USED], nused;
	unsigned long reclaimed;	/* minors reclaim_extras() gave back */
	unsigned long long adds, removes, busy, refused;
	unsigned long long sysfs_rounds, dumps, lines, dump_bytes;
};

static inline bool soak_stopped(struct soak *sh)
{
	return atomic_load_explicit(&sh->stop, memory_order_relaxed);
}

/* The sum of one atomic field of struct counts over all workers. */
static inline long long counts_sum(struct soak *sh, size_t offset)
{
	long long sum = 0;
	int i;

	for (i = 0; i < NWORKERS; i++)
		sum += (long long)atomic_load((_Atomic uint64_t *)
					      ((char *)&sh->w[i] + offset));
	return sum;
}

#define SUM(sh, field) counts_sum(sh, offsetof(struct counts, field))

/* ---- control: clears, extra slots ------------------------------------ */

static inline void control_clear(struct soak *sh, int fd)
{
	atomic_fetch_add(&sh->clears_started, 1);
	ASSERT_OK(ctl_fd(fd, MSG_SLOT_CTL_CLEAR, sh->minor));
	atomic_fetch_add(&sh->clears_done, 1);
}

static inline void publish_extra(struct watch *wa)
{
	atomic_store(&wa->sh->extra_minor,
		     wa->nlive ? wa->live[wa->nlive - 1] : -1);
}

static inline bool extra_is_live(struct watch *wa, int minor)
{
	int i;

	for (i = 0; i < wa->nlive; i++)
		if (wa->live[i] == minor)
			return true;
	return false;
}

/*
 * A worker's open that resolved an extra slot's node just before the
 * slot was removed makes a new slot on that minor (every minor works
 * through its node), and ADD of any minor takes only minors with no slot:
 * give such minors back, or ADD runs out of them. A REMOVE refused with
 * EBUSY (the worker still has it open) is tried again next time.
 */
static inline void reclaim_extras(struct watch *wa, int fd)
{
	int i, m;

	for (i = 0; i < wa->nused; i++) {
		m = wa->used[i];
		if (extra_is_live(wa, m) || !has_slot((unsigned int)m))
			continue;
		if (!has_device((unsigned int)m))
			ASSERT_EQ(ctl_fd(fd, MSG_SLOT_CTL_ADD, (unsigned int)m), m);
		if (ctl_fd(fd, MSG_SLOT_CTL_REMOVE, (unsigned int)m) == 0)
			wa->reclaimed++;
		else
			ASSERT_EQ(errno, EBUSY);
	}
}

/* Adds a slot device (any minor) with one message on it. */
static inline void control_add(struct watch *wa, int fd)
{
	unsigned char msg[BUF_LEN];
	int minor, i, slot;

	if (wa->nlive == MAX_EXTRAS)
		return;
	reclaim_extras(wa, fd);
	minor = ctl_fd(fd, MSG_SLOT_CTL_ADD, MSG_SLOT_ANY_MINOR);
	ASSERT_GE(minor, 0);
	ASSERT_NE(minor, (int)wa->sh->minor);
	for (i = 0; i < wa->nused && wa->used[i] != minor; i++)
		;
	if (i == wa->nused) {
		ASSERT_LT(wa->nused, MAX_USED);
		wa->used[wa->nused++] = minor;
	}
	slot = dev_open_channel((unsigned int)minor, EXTRA_CHANNEL);
	msg_make(msg, 40, PARENT_WRITER, 0, 1);
	slot_put(slot, msg, 40);
	ASSERT_OK(close(slot));
	wa->live[wa->nlive++] = minor;
	wa->adds++;
	publish_extra(wa);
}

/* Removes the oldest extra slot: done, or EBUSY while a worker has it open. */
static inline void control_remove(struct watch *wa, int fd)
{
	int minor, i;

	if (!wa->nlive)
		return;
	minor = wa->live[0];
	for (i = 1; i < wa->nlive; i++)
		wa->live[i - 1] = wa->live[i];
	wa->nlive--;
	publish_extra(wa);
	if (ctl_fd(fd, MSG_SLOT_CTL_REMOVE, (unsigned int)minor) == 0) {
		wa->removes++;
		return;
	}
	ASSERT_EQ(errno, EBUSY);
	wa->busy++;
	wa->live[wa->nlive++] = minor;
	publish_extra(wa);
}

static inline void *control_main(void *arg)
{
	struct watch *wa = arg;
	struct soak *sh = wa->sh;
	uint64_t rng = 0xc0ffee;
	int fd = ctl_open();

	while (!soak_stopped(sh)) {
		unsigned int r = (unsigned int)(prng_next(&rng) >> 33) % 100;

		if (r < 40) {
			control_clear(sh, fd);
		} else if (r < 65) {
			control_add(wa, fd);
		} else if (r < 90) {
			control_remove(wa, fd);
		} else {
			/* The parent holds it open all along. */
			ASSERT_ERRNO(ctl_fd(fd, MSG_SLOT_CTL_REMOVE, sh->minor),
				     EBUSY);
			wa->refused++;
		}
		usleep(2000 + (unsigned int)(prng_next(&rng) >> 40) % 8000);
	}
	ASSERT_OK(close(fd));
	return NULL;
}

/* ---- sysfs: every counter, within what the workers' counts allow ------ */

/* How far a torn sum of changing per-CPU counters may stray, at most. */
#define SUM_SLACK 3

#define EXPECT_WITHIN(what, lo, v, hi)					\
	do {								\
		long long v_ = (long long)(v);				\
		if (v_ < (long long)(lo) || v_ > (long long)(hi)) {	\
			TH_LOG("sysfs %s = %lld, outside %lld..%lld",	\
			       what, v_, (long long)(lo), (long long)(hi)); \
			harness_fail();					\
		}							\
	} while (0)

static inline void sysfs_round(struct watch *wa, unsigned long long *writes,
			       unsigned long long *reads)
{
	struct soak *sh = wa->sh;
	unsigned int m = sh->minor;
	long long w0 = SUM(sh, writes_done), r0 = SUM(sh, reads_done);
	long long o0 = SUM(sh, opens_done), c0 = SUM(sh, closes_done);
	unsigned long long ch = sysfs_value(m, "channels");
	unsigned long long by = sysfs_value(m, "bytes");
	unsigned long long wr = sysfs_value(m, "writes");
	unsigned long long rd = sysfs_value(m, "reads");
	unsigned long long of = sysfs_value(m, "open_files");
	long long w1 = SUM(sh, writes_started), r1 = SUM(sh, reads_started);
	long long o1 = SUM(sh, opens_started), c1 = SUM(sh, closes_started);
	long long base = sh->base_open, bw = (long long)sh->base_writes;

	/*
	 * channels and bytes go up and down, and their per-CPU parts are
	 * summed while they change: a reading can be off by what changed
	 * during it (exact once the slot is quiet, which the end checks).
	 * A counting bug drifts further with every clear; a torn sum does
	 * not, so a loose bound here, the exact one at the end.
	 */
	EXPECT_WITHIN("channels", 0, ch, SUM_SLACK * MSG_NCHAN);
	EXPECT_WITHIN("bytes", 0, by, SUM_SLACK * MSG_NCHAN * BUF_LEN);
	/* Counted between the syscalls' start and their return. */
	EXPECT_WITHIN("writes", bw + w0, wr, bw + w1);
	EXPECT_WITHIN("reads", r0, rd, r1);
	EXPECT_WITHIN("open_files", base + o0 - c1, of, base + o1 - c0);
	/* Never backwards, though summed over CPUs while they change. */
	EXPECT_WITHIN("writes", *writes, wr, wr);
	EXPECT_WITHIN("reads", *reads, rd, rd);
	*writes = wr;
	*reads = rd;
	wa->sysfs_rounds++;
}

static inline void *sysfs_main(void *arg)
{
	struct watch *wa = arg;
	unsigned long long writes = 0, reads = 0;

	while (!soak_stopped(wa->sh)) {
		sysfs_round(wa, &writes, &reads);
		usleep(1000);
	}
	return NULL;
}

/* ---- debugfs: every line parses, every message verifies --------------- */

/* A message as a dump showed it, by channel index. */
struct dumped {
	bool present;
	size_t len;
	unsigned char msg[BUF_LEN];
};

static inline int soak_index(uint32_t id)
{
	int i;

	for (i = 0; i < MSG_NCHAN; i++)
		if (soak_ids[i] == id)
			return i;
	return -1;
}

/*
 * Checks every line of a dump; with @out, also that no channel comes
 * twice, and records what each holds.  Returns the number of lines.
 */
static inline unsigned long check_dump(char *text, size_t len,
				       struct dumped *out)
{
	unsigned char msg[BUF_LEN];
	char *line = text, *nl, hex[BUF_LEN * 3 + 32];
	unsigned long n = 0;
	struct msg_info info;
	const char *why;
	size_t mlen = 0;
	uint32_t id;
	int idx = -1;

	if (len && text[len - 1] != '\n') {
		TH_LOG("the dump does not end with a newline");
		harness_fail();
	}
	for (; line < text + len; line = nl + 1, n++) {
		nl = memchr(line, '\n', (size_t)(text + len - line));
		*nl = '\0';
		why = dump_parse(line, &id, msg, &mlen);
		if (!why && (idx = soak_index(id)) < 0)
			why = "a channel nobody wrote to";
		if (!why)
			why = msg_check(msg, mlen, &info);
		if (!why && info.chan >= 0 && info.chan != idx)
			why = "a message written to another channel";
		if (!why && out && out[idx].present)
			why = "a channel shown twice in a quiet dump";
		if (why) {
			TH_LOG("dump line %lu: %s: \"%.300s\"", n + 1, why, line);
			TH_LOG("  %s", msg_hex(hex, sizeof(hex), msg, mlen));
			harness_fail();
		}
		if (out) {
			out[idx].present = true;
			out[idx].len = mlen;
			memcpy(out[idx].msg, msg, mlen);
		}
	}
	return n;
}

static inline void *dump_main(void *arg)
{
	/* seq_file's paths for a read smaller and larger than a record. */
	static const size_t chunks[] = { 1, 7, 100, 4096, 65536 };
	struct watch *wa = arg;
	const char *path = dump_path(wa->sh->minor);
	size_t len;
	char *text;

	while (!soak_stopped(wa->sh)) {
		text = read_all_chunked(path, &len, chunks[wa->dumps % 5]);
		if (!text) {
			TH_LOG("read %s: %s", path, strerror(errno));
			harness_fail();
		}
		wa->lines += check_dump(text, len, NULL);
		wa->dump_bytes += len;
		wa->dumps++;
		free(text);
		usleep(3000);
	}
	return NULL;
}

static inline void watch_start(struct watch *wa, struct soak *sh)
{
	void *(*fns[3])(void *) = { control_main, sysfs_main, dump_main };
	int i;

	wa->sh = sh;
	for (i = 0; i < 3; i++)
		ASSERT_EQ(pthread_create(&wa->threads[i], NULL, fns[i], wa), 0);
}

/* Joins the side threads; the caller has set sh->stop. */
static inline void watch_stop(struct watch *wa)
{
	int i;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(pthread_join(wa->threads[i], NULL), 0);
}

/* Leaves every minor the control thread used without any slot state. */
static inline void watch_cleanup(struct watch *wa)
{
	int i;

	for (i = 0; i < wa->nused; i++)
		drop_slot((unsigned int)wa->used[i]);
}

/* ---- the end: exact counters, exact dump ------------------------------ */

/* Reads every shared channel of the stressed slot into @held. */
static inline void read_channels(struct soak *sh, struct dumped *held,
				 unsigned long long *channels,
				 unsigned long long *bytes)
{
	struct msg_info info;
	const char *why;
	ssize_t n;
	int i, fd, err;

	for (i = 0; i < MSG_NCHAN; i++) {
		fd = dev_open_channel(sh->minor, soak_ids[i]);
		n = read(fd, held[i].msg, BUF_LEN);
		err = errno;
		ASSERT_OK(close(fd));
		if (n < 0) {
			/* Cleared last. */
			ASSERT_EQ(err, EWOULDBLOCK);
			continue;
		}
		why = msg_check(held[i].msg, (size_t)n, &info);
		if (why || (info.chan >= 0 && info.chan != i)) {
			TH_LOG("channel %u holds a bad message: %s", soak_ids[i],
			       why ? why : "of another channel");
			harness_fail();
		}
		held[i].present = true;
		held[i].len = (size_t)n;
		++*channels;
		*bytes += (unsigned long long)n;
	}
}

/* Once every worker is gone: the counters and the dump are exact. */
static inline void check_quiet(struct soak *sh)
{
	struct dumped held[MSG_NCHAN] = { 0 }, shown[MSG_NCHAN] = { 0 };
	unsigned long long channels = 0, bytes = 0, reads;
	unsigned int m = sh->minor;
	size_t len;
	char *text;
	int i;

	ASSERT_EQ(SUM(sh, writes_started), SUM(sh, writes_done));
	ASSERT_EQ(sysfs_value(m, "writes"), sh->base_writes + SUM(sh, writes_done));
	reads = sysfs_value(m, "reads");
	ASSERT_EQ(reads, SUM(sh, reads_done));
	ASSERT_EQ(SUM(sh, opens_done), SUM(sh, closes_done));
	ASSERT_EQ(sysfs_value(m, "open_files"), sh->base_open);

	read_channels(sh, held, &channels, &bytes);
	ASSERT_EQ(sysfs_value(m, "channels"), channels);
	ASSERT_EQ(sysfs_value(m, "bytes"), bytes);
	ASSERT_EQ(sysfs_value(m, "reads"), reads + channels);
	ASSERT_EQ(sysfs_value(m, "open_files"), sh->base_open);

	text = read_all(dump_path(m), &len);
	ASSERT_TRUE(text != NULL);
	ASSERT_EQ(check_dump(text, len, shown), channels);
	free(text);
	for (i = 0; i < MSG_NCHAN; i++) {
		ASSERT_EQ(shown[i].present, held[i].present);
		ASSERT_EQ(shown[i].len, held[i].len);
		ASSERT_MEM_EQ(shown[i].msg, held[i].msg, held[i].len);
	}
	TH_LOG("quiet: %llu channels hold %llu bytes; sysfs and the dump agree exactly",
	       channels, bytes);
}

#endif /* MS_TESTS_STRESS_WATCH_H */
