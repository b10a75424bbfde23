/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_model.h - the operations of fuzz_test.c, their seeded generator and
 * a user-space model of SPEC Part 1 that predicts each one's result.
 *
 * Nothing here makes a system call on a slot: the model is plain data, so
 * that a recorded sequence of operations can be replayed against a fresh
 * model and fresh slots as often as the shrinker likes.
 *
 * An operation names its file descriptor by a logical index 0..FZ_FDS-1,
 * never by the kernel's number, so that any subsequence still means
 * something: an operation on an index that is not open is run on fd -1
 * (EBADF in kernel and model alike), and an open or dup onto an index
 * that is already open is skipped by both.
 */
#ifndef MS_TESTS_FUZZ_MODEL_H
#define MS_TESTS_FUZZ_MODEL_H

#include "slot_util.h"

#define FZ_SLOTS 3		/* slots the fuzzer adds for itself */
#define FZ_FDS 6		/* logical file descriptors */
#define FZ_MAX_WRITE (BUF_LEN + 2)	/* write lengths 0..130 */
#define FZ_MAX_READ (BUF_LEN + 12)	/* read sizes 0..140 */

enum fz_kind {
	FZ_OPEN, FZ_CLOSE, FZ_DUP, FZ_IOCTL, FZ_BADCMD, FZ_WRITE, FZ_READ,
	FZ_CLEAR, FZ_KINDS
};

static const char *const fz_kind_name[FZ_KINDS] = {
	"open", "close", "dup", "ioctl", "badcmd", "write", "read", "clear",
};

/* fz_op.flags */
#define FZ_ACCMODE 3		/* open: O_RDONLY, O_WRONLY or O_RDWR */
#define FZ_VIA_DEV 4		/* open: /dev/message_slot/slotN, not mknod */
#define FZ_ULONG 8		/* ioctl: the unsigned long encoding */
#define FZ_BADBUF 16		/* read, write: a PROT_NONE buffer */

struct fz_op {
	uint8_t kind;
	uint8_t fd;		/* the subject; for open and dup the new index */
	uint8_t src;		/* dup: the index duplicated */
	uint8_t slot;		/* open, clear: 0..FZ_SLOTS-1 */
	uint8_t flags;
	uint8_t len;		/* write: length; read: buffer size */
	uint64_t arg;		/* ioctl: id; badcmd: cmd; write: content seed */
};

/* A result, predicted or observed; open and dup report 0 for any fd. */
struct fz_res {
	bool skip;		/* open or dup onto an index already open */
	long ret;
	int err;		/* errno when ret == -1 */
	int stray;		/* read: 1 + a buffer byte that must not change */
	uint8_t data[BUF_LEN];	/* a successful read's bytes */
};

/* The channel ids most operations use, so that files share channels. */
static const uint32_t fz_pool[] = { 1, 2, 3, 7, 0x100001, 0xffffffff };
#define FZ_POOL (sizeof(fz_pool) / sizeof(fz_pool[0]))

/* Deliberate model errors, to prove the fuzzer and its shrinker work. */
enum fz_bug {
	FZ_BUG_NONE,
	FZ_BUG_EXACT_READ,	/* a read of exactly the length fails */
	FZ_BUG_CLEAR_KEEPS,	/* clear spares channels files selected */
};

/* ---- seeded randomness ------------------------------------------------ */

/* splitmix64: any seed, 0 included, gives a good stream. */
static inline uint64_t fz_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in 0..n-1. */
static inline unsigned int fz_below(uint64_t *s, unsigned int n)
{
	return (unsigned int)(((fz_rand(s) >> 32) * n) >> 32);
}

/*
 * The bytes of a write, from its seed: text, random bytes, or mostly
 * NULs, so that messages with NULs and every byte value are common.
 */
static inline void fz_fill(uint8_t *buf, size_t len, uint64_t seed)
{
	uint64_t s = seed;
	unsigned int style = seed & 3;
	size_t i;

	for (i = 0; i < len; i++) {
		uint64_t r = fz_rand(&s);

		if (style <= 1)
			buf[i] = r % 27 ? 'a' + r % 27 - 1 : ' ';
		else if (style == 2)
			buf[i] = (uint8_t)r;
		else
			buf[i] = r % 4 ? 0 : (uint8_t)(r >> 8);
	}
}

/* ---- the model -------------------------------------------------------- */

struct fz_file {
	uint8_t slot;
	uint8_t mode;		/* O_RDONLY, O_WRONLY or O_RDWR */
	uint32_t channel;	/* 0: none selected */
	int refs;		/* logical fds sharing this open file */
};

