// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_test.c - a model-based fuzzer of SPEC Part 1.  Seeded random
 * sequences of open, close, dup, ioctl (both encodings, bad ids, bad
 * requests), write, read (sizes around the message's length, unwritable
 * buffers) and control CLEAR run over three slots the fuzzer adds for
 * itself, six file descriptors and a small pool of channel ids; every
 * return value, errno and byte read is checked against the model of
 * fuzz_model.h.  On the first mismatch it prints the seed, the operation
 * and both results, then shrinks the sequence by replaying parts of it on
 * fresh slots (delta debugging within a time budget) and prints the
 * shortest failing sequence it found, one call per line.
 *
 * Environment:
 *	MS_FUZZ_OPS	operations in all, split evenly across the seeds
 *			(default 200000; the debug lane runs 1000000)
 *	MS_FUZZ_SEED	run this seed alone, with all MS_FUZZ_OPS operations
 * Each seed is its own test, ops_match_model_seed_N, so TAP shows which
 * one failed.  The two fuzzer_catches_* tests run it against a model that
 * is wrong on purpose: they prove that a mismatch is found and shrunk.
 */
#include "ctl_util.h"
#include "fuzz_model.h"

#define FZ_DEFAULT_OPS 200000
#define FZ_ERRNOS 160
#define FZ_SHRINK_SECONDS 60	/* times HARNESS_TIMEOUT_SCALE */
#define FZ_SHRINK_TRIES 20000

/* Shared with the forked child that runs the operations. */
struct fz_ctx {
	unsigned int minor[FZ_SLOTS];
	uint64_t seed;
	size_t nops;
	enum fz_bug bug;
	/* what the child found */
	long first;		/* index of the first mismatch, or -1 */
	size_t shrunk;		/* length of the shortest failing sequence */
	bool shrunk_fails;	/* and it failed once more when printed */
	uint8_t last_kind;	/* the kind of its last operation */
	/* the child's own */
	int real[FZ_FDS];	/* logical fd -> kernel fd, or -1 */
	int ctl;
	uint8_t *badbuf;	/* a PROT_NONE page */
	bool counting;
	unsigned long kinds[FZ_KINDS], errs[FZ_ERRNOS];
	struct fz_res exp, act;	/* at the last mismatch */
	struct fz_model model;
};

/* ---- printing ----------------------------------------------------------- */

static const char *fz_errname(int err)
{
	const char *name;

	if (err == EWOULDBLOCK)		/* the SPEC's name for EAGAIN */
		return "EWOULDBLOCK";
	name = strerrorname_np(err);
	return name ? name : "E?";
}

/* Appends @n bytes to @out as a C string literal, at most 24 of them. */
static void fz_fmt_bytes(char *out, size_t size, const uint8_t *b, size_t n)
{
	size_t len = strlen(out), i;

	len += snprintf(out + len, size - len, "\"");
	for (i = 0; i < n && i < 24 && len < size; i++) {
		if (b[i] == '"' || b[i] == '\\')
			len += snprintf(out + len, size - len, "\\%c", b[i]);
		else if (b[i] >= 0x20 && b[i] < 0x7f)
			len += snprintf(out + len, size - len, "%c", b[i]);
		else
			len += snprintf(out + len, size - len, "\\x%02x", b[i]);
	}
	if (len < size)
		snprintf(out + len, size - len, "\"%s", n > 24 ? "..." : "");
}

