// SPDX-License-Identifier: GPL-2.0
/*
 * message_slot: the byte quota. The module parameter "quota" caps the
 * message bytes each slot stores (0, the default, means no cap). It can
 * change at any time while writers go on without a lock; internal.h
 * ("Quota") gives the rules, this file the parameter and the protocol.
 */
#include "internal.h"

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>

static unsigned long ms_quota;
/* Serialises changes of the quota; writers wait on it during one. */
static DEFINE_MUTEX(ms_quota_lock);
/* Set while a change is under way: nobody may charge or publish. */
static bool ms_quota_busy;

/**
 * ms_quota_enter() - start a change of a slot's stored bytes
 *
 * Every change of a message pointer (a write, a clear) happens between
 * ms_quota_enter() and ms_quota_exit(), so that a change of the quota can
 * wait for all of them to finish and then recount every slot. While such
 * a change is under way this waits for it.
 *
 * Context: process context; may sleep before it returns, and returns
 * inside an RCU read section, which ms_quota_exit() ends.
 * Return: the quota in bytes, 0 for none, valid until ms_quota_exit().
 */
unsigned long ms_quota_enter(void)
	__acquires(RCU)
{
	rcu_read_lock();
	while (unlikely(smp_load_acquire(&ms_quota_busy))) {
		rcu_read_unlock();
		mutex_lock(&ms_quota_lock);
		mutex_unlock(&ms_quota_lock);
		rcu_read_lock();
	}
	return READ_ONCE(ms_quota);
}

/**
 * ms_quota_exit() - end what ms_quota_enter() started
 *
 * Context: inside the RCU read section of ms_quota_enter().
 */
void ms_quota_exit(void)
	__releases(RCU)
{
	rcu_read_unlock();
}

/**
 * ms_quota_charge() - reserve bytes for a growing message
 * @slot: the slot
 * @bytes: how much its stored bytes are about to grow, > 0
 * @quota: the quota from ms_quota_enter()
 *
 * One atomic add both reserves and tests, so writers racing for the last
 * bytes cannot overshoot together.
 *
 * Context: between ms_quota_enter() and ms_quota_exit(), quota on.
 * Return: true if the bytes are reserved, false (nothing reserved) if
 * they would take the slot past @quota.
 */
bool ms_quota_charge(struct ms_slot *slot, long bytes, unsigned long quota)
{
	if ((unsigned long)atomic_long_add_return(bytes, &slot->quota_used) <= quota)
		return true;
	atomic_long_sub(bytes, &slot->quota_used);
	return false;
}

/**
 * ms_quota_uncharge() - release bytes reserved or stored
 * @slot: the slot
 * @bytes: how many, >= 0
 *
 * Context: between ms_quota_enter() and ms_quota_exit(), quota on.
 */
void ms_quota_uncharge(struct ms_slot *slot, long bytes)
{
	atomic_long_sub(bytes, &slot->quota_used);
}

/*
 * Sets the quota. Once the flag is up and a grace period has passed, no
 * change of any message is in flight and new ones wait: every slot's
 * usage is then exactly its "bytes" counter, from which charging resumes.
 */
static int ms_quota_set(const char *val, const struct kernel_param *kp)
{
	unsigned long quota;
	int err;

	err = kstrtoul(val, 0, &quota);
	if (err)
		return err;
	mutex_lock(&ms_quota_lock);
	WRITE_ONCE(ms_quota_busy, true);
	synchronize_rcu();
	WRITE_ONCE(ms_quota, quota);
	ms_slots_quota_sync();
	/* Whoever sees the flag down sees the new quota and usage. */
	smp_store_release(&ms_quota_busy, false);
	mutex_unlock(&ms_quota_lock);
	return 0;
}

static const struct kernel_param_ops ms_quota_ops = {
	.set = ms_quota_set,
	.get = param_get_ulong,
};

/* Root may change it at run time: writes past it fail with EDQUOT. */
module_param_cb(quota, &ms_quota_ops, &ms_quota, 0644);
MODULE_PARM_DESC(quota, "Bytes of messages each slot may store (default 0 = no limit)");
