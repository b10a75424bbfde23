// SPDX-License-Identifier: GPL-2.0
/*
 * libslot, the libudev half: slot devices, their nodes and counters, the
 * control node and the loaded module. Everything goes through libudev;
 * nothing here builds a /sys or /dev path by hand.
 *
 * No add_match_is_initialized(): without udevd (a rescue shell, the test
 * VM) no device is ever "initialized" and that match would hide them all;
 * and the kernel's DEVNAME, which devtmpfs has turned into a node before
 * the device is announced, is all we need from a device.
 */
#include "udev.h"
#include "slot.h"

#include <errno.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

const char *const slot_stat_attr[SLOT_NSTATS] = {
	[SLOT_STAT_CHANNELS] = "channels",
	[SLOT_STAT_BYTES] = "bytes",
	[SLOT_STAT_WRITES] = "writes",
	[SLOT_STAT_READS] = "reads",
	[SLOT_STAT_OPEN_FILES] = "open_files",
};

/* udev_new() with errno set on failure (libudev does not promise it). */
static struct udev *slot_udev_new(void)
{
	struct udev *udev;

	errno = 0;
	udev = udev_new();
	if (!udev && !errno)
		errno = ENOMEM;
	return udev;
}

/* Copies @src into @buf; -1 with errno = ENAMETOOLONG if it does not fit. */
static int copy_string(char *buf, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (len >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, src, len + 1);
	return 0;
}

/*
 * A device's node: udev's devnode, else the kernel's DEVNAME (relative to
 * /dev in the uevent, absolute in libudev's property), else "".
 */
static void device_node(struct udev_device *d, char *buf, size_t size)
{
	const char *node = udev_device_get_devnode(d);
	int n;

	if (node) {
		n = snprintf(buf, size, "%s", node);
	} else {
		node = udev_device_get_property_value(d, "DEVNAME");
		if (!node)
			node = "";
		n = snprintf(buf, size, "%s%s",
			     node[0] && node[0] != '/' ? "/dev/" : "", node);
	}
	if (n < 0 || (size_t)n >= size)
		buf[0] = '\0';
}

/* A counter: a decimal sysfs value, or -1 if it cannot be read. */
static long long device_stat(struct udev_device *d, const char *attr)
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

/* Fills @dev from a message_slot device; -1 with errno if it is none. */
static int slot_dev_fill(struct udev_device *d, struct slot_dev *dev)
{
	const char *subsystem = udev_device_get_subsystem(d);
	dev_t devnum = udev_device_get_devnum(d);
	int i;

	if (!subsystem || strcmp(subsystem, SLOT_SUBSYSTEM) || !devnum) {
		errno = ENODEV;
		return -1;
	}
	if (copy_string(dev->name, sizeof(dev->name), udev_device_get_sysname(d)))
		return -1;
	device_node(d, dev->node, sizeof(dev->node));
	dev->major = major(devnum);
	dev->minor = minor(devnum);
	for (i = 0; i < SLOT_NSTATS; i++)
		dev->stat[i] = device_stat(d, slot_stat_attr[i]);
	return 0;
}

/*
 * Calls @fn on each slot device (enumerated from subsystem message_slot)
 * until it returns non-zero; returns that, or 0, or -1 with errno set.
 */
static int slot_dev_foreach(int (*fn)(const struct slot_dev *, void *),
			    void *arg)
{
	struct udev_list_entry *entry;
	struct udev_enumerate *e;
	struct udev *udev;
	int ret = -1;

	udev = slot_udev_new();
	if (!udev)
		return -1;
	e = udev_enumerate_new(udev);
	if (!e)
		goto out_udev;
	if (udev_enumerate_add_match_subsystem(e, SLOT_SUBSYSTEM) < 0 ||
	    udev_enumerate_scan_devices(e) < 0)
		goto out_enumerate;
	ret = 0;
	udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e)) {
		struct udev_device *d;
		struct slot_dev dev;

		d = udev_device_new_from_syspath(udev,
						 udev_list_entry_get_name(entry));
		if (!d)
			continue;	/* removed since the scan */
		if (!slot_dev_fill(d, &dev))
			ret = fn(&dev, arg);
		udev_device_unref(d);
		if (ret)
			break;
	}
out_enumerate:
	udev_enumerate_unref(e);
out_udev:
	udev_unref(udev);
	if (ret < 0 && !errno)
		errno = ENOMEM;
	return ret;
}

/* Looks a module up in libudev's "module" subsystem (/sys/module/NAME). */
static struct udev_device *module_device(struct udev *udev)
{
	return udev_device_new_from_subsystem_sysname(udev, "module",
						      SLOT_MODULE);
}

int slot_module_loaded(void)
{
	struct udev_device *d;
	struct udev *udev;

	udev = slot_udev_new();
	if (!udev)
		return -1;
	d = module_device(udev);
	udev_device_unref(d);
	udev_unref(udev);
	return d != NULL;
}

/*
 * Copies the module's sysfs attribute @name (/sys/module/NAME/@name) into
 * @buf, without a trailing newline. 0, or -1 with errno set (ENOENT when
 * the module or the attribute is not there).
 */
