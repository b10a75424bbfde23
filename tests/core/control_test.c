// SPDX-License-Identifier: GPL-2.0
/*
 * control_test.c - the control node /dev/message_slot/control (SPEC Part
 * 2): MSG_SLOT_CTL_ADD, MSG_SLOT_CTL_REMOVE and MSG_SLOT_CTL_CLEAR, their
 * errors, the reserved fields, and CAP_SYS_ADMIN.
 *
 * tests/guest/params.sh runs add_any_minor_returns_lowest_without_slot
 * and add_any_when_every_minor_has_device_enospc again with slots=0 and
 * slots=256.
 */
#include "ctl_util.h"

#include <linux/capability.h>
#include <sys/syscall.h>

/*
 * Minors used here: 120..159; add_any_* add devices to whichever minors
 * have no slot and remove exactly those again.
 */

static const unsigned long ctl_cmds[] = {
	MSG_SLOT_CTL_ADD, MSG_SLOT_CTL_REMOVE, MSG_SLOT_CTL_CLEAR,
};
static const char *const ctl_names[] = { "ADD", "REMOVE", "CLEAR" };

TEST(add_given_minor_returns_it)
{
	drop_slot(120);
	ASSERT_EQ(ctl(MSG_SLOT_CTL_ADD, 120), 120);
	ASSERT_TRUE(has_device(120));
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 120));
	/* The top of the range. */
	drop_slot(255);
	ASSERT_EQ(ctl(MSG_SLOT_CTL_ADD, 255), 255);
	ASSERT_TRUE(has_device(255));
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 255));
}

TEST(add_existing_device_eexist)
{
	fresh_slot(121);
	ASSERT_ERRNO(ctl(MSG_SLOT_CTL_ADD, 121), EEXIST);
	/* A fixed slot has its device from the start. */
	ASSERT_ERRNO(ctl(MSG_SLOT_CTL_ADD, 0), EEXIST);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 121));
}

TEST(minor_over_255_einval)
{
	static const unsigned int bad[] = { 256, 257, 1000, 0x10000,
					    0x7fffffff, 0xfffffffe };
	size_t i, c;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (c = 0; c < 3; c++) {
			errno = 0;
			if (ctl(ctl_cmds[c], bad[i]) != -1 || errno != EINVAL) {
				TH_LOG("%s of minor %u: expected EINVAL, got %s",
				       ctl_names[c], bad[i], strerror(errno));
				harness_fail();
			}
		}
	/* MSG_SLOT_ANY_MINOR means "any" to ADD only. */
	ASSERT_ERRNO(ctl(MSG_SLOT_CTL_REMOVE, MSG_SLOT_ANY_MINOR), EINVAL);
	ASSERT_ERRNO(ctl(MSG_SLOT_CTL_CLEAR, MSG_SLOT_ANY_MINOR), EINVAL);
}

/* The lowest minor without a slot, or -1. */
static int lowest_free_minor(void)
{
	unsigned int minor;

	for (minor = 0; minor < 256; minor++)
		if (!has_slot(minor))
			return (int)minor;
	return -1;
}

/*
 * ADD of any minor never hands out a minor that a mknod node has opened:
 * its messages would show through a node with other permissions.
 */
TEST(add_any_minor_skips_a_slot_opened_through_mknod)
{
	int want = lowest_free_minor(), fd, got;

	ASSERT_GE(want, 0);
	fd = slot_open_channel((unsigned int)want, 1);
	slot_put_str(fd, "only through my own node");
	ASSERT_OK(close(fd));
	got = ctl(MSG_SLOT_CTL_ADD, MSG_SLOT_ANY_MINOR);
	ASSERT_GE(got, 0);
	ASSERT_NE(got, want);
	ASSERT_FALSE(has_device((unsigned int)want));
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, (unsigned int)got));
	/* The mknod slot goes only when asked for by its minor. */
	drop_slot((unsigned int)want);
}

