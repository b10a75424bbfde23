// SPDX-License-Identifier: GPL-2.0
/*
 * basic_test.c - the classic semantics of a message slot (SPEC Part 1):
 * messages, channels per open file, minors, channel ids.
 */
#include "ctl_util.h"

/* Minors used here: 1..19, and every minor in all_minors_independent. */

TEST(write_then_read)
{
	int fd = slot_open_channel(1, fresh_channel());

	ASSERT_EQ(write(fd, "hello", 5), 5);
	slot_expect(fd, "hello", 5);
	close(fd);
}

TEST(message_visible_to_other_opens)
{
	unsigned int ch = fresh_channel();
	int w = slot_open_channel(1, ch);
	int r = slot_open_channel(1, ch);

	slot_put_str(w, "seen by another open file");
	slot_expect_str(r, "seen by another open file");
	close(w);
	close(r);
}

TEST(read_does_not_consume)
{
	unsigned int ch = fresh_channel();
	int fd = slot_open_channel(1, ch);
	int other;
	int i;

	slot_put_str(fd, "still here");
	for (i = 0; i < 5; i++)
		slot_expect_str(fd, "still here");
	other = slot_open_channel(1, ch);
	slot_expect_str(other, "still here");
	slot_expect_str(fd, "still here");
	close(other);
	close(fd);
}

TEST(overwrite_replaces)
{
	int fd = slot_open_channel(1, fresh_channel());

	slot_put_str(fd, "a rather long first message");
	slot_put_str(fd, "short");
	/* Exactly the new message: no tail of the old one. */
	slot_expect_str(fd, "short");
	slot_put_str(fd, "and a longer third message again");
	slot_expect_str(fd, "and a longer third message again");
	close(fd);
}

TEST(raw_bytes_roundtrip)
{
	static const char utf8[] = "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93 "
				   "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e";
	static const char nuls[] = "a\0b\0\0c\0";
	unsigned char buf[BUF_LEN];
	int fd = slot_open_channel(2, fresh_channel());
	int i;

	slot_put(fd, utf8, sizeof(utf8) - 1);
	slot_expect(fd, utf8, sizeof(utf8) - 1);

	/* Embedded NULs, a leading and a trailing one. */
	slot_put(fd, nuls, sizeof(nuls) - 1);
	slot_expect(fd, nuls, sizeof(nuls) - 1);
	slot_put(fd, "\0", 1);
	slot_expect(fd, "\0", 1);

	/* Every byte value, in two full-length messages... */
	for (i = 0; i < BUF_LEN; i++)
		buf[i] = (unsigned char)i;
	slot_put(fd, buf, BUF_LEN);
	slot_expect(fd, buf, BUF_LEN);
	for (i = 0; i < BUF_LEN; i++)
		buf[i] = (unsigned char)(i + BUF_LEN);
	slot_put(fd, buf, BUF_LEN);
	slot_expect(fd, buf, BUF_LEN);

	/* ...and each alone as a one-byte message. */
	for (i = 0; i < 256; i++) {
		buf[0] = (unsigned char)i;
		slot_put(fd, buf, 1);
		slot_expect(fd, buf, 1);
	}
	close(fd);
}

TEST(max_len_message_128)
{
	char msg[BUF_LEN], got[BUF_LEN];
	int fd = slot_open_channel(2, fresh_channel());
	int i;

	for (i = 0; i < BUF_LEN; i++)
		msg[i] = (char)('A' + i % 26);
	ASSERT_EQ(write(fd, msg, BUF_LEN), BUF_LEN);
	/* A buffer of exactly the message's length is enough. */
	ASSERT_EQ(read(fd, got, BUF_LEN), BUF_LEN);
	ASSERT_MEM_EQ(got, msg, BUF_LEN);
	close(fd);
}

TEST(read_buffer_exact_length_ok)
{
	char got[7];
	int fd = slot_open_channel(2, fresh_channel());

	slot_put(fd, "1234567", 7);
	ASSERT_EQ(read(fd, got, 7), 7);
	ASSERT_MEM_EQ(got, "1234567", 7);
	close(fd);
}

TEST(read_large_buffer_ok)
{
	size_t size = 1 << 16;
	char *big = malloc(size);
	int fd = slot_open_channel(2, fresh_channel());

	ASSERT_TRUE(big != NULL);
	memset(big, 0x77, size);
	slot_put_str(fd, "small message");
	/* A buffer larger than BUF_LEN gets the message and nothing else. */
	ASSERT_EQ(read(fd, big, size), 13);
	ASSERT_MEM_EQ(big, "small message", 13);
	ASSERT_EQ(big[13], 0x77);
	ASSERT_EQ(big[size - 1], 0x77);
	free(big);
	close(fd);
}

TEST(one_byte_message)
{
	char got[BUF_LEN];
	int fd = slot_open_channel(2, fresh_channel());

	slot_put(fd, "x", 1);
	ASSERT_EQ(read(fd, got, 1), 1);
	ASSERT_EQ(got[0], 'x');
	close(fd);
}

