// SPDX-License-Identifier: GPL-2.0
/*
 * hostile_test.c - hostile input: what a buggy or malicious process can
 * throw at a slot, the control node, sysfs and debugfs.  Every case is a
 * test of its own, named hostile_<what it throws>, and checks both the
 * documented error (Documentation/userspace-api/message_slot.rst and
 * message_slot(4)) and that nothing changed: the sysfs counters of the
 * test's own slot and its victim message, byte for byte (hostile_util.h).
 *
 * Some errors come from the VFS before the driver runs (EFAULT for
 * buffers outside user space, EBADF, ESPIPE, ENODEV for mmap, ENXIO for
 * minors above 255); they are part of the documented interface as well.
 *
 * Count the cases with: hostile_test -l | grep -c ^hostile_
 */
#include "hostile_util.h"

#include <limits.h>
#include <linux/fs.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>

/* ---- buffers: write ------------------------------------------------- */

TEST(hostile_write_null_buffer)
{
	int fd = victim_setup();

	ASSERT_ERRNO(write(fd, NULL_BUF, 1), EINVAL);
	ASSERT_ERRNO(write(fd, NULL_BUF, VICTIM_LEN), EINVAL);
	ASSERT_ERRNO(write(fd, NULL_BUF, BUF_LEN), EINVAL);
	victim_done();
}

TEST(hostile_write_unmapped_buffer)
{
	int fd = victim_setup();
	void *hole = unmapped_page();

	ASSERT_ERRNO(write(fd, hole, 1), EINVAL);
	ASSERT_ERRNO(write(fd, hole, BUF_LEN), EINVAL);
	victim_done();
}

TEST(hostile_write_prot_none_buffer)
{
	int fd = victim_setup();
	void *none = map_page(PROT_NONE);

	ASSERT_ERRNO(write(fd, none, 1), EINVAL);
	ASSERT_ERRNO(write(fd, none, BUF_LEN), EINVAL);
	victim_done();
}

/* Not a user address at all: the VFS refuses it before the driver runs. */
TEST(hostile_write_kernel_text_address)
{
	int fd = victim_setup();

	ASSERT_ERRNO(write(fd, KERNEL_TEXT, 1), EFAULT);
	ASSERT_ERRNO(write(fd, KERNEL_TEXT, BUF_LEN), EFAULT);
	victim_done();
}

TEST(hostile_write_kernel_direct_map_address)
{
	int fd = victim_setup();

	ASSERT_ERRNO(write(fd, KERNEL_DIRECT_MAP, 1), EFAULT);
	ASSERT_ERRNO(write(fd, KERNEL_DIRECT_MAP, BUF_LEN), EFAULT);
	victim_done();
}

TEST(hostile_write_buffer_straddling_end_of_mapping)
{
	int fd = victim_setup();
	char *buf = page_before_hole(20);

	memset(buf, 'N', 20);
	ASSERT_ERRNO(write(fd, buf, 21), EINVAL);
	ASSERT_ERRNO(write(fd, buf, BUF_LEN), EINVAL);
	victim_done();
}

TEST(hostile_write_buffer_straddling_into_prot_none)
{
	int fd = victim_setup();
	char *buf = page_before_prot(20, PROT_NONE);

	memset(buf, 'N', 20);
	ASSERT_ERRNO(write(fd, buf, 21), EINVAL);
	ASSERT_ERRNO(write(fd, buf, BUF_LEN), EINVAL);
	victim_done();
}

/* ---- buffers: read -------------------------------------------------- */

TEST(hostile_read_null_buffer)
{
	int fd = victim_setup();

	ASSERT_ERRNO(read(fd, NULL_BUF, VICTIM_LEN), EINVAL);
	ASSERT_ERRNO(read(fd, NULL_BUF, BUF_LEN), EINVAL);
	victim_done();
}

TEST(hostile_read_unmapped_buffer)
{
	int fd = victim_setup();

	ASSERT_ERRNO(read(fd, unmapped_page(), BUF_LEN), EINVAL);
	victim_done();
}

TEST(hostile_read_readonly_buffer)
{
	int fd = victim_setup();
	char *ro = map_page(PROT_READ);
	size_t i;

	ASSERT_ERRNO(read(fd, ro, BUF_LEN), EINVAL);
	for (i = 0; i < page_size(); i++)
		ASSERT_EQ(ro[i], 0);
	victim_done();
}

TEST(hostile_read_prot_none_buffer)
{
	int fd = victim_setup();

	ASSERT_ERRNO(read(fd, map_page(PROT_NONE), BUF_LEN), EINVAL);
	victim_done();
}

TEST(hostile_read_kernel_text_address)
{
	int fd = victim_setup();

	ASSERT_ERRNO(read(fd, KERNEL_TEXT, BUF_LEN), EFAULT);
	ASSERT_ERRNO(read(fd, KERNEL_TEXT, VICTIM_LEN), EFAULT);
	victim_done();
}

TEST(hostile_read_kernel_direct_map_address)
{
	int fd = victim_setup();

	ASSERT_ERRNO(read(fd, KERNEL_DIRECT_MAP, BUF_LEN), EFAULT);
	victim_done();
}

/* The first bytes can be written, the rest cannot: EINVAL, no read counted. */
TEST(hostile_read_buffer_straddling_end_of_mapping)
{
	int fd = victim_setup();

	ASSERT_ERRNO(read(fd, page_before_hole(20), BUF_LEN), EINVAL);
	ASSERT_ERRNO(read(fd, page_before_hole(20), VICTIM_LEN), EINVAL);
	victim_done();
}

TEST(hostile_read_buffer_straddling_into_readonly)
{
	int fd = victim_setup();

	ASSERT_ERRNO(read(fd, page_before_prot(20, PROT_READ), BUF_LEN), EINVAL);
	victim_done();
}