static void fz_fmt_op(char *out, size_t size, const struct fz_op *op)
{
	static const char *const modes[] = { "O_RDONLY", "O_WRONLY", "O_RDWR" };
	uint8_t buf[FZ_MAX_WRITE];
	const char *via = op->flags & FZ_VIA_DEV ? " via /dev/message_slot" : "";
	const char *bad = op->flags & FZ_BADBUF ? "<PROT_NONE>" : "buf";

	switch (op->kind) {
	case FZ_OPEN:
		snprintf(out, size, "open(s%u%s, %s) as fd%u", op->slot, via,
			 modes[op->flags & FZ_ACCMODE], op->fd);
		break;
	case FZ_DUP:
		snprintf(out, size, "dup(fd%u) as fd%u", op->src, op->fd);
		break;
	case FZ_CLOSE:
		snprintf(out, size, "close(fd%u)", op->fd);
		break;
	case FZ_IOCTL:
		snprintf(out, size, "ioctl(fd%u, MSG_SLOT_CHANNEL%s, %#llx)",
			 op->fd, op->flags & FZ_ULONG ? "_ULONG" : "",
			 (unsigned long long)op->arg);
		break;
	case FZ_BADCMD:
		snprintf(out, size, "ioctl(fd%u, %#llx, 7)", op->fd,
			 (unsigned long long)op->arg);
		break;
	case FZ_WRITE:
		snprintf(out, size, "write(fd%u, ", op->fd);
		fz_fill(buf, op->len, op->arg);
		if (op->flags & FZ_BADBUF)
			strncat(out, bad, size - strlen(out) - 1);
		else
			fz_fmt_bytes(out, size, buf, op->len);
		snprintf(out + strlen(out), size - strlen(out), ", %u)",
			 op->len);
		break;
	case FZ_READ:
		snprintf(out, size, "read(fd%u, %s, %u)", op->fd, bad, op->len);
		break;
	default:
		snprintf(out, size, "clear(s%u)", op->slot);
	}
}

static void fz_fmt_res(char *out, size_t size, const struct fz_op *op,
		       const struct fz_res *r)
{
	if (r->skip)
		snprintf(out, size, "skipped: fd%u is open", op->fd);
	else if (r->ret == -1)
		snprintf(out, size, "-1 %s", fz_errname(r->err));
	else if (op->kind == FZ_OPEN || op->kind == FZ_DUP)
		snprintf(out, size, "fd%u", op->fd);
	else
		snprintf(out, size, "%ld", r->ret);
	if (r->ret > 0 && op->kind == FZ_READ) {
		strncat(out, " ", size - strlen(out) - 1);
		fz_fmt_bytes(out, size, r->data, (size_t)r->ret);
	}
	if (r->stray)
		snprintf(out + strlen(out), size - strlen(out),
			 ", and wrote buffer byte %d", r->stray - 1);
}

/* One line: the call, what the kernel said, and the model if it differs. */
static void fz_print_step(size_t i, const struct fz_op *op,
			  const struct fz_res *act, const struct fz_res *exp)
{
	char call[256], got[192], want[192] = "";

	fz_fmt_op(call, sizeof(call), op);
	fz_fmt_res(got, sizeof(got), op, act);
	if (exp)
		fz_fmt_res(want, sizeof(want), op, exp);
	TH_LOG("  %4zu: %s -> %s%s%s", i + 1, call, got,
	       exp ? "    <-- expected " : "", want);
}

/* ---- running operations --------------------------------------------------- */

static void fz_close_all(struct fz_ctx *c)
{
	unsigned int i;

	for (i = 0; i < FZ_FDS; i++) {
		if (c->real[i] >= 0)
			ASSERT_OK(close(c->real[i]));
		c->real[i] = -1;
	}
}

/* Gives every slot of the fuzzer a new, empty state and empties the model. */
static void fz_fresh(struct fz_ctx *c)
{
	unsigned int i;

	fz_close_all(c);
	for (i = 0; i < FZ_SLOTS; i++) {
		ASSERT_EQ(ctl_fd(c->ctl, MSG_SLOT_CTL_REMOVE, c->minor[i]), 0);
		ASSERT_EQ(ctl_fd(c->ctl, MSG_SLOT_CTL_ADD, c->minor[i]),
			  (int)c->minor[i]);
	}
	fz_model_init(&c->model, c->bug);
}

