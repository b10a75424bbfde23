// SPDX-License-Identifier: GPL-2.0
/*
 * races_test.c - the introspection and control paths under concurrency
 * (SPEC Part 2, and Part 1: "no input may crash, hang, leak or corrupt
 * the kernel"): dumps while channels come and go and slots are cleared,
 * ADD and REMOVE racing opens, sysfs and debugfs reads.  Each test checks
 * what every call returned; the VM runner fails the run on any kernel
 * report these races might provoke.
 */
#include "ctl_util.h"

#include <pthread.h>

/* Minors used here: 230..239. */

static volatile int stop;

static void sleep_ms(unsigned int ms)
{
	usleep(ms * 1000);
}

/* ---- dumps while channels come and go -------------------------------- */

enum { WRITTEN_IDS = 5000, SELECTED_IDS = 100000 };

struct churn {
	unsigned int minor;
	uint64_t seed;
	unsigned long ops;
};

/* Writes random messages to channels 1..WRITTEN_IDS, reopening now and then. */
static void *churn_writer(void *arg)
{
	struct churn *c = arg;
	unsigned char msg[BUF_LEN];
	int fd = dev_open(c->minor);

	while (!stop) {
		uint64_t r = prng_next(&c->seed);
		size_t len = 1 + r % BUF_LEN, i;

		for (i = 0; i < len; i++)
			msg[i] = (unsigned char)(r >> (i % 56));
		ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, 1 + (r >> 16) % WRITTEN_IDS));
		ASSERT_EQ(write(fd, msg, len), (ssize_t)len);
		if ((r >> 40) % 64 == 0) {
			close(fd);
			fd = dev_open(c->minor);
		}
		c->ops++;
	}
	close(fd);
	return NULL;
}

/* Selects channels without writing: empty channels made and dropped. */
static void *churn_selector(void *arg)
{
	struct churn *c = arg;
	int fd = dev_open(c->minor);

	while (!stop) {
		uint64_t r = prng_next(&c->seed);

		ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL,
				WRITTEN_IDS + 1 + r % SELECTED_IDS));
		c->ops++;
	}
	close(fd);
	return NULL;
}

static void *churn_clearer(void *arg)
{
	struct churn *c = arg;
	int fd = ctl_open();

	while (!stop) {
		ASSERT_OK(ctl_fd(fd, MSG_SLOT_CTL_CLEAR, c->minor));
		c->ops++;
		sleep_ms(20);
	}
	close(fd);
	return NULL;
}

/*
 * Checks that every line of @text is "<id> <len> <escaped>" with an id of
 * a written channel and exactly <len> bytes once unescaped.  Returns the
 * number of lines.
 */
static size_t check_lines(char *text, size_t len)
{
	char *line = text, *nl, *p;
	size_t n = 0;

	while (line < text + len) {
		unsigned long id, mlen, bytes = 0;

		nl = memchr(line, '\n', len - (size_t)(line - text));
		ASSERT_TRUE(nl != NULL);
		*nl = '\0';
		id = strtoul(line, &p, 10);
		ASSERT_TRUE(*p == ' ');
		mlen = strtoul(p + 1, &p, 10);
		ASSERT_TRUE(*p == ' ');
		for (p++; *p; bytes++) {
			if (*p == '\\') {
				ASSERT_TRUE(p[1] == 'x' && strchr("0123456789abcdef", p[2]) &&
					    strchr("0123456789abcdef", p[3]) && p[2] && p[3]);
				p += 4;
			} else {
				ASSERT_TRUE(*p >= 0x20 && *p <= 0x7e);
				p++;
			}
		}
		if (id < 1 || id > WRITTEN_IDS || mlen < 1 || mlen > BUF_LEN ||
		    bytes != mlen) {
			TH_LOG("bad dump line \"%.80s\"", line);
			harness_fail();
		}
		n++;
		line = nl + 1;
	}
	return n;
}

