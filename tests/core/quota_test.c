// SPDX-License-Identifier: GPL-2.0
/*
 * quota_test.c - the byte quota, module parameter "quota" (bytes of
 * messages per slot, 0 = no limit, root may change it at run time): a
 * write that would take the slot's stored bytes past it fails with EDQUOT
 * and changes nothing; a replacement counts new length minus old; clear
 * gives bytes back; switching the quota on counts what is stored; many
 * writers at once never overshoot it.
 *
 * Every test adds two slots of its own (MSG_SLOT_ANY_MINOR), runs its
 * checks in a child, then sets the quota back to 0 and removes the slots
 * whatever the child did. A destructor of the harness process sets the
 * quota to 0 once more at exit, in case a test timed out.
 */
#include "ctl_util.h"

#include <pthread.h>
#include <stdatomic.h>

#define QUOTA_PARAM "/sys/module/message_slot/parameters/quota"

static void write_param(const char *value)
{
	int fd = open(QUOTA_PARAM, O_WRONLY);
	ssize_t n;

	ASSERT_TRUE(fd >= 0);
	n = write(fd, value, strlen(value));
	close(fd);
	ASSERT_EQ(n, (ssize_t)strlen(value));
}

static void set_quota(unsigned long bytes)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lu\n", bytes);
	write_param(buf);
}

static unsigned long get_quota(void)
{
	size_t len;
	char *buf = read_all(QUOTA_PARAM, &len);
	unsigned long v;

	ASSERT_TRUE(buf != NULL);
	v = strtoul(buf, NULL, 10);
	free(buf);
	return v;
}

/* Best effort, from the harness process: never leave a quota behind. */
__attribute__((destructor)) static void quota_off_at_exit(void)
{
	int fd = open(QUOTA_PARAM, O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "0\n", 2) != 2)
			fprintf(stdout, "# could not set %s back to 0\n", QUOTA_PARAM);
		close(fd);
	}
}

/* The slots of the running test: A and B. */
static unsigned int slot_a, slot_b;

/*
 * A slot with a device and nothing stored. ADD of any minor picks one
 * with no slot; removing and adding it again makes sure of it.
 */
static unsigned int add_empty_slot(void)
{
	int minor = ctl(MSG_SLOT_CTL_ADD, MSG_SLOT_ANY_MINOR);

	ASSERT_GE(minor, 0);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, (unsigned int)minor));
	ASSERT_EQ(ctl(MSG_SLOT_CTL_ADD, (unsigned int)minor), minor);
	return (unsigned int)minor;
}

static void (*test_body)(void);

static void run_body(void *arg)
{
	(void)arg;
	test_body();
}

/* Runs @body in a child on two new slots; cleans up whatever happens. */
static void with_quota_slots(void (*body)(void))
{
	bool passed;
	int ra, rb;

	ASSERT_EQ(get_quota(), 0);
	slot_a = add_empty_slot();
	slot_b = add_empty_slot();
	test_body = body;
	passed = child_passes(NULL, run_body, NULL);
	set_quota(0);
	ra = ctl(MSG_SLOT_CTL_REMOVE, slot_a);
	rb = ctl(MSG_SLOT_CTL_REMOVE, slot_b);
	ASSERT_TRUE(passed);
	ASSERT_OK(ra);
	ASSERT_OK(rb);
}

#define QUOTA_TEST(name)						\
	static void name##_body(void);					\
	TEST(name) { with_quota_slots(name##_body); }			\
	static void name##_body(void)

/* Selects @id on @fd and writes @len bytes of @c; write()'s result. */
static ssize_t put(int fd, unsigned int id, size_t len, int c)
{
	char buf[BUF_LEN];

	memset(buf, c, len);
	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, id));
	return write(fd, buf, len);
}

#define PUT_OK(fd, id, len, c) ASSERT_EQ(put(fd, id, len, c), (ssize_t)(len))
#define PUT_EDQUOT(fd, id, len, c) ASSERT_ERRNO(put(fd, id, len, c), EDQUOT)

