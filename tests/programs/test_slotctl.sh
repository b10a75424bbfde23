#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# test_slotctl.sh - TAP tests of slotctl (SPEC Part 2, "slotctl"), against
# what its man page, Documentation/man/slotctl.1, and its --help say:
# send and recv byte for byte like message_sender and message_reader;
# stat's table, --json and --format prometheus against the counters in
# sysfs (the exposition also on the console, for scripts/check's parser),
# and the bare names the bash completion asks for; add, remove and
# clear with their errors, as root and as nobody; diagnostics
# "slotctl: OBJECT: reason" on stderr; exit 0, 1 failure, 2 usage.
#
# Runs as root.  Loads the module (MS_KO, major=MS_MAJOR, default
# parameters) if it is not loaded, and then unloads it at the end; the
# last test, module_not_loaded_clear_error, unloads it and loads it again.
# busybox sh compatible.
#
#   tests/programs/test_slotctl.sh            run every test
#   tests/programs/test_slotctl.sh -l         list the tests
#   tests/programs/test_slotctl.sh NAME...    run only these tests
#
# Environment: SLOTCTL, SENDER, READER (default /work/slotctl,
# /work/message_sender, /work/message_reader), MS_KO (default
# /work/message_slot.ko), MS_MAJOR (default 235).  Minors used: 210..219.

SLOTCTL=${SLOTCTL:-/work/slotctl}
SENDER=${SENDER:-/work/message_sender}
READER=${READER:-/work/message_reader}
KO=${MS_KO:-/work/message_slot.ko}
MAJOR=${MS_MAJOR:-235}

TESTS="
help_on_stdout_exit_0
every_command_help_has_synopsis_line
version_names_tool_and_module
usage_errors_exit_2
send_recv_same_bytes_as_classic_programs
send_recv_by_path_name_and_minor
send_from_stdin
send_recv_errors_explained
bad_channel_is_usage_error_exit_2
unknown_slot_fails_exit_1
stat_table_matches_sysfs
stat_table_aligned_without_trailing_blanks
stat_counts_what_was_written
stat_json_matches_sysfs
stat_one_slot_by_path_name_and_minor
stat_by_nobody
stat_to_full_stdout_fails
stat_output_selects_columns
stat_noheadings_drops_the_header
stat_raw_one_space_no_alignment
stat_names_alone_one_per_line_by_minor
stat_prometheus_matches_sysfs
stat_format_usage_errors_exit_2
add_prints_name_and_creates_node
add_without_minor_takes_lowest_free
add_existing_fails_file_exists
add_out_of_range_fails
remove_busy_fails
remove_without_device_fails
remove_takes_the_name_add_printed
remove_by_path
remove_frees_messages
clear_drops_messages_keeps_channels_and_counts
clear_by_path_name_and_minor
clear_mknod_only_slot_by_minor
control_commands_as_nobody_fail
watch_prints_current_then_new_messages_escaped
watch_ignores_other_channels
watch_raw_prints_exact_bytes
watch_null_ends_each_message_with_nul
watch_shows_utf8_as_text
watch_options_after_operands
watch_count_rejects_negatives_and_blanks
watch_usage_errors_exit_2
module_not_loaded_clear_error
"

# --- helpers -----------------------------------------------------------

. "$(dirname "$0")/../lib/tap.sh" || exit 1
. "$(dirname "$0")/slotctl_lib.sh" || exit 1

# --- the tests -----------------------------------------------------------

t_help_on_stdout_exit_0() {
	for opt in --help -h; do
		run "$SLOTCTL" $opt
		expect_success || return 1
		head -n 1 "$out" | grep -q '^Usage: slotctl' || bad "no Usage line" || return 1
		for cmd in send recv stat add remove clear; do
			grep -q "^  $cmd " "$out" || { diag "--help lists no $cmd"; return 1; }
		done
	done
}

t_every_command_help_has_synopsis_line() {
	for line in "send SLOT CHANNEL MESSAGE" "recv SLOT CHANNEL" \
		"watch [-r|--raw] [-0|--null] [-n|--count N] SLOT CHANNEL" \
		"stat [-J|--json] [-r|--raw] [-n|--noheadings] [-o|--output LIST] [--format FORMAT] [SLOT]" \
		"add [MINOR]" "remove SLOT" "clear SLOT"; do
		cmd=${line%% *}
		for opt in --help -h; do
			run "$SLOTCTL" "$cmd" $opt
			expect_success || return 1
			[ "$(head -n 1 "$out")" = "Usage: slotctl $line" ] ||
				bad "slotctl $cmd $opt: the first line is not 'Usage: slotctl $line'" ||
				return 1
		done
	done
}

