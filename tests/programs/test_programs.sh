#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# test_programs.sh - TAP tests of the classic programs message_sender and
# message_reader (SPEC Part 1, "The classic programs"): exact output bytes,
# nothing on stdout on failure, strerror text on stderr, exit status 1.
#
# Needs the module loaded.  busybox sh compatible.
#
#   tests/programs/test_programs.sh            run every test
#   tests/programs/test_programs.sh -l         list the tests
#   tests/programs/test_programs.sh NAME...    run only these tests
#
# Environment: SENDER, READER (default /work/message_sender,
# /work/message_reader), MS_MAJOR (default 235), MS_PROGRAMS_MINOR (the slot
# used, default 77), MS_NODE_DIR (where the node is made, default /dev: it
# must allow device nodes, which a nodev /tmp does not).

. "$(dirname "$0")/../lib/tap.sh" || exit 1

SENDER=${SENDER:-/work/message_sender}
READER=${READER:-/work/message_reader}
MAJOR=${MS_MAJOR:-235}
MINOR=${MS_PROGRAMS_MINOR:-77}

TESTS="
send_then_read_hello
read_does_not_consume
message_with_trailing_newline
message_with_spaces_and_tabs
message_utf8
message_128_bytes
message_starting_with_dash
sender_writes_without_nul
channel_0xffffffff
sender_channel_0_einval
reader_channel_0_einval
sender_bad_channel_text_fails
sender_129_bytes_emsgsize_keeps_message
sender_empty_message_emsgsize
reader_empty_channel_ewouldblock
reader_stdout_full_enospc
sender_missing_path_enoent
reader_missing_path_enoent
sender_not_a_slot_fails
reader_not_a_slot_fails
sender_wrong_argc
reader_wrong_argc
sender_unknown_option_fails
help_on_stdout_exit_0
help_to_full_stdout_fails
errors_keep_strerror_and_explain
unprivileged_sender_on_root_node_eacces_hint
mknod_0666_lets_anyone_send
node_without_driver_enxio_explains
"

# --- helpers -----------------------------------------------------------

# Describes the last run, for a failing check.
explain() {
	diag "exit status $rc"
	show stdout "$out"
	show stderr "$err"
}

# The last run succeeded quietly: status 0, nothing on stderr.
expect_success() {
	if [ "$rc" -ne 0 ] || [ -s "$err" ]; then
		diag "expected success (status 0, empty stderr)"
		explain
		return 1
	fi
}

# The last run failed as SPEC says: status 1, empty stdout, and a stderr
# that is not empty and contains TEXT when given.
expect_failure() { # expect_failure [TEXT]
	if [ "$rc" -ne 1 ] || [ -s "$out" ] || [ ! -s "$err" ]; then
		diag "expected failure: status 1, empty stdout, a message on stderr"
		explain
		return 1
	fi
	if [ -n "$1" ] && ! grep -qF "$1" "$err"; then
		diag "expected \"$1\" on stderr"
		explain
		return 1
	fi
}

# The last run printed exactly the bytes of FILE on stdout.
expect_stdout() { # expect_stdout FILE
	if ! cmp -s "$out" "$1"; then
		diag "stdout differs from the expected bytes"
		show expected "$1"
		explain
		return 1
	fi
}

# A channel id no earlier run has used: random, 1..2^31.
new_channel() {
	c=$(od -An -N4 -tu4 /dev/urandom 2>/dev/null | tr -d ' ')
	[ -n "$c" ] || c=$(($(date +%s) * 1000 + $$))
	echo $((c % 2147483647 + 1))
}

# Sends MESSAGE on CHANNEL, reads it back, compares with its bytes.
roundtrip() { # roundtrip CHANNEL MESSAGE
	printf '%s' "$2" >"$tmp/want"
	run "$SENDER" "$node" "$1" "$2"
	expect_success || return 1
	if [ -s "$out" ]; then
		diag "message_sender printed on stdout"
		explain
		return 1
	fi
	run "$READER" "$node" "$1"
	expect_success || return 1
	expect_stdout "$tmp/want"
}

# --- the tests -----------------------------------------------------------

t_send_then_read_hello() {
	roundtrip "$(new_channel)" "Hello, World!"
}