/* Channel @id of @fd holds exactly @len bytes of @c. */
static void expect_msg(int fd, unsigned int id, size_t len, int c)
{
	char want[BUF_LEN];

	memset(want, c, len);
	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, id));
	slot_expect(fd, want, len);
}

/* sysfs channels, bytes and writes of slot A. */
#define EXPECT_A(ch, by, wr)						\
	do {								\
		ASSERT_EQ(sysfs_value(slot_a, "channels"), (ch));	\
		ASSERT_EQ(sysfs_value(slot_a, "bytes"), (by));		\
		ASSERT_EQ(sysfs_value(slot_a, "writes"), (wr));		\
	} while (0)

TEST(quota_parameter_is_0644_root_and_0_by_default)
{
	ASSERT_NODE(QUOTA_PARAM, S_IFREG, 0644, 0, 0);
	ASSERT_EQ(get_quota(), 0);
}

QUOTA_TEST(quota_parameter_refuses_what_is_not_a_number)
{
	static const char *const bad[] = { "abc", "-1", "", "12x", "1 2",
					   "99999999999999999999999" };
	size_t i;
	int fd;

	set_quota(500);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fd = open(QUOTA_PARAM, O_WRONLY);
		ASSERT_TRUE(fd >= 0);
		errno = 0;
		if (write(fd, bad[i], strlen(bad[i]) + 1) != -1 ||
		    (errno != EINVAL && errno != ERANGE)) {
			TH_LOG("quota \"%s\": expected EINVAL or ERANGE, got %s",
			       bad[i], errno ? strerror(errno) : "success");
			harness_fail();
		}
		close(fd);
	}
	ASSERT_EQ(get_quota(), 500);
	set_quota(0x7fffffff);
	ASSERT_EQ(get_quota(), 0x7fffffff);
}

QUOTA_TEST(writes_up_to_exactly_the_quota_succeed)
{
	int fd = dev_open(slot_a);
	unsigned int id;

	set_quota(1000);
	for (id = 1; id <= 7; id++)
		PUT_OK(fd, id, 128, 'a' + id);		/* 896 bytes */
	PUT_OK(fd, 8, 104, 'h');			/* 1000 exactly */
	EXPECT_A(8, 1000, 8);
	PUT_EDQUOT(fd, 9, 1, 'i');
	EXPECT_A(8, 1000, 8);
	/* Full, yet a replacement of the same length still fits. */
	PUT_OK(fd, 8, 104, 'H');
	expect_msg(fd, 8, 104, 'H');
	EXPECT_A(8, 1000, 9);
	close(fd);
}

QUOTA_TEST(one_byte_over_fails_with_edquot_and_changes_nothing)
{
	int fd = dev_open(slot_a);
	char buf[BUF_LEN];

	set_quota(300);
	PUT_OK(fd, 1, 128, 'a');
	PUT_OK(fd, 2, 128, 'b');
	PUT_OK(fd, 3, 43, 'c');				/* 299 */
	PUT_EDQUOT(fd, 4, 2, 'd');			/* a new channel, 301 */
	PUT_EDQUOT(fd, 3, 45, 'e');			/* a longer one, 301 */
	expect_msg(fd, 3, 43, 'c');
	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, 4));
	ASSERT_ERRNO(read(fd, buf, sizeof(buf)), EWOULDBLOCK);
	EXPECT_A(3, 299, 3);
	PUT_OK(fd, 4, 1, 'f');				/* 300 exactly */
	EXPECT_A(4, 300, 4);
	close(fd);
}

