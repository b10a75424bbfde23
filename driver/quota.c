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

/* Bytes per slot, 0 for no limit; ms_quota_lock for changes. */
unsigned long ms_quota;
/* Set while a change is under way: no writer may charge or publish. */
bool ms_quota_busy;
/* Serialises changes of the quota and clears; writers wait on it. */
static DEFINE_MUTEX(ms_quota_lock);

/**
 * ms_quota_wait() - wait until a change of the quota is over
 *
 * The slow path of ms_quota_enter().
 *
 * Context: process context, preemption enabled; sleeps.
 */
void ms_quota_wait(void)
{
	mutex_lock(&ms_quota_lock);
	mutex_unlock(&ms_quota_lock);
}

/**
 * ms_quota_hold() - keep the quota from changing, for a clear
 *
 * A clear may hold it for long, but writers never wait for it: they
 * wait only while a change is under way, which cannot start meanwhile.
 *
 * Context: process context; sleeps. Release with ms_quota_unhold().
 * Return: the quota in bytes, 0 for none.
 */
unsigned long ms_quota_hold(void)
{
	mutex_lock(&ms_quota_lock);
	return ms_quota;
}

/**
 * ms_quota_unhold() - let the quota change again
 *
 * Context: after ms_quota_hold().
 */
void ms_quota_unhold(void)
{
	mutex_unlock(&ms_quota_lock);
}

/**
 * ms_quota_charge() - reserve bytes for a growing message
 * @slot: the slot
 * @bytes: how much its stored bytes are about to grow, > 0
 * @quota: the quota from ms_quota_enter()
 *
 * Writers and clears change @slot's usage only under its quota_lock, so
 * a test followed by an add is exact.
 *
 * Context: between ms_quota_enter() and ms_quota_exit(), quota on;
 * @slot->quota_lock held.
 * Return: true if the bytes are reserved, false (nothing reserved) if
 * they would take the slot past @quota.
 */
bool ms_quota_charge(struct ms_slot *slot, long bytes, unsigned long quota)
{
	lockdep_assert_held(&slot->quota_lock);
	if ((unsigned long)atomic_long_read(&slot->quota_used) + bytes > quota)
		return false;
	atomic_long_add(bytes, &slot->quota_used);
	return true;
}

/**
 * ms_quota_uncharge() - release bytes reserved or stored
 * @slot: the slot
 * @bytes: how many, >= 0
 *
 * Context: quota on; @slot->quota_lock held (a write, or a clear).
 */
void ms_quota_uncharge(struct ms_slot *slot, long bytes)
{
	lockdep_assert_held(&slot->quota_lock);
	atomic_long_sub(bytes, &slot->quota_used);
}

/*
 * Sets the quota. Writers change messages with preemption disabled, and
 * since the RCU flavours were consolidated (4.20) a grace period waits for
 * such sections too: once the flag is up and a grace period has passed,
 * no write is in flight and new ones wait, and clears are held off by the
 * lock. Every slot's usage is then exactly its "bytes" counter, from
 * which charging resumes.
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
