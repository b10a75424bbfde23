/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ctl_util.h - helpers for the tests of the slot devices, the control node,
 * sysfs and debugfs (SPEC Part 2): control requests, fresh slots, sysfs
 * counters, whole-file reads, running a step as an unprivileged user.
 *
 * Tests that need a slot with known counters start from fresh_slot(),
 * which removes the minor's slot (and with it every message and counter)
 * and adds it again.  Only minors a test file owns are ever removed; the
 * fixed slots of the module parameter "slots" are never touched.
 */
#ifndef MS_TESTS_CTL_UTIL_H
#define MS_TESTS_CTL_UTIL_H

#include "slot_util.h"

#include <dirent.h>
#include <grp.h>

#define CONTROL_PATH "/dev/message_slot/control"
#define SLOT_DEV_DIR "/dev/message_slot"
#define SLOT_CLASS_DIR "/sys/class/message_slot"
#define DEBUGFS_DIR "/sys/kernel/debug/message_slot"
#define NOBODY 65534

/*
 * A path in a buffer that stays valid for the next 7 calls in the same
 * thread (per-thread, so that threads never overwrite each other's paths).
 */
static inline const char *pathf(const char *fmt, unsigned int minor,
				const char *name)
{
	static _Thread_local char bufs[8][300];
	static _Thread_local unsigned int next;
	char *p = bufs[next++ % 8];

	snprintf(p, sizeof(bufs[0]), fmt, minor, name ? name : "");
	return p;
}

/* /dev/message_slot/slotN, the node devtmpfs makes for a slot device. */
#define dev_node(minor) pathf(SLOT_DEV_DIR "/slot%u%s", minor, NULL)
/* /sys/class/message_slot/slotN[/NAME] */
#define class_dir(minor) pathf(SLOT_CLASS_DIR "/slot%u%s", minor, NULL)
#define class_file(minor, name) pathf(SLOT_CLASS_DIR "/slot%u/%s", minor, name)
/* /sys/kernel/debug/message_slot/slotN */
#define dump_path(minor) pathf(DEBUGFS_DIR "/slot%u%s", minor, NULL)

static inline bool path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Whether the slot of @minor has a device (its sysfs directory exists). */
static inline bool has_device(unsigned int minor)
{
	return path_exists(class_dir(minor));
}

/*
 * Whether @minor has slot state: a device, or messages and counters kept
 * since a mknod node opened it. Every slot has a dump file in debugfs.
 */
static inline bool has_slot(unsigned int minor)
{
	return has_device(minor) || path_exists(dump_path(minor));
}

static inline int ctl_open(void)
{
	int fd = open(CONTROL_PATH, O_RDWR);

	if (fd < 0) {
		TH_LOG("open %s: %s", CONTROL_PATH, strerror(errno));
		harness_fail();
	}
	return fd;
}

/* One control request on @fd with flags and reserved zero; ioctl's result. */
static inline int ctl_fd(int fd, unsigned long cmd, unsigned int minor)
{
	struct msg_slot_ctl ctl = { .minor = minor };

	return ioctl(fd, cmd, &ctl);
}

/* One control request through a fresh open of the control node. */
static inline int ctl(unsigned long cmd, unsigned int minor)
{
	int fd = ctl_open(), ret, err;

	ret = ctl_fd(fd, cmd, minor);
	err = errno;
	close(fd);
	errno = err;
	return ret;
}

/*
 * Leaves @minor without any slot state: no device, no messages, no
 * debugfs file (adds a device if needed, so that REMOVE applies).
 */
static inline void drop_slot(unsigned int minor)
{
	int ret = ctl(MSG_SLOT_CTL_ADD, minor);

	if (ret < 0 && errno != EEXIST) {
		TH_LOG("MSG_SLOT_CTL_ADD %u: %s", minor, strerror(errno));
		harness_fail();
	}
	if (ctl(MSG_SLOT_CTL_REMOVE, minor) != 0) {
		TH_LOG("MSG_SLOT_CTL_REMOVE %u: %s (is a file open on it?)",
		       minor, strerror(errno));
		harness_fail();
	}
}

/* Notes which minors have a slot now, for drop_new_slots(). */
static inline void note_slots(bool had[256])
{
	unsigned int minor;

	for (minor = 0; minor < 256; minor++)
		had[minor] = has_slot(minor);
}

/*
 * Removes the slots made since note_slots(): a slot opened through mknod
 * lives until it is removed, and ADD of any minor takes only minors with
 * none, which later tests need.
 */
static inline void drop_new_slots(const bool had[256])
{
	unsigned int minor;

	for (minor = 0; minor < 256; minor++)
		if (!had[minor] && has_slot(minor))
			drop_slot(minor);
}

/* Gives @minor a new, empty slot with a device and all counters at 0. */
static inline void fresh_slot(unsigned int minor)
{
	drop_slot(minor);
	if (ctl(MSG_SLOT_CTL_ADD, minor) != (int)minor) {
		TH_LOG("MSG_SLOT_CTL_ADD %u: %s", minor, strerror(errno));
		harness_fail();
	}
}

