// SPDX-License-Identifier: GPL-2.0
/*
 * failslab.c - fault injection (debug kernels only: CONFIG_FAILSLAB,
 * CONFIG_FAULT_INJECTION_USERCOPY and fault-injection debugfs). Every slab
 * allocation and user copy on the write, read, ioctl, open, control and
 * debugfs paths is made to fail in turn with /proc/thread-self/fail-nth:
 * N fails the N-th fault-injection point (an allocation or a user copy)
 * of the next calls. Each failing call must return its documented error
 * (ENOMEM for an allocation; EINVAL for the driver's own copies, EFAULT
 * for the kernel's, such as the path of open()), leave the old message
 * and the counters exactly as they were, and leak nothing (the suite's
 * kmemleak scan runs after this). The write and read tests require a
 * failed user copy among them: the driver's copies go through
 * copy_from_user() and copy_to_user(), where usercopy hardening and
 * fault injection apply.
 *
 * Built as tests/build/debug_failslab; tests/guest/run-suite.sh runs it
 * only where /sys/kernel/debug/failslab exists.
 */
#include "../core/ctl_util.h"

#define FAILSLAB "/sys/kernel/debug/failslab/"
#define FAIL_USERCOPY "/sys/kernel/debug/fail_usercopy/"
#define MINOR 240

static void put_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY);

	ASSERT_TRUE(fd >= 0);
	ASSERT_EQ(write(fd, value, strlen(value)), (ssize_t)strlen(value));
	close(fd);
}

/*
 * /proc/thread-self/fail-nth, opened once: opening it later would allocate
 * and so consume the armed failure itself.
 */
static int fail_nth_fd = -1;

/*
 * failslab on every cache and for GFP_KERNEL too, but with probability 0:
 * only the failure armed through fail-nth happens.
 */
static void failslab_setup(void)
{
	put_file(FAILSLAB "ignore-gfp-wait", "N");
	put_file(FAILSLAB "cache-filter", "N");
	put_file(FAILSLAB "probability", "0");
	put_file(FAILSLAB "verbose", "0");
	/* Its default prints a call trace per fault, a kernel report to the runner. */
	put_file(FAIL_USERCOPY "probability", "0");
	put_file(FAIL_USERCOPY "verbose", "0");
	fail_nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	ASSERT_TRUE(fail_nth_fd >= 0);
}

/* Arms the N-th slab allocation of this thread to fail. */
static void fail_nth(int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	ASSERT_EQ(pwrite(fail_nth_fd, buf, len, 0), len);
}

/*
 * True if the armed failure happened (the count reached 0). Reading and
 * writing fail-nth copy to and from user space, which are fault points
 * themselves: a read that fails with EFAULT took the last count (the call
 * under test did not reach it), and a disarming write that fails with
 * EFAULT took the last count too. Either way nothing is left armed.
 */
static bool fault_injected(void)
{
	char buf[16] = "";
	ssize_t n = pread(fail_nth_fd, buf, sizeof(buf) - 1, 0);

	if (n < 0) {
		ASSERT_EQ(errno, EFAULT);
		return false;
	}
	ASSERT_TRUE(n > 0);
	/* Disarm whatever is left before anything else allocates. */
	n = pwrite(fail_nth_fd, "0", 1, 0);
	if (n < 0)
		ASSERT_EQ(errno, EFAULT);
	else
		ASSERT_EQ(n, 1);
	return atoi(buf) == 0;
}

/*
 * Up to this many allocation sites per operation (device_create() alone
 * makes dozens). Some sites absorb a failure (a uevent not sent, a debugfs
 * file not made, a batch page for kfree_rcu()); the operation then
 * succeeds and must be complete.
 */
#define MAX_SITES 256

/*
 * When the class's devnode() cannot allocate the node's name
 * ("message_slot/slotN"), device_get_devnode() falls back to the device
 * name and devtmpfs makes /dev/slotN. Removing the device asks devnode()
 * again, which then succeeds, so devtmpfs deletes the name it never made
 * and /dev/slotN stays (the kernel's behaviour, for every class with a
 * devnode()). Returns whether that node exists, and removes it so that no
 * later test finds a stale node of this module outside /dev/message_slot.
 */
