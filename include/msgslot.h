/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * msgslot.h - libmsgslot, the C library for message_slot devices.
 *
 * A message slot is a character device whose open files each select a
 * channel; a write stores a message of 1 to MSGSLOT_MESSAGE_MAX bytes on
 * that channel and a read returns the channel's last message without
 * consuming it. The library opens slots by path, device name or minor
 * (resolved through libudev), selects channels, sends, receives, waits
 * for new messages and reads a slot's counters.
 *
 * Every function that can fail returns a negative errno value (-ENODEV,
 * -EMSGSIZE, ...), which strerror(-ret) describes; errno itself is
 * unspecified afterwards, as libudev sets it as it goes.
 * See msgslot(3).
 *
 * Build with: cc prog.c $(pkg-config --cflags --libs msgslot)
 */
#ifndef MSGSLOT_H
#define MSGSLOT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The longest message a channel holds, in bytes (the driver's BUF_LEN). */
#define MSGSLOT_MESSAGE_MAX	128

/* A slot device as udev sees it (class "message_slot"). */
struct msgslot_device {
	char name[64];		/* sysname: "slot0" */
	char node[256];		/* "/dev/message_slot/slot0"; "" if none */
	unsigned int major;
	unsigned int minor;
};

/*
 * A slot's counters (Documentation/ABI/testing/sysfs-class-message_slot),
 * -1 where one could not be read. Extensible: callers pass sizeof(), and
 * later versions only ever add fields at the end.
 */
struct msgslot_stats {
	int64_t channels;	/* channels holding a message */
	int64_t bytes;		/* bytes stored in all of them */
	int64_t writes;		/* messages written */
	int64_t reads;		/* messages read */
	int64_t open_files;	/* open files of the slot */
};

/* Opening a slot and choosing a channel: msgslot_open(3). */
int msgslot_open(const char *slot, int flags);
int msgslot_set_channel(int fd, unsigned int channel);

/* Messages: msgslot_send(3). */
int msgslot_send(int fd, const void *msg, size_t len);
ssize_t msgslot_recv(int fd, void *buf, size_t size);
ssize_t msgslot_wait(int fd, void *buf, size_t size, int timeout_ms);

/* Finding slot devices: msgslot_find(3). */
int msgslot_find(const char *slot, struct msgslot_device *dev);
int msgslot_list(struct msgslot_device **list, size_t *count);
int msgslot_minor(const char *slot, unsigned int *minor);
int msgslot_control_node(char *buf, size_t size);

/* Counters and versions: msgslot_stats(3). */
int msgslot_stats(const char *slot, struct msgslot_stats *stats, size_t size);
int msgslot_module_version(char *buf, size_t size);
const char *msgslot_version(void);

#ifdef __cplusplus
}
#endif

#endif /* MSGSLOT_H */
