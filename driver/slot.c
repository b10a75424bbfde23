// SPDX-License-Identifier: GPL-2.0
/*
 * message_slot: the slots, one per minor, and the file operations of the
 * slot character devices.
 */
#include "internal.h"

#include <linux/device.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/lockdep.h>
#include <linux/percpu.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

/* Slots by minor; guarded by ms_slots_lock. */
static struct ms_slot *ms_slots[MS_MINORS];
static DEFINE_MUTEX(ms_slots_lock);

static struct ms_slot *ms_slot_create(unsigned int minor)
{
	struct ms_slot *slot;

	slot = kzalloc(sizeof(*slot), GFP_KERNEL);
	if (!slot)
		return NULL;
	slot->stats = alloc_percpu(struct ms_stats);
	if (!slot->stats)
		goto err_slot;
	if (ms_channel_table_init(slot))
		goto err_stats;
	if (ms_poll_init(slot))
		goto err_table;
	kref_init(&slot->ref);
	slot->minor = minor;
	raw_spin_lock_init(&slot->quota_lock);
	mutex_init(&slot->lock);
	ms_debugfs_add_slot(slot);
	return slot;

err_table:
	ms_channel_table_destroy(slot);
err_stats:
	free_percpu(slot->stats);
err_slot:
	kfree(slot);
	return NULL;
}

static void ms_slot_release(struct kref *ref)
{
	struct ms_slot *slot = container_of(ref, struct ms_slot, ref);

	ms_poll_destroy(slot);
	ms_channel_table_destroy(slot);
	mutex_destroy(&slot->lock);
	free_percpu(slot->stats);
	kfree(slot);
}

/**
 * ms_slot_put() - drop a reference to a slot
 * @slot: the slot
 *
 * The last reference frees the slot with its channels and messages.
 *
 * Context: process context, may sleep.
 */
void ms_slot_put(struct ms_slot *slot)
{
	kref_put(&slot->ref, ms_slot_release);
}

/**
 * ms_slot_find() - take a reference to the slot of a minor
 * @minor: the minor, 0..255
 *
 * Context: process context, may sleep; takes ms_slots_lock.
 * Return: the slot, to be released with ms_slot_put(), or NULL if no
 * slot exists for @minor.
 */
struct ms_slot *ms_slot_find(unsigned int minor)
{
	struct ms_slot *slot;

	mutex_lock(&ms_slots_lock);
	slot = ms_slots[minor];
	if (slot)
		kref_get(&slot->ref);
	mutex_unlock(&ms_slots_lock);
	return slot;
}

/* Finds or creates the slot of @minor; the caller holds ms_slots_lock. */
static struct ms_slot *ms_slot_get_locked(unsigned int minor)
{
	lockdep_assert_held(&ms_slots_lock);
	if (!ms_slots[minor])
		ms_slots[minor] = ms_slot_create(minor);
	return ms_slots[minor];
}

/* Finds or creates the slot of @minor and counts one more open file. */
static struct ms_slot *ms_slot_open(unsigned int minor)
{
	struct ms_slot *slot;

	mutex_lock(&ms_slots_lock);
	slot = ms_slot_get_locked(minor);
	if (slot) {
		kref_get(&slot->ref);
		/* sysfs reads it without the lock (open_files_show()). */
		WRITE_ONCE(slot->open_files, slot->open_files + 1);
	}
	mutex_unlock(&ms_slots_lock);
	return slot;
}

static void ms_slot_close(struct ms_slot *slot)
{
	mutex_lock(&ms_slots_lock);
	WRITE_ONCE(slot->open_files, slot->open_files - 1);
	mutex_unlock(&ms_slots_lock);
	ms_slot_put(slot);
}

/*
 * The lowest minor without a slot, or -ENOSPC. A minor whose slot a mknod
 * node has opened is not free: its messages would show through a new
 * node with other permissions.
 */
static int ms_slot_free_minor(void)
{
	unsigned int minor;

	for (minor = 0; minor < MS_MINORS; minor++)
		if (!ms_slots[minor])
			return minor;
	return -ENOSPC;
}

/* Unlinks a slot nobody has opened; the caller holds ms_slots_lock, then puts it. */
static void ms_slot_unlink_locked(struct ms_slot *slot)
{
	lockdep_assert_held(&ms_slots_lock);
	ms_slots[slot->minor] = NULL;
	ms_debugfs_remove_slot(slot);
}

