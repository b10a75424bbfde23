// SPDX-License-Identifier: GPL-2.0
/*
 * security_test.c - who can reach message contents and slot management,
 * and that no uninitialised kernel byte reaches user space:
 *
 *  - messages are reachable only through a slot file or the root-only
 *    debugfs dump: nodes are 0600 root, the dump is 0400 root, and no
 *    file under /sys/class/message_slot/slotN/ or /sys/module/message_slot/
 *    (nor the kernel log) ever holds a message byte, as root or as nobody;
 *  - control requests need CAP_SYS_ADMIN: the control node is 0600 root
 *    and closed to nobody; the EPERM cases (nobody with an inherited
 *    descriptor or a node opened up with chmod, root without
 *    CAP_SYS_ADMIN; NULL and absurd arguments too) are control_test.c's;
 *  - read(), readv(), the dump, the sysfs attributes and the control
 *    requests write exactly the bytes they return into a buffer filled
 *    with 0xA5, and nothing on failure.
 *
 * The audit of every place the driver touches user memory or a user length
 * is in Documentation/design/message_slot.rst, "User memory: an audit".
 */
#include "ctl_util.h"

#include <ftw.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/uio.h>

/* Minors used here: 200..209. */
#define SEC_MINOR 200
#define SPARE_MINOR 201
#define SEC_CH 0x53454331u	/* "SEC1" */
#define FILL 0xa5
#define DEBUGFS_ROOT "/sys/kernel/debug"

/* ---- finding a message anywhere ------------------------------------- */

/* "MSGSLOT-SECRET-" and 16 random hex digits, made once per test. */
static char secret[32];

static const char *make_secret(void)
{
	snprintf(secret, sizeof(secret), "MSGSLOT-SECRET-%08x%08x",
		 fresh_channel(), fresh_channel());
	return secret;
}

static struct {
	unsigned int files, unreadable, hits;
	char hit[300];
} scan;

/* Whether @len bytes of @hay hold the secret or its random half. */
static bool holds_secret(const char *hay, size_t len)
{
	return memmem(hay, len, secret, strlen(secret)) ||
	       memmem(hay, len, secret + 15, 16);
}

static int scan_file(const char *path, const struct stat *st, int type,
		     struct FTW *ftw)
{
	char *buf;
	size_t len;

	(void)ftw;
	if (type != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	buf = read_all(path, &len);
	if (!buf) {
		scan.unreadable++;
		return 0;
	}
	scan.files++;
	if (holds_secret(buf, len)) {
		scan.hits++;
		snprintf(scan.hit, sizeof(scan.hit), "%s", path);
	}
	free(buf);
	return 0;
}

/* Reads every regular file under @dir (symlinks not followed). */
static void scan_tree(const char *dir)
{
	char real[PATH_MAX];

	ASSERT_TRUE(realpath(dir, real) != NULL);
	memset(&scan, 0, sizeof(scan));
	ASSERT_OK(nftw(real, scan_file, 16, FTW_PHYS));
	TH_LOG("%s: %u files read, %u not readable, %u with the message",
	       real, scan.files, scan.unreadable, scan.hits);
	if (scan.hits) {
		TH_LOG("the message is in %s", scan.hit);
		harness_fail();
	}
}

/* A slot holding the secret on SEC_CH, through its own device. */
static void store_secret(void)
{
	int fd;

	fresh_slot(SEC_MINOR);
	fd = dev_open_channel(SEC_MINOR, SEC_CH);
	make_secret();
	slot_put_str(fd, secret);
	close(fd);
}

static void scan_sysfs(void *arg)
{
	(void)arg;
	scan_tree(class_dir(SEC_MINOR));
	/* channels, bytes, writes, reads, open_files and more: all readable. */
	ASSERT_GE(scan.files, 5);
	scan_tree("/sys/module/message_slot");
	ASSERT_GE(scan.files, 3);
}

TEST(sysfs_never_holds_message_bytes_for_root_or_nobody)
{
	char *dump;
	size_t len;

	store_secret();
	/* The scanner finds the message where it is: in the dump. */
	dump = read_all(dump_path(SEC_MINOR), &len);
	ASSERT_TRUE(dump != NULL);
	ASSERT_TRUE(holds_secret(dump, len));
	free(dump);
	scan_sysfs(NULL);
	run_in_child(become_nobody, scan_sysfs, NULL);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, SEC_MINOR));
}

TEST(kernel_log_never_holds_message_bytes)
{
	char rec[8192];
	unsigned int records = 0;
	ssize_t n;
	int fd;

	store_secret();
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_OK(fd);
	while ((n = read(fd, rec, sizeof(rec))) > 0 || (n < 0 && errno == EPIPE)) {
		if (n > 0 && holds_secret(rec, (size_t)n)) {
			TH_LOG("the message is in the kernel log: %.*s", (int)n, rec);
			harness_fail();
		}
		records++;
	}
	ASSERT_EQ(errno, EAGAIN);
	ASSERT_GT(records, 0);
	close(fd);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, SEC_MINOR));
}

/* ---- who may open what ---------------------------------------------- */

