#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# params.sh - TAP tests of the slot devices against the module parameter
# "slots" (SPEC Part 2, "Devices the module creates"), and of what loading
# and unloading do to the control node, sysfs and debugfs: slots=0 creates
# no slot device, slots=256 creates all of them, slots=257 is refused with
# a KERN_ERR line and leaves nothing, rmmod is refused while the control
# node or a debugfs dump is open and removes every node and file, and
# quota=N on the insmod line is in force from the first write.
#
# Runs as root in the guest with cwd /work holding message_slot.ko and
# tests/build/ (the C tests, some of which it runs again under other
# parameters), and the module NOT loaded; leaves it unloaded.  busybox sh
# compatible.
#
#   tests/guest/params.sh            run every test
#   tests/guest/params.sh -l         list the tests
#   tests/guest/params.sh NAME...    run only these tests
#
# Environment: MS_MAJOR (load with major=MS_MAJOR; default 235).

. "$(dirname "$0")/../lib/tap.sh" || exit 1
cd "${MS_WORK:-/work}" || exit 1
build=$PWD/tests/build
MAJOR=${MS_MAJOR:-235}
export MS_MAJOR="$MAJOR"

TESTS="
default_load_creates_slot0_to_slot3
slots_0_creates_no_slot_device
slots_0_add_creates_node
slots_256_creates_every_slot
slots_256_add_any_enospc
slots_257_refused_with_kern_err
bad_slots_values_refused
rmmod_refused_while_control_open
rmmod_refused_while_dump_open
rmmod_removes_nodes_class_and_debugfs
quota_given_at_load_applies
"

load() { # load [PARAM...]
	if ! insmod message_slot.ko major="$MAJOR" "$@"; then
		diag "insmod message_slot.ko major=$MAJOR $* failed"
		return 1
	fi
}