TEST_TIMEOUT(dump_while_channels_churn_and_clears_is_safe, 120)
{
	static const size_t chunks[] = { 1, 100, 4096, 65536 };
	static struct churn c[4];
	void *(*fns[4])(void *) = { churn_writer, churn_writer, churn_selector,
				    churn_clearer };
	pthread_t t[4];
	double end;
	size_t len, lines = 0, dumps = 0;
	char *text;
	int i;

	fresh_slot(230);
	stop = 0;
	for (i = 0; i < 4; i++) {
		c[i] = (struct churn){ .minor = 230, .seed = 77 + (uint64_t)i };
		ASSERT_EQ(pthread_create(&t[i], NULL, fns[i], &c[i]), 0);
	}
	end = now_seconds() + 5;
	while (now_seconds() < end) {
		text = read_all_chunked(dump_path(230), &len, chunks[dumps % 4]);
		ASSERT_TRUE(text != NULL);
		lines += check_lines(text, len);
		dumps++;
		free(text);
	}
	stop = 1;
	for (i = 0; i < 4; i++)
		ASSERT_EQ(pthread_join(t[i], NULL), 0);
	TH_LOG("%zu dumps (%zu lines) during %lu writes, %lu selections, %lu clears",
	       dumps, lines, c[0].ops + c[1].ops, c[2].ops, c[3].ops);
	ASSERT_GT(c[3].ops, 10);
	/* Quiet again: the dump has exactly the channels holding a message. */
	text = read_all(dump_path(230), &len);
	ASSERT_TRUE(text != NULL);
	ASSERT_EQ(check_lines(text, len), sysfs_value(230, "channels"));
	free(text);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 230));
}

/* ---- ADD and REMOVE racing opens -------------------------------------- */

struct racer {
	unsigned int minor;
	unsigned long n[4];
};

/* Opens the slot through mknod and its device node, writes, reads, closes. */
static void *race_opener(void *arg)
{
	struct racer *r = arg;
	char buf[BUF_LEN];
	ssize_t n;
	int fd;

	while (!stop) {
		fd = open(dev_node(r->minor), O_RDWR);
		if (fd < 0) {
			ASSERT_EQ(errno, ENOENT);	/* removed just now */
			r->n[1]++;
		} else {
			ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, 1));
			ASSERT_EQ(write(fd, "dev", 3), 3);
			close(fd);
			r->n[0]++;
		}
		fd = slot_open_channel(r->minor, 2);
		ASSERT_EQ(write(fd, "mknod", 5), 5);
		n = read(fd, buf, sizeof(buf));
		/* A CLEAR may come in between. */
		ASSERT_TRUE(n == 5 || (n < 0 && errno == EWOULDBLOCK));
		close(fd);
		r->n[2]++;
	}
	return NULL;
}

/*
 * Reads the slot's sysfs counters and dump while they come and go: bytes,
 * and open_files while the openers change it (the KCSAN lane's race).
 */
static void *race_inspector(void *arg)
{
	static const char *const attrs[] = { "bytes", "open_files" };
	struct racer *r = arg;
	char buf[4096];
	unsigned long turn = 0;
	ssize_t n;
	int fd;

	while (!stop) {
		fd = open(class_file(r->minor, attrs[turn++ % 2]), O_RDONLY);
		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf));
			ASSERT_TRUE(n > 0 || (n < 0 && errno == ENODEV));
			close(fd);
			r->n[0]++;
		} else {
			/* Gone, or going: kernfs says ENODEV then. */
			ASSERT_TRUE(errno == ENOENT || errno == ENODEV);
		}
		fd = open(dump_path(r->minor), O_RDONLY);
		if (fd >= 0) {
			while ((n = read(fd, buf, 7)) > 0)
				;
			ASSERT_TRUE(n == 0 || errno == EIO);
			close(fd);
			r->n[1]++;
		} else {
			ASSERT_EQ(errno, ENOENT);
		}
	}
	return NULL;
}

