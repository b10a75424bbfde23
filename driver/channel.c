// SPDX-License-Identifier: GPL-2.0
/*
 * message_slot: the channel store of a slot and the publication and reading
 * of messages. This is the only file that knows how channels are kept.
 */
#include "internal.h"

#include <linux/err.h>
#include <linux/lockdep.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

/*
 * The allocations a process can repeat at will, a message per write and a
 * channel per new id, are charged to its memory cgroup. When the cgroup
 * (or the machine) is full they fail, and the call returns ENOMEM: plain
 * GFP_KERNEL_ACCOUNT would instead invoke the OOM killer (see
 * try_charge_memcg()), which kills the writer for a request that has a
 * documented error. __GFP_RETRY_MAYFAIL still reclaims as hard as a normal
 * allocation before it gives up, unlike __GFP_NORETRY; __GFP_NOWARN
 * because the caller reports the failure.
 */
#define MS_GFP_USER (GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

static struct kmem_cache *ms_channel_cache;

/*
 * Messages come from one cache per MS_MSG_STEP bytes of length, so a
 * message costs its header and at most MS_MSG_STEP - 1 bytes beyond its
 * data. The caches are SLAB_TYPESAFE_BY_RCU: a replaced message goes back
 * to its cache at once, without waiting for a grace period, and a reader
 * that still holds a pointer to it may find it reused for another message
 * (of the same cache). Readers detect that with the sequence number
 * (see ms_message_read_begin()).
 */
#define MS_MSG_STEP 16
#define MS_MSG_CACHES (BUF_LEN / MS_MSG_STEP)
static struct kmem_cache *ms_message_caches[MS_MSG_CACHES];

/*
 * Message numbers, unique over all slots. Each CPU takes a block of
 * numbers from a shared counter and hands them out alone, as
 * get_next_ino() does, so numbering costs a shared cache line only once
 * per block and numbers are used densely whatever the number of CPUs.
 */
#define MS_NUMBER_BLOCK_BITS 16
static atomic64_t ms_number_blocks;

struct ms_numbers {
	u64 next;
	u64 end;
};

static DEFINE_PER_CPU(struct ms_numbers, ms_numbers);

/* The next message number, never 0. Context: preemption disabled. */
static u64 ms_message_number(void)
{
	struct ms_numbers *nr = this_cpu_ptr(&ms_numbers);

	if (unlikely(nr->next == nr->end)) {
		/* Block 0 is never handed out, so no number is 0. */
		nr->next = (u64)atomic64_inc_return(&ms_number_blocks)
			   << MS_NUMBER_BLOCK_BITS;
		nr->end = nr->next + BIT(MS_NUMBER_BLOCK_BITS);
	}
	return nr->next++;
}

/*
 * A message's head word: its number above MS_LEN_BITS bits of length, so
 * that a reader checks both with one load. 2^56 numbers last 2000 years
 * at a million writes a second.
 */
#define MS_LEN_BITS 8
#define MS_LEN_MASK (BIT(MS_LEN_BITS) - 1)
static_assert(BUF_LEN <= MS_LEN_MASK);

static u64 ms_head(u64 seq, u32 len)
{
	return seq << MS_LEN_BITS | len;
}

static u32 ms_head_len(u64 head)
{
	return head & MS_LEN_MASK;
}

static u64 ms_head_seq(u64 head)
{
	return head >> MS_LEN_BITS;
}

/* The length of a message no other writer can change: one of ours. */
static u32 ms_message_len(const struct ms_message *msg)
{
	return ms_head_len(READ_ONCE(msg->head));
}

/*
 * Compares a channel's id with a key. Without it the table compares keys
 * with a call to memcmp() of a length it reads at run time: a tenth of a
 * channel switch in a profile.
 */
static int ms_channel_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct ms_channel *ch = obj;

	return ch->id != *(const u32 *)arg->key;
}

static const struct rhashtable_params ms_channel_params = {
	.key_len = sizeof(u32),
	.key_offset = offsetof(struct ms_channel, id),
	.head_offset = offsetof(struct ms_channel, node),
	.obj_cmpfn = ms_channel_cmp,
	.automatic_shrinking = true,
};

