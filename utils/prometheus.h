/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slotctl stat --format prometheus: the slot counters in the Prometheus
 * text exposition format (version 0.0.4), for node_exporter's textfile
 * collector or any scraper that reads a file.
 */
#ifndef MESSAGE_SLOT_UTILS_PROMETHEUS_H
#define MESSAGE_SLOT_UTILS_PROMETHEUS_H

#include <stddef.h>
#include <stdio.h>

#include "devices.h"

/* The values of one slot, in the order of the metric families. */
enum prom_value {
	PROM_CHANNELS,
	PROM_BYTES,
	PROM_WRITES,
	PROM_READS,
	PROM_OPEN_FILES,
	PROM_NVALUES
};

/* One slot as the exposition shows it. */
struct prom_slot {
	const char *name;		/* the label slot="..." */
	unsigned int minor;		/* the label minor="..." */
	long long value[PROM_NVALUES];	/* < 0: unknown, no sample */
};

/*
 * Writes every metric family, with its # HELP and # TYPE lines, and one
 * sample per slot of @slots that has the value, to @out. Label values are
 * escaped as the format says (backslash, double quote, newline).
 */
void prom_write(FILE *out, const struct prom_slot *slots, size_t count);

/* prom_write() of the slot devices stat found, on stdout. 0, or -1 (ENOMEM). */
int prom_print_devices(const struct slot_dev *devs, size_t count);

#endif /* MESSAGE_SLOT_UTILS_PROMETHEUS_H */