static long fz_open(struct fz_ctx *c, const struct fz_op *op)
{
	unsigned int minor = c->minor[op->slot];
	const char *path = op->flags & FZ_VIA_DEV ? dev_node(minor) :
		slot_node(minor);

	return open(path, op->flags & FZ_ACCMODE);
}

/* A read into a buffer whose bytes past what may change are checked. */
static long fz_read(struct fz_ctx *c, const struct fz_op *op, int fd,
		    struct fz_res *r)
{
	uint8_t buf[FZ_MAX_READ + 16];
	long ret;
	size_t i;

	if (op->flags & FZ_BADBUF)
		return read(fd, c->badbuf, op->len);
	memset(buf, 0xa5, sizeof(buf));
	ret = read(fd, buf, op->len);
	/* A driver that claimed more than BUF_LEN mismatches anyway. */
	if (ret > 0)
		memcpy(r->data, buf, ret < BUF_LEN ? (size_t)ret : BUF_LEN);
	/*
	 * Nothing past the message: the driver copies it from a stack buffer,
	 * and a byte more would leak the kernel's stack.  Nothing at all on
	 * failure: a failed read changes nothing.
	 */
	for (i = ret > 0 ? (size_t)ret : 0; i < sizeof(buf) && !r->stray; i++)
		if (buf[i] != 0xa5)
			r->stray = (int)i + 1;
	return ret;
}

/* Runs @op on the kernel; open and dup record the new fd. */
static void fz_kernel_step(struct fz_ctx *c, const struct fz_op *op,
			   struct fz_res *r)
{
	int fd = c->real[op->fd];
	uint8_t buf[FZ_MAX_WRITE];
	long ret = 0;

	memset(r, 0, sizeof(*r));
	errno = 0;
	switch (op->kind) {
	case FZ_OPEN:
	case FZ_DUP:
		if (fd >= 0) {
			r->skip = true;
			return;
		}
		ret = op->kind == FZ_OPEN ? fz_open(c, op) :
			dup(c->real[op->src]);
		if (ret >= 0) {
			c->real[op->fd] = (int)ret;
			ret = 0;
		}
		break;
	case FZ_CLOSE:
		ret = close(fd);
		c->real[op->fd] = -1;
		break;
	case FZ_IOCTL:
		ret = ioctl(fd, op->flags & FZ_ULONG ? MSG_SLOT_CHANNEL_ULONG :
			    MSG_SLOT_CHANNEL, (unsigned long)op->arg);
		break;
	case FZ_BADCMD:
		ret = ioctl(fd, (unsigned long)op->arg, 7UL);
		break;
	case FZ_WRITE:
		fz_fill(buf, op->len, op->arg);
		ret = write(fd, op->flags & FZ_BADBUF ? c->badbuf : buf,
			    op->len);
		break;
	case FZ_READ:
		ret = fz_read(c, op, fd, r);
		break;
	default:
		ret = ctl_fd(c->ctl, MSG_SLOT_CTL_CLEAR, c->minor[op->slot]);
	}
	r->ret = ret;
	r->err = ret == -1 ? errno : 0;
}

static bool fz_same(const struct fz_op *op, const struct fz_res *e,
		    const struct fz_res *a)
{
	if (e->skip != a->skip || e->ret != a->ret || e->stray != a->stray)
		return false;
	if (e->ret == -1)
		return e->err == a->err;
	return op->kind != FZ_READ || !memcmp(e->data, a->data, e->ret);
}

/*
 * Runs ops[from..n) on model and kernel, generating each from @rng first
 * if it is given; prints every step if @print.  Returns the index of the
 * first mismatch (its results in c->exp and c->act), or -1.
 */