t_read_does_not_consume() {
	ch=$(new_channel)
	roundtrip "$ch" "read me twice" || return 1
	run "$READER" "$node" "$ch"
	expect_success && expect_stdout "$tmp/want"
}

t_message_with_trailing_newline() {
	roundtrip "$(new_channel)" "ends with a newline
" || return 1
	[ "$(wc -c <"$out")" -eq 20 ] || { diag "expected 20 bytes"; explain; return 1; }
}

t_message_with_spaces_and_tabs() {
	roundtrip "$(new_channel)" "  two  leading,	a tab, two trailing  "
}

t_message_utf8() {
	roundtrip "$(new_channel)" "héllo wörld ✓ 日本語"
}

t_message_128_bytes() {
	m=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
	roundtrip "$(new_channel)" "$m$m" || return 1
	[ "$(wc -c <"$out")" -eq 128 ] || { diag "expected 128 bytes"; explain; return 1; }
}

t_message_starting_with_dash() {
	# MESSAGE is the third argument, whatever it looks like.
	roundtrip "$(new_channel)" "-n" || return 1
	roundtrip "$(new_channel)" "--help"
}

t_sender_writes_without_nul() {
	ch=$(new_channel)
	roundtrip "$ch" "abc" || return 1
	len=$(wc -c <"$out")
	if [ "$len" -ne 3 ]; then
		diag "read back $len bytes of \"abc\", expected strlen = 3"
		explain
		return 1
	fi
}

t_channel_0xffffffff() {
	roundtrip 4294967295 "top channel id"
}

t_sender_channel_0_einval() {
	run "$SENDER" "$node" 0 "hello"
	expect_failure "Invalid argument"
}

t_reader_channel_0_einval() {
	run "$READER" "$node" 0
	expect_failure "Invalid argument"
}

t_sender_bad_channel_text_fails() {
	run "$SENDER" "$node" abc "hello"
	expect_failure || return 1
	run "$SENDER" "$node" "" "hello"
	expect_failure
}

t_sender_129_bytes_emsgsize_keeps_message() {
	ch=$(new_channel)
	roundtrip "$ch" "the message before" || return 1
	m=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
	run "$SENDER" "$node" "$ch" "$m${m}X"
	expect_failure "Message too long" || return 1
	run "$READER" "$node" "$ch"
	expect_success && expect_stdout "$tmp/want"
}

t_sender_empty_message_emsgsize() {
	run "$SENDER" "$node" "$(new_channel)" ""
	expect_failure "Message too long"
}

t_reader_empty_channel_ewouldblock() {
	run "$READER" "$node" "$(new_channel)"
	expect_failure "Resource temporarily unavailable"
}

t_reader_stdout_full_enospc() {
	# A failing write of the message to stdout is a failing step too.
	ch=$(new_channel)
	roundtrip "$ch" "no room for me" || return 1
	"$READER" "$node" "$ch" >/dev/full 2>"$err" </dev/null
	rc=$?
	: >"$out"
	expect_failure "No space left on device"
}

t_sender_missing_path_enoent() {
	run "$SENDER" "$tmp/no-such-slot" 1 "hello"
	expect_failure "No such file or directory"
}

t_reader_missing_path_enoent() {
	run "$READER" "$tmp/no-such-slot" 1
	expect_failure "No such file or directory"
}

t_sender_not_a_slot_fails() {
	run "$SENDER" /dev/null 1 "hello"
	expect_failure
}

t_reader_not_a_slot_fails() {
	run "$READER" /dev/null 1
	expect_failure
}

t_sender_wrong_argc() {
	ch=$(new_channel)
	run "$SENDER"
	expect_failure || return 1
	run "$SENDER" "$node"
	expect_failure || return 1
	run "$SENDER" "$node" "$ch"
	expect_failure || return 1
	run "$SENDER" "$node" "$ch" "hello" extra
	expect_failure || return 1
	# None of them wrote anything.
	run "$READER" "$node" "$ch"
	expect_failure "Resource temporarily unavailable"
}

t_reader_wrong_argc() {
	run "$READER"
	expect_failure || return 1
	run "$READER" "$node"
	expect_failure || return 1
	run "$READER" "$node" 1 extra
	expect_failure
}

t_sender_unknown_option_fails() {
	for prog in "$SENDER" "$READER"; do
		run "$prog" --bogus "$node" 1
		expect_failure "Invalid argument" || return 1
		run "$prog" -x "$node" 1
		expect_failure "Invalid argument" || return 1
	done
}

