// SPDX-License-Identifier: GPL-2.0
/*
 * message_slot: the control node /dev/message_slot/control, a misc device
 * in the spirit of /dev/loop-control: add and remove slot devices, clear a
 * slot's messages. Every request changes state, so every request needs
 * CAP_SYS_ADMIN (the node itself is root-only too).
 */
#include "internal.h"

#include <linux/capability.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

/* Drops every message of slot @minor. */
static int ms_control_clear(unsigned int minor)
{
	struct ms_slot *slot;

	if (minor >= MS_MINORS)
		return -EINVAL;
	slot = ms_slot_find(minor);
	if (!slot)
		return -ENODEV;
	ms_channel_table_clear(slot);
	ms_slot_put(slot);
	return 0;
}

static long ms_control_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	struct msg_slot_ctl ctl;

	if (cmd != MSG_SLOT_CTL_ADD && cmd != MSG_SLOT_CTL_REMOVE &&
	    cmd != MSG_SLOT_CTL_CLEAR)
		return -ENOTTY;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&ctl, (void __user *)arg, sizeof(ctl)))
		return -EFAULT;
	/* Reserved for later extensions: refuse what we do not understand. */
	if (ctl.flags || ctl.reserved)
		return -EINVAL;

	switch (cmd) {
	case MSG_SLOT_CTL_ADD:
		return ms_slot_add(ctl.minor);
	case MSG_SLOT_CTL_REMOVE:
		return ms_slot_remove(ctl.minor);
	default:
		return ms_control_clear(ctl.minor);
	}
}

/* Refused until module init has succeeded, like the slot nodes. */
static int ms_control_open(struct inode *inode, struct file *file)
{
	if (!ms_open_allowed())
		return -ENXIO;
	return nonseekable_open(inode, file);
}

static const struct file_operations ms_control_fops = {
	.owner = THIS_MODULE,
	.open = ms_control_open,
	.unlocked_ioctl = ms_control_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice ms_control_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "message_slot_control",
	.nodename = KBUILD_MODNAME "/control",
	.mode = 0600,
	.fops = &ms_control_fops,
};

/**
 * ms_control_register() - register the control node
 *
 * Context: module init, after the slot devices can be created.
 * Return: 0 or a negative errno.
 */
int ms_control_register(void)
{
	return misc_register(&ms_control_dev);
}

/**
 * ms_control_unregister() - unregister the control node
 *
 * Context: module exit, first, so no request races the teardown.
 */
void ms_control_unregister(void)
{
	misc_deregister(&ms_control_dev);
}
