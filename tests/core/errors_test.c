// SPDX-License-Identifier: GPL-2.0
/*
 * errors_test.c - every error of SPEC Part 1, with its exact errno, and
 * proof that a failed call changes nothing.
 */
#include "slot_util.h"

/* Minors used here: 20..39. */

TEST(write_without_channel_einval)
{
	char big[BUF_LEN + 1];
	int fd = slot_open(20);

	memset(big, 'x', sizeof(big));
	ASSERT_ERRNO(write(fd, "hello", 5), EINVAL);
	/* The channel is checked before the length. */
	ASSERT_ERRNO(write(fd, "", 0), EINVAL);
	ASSERT_ERRNO(write(fd, big, sizeof(big)), EINVAL);
	ASSERT_ERRNO(write(fd, big, BUF_LEN), EINVAL);
	close(fd);
}

TEST(read_without_channel_einval)
{
	char buf[BUF_LEN];
	int fd = slot_open(20);

	ASSERT_ERRNO(read(fd, buf, sizeof(buf)), EINVAL);
	ASSERT_ERRNO(read(fd, buf, 1), EINVAL);
	ASSERT_ERRNO(read(fd, buf, 0), EINVAL);
	close(fd);
}

TEST(write_zero_bytes_emsgsize)
{
	int fd = slot_open_channel(21, fresh_channel());

	slot_put_str(fd, "before");
	ASSERT_ERRNO(write(fd, "x", 0), EMSGSIZE);
	slot_expect_str(fd, "before");
	close(fd);
}

TEST(write_zero_bytes_on_empty_channel_emsgsize)
{
	char buf[BUF_LEN];
	int fd = slot_open_channel(21, fresh_channel());

	ASSERT_ERRNO(write(fd, "x", 0), EMSGSIZE);
	/* A refused write does not create an empty message. */
	ASSERT_ERRNO(read(fd, buf, sizeof(buf)), EWOULDBLOCK);
	close(fd);
}

TEST(write_129_bytes_emsgsize)
{
	char big[BUF_LEN + 1];
	int fd = slot_open_channel(22, fresh_channel());

	memset(big, 'y', sizeof(big));
	slot_put_str(fd, "before");
	ASSERT_ERRNO(write(fd, big, BUF_LEN + 1), EMSGSIZE);
	slot_expect_str(fd, "before");
	close(fd);
}

TEST(write_huge_length_emsgsize)
{
	size_t sizes[] = { 256, 4096, 65536, 1 << 20 };
	char *big = calloc(1, 1 << 20);
	int fd = slot_open_channel(22, fresh_channel());
	size_t i;

	ASSERT_TRUE(big != NULL);
	slot_put_str(fd, "before");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		ASSERT_ERRNO(write(fd, big, sizes[i]), EMSGSIZE);
	slot_expect_str(fd, "before");
	free(big);
	close(fd);
}

TEST(empty_channel_ewouldblock)
{
	unsigned int ch = fresh_channel();
	char buf[BUF_LEN];
	int fd = slot_open_channel(23, ch);
	int nb = slot_open_flags(23, O_RDWR | O_NONBLOCK);
	int busy;

	ASSERT_OK(ioctl(nb, MSG_SLOT_CHANNEL, ch));
	/* Blocking or not, an empty channel answers at once. */
	ASSERT_ERRNO(read(fd, buf, sizeof(buf)), EWOULDBLOCK);
	ASSERT_ERRNO(read(nb, buf, sizeof(buf)), EWOULDBLOCK);
	ASSERT_EQ(EWOULDBLOCK, EAGAIN);

	/* Messages on other channels of the slot do not count. */
	busy = slot_open_channel(23, fresh_channel());
	slot_put_str(busy, "elsewhere");
	ASSERT_ERRNO(read(fd, buf, sizeof(buf)), EWOULDBLOCK);
	ASSERT_ERRNO(read(nb, buf, sizeof(buf)), EWOULDBLOCK);
	close(busy);
	close(nb);
	close(fd);
}

TEST(small_buffer_enospc_keeps_message)
{
	char buf[BUF_LEN], untouched[BUF_LEN];
	int fd = slot_open_channel(24, fresh_channel());

	slot_put_str(fd, "ten bytes!");
	memset(buf, 0x5a, sizeof(buf));
	memcpy(untouched, buf, sizeof(buf));
	ASSERT_ERRNO(read(fd, buf, 9), ENOSPC);
	ASSERT_ERRNO(read(fd, buf, 1), ENOSPC);
	ASSERT_ERRNO(read(fd, buf, 0), ENOSPC);
	/* A failed read changes nothing: not the buffer, not the message. */
	ASSERT_MEM_EQ(buf, untouched, sizeof(buf));
	ASSERT_EQ(read(fd, buf, 10), 10);
	ASSERT_MEM_EQ(buf, "ten bytes!", 10);
	close(fd);
}

