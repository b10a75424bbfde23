// SPDX-License-Identifier: GPL-2.0
/* slotctl's rows: libmsgslot's devices with their counters. */
#include "devices.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *const slot_stat_attr[SLOT_NSTATS] = {
	[SLOT_STAT_CHANNELS] = "channels",
	[SLOT_STAT_BYTES] = "bytes",
	[SLOT_STAT_WRITES] = "writes",
	[SLOT_STAT_READS] = "reads",
	[SLOT_STAT_OPEN_FILES] = "open_files",
};

/* @dev and its counters (-1 each if the device went away meanwhile). */
static void fill(struct slot_dev *row, const struct msgslot_device *dev)
{
	struct msgslot_stats st;

	memcpy(row->name, dev->name, sizeof(row->name));
	memcpy(row->node, dev->node, sizeof(row->node));
	row->major = dev->major;
	row->minor = dev->minor;
	if (msgslot_stats(dev->name, &st, sizeof(st)))
		memset(&st, 0xff, sizeof(st));
	row->stat[SLOT_STAT_CHANNELS] = st.channels;
	row->stat[SLOT_STAT_BYTES] = st.bytes;
	row->stat[SLOT_STAT_WRITES] = st.writes;
	row->stat[SLOT_STAT_READS] = st.reads;
	row->stat[SLOT_STAT_OPEN_FILES] = st.open_files;
}

int slot_dev_list(struct slot_dev **list, size_t *count)
{
	struct msgslot_device *devs;
	struct slot_dev *rows = NULL;
	size_t i, n;
	int ret;

	ret = msgslot_list(&devs, &n);
	if (ret) {
		errno = -ret;
		return -1;
	}
	if (n) {
		rows = calloc(n, sizeof(*rows));
		if (!rows) {
			free(devs);
			errno = ENOMEM;
			return -1;
		}
	}
	for (i = 0; i < n; i++)
		fill(&rows[i], &devs[i]);
	free(devs);
	*list = rows;
	*count = n;
	return 0;
}

int slot_dev_lookup(const char *slot, struct slot_dev *dev)
{
	struct msgslot_device d;
	int ret = msgslot_find(slot, &d);

	if (ret) {
		errno = -ret;
		return -1;
	}
	fill(dev, &d);
	return 0;
}