/* A channel's last message; valid only in its slot's current generation. */
struct fz_msg {
	uint64_t key;		/* (slot + 1) << 32 | id; 0: free entry */
	uint32_t gen;
	uint8_t len;
	uint8_t data[BUF_LEN];
};

struct fz_model {
	struct fz_file files[FZ_FDS];	/* each open file has >= 1 fd */
	int fd_file[FZ_FDS];		/* logical fd -> files[], or -1 */
	uint32_t gen[FZ_SLOTS];		/* bumped by clear */
	struct fz_msg *tab;		/* open addressing, linear probing */
	size_t cap, used;
	enum fz_bug bug;
};

/* Empties the model; @m is zeroed before its first use. */
static inline void fz_model_init(struct fz_model *m, enum fz_bug bug)
{
	free(m->tab);
	memset(m, 0, sizeof(*m));
	memset(m->fd_file, -1, sizeof(m->fd_file));
	m->bug = bug;
	m->cap = 1024;
	m->tab = calloc(m->cap, sizeof(*m->tab));
	ASSERT_TRUE(m->tab != NULL);
}

static inline struct fz_msg *fz_slot_of(struct fz_model *m, uint64_t key)
{
	size_t i = (size_t)(fmix32((uint32_t)key) ^ (key >> 32)) & (m->cap - 1);

	while (m->tab[i].key && m->tab[i].key != key)
		i = (i + 1) & (m->cap - 1);
	return &m->tab[i];
}

static inline uint64_t fz_key(unsigned int slot, uint32_t id)
{
	return (uint64_t)(slot + 1) << 32 | id;
}

/* The message of channel @id in @slot, or NULL. */
static inline struct fz_msg *fz_lookup(struct fz_model *m, unsigned int slot,
				       uint32_t id)
{
	struct fz_msg *e = fz_slot_of(m, fz_key(slot, id));

	return e->key && e->gen == m->gen[slot] && e->len ? e : NULL;
}

static inline void fz_store(struct fz_model *m, unsigned int slot, uint32_t id,
			    const uint8_t *data, size_t len)
{
	struct fz_msg *e;

	if (2 * (m->used + 1) > m->cap) {
		struct fz_msg *old = m->tab;
		size_t n = m->cap, i;

		m->cap *= 2;
		m->tab = calloc(m->cap, sizeof(*m->tab));
		ASSERT_TRUE(m->tab != NULL);
		for (i = 0; i < n; i++)
			if (old[i].key)
				*fz_slot_of(m, old[i].key) = old[i];
		free(old);
	}
	e = fz_slot_of(m, fz_key(slot, id));
	if (!e->key) {
		e->key = fz_key(slot, id);
		m->used++;
	}
	e->gen = m->gen[slot];
	e->len = (uint8_t)len;
	memcpy(e->data, data, len);
}

/* The open file behind logical fd @fd, or NULL. */
static inline struct fz_file *fz_file_of(struct fz_model *m, unsigned int fd)
{
	return m->fd_file[fd] < 0 ? NULL : &m->files[m->fd_file[fd]];
}

/* The length of the message @fd's channel holds, 0 if none. */
static inline unsigned int fz_msg_len(struct fz_model *m, unsigned int fd)
{
	struct fz_file *f = fz_file_of(m, fd);
	struct fz_msg *e = f && f->channel ?
		fz_lookup(m, f->slot, f->channel) : NULL;

	return e ? e->len : 0;
}

static inline void fz_clear(struct fz_model *m, unsigned int slot)
{
	struct fz_msg keep[FZ_FDS];
	unsigned int i, n = 0;

	/* The wrong reading of "open files keep their channels". */
	for (i = 0; m->bug == FZ_BUG_CLEAR_KEEPS && i < FZ_FDS; i++) {
		struct fz_file *f = &m->files[i];
		struct fz_msg *e = f->refs && f->slot == slot && f->channel ?
			fz_lookup(m, slot, f->channel) : NULL;

		if (e)
			keep[n++] = *e;
	}
	m->gen[slot]++;
	for (i = 0; i < n; i++)
		fz_store(m, slot, (uint32_t)keep[i].key, keep[i].data,
			 keep[i].len);
}

#define FZ_FAIL(r, e) ((r)->ret = -1, (r)->err = (e))

/*
 * The checks in the order the VFS and the driver make them: access mode,
 * channel, length or message, then the buffer.  The SPEC leaves the order
 * open; errors_test.c pins the channel before the length, and the rest is
 * the driver's (a bad buffer on an empty channel gives EWOULDBLOCK).
 */