/**
 * ms_caches_create() - create the slab caches for channels and messages
 *
 * Context: module init.
 * Return: 0 or -ENOMEM.
 */
int ms_caches_create(void)
{
	char name[32];
	int i;

	ms_channel_cache = kmem_cache_create("message_slot_channel",
					     sizeof(struct ms_channel), 0,
					     SLAB_ACCOUNT, NULL);
	if (!ms_channel_cache)
		return -ENOMEM;
	for (i = 0; i < MS_MSG_CACHES; i++) {
		unsigned int size = (i + 1) * MS_MSG_STEP;

		snprintf(name, sizeof(name), "message_slot_msg%u", size);
		/* Only the data is ever copied from user space. */
		ms_message_caches[i] =
			kmem_cache_create_usercopy(name,
						   struct_size_t(struct ms_message, data, size),
						   __alignof__(struct ms_message),
						   SLAB_TYPESAFE_BY_RCU | SLAB_ACCOUNT,
						   offsetof(struct ms_message, data),
						   size, NULL);
		if (!ms_message_caches[i]) {
			ms_caches_destroy();
			return -ENOMEM;
		}
	}
	return 0;
}

/**
 * ms_caches_destroy() - destroy the caches
 *
 * The channels went with their slots, and no RCU callback of this module
 * is pending (nothing here uses call_rcu()); kmem_cache_destroy() itself
 * frees a SLAB_TYPESAFE_BY_RCU cache's slabs only after a grace period,
 * and takes a NULL cache.
 *
 * Context: module exit, after every slot is gone. Sleeps.
 */
void ms_caches_destroy(void)
{
	int i;

	for (i = 0; i < MS_MSG_CACHES; i++)
		kmem_cache_destroy(ms_message_caches[i]);
	kmem_cache_destroy(ms_channel_cache);
}

static struct kmem_cache *ms_message_cache(size_t len)
{
	return ms_message_caches[(len - 1) / MS_MSG_STEP];
}

/*
 * Returns a message that was just replaced, or one never published, to
 * its cache at once: readers may still hold a replaced one, and
 * SLAB_TYPESAFE_BY_RCU lets them (they check its number).
 */
static void ms_message_free(struct ms_message *msg)
{
	kmem_cache_free(ms_message_cache(ms_message_len(msg)), msg);
}

/*
 * Frees the channels removed before it started, after a grace period:
 * every channel on the list when llist_del_all() took it was removed
 * from the table then, so after synchronize_rcu() no reader holds one.
 * A channel removed meanwhile finds the list empty and queues the work
 * again.
 */
static void ms_channels_reap(struct work_struct *work)
{
	struct ms_slot *slot = container_of(work, struct ms_slot, reap);
	struct llist_node *dead = llist_del_all(&slot->dead);
	struct ms_channel *ch, *next;

	synchronize_rcu();
	llist_for_each_entry_safe(ch, next, dead, dead)
		kmem_cache_free(ms_channel_cache, ch);
}

/*
 * Frees a channel just removed from the table once no reader can hold
 * it. Its @id and @users become the list link: readers of a removed
 * channel look only at its @node (a table walk passing through) and its
 * @msg (NULL).
 */
static void ms_channel_bury(struct ms_slot *slot, struct ms_channel *ch)
{
	if (llist_add(&ch->dead, &slot->dead))
		queue_work(system_wq, &slot->reap);
}

/**
 * ms_channel_table_init() - set up the empty channel table of a slot
 * @slot: the slot being created
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno from rhashtable_init().
 */
int ms_channel_table_init(struct ms_slot *slot)
{
	init_llist_head(&slot->dead);
	INIT_WORK(&slot->reap, ms_channels_reap);
	return rhashtable_init(&slot->channels, &ms_channel_params);
}

/* Frees a channel and its message at once: no reader can exist any more. */
static void ms_channel_free_now(void *ptr, void *arg)
{
	struct ms_channel *ch = ptr;
	struct ms_message *msg = rcu_dereference_raw(ch->msg);

	if (msg)
		ms_message_free(msg);
	kmem_cache_free(ms_channel_cache, ch);
}