# Leaves the module unloaded, whatever a test left.
tap_reset() {
	exec 3<&- 2>/dev/null
	if loaded; then
		rmmod message_slot 2>/dev/null || diag "cleanup: rmmod failed"
	fi
	rm -f "$nodes"/*
}

# Runs C tests (tests/build/PROG -t NAME...), its TAP shown as diagnostics.
c_tests() { # c_tests PROG NAME...
	prog=$1
	shift
	sel=
	for n in "$@"; do sel="$sel -t $n"; done
	# shellcheck disable=SC2086 # one word per option and name
	"$build/$prog" $sel >"$tmp/c.log" 2>&1
	rc=$?
	sed 's/^/#   /' "$tmp/c.log"
	[ $rc -eq 0 ] || diag "$prog$sel failed (status $rc)"
	return $rc
}

# The slot devices in the class, as "slotN" names, sorted by number.
class_slots() {
	ls /sys/class/message_slot 2>/dev/null | sort -t t -k 2 -n
}

# Asserts that slot0..slot{N-1} exist, as class devices and as 0600
# root:root nodes of the right numbers, and no other slot device does.
expect_slots() { # expect_slots N
	i=0
	while [ $i -lt "$1" ]; do
		node=/dev/message_slot/slot$i
		want="600 0 0 $(printf '%x %x' "$MAJOR" $i)"
		got=$(stat -c '%a %u %g %t %T' "$node" 2>/dev/null)
		if [ ! -c "$node" ] || [ "$got" != "$want" ]; then
			diag "$node: '$got', expected a char device '$want'"
			return 1
		fi
		if [ "$(cat /sys/class/message_slot/slot$i/dev 2>/dev/null)" != "$MAJOR:$i" ]; then
			diag "/sys/class/message_slot/slot$i/dev is not $MAJOR:$i"
			return 1
		fi
		i=$((i + 1))
	done
	n=$(class_slots | wc -l)
	if [ "$n" -ne "$1" ]; then
		diag "$n slot devices in /sys/class/message_slot, expected $1:" \
			"$(class_slots | head -n 8 | tr '\n' ' ')"
		return 1
	fi
	n=$(find /dev/message_slot -name 'slot*' | wc -l)
	if [ "$n" -ne "$1" ]; then
		diag "$n slot nodes in /dev/message_slot, expected $1"
		return 1
	fi
}

# --- the tests -----------------------------------------------------------

t_default_load_creates_slot0_to_slot3() {
	load || return 1
	[ "$(cat /sys/module/message_slot/parameters/slots)" = 4 ] ||
		{ diag "parameters/slots is not 4"; return 1; }
	expect_slots 4 || return 1
	c_tests devices_test fixed_slots_have_class_devices \
		fixed_slot_nodes_are_0600_root_in_message_slot_dir \
		no_node_created_outside_message_slot_dir || return 1
	[ -c /dev/message_slot/control ] || { diag "no control node"; return 1; }
	i=0
	while [ $i -lt 4 ]; do
		[ -f /sys/kernel/debug/message_slot/slot$i ] ||
			{ diag "no debugfs dump for slot$i"; return 1; }
		i=$((i + 1))
	done
}

t_slots_0_creates_no_slot_device() {
	load slots=0 || return 1
	expect_slots 0 || return 1
	[ -d /sys/class/message_slot ] || { diag "no class message_slot"; return 1; }
	[ "$(ls /dev/message_slot)" = control ] ||
		{ diag "/dev/message_slot holds: $(ls /dev/message_slot)"; return 1; }
	[ -z "$(ls /sys/kernel/debug/message_slot)" ] ||
		{ diag "debugfs files without a slot: $(ls /sys/kernel/debug/message_slot)"; return 1; }
	# Every minor still works through mknod.
	mknod "$nodes/s0" c "$MAJOR" 0 || return 1
	mknod "$nodes/s255" c "$MAJOR" 255 || return 1
	roundtrip "$nodes/s0" 1 "slots=0, minor 0" || return 1
	roundtrip "$nodes/s255" 1 "slots=0, minor 255" || return 1
	# Opening them made slot state, not devices.
	expect_slots 0
}

t_slots_0_add_creates_node() {
	load slots=0 || return 1
	c_tests control_test add_any_minor_returns_lowest_without_slot \
		add_given_minor_returns_it || return 1
	c_tests devices_test added_slot_gets_node_and_class_device \
		added_slot_through_both_nodes || return 1
	expect_slots 0
}

t_slots_256_creates_every_slot() {
	load slots=256 || return 1
	expect_slots 256 || return 1
	[ "$(ls /sys/kernel/debug/message_slot | wc -l)" -eq 256 ] ||
		{ diag "not 256 debugfs dumps"; return 1; }
	roundtrip /dev/message_slot/slot255 7 "the last fixed slot" || return 1
	roundtrip /dev/message_slot/slot0 7 "the first fixed slot"
}

t_slots_256_add_any_enospc() {
	load slots=256 || return 1
	# The test removes only what it added: all 256 are still there.
	c_tests control_test add_any_when_every_minor_has_device_enospc || return 1
	expect_slots 256 || return 1
	start=$(cut -d' ' -f1 /proc/uptime)
	rmmod message_slot || { diag "rmmod with 256 slot devices failed"; return 1; }
	diag "rmmod with 256 slot devices took" \
		"$(awk -v a="$start" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.2f", b - a }') s"
	nothing_left
}

# insmod with PARAM must fail, log at KERN_ERR, and leave nothing behind.
failed_init() { # failed_init PARAM
	dmesg -r >"$tmp/before" 2>/dev/null
	if insmod message_slot.ko major="$MAJOR" "$1" 2>/dev/null; then
		diag "insmod message_slot.ko $1 succeeded"
		return 1
	fi
	dmesg -r >"$tmp/after" 2>/dev/null
	nothing_left || return 1
	tail -n +"$(($(wc -l <"$tmp/before") + 1))" "$tmp/after" >"$tmp/new"
	if ! grep '^<3>' "$tmp/new" | grep -q 'message_slot'; then
		diag "no KERN_ERR (<3>) line mentioning message_slot for $1; new log lines:"
		sed 's/^/#   /' "$tmp/new" | head -n 10
		return 1
	fi
	grep '^<3>' "$tmp/new" | sed 's/^/#   /'
}

t_slots_257_refused_with_kern_err() {
	failed_init slots=257 || return 1
	# Nothing stops a normal load afterwards.
	load || return 1
	expect_slots 4
}

t_bad_slots_values_refused() {
	failed_init slots=1000 || return 1
	failed_init slots=4294967295 || return 1
	failed_init slots=-1 || return 1
	failed_init slots=many
}

t_rmmod_refused_while_control_open() {
	load || return 1
	exec 3</dev/message_slot/control || { diag "cannot open the control node"; return 1; }
	if rmmod message_slot 2>/dev/null; then
		diag "rmmod succeeded while the control node was open"
		return 1
	fi
	loaded || { diag "module gone"; return 1; }
	exec 3<&-
	rmmod message_slot || { diag "rmmod after closing failed"; return 1; }
	nothing_left
}

t_rmmod_refused_while_dump_open() {
	load || return 1
	roundtrip /dev/message_slot/slot1 3 "in the dump" || return 1
	exec 3</sys/kernel/debug/message_slot/slot1 ||
		{ diag "cannot open the dump of slot1"; return 1; }
	if rmmod message_slot 2>/dev/null; then
		diag "rmmod succeeded while a debugfs dump was open"
		return 1
	fi
	loaded || { diag "module gone"; return 1; }
	line=$(cat <&3)
	[ "$line" = "3 11 in the dump" ] || { diag "dump of slot1: '$line'"; return 1; }
	exec 3<&-
	rmmod message_slot || { diag "rmmod after closing failed"; return 1; }
	nothing_left
}

t_rmmod_removes_nodes_class_and_debugfs() {
	load || return 1
	mknod "$nodes/s9" c "$MAJOR" 9 || return 1
	roundtrip "$nodes/s9" 1 "a mknod-only slot" || return 1
	[ -f /sys/kernel/debug/message_slot/slot9 ] ||
		{ diag "no dump for the mknod-only slot9"; return 1; }
	rmmod message_slot || { diag "rmmod failed"; return 1; }
	nothing_left
}

t_quota_given_at_load_applies() {
	load quota=300 || return 1
	[ "$(cat /sys/module/message_slot/parameters/quota)" = 300 ] ||
		{ diag "parameters/quota is not 300"; return 1; }
	m128=$(printf '%0128d' 0)
	roundtrip /dev/message_slot/slot2 1 "$m128" || return 1
	roundtrip /dev/message_slot/slot2 2 "$m128" || return 1
	# 256 stored: 45 more bytes would make 301.
	if ./message_sender /dev/message_slot/slot2 3 "$(printf '%045d' 0)" \
		2>"$tmp/err"; then
		diag "a write past quota=300 succeeded"
		return 1
	fi
	grep -q "Disk quota exceeded" "$tmp/err" ||
		{ diag "message_sender said: $(cat "$tmp/err")"; return 1; }
	roundtrip /dev/message_slot/slot2 3 "$(printf '%044d' 0)"
}

# --- main ------------------------------------------------------------------

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ms-params.XXXXXX") || exit 1
nodes=$(mktemp -d /dev/ms-params.XXXXXX) || exit 1
trap 'tap_reset; rm -rf "$tmp" "$nodes"' EXIT

tap_main "$@"