/**
 * ms_slot_add() - create the device of a slot
 * @minor: the minor, or MSG_SLOT_ANY_MINOR for the lowest one without a slot
 *
 * A slot already opened through a mknod node keeps its messages: the new
 * device is one more way to reach it. If the device cannot be made, a
 * slot this call created goes again, dump file and all.
 *
 * Context: process context, may sleep; takes ms_slots_lock.
 * Return: the minor; -EINVAL for a minor out of range, -EEXIST if the
 * slot has a device, -ENOSPC if every minor has a slot, -ENOMEM.
 */
int ms_slot_add(unsigned int minor)
{
	struct ms_slot *slot, *created = NULL;
	struct device *dev;
	int ret;

	if (minor != MSG_SLOT_ANY_MINOR && minor >= MS_MINORS)
		return -EINVAL;
	mutex_lock(&ms_slots_lock);
	ret = minor == MSG_SLOT_ANY_MINOR ? ms_slot_free_minor() : minor;
	if (ret < 0)
		goto out;
	if (!ms_slots[ret])
		created = ms_slot_get_locked(ret);
	slot = ms_slots[ret];
	if (!slot) {
		ret = -ENOMEM;
	} else if (slot->dev) {
		ret = -EEXIST;
	} else {
		dev = ms_slot_device_create(slot);
		if (IS_ERR(dev)) {
			ret = PTR_ERR(dev);
			if (created)
				ms_slot_unlink_locked(created);
		} else {
			slot->dev = dev;
			created = NULL;
		}
	}
out:
	mutex_unlock(&ms_slots_lock);
	/*
	 * No node can have a slot created here open (the lock was held);
	 * a dump opened meanwhile holds a reference of its own.
	 */
	if (created && ret < 0)
		ms_slot_put(created);
	return ret;
}

/**
 * ms_slot_remove() - remove the device of a slot and free its messages
 * @minor: the minor
 *
 * Like loop-control: refused while open; the slot is hidden first (a later
 * open through a mknod node starts a new, empty slot), its files are
 * removed while the lock keeps the names from being reused, and its
 * memory goes with the last reference.
 *
 * Context: process context, may sleep; takes ms_slots_lock.
 * Return: 0; -EINVAL for a minor out of range, -ENODEV if the slot has no
 * device, -EBUSY while a file has the slot open.
 */
int ms_slot_remove(unsigned int minor)
{
	struct ms_slot *slot;

	if (minor >= MS_MINORS)
		return -EINVAL;
	mutex_lock(&ms_slots_lock);
	slot = ms_slots[minor];
	if (!slot || !slot->dev) {
		mutex_unlock(&ms_slots_lock);
		return -ENODEV;
	}
	if (slot->open_files) {
		mutex_unlock(&ms_slots_lock);
		return -EBUSY;
	}
	device_unregister(slot->dev);
	slot->dev = NULL;
	ms_slot_unlink_locked(slot);
	mutex_unlock(&ms_slots_lock);

	ms_channel_table_clear(slot);
	ms_slot_put(slot);
	return 0;
}

/**
 * ms_slots_destroy() - remove every slot, its device and its messages
 *
 * Context: module exit; no slot or debugfs file is open (either pins the
 * module) and no new open can arrive (the cdev is gone).
 */
void ms_slots_destroy(void)
{
	unsigned int minor;

	for (minor = 0; minor < MS_MINORS; minor++) {
		struct ms_slot *slot;

		/* A change of the quota through sysfs may still walk the table. */
		mutex_lock(&ms_slots_lock);
		slot = ms_slots[minor];
		ms_slots[minor] = NULL;
		mutex_unlock(&ms_slots_lock);
		if (!slot)
			continue;
		if (slot->dev)
			device_unregister(slot->dev);
		ms_debugfs_remove_slot(slot);
		ms_slot_put(slot);
	}
}

/**
 * ms_slots_quota_sync() - restart every slot's quota usage from its bytes
 *
 * Context: the quota is changing: no message changes meanwhile (see
 * ms_quota_enter()); takes ms_slots_lock.
 */
void ms_slots_quota_sync(void)
{
	struct ms_stats sum;
	unsigned int minor;

	mutex_lock(&ms_slots_lock);
	for (minor = 0; minor < MS_MINORS; minor++) {
		if (!ms_slots[minor])
			continue;
		ms_slot_stats(ms_slots[minor], &sum);
		atomic_long_set(&ms_slots[minor]->quota_used, sum.bytes);
	}
	mutex_unlock(&ms_slots_lock);
}