TEST(switching_channel_keeps_messages)
{
	unsigned int a = fresh_channel(), b = fresh_channel();
	int fd = slot_open(3);

	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, a));
	slot_put_str(fd, "on channel a");
	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, b));
	slot_put_str(fd, "on b");
	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, a));
	slot_expect_str(fd, "on channel a");
	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, b));
	slot_expect_str(fd, "on b");
	close(fd);
}

TEST(channel_is_per_open_file)
{
	unsigned int a = fresh_channel(), b = fresh_channel();
	int fd1 = slot_open(4);
	int fd2 = slot_open(4);
	int fd3;
	char buf[BUF_LEN];

	ASSERT_OK(ioctl(fd1, MSG_SLOT_CHANNEL, a));
	slot_put_str(fd1, "message on a");

	/* Another open file of the same slot does not get fd1's channel. */
	ASSERT_ERRNO(read(fd2, buf, sizeof(buf)), EINVAL);
	ASSERT_ERRNO(write(fd2, "x", 1), EINVAL);

	/* Nor does a file opened later. */
	fd3 = slot_open(4);
	ASSERT_ERRNO(read(fd3, buf, sizeof(buf)), EINVAL);
	ASSERT_ERRNO(write(fd3, "x", 1), EINVAL);

	/* Setting fd2's channel leaves fd1's alone. */
	ASSERT_OK(ioctl(fd2, MSG_SLOT_CHANNEL, b));
	slot_put_str(fd2, "message on b");
	slot_expect_str(fd1, "message on a");
	slot_put_str(fd1, "a again");
	slot_expect_str(fd2, "message on b");
	slot_expect_str(fd1, "a again");

	/* fd3 still has none, and picking a makes it see a's message. */
	ASSERT_ERRNO(read(fd3, buf, sizeof(buf)), EINVAL);
	ASSERT_OK(ioctl(fd3, MSG_SLOT_CHANNEL, a));
	slot_expect_str(fd3, "a again");
	close(fd1);
	close(fd2);
	close(fd3);
}

TEST(dup_shares_channel)
{
	unsigned int a = fresh_channel(), b = fresh_channel();
	int fd = slot_open(5);
	int copy = dup(fd);

	ASSERT_GE(copy, 0);
	/* A dup()ed descriptor is the same open file, so the same channel. */
	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, a));
	slot_put_str(copy, "written through the dup");
	slot_expect_str(fd, "written through the dup");
	ASSERT_OK(ioctl(copy, MSG_SLOT_CHANNEL, b));
	slot_put_str(fd, "b through the original");
	slot_expect_str(copy, "b through the original");
	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, a));
	slot_expect_str(copy, "written through the dup");
	close(fd);
	/* The open file lives on through the copy. */
	slot_expect_str(copy, "written through the dup");
	close(copy);
}

TEST(fork_inherited_fd_shares_channel)
{
	unsigned int a = fresh_channel();
	int fd = slot_open(5);
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		/* The child sets the channel of the open file it inherited. */
		ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, a));
		slot_put_str(fd, "from the child");
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	slot_expect_str(fd, "from the child");
	close(fd);
}

TEST(same_id_on_two_minors_is_two_channels)
{
	unsigned int ch = fresh_channel();
	int s6 = slot_open_channel(6, ch);
	int s7 = slot_open_channel(7, ch);
	char buf[BUF_LEN];

	slot_put_str(s6, "minor six");
	/* Nothing on minor 7's channel of the same id yet. */
	ASSERT_ERRNO(read(s7, buf, sizeof(buf)), EWOULDBLOCK);
	slot_put_str(s7, "minor 7");
	slot_expect_str(s6, "minor six");
	slot_expect_str(s7, "minor 7");
	close(s6);
	close(s7);
}

/* Leaves no slot behind on the minors that had none. */
TEST(all_minors_independent)
{
	unsigned int ch = fresh_channel();
	bool had_slot[256];
	char msg[32];
	int fds[256];
	int m;

	note_slots(had_slot);
	for (m = 0; m < 256; m++) {
		fds[m] = slot_open_channel((unsigned int)m, ch);
		snprintf(msg, sizeof(msg), "slot %d says hi", m);
		slot_put_str(fds[m], msg);
	}
	for (m = 0; m < 256; m++) {
		snprintf(msg, sizeof(msg), "slot %d says hi", m);
		slot_expect_str(fds[m], msg);
		close(fds[m]);
	}
	drop_new_slots(had_slot);
}

TEST(minor_0_works)
{
	int fd = slot_open_channel(0, fresh_channel());

	slot_put_str(fd, "minor zero");
	slot_expect_str(fd, "minor zero");
	close(fd);
}