/* ---- lengths -------------------------------------------------------- */

/* A length the compiler cannot see: read() and write() are size-checked. */
static size_t hide(size_t n)
{
	volatile size_t v = n;

	return v;
}

TEST(hostile_write_length_0)
{
	int fd = victim_setup();

	ASSERT_ERRNO(write(fd, victim_msg, 0), EMSGSIZE);
	/* The length is checked before the buffer is touched. */
	ASSERT_ERRNO(write(fd, NULL_BUF, 0), EMSGSIZE);
	victim_done();
}

TEST(hostile_write_length_129)
{
	char big[BUF_LEN + 1];
	int fd = victim_setup();

	memset(big, 'B', sizeof(big));
	ASSERT_ERRNO(write(fd, big, BUF_LEN + 1), EMSGSIZE);
	ASSERT_ERRNO(write(fd, NULL_BUF, BUF_LEN + 1), EMSGSIZE);
	victim_done();
}

/* buf + n runs past the end of user space: the VFS says EFAULT. */
TEST(hostile_write_length_size_max)
{
	char buf[BUF_LEN] = "x";
	int fd = victim_setup();

	ASSERT_ERRNO(write(fd, buf, hide(SIZE_MAX)), EFAULT);
	ASSERT_ERRNO(write(fd, NULL_BUF, hide(SIZE_MAX)), EFAULT);
	victim_done();
}

TEST(hostile_write_length_ssize_max)
{
	char buf[BUF_LEN] = "x";
	int fd = victim_setup();

	ASSERT_ERRNO(write(fd, buf, hide(SSIZE_MAX)), EFAULT);
	ASSERT_ERRNO(write(fd, buf, hide((size_t)SSIZE_MAX + 1)), EFAULT);
	victim_done();
}

TEST(hostile_read_length_0)
{
	char buf[BUF_LEN], untouched[BUF_LEN];
	int fd = victim_setup();

	memset(buf, 0x5a, sizeof(buf));
	memcpy(untouched, buf, sizeof(buf));
	ASSERT_ERRNO(read(fd, buf, 0), ENOSPC);
	ASSERT_ERRNO(read(fd, NULL_BUF, 0), ENOSPC);
	ASSERT_MEM_EQ(buf, untouched, sizeof(buf));
	victim_done();
}

TEST(hostile_read_length_smaller_than_message)
{
	char buf[BUF_LEN], untouched[BUF_LEN];
	int fd = victim_setup();

	memset(buf, 0x5a, sizeof(buf));
	memcpy(untouched, buf, sizeof(buf));
	ASSERT_ERRNO(read(fd, buf, VICTIM_LEN - 1), ENOSPC);
	ASSERT_ERRNO(read(fd, buf, 1), ENOSPC);
	ASSERT_MEM_EQ(buf, untouched, sizeof(buf));
	victim_done();
}

TEST(hostile_read_length_size_max)
{
	char buf[BUF_LEN];
	int fd = victim_setup();

	ASSERT_ERRNO(read(fd, buf, hide(SIZE_MAX)), EFAULT);
	victim_done();
}

TEST(hostile_read_length_ssize_max)
{
	char buf[BUF_LEN];
	int fd = victim_setup();

	ASSERT_ERRNO(read(fd, buf, hide(SSIZE_MAX)), EFAULT);
	victim_done();
}

/* ---- ioctl requests near MSG_SLOT_CHANNEL --------------------------- */

struct req {
	unsigned long cmd;
	const char *name;
};
#define REQ(cmd) { cmd, #cmd }

/*
 * Every request must be EINVAL on the victim's file (whose channel must
 * stay) and on a file without a channel (which must get none) even when
 * its argument is a valid id.
 */
static void requests_einval(const struct req *r, size_t n)
{
	int bare = slot_open(VICTIM_MINOR), rv, e;
	char buf[BUF_LEN];
	size_t i;

	for (i = 0; i < n; i++) {
		errno = 0;
		rv = ioctl(victim.fd, r[i].cmd, VICTIM_CH + 1);
		e = errno;
		if (rv != -1 || e != EINVAL) {
			TH_LOG("%s (%#lx): got %d, %s; expected EINVAL", r[i].name,
			       r[i].cmd, rv, strerror(e));
			harness_fail();
		}
		errno = 0;
		rv = ioctl(bare, r[i].cmd, VICTIM_CH);
		e = errno;
		if (rv != -1 || e != EINVAL) {
			TH_LOG("%s (%#lx) without a channel: got %d, %s", r[i].name,
			       r[i].cmd, rv, strerror(e));
			harness_fail();
		}
	}
	ASSERT_ERRNO(read(bare, buf, sizeof(buf)), EINVAL);
	close(bare);
	victim_read(victim.fd);
}

#define REQUESTS_EINVAL(tab) requests_einval(tab, sizeof(tab) / sizeof(tab[0]))

TEST(hostile_ioctl_nr_plus_minus_one)
{
	static const struct req r[] = {
		REQ(_IOW(MAJOR_NUM, 1, unsigned int)),
		REQ(_IOW(MAJOR_NUM, 1, unsigned long)),
		REQ(_IOW(MAJOR_NUM, 255, unsigned int)),	/* 0 - 1 */
		REQ(_IOW(MAJOR_NUM, 255, unsigned long)),
	};

	victim_setup();
	REQUESTS_EINVAL(r);
	victim_done();
}

TEST(hostile_ioctl_other_directions)
{
	static const struct req r[] = {
		REQ(_IO(MAJOR_NUM, 0)),
		REQ(_IOR(MAJOR_NUM, 0, unsigned int)),
		REQ(_IOR(MAJOR_NUM, 0, unsigned long)),
		REQ(_IOWR(MAJOR_NUM, 0, unsigned int)),
		REQ(_IOWR(MAJOR_NUM, 0, unsigned long)),
		REQ(_IOC(_IOC_NONE, MAJOR_NUM, 0, sizeof(unsigned int))),
	};

	victim_setup();
	REQUESTS_EINVAL(r);
	victim_done();
}