static inline void fz_model_rw(struct fz_model *m, const struct fz_op *op,
			       struct fz_file *f, struct fz_res *r)
{
	bool reading = op->kind == FZ_READ;
	uint8_t buf[FZ_MAX_WRITE];
	struct fz_msg *e;

	if (f->mode == (reading ? O_WRONLY : O_RDONLY))
		return (void)FZ_FAIL(r, EBADF);
	if (!f->channel)
		return (void)FZ_FAIL(r, EINVAL);
	if (!reading) {
		if (op->len == 0 || op->len > BUF_LEN)
			return (void)FZ_FAIL(r, EMSGSIZE);
		if (op->flags & FZ_BADBUF)
			return (void)FZ_FAIL(r, EINVAL);
		fz_fill(buf, op->len, op->arg);
		fz_store(m, f->slot, f->channel, buf, op->len);
		r->ret = op->len;
		return;
	}
	e = fz_lookup(m, f->slot, f->channel);
	if (!e)
		return (void)FZ_FAIL(r, EWOULDBLOCK);
	if (op->len < e->len ||
	    (m->bug == FZ_BUG_EXACT_READ && op->len == e->len))
		return (void)FZ_FAIL(r, ENOSPC);
	if (op->flags & FZ_BADBUF)
		return (void)FZ_FAIL(r, EINVAL);
	memcpy(r->data, e->data, e->len);
	r->ret = e->len;
}

/* Applies @op to the model and says what the kernel must answer. */
static inline void fz_model_step(struct fz_model *m, const struct fz_op *op,
				 struct fz_res *r)
{
	struct fz_file *f = fz_file_of(m, op->fd);
	unsigned int i;

	memset(r, 0, sizeof(*r));
	switch (op->kind) {
	case FZ_OPEN:
	case FZ_DUP:
		if (f) {
			r->skip = true;
		} else if (op->kind == FZ_DUP && m->fd_file[op->src] < 0) {
			FZ_FAIL(r, EBADF);
		} else if (op->kind == FZ_DUP) {
			m->fd_file[op->fd] = m->fd_file[op->src];
			m->files[m->fd_file[op->fd]].refs++;
		} else {
			for (i = 0; m->files[i].refs; i++)
				;
			m->files[i] = (struct fz_file){
				.slot = op->slot,
				.mode = op->flags & FZ_ACCMODE, .refs = 1,
			};
			m->fd_file[op->fd] = (int)i;
		}
		return;
	case FZ_CLEAR:
		fz_clear(m, op->slot);
		return;
	}
	if (!f)
		return (void)FZ_FAIL(r, EBADF);
	switch (op->kind) {
	case FZ_CLOSE:
		f->refs--;
		m->fd_file[op->fd] = -1;
		break;
	case FZ_IOCTL:
		if (op->arg == 0 || op->arg > UINT32_MAX)
			FZ_FAIL(r, EINVAL);
		else
			f->channel = (uint32_t)op->arg;
		break;
	case FZ_BADCMD:
		FZ_FAIL(r, EINVAL);
		break;
	default:
		fz_model_rw(m, op, f, r);
	}
}

/* ---- the generator ---------------------------------------------------- */

/* A logical fd that is open (if @open) or closed, or -1 if none is. */
static inline int fz_pick_fd(uint64_t *s, struct fz_model *m, bool open)
{
	unsigned int start = fz_below(s, FZ_FDS), i;

	for (i = 0; i < FZ_FDS; i++) {
		unsigned int fd = (start + i) % FZ_FDS;

		if ((m->fd_file[fd] >= 0) == open)
			return (int)fd;
	}
	return -1;
}

static inline uint8_t fz_gen_write_len(uint64_t *s)
{
	unsigned int r = fz_below(s, 100);

	if (r < 4)
		return 0;
	if (r < 8)
		return BUF_LEN + 1 + fz_below(s, FZ_MAX_WRITE - BUF_LEN);
	if (r < 12)
		return BUF_LEN;
	return 1 + fz_below(s, BUF_LEN);
}

/* Read sizes cluster around the message's length, where ENOSPC begins. */
static inline uint8_t fz_gen_read_size(uint64_t *s, unsigned int len)
{
	unsigned int r = fz_below(s, 100);

	if (len && r < 25)
		return len;
	if (len && r < 35)
		return len - 1;
	if (len && r < 45)
		return len + 1;
	if (r < 50)
		return 0;
	return fz_below(s, FZ_MAX_READ + 1);
}

