// SPDX-License-Identifier: GPL-2.0
/* libslot: open a slot, select a channel, send and receive messages. */
#include "slot.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

int slot_parse_decimal(const char *text, unsigned long long max,
		       unsigned long long *value)
{
	char *end;

	/* strtoull() would wrap "-1" and skip leading blanks: refuse both. */
	if (text[0] < '0' || text[0] > '9')
		goto invalid;
	errno = 0;
	*value = strtoull(text, &end, 10);
	if (errno || *end != '\0' || *value > max)
		goto invalid;
	return 0;
invalid:
	errno = EINVAL;
	return -1;
}

int slot_parse_channel(const char *text, unsigned int *channel)
{
	unsigned long long value;
	char *end;

	if (!strncmp(text, "0x", 2) || !strncmp(text, "0X", 2)) {
		/* Hexadecimal digits, and at least one, after the prefix. */
		if (!strchr("0123456789abcdefABCDEF", text[2]) || !text[2])
			goto invalid;
		errno = 0;
		value = strtoull(text + 2, &end, 16);
		if (errno || *end != '\0' || value > UINT32_MAX)
			goto invalid;
	} else if (slot_parse_decimal(text, UINT32_MAX, &value)) {
		return -1;
	}
	*channel = (unsigned int)value;
	return 0;
invalid:
	errno = EINVAL;
	return -1;
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

/*
 * Who may open @path, when we may not: the group that may (and how to
 * join it), else the ways to open the node up.
 */
static const char *access_hint(const char *path, char *buf, size_t size)
{
	struct group *g = NULL;
	struct stat st;

	if (!stat(path, &st) && st.st_gid && (st.st_mode & S_IRWXG))
		g = getgrgid(st.st_gid);
	if (g)
		snprintf(buf, size,
			 "the node is for root and group %s: join it (sudo usermod -aG %s $USER, then log in again) or use sudo",
			 g->gr_name, g->gr_name);
	else
		snprintf(buf, size,
			 "use sudo, or give the node to group " SLOT_GROUP " (chgrp " SLOT_GROUP ", chmod 0660) or make it with mknod -m 0666");
	return buf;
}

const char *slot_explain(const struct slot_failure *f, char *buf, size_t size,
			 bool *hint)
{
	*hint = f->err == EACCES;
	switch (f->step) {
	case SLOT_STEP_OPEN:
		if (f->err == EACCES)
			return access_hint(f->path, buf, size);
		if (f->err == ENXIO)
			return "module not loaded: no " SLOT_MODULE " driver has this node's major";
		break;
	case SLOT_STEP_SELECT:
		if (f->err == ENOTTY)
			return "not a message slot";
		if (f->err == EINVAL && !f->channel)
			return "channel 0 is not a channel: ids are 1 to 4294967295";
		break;
	case SLOT_STEP_WRITE:
		if (f->err == EMSGSIZE && !f->len)
			return "the message is empty: it must have 1 to 128 bytes";
		if (f->err == EMSGSIZE)
			return "the message is longer than 128 bytes";
		if (f->err == EDQUOT)
			return "the slot's byte quota (module parameter quota) is used up";
		break;
	case SLOT_STEP_READ:
		if (f->err == EWOULDBLOCK) {
			snprintf(buf, size, "no message on channel %u yet", f->channel);
			return buf;
		}
		break;
	case SLOT_STEP_CONTROL_OPEN:
		if (f->err == EACCES)
			return "only root may use the control node: use sudo";
		break;
	case SLOT_STEP_CONTROL:
		if (f->err == EPERM)
			return "needs CAP_SYS_ADMIN (use sudo)";
		break;
	}
	return NULL;
}

void slot_fail(const struct slot_prog *p, const char *object, const char *what,
	       const struct slot_failure *f)
{
	char buf[256];
	bool hint;
	const char *why = slot_explain(f, buf, sizeof(buf), &hint);

	if (!why)
		slot_error(p->name, object, what, f->err);
	else if (p->classic || hint)
		fprintf(stderr, "%s: %s: %s: %s (%s)\n", p->name, object, what,
			strerror(f->err), why);
	else
		fprintf(stderr, "%s: %s: %s\n", p->name, object, why);
}

int slot_open_channel(const struct slot_prog *p, const char *path,
		      unsigned int channel, int flags)
{
	struct slot_failure f = { .path = path, .channel = channel };
	int fd;

	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0) {
		f.step = SLOT_STEP_OPEN;
		f.err = errno;
		slot_fail(p, path, "cannot open", &f);
		return -1;
	}
	f.err = -msgslot_set_channel(fd, channel);
	if (f.err) {
		f.step = SLOT_STEP_SELECT;
		close(fd);
		slot_fail(p, path, "cannot select the channel", &f);
		return -1;
	}
	return fd;
}

