// SPDX-License-Identifier: GPL-2.0
/*
 * msgslot_test.c - libmsgslot (include/msgslot.h, msgslot(3)) against the
 * loaded module: every exported function, its results and its negative
 * errno values, through the shared library itself (linked to
 * libmsgslot.so.1 next to this program, see tests/Makefile).
 */
#include "../core/ctl_util.h"

#include <msgslot.h>
#include <libgen.h>
#include <pthread.h>
#include <sys/wait.h>

/* Minors used here: 240..249. */

/* "slotN" for @minor. */
static const char *name_of(unsigned int minor)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "slot%u", minor);
	return buf;
}

TEST(open_by_path_name_and_minor_reach_one_slot)
{
	char minor[16], buf[MSGSLOT_MESSAGE_MAX];
	int fd;

	fresh_slot(240);
	fd = msgslot_open(dev_node(240), O_WRONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(msgslot_set_channel(fd, 7), 0);
	ASSERT_EQ(msgslot_send(fd, "by path", 7), 0);
	close(fd);

	fd = msgslot_open(name_of(240), O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(msgslot_set_channel(fd, 7), 0);
	ASSERT_EQ(msgslot_recv(fd, buf, sizeof(buf)), 7);
	ASSERT_MEM_EQ(buf, "by path", 7);
	/* O_CLOEXEC is always set. */
	ASSERT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);

	snprintf(minor, sizeof(minor), "%u", 240);
	fd = msgslot_open(minor, O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(msgslot_set_channel(fd, 7), 0);
	ASSERT_EQ(msgslot_recv(fd, buf, sizeof(buf)), 7);
	close(fd);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 240));
}

TEST(open_errors_are_negative_errno)
{
	drop_slot(241);
	ASSERT_EQ(msgslot_open("slot241", O_RDONLY), -ENODEV);
	ASSERT_EQ(msgslot_open("241", O_RDONLY), -ENODEV);
	ASSERT_EQ(msgslot_open("no-such-slot", O_RDONLY), -ENODEV);
	ASSERT_EQ(msgslot_open("/nonexistent/slot", O_RDONLY), -ENOENT);
}

TEST(channel_and_message_errors_are_negative_errno)
{
	char big[MSGSLOT_MESSAGE_MAX + 1], buf[4];
	int fd;

	fresh_slot(242);
	fd = msgslot_open(name_of(242), O_RDWR);
	ASSERT_GE(fd, 0);
	/* No channel yet. */
	ASSERT_EQ(msgslot_send(fd, "x", 1), -EINVAL);
	ASSERT_EQ(msgslot_recv(fd, buf, sizeof(buf)), -EINVAL);
	ASSERT_EQ(msgslot_set_channel(fd, 0), -EINVAL);
	ASSERT_EQ(msgslot_set_channel(fd, 1), 0);
	ASSERT_EQ(msgslot_recv(fd, buf, sizeof(buf)), -EWOULDBLOCK);
	memset(big, 'b', sizeof(big));
	ASSERT_EQ(msgslot_send(fd, big, 0), -EMSGSIZE);
	ASSERT_EQ(msgslot_send(fd, big, sizeof(big)), -EMSGSIZE);
	ASSERT_EQ(msgslot_send(fd, big, MSGSLOT_MESSAGE_MAX), 0);
	ASSERT_EQ(msgslot_recv(fd, buf, sizeof(buf)), -ENOSPC);
	close(fd);
	/* Not a slot at all. */
	fd = open("/dev/null", O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(msgslot_set_channel(fd, 1), -ENOTTY);
	close(fd);
	ASSERT_EQ(msgslot_send(-1, "x", 1), -EBADF);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 242));
}

TEST(wait_times_out_then_returns_a_new_message)
{
	char buf[MSGSLOT_MESSAGE_MAX];
	int fd, w;

	fresh_slot(243);
	fd = msgslot_open(name_of(243), O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(msgslot_set_channel(fd, 3), 0);
	ASSERT_EQ(msgslot_wait(fd, buf, sizeof(buf), 0), -ETIMEDOUT);
	ASSERT_EQ(msgslot_wait(fd, buf, sizeof(buf), 50), -ETIMEDOUT);
	w = msgslot_open(name_of(243), O_WRONLY);
	ASSERT_GE(w, 0);
	ASSERT_EQ(msgslot_set_channel(w, 3), 0);
	ASSERT_EQ(msgslot_send(w, "new", 3), 0);
	ASSERT_EQ(msgslot_wait(fd, buf, sizeof(buf), 5000), 3);
	ASSERT_MEM_EQ(buf, "new", 3);
	/* Read now: no new message until the next write. */
	ASSERT_EQ(msgslot_wait(fd, buf, sizeof(buf), 0), -ETIMEDOUT);
	close(w);
	close(fd);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 243));
}