/**
 * ms_channel_table_destroy() - free every channel and message of a slot
 * @slot: a slot that no file has open
 *
 * Iterative, so a slot with millions of channels is torn down quickly and
 * without deep recursion. Then waits for the channels removed earlier.
 *
 * Context: process context, may sleep; no file may have @slot open.
 */
void ms_channel_table_destroy(struct ms_slot *slot)
{
	rhashtable_free_and_destroy(&slot->channels, ms_channel_free_now, NULL);
	flush_work(&slot->reap);
}

static struct ms_channel *ms_channel_create(struct ms_slot *slot, u32 id)
{
	struct ms_channel *ch;
	int err;

	ch = kmem_cache_zalloc(ms_channel_cache, MS_GFP_USER);
	if (!ch)
		return ERR_PTR(-ENOMEM);
	ch->id = id;
	err = rhashtable_insert_fast(&slot->channels, &ch->node,
				     ms_channel_params);
	if (err) {
		kmem_cache_free(ms_channel_cache, ch);
		/* -EBUSY and -E2BIG also mean "no room for a channel now". */
		return ERR_PTR(-ENOMEM);
	}
	return ch;
}

/*
 * Detaches a file from @ch. An empty channel that no file selects any
 * more is removed and freed after a grace period. Nobody can be writing
 * to it: every writer goes through a file that holds a reference, under
 * that file's lock.
 */
static void ms_channel_put_locked(struct ms_slot *slot, struct ms_channel *ch)
{
	lockdep_assert_held(&slot->lock);
	if (--ch->users == 0 && !rcu_access_pointer(ch->msg)) {
		rhashtable_remove_fast(&slot->channels, &ch->node,
				       ms_channel_params);
		ms_channel_bury(slot, ch);
	}
}

/**
 * ms_channel_switch() - point a file at another channel
 * @slot: the slot
 * @old: the channel @selected points to, or NULL
 * @id: the id of the channel to attach to, non-zero, not @old's
 * @selected: the file's channel pointer, which readers load under RCU
 *
 * Finds or creates the channel, takes a file's reference on it, points
 * @selected at it and only then drops @old's reference, all in one
 * section under @slot->lock. The order matters: dropping the reference
 * may remove @old and queue it for a free after a grace period, and a
 * reader that finds @old through @selected must have loaded it before
 * that, inside a section the grace period waits for. On failure nothing
 * changes.
 *
 * Context: process context, may sleep; takes @slot->lock. The caller
 * serialises changes of @selected.
 * Return: the channel, or ERR_PTR(-ENOMEM).
 */
struct ms_channel *ms_channel_switch(struct ms_slot *slot,
				     struct ms_channel *old, u32 id,
				     struct ms_channel __rcu **selected)
{
	struct ms_channel *ch;

	mutex_lock(&slot->lock);
	ch = rhashtable_lookup_fast(&slot->channels, &id, ms_channel_params);
	if (!ch)
		ch = ms_channel_create(slot, id);
	if (!IS_ERR(ch)) {
		ch->users++;
		rcu_assign_pointer(*selected, ch);
		if (old)
			ms_channel_put_locked(slot, old);
	}
	mutex_unlock(&slot->lock);
	return ch;
}

/**
 * ms_channel_put() - detach a file from a channel
 * @slot: the slot that holds @ch
 * @ch: a channel obtained from ms_channel_switch()
 *
 * Context: process context, may sleep; takes @slot->lock.
 */
void ms_channel_put(struct ms_slot *slot, struct ms_channel *ch)
{
	mutex_lock(&slot->lock);
	ms_channel_put_locked(slot, ch);
	mutex_unlock(&slot->lock);
}

static struct ms_message *ms_message_alloc(size_t len)
{
	struct ms_message *msg;

	msg = kmem_cache_alloc(ms_message_cache(len), MS_GFP_USER);
	if (!msg)
		return NULL;
	/*
	 * A reader may still be copying this object's last message: clear
	 * the number before the contents change, so that it notices.
	 */
	WRITE_ONCE(msg->head, ms_head(0, len));
	smp_wmb();	/* the number, before the contents; pairs with readers */
	return msg;
}