QUOTA_TEST(replacing_counts_new_length_minus_old)
{
	int fd = dev_open(slot_a);

	set_quota(200);
	PUT_OK(fd, 1, 128, 'a');
	PUT_OK(fd, 2, 72, 'b');				/* 200 */
	PUT_OK(fd, 1, 100, 'c');			/* shrinks: 172 */
	EXPECT_A(2, 172, 3);
	PUT_OK(fd, 2, 100, 'd');			/* grows by 28: 200 */
	EXPECT_A(2, 200, 4);
	PUT_EDQUOT(fd, 1, 101, 'e');			/* would be 201 */
	PUT_OK(fd, 1, 100, 'f');			/* same length */
	PUT_OK(fd, 2, 1, 'g');				/* 101 */
	PUT_OK(fd, 3, 99, 'h');				/* 200 */
	PUT_EDQUOT(fd, 4, 1, 'i');
	EXPECT_A(3, 200, 7);
	expect_msg(fd, 1, 100, 'f');
	expect_msg(fd, 2, 1, 'g');
	expect_msg(fd, 3, 99, 'h');
	close(fd);
}

QUOTA_TEST(failed_write_keeps_the_old_message)
{
	int fd = dev_open(slot_a), other;
	char msg[100];
	unsigned int i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (char)(i * 7 + 1);
	set_quota(150);
	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, 1));
	slot_put(fd, msg, sizeof(msg));
	PUT_OK(fd, 2, 50, 'y');				/* 150 */
	PUT_EDQUOT(fd, 1, 101, 'z');
	PUT_EDQUOT(fd, 1, BUF_LEN, 'z');
	/* Through this file and through another one. */
	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, 1));
	slot_expect(fd, msg, sizeof(msg));
	other = dev_open_channel(slot_a, 1);
	slot_expect(other, msg, sizeof(msg));
	EXPECT_A(2, 150, 2);
	close(other);
	close(fd);
}

QUOTA_TEST(clear_gives_the_bytes_back)
{
	int fd = dev_open(slot_a);

	set_quota(256);
	PUT_OK(fd, 1, 128, 'a');
	PUT_OK(fd, 2, 128, 'b');
	PUT_EDQUOT(fd, 3, 1, 'c');
	ASSERT_OK(ctl(MSG_SLOT_CTL_CLEAR, slot_a));
	EXPECT_A(0, 0, 2);
	PUT_OK(fd, 3, 128, 'd');
	PUT_OK(fd, 4, 128, 'e');
	PUT_EDQUOT(fd, 5, 1, 'f');
	EXPECT_A(2, 256, 4);
	close(fd);
}

QUOTA_TEST(switching_on_counts_the_bytes_stored)
{
	int fd = dev_open(slot_a);
	unsigned int id;

	for (id = 1; id <= 5; id++)
		PUT_OK(fd, id, 128, 'a');		/* 640, no quota */
	set_quota(700);
	PUT_OK(fd, 6, 60, 'b');				/* 700 */
	PUT_EDQUOT(fd, 7, 1, 'c');
	set_quota(0);
	PUT_OK(fd, 7, 128, 'd');			/* 828, no quota */
	/* Below what is stored: keeps it all, refuses only growth. */
	set_quota(500);
	EXPECT_A(7, 828, 7);
	PUT_EDQUOT(fd, 8, 1, 'e');
	PUT_OK(fd, 1, 128, 'f');			/* same length */
	PUT_OK(fd, 1, 1, 'g');				/* shrinks: 701 */
	PUT_EDQUOT(fd, 1, 2, 'h');			/* grows: 702 > 500 */
	expect_msg(fd, 1, 1, 'g');
	EXPECT_A(7, 701, 9);
	close(fd);
}

QUOTA_TEST(each_slot_has_its_own_quota)
{
	int a = dev_open(slot_a), b = dev_open(slot_b);

	set_quota(256);
	PUT_OK(a, 1, 128, 'a');
	PUT_OK(a, 2, 128, 'a');
	PUT_EDQUOT(a, 3, 1, 'a');
	/* The same ids on slot B: its own 256 bytes. */
	PUT_OK(b, 1, 128, 'b');
	PUT_OK(b, 2, 128, 'b');
	PUT_EDQUOT(b, 3, 1, 'b');
	ASSERT_EQ(sysfs_value(slot_b, "bytes"), 256);
	close(a);
	close(b);
}

/* --- many writers at once --------------------------------------------- */

#define QUOTA_RACE 100003		/* bytes; prime, so no length divides it */
#define WRITERS 4
#define OWN 4096			/* channels per writer, at most */
#define CHURN 5000			/* replacements per writer */
#define SHARED_ID 0x7fffffffu		/* one channel every writer replaces */

