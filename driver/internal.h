/* SPDX-License-Identifier: GPL-2.0 */
/*
 * message_slot: structures shared by the driver's files, their lock rules
 * and the prototypes that cross file boundaries.
 */
#ifndef _MESSAGE_SLOT_INTERNAL_H
#define _MESSAGE_SLOT_INTERNAL_H

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/message_slot.h>

#include "compat.h"

/**
 * DOC: Theory of operation
 *
 * Objects. A *slot* (struct ms_slot) exists per minor that has a device
 * (the first ``slots`` minors, and those the control node adds) or that has
 * been opened through a node made with mknod. It lives until the control
 * node removes its device or the module is unloaded. It owns a hash table of
 * *channels* (struct ms_channel), keyed by the 32-bit channel id. A channel
 * points to its current *message* (struct ms_message), one allocation
 * holding the length and the bytes. Every open file has a struct ms_file
 * in file->private_data that records its slot and the channel it selected.
 *
 * Ownership. A channel is in its slot's table while it holds a message or
 * while at least one file has it selected (@users). The last file to let
 * go of an empty channel removes it, so memory stays proportional to the
 * messages stored plus the files open, whatever ids a process tries.
 * Channels are freed after an RCU grace period, in batches: a removed
 * channel goes on its slot's @dead list, whose work item waits one grace
 * period for the whole batch, so a channel needs no rcu_head of its own.
 * Messages go back to their cache at once (see Reads).
 *
 * Writes. write() (and writev(), whose segments form one message)
 * validates, allocates the new message and copies it from user space
 * before touching shared state, then publishes it with one
 * xchg() of the channel's message pointer: a write is atomic, concurrent
 * writers need no lock, and a failed write leaves the old message as it was.
 * The old message goes straight back to its cache.
 *
 * Reads. read() takes no lock and allocates nothing: inside an RCU read
 * section it follows file -> channel -> message and copies the message
 * to a stack buffer, and copies that to user space after the section
 * ends, where a page fault may sleep. Message objects come
 * from SLAB_TYPESAFE_BY_RCU caches, so one freed under a reader may be
 * reused at once, but stays a message: every message gets a number no
 * other message ever gets (0 while an object is being filled), and a
 * reader checks the number before and after it copies, as a seqcount
 * reader would, and copies again if it changed. A reader therefore
 * returns one whole message, never a torn or reused one, and a write
 * costs no grace period.
 *
 * Slot lifetime. A slot is reference counted (@ref): the table of slots
 * holds one reference, every open file one and every open debugfs dump one;
 * the last put frees the channel table. Removing a slot unlinks it, removes
 * its device and debugfs file, frees its messages, then drops the table's
 * reference.
 *
 * Notification. A file remembers the number of the last message it
 * read; poll() reports EPOLLIN while its channel's message has another
 * number. A file that has polled once is listed in its slot's @pollers,
 * keyed by its channel (poll.c), and has a wait queue of its own, so a
 * write wakes exactly the files on the channel it changed, at a cost
 * proportional to their number, and epoll entries never outlive the
 * queue they sit on (the file's own). Writers walk the listing under
 * RCU: a struct ms_file is freed after a grace period.
 *
 * Statistics are per-CPU counters updated from the result of each xchg(),
 * so their sums are exact after any sequence of operations and reading them
 * never walks the channels.
 *
 * Quota. The module parameter "quota" caps each slot's stored bytes (the
 * "bytes" counter: a replacement counts new length minus old); 0 means no
 * cap and costs writers two loads. With a quota, a write takes its slot's
 * @quota_lock (a raw spinlock: preemption is off, and the section is a few
 * loads and two atomics), measures the growth against the channel's
 * current message, charges it to @quota_used, failing with -EDQUOT
 * (nothing changed) if that passes the quota, and swaps its message in;
 * a shrink is released after the swap, still under the lock. A clear
 * under a quota drops each message and its bytes under the same lock. So
 * nothing replaces the message a writer measured, @quota_used is the
 * stored bytes whenever a writer tests it, a write fails exactly when it
 * would fail in a serial order, and concurrent writers cannot overshoot.
 * A write that does not grow the slot never fails: lowering the quota
 * below what a slot holds keeps every message and refuses only growth.
 * Writes without a quota never take the lock. @quota_used is kept only
 * while a quota is set. A write changes its message pointer and
 * the statistics between ms_quota_enter() and ms_quota_exit(), with
 * preemption disabled; a clear holds ms_quota_lock. Changing the parameter
 * takes that lock, raises a flag that makes new writers wait, waits a
 * grace period for those already inside, then sets every slot's
 * @quota_used to its "bytes" counter. Switching the quota on therefore
 * counts the messages already stored.
 *
 * Lock order, outermost first:
 *   ms_file.lock  ->  ms_quota_lock  ->  ms_slot.lock
 *   ms_quota_lock  ->  ms_slots_lock
 *   ms_quota_enter() (preemption off)  ->  ms_slot.quota_lock
 *   ms_file.lock  ->  ms_slot.poll_lock, the pollers' bucket locks
 *   ms_slots_lock  ->  (device core, debugfs)
 * ms_slots_lock (slot.c) guards the table of slots and each slot's
 * @open_files and @dev. Nothing that sysfs or debugfs callbacks run takes
 * it, so removing files under it cannot deadlock. ms_quota_lock (quota.c)
 * serialises changes of the quota and clears; writers wait on it only
 * while a change is under way.
 * ms_slot.lock guards insertions into and removals from the channel table
 * and every channel's @users. ms_file.lock serialises ioctl() and write()
 * on one open file, so a write never publishes into a channel that the
 * same file's ioctl() has just released.
 */