/**
 * ms_message_from_user() - build a message from user memory
 * @buf: user buffer holding the message
 * @len: its length, 1..BUF_LEN (the caller checked)
 *
 * The message is complete before anyone can see it, so a fault in
 * copy_from_user() leaves every stored message untouched.
 *
 * Context: process context, may sleep.
 * Return: the new message, ERR_PTR(-ENOMEM), or ERR_PTR(-EINVAL) when
 * @buf cannot be read.
 */
struct ms_message *ms_message_from_user(const char __user *buf, size_t len)
{
	struct ms_message *msg = ms_message_alloc(len);

	if (!msg)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(msg->data, buf, len)) {
		ms_message_free(msg);
		return ERR_PTR(-EINVAL);
	}
	return msg;
}

/**
 * ms_message_from_iter() - build a message from the segments of an iov_iter
 * @from: the source, e.g. the user segments of writev()
 * @len: iov_iter_count(@from), 1..BUF_LEN (the caller checked)
 *
 * As ms_message_from_user(): all @len bytes or no message at all.
 *
 * Context: process context, may sleep.
 * Return: the new message, ERR_PTR(-ENOMEM), or ERR_PTR(-EINVAL) when a
 * segment cannot be read.
 */
struct ms_message *ms_message_from_iter(struct iov_iter *from, size_t len)
{
	struct ms_message *msg = ms_message_alloc(len);

	if (!msg)
		return ERR_PTR(-ENOMEM);
	if (!copy_from_iter_full(msg->data, len, from)) {
		ms_message_free(msg);
		return ERR_PTR(-EINVAL);
	}
	return msg;
}

static struct ms_message *ms_channel_xchg(struct ms_channel *ch,
					  struct ms_message *msg)
{
	return unrcu_pointer(xchg(&ch->msg, RCU_INITIALIZER(msg)));
}

/*
 * Counts a change of a channel's message from @old to @msg (either may be
 * NULL); the caller then frees @old. Each old message comes back from
 * exactly one exchange, so it is counted and freed exactly once however
 * many writers and clears race.
 */
static void ms_channel_account(struct ms_slot *slot, struct ms_message *old,
			       struct ms_message *msg)
{
	long bytes = (msg ? (long)ms_message_len(msg) : 0) -
		     (old ? (long)ms_message_len(old) : 0);

	if (!old != !msg)
		this_cpu_add(slot->stats->channels, msg ? 1 : -1);
	this_cpu_add(slot->stats->bytes, bytes);
}

/*
 * Swaps @msg in under a quota. The growth is computed, charged and the
 * message swapped under the slot's @quota_lock, which clears under a
 * quota take too (ms_channel_drop()), so nothing can replace the message
 * the growth was computed from, and @quota_used is exactly the bytes
 * stored whenever a writer tests it: a write fails with -EDQUOT only if
 * it fails against what the slot holds, as it would in any serial order.
 * A shrink is released before the unlock, for the same reason.
 */
static struct ms_message *ms_channel_swap_charged(struct ms_slot *slot,
						  struct ms_channel *ch,
						  struct ms_message *msg,
						  unsigned long quota)
{
	struct ms_message *old;
	long grow;

	raw_spin_lock(&slot->quota_lock);
	old = rcu_dereference_protected(ch->msg,
					lockdep_is_held(&slot->quota_lock));
	grow = (long)ms_message_len(msg) - (old ? (long)ms_message_len(old) : 0);
	if (grow > 0 && !ms_quota_charge(slot, grow, quota)) {
		old = ERR_PTR(-EDQUOT);
	} else {
		old = ms_channel_xchg(ch, msg);
		if (grow < 0)
			ms_quota_uncharge(slot, -grow);
	}
	raw_spin_unlock(&slot->quota_lock);
	return old;
}

/**
 * ms_channel_publish() - make @msg the channel's message
 * @slot: the slot that holds @ch
 * @ch: the channel, held by the caller's file
 * @msg: a complete message from ms_message_from_user()
 *
 * Numbers the message, then one atomic exchange publishes it (it orders
 * the message's contents before the pointer) and hands back the old one,
 * which goes back to its cache. Under a quota, the growth is charged first
 * (see "Quota" in internal.h).
 *
 * Context: process context; takes no lock without a quota (@slot's
 * quota_lock under one), but waits while the quota changes.
 * Return: 0, or -EDQUOT if @msg would take the slot past its quota; @msg
 * is freed then, and the channel is unchanged.
 */