struct writer {
	pthread_t thread;
	unsigned int index;
	int fd, shared_fd;
	uint64_t rng;
	unsigned int nown;		/* channels holding a message */
	unsigned char len[OWN];		/* their message lengths */
	unsigned char fill[OWN];	/* and bytes */
	unsigned long long bytes;	/* sum of len[] */
	unsigned long ok, edquot;
};

static volatile int race_done;
/* Set when the quota will not change any more: churners may stop. */
static volatile int quota_settled = 1;

/* A write's result @r, with errno still its own, must be EDQUOT. */
static void expect_refused(ssize_t r, size_t len)
{
	int err = errno;

	if (r != -1 || err != EDQUOT) {
		TH_LOG("write of %zu bytes: got %zd (%s), expected EDQUOT",
		       len, r, r < 0 ? strerror(err) : "no error");
		harness_fail();
	}
}

static unsigned int own_id(const struct writer *w, unsigned int k)
{
	return (w->index + 1) * 0x100000u + k;
}

/*
 * Growth only: new channels, random lengths, halving the length after
 * each EDQUOT, until even 1 byte is refused.
 */
static void grow_until_full(struct writer *w)
{
	size_t len = 1 + prng_next(&w->rng) % BUF_LEN;

	while (w->nown < OWN) {
		unsigned char c = (unsigned char)(prng_next(&w->rng) | 1);
		ssize_t r = put(w->fd, own_id(w, w->nown), len, c);

		if (r == (ssize_t)len) {
			w->len[w->nown] = (unsigned char)len;
			w->fill[w->nown++] = c;
			w->bytes += len;
			w->ok++;
			len = 1 + prng_next(&w->rng) % BUF_LEN;
			continue;
		}
		expect_refused(r, len);
		w->edquot++;
		if (len == 1)
			return;
		len /= 2;
	}
	TH_LOG("writer %u filled all of its %d channels", w->index, OWN);
	harness_fail();
}

/*
 * Replacements of random lengths on the writer's own channels, which it
 * alone writes, so a refused one must leave exactly the old message; and
 * on the shared channel, where writers race for one message pointer.
 * CHURN of them, and on until CHURN / 10 after the quota has settled.
 */
static void churn(struct writer *w)
{
	unsigned int i, after = 0;

	for (i = 0; i < CHURN || after < CHURN / 10; i++) {
		size_t len = 1 + prng_next(&w->rng) % BUF_LEN;
		unsigned char c = (unsigned char)(prng_next(&w->rng) | 1);
		unsigned int k;
		ssize_t r;

		if (quota_settled)
			after++;

		/* A writer that came late to the growth may have no channel. */
		if (i % 4 == 3 || w->nown == 0) {
			r = put(w->shared_fd, SHARED_ID, len, c);
			if (r != (ssize_t)len)
				expect_refused(r, len);
			continue;
		}
		k = (unsigned int)(prng_next(&w->rng) % w->nown);
		r = put(w->fd, own_id(w, k), len, c);
		if (r == (ssize_t)len) {
			w->bytes += len - w->len[k];
			w->len[k] = (unsigned char)len;
			w->fill[k] = c;
			w->ok++;
			continue;
		}
		expect_refused(r, len);
		w->edquot++;
		if (w->edquot % 16 == 0)
			expect_msg(w->fd, own_id(w, k), w->len[k], w->fill[k]);
	}
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;

	grow_until_full(w);
	return NULL;
}

static void *churner_main(void *arg)
{
	struct writer *w = arg;

	churn(w);
	return NULL;
}

/*
 * While writers only add bytes, every CPU's share of the "bytes" counter
 * only grows, so any sum sysfs reads is at most the true total: it must
 * never pass the quota.
 */
static void *monitor_main(void *arg)
{
	unsigned long long *samples = arg, v;

	while (!race_done) {
		v = sysfs_value(slot_a, "bytes");
		if (v > QUOTA_RACE) {
			TH_LOG("sysfs bytes %llu > quota %d while writers run",
			       v, QUOTA_RACE);
			harness_fail();
		}
		(*samples)++;
	}
	return NULL;
}