static inline void fz_gen_ioctl(uint64_t *s, struct fz_op *op)
{
	unsigned int r = fz_below(s, 100);

	op->flags = fz_below(s, 2) ? FZ_ULONG : 0;
	if (r < 80)
		op->arg = fz_pool[fz_below(s, FZ_POOL)];
	else if (r < 90)
		op->arg = (uint32_t)fz_rand(s);
	else if (r < 95 || !(op->flags & FZ_ULONG))
		op->arg = 0;
	else	/* only the unsigned long encoding can carry more */
		op->arg = fz_rand(s) | 1ull << 32;
}

/*
 * Any request but the two valid encodings, of the slot's ioctl type so
 * that none is one the VFS answers itself (FIONBIO, FIOCLEX, ...).
 */
static inline uint64_t fz_gen_badcmd(uint64_t *s)
{
	uint64_t cmd;

	do
		cmd = _IOC(fz_below(s, 4), MAJOR_NUM, fz_below(s, 4) ?
			   0 : fz_below(s, 256), fz_below(s, 16));
	while (cmd == MSG_SLOT_CHANNEL || cmd == MSG_SLOT_CHANNEL_ULONG);
	return cmd;
}

/* The next random operation, biased by the model towards meaningful ones. */
static inline void fz_gen(uint64_t *s, struct fz_model *m, struct fz_op *op)
{
	static const uint8_t modes[] = { O_RDWR, O_RDWR, O_RDWR, O_RDWR,
					 O_RDONLY, O_WRONLY };
	unsigned int r = fz_below(s, 1000);
	int fd = fz_pick_fd(s, m, true), closed = fz_pick_fd(s, m, false);

	memset(op, 0, sizeof(*op));
	op->fd = fd < 0 ? 0 : (uint8_t)fd;
	/* Now and then, an index that is not open: EBADF. */
	if (closed >= 0 && fz_below(s, 100) == 0)
		op->fd = (uint8_t)closed;
	if (fd < 0 || (closed >= 0 && r < 60)) {
		op->kind = FZ_OPEN;
		op->fd = (uint8_t)closed;
		op->slot = fz_below(s, FZ_SLOTS);
		op->flags = modes[fz_below(s, sizeof(modes))] |
			(fz_below(s, 3) ? 0 : FZ_VIA_DEV);
	} else if (r < 100 || (closed < 0 && r < 120)) {
		op->kind = FZ_CLOSE;
	} else if (r < 120) {
		op->kind = FZ_DUP;
		op->src = op->fd;
		op->fd = (uint8_t)closed;
	} else if (r < 290) {
		op->kind = FZ_IOCTL;
		fz_gen_ioctl(s, op);
	} else if (r < 300) {
		op->kind = FZ_BADCMD;
		op->arg = fz_gen_badcmd(s);
	} else if (r < 600) {
		op->kind = FZ_WRITE;
		op->len = fz_gen_write_len(s);
		op->arg = fz_rand(s);
	} else if (r < 990) {
		op->kind = FZ_READ;
		op->len = fz_gen_read_size(s, fz_msg_len(m, op->fd));
	} else {
		op->kind = FZ_CLEAR;
		op->slot = fz_below(s, FZ_SLOTS);
	}
	if ((op->kind == FZ_READ || op->kind == FZ_WRITE) &&
	    fz_below(s, 50) == 0)
		op->flags |= FZ_BADBUF;
}

/*
 * The end of every run: close everything, then read every pool channel of
 * every slot through a new file, so that no stored message goes unchecked.
 * Returns the number of operations written to @op.
 */
static inline size_t fz_gen_sweep(struct fz_model *m, struct fz_op *op)
{
	size_t n = 0;
	unsigned int fd, slot, i;

	for (fd = 0; fd < FZ_FDS; fd++)
		if (m->fd_file[fd] >= 0)
			op[n++] = (struct fz_op){ .kind = FZ_CLOSE, .fd = fd };
	for (slot = 0; slot < FZ_SLOTS; slot++) {
		op[n++] = (struct fz_op){ .kind = FZ_OPEN, .slot = slot,
					  .flags = O_RDWR };
		for (i = 0; i < FZ_POOL; i++) {
			op[n++] = (struct fz_op){ .kind = FZ_IOCTL,
						  .arg = fz_pool[i] };
			op[n++] = (struct fz_op){ .kind = FZ_READ,
						  .len = FZ_MAX_READ };
		}
		op[n++] = (struct fz_op){ .kind = FZ_CLOSE };
	}
	return n;
}

/* The most operations fz_gen_sweep() writes. */
#define FZ_SWEEP_MAX (FZ_FDS + FZ_SLOTS * (2 + 2 * FZ_POOL))

#endif /* MS_TESTS_FUZZ_MODEL_H */
