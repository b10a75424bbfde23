/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slotctl's view of the slot devices: each device libmsgslot finds
 * (msgslot_list(3), msgslot_find(3)) with its counters (msgslot_stats(3))
 * in one record, the row of `slotctl stat`.
 */
#ifndef MESSAGE_SLOT_UTILS_DEVICES_H
#define MESSAGE_SLOT_UTILS_DEVICES_H

#include <stddef.h>

#include <msgslot.h>

/* The control device's name, in messages about it. */
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

/* One slot device and its counters. */
struct slot_dev {
	char name[64];			/* sysname, "slot0" */
	char node[256];			/* "/dev/message_slot/slot0"; "" if unknown */
	unsigned int major;
	unsigned int minor;
	long long stat[SLOT_NSTATS];	/* -1 where the attribute is unreadable */
};

/*
 * Every slot device, sorted by minor, in a malloc()ed array the caller
 * frees (NULL when there are none). Returns 0 or -1 with errno set.
 */
int slot_dev_list(struct slot_dev **list, size_t *count);

/*
 * Finds the slot device that @slot names (a path, a device name or a
 * minor, see msgslot_find(3)). Returns 0, or -1 with errno = ENODEV if
 * there is no such slot device, or the errno of stat(2) for a path.
 */
int slot_dev_lookup(const char *slot, struct slot_dev *dev);

#endif /* MESSAGE_SLOT_UTILS_DEVICES_H */
