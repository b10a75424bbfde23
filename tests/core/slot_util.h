/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slot_util.h - helpers shared by the message_slot core tests.
 *
 * Every test makes its own device nodes with mknod in the harness's
 * per-test directory (removed after the test), on the major number from
 * the environment variable MS_MAJOR (default MAJOR_NUM, 235).  Minors are
 * picked per test so that tests running one after the other do not see
 * each other's messages where that matters; channel ids are also chosen
 * per test.
 */
#ifndef MS_TESTS_SLOT_UTIL_H
#define MS_TESTS_SLOT_UTIL_H

#include "../harness.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <linux/message_slot.h>

/* The classic request with the unsigned long encoding programs also use. */
#define MSG_SLOT_CHANNEL_ULONG _IOW(MAJOR_NUM, 0, unsigned long)

/*
 * The channel count of the scale tests ("a million"): 2^20, or 2^N with
 * MS_SCALE_SHIFT=N (10..20) in the environment; the debug lane, where
 * KASAN makes every channel many times dearer, uses fewer.
 */
static inline unsigned int scale_million(void)
{
	const char *env = getenv("MS_SCALE_SHIFT");
	unsigned long shift = env && *env ? strtoul(env, NULL, 10) : 20;

	if (shift < 10 || shift > 20)
		shift = 20;
	return 1u << shift;
}

/* @n, shrunk as scale_million() is: for loops sized against 2^20. */
static inline unsigned int scale_rounds(unsigned int n)
{
	return (unsigned int)((unsigned long long)n * scale_million() >> 20);
}

static inline unsigned int slot_major(void)
{
	const char *env = getenv("MS_MAJOR");

	return env && *env ? (unsigned int)strtoul(env, NULL, 0) : MAJOR_NUM;
}

/*
 * Makes (once per test) a node for @minor in the test's directory and
 * returns its path in a static buffer per minor.  A forked child of the
 * test may have made it already.
 */
static inline const char *slot_node(unsigned int minor)
{
	static char paths[256][300];
	char *p = paths[minor & 255];

	if (!p[0]) {
		snprintf(p, sizeof(paths[0]), "%s/slot%u", harness_tmpdir(),
			 minor);
		if (mknod(p, S_IFCHR | 0600, makedev(slot_major(), minor)) &&
		    errno != EEXIST) {
			TH_LOG("mknod %s c %u %u: %s", p, slot_major(), minor,
			       strerror(errno));
			harness_fail();
		}
	}
	return p;
}

/* Opens the node of @minor; the test fails if open() fails. */
static inline int slot_open_flags(unsigned int minor, int flags)
{
	const char *path = slot_node(minor);
	int fd = open(path, flags);

	if (fd < 0) {
		TH_LOG("open %s: %s (is the module loaded with major %u?)",
		       path, strerror(errno), slot_major());
		harness_fail();
	}
	return fd;
}

static inline int slot_open(unsigned int minor)
{
	return slot_open_flags(minor, O_RDWR);
}

/* Opens the node of @minor and selects @channel; fails the test on error. */
static inline int slot_open_channel(unsigned int minor, unsigned int channel)
{
	int fd = slot_open(minor);

	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, channel));
	return fd;
}

/* Writes @len bytes and requires the driver to accept all of them. */
static inline void slot_put(int fd, const void *buf, size_t len)
{
	ASSERT_EQ(write(fd, buf, len), (ssize_t)len);
}

/* Reads the channel's message and requires it to be exactly @want/@len. */
static inline void slot_expect(int fd, const void *want, size_t len)
{
	char got[BUF_LEN + 16];

	memset(got, 0xa5, sizeof(got));
	ASSERT_EQ(read(fd, got, sizeof(got)), (ssize_t)len);
	ASSERT_MEM_EQ(got, want, len);
}

#define slot_put_str(fd, s) slot_put(fd, s, strlen(s))
#define slot_expect_str(fd, s) slot_expect(fd, s, strlen(s))

/*
 * NULL, hidden from the compiler: read() and write() are declared nonnull,
 * and the tests pass NULL on purpose.
 */
static void *volatile slot_null_ptr;
#define NULL_BUF ((void *)slot_null_ptr)

/* A page that is mapped with @prot; fails the test on error. */
static inline void *map_page(int prot)
{
	void *p = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE), prot,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_TRUE(p != MAP_FAILED);
	return p;
}

/* An address that was mapped a moment ago and is not any more. */
static inline void *unmapped_page(void)
{
	void *p = map_page(PROT_READ | PROT_WRITE);

	ASSERT_OK(munmap(p, (size_t)sysconf(_SC_PAGESIZE)));
	return p;
}

/*
 * Two pages, the first read-write and the second unmapped: the last @n
 * bytes of the first page are returned, so that a buffer of @n + k bytes
 * runs k bytes into the hole.
 */
static inline char *page_before_hole(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_TRUE(p != MAP_FAILED);
	ASSERT_OK(munmap(p + pg, pg));
	return p + pg - n;
}

static inline double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* murmur3's finaliser: a bijection on 32-bit values with fmix32(0) == 0. */
static inline uint32_t fmix32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* xorshift64*: a small seeded PRNG. */
static inline uint64_t prng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

/*
 * A random non-zero channel id, for a test that needs a channel that has
 * never held a message, even when the suite is run twice on one module.
 */
static inline unsigned int fresh_channel(void)
{
	static uint64_t state;
	uint32_t id;

	if (!state) {
		int fd = open("/dev/urandom", O_RDONLY);

		if (fd < 0 || read(fd, &state, sizeof(state)) != sizeof(state))
			state = (uint64_t)now_seconds() * 1000003u;
		if (fd >= 0)
			close(fd);
		state ^= (uint64_t)getpid() << 32 | 1;
	}
	do
		id = (uint32_t)(prng_next(&state) >> 32);
	while (id == 0);
	return id;
}

#endif /* MS_TESTS_SLOT_UTIL_H */
