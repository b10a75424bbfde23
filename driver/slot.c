// SPDX-License-Identifier: GPL-2.0
/*
 * message_slot: the slots, one per minor, and the file operations of the
 * slot character devices.
 */
#include "internal.h"

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

/* Slots by minor, created on first open; guarded by ms_slots_lock. */
static struct ms_slot *ms_slots[MS_MINORS];
static DEFINE_MUTEX(ms_slots_lock);

static struct ms_slot *ms_slot_create(unsigned int minor)
{
	struct ms_slot *slot;

	slot = kzalloc(sizeof(*slot), GFP_KERNEL);
	if (!slot)
		return ERR_PTR(-ENOMEM);
	slot->minor = minor;
	mutex_init(&slot->lock);
	if (ms_channel_table_init(slot)) {
		kfree(slot);
		return ERR_PTR(-ENOMEM);
	}
	return slot;
}

static void ms_slot_free(struct ms_slot *slot)
{
	ms_channel_table_destroy(slot);
	mutex_destroy(&slot->lock);
	kfree(slot);
}

/* Finds or creates the slot of @minor and counts one more open file. */
static struct ms_slot *ms_slot_open(unsigned int minor)
{
	struct ms_slot *slot;

	mutex_lock(&ms_slots_lock);
	slot = ms_slots[minor];
	if (!slot) {
		slot = ms_slot_create(minor);
		if (!IS_ERR(slot))
			ms_slots[minor] = slot;
	}
	if (!IS_ERR(slot))
		slot->open_files++;
	mutex_unlock(&ms_slots_lock);
	return slot;
}

static void ms_slot_close(struct ms_slot *slot)
{
	mutex_lock(&ms_slots_lock);
	slot->open_files--;
	mutex_unlock(&ms_slots_lock);
}

/**
 * ms_slots_destroy() - free every slot with all its channels and messages
 *
 * Context: module exit; no slot is open (the module is pinned while one
 * is) and no new open can arrive (the cdev is gone).
 */
void ms_slots_destroy(void)
{
	unsigned int minor;

	for (minor = 0; minor < MS_MINORS; minor++) {
		if (ms_slots[minor]) {
			ms_slot_free(ms_slots[minor]);
			ms_slots[minor] = NULL;
		}
	}
}

static int ms_open(struct inode *inode, struct file *file)
{
	unsigned int minor = iminor(inode);
	struct ms_file *mf;

	/* The cdev spans exactly MS_MINORS minors, so @minor indexes ms_slots. */
	mf = kzalloc(sizeof(*mf), GFP_KERNEL_ACCOUNT);
	if (!mf)
		return -ENOMEM;
	mf->slot = ms_slot_open(minor);
	if (IS_ERR(mf->slot)) {
		kfree(mf);
		return -ENOMEM;
	}
	mutex_init(&mf->lock);
	file->private_data = mf;
	/* A slot has no file position: read() and write() ignore it. */
	return stream_open(inode, file);
}

static int ms_release(struct inode *inode, struct file *file)
{
	struct ms_file *mf = file->private_data;
	/* The last reference to the file is going: nobody else uses @mf. */
	struct ms_channel *ch = rcu_dereference_protected(mf->channel, true);

	if (ch)
		ms_channel_put(mf->slot, ch);
	ms_slot_close(mf->slot);
	mutex_destroy(&mf->lock);
	kfree(mf);
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
	ch = ms_channel_get(mf->slot, id);
	if (IS_ERR(ch)) {
		err = PTR_ERR(ch);
		goto out;
	}
	rcu_assign_pointer(mf->channel, ch);
	if (old)
		ms_channel_put(mf->slot, old);
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

static ssize_t ms_write(struct file *file, const char __user *buf,
			size_t count, loff_t *ppos)
{
	struct ms_file *mf = file->private_data;
	struct ms_message *msg;

	/* A file's channel, once set, is never unset: checking early is safe. */
	if (!rcu_access_pointer(mf->channel))
		return -EINVAL;
	if (count == 0 || count > BUF_LEN)
		return -EMSGSIZE;
	msg = ms_message_from_user(buf, count);
	if (IS_ERR(msg))
		return PTR_ERR(msg);

	mutex_lock(&mf->lock);
	ms_channel_publish(rcu_dereference_protected(mf->channel,
						     lockdep_is_held(&mf->lock)),
			   msg);
	mutex_unlock(&mf->lock);
	return count;
}

static ssize_t ms_read(struct file *file, char __user *buf, size_t count,
		       loff_t *ppos)
{
	struct ms_file *mf = file->private_data;
	struct ms_channel *ch;
	u8 data[BUF_LEN];
	ssize_t len;

	rcu_read_lock();
	ch = rcu_dereference(mf->channel);
	len = ch ? ms_channel_copy_message(ch, data, count) : -EINVAL;
	rcu_read_unlock();
	if (len < 0)
		return len;
	/* Outside the RCU section: copy_to_user() may fault and sleep. */
	if (copy_to_user(buf, data, len))
		return -EINVAL;
	return len;
}

const struct file_operations ms_fops = {
	.owner = THIS_MODULE,
	.open = ms_open,
	.release = ms_release,
	.read = ms_read,
	.write = ms_write,
	.unlocked_ioctl = ms_ioctl,
	/* The argument is a value, not a pointer: no translation needed. */
	.compat_ioctl = ms_ioctl,
};
