/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * message_slot: the user-space ABI of the message slot driver.
 *
 * A message slot is a character device (major MAJOR_NUM, one slot per
 * minor). Each open file selects a channel with MSG_SLOT_CHANNEL, passing
 * the channel id by value; write() stores a message of 1..BUF_LEN bytes on
 * that channel and read() returns the channel's last message without
 * consuming it. See Documentation/userspace-api/message_slot.rst.
 */
#ifndef _UAPI_LINUX_MESSAGE_SLOT_H
#define _UAPI_LINUX_MESSAGE_SLOT_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* The default major number; the module parameter "major" can change it. */
#define MAJOR_NUM 235

/* The largest message, in bytes. Messages hold 1..BUF_LEN bytes. */
#define BUF_LEN 128

/*
 * Select the channel of this open file: ioctl(fd, MSG_SLOT_CHANNEL, id),
 * id a non-zero 32-bit value passed by value. The driver also accepts the
 * same request encoded with an unsigned long argument.
 */
#define MSG_SLOT_CHANNEL _IOW(MAJOR_NUM, 0, unsigned int)

#endif /* _UAPI_LINUX_MESSAGE_SLOT_H */
