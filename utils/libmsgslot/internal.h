/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libmsgslot's internal helpers, shared by its files and exported by none
 * (libmsgslot.map exports msgslot_* only).
 */
#ifndef MSGSLOT_INTERNAL_H
#define MSGSLOT_INTERNAL_H

#include <errno.h>
#include <stddef.h>

#include <msgslot.h>

struct udev;
struct udev_device;

/* The driver's device class (udev subsystem) and its control node. */
#define MSGSLOT_SUBSYSTEM		"message_slot"
#define MSGSLOT_CONTROL_SUBSYSTEM	"misc"
#define MSGSLOT_CONTROL_NAME		"message_slot_control"
#define MSGSLOT_MODULE			"message_slot"

#ifndef MSGSLOT_LIB_VERSION
#define MSGSLOT_LIB_VERSION "unknown"
#endif

/* -errno after a failed call; never 0, even where errno was left unset. */
static inline int ms_neg_errno(void)
{
	int err = errno;

	return err > 0 ? -err : -EIO;
}

/* udev_new(); NULL with *@err set (libudev does not promise errno). */
struct udev *ms_udev_new(int *err);

/* Copies @src into @buf: 0, or -ENAMETOOLONG if it does not fit. */
int ms_copy_string(char *buf, size_t size, const char *src);

/*
 * A device's node: udev's devnode, else the kernel's DEVNAME (relative to
 * /dev in the uevent), else "".
 */
void ms_device_node(struct udev_device *d, char *buf, size_t size);

/*
 * Parses a minor: decimal digits only, 0..4294967294. 0 or -EINVAL.
 */
int ms_parse_minor(const char *text, unsigned int *minor);

/*
 * Calls @fn on each slot device, in the order udev lists them, until it
 * returns non-zero; returns that, 0, or a negative errno.
 */
int ms_foreach(struct udev *udev,
	       int (*fn)(const struct msgslot_device *dev, void *arg),
	       void *arg);

/*
 * The slot device @slot names (see msgslot_find(3)), as a udev device the
 * caller unrefs; NULL with *@err set to a negative errno (-ENODEV).
 */
struct udev_device *ms_lookup(struct udev *udev, const char *slot, int *err);

/* Fills @dev from a slot device: 0, or -ENODEV if @d is none. */
int ms_device_fill(struct udev_device *d, struct msgslot_device *dev);

/*
 * A sysfs attribute of the loaded module (e.g. "version",
 * "parameters/major") into @buf, without its newline: 0 or -ENOENT.
 */
int ms_module_attr(struct udev *udev, const char *name, char *buf, size_t size);

#endif /* MSGSLOT_INTERNAL_H */