TEST_TIMEOUT(add_remove_racing_opens_and_reads_is_safe, 120)
{
	static struct racer opener = { .minor = 231 },
			    inspector = { .minor = 231 };
	pthread_t t[2];
	unsigned long added = 0, removed = 0, busy = 0, cleared = 0;
	double end;
	int fd, ret;

	fresh_slot(231);
	slot_node(231);		/* made before the threads use it */
	fd = ctl_open();
	stop = 0;
	ASSERT_EQ(pthread_create(&t[0], NULL, race_opener, &opener), 0);
	ASSERT_EQ(pthread_create(&t[1], NULL, race_inspector, &inspector), 0);
	end = now_seconds() + 5;
	while (now_seconds() < end) {
		ret = ctl_fd(fd, MSG_SLOT_CTL_REMOVE, 231);
		if (ret == 0)
			removed++;
		else if (errno == EBUSY)
			busy++;
		else
			ASSERT_EQ(errno, ENODEV);	/* no device yet */
		ret = ctl_fd(fd, MSG_SLOT_CTL_CLEAR, 231);
		if (ret == 0)
			cleared++;
		else
			ASSERT_EQ(errno, ENODEV);	/* no slot state now */
		ret = ctl_fd(fd, MSG_SLOT_CTL_ADD, 231);
		if (ret == 231)
			added++;
		else
			ASSERT_EQ(errno, EEXIST);
	}
	stop = 1;
	ASSERT_EQ(pthread_join(t[0], NULL), 0);
	ASSERT_EQ(pthread_join(t[1], NULL), 0);
	TH_LOG("%lu adds, %lu removes, %lu EBUSY, %lu clears; %lu device opens (%lu ENOENT), %lu mknod opens; %lu sysfs and %lu dump reads",
	       added, removed, busy, cleared, opener.n[0], opener.n[1],
	       opener.n[2], inspector.n[0], inspector.n[1]);
	ASSERT_GT(removed, 0);
	ASSERT_GT(opener.n[2], 0);
	/* Quiet again: the slot works and REMOVE goes through. */
	if (!has_device(231))
		ASSERT_EQ(ctl_fd(fd, MSG_SLOT_CTL_ADD, 231), 231);
	ASSERT_EQ(sysfs_value(231, "open_files"), 0);
	ASSERT_OK(ctl_fd(fd, MSG_SLOT_CTL_REMOVE, 231));
	close(fd);
}

/* Opens and closes the slot's device node until told to stop. */
static void *open_close_loop(void *arg)
{
	struct racer *r = arg;
	int fd;

	while (!stop) {
		fd = dev_open(r->minor);
		close(fd);
		r->n[0]++;
	}
	return NULL;
}

/*
 * open_files, read while two threads open and close the slot: never more
 * than the two files they can hold, 0 once they are done. The KCSAN lane
 * runs it for the count's update under ms_slots_lock racing sysfs's
 * lockless read (a plain increment once, now WRITE_ONCE).
 */
TEST_TIMEOUT(open_files_reads_while_files_open_and_close, 60)
{
	static struct racer openers[2] = { { .minor = 233 }, { .minor = 233 } };
	unsigned long reads = 0;
	pthread_t t[2];
	long value;
	double end;
	int i;

	fresh_slot(233);
	stop = 0;
	for (i = 0; i < 2; i++)
		ASSERT_EQ(pthread_create(&t[i], NULL, open_close_loop, &openers[i]), 0);
	end = now_seconds() + 5;
	while (now_seconds() < end) {
		value = sysfs_value(233, "open_files");
		ASSERT_TRUE(value >= 0 && value <= 2);
		reads++;
	}
	stop = 1;
	for (i = 0; i < 2; i++)
		ASSERT_EQ(pthread_join(t[i], NULL), 0);
	TH_LOG("%lu sysfs reads during %lu and %lu opens", reads,
	       openers[0].n[0], openers[1].n[0]);
	ASSERT_GT(openers[0].n[0] + openers[1].n[0], 0);
	ASSERT_EQ(sysfs_value(233, "open_files"), 0);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 233));
}

TEST_TIMEOUT(remove_with_many_dumps_open_is_safe, 60)
{
	enum { DUMPS = 64 };
	int dumps[DUMPS], fd, i;
	char buf[64];

	fresh_slot(232);
	fd = dev_open(232);
	for (i = 1; i <= 3000; i++) {
		ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, i));
		slot_put_str(fd, "a message in a dump that is left half read");
	}
	close(fd);
	for (i = 0; i < DUMPS; i++) {
		dumps[i] = open(dump_path(232), O_RDONLY);
		ASSERT_OK(dumps[i]);
		/* Some half read, some not read at all. */
		if (i % 2)
			ASSERT_EQ(read(dumps[i], buf, sizeof(buf)), (ssize_t)sizeof(buf));
	}
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 232));
	/* The minor comes back as a new slot while the old dumps are open. */
	fd = slot_open_channel(232, 1);
	slot_put_str(fd, "new");
	for (i = 0; i < DUMPS; i++) {
		ssize_t n = read(dumps[i], buf, sizeof(buf));

		ASSERT_TRUE(n <= 0);
		ASSERT_OK(close(dumps[i]));
	}
	close(fd);
	ASSERT_OK(ctl(MSG_SLOT_CTL_CLEAR, 232));
}
