// SPDX-License-Identifier: GPL-2.0
/*
 * slot_fill - write or check one message on each of many channels, for the
 * guest shell tests (tests/guest/memory.sh).
 *
 *	slot_fill [-c] [-s] PATH COUNT LEN
 *
 * Opens PATH and, for each channel id 1..COUNT, selects it and writes LEN
 * bytes derived from the id, stopping at the first failure. With -c it
 * reads each channel back instead and compares. With -s it locks its pages
 * in memory (mlockall) and stops itself (SIGSTOP) before the first write,
 * so that a parent can measure its memory and set a memory cgroup limit
 * before sending SIGCONT: after that the loop allocates no user memory,
 * and only the driver's allocations can hit the limit.
 *
 * It prints nothing while filling: under a full memory cgroup even a line
 * on a pipe could need memory. The exit status says how the fill ended:
 *	0  every channel written (or checked)
 *	1  PATH could not be opened, or -c found a wrong or missing message
 *	   (a line on stderr says which)
 *	2  usage error
 *	3  write(2) failed with ENOMEM
 *	4  the ioctl(2) that creates a channel failed with ENOMEM
 *	5  another error (a line on stderr says which)
 * The number of messages written is the slot's sysfs "channels" counter.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/message_slot.h>

/* The message of channel @id: @len bytes that differ from id to id. */
static void id_message(uint32_t id, unsigned char *buf, size_t len)
{
	uint32_t h = id * 0x9e3779b1u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= h >> 15;
		h *= 0x2c1b3c6du;
		buf[i] = (unsigned char)(h >> 24);
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: slot_fill [-c] [-s] PATH COUNT LEN\n");
	return 2;
}

static int check(int fd, uint32_t count, size_t len)
{
	unsigned char want[BUF_LEN], got[BUF_LEN];
	uint32_t id;
	ssize_t n;

	for (id = 1; id <= count; id++) {
		id_message(id, want, len);
		if (ioctl(fd, MSG_SLOT_CHANNEL, id)) {
			fprintf(stderr, "slot_fill: ioctl %u: %s\n", id, strerror(errno));
			return 1;
		}
		n = read(fd, got, sizeof(got));
		if (n != (ssize_t)len || memcmp(got, want, len)) {
			fprintf(stderr, "slot_fill: channel %u: read %zd (%s), expected its %zu bytes\n",
				id, n, n < 0 ? strerror(errno) : "other bytes", len);
			return 1;
		}
	}
	return 0;
}

/* Exit status for a failed step, see the header. */
static int failed(const char *what, uint32_t id, int is_write)
{
	int err = errno;

	if (err == ENOMEM)
		return is_write ? 3 : 4;
	fprintf(stderr, "slot_fill: %s of channel %u: %s\n", what, id, strerror(err));
	return 5;
}

static int fill(int fd, uint32_t count, size_t len)
{
	unsigned char msg[BUF_LEN];
	uint32_t id;

	for (id = 1; id <= count; id++) {
		id_message(id, msg, len);
		if (ioctl(fd, MSG_SLOT_CHANNEL, id))
			return failed("ioctl", id, 0);
		if (write(fd, msg, len) != (ssize_t)len)
			return failed("write", id, 1);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int checking = 0, stop = 0, opt, fd;
	unsigned long count, len;
	char *end;

	while ((opt = getopt(argc, argv, "cs")) != -1) {
		if (opt == 'c')
			checking = 1;
		else if (opt == 's')
			stop = 1;
		else
			return usage();
	}
	if (argc - optind != 3)
		return usage();
	count = strtoul(argv[optind + 1], &end, 0);
	if (*end || count == 0 || count > UINT32_MAX)
		return usage();
	len = strtoul(argv[optind + 2], &end, 0);
	if (*end || len == 0 || len > BUF_LEN)
		return usage();

	fd = open(argv[optind], O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "slot_fill: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	if (checking)
		return check(fd, (uint32_t)count, len);
	if (stop) {
		if (mlockall(MCL_CURRENT | MCL_FUTURE)) {
			fprintf(stderr, "slot_fill: mlockall: %s\n", strerror(errno));
			return 5;
		}
		raise(SIGSTOP);
	}
	return fill(fd, (uint32_t)count, len);
}