static bool remove_fallback_node(unsigned int nr)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/dev/slot%u", nr);
	if (stat(path, &st))
		return false;
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	ASSERT_EQ(major(st.st_rdev), slot_major());
	ASSERT_EQ(minor(st.st_rdev), nr);
	ASSERT_OK(unlink(path));
	return true;
}

TEST(write_allocation_failure_keeps_old_message)
{
	unsigned long long writes = 1, reads = 0;
	int fd, n, ret, err, usercopy = 0;

	fresh_slot(MINOR);
	fd = dev_open_channel(MINOR, 1);
	ASSERT_EQ(write(fd, "old", 3), 3);
	failslab_setup();
	for (n = 1; n < MAX_SITES; n++) {
		fail_nth(n);
		ret = write(fd, "a new message", 13);
		err = errno;
		if (!fault_injected()) {
			ASSERT_EQ(ret, 13);
			break;
		}
		TH_LOG("fault point %d failed: write returned %d (%s)", n, ret,
		       ret < 0 ? strerror(err) : "ok");
		if (ret == 13) {
			/* Absorbed: the write is whole; put the old one back. */
			slot_expect(fd, "a new message", 13);
			ASSERT_EQ(write(fd, "old", 3), 3);
			writes += 2;
			reads++;
			continue;
		}
		ASSERT_EQ(ret, -1);
		/* EINVAL: the copy of the message from user space failed. */
		ASSERT_TRUE(err == ENOMEM || err == EINVAL);
		usercopy += err == EINVAL;
		slot_expect(fd, "old", 3);
		reads++;
		/* A failed write counts nothing and stores nothing. */
		EXPECT_COUNTERS(MINOR, 1, 3, writes, reads);
	}
	ASSERT_TRUE(n > 1);
	ASSERT_GT(usercopy, 0);
	slot_expect(fd, "a new message", 13);
	close(fd);
}

TEST(read_usercopy_failure_einval_keeps_message)
{
	char buf[BUF_LEN];
	int fd, n, ret, err, usercopy = 0;

	fresh_slot(MINOR);
	fd = dev_open_channel(MINOR, 1);
	ASSERT_EQ(write(fd, "stays", 5), 5);
	failslab_setup();
	for (n = 1; n < MAX_SITES; n++) {
		fail_nth(n);
		ret = read(fd, buf, sizeof(buf));
		err = errno;
		if (!fault_injected()) {
			ASSERT_EQ(ret, 5);
			break;
		}
		TH_LOG("fault point %d failed: read returned %d (%s)", n, ret,
		       ret < 0 ? strerror(err) : "ok");
		ASSERT_EQ(ret, -1);
		ASSERT_EQ(err, EINVAL);
		usercopy++;
		/* A failed read counts no read and changes nothing. */
		EXPECT_COUNTERS(MINOR, 1, 5, 1, 0);
	}
	ASSERT_GT(usercopy, 0);
	slot_expect(fd, "stays", 5);
	close(fd);
}

TEST(ioctl_allocation_failure_keeps_channel)
{
	int fd, n, ret, err;

	fresh_slot(MINOR);
	fd = dev_open_channel(MINOR, 1);
	ASSERT_EQ(write(fd, "kept", 4), 4);
	failslab_setup();
	for (n = 1; n < MAX_SITES; n++) {
		fail_nth(n);
		ret = ioctl(fd, MSG_SLOT_CHANNEL, 2 + n);
		err = errno;
		if (!fault_injected()) {
			ASSERT_EQ(ret, 0);
			break;
		}
		TH_LOG("fault point %d failed: ioctl returned %d (%s)", n, ret,
		       ret < 0 ? strerror(err) : "ok");
		if (ret == 0) {
			/* The failure was absorbed (e.g. a table resize). */
			ASSERT_EQ(ioctl(fd, MSG_SLOT_CHANNEL, 1), 0);
			continue;
		}
		ASSERT_EQ(err, ENOMEM);
		/* The file still has its old channel. */
		slot_expect(fd, "kept", 4);
	}
	ASSERT_TRUE(n > 1);
	close(fd);
}