int ms_channel_publish(struct ms_slot *slot, struct ms_channel *ch,
		       struct ms_message *msg)
{
	struct ms_message *old;
	unsigned long quota;

	quota = ms_quota_enter();
	/* The contents before the number: see ms_message_read_begin(). */
	smp_store_release(&msg->head, ms_head(ms_message_number(),
					      ms_message_len(msg)));
	if (quota)
		old = ms_channel_swap_charged(slot, ch, msg, quota);
	else
		old = ms_channel_xchg(ch, msg);
	if (!IS_ERR(old)) {
		__this_cpu_inc(slot->stats->writes);
		ms_channel_account(slot, old, msg);
	}
	ms_quota_exit();
	/* Freed with preemption enabled: on PREEMPT_RT the slab's locks sleep. */
	if (IS_ERR(old)) {
		ms_message_free(msg);
		return PTR_ERR(old);
	}
	if (old)
		ms_message_free(old);
	ms_poll_wake(slot, ch);
	return 0;
}

/*
 * Drops the channel's message, if any, releasing its bytes from the
 * quota; under a quota inside @quota_lock, so that a writer's test sees
 * either the message and its bytes or neither.
 */
static void ms_channel_drop(struct ms_slot *slot, struct ms_channel *ch,
			    unsigned long quota)
{
	struct ms_message *old;

	if (quota) {
		raw_spin_lock(&slot->quota_lock);
		old = ms_channel_xchg(ch, NULL);
		if (old)
			ms_quota_uncharge(slot, ms_message_len(old));
		raw_spin_unlock(&slot->quota_lock);
	} else {
		old = ms_channel_xchg(ch, NULL);
	}
	if (!old)
		return;
	ms_channel_account(slot, old, NULL);
	ms_message_free(old);
}

/* Walks at most this many channels per RCU read section. */
#define MS_CLEAR_BATCH 1024

/*
 * One pass of ms_channel_table_clear(). Returns how many channels it
 * removed. Removing the walker's current entry may make the walk skip the
 * next one when it resumes, hence the caller's loop; it ends because no
 * channel can be inserted while the caller holds the slot's lock.
 */
