// SPDX-License-Identifier: GPL-2.0
/*
 * message_slot: /sys/kernel/debug/message_slot/slotN, a root-only dump of
 * every channel of a slot that holds a message, one line per channel:
 *
 *	<id> <length> <contents>
 *
 * id and length in decimal; contents with printable ASCII bytes as they
 * are and every other byte, and the backslash, as \xHH.
 *
 * The dump walks the channel table with an rhashtable walker through
 * seq_file, so RCU is held for one buffer's worth of lines at a time:
 * writers and readers are never stalled, whatever the slot holds. Channels
 * added or removed during the dump may be missed or shown twice.
 */
#include "internal.h"

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/rhashtable.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

static struct dentry *ms_debugfs_root;

/**
 * struct ms_dump - the state of one open dump
 * @slot: the slot, referenced while the dump is open
 * @iter: the walker over the slot's channels
 * @pos: the seq_file position of the record in @id, @len and @data
 * @valid: whether that record is filled in
 * @id: the record: a channel id
 * @len: its message length
 * @data: a copy of its message, so no pointer outlives an RCU section
 */
struct ms_dump {
	struct ms_slot *slot;
	struct rhashtable_iter iter;
	loff_t pos;
	bool valid;
	u32 id;
	u32 len;
	u8 data[BUF_LEN] __aligned(8);
};

/* Copies the next channel holding a message into @d, or clears @valid. */
static void *ms_dump_fetch(struct ms_dump *d, loff_t pos)
{
	struct ms_channel *ch;
	ssize_t len;
	u64 seq;
	u32 id;

	d->valid = false;
	while ((ch = rhashtable_walk_next(&d->iter))) {
		if (IS_ERR(ch))		/* -EAGAIN: a resize, keep walking */
			continue;
		/*
		 * The id first: a channel holding a message is not removed,
		 * and removal is what reuses the id's word (ms_channel_bury()).
		 */
		id = READ_ONCE(ch->id);
		smp_rmb();	/* the id, before the message pointer */
		/*
		 * -EBUSY (a write storm on this channel) skips it, like a
		 * channel that changes during the dump.
		 */
		len = ms_channel_copy_message(ch, d->data, BUF_LEN, &seq);
		if (len < 0)
			continue;
		d->id = id;
		d->len = len;
		d->pos = pos;
		d->valid = true;
		return d;
	}
	return NULL;
}

static void *ms_dump_start(struct seq_file *m, loff_t *pos)
	__acquires(RCU)
{
	struct ms_dump *d = m->private;

	rhashtable_walk_start(&d->iter);
	/* A record fetched but not shown last time is shown now. */
	if (d->valid && d->pos == *pos)
		return d;
	return ms_dump_fetch(d, *pos);
}

static void *ms_dump_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return ms_dump_fetch(m->private, *pos);
}

static void ms_dump_stop(struct seq_file *m, void *v)
	__releases(RCU)
{
	struct ms_dump *d = m->private;

	rhashtable_walk_stop(&d->iter);
}

static int ms_dump_show(struct seq_file *m, void *v)
{
	struct ms_dump *d = v;
	u32 i;

	seq_printf(m, "%u %u ", d->id, d->len);
	for (i = 0; i < d->len; i++) {
		u8 c = d->data[i];

		if (isascii(c) && isprint(c) && c != '\\')
			seq_putc(m, c);
		else
			seq_printf(m, "\\x%02x", c);
	}
	seq_putc(m, '\n');
	return 0;
}

static const struct seq_operations ms_dump_seq_ops = {
	.start = ms_dump_start,
	.next = ms_dump_next,
	.stop = ms_dump_stop,
	.show = ms_dump_show,
};

static int ms_dump_open(struct inode *inode, struct file *file)
{
	/* debugfs keeps the slot alive until this open has returned. */
	struct ms_slot *slot = inode->i_private;
	struct ms_dump *d;

	/* Like the nodes: no file may outlive a failing module init. */
	if (!ms_open_allowed())
		return -ENXIO;
	d = __seq_open_private(file, &ms_dump_seq_ops, sizeof(*d));
	if (!d)
		return -ENOMEM;
	kref_get(&slot->ref);
	d->slot = slot;
	rhashtable_walk_enter(&slot->channels, &d->iter);
	/* The walker only goes forward: no seeking, no pread. */
	return nonseekable_open(inode, file);
}

static int ms_dump_release(struct inode *inode, struct file *file)
{
	struct ms_dump *d = ((struct seq_file *)file->private_data)->private;

	rhashtable_walk_exit(&d->iter);
	ms_slot_put(d->slot);
	return seq_release_private(inode, file);
}

static const struct file_operations ms_dump_fops = {
	.owner = THIS_MODULE,
	.open = ms_dump_open,
	.read = seq_read,
	.release = ms_dump_release,
};

/**
 * ms_debugfs_init() - create /sys/kernel/debug/message_slot/
 *
 * Context: module init. Failures only lose the dumps, as for any debugfs.
 */
void ms_debugfs_init(void)
{
	ms_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
}

/**
 * ms_debugfs_exit() - remove the directory, after every slot's file
 *
 * Context: module exit.
 */
void ms_debugfs_exit(void)
{
	debugfs_remove_recursive(ms_debugfs_root);
}

/**
 * ms_debugfs_add_slot() - create the dump file of a slot
 * @slot: the new slot
 *
 * Mode 0400: the dump shows message contents.
 *
 * Context: process context, may sleep.
 */
void ms_debugfs_add_slot(struct ms_slot *slot)
{
	char name[16];

	snprintf(name, sizeof(name), "slot%u", slot->minor);
	slot->debugfs = debugfs_create_file(name, 0400, ms_debugfs_root, slot,
					    &ms_dump_fops);
}

/**
 * ms_debugfs_remove_slot() - remove the dump file of a slot
 * @slot: the slot
 *
 * Returns once no dump operation is running; dumps still open keep a
 * reference to the slot and read nothing more.
 *
 * Context: process context, may sleep.
 */
void ms_debugfs_remove_slot(struct ms_slot *slot)
{
	debugfs_remove(slot->debugfs);
	slot->debugfs = NULL;
}