int slot_send(const struct slot_prog *p, const char *path, unsigned int channel,
	      const void *msg, size_t len)
{
	struct slot_failure f = {
		.step = SLOT_STEP_WRITE, .path = path, .channel = channel,
		.len = len,
	};
	int fd = slot_open_channel(p, path, channel, O_WRONLY);

	if (fd < 0)
		return SLOT_EXIT_FAILURE;
	f.err = -msgslot_send(fd, msg, len);
	if (f.err) {
		slot_fail(p, path, "cannot write the message", &f);
		close(fd);
		return SLOT_EXIT_FAILURE;
	}
	if (close(fd)) {
		slot_error(p->name, path, "cannot close", errno);
		return SLOT_EXIT_FAILURE;
	}
	return SLOT_EXIT_OK;
}

int slot_recv(const struct slot_prog *p, const char *path, unsigned int channel)
{
	struct slot_failure f = {
		.step = SLOT_STEP_READ, .path = path, .channel = channel,
	};
	char buf[BUF_LEN];
	ssize_t len;
	int fd;

	fd = slot_open_channel(p, path, channel, O_RDONLY);
	if (fd < 0)
		return SLOT_EXIT_FAILURE;
	len = msgslot_recv(fd, buf, sizeof(buf));
	if (len < 0) {
		f.err = (int)-len;
		slot_fail(p, path, "cannot read the message", &f);
		close(fd);
		return SLOT_EXIT_FAILURE;
	}
	close(fd);
	if (slot_write_all(STDOUT_FILENO, buf, (size_t)len)) {
		slot_error(p->name, "standard output", "cannot write", errno);
		return SLOT_EXIT_FAILURE;
	}
	return SLOT_EXIT_OK;
}

int slot_close_stdout(const char *prog)
{
	bool pending = __fpending(stdout) > 0;
	bool failed = ferror(stdout);

	errno = 0;
	if (fclose(stdout) && (pending || errno != EBADF))
		failed = true;
	if (failed) {
		slot_error(prog, "standard output", "cannot write",
			   errno ? errno : EIO);
		return -1;
	}
	return 0;
}

int slot_parse_minor(const char *text, unsigned int *minor)
{
	unsigned long long value;

	/* MSG_SLOT_ANY_MINOR is never a minor. */
	if (slot_parse_decimal(text, MSG_SLOT_ANY_MINOR - 1ULL, &value))
		return -1;
	*minor = (unsigned int)value;
	return 0;
}

int slot_control(int fd, unsigned long request, unsigned int minor)
{
	/* flags and reserved must be zero: the driver refuses anything else. */
	struct msg_slot_ctl ctl = { .minor = minor };

	return ioctl(fd, request, &ctl);
}

/*
 * The length of the well-formed UTF-8 sequence of a printable character
 * at @s (of @n bytes), or 0: overlong forms, surrogates, code points past
 * U+10FFFF, C1 controls, bidirectional controls (which reorder what a
 * terminal shows) and the line and paragraph separators are not text.
 */
static size_t utf8_text(const unsigned char *s, size_t n)
{
	unsigned int cp;
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	cp = s[0] & (0x7f >> len);
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || cp < 0xa0 || (cp >= 0xd800 && cp <= 0xdfff) ||
	    cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return len;
}

void slot_print_escaped(FILE *out, const unsigned char *buf, size_t len,
			unsigned int flags)
{
	size_t i = 0, n;

	while (i < len) {
		unsigned char c = buf[i];

		if (c > 0x20 && c < 0x7f && c != '\\') {
			putc(c, out);
			i++;
		} else if (c == ' ' && !(flags & SLOT_ESCAPE_SPACE)) {
			putc(c, out);
			i++;
		} else if (flags & SLOT_ESCAPE_UTF8 && (n = utf8_text(buf + i, len - i))) {
			fwrite(buf + i, 1, n, out);
			i += n;
		} else {
			fprintf(out, "\\x%02x", c);
			i++;
		}
	}
}
