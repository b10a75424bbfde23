// SPDX-License-Identifier: GPL-2.0
/* libslot: open a slot, select a channel, send and receive messages. */
#include "slot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

int slot_parse_channel(const char *text, unsigned int *channel)
{
	unsigned long long value;
	int base = 10;
	char *end;

	if (!strncmp(text, "0x", 2) || !strncmp(text, "0X", 2))
		base = 16;
	/* strtoull() would wrap "-1" and skip leading blanks: refuse both. */
	if (text[0] < '0' || text[0] > '9')
		goto invalid;
	errno = 0;
	value = strtoull(text, &end, base);
	if (errno || *end != '\0' || value > UINT32_MAX)
		goto invalid;
	*channel = (unsigned int)value;
	return 0;
invalid:
	errno = EINVAL;
	return -1;
}

int slot_set_channel(int fd, unsigned int channel)
{
	return ioctl(fd, MSG_SLOT_CHANNEL, channel);
}

int slot_write_message(int fd, const void *msg, size_t len)
{
	ssize_t n = write(fd, msg, len);

	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		/* The driver stores all or nothing: a short count is a bug. */
		errno = EIO;
		return -1;
	}
	return 0;
}

ssize_t slot_read_message(int fd, void *buf, size_t size)
{
	return read(fd, buf, size);
}

int slot_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void slot_error(const char *prog, const char *object, const char *what,
		int errnum)
{
	fprintf(stderr, "%s: %s: %s: %s\n", prog, object, what,
		strerror(errnum));
}

int slot_open_channel(const char *prog, const char *path, const char *channel,
		      int flags)
{
	unsigned int id;
	int fd;

	if (slot_parse_channel(channel, &id)) {
		slot_error(prog, channel, "invalid channel id", errno);
		return -1;
	}
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0) {
		slot_error(prog, path, "cannot open", errno);
		return -1;
	}
	if (slot_set_channel(fd, id)) {
		int err = errno;

		close(fd);
		slot_error(prog, path, "cannot select the channel", err);
		return -1;
	}
	return fd;
}

int slot_send(const char *prog, const char *path, const char *channel,
	      const void *msg, size_t len)
{
	int fd = slot_open_channel(prog, path, channel, O_WRONLY);

	if (fd < 0)
		return SLOT_EXIT_FAILURE;
	if (slot_write_message(fd, msg, len)) {
		slot_error(prog, path, "cannot write the message", errno);
		close(fd);
		return SLOT_EXIT_FAILURE;
	}
	if (close(fd)) {
		slot_error(prog, path, "cannot close", errno);
		return SLOT_EXIT_FAILURE;
	}
	return SLOT_EXIT_OK;
}

int slot_recv(const char *prog, const char *path, const char *channel)
{
	char buf[BUF_LEN];
	ssize_t len;
	int fd;

	fd = slot_open_channel(prog, path, channel, O_RDONLY);
	if (fd < 0)
		return SLOT_EXIT_FAILURE;
	len = slot_read_message(fd, buf, sizeof(buf));
	if (len < 0) {
		slot_error(prog, path, "cannot read the message", errno);
		close(fd);
		return SLOT_EXIT_FAILURE;
	}
	close(fd);
	if (slot_write_all(STDOUT_FILENO, buf, (size_t)len)) {
		slot_error(prog, "standard output", "cannot write", errno);
		return SLOT_EXIT_FAILURE;
	}
	return SLOT_EXIT_OK;
}

int slot_parse_minor(const char *text, unsigned int *minor)
{
	unsigned long long value;
	char *end;

	/* Digits only: no sign, no blanks, no hexadecimal. */
	if (text[0] < '0' || text[0] > '9')
		goto invalid;
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno || *end != '\0' || value >= MSG_SLOT_ANY_MINOR)
		goto invalid;
	*minor = (unsigned int)value;
	return 0;
invalid:
	errno = EINVAL;
	return -1;
}

int slot_control(int fd, unsigned long request, unsigned int minor)
{
	/* flags and reserved must be zero: the driver refuses anything else. */
	struct msg_slot_ctl ctl = { .minor = minor };

	return ioctl(fd, request, &ctl);
}

void slot_print_escaped(FILE *out, const unsigned char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] >= 0x20 && buf[i] < 0x7f && buf[i] != '\\')
			putc(buf[i], out);
		else
			fprintf(out, "\\x%02x", buf[i]);
	}
}

ssize_t slot_wait_message(int fd, void *buf, size_t size)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	for (;;) {
		ssize_t n;

		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		n = slot_read_message(fd, buf, size);
		/* Cleared between poll() and read(): wait for the next one. */
		if (n >= 0 || errno != EWOULDBLOCK)
			return n;
	}
}