/*
 * Opens @path with each slab allocation of open() failing in turn: each
 * failure must be ENOMEM or absorbed (the open then succeeds). Returns the
 * file of the first open that ran out of armed failures, and how many
 * failures there were in @faults.
 */
static int open_each_allocation_failing(const char *path, int flags, int *faults)
{
	int fd, n, err;

	for (n = 1; n < MAX_SITES; n++) {
		fail_nth(n);
		fd = open(path, flags);
		err = errno;
		if (!fault_injected()) {
			ASSERT_TRUE(fd >= 0);
			break;
		}
		TH_LOG("fault point %d failed: open returned %d (%s)", n, fd,
		       fd < 0 ? strerror(err) : "ok");
		if (fd >= 0) {
			close(fd);
			continue;
		}
		/* EFAULT: the kernel's copy of the path. */
		ASSERT_TRUE(err == ENOMEM || err == EFAULT);
	}
	*faults = n - 1;
	return fd;
}

TEST(open_allocation_failure_enomem)
{
	const char *node = slot_node(MINOR);	/* mknod before arming */
	int fd, faults;

	drop_slot(MINOR);
	failslab_setup();
	/* The first open of a minor without a slot creates the slot. */
	fd = open_each_allocation_failing(node, O_RDWR, &faults);
	ASSERT_TRUE(faults > 0);
	ASSERT_EQ(ioctl(fd, MSG_SLOT_CHANNEL, 1), 0);
	ASSERT_EQ(write(fd, "works", 5), 5);
	slot_expect(fd, "works", 5);
	close(fd);
}

TEST(control_add_allocation_failure_leaves_no_device)
{
	int ctlfd, n, ret, err;

	drop_slot(MINOR);
	ctlfd = ctl_open();
	failslab_setup();
	for (n = 1; n < MAX_SITES; n++) {
		fail_nth(n);
		ret = ctl_fd(ctlfd, MSG_SLOT_CTL_ADD, MINOR);
		err = errno;
		if (!fault_injected()) {
			ASSERT_EQ(ret, MINOR);
			break;
		}
		TH_LOG("fault point %d failed: add returned %d (%s)", n, ret,
		       ret < 0 ? strerror(err) : "ok");
		if (ret == MINOR) {
			ASSERT_EQ(ctl_fd(ctlfd, MSG_SLOT_CTL_REMOVE, MINOR), 0);
			if (remove_fallback_node(MINOR))
				TH_LOG("allocation %d: devtmpfs fell back to /dev/slot%d",
				       n, MINOR);
			continue;
		}
		ASSERT_EQ(ret, -1);
		/* EFAULT: the copy of the request from user space. */
		ASSERT_TRUE(err == ENOMEM || err == EFAULT);
		ASSERT_FALSE(has_device(MINOR));
		/* Nor a slot without a device, with its dump file. */
		ASSERT_FALSE(path_exists(dump_path(MINOR)));
	}
	ASSERT_TRUE(n > 1);
	ASSERT_TRUE(has_device(MINOR));
	/* With no failure injected the node is where it belongs, only there. */
	ASSERT_TRUE(path_exists(dev_node(MINOR)));
	ASSERT_FALSE(remove_fallback_node(MINOR));
	close(ctlfd);
}

TEST(dump_open_allocation_failure_enomem)
{
	char path[64];
	int fd, faults;

	fresh_slot(MINOR);
	snprintf(path, sizeof(path), "/sys/kernel/debug/message_slot/slot%d", MINOR);
	failslab_setup();
	fd = open_each_allocation_failing(path, O_RDONLY, &faults);
	ASSERT_TRUE(faults > 0);
	close(fd);
}