TEST(add_any_minor_returns_lowest_without_slot)
{
	int want = lowest_free_minor(), got, second;

	ASSERT_GE(want, 0);
	got = ctl(MSG_SLOT_CTL_ADD, MSG_SLOT_ANY_MINOR);
	ASSERT_EQ(got, want);
	ASSERT_TRUE(has_device((unsigned int)got));
	/* The next one is the next free minor. */
	want = lowest_free_minor();
	if (want >= 0) {
		second = ctl(MSG_SLOT_CTL_ADD, MSG_SLOT_ANY_MINOR);
		ASSERT_EQ(second, want);
		ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, (unsigned int)second));
	}
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, (unsigned int)got));
	ASSERT_FALSE(has_device((unsigned int)got));
}

TEST_TIMEOUT(add_any_when_every_minor_has_device_enospc, 300)
{
	static bool added[256];
	unsigned int minor, n = 0;
	int fd = ctl_open(), ret;

	/* Fill every minor, remembering which ones this test added. */
	while ((ret = ctl_fd(fd, MSG_SLOT_CTL_ADD, MSG_SLOT_ANY_MINOR)) >= 0) {
		ASSERT_LT(ret, 256);
		ASSERT_FALSE(added[ret]);
		added[ret] = true;
		n++;
	}
	ASSERT_EQ(errno, ENOSPC);
	TH_LOG("added %u slot devices before ENOSPC", n);
	for (minor = 0; minor < 256; minor++)
		if (!has_slot(minor)) {
			TH_LOG("ENOSPC while minor %u has no slot", minor);
			harness_fail();
		}
	ASSERT_ERRNO(ctl_fd(fd, MSG_SLOT_CTL_ADD, MSG_SLOT_ANY_MINOR), ENOSPC);
	/* A given minor that has a device is EEXIST, not ENOSPC. */
	ASSERT_ERRNO(ctl_fd(fd, MSG_SLOT_CTL_ADD, 0), EEXIST);

	for (minor = 0; minor < 256; minor++)
		if (added[minor])
			ASSERT_OK(ctl_fd(fd, MSG_SLOT_CTL_REMOVE, minor));
	close(fd);
}

TEST(remove_while_open_ebusy)
{
	int dev, mk;

	fresh_slot(122);
	dev = dev_open(122);
	ASSERT_ERRNO(ctl(MSG_SLOT_CTL_REMOVE, 122), EBUSY);
	ASSERT_TRUE(has_device(122));
	close(dev);

	/* A file opened through a mknod node holds the slot just as well. */
	mk = slot_open(122);
	ASSERT_ERRNO(ctl(MSG_SLOT_CTL_REMOVE, 122), EBUSY);
	ASSERT_TRUE(path_exists(dev_node(122)));
	close(mk);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 122));
	ASSERT_FALSE(has_device(122));
}

TEST(remove_while_open_in_other_process_ebusy)
{
	int pipefd[2], status;
	char c;
	pid_t pid;

	fresh_slot(123);
	ASSERT_OK(pipe(pipefd));
	pid = fork();
	ASSERT_TRUE(pid >= 0);
	if (pid == 0) {
		int fd = dev_open(123);

		/* Hold the slot until the parent closes the pipe. */
		close(pipefd[1]);
		(void)read(pipefd[0], &c, 1);
		close(fd);
		_exit(0);
	}
	close(pipefd[0]);
	/* Wait until the child has the slot open. */
	while (sysfs_value(123, "open_files") == 0)
		usleep(1000);
	ASSERT_ERRNO(ctl(MSG_SLOT_CTL_REMOVE, 123), EBUSY);
	close(pipefd[1]);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 123));
}

TEST(remove_without_device_enodev)
{
	int fd;

	drop_slot(124);
	ASSERT_ERRNO(ctl(MSG_SLOT_CTL_REMOVE, 124), ENODEV);
	/* A slot reached only through mknod has state but no device. */
	fd = slot_open(124);
	ASSERT_ERRNO(ctl(MSG_SLOT_CTL_REMOVE, 124), ENODEV);
	close(fd);
	ASSERT_ERRNO(ctl(MSG_SLOT_CTL_REMOVE, 124), ENODEV);
}

