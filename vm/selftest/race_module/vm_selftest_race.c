// SPDX-License-Identifier: GPL-2.0
/*
 * vm_selftest_race - a data race on purpose.
 *
 * The KCSAN lane (make check-kcsan) loads this module in a guest of its
 * kernel to prove that a race in a module's code reaches the console as
 * "BUG: KCSAN: data-race" and so fails the run, as every report must. Two
 * threads, one per CPU, add to one counter with plain, unmarked loads and
 * stores for up to two seconds: KCSAN watches a sample of accesses, and
 * this many races are caught in the first few hundred milliseconds. For
 * throw-away test guests only.
 */

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>

static unsigned long vm_selftest_racy_counter;

struct vm_selftest_racer {
	struct completion done;
	unsigned long iterations;
};

static struct vm_selftest_racer racers[2];

static int vm_selftest_race_thread(void *data)
{
	struct vm_selftest_racer *r = data;
	unsigned long end = jiffies + 2 * HZ;

	while (time_before(jiffies, end)) {
		vm_selftest_racy_counter++;	/* the race: plain, on both CPUs */
		r->iterations++;
		barrier();	/* one load and one store per turn, not one add */
	}
	complete(&r->done);
	return 0;
}

static int __init vm_selftest_race_init(void)
{
	struct task_struct *t;
	int i, started, err = 0;

	if (num_online_cpus() < 2)
		return -EINVAL;	/* a race needs two CPUs */
	for (started = 0; started < ARRAY_SIZE(racers); started++) {
		init_completion(&racers[started].done);
		t = kthread_create(vm_selftest_race_thread, &racers[started],
				   "vm_selftest_race/%d", started);
		if (IS_ERR(t)) {
			err = PTR_ERR(t);
			break;
		}
		kthread_bind(t, started);
		wake_up_process(t);
	}
	/* Even on an error: no thread may outlive the module's memory. */
	for (i = 0; i < started; i++)
		wait_for_completion(&racers[i].done);
	if (err)
		return err;
	pr_info("vm_selftest_race: %lu and %lu turns, counter %lu\n",
		racers[0].iterations, racers[1].iterations,
		vm_selftest_racy_counter);
	return 0;
}

static void __exit vm_selftest_race_exit(void)
{
}

module_init(vm_selftest_race_init);
module_exit(vm_selftest_race_exit);

MODULE_DESCRIPTION("Race on purpose to test the KCSAN lane's report detection");
MODULE_LICENSE("GPL");
