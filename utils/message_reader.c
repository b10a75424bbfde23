// SPDX-License-Identifier: GPL-2.0
/* message_reader PATH CHANNEL: print the channel's message, bytes only. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "slot.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "message_reader: usage: message_reader PATH CHANNEL: %s\n",
			strerror(EINVAL));
		return SLOT_EXIT_FAILURE;
	}
	return slot_recv("message_reader", argv[1], argv[2]);
}