/**
 * ms_slot_stats() - sum a slot's per-CPU statistics
 * @slot: the slot
 * @sum: filled with the totals
 *
 * The parts are summed while writers change them, as percpu_counter_sum()
 * does: on a busy slot @channels and @bytes may be off by what changed
 * meanwhile (never below zero), and are exact once it is quiet. @writes
 * and @reads only grow, so each sum lies between their totals at the
 * start and at the end of the call.
 *
 * Context: any context.
 */
void ms_slot_stats(struct ms_slot *slot, struct ms_stats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		struct ms_stats *s = per_cpu_ptr(slot->stats, cpu);

		sum->channels += READ_ONCE(s->channels);
		sum->bytes += READ_ONCE(s->bytes);
		sum->writes += READ_ONCE(s->writes);
		sum->reads += READ_ONCE(s->reads);
	}
	sum->channels = max(sum->channels, 0L);
	sum->bytes = max(sum->bytes, 0L);
}

static int ms_open(struct inode *inode, struct file *file)
{
	unsigned int minor = iminor(inode);
	struct ms_file *mf;

	if (!ms_open_allowed())
		return -ENXIO;
	/* The cdev spans exactly MS_MINORS minors, so @minor indexes ms_slots. */
	mf = kzalloc(sizeof(*mf), GFP_KERNEL_ACCOUNT);
	if (!mf)
		return -ENOMEM;
	mf->slot = ms_slot_open(minor);
	if (!mf->slot) {
		kfree(mf);
		return -ENOMEM;
	}
	mutex_init(&mf->lock);
	init_waitqueue_head(&mf->wait);
	file->private_data = mf;
	/* A slot has no file position: read() and write() ignore it. */
	return stream_open(inode, file);
}

static int ms_release(struct inode *inode, struct file *file)
{
	struct ms_file *mf = file->private_data;
	/* The last reference to the file is going: nobody else uses @mf. */
	struct ms_channel *ch = rcu_dereference_protected(mf->channel, true);

	ms_poll_unregister(mf);
	if (ch)
		ms_channel_put(mf->slot, ch);
	ms_slot_close(mf->slot);
	mutex_destroy(&mf->lock);
	if (ms_debug_leak_file())
		return 0;
	/* A writer may still be waking it (poll.c). */
	kfree_rcu(mf, rcu);
	return 0;
}

/* Selects channel @id for this open file only. */
static int ms_file_set_channel(struct ms_file *mf, u32 id)
{
	struct ms_channel *old, *ch;
	int err = 0;

	mutex_lock(&mf->lock);
	old = rcu_dereference_protected(mf->channel, lockdep_is_held(&mf->lock));
	if (old && old->id == id)
		goto out;
	ch = ms_channel_switch(mf->slot, old, id, &mf->channel);
	if (IS_ERR(ch)) {
		err = PTR_ERR(ch);
		goto out;
	}
	ms_poll_rekey(mf, ch);
	ms_debug_switch_delay();
	/* Nothing of the new channel has been read through this file yet. */
	WRITE_ONCE(mf->seen, 0);
	/* A poller of this file may now have something to read or write. */
	if (wq_has_sleeper(&mf->wait))
		wake_up_interruptible_poll(&mf->wait, EPOLLIN | EPOLLRDNORM |
					   EPOLLOUT | EPOLLWRNORM);
out:
	mutex_unlock(&mf->lock);
	return err;
}

static long ms_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	/* Old programs encode the request with an unsigned long: accept it. */
	if (cmd != MSG_SLOT_CHANNEL && cmd != MSG_SLOT_CHANNEL_ULONG)
		return -EINVAL;
	/* The id travels by value; 0 names no channel. */
	if (arg == 0 || arg > U32_MAX)
		return -EINVAL;
	return ms_file_set_channel(file->private_data, arg);
}

/* write() and writev() refuse the same things, in the same order. */
static int ms_write_check(struct ms_file *mf, size_t count)
{
	/* A file's channel, once set, is never unset: checking early is safe. */
	if (!rcu_access_pointer(mf->channel))
		return -EINVAL;
	if (count == 0 || count > BUF_LEN)
		return -EMSGSIZE;
	return 0;
}

/* Publishes a complete message of @len bytes on the file's channel. */
static ssize_t ms_write_publish(struct ms_file *mf, struct ms_message *msg,
				size_t len)
{
	struct ms_channel *ch;
	int err;

	if (IS_ERR(msg))
		return PTR_ERR(msg);
	mutex_lock(&mf->lock);
	ch = rcu_dereference_protected(mf->channel, lockdep_is_held(&mf->lock));
	err = ms_channel_publish(mf->slot, ch, msg);
	mutex_unlock(&mf->lock);
	return err ? err : len;
}

