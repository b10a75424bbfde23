// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs_test.c - /sys/class/message_slot/slotN/ (SPEC Part 2,
 * "Introspection"): channels, bytes, writes, reads and open_files, one
 * decimal value and a newline each, mode 0444, exact after any sequence
 * of operations, never message contents.
 *
 * Every test starts from fresh_slot(): a new slot whose counters are 0.
 */
#include "ctl_util.h"

#include <pthread.h>

/* Minors used here: 160..179. */

static const char *const attrs[] = {
	"channels", "bytes", "writes", "reads", "open_files",
};

TEST(attributes_are_0444_root_files)
{
	size_t i;

	fresh_slot(160);
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		ASSERT_NODE(class_file(160, attrs[i]), S_IFREG, 0444, 0, 0);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 160));
}

static void read_attrs(void *arg)
{
	size_t i;

	(void)arg;
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		ASSERT_EQ(sysfs_value(160, attrs[i]), 0);
}

TEST(attributes_readable_by_nobody)
{
	fresh_slot(160);
	run_in_child(become_nobody, read_attrs, NULL);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 160));
}

TEST(new_slot_counters_are_zero)
{
	fresh_slot(161);
	/* sysfs_value() also checks the format: "0\n". */
	EXPECT_COUNTERS(161, 0, 0, 0, 0);
	ASSERT_EQ(sysfs_value(161, "open_files"), 0);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 161));
}

TEST(write_counts_channel_bytes_and_write)
{
	int fd;

	fresh_slot(162);
	fd = dev_open_channel(162, 1);
	slot_put_str(fd, "hello");
	EXPECT_COUNTERS(162, 1, 5, 1, 0);
	close(fd);
	/* Closing the writer keeps the message and its counts. */
	EXPECT_COUNTERS(162, 1, 5, 1, 0);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 162));
}

TEST(overwrite_with_other_length_updates_bytes)
{
	char big[BUF_LEN];
	int fd;

	fresh_slot(163);
	fd = dev_open_channel(163, 1);
	slot_put_str(fd, "hello");
	slot_put_str(fd, "hello, world");		/* longer */
	EXPECT_COUNTERS(163, 1, 12, 2, 0);
	slot_put_str(fd, "hi");				/* shorter */
	EXPECT_COUNTERS(163, 1, 2, 3, 0);
	memset(big, 'x', sizeof(big));
	slot_put(fd, big, sizeof(big));
	slot_put(fd, big, sizeof(big));			/* same length */
	EXPECT_COUNTERS(163, 1, BUF_LEN, 5, 0);
	close(fd);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 163));
}

TEST(writes_to_several_channels_add_up)
{
	unsigned long long bytes = 0;
	char msg[BUF_LEN];
	unsigned int i;
	int fd, other;

	fresh_slot(164);
	fd = dev_open(164);
	for (i = 1; i <= 100; i++) {
		ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, i * 65537));
		memset(msg, (int)i, i);
		slot_put(fd, msg, i);
		bytes += i;
	}
	EXPECT_COUNTERS(164, 100, bytes, 100, 0);
	/* The same ids through another file and another node. */
	other = slot_open_channel(164, 65537);
	slot_put_str(other, "replaces a 1-byte message");
	bytes += strlen("replaces a 1-byte message") - 1;
	ASSERT_OK(ioctl(other, MSG_SLOT_CHANNEL, 0xffffffff));
	slot_put_str(other, "new");
	bytes += 3;
	EXPECT_COUNTERS(164, 101, bytes, 102, 0);
	close(fd);
	close(other);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 164));
}

TEST(failed_writes_change_nothing)
{
	char big[BUF_LEN + 1];
	char *edge = page_before_hole(4);
	int fd, nochan;

	fresh_slot(165);
	fd = dev_open_channel(165, 3);
	slot_put_str(fd, "kept");
	EXPECT_COUNTERS(165, 1, 4, 1, 0);

	memset(big, 'y', sizeof(big));
	ASSERT_ERRNO(write(fd, big, 0), EMSGSIZE);
	ASSERT_ERRNO(write(fd, big, BUF_LEN + 1), EMSGSIZE);
	ASSERT_ERRNO(write(fd, NULL_BUF, 5), EINVAL);
	ASSERT_ERRNO(write(fd, unmapped_page(), 5), EINVAL);
	ASSERT_ERRNO(write(fd, edge, 8), EINVAL);	/* 4 bytes into a hole */
	nochan = dev_open(165);
	ASSERT_ERRNO(write(nochan, "x", 1), EINVAL);
	EXPECT_COUNTERS(165, 1, 4, 1, 0);

	/* On a channel with no message, a failed write adds no channel. */
	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, 4));
	ASSERT_ERRNO(write(fd, big, BUF_LEN + 1), EMSGSIZE);
	ASSERT_ERRNO(write(fd, NULL_BUF, 5), EINVAL);
	EXPECT_COUNTERS(165, 1, 4, 1, 0);
	close(fd);
	close(nochan);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 165));
}

