/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stress_msg.h - the self-checking messages of stress_test.c, and the
 * parser of the debugfs dump lines that carry them.
 *
 * A message of any length 1..BUF_LEN can be verified from its bytes and
 * its length alone:
 *
 *   12..128 bytes  A5 | writer | channel | length | seq (LE32) | body |
 *                  FNV-1a of all the bytes before it (LE32)
 *                  The first 8 bytes are the tag; body byte i is a hash
 *                  of (tag, i).
 *   1..11 bytes    F0|length | channel << 5 | check | pattern
 *                  The 5 check bits and pattern byte i are hashes of
 *                  (length, channel, i): a short message is the same
 *                  whoever writes it, so two of them cannot tear into a
 *                  third, and 2 bytes leave no room for a writer anyway.
 *
 * The first byte says which form and, for the short one, the length, so
 * the length of one message with the bytes of another, bytes of two
 * messages, a truncated or an extended message all fail msg_check();
 * verifier_rejects_every_torn_read in stress_test.c proves it for every
 * split point.  Writer ids are 0..31 and channel indexes 0..7.
 */
#ifndef MS_TESTS_STRESS_MSG_H
#define MS_TESTS_STRESS_MSG_H

#include "slot_util.h"

#define MSG_NCHAN 8
#define MSG_NWRITERS 32
#define MSG_SHORT_MAX 11
#define MSG_LONG_MAGIC 0xa5
#define MSG_SHORT_MARK 0xf0

/* What a verified message says about itself; -1 where it is too short. */
struct msg_info {
	int writer;
	int chan;
	uint32_t seq;		/* 0 for a short message */
};

