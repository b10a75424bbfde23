// SPDX-License-Identifier: GPL-2.0
/*
 * The Prometheus text exposition format (version 0.0.4) of the slot
 * counters: per family a "# HELP" and a "# TYPE" line, then one sample
 * per slot, labelled with the slot's name and minor:
 *
 *	# HELP message_slot_writes_total Messages written since the slot was created.
 *	# TYPE message_slot_writes_total counter
 *	message_slot_writes_total{slot="slot0",minor="0"} 3
 *
 * writes and reads only grow while the slot exists (counters; a slot
 * removed and added again starts from 0, which Prometheus takes as a
 * counter reset); channels, bytes and open files go up and down (gauges).
 * A value that could not be read has no sample, rather than a made-up 0.
 */
#include <errno.h>
#include <stdlib.h>

#include "prometheus.h"

static const struct prom_family {
	const char *name;
	const char *type;
	const char *help;
} families[PROM_NVALUES] = {
	[PROM_CHANNELS] = { "message_slot_channels", "gauge",
			    "Channels of the slot that hold a message." },
	[PROM_BYTES] = { "message_slot_bytes", "gauge",
			 "Bytes in the messages the slot holds." },
	[PROM_WRITES] = { "message_slot_writes_total", "counter",
			  "Messages written since the slot was created." },
	[PROM_READS] = { "message_slot_reads_total", "counter",
			 "Messages read since the slot was created." },
	[PROM_OPEN_FILES] = { "message_slot_open_files", "gauge",
			      "Files that have the slot open, through any node." },
};

/* A label value: backslash, double quote and newline escaped. */
static void label_value(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '"')
			fputs("\\\"", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

void prom_write(FILE *out, const struct prom_slot *slots, size_t count)
{
	size_t f, i;

	for (f = 0; f < PROM_NVALUES; f++) {
		const struct prom_family *fam = &families[f];

		fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", fam->name,
			fam->help, fam->name, fam->type);
		for (i = 0; i < count; i++) {
			if (slots[i].value[f] < 0)
				continue;
			fprintf(out, "%s{slot=\"", fam->name);
			label_value(out, slots[i].name);
			fprintf(out, "\",minor=\"%u\"} %lld\n", slots[i].minor,
				slots[i].value[f]);
		}
	}
}

/* Which of stat's counters each value is. */
static const enum slot_stat stat_of[PROM_NVALUES] = {
	[PROM_CHANNELS] = SLOT_STAT_CHANNELS,
	[PROM_BYTES] = SLOT_STAT_BYTES,
	[PROM_WRITES] = SLOT_STAT_WRITES,
	[PROM_READS] = SLOT_STAT_READS,
	[PROM_OPEN_FILES] = SLOT_STAT_OPEN_FILES,
};

int prom_print_devices(const struct slot_dev *devs, size_t count)
{
	struct prom_slot *slots = calloc(count ? count : 1, sizeof(*slots));
	size_t i, v;

	if (!slots) {
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < count; i++) {
		slots[i].name = devs[i].name;
		slots[i].minor = devs[i].minor;
		for (v = 0; v < PROM_NVALUES; v++)
			slots[i].value[v] = devs[i].stat[stat_of[v]];
	}
	prom_write(stdout, slots, count);
	free(slots);
	return 0;
}
