// SPDX-License-Identifier: GPL-2.0
/* message_sender PATH CHANNEL MESSAGE: store MESSAGE (without its NUL). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "slot.h"

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "message_sender: usage: message_sender PATH CHANNEL MESSAGE: %s\n",
			strerror(EINVAL));
		return SLOT_EXIT_FAILURE;
	}
	return slot_send("message_sender", argv[1], argv[2], argv[3],
			 strlen(argv[3]));
}