TEST(ioctl_channel_zero_einval)
{
	char buf[BUF_LEN];
	int fd = slot_open(25);

	ASSERT_ERRNO(ioctl(fd, MSG_SLOT_CHANNEL, 0), EINVAL);
	ASSERT_ERRNO(ioctl(fd, MSG_SLOT_CHANNEL_ULONG, 0UL), EINVAL);
	/* It did not set a channel. */
	ASSERT_ERRNO(read(fd, buf, sizeof(buf)), EINVAL);
	ASSERT_ERRNO(write(fd, "x", 1), EINVAL);
	close(fd);
}

TEST(failed_ioctl_keeps_channel)
{
	unsigned int ch = fresh_channel();
	int fd = slot_open_channel(25, ch);

	slot_put_str(fd, "mine");
	ASSERT_ERRNO(ioctl(fd, MSG_SLOT_CHANNEL, 0), EINVAL);
	slot_expect_str(fd, "mine");
	ASSERT_ERRNO(ioctl(fd, MSG_SLOT_CHANNEL_ULONG, 0x100000001UL), EINVAL);
	slot_expect_str(fd, "mine");
	ASSERT_ERRNO(ioctl(fd, _IOW(MAJOR_NUM, 1, unsigned int), 5), EINVAL);
	slot_expect_str(fd, "mine");
	close(fd);
}

TEST(unknown_ioctl_einval)
{
	static const struct {
		unsigned long cmd;
		const char *what;
	} cmds[] = {
		{ _IOW(MAJOR_NUM, 1, unsigned int), "_IOW(235, 1, u32)" },
		{ _IOW(MAJOR_NUM, 2, unsigned int), "_IOW(235, 2, u32)" },
		{ _IOW(MAJOR_NUM, 255, unsigned int), "_IOW(235, 255, u32)" },
		{ _IOW(MAJOR_NUM, 1, unsigned long), "_IOW(235, 1, ulong)" },
		{ _IOW(234, 0, unsigned int), "_IOW(234, 0, u32)" },
		{ _IOW(240, 0, unsigned int), "_IOW(240, 0, u32)" },
		{ _IOW(0, 0, unsigned int), "_IOW(0, 0, u32)" },
		{ _IOW('M', 0, unsigned int), "_IOW('M', 0, u32)" },
		{ _IOR(MAJOR_NUM, 0, unsigned int), "_IOR(235, 0, u32)" },
		{ _IOR(MAJOR_NUM, 0, unsigned long), "_IOR(235, 0, ulong)" },
		{ _IOWR(MAJOR_NUM, 0, unsigned int), "_IOWR(235, 0, u32)" },
		{ _IO(MAJOR_NUM, 0), "_IO(235, 0)" },
		{ _IOW(MAJOR_NUM, 0, unsigned short), "_IOW(235, 0, u16)" },
		{ _IOW(MAJOR_NUM, 0, unsigned char), "_IOW(235, 0, u8)" },
		{ _IOW(MAJOR_NUM, 0, char[16]), "_IOW(235, 0, char[16])" },
		{ 0, "0" },
		{ 0x5401, "TCGETS" },
		{ 0xffffffffUL, "0xffffffff" },
	};
	unsigned int ch = fresh_channel();
	int fd = slot_open_channel(26, ch);
	int unset = slot_open(26);
	size_t i;

	slot_put_str(fd, "mine");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		int r, e;

		errno = 0;
		r = ioctl(fd, cmds[i].cmd, 7UL);
		e = errno;
		if (r != -1 || e != EINVAL) {
			TH_LOG("ioctl %s (%#lx): got %d, errno %d (%s); expected -1, EINVAL",
			       cmds[i].what, cmds[i].cmd, r, e, strerror(e));
			harness_fail();
		}
		errno = 0;
		r = ioctl(unset, cmds[i].cmd, 7UL);
		e = errno;
		if (r != -1 || e != EINVAL) {
			TH_LOG("ioctl %s (%#lx) on a file without channel: got %d, errno %d (%s)",
			       cmds[i].what, cmds[i].cmd, r, e, strerror(e));
			harness_fail();
		}
	}
	/* None of them touched either file's channel. */
	slot_expect_str(fd, "mine");
	ASSERT_ERRNO(write(unset, "x", 1), EINVAL);
	close(unset);
	close(fd);
}

TEST(ioctl_ulong_id_above_u32_einval)
{
	static const unsigned long ids[] = {
		0x100000000UL, 0x100000001UL, 0x1ffffffffUL,
		0x8000000000000001UL, ~0UL,
	};
	char buf[BUF_LEN];
	int fd = slot_open(27);
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		errno = 0;
		if (ioctl(fd, MSG_SLOT_CHANNEL_ULONG, ids[i]) != -1 ||
		    errno != EINVAL) {
			TH_LOG("id %#lx: expected -1 EINVAL, got errno %d (%s)",
			       ids[i], errno, strerror(errno));
			harness_fail();
		}
	}
	/* No channel got set, truncated or otherwise. */
	ASSERT_ERRNO(read(fd, buf, sizeof(buf)), EINVAL);
	close(fd);
}

