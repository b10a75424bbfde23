// SPDX-License-Identifier: GPL-2.0
/*
 * message_slot: the device class "message_slot", where slot devices live,
 * and their sysfs attributes: /sys/class/message_slot/slotN/.
 *
 * One value per file, world-readable, never message contents. Values come
 * from counters kept as messages come and go; reading never walks the
 * channels. Documented in Documentation/ABI/testing/sysfs-class-message_slot.
 */
#include "internal.h"

#include <linux/device.h>
#include <linux/kdev_t.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

static struct ms_stats ms_dev_stats(struct device *dev)
{
	struct ms_stats sum;

	ms_slot_stats(dev_get_drvdata(dev), &sum);
	return sum;
}

static ssize_t channels_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%ld\n", ms_dev_stats(dev).channels);
}
static DEVICE_ATTR_RO(channels);

static ssize_t bytes_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%ld\n", ms_dev_stats(dev).bytes);
}
static DEVICE_ATTR_RO(bytes);

static ssize_t writes_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%llu\n", ms_dev_stats(dev).writes);
}
static DEVICE_ATTR_RO(writes);

static ssize_t reads_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%llu\n", ms_dev_stats(dev).reads);
}
static DEVICE_ATTR_RO(reads);

static ssize_t open_files_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct ms_slot *slot = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", READ_ONCE(slot->open_files));
}
static DEVICE_ATTR_RO(open_files);

static struct attribute *ms_slot_attrs[] = {
	&dev_attr_channels.attr,
	&dev_attr_bytes.attr,
	&dev_attr_writes.attr,
	&dev_attr_reads.attr,
	&dev_attr_open_files.attr,
	NULL
};
ATTRIBUTE_GROUPS(ms_slot);

/*
 * Nodes go under /dev/message_slot/ so that they never collide with the
 * /dev/slotN nodes users make with mknod. Root only by default; the udev
 * rule in the package grants a group access.
 */
static char *ms_devnode(MS_DEVNODE_CONST struct device *dev, umode_t *mode)
{
	if (mode)
		*mode = 0600;
	return kasprintf(GFP_KERNEL, KBUILD_MODNAME "/%s", dev_name(dev));
}

/* Groups in the class exist before the device's uevent goes out. */
static struct class ms_class = {
	.name = KBUILD_MODNAME,
	.devnode = ms_devnode,
	.dev_groups = ms_slot_groups,
};

/**
 * ms_class_register() - register the device class message_slot
 *
 * Context: module init.
 * Return: 0 or a negative errno.
 */
int ms_class_register(void)
{
	return class_register(&ms_class);
}

/**
 * ms_class_unregister() - unregister the class, after every slot device
 *
 * Context: module exit.
 */
void ms_class_unregister(void)
{
	class_unregister(&ms_class);
}

/**
 * ms_slot_device_create() - create the device "slotN" of a slot
 * @slot: the slot; becomes the device's driver data
 *
 * Context: process context, may sleep; the caller holds ms_slots_lock.
 * Return: the device or an ERR_PTR().
 */
struct device *ms_slot_device_create(struct ms_slot *slot)
{
	return device_create(&ms_class, NULL, MKDEV(MAJOR(ms_devt), slot->minor),
			     slot, "slot%u", slot->minor);
}
