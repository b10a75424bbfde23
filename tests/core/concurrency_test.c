// SPDX-License-Identifier: GPL-2.0
/*
 * concurrency_test.c - writes are atomic: under concurrent writers and
 * readers (threads or processes, own or shared open files) a read returns
 * one whole message, never a mix of two, never more than asked for.
 *
 * Writers write self-checking messages of 1..128 bytes.  From 8 bytes on
 * a message is: its length, a 32-bit seed, a tag (which channel the writer
 * meant), bytes derived from the seed, and a Fletcher-16 checksum.  Shorter
 * ones are a fixed pattern of their length.  A reader can tell a torn,
 * mixed, truncated or foreign message from every byte it gets.
 *
 * Each test runs for MS_CONCURRENCY_SECONDS, else MS_STRESS_SECONDS
 * (default 3) seconds of wall time: the sanitizer lanes soak stress_test
 * for a minute and these five tests for less.
 */
#include "slot_util.h"

#include <pthread.h>
#include <stdatomic.h>

/* Minors used here: 50..59. */

#define TAG_UNKNOWN 2	/* written through a file whose channel flips */
#define TAG_ANY (-2)	/* a message too short to carry a tag */
#define CANARY 16

static double stress_seconds(void)
{
	const char *env = getenv("MS_CONCURRENCY_SECONDS");
	double s;

	if (!env || !*env)
		env = getenv("MS_STRESS_SECONDS");
	s = env && *env ? atof(env) : 3.0;

	return s > 0 ? s : 3.0;
}

static unsigned int fletcher16(const unsigned char *p, size_t n)
{
	unsigned int a = 0, b = 0;

	while (n--) {
		a = (a + *p++) % 255;
		b = (b + a) % 255;
	}
	return b << 8 | a;
}

static unsigned char payload_byte(uint32_t seed, size_t i)
{
	return (unsigned char)fmix32(seed + (uint32_t)i * 0x9e3779b9u);
}

static void make_msg(unsigned char *buf, size_t len, uint32_t seed, int tag)
{
	size_t i;
	unsigned int sum;

	if (len < 8) {
		buf[0] = (unsigned char)(0x80 | len);
		for (i = 1; i < len; i++)
			buf[i] = (unsigned char)(tag ^ (i * 0x3b));
		return;
	}
	buf[0] = (unsigned char)len;
	memcpy(buf + 1, &seed, 4);
	buf[5] = (unsigned char)tag;
	for (i = 6; i < len - 2; i++)
		buf[i] = payload_byte(seed, i);
	sum = fletcher16(buf, len - 2);
	buf[len - 2] = (unsigned char)(sum >> 8);
	buf[len - 1] = (unsigned char)sum;
}

/*
 * Checks a message of @n bytes; returns its tag (0..2, or TAG_ANY), or -1
 * with a reason in @why when it is not a whole message.
 */
static int check_msg(const unsigned char *buf, size_t n, const char **why)
{
	unsigned int tag;
	uint32_t seed;
	size_t i;

	if (n < 1 || n > BUF_LEN) {
		*why = "bad length";
		return -1;
	}
	if (n < 8) {
		if (buf[0] != (0x80 | n)) {
			*why = "short message with a foreign first byte";
			return -1;
		}
		if (n == 1)
			return TAG_ANY;
		tag = (unsigned char)(buf[1] ^ 0x3b);
		for (i = 2; i < n; i++)
			if ((unsigned char)(buf[i] ^ (i * 0x3b)) != tag) {
				*why = "short message with mixed bytes";
				return -1;
			}
		if (tag > TAG_UNKNOWN) {
			*why = "short message with a bad tag";
			return -1;
		}
		return tag;
	}
	if (buf[0] != n) {
		*why = "length byte differs from the length read";
		return -1;
	}
	memcpy(&seed, buf + 1, 4);
	for (i = 6; i < n - 2; i++)
		if (buf[i] != payload_byte(seed, i)) {
			*why = "payload byte from another message";
			return -1;
		}
	if ((fletcher16(buf, n - 2) >> 8) != buf[n - 2] ||
	    (fletcher16(buf, n - 2) & 0xff) != buf[n - 1]) {
		*why = "bad checksum";
		return -1;
	}
	if (buf[5] > TAG_UNKNOWN) {
		*why = "bad tag";
		return -1;
	}
	return buf[5];
}

static void dump_and_fail(const char *who, const unsigned char *buf,
			  ssize_t n, const char *why)
{
	char hex[3 * 48 + 1];
	ssize_t i;

	for (i = 0; i < n && i < 48; i++)
		snprintf(hex + 3 * i, 4, "%02x ", buf[i]);
	hex[3 * (i < 48 ? i : 48)] = '\0';
	TH_LOG("%s: torn or foreign message (%s), %zd bytes: %s", who, why, n,
	       hex);
	harness_fail();
}

enum kind { WRITER, READER, SMALL_READER, BAD_WRITER, SWITCHER };

struct stress {
	const char *path;
	unsigned int ch[2];
	int shared_fd;		/* >= 0: every worker uses this one file */
	double deadline;
	atomic_int stop;
};

