// SPDX-License-Identifier: GPL-2.0
/*
 * msbench: message_slot against the kernel's own IPC, in the same boot.
 *
 *   msbench ops [--quick]      latency of every operation (best and median
 *                              of interleaved trials), lookup scaling and
 *                              2-reader scaling
 *   msbench memory IDS SIZE N  kernel memory per channel for N channels
 *                              (IDS dense|random, SIZE bytes per message)
 *
 * Results go to stdout as "# " lines for people and one "BENCH-JSON: "
 * line for machines. Absolute times under emulation mean nothing; the
 * host side reports ratios to the floors measured here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <linux/message_slot.h>

#define MSG 128
#define MAX_TRIALS 15

static int quick;
static char buf[MSG], out[MSG];
static int major = MAJOR_NUM;

static void die(const char *what)
{
	fprintf(stderr, "msbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Opens slot @minor through a node of its own under /dev. */
static int slot_open(int minor)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/msbench%d", minor);
	unlink(path);
	if (mknod(path, S_IFCHR | 0600, makedev(major, minor)))
		die("mknod");
	fd = open(path, O_RDWR);
	if (fd < 0)
		die(path);
	return fd;
}

static void must(long ret, const char *what)
{
	if (ret < 0)
		die(what);
}

/* The fixtures every operation works on. */
static struct {
	int hot, wr, sw, zero, memfd, pipe[2], efd, sock[2], msq;
	mqd_t mq;
} fx;

static void setup(void)
{
	struct mq_attr attr = { .mq_maxmsg = 8, .mq_msgsize = MSG };

	memset(buf, 'x', sizeof(buf));
	fx.hot = slot_open(0);
	must(ioctl(fx.hot, MSG_SLOT_CHANNEL, 1), "ioctl");
	must(write(fx.hot, buf, MSG), "write");
	fx.sw = slot_open(0);
	must(ioctl(fx.sw, MSG_SLOT_CHANNEL, 3), "ioctl");
	must(write(fx.sw, buf, MSG), "write");
	fx.wr = slot_open(0);
	must(ioctl(fx.wr, MSG_SLOT_CHANNEL, 2), "ioctl");
	fx.zero = open("/dev/zero", O_RDONLY);
	must(fx.zero, "/dev/zero");
	fx.memfd = memfd_create("msbench", 0);
	must(fx.memfd, "memfd_create");
	must(write(fx.memfd, buf, MSG), "write memfd");
	must(pipe(fx.pipe), "pipe");
	fx.efd = eventfd(0, 0);
	must(fx.efd, "eventfd");
	must(socketpair(AF_UNIX, SOCK_DGRAM, 0, fx.sock), "socketpair");
	fx.msq = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	must(fx.msq, "msgget");
	mq_unlink("/msbench");
	fx.mq = mq_open("/msbench", O_RDWR | O_CREAT, 0600, &attr);
	must(fx.mq, "mq_open");
}

static void op_getppid(void) { syscall(SYS_getppid); }
static void op_read_zero(void) { must(read(fx.zero, out, MSG), "read zero"); }
static void op_pread_memfd(void) { must(pread(fx.memfd, out, MSG, 0), "pread"); }
static void op_ms_read(void) { must(read(fx.hot, out, MSG), "ms read"); }
static void op_ms_write16(void) { must(write(fx.wr, buf, 16), "ms write"); }
static void op_ms_write128(void) { must(write(fx.wr, buf, MSG), "ms write"); }

/* Switches between two channels holding messages: a real change each time. */
static void op_ms_ioctl_read(void)
{
	static unsigned int id = 1;

	id ^= 2;	/* 1, 3, 1, 3, ... */
	must(ioctl(fx.sw, MSG_SLOT_CHANNEL, id), "ioctl");
	must(read(fx.sw, out, MSG), "ms read");
}

static void op_ms_pair(void)
{
	must(write(fx.wr, buf, MSG), "ms write");
	must(read(fx.wr, out, MSG), "ms read");
}

static void op_pipe_pair(void)
{
	must(write(fx.pipe[1], buf, MSG), "pipe write");
	must(read(fx.pipe[0], out, MSG), "pipe read");
}