static ssize_t ms_write(struct file *file, const char __user *buf,
			size_t count, loff_t *ppos)
{
	struct ms_file *mf = file->private_data;
	int err = ms_write_check(mf, count);

	if (err)
		return err;
	return ms_write_publish(mf, ms_message_from_user(buf, count), count);
}

/*
 * writev(): the segments together are one message, checked and stored
 * like write()'s buffer. Without this the VFS would call ms_write() once
 * per segment and keep only the last one.
 */
static ssize_t ms_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct ms_file *mf = iocb->ki_filp->private_data;
	size_t count = iov_iter_count(from);
	int err = ms_write_check(mf, count);

	if (err)
		return err;
	return ms_write_publish(mf, ms_message_from_iter(from, count), count);
}

/*
 * Copies the file's message into @data, BUF_LEN bytes and 8-byte aligned;
 * returns its length or -errno.
 */
static ssize_t ms_read_message(struct ms_file *mf, u8 *data, size_t count,
			       u64 *seq)
{
	struct ms_channel *ch;
	ssize_t len;

	for (;;) {
		rcu_read_lock();
		ch = rcu_dereference(mf->channel);
		len = ch ? ms_channel_copy_message(ch, data, count, seq) :
			   -EINVAL;
		rcu_read_unlock();
		if (len != -EBUSY)
			return len;
		/* Writes keep replacing it: let grace periods pass, then retry. */
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
}

/* The message reached user space: the file has seen it, count the read. */
static void ms_read_done(struct ms_file *mf, u64 seq)
{
	WRITE_ONCE(mf->seen, seq);
	this_cpu_inc(mf->slot->stats->reads);
}

static ssize_t ms_read(struct file *file, char __user *buf, size_t count,
		       loff_t *ppos)
{
	struct ms_file *mf = file->private_data;
	u8 data[BUF_LEN] __aligned(8);
	ssize_t len;
	u64 seq;

	len = ms_read_message(mf, data, count, &seq);
	if (len < 0)
		return len;
	/* Outside the RCU section: the copy may fault and sleep. */
	if (copy_to_user(buf, data, len))
		return -EINVAL;
	ms_read_done(mf, seq);
	return len;
}

/* readv(): one message scattered over the segments, like read()'s buffer. */
static ssize_t ms_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct ms_file *mf = iocb->ki_filp->private_data;
	u8 data[BUF_LEN] __aligned(8);
	ssize_t len;
	u64 seq;

	len = ms_read_message(mf, data, iov_iter_count(to), &seq);
	if (len < 0)
		return len;
	if (copy_to_iter(data, len, to) != len)
		return -EINVAL;
	ms_read_done(mf, seq);
	return len;
}

static __poll_t ms_poll(struct file *file, poll_table *wait)
{
	struct ms_file *mf = file->private_data;
	struct ms_channel *ch;
	__poll_t mask = 0;
	u64 seq;

	if (ms_poll_state(mf) == MS_POLL_NONE)
		ms_poll_register(mf);
	poll_wait(file, &mf->wait, wait);
	/*
	 * Listed among the pollers and on the wait queue before looking at
	 * the channel: a write or ioctl that finds neither (ms_poll_wake(),
	 * wq_has_sleeper()) is seen below.
	 */
	smp_mb();

	rcu_read_lock();
	ch = rcu_dereference(mf->channel);
	if (ch) {
		/* A write never blocks once a channel is selected. */
		mask |= EPOLLOUT | EPOLLWRNORM;
		/* Writes that keep replacing the message bring a new one. */
		if (ms_channel_seq(ch, &seq) ||
		    (seq && seq != READ_ONCE(mf->seen)))
			mask |= EPOLLIN | EPOLLRDNORM;
	}
	rcu_read_unlock();
	return mask;
}

const struct file_operations ms_fops = {
	.owner = THIS_MODULE,
	.open = ms_open,
	.release = ms_release,
	/* read() and write() take the short path, readv() and writev() these. */
	.read = ms_read,
	.read_iter = ms_read_iter,
	.write = ms_write,
	.write_iter = ms_write_iter,
	.poll = ms_poll,
	.unlocked_ioctl = ms_ioctl,
	/* The argument is a value, not a pointer: no translation needed. */
	.compat_ioctl = ms_ioctl,
};
