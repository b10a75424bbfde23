// SPDX-License-Identifier: GPL-2.0
/*
 * slot_poll - wait for a message on a slot channel, for the guest shell
 * tests (tests/guest/poll_rmmod.sh).
 *
 *	slot_poll [-e] PATH CHANNEL TIMEOUT_MS
 *
 * Opens PATH, selects CHANNEL, waits for EPOLLIN with poll(2) (with
 * epoll_wait(2) under -e) for at most TIMEOUT_MS (-1: forever), then
 * prints the channel's message with write(2) and exits 0. Exits 1 with a
 * line on stderr if the wait timed out or a step failed, 2 on a usage
 * error.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/message_slot.h>

static int fail(const char *what)
{
	fprintf(stderr, "slot_poll: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	char buf[BUF_LEN];
	int use_epoll = 0, fd, n, timeout;
	unsigned long ch;
	ssize_t len;

	if (argc > 1 && strcmp(argv[1], "-e") == 0) {
		use_epoll = 1;
		argv++;
		argc--;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: slot_poll [-e] PATH CHANNEL TIMEOUT_MS\n");
		return 2;
	}
	ch = strtoul(argv[2], NULL, 0);
	timeout = atoi(argv[3]);

	fd = open(argv[1], O_RDWR);
	if (fd < 0)
		return fail(argv[1]);
	if (ioctl(fd, MSG_SLOT_CHANNEL, ch))
		return fail("ioctl");
	if (use_epoll) {
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
		int ep = epoll_create1(0);

		if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
			return fail("epoll");
		n = epoll_wait(ep, &ev, 1, timeout);
		if (n < 0)
			return fail("epoll_wait");
	} else {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		n = poll(&p, 1, timeout);
		if (n < 0)
			return fail("poll");
	}
	if (n == 0) {
		fprintf(stderr, "slot_poll: timed out after %d ms\n", timeout);
		return 1;
	}
	len = read(fd, buf, sizeof(buf));
	if (len < 0)
		return fail("read");
	if (write(STDOUT_FILENO, buf, (size_t)len) != len)
		return fail("write");
	return 0;
}