/* The number of minors, hence of slots: one byte of minor number. */
#define MS_MINORS 256

/* The same request as MSG_SLOT_CHANNEL, encoded with an unsigned long. */
#define MSG_SLOT_CHANNEL_ULONG _IOW(MAJOR_NUM, 0, unsigned long)

/**
 * struct ms_message - one stored message
 * @head: the sequence number, never given to two messages, above 8 bits
 *	of length (1..BUF_LEN, the bytes in @data); the number is 0 while
 *	the object is being filled (it is SLAB_TYPESAFE_BY_RCU: see
 *	channel.c)
 * @data: the message bytes
 *
 * Immutable once published, until it is replaced and freed.
 */
struct ms_message {
	u64 head;
	/* Aligned for the readers' word-at-a-time copy (channel.c). */
	u8 data[] __aligned(8);
};

/**
 * struct ms_channel - one channel of a slot
 * @node: link in the slot's channel table; ms_slot.lock for changes
 * @msg: the current message or NULL; replaced with xchg(), read under RCU
 * @id: the channel id, the table key; never changes while in the table
 * @users: open files that have this channel selected; ms_slot.lock
 * @dead: once removed from the table, the link in the slot's list of
 *	channels to free (see ms_channel_bury()); over @id and @users,
 *	which nothing reads after the removal
 */
struct ms_channel {
	struct rhash_head node;
	struct ms_message __rcu *msg;
	union {
		struct {
			u32 id;
			unsigned int users;
		};
		struct llist_node dead;
	};
};

/**
 * struct ms_stats - a slot's statistics, or one CPU's share of them
 * @channels: channels holding a message
 * @bytes: bytes stored in those messages
 * @writes: messages written since the slot was created
 * @reads: messages read since the slot was created
 *
 * A slot keeps one per CPU, updated with this_cpu_*(); a CPU's share of
 * @channels or @bytes may be negative, their sum over all CPUs is exact.
 */
struct ms_stats {
	long channels;
	long bytes;
	u64 writes;
	u64 reads;
};