struct later {
	unsigned int minor;
	unsigned int delay_ms;
};

static void *send_later(void *arg)
{
	const struct later *l = arg;
	int fd;

	usleep(l->delay_ms * 1000);
	fd = msgslot_open(name_of(l->minor), O_WRONLY);
	if (fd < 0 || msgslot_set_channel(fd, 9) || msgslot_send(fd, "late", 4))
		TH_LOG("send_later: failed");
	if (fd >= 0)
		close(fd);
	return NULL;
}

TEST(wait_forever_wakes_on_a_write_from_another_thread)
{
	struct later l = { .minor = 244, .delay_ms = 200 };
	char buf[MSGSLOT_MESSAGE_MAX];
	pthread_t t;
	int fd;

	fresh_slot(244);
	fd = msgslot_open(name_of(244), O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(msgslot_set_channel(fd, 9), 0);
	ASSERT_EQ(pthread_create(&t, NULL, send_later, &l), 0);
	ASSERT_EQ(msgslot_wait(fd, buf, sizeof(buf), -1), 4);
	ASSERT_MEM_EQ(buf, "late", 4);
	pthread_join(t, NULL);
	close(fd);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 244));
}

TEST(find_and_list_agree_with_the_device)
{
	struct msgslot_device dev, *list = NULL;
	size_t count = 0, i;
	bool seen = false;
	char path[320];

	fresh_slot(245);
	ASSERT_EQ(msgslot_find(name_of(245), &dev), 0);
	ASSERT_EQ(strcmp(dev.name, "slot245"), 0);
	ASSERT_EQ(strcmp(dev.node, dev_node(245)), 0);
	ASSERT_EQ(dev.minor, 245);
	ASSERT_EQ(dev.major, slot_major());
	memset(&dev, 0, sizeof(dev));
	ASSERT_EQ(msgslot_find("245", &dev), 0);
	ASSERT_EQ(strcmp(dev.name, "slot245"), 0);
	memset(&dev, 0, sizeof(dev));
	ASSERT_EQ(msgslot_find(dev_node(245), &dev), 0);
	ASSERT_EQ(strcmp(dev.name, "slot245"), 0);

	ASSERT_EQ(msgslot_list(&list, &count), 0);
	ASSERT_GT(count, 0);
	for (i = 0; i < count; i++) {
		if (i)
			ASSERT_LT(list[i - 1].minor, list[i].minor);
		if (list[i].minor == 245)
			seen = !strcmp(list[i].name, "slot245");
	}
	free(list);
	ASSERT_TRUE(seen);

	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 245));
	ASSERT_EQ(msgslot_find("slot245", &dev), -ENODEV);
	/* A node that is no slot device's. */
	ASSERT_EQ(msgslot_find("/dev/null", &dev), -ENODEV);
	snprintf(path, sizeof(path), "%s/f", harness_tmpdir());
	ASSERT_OK(close(open(path, O_CREAT | O_WRONLY, 0600)));
	ASSERT_EQ(msgslot_find(path, &dev), -ENODEV);
}

TEST(minor_resolves_devices_mknod_nodes_and_bare_minors)
{
	unsigned int minor = 0;
	char node[320];

	drop_slot(246);
	/* A bare minor needs no device. */
	ASSERT_EQ(msgslot_minor("246", &minor), 0);
	ASSERT_EQ(minor, 246);
	ASSERT_EQ(msgslot_minor("slot246", &minor), -ENODEV);
	ASSERT_EQ(msgslot_minor("4294967295", &minor), -ENODEV);
	/* A mknod node of the slot major without a device. */
	snprintf(node, sizeof(node), "%s/n246", harness_tmpdir());
	ASSERT_OK(mknod(node, S_IFCHR | 0600, makedev(slot_major(), 246)));
	minor = 0;
	ASSERT_EQ(msgslot_minor(node, &minor), 0);
	ASSERT_EQ(minor, 246);
	fresh_slot(246);
	minor = 0;
	ASSERT_EQ(msgslot_minor("slot246", &minor), 0);
	ASSERT_EQ(minor, 246);
	ASSERT_EQ(msgslot_minor("/dev/null", &minor), -ENODEV);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 246));
}

