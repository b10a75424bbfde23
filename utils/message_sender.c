// SPDX-License-Identifier: GPL-2.0
/* message_sender PATH CHANNEL MESSAGE: store MESSAGE (without its NUL). */
#include <string.h>

#include "slot.h"

static int send_message(const struct slot_prog *p, const char *path,
			unsigned int channel, char **rest)
{
	return slot_send(p, path, channel, rest[0], strlen(rest[0]));
}

static const struct slot_classic sender = {
	.name = "message_sender",
	.operands = "PATH CHANNEL MESSAGE",
	.help =
		"Store MESSAGE, without its terminating NUL, as the message of channel\n"
		"CHANNEL (1 to 4294967295, decimal or 0x-hexadecimal) of the message\n"
		"slot PATH, replacing the previous one. A message has 1 to 128 bytes.\n"
		"Options are accepted only before PATH, so MESSAGE may start with '-'.\n\n"
		"Exit status: 0 success, 1 any failure (a line on stderr says why).\n"
		"See message_sender(1).\n",
	.nargs = 3,
	.run = send_message,
};

int main(int argc, char **argv)
{
	return slot_classic_main(&sender, argc, argv);
}
