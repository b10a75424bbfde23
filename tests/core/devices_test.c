// SPDX-License-Identifier: GPL-2.0
/*
 * devices_test.c - the slot devices the module creates (SPEC Part 2,
 * "Devices the module creates"): slot0..slot{slots-1} in the class
 * message_slot with nodes /dev/message_slot/slotN, mode 0600 root:root;
 * mknod nodes on any minor still work and reach the same slot; the control
 * node is a misc device.
 *
 * The module must be loaded; tests/guest/params.sh runs some of these
 * tests again with other values of the "slots" parameter.
 */
#include "ctl_util.h"

#include <sys/sysmacros.h>

/* Minors used here: 0..3 (the fixed slots, never removed), 100..119. */

/* The module parameter "slots", from /sys/module. */
static unsigned int slots_param(void)
{
	const char *path = "/sys/module/message_slot/parameters/slots";
	size_t len;
	char *buf = read_all(path, &len);
	unsigned int v;

	if (!buf) {
		TH_LOG("read %s: %s", path, strerror(errno));
		harness_fail();
	}
	v = (unsigned int)strtoul(buf, NULL, 10);
	free(buf);
	return v;
}

/* Asserts that /dev/message_slot/slotN is the root-only node of minor N. */
static void assert_slot_node(unsigned int minor)
{
	const char *node = dev_node(minor);
	struct stat st;

	ASSERT_NODE(node, S_IFCHR, 0600, 0, 0);
	ASSERT_OK(stat(node, &st));
	ASSERT_EQ(major(st.st_rdev), slot_major());
	ASSERT_EQ(minor(st.st_rdev), minor);
}

/* Asserts that /sys/class/message_slot/slotN/dev is "MAJOR:N\n". */
static void assert_class_dev(unsigned int minor)
{
	char want[32];
	size_t len;
	char *buf = read_all(class_file(minor, "dev"), &len);

	ASSERT_TRUE(buf != NULL);
	snprintf(want, sizeof(want), "%u:%u\n", slot_major(), minor);
	if (strcmp(buf, want) != 0) {
		TH_LOG("%s is \"%s\", expected \"%s\"", class_file(minor, "dev"),
		       buf, want);
		harness_fail();
	}
	free(buf);
}

TEST(slots_parameter_defaults_to_4)
{
	/* The suite loads the module without parameters. */
	ASSERT_EQ(slots_param(), 4);
}

TEST(fixed_slots_have_class_devices)
{
	unsigned int n = slots_param(), minor;

	ASSERT_TRUE(path_exists(SLOT_CLASS_DIR));
	for (minor = 0; minor < n; minor++) {
		if (!has_device(minor)) {
			TH_LOG("slots=%u but %s is missing", n, class_dir(minor));
			harness_fail();
		}
		assert_class_dev(minor);
	}
}

TEST(fixed_slot_nodes_are_0600_root_in_message_slot_dir)
{
	unsigned int n = slots_param(), minor;

	ASSERT_NODE(SLOT_DEV_DIR, S_IFDIR, 0755, 0, 0);
	for (minor = 0; minor < n; minor++)
		assert_slot_node(minor);
}

TEST(uevent_names_node_under_message_slot)
{
	size_t len;
	char *buf = read_all(class_file(0, "uevent"), &len);

	ASSERT_TRUE(buf != NULL);
	if (!strstr(buf, "DEVNAME=message_slot/slot0\n")) {
		TH_LOG("uevent of slot0 lacks DEVNAME=message_slot/slot0:");
		TH_LOG("%s", buf);
		harness_fail();
	}
	free(buf);
}

TEST(no_node_created_outside_message_slot_dir)
{
	DIR *d = opendir("/dev");
	struct dirent *e;
	char path[300];
	struct stat st;

	ASSERT_TRUE(d != NULL);
	/* The seed's /dev/slotN names stay free for mknod. */
	while ((e = readdir(d))) {
		snprintf(path, sizeof(path), "/dev/%s", e->d_name);
		if (lstat(path, &st) || !S_ISCHR(st.st_mode))
			continue;
		if (major(st.st_rdev) == slot_major()) {
			TH_LOG("%s is a node of major %u: the module's nodes belong in %s",
			       path, slot_major(), SLOT_DEV_DIR);
			harness_fail();
		}
	}
	closedir(d);
}

TEST(seed_mknod_dev_slot0_does_not_collide)
{
	unsigned int ch = fresh_channel();
	int seed, dev;

	/* Nothing of the module's sits at the seed's path... */
	if (path_exists("/dev/slot0")) {
		TH_LOG("/dev/slot0 exists before the seed's mknod");
		harness_fail();
	}
	/* ...so the seed's recipe works verbatim, beside /dev/message_slot/slot0. */
	ASSERT_OK(mknod("/dev/slot0", S_IFCHR | 0600, makedev(slot_major(), 0)));
	seed = open("/dev/slot0", O_RDWR);
	ASSERT_OK(unlink("/dev/slot0"));
	ASSERT_OK(seed);
	ASSERT_OK(ioctl(seed, MSG_SLOT_CHANNEL, ch));
	dev = dev_open_channel(0, ch);

	slot_put_str(seed, "through the seed's node");
	slot_expect_str(dev, "through the seed's node");
	slot_put_str(dev, "and back");
	slot_expect_str(seed, "and back");
	close(seed);
	close(dev);
	assert_slot_node(0);
}

