// SPDX-License-Identifier: LGPL-2.1-or-later
/* libmsgslot: the loaded module and its control node, through libudev. */
#include <errno.h>
#include <libudev.h>
#include <string.h>

#include "internal.h"

int ms_module_attr(struct udev *udev, const char *name, char *buf, size_t size)
{
	const char *value = NULL;
	struct udev_device *d;
	int ret;

	/* libudev's "module" subsystem: /sys/module/message_slot. */
	d = udev_device_new_from_subsystem_sysname(udev, "module",
						   MSGSLOT_MODULE);
	if (d)
		value = udev_device_get_sysattr_value(d, name);
	if (value) {
		ret = ms_copy_string(buf, size, value);
		/* Attribute values keep no trailing newline; be sure. */
		if (!ret)
			buf[strcspn(buf, "\n")] = '\0';
	} else {
		ret = -ENOENT;
	}
	udev_device_unref(d);
	return ret;
}

/**
 * msgslot_module_version() - the loaded module's version
 * @buf: where to copy it
 * @size: the size of @buf
 *
 * Return: 0, or -ENOENT (the module is not loaded), -ENAMETOOLONG, -errno.
 */
int msgslot_module_version(char *buf, size_t size)
{
	struct udev *udev;
	int ret = 0;

	udev = ms_udev_new(&ret);
	if (!udev)
		return ret;
	ret = ms_module_attr(udev, "version", buf, size);
	udev_unref(udev);
	return ret;
}

/**
 * msgslot_control_node() - the control node's path
 * @buf: where to copy it ("/dev/message_slot/control")
 * @size: the size of @buf
 *
 * Return: 0, or -ENODEV (no control device: the module is not loaded).
 */
int msgslot_control_node(char *buf, size_t size)
{
	struct udev_device *d;
	struct udev *udev;
	int ret = 0;

	udev = ms_udev_new(&ret);
	if (!udev)
		return ret;
	d = udev_device_new_from_subsystem_sysname(udev,
						   MSGSLOT_CONTROL_SUBSYSTEM,
						   MSGSLOT_CONTROL_NAME);
	ret = -ENODEV;
	if (d) {
		ms_device_node(d, buf, size);
		if (buf[0])
			ret = 0;
		udev_device_unref(d);
	}
	udev_unref(udev);
	return ret;
}