static long fz_exec(struct fz_ctx *c, struct fz_op *ops, size_t from,
		    size_t n, uint64_t *rng, bool print)
{
	size_t i;
	bool bad;

	for (i = from; i < n; i++) {
		if (rng)
			fz_gen(rng, &c->model, &ops[i]);
		fz_model_step(&c->model, &ops[i], &c->exp);
		fz_kernel_step(c, &ops[i], &c->act);
		bad = !fz_same(&ops[i], &c->exp, &c->act);
		if (c->counting) {
			c->kinds[ops[i].kind]++;
			c->errs[c->act.ret == -1 && c->act.err < FZ_ERRNOS ?
				c->act.err : 0]++;
		}
		if (print)
			fz_print_step(i, &ops[i], &c->act, bad ? &c->exp : NULL);
		if (bad)
			return (long)i;
	}
	return -1;
}

/* Replays ops[0..n) on fresh slots and fresh fds; as fz_exec(). */
static long fz_replay(struct fz_ctx *c, struct fz_op *ops, size_t n,
		      bool print)
{
	long bad;

	fz_fresh(c);
	bad = fz_exec(c, ops, 0, n, NULL, print);
	fz_close_all(c);
	return bad;
}

/* ---- shrinking -------------------------------------------------------------- */

struct fz_shrink {
	struct fz_ctx *c;
	struct fz_op *cand;	/* scratch, as long as the original */
	double deadline;
	unsigned long tries;
};

/* Whether ops[0..*n) still fails; if so, *n ends at the mismatch. */
static bool fz_fails(struct fz_shrink *s, struct fz_op *ops, size_t *n)
{
	long bad;

	if (*n == 0 || s->tries >= FZ_SHRINK_TRIES ||
	    now_seconds() > s->deadline)
		return false;
	s->tries++;
	bad = fz_replay(s->c, ops, *n, false);
	if (bad < 0)
		return false;
	*n = (size_t)bad + 1;
	return true;
}

/* Keeps s->cand[0..k) as the best sequence if it still fails. */
static bool fz_try(struct fz_shrink *s, struct fz_op *best, size_t *n,
		   size_t k)
{
	if (!fz_fails(s, s->cand, &k))
		return false;
	memcpy(best, s->cand, k * sizeof(*best));
	*n = k;
	return true;
}

/* The last 4, 8, 16, ... operations alone: cheap when the bug is local. */
static void fz_shrink_suffix(struct fz_shrink *s, struct fz_op *best,
			     size_t *n)
{
	size_t w;

	for (w = 4; w < *n; w *= 2) {
		memcpy(s->cand, best + *n - w, w * sizeof(*best));
		if (fz_try(s, best, n, w))
			return;
	}
}

/* Delta debugging by complements: drop chunks, halving them as it goes. */
static void fz_ddmin(struct fz_shrink *s, struct fz_op *best, size_t *n)
{
	size_t gran = 2, chunk, start, end;
	bool cut;

	while (*n >= 2) {
		chunk = (*n + gran - 1) / gran;
		cut = false;
		for (start = 0; start < *n && !cut; start += chunk) {
			end = start + chunk < *n ? start + chunk : *n;
			memcpy(s->cand, best, start * sizeof(*best));
			memcpy(s->cand + start, best + end,
			       (*n - end) * sizeof(*best));
			cut = fz_try(s, best, n, *n - (end - start));
		}
		if (cut)
			gran = gran > 2 ? gran - 1 : 2;
		else if (gran < *n)
			gran = 2 * gran < *n ? 2 * gran : *n;
		else
			break;
	}
}

/*
 * Renames fd @from to @to (or slot, if @slots) everywhere: two files that
 * play the same part become one, which ddmin alone cannot find.
 */
static bool fz_merge(struct fz_shrink *s, struct fz_op *best, size_t *n,
		     bool slots)
{
	unsigned int from, to, lim = slots ? FZ_SLOTS : FZ_FDS;
	size_t i;

	for (from = lim - 1; from > 0; from--) {
		for (to = 0; to < from; to++) {
			bool used = false;

			for (i = 0; i < *n; i++) {
				struct fz_op *op = &s->cand[i];

				*op = best[i];
				if (slots && op->slot == from) {
					used = true;
					op->slot = (uint8_t)to;
				}
				if (!slots && op->fd == from) {
					used = true;
					op->fd = (uint8_t)to;
				}
				if (!slots && op->kind == FZ_DUP &&
				    op->src == from)
					op->src = (uint8_t)to;
			}
			if (used && fz_try(s, best, n, *n))
				return true;
		}
	}
	return false;
}

