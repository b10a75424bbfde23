// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libmsgslot: slot devices through libudev (subsystem "message_slot"),
 * opening them by path, name or minor, and their counters. Nothing here
 * builds a /sys or /dev path by hand.
 *
 * No add_match_is_initialized(): without udevd (a rescue shell, a test
 * VM) no device is ever "initialized" and that match would hide them all;
 * the kernel's DEVNAME, which devtmpfs has made a node before the device
 * is announced, is all a device needs.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <libudev.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

int ms_device_fill(struct udev_device *d, struct msgslot_device *dev)
{
	const char *subsystem = udev_device_get_subsystem(d);
	dev_t devnum = udev_device_get_devnum(d);
	int ret;

	if (!subsystem || strcmp(subsystem, MSGSLOT_SUBSYSTEM) || !devnum)
		return -ENODEV;
	ret = ms_copy_string(dev->name, sizeof(dev->name),
			     udev_device_get_sysname(d));
	if (ret)
		return ret;
	ms_device_node(d, dev->node, sizeof(dev->node));
	dev->major = major(devnum);
	dev->minor = minor(devnum);
	return 0;
}

int ms_foreach(struct udev *udev,
	       int (*fn)(const struct msgslot_device *dev, void *arg),
	       void *arg)
{
	struct udev_list_entry *entry;
	struct udev_enumerate *e;
	int ret = -ENOMEM;

	e = udev_enumerate_new(udev);
	if (!e)
		return ret;
	if (udev_enumerate_add_match_subsystem(e, MSGSLOT_SUBSYSTEM) < 0 ||
	    udev_enumerate_scan_devices(e) < 0)
		goto out;
	ret = 0;
	udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e)) {
		struct msgslot_device dev;
		struct udev_device *d;

		d = udev_device_new_from_syspath(udev,
						 udev_list_entry_get_name(entry));
		if (!d)
			continue;	/* removed since the scan */
		if (!ms_device_fill(d, &dev))
			ret = fn(&dev, arg);
		udev_device_unref(d);
		if (ret)
			break;
	}
out:
	udev_enumerate_unref(e);
	return ret;
}

static int match_minor(const struct msgslot_device *dev, void *arg)
{
	struct msgslot_device *want = arg;

	if (dev->minor != want->minor)
		return 0;
	*want = *dev;
	return 1;
}

/* A slot device: the right subsystem and a device number. */
static bool is_slot(struct udev_device *d)
{
	const char *subsystem = udev_device_get_subsystem(d);

	return subsystem && !strcmp(subsystem, MSGSLOT_SUBSYSTEM) &&
	       udev_device_get_devnum(d);
}

/* The slot device of a syspath-finding call's result, or NULL. */
static struct udev_device *only_slot(struct udev_device *d, int *err)
{
	if (d && is_slot(d))
		return d;
	udev_device_unref(d);
	*err = -ENODEV;
	return NULL;
}

struct udev_device *ms_lookup(struct udev *udev, const char *slot, int *err)
{
	struct msgslot_device want = { .minor = 0 };
	struct stat st;
	int ret;

	if (strchr(slot, '/')) {
		if (stat(slot, &st)) {
			*err = ms_neg_errno();
			return NULL;
		}
		if (!S_ISCHR(st.st_mode)) {
			*err = -ENODEV;
			return NULL;
		}
		return only_slot(udev_device_new_from_devnum(udev, 'c', st.st_rdev),
				 err);
	}
	if (ms_parse_minor(slot, &want.minor))
		return only_slot(udev_device_new_from_subsystem_sysname(udev,
					MSGSLOT_SUBSYSTEM, slot), err);
	/* The major is not known here: the minor picks the device. */
	ret = ms_foreach(udev, match_minor, &want);
	if (ret <= 0) {
		*err = ret ? ret : -ENODEV;
		return NULL;
	}
	return only_slot(udev_device_new_from_subsystem_sysname(udev,
				MSGSLOT_SUBSYSTEM, want.name), err);
}

/**
 * msgslot_find() - the slot device a path, a device name or a minor names
 * @slot: "/dev/message_slot/slot0" (the device of the node's device
 *	number), "slot0" or "0"
 * @dev: filled in
 *
 * Return: 0, or -ENODEV (no such slot device), stat(2)'s errno for a path,
 * -errno.
 */
int msgslot_find(const char *slot, struct msgslot_device *dev)
{
	struct udev_device *d;
	struct udev *udev;
	int ret = 0;

	udev = ms_udev_new(&ret);
	if (!udev)
		return ret;
	d = ms_lookup(udev, slot, &ret);
	if (d) {
		ret = ms_device_fill(d, dev);
		udev_device_unref(d);
	}
	udev_unref(udev);
	return ret;
}

struct device_array {
	struct msgslot_device *devs;
	size_t count;
	size_t alloc;
};

static int append(const struct msgslot_device *dev, void *arg)
{
	struct device_array *a = arg;

	if (a->count == a->alloc) {
		size_t alloc = a->alloc ? 2 * a->alloc : 16;
		struct msgslot_device *devs;

		devs = realloc(a->devs, alloc * sizeof(*devs));
		if (!devs)
			return -ENOMEM;
		a->devs = devs;
		a->alloc = alloc;
	}
	a->devs[a->count++] = *dev;
	return 0;
}

static int by_minor(const void *a, const void *b)
{
	const struct msgslot_device *x = a, *y = b;

	return (x->minor > y->minor) - (x->minor < y->minor);
}