TEST(stats_match_sysfs_and_grow_compatibly)
{
	struct msgslot_stats st;
	struct {
		struct msgslot_stats known;
		int64_t future[2];
	} longer;
	int64_t first;
	int fd;

	fresh_slot(247);
	fd = msgslot_open(name_of(247), O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(msgslot_set_channel(fd, 1), 0);
	ASSERT_EQ(msgslot_send(fd, "12345", 5), 0);
	ASSERT_EQ(msgslot_set_channel(fd, 2), 0);
	ASSERT_EQ(msgslot_send(fd, "ab", 2), 0);
	ASSERT_EQ(msgslot_recv(fd, &st, sizeof(st)), 2);

	memset(&st, 0x55, sizeof(st));
	ASSERT_EQ(msgslot_stats(name_of(247), &st, sizeof(st)), 0);
	ASSERT_EQ(st.channels, 2);
	ASSERT_EQ(st.bytes, 7);
	ASSERT_EQ(st.writes, 2);
	ASSERT_EQ(st.reads, 1);
	ASSERT_EQ(st.open_files, 1);
	ASSERT_EQ(st.channels, (int64_t)sysfs_value(247, "channels"));
	ASSERT_EQ(st.bytes, (int64_t)sysfs_value(247, "bytes"));

	/* An older caller's shorter struct: only what it knows is written. */
	memset(&st, 0x55, sizeof(st));
	ASSERT_EQ(msgslot_stats(name_of(247), &st, sizeof(st.channels)), 0);
	ASSERT_EQ(st.channels, 2);
	memset(&first, 0x55, sizeof(first));
	ASSERT_EQ(st.bytes, first);
	/* A newer caller's longer one: the fields unknown here are -1. */
	memset(&longer, 0, sizeof(longer));
	ASSERT_EQ(msgslot_stats(name_of(247), &longer.known, sizeof(longer)), 0);
	ASSERT_EQ(longer.known.bytes, 7);
	ASSERT_EQ(longer.future[0], -1);
	ASSERT_EQ(longer.future[1], -1);
	ASSERT_EQ(msgslot_stats(name_of(247), &st, 0), -EINVAL);
	close(fd);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 247));
	ASSERT_EQ(msgslot_stats(name_of(247), &st, sizeof(st)), -ENODEV);
}

TEST(module_version_control_node_and_library_version)
{
	char version[128], node[256], tiny[1];
	FILE *f;
	char want[128] = "";

	ASSERT_EQ(msgslot_module_version(version, sizeof(version)), 0);
	f = fopen("/sys/module/message_slot/version", "r");
	ASSERT_TRUE(f != NULL);
	ASSERT_TRUE(fgets(want, sizeof(want), f) != NULL);
	fclose(f);
	want[strcspn(want, "\n")] = '\0';
	ASSERT_EQ(strcmp(version, want), 0);
	ASSERT_EQ(msgslot_module_version(tiny, sizeof(tiny)), -ENAMETOOLONG);

	ASSERT_EQ(msgslot_control_node(node, sizeof(node)), 0);
	ASSERT_EQ(strcmp(node, "/dev/message_slot/control"), 0);

	ASSERT_TRUE(msgslot_version() != NULL);
	ASSERT_GT(strlen(msgslot_version()), 0);
}

TEST(documentation_example_sends_reads_and_counts)
{
	char self[PATH_MAX], cmd[PATH_MAX + 64], out[256] = "";
	ssize_t n;
	FILE *p;

	fresh_slot(248);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	ASSERT_GT(n, 0);
	self[n] = '\0';
	snprintf(cmd, sizeof(cmd), "%s/msgslot_example slot248 5 'hi there'",
		 dirname(self));
	p = popen(cmd, "r");
	ASSERT_TRUE(p != NULL);
	n = (ssize_t)fread(out, 1, sizeof(out) - 1, p);
	ASSERT_EQ(pclose(p), 0);
	out[n > 0 ? n : 0] = '\0';
	TH_LOG("example printed: %s", out);
	ASSERT_TRUE(strstr(out, "channel 5 holds \"hi there\"\n") != NULL);
	ASSERT_TRUE(strstr(out, "slot248: 1 channels, 8 bytes, 1 writes, 1 reads\n") != NULL);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 248));
}
