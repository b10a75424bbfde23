/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libslot: the small library behind message_sender, message_reader and
 * slotctl. Each operation exists once here; the programs only parse their
 * arguments and call it.
 */
#ifndef MESSAGE_SLOT_UTILS_SLOT_H
#define MESSAGE_SLOT_UTILS_SLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include <linux/message_slot.h>
#include <msgslot.h>

/* The module's name, and the group the udev rule gives the slot nodes. */
#define SLOT_MODULE	"message_slot"
#define SLOT_GROUP	"msgslot"

/* Exit statuses shared by every program. */
enum {
	SLOT_EXIT_OK = 0,
	SLOT_EXIT_FAILURE = 1,
	SLOT_EXIT_USAGE = 2,
};

/*
 * The program that reports a failure, and how. The classic programs
 * (SPEC Part 1) print strerror(errno) in every diagnostic and add any
 * explanation after it in parentheses; slotctl prints the explanation
 * instead of strerror where there is one.
 */
struct slot_prog {
	const char *name;	/* "message_sender", "slotctl" */
	bool classic;
};

/* The steps slot_fail() can explain. */
enum slot_step {
	SLOT_STEP_OPEN,		/* open(2) of a slot node */
	SLOT_STEP_SELECT,	/* the MSG_SLOT_CHANNEL ioctl */
	SLOT_STEP_WRITE,	/* write(2) of a message */
	SLOT_STEP_READ,		/* read(2) of a message */
	SLOT_STEP_CONTROL_OPEN,	/* open(2) of the control node */
	SLOT_STEP_CONTROL,	/* a control ioctl */
};

/* What failed: the step, its errno and what it was done with. */
struct slot_failure {
	enum slot_step step;
	int err;
	const char *path;	/* the node opened */
	unsigned int channel;	/* SELECT, READ: the channel */
	size_t len;		/* WRITE: the message's length */
};

/*
 * Says in words why @f happened where strerror() alone misleads or does
 * not help ("Message too long" for an empty message, "Resource temporarily
 * unavailable" for a channel without a message): the text, in @buf or a
 * constant, or NULL if strerror() says it all. *@hint is set when the
 * text is what to do about strerror() (EACCES) rather than instead of it.
 */
const char *slot_explain(const struct slot_failure *f, char *buf, size_t size,
			 bool *hint);

/*
 * Reports @f on stderr as @p: "prog: object: what: strerror (why)" for a
 * classic program or a hint, "prog: object: why" for slotctl otherwise
 * ("prog: object: what: strerror" when slot_explain() has nothing to say).
 */
void slot_fail(const struct slot_prog *p, const char *object, const char *what,
	       const struct slot_failure *f);

/*
 * Parses decimal digits only (no sign, no blanks, no base prefix) into a
 * value of at most @max. Returns 0, or -1 with errno = EINVAL.
 */
int slot_parse_decimal(const char *text, unsigned long long max,
		       unsigned long long *value);

/*
 * Parses a channel id: decimal or 0x-prefixed hexadecimal, 0..UINT32_MAX.
 * 0 is accepted here so that the driver, the authority on ids, rejects it.
 * Returns 0, or -1 with errno = EINVAL.
 */
int slot_parse_channel(const char *text, unsigned int *channel);

/* Writes all of @buf to @fd, retrying short writes. 0 or -1 with errno. */
int slot_write_all(int fd, const void *buf, size_t len);

/*
 * Opens @path with @flags and selects @channel; on failure reports as @p
 * and returns -1.
 */
int slot_open_channel(const struct slot_prog *p, const char *path,
		      unsigned int channel, int flags);

/* slot_print_escaped() flags. */
enum {
	SLOT_ESCAPE_UTF8 = 1 << 0,	/* print UTF-8 text as it is */
	SLOT_ESCAPE_SPACE = 1 << 1,	/* escape the space too */
};

/*
 * Prints @len bytes with printable ASCII as it is and every other byte,
 * and the backslash, as \xHH: the format of the debugfs dump. With
 * SLOT_ESCAPE_UTF8, a well-formed UTF-8 sequence of a printable character
 * is printed as it is too (C1 controls, bidirectional overrides and the
 * line separators are not: they are escaped byte by byte).
 */
void slot_print_escaped(FILE *out, const unsigned char *buf, size_t len,
			unsigned int flags);

/* Prints "prog: object: what: strerror(errnum)" on stderr. */
void slot_error(const char *prog, const char *object, const char *what,
		int errnum);

/*
 * The classic operations with their diagnostics, as message_sender and
 * message_reader (and slotctl send/recv) perform them. @p names the
 * program in messages. Return an exit status.
 */
int slot_send(const struct slot_prog *p, const char *path, unsigned int channel,
	      const void *msg, size_t len);
int slot_recv(const struct slot_prog *p, const char *path, unsigned int channel);

/*
 * Like gnulib's close_stdout(): output that cannot be written is an error
 * (a full disk, >/dev/full), reported as @prog; a stdout closed before
 * anything was written is not. Returns 0 or -1.
 */
int slot_close_stdout(const char *prog);

/*
 * A classic program: "NAME [--help] OPERANDS", @nargs operands of which
 * the first two are PATH and CHANNEL; @run does the work with the rest.
 */
struct slot_classic {
	const char *name;
	const char *operands;	/* "PATH CHANNEL MESSAGE" */
	const char *help;	/* what --help prints after the usage line */
	int nargs;
	int (*run)(const struct slot_prog *p, const char *path,
		   unsigned int channel, char **rest);
};

/*
 * The main() of a classic program: --help on stdout (exit 0); every other
 * failure, a usage error included, one line on stderr with strerror() and
 * exit 1, as SPEC Part 1 says.
 */
int slot_classic_main(const struct slot_classic *c, int argc, char **argv);

/*
 * Parses a slot minor: decimal digits only, 0..4294967294 (4294967295 is
 * MSG_SLOT_ANY_MINOR, never a minor). The range 0..255 is the driver's to
 * enforce. Returns 0 or -1 with errno = EINVAL.
 */
int slot_parse_minor(const char *text, unsigned int *minor);

/*
 * Sends control request @request (MSG_SLOT_CTL_ADD, _REMOVE or _CLEAR) for
 * slot @minor on the open control node @fd. Returns what the driver
 * returns (the new minor for MSG_SLOT_CTL_ADD, else 0), or -1 with errno.
 */
int slot_control(int fd, unsigned long request, unsigned int minor);

#endif /* MESSAGE_SLOT_UTILS_SLOT_H */