/* Opens /dev/message_slot/slotN; the test fails if that fails. */
static inline int dev_open(unsigned int minor)
{
	int fd = open(dev_node(minor), O_RDWR);

	if (fd < 0) {
		TH_LOG("open %s: %s", dev_node(minor), strerror(errno));
		harness_fail();
	}
	return fd;
}

static inline int dev_open_channel(unsigned int minor, unsigned int channel)
{
	int fd = dev_open(minor);

	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, channel));
	return fd;
}

/*
 * Reads a whole file into a NUL-terminated malloc'ed buffer, in reads of
 * @chunk bytes; *@len gets its length.  Returns NULL with errno set if
 * open or a read fails.
 */
static inline char *read_all_chunked(const char *path, size_t *len,
				     size_t chunk)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	int fd = open(path, O_RDONLY), err;
	ssize_t r;

	if (!buf || fd < 0) {
		err = errno;
		free(buf);
		if (fd >= 0)
			close(fd);
		errno = err;
		return NULL;
	}
	for (;;) {
		if (cap - n < chunk) {
			cap = 2 * cap + chunk;
			buf = realloc(buf, cap + 1);
			ASSERT_TRUE(buf != NULL);
		}
		r = read(fd, buf + n, chunk);
		if (r < 0) {
			err = errno;
			free(buf);
			close(fd);
			errno = err;
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static inline char *read_all(const char *path, size_t *len)
{
	return read_all_chunked(path, len, 65536);
}

/*
 * The value of /sys/class/message_slot/slotN/NAME, which must be exactly
 * one decimal number and a newline; the test fails otherwise.
 */
static inline unsigned long long sysfs_value(unsigned int minor,
					     const char *name)
{
	const char *path = class_file(minor, name);
	size_t len, i;
	char *buf = read_all(path, &len);
	unsigned long long v;

	if (!buf) {
		TH_LOG("read %s: %s", path, strerror(errno));
		harness_fail();
	}
	for (i = 0; i < len && buf[i] >= '0' && buf[i] <= '9'; i++)
		;
	if (i == 0 || i + 1 != len || buf[i] != '\n' ||
	    (buf[0] == '0' && i > 1)) {
		TH_LOG("%s is not one decimal value and a newline: \"%.40s\" (%zu bytes)",
		       path, buf, len);
		harness_fail();
	}
	v = strtoull(buf, NULL, 10);
	free(buf);
	return v;
}

/*
 * The counters of a slot must be these; the caller's line is reported on
 * failure.  (The locals' names must not be any the caller passes in.)
 */
#define EXPECT_COUNTERS(minor, ch, by, wr, rd)				\
	do {								\
		unsigned int m_ = (minor);				\
		unsigned long long sysfs_channels = sysfs_value(m_, "channels"); \
		unsigned long long sysfs_bytes = sysfs_value(m_, "bytes"); \
		unsigned long long sysfs_writes = sysfs_value(m_, "writes"); \
		unsigned long long sysfs_reads = sysfs_value(m_, "reads"); \
		ASSERT_EQ(sysfs_channels, (ch));			\
		ASSERT_EQ(sysfs_bytes, (by));				\
		ASSERT_EQ(sysfs_writes, (wr));				\
		ASSERT_EQ(sysfs_reads, (rd));				\
	} while (0)

/* Drops every privilege: uid and gid 65534, no groups, no capabilities. */
static inline void become_nobody(void)
{
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)) {
		TH_LOG("cannot become uid %d: %s", NOBODY, strerror(errno));
		harness_fail();
	}
}

/*
 * Runs @fn(@arg) in a forked child that first calls @setup (e.g.
 * become_nobody); returns whether the child passed every assertion.
 */
static inline bool child_passes(void (*setup)(void), void (*fn)(void *),
				void *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	ASSERT_TRUE(pid >= 0);
	if (pid == 0) {
		if (setup)
			setup();
		fn(arg);
		fflush(stdout);
		_exit(harness_expect_failed ? 1 : 0);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		TH_LOG("the child step failed (status %#x)", status);
		return false;
	}
	return true;
}

/* The same, and the test fails if the child failed. */
#define run_in_child(setup, fn, arg) ASSERT_TRUE(child_passes(setup, fn, arg))

/* Asserts a node's type, mode and owner. */
#define ASSERT_NODE(path, type, perm, uid, gid)				\
	do {								\
		struct stat st_;					\
		if (lstat((path), &st_)) {				\
			TH_LOG("lstat %s: %s", (path), strerror(errno));	\
			harness_fail();					\
		}							\
		ASSERT_EQ(st_.st_mode & S_IFMT, (type));		\
		ASSERT_EQ(st_.st_mode & 07777, (perm));			\
		ASSERT_EQ(st_.st_uid, (uid));				\
		ASSERT_EQ(st_.st_gid, (gid));				\
	} while (0)

#endif /* MS_TESTS_CTL_UTIL_H */