/* The sum of every writer's bytes plus the shared channel's message. */
static unsigned long long tracked_bytes(struct writer *w, int fd)
{
	unsigned long long sum = 0;
	char buf[BUF_LEN];
	ssize_t n;
	int i;

	for (i = 0; i < WRITERS; i++)
		sum += w[i].bytes;
	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, SHARED_ID));
	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		ASSERT_EQ(errno, EWOULDBLOCK);
	return sum + (n > 0 ? (unsigned long long)n : 0);
}

/*
 * Fills what the quota leaves: messages of 128 bytes on new channels from
 * id @base until refused, then of 64, 32, ... 1. Returns the bytes that
 * fit, which is exactly the room left if the driver counts right.
 */
static unsigned long top_up(int fd, unsigned int base)
{
	unsigned long bytes = 0;
	size_t len;

	for (len = BUF_LEN; len > 0; len /= 2) {
		while (put(fd, base++, len, 'x') == (ssize_t)len)
			bytes += len;
		ASSERT_EQ(errno, EDQUOT);
	}
	return bytes;
}

static void run_writers(struct writer *w, void *(*fn)(void *))
{
	int i;

	for (i = 0; i < WRITERS; i++)
		ASSERT_EQ(pthread_create(&w[i].thread, NULL, fn, &w[i]), 0);
	for (i = 0; i < WRITERS; i++)
		ASSERT_EQ(pthread_join(w[i].thread, NULL), 0);
}

static struct writer writers[WRITERS];

/* Each writer with two files of its own on slot A and nothing stored. */
static void writers_init(unsigned int round)
{
	int i;

	for (i = 0; i < WRITERS; i++) {
		struct writer *w = &writers[i];

		if (round == 0) {
			w->fd = dev_open(slot_a);
			w->shared_fd = dev_open(slot_a);
		}
		w->index = (unsigned int)i;
		w->rng = 0x9e3779b97f4a7c15ull * (uint64_t)(round * WRITERS + i + 1);
		w->nown = 0;
		w->bytes = 0;
		w->ok = w->edquot = 0;
	}
}

/*
 * One round of growth by every writer at once from an empty slot A; the
 * slot must end exactly full (after a top-up from @top_base). Returns the
 * bytes of the top-up.
 */
static unsigned long grow_round(int fd, unsigned int round, unsigned int top_base)
{
	unsigned long long samples = 0, sum;
	unsigned long ok = 0, refused = 0, room;
	pthread_t monitor;
	int i;

	writers_init(round);
	race_done = 0;
	ASSERT_EQ(pthread_create(&monitor, NULL, monitor_main, &samples), 0);
	run_writers(writers, writer_main);
	race_done = 1;
	ASSERT_EQ(pthread_join(monitor, NULL), 0);
	for (i = 0; i < WRITERS; i++) {
		ok += writers[i].ok;
		refused += writers[i].edquot;
	}
	sum = tracked_bytes(writers, fd);
	TH_LOG("round %u: %lu writes stored %llu bytes, %lu refused, %llu sysfs samples",
	       round, ok, sum, refused, samples);
	/* Growth never shrinks: an overshoot at any time would still show. */
	ASSERT_LE(sum, QUOTA_RACE);
	ASSERT_EQ(sysfs_value(slot_a, "bytes"), sum);
	ASSERT_EQ(sysfs_value(slot_a, "channels"), ok);
	/* What is left is exactly the quota's remainder, byte by byte. */
	room = top_up(fd, top_base);
	ASSERT_EQ(sum + room, QUOTA_RACE);
	return room;
}