TEST(reads_count_only_successful_reads)
{
	char buf[BUF_LEN];
	char *ro = map_page(PROT_READ);
	int fd, nochan;

	fresh_slot(166);
	fd = dev_open_channel(166, 1);
	slot_put_str(fd, "read me");
	ASSERT_EQ(read(fd, buf, sizeof(buf)), 7);
	ASSERT_EQ(read(fd, buf, 7), 7);
	EXPECT_COUNTERS(166, 1, 7, 1, 2);

	ASSERT_ERRNO(read(fd, buf, 6), ENOSPC);
	ASSERT_ERRNO(read(fd, NULL_BUF, sizeof(buf)), EINVAL);
	ASSERT_ERRNO(read(fd, ro, sizeof(buf)), EINVAL);
	ASSERT_ERRNO(read(fd, unmapped_page(), sizeof(buf)), EINVAL);
	nochan = dev_open(166);
	ASSERT_ERRNO(read(nochan, buf, sizeof(buf)), EINVAL);
	ASSERT_OK(ioctl(nochan, MSG_SLOT_CHANNEL, 2));
	ASSERT_ERRNO(read(nochan, buf, sizeof(buf)), EWOULDBLOCK);
	EXPECT_COUNTERS(166, 1, 7, 1, 2);
	close(fd);
	close(nochan);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 166));
}

TEST(clear_zeroes_channels_and_bytes_keeps_writes_and_reads)
{
	char buf[BUF_LEN];
	int fd;

	fresh_slot(167);
	fd = dev_open_channel(167, 1);
	slot_put_str(fd, "one");
	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, 2));
	slot_put_str(fd, "two!");
	ASSERT_EQ(read(fd, buf, sizeof(buf)), 4);
	EXPECT_COUNTERS(167, 2, 7, 2, 1);
	ASSERT_OK(ctl(MSG_SLOT_CTL_CLEAR, 167));
	EXPECT_COUNTERS(167, 0, 0, 2, 1);
	/* A second clear of an empty slot changes nothing. */
	ASSERT_OK(ctl(MSG_SLOT_CTL_CLEAR, 167));
	EXPECT_COUNTERS(167, 0, 0, 2, 1);
	/* The file keeps channel 2 and counts on from there. */
	slot_put_str(fd, "three");
	EXPECT_COUNTERS(167, 1, 5, 3, 1);
	close(fd);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 167));
}

TEST(open_files_counts_files_on_both_nodes)
{
	int a, b, c, status;
	pid_t pid;

	fresh_slot(168);
	a = dev_open(168);
	ASSERT_EQ(sysfs_value(168, "open_files"), 1);
	b = slot_open(168);
	c = dup(a);	/* a dup is the same open file */
	ASSERT_EQ(sysfs_value(168, "open_files"), 2);
	pid = fork();
	ASSERT_TRUE(pid >= 0);
	if (pid == 0) {
		int d = dev_open(168);

		ASSERT_EQ(sysfs_value(168, "open_files"), 3);
		close(d);
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_EQ(status, 0);
	ASSERT_EQ(sysfs_value(168, "open_files"), 2);
	close(a);
	ASSERT_EQ(sysfs_value(168, "open_files"), 2);	/* c still open */
	close(c);
	close(b);
	ASSERT_EQ(sysfs_value(168, "open_files"), 0);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 168));
}

TEST(counters_of_one_slot_only)
{
	int a, b;

	fresh_slot(169);
	fresh_slot(170);
	a = dev_open_channel(169, 1);
	b = dev_open_channel(170, 1);
	slot_put_str(a, "only on 169");
	EXPECT_COUNTERS(170, 0, 0, 0, 0);
	slot_put_str(b, "170");
	EXPECT_COUNTERS(169, 1, 11, 1, 0);
	EXPECT_COUNTERS(170, 1, 3, 1, 0);
	close(a);
	close(b);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 169));
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 170));
}

TEST(no_attribute_shows_message_contents)
{
	static const char secret[] = "SECRETxyzzyPLUGHmessageslotcontents";
	struct dirent *e;
	char path[300];
	struct stat st;
	size_t len;
	DIR *d;
	int fd;

	fresh_slot(171);
	fd = dev_open_channel(171, 42);
	slot_put_str(fd, secret);
	d = opendir(class_dir(171));
	ASSERT_TRUE(d != NULL);
	while ((e = readdir(d))) {
		char *buf;

		snprintf(path, sizeof(path), "%s/%s", class_dir(171), e->d_name);
		if (lstat(path, &st) || !S_ISREG(st.st_mode) ||
		    !(st.st_mode & 0444))
			continue;
		buf = read_all(path, &len);
		if (!buf)
			continue;	/* write-only or unreadable: no leak */
		if (memmem(buf, len, "SECRET", 6) || memmem(buf, len, "xyzzy", 5)) {
			TH_LOG("%s shows message contents", path);
			harness_fail();
		}
		free(buf);
	}
	closedir(d);
	close(fd);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 171));
}