struct worker {
	struct stress *s;
	enum kind kind;
	int idx;
	pthread_t thread;
	uint64_t rng;
	unsigned long ops, changes, refused;
};

static int worker_fd(struct worker *w)
{
	int fd;

	if (w->s->shared_fd >= 0)
		return w->s->shared_fd;
	fd = open(w->s->path, O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, w->s->ch[w->idx % 2]));
	return fd;
}

static bool tag_ok(struct worker *w, int tag)
{
	if (tag == TAG_ANY || tag == TAG_UNKNOWN || w->s->shared_fd >= 0)
		return true;
	return tag == w->idx % 2;
}

static bool stopped(struct worker *w)
{
	return atomic_load_explicit(&w->s->stop, memory_order_relaxed);
}

static void writer_step(struct worker *w, int fd)
{
	unsigned char msg[BUF_LEN];
	int tag = w->s->shared_fd >= 0 ? TAG_UNKNOWN : w->idx % 2;
	uint64_t r = prng_next(&w->rng);
	size_t len = 1 + r % BUF_LEN;

	make_msg(msg, len, (uint32_t)(r >> 32), tag);
	if (write(fd, msg, len) != (ssize_t)len) {
		TH_LOG("writer %d: write %zu bytes: %s", w->idx, len,
		       strerror(errno));
		harness_fail();
	}
	w->ops++;
}

static void run_bad_writer(struct worker *w, int fd)
{
	unsigned char big[BUF_LEN + 1];
	char *edge = page_before_hole(8);

	memset(big, 0xee, sizeof(big));
	memset(edge, 0xee, 8);
	while (!stopped(w)) {
		switch (w->ops % 4) {
		case 0:
			ASSERT_ERRNO(write(fd, edge, 8 + 1 + w->ops % 100), EINVAL);
			break;
		case 1:
			ASSERT_ERRNO(write(fd, big, sizeof(big)), EMSGSIZE);
			break;
		case 2:
			ASSERT_ERRNO(write(fd, NULL_BUF, 1 + w->ops % BUF_LEN), EINVAL);
			break;
		default:
			ASSERT_ERRNO(write(fd, big, 0), EMSGSIZE);
			break;
		}
		w->ops++;
	}
}

/* One read, checked to the last byte; @small reads ask for 1..128 bytes. */
static void reader_step(struct worker *w, int fd, bool small, uint32_t *last)
{
	unsigned char buf[BUF_LEN + CANARY];
	size_t want = small ? 1 + prng_next(&w->rng) % BUF_LEN : BUF_LEN;
	const char *why = "";
	ssize_t n;
	uint32_t sum;
	size_t i;
	int tag;

	memset(buf, 0xc3, sizeof(buf));
	n = read(fd, buf, want);
	for (i = want; i < sizeof(buf); i++)
		if (buf[i] != 0xc3) {
			TH_LOG("reader %d: read(%zu) returned %zd and wrote byte %zu",
			       w->idx, want, n, i);
			harness_fail();
		}
	if (n < 0 && small && errno == ENOSPC) {
		w->refused++;
		return;
	}
	if (n < 0) {
		TH_LOG("reader %d: read(%zu): %s", w->idx, want,
		       strerror(errno));
		harness_fail();
	}
	if ((size_t)n > want) {
		TH_LOG("reader %d: read(%zu) returned %zd", w->idx, want, n);
		harness_fail();
	}
	tag = check_msg(buf, (size_t)n, &why);
	if (tag == -1)
		dump_and_fail("reader", buf, n, why);
	if (!tag_ok(w, tag)) {
		TH_LOG("reader %d on channel %d got a message meant for channel %d",
		       w->idx, w->idx % 2, tag);
		harness_fail();
	}
	sum = fletcher16(buf, (size_t)n) << 8 | (uint32_t)n;
	w->changes += sum != *last;
	*last = sum;
	w->ops++;
}

static void run_switcher(struct worker *w, int fd)
{
	while (!stopped(w)) {
		ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, w->s->ch[w->ops % 2]));
		w->ops++;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int fd = worker_fd(w);
	uint32_t last = 0;

	switch (w->kind) {
	case WRITER:
		while (!stopped(w))
			writer_step(w, fd);
		break;
	case BAD_WRITER:
		run_bad_writer(w, fd);
		break;
	case READER:
	case SMALL_READER:
		while (!stopped(w))
			reader_step(w, fd, w->kind == SMALL_READER, &last);
		break;
	case SWITCHER:
		run_switcher(w, fd);
		break;
	}
	if (fd != w->s->shared_fd)
		close(fd);
	return NULL;
}

/* Puts a valid first message on both channels so readers never see none. */
static void stress_init(struct stress *s, unsigned int minor)
{
	unsigned char msg[BUF_LEN];
	int i;

	memset(s, 0, sizeof(*s));
	s->path = slot_node(minor);
	s->ch[0] = fresh_channel();
	do
		s->ch[1] = fresh_channel();
	while (s->ch[1] == s->ch[0]);
	s->shared_fd = -1;
	for (i = 0; i < 2; i++) {
		int fd = slot_open_channel(minor, s->ch[i]);

		make_msg(msg, 64, 12345, i);
		slot_put(fd, msg, 64);
		close(fd);
	}
	atomic_init(&s->stop, 0);
}