/**
 * struct ms_slot - the state of one minor
 * @ref: references: the slot table, open files, open debugfs dumps
 * @minor: the minor number this slot serves
 * @open_files: open files on this slot; written under ms_slots_lock
 *	with WRITE_ONCE(), read by sysfs without it
 * @dev: the slot's device in class message_slot, or NULL for a slot
 *	reached only through mknod; ms_slots_lock
 * @debugfs: the slot's debugfs dump file
 * @stats: per-CPU statistics
 * @quota_used: bytes charged against the quota: the stored bytes, plus
 *	the growth of the one write inside @quota_lock; kept only while a
 *	quota is set
 * @quota_lock: serialises the writes and clears of messages under a quota
 * @nr_pollers: files in @pollers and @poll_spill
 * @pollers: files that have polled, keyed by their channel (poll.c)
 * @poll_lock: guards changes of @poll_spill
 * @poll_spill: files that have polled but could not be put in @pollers
 * @lock: guards @channels membership and every channel's @users
 * @channels: the channel table, an rhashtable keyed by channel id
 * @dead: channels removed from @channels, waiting for a grace period
 * @reap: frees @dead after a grace period
 */
struct ms_slot {
	struct kref ref;
	unsigned int minor;
	unsigned int open_files;
	struct device *dev;
	struct dentry *debugfs;
	struct ms_stats __percpu *stats;
	atomic_long_t quota_used;
	raw_spinlock_t quota_lock;	/* message changes under a quota */
	atomic_t nr_pollers;
	struct rhltable pollers;
	spinlock_t poll_lock;		/* @poll_spill */
	struct list_head poll_spill;
	struct mutex lock;		/* channel membership and @users */
	struct rhashtable channels;
	struct llist_head dead;
	struct work_struct reap;
};

/**
 * struct ms_file - the state of one open file, in file->private_data
 * @slot: the slot this file was opened on
 * @lock: serialises channel changes and writes on this file
 * @channel: the selected channel, NULL until the first MSG_SLOT_CHANNEL;
 *	set under @lock, read under RCU
 * @seen: sequence number of the last message read on @channel, 0 if none
 * @wait: where poll() waits on this file
 * @poll_state: whether the file is listed in its slot's pollers, or on
 *	their spill list, or neither (it has not polled); @lock for changes
 * @poll_entry: its listing in the slot's pollers (poll.c); @lock
 * @poll_spill: its link in the slot's spill list
 * @rcu: frees it after a grace period: writers may be waking it
 */
struct ms_poll_entry;

struct ms_file {
	struct ms_slot *slot;
	struct mutex lock;		/* ioctl() against write() */
	struct ms_channel __rcu *channel;
	u64 seen;
	wait_queue_head_t wait;
	u8 poll_state;
	struct ms_poll_entry *poll_entry;
	struct list_head poll_spill;
	struct rcu_head rcu;
};

/* ms_file.poll_state */
enum {
	MS_POLL_NONE,
	MS_POLL_LISTED,
	MS_POLL_SPILLED,
};

/* main.c */
extern dev_t ms_devt;
extern bool ms_live;

/**
 * ms_open_allowed() - whether the module may hand out open files yet
 *
 * Context: any.
 * Return: true once module init has succeeded; until then, opens of the
 * slot and control nodes and of the debugfs dumps fail with -ENXIO.
 */
static inline bool ms_open_allowed(void)
{
	/* Pairs with the release at the end of ms_init(). */
	return smp_load_acquire(&ms_live);
}

/* channel.c */
int ms_caches_create(void);
void ms_caches_destroy(void);
int ms_channel_table_init(struct ms_slot *slot);
void ms_channel_table_destroy(struct ms_slot *slot);
void ms_channel_table_clear(struct ms_slot *slot);
struct ms_channel *ms_channel_switch(struct ms_slot *slot,
				     struct ms_channel *old, u32 id,
				     struct ms_channel __rcu **selected);
void ms_channel_put(struct ms_slot *slot, struct ms_channel *ch);
struct ms_message *ms_message_from_user(const char __user *buf, size_t len);
struct ms_message *ms_message_from_iter(struct iov_iter *from, size_t len);
int ms_channel_publish(struct ms_slot *slot, struct ms_channel *ch,
		       struct ms_message *msg);
int ms_channel_seq(struct ms_channel *ch, u64 *seq);
ssize_t ms_channel_copy_message(struct ms_channel *ch, u8 *buf, size_t size,
				u64 *seq);

