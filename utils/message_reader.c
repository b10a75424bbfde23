// SPDX-License-Identifier: GPL-2.0
/* message_reader PATH CHANNEL: print the channel's message, bytes only. */
#include "slot.h"

static int read_message(const struct slot_prog *p, const char *path,
			unsigned int channel, char **rest)
{
	(void)rest;
	return slot_recv(p, path, channel);
}

static const struct slot_classic reader = {
	.name = "message_reader",
	.operands = "PATH CHANNEL",
	.help =
		"Print the last message of channel CHANNEL (1 to 4294967295, decimal\n"
		"or 0x-hexadecimal) of the message slot PATH: exactly its bytes, with\n"
		"no newline. The message stays on the channel.\n\n"
		"Exit status: 0 success, 1 any failure (a line on stderr says why).\n"
		"See message_reader(1).\n",
	.nargs = 2,
	.run = read_message,
};

int main(int argc, char **argv)
{
	return slot_classic_main(&reader, argc, argv);
}