t_version_names_tool_and_module() {
	run "$SLOTCTL" --version
	expect_success || return 1
	[ "$(wc -l <"$out")" -eq 2 ] && head -n 1 "$out" | grep -q '^slotctl [^ ]' ||
		bad "expected 'slotctl VERSION' and a second line" || return 1
	want="message_slot module $(cat /sys/module/message_slot/version)"
	[ "$(sed -n 2p "$out")" = "$want" ] || bad "expected '$want'"
}

t_usage_errors_exit_2() {
	ch=$(new_channel)
	run "$SLOTCTL"
	expect_usage bare || return 1
	for args in "frobnicate" "--bogus" "stat --bogus" "stat slot0 slot1" \
		"send slot0" "send slot0 $ch" "send slot0 $ch a b" "recv slot0" \
		"recv slot0 $ch x" "add 1 2" "add abc" "remove" "remove 1 2" \
		"remove -1" "add -1" "clear" "clear slot0 slot1" "send slot0 abc x" \
		"recv slot0 abc" "watch slot0 abc"; do
		run "$SLOTCTL" $args
		expect_usage || { diag "for: slotctl $args"; return 1; }
	done
	# None of them sent anything.
	run "$SLOTCTL" recv slot0 "$ch"
	expect_failure "no message on channel"
}

# slotctl send, message_reader reads; message_sender sends, slotctl recv reads.
both_ways() { # both_ways MESSAGE
	ch=$(new_channel)
	printf '%s' "$1" >"$tmp/want"
	run "$SLOTCTL" send slot0 "$ch" "$1"
	expect_success || return 1
	[ ! -s "$out" ] || bad "send printed on stdout" || return 1
	run "$READER" /dev/message_slot/slot0 "$ch"
	expect_stdout "$tmp/want" || return 1
	ch=$(new_channel)
	run "$SENDER" /dev/message_slot/slot0 "$ch" "$1"
	run "$SLOTCTL" recv slot0 "$ch"
	expect_success && expect_stdout "$tmp/want"
}

t_send_recv_same_bytes_as_classic_programs() {
	m=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
	both_ways "Hello, World!" || return 1
	both_ways "ends with a newline
" || return 1
	both_ways "  spaces	and a tab  " || return 1
	both_ways "héllo wörld ✓" || return 1
	both_ways "$m$m" || return 1
	both_ways "-n" || return 1
	both_ways "--verbose" || return 1
	both_ways "x"
}

t_send_recv_by_path_name_and_minor() {
	ch=$(new_channel)
	mknod "$nodes/s1" c "$MAJOR" 1 || return 1
	printf 'four ways' >"$tmp/want"
	run "$SLOTCTL" send 1 "$ch" "four ways"
	expect_success || return 1
	for slot in 1 slot1 /dev/message_slot/slot1 "$nodes/s1"; do
		run "$SLOTCTL" recv "$slot" "$ch"
		expect_success && expect_stdout "$tmp/want" || { diag "recv $slot"; return 1; }
	done
	# A path is used as it is: a mknod node of a minor without a device.
	nodevice 212 || return 1
	mknod "$nodes/s212" c "$MAJOR" 212 || return 1
	run "$SLOTCTL" send "$nodes/s212" "$ch" "no device"
	expect_success || return 1
	run "$SLOTCTL" recv "$nodes/s212" "$ch"
	printf 'no device' >"$tmp/want"
	expect_success && expect_stdout "$tmp/want"
}

t_send_from_stdin() {
	ch=$(new_channel)
	printf 'a\000b\n' >"$tmp/want"
	"$SLOTCTL" send slot0 "$ch" - <"$tmp/want" >"$out" 2>"$err"
	rc=$?
	expect_success || return 1
	run "$SLOTCTL" recv slot0 "$ch"
	expect_success && expect_stdout "$tmp/want" || return 1
	# 129 bytes: Message too long, and the message stays.
	head -c 129 /dev/zero >"$tmp/big"
	"$SLOTCTL" send slot0 "$ch" - <"$tmp/big" >"$out" 2>"$err"
	rc=$?
	expect_failure "the message is longer than 128 bytes" || return 1
	run "$SLOTCTL" recv slot0 "$ch"
	expect_success && expect_stdout "$tmp/want"
}