TEST(remove_frees_messages_readded_slot_is_empty)
{
	char buf[BUF_LEN];
	int fd;

	fresh_slot(125);
	fd = dev_open_channel(125, 5);
	slot_put_str(fd, "freed by REMOVE");
	slot_expect_str(fd, "freed by REMOVE");
	close(fd);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 125));
	ASSERT_EQ(ctl(MSG_SLOT_CTL_ADD, 125), 125);
	/* The counters of the new slot start at 0. */
	EXPECT_COUNTERS(125, 0, 0, 0, 0);
	fd = dev_open_channel(125, 5);
	ASSERT_ERRNO(read(fd, buf, sizeof(buf)), EWOULDBLOCK);
	close(fd);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 125));
}

TEST(remove_frees_messages_mknod_open_is_empty)
{
	char buf[BUF_LEN];
	int fd;

	fresh_slot(126);
	fd = slot_open_channel(126, 6);
	slot_put_str(fd, "freed by REMOVE too");
	close(fd);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 126));
	/* The minor still works through mknod: a new, empty slot. */
	fd = slot_open_channel(126, 6);
	ASSERT_ERRNO(read(fd, buf, sizeof(buf)), EWOULDBLOCK);
	close(fd);
}

TEST(add_keeps_messages_of_mknod_slot)
{
	int mk, dev;

	drop_slot(127);
	mk = slot_open_channel(127, 9);
	slot_put_str(mk, "kept");
	/* Added while a mknod file is open, and after it closed. */
	ASSERT_EQ(ctl(MSG_SLOT_CTL_ADD, 127), 127);
	dev = dev_open_channel(127, 9);
	slot_expect_str(dev, "kept");
	slot_put_str(dev, "kept and seen both ways");
	slot_expect_str(mk, "kept and seen both ways");
	close(mk);
	close(dev);
	EXPECT_COUNTERS(127, 1, 23, 2, 2);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 127));

	drop_slot(128);
	mk = slot_open_channel(128, 10);
	slot_put_str(mk, "before the device");
	close(mk);
	ASSERT_EQ(ctl(MSG_SLOT_CTL_ADD, 128), 128);
	dev = dev_open_channel(128, 10);
	slot_expect_str(dev, "before the device");
	close(dev);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 128));
}

TEST(clear_drops_every_message)
{
	char buf[BUF_LEN], msg[32];
	unsigned int id;
	int fd;

	fresh_slot(130);
	fd = dev_open(130);
	for (id = 1; id <= 300; id++) {
		ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, id * 7919));
		snprintf(msg, sizeof(msg), "channel %u", id);
		slot_put_str(fd, msg);
	}
	ASSERT_OK(ctl(MSG_SLOT_CTL_CLEAR, 130));
	for (id = 1; id <= 300; id++) {
		ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, id * 7919));
		ASSERT_ERRNO(read(fd, buf, sizeof(buf)), EWOULDBLOCK);
	}
	close(fd);
	ASSERT_EQ(sysfs_value(130, "channels"), 0);
	ASSERT_EQ(sysfs_value(130, "bytes"), 0);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 130));
}

TEST(clear_keeps_channels_of_open_files)
{
	char buf[BUF_LEN];
	int a, b, other;

	fresh_slot(131);
	a = dev_open_channel(131, 7);
	b = slot_open_channel(131, 8);	/* selected, never written */
	slot_put_str(a, "before the clear");
	ASSERT_OK(ctl(MSG_SLOT_CTL_CLEAR, 131));
	ASSERT_ERRNO(read(a, buf, sizeof(buf)), EWOULDBLOCK);
	ASSERT_ERRNO(read(b, buf, sizeof(buf)), EWOULDBLOCK);
	/* No new ioctl: both files still have their channels. */
	slot_put_str(a, "after the clear");
	slot_put_str(b, "b after the clear");
	slot_expect_str(a, "after the clear");
	slot_expect_str(b, "b after the clear");
	other = dev_open_channel(131, 7);
	slot_expect_str(other, "after the clear");
	ASSERT_OK(ioctl(other, MSG_SLOT_CHANNEL, 8));
	slot_expect_str(other, "b after the clear");
	close(a);
	close(b);
	close(other);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 131));
}