TEST(hostile_ioctl_other_sizes)
{
	static const struct req r[] = {
		REQ(_IOW(MAJOR_NUM, 0, unsigned char)),
		REQ(_IOW(MAJOR_NUM, 0, unsigned short)),
		REQ(_IOW(MAJOR_NUM, 0, char[3])),
		REQ(_IOW(MAJOR_NUM, 0, char[16])),
		REQ(_IOC(_IOC_WRITE, MAJOR_NUM, 0, _IOC_SIZEMASK)),
	};

	victim_setup();
	REQUESTS_EINVAL(r);
	victim_done();
}

TEST(hostile_ioctl_other_types)
{
	static const struct req r[] = {
		REQ(_IOW(MAJOR_NUM - 1, 0, unsigned int)),
		REQ(_IOW(MAJOR_NUM + 1, 0, unsigned int)),
		REQ(_IOW(240, 0, unsigned int)),
		REQ(_IOW(0, 0, unsigned int)),
		REQ(_IOW(MAJOR_NUM & 0x7f, 0, unsigned int)),
		REQ(_IOW(0xff, 0, unsigned long)),
	};

	victim_setup();
	REQUESTS_EINVAL(r);
	victim_done();
}

/* Requests of ttys and file systems reach the driver, which refuses them. */
TEST(hostile_ioctl_tty_and_fs_requests)
{
	static const struct req r[] = {
		REQ(TCGETS), REQ(TIOCGWINSZ), REQ(FIONREAD), REQ(FS_IOC_GETFLAGS),
	};
	unsigned char arg[64], untouched[64];
	size_t i;

	victim_setup();
	memset(arg, 0xa5, sizeof(arg));
	memcpy(untouched, arg, sizeof(arg));
	/* With a pointer argument: nothing may be written through it. */
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		ASSERT_ERRNO(ioctl(victim.fd, r[i].cmd, arg), EINVAL);
	/* The VFS reads the flags, finds no fileattr_set, asks the driver. */
	ASSERT_ERRNO(ioctl(victim.fd, FS_IOC_SETFLAGS, arg), EINVAL);
	ASSERT_MEM_EQ(arg, untouched, sizeof(arg));
	REQUESTS_EINVAL(r);
	victim_done();
}

/*
 * Requests the VFS answers for every file never reach the driver: they
 * behave as on any character device and leave the channel alone.
 */
TEST(hostile_ioctl_generic_file_requests)
{
	int on = 1;

	victim_setup();
	ASSERT_OK(ioctl(victim.fd, FIOCLEX));
	ASSERT_OK(ioctl(victim.fd, FIONCLEX));
	ASSERT_OK(ioctl(victim.fd, FIONBIO, &on));
	ASSERT_TRUE(fcntl(victim.fd, F_GETFL) & O_NONBLOCK);
	ASSERT_ERRNO(ioctl(victim.fd, FIOASYNC, &on), ENOTTY);
	ASSERT_ERRNO(ioctl(victim.fd, FIOQSIZE, &on), ENOTTY);
	victim_read(victim.fd);
	victim_done();
}

TEST(hostile_control_requests_on_slot)
{
	struct msg_slot_ctl clear = { .minor = VICTIM_MINOR };
	struct msg_slot_ctl spare = { .minor = SPARE_MINOR };
	int devices;

	victim_setup();
	fresh_slot(SPARE_MINOR);
	devices = count_devices();
	/* CLEAR of the victim's own slot, REMOVE of a removable one. */
	ASSERT_ERRNO(ioctl(victim.fd, MSG_SLOT_CTL_CLEAR, &clear), EINVAL);
	ASSERT_ERRNO(ioctl(victim.fd, MSG_SLOT_CTL_REMOVE, &spare), EINVAL);
	ASSERT_TRUE(has_device(SPARE_MINOR));
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, SPARE_MINOR));
	ASSERT_ERRNO(ioctl(victim.fd, MSG_SLOT_CTL_ADD, &spare), EINVAL);
	ASSERT_FALSE(has_device(SPARE_MINOR));
	ASSERT_EQ(count_devices(), devices - 1);
	victim_done();
}

TEST(hostile_channel_request_on_control_node)
{
	int fd, devices;

	victim_setup();
	devices = count_devices();
	fd = ctl_open();
	ASSERT_ERRNO(ioctl(fd, MSG_SLOT_CHANNEL, VICTIM_CH), ENOTTY);
	ASSERT_ERRNO(ioctl(fd, MSG_SLOT_CHANNEL_ULONG, (unsigned long)VICTIM_MINOR),
		     ENOTTY);
	ASSERT_ERRNO(ioctl(fd, MSG_SLOT_CHANNEL, NULL_BUF), ENOTTY);
	close(fd);
	ASSERT_EQ(count_devices(), devices);
	victim_done();
}

/* ---- channel ids ---------------------------------------------------- */

/* The id is a value: a pointer above 32 bits is EINVAL, never truncated. */
TEST(hostile_id_stack_pointer)
{
	int local = 0, bare;
	char buf[BUF_LEN];

	victim_setup();
	bare = slot_open(VICTIM_MINOR);
	ASSERT_GT((unsigned long)&local, 0xffffffffUL);
	ASSERT_ERRNO(ioctl(bare, MSG_SLOT_CHANNEL, &local), EINVAL);
	ASSERT_ERRNO(ioctl(bare, MSG_SLOT_CHANNEL_ULONG, &local), EINVAL);
	ASSERT_ERRNO(ioctl(victim.fd, MSG_SLOT_CHANNEL, &local), EINVAL);
	ASSERT_ERRNO(read(bare, buf, sizeof(buf)), EINVAL);
	close(bare);
	victim_read(victim.fd);
	victim_done();
}