# The same failures as message_sender and message_reader, each said in
# words instead of the strerror() text that misleads or does not help.
t_send_recv_errors_explained() {
	ch=$(new_channel)
	m=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
	run "$SLOTCTL" recv slot0 "$ch"
	expect_failure "slotctl: /dev/message_slot/slot0: no message on channel $ch yet" || return 1
	! grep -q "Resource temporarily unavailable" "$err" || bad "strerror instead of the reason" || return 1
	run "$SLOTCTL" send slot0 "$ch" "$m${m}X"
	expect_failure "the message is longer than 128 bytes" || return 1
	run "$SLOTCTL" send slot0 "$ch" ""
	expect_failure "the message is empty" || return 1
	! grep -q "too long" "$err" || bad "an empty message called too long" || return 1
	run "$SLOTCTL" send slot0 0 "hello"
	expect_failure "channel 0 is not a channel" || return 1
	run "$SLOTCTL" recv slot0 0
	expect_failure "channel 0 is not a channel" || return 1
	run "$SLOTCTL" recv /dev/null 1
	expect_failure "slotctl: /dev/null: not a message slot" || return 1
	run "$SLOTCTL" send "$tmp/no-such-node" 1 "hello"
	expect_failure "No such file or directory" || return 1
	run "$SLOTCTL" send slot0 "$ch" "no room for me"
	"$SLOTCTL" recv slot0 "$ch" >/dev/full 2>"$err"
	rc=$?
	: >"$out"
	expect_failure "No space left on device"
}

# A CHANNEL not of its form is a usage error, as for every other operand;
# channel 0 is of its form, and the driver refuses it (exit 1, above).
t_bad_channel_is_usage_error_exit_2() {
	for c in abc 0x "" 4294967296 -1 1x " 1"; do
		run "$SLOTCTL" send slot0 "$c" "hello"
		expect_usage || { diag "send with channel '$c'"; return 1; }
		run "$SLOTCTL" recv slot0 "$c"
		expect_usage || { diag "recv with channel '$c'"; return 1; }
	done
	ch=$(new_channel)
	run "$SLOTCTL" send slot0 "$(printf '%#x' "$ch")" "hex"
	expect_success || return 1
	printf 'hex' >"$tmp/want"
	run "$SLOTCTL" recv slot0 "$ch"
	expect_success && expect_stdout "$tmp/want"
}

t_unknown_slot_fails_exit_1() {
	nodevice 213 || return 1
	for args in "send slot213 1 x" "recv slot213 1" "stat slot213" "stat 213" \
		"clear slot213" "send nosuchslot 1 x" "stat nosuchslot" \
		"remove slot213" "remove nosuchslot"; do
		run "$SLOTCTL" $args
		expect_failure "no such slot device" || { diag "for: slotctl $args"; return 1; }
	done
}

t_stat_table_matches_sysfs() {
	run "$SLOTCTL" stat
	expect_success && check_stat table
}

t_stat_table_aligned_without_trailing_blanks() {
	fresh 210 || return 1
	run "$SLOTCTL" send 210 1 "some bytes to show a wider column"
	run "$SLOTCTL" stat
	expect_success || return 1
	# Text columns (1, 2) start, number columns (3..8) end, at the same place.
	if ! awk '
		/ $/ { print "# trailing blank on line " NR; bad = 1 }
		{
			rest = $0; off = 0; n = 0
			while (match(rest, /[^ ]+/)) {
				n++; s = off + RSTART; e = s + RLENGTH - 1
				if (NR == 1) { S[n] = s; E[n] = e }
				else if ((n <= 2 && s != S[n]) || (n > 2 && e != E[n])) {
					print "# line " NR " column " n " out of line"; bad = 1
				}
				off = e; rest = substr(rest, RSTART + RLENGTH)
			}
			if (n != 8) { print "# line " NR " has " n " columns"; bad = 1 }
		}
		END { exit bad }' "$out"; then
		sed 's/^/#   /' "$out" | head -n 12
		return 1
	fi
}

