// SPDX-License-Identifier: GPL-2.0
/*
 * scale_test.c - 2^20 channels on one slot, many open files, many opens
 * and writes without leaks.
 *
 * The million-channel tests print how long writing and reading took as
 * "# " lines; they are reported with the results.
 */
#include "slot_util.h"

#include <sys/resource.h>

/* Minors used here: 40..49. */

#define MILLION scale_million()

/*
 * The message of channel @id: the id's four bytes, then 0..12 bytes
 * derived from it.  Distinct ids give distinct messages.
 */
static size_t id_message(uint32_t id, unsigned char *buf)
{
	uint32_t h = fmix32(id ^ 0x9e3779b9u);
	size_t len = 4 + h % 13, i;

	memcpy(buf, &id, sizeof(id));
	for (i = 4; i < len; i++)
		buf[i] = (unsigned char)((h >> (8 * (i % 4))) ^ i);
	return len;
}

static void put_id_message(int fd, uint32_t id)
{
	unsigned char msg[16];
	size_t len = id_message(id, msg);

	if (ioctl(fd, MSG_SLOT_CHANNEL, id) != 0) {
		TH_LOG("ioctl channel %#x: %s", id, strerror(errno));
		harness_fail();
	}
	if (write(fd, msg, len) != (ssize_t)len) {
		TH_LOG("write to channel %#x: %s", id, strerror(errno));
		harness_fail();
	}
}

static void check_id_message(int fd, uint32_t id)
{
	unsigned char want[16], got[BUF_LEN];
	size_t len = id_message(id, want);
	ssize_t n;

	if (ioctl(fd, MSG_SLOT_CHANNEL, id) != 0) {
		TH_LOG("ioctl channel %#x: %s", id, strerror(errno));
		harness_fail();
	}
	n = read(fd, got, sizeof(got));
	if (n < 0) {
		TH_LOG("read channel %#x: %s", id, strerror(errno));
		harness_fail();
	}
	if ((size_t)n != len || memcmp(got, want, len) != 0) {
		TH_LOG("channel %#x: read %zd bytes, expected its own %zu-byte message",
		       id, n, len);
		if (n >= 4)
			TH_LOG("  the bytes read start with id %#x",
			       (unsigned int)(got[0] | got[1] << 8 |
					      got[2] << 16 |
					      (uint32_t)got[3] << 24));
		harness_fail();
	}
}

TEST_TIMEOUT(million_channels_dense, 600)
{
	int fd = slot_open(40);
	double t0, t1, t2;
	char buf[BUF_LEN];
	uint32_t id;

	t0 = now_seconds();
	for (id = 1; id <= MILLION; id++)
		put_id_message(fd, id);
	t1 = now_seconds();
	for (id = 1; id <= MILLION; id++)
		check_id_message(fd, id);
	t2 = now_seconds();
	TH_LOG("million_channels_dense: wrote %u channels in %.2f s, read them back in %.2f s",
	       MILLION, t1 - t0, t2 - t1);

	/* Reading in the reverse order finds the same messages. */
	for (id = MILLION; id >= 4099; id -= 4099)
		check_id_message(fd, id);
	/* Ids just past the range hold nothing. */
	for (id = MILLION + 2; id < MILLION + 1000; id++) {
		ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, id));
		ASSERT_ERRNO(read(fd, buf, sizeof(buf)), EWOULDBLOCK);
	}
	close(fd);
}

TEST_TIMEOUT(million_channels_random, 600)
{
	const char *env = getenv("MS_SEED");
	uint64_t seed = env && *env ? strtoull(env, NULL, 0) : 20240601;
	uint64_t s = seed | 1;
	uint32_t base, i;
	double t0, t1, t2;
	int fd = slot_open(41);

	/*
	 * ids = fmix32(base + i), i < 2^20: a bijection of distinct inputs,
	 * none of them 0, so 2^20 distinct non-zero pseudo-random ids.
	 */
	base = 1 + (uint32_t)(prng_next(&s) % (0xffffffffull - MILLION));
	TH_LOG("million_channels_random: seed %llu (set MS_SEED to repeat), base %#x",
	       (unsigned long long)seed, base);
	t0 = now_seconds();
	for (i = 0; i < MILLION; i++)
		put_id_message(fd, fmix32(base + i));
	t1 = now_seconds();
	/* Read back in another order: i * odd mod 2^20 is a permutation. */
	for (i = 0; i < MILLION; i++)
		check_id_message(fd, fmix32(base + ((i * 0x9e3779b1u) & (MILLION - 1))));
	t2 = now_seconds();
	TH_LOG("million_channels_random: wrote %u channels in %.2f s, read them back in %.2f s",
	       MILLION, t1 - t0, t2 - t1);
	close(fd);
}

