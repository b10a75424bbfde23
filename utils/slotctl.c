// SPDX-License-Identifier: GPL-2.0
/*
 * slotctl: the control tool of message slots, in the manner of losetup and
 * udevadm. A table of verbs, each with its synopsis (the man page's), its
 * help and its handler; libslot does the work: send and recv are
 * message_sender and message_reader, the slot devices come from libudev.
 *
 * Data goes to stdout, diagnostics to stderr as "slotctl: OBJECT: reason".
 * Exit status: 0 success, 1 failure, 2 usage error. A usage error is
 * anything wrong with the command line itself, whatever the verb: an
 * unknown command or option, a wrong number of operands, an operand or
 * option argument not of its form (a CHANNEL or MINOR that is not a
 * number, a count that is not a positive one, an unknown column). What
 * the system refuses (no such slot, channel 0, minor 256) is a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <limits.h>
#include <unistd.h>

#include "prometheus.h"
#include "slot.h"
#include "devices.h"

#ifndef MS_VERSION
#define MS_VERSION "unknown"
#endif

static const char prog[] = "slotctl";
static const struct slot_prog slotctl = { .name = prog };

struct verb;

/* The options a verb may take, besides --help. */
enum {
	OPT_JSON = 1 << 0,	/* -J, --json */
	OPT_RAW = 1 << 1,	/* -r, --raw */
	OPT_COUNT = 1 << 2,	/* -n, --count N */
	OPT_NULL = 1 << 3,	/* -0, --null */
	OPT_OUTPUT = 1 << 4,	/* -o, --output LIST */
	OPT_NOHEADINGS = 1 << 5, /* -n, --noheadings */
	OPT_FORMAT = 1 << 6,	/* --format FORMAT (no short option) */
};

/* getopt's value of an option without a short one: not a character. */
#define LONG_ONLY 0x100

/*
 * Every option, for the verbs that take it. Two verbs may give one letter
 * two meanings (-n: watch's count, stat's noheadings, as in lsblk), never
 * one verb.
 */