/* slot.c */
extern const struct file_operations ms_fops;
struct ms_slot *ms_slot_find(unsigned int minor);
void ms_slot_put(struct ms_slot *slot);
int ms_slot_add(unsigned int minor);
int ms_slot_remove(unsigned int minor);
void ms_slots_destroy(void);
void ms_slot_stats(struct ms_slot *slot, struct ms_stats *sum);
void ms_slots_quota_sync(void);

/* poll.c */
int ms_poll_init(struct ms_slot *slot);
void ms_poll_destroy(struct ms_slot *slot);
void ms_poll_register(struct ms_file *mf);
u8 ms_poll_state(struct ms_file *mf);
void ms_poll_rekey(struct ms_file *mf, struct ms_channel *ch);
void ms_poll_unregister(struct ms_file *mf);
void ms_poll_wake(struct ms_slot *slot, struct ms_channel *ch);

/* quota.c */
extern unsigned long ms_quota;
extern bool ms_quota_busy;
void ms_quota_wait(void);
unsigned long ms_quota_hold(void);
void ms_quota_unhold(void);
bool ms_quota_charge(struct ms_slot *slot, long bytes, unsigned long quota);
void ms_quota_uncharge(struct ms_slot *slot, long bytes);

/**
 * ms_quota_enter() - start a write's change of a message pointer
 *
 * Disables preemption, after waiting for a change of the quota that is
 * under way: that change waits a grace period for every section begun
 * before it, then recounts the slots. With no quota set this costs two
 * loads on top of the preempt_disable() the write needs anyway.
 *
 * Context: process context; may sleep before it returns, returns with
 * preemption disabled until ms_quota_exit().
 * Return: the quota in bytes, 0 for none, valid until ms_quota_exit().
 */
static inline unsigned long ms_quota_enter(void)
{
	preempt_disable();
	/* Pairs with ms_quota_set(): flag down, new quota and usage seen. */
	while (unlikely(smp_load_acquire(&ms_quota_busy))) {
		preempt_enable();
		ms_quota_wait();
		preempt_disable();
	}
	return READ_ONCE(ms_quota);
}

/**
 * ms_quota_exit() - end what ms_quota_enter() started
 *
 * Context: after ms_quota_enter().
 */
static inline void ms_quota_exit(void)
{
	preempt_enable();
}

/*
 * Debug hooks, compiled only into a build for a KASAN or KCSAN kernel
 * (see Kbuild): delays that widen race windows so that the debug lanes'
 * tests hit them every time, and a planted leak. Each is a module
 * parameter, 0 (off) unless a test sets it.
 */
#ifdef MS_DEBUG_HOOKS
extern unsigned int ms_debug_switch_delay_us;
extern unsigned int ms_debug_leak_files;

/* Sleeps at the end of a channel switch, before the ioctl returns. */
static inline void ms_debug_switch_delay(void)
{
	unsigned int us = READ_ONCE(ms_debug_switch_delay_us);

	if (us)
		fsleep(us);
}

/*
 * True when release() must leak this file's memory: a planted leak that
 * proves the debug lane's kmemleak check sees this module's own objects.
 */
static inline bool ms_debug_leak_file(void)
{
	unsigned int n = READ_ONCE(ms_debug_leak_files);

	while (n)
		if (try_cmpxchg(&ms_debug_leak_files, &n, n - 1))
			return true;
	return false;
}
#else
static inline void ms_debug_switch_delay(void)
{
}

static inline bool ms_debug_leak_file(void)
{
	return false;
}
#endif

/* control.c */
int ms_control_register(void);
void ms_control_unregister(void);

/* sysfs.c */
int ms_class_register(void);
void ms_class_unregister(void);
struct device *ms_slot_device_create(struct ms_slot *slot);

/* debugfs.c */
void ms_debugfs_init(void);
void ms_debugfs_exit(void);
void ms_debugfs_add_slot(struct ms_slot *slot);
void ms_debugfs_remove_slot(struct ms_slot *slot);

#endif /* _MESSAGE_SLOT_INTERNAL_H */
