// SPDX-License-Identifier: GPL-2.0
/*
 * message_slot: module initialisation and exit, and the module parameters.
 *
 * A message slot is a character device: each open file selects a channel
 * with an ioctl, write() stores a message on it and read() returns the
 * channel's last message without consuming it. See internal.h for the
 * theory of operation.
 */
#include "internal.h"

#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kdev_t.h>
#include <linux/module.h>

static int major = MAJOR_NUM;
module_param(major, int, 0444);
MODULE_PARM_DESC(major, "Major device number (default 235, 0 = pick a free one)");

static struct cdev ms_cdev;
static dev_t ms_devt;

static int ms_region_register(void)
{
	int err;

	if (major < 0 || major >= CHRDEV_MAJOR_MAX) {
		pr_err("major %d is out of range 0..%d\n", major,
		       CHRDEV_MAJOR_MAX - 1);
		return -EINVAL;
	}
	if (major) {
		ms_devt = MKDEV(major, 0);
		err = register_chrdev_region(ms_devt, MS_MINORS, KBUILD_MODNAME);
	} else {
		err = alloc_chrdev_region(&ms_devt, 0, MS_MINORS, KBUILD_MODNAME);
	}
	if (err)
		pr_err("cannot register major %d: %d\n", major, err);
	return err;
}

static int __init ms_init(void)
{
	int err;

	err = ms_channel_cache_create();
	if (err) {
		pr_err("cannot create the channel cache: %d\n", err);
		return err;
	}
	err = ms_region_register();
	if (err)
		goto err_cache;

	cdev_init(&ms_cdev, &ms_fops);
	ms_cdev.owner = THIS_MODULE;
	err = cdev_add(&ms_cdev, ms_devt, MS_MINORS);
	if (err) {
		pr_err("cannot add the character device: %d\n", err);
		goto err_region;
	}

	pr_info("registered on major %d\n", MAJOR(ms_devt));
	return 0;

err_region:
	unregister_chrdev_region(ms_devt, MS_MINORS);
err_cache:
	ms_channel_cache_destroy();
	return err;
}

static void __exit ms_exit(void)
{
	cdev_del(&ms_cdev);
	unregister_chrdev_region(ms_devt, MS_MINORS);
	ms_slots_destroy();
	ms_channel_cache_destroy();
}

module_init(ms_init);
module_exit(ms_exit);

MODULE_DESCRIPTION("Message slots: channels of last-value messages over a character device");
MODULE_LICENSE("GPL");
MODULE_VERSION(MS_VERSION);