QUOTA_TEST(concurrent_writers_never_overshoot)
{
	unsigned int round;
	int i, fd = dev_open(slot_a);

	set_quota(QUOTA_RACE);
	for (round = 0; round < 8; round++) {
		grow_round(fd, round, 0x40000000u);
		/* Clearing gives all of it back: the next round starts empty. */
		ASSERT_OK(ctl(MSG_SLOT_CTL_CLEAR, slot_a));
		ASSERT_EQ(sysfs_value(slot_a, "bytes"), 0);
	}
	for (i = 0; i < WRITERS; i++) {
		close(writers[i].fd);
		close(writers[i].shared_fd);
	}
	close(fd);
}

QUOTA_TEST(concurrent_replacements_keep_the_count_exact)
{
	unsigned long long sum;
	unsigned long ok = 0, refused = 0, room;
	int i, fd = dev_open(slot_a);

	set_quota(QUOTA_RACE);
	room = grow_round(fd, 0, 0x40000000u);
	for (i = 0; i < WRITERS; i++)
		writers[i].ok = writers[i].edquot = 0;
	/* A full slot: every growth now races for bytes others give back. */
	run_writers(writers, churner_main);
	for (i = 0; i < WRITERS; i++) {
		ok += writers[i].ok;
		refused += writers[i].edquot;
	}
	sum = tracked_bytes(writers, fd) + room;
	TH_LOG("%lu replacements stored, %lu refused; %llu bytes stored",
	       ok, refused, sum);
	ASSERT_GT(ok, 0);
	ASSERT_GT(refused, 0);
	ASSERT_EQ(sysfs_value(slot_a, "bytes"), sum);
	ASSERT_LE(sum, QUOTA_RACE);
	ASSERT_EQ(sum + top_up(fd, 0x50000000u), QUOTA_RACE);
	for (i = 0; i < WRITERS; i++) {
		close(writers[i].fd);
		close(writers[i].shared_fd);
	}
	close(fd);
}

#define QUOTA_FINAL (4 * QUOTA_RACE)
#define QUOTA_CHANGES 40

/*
 * Sets the quota to 0, QUOTA_RACE and others in turn, QUOTA_CHANGES
 * times, then to QUOTA_FINAL, more than the writers can store, all while
 * they run: they go on for a while after quota_settled.
 */
static void *toggler_main(void *arg)
{
	static const unsigned long values[] = { 0, QUOTA_RACE, 50000, 0,
						QUOTA_RACE * 10 };
	unsigned int i;

	(void)arg;
	for (i = 0; i < QUOTA_CHANGES; i++)
		set_quota(values[i % 5]);
	set_quota(QUOTA_FINAL);
	quota_settled = 1;
	return NULL;
}

/*
 * Every change recounts the slots from their bytes; one that raced a
 * write would leave the count off for good, and the last change is made
 * while the writers still run: the room left must be exact.
 */
QUOTA_TEST(quota_changes_while_writers_run_keep_the_count_exact)
{
	unsigned long long sum;
	unsigned long room;
	pthread_t toggler;
	double t0;
	int i, fd = dev_open(slot_a);

	set_quota(QUOTA_RACE);
	room = grow_round(fd, 0, 0x40000000u);
	quota_settled = 0;
	t0 = now_seconds();
	ASSERT_EQ(pthread_create(&toggler, NULL, toggler_main, NULL), 0);
	run_writers(writers, churner_main);
	ASSERT_EQ(pthread_join(toggler, NULL), 0);
	sum = tracked_bytes(writers, fd) + room;
	TH_LOG("%d changes of the quota while writers ran, %.1f s; %llu bytes stored",
	       QUOTA_CHANGES + 1, now_seconds() - t0, sum);
	ASSERT_EQ(sysfs_value(slot_a, "bytes"), sum);
	ASSERT_LE(sum, QUOTA_FINAL);
	ASSERT_EQ(top_up(fd, 0x50000000u), QUOTA_FINAL - sum);
	for (i = 0; i < WRITERS; i++) {
		close(writers[i].fd);
		close(writers[i].shared_fd);
	}
	close(fd);
}

/* ---- writes that fit in every serial order ----------------------------- */

struct fitter {
	int fd;
	size_t len;
	unsigned long ok, edquot;
};

static atomic_bool fit_stop;