TEST(minor_255_works)
{
	unsigned int ch = fresh_channel();
	int fd = slot_open_channel(255, ch);
	int other;

	slot_put_str(fd, "minor 255");
	slot_expect_str(fd, "minor 255");
	other = slot_open_channel(255, ch);
	slot_expect_str(other, "minor 255");
	close(other);
	close(fd);
}

TEST(writer_exits_reader_still_reads)
{
	unsigned int ch = fresh_channel();
	int status, fd;
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int w = slot_open_channel(8, ch);

		slot_put_str(w, "left behind by a dead writer");
		close(w);
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The writer and its file are gone; the message is not. */
	fd = slot_open_channel(8, ch);
	slot_expect_str(fd, "left behind by a dead writer");
	close(fd);
}

TEST(channel_id_1)
{
	int fd = slot_open_channel(9, 1);

	slot_put_str(fd, "channel one");
	slot_expect_str(fd, "channel one");
	close(fd);
}

TEST(channel_id_2pow20_plus_1)
{
	unsigned int id = (1u << 20) + 1;
	int fd = slot_open_channel(9, id);
	int low = slot_open_channel(9, 1);

	slot_put_str(low, "channel one");
	slot_put_str(fd, "channel 2^20+1");
	slot_expect_str(fd, "channel 2^20+1");
	slot_expect_str(low, "channel one");
	close(low);
	close(fd);
}

TEST(channel_id_0xffffffff)
{
	static const unsigned int ids[] = {
		0xffffffffu, 0xfffffffeu, 0x7fffffffu, 0x80000000u, 0xffffu, 1,
	};
	char msg[32];
	int fd = slot_open(10);
	size_t i;

	/* The top of the range is an ordinary id, distinct from its neighbours. */
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, ids[i]));
		snprintf(msg, sizeof(msg), "id %#x", ids[i]);
		slot_put_str(fd, msg);
	}
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, ids[i]));
		snprintf(msg, sizeof(msg), "id %#x", ids[i]);
		slot_expect_str(fd, msg);
	}
	close(fd);
}

TEST(ioctl_ulong_encoding_accepted)
{
	unsigned int ch = fresh_channel();
	int fd = slot_open(11);
	int other = slot_open(11);

	ASSERT_EQ(ioctl(fd, MSG_SLOT_CHANNEL_ULONG, (unsigned long)ch), 0);
	slot_put_str(fd, "via unsigned long");
	/* It names the same channel as the unsigned int encoding. */
	ASSERT_EQ(ioctl(other, MSG_SLOT_CHANNEL, ch), 0);
	slot_expect_str(other, "via unsigned long");
	ASSERT_EQ(ioctl(other, MSG_SLOT_CHANNEL_ULONG, 0xffffffffUL), 0);
	slot_put_str(other, "top id via unsigned long");
	ASSERT_EQ(ioctl(fd, MSG_SLOT_CHANNEL, 0xffffffffu), 0);
	slot_expect_str(fd, "top id via unsigned long");
	close(fd);
	close(other);
}

TEST(ioctl_returns_zero)
{
	int fd = slot_open(11);

	ASSERT_EQ(ioctl(fd, MSG_SLOT_CHANNEL, 3), 0);
	ASSERT_EQ(ioctl(fd, MSG_SLOT_CHANNEL, 3), 0);
	close(fd);
}

TEST(open_readonly_and_writeonly)
{
	unsigned int ch = fresh_channel();
	int w = slot_open_flags(12, O_WRONLY);
	int r = slot_open_flags(12, O_RDONLY);

	ASSERT_OK(ioctl(w, MSG_SLOT_CHANNEL, ch));
	ASSERT_OK(ioctl(r, MSG_SLOT_CHANNEL, ch));
	slot_put_str(w, "one way");
	slot_expect_str(r, "one way");
	close(w);
	close(r);
}

TEST(lseek_espipe)
{
	int fd = slot_open_channel(13, fresh_channel());

	/* Slot files are streams: no file position to move. */
	ASSERT_ERRNO(lseek(fd, 0, SEEK_SET), ESPIPE);
	ASSERT_ERRNO(lseek(fd, 0, SEEK_CUR), ESPIPE);
	close(fd);
}

TEST(pread_pwrite_espipe)
{
	char buf[BUF_LEN];
	int fd = slot_open_channel(13, fresh_channel());

	slot_put_str(fd, "stream");
	ASSERT_ERRNO(pread(fd, buf, sizeof(buf), 0), ESPIPE);
	ASSERT_ERRNO(pwrite(fd, "x", 1, 0), ESPIPE);
	slot_expect_str(fd, "stream");
	close(fd);
}

TEST(repeated_reads_and_writes_do_not_move)
{
	int fd = slot_open_channel(13, fresh_channel());
	char msg[16];
	int i;

	/* No file position: the hundredth read is like the first. */
	for (i = 0; i < 100; i++) {
		snprintf(msg, sizeof(msg), "round %d", i);
		slot_put_str(fd, msg);
		slot_expect_str(fd, msg);
		slot_expect_str(fd, msg);
	}
	close(fd);
}