t_stat_counts_what_was_written() {
	fresh 211 || return 1
	run "$SLOTCTL" send 211 1 "12345"
	run "$SLOTCTL" send 211 1 "123"
	run "$SLOTCTL" send slot211 2 "1234567"
	run "$SLOTCTL" recv 211 2
	run "$SLOTCTL" recv 211 3		# fails: not counted
	run "$SLOTCTL" stat slot211
	expect_success || return 1
	tr -s ' ' <"$out" >"$tmp/squeezed"
	mv "$tmp/squeezed" "$out"
	expect_text "NAME NODE MAJ:MIN CHANNELS BYTES WRITES READS OPEN" \
		"slot211 /dev/message_slot/slot211 $MAJOR:211 2 10 3 1 0" || return 1
	run "$SLOTCTL" stat --json 211
	expect_success || return 1
	expect_text '{"slots": [' \
		"  {\"name\": \"slot211\", \"node\": \"/dev/message_slot/slot211\", \"major\": $MAJOR, \"minor\": 211, \"channels\": 2, \"bytes\": 10, \"writes\": 3, \"reads\": 1, \"open_files\": 0}" \
		']}' || return 1
	# An open file shows in OPEN.
	exec 4</dev/message_slot/slot211
	run "$SLOTCTL" stat -J slot211
	exec 4<&-
	grep -q '"open_files": 1}' "$out" || bad "an open file is not counted"
}

t_stat_json_matches_sysfs() {
	fresh 214 || return 1
	run "$SLOTCTL" send 214 9 "json"
	for opt in --json -J; do
		run "$SLOTCTL" stat $opt
		expect_success && check_stat json || return 1
	done
}

t_stat_one_slot_by_path_name_and_minor() {
	mknod "$nodes/s0" c "$MAJOR" 0 || return 1
	for slot in 0 slot0 /dev/message_slot/slot0 "$nodes/s0"; do
		run "$SLOTCTL" stat "$slot"
		expect_success && check_stat table 0 || { diag "stat $slot"; return 1; }
		run "$SLOTCTL" stat --json "$slot"
		expect_success && check_stat json 0 || { diag "stat --json $slot"; return 1; }
	done
}

t_stat_by_nobody() {
	run_nobody stat
	expect_success && check_stat table || return 1
	run_nobody stat --json
	expect_success && check_stat json
}

t_stat_to_full_stdout_fails() {
	"$SLOTCTL" stat >/dev/full 2>"$err"
	rc=$?
	: >"$out"
	expect_failure "No space left on device"
}

t_stat_output_selects_columns() {
	fresh 211 || return 1
	run "$SLOTCTL" send 211 1 "12345"
	run "$SLOTCTL" stat -o name,CHANNELS,maj:min,Bytes slot211
	expect_success || return 1
	expect_text "NAME    CHANNELS MAJ:MIN BYTES" "slot211        1 $MAJOR:211     5" || return 1
	run "$SLOTCTL" stat 211 --output open,name
	expect_success && expect_text "OPEN NAME" "   0 slot211" || return 1
	run "$SLOTCTL" stat --json -o name,maj:min 211
	expect_success || return 1
	expect_text '{"slots": [' "  {\"name\": \"slot211\", \"major\": $MAJOR, \"minor\": 211}" ']}' || return 1
	for args in "stat -o bogus" "stat -o name,,bytes" "stat -o name," "stat -o" "stat --json --raw"; do
		run "$SLOTCTL" $args
		expect_usage || { diag "slotctl $args"; return 1; }
	done
}

t_stat_noheadings_drops_the_header() {
	run "$SLOTCTL" stat
	expect_success || return 1
	tail -n +2 "$out" | tr -s ' ' >"$tmp/want"
	for opt in -n --noheadings; do
		run "$SLOTCTL" stat $opt
		expect_success || return 1
		tr -s ' ' <"$out" >"$tmp/got"
		cmp -s "$tmp/got" "$tmp/want" || { show "stat $opt" "$out"; return 1; }
		# Aligned without the header: the first column no wider than needed.
		! grep -q '^NAME' "$out" || bad "a header with $opt" || return 1
	done
	run "$SLOTCTL" stat -n -o name slot0
	expect_success && expect_text slot0
}

t_stat_raw_one_space_no_alignment() {
	fresh 210 || return 1
	run "$SLOTCTL" send 210 1 "some bytes to show a wider column"
	for opt in -r --raw; do
		run "$SLOTCTL" stat $opt
		expect_success || return 1
		expected_stat table >"$tmp/want"
		expect_stdout "$tmp/want" || return 1
	done
	run "$SLOTCTL" stat -rn -o maj:min,name 210
	expect_success && expect_text "$MAJOR:210 slot210"
}