static void open_denied(void *arg)
{
	const char *path = arg;

	ASSERT_ERRNO(open(path, O_RDONLY), EACCES);
	ASSERT_ERRNO(open(path, O_WRONLY), EACCES);
	ASSERT_ERRNO(open(path, O_RDWR), EACCES);
}

TEST(slot_nodes_are_0600_root_and_closed_to_nobody)
{
	const char *mk;

	store_secret();
	ASSERT_NODE(dev_node(SEC_MINOR), S_IFCHR, 0600, 0, 0);
	ASSERT_NODE(dev_node(0), S_IFCHR, 0600, 0, 0);
	run_in_child(become_nobody, open_denied, (void *)dev_node(SEC_MINOR));
	run_in_child(become_nobody, open_denied, (void *)dev_node(0));
	/* The seed's recipe: a node root makes 0600 is closed as well. */
	mk = slot_node(SEC_MINOR);
	ASSERT_OK(chmod(harness_tmpdir(), 0755));	/* only the node's mode */
	run_in_child(become_nobody, open_denied, (void *)mk);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, SEC_MINOR));
}

/*
 * debugfs' own root is 0700, which would hide a wrong mode of the dump:
 * open the root up while nobody tries, so that only the dump's 0400
 * stands in the way.
 */
TEST(dump_is_0400_root_and_closed_to_nobody_even_when_reachable)
{
	struct stat root;
	bool ok;

	store_secret();
	ASSERT_NODE(dump_path(SEC_MINOR), S_IFREG, 0400, 0, 0);
	ASSERT_OK(stat(DEBUGFS_ROOT, &root));
	ASSERT_OK(chmod(DEBUGFS_ROOT, 0755));
	ok = child_passes(become_nobody, open_denied, (void *)dump_path(SEC_MINOR));
	ASSERT_OK(chmod(DEBUGFS_ROOT, root.st_mode & 07777));
	ASSERT_TRUE(ok);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, SEC_MINOR));
}

TEST(control_node_is_0600_root_and_closed_to_nobody)
{
	ASSERT_NODE(CONTROL_PATH, S_IFCHR, 0600, 0, 0);
	run_in_child(become_nobody, open_denied, (void *)CONTROL_PATH);
}

/* ---- no uninitialised bytes ----------------------------------------- */

/* Bytes @from..@to of @buf must still be FILL. */
#define ASSERT_FILLED(buf, from, to)					\
	do {								\
		size_t i_;						\
		for (i_ = (from); i_ < (to); i_++)			\
			if ((unsigned char)(buf)[i_] != FILL) {		\
				TH_LOG("byte %zu is %#x, not untouched", i_, \
				       (unsigned char)(buf)[i_]);	\
				harness_fail();				\
			}						\
	} while (0)

/* A short message after a long one: only its 3 bytes come out. */
TEST(read_copies_only_the_message_bytes)
{
	char big[BUF_LEN], buf[4096];
	int fd;

	fresh_slot(SEC_MINOR);
	fd = dev_open_channel(SEC_MINOR, SEC_CH);
	memset(big, 'L', sizeof(big));
	slot_put(fd, big, sizeof(big));
	slot_put(fd, "abc", 3);
	memset(buf, FILL, sizeof(buf));
	ASSERT_EQ(read(fd, buf, BUF_LEN), 3);
	ASSERT_MEM_EQ(buf, "abc", 3);
	ASSERT_FILLED(buf, 3, sizeof(buf));
	memset(buf, FILL, sizeof(buf));
	ASSERT_EQ(read(fd, buf, sizeof(buf)), 3);
	ASSERT_MEM_EQ(buf, "abc", 3);
	ASSERT_FILLED(buf, 3, sizeof(buf));
	close(fd);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, SEC_MINOR));
}

TEST(read_of_every_length_copies_exactly_that_length)
{
	char msg[BUF_LEN], buf[BUF_LEN + 64];
	size_t len;
	int fd;

	fresh_slot(SEC_MINOR);
	fd = dev_open_channel(SEC_MINOR, SEC_CH);
	for (len = 1; len <= BUF_LEN; len++) {
		memset(msg, (int)len, len);
		slot_put(fd, msg, len);
		memset(buf, FILL, sizeof(buf));
		ASSERT_EQ(read(fd, buf, sizeof(buf)), (ssize_t)len);
		ASSERT_MEM_EQ(buf, msg, len);
		ASSERT_FILLED(buf, len, sizeof(buf));
	}
	close(fd);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, SEC_MINOR));
}

TEST(readv_copies_only_the_message_bytes)
{
	char a[2], b[BUF_LEN];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	int fd;

	fresh_slot(SEC_MINOR);
	fd = dev_open_channel(SEC_MINOR, SEC_CH);
	slot_put(fd, "xyz", 3);
	memset(a, FILL, sizeof(a));
	memset(b, FILL, sizeof(b));
	ASSERT_EQ(readv(fd, iov, 2), 3);
	ASSERT_MEM_EQ(a, "xy", 2);
	ASSERT_EQ(b[0], 'z');
	ASSERT_FILLED(b, 1, sizeof(b));
	close(fd);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, SEC_MINOR));
}