TEST(write_null_buffer_keeps_old_message)
{
	int fd = slot_open_channel(28, fresh_channel());

	slot_put_str(fd, "old message");
	ASSERT_ERRNO(write(fd, NULL_BUF, 5), EINVAL);
	ASSERT_ERRNO(write(fd, NULL_BUF, BUF_LEN), EINVAL);
	ASSERT_ERRNO(write(fd, NULL_BUF, 1), EINVAL);
	slot_expect_str(fd, "old message");
	close(fd);
}

TEST(write_null_buffer_on_empty_channel)
{
	char buf[BUF_LEN];
	int fd = slot_open_channel(28, fresh_channel());

	ASSERT_ERRNO(write(fd, NULL_BUF, 5), EINVAL);
	/* Nothing half-written appeared. */
	ASSERT_ERRNO(read(fd, buf, sizeof(buf)), EWOULDBLOCK);
	close(fd);
}

TEST(write_unmapped_buffer_keeps_old_message)
{
	int fd = slot_open_channel(29, fresh_channel());
	void *hole = unmapped_page();

	slot_put_str(fd, "old message");
	ASSERT_ERRNO(write(fd, hole, 5), EINVAL);
	ASSERT_ERRNO(write(fd, hole, BUF_LEN), EINVAL);
	slot_expect_str(fd, "old message");
	close(fd);
}

TEST(write_partially_unmapped_buffer_keeps_old_message)
{
	char *buf = page_before_hole(10);
	int fd = slot_open_channel(29, fresh_channel());

	/* 10 readable bytes, then the hole: the write must be all or nothing. */
	memset(buf, 'N', 10);
	slot_put_str(fd, "the old message, longer than ten bytes");
	ASSERT_ERRNO(write(fd, buf, 11), EINVAL);
	ASSERT_ERRNO(write(fd, buf, BUF_LEN), EINVAL);
	slot_expect_str(fd, "the old message, longer than ten bytes");
	/* The readable part alone is a fine message. */
	slot_put(fd, buf, 10);
	slot_expect(fd, "NNNNNNNNNN", 10);
	close(fd);
}

TEST(read_null_buffer_einval)
{
	int fd = slot_open_channel(30, fresh_channel());

	slot_put_str(fd, "intact");
	ASSERT_ERRNO(read(fd, NULL_BUF, BUF_LEN), EINVAL);
	ASSERT_ERRNO(read(fd, NULL_BUF, 6), EINVAL);
	/* A failed read changes nothing. */
	slot_expect_str(fd, "intact");
	close(fd);
}

TEST(read_unmapped_buffer_einval)
{
	int fd = slot_open_channel(31, fresh_channel());
	void *hole = unmapped_page();

	slot_put_str(fd, "intact");
	ASSERT_ERRNO(read(fd, hole, BUF_LEN), EINVAL);
	slot_expect_str(fd, "intact");
	close(fd);
}

TEST(read_partially_unmapped_buffer_einval)
{
	char *buf = page_before_hole(4);
	int fd = slot_open_channel(31, fresh_channel());

	slot_put_str(fd, "longer than four");
	ASSERT_ERRNO(read(fd, buf, 16), EINVAL);
	slot_expect_str(fd, "longer than four");
	close(fd);
}

TEST(read_readonly_buffer_einval)
{
	char *ro = map_page(PROT_READ);
	int fd = slot_open_channel(32, fresh_channel());
	size_t i;

	slot_put_str(fd, "intact");
	ASSERT_ERRNO(read(fd, ro, BUF_LEN), EINVAL);
	for (i = 0; i < BUF_LEN; i++)
		ASSERT_EQ(ro[i], 0);
	slot_expect_str(fd, "intact");
	close(fd);
}

TEST(write_readonly_buffer_ok)
{
	int fd = slot_open_channel(32, fresh_channel());
	char *page = map_page(PROT_READ | PROT_WRITE);

	/* Writing only reads the buffer: a read-only page is fine. */
	memcpy(page, "from a read-only page", 21);
	ASSERT_OK(mprotect(page, (size_t)sysconf(_SC_PAGESIZE), PROT_READ));
	slot_put(fd, page, 21);
	slot_expect(fd, "from a read-only page", 21);
	close(fd);
}

TEST(errors_on_bad_fd_do_not_reach_other_files)
{
	unsigned int ch = fresh_channel();
	int good = slot_open_channel(33, ch);
	int bad = slot_open_channel(33, ch);
	char big[BUF_LEN + 1];

	memset(big, 'b', sizeof(big));
	slot_put_str(good, "good");
	ASSERT_ERRNO(write(bad, big, sizeof(big)), EMSGSIZE);
	ASSERT_ERRNO(write(bad, NULL_BUF, 3), EINVAL);
	ASSERT_ERRNO(write(bad, big, 0), EMSGSIZE);
	slot_expect_str(good, "good");
	slot_expect_str(bad, "good");
	close(good);
	close(bad);
}