TEST(one_slot_through_both_nodes)
{
	unsigned int ch = fresh_channel();
	int mk = slot_open_channel(3, ch);
	int dev = dev_open_channel(3, ch);

	slot_put_str(mk, "written through the mknod node");
	slot_expect_str(dev, "written through the mknod node");
	slot_put_str(dev, "written through /dev/message_slot/slot3");
	slot_expect_str(mk, "written through /dev/message_slot/slot3");
	/* Both open files count on the one slot. */
	ASSERT_EQ(sysfs_value(3, "open_files"), 2);
	close(mk);
	ASSERT_EQ(sysfs_value(3, "open_files"), 1);
	close(dev);
	ASSERT_EQ(sysfs_value(3, "open_files"), 0);
}

TEST(added_slot_through_both_nodes)
{
	unsigned int ch = fresh_channel();
	int mk, dev;

	fresh_slot(100);
	mk = slot_open_channel(100, ch);
	dev = dev_open_channel(100, ch);
	slot_put_str(dev, "one slot, two nodes");
	slot_expect_str(mk, "one slot, two nodes");
	close(mk);
	close(dev);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 100));
}

/* Leaves no slot behind on the minors that had none. */
TEST(every_minor_works_through_mknod)
{
	unsigned int ch = fresh_channel(), minor;
	bool had_slot[256];
	char msg[32];
	int fd;

	note_slots(had_slot);
	/* Minors with a device and minors without one alike. */
	for (minor = 0; minor < 256; minor++) {
		fd = slot_open_channel(minor, ch);
		snprintf(msg, sizeof(msg), "minor %u", minor);
		slot_put_str(fd, msg);
		close(fd);
	}
	for (minor = 0; minor < 256; minor++) {
		fd = slot_open_channel(minor, ch);
		snprintf(msg, sizeof(msg), "minor %u", minor);
		slot_expect_str(fd, msg);
		close(fd);
		if (has_device(minor)) {
			fd = dev_open_channel(minor, ch);
			slot_expect_str(fd, msg);
			close(fd);
		}
	}
	drop_new_slots(had_slot);
}

TEST(added_slot_gets_node_and_class_device)
{
	drop_slot(101);
	ASSERT_FALSE(path_exists(dev_node(101)));
	ASSERT_FALSE(has_device(101));
	ASSERT_EQ(ctl(MSG_SLOT_CTL_ADD, 101), 101);
	assert_slot_node(101);
	assert_class_dev(101);
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 101));
}

TEST(removed_slot_loses_node_and_class_device)
{
	fresh_slot(102);
	ASSERT_TRUE(path_exists(dev_node(102)));
	ASSERT_OK(ctl(MSG_SLOT_CTL_REMOVE, 102));
	ASSERT_FALSE(path_exists(dev_node(102)));
	ASSERT_FALSE(has_device(102));
	/* The fixed slots are untouched. */
	assert_slot_node(0);
}

TEST(mknod_only_slot_has_no_class_device)
{
	int fd;

	drop_slot(103);
	fd = slot_open(103);
	ASSERT_FALSE(has_device(103));
	ASSERT_FALSE(path_exists(dev_node(103)));
	close(fd);
}

static void open_slot0_denied(void *arg)
{
	(void)arg;
	ASSERT_ERRNO(open(dev_node(0), O_RDWR), EACCES);
	ASSERT_ERRNO(open(dev_node(0), O_RDONLY), EACCES);
}

TEST(slot_node_not_openable_by_nobody)
{
	run_in_child(become_nobody, open_slot0_denied, NULL);
}

TEST(control_node_is_misc_0600_root)
{
	const char *sys = "/sys/class/misc/message_slot_control/dev";
	unsigned int maj, min;
	struct stat st;
	size_t len;
	char *buf;

	ASSERT_NODE(CONTROL_PATH, S_IFCHR, 0600, 0, 0);
	ASSERT_OK(stat(CONTROL_PATH, &st));
	buf = read_all(sys, &len);
	if (!buf) {
		TH_LOG("read %s: %s", sys, strerror(errno));
		harness_fail();
	}
	ASSERT_EQ(sscanf(buf, "%u:%u", &maj, &min), 2);
	free(buf);
	ASSERT_EQ(maj, 10);		/* MISC_MAJOR */
	ASSERT_EQ(major(st.st_rdev), maj);
	ASSERT_EQ(minor(st.st_rdev), min);
}