static void op_mq_pair(void)
{
	must(mq_send(fx.mq, buf, MSG, 0), "mq_send");
	must(mq_receive(fx.mq, out, MSG, NULL), "mq_receive");
}

static void op_sysv_pair(void)
{
	static struct { long type; char text[MSG]; } m = { .type = 1 };

	must(msgsnd(fx.msq, &m, MSG, 0), "msgsnd");
	must(msgrcv(fx.msq, &m, MSG, 0, 0), "msgrcv");
}

static void op_eventfd_pair(void)
{
	uint64_t v = 1;

	must(write(fx.efd, &v, sizeof(v)), "eventfd write");
	must(read(fx.efd, &v, sizeof(v)), "eventfd read");
}

static void op_unix_pair(void)
{
	must(send(fx.sock[0], buf, MSG, 0), "send");
	must(recv(fx.sock[1], out, MSG, 0), "recv");
}

struct op {
	const char *name;
	void (*fn)(void);
	long iters;
	double ns[MAX_TRIALS];
};

static struct op ops[] = {
	{ .name = "getppid", .fn = op_getppid },
	{ .name = "read_zero_128", .fn = op_read_zero },
	{ .name = "pread_memfd_128", .fn = op_pread_memfd },
	{ .name = "ms_read_hot_128", .fn = op_ms_read },
	{ .name = "ms_write_16", .fn = op_ms_write16 },
	{ .name = "ms_write_128", .fn = op_ms_write128 },
	{ .name = "ms_ioctl_read", .fn = op_ms_ioctl_read },
	{ .name = "ms_write_read_pair", .fn = op_ms_pair },
	{ .name = "pipe_pair", .fn = op_pipe_pair },
	{ .name = "mq_pair", .fn = op_mq_pair },
	{ .name = "sysv_msg_pair", .fn = op_sysv_pair },
	{ .name = "eventfd_pair", .fn = op_eventfd_pair },
	{ .name = "unix_dgram_pair", .fn = op_unix_pair },
};
#define NOPS (sizeof(ops) / sizeof(ops[0]))

static double run_batch(void (*fn)(void), long iters)
{
	double t0 = now_ns();
	long i;

	for (i = 0; i < iters; i++)
		fn();
	return (now_ns() - t0) / iters;
}