static void *fitter_main(void *arg)
{
	struct fitter *f = arg;
	char buf[BUF_LEN];

	memset(buf, 'f', f->len);
	while (!atomic_load(&fit_stop)) {
		if (write(f->fd, buf, f->len) == (ssize_t)f->len) {
			f->ok++;
		} else {
			ASSERT_EQ(errno, EDQUOT);
			f->edquot++;
		}
	}
	return NULL;
}

/*
 * With quota 128 and one channel, files writing 128, 128 and 64 bytes to
 * it succeed in every serial order: each replaces the message, the slot
 * never holds more than 128. A write computed against a message another
 * writer has just replaced must not fail for it ("a write that does not
 * grow the slot never fails").
 */
QUOTA_TEST(writes_that_fit_in_every_order_never_get_edquot)
{
	static struct fitter f[3] = { { .len = BUF_LEN }, { .len = BUF_LEN },
				      { .len = BUF_LEN / 2 } };
	pthread_t t[3];
	unsigned long ok = 0, refused = 0;
	int i, fd = dev_open(slot_a);

	PUT_OK(fd, 1, BUF_LEN / 2, 'a');
	set_quota(BUF_LEN);
	atomic_store(&fit_stop, false);
	for (i = 0; i < 3; i++) {
		f[i].fd = dev_open(slot_a);
		f[i].ok = f[i].edquot = 0;
		ASSERT_OK(ioctl(f[i].fd, MSG_SLOT_CHANNEL, 1));
		ASSERT_EQ(pthread_create(&t[i], NULL, fitter_main, &f[i]), 0);
	}
	usleep(8 * 1000 * 1000);
	atomic_store(&fit_stop, true);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(pthread_join(t[i], NULL), 0);
		ok += f[i].ok;
		refused += f[i].edquot;
		close(f[i].fd);
	}
	TH_LOG("%lu writes of 128 and 64 bytes stored, %lu refused with EDQUOT",
	       ok, refused);
	ASSERT_GT(ok, 1000);
	ASSERT_EQ(refused, 0);
	ASSERT_LE(sysfs_value(slot_a, "bytes"), BUF_LEN);
	ASSERT_EQ(sysfs_value(slot_a, "channels"), 1);
	close(fd);
}

/* ---- clears racing writers --------------------------------------------- */

static void *clear_loop_main(void *arg)
{
	int fd = ctl_open();

	(void)arg;
	while (!atomic_load(&fit_stop))
		ASSERT_OK(ctl_fd(fd, MSG_SLOT_CTL_CLEAR, slot_a));
	close(fd);
	return NULL;
}

/*
 * With quota 128, a file replacing its channel's 128 bytes with 128 more
 * while clears drop them succeeds in every serial order: before a clear
 * it grows nothing, after one it grows into an empty slot. A writer that
 * saw the message gone but its bytes still charged would fail.
 */
QUOTA_TEST(writes_racing_clears_never_get_edquot)
{
	static struct fitter f = { .len = BUF_LEN };
	pthread_t writer, clearer;

	set_quota(BUF_LEN);
	atomic_store(&fit_stop, false);
	f.fd = dev_open(slot_a);
	f.ok = f.edquot = 0;
	ASSERT_OK(ioctl(f.fd, MSG_SLOT_CHANNEL, 1));
	ASSERT_EQ(pthread_create(&writer, NULL, fitter_main, &f), 0);
	ASSERT_EQ(pthread_create(&clearer, NULL, clear_loop_main, NULL), 0);
	usleep(5 * 1000 * 1000);
	atomic_store(&fit_stop, true);
	ASSERT_EQ(pthread_join(writer, NULL), 0);
	ASSERT_EQ(pthread_join(clearer, NULL), 0);
	TH_LOG("%lu writes of 128 bytes racing clears stored, %lu refused with EDQUOT",
	       f.ok, f.edquot);
	ASSERT_GT(f.ok, 1000);
	ASSERT_EQ(f.edquot, 0);
	ASSERT_LE(sysfs_value(slot_a, "bytes"), BUF_LEN);
	close(f.fd);
}
