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

/*
 * The control node, /dev/message_slot/control, manages slot devices. Every
 * request takes a struct msg_slot_ctl and needs CAP_SYS_ADMIN. Requests:
 *
 * MSG_SLOT_CTL_ADD     create the device of slot @minor, or of the lowest
 *                      minor with no slot at all (no device, not opened
 *                      through a mknod node) if @minor is
 *                      MSG_SLOT_ANY_MINOR; returns the minor
 * MSG_SLOT_CTL_REMOVE  remove the device of slot @minor and free its
 *                      messages; EBUSY while any file has the slot open
 * MSG_SLOT_CTL_CLEAR   drop every message of slot @minor; open files keep
 *                      their channels
 */
struct msg_slot_ctl {
	__u32 minor;		/* slot minor, 0..255 */
	__u32 flags;		/* must be 0 */
	__u64 reserved;		/* must be 0 */
};

#define MSG_SLOT_ANY_MINOR 0xffffffffU

#define MSG_SLOT_CTL_ADD	_IOW(MAJOR_NUM, 0x10, struct msg_slot_ctl)
#define MSG_SLOT_CTL_REMOVE	_IOW(MAJOR_NUM, 0x11, struct msg_slot_ctl)
#define MSG_SLOT_CTL_CLEAR	_IOW(MAJOR_NUM, 0x12, struct msg_slot_ctl)

#endif /* _UAPI_LINUX_MESSAGE_SLOT_H */
