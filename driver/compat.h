/* SPDX-License-Identifier: GPL-2.0 */
/*
 * message_slot: every difference between the kernel versions the driver
 * supports (6.1 to 6.12) is bridged here and nowhere else.
 */
#ifndef _MESSAGE_SLOT_COMPAT_H
#define _MESSAGE_SLOT_COMPAT_H

#include <linux/compiler.h>
#include <linux/version.h>

/* __counted_by() arrived in 6.5; before it the annotation is only lost. */
#ifndef __counted_by
#define __counted_by(member)
#endif

#endif /* _MESSAGE_SLOT_COMPAT_H */
