// SPDX-License-Identifier: GPL-2.0
/*
 * prom_write: utils/prometheus.c's formatter alone, for
 * tests/host/prometheus.sh. Prints the exposition of made-up slots whose
 * names need every escape the format has, and of unknown values:
 *
 *	prom_write          four slots
 *	prom_write none     no slot at all
 */
#include <stdio.h>
#include <string.h>

#include "../../utils/prometheus.h"

int main(int argc, char **argv)
{
	static const struct prom_slot slots[] = {
		{ "slot0", 0, { 1, 13, 1, 1, 0 } },
		{ "slot7", 7, { 2, 256, 9, 4, 3 } },
		{ "we\"ird\\na\nme", 200, { 0, 0, 0, 0, 0 } },
		/* A device that went away meanwhile: bytes and reads unknown. */
		{ "slot255", 255, { 3, -1, 12345678901LL, -1, 1 } },
	};

	if (argc > 1 && !strcmp(argv[1], "none"))
		prom_write(stdout, NULL, 0);
	else
		prom_write(stdout, slots, sizeof(slots) / sizeof(slots[0]));
	return fclose(stdout) ? 1 : 0;
}
