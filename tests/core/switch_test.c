// SPDX-License-Identifier: GPL-2.0
/*
 * switch_test.c - a file's channel stays valid for every reader while the
 * file switches channels (SPEC Part 1: "no input may crash, hang, leak or
 * corrupt the kernel"; the channel is "of this open file").
 *
 * One thread of a file switches it to channel 1, 2, 3, ...: each channel
 * it leaves is empty, so the switch removes it and frees it after a grace
 * period. Other threads read() and poll() the same file all the while, and
 * a writer on another slot keeps creating channels, so that a channel
 * freed too early comes back at once as another slot's channel holding
 * that slot's messages. A reader must only ever see this file's channels:
 * no message (EWOULDBLOCK), or a message this file wrote. On a debug
 * kernel the module has a debug_switch_delay_us parameter that sleeps at
 * the end of each switch; the tests set it so that readers sit in what
 * was the window of a use-after-free (the old channel put before the new
 * one was published) on every switch, where KASAN reports it.
 */
#include "ctl_util.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>

/* Minors used here: 220..229. */

#define DELAY_PARAM "/sys/module/message_slot/parameters/debug_switch_delay_us"

/* The message the switcher writes on channel @id (clear_test variant). */
#define MSG_FMT "switch-%08u"
enum { MSG_LEN = 15 };

struct shared {
	int fd;			/* the file every thread uses */
	unsigned int other;	/* the slot whose channels reuse freed ones */
	bool write_each;	/* the switcher writes on each channel */
	atomic_bool stop;
	atomic_ulong switches, reads, messages, polls, foreign;
};

/* Sets the debug delay if this build has it; returns whether it has. */
static bool set_switch_delay(unsigned int us)
{
	FILE *f = fopen(DELAY_PARAM, "w");

	if (!f)
		return false;
	ASSERT_TRUE(fprintf(f, "%u\n", us) > 0);
	ASSERT_EQ(fclose(f), 0);
	return true;
}

static void *switcher(void *arg)
{
	struct shared *s = arg;
	char msg[MSG_LEN + 1];
	unsigned int id;

	for (id = 2; !atomic_load(&s->stop); id++) {
		ASSERT_OK(ioctl(s->fd, MSG_SLOT_CHANNEL, id));
		if (s->write_each) {
			snprintf(msg, sizeof(msg), MSG_FMT, id);
			ASSERT_EQ(write(s->fd, msg, MSG_LEN), MSG_LEN);
		}
		atomic_fetch_add(&s->switches, 1);
	}
	return NULL;
}

/* What a read of the shared file may return: nothing, or one of ours. */
static void check_read(struct shared *s, const char *buf, ssize_t n)
{
	unsigned int id;
	char tail;

	if (n < 0) {
		ASSERT_EQ(errno, EWOULDBLOCK);
		return;
	}
	if (n == MSG_LEN && s->write_each &&
	    sscanf(buf, MSG_FMT "%c", &id, &tail) == 1) {
		atomic_fetch_add(&s->messages, 1);
		return;
	}
	atomic_fetch_add(&s->foreign, 1);
	TH_LOG("read %zd bytes no file of this slot wrote: \"%.*s\"", n,
	       (int)(n > 0 ? n : 0), buf);
}

static void *reader(void *arg)
{
	struct shared *s = arg;
	char buf[BUF_LEN + 1];
	ssize_t n;

	while (!atomic_load(&s->stop)) {
		n = read(s->fd, buf, BUF_LEN);
		check_read(s, buf, n);
		atomic_fetch_add(&s->reads, 1);
	}
	return NULL;
}

static void *poller(void *arg)
{
	struct shared *s = arg;
	struct pollfd p = { .fd = s->fd, .events = POLLIN | POLLOUT };

	while (!atomic_load(&s->stop)) {
		ASSERT_EQ(poll(&p, 1, 0), 1);
		/* A file with a channel can always be written. */
		ASSERT_TRUE(p.revents & POLLOUT);
		ASSERT_FALSE(p.revents & (POLLERR | POLLNVAL));
		if (!s->write_each)
			ASSERT_FALSE(p.revents & POLLIN);
		atomic_fetch_add(&s->polls, 1);
	}
	return NULL;
}

