// SPDX-License-Identifier: GPL-2.0
/*
 * libslot: the command line of the classic programs, message_sender and
 * message_reader (SPEC Part 1): operands PATH CHANNEL ..., --help, and
 * exit 1 with strerror() on stderr for anything wrong.
 */
#include "slot.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

/* One line, with strerror(EINVAL) as SPEC wants, and where help is. */
static int classic_usage_error(const struct slot_classic *c, const char *what)
{
	fprintf(stderr, "%s: %s: %s (usage: %s %s; see %s --help)\n", c->name,
		what, strerror(EINVAL), c->name, c->operands, c->name);
	return SLOT_EXIT_FAILURE;
}

int slot_classic_main(const struct slot_classic *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct slot_prog p = { .name = c->name, .classic = true };
	unsigned int channel;
	char what[128];
	int opt;

	opterr = 0;
	/* '+': options only before PATH, so that a MESSAGE may be "-n". */
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (opt == 'h') {
			printf("Usage: %s [-h|--help] %s\n\n%s", c->name,
			       c->operands, c->help);
			return slot_close_stdout(c->name) ? SLOT_EXIT_FAILURE :
							    SLOT_EXIT_OK;
		}
		if (optopt)
			snprintf(what, sizeof(what), "invalid option -- '%c'", optopt);
		else
			snprintf(what, sizeof(what), "unrecognized option '%s'",
				 argv[optind - 1]);
		return classic_usage_error(c, what);
	}
	if (argc - optind != c->nargs)
		return classic_usage_error(c, "wrong number of arguments");
	if (slot_parse_channel(argv[optind + 1], &channel)) {
		slot_error(c->name, argv[optind + 1], "invalid channel id", errno);
		return SLOT_EXIT_FAILURE;
	}
	return c->run(&p, argv[optind], channel, argv + optind + 2);
}