static const struct verb_option {
	unsigned int flag;
	struct option opt;
} options[] = {
	{ OPT_JSON, { "json", no_argument, NULL, 'J' } },
	{ OPT_RAW, { "raw", no_argument, NULL, 'r' } },
	{ OPT_COUNT, { "count", required_argument, NULL, 'n' } },
	{ OPT_NULL, { "null", no_argument, NULL, '0' } },
	{ OPT_OUTPUT, { "output", required_argument, NULL, 'o' } },
	{ OPT_NOHEADINGS, { "noheadings", no_argument, NULL, 'n' } },
	{ OPT_FORMAT, { "format", required_argument, NULL, LONG_ONLY } },
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

/* The most columns -o takes (a column may be named twice). */
#define MAX_OUTPUT 32

/* A parsed command line, as the handlers see it. */
struct args {
	const struct verb *verb;
	int argc;		/* operands only */
	char **argv;
	bool json;
	bool raw;
	bool null;
	bool noheadings;
	bool table;		/* --format table */
	bool prometheus;	/* --format prometheus */
	unsigned long long count;	/* 0: no limit */
	size_t ncols;			/* -o: 0 for every column */
	unsigned char cols[MAX_OUTPUT];	/* -o: indices into columns[] */
};

/*
 * A verb. @synopsis is the man page's SYNOPSIS line after "slotctl ";
 * @summary the line in "slotctl --help"; @help the rest of
 * "slotctl VERB --help". @options_first: options only before the operands,
 * so that a MESSAGE may start with '-'. @opts: the OPT_* it accepts.
 */
struct verb {
	const char *name;
	const char *synopsis;
	const char *summary;
	const char *help;
	int min_args;
	int max_args;
	bool options_first;
	unsigned int opts;
	int (*run)(const struct args *a);
};

/* --- diagnostics ---------------------------------------------------- */

static void report(const char *object, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "slotctl: OBJECT: <fmt>" on stderr. */
static void report(const char *object, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", prog, object);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int usage_error(const struct verb *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Says what is wrong with the command line and where help is. Returns 2. */
static int usage_error(const struct verb *v, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	if (v)
		fprintf(stderr, "%s: ", v->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s %s%s--help'.\n", prog, v ? v->name : "",
		v ? " " : "");
	return SLOT_EXIT_USAGE;
}

/*
 * Reports the option getopt_long() has just refused (@c is '?' or, for a
 * missing argument, ':'). Returns 2.
 */
static int option_error(const struct verb *v, int c, char **argv)
{
	if (c == ':' && optopt)
		return usage_error(v, "option requires an argument -- '%c'", optopt);
	if (c == ':')
		return usage_error(v, "option '%s' requires an argument",
				   argv[optind - 1]);
	if (optopt)
		return usage_error(v, "invalid option -- '%c'", optopt);
	return usage_error(v, "unrecognized option '%s'", argv[optind - 1]);
}

/* Parses operand @i as a CHANNEL; a usage error if it is not one. */
static int parse_channel(const struct args *a, int i, unsigned int *channel)
{
	if (slot_parse_channel(a->argv[i], channel))
		return usage_error(a->verb,
				   "invalid channel '%s': a number, decimal or 0x-hexadecimal, at most 4294967295",
				   a->argv[i]);
	return 0;
}

/*
 * Fails unless the module is loaded: every verb that needs slot devices or
 * the control node calls this first, so that the answer is the real one.
 */
static int need_module(void)
{
	char version[64];
	int ret = msgslot_module_version(version, sizeof(version));

	if (!ret)
		return 0;
	if (ret != -ENOENT)
		slot_error(prog, "libudev", "cannot look up the module", -ret);
	else
		fprintf(stderr, "%s: module " SLOT_MODULE " is not loaded (load it with: insmod " SLOT_MODULE ".ko or modprobe " SLOT_MODULE ")\n",
			prog);
	return -1;
}

/* Reports why slot_dev_lookup() or msgslot_minor() failed on @slot. */
static void lookup_error(const char *slot, int err)
{
	if (err == ENODEV)
		report(slot, "no such slot device");
	else
		report(slot, "%s", strerror(err));
}

/* Finds the slot device @slot names; reports and returns -1 if none. */
static int find_slot(const char *slot, struct slot_dev *dev)
{
	if (need_module())
		return -1;
	if (slot_dev_lookup(slot, dev)) {
		lookup_error(slot, errno);
		return -1;
	}
	return 0;
}

/*
 * The node send and recv open: a path as it is (a mknod node works with
 * or without a device, as with message_sender), else the device's node.
 */
static const char *slot_path(const char *slot, struct slot_dev *dev)
{
	if (strchr(slot, '/'))
		return slot;
	if (find_slot(slot, dev))
		return NULL;
	if (!dev->node[0]) {
		report(slot, "no device node");
		return NULL;
	}
	return dev->node;
}

/* --- send, recv ------------------------------------------------------ */

/* Reads up to @size bytes of standard input; the count or -1 with errno. */
static ssize_t read_input(char *buf, size_t size)
{
	size_t len = 0;

	while (len < size) {
		ssize_t n = read(STDIN_FILENO, buf + len, size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return (ssize_t)len;
}

static int do_send(const struct args *a)
{
	/* One byte more than fits, so that the driver says "too long". */
	char buf[BUF_LEN + 1];
	const char *msg = a->argv[2];
	unsigned int channel;
	struct slot_dev dev;
	const char *path;
	size_t len;
	int ret;

	ret = parse_channel(a, 1, &channel);
	if (ret)
		return ret;
	path = slot_path(a->argv[0], &dev);
	if (!path)
		return SLOT_EXIT_FAILURE;
	if (!strcmp(msg, "-")) {
		ssize_t n = read_input(buf, sizeof(buf));

		if (n < 0) {
			slot_error(prog, "standard input", "cannot read", errno);
			return SLOT_EXIT_FAILURE;
		}
		msg = buf;
		len = (size_t)n;
	} else {
		len = strlen(msg);
	}
	return slot_send(&slotctl, path, channel, msg, len);
}

static int do_recv(const struct args *a)
{
	unsigned int channel;
	struct slot_dev dev;
	const char *path;
	int ret;

	ret = parse_channel(a, 1, &channel);
	if (ret)
		return ret;
	path = slot_path(a->argv[0], &dev);
	if (!path)
		return SLOT_EXIT_FAILURE;
	return slot_recv(&slotctl, path, channel);
}

/* --- watch --------------------------------------------------------- */

/*
 * Prints one message: its bytes (--raw), followed by a NUL (--null), or
 * as text on a line of its own, other bytes escaped.
 */
static int print_message(const struct args *a, const unsigned char *buf,
			 size_t len)
{
	if (a->raw || a->null) {
		fwrite(buf, 1, len, stdout);
		if (a->null)
			putchar('\0');
	} else {
		slot_print_escaped(stdout, buf, len, SLOT_ESCAPE_UTF8);
		putchar('\n');
	}
	/* Each message as it arrives, also into a pipe. */
	return fflush(stdout) ? -1 : 0;
}

static int do_watch(const struct args *a)
{
	unsigned char buf[BUF_LEN];
	unsigned long long seen;
	unsigned int channel;
	struct slot_dev dev;
	const char *path;
	int fd;

	if (parse_channel(a, 1, &channel))
		return SLOT_EXIT_USAGE;
	path = slot_path(a->argv[0], &dev);
	if (!path)
		return SLOT_EXIT_FAILURE;
	fd = slot_open_channel(&slotctl, path, channel, O_RDONLY);
	if (fd < 0)
		return SLOT_EXIT_FAILURE;
	for (seen = 0; !a->count || seen < a->count; seen++) {
		ssize_t n = msgslot_wait(fd, buf, sizeof(buf), -1);

		if (n < 0) {
			slot_error(prog, path, "cannot wait for a message", (int)-n);
			close(fd);
			return SLOT_EXIT_FAILURE;
		}
		if (print_message(a, buf, (size_t)n))
			break;	/* close_stdout() reports it */
	}
	close(fd);
	return SLOT_EXIT_OK;
}

/* --- stat: a column table that drives the text table and --json ------- */

enum column_type { COL_NAME, COL_NODE, COL_MAJMIN, COL_STAT };

struct column {
	const char *header;	/* text table */
	const char *json;	/* JSON key(s) */
	enum column_type type;
	enum slot_stat stat;	/* COL_STAT: which counter */
	bool right;		/* right-aligned (numbers) */
	const char *help;	/* "slotctl stat --help" */
};

static const struct column columns[] = {
	{ "NAME", "name", COL_NAME, 0, false, "device name" },
	{ "NODE", "node", COL_NODE, 0, false, "device node" },
	{ "MAJ:MIN", "major, minor", COL_MAJMIN, 0, true,
	  "major:minor device number" },
	{ "CHANNELS", "channels", COL_STAT, SLOT_STAT_CHANNELS, true,
	  "channels holding a message" },
	{ "BYTES", "bytes", COL_STAT, SLOT_STAT_BYTES, true,
	  "bytes in those messages" },
	{ "WRITES", "writes", COL_STAT, SLOT_STAT_WRITES, true,
	  "messages written since the slot was created" },
	{ "READS", "reads", COL_STAT, SLOT_STAT_READS, true,
	  "messages read since the slot was created" },
	{ "OPEN", "open_files", COL_STAT, SLOT_STAT_OPEN_FILES, true,
	  "files that have the slot open" },
};

#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

/* A cell of the text table; "-" for what is unknown. */
static void cell_text(const struct column *c, const struct slot_dev *d,
		      char *buf, size_t size)
{
	switch (c->type) {
	case COL_NAME:
		snprintf(buf, size, "%s", d->name);
		break;
	case COL_NODE:
		snprintf(buf, size, "%s", d->node[0] ? d->node : "-");
		break;
	case COL_MAJMIN:
		snprintf(buf, size, "%u:%u", d->major, d->minor);
		break;
	case COL_STAT:
		if (d->stat[c->stat] < 0)
			snprintf(buf, size, "-");
		else
			snprintf(buf, size, "%lld", d->stat[c->stat]);
		break;
	}
}

/* The column of the @i-th cell of a row: -o's list, or every column. */
static const struct column *nth_column(const struct args *a, size_t i)
{
	return &columns[a->ncols ? a->cols[i] : i];
}

static size_t ncells(const struct args *a)
{
	return a->ncols ? a->ncols : NCOLUMNS;
}

/*
 * --raw: cells separated by one space, not aligned, with the space, the
 * backslash and anything unprintable as \xHH, as lsblk --raw does.
 */
static void print_raw(const struct args *a, const struct slot_dev *devs,
		      size_t count)
{
	size_t i, j;
	char cell[512];

	for (i = a->noheadings; i <= count; i++) {
		for (j = 0; j < ncells(a); j++) {
			const struct column *c = nth_column(a, j);
			const char *text = cell;

			if (i == 0)
				text = c->header;
			else
				cell_text(c, &devs[i - 1], cell, sizeof(cell));
			if (j)
				putchar(' ');
			slot_print_escaped(stdout, (const unsigned char *)text,
					   strlen(text), SLOT_ESCAPE_SPACE);
		}
		putchar('\n');
	}
}

static void print_table(const struct args *a, const struct slot_dev *devs,
			size_t count)
{
	size_t width[MAX_OUTPUT > NCOLUMNS ? MAX_OUTPUT : NCOLUMNS], i, j;
	size_t n = ncells(a);
	char cell[512];

	for (j = 0; j < n; j++) {
		width[j] = a->noheadings ? 0 : strlen(nth_column(a, j)->header);
		for (i = 0; i < count; i++) {
			cell_text(nth_column(a, j), &devs[i], cell, sizeof(cell));
			if (strlen(cell) > width[j])
				width[j] = strlen(cell);
		}
	}
	/* Row 0 is the header. No trailing blanks: the last cell is not padded. */
	for (i = a->noheadings; i <= count; i++) {
		for (j = 0; j < n; j++) {
			const struct column *c = nth_column(a, j);
			const char *text = cell;
			int w = (int)width[j];

			if (i == 0)
				text = c->header;
			else
				cell_text(c, &devs[i - 1], cell, sizeof(cell));
			if (j)
				putchar(' ');
			if (c->right)
				printf("%*s", w, text);
			else if (j + 1 < n)
				printf("%-*s", w, text);
			else
				fputs(text, stdout);
		}
		putchar('\n');
	}
}

/* A JSON string, or null for NULL. */
static void json_string(const char *s)
{
	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_number(long long n)
{
	if (n < 0)
		fputs("null", stdout);
	else
		printf("%lld", n);
}

static void cell_json(const struct column *c, const struct slot_dev *d)
{
	switch (c->type) {
	case COL_NAME:
		fputs("\"name\": ", stdout);
		json_string(d->name);
		break;
	case COL_NODE:
		fputs("\"node\": ", stdout);
		json_string(d->node[0] ? d->node : NULL);
		break;
	case COL_MAJMIN:
		printf("\"major\": %u, \"minor\": %u", d->major, d->minor);
		break;
	case COL_STAT:
		printf("\"%s\": ", c->json);
		json_number(d->stat[c->stat]);
		break;
	}
}

/* {"slots": [ one object per line ]}: valid JSON that greps well. */
static void print_json(const struct args *a, const struct slot_dev *devs,
		       size_t count)
{
	size_t i, j;

	fputs("{\"slots\": [", stdout);
	for (i = 0; i < count; i++) {
		fputs(i ? ",\n  {" : "\n  {", stdout);
		for (j = 0; j < ncells(a); j++) {
			if (j)
				fputs(", ", stdout);
			cell_json(nth_column(a, j), &devs[i]);
		}
		putchar('}');
	}
	fputs(count ? "\n]}\n" : "]}\n", stdout);
}

static int do_stat(const struct args *a)
{
	struct slot_dev one, *devs = &one;
	int status = SLOT_EXIT_OK;
	size_t count = 1;

	if (a->argc) {
		if (find_slot(a->argv[0], &one))
			return SLOT_EXIT_FAILURE;
	} else {
		if (need_module())
			return SLOT_EXIT_FAILURE;
		if (slot_dev_list(&devs, &count)) {
			slot_error(prog, "libudev", "cannot list the slot devices",
				   errno);
			return SLOT_EXIT_FAILURE;
		}
	}
	if (a->prometheus) {
		if (prom_print_devices(devs, count)) {
			slot_error(prog, "stat", "cannot format", errno);
			status = SLOT_EXIT_FAILURE;
		}
	} else if (a->json)
		print_json(a, devs, count);
	else if (a->raw)
		print_raw(a, devs, count);
	else
		print_table(a, devs, count);
	if (devs != &one)
		free(devs);
	return status;
}

/* --- add, remove, clear: requests to the control node ----------------- */

/*
 * Opens the control node, sends @request for @minor, closes. @object (the
 * control node if NULL) and @action name what failed. Returns the
 * driver's answer or -1, reported.
 */
static int control(unsigned long request, unsigned int minor,
		   const char *object, const char *action)
{
	struct slot_failure f = { .step = SLOT_STEP_CONTROL_OPEN };
	char node[256];
	int fd, ret;

	if (need_module())
		return -1;
	if (msgslot_control_node(node, sizeof(node))) {
		report(SLOT_CONTROL_NAME, "no control device");
		return -1;
	}
	f.path = node;
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		f.err = errno;
		slot_fail(&slotctl, node, "cannot open", &f);
		return -1;
	}
	ret = slot_control(fd, request, minor);
	f.step = SLOT_STEP_CONTROL;
	f.err = errno;
	close(fd);
	if (ret < 0)
		slot_fail(&slotctl, object ? object : node, action, &f);
	return ret;
}

/* "slotN" for @minor, the object of the control verbs' messages. */
static void minor_name(unsigned int minor, char *buf, size_t size)
{
	snprintf(buf, size, "slot%u", minor);
}

/* Parses the MINOR operand; a usage error if it is not one. */
static int parse_minor(const struct args *a, unsigned int *minor)
{
	if (slot_parse_minor(a->argv[0], minor))
		return usage_error(a->verb, "invalid minor '%s'", a->argv[0]);
	return 0;
}

static int do_add(const struct args *a)
{
	unsigned int minor = MSG_SLOT_ANY_MINOR;
	char object[32];
	struct slot_dev dev;
	int ret;

	if (a->argc) {
		ret = parse_minor(a, &minor);
		if (ret)
			return ret;
		minor_name(minor, object, sizeof(object));
	}
	ret = control(MSG_SLOT_CTL_ADD, minor, a->argc ? object : NULL,
		      "cannot add");
	if (ret < 0)
		return SLOT_EXIT_FAILURE;
	/* The name the device really got, through libudev like the rest. */
	snprintf(object, sizeof(object), "%d", ret);
	if (!slot_dev_lookup(object, &dev))
		printf("%s\n", dev.name);
	else
		printf("slot%d\n", ret);
	return SLOT_EXIT_OK;
}

/*
 * Sends @request for the slot operand SLOT names (a minor, a name, a
 * path: what add printed works), reporting as "slotN: @action".
 */
static int control_slot(const struct args *a, unsigned long request,
			const char *action)
{
	const char *slot = a->argv[0];
	unsigned int minor;
	char object[32];
	int ret;

	if (need_module())
		return SLOT_EXIT_FAILURE;
	ret = msgslot_minor(slot, &minor);
	if (ret) {
		lookup_error(slot, -ret);
		return SLOT_EXIT_FAILURE;
	}
	minor_name(minor, object, sizeof(object));
	if (control(request, minor, object, action) < 0)
		return SLOT_EXIT_FAILURE;
	return SLOT_EXIT_OK;
}

static int do_remove(const struct args *a)
{
	return control_slot(a, MSG_SLOT_CTL_REMOVE, "cannot remove");
}

static int do_clear(const struct args *a)
{
	return control_slot(a, MSG_SLOT_CTL_CLEAR, "cannot clear");
}

/* --- the verbs ------------------------------------------------------- */

#define SLOT_FORMS \
	"SLOT is a path (/dev/slot0, used as it is), a device name (slot0) or a\n" \
	"minor (0); names and minors are looked up through libudev.\n"

#define HELP_OPTION \
	"  -h, --help   show this help\n"

static const struct verb verbs[] = {
	{
		.name = "send",
		.synopsis = "send SLOT CHANNEL MESSAGE",
		.summary = "store MESSAGE on a channel, like message_sender",
		.help =
			"Store MESSAGE, without a terminating NUL, as the message of channel\n"
			"CHANNEL (non-zero, decimal or 0x-hexadecimal) of SLOT, replacing the\n"
			"previous one, exactly as message_sender(1) does. MESSAGE '-' reads it\n"
			"from standard input instead, up to 128 bytes taken as they are.\n"
			"Options are accepted only before SLOT, so MESSAGE may start with '-'.\n\n"
			SLOT_FORMS "\nOptions:\n" HELP_OPTION,
		.min_args = 3, .max_args = 3, .options_first = true,
		.run = do_send,
	},
	{
		.name = "recv",
		.synopsis = "recv SLOT CHANNEL",
		.summary = "print a channel's message, like message_reader",
		.help =
			"Print the last message of channel CHANNEL of SLOT: exactly its bytes,\n"
			"no newline, as message_reader(1) does. The message stays.\n\n"
			SLOT_FORMS "\nOptions:\n" HELP_OPTION,
		.min_args = 2, .max_args = 2,
		.run = do_recv,
	},
	{
		.name = "watch",
		.synopsis = "watch [-r|--raw] [-0|--null] [-n|--count N] SLOT CHANNEL",
		.summary = "print each new message of a channel as it arrives",
		.help =
			"Wait on channel CHANNEL of SLOT with poll(2) and print every message\n"
			"written to it from now on, starting with the message it holds if any:\n"
			"one per line, text (printable ASCII and UTF-8) as it is and other bytes\n"
			"(and the backslash) as \\xHH. A message replaced before it could be\n"
			"read is skipped: only the latest counts, as for any reader.\n\n"
			SLOT_FORMS "\nOptions:\n"
			"  -r, --raw       print the exact bytes, with nothing added\n"
			"  -0, --null      the exact bytes, each message followed by a NUL byte\n"
			"  -n, --count N   stop after N messages (N >= 1)\n"
			"  -h, --help      show this help\n",
		.min_args = 2, .max_args = 2,
		.opts = OPT_RAW | OPT_NULL | OPT_COUNT,
		.run = do_watch,
	},
	{
		.name = "stat",
		.synopsis = "stat [-J|--json] [-r|--raw] [-n|--noheadings] [-o|--output LIST] [--format FORMAT] [SLOT]",
		.summary = "show slot devices and their counters",
		.help =
			"Show every slot device, sorted by minor, or only SLOT's: one row each\n"
			"under a header, or with --json one JSON object:\n"
			"{\"slots\": [{\"name\": ..., \"node\": ..., \"major\": ..., \"minor\": ...,\n"
			"\"channels\": ..., \"bytes\": ..., \"writes\": ..., \"reads\": ...,\n"
			"\"open_files\": ...}, ...]}\n"
			"or with --format prometheus the counters in the Prometheus text format,\n"
			"one metric family each (message_slot_writes_total, ...), labels slot\n"
			"and minor.\n\n"
			SLOT_FORMS "\nOptions:\n"
			"  -J, --json          print JSON\n"
			"  -r, --raw           one space between cells, no alignment; spaces\n"
			"                      and unprintable bytes as \\xHH\n"
			"  -n, --noheadings    no header line (the table and --raw)\n"
			"  -o, --output LIST   only these columns, in this order: names from\n"
			"                      the list below, comma-separated, any case\n"
			"      --format FORMAT table (the default), raw, json (as --raw and\n"
			"                      --json) or prometheus; one output format only\n"
			"  -h, --help          show this help\n",
		.min_args = 0, .max_args = 1,
		.opts = OPT_JSON | OPT_RAW | OPT_NOHEADINGS | OPT_OUTPUT | OPT_FORMAT,
		.run = do_stat,
	},
	{
		.name = "add",
		.synopsis = "add [MINOR]",
		.summary = "create a slot device",
		.help =
			"Create the device of slot MINOR (0..255), or of the lowest minor\n"
			"without one, and print its name (slot4). A slot already used through\n"
			"a mknod node keeps its messages. Needs CAP_SYS_ADMIN.\n\n"
			"Options:\n" HELP_OPTION,
		.min_args = 0, .max_args = 1,
		.run = do_add,
	},
	{
		.name = "remove",
		.synopsis = "remove SLOT",
		.summary = "remove a slot device and its messages",
		.help =
			"Remove the device of SLOT and free its messages; refused while any\n"
			"file has the slot open. The name add prints works:\n"
			"slotctl remove \"$(slotctl add)\". Needs CAP_SYS_ADMIN.\n\n"
			SLOT_FORMS "\nOptions:\n" HELP_OPTION,
		.min_args = 1, .max_args = 1,
		.run = do_remove,
	},
	{
		.name = "clear",
		.synopsis = "clear SLOT",
		.summary = "drop every message of a slot",
		.help =
			"Drop every message of SLOT; open files keep their channels. A minor\n"
			"names the slot directly, device or not. Needs CAP_SYS_ADMIN.\n\n"
			SLOT_FORMS "\nOptions:\n" HELP_OPTION,
		.min_args = 1, .max_args = 1,
		.run = do_clear,
	},
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"Usage: %s [-h|--help] [-V|--version]\n"
		"       %s COMMAND [OPTION]... [ARG]...\n\n"
		"Manage message slot devices; send and receive messages.\n\n"
		"Commands:\n", prog, prog);
	for (i = 0; i < NVERBS; i++)
		fprintf(out, "  %-28s %s\n", verbs[i].synopsis, verbs[i].summary);
	fprintf(out,
		"\n" SLOT_FORMS "\n"
		"Options:\n"
		"  -h, --help      show this help\n"
		"  -V, --version   show the versions of %s and of the loaded module\n\n"
		"Exit status: 0 success, 1 failure, 2 usage error (an unknown command or\n"
		"option, a wrong number of arguments, an argument not of its form).\n"
		"'%s COMMAND --help' shows a command's help; see also %s(1).\n",
		prog, prog, prog);
}

static void verb_usage(const struct verb *v)
{
	size_t j;

	printf("Usage: %s %s\n\n%s", prog, v->synopsis, v->help);
	if (!(v->opts & OPT_OUTPUT))
		return;
	printf("\nColumns:\n");
	for (j = 0; j < NCOLUMNS; j++)
		printf("  %-9s %-13s %s\n", columns[j].header, columns[j].json,
		       columns[j].help);
}

static int version(void)
{
	char buf[256];

	printf("%s %s\n", prog, MS_VERSION);
	if (!msgslot_module_version(buf, sizeof(buf)))
		printf(SLOT_MODULE " module %s\n", buf);
	else
		printf(SLOT_MODULE " module not loaded\n");
	return SLOT_EXIT_OK;
}

/* Parses -o's LIST into @a: column names, comma-separated, any case. */
static int parse_output(struct args *a, const char *list)
{
	const char *p = list;

	a->ncols = 0;
	for (;;) {
		size_t len = strcspn(p, ","), j;

		for (j = 0; j < NCOLUMNS; j++)
			if (strlen(columns[j].header) == len &&
			    !strncasecmp(p, columns[j].header, len))
				break;
		if (j == NCOLUMNS)
			return usage_error(a->verb, "unknown column '%.*s' in '%s'",
					   (int)len, p, list);
		if (a->ncols == MAX_OUTPUT)
			return usage_error(a->verb, "more than %d columns", MAX_OUTPUT);
		a->cols[a->ncols++] = (unsigned char)j;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

/* Parses --format's FORMAT into @a. */
static int parse_format(struct args *a, const char *format)
{
	if (!strcmp(format, "table"))
		a->table = true;
	else if (!strcmp(format, "raw"))
		a->raw = true;
	else if (!strcmp(format, "json"))
		a->json = true;
	else if (!strcmp(format, "prometheus"))
		a->prometheus = true;
	else
		return usage_error(a->verb,
				   "unknown format '%s': table, raw, json or prometheus",
				   format);
	return 0;
}

/* Takes option @c (with @optarg) of verb @a->verb into @a. */
static int take_option(struct args *a, int c)
{
	unsigned int flag = 0;
	size_t i;

	for (i = 0; i < NOPTIONS; i++)
		if (options[i].opt.val == c && a->verb->opts & options[i].flag)
			flag = options[i].flag;
	switch (flag) {
	case OPT_JSON:
		a->json = true;
		break;
	case OPT_RAW:
		a->raw = true;
		break;
	case OPT_NULL:
		a->null = true;
		break;
	case OPT_NOHEADINGS:
		a->noheadings = true;
		break;
	case OPT_COUNT:
		if (slot_parse_decimal(optarg, ULLONG_MAX, &a->count) || !a->count)
			return usage_error(a->verb,
					   "invalid count '%s': a whole number, 1 or more",
					   optarg);
		break;
	case OPT_OUTPUT:
		return parse_output(a, optarg);
	case OPT_FORMAT:
		return parse_format(a, optarg);
	}
	return 0;
}

/*
 * Parses a verb's options and operands (argv[0] is the verb), runs it.
 * Options may come anywhere, except for verbs with @options_first.
 */
static int run_verb(const struct verb *v, int argc, char **argv)
{
	struct option longopts[NOPTIONS + 2] = {
		{ "help", no_argument, NULL, 'h' },
	};
	char optstring[2 * NOPTIONS + 4] = "+:h";
	struct args a = { .verb = v };
	size_t i, n = 1;
	int c, ret;

	for (i = 0; i < NOPTIONS; i++) {
		if (!(v->opts & options[i].flag))
			continue;
		longopts[n++] = options[i].opt;
		c = options[i].opt.val;
		if (c == LONG_ONLY)
			continue;
		snprintf(optstring + strlen(optstring), 3, "%c%s", c,
			 options[i].opt.has_arg ? ":" : "");
	}
	optind = 0;	/* a fresh scan of a new argv */
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring + !v->options_first,
				longopts, NULL)) != -1) {
		if (c == 'h') {
			verb_usage(v);
			return SLOT_EXIT_OK;
		}
		if (c == '?' || c == ':')
			return option_error(v, c, argv);
		ret = take_option(&a, c);
		if (ret)
			return ret;
	}
	if (a.json && a.raw)
		return usage_error(v, "--json and --raw are mutually exclusive");
	if (a.json + a.raw + a.table + a.prometheus > 1)
		return usage_error(v, "more than one output format");
	if (a.prometheus && a.ncols)
		return usage_error(v, "--output does not apply to --format prometheus");
	a.argc = argc - optind;
	a.argv = argv + optind;
	if (a.argc < v->min_args || a.argc > v->max_args)
		return usage_error(v, "wrong number of arguments");
	return v->run(&a);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, status;
	size_t i;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return slot_close_stdout(prog) ? SLOT_EXIT_FAILURE : SLOT_EXIT_OK;
		case 'V':
			status = version();
			return slot_close_stdout(prog) ? SLOT_EXIT_FAILURE : status;
		default:
			return option_error(NULL, c, argv);
		}
	}
	if (optind == argc) {
		usage(stderr);
		return SLOT_EXIT_USAGE;
	}
	for (i = 0; i < NVERBS; i++)
		if (!strcmp(argv[optind], verbs[i].name))
			break;
	if (i == NVERBS)
		return usage_error(NULL, "unknown command '%s'", argv[optind]);
	status = run_verb(&verbs[i], argc - optind, argv + optind);
	if (slot_close_stdout(prog) && status == SLOT_EXIT_OK)
		status = SLOT_EXIT_FAILURE;
	return status;
}