/* Fills new channels of another slot with messages, so freed ones get reused. */
static void *other_slot_writer(void *arg)
{
	struct shared *s = arg;
	static const char secret[] = "another slot's message, never ours";
	unsigned int id = 1;
	int fd = slot_open(s->other);

	while (!atomic_load(&s->stop)) {
		ASSERT_OK(ioctl(fd, MSG_SLOT_CHANNEL, id++));
		ASSERT_EQ(write(fd, secret, sizeof(secret) - 1),
			  (ssize_t)sizeof(secret) - 1);
	}
	close(fd);
	return NULL;
}

/* Clears the shared file's slot over and over (the clear variant). */
struct clear_arg {
	struct shared *s;
	unsigned int minor;
};

static void *slot_clearer(void *arg)
{
	struct clear_arg *c = arg;
	int fd = ctl_open();

	while (!atomic_load(&c->s->stop))
		ASSERT_OK(ctl_fd(fd, MSG_SLOT_CTL_CLEAR, c->minor));
	close(fd);
	return NULL;
}

/*
 * Runs the switcher, two readers, a poller and the other slot's writer
 * (and a clearer of @minor when @clear) for @seconds, with the debug
 * delay @delay_us where the build has it.
 */
static void run_switch_race(unsigned int minor, bool write_each, bool clear,
			    double seconds, unsigned int delay_us)
{
	static struct shared s;
	struct clear_arg c = { .s = &s, .minor = minor };
	pthread_t t[6];
	int i, n = 0;
	char delay_text[16];
	bool delayed;

	snprintf(delay_text, sizeof(delay_text), "%u", delay_us);
	fresh_slot(minor);
	s = (struct shared){ .other = minor + 1, .write_each = write_each };
	s.fd = slot_open_channel(minor, 1);
	delayed = set_switch_delay(delay_us);
	/* The debug lane's build must have the delay: its tests rely on it. */
	if (getenv("MS_DEBUG_HOOKS") && !strcmp(getenv("MS_DEBUG_HOOKS"), "1"))
		ASSERT_TRUE(delayed);
	ASSERT_EQ(pthread_create(&t[n++], NULL, switcher, &s), 0);
	ASSERT_EQ(pthread_create(&t[n++], NULL, reader, &s), 0);
	ASSERT_EQ(pthread_create(&t[n++], NULL, reader, &s), 0);
	ASSERT_EQ(pthread_create(&t[n++], NULL, poller, &s), 0);
	ASSERT_EQ(pthread_create(&t[n++], NULL, other_slot_writer, &s), 0);
	if (clear)
		ASSERT_EQ(pthread_create(&t[n++], NULL, slot_clearer, &c), 0);
	usleep((useconds_t)(seconds * 1e6));
	atomic_store(&s.stop, true);
	for (i = 0; i < n; i++)
		ASSERT_EQ(pthread_join(t[i], NULL), 0);
	if (delayed)
		set_switch_delay(0);
	TH_LOG("%lu switches%s, %lu reads (%lu messages), %lu polls, debug delay %s us",
	       atomic_load(&s.switches), clear ? " under clears" : "",
	       atomic_load(&s.reads), atomic_load(&s.messages),
	       atomic_load(&s.polls), delayed ? delay_text : "not in this build, 0");
	ASSERT_EQ(atomic_load(&s.foreign), 0);
	ASSERT_GT(atomic_load(&s.switches), 10);
	ASSERT_GT(atomic_load(&s.reads), 10);
	ASSERT_GT(atomic_load(&s.polls), 10);
	ASSERT_OK(close(s.fd));
	drop_slot(minor);
	drop_slot(minor + 1);
}

/* Empty channels left behind are freed while the file's readers run. */
TEST_TIMEOUT(switching_never_frees_a_channel_under_its_readers, 120)
{
	run_switch_race(220, false, false, 4, 20000);
}

/* A clear removes the channels left behind, messages and all. */
TEST_TIMEOUT(clear_during_switch_never_frees_under_readers, 120)
{
	run_switch_race(222, true, true, 4, 20000);
}

/* Without the delay, as fast as it goes: the window a preempted ioctl opens. */
TEST_TIMEOUT(fast_switching_with_readers_and_pollers_is_safe, 120)
{
	run_switch_race(224, true, false, 4, 0);
}
