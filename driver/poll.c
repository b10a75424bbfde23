// SPDX-License-Identifier: GPL-2.0
/*
 * message_slot: which files poll which channel, so that a write wakes the
 * files on its own channel only, at a cost proportional to their number,
 * however many files poll the slot's other channels.
 *
 * A file that has polled once is listed in its slot's @pollers, an
 * rhltable keyed by the channel the file has selected (NULL before the
 * first MSG_SLOT_CHANNEL), through an entry of its own. A channel switch
 * lists the file under the new key with a new entry, then unlists the
 * old entry and frees it after a grace period: a writer may be walking
 * the old key's list through it, and an entry relinked at once would
 * lead that writer into the new key's list, past the files it has still
 * to wake. When an entry cannot be allocated or inserted (a table that
 * cannot grow), the file goes on the slot's @poll_spill list instead,
 * which every write walks comparing channels, so no wake-up is lost.
 * Writers walk both under RCU, so a struct ms_file is freed after a grace
 * period too.
 */
#include "internal.h"

#include <linux/poll.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>

/**
 * struct ms_poll_entry - one listing of a file in its slot's pollers
 * @node: the link in the rhltable
 * @key: the channel the file had selected when listed; never changes
 * @mf: the file
 * @rcu: frees the entry after a grace period
 */
struct ms_poll_entry {
	struct rhlist_head node;
	struct ms_channel *key;
	struct ms_file *mf;
	struct rcu_head rcu;
};

static const struct rhashtable_params ms_poll_params = {
	.key_len = sizeof(struct ms_channel *),
	.key_offset = offsetof(struct ms_poll_entry, key),
	.head_offset = offsetof(struct ms_poll_entry, node),
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

/*
 * Lists @mf under @key with a new entry, or on the spill list when that
 * fails. Returns the state to publish. Context: @mf->lock held.
 */
static u8 ms_poll_list(struct ms_file *mf, struct ms_channel *key)
{
	struct ms_slot *slot = mf->slot;
	struct ms_poll_entry *e;

	e = kmalloc(sizeof(*e), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (e) {
		e->key = key;
		e->mf = mf;
		if (!rhltable_insert(&slot->pollers, &e->node, ms_poll_params)) {
			mf->poll_entry = e;
			return MS_POLL_LISTED;
		}
		kfree(e);
	}
	mf->poll_entry = NULL;
	spin_lock(&slot->poll_lock);
	list_add_tail_rcu(&mf->poll_spill, &slot->poll_spill);
	spin_unlock(&slot->poll_lock);
	return MS_POLL_SPILLED;
}

/* Unlists an entry; writers walking past it keep it for a grace period. */
static void ms_poll_unlist(struct ms_slot *slot, struct ms_poll_entry *e)
{
	rhltable_remove(&slot->pollers, &e->node, ms_poll_params);
	kfree_rcu(e, rcu);
}

/**
 * ms_poll_register() - list a file that polls for the first time
 * @mf: the file
 *
 * Context: process context, may sleep; takes @mf->lock.
 */
void ms_poll_register(struct ms_file *mf)
{
	struct ms_channel *ch;
	u8 state;

	mutex_lock(&mf->lock);
	if (mf->poll_state == MS_POLL_NONE) {
		/*
		 * Counted before listed, and listed before the state says
		 * so: another thread polling this file that sees the state
		 * skips this, and a writer must then see the count (pairs
		 * with ms_poll_state() and the writer's barrier before it
		 * loads the count in ms_poll_wake()).
		 */
		atomic_inc(&mf->slot->nr_pollers);
		/* The count, before the listing: see above. */
		smp_mb__after_atomic();
		ch = rcu_dereference_protected(mf->channel,
					       lockdep_is_held(&mf->lock));
		state = ms_poll_list(mf, ch);
		/* The listing, before the state; pairs with ms_poll_state(). */
		smp_store_release(&mf->poll_state, state);
	}
	mutex_unlock(&mf->lock);
}

/**
 * ms_poll_state() - whether a file has registered as a poller
 * @mf: the file
 *
 * Context: any.
 * Return: MS_POLL_NONE until ms_poll_register() has listed it.
 */
u8 ms_poll_state(struct ms_file *mf)
{
	/* Pairs with the release in ms_poll_register(). */
	return smp_load_acquire(&mf->poll_state);
}

/**
 * ms_poll_rekey() - list a file under the channel it has just selected
 * @mf: the file
 * @ch: its new channel
 *
 * The new listing is in place before the old one goes. A write to @ch
 * that looked before it may miss the file; the caller wakes the file
 * after this, so that a poller looks at @ch again.
 *
 * Context: process context, may sleep; @mf->lock held.
 */
void ms_poll_rekey(struct ms_file *mf, struct ms_channel *ch)
{
	struct ms_poll_entry *old = mf->poll_entry;

	lockdep_assert_held(&mf->lock);
	/* A spilled file is found by its channel pointer: nothing to move. */
	if (mf->poll_state != MS_POLL_LISTED)
		return;
	/* The new listing, before the state says where it is. */
	smp_store_release(&mf->poll_state, ms_poll_list(mf, ch));
	ms_poll_unlist(mf->slot, old);
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
		ms_poll_unlist(slot, mf->poll_entry);
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
 * empty unless a listing once failed.
 *
 * Context: process context; the caller's xchg() ordered the message
 * before the load of the count (a full barrier, as ms_poll()'s).
 */
void ms_poll_wake(struct ms_slot *slot, struct ms_channel *ch)
{
	struct rhlist_head *list, *pos;
	struct ms_poll_entry *e;
	struct ms_file *mf;

	if (!atomic_read(&slot->nr_pollers))
		return;
	rcu_read_lock();
	list = rhltable_lookup(&slot->pollers, &ch, ms_poll_params);
	rhl_for_each_entry_rcu(e, pos, list, node)
		wake_up_interruptible_poll(&e->mf->wait, EPOLLIN | EPOLLRDNORM);
	list_for_each_entry_rcu(mf, &slot->poll_spill, poll_spill)
		if (rcu_access_pointer(mf->channel) == ch)
			wake_up_interruptible_poll(&mf->wait,
						   EPOLLIN | EPOLLRDNORM);
	rcu_read_unlock();
}
