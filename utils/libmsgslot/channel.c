// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libmsgslot: channels and messages on an open slot. Nothing here needs
 * libudev, so that a program using only these links without it.
 */
#include <msgslot.h>

#include <errno.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/message_slot.h>

#include "internal.h"

/**
 * msgslot_set_channel() - select the channel the file's reads and writes use
 * @fd: an open slot
 * @channel: 1 to UINT32_MAX
 *
 * Return: 0, or -EINVAL (channel 0), -ENOTTY (not a slot), -errno.
 */
int msgslot_set_channel(int fd, unsigned int channel)
{
	return ioctl(fd, MSG_SLOT_CHANNEL, channel) ? ms_neg_errno() : 0;
}

/**
 * msgslot_send() - store a message as the channel's new one
 * @fd: an open slot with a channel selected
 * @msg: the message
 * @len: 1 to MSGSLOT_MESSAGE_MAX
 *
 * The driver stores all of it or nothing.
 *
 * Return: 0, or -EMSGSIZE (empty or too long), -EINVAL (no channel), -errno.
 */
int msgslot_send(int fd, const void *msg, size_t len)
{
	ssize_t n = write(fd, msg, len);

	if (n < 0)
		return ms_neg_errno();
	/* The driver stores all or nothing: a short count is a bug. */
	return (size_t)n == len ? 0 : -EIO;
}

/**
 * msgslot_recv() - copy the channel's message, leaving it in place
 * @fd: an open slot with a channel selected
 * @buf: where to copy it
 * @size: the size of @buf; MSGSLOT_MESSAGE_MAX always suffices
 *
 * Return: the message's length, or -EWOULDBLOCK (no message), -ENOSPC
 * (@buf too small), -EINVAL (no channel), -errno.
 */
ssize_t msgslot_recv(int fd, void *buf, size_t size)
{
	ssize_t n = read(fd, buf, size);

	return n < 0 ? ms_neg_errno() : n;
}

/* Milliseconds left until @end, at least 0; -1 (for ever) if @end is NULL. */
static int ms_left(const struct timespec *end)
{
	struct timespec now;
	long long ms;

	if (!end)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (end->tv_sec - now.tv_sec) * 1000LL +
	     (end->tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? (int)ms : 0;
}

/**
 * msgslot_wait() - wait for a message this file has not read, then read it
 * @fd: an open slot with a channel selected
 * @buf: where to copy it
 * @size: the size of @buf
 * @timeout_ms: how long to wait; -1 for ever, 0 not at all
 *
 * A message that is cleared between the wake-up and the read is waited
 * past. Interrupted poll(2) calls are restarted with the time left.
 *
 * Return: the message's length, or -ETIMEDOUT, -errno.
 */
ssize_t msgslot_wait(int fd, void *buf, size_t size, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct timespec end, *endp = NULL;

	if (timeout_ms >= 0) {
		clock_gettime(CLOCK_MONOTONIC, &end);
		end.tv_sec += timeout_ms / 1000;
		end.tv_nsec += (timeout_ms % 1000) * 1000000L;
		if (end.tv_nsec >= 1000000000L) {
			end.tv_sec++;
			end.tv_nsec -= 1000000000L;
		}
		endp = &end;
	}
	for (;;) {
		ssize_t n;
		int r = poll(&p, 1, ms_left(endp));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return ms_neg_errno();
		if (r == 0)
			return -ETIMEDOUT;
		n = msgslot_recv(fd, buf, size);
		/* Cleared between poll() and read(): wait for the next one. */
		if (n != -EWOULDBLOCK)
			return n;
	}
}

/**
 * msgslot_version() - the library's version
 *
 * Return: a constant string, "0.6" for instance.
 */
const char *msgslot_version(void)
{
	return MSGSLOT_LIB_VERSION;
}
