/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libslot, the libudev half: find slot devices, their nodes and counters,
 * the control node and the loaded module, the way udevadm does it (libudev
 * enumeration of subsystem "message_slot", never globbing /sys or /dev).
 *
 * Works without a running udevd: libudev then reads sysfs directly, and a
 * device's node comes from the kernel's DEVNAME (devtmpfs makes the node).
 */
#ifndef MESSAGE_SLOT_UTILS_UDEV_H
#define MESSAGE_SLOT_UTILS_UDEV_H

#include <stddef.h>

#include "slot.h"

/* The module's device class (subsystem) and its control node. */
#define SLOT_SUBSYSTEM		"message_slot"
#define SLOT_CONTROL_SUBSYSTEM	"misc"
#define SLOT_CONTROL_NAME	"message_slot_control"

/* The per-slot counters, one sysfs attribute each (sysfs-class-message_slot). */
enum slot_stat {
	SLOT_STAT_CHANNELS,
	SLOT_STAT_BYTES,
	SLOT_STAT_WRITES,
	SLOT_STAT_READS,
	SLOT_STAT_OPEN_FILES,
	SLOT_NSTATS
};

/* The attribute names, indexed by enum slot_stat ("channels", ...). */
extern const char *const slot_stat_attr[SLOT_NSTATS];

/* One slot device as libudev sees it. */
struct slot_dev {
	char name[64];			/* sysname, "slot0" */
	char node[256];			/* "/dev/message_slot/slot0"; "" if unknown */
	unsigned int major;
	unsigned int minor;
	long long stat[SLOT_NSTATS];	/* -1 where the attribute is unreadable */
};

/*
 * Whether the module is loaded (its /sys/module entry, through libudev).
 * Returns 1 or 0, or -1 with errno set if libudev fails.
 */
int slot_module_loaded(void);

/*
 * Copies the loaded module's version into @buf. Returns 0, or -1 with
 * errno = ENOENT if the module is not loaded (or has no version).
 */
int slot_module_version(char *buf, size_t size);

/*
 * Every slot device, sorted by minor, in a malloc()ed array the caller
 * frees (NULL when there are none). Returns 0 or -1 with errno set.
 */
int slot_dev_list(struct slot_dev **list, size_t *count);

/*
 * Finds the slot device that @slot names: a path (contains '/': the
 * device of the node's device number), a device name ("slot0") or a minor
 * ("0"). Returns 0, or -1 with errno = ENODEV if there is no such slot
 * device, or the errno of stat(2) for a path.
 */
int slot_dev_lookup(const char *slot, struct slot_dev *dev);

/*
 * Resolves @slot to a slot minor for the control requests. A minor
 * ("77") is taken as it is: the slot needs no device, as with mknod. A
 * name must have a device. A path may also be a mknod node of the slot
 * major without a device. Returns 0, or -1 with errno = ENODEV (no such
 * slot device) or the errno of stat(2).
 */
int slot_resolve_minor(const char *slot, unsigned int *minor);

/*
 * Copies the control node's path (/dev/message_slot/control) into @buf.
 * Returns 0, or -1 with errno = ENODEV if there is no control device.
 */
int slot_control_node(char *buf, size_t size);

#endif /* MESSAGE_SLOT_UTILS_UDEV_H */