/**
 * msgslot_list() - every slot device, sorted by minor
 * @list: set to a malloc()ed array the caller free()s (NULL if empty)
 * @count: set to its length
 *
 * Return: 0 or a negative errno; *@list and *@count are unchanged then.
 */
int msgslot_list(struct msgslot_device **list, size_t *count)
{
	struct device_array a = { 0 };
	struct udev *udev;
	int ret = 0;

	udev = ms_udev_new(&ret);
	if (!udev)
		return ret;
	ret = ms_foreach(udev, append, &a);
	udev_unref(udev);
	if (ret) {
		free(a.devs);
		return ret;
	}
	if (a.count)
		qsort(a.devs, a.count, sizeof(*a.devs), by_minor);
	*list = a.devs;
	*count = a.count;
	return 0;
}

/**
 * msgslot_open() - open a slot by path, device name or minor
 * @slot: a path (opened as it is, with no udev lookup), else a device
 *	name or minor whose node msgslot_find() gives
 * @flags: open(2)'s flags (O_RDONLY, O_WRONLY, O_RDWR, O_NONBLOCK);
 *	O_CLOEXEC is always added
 *
 * Return: the file descriptor, or open(2)'s negative errno, -ENODEV (no
 * such slot device, or one without a node).
 */
int msgslot_open(const char *slot, int flags)
{
	struct msgslot_device dev = { .minor = 0 };
	const char *path = slot;
	int fd, ret;

	if (!strchr(slot, '/')) {
		ret = msgslot_find(slot, &dev);
		if (ret)
			return ret;
		if (!dev.node[0])
			return -ENODEV;
		path = dev.node;
	}
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? ms_neg_errno() : fd;
}

static int match_any(const struct msgslot_device *dev, void *arg)
{
	*(struct msgslot_device *)arg = *dev;
	return 1;
}

/* The slot major: any slot device's, else the "major" parameter if set. */
static long slot_major(struct udev *udev)
{
	struct msgslot_device any = { .minor = 0 };
	char value[16];
	int ret;

	ret = ms_foreach(udev, match_any, &any);
	if (ret > 0)
		return any.major;
	if (ms_module_attr(udev, "parameters/major", value, sizeof(value)) ||
	    value[0] < '1' || value[0] > '9')
		return -1;
	return strtol(value, NULL, 10);
}

/**
 * msgslot_minor() - the minor a control request for @slot names
 * @slot: a minor ("77", taken as it is: the slot needs no device, as with
 *	mknod), a device name, or a path: a slot device's node, or a mknod
 *	node of the slot major without a device
 * @minor: set to the minor
 *
 * Return: 0, or -ENODEV (no such slot), stat(2)'s errno for a path, -errno.
 */
int msgslot_minor(const char *slot, unsigned int *minor)
{
	struct msgslot_device dev = { .minor = 0 };
	struct udev *udev;
	struct stat st;
	int ret = 0;

	if (!strchr(slot, '/') && !ms_parse_minor(slot, minor))
		return 0;
	ret = msgslot_find(slot, &dev);
	if (!ret) {
		*minor = dev.minor;
		return 0;
	}
	if (ret != -ENODEV || !strchr(slot, '/'))
		return ret;
	/* A mknod node of a slot that has no device: the major suffices. */
	if (stat(slot, &st))
		return ms_neg_errno();
	if (!S_ISCHR(st.st_mode))
		return -ENODEV;
	udev = ms_udev_new(&ret);
	if (!udev)
		return ret;
	ret = slot_major(udev) == (long)major(st.st_rdev) ? 0 : -ENODEV;
	udev_unref(udev);
	if (!ret)
		*minor = minor(st.st_rdev);
	return ret;
}

/* A counter: a decimal sysfs value, or -1 if it cannot be read. */
static int64_t counter(struct udev_device *d, const char *attr)
{
	const char *value = udev_device_get_sysattr_value(d, attr);
	long long n;
	char *end;

	if (!value || value[0] < '0' || value[0] > '9')
		return -1;
	errno = 0;
	n = strtoll(value, &end, 10);
	while (*end == '\n' || *end == ' ')
		end++;
	if (errno || *end)
		return -1;
	return n;
}

/**
 * msgslot_stats() - a slot's counters, as its sysfs attributes hold them
 * @slot: a path, a device name or a minor, as for msgslot_find()
 * @stats: filled in; a counter that cannot be read is -1
 * @size: sizeof(*@stats) as the caller knows it: at least one field; the
 *	fields of a newer, longer struct that this library does not know
 *	are set to -1
 *
 * Return: 0, or -EINVAL (@size too small), -ENODEV, -errno.
 */
int msgslot_stats(const char *slot, struct msgslot_stats *stats, size_t size)
{
	struct msgslot_stats s;
	struct udev_device *d;
	struct udev *udev;
	int ret = 0;

	if (size < sizeof(s.channels))
		return -EINVAL;
	udev = ms_udev_new(&ret);
	if (!udev)
		return ret;
	d = ms_lookup(udev, slot, &ret);
	if (d) {
		s.channels = counter(d, "channels");
		s.bytes = counter(d, "bytes");
		s.writes = counter(d, "writes");
		s.reads = counter(d, "reads");
		s.open_files = counter(d, "open_files");
		udev_device_unref(d);
		if (size > sizeof(s))
			memset((char *)stats + sizeof(s), 0xff, size - sizeof(s));
		memcpy(stats, &s, size < sizeof(s) ? size : sizeof(s));
	}
	udev_unref(udev);
	return ret;
}
