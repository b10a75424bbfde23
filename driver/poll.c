// SPDX-License-Identifier: GPL-2.0
/*
 * message_slot: which files poll which channel, so that a write wakes the
 * files on its own channel only, at a cost proportional to their number,
 * however many files poll the slot's other channels.
 *
 * A file that has polled once is listed in its slot's @pollers, an
 * rhltable keyed by the channel the file has selected (NULL before the
 * first MSG_SLOT_CHANNEL); a channel switch moves it to the new key. An
 * insertion can fail for want of memory (a table that cannot grow); the
 * file then goes on the slot's @poll_spill list instead, which every
 * write walks, so no wake-up is ever lost. Writers walk both under RCU,
 * so a file's struct ms_file is freed after a grace period.
 */
#include "internal.h"

#include <linux/poll.h>
#include <linux/rhashtable.h>

static const struct rhashtable_params ms_poll_params = {
	.key_len = sizeof(struct ms_channel *),
	.key_offset = offsetof(struct ms_file, poll_key),
	.head_offset = offsetof(struct ms_file, poll_node),
	.automatic_shrinking = true,
};

/**
 * ms_poll_init() - set up the empty poller registry of a slot
 * @slot: the slot being created
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno from rhltable_init().
 */
int ms_poll_init(struct ms_slot *slot)
{
	spin_lock_init(&slot->poll_lock);
	INIT_LIST_HEAD(&slot->poll_spill);
	atomic_set(&slot->nr_pollers, 0);
	return rhltable_init(&slot->pollers, &ms_poll_params);
}

/**
 * ms_poll_destroy() - free the registry of a slot no file has open
 * @slot: the slot
 *
 * Context: process context, may sleep.
 */
void ms_poll_destroy(struct ms_slot *slot)
{
	rhltable_destroy(&slot->pollers);
}

/* Lists @mf under @key, or on the spill list if the table is full. */
static void ms_poll_list(struct ms_slot *slot, struct ms_file *mf,
			 struct ms_channel *key)
{
	mf->poll_key = key;
	if (!rhltable_insert(&slot->pollers, &mf->poll_node, ms_poll_params)) {
		WRITE_ONCE(mf->poll_state, MS_POLL_LISTED);
		return;
	}
	spin_lock(&slot->poll_lock);
	list_add_tail_rcu(&mf->poll_spill, &slot->poll_spill);
	spin_unlock(&slot->poll_lock);
	WRITE_ONCE(mf->poll_state, MS_POLL_SPILLED);
}

/**
 * ms_poll_register() - list a file that polls for the first time
 * @mf: the file
 *
 * Context: process context, may sleep; takes @mf->lock.
 */
void ms_poll_register(struct ms_file *mf)
{
	mutex_lock(&mf->lock);
	if (mf->poll_state == MS_POLL_NONE) {
		ms_poll_list(mf->slot, mf,
			     rcu_dereference_protected(mf->channel,
						       lockdep_is_held(&mf->lock)));
		/*
		 * Listed before counted: a writer that sees the count sees
		 * the entry (pairs with the acquire in ms_poll_wake()).
		 */
		smp_mb__before_atomic();
		atomic_inc(&mf->slot->nr_pollers);
	}
	mutex_unlock(&mf->lock);
}

/**
 * ms_poll_rekey() - move a listed file to the channel it has just selected
 * @mf: the file
 * @ch: its new channel
 *
 * A write to @ch in between may miss the file; the caller wakes it after
 * this, so a poller looks at @ch again.
 *
 * Context: process context; @mf->lock held.
 */
void ms_poll_rekey(struct ms_file *mf, struct ms_channel *ch)
{
	lockdep_assert_held(&mf->lock);
	/* A spilled file is found by its channel pointer: nothing to move. */
	if (mf->poll_state != MS_POLL_LISTED)
		return;
	rhltable_remove(&mf->slot->pollers, &mf->poll_node, ms_poll_params);
	ms_poll_list(mf->slot, mf, ch);
}

/**
 * ms_poll_unregister() - take a closing file out of the registry
 * @mf: the file, which nobody else uses any more
 *
 * Writers may still be walking past it: the caller frees @mf after a
 * grace period.
 *
 * Context: process context.
 */
void ms_poll_unregister(struct ms_file *mf)
{
	struct ms_slot *slot = mf->slot;

	if (mf->poll_state == MS_POLL_NONE)
		return;
	if (mf->poll_state == MS_POLL_LISTED) {
		rhltable_remove(&slot->pollers, &mf->poll_node, ms_poll_params);
	} else {
		spin_lock(&slot->poll_lock);
		list_del_rcu(&mf->poll_spill);
		spin_unlock(&slot->poll_lock);
	}
	atomic_dec(&slot->nr_pollers);
}

/**
 * ms_poll_wake() - wake the pollers of a channel that has a new message
 * @slot: the slot
 * @ch: the channel
 *
 * Costs one load when nobody polls the slot; otherwise one table lookup
 * and a wake-up per file listed under @ch, plus the spill list, which is
 * empty unless an insertion once failed.
 *
 * Context: process context; the caller's xchg() or cmpxchg() ordered the
 * message before this.
 */
void ms_poll_wake(struct ms_slot *slot, struct ms_channel *ch)
{
	struct rhlist_head *list, *pos;
	struct ms_file *mf;

	if (!atomic_read_acquire(&slot->nr_pollers))
		return;
	rcu_read_lock();
	list = rhltable_lookup(&slot->pollers, &ch, ms_poll_params);
	rhl_for_each_entry_rcu(mf, pos, list, poll_node)
		wake_up_interruptible_poll(&mf->wait, EPOLLIN | EPOLLRDNORM);
	list_for_each_entry_rcu(mf, &slot->poll_spill, poll_spill)
		if (rcu_access_pointer(mf->channel) == ch)
			wake_up_interruptible_poll(&mf->wait,
						   EPOLLIN | EPOLLRDNORM);
	rcu_read_unlock();
}