TEST(clear_mknod_only_slot)
{
	char buf[BUF_LEN];
	int fd;

	drop_slot(132);
	fd = slot_open_channel(132, 11);
	slot_put_str(fd, "no device, still cleared");
	ASSERT_OK(ctl(MSG_SLOT_CTL_CLEAR, 132));
	ASSERT_ERRNO(read(fd, buf, sizeof(buf)), EWOULDBLOCK);
	close(fd);
	/* Closed, the slot keeps its (empty) state: CLEAR still applies. */
	ASSERT_OK(ctl(MSG_SLOT_CTL_CLEAR, 132));
}

TEST(clear_slot_without_state_enodev)
{
	drop_slot(133);
	ASSERT_ERRNO(ctl(MSG_SLOT_CTL_CLEAR, 133), ENODEV);
	/* Still nothing there: CLEAR made no slot. */
	ASSERT_ERRNO(ctl(MSG_SLOT_CTL_REMOVE, 133), ENODEV);
	ASSERT_FALSE(path_exists(dump_path(133)));
}

TEST(nonzero_flags_or_reserved_einval)
{
	static const struct { __u32 flags; __u64 reserved; } bad[] = {
		{ 1, 0 }, { 0x80000000u, 0 }, { 0, 1 },
		{ 0, 1ull << 63 }, { 0, 1ull << 32 }, { 3, 3 },
	};
	struct msg_slot_ctl req;
	size_t i, c;
	int fd, w;

	drop_slot(134);
	w = slot_open_channel(134, 12);
	slot_put_str(w, "untouched");
	fd = ctl_open();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (c = 0; c < 3; c++) {
			memset(&req, 0, sizeof(req));
			req.minor = 134;
			req.flags = bad[i].flags;
			req.reserved = bad[i].reserved;
			errno = 0;
			if (ioctl(fd, ctl_cmds[c], &req) != -1 || errno != EINVAL) {
				TH_LOG("%s with flags %#x reserved %#llx: expected EINVAL, got %s",
				       ctl_names[c], bad[i].flags,
				       (unsigned long long)bad[i].reserved,
				       strerror(errno));
				harness_fail();
			}
		}
	close(fd);
	/* Nothing happened: no device, the message is still there. */
	ASSERT_FALSE(has_device(134));
	slot_expect_str(w, "untouched");
	close(w);
}

TEST(unknown_command_enotty)
{
	static const unsigned long bad[] = {
		_IOW(MAJOR_NUM, 0x13, struct msg_slot_ctl),
		_IOW(MAJOR_NUM, 0x0f, struct msg_slot_ctl),
		_IOR(MAJOR_NUM, 0x10, struct msg_slot_ctl),
		_IOWR(MAJOR_NUM, 0x11, struct msg_slot_ctl),
		_IOW(MAJOR_NUM, 0x12, __u32),
		_IO(MAJOR_NUM, 0x10),
		_IOW(MAJOR_NUM + 1, 0x10, struct msg_slot_ctl),
		MSG_SLOT_CHANNEL,
		0,
	};
	struct msg_slot_ctl req = { .minor = 140 };
	size_t i;
	int fd = ctl_open();

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		if (ioctl(fd, bad[i], &req) != -1 || errno != ENOTTY) {
			TH_LOG("command %#lx: expected ENOTTY, got %s", bad[i],
			       strerror(errno));
			harness_fail();
		}
	}
	close(fd);
}

TEST(unreadable_request_efault)
{
	int fd = ctl_open();
	size_t c;

	for (c = 0; c < 3; c++) {
		ASSERT_ERRNO(ioctl(fd, ctl_cmds[c], NULL_BUF), EFAULT);
		ASSERT_ERRNO(ioctl(fd, ctl_cmds[c], unmapped_page()), EFAULT);
	}
	close(fd);
}

/*
 * Every request on @fd must be EPERM; run without CAP_SYS_ADMIN. The
 * capability is checked before the argument is read: a NULL or absurd
 * one gives EPERM too.
 */