TEST_TIMEOUT(close_frees, 120)
{
	unsigned int ch = (fresh_channel() >> 1) + 1;
	char msg[32];
	int i;

	/* Open, select, write, read and close many times: nothing runs out. */
	for (i = 0; i < (int)scale_rounds(100000); i++) {
		int fd = slot_open_channel(42, ch + (unsigned int)(i & 1023));
		int len = snprintf(msg, sizeof(msg), "round %d", i);

		if (write(fd, msg, (size_t)len) != len) {
			TH_LOG("round %d: write: %s", i, strerror(errno));
			harness_fail();
		}
		if (i % 97 == 0)
			slot_expect(fd, msg, (size_t)len);
		ASSERT_OK(close(fd));
	}
}

TEST(many_open_files_each_own_channel)
{
	enum { NFILES = 2000 };
	struct rlimit rl = { NFILES + 64, NFILES + 64 };
	unsigned int base = fresh_channel() & 0x7fffffffu;
	static int fds[NFILES];
	char msg[32];
	int i;

	if (base == 0)
		base = 1;
	ASSERT_OK(setrlimit(RLIMIT_NOFILE, &rl));
	for (i = 0; i < NFILES; i++) {
		fds[i] = slot_open_channel(43, base + (unsigned int)i);
		snprintf(msg, sizeof(msg), "file %d", i);
		slot_put_str(fds[i], msg);
	}
	for (i = 0; i < NFILES; i++) {
		snprintf(msg, sizeof(msg), "file %d", i);
		slot_expect_str(fds[i], msg);
	}
	for (i = 0; i < NFILES; i++)
		ASSERT_OK(close(fds[i]));
}

/*
 * SUnreclaim from /proc/meminfo, in KiB, or -1: where channels and
 * messages live. MemAvailable would also count the pages a CPU keeps on
 * its own free list after another CPU's frees, which are not a leak.
 */
static long slab_kib(void)
{
	char line[128];
	long kib = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SUnreclaim: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/*
 * How much unreclaimable slab has grown since @before, once it is back
 * within @limit_kib or after 10 s: frees may wait for RCU grace periods.
 */
static long slab_growth_kib(long before, long limit_kib, long *after)
{
	long growth = 0;
	int i;

	for (i = 0; i < 10; i++) {
		sleep(1);
		*after = slab_kib();
		growth = *after - before;
		if (growth < limit_kib)
			break;
	}
	return growth;
}

TEST_TIMEOUT(overwrite_does_not_leak, 180)
{
	/* Fewer where the lane runs smaller (MS_SCALE_SHIFT), limit alike. */
	const int ROUNDS = (int)scale_rounds(1000000);
	const long LIMIT_KIB = (long)scale_rounds(64 * 1024);
	unsigned char msg[BUF_LEN];
	long before, after = 0, growth;
	int fd = slot_open_channel(44, fresh_channel());
	int i;

	memset(msg, 'L', sizeof(msg));
	slot_put(fd, msg, sizeof(msg));
	sleep(1);
	before = slab_kib();
	ASSERT_GT(before, 0);
	/*
	 * A million replacements of a 128-byte message: leaking the old one
	 * would cost 137 MiB (144-byte objects), twice the limit; both
	 * shrink alike with the scale.
	 */
	for (i = 0; i < ROUNDS; i++) {
		msg[i % BUF_LEN] = (unsigned char)i;
		if (write(fd, msg, sizeof(msg)) != (ssize_t)sizeof(msg)) {
			TH_LOG("round %d: write: %s", i, strerror(errno));
			harness_fail();
		}
	}
	growth = slab_growth_kib(before, LIMIT_KIB, &after);
	TH_LOG("overwrite_does_not_leak: SUnreclaim %ld -> %ld KiB after %d writes",
	       before, after, ROUNDS);
	ASSERT_LT(growth, LIMIT_KIB);
	slot_expect(fd, msg, sizeof(msg));
	close(fd);
}

TEST_TIMEOUT(switching_over_new_ids_does_not_leak, 180)
{
	/* Fewer where the lane runs smaller (MS_SCALE_SHIFT), limit alike. */
	const unsigned int ROUNDS = scale_rounds(2000000);
	const long LIMIT_KIB = (long)scale_rounds(16 * 1024);
	unsigned int base = fresh_channel() & 0x7fffffffu;
	long before, after = 0, growth;
	int fd = slot_open(45);
	unsigned int i;

	sleep(1);
	before = slab_kib();
	ASSERT_GT(before, 0);
	/*
	 * Each ioctl creates a channel and removes the one before, empty and
	 * unselected, which is freed in batches after a grace period. Keeping
	 * them would cost 2 million 24-byte channels, 46 MiB, three times
	 * the limit.
	 */
	for (i = 0; i < ROUNDS; i++)
		if (ioctl(fd, MSG_SLOT_CHANNEL, base + i + 1) != 0) {
			TH_LOG("round %u: ioctl: %s", i, strerror(errno));
			harness_fail();
		}
	growth = slab_growth_kib(before, LIMIT_KIB, &after);
	TH_LOG("switching_over_new_ids_does_not_leak: SUnreclaim %ld -> %ld KiB after %u ioctls",
	       before, after, ROUNDS);
	ASSERT_LT(growth, LIMIT_KIB);
	close(fd);
}