static void stress_threads(struct stress *s, const enum kind *kinds, int n,
			   const char *name)
{
	struct worker w[16];
	unsigned long writes = 0, reads = 0, changes = 0, refused = 0;
	double end = now_seconds() + stress_seconds();
	int i;

	ASSERT_LE(n, 16);
	for (i = 0; i < n; i++) {
		w[i] = (struct worker){ .s = s, .kind = kinds[i], .idx = i,
					.rng = 0x9e3779b97f4a7c15ull * (i + 1) };
		ASSERT_EQ(pthread_create(&w[i].thread, NULL, worker_main, &w[i]), 0);
	}
	while (now_seconds() < end)
		usleep(50000);
	atomic_store(&s->stop, 1);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(pthread_join(w[i].thread, NULL), 0);
		if (w[i].kind == WRITER)
			writes += w[i].ops;
		if (w[i].kind == READER || w[i].kind == SMALL_READER) {
			reads += w[i].ops;
			changes += w[i].changes;
			refused += w[i].refused;
		}
	}
	TH_LOG("%s: %lu writes, %lu whole reads (%lu saw a new message), %lu ENOSPC",
	       name, writes, reads, changes, refused);
	ASSERT_GT(writes, 0);
	ASSERT_GT(reads, 0);
	/* The readers really raced the writers. */
	ASSERT_GT(changes, 1);
}

TEST(concurrent_writers_readers_never_torn)
{
	static const enum kind kinds[] = {
		WRITER, WRITER, WRITER, WRITER, READER, READER, READER, READER,
	};
	struct stress s;

	stress_init(&s, 50);
	stress_threads(&s, kinds, 8, "threads");
}

TEST(concurrent_small_reads_never_overflow)
{
	static const enum kind kinds[] = {
		WRITER, WRITER, SMALL_READER, SMALL_READER, SMALL_READER,
		SMALL_READER,
	};
	struct stress s;

	/* The length check and the copy see the same message. */
	stress_init(&s, 51);
	stress_threads(&s, kinds, 6, "small reads");
}

TEST(concurrent_failed_writes_never_torn)
{
	static const enum kind kinds[] = {
		WRITER, WRITER, BAD_WRITER, BAD_WRITER, BAD_WRITER, BAD_WRITER,
		READER, READER,
	};
	struct stress s;

	/* Failing writes racing good ones leave only whole good messages. */
	stress_init(&s, 52);
	stress_threads(&s, kinds, 8, "failed writes");
}

TEST(concurrent_channel_switch_never_torn)
{
	static const enum kind kinds[] = {
		SWITCHER, WRITER, WRITER, READER, READER,
	};
	struct stress s;

	/*
	 * Everyone shares one open file whose channel flips all the time;
	 * each write and read still goes whole to one channel.
	 */
	stress_init(&s, 53);
	s.shared_fd = slot_open_channel(53, s.ch[0]);
	stress_threads(&s, kinds, 5, "channel switch");
	close(s.shared_fd);
}

/*
 * A writer or reader process with its own opens of the node; it closes and
 * reopens its file every quarter of a second.  A failure ends it with
 * status 1.
 */
static void process_main(struct stress *s, enum kind kind, int idx)
{
	struct worker w = { .s = s, .kind = kind, .idx = idx,
			    .rng = 0x2545f4914f6cdd1dull * (idx + 7) };
	uint32_t last = 0;
	unsigned long opens = 0;

	while (now_seconds() < s->deadline) {
		double slice = now_seconds() + 0.25;
		int fd = worker_fd(&w);

		opens++;
		while (now_seconds() < slice && now_seconds() < s->deadline) {
			if (kind == WRITER)
				writer_step(&w, fd);
			else
				reader_step(&w, fd, false, &last);
		}
		ASSERT_OK(close(fd));
	}
	if (kind == READER)
		TH_LOG("reader process %d: %lu whole reads (%lu saw a new message), %lu opens",
		       idx, w.ops, w.changes, opens);
	else
		TH_LOG("writer process %d: %lu writes, %lu opens", idx, w.ops,
		       opens);
	_exit(0);
}

TEST(concurrent_processes_never_torn)
{
	static const enum kind kinds[] = { WRITER, WRITER, READER, READER };
	pid_t pids[4];
	struct stress s;
	int i, status;

	/* Separate processes, each with its own opens of the node. */
	stress_init(&s, 54);
	s.deadline = now_seconds() + stress_seconds();
	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		ASSERT_GE(pids[i], 0);
		if (pids[i] == 0)
			process_main(&s, kinds[i], i);
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(waitpid(pids[i], &status, 0), pids[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			TH_LOG("process %d (%s) failed, status %#x", i,
			       kinds[i] == WRITER ? "writer" : "reader", status);
			harness_fail();
		}
	}
}
