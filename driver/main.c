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
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kdev_t.h>
#include <linux/module.h>

static int major = MAJOR_NUM;
module_param(major, int, 0444);
MODULE_PARM_DESC(major, "Major device number (default 235, 0 = pick a free one)");

/* Like loop's max_loop: devices made at load; the control node adds more. */
static unsigned int slots = 4;
module_param(slots, uint, 0444);
MODULE_PARM_DESC(slots, "Slot devices created at load, /dev/message_slot/slot0.. (default 4, at most 256)");

#ifdef MS_DEBUG_HOOKS
unsigned int ms_debug_switch_delay_us;
module_param_named(debug_switch_delay_us, ms_debug_switch_delay_us, uint, 0600);
MODULE_PARM_DESC(debug_switch_delay_us, "Debug builds only: sleep this long at the end of every channel switch");

unsigned int ms_debug_leak_files;
module_param_named(debug_leak_files, ms_debug_leak_files, uint, 0600);
MODULE_PARM_DESC(debug_leak_files, "Debug builds only: leave this many closed files' memory unfreed, for the kmemleak self-test");

static unsigned int debug_init_fail_ms;
module_param(debug_init_fail_ms, uint, 0400);
MODULE_PARM_DESC(debug_init_fail_ms, "Debug builds only: wait this long at the end of init, then fail it");

/* Fails the load once everything is registered, after a pause for the test. */
static int ms_debug_init_fault(void)
{
	if (!debug_init_fail_ms)
		return 0;
	msleep(debug_init_fail_ms);
	return -ENOMEM;
}
#else
static int ms_debug_init_fault(void)
{
	return 0;
}
#endif

/* Set once init has succeeded; until then every open is refused. */
bool ms_live;

static struct cdev ms_cdev;
dev_t ms_devt;

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

/* Creates the devices of slots 0..slots-1. */
static int ms_slots_create(void)
{
	unsigned int minor;
	int err;

	for (minor = 0; minor < slots; minor++) {
		err = ms_slot_add(minor);
		if (err < 0) {
			pr_err("cannot create slot%u: %d\n", minor, err);
			return err;
		}
	}
	return 0;
}

static int __init ms_init(void)
{
	int err;

	if (slots > MS_MINORS) {
		pr_err("slots=%u is more than %d\n", slots, MS_MINORS);
		return -EINVAL;
	}
	err = ms_caches_create();
	if (err) {
		pr_err("cannot create the slab caches: %d\n", err);
		return err;
	}
	err = ms_region_register();
	if (err)
		goto err_cache;
	err = ms_class_register();
	if (err) {
		pr_err("cannot register the device class: %d\n", err);
		goto err_region;
	}
	ms_debugfs_init();

	/*
	 * The nodes users can open come last, the control node after the
	 * slots. A file opened while init runs would hold a module that a
	 * later failure frees (the module loader does not wait for it), so
	 * opens are refused until ms_live is set, after the last step that
	 * can fail.
	 */
	cdev_init(&ms_cdev, &ms_fops);
	ms_cdev.owner = THIS_MODULE;
	err = cdev_add(&ms_cdev, ms_devt, MS_MINORS);
	if (err) {
		pr_err("cannot add the character device: %d\n", err);
		goto err_debugfs;
	}
	err = ms_slots_create();
	if (err)
		goto err_slots;
	err = ms_control_register();
	if (err) {
		pr_err("cannot register the control node: %d\n", err);
		goto err_slots;
	}
	err = ms_debug_init_fault();
	if (err) {
		pr_err("debug_init_fail_ms: failing the load: %d\n", err);
		goto err_control;
	}
	/* Pairs with ms_open_allowed(). */
	smp_store_release(&ms_live, true);

	pr_info("version %s on major %d with %u slot devices\n", MS_VERSION,
		MAJOR(ms_devt), slots);
	return 0;

err_control:
	ms_control_unregister();
err_slots:
	ms_slots_destroy();
	cdev_del(&ms_cdev);
err_debugfs:
	ms_debugfs_exit();
	ms_class_unregister();
err_region:
	unregister_chrdev_region(ms_devt, MS_MINORS);
err_cache:
	ms_caches_destroy();
	return err;
}

static void __exit ms_exit(void)
{
	ms_control_unregister();
	cdev_del(&ms_cdev);
	ms_slots_destroy();
	ms_debugfs_exit();
	ms_class_unregister();
	unregister_chrdev_region(ms_devt, MS_MINORS);
	ms_caches_destroy();
}

module_init(ms_init);
module_exit(ms_exit);

MODULE_DESCRIPTION("Message slots: channels of last-value messages over a character device");
MODULE_LICENSE("GPL");
MODULE_VERSION(MS_VERSION);