TEST(hostile_id_kernel_address)
{
	static void *const addrs[] = { KERNEL_TEXT, KERNEL_DIRECT_MAP };
	char buf[BUF_LEN];
	int bare;
	size_t i;

	victim_setup();
	bare = slot_open(VICTIM_MINOR);
	for (i = 0; i < 2; i++) {
		ASSERT_ERRNO(ioctl(bare, MSG_SLOT_CHANNEL, addrs[i]), EINVAL);
		ASSERT_ERRNO(ioctl(bare, MSG_SLOT_CHANNEL_ULONG, addrs[i]), EINVAL);
		ASSERT_ERRNO(ioctl(victim.fd, MSG_SLOT_CHANNEL_ULONG, addrs[i]),
			     EINVAL);
	}
	ASSERT_ERRNO(read(bare, buf, sizeof(buf)), EINVAL);
	close(bare);
	victim_read(victim.fd);
	victim_done();
}

/*
 * An address below 4 GiB that equals the victim's id selects the victim's
 * channel whatever the memory there holds, mapped or not: never read.
 */
TEST(hostile_id_low_address_is_a_value)
{
	unsigned long base = VICTIM_CH & ~(unsigned long)(page_size() - 1);
	char *page;
	int fd;

	victim_setup();
	page = mmap((void *)base, page_size(), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	ASSERT_EQ((unsigned long)page, base);
	memset(page, 0x5a, page_size());
	fd = slot_open(VICTIM_MINOR);
	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, page + (VICTIM_CH - base)));
	victim_read(fd);
	close(fd);
	ASSERT_OK(munmap(page, page_size()));
	fd = slot_open(VICTIM_MINOR);
	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL_ULONG, page + (VICTIM_CH - base)));
	victim_read(fd);
	close(fd);
	victim_done();
}

TEST(hostile_id_0)
{
	char buf[BUF_LEN];
	int bare;

	victim_setup();
	bare = slot_open(VICTIM_MINOR);
	ASSERT_ERRNO(ioctl(bare, MSG_SLOT_CHANNEL, 0), EINVAL);
	ASSERT_ERRNO(ioctl(bare, MSG_SLOT_CHANNEL_ULONG, 0UL), EINVAL);
	ASSERT_ERRNO(ioctl(victim.fd, MSG_SLOT_CHANNEL, 0), EINVAL);
	ASSERT_ERRNO(read(bare, buf, sizeof(buf)), EINVAL);
	close(bare);
	victim_read(victim.fd);
	victim_done();
}

/* 0xFFFFFFFF is an ordinary channel, in both encodings. */
TEST(hostile_id_u32_max_is_valid)
{
	int a, b;

	victim_setup();
	a = slot_open(VICTIM_MINOR);
	b = slot_open(VICTIM_MINOR);
	ASSERT_OK(ioctl(a, MSG_SLOT_CHANNEL, 0xffffffffu));
	ASSERT_OK(ioctl(b, MSG_SLOT_CHANNEL_ULONG, 0xffffffffUL));
	slot_put(a, "max", 3);
	slot_expect(b, "max", 3);
	close(a);
	close(b);
	victim.expected[C_CHANNELS]++;
	victim.expected[C_BYTES] += 3;
	victim.expected[C_WRITES]++;
	victim.expected[C_READS]++;
	victim_done();
}

/* Ids above 32 bits whose low half is the victim's: EINVAL, not truncated. */
TEST(hostile_id_above_u32)
{
	static const unsigned long ids[] = {
		1UL << 32, (1UL << 32) | VICTIM_CH, 0xffffffff00000000UL | VICTIM_CH,
		0x8000000000000000UL | VICTIM_CH, ~0UL,
	};
	char buf[BUF_LEN];
	size_t i;
	int bare;

	victim_setup();
	bare = slot_open(VICTIM_MINOR);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		ASSERT_ERRNO(ioctl(bare, MSG_SLOT_CHANNEL_ULONG, ids[i]), EINVAL);
		ASSERT_ERRNO(ioctl(bare, MSG_SLOT_CHANNEL, ids[i]), EINVAL);
	}
	ASSERT_ERRNO(read(bare, buf, sizeof(buf)), EINVAL);
	close(bare);
	victim_done();
}

/* ---- control requests ----------------------------------------------- */

/* Every control request with this struct is @err; nothing is added. */
static void control_refused(const struct msg_slot_ctl *req, int err)
{
	static const unsigned long cmds[] = {
		MSG_SLOT_CTL_ADD, MSG_SLOT_CTL_REMOVE, MSG_SLOT_CTL_CLEAR,
	};
	int fd = ctl_open(), devices = count_devices();
	size_t i;

	for (i = 0; i < 3; i++) {
		struct msg_slot_ctl copy = *req;

		errno = 0;
		if (ioctl(fd, cmds[i], &copy) != -1 || errno != err) {
			TH_LOG("request %zu minor %#x flags %#x reserved %#llx: got %s, expected %s",
			       i, req->minor, req->flags,
			       (unsigned long long)req->reserved,
			       strerror(errno), strerror(err));
			harness_fail();
		}
	}
	close(fd);
	ASSERT_EQ(count_devices(), devices);
}

TEST(hostile_control_minor_256)
{
	struct msg_slot_ctl req = { .minor = 256 };

	victim_setup();
	control_refused(&req, EINVAL);
	ASSERT_FALSE(path_exists(class_dir(256)));
	victim_done();
}

TEST(hostile_control_minor_0x7fffffff)
{
	struct msg_slot_ctl req = { .minor = 0x7fffffff };

	victim_setup();
	control_refused(&req, EINVAL);
	victim_done();
}

