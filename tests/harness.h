/* SPDX-License-Identifier: GPL-2.0 */
/*
 * harness.h - a small TAP test harness for the message_slot tests.
 *
 * A test program includes this header once (it defines main()) and
 * declares its tests:
 *
 *	TEST(write_then_read) { ... ASSERT_EQ(n, 5); ... }
 *	TEST_TIMEOUT(million_channels, 600) { ... }
 *
 * Tests are registered by constructors in the order they appear and each
 * runs in its own forked child, in its own process group, under alarm():
 * a crash, a hang or a failed assertion fails that test only.  Before the
 * fork the harness makes an empty directory for the test, harness_tmpdir(),
 * on a file system that allows device nodes, and removes it with
 * everything in it after the child is gone, however the test ended.
 *
 * Output is TAP version 13: the plan "1..N", then "ok N name" or
 * "not ok N name" per test, with "# " diagnostic lines explaining every
 * failure.  There is no skip: a test that cannot do its job fails.
 *
 *	prog            run every test
 *	prog -l         list the tests, one name per line
 *	prog -t NAME    run only NAME (repeatable)
 *
 * The exit status is 0 when every selected test passed, 1 when one failed,
 * 2 on a usage error.  HARNESS_TIMEOUT_SCALE=K in the environment
 * multiplies every timeout by the integer K (slow emulators).
 *
 * Assertions (fatal: the test stops there):
 *	ASSERT_EQ(a, b), ASSERT_NE(a, b), ASSERT_LT/LE/GT/GE(a, b)
 *		integer comparison; both values are printed on failure
 *	ASSERT_TRUE(cond), ASSERT_FALSE(cond)
 *	ASSERT_OK(expr)	expr is a system call that must not return -1
 *	ASSERT_ERRNO(expr, err)	expr must return -1 with errno == err
 *	ASSERT_MEM_EQ(a, b, n)	n bytes equal; the first difference is printed
 * EXPECT_* variants of ASSERT_EQ, ASSERT_TRUE and ASSERT_ERRNO record the
 * failure and let the test go on.  TH_LOG(fmt, ...) prints a "# " line.
 * The assertions may be used from threads and from forked children: in a
 * forked child a failure ends that child with status 1.
 */
#ifndef MS_TESTS_HARNESS_H
#define MS_TESTS_HARNESS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HARNESS_DEFAULT_TIMEOUT 30	/* seconds */
#define HARNESS_MAX_SELECT 64

struct harness_test {
	const char *name;
	void (*fn)(void);
	unsigned int timeout;
	struct harness_test *next;
};

static struct harness_test *harness_head, **harness_tail = &harness_head;
static char harness_dir[256];
static volatile int harness_expect_failed;

static inline void harness_register(struct harness_test *t)
{
	t->next = NULL;
	*harness_tail = t;
	harness_tail = &t->next;
}

