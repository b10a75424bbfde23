/* SPDX-License-Identifier: GPL-2.0 */
/*
 * message_slot: every difference between the kernel versions the driver
 * supports (6.1 to 6.12) is bridged here and nowhere else.
 */
#ifndef _MESSAGE_SLOT_COMPAT_H
#define _MESSAGE_SLOT_COMPAT_H

#include <linux/version.h>

/* struct class's devnode() takes a const device since 6.2. */
#if KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE
#define MS_DEVNODE_CONST const
#else
#define MS_DEVNODE_CONST
#endif

#endif /* _MESSAGE_SLOT_COMPAT_H */