TEST(failed_reads_write_nothing)
{
	char buf[BUF_LEN];
	int fd, bare;

	fresh_slot(SEC_MINOR);
	bare = dev_open(SEC_MINOR);
	fd = dev_open_channel(SEC_MINOR, SEC_CH);
	memset(buf, FILL, sizeof(buf));
	ASSERT_ERRNO(read(bare, buf, sizeof(buf)), EINVAL);
	ASSERT_ERRNO(read(fd, buf, sizeof(buf)), EWOULDBLOCK);
	slot_put_str(fd, "ten bytes!");
	ASSERT_ERRNO(read(fd, buf, 9), ENOSPC);
	ASSERT_FILLED(buf, 0, sizeof(buf));
	close(fd);
	close(bare);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, SEC_MINOR));
}

/* Reads a whole file into a FILL-ed buffer in one read(); checks the rest. */
static size_t read_filled(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	ASSERT_OK(fd);
	memset(buf, FILL, size);
	n = read(fd, buf, size - 1);
	ASSERT_GE(n, 0);
	ASSERT_FILLED(buf, (size_t)n, size);
	ASSERT_EQ(read(fd, buf + n, size - 1 - (size_t)n), 0);
	ASSERT_FILLED(buf, (size_t)n, size);
	close(fd);
	return (size_t)n;
}

/* Two records, 128 bytes then 3: the short one carries nothing over. */
TEST(dump_output_is_exactly_the_records)
{
	char big[BUF_LEN], buf[65536], want1[BUF_LEN + 32], want2[32];
	size_t n;
	int a, b;

	fresh_slot(SEC_MINOR);
	a = dev_open_channel(SEC_MINOR, 1);
	b = dev_open_channel(SEC_MINOR, 2);
	memset(big, 'L', sizeof(big));
	slot_put(a, big, sizeof(big));
	slot_put(b, big, sizeof(big));
	slot_put(b, "abc", 3);
	n = read_filled(dump_path(SEC_MINOR), buf, sizeof(buf));
	snprintf(want1, sizeof(want1), "1 %d %.*s\n", BUF_LEN, BUF_LEN, big);
	snprintf(want2, sizeof(want2), "2 3 abc\n");
	ASSERT_EQ(n, strlen(want1) + strlen(want2));
	if (memcmp(buf, want1, strlen(want1)) == 0)
		ASSERT_MEM_EQ(buf + strlen(want1), want2, strlen(want2));
	else
		ASSERT_MEM_EQ(buf, want2, strlen(want2));
	ASSERT_TRUE(memmem(buf, n, want1, strlen(want1)) != NULL);
	close(a);
	close(b);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, SEC_MINOR));
}

TEST(sysfs_output_is_exactly_the_value)
{
	static const char *const names[] = {
		"channels", "bytes", "writes", "reads", "open_files",
	};
	char buf[8192];
	size_t n, i, d;
	int fd;

	fresh_slot(SEC_MINOR);
	fd = dev_open_channel(SEC_MINOR, SEC_CH);
	slot_put_str(fd, "abc");
	for (i = 0; i < 5; i++) {
		n = read_filled(class_file(SEC_MINOR, names[i]), buf, sizeof(buf));
		for (d = 0; d < n && buf[d] >= '0' && buf[d] <= '9'; d++)
			;
		ASSERT_GT(d, 0);
		ASSERT_EQ(d + 1, n);
		ASSERT_EQ(buf[d], '\n');
	}
	close(fd);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, SEC_MINOR));
}

/* The requests are _IOW: the kernel writes nothing back, not one byte. */
TEST(control_requests_write_nothing_back)
{
	static const unsigned long cmds[] = {
		MSG_SLOT_CTL_ADD, MSG_SLOT_CTL_CLEAR, MSG_SLOT_CTL_REMOVE,
	};
	static const int want[] = { SPARE_MINOR, 0, 0 };
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), i;
	unsigned char *page = map_page(PROT_READ | PROT_WRITE), *copy;
	struct msg_slot_ctl *req;
	int fd = ctl_open();

	copy = malloc(pg);
	ASSERT_TRUE(copy != NULL);
	drop_slot(SPARE_MINOR);
	memset(page, FILL, pg);
	req = (struct msg_slot_ctl *)(page + pg / 2);
	for (i = 0; i < 3; i++) {
		memset(req, 0, sizeof(*req));
		req->minor = SPARE_MINOR;
		memcpy(copy, page, pg);
		ASSERT_EQ(ioctl(fd, cmds[i], req), want[i]);
		ASSERT_MEM_EQ(page, copy, pg);
	}
	/* "Any minor": the minor comes back as the result, not in the struct. */
	req->minor = MSG_SLOT_ANY_MINOR;
	memcpy(copy, page, pg);
	i = (size_t)ioctl(fd, MSG_SLOT_CTL_ADD, req);
	ASSERT_LT(i, 256);
	ASSERT_MEM_EQ(page, copy, pg);
	ASSERT_OK(ctl_fd(fd, MSG_SLOT_CTL_REMOVE, (unsigned int)i));
	close(fd);
	free(copy);
}