TEST(attribute_open_across_remove_is_safe)
{
	char buf[64];
	int fd, attr;

	fresh_slot(172);
	fd = dev_open_channel(172, 1);
	slot_put_str(fd, "abc");
	close(fd);
	attr = open(class_file(172, "bytes"), O_RDONLY);
	ASSERT_OK(attr);
	ASSERT_EQ(pread(attr, buf, sizeof(buf), 0), 2);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 172));
	ASSERT_FALSE(has_device(172));
	/* The attribute is gone with its device: an error, never old data. */
	errno = 0;
	if (pread(attr, buf, sizeof(buf), 0) >= 0) {
		TH_LOG("reading a removed slot's attribute succeeded");
		harness_fail();
	}
	close(attr);
}

/* ---- concurrency ----------------------------------------------------- */

enum { NCHAN = 64, WRITERS = 4, ROUNDS = 20000 };

struct writer {
	unsigned int minor;
	uint64_t seed;
	unsigned long long ok;	/* successful writes */
	bool with_clears;
	pthread_t thread;
};

/*
 * Writes random lengths to random channels of a small set, now and then
 * a failing write, and (one writer) now and then a CLEAR.
 */
static void *writer_main(void *arg)
{
	struct writer *w = arg;
	unsigned char msg[BUF_LEN + 1];
	int fd = dev_open(w->minor), cfd = ctl_open(), i;

	memset(msg, 'w', sizeof(msg));
	for (i = 0; i < ROUNDS; i++) {
		uint64_t r = prng_next(&w->seed);
		size_t len = 1 + r % BUF_LEN;

		if (ioctl(fd, MSG_SLOT_CHANNEL, 1 + (r >> 8) % NCHAN)) {
			TH_LOG("ioctl: %s", strerror(errno));
			harness_fail();
		}
		if ((r >> 20) % 16 == 0) {	/* a failing write */
			ASSERT_ERRNO(write(fd, msg, BUF_LEN + 1), EMSGSIZE);
			continue;
		}
		if (w->with_clears && (r >> 24) % 512 == 0)
			ASSERT_OK(ctl_fd(cfd, MSG_SLOT_CTL_CLEAR, w->minor));
		if (write(fd, msg, len) != (ssize_t)len) {
			TH_LOG("write %zu bytes: %s", len, strerror(errno));
			harness_fail();
		}
		w->ok++;
	}
	close(cfd);
	close(fd);
	return NULL;
}

/* Runs the writers, then checks the counters against a read of each channel. */
static void writers_then_check(unsigned int minor, bool with_clears)
{
	static struct writer w[WRITERS];
	unsigned long long writes = 0, channels = 0, bytes = 0;
	char buf[BUF_LEN];
	unsigned int id;
	ssize_t n;
	int i, fd;

	fresh_slot(minor);
	for (i = 0; i < WRITERS; i++) {
		w[i] = (struct writer){ .minor = minor, .seed = 0x1234567ull * (i + 1),
					.with_clears = with_clears && i == 0 };
		ASSERT_EQ(pthread_create(&w[i].thread, NULL, writer_main, &w[i]), 0);
	}
	for (i = 0; i < WRITERS; i++) {
		ASSERT_EQ(pthread_join(w[i].thread, NULL), 0);
		writes += w[i].ok;
	}
	fd = dev_open(minor);
	for (id = 1; id <= NCHAN; id++) {
		ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, id));
		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			ASSERT_EQ(errno, EWOULDBLOCK);
			continue;
		}
		channels++;
		bytes += (unsigned long long)n;
	}
	TH_LOG("%llu writes; final reads: %llu channels, %llu bytes",
	       writes, channels, bytes);
	/* Nothing read before the final reads: each of them counts once. */
	ASSERT_EQ(sysfs_value(minor, "channels"), channels);
	ASSERT_EQ(sysfs_value(minor, "bytes"), bytes);
	ASSERT_EQ(sysfs_value(minor, "writes"), writes);
	ASSERT_EQ(sysfs_value(minor, "reads"), channels);
	close(fd);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, minor));
}

TEST_TIMEOUT(concurrent_writers_counters_match_final_reads, 300)
{
	writers_then_check(175, false);
}

TEST_TIMEOUT(concurrent_writers_and_clears_counters_match_final_reads, 300)
{
	writers_then_check(176, true);
}