static int module_attr(const char *name, char *buf, size_t size)
{
	const char *value = NULL;
	struct udev_device *d;
	struct udev *udev;
	int ret;

	udev = slot_udev_new();
	if (!udev)
		return -1;
	d = module_device(udev);
	if (d)
		value = udev_device_get_sysattr_value(d, name);
	if (value) {
		ret = copy_string(buf, size, value);
		/* Attribute values keep no trailing newline; be sure. */
		if (!ret)
			buf[strcspn(buf, "\n")] = '\0';
	} else {
		errno = ENOENT;
		ret = -1;
	}
	udev_device_unref(d);
	udev_unref(udev);
	return ret;
}

int slot_module_version(char *buf, size_t size)
{
	return module_attr("version", buf, size);
}

struct slot_dev_array {
	struct slot_dev *devs;
	size_t count;
	size_t alloc;
};

static int slot_dev_append(const struct slot_dev *dev, void *arg)
{
	struct slot_dev_array *a = arg;

	if (a->count == a->alloc) {
		size_t alloc = a->alloc ? 2 * a->alloc : 16;
		struct slot_dev *devs = realloc(a->devs, alloc * sizeof(*devs));

		if (!devs)
			return -1;
		a->devs = devs;
		a->alloc = alloc;
	}
	a->devs[a->count++] = *dev;
	return 0;
}

static int slot_dev_cmp(const void *a, const void *b)
{
	const struct slot_dev *x = a, *y = b;

	return (x->minor > y->minor) - (x->minor < y->minor);
}

int slot_dev_list(struct slot_dev **list, size_t *count)
{
	struct slot_dev_array a = { 0 };

	if (slot_dev_foreach(slot_dev_append, &a)) {
		free(a.devs);
		return -1;
	}
	if (a.count)
		qsort(a.devs, a.count, sizeof(*a.devs), slot_dev_cmp);
	*list = a.devs;
	*count = a.count;
	return 0;
}

/* What slot_dev_match() looks for: a name, or a minor if name is NULL. */
struct slot_dev_key {
	const char *name;
	unsigned int minor;
	struct slot_dev *found;
};

static int slot_dev_match(const struct slot_dev *dev, void *arg)
{
	struct slot_dev_key *key = arg;

	if (key->name ? strcmp(dev->name, key->name) : dev->minor != key->minor)
		return 0;
	*key->found = *dev;
	return 1;
}

/* The slot device of a character device number; ENODEV if none. */
static int slot_dev_from_devnum(dev_t devnum, struct slot_dev *dev)
{
	struct udev_device *d;
	struct udev *udev;
	int ret;

	udev = slot_udev_new();
	if (!udev)
		return -1;
	d = udev_device_new_from_devnum(udev, 'c', devnum);
	if (d) {
		ret = slot_dev_fill(d, dev);
		udev_device_unref(d);
	} else {
		errno = ENODEV;
		ret = -1;
	}
	udev_unref(udev);
	return ret;
}

int slot_dev_lookup(const char *slot, struct slot_dev *dev)
{
	struct slot_dev_key key = { .found = dev };
	struct stat st;
	int ret;

	if (strchr(slot, '/')) {
		if (stat(slot, &st))
			return -1;
		if (!S_ISCHR(st.st_mode)) {
			errno = ENODEV;
			return -1;
		}
		return slot_dev_from_devnum(st.st_rdev, dev);
	}
	if (slot_parse_minor(slot, &key.minor))
		key.name = slot;
	ret = slot_dev_foreach(slot_dev_match, &key);
	if (ret < 0)
		return -1;
	if (!ret) {
		errno = ENODEV;
		return -1;
	}
	return 0;
}

static int slot_dev_first(const struct slot_dev *dev, void *arg)
{
	*(unsigned int *)arg = dev->major;
	return 1;
}

/*
 * The slot major: that of any slot device, else the module's "major"
 * parameter unless it is 0 (a major picked at load). -1 if unknown.
 */
static long slot_major(void)
{
	unsigned int major;
	char value[16];

	if (slot_dev_foreach(slot_dev_first, &major) > 0)
		return major;
	if (module_attr("parameters/major", value, sizeof(value)) ||
	    value[0] < '1' || value[0] > '9')
		return -1;
	return strtol(value, NULL, 10);
}

int slot_resolve_minor(const char *slot, unsigned int *minor)
{
	struct slot_dev dev;
	struct stat st;

	if (!strchr(slot, '/')) {
		if (!slot_parse_minor(slot, minor))
			return 0;
		if (slot_dev_lookup(slot, &dev))
			return -1;
		*minor = dev.minor;
		return 0;
	}
	if (stat(slot, &st))
		return -1;
	if (S_ISCHR(st.st_mode) && !slot_dev_from_devnum(st.st_rdev, &dev)) {
		*minor = dev.minor;
		return 0;
	}
	/* A mknod node of a slot that has no device: same major suffices. */
	if (S_ISCHR(st.st_mode) && slot_major() == (long)major(st.st_rdev)) {
		*minor = minor(st.st_rdev);
		return 0;
	}
	errno = ENODEV;
	return -1;
}

int slot_control_node(char *buf, size_t size)
{
	struct udev_device *d;
	struct udev *udev;
	int ret = -1;

	udev = slot_udev_new();
	if (!udev)
		return -1;
	d = udev_device_new_from_subsystem_sysname(udev, SLOT_CONTROL_SUBSYSTEM,
						   SLOT_CONTROL_NAME);
	if (d) {
		device_node(d, buf, size);
		ret = buf[0] ? 0 : -1;
		udev_device_unref(d);
	}
	if (ret)
		errno = ENODEV;
	udev_unref(udev);
	return ret;
}