/* Iterations for a batch of about @target_ns. */
static long calibrate(void (*fn)(void), double target_ns)
{
	double per = run_batch(fn, 200);
	long iters = (long)(target_ns / per);

	return iters < 100 ? 100 : iters;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Best and median of @n samples (sorts them). */
static void best_median(double *v, int n, double *best, double *median)
{
	qsort(v, n, sizeof(*v), cmp_double);
	*best = v[0];
	*median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int trials(void)
{
	return quick ? 3 : 9;
}

/*
 * Interleaved trials: every trial runs every operation once, so a busy
 * spell on the host hits all of them alike.
 */
static void bench_ops(FILE *json)
{
	double target = quick ? 5e6 : 30e6, best, median;
	size_t i;
	int t;

	for (i = 0; i < NOPS; i++)
		ops[i].iters = calibrate(ops[i].fn, target);
	for (t = 0; t < trials(); t++)
		for (i = 0; i < NOPS; i++)
			ops[i].ns[t] = run_batch(ops[i].fn, ops[i].iters);
	fprintf(json, "\"ops\": {");
	for (i = 0; i < NOPS; i++) {
		best_median(ops[i].ns, trials(), &best, &median);
		printf("# %-20s best %8.1f ns  median %8.1f ns\n", ops[i].name,
		       best, median);
		fprintf(json, "%s\"%s\": {\"best_ns\": %.1f, \"median_ns\": %.1f}",
			i ? ", " : "", ops[i].name, best, median);
	}
	fprintf(json, "}");
}

/* A bijection of 32-bit values: distinct "random" ids from 1..N. */
static uint32_t mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

static uint32_t channel_id(int random, uint32_t i)
{
	return random ? mix32(i) : i;
}

/* Writes a @size-byte message on channels 1..n (mapped) of slot @fd. */
static void populate(int fd, int random, uint32_t n, size_t size)
{
	uint32_t i;

	for (i = 1; i <= n; i++) {
		must(ioctl(fd, MSG_SLOT_CHANNEL, channel_id(random, i)), "ioctl");
		must(write(fd, buf, size), "write");
	}
}

#define PICKS 4096
static uint32_t picks[PICKS];
static unsigned int pick;
static int lookup_fd;

static void op_lookup_read(void)
{
	must(ioctl(lookup_fd, MSG_SLOT_CHANNEL, picks[pick++ % PICKS]), "ioctl");
	must(read(lookup_fd, out, MSG), "read");
}

static void op_lookup_write(void)
{
	must(ioctl(lookup_fd, MSG_SLOT_CHANNEL, picks[pick++ % PICKS]), "ioctl");
	must(write(lookup_fd, buf, MSG), "write");
}

/*
 * The locality control: the same table, but switching among only its
 * first FEW picks, whose pages stay in every cache and TLB. What
 * ioctl+read costs beyond this is the memory the random picks touch,
 * not the work of a switch.
 */
#define FEW 16
static unsigned int few_pick;

static void op_few_read(void)
{
	must(ioctl(lookup_fd, MSG_SLOT_CHANNEL, picks[few_pick++ % FEW]), "ioctl");
	must(read(lookup_fd, out, MSG), "read");
}

/* The same on a slot with one channel, measured in the same trials. */
static int one_fd;
static uint32_t one_id;

static void op_one_read(void)
{
	must(ioctl(one_fd, MSG_SLOT_CHANNEL, one_id), "ioctl");
	must(read(one_fd, out, MSG), "read");
}

static void op_one_write(void)
{
	must(ioctl(one_fd, MSG_SLOT_CHANNEL, one_id), "ioctl");
	must(write(one_fd, buf, MSG), "write");
}

/* Writes the one-channel slot's message, on minor 1 (no other test uses it). */
static void one_setup(int random)
{
	one_fd = slot_open(1);
	one_id = channel_id(random, 1);
	must(ioctl(one_fd, MSG_SLOT_CHANNEL, one_id), "ioctl");
	must(write(one_fd, buf, MSG), "write");
}

/*
 * ioctl+read and ioctl+write over random channels among @n on a new slot,
 * interleaved with the same on a slot with one channel, so that a busy
 * spell (on the host, or the table's resize worker in the guest) hits
 * both alike.
 */
static void bench_lookup(FILE *json, int random, uint32_t n, int minor)
{
	void (*fn[])(void) = { op_lookup_read, op_lookup_write,
			       op_one_read, op_one_write, op_few_read };
#define LOOKUP_OPS (sizeof(fn) / sizeof(fn[0]))
	double target = quick ? 5e6 : 30e6, t0, v[LOOKUP_OPS][MAX_TRIALS];
	double best[LOOKUP_OPS], median[LOOKUP_OPS];
	long iters[LOOKUP_OPS];
	int fd = slot_open(minor), i, k;

	t0 = now_ns();
	populate(fd, random, n, MSG);
	printf("# lookup %s n=%u: populated in %.2f s\n", random ? "random" : "dense",
	       n, (now_ns() - t0) / 1e9);
	one_setup(random);
	srand(n);
	for (i = 0; i < PICKS; i++)
		picks[i] = channel_id(random, 1 + (uint32_t)rand() % n);
	lookup_fd = slot_open(minor);
	for (k = 0; k < (int)LOOKUP_OPS; k++)
		iters[k] = calibrate(fn[k], target);
	for (i = 0; i < trials(); i++)
		for (k = 0; k < (int)LOOKUP_OPS; k++)
			v[k][i] = run_batch(fn[k], iters[k]);
	for (k = 0; k < (int)LOOKUP_OPS; k++)
		best_median(v[k], trials(), &best[k], &median[k]);
	printf("# lookup %s n=%u: ioctl+read best %.1f median %.1f, ioctl+write best %.1f median %.1f ns; "
	       "one channel: %.1f / %.1f, %.1f / %.1f; ioctl+read among %d: %.1f / %.1f\n",
	       random ? "random" : "dense", n, best[0], median[0], best[1], median[1],
	       best[2], median[2], best[3], median[3], FEW, best[4], median[4]);
	fprintf(json, "\"lookup\": {\"ids\": \"%s\", \"channels\": %u, "
		"\"ioctl_read\": {\"best_ns\": %.1f, \"median_ns\": %.1f}, "
		"\"ioctl_write\": {\"best_ns\": %.1f, \"median_ns\": %.1f}, "
		"\"one_channel\": {"
		"\"ioctl_read\": {\"best_ns\": %.1f, \"median_ns\": %.1f}, "
		"\"ioctl_write\": {\"best_ns\": %.1f, \"median_ns\": %.1f}}, "
		"\"few_channels\": {\"picks\": %d, "
		"\"ioctl_read\": {\"best_ns\": %.1f, \"median_ns\": %.1f}}}",
		random ? "random" : "dense", n, best[0], median[0], best[1], median[1],
		best[2], median[2], best[3], median[3], FEW, best[4], median[4]);
	close(lookup_fd);
	close(one_fd);
	close(fd);
}

struct reader {
	int cpu, fd;	/* fd < 0: getppid */
	volatile int *stop;
	long count;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(r->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	while (!*r->stop) {
		if (r->fd < 0)
			syscall(SYS_getppid);
		else if (read(r->fd, out, MSG) < 0)
			die("read");
		r->count++;
	}
	return NULL;
}

static void *writer_main(void *arg)
{
	volatile int *stop = arg;
	struct timespec ts = { 0, 100000 };
	int fd = slot_open(0);

	must(ioctl(fd, MSG_SLOT_CHANNEL, 1), "ioctl");
	while (!*stop) {
		must(write(fd, buf, MSG), "write");
		nanosleep(&ts, NULL);
	}
	close(fd);
	return NULL;
}

/* Total operations per second of @n readers (fds[i] < 0: getppid). */
static double throughput(int n, const int *fds, int with_writer)
{
	double d = quick ? 0.2 : 1.0, t0;
	volatile int stop = 0;
	struct reader r[2];
	pthread_t th[2], w;
	long total = 0;
	int i;

	if (with_writer)
		pthread_create(&w, NULL, writer_main, (void *)&stop);
	for (i = 0; i < n; i++) {
		r[i] = (struct reader){ .cpu = i, .fd = fds[i], .stop = &stop };
		pthread_create(&th[i], NULL, reader_main, &r[i]);
	}
	t0 = now_ns();
	usleep((useconds_t)(d * 1e6));
	stop = 1;
	for (i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		total += r[i].count;
	}
	if (with_writer)
		pthread_join(w, NULL);
	return total / ((now_ns() - t0) / 1e9);
}

/* Scaling from 1 to 2 pinned readers: 2.0 is perfect. */
static double scaling(int fd0, int fd1, int with_writer)
{
	int one[1] = { fd0 }, two[2] = { fd0, fd1 };

	return throughput(2, two, with_writer) / throughput(1, one, with_writer);
}

#define SCALINGS 5

/*
 * Rounds of every scaling in turn, getppid's first, so that a busy spell
 * on the host hits one round, not one measure: the medians over rounds,
 * and of each round's slot scaling over its getppid scaling.
 */
static void bench_scaling(FILE *json)
{
	static const char *const names[SCALINGS] = {
		"getppid", "same_channel", "different_channels",
		"same_channel_writer", "different_channels_writer"
	};
	int a = slot_open(0), b = slot_open(0), c = slot_open(0);
	int fds[SCALINGS][2] = { { -1, -1 }, { a, b }, { a, c }, { a, b }, { a, c } };
	double v[SCALINGS][MAX_TRIALS], rel[2][MAX_TRIALS], med[SCALINGS];
	double rel_med[2], best;
	int rounds = quick ? 1 : 5, t, k;

	must(ioctl(a, MSG_SLOT_CHANNEL, 1), "ioctl");
	must(ioctl(b, MSG_SLOT_CHANNEL, 1), "ioctl");
	must(ioctl(c, MSG_SLOT_CHANNEL, 3), "ioctl");
	for (t = 0; t < rounds; t++) {
		for (k = 0; k < SCALINGS; k++)
			v[k][t] = scaling(fds[k][0], fds[k][1], k >= 3);
		rel[0][t] = v[1][t] / v[0][t];
		rel[1][t] = v[2][t] / v[0][t];
	}
	for (k = 0; k < SCALINGS; k++)
		best_median(v[k], rounds, &best, &med[k]);
	for (k = 0; k < 2; k++)
		best_median(rel[k], rounds, &best, &rel_med[k]);
	printf("# 2-reader scaling: getppid %.2f, same channel %.2f, different %.2f, "
	       "with a writer: same %.2f, different %.2f; over getppid's in the same round: "
	       "same %.2f, different %.2f\n", med[0], med[1], med[2], med[3], med[4],
	       rel_med[0], rel_med[1]);
	fprintf(json, "\"scaling\": {");
	for (k = 0; k < SCALINGS; k++)
		fprintf(json, "\"%s\": %.3f, ", names[k], med[k]);
	fprintf(json, "\"same_channel_vs_getppid\": %.3f, "
		"\"different_channels_vs_getppid\": %.3f}", rel_med[0], rel_med[1]);
	close(a);
	close(b);
	close(c);
}

/* Slab + vmalloc + percpu memory, in bytes, from /proc/meminfo. */
static double kernel_memory(void)
{
	char line[128];
	double total = 0, kb;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		die("/proc/meminfo");
	while (fgets(line, sizeof(line), f))
		if ((sscanf(line, "Slab: %lf", &kb) == 1) ||
		    (sscanf(line, "VmallocUsed: %lf", &kb) == 1) ||
		    (sscanf(line, "Percpu: %lf", &kb) == 1))
			total += kb * 1024;
	fclose(f);
	return total;
}

static void bench_memory(FILE *json, int random, size_t size, uint32_t n)
{
	int fd = slot_open(20);
	double before, after, per;

	usleep(quick ? 200000 : 1000000);
	before = kernel_memory();
	populate(fd, random, n, size);
	/* Let the table's background resize and RCU frees settle. */
	usleep(quick ? 500000 : 2000000);
	after = kernel_memory();
	per = (after - before - (double)n * size) / n;
	printf("# memory %s %zu B x %u: %.1f B per channel beyond the message bytes\n",
	       random ? "random" : "dense", size, n, per);
	fprintf(json, "\"memory\": {\"ids\": \"%s\", \"size\": %zu, \"channels\": %u, "
		"\"overhead_bytes_per_channel\": %.1f}", random ? "random" : "dense",
		size, n, per);
	close(fd);
}

static int usage(void)
{
	fprintf(stderr, "usage: msbench [--quick] ops | lookup dense|random N MINOR | "
		"memory dense|random SIZE N\n");
	return 2;
}

int main(int argc, char **argv)
{
	char *json_buf = NULL;
	size_t json_len = 0;
	FILE *json = open_memstream(&json_buf, &json_len);
	const char *env = getenv("MS_MAJOR");

	if (env)
		major = atoi(env);
	if (argc > 1 && !strcmp(argv[1], "--quick")) {
		quick = 1;
		argc--;
		argv++;
	}
	if (argc < 2)
		return usage();
	memset(buf, 'x', sizeof(buf));
	if (!strcmp(argv[1], "ops") && argc == 2) {
		setup();
		bench_ops(json);
		fprintf(json, ", ");
		bench_scaling(json);
	} else if (!strcmp(argv[1], "lookup") && argc == 5) {
		bench_lookup(json, !strcmp(argv[2], "random"),
			     (uint32_t)strtoul(argv[3], NULL, 0), atoi(argv[4]));
	} else if (!strcmp(argv[1], "memory") && argc == 5) {
		bench_memory(json, !strcmp(argv[2], "random"),
			     strtoul(argv[3], NULL, 0), (uint32_t)strtoul(argv[4], NULL, 0));
	} else {
		return usage();
	}
	fclose(json);
	printf("BENCH-JSON: {%s}\n", json_buf);
	free(json_buf);
	return 0;
}
