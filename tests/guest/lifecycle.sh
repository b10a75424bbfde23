#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lifecycle.sh - TAP tests of loading and unloading message_slot (SPEC
# Part 1): the seed's usage verbatim, rmmod refused while a slot is open,
# nothing survives a reload, the major parameter, a failed init leaves
# nothing behind.
#
# Runs as root in the guest with cwd /work holding message_slot.ko,
# message_sender and message_reader, and the module NOT loaded (it unloads
# it first if it is).  busybox sh compatible.
#
#   tests/guest/lifecycle.sh            run every test
#   tests/guest/lifecycle.sh -l         list the tests
#   tests/guest/lifecycle.sh NAME...    run only these tests

. "$(dirname "$0")/../lib/tap.sh" || exit 1
cd "${MS_WORK:-/work}" || exit 1

TESTS="
seed_usage_verbatim
rmmod_refused_while_open
rmmod_refused_while_open_in_other_process
no_message_survives_reload
node_without_module_enxio
major_0_picks_major
major_240
insmod_twice_refused
init_failure_leaves_nothing_registered
"

# Leaves the module unloaded and /dev/slot0 gone, whatever a test left.
tap_reset() {
	exec 3<&- 2>/dev/null
	if [ -n "$holder" ]; then
		kill "$holder" 2>/dev/null
		wait "$holder" 2>/dev/null
		holder=
	fi
	if loaded; then
		rmmod message_slot 2>/dev/null || diag "cleanup: rmmod failed"
	fi
	rm -f /dev/slot0 "$nodes"/*
}

# check DESCRIPTION CMD...: runs CMD; on failure says what was expected.
check() {
	what=$1
	shift
	if ! "$@"; then
		diag "failed: $what"
		return 1
	fi
}

# refuse DESCRIPTION CMD...: CMD must fail.
refuse() {
	what=$1
	shift
	if "$@"; then
		diag "unexpectedly succeeded: $what"
		return 1
	fi
}

# The major message_slot registered, from /proc/devices.
registered_major() {
	awk '/^Character devices:/ { c = 1; next }
	     /^Block devices:/ { c = 0 }
	     c && $2 == "message_slot" { print $1; exit }' /proc/devices
}

# --- the tests -----------------------------------------------------------

t_seed_usage_verbatim() {
	# The seed's commands, word for word (its "sudo" aside: we are root).
	insmod message_slot.ko || { diag "insmod message_slot.ko failed"; return 1; }
	mknod /dev/slot0 c 235 0 || { diag "mknod failed"; return 1; }
	./message_sender /dev/slot0 1 "Hello, World!" ||
		{ diag "message_sender failed"; return 1; }
	./message_reader /dev/slot0 1 >"$tmp/out" ||
		{ diag "message_reader failed"; return 1; }
	printf 'Hello, World!' >"$tmp/want"
	if ! cmp -s "$tmp/out" "$tmp/want"; then
		diag "message_reader did not print exactly Hello, World!"
		od -c "$tmp/out" | head -n 4 | sed 's/^/#   /'
		return 1
	fi
	rmmod message_slot || { diag "rmmod message_slot failed"; return 1; }
	refuse "module still listed in /proc/modules after rmmod" loaded
}

t_rmmod_refused_while_open() {
	check insmod insmod message_slot.ko || return 1
	mknod /dev/slot0 c 235 0 || return 1
	exec 3</dev/slot0 || { diag "cannot open /dev/slot0"; return 1; }
	refuse "rmmod while /dev/slot0 is open" rmmod message_slot 2>/dev/null ||
		return 1
	check "module still loaded after the refused rmmod" loaded || return 1
	# The slot still works while the refused rmmod is behind us.
	roundtrip /dev/slot0 3 "still here" || return 1
	exec 3<&-
	check "rmmod after closing" rmmod message_slot || return 1
	refuse "module still loaded" loaded
}

t_rmmod_refused_while_open_in_other_process() {
	check insmod insmod message_slot.ko || return 1
	mknod /dev/slot0 c 235 0 || return 1
	sleep 600 </dev/slot0 &
	holder=$!
	# Wait until the child really holds the slot open.
	i=0
	while [ "$(readlink "/proc/$holder/fd/0" 2>/dev/null)" != /dev/slot0 ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || { diag "the holder never opened /dev/slot0"; return 1; }
		sleep 0.1
	done
	refuse "rmmod while another process holds /dev/slot0 open" \
		rmmod message_slot 2>/dev/null || return 1
	check "module still loaded" loaded || return 1
	kill "$holder"
	wait "$holder" 2>/dev/null
	holder=
	check "rmmod after the holder exited" rmmod message_slot || return 1
	refuse "module still loaded" loaded
}

t_no_message_survives_reload() {
	check insmod insmod message_slot.ko || return 1
	mknod /dev/slot0 c 235 0 || return 1
	roundtrip /dev/slot0 5 "gone after reload" || return 1
	check rmmod rmmod message_slot || return 1
	check "insmod again" insmod message_slot.ko || return 1
	./message_reader /dev/slot0 5 >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 1 ] || [ -s "$tmp/out" ] ||
	   ! grep -qF "Resource temporarily unavailable" "$tmp/err"; then
		diag "expected the channel empty (EWOULDBLOCK) after the reload;" \
			"status $rc, stdout $(wc -c <"$tmp/out") bytes," \
			"stderr: $(cat "$tmp/err")"
		return 1
	fi
	check rmmod rmmod message_slot
}

t_node_without_module_enxio() {
	mknod /dev/slot0 c 235 0 || return 1
	./message_reader /dev/slot0 1 >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 1 ] || ! grep -qF "No such device or address" "$tmp/err"; then
		diag "expected ENXIO from a node without the module; status $rc," \
			"stderr: $(cat "$tmp/err")"
		return 1
	fi
}

t_major_0_picks_major() {
	check "insmod major=0" insmod message_slot.ko major=0 || return 1
	maj=$(registered_major)
	diag "the kernel picked major $maj"
	case $maj in
	'' | *[!0-9]* | 0)
		diag "no message_slot line with a major in /proc/devices"
		return 1
		;;
	esac
	mknod "$nodes/picked" c "$maj" 3 || return 1
	roundtrip "$nodes/picked" 9 "on a picked major" || return 1
	check rmmod rmmod message_slot || return 1
	refuse "message_slot still in /proc/devices after rmmod" \
		grep -q ' message_slot$' /proc/devices
}

t_major_240() {
	check "insmod major=240" insmod message_slot.ko major=240 || return 1
	maj=$(registered_major)
	[ "$maj" = 240 ] || { diag "/proc/devices says major '$maj'"; return 1; }
	mknod "$nodes/m240" c 240 0 || return 1
	roundtrip "$nodes/m240" 240 "major 240" || return 1
	check rmmod rmmod message_slot
}

t_insmod_twice_refused() {
	check insmod insmod message_slot.ko || return 1
	refuse "a second insmod" insmod message_slot.ko 2>/dev/null || return 1
	mknod /dev/slot0 c 235 0 || return 1
	roundtrip /dev/slot0 2 "the first one still works" || return 1
	check rmmod rmmod message_slot
}

# insmod with PARAM must fail, log at KERN_ERR, and leave nothing behind.
failed_init() { # failed_init PARAM
	dmesg -r >"$tmp/before" 2>/dev/null
	refuse "insmod message_slot.ko $1" insmod message_slot.ko "$1" 2>/dev/null ||
		return 1
	dmesg -r >"$tmp/after" 2>/dev/null
	refuse "module loaded after a failed init ($1)" loaded || return 1
	refuse "message_slot in /proc/devices after a failed init ($1)" \
		grep -q ' message_slot$' /proc/devices || return 1
	tail -n +"$(($(wc -l <"$tmp/before") + 1))" "$tmp/after" >"$tmp/new"
	if ! grep '^<3>' "$tmp/new" | grep -q 'message_slot'; then
		diag "no KERN_ERR (<3>) line mentioning message_slot for $1; new log lines:"
		sed 's/^/#   /' "$tmp/new" | head -n 10
		return 1
	fi
}

t_init_failure_leaves_nothing_registered() {
	# Major 1 is the kernel's own "mem" driver: registering it fails.
	failed_init major=1 || return 1
	failed_init major=100000 || return 1
	# Nothing was left behind that would stop a normal load.
	check "insmod after the failed ones" insmod message_slot.ko || return 1
	mknod /dev/slot0 c 235 0 || return 1
	roundtrip /dev/slot0 4 "loads fine now" || return 1
	check rmmod rmmod message_slot
}

# --- main ------------------------------------------------------------------

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ms-lifecycle.XXXXXX") || exit 1
nodes=$(mktemp -d /dev/ms-lifecycle.XXXXXX) || exit 1
holder=
trap 'tap_reset; rm -rf "$tmp" "$nodes"' EXIT

tap_main "$@"