/*
 * Makes one operation plainer (an open O_RDWR through the mknod node, the
 * unsigned int encoding): a file opened O_WRONLY and reopened to read
 * becomes one file, which ddmin can then drop.
 */
static bool fz_simplify(struct fz_shrink *s, struct fz_op *best, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		struct fz_op plain = best[i];

		if (plain.kind == FZ_OPEN)
			plain.flags = O_RDWR;
		else if (plain.kind == FZ_IOCTL)
			plain.flags = 0;
		if (plain.flags == best[i].flags)
			continue;
		memcpy(s->cand, best, *n * sizeof(*best));
		s->cand[i] = plain;
		if (fz_try(s, best, n, *n))
			return true;
	}
	return false;
}

/*
 * Shrinks the failing ops[0..*n) in place; returns false if even the whole
 * sequence does not fail again on fresh slots.
 */
static bool fz_shrink(struct fz_ctx *c, struct fz_op *ops, size_t *n)
{
	const char *env = getenv("HARNESS_TIMEOUT_SCALE");
	int scale = env && atoi(env) > 0 ? atoi(env) : 1;
	struct fz_shrink s = {
		.c = c,
		.cand = calloc(*n, sizeof(*ops)),
		.deadline = now_seconds() + FZ_SHRINK_SECONDS * scale,
	};
	size_t from = *n;
	double start = now_seconds();

	ASSERT_TRUE(s.cand != NULL);
	if (!fz_fails(&s, ops, n)) {
		free(s.cand);
		return false;
	}
	fz_shrink_suffix(&s, ops, n);
	do
		fz_ddmin(&s, ops, n);
	while (fz_merge(&s, ops, n, false) || fz_merge(&s, ops, n, true) ||
	       fz_simplify(&s, ops, n));
	TH_LOG("shrunk %zu operations to %zu in %lu replays, %.1f s%s", from,
	       *n, s.tries, now_seconds() - start,
	       s.tries >= FZ_SHRINK_TRIES || now_seconds() > s.deadline ?
	       " (budget spent: maybe not the shortest)" : "");
	free(s.cand);
	return true;
}

/* ---- one seed ------------------------------------------------------------- */

static void fz_print_stats(struct fz_ctx *c, uint64_t seed, double secs)
{
	char line[512];
	size_t len = 0, n = 0;
	unsigned int i;

	for (i = 0; i < FZ_KINDS; i++)
		n += c->kinds[i];
	for (i = 0; i < FZ_KINDS; i++)
		len += snprintf(line + len, sizeof(line) - len, " %s %lu",
				fz_kind_name[i], c->kinds[i]);
	TH_LOG("seed %llu: %zu ops in %.1f s (%.0f ops/s):%s",
	       (unsigned long long)seed, n, secs, n / (secs > 0 ? secs : 1),
	       line);
	len = snprintf(line, sizeof(line), " ok %lu", c->errs[0]);
	for (i = 1; i < FZ_ERRNOS; i++)
		if (c->errs[i])
			len += snprintf(line + len, sizeof(line) - len,
					" %s %lu", fz_errname((int)i),
					c->errs[i]);
	TH_LOG("seed %llu: results:%s", (unsigned long long)seed, line);
}

