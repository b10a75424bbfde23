/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libslot: the small library behind message_sender, message_reader and
 * slotctl. Each operation exists once here; the programs only parse their
 * arguments and call it.
 */
#ifndef MESSAGE_SLOT_UTILS_SLOT_H
#define MESSAGE_SLOT_UTILS_SLOT_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include <linux/message_slot.h>

/* Exit statuses shared by every program. */
enum {
	SLOT_EXIT_OK = 0,
	SLOT_EXIT_FAILURE = 1,
	SLOT_EXIT_USAGE = 2,
};

/*
 * Parses a channel id: decimal or 0x-prefixed hexadecimal, 0..UINT32_MAX.
 * 0 is accepted here so that the driver, the authority on ids, rejects it.
 * Returns 0, or -1 with errno = EINVAL.
 */
int slot_parse_channel(const char *text, unsigned int *channel);

/* Selects @channel on the open slot @fd. Returns 0 or -1 with errno set. */
int slot_set_channel(int fd, unsigned int channel);

/* Writes a whole message. Returns 0 or -1 with errno set. */
int slot_write_message(int fd, const void *msg, size_t len);

/*
 * Reads the channel's message into @buf (BUF_LEN bytes). Returns its
 * length or -1 with errno set.
 */
ssize_t slot_read_message(int fd, void *buf, size_t size);

/* Writes all of @buf to @fd, retrying short writes. 0 or -1 with errno. */
int slot_write_all(int fd, const void *buf, size_t len);

/*
 * Opens @path with @flags and selects @channel (text, as on a command line);
 * on failure reports as @prog and returns -1.
 */
int slot_open_channel(const char *prog, const char *path, const char *channel,
		      int flags);

/*
 * Waits with poll() until the channel holds a message this file has not
 * read, then reads it into @buf. Returns its length or -1 with errno set.
 */
ssize_t slot_wait_message(int fd, void *buf, size_t size);

/*
 * Prints @len bytes with printable ASCII as it is and every other byte,
 * and the backslash, as \xHH: the format of the debugfs dump.
 */
void slot_print_escaped(FILE *out, const unsigned char *buf, size_t len);

/* Prints "prog: object: what: strerror(errnum)" on stderr. */
void slot_error(const char *prog, const char *object, const char *what,
		int errnum);

/*
 * The classic operations with their diagnostics, as message_sender and
 * message_reader (and slotctl send/recv) perform them. @prog names the
 * program in messages. Return an exit status.
 */
int slot_send(const char *prog, const char *path, const char *channel,
	      const void *msg, size_t len);
int slot_recv(const char *prog, const char *path, const char *channel);

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