static void requests_eperm(int fd)
{
	struct msg_slot_ctl bad = { .minor = 256, .flags = 1 };
	unsigned int c;

	/* 141 has a device, 142 has none, 143 is a mknod-only slot. */
	ASSERT_ERRNO(ctl_fd(fd, MSG_SLOT_CTL_ADD, 142), EPERM);
	ASSERT_ERRNO(ctl_fd(fd, MSG_SLOT_CTL_ADD, MSG_SLOT_ANY_MINOR), EPERM);
	ASSERT_ERRNO(ctl_fd(fd, MSG_SLOT_CTL_REMOVE, 141), EPERM);
	ASSERT_ERRNO(ctl_fd(fd, MSG_SLOT_CTL_CLEAR, 141), EPERM);
	ASSERT_ERRNO(ctl_fd(fd, MSG_SLOT_CTL_CLEAR, 143), EPERM);
	for (c = 0; c < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); c++) {
		ASSERT_ERRNO(ioctl(fd, ctl_cmds[c], NULL), EPERM);
		ASSERT_ERRNO(ioctl(fd, ctl_cmds[c], &bad), EPERM);
	}
}

/* Sets up 141..143 for requests_eperm() and checks nothing changed after. */
static void eperm_setup(void)
{
	int fd;

	fresh_slot(141);
	drop_slot(142);
	drop_slot(143);
	fd = slot_open_channel(141, 13);
	slot_put_str(fd, "not cleared");
	close(fd);
	fd = slot_open_channel(143, 13);
	slot_put_str(fd, "not cleared either");
	close(fd);
}

static void eperm_verify(void)
{
	int fd;

	ASSERT_TRUE(has_device(141));
	ASSERT_FALSE(has_device(142));
	fd = slot_open_channel(141, 13);
	slot_expect_str(fd, "not cleared");
	close(fd);
	fd = slot_open_channel(143, 13);
	slot_expect_str(fd, "not cleared either");
	close(fd);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 141));
}

static void eperm_on_inherited_fd(void *arg)
{
	requests_eperm(*(int *)arg);
}

TEST(nobody_with_open_control_fd_eperm)
{
	int fd;

	eperm_setup();
	/* Opened by root; the requests come from a process without caps. */
	fd = ctl_open();
	run_in_child(become_nobody, eperm_on_inherited_fd, &fd);
	close(fd);
	eperm_verify();
}

static void eperm_open_as_nobody(void *arg)
{
	int fd = open(CONTROL_PATH, O_RDWR);

	(void)arg;
	ASSERT_OK(fd);
	requests_eperm(fd);
	close(fd);
}

TEST(nobody_with_node_chmod_0666_eperm)
{
	struct stat st;
	bool ok;

	eperm_setup();
	ASSERT_OK(chmod(CONTROL_PATH, 0666));
	ok = child_passes(become_nobody, eperm_open_as_nobody, NULL);
	/* Whatever the child did, the node is root-only again. */
	ASSERT_OK(chmod(CONTROL_PATH, 0600));
	ASSERT_OK(stat(CONTROL_PATH, &st));
	ASSERT_EQ(st.st_mode & 07777, 0600);
	ASSERT_TRUE(ok);
	eperm_verify();
}

/* Stays root but drops CAP_SYS_ADMIN from every capability set. */
static void drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	ASSERT_OK(syscall(SYS_capget, &hdr, data));
	data[0].effective &= ~(1u << CAP_SYS_ADMIN);
	data[0].permitted &= ~(1u << CAP_SYS_ADMIN);
	data[0].inheritable &= ~(1u << CAP_SYS_ADMIN);
	ASSERT_OK(syscall(SYS_capset, &hdr, data));
}

static void eperm_as_root_without_cap(void *arg)
{
	int fd = open(CONTROL_PATH, O_RDWR);

	(void)arg;
	ASSERT_OK(fd);
	ASSERT_EQ(getuid(), 0);
	requests_eperm(fd);
	close(fd);
}

TEST(root_without_cap_sys_admin_eperm)
{
	eperm_setup();
	run_in_child(drop_cap_sys_admin, eperm_as_root_without_cap, NULL);
	eperm_verify();
}

static void open_control_denied(void *arg)
{
	(void)arg;
	ASSERT_ERRNO(open(CONTROL_PATH, O_RDWR), EACCES);
	ASSERT_ERRNO(open(CONTROL_PATH, O_RDONLY), EACCES);
}

TEST(control_node_not_openable_by_nobody)
{
	run_in_child(become_nobody, open_control_denied, NULL);
}