#define TEST_TIMEOUT(test_name, seconds)				\
	static void test_name(void);					\
	static struct harness_test harness_t_##test_name = {		\
		.name = #test_name, .fn = test_name,			\
		.timeout = (seconds),					\
	};								\
	__attribute__((constructor)) static void			\
	harness_reg_##test_name(void)					\
	{								\
		harness_register(&harness_t_##test_name);		\
	}								\
	static void test_name(void)

#define TEST(test_name) TEST_TIMEOUT(test_name, HARNESS_DEFAULT_TIMEOUT)

/* The empty per-test directory; removed by the harness after the test. */
static inline const char *harness_tmpdir(void)
{
	return harness_dir;
}

__attribute__((format(printf, 1, 2)))
static inline void harness_diag(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* One write per line so that threads and children do not interleave. */
	fprintf(stdout, "# %s\n", line);
	fflush(stdout);
}

#define TH_LOG(...) harness_diag(__VA_ARGS__)

__attribute__((noreturn))
static inline void harness_fail(void)
{
	fflush(stdout);
	_exit(1);
}

static inline void harness_report_where(const char *file, int line, const char *what)
{
	harness_diag("%s:%d: %s", file, line, what);
}

/*
 * The outer macros stringize their arguments themselves, so that the text
 * printed is what the test says (EINVAL, BUF_LEN), not its expansion.
 */
#define HARNESS_CMP(a, op, b, fatal, what, sa, sb)			\
	do {								\
		long long harness_a_ = (long long)(a);			\
		long long harness_b_ = (long long)(b);			\
		int harness_e_ = errno;					\
		if (!(harness_a_ op harness_b_)) {			\
			harness_report_where(__FILE__, __LINE__, what);	\
			harness_diag("  %s = %lld (%#llx)", sa,		\
				harness_a_,				\
				(unsigned long long)harness_a_);	\
			harness_diag("  %s = %lld (%#llx)", sb,		\
				harness_b_,				\
				(unsigned long long)harness_b_);	\
			harness_diag("  errno = %d (%s)", harness_e_,	\
				strerror(harness_e_));			\
			if (fatal)					\
				harness_fail();				\
			harness_expect_failed = 1;			\
		}							\
	} while (0)

#define ASSERT_EQ(a, b)							\
	HARNESS_CMP(a, ==, b, 1, "ASSERT_EQ(" #a ", " #b ") failed", #a, #b)
#define ASSERT_NE(a, b)							\
	HARNESS_CMP(a, !=, b, 1, "ASSERT_NE(" #a ", " #b ") failed", #a, #b)
#define ASSERT_LT(a, b)							\
	HARNESS_CMP(a, <, b, 1, "ASSERT_LT(" #a ", " #b ") failed", #a, #b)
#define ASSERT_LE(a, b)							\
	HARNESS_CMP(a, <=, b, 1, "ASSERT_LE(" #a ", " #b ") failed", #a, #b)
#define ASSERT_GT(a, b)							\
	HARNESS_CMP(a, >, b, 1, "ASSERT_GT(" #a ", " #b ") failed", #a, #b)
#define ASSERT_GE(a, b)							\
	HARNESS_CMP(a, >=, b, 1, "ASSERT_GE(" #a ", " #b ") failed", #a, #b)
#define EXPECT_EQ(a, b)							\
	HARNESS_CMP(a, ==, b, 0, "EXPECT_EQ(" #a ", " #b ") failed", #a, #b)

#define HARNESS_BOOL(cond, want, fatal, what)				\
	do {								\
		bool harness_c_ = (cond);				\
		int harness_e_ = errno;					\
		if (harness_c_ != (want)) {				\
			harness_report_where(__FILE__, __LINE__, what);	\
			harness_diag("  errno = %d (%s)", harness_e_,	\
				strerror(harness_e_));			\
			if (fatal)					\
				harness_fail();				\
			harness_expect_failed = 1;			\
		}							\
	} while (0)

#define ASSERT_TRUE(cond) HARNESS_BOOL(cond, 1, 1, "ASSERT_TRUE(" #cond ") failed")
#define ASSERT_FALSE(cond) HARNESS_BOOL(cond, 0, 1, "ASSERT_FALSE(" #cond ") failed")
#define EXPECT_TRUE(cond) HARNESS_BOOL(cond, 1, 0, "EXPECT_TRUE(" #cond ") failed")

#define ASSERT_OK(expr)							\
	do {								\
		errno = 0;						\
		long long harness_r_ = (long long)(expr);		\
		if (harness_r_ == -1) {					\
			int harness_e_ = errno;				\
			harness_report_where(__FILE__, __LINE__,	\
				"ASSERT_OK(" #expr ") failed");		\
			harness_diag("  got -1, errno %d (%s)",		\
				harness_e_, strerror(harness_e_));	\
			harness_fail();					\
		}							\
	} while (0)

#define HARNESS_ERRNO(expr, err, fatal, what, serr)			\
	do {								\
		errno = 0;						\
		long long harness_r_ = (long long)(expr);		\
		int harness_e_ = errno;					\
		int harness_w_ = (err);					\
		if (harness_r_ != -1 || harness_e_ != harness_w_) {	\
			harness_report_where(__FILE__, __LINE__, what);	\
			if (harness_r_ != -1)				\
				harness_diag("  got %lld (success)",	\
					harness_r_);			\
			else						\
				harness_diag("  got -1, errno %d (%s)",	\
					harness_e_,			\
					strerror(harness_e_));		\
			harness_diag("  expected -1, errno %s = %d (%s)", \
				serr, harness_w_,			\
				strerror(harness_w_));			\
			if (fatal)					\
				harness_fail();				\
			harness_expect_failed = 1;			\
		}							\
	} while (0)

#define ASSERT_ERRNO(expr, err)						\
	HARNESS_ERRNO(expr, err, 1, "ASSERT_ERRNO(" #expr ", " #err ") failed", #err)
#define EXPECT_ERRNO(expr, err)						\
	HARNESS_ERRNO(expr, err, 0, "EXPECT_ERRNO(" #expr ", " #err ") failed", #err)

static inline void harness_mem_report(const char *file, int line, const char *what,
			       const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	size_t i;

	for (i = 0; i < n && x[i] == y[i]; i++)
		;
	harness_report_where(file, line, what);
	harness_diag("  first difference at byte %zu of %zu: got 0x%02x, expected 0x%02x",
		     i, n, x[i], y[i]);
}

#define ASSERT_MEM_EQ(a, b, n)						\
	do {								\
		size_t harness_n_ = (n);				\
		if (memcmp((a), (b), harness_n_) != 0) {		\
			harness_mem_report(__FILE__, __LINE__,		\
				"ASSERT_MEM_EQ(" #a ", " #b ", " #n ") failed", \
				(a), (b), harness_n_);			\
			harness_fail();					\
		}							\
	} while (0)

/* ---- the runner ----------------------------------------------------- */

static int harness_rm_one(const char *path, const struct stat *sb, int type,
			  struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/*
 * The per-test directory, on the first of $MS_TMPDIR, $TMPDIR, /tmp,
 * /dev/shm, /dev and /run that is writable and not mounted nodev (the tests
 * make device nodes in it; a guest's /tmp is often nodev, its /dev is not).
 */
static int harness_make_dir(void)
{
	const char *bases[] = { getenv("MS_TMPDIR"), getenv("TMPDIR"),
				"/tmp", "/dev/shm", "/dev", "/run" };
	struct statvfs vfs;
	size_t i;

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		if (!bases[i] || !*bases[i])
			continue;
		if (statvfs(bases[i], &vfs) || (vfs.f_flag & ST_NODEV))
			continue;
		snprintf(harness_dir, sizeof(harness_dir),
			 "%s/ms-test.XXXXXX", bases[i]);
		if (mkdtemp(harness_dir))
			return 0;
	}
	harness_dir[0] = '\0';
	return -1;
}

static double harness_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs one test in a child; returns true when it passed. */
static bool harness_run(struct harness_test *t, unsigned int scale)
{
	unsigned int timeout = t->timeout * scale;
	double start;
	int status;
	pid_t pid;

	if (harness_make_dir()) {
		harness_diag("cannot create a temporary directory: %s",
			     strerror(errno));
		return false;
	}
	fflush(stdout);
	start = harness_now();
	pid = fork();
	if (pid < 0) {
		harness_diag("fork: %s", strerror(errno));
		nftw(harness_dir, harness_rm_one, 16, FTW_DEPTH | FTW_PHYS);
		return false;
	}
	if (pid == 0) {
		setpgid(0, 0);
		signal(SIGALRM, SIG_DFL);
		alarm(timeout);
		harness_expect_failed = 0;
		t->fn();
		fflush(stdout);
		_exit(harness_expect_failed ? 1 : 0);
	}
	setpgid(pid, pid);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* Reap whatever the test left behind in its process group. */
	kill(-pid, SIGKILL);
	nftw(harness_dir, harness_rm_one, 16, FTW_DEPTH | FTW_PHYS);

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		harness_diag("%s: timed out after %u s", t->name, timeout);
	else if (WIFSIGNALED(status))
		harness_diag("%s: killed by signal %d (%s) after %.1f s",
			     t->name, WTERMSIG(status),
			     strsignal(WTERMSIG(status)), harness_now() - start);
	else if (WEXITSTATUS(status) != 1)
		harness_diag("%s: exited with status %d", t->name,
			     WEXITSTATUS(status));
	return false;
}

static bool harness_selected(const char *name, char **sel, int nsel)
{
	int i;

	if (nsel == 0)
		return true;
	for (i = 0; i < nsel; i++)
		if (strcmp(sel[i], name) == 0)
			return true;
	return false;
}

static void harness_usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-l] [-t NAME]...\n"
		"  -l       list the tests\n"
		"  -t NAME  run only the test NAME (repeatable)\n", prog);
}

int main(int argc, char **argv)
{
	char *sel[HARNESS_MAX_SELECT];
	unsigned int scale = 1, planned = 0, failed = 0, num = 0;
	struct harness_test *t;
	const char *env;
	int nsel = 0, opt, i;

	while ((opt = getopt(argc, argv, "lt:h")) != -1) {
		switch (opt) {
		case 'l':
			for (t = harness_head; t; t = t->next)
				printf("%s\n", t->name);
			return 0;
		case 't':
			if (nsel == HARNESS_MAX_SELECT) {
				fprintf(stderr, "%s: too many -t\n", argv[0]);
				return 2;
			}
			sel[nsel++] = optarg;
			break;
		default:
			harness_usage(argv[0]);
			return 2;
		}
	}
	if (optind != argc) {
		harness_usage(argv[0]);
		return 2;
	}
	for (i = 0; i < nsel; i++) {
		for (t = harness_head; t; t = t->next)
			if (strcmp(t->name, sel[i]) == 0)
				break;
		if (!t) {
			fprintf(stderr, "%s: no test named '%s'\n", argv[0],
				sel[i]);
			return 2;
		}
	}
	env = getenv("HARNESS_TIMEOUT_SCALE");
	if (env && atoi(env) > 0)
		scale = (unsigned int)atoi(env);

	for (t = harness_head; t; t = t->next)
		planned += harness_selected(t->name, sel, nsel);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..%u\n", planned);
	for (t = harness_head; t; t = t->next) {
		bool ok;

		if (!harness_selected(t->name, sel, nsel))
			continue;
		num++;
		ok = harness_run(t, scale);
		failed += !ok;
		printf("%s %u %s\n", ok ? "ok" : "not ok", num, t->name);
	}
	printf("# %u passed, %u failed\n", planned - failed, failed);
	return failed ? 1 : 0;
}

#endif /* MS_TESTS_HARNESS_H */