/* Prints the mismatch, shrinks it and prints the shortest sequence. */
static void fz_report(struct fz_ctx *c, uint64_t seed, struct fz_op *ops,
		      size_t bad, size_t nops)
{
	size_t n = bad + 1;

	TH_LOG("seed %llu: mismatch at operation %zu:",
	       (unsigned long long)seed, n);
	fz_print_step(bad, &ops[bad], &c->act, &c->exp);
	if (!c->bug)
		TH_LOG("reproduce: MS_FUZZ_SEED=%llu MS_FUZZ_OPS=%zu tests/build/fuzz_test -t ops_match_model_seed_%llu",
		       (unsigned long long)seed, nops,
		       (unsigned long long)seed);
	c->counting = false;
	if (!fz_shrink(c, ops, &n)) {
		TH_LOG("the whole sequence passes when replayed on fresh slots: not reproducible");
		return;
	}
	c->shrunk = n;
	c->last_kind = ops[n - 1].kind;
	TH_LOG("shortest failing sequence, %zu operations, on fresh slots s0..s%d:",
	       n, FZ_SLOTS - 1);
	c->shrunk_fails = fz_replay(c, ops, n, true) >= 0;
}

/*
 * Runs @nops random operations from @seed, then the sweep; records in @c
 * what it found.  Runs in a child: the parent removes the slots whatever
 * happens here.
 */
static void fz_run_seed(void *arg)
{
	struct fz_ctx *c = arg;
	uint64_t seed = c->seed, rng = seed;
	size_t nops = c->nops;
	struct fz_op *ops = calloc(nops + FZ_SWEEP_MAX, sizeof(*ops));
	double start = now_seconds();
	size_t total;
	long bad;

	ASSERT_TRUE(ops != NULL);
	c->ctl = ctl_open();
	c->badbuf = map_page(PROT_NONE);
	memset(c->real, -1, sizeof(c->real));
	fz_fresh(c);
	c->counting = true;
	bad = fz_exec(c, ops, 0, nops, &rng, false);
	total = nops;
	if (bad < 0) {
		total += fz_gen_sweep(&c->model, ops + nops);
		bad = fz_exec(c, ops, nops, total, NULL, false);
	}
	fz_print_stats(c, seed, now_seconds() - start);
	c->first = bad;
	if (bad >= 0)
		fz_report(c, seed, ops, (size_t)bad, nops);
	fz_close_all(c);
	free(ops);
	/* A wrong model is the caller's to judge; the real one must agree. */
	if (bad >= 0 && !c->bug) {
		TH_LOG("seed %llu: the driver does not behave as SPEC Part 1 says",
		       (unsigned long long)seed);
		harness_fail();
	}
}

/* Adds the fuzzer's slots, runs @seed in a child, removes them. */
static struct fz_ctx *fz_session(uint64_t seed, size_t nops, enum fz_bug bug,
				 bool *passed)
{
	struct fz_ctx *c = mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unsigned int i;
	int minor;

	ASSERT_TRUE(c != MAP_FAILED);
	c->seed = seed;
	c->nops = nops;
	c->bug = bug;
	c->first = -1;
	for (i = 0; i < FZ_SLOTS; i++) {
		minor = ctl(MSG_SLOT_CTL_ADD, MSG_SLOT_ANY_MINOR);
		ASSERT_GE(minor, 0);
		c->minor[i] = (unsigned int)minor;
	}
	TH_LOG("seed %llu: %zu operations on slots %u, %u, %u%s",
	       (unsigned long long)seed, nops, c->minor[0], c->minor[1],
	       c->minor[2], bug ? ", with a model that is wrong on purpose" :
	       "");
	*passed = child_passes(NULL, fz_run_seed, c);
	for (i = 0; i < FZ_SLOTS; i++)
		ASSERT_EQ(ctl(MSG_SLOT_CTL_REMOVE, c->minor[i]), 0);
	return c;
}

/* ---- the tests -------------------------------------------------------------- */

#define FZ_SEEDS 4

static const uint64_t fz_default_seeds[FZ_SEEDS] = { 1, 2, 3, 4 };
static uint64_t fz_seeds[FZ_SEEDS];
static size_t fz_nseeds, fz_ops_per_seed;
static const char *fz_env_error;