# What the bash completion asks for (packaging/bash-completion/slotctl).
t_stat_names_alone_one_per_line_by_minor() {
	fresh 210 || return 1
	fresh 212 || return 1
	run "$SLOTCTL" stat --raw --noheadings --output NAME
	expect_success || return 1
	ls /sys/class/message_slot | sed 's/^slot//' | sort -n | sed 's/^/slot/' >"$tmp/want"
	grep -qx slot210 "$tmp/want" && grep -qx slot212 "$tmp/want" || bad "no slot210, slot212 in sysfs" ||
		return 1
	expect_stdout "$tmp/want"
}

# The Prometheus text format of MINORS (default: every slot device), from
# sysfs, as slotctl(1) shows it.
expected_prometheus() { # expected_prometheus [MINORS]
	set -- ${1:-$(ls /sys/class/message_slot | sed 's/^slot//' | sort -n)}
	for f in "channels gauge Channels of the slot that hold a message." \
		"bytes gauge Bytes in the messages the slot holds." \
		"writes counter Messages written since the slot was created." \
		"reads counter Messages read since the slot was created." \
		"open_files gauge Files that have the slot open, through any node."; do
		attr=${f%% *}
		type=${f#* }
		help=${type#* }
		type=${type%% *}
		name=message_slot_$attr
		[ "$type" = counter ] && name=${name}_total
		echo "# HELP $name $help"
		echo "# TYPE $name $type"
		for m; do
			echo "$name{slot=\"slot$m\",minor=\"$m\"} $(sysval "$m" "$attr")"
		done
	done
}

# Also prints the exposition on the console as "# PROMETHEUS| " lines, for
# scripts/check to give the Prometheus parser (which the guest lacks).
t_stat_prometheus_matches_sysfs() {
	fresh 213 || return 1
	run "$SLOTCTL" send 213 1 "prometheus"
	run "$SLOTCTL" send 213 2 "text"
	run "$SLOTCTL" recv 213 1
	exec 4</dev/message_slot/slot213
	run "$SLOTCTL" stat --format prometheus
	expected_prometheus >"$tmp/want"
	exec 4<&-
	expect_success && expect_stdout "$tmp/want" || return 1
	grep -qx 'message_slot_writes_total{slot="slot213",minor="213"} 2' "$out" &&
		grep -qx 'message_slot_open_files{slot="slot213",minor="213"} 1' "$out" ||
		bad "slot213's writes or open files are not 2 and 1" || return 1
	sed 's/^/# PROMETHEUS| /' "$out"
	for slot in 213 slot213 /dev/message_slot/slot213; do
		run "$SLOTCTL" stat --format=prometheus "$slot"
		expected_prometheus 213 >"$tmp/want"
		expect_success && expect_stdout "$tmp/want" || { diag "stat --format prometheus $slot"; return 1; }
	done
	# -n has no effect, as with --json; --format json is --json.
	run "$SLOTCTL" stat -n --format prometheus 213
	expect_success && expect_stdout "$tmp/want" || return 1
	run "$SLOTCTL" stat --format json
	expect_success && check_stat json
}

t_stat_format_usage_errors_exit_2() {
	for args in "stat --format" "stat --format bogus" "stat --format Prometheus" \
		"stat --format prometheus --json" "stat --format prometheus -r" \
		"stat --format json --format raw" "stat --format prometheus -o name" \
		"stat --format= " "watch --format prometheus slot0 1" "stat -F prometheus"; do
		# shellcheck disable=SC2086 # split on purpose
		run "$SLOTCTL" $args
		expect_usage || { diag "slotctl $args"; return 1; }
	done
}

t_add_prints_name_and_creates_node() {
	nodevice 215 || return 1
	run "$SLOTCTL" add 215
	expect_success && expect_text slot215 || return 1
	[ -c /dev/message_slot/slot215 ] || { diag "no /dev/message_slot/slot215"; return 1; }
	has_device 215 || return 1
	run "$SLOTCTL" remove 215
	expect_success || return 1
	[ ! -s "$out" ] || bad "remove printed on stdout" || return 1
	! has_device 215
}

t_add_without_minor_takes_lowest_free() {
	want=0
	while has_device $want; do want=$((want + 1)); done
	run "$SLOTCTL" add
	expect_success && expect_text "slot$want" || return 1
	has_device $want || return 1
	run "$SLOTCTL" remove $want
	expect_success
}

t_add_existing_fails_file_exists() {
	run "$SLOTCTL" add 0
	expect_failure "slotctl: slot0: cannot add: File exists"
}

t_add_out_of_range_fails() {
	run "$SLOTCTL" add 256
	expect_failure "Invalid argument" || return 1
	! has_device 256
}

t_remove_busy_fails() {
	fresh 216 || return 1
	exec 4</dev/message_slot/slot216
	run "$SLOTCTL" remove 216
	exec 4<&-
	expect_failure "slotctl: slot216: cannot remove: Device or resource busy" || return 1
	has_device 216 || return 1
	run "$SLOTCTL" remove 216
	expect_success
}

t_remove_without_device_fails() {
	nodevice 217 || return 1
	run "$SLOTCTL" remove 217
	expect_failure "slotctl: slot217: cannot remove: No such device"
}

# slotctl remove "$(slotctl add)": remove takes a SLOT like the other verbs.
t_remove_takes_the_name_add_printed() {
	nodevice 215 || return 1
	name=$("$SLOTCTL" add 215) || return 1
	[ "$name" = slot215 ] || { diag "add printed '$name'"; return 1; }
	run "$SLOTCTL" remove "$name"
	expect_success || return 1
	! has_device 215 || { diag "slot215 still there"; return 1; }
	name=$("$SLOTCTL" add) || return 1
	run "$SLOTCTL" remove "$name"
	expect_success || return 1
	! has_device "${name#slot}"
}

t_remove_by_path() {
	fresh 215 || return 1
	run "$SLOTCTL" remove /dev/message_slot/slot215
	expect_success || return 1
	! has_device 215
}

t_remove_frees_messages() {
	fresh 218 || return 1
	run "$SLOTCTL" send 218 4 "gone soon"
	run "$SLOTCTL" remove 218
	expect_success || return 1
	run "$SLOTCTL" add 218
	expect_success || return 1
	run "$SLOTCTL" recv 218 4
	expect_failure "no message on channel"
}

t_clear_drops_messages_keeps_channels_and_counts() {
	fresh 219 || return 1
	run "$SLOTCTL" send 219 1 "one"
	run "$SLOTCTL" send 219 2 "two"
	run "$SLOTCTL" clear slot219
	expect_success || return 1
	[ ! -s "$out" ] || bad "clear printed on stdout" || return 1
	for ch in 1 2; do
		run "$SLOTCTL" recv 219 $ch
		expect_failure "no message on channel" || return 1
	done
	[ "$(sysval 219 channels) $(sysval 219 bytes) $(sysval 219 writes)" = "0 0 2" ] ||
		{ diag "counters after clear: $(sysval 219 channels) $(sysval 219 bytes) $(sysval 219 writes)"; return 1; }
}

t_clear_by_path_name_and_minor() {
	fresh 219 || return 1
	for slot in 219 slot219 /dev/message_slot/slot219; do
		run "$SLOTCTL" send 219 5 "clear me"
		run "$SLOTCTL" clear "$slot"
		expect_success || { diag "clear $slot"; return 1; }
		run "$SLOTCTL" recv 219 5
		expect_failure "no message on channel" || return 1
	done
}

t_clear_mknod_only_slot_by_minor() {
	nodevice 212 || return 1
	mknod "$nodes/s212" c "$MAJOR" 212 || return 1
	run "$SLOTCTL" send "$nodes/s212" 3 "mknod only"
	expect_success || return 1
	run "$SLOTCTL" clear 212
	expect_success || return 1
	run "$SLOTCTL" recv "$nodes/s212" 3
	expect_failure "no message on channel"
}

t_control_commands_as_nobody_fail() {
	fresh 210 || return 1
	run "$SLOTCTL" send 210 1 "stays"
	nodevice 211 || return 1
	# Node 0600: nobody cannot even open it.
	for args in "add 211" "remove 210" "clear 210"; do
		run_nobody $args
		expect_failure "Permission denied (only root may use the control node: use sudo)" ||
			{ diag "as nobody: slotctl $args"; return 1; }
	done
	# Node opened up: the driver still wants CAP_SYS_ADMIN.
	chmod 0666 /dev/message_slot/control || return 1
	ret=0
	for args in "add 211" "add" "remove 210" "remove slot210" "clear 210" "clear slot210"; do
		run_nobody $args
		expect_failure "needs CAP_SYS_ADMIN" ||
			{ diag "as nobody: slotctl $args"; ret=1; break; }
	done
	chmod 0600 /dev/message_slot/control
	[ $ret -eq 0 ] || return 1
	! has_device 211 || { diag "nobody added slot211"; return 1; }
	has_device 210 || { diag "nobody removed slot210"; return 1; }
	printf stays >"$tmp/want"
	run "$SLOTCTL" recv 210 1
	expect_success && expect_stdout "$tmp/want"
}

t_module_not_loaded_clear_error() {
	rmmod message_slot || { diag "rmmod failed: is a slot open?"; return 1; }
	ret=0
	for args in "stat" "stat --json" "stat slot0" "add" "add 3" "remove 0" \
		"clear 0" "send slot0 1 x" "recv slot0 1" "recv 0 1"; do
		run "$SLOTCTL" $args
		expect_failure "module message_slot is not loaded" ||
			{ diag "without the module: slotctl $args"; ret=1; break; }
	done
	# A path is opened as it is: the kernel says ENXIO, slotctl what it means.
	[ $ret -ne 0 ] || {
		mknod "$nodes/s5" c "$MAJOR" 5
		run "$SLOTCTL" send "$nodes/s5" 1 x
		expect_failure "slotctl: $nodes/s5: module not loaded" || ret=1
	}
	[ $ret -ne 0 ] || {
		run "$SLOTCTL" --version
		[ "$rc" -eq 0 ] && [ "$(sed -n 2p "$out")" = "message_slot module not loaded" ] ||
			{ bad "--version without the module"; ret=1; }
	}
	# Without slot devices: a header alone, an empty list.
	if [ $ret -eq 0 ] && insmod "$KO" major="$MAJOR" slots=0; then
		run "$SLOTCTL" stat
		expect_success && expect_text "NAME NODE MAJ:MIN CHANNELS BYTES WRITES READS OPEN" || ret=1
		run "$SLOTCTL" stat --json
		expect_success && expect_text '{"slots": []}' || ret=1
		rmmod message_slot || ret=1
	fi
	# Back to the state before.
	insmod "$KO" major="$MAJOR" || { diag "insmod $KO failed"; return 1; }
	return $ret
}

# watch in the background until COUNT messages; its output in $tmp/watch.
watch_bg() { # watch_bg OPTION... SLOT CHANNEL
	"$SLOTCTL" watch "$@" >"$tmp/watch" 2>"$tmp/watch.err" &
	watcher=$!
}

# Waits up to 10 s for the watcher to exit; its status in $rc.
watch_wait() {
	wait_bounded "$watcher" 100 ||
		{ diag "slotctl watch still running after 10 s"; return 1; }
}

t_watch_prints_current_then_new_messages_escaped() {
	ch=$(new_channel)
	"$SLOTCTL" send slot0 "$ch" "first" || return 1
	watch_bg -n 3 slot0 "$ch"
	sleep 1
	"$SLOTCTL" send slot0 "$ch" "$(printf 'tab\there')" || return 1
	sleep 1
	"$SLOTCTL" send slot0 "$ch" 'back\slash' || return 1
	watch_wait || return 1
	[ "$rc" -eq 0 ] || { diag "watch exited $rc"; return 1; }
	printf '%s\n' first 'tab\x09here' 'back\x5cslash' >"$tmp/want"
	cmp -s "$tmp/watch" "$tmp/want" || { show "watch printed" "$tmp/watch"; return 1; }
}

t_watch_ignores_other_channels() {
	ch=$(new_channel)
	watch_bg -n 1 slot0 "$ch"
	sleep 1
	"$SLOTCTL" send slot0 $((ch + 1)) "not this one" || return 1
	"$SLOTCTL" send slot1 "$ch" "nor this one" || return 1
	sleep 1
	kill -0 "$watcher" 2>/dev/null || { diag "watch ended on another channel's message"; return 1; }
	"$SLOTCTL" send slot0 "$ch" "this one" || return 1
	watch_wait || return 1
	printf 'this one\n' >"$tmp/want"
	cmp -s "$tmp/watch" "$tmp/want" || { show "watch printed" "$tmp/watch"; return 1; }
}

t_watch_raw_prints_exact_bytes() {
	ch=$(new_channel)
	printf 'a\nb\000\\c' >"$tmp/want"
	"$SLOTCTL" send slot0 "$ch" - <"$tmp/want" || return 1
	watch_bg --raw --count 1 slot0 "$ch"
	watch_wait || return 1
	[ "$rc" -eq 0 ] && cmp -s "$tmp/watch" "$tmp/want" ||
		{ show "watch --raw printed" "$tmp/watch"; return 1; }
}

t_watch_null_ends_each_message_with_nul() {
	ch=$(new_channel)
	printf 'line one\nline two' >"$tmp/first"
	"$SLOTCTL" send slot0 "$ch" - <"$tmp/first" || return 1
	watch_bg -0 -n 2 slot0 "$ch"
	sleep 1
	"$SLOTCTL" send slot0 "$ch" "second" || return 1
	watch_wait || return 1
	printf 'line one\nline two\000second\000' >"$tmp/want"
	[ "$rc" -eq 0 ] && cmp -s "$tmp/watch" "$tmp/want" ||
		{ show "watch -0 printed" "$tmp/watch"; return 1; }
}

# UTF-8 text as it is; a C1 control, a bidirectional override and bytes
# that are not UTF-8 escaped.
t_watch_shows_utf8_as_text() {
	ch=$(new_channel)
	printf 'h\303\251llo \342\234\223 \346\227\245\302\205\342\200\256\377' >"$tmp/msg"
	"$SLOTCTL" send slot0 "$ch" - <"$tmp/msg" || return 1
	watch_bg -n 1 slot0 "$ch"
	watch_wait || return 1
	printf 'h\303\251llo \342\234\223 \346\227\245%s\n' '\xc2\x85\xe2\x80\xae\xff' >"$tmp/want"
	[ "$rc" -eq 0 ] && cmp -s "$tmp/watch" "$tmp/want" ||
		{ show "watch printed" "$tmp/watch"; show "wanted" "$tmp/want"; return 1; }
}

t_watch_options_after_operands() {
	ch=$(new_channel)
	"$SLOTCTL" send slot0 "$ch" "after" || return 1
	watch_bg slot0 "$ch" -n 1 --raw
	watch_wait || return 1
	printf 'after' >"$tmp/want"
	[ "$rc" -eq 0 ] && cmp -s "$tmp/watch" "$tmp/want" ||
		{ show "watch printed" "$tmp/watch"; cat "$tmp/watch.err"; return 1; }
}

t_watch_count_rejects_negatives_and_blanks() {
	for n in -1 " 3" "3 " "" " -3" 3x 0 "+3" 18446744073709551616; do
		run_bounded "$SLOTCTL" watch -n "$n" slot0 1
		expect_usage || { diag "watch -n '$n'"; return 1; }
		run_bounded "$SLOTCTL" watch "--count=$n" slot0 1
		expect_usage || { diag "watch --count='$n'"; return 1; }
	done
}

t_watch_usage_errors_exit_2() {
	for args in "watch" "watch slot0" "watch -n 0 slot0 1" "watch --count x slot0 1" \
		"watch --json slot0 1" "watch slot0 1 -n" "watch --noheadings slot0 1"; do
		# shellcheck disable=SC2086 # split on purpose
		run "$SLOTCTL" $args
		expect_usage || { diag "slotctl $args"; return 1; }
	done
}

# --- main ------------------------------------------------------------------

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ms-slotctl.XXXXXX") || exit 1
nodes=$(mktemp -d /dev/ms-slotctl.XXXXXX) || exit 1
unload=
cleanup() {
	exec 4<&-
	chmod 0600 /dev/message_slot/control 2>/dev/null
	rm -rf "$tmp" "$nodes"
	if [ -n "$unload" ] && loaded && ! rmmod message_slot; then
		diag "cleanup: rmmod message_slot failed"
	fi
}
trap cleanup EXIT
chmod 0755 "$tmp"
out=$tmp/stdout
err=$tmp/stderr

tap_setup() {
	[ -x "$SLOTCTL" ] || diag "$SLOTCTL: not an executable file"
	if ! loaded; then
		insmod "$KO" major="$MAJOR" || diag "insmod $KO major=$MAJOR failed"
		unload=1
	fi
}

tap_reset() {
	rm -f "$nodes"/*
}

tap_main "$@"