/* "Any minor" means something to ADD only. */
TEST(hostile_control_any_minor_to_remove_and_clear)
{
	struct msg_slot_ctl req = { .minor = MSG_SLOT_ANY_MINOR };
	int fd, devices;

	victim_setup();
	devices = count_devices();
	fd = ctl_open();
	ASSERT_ERRNO(ioctl(fd, MSG_SLOT_CTL_REMOVE, &req), EINVAL);
	ASSERT_ERRNO(ioctl(fd, MSG_SLOT_CTL_CLEAR, &req), EINVAL);
	close(fd);
	ASSERT_EQ(count_devices(), devices);
	victim_done();
}

TEST(hostile_control_nonzero_flags)
{
	static const __u32 flags[] = { 1, 0x80000000u, 0xffffffffu };
	struct msg_slot_ctl req = { .minor = VICTIM_MINOR };
	size_t i;

	victim_setup();
	for (i = 0; i < 3; i++) {
		req.flags = flags[i];
		control_refused(&req, EINVAL);
	}
	victim_done();
}

TEST(hostile_control_nonzero_reserved)
{
	static const __u64 reserved[] = { 1, 1ull << 32, 1ull << 63, ~0ull };
	struct msg_slot_ctl req = { .minor = VICTIM_MINOR };
	size_t i;

	victim_setup();
	for (i = 0; i < 4; i++) {
		req.reserved = reserved[i];
		control_refused(&req, EINVAL);
	}
	victim_done();
}

/* Bad struct pointers: EFAULT for each request; no CLEAR of the victim. */
static void control_pointer_efault(void *arg)
{
	int fd = ctl_open(), devices = count_devices();

	ASSERT_ERRNO(ioctl(fd, MSG_SLOT_CTL_CLEAR, arg), EFAULT);
	ASSERT_ERRNO(ioctl(fd, MSG_SLOT_CTL_REMOVE, arg), EFAULT);
	ASSERT_ERRNO(ioctl(fd, MSG_SLOT_CTL_ADD, arg), EFAULT);
	close(fd);
	ASSERT_EQ(count_devices(), devices);
}

TEST(hostile_control_null_struct)
{
	victim_setup();
	control_pointer_efault(NULL_BUF);
	victim_done();
}

TEST(hostile_control_unmapped_struct)
{
	victim_setup();
	control_pointer_efault(unmapped_page());
	victim_done();
}

TEST(hostile_control_kernel_address_struct)
{
	victim_setup();
	control_pointer_efault(KERNEL_TEXT);
	control_pointer_efault(KERNEL_DIRECT_MAP);
	victim_done();
}

/* minor and flags readable (a CLEAR of the victim), reserved in a hole. */
TEST(hostile_control_struct_straddling_end_of_mapping)
{
	char *p = page_before_hole(8);

	victim_setup();
	memset(p, 0, 8);
	*(__u32 *)p = VICTIM_MINOR;
	control_pointer_efault(p);
	victim_done();
}

/* ---- sysfs and debugfs ---------------------------------------------- */

/* "<id> <length> <contents>\n", as Documentation/admin-guide says. */
static void dump_line(char *out, size_t size, unsigned int id,
		      const unsigned char *msg, size_t len)
{
	size_t i, n = (size_t)snprintf(out, size, "%u %zu ", id, len);

	for (i = 0; i < len; i++)
		if (msg[i] >= 0x20 && msg[i] < 0x7f && msg[i] != '\\')
			out[n++] = (char)msg[i];
		else
			n += (size_t)sprintf(out + n, "\\x%02x", msg[i]);
	out[n++] = '\n';
	out[n] = '\0';
}

static void expect_dump(void)
{
	char want[4 * BUF_LEN + 64], *got;
	size_t len;

	dump_line(want, sizeof(want), VICTIM_CH,
		  (const unsigned char *)victim_msg, VICTIM_LEN);
	got = read_all(dump_path(VICTIM_MINOR), &len);
	ASSERT_TRUE(got != NULL);
	ASSERT_EQ(len, strlen(want));
	ASSERT_MEM_EQ(got, want, len);
	free(got);
}

/* Root may open the 0400 dump for writing; it has no write method. */
TEST(hostile_debugfs_dump_write)
{
	const char *path;
	int w, rw, r;

	victim_setup();
	path = dump_path(VICTIM_MINOR);
	expect_dump();
	w = open(path, O_WRONLY);
	ASSERT_OK(w);
	ASSERT_ERRNO(write(w, "1 1 x\n", 6), EINVAL);
	ASSERT_ERRNO(write(w, NULL_BUF, 6), EINVAL);
	rw = open(path, O_RDWR);
	ASSERT_OK(rw);
	ASSERT_ERRNO(write(rw, "\n", 1), EINVAL);
	r = open(path, O_RDONLY);
	ASSERT_OK(r);
	ASSERT_ERRNO(write(r, "\n", 1), EBADF);
	close(w);
	close(rw);
	close(r);
	expect_dump();
	victim_done();
}

/* kernfs refuses write opens of attributes without a store method. */
TEST(hostile_sysfs_attribute_write)
{
	int i, fd;

	victim_setup();
	for (i = 0; i < C_NR; i++) {
		const char *path = class_file(VICTIM_MINOR, counter_names[i]);

		ASSERT_ERRNO(open(path, O_WRONLY), EACCES);
		ASSERT_ERRNO(open(path, O_RDWR), EACCES);
		ASSERT_ERRNO(open(path, O_WRONLY | O_TRUNC), EACCES);
		fd = open(path, O_RDONLY);
		ASSERT_OK(fd);
		ASSERT_ERRNO(write(fd, "0\n", 2), EBADF);
		close(fd);
	}
	victim_done();
}

/*
 * With the mode bits forced open, kernfs lets the file be opened for
 * writing, but the attribute has no store method: EIO, nothing changes.
 */
