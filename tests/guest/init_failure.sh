#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# init_failure.sh - TAP tests of a load that fails after the nodes are
# registered (SPEC Part 1: "If initialisation fails, the module ... leaves
# nothing registered"). The module loader frees a module whose init failed
# without waiting for files opened meanwhile, so no open may succeed
# before init has: a slot node made with mknod and the control node are
# opened while init pauses, and must be refused with ENXIO. The pause and
# the failure come from the parameter debug_init_fail_ms, which only a
# build for a debug kernel has (the debug lane runs this script).
#
# Runs as root in the guest with cwd /work holding message_slot.ko and
# message_reader, the module NOT loaded; leaves it unloaded. busybox sh
# compatible.
#
#   tests/guest/init_failure.sh            run every test
#   tests/guest/init_failure.sh -l         list the tests
#   tests/guest/init_failure.sh NAME...    run only these tests
#
# Environment: MS_MAJOR (load with major=MS_MAJOR; default 235).

. "$(dirname "$0")/../lib/tap.sh" || exit 1
cd "${MS_WORK:-/work}" || exit 1
MAJOR=${MS_MAJOR:-235}

TESTS="
debug_build_has_the_init_fault
opens_during_a_failing_init_are_refused
"

tap_tmp
# Device nodes need a file system that allows them: devtmpfs does.
nodes=$(mktemp -d /dev/ms-initfail.XXXXXX) || exit 1
trap 'rm -rf "$tmp" "$nodes"' EXIT

tap_reset() {
	unload
}

t_debug_build_has_the_init_fault() {
	# busybox has no modinfo -F: the .modinfo section holds "parm=NAME:...".
	if ! grep -qa 'parm=debug_init_fail_ms:' message_slot.ko; then
		diag "message_slot.ko has no debug_init_fail_ms: not a debug build"
		return 1
	fi
}

# Opens NODE in the background and holds it for 8 s; writes "opened" or
# the shell's error to FILE.
hold_open() { # hold_open NODE FILE
	( exec 4<"$1" && echo opened && sleep 8 ) >"$2" 2>&1 &
}

t_opens_during_a_failing_init_are_refused() {
	mknod "$nodes/slot5" c "$MAJOR" 5 || return 1
	insmod message_slot.ko major="$MAJOR" debug_init_fail_ms=4000 2>"$tmp/insmod" &
	pid=$!
	# The control node registers last, just before the pause.
	i=0
	while [ ! -e /dev/message_slot/control ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -e /dev/message_slot/control ] || { diag "no control node after 30 s"; wait $pid; return 1; }
	hold_open "$nodes/slot5" "$tmp/slot"
	hold_open /dev/message_slot/control "$tmp/control"
	run ./message_reader "$nodes/slot5" 1
	if wait $pid; then
		diag "insmod with debug_init_fail_ms succeeded"
		return 1
	fi
	# The holders have finished trying (an open that got through holds on).
	sleep 1
	ok=0
	if [ "$rc" -ne 1 ] || ! grep -q 'No such device or address' "$err"; then
		diag "message_reader during init: exit $rc, $(cat "$err")"
		ok=1
	fi
	for f in slot control; do
		if grep -q '^opened$' "$tmp/$f"; then
			diag "the $f node opened while init ran"
			ok=1
		elif ! grep -q 'No such device or address' "$tmp/$f"; then
			diag "opening the $f node during init: $(cat "$tmp/$f")"
			ok=1
		fi
	done
	nothing_left || ok=1
	# Any open that got through closes now, on a module already freed.
	wait
	[ $ok -eq 0 ] || return 1
	# A normal load afterwards works.
	insmod message_slot.ko major="$MAJOR" || { diag "insmod afterwards failed"; return 1; }
	roundtrip "$nodes/slot5" 1 "after a failed load"
}

tap_main "$@"