t_help_on_stdout_exit_0() {
	for opt in --help -h; do
		run "$SENDER" $opt
		expect_success || return 1
		[ "$(head -n 1 "$out")" = "Usage: message_sender [-h|--help] PATH CHANNEL MESSAGE" ] ||
			{ diag "message_sender $opt: no usage line"; explain; return 1; }
		run "$READER" $opt
		expect_success || return 1
		[ "$(head -n 1 "$out")" = "Usage: message_reader [-h|--help] PATH CHANNEL" ] ||
			{ diag "message_reader $opt: no usage line"; explain; return 1; }
	done
}

t_help_to_full_stdout_fails() {
	"$SENDER" --help >/dev/full 2>"$err"
	rc=$?
	: >"$out"
	expect_failure "No space left on device"
}

# SPEC Part 1: strerror() stays in every line; the reason in words after it.
t_errors_keep_strerror_and_explain() {
	ch=$(new_channel)
	run "$READER" "$node" "$ch"
	expect_failure "Resource temporarily unavailable (no message on channel $ch yet)" || return 1
	run "$SENDER" "$node" "$ch" ""
	expect_failure "Message too long (the message is empty" || return 1
	run "$SENDER" /dev/null 1 "hello"
	expect_failure "Inappropriate ioctl for device (not a message slot)" || return 1
	run "$READER" "$node" 0
	expect_failure "Invalid argument (channel 0 is not a channel" || return 1
	[ "$(wc -l <"$err")" -eq 1 ] || { diag "expected one line on stderr"; explain; return 1; }
}

# The README's seed line as root makes a 0644 node: others may read, not write.
t_unprivileged_sender_on_root_node_eacces_hint() {
	chmod 0755 "$nodedir" || return 1
	rm -f "$nodedir/seed"
	(umask 022 && mknod "$nodedir/seed" c "$MAJOR" "$MINOR") || return 1
	su -s /bin/sh -c "'$SENDER' '$nodedir/seed' 1 hello" nobody >"$out" 2>"$err" </dev/null
	rc=$?
	expect_failure "Permission denied (use sudo" || return 1
	expect_failure "mknod -m 0666"
}

t_mknod_0666_lets_anyone_send() {
	chmod 0755 "$nodedir" || return 1
	rm -f "$nodedir/open"
	mknod -m 0666 "$nodedir/open" c "$MAJOR" "$MINOR" || return 1
	ch=$(new_channel)
	su -s /bin/sh -c "'$SENDER' '$nodedir/open' $ch 'from nobody'" nobody >"$out" 2>"$err" </dev/null
	rc=$?
	expect_success || return 1
	printf 'from nobody' >"$tmp/want"
	run "$READER" "$node" "$ch"
	expect_success && expect_stdout "$tmp/want"
}

# A node whose major has no driver (as when the module is not loaded).
t_node_without_driver_enxio_explains() {
	free=
	for m in 199 198 197 196 195; do
		awk '/^Block/ { exit } $1 == m { found = 1 } END { exit !found }' m=$m /proc/devices ||
			{ free=$m; break; }
	done
	[ -n "$free" ] || { diag "no unused character major in 195..199"; return 1; }
	rm -f "$nodedir/nodriver"
	mknod "$nodedir/nodriver" c "$free" 0 || return 1
	run "$SENDER" "$nodedir/nodriver" 1 hello
	expect_failure "No such device or address (module not loaded" || return 1
	rm -f "$nodedir/nodriver"
}

# --- main ------------------------------------------------------------------

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ms-programs.XXXXXX") || exit 1
nodedir=$(mktemp -d "${MS_NODE_DIR:-/dev}/ms-programs.XXXXXX") || exit 1
trap 'rm -rf "$tmp" "$nodedir"' EXIT
out=$tmp/stdout
err=$tmp/stderr
node=$nodedir/slot$MINOR

tap_setup() {
	if ! mknod "$node" c "$MAJOR" "$MINOR"; then
		diag "mknod $node c $MAJOR $MINOR failed"
	fi
	for f in "$SENDER" "$READER"; do
		[ -x "$f" ] || diag "$f: not an executable file"
	done
}

tap_main "$@"