TEST(hostile_sysfs_attribute_chmod_then_write)
{
	const char *path;
	struct stat st;
	ssize_t n;
	int fd, err;

	victim_setup();
	path = class_file(VICTIM_MINOR, "bytes");
	ASSERT_OK(chmod(path, 0666));
	fd = open(path, O_WRONLY);
	err = errno;
	n = fd < 0 ? -1 : write(fd, "0\n", 2);
	err = fd < 0 ? err : errno;
	ASSERT_OK(chmod(path, 0444));
	ASSERT_OK(stat(path, &st));
	ASSERT_EQ(st.st_mode & 07777, 0444);
	if (fd < 0) {
		TH_LOG("open %s for writing after chmod 0666: %s", path,
		       strerror(err));
		harness_fail();
	}
	ASSERT_EQ(n, -1);
	ASSERT_EQ(err, EIO);
	close(fd);
	victim_done();
}

/* ---- nodes of minors the driver does not serve ---------------------- */

static void open_minor_enxio(unsigned int minor)
{
	char path[300];
	int devices = count_devices();

	snprintf(path, sizeof(path), "%s/minor%u", harness_tmpdir(), minor);
	ASSERT_OK(mknod(path, S_IFCHR | 0600, makedev(slot_major(), minor)));
	ASSERT_ERRNO(open(path, O_RDWR), ENXIO);
	ASSERT_ERRNO(open(path, O_RDONLY | O_NONBLOCK), ENXIO);
	ASSERT_EQ(count_devices(), devices);
	ASSERT_FALSE(path_exists(dump_path(minor)));
}

TEST(hostile_open_minor_256)
{
	victim_setup();
	open_minor_enxio(256);
	victim_done();
}

TEST(hostile_open_minor_1000)
{
	victim_setup();
	open_minor_enxio(1000);
	victim_done();
}

TEST(hostile_open_minor_0xfffff)
{
	victim_setup();
	open_minor_enxio(0xfffff);
	victim_done();
}

/* ---- closing a file another thread is using ------------------------- */

/* Waits until thread @tid sleeps in one of the system calls @nr. */
static void wait_asleep_in(pid_t tid, const long *nr, int nnr)
{
	char path[64], buf[256], *state;
	int tries, i;

	for (tries = 0; tries < 5000; tries++) {
		FILE *f;
		long call = -1;

		snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
		f = fopen(path, "r");
		ASSERT_TRUE(f != NULL);
		if (fscanf(f, "%ld", &call) != 1)
			call = -1;
		fclose(f);
		snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
		f = fopen(path, "r");
		ASSERT_TRUE(f != NULL);
		ASSERT_TRUE(fgets(buf, sizeof(buf), f) != NULL);
		fclose(f);
		state = strrchr(buf, ')');
		for (i = 0; i < nnr; i++)
			if (call == nr[i] && state && state[2] == 'S')
				return;
		usleep(1000);
	}
	TH_LOG("thread %d never slept in the expected system call", tid);
	harness_fail();
}

struct waiter {
	int fd;			/* the slot file, or the epoll file */
	_Atomic pid_t tid;
	int ret;
	short revents;
	double seconds;
};

static void *poll_waiter(void *arg)
{
	struct waiter *w = arg;
	struct pollfd pfd = { .fd = w->fd, .events = POLLIN };
	struct timespec ts = { .tv_sec = 10 };
	double start = now_seconds();

	w->tid = gettid();
	w->ret = ppoll(&pfd, 1, &ts, NULL);
	w->revents = pfd.revents;
	w->seconds = now_seconds() - start;
	return NULL;
}

static void *epoll_waiter(void *arg)
{
	struct waiter *w = arg;
	struct epoll_event ev;

	w->tid = gettid();
	w->ret = epoll_wait(w->fd, &ev, 1, 1000);
	return NULL;
}

static pid_t waiter_tid(struct waiter *w)
{
	while (!w->tid)
		usleep(1000);
	return w->tid;
}

/*
 * poll holds the file: the close does not release it, the next write to
 * its channel wakes the poller, which finds the descriptor gone.
 */
TEST(hostile_close_while_other_thread_polls)
{
	static const long calls[] = { SYS_ppoll };
	struct waiter w = { 0 };
	pthread_t t;

	victim_setup();
	w.fd = slot_open_channel(VICTIM_MINOR, VICTIM_CH);
	victim_read(w.fd);	/* nothing unread: poll must sleep */
	ASSERT_EQ(pthread_create(&t, NULL, poll_waiter, &w), 0);
	wait_asleep_in(waiter_tid(&w), calls, 1);
	ASSERT_OK(close(w.fd));
	slot_put(victim.fd, victim_msg, VICTIM_LEN);
	victim.expected[C_WRITES]++;
	ASSERT_EQ(pthread_join(t, NULL), 0);
	ASSERT_EQ(w.ret, 1);
	ASSERT_EQ(w.revents, POLLNVAL);
	ASSERT_LT(w.seconds, 5.0);
	victim_done();
}

/* epoll holds no reference: the close releases the file under the waiter. */
TEST(hostile_close_while_other_thread_epoll_waits)
{
	static const long calls[] = { SYS_epoll_wait, SYS_epoll_pwait };
	struct epoll_event ev = { .events = EPOLLIN };
	struct waiter w = { 0 };
	pthread_t t;
	int fd;

	victim_setup();
	fd = slot_open_channel(VICTIM_MINOR, VICTIM_CH);
	victim_read(fd);
	w.fd = epoll_create1(0);
	ASSERT_OK(w.fd);
	ASSERT_OK(epoll_ctl(w.fd, EPOLL_CTL_ADD, fd, &ev));
	ASSERT_EQ(pthread_create(&t, NULL, epoll_waiter, &w), 0);
	wait_asleep_in(waiter_tid(&w), calls, 2);
	ASSERT_OK(close(fd));
	victim_counters_at(__LINE__);	/* released: open_files is back to 1 */
	slot_put(victim.fd, victim_msg, VICTIM_LEN);
	victim.expected[C_WRITES]++;
	ASSERT_EQ(pthread_join(t, NULL), 0);
	/* The closed file left the epoll set: the write woke nobody. */
	ASSERT_EQ(w.ret, 0);
	close(w.fd);
	victim_done();
}