static void fz_seed_test(unsigned int i)
{
	bool passed;

	if (fz_env_error) {
		TH_LOG("%s", fz_env_error);
		harness_fail();
	}
	munmap(fz_session(fz_seeds[i], fz_ops_per_seed, FZ_BUG_NONE, &passed),
	       sizeof(struct fz_ctx));
	if (!passed)
		harness_fail();
}

/* The harness calls a test without an argument: one trampoline per seed. */
static void fz_seed_test0(void) { fz_seed_test(0); }
static void fz_seed_test1(void) { fz_seed_test(1); }
static void fz_seed_test2(void) { fz_seed_test(2); }
static void fz_seed_test3(void) { fz_seed_test(3); }

static void (*const fz_seed_fns[FZ_SEEDS])(void) = {
	fz_seed_test0, fz_seed_test1, fz_seed_test2, fz_seed_test3,
};
static struct harness_test fz_seed_tests[FZ_SEEDS];
static char fz_names[FZ_SEEDS][48];

/* Parses a whole unsigned number (any base strtoull takes) or fails. */
static bool fz_env_number(const char *name, unsigned long long *v)
{
	const char *s = getenv(name);
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || *end || *s == '-')
		fz_env_error = "MS_FUZZ_OPS and MS_FUZZ_SEED must be unsigned numbers";
	return true;
}

/*
 * Registers one test per seed (the harness's tests are otherwise static):
 * the seed list comes from the environment.  The timeout allows 1000
 * operations a second (under emulation a stock kernel runs 30000-150000,
 * the KASAN and lockdep kernel about 5000) plus twice the shrinker's
 * budget.
 */
__attribute__((constructor)) static void fz_register(void)
{
	unsigned long long ops = FZ_DEFAULT_OPS, seed;
	unsigned int i;

	if (fz_env_number("MS_FUZZ_SEED", &seed)) {
		fz_seeds[0] = seed;
		fz_nseeds = 1;
	} else {
		memcpy(fz_seeds, fz_default_seeds, sizeof(fz_seeds));
		fz_nseeds = FZ_SEEDS;
	}
	if (fz_env_number("MS_FUZZ_OPS", &ops) && !fz_env_error &&
	    (ops == 0 || ops > 1ull << 32))
		fz_env_error = "MS_FUZZ_OPS must be 1..2^32";
	fz_ops_per_seed = (size_t)((ops + fz_nseeds - 1) / fz_nseeds);
	for (i = 0; i < fz_nseeds; i++) {
		snprintf(fz_names[i], sizeof(fz_names[i]),
			 "ops_match_model_seed_%llu",
			 (unsigned long long)fz_seeds[i]);
		fz_seed_tests[i] = (struct harness_test){
			.name = fz_names[i], .fn = fz_seed_fns[i],
			.timeout = 30 + 2 * FZ_SHRINK_SECONDS +
				   fz_ops_per_seed / 1000,
		};
		harness_register(&fz_seed_tests[i]);
	}
}

/* Runs the fuzzer against a wrong model: it must find and shrink the bug. */
static void fz_expect_caught(enum fz_bug bug, uint64_t seed)
{
	struct fz_ctx *c;
	bool passed;

	c = fz_session(seed, 100000, bug, &passed);
	ASSERT_TRUE(passed);
	ASSERT_GE(c->first, 0);
	ASSERT_GT(c->shrunk, 0);
	ASSERT_LE(c->shrunk, 5);
	ASSERT_TRUE(c->shrunk_fails);
	ASSERT_EQ(c->last_kind, FZ_READ);
	/* It did shrink: the first mismatch came later than that. */
	ASSERT_GT((size_t)c->first + 1, c->shrunk);
	munmap(c, sizeof(*c));
}

TEST_TIMEOUT(fuzzer_catches_model_that_refuses_exact_size_reads, 200)
{
	fz_expect_caught(FZ_BUG_EXACT_READ, 1);
}

TEST_TIMEOUT(fuzzer_catches_model_whose_clear_spares_selected_channels, 200)
{
	fz_expect_caught(FZ_BUG_CLEAR_KEEPS, 1);
}