/* splitmix64's finaliser. */
static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static inline uint32_t fnv1a(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static inline uint32_t get_le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static inline unsigned char long_body(uint64_t tag, size_t i)
{
	return (unsigned char)(mix64(tag + i * 0x9e3779b97f4a7c15ull) >> 32);
}

/* Byte @i of the short message of @len bytes on channel @chan. */
static inline unsigned char short_byte(unsigned int chan, size_t len, size_t i)
{
	uint32_t h = fmix32(0x51000000u | chan << 16 | (uint32_t)len << 8 |
			    (uint32_t)i);

	if (i == 0)
		return (unsigned char)(MSG_SHORT_MARK | len);
	if (i == 1)
		return (unsigned char)(chan << 5 | (h & 31));
	return (unsigned char)h;
}

static inline uint64_t msg_tag(const unsigned char *buf)
{
	return get_le32(buf) | (uint64_t)get_le32(buf + 4) << 32;
}

/* Fills @buf with the message of @len bytes that these values name. */
static inline void msg_make(unsigned char *buf, size_t len,
			    unsigned int writer, unsigned int chan, uint32_t seq)
{
	size_t i;
	uint64_t tag;

	if (len <= MSG_SHORT_MAX) {
		for (i = 0; i < len; i++)
			buf[i] = short_byte(chan, len, i);
		return;
	}
	buf[0] = MSG_LONG_MAGIC;
	buf[1] = (unsigned char)writer;
	buf[2] = (unsigned char)chan;
	buf[3] = (unsigned char)len;
	put_le32(buf + 4, seq);
	tag = msg_tag(buf);
	for (i = 8; i < len - 4; i++)
		buf[i] = long_body(tag, i);
	put_le32(buf + len - 4, fnv1a(buf, len - 4));
}

static inline const char *msg_check_short(const unsigned char *buf, size_t n,
					  struct msg_info *info)
{
	unsigned int chan = buf[n > 1] >> 5;
	size_t i;

	if (buf[0] != short_byte(chan, n, 0))
		return "first byte is not that of a short message of this length";
	if (n == 1)
		return NULL;
	if (buf[1] != short_byte(chan, n, 1))
		return "bad check bits";
	for (i = 2; i < n; i++)
		if (buf[i] != short_byte(chan, n, i))
			return "pattern byte of another message";
	info->chan = (int)chan;
	return NULL;
}

static inline const char *msg_check_long(const unsigned char *buf, size_t n,
					 struct msg_info *info)
{
	uint64_t tag = msg_tag(buf);
	size_t i;

	if (buf[0] != MSG_LONG_MAGIC)
		return "first byte is not that of a long message";
	if (buf[3] != n)
		return "length in the tag differs from the length read";
	if (buf[1] >= MSG_NWRITERS || buf[2] >= MSG_NCHAN)
		return "writer or channel out of range";
	for (i = 8; i < n - 4; i++)
		if (buf[i] != long_body(tag, i))
			return "body byte of another message";
	if (get_le32(buf + n - 4) != fnv1a(buf, n - 4))
		return "bad checksum";
	info->writer = buf[1];
	info->chan = buf[2];
	info->seq = get_le32(buf + 4);
	if (info->seq == 0)
		return "sequence number 0";
	return NULL;
}

/*
 * Checks @n bytes read as one message.  Returns NULL and fills @info if
 * they are one whole message, or why they are not.
 */
static inline const char *msg_check(const unsigned char *buf, size_t n,
				    struct msg_info *info)
{
	*info = (struct msg_info){ .writer = -1, .chan = -1 };
	if (n < 1 || n > BUF_LEN)
		return "length out of 1..BUF_LEN";
	if (n <= MSG_SHORT_MAX)
		return msg_check_short(buf, n, info);
	return msg_check_long(buf, n, info);
}

/* "@n bytes: 0a 1b ..." in @out, for failure reports. */
static inline const char *msg_hex(char *out, size_t size,
				  const unsigned char *buf, size_t n)
{
	size_t i, at;

	at = (size_t)snprintf(out, size, "%zu bytes:", n);
	for (i = 0; i < n && at + 4 < size; i++)
		at += (size_t)snprintf(out + at, size - at, " %02x", buf[i]);
	return out;
}

/* Whether the dump must write byte @c as \xHH (debugfs.c's rule). */
static inline bool dump_escaped(unsigned char c)
{
	return c < 0x20 || c > 0x7e || c == '\\';
}

/* Writes the dump line of a message, without the newline; returns @out. */
static inline char *dump_format(char *out, uint32_t id,
				const unsigned char *msg, size_t len)
{
	size_t at = (size_t)sprintf(out, "%u %zu ", id, len), i;

	for (i = 0; i < len; i++) {
		if (dump_escaped(msg[i]))
			at += (size_t)sprintf(out + at, "\\x%02x", msg[i]);
		else
			out[at++] = (char)msg[i];
	}
	out[at] = '\0';
	return out;
}

/* Parses a canonical decimal number ending at @end's first non-digit. */
static inline bool dump_number(const char *s, const char **end,
			       unsigned long long *v)
{
	const char *p = s;

	*v = 0;
	while (*p >= '0' && *p <= '9' && *v <= 0xffffffffull)
		*v = *v * 10 + (unsigned long long)(*p++ - '0');
	*end = p;
	return p > s && (p - s == 1 || *s != '0') && *v <= 0xffffffffull;
}

static inline int dump_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;	/* the dump writes lowercase only */
}

/*
 * Parses one dump line "<id> <len> <contents>" (no newline) into @id,
 * @msg (BUF_LEN bytes) and @len.  Returns NULL, or what is wrong with it:
 * anything but the exact form debugfs.c writes is wrong.
 */
static inline const char *dump_parse(const char *line, uint32_t *id,
				     unsigned char *msg, size_t *len)
{
	unsigned long long v, want;
	const char *p;
	size_t n = 0;
	int hi, lo;

	if (!dump_number(line, &p, &v) || *p != ' ' || v == 0)
		return "no channel id";
	*id = (uint32_t)v;
	if (!dump_number(p + 1, &p, &want) || *p != ' ' || want < 1 ||
	    want > BUF_LEN)
		return "no length in 1..BUF_LEN";
	for (p++; *p; n++) {
		if (n == want)
			return "more bytes than the length";
		if (*p != '\\') {
			if (dump_escaped((unsigned char)*p))
				return "a byte that should have been escaped";
			msg[n] = (unsigned char)*p++;
			continue;
		}
		hi = p[1] == 'x' ? dump_hex_digit(p[2]) : -1;
		lo = hi >= 0 ? dump_hex_digit(p[3]) : -1;
		if (lo < 0)
			return "a bad escape";
		msg[n] = (unsigned char)(hi << 4 | lo);
		if (!dump_escaped(msg[n]))
			return "an escaped byte that should be plain";
		p += 4;
	}
	if (n != want)
		return "fewer bytes than the length";
	*len = n;
	return NULL;
}

#endif /* MS_TESTS_STRESS_MSG_H */