struct looper {
	int fd;
	bool writes;		/* write victim_msg, else read and compare */
	atomic_ulong done;	/* calls that succeeded */
	int err;		/* errno of the call that ended the loop */
	bool wrong;		/* a call returned something else */
};

static void *loop_calls(void *arg)
{
	struct looper *l = arg;
	char buf[BUF_LEN];
	ssize_t n;

	for (;;) {
		if (l->writes)
			n = write(l->fd, victim_msg, VICTIM_LEN);
		else
			n = read(l->fd, buf, sizeof(buf));
		if (n < 0) {
			l->err = errno;
			return NULL;
		}
		if (n != (ssize_t)VICTIM_LEN ||
		    (!l->writes && memcmp(buf, victim_msg, VICTIM_LEN))) {
			l->wrong = true;
			return NULL;
		}
		atomic_fetch_add(&l->done, 1);
	}
}

/* Closes the file under a thread looping on it; it must end with EBADF. */
static void close_under_loop(bool writes)
{
	struct looper l = { .writes = writes };
	double deadline;
	pthread_t t;

	l.fd = slot_open_channel(VICTIM_MINOR, VICTIM_CH);
	ASSERT_EQ(pthread_create(&t, NULL, loop_calls, &l), 0);
	deadline = now_seconds() + 10;
	while (atomic_load(&l.done) < 200 && now_seconds() < deadline)
		usleep(500);
	ASSERT_OK(close(l.fd));
	ASSERT_EQ(pthread_join(t, NULL), 0);
	ASSERT_FALSE(l.wrong);
	ASSERT_EQ(l.err, EBADF);
	ASSERT_GE(atomic_load(&l.done), 200);
	TH_LOG("%lu %s before the close", atomic_load(&l.done),
	       writes ? "writes" : "reads");
	victim.expected[writes ? C_WRITES : C_READS] += atomic_load(&l.done);
}

TEST(hostile_close_while_other_thread_writes)
{
	victim_setup();
	close_under_loop(true);
	victim_done();
}

TEST(hostile_close_while_other_thread_reads)
{
	victim_setup();
	close_under_loop(false);
	victim_done();
}

/* ---- access modes, seeking, mapping, splicing ----------------------- */

TEST(hostile_write_on_read_only_file)
{
	int fd;

	victim_setup();
	fd = slot_open_flags(VICTIM_MINOR, O_RDONLY);
	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, VICTIM_CH));
	ASSERT_ERRNO(write(fd, "x", 1), EBADF);
	victim_read(fd);
	close(fd);
	victim_done();
}

TEST(hostile_read_on_write_only_file)
{
	char buf[BUF_LEN];
	int fd;

	victim_setup();
	fd = slot_open_flags(VICTIM_MINOR, O_WRONLY);
	ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, VICTIM_CH));
	ASSERT_ERRNO(read(fd, buf, sizeof(buf)), EBADF);
	close(fd);
	victim_done();
}

TEST(hostile_calls_on_o_path_file)
{
	char buf[BUF_LEN];
	int fd;

	victim_setup();
	fd = open(slot_node(VICTIM_MINOR), O_PATH);
	ASSERT_OK(fd);
	ASSERT_ERRNO(ioctl(fd, MSG_SLOT_CHANNEL, VICTIM_CH), EBADF);
	ASSERT_ERRNO(read(fd, buf, sizeof(buf)), EBADF);
	ASSERT_ERRNO(write(fd, "x", 1), EBADF);
	close(fd);
	victim_done();
}

TEST(hostile_lseek)
{
	int fd = victim_setup();

	ASSERT_ERRNO(lseek(fd, 0, SEEK_SET), ESPIPE);
	ASSERT_ERRNO(lseek(fd, 100, SEEK_CUR), ESPIPE);
	ASSERT_ERRNO(lseek(fd, -1, SEEK_END), ESPIPE);
	ASSERT_ERRNO(lseek(fd, LLONG_MAX, SEEK_SET), ESPIPE);
	ASSERT_ERRNO(lseek(fd, 0, SEEK_DATA), ESPIPE);
	victim_done();
}

TEST(hostile_pread_pwrite)
{
	char buf[BUF_LEN];
	struct iovec iov = { buf, sizeof(buf) };
	int fd = victim_setup();

	ASSERT_ERRNO(pread(fd, buf, sizeof(buf), 0), ESPIPE);
	ASSERT_ERRNO(pwrite(fd, "x", 1, 0), ESPIPE);
	ASSERT_ERRNO(pwrite(fd, "x", 1, LLONG_MAX), ESPIPE);
	ASSERT_ERRNO(preadv(fd, &iov, 1, 0), ESPIPE);
	ASSERT_ERRNO(pwritev(fd, &iov, 1, 0), ESPIPE);
	victim_done();
}

TEST(hostile_mmap)
{
	int fd = victim_setup();

	ASSERT_TRUE(mmap(NULL, page_size(), PROT_READ, MAP_SHARED, fd, 0) ==
		    MAP_FAILED);
	ASSERT_EQ(errno, ENODEV);
	ASSERT_TRUE(mmap(NULL, page_size(), PROT_READ | PROT_WRITE, MAP_PRIVATE,
			 fd, 0) == MAP_FAILED);
	ASSERT_EQ(errno, ENODEV);
	ASSERT_TRUE(mmap(NULL, page_size(), PROT_READ, MAP_SHARED, fd,
			 (off_t)page_size()) == MAP_FAILED);
	ASSERT_EQ(errno, ENODEV);
	victim_done();
}

