/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hostile_util.h - the victim of hostile_test.c: a slot of its own, added
 * fresh through the control node, holding one message that every hostile
 * call must leave intact.
 *
 * victim_setup() gives minor VICTIM_MINOR a new slot, stores victim_msg
 * on channel VICTIM_CH and records the slot's five sysfs counters.
 * victim_check() then requires the counters to be exactly what the test
 * expects (the record, plus whatever the test added to @victim.expected on
 * purpose) and the message to be byte-for-byte victim_msg.
 * victim_done() checks once more, closes and removes the slot.
 */
#ifndef MS_TESTS_HOSTILE_UTIL_H
#define MS_TESTS_HOSTILE_UTIL_H

#include "ctl_util.h"

/* Minors used by hostile_test.c: 80..89. */
#define VICTIM_MINOR 80
#define SPARE_MINOR 81		/* a minor the control cases add and remove */
#define VICTIM_CH 0x484f5354u	/* "HOST" */

/* NULs, a backslash and bytes above 0x7f: nothing a string copy keeps. */
static const char victim_msg[] =
	"victim\0message \\ \xff\x01\x7f that every hostile call must leave as it is";
#define VICTIM_LEN (sizeof(victim_msg) - 1)

enum { C_CHANNELS, C_BYTES, C_WRITES, C_READS, C_OPEN_FILES, C_NR };

static const char *const counter_names[C_NR] = {
	"channels", "bytes", "writes", "reads", "open_files",
};

static struct {
	int fd;				/* O_RDWR, VICTIM_CH selected */
	unsigned long long expected[C_NR];
} victim;

/* Requires the counters to be victim.expected; @line is the caller's. */
static inline void victim_counters_at(int line)
{
	bool bad = false;
	int i;

	for (i = 0; i < C_NR; i++) {
		unsigned long long v = sysfs_value(VICTIM_MINOR, counter_names[i]);

		if (v != victim.expected[i]) {
			TH_LOG("line %d: slot%u/%s is %llu, expected %llu", line,
			       VICTIM_MINOR, counter_names[i], v,
			       victim.expected[i]);
			bad = true;
		}
	}
	if (bad)
		harness_fail();
}

/* Reads the victim channel through @fd; the message must be intact. */
static inline void victim_read_at(int fd, int line)
{
	char got[BUF_LEN + 16];
	ssize_t n;

	memset(got, 0xa5, sizeof(got));
	n = read(fd, got, sizeof(got));
	if (n != (ssize_t)VICTIM_LEN || memcmp(got, victim_msg, VICTIM_LEN)) {
		TH_LOG("line %d: the victim message changed: read returned %zd (%s)",
		       line, n, n < 0 ? strerror(errno) : "other bytes");
		harness_fail();
	}
	victim.expected[C_READS]++;
}

/* Counters as expected, then the message, through a file of its own. */
static inline void victim_check_at(int line)
{
	int fd;

	victim_counters_at(line);
	fd = slot_open_channel(VICTIM_MINOR, VICTIM_CH);
	victim_read_at(fd, line);
	close(fd);
	victim_counters_at(line);
}

static inline int victim_setup(void)
{
	fresh_slot(VICTIM_MINOR);
	victim.fd = slot_open_channel(VICTIM_MINOR, VICTIM_CH);
	slot_put(victim.fd, victim_msg, VICTIM_LEN);
	victim.expected[C_CHANNELS] = 1;
	victim.expected[C_BYTES] = VICTIM_LEN;
	victim.expected[C_WRITES] = 1;
	victim.expected[C_READS] = 0;
	victim.expected[C_OPEN_FILES] = 1;
	victim_check_at(__LINE__);
	return victim.fd;
}

static inline void victim_done_at(int line)
{
	victim_check_at(line);
	close(victim.fd);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, VICTIM_MINOR));
}

#define victim_check() victim_check_at(__LINE__)
#define victim_read(fd) victim_read_at(fd, __LINE__)
#define victim_done() victim_done_at(__LINE__)

/* The number of slot devices, /sys/class/message_slot/slot*. */
static inline int count_devices(void)
{
	DIR *d = opendir(SLOT_CLASS_DIR);
	struct dirent *e;
	int n = 0;

	ASSERT_TRUE(d != NULL);
	while ((e = readdir(d)))
		n += strncmp(e->d_name, "slot", 4) == 0;
	closedir(d);
	return n;
}

static inline size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/*
 * Two pages, the second one then given @prot: the last @n bytes of the
 * first page are returned, so that a buffer of @n + k bytes runs k bytes
 * into the second page.
 */
static inline char *page_before_prot(size_t n, int prot)
{
	char *p = mmap(NULL, 2 * page_size(), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_TRUE(p != MAP_FAILED);
	ASSERT_OK(mprotect(p + page_size(), page_size(), prot));
	return p + page_size() - n;
}

/* Kernel addresses: the kernel text and the direct map of x86-64. */
#define KERNEL_TEXT ((void *)0xffffffff81000000UL)
#define KERNEL_DIRECT_MAP ((void *)0xffff888000000000UL)

#endif /* MS_TESTS_HOSTILE_UTIL_H */
