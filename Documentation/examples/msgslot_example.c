// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * msgslot_example.c - libmsgslot in a few lines: store a message on a
 * channel of a slot, read it back, print the slot's counters.
 *
 *	cc msgslot_example.c $(pkg-config --cflags --libs msgslot)
 *	./a.out [SLOT [CHANNEL [MESSAGE]]]     (default: slot0 1 "hello")
 */
#include <msgslot.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *slot = argc > 1 ? argv[1] : "slot0";
	unsigned int channel = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 0) : 1;
	const char *msg = argc > 3 ? argv[3] : "hello";
	char buf[MSGSLOT_MESSAGE_MAX];
	struct msgslot_stats st;
	ssize_t len;
	int fd, ret;

	fd = msgslot_open(slot, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", slot, strerror(-fd));
		return 1;
	}
	ret = msgslot_set_channel(fd, channel);
	if (!ret)
		ret = msgslot_send(fd, msg, strlen(msg));
	len = ret ? ret : msgslot_recv(fd, buf, sizeof(buf));
	close(fd);
	if (len < 0) {
		fprintf(stderr, "%s: channel %u: %s\n", slot, channel,
			strerror((int)-len));
		return 1;
	}
	printf("channel %u holds \"%.*s\"\n", channel, (int)len, buf);

	ret = msgslot_stats(slot, &st, sizeof(st));
	if (ret) {
		fprintf(stderr, "%s: counters: %s\n", slot, strerror(-ret));
		return 1;
	}
	printf("%s: %lld channels, %lld bytes, %lld writes, %lld reads\n", slot,
	       (long long)st.channels, (long long)st.bytes,
	       (long long)st.writes, (long long)st.reads);
	return 0;
}