TEST(hostile_splice_sendfile_copy_file_range)
{
	char path[300];
	int fd = victim_setup(), file, pipes[2];

	snprintf(path, sizeof(path), "%s/file", harness_tmpdir());
	file = open(path, O_RDWR | O_CREAT, 0600);
	ASSERT_OK(file);
	ASSERT_EQ(write(file, "from a file", 11), 11);
	ASSERT_OK(lseek(file, 0, SEEK_SET));
	ASSERT_OK(pipe(pipes));
	ASSERT_EQ(write(pipes[1], "from a pipe", 11), 11);
	ASSERT_ERRNO(sendfile(fd, file, NULL, 11), EINVAL);
	ASSERT_ERRNO(sendfile(file, fd, NULL, BUF_LEN), EINVAL);
	ASSERT_ERRNO(splice(pipes[0], NULL, fd, NULL, 11, 0), EINVAL);
	ASSERT_ERRNO(splice(fd, NULL, pipes[1], NULL, BUF_LEN, 0), EINVAL);
	ASSERT_ERRNO(copy_file_range(file, NULL, fd, NULL, 11, 0), EINVAL);
	ASSERT_ERRNO(copy_file_range(fd, NULL, file, NULL, BUF_LEN, 0), EINVAL);
	close(pipes[0]);
	close(pipes[1]);
	close(file);
	victim_done();
}

TEST(hostile_read_write_mmap_on_control_node)
{
	char buf[64];
	int fd;

	victim_setup();
	fd = ctl_open();
	ASSERT_ERRNO(read(fd, buf, sizeof(buf)), EINVAL);
	ASSERT_ERRNO(write(fd, buf, sizeof(buf)), EINVAL);
	ASSERT_ERRNO(lseek(fd, 0, SEEK_SET), ESPIPE);
	ASSERT_TRUE(mmap(NULL, page_size(), PROT_READ, MAP_SHARED, fd, 0) ==
		    MAP_FAILED);
	ASSERT_EQ(errno, ENODEV);
	close(fd);
	victim_done();
}

/* ---- vectored I/O: one message gathered from, or scattered to, all ---- */

TEST(hostile_writev_unreadable_second_segment)
{
	struct iovec iov[2] = { { "abc", 3 }, { NULL_BUF, 4 } };
	int fd = victim_setup();

	ASSERT_ERRNO(writev(fd, iov, 2), EINVAL);
	iov[1].iov_base = unmapped_page();
	ASSERT_ERRNO(writev(fd, iov, 2), EINVAL);
	victim_done();
}

TEST(hostile_writev_totalling_129_bytes)
{
	char big[BUF_LEN];
	struct iovec iov[2] = { { big, 100 }, { big, 29 } };
	int fd = victim_setup();

	memset(big, 'B', sizeof(big));
	ASSERT_ERRNO(writev(fd, iov, 2), EMSGSIZE);
	iov[1].iov_len = 100;
	ASSERT_ERRNO(writev(fd, iov, 2), EMSGSIZE);
	victim_done();
}

/* The VFS checks the iovec array itself; a total of 0 never reaches us. */
TEST(hostile_writev_bad_iovec_array)
{
	struct iovec iov[2] = { { "abc", 3 }, { KERNEL_TEXT, 4 } };
	int fd = victim_setup();

	ASSERT_ERRNO(writev(fd, NULL_BUF, 1), EFAULT);
	ASSERT_ERRNO(writev(fd, unmapped_page(), 2), EFAULT);
	ASSERT_ERRNO(writev(fd, iov, (int)hide(IOV_MAX + 1)), EINVAL);
	ASSERT_ERRNO(writev(fd, iov, (int)hide((size_t)-1)), EINVAL);
	ASSERT_ERRNO(writev(fd, iov, 2), EFAULT);
	iov[1].iov_base = "defg";
	iov[0].iov_len = 0;
	iov[1].iov_len = 0;
	ASSERT_EQ(writev(fd, iov, 2), 0);
	victim_done();
}

/* Three segments are one message, the whole victim again. */
TEST(hostile_writev_message_split_in_three)
{
	struct iovec iov[3] = {
		{ (char *)victim_msg, 5 },
		{ (char *)victim_msg + 5, 20 },
		{ (char *)victim_msg + 25, VICTIM_LEN - 25 },
	};
	int fd = victim_setup();

	ASSERT_EQ(writev(fd, iov, 3), (ssize_t)VICTIM_LEN);
	victim.expected[C_WRITES]++;
	victim_done();
}

TEST(hostile_readv_unwritable_second_segment)
{
	char head[10];
	struct iovec iov[2] = { { head, sizeof(head) }, { NULL_BUF, BUF_LEN } };
	int fd = victim_setup();

	ASSERT_ERRNO(readv(fd, iov, 2), EINVAL);
	iov[1].iov_base = map_page(PROT_READ);
	ASSERT_ERRNO(readv(fd, iov, 2), EINVAL);
	victim_done();
}

TEST(hostile_readv_message_split_in_two)
{
	char head[5], tail[BUF_LEN];
	struct iovec iov[2] = { { head, sizeof(head) }, { tail, sizeof(tail) } };
	int fd = victim_setup();

	ASSERT_EQ(readv(fd, iov, 2), (ssize_t)VICTIM_LEN);
	ASSERT_MEM_EQ(head, victim_msg, sizeof(head));
	ASSERT_MEM_EQ(tail, victim_msg + sizeof(head), VICTIM_LEN - sizeof(head));
	victim.expected[C_READS]++;
	/* Too small in total, however it is split: ENOSPC. */
	iov[1].iov_len = VICTIM_LEN - sizeof(head) - 1;
	ASSERT_ERRNO(readv(fd, iov, 2), ENOSPC);
	victim_done();
}
