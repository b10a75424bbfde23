// SPDX-License-Identifier: GPL-2.0
/*
 * vm_selftest_warn - make the kernel WARN on purpose.
 *
 * vm/selftest/run loads this module inside the VM to prove that vm/run-vm
 * fails a run when the kernel reports a problem, even though the payload
 * itself exits 0. Loading it taints the kernel (TAINT_WARN); it is meant
 * for throw-away test guests only.
 */

#include <linux/bug.h>
#include <linux/init.h>
#include <linux/module.h>

static int __init vm_selftest_warn_init(void)
{
	WARN(1, "vm_selftest_warn: deliberate warning for the run-vm self-test\n");
	return 0;
}

static void __exit vm_selftest_warn_exit(void)
{
}

module_init(vm_selftest_warn_init);
module_exit(vm_selftest_warn_exit);

MODULE_DESCRIPTION("Deliberately WARN to test the VM runner's report detection");
MODULE_LICENSE("GPL");