static unsigned long ms_channel_clear_pass(struct ms_slot *slot,
					   unsigned long quota)
{
	struct rhashtable_iter iter;
	unsigned long removed = 0, seen = 0;
	struct ms_channel *ch;

	rhashtable_walk_enter(&slot->channels, &iter);
	rhashtable_walk_start(&iter);
	while ((ch = rhashtable_walk_next(&iter))) {
		if (IS_ERR(ch))		/* -EAGAIN: a resize, keep walking */
			continue;
		if (rcu_access_pointer(ch->msg))
			ms_channel_drop(slot, ch, quota);
		if (!ch->users) {
			rhashtable_remove_fast(&slot->channels, &ch->node,
					       ms_channel_params);
			ms_channel_bury(slot, ch);
			removed++;
		}
		if (++seen % MS_CLEAR_BATCH == 0) {
			rhashtable_walk_stop(&iter);
			cond_resched();
			rhashtable_walk_start(&iter);
		}
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return removed;
}

/**
 * ms_channel_table_clear() - drop every message of a slot
 * @slot: the slot
 *
 * Channels that an open file has selected stay (without a message); all
 * others are freed. Readers and writers are never blocked: a write racing
 * the clear either lands before it (and is dropped) or after it (and
 * stays). The quota cannot change meanwhile, so the bytes dropped are
 * released from the quota it had when the clear began.
 *
 * Context: process context, may sleep; takes ms_quota_lock, then
 * @slot->lock.
 */
void ms_channel_table_clear(struct ms_slot *slot)
{
	unsigned long quota = ms_quota_hold();

	mutex_lock(&slot->lock);
	while (ms_channel_clear_pass(slot, quota))
		;
	mutex_unlock(&slot->lock);
	ms_quota_unhold();
}

/*
 * Reading a message. A message object may go back to its cache and be
 * reused for another message while a reader still holds it (see
 * ms_message_caches), so readers work like seqcount readers: take the
 * message's number, check that the object is still the channel's
 * message, copy, and check that the number has not changed. A number is
 * never given twice and is 0 while an object is being filled, so an
 * unchanged number means the copy is of the message the channel held
 * when it was checked.
 *
 * ms_message_read_begin() returns the channel's message and sets @head
 * to its head word, returns NULL if the channel holds none, or
 * ERR_PTR(-EBUSY) once the reader has tried MS_READ_TRIES times (counted
 * in @tries) and should leave its RCU section before it tries again: a
 * storm of writes to one channel must not keep a reader inside one
 * section, holding up grace periods, for as long as it lasts. Context:
 * inside rcu_read_lock(), which keeps the object a struct ms_message.
 */
#define MS_READ_TRIES 16

static struct ms_message *ms_message_read_begin(struct ms_channel *ch,
						u64 *head,
						unsigned int *tries)
{
	struct ms_message *msg;

	while ((*tries)++ < MS_READ_TRIES) {
		msg = rcu_dereference(ch->msg);
		if (!msg)
			return NULL;
		/* Pairs with the release in ms_channel_publish(). */
		*head = smp_load_acquire(&msg->head);
		if (ms_head_seq(*head) && rcu_access_pointer(ch->msg) == msg)
			return msg;
	}
	return ERR_PTR(-EBUSY);
}

/* Whether what was read of @msg since ms_message_read_begin() is stale. */
static bool ms_message_read_retry(struct ms_message *msg, u64 head)
{
	smp_rmb();	/* the copy, before the second look at the number */
	return READ_ONCE(msg->head) != head;
}

/*
 * Copies a message's data a word at a time.
 * Rounding @len up to whole words stays inside the object (its data is a
 * multiple of MS_MSG_STEP) and inside a BUF_LEN buffer. READ_ONCE()
 * because a reused object may change under the copy: the caller checks.
 */
static void ms_message_copy_data(u8 *buf, struct ms_message *msg, u32 len)
{
	const u64 *from = (const u64 *)msg->data;
	u64 *to = (u64 *)buf;
	u32 i;

	for (i = 0; i < DIV_ROUND_UP(len, sizeof(u64)); i++)
		to[i] = READ_ONCE(from[i]);
}

/**
 * ms_channel_seq() - the number of the channel's message
 * @ch: the channel
 * @seq: set to the sequence number of its message, 0 if it holds none
 *
 * Context: inside rcu_read_lock().
 * Return: 0, or -EBUSY if writes kept replacing the message (@seq is
 * not set then).
 */
int ms_channel_seq(struct ms_channel *ch, u64 *seq)
{
	struct ms_message *msg;
	unsigned int tries = 0;
	u64 head = 0;

	msg = ms_message_read_begin(ch, &head, &tries);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	*seq = ms_head_seq(head);
	return 0;
}

/**
 * ms_channel_copy_message() - copy the channel's message into a buffer
 * @ch: the channel
 * @buf: a kernel buffer of at least BUF_LEN bytes, 8-byte aligned
 * @size: how many bytes the caller can take
 * @seq: set to the message's sequence number
 *
 * Context: inside rcu_read_lock(), which also keeps @ch alive.
 * Return: the message length, -EWOULDBLOCK if the channel holds no
 * message, -ENOSPC if it does not fit in @size bytes, -EBUSY if writes
 * replaced it MS_READ_TRIES times during the copy: the caller leaves its
 * RCU section and calls again.
 */
ssize_t ms_channel_copy_message(struct ms_channel *ch, u8 *buf, size_t size,
				u64 *seq)
{
	struct ms_message *msg;
	unsigned int tries = 0;
	u64 head;
	u32 len;

	do {
		msg = ms_message_read_begin(ch, &head, &tries);
		if (IS_ERR_OR_NULL(msg))
			return msg ? PTR_ERR(msg) : -EWOULDBLOCK;
		/*
		 * A published head holds a length of 1..BUF_LEN; the clamp
		 * keeps a bug elsewhere from overrunning @buf.
		 */
		len = min_t(u32, ms_head_len(head), BUF_LEN);
		if (size < len)
			return -ENOSPC;
		ms_message_copy_data(buf, msg, len);
	} while (ms_message_read_retry(msg, head));
	*seq = ms_head_seq(head);
	return len;
}
