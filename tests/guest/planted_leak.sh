#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# planted_leak.sh - proves that the debug lane's kmemleak check
# (kmemleak_verdict, tests/lib/suite.sh) catches an object of this
# module's own: a vm/run-vm payload for a debug kernel, run in a guest of
# its own by scripts/check. The module's debug build leaks closed files'
# memory on request (the parameter debug_leak_files): four, each closed by
# a process that then exits. The check must then fail, every record it
# keeps must be such a file's, allocated in ms_open (kmemleak may miss
# one whose address a stale stack word still holds: its documented false
# negative, so at least one, at most four), and it prints them, so that run-vm fails the run (status 125, "kernel
# report ... unreferenced object"), which scripts/check requires. The scan
# runs before rmmod, while kmemleak can still name the module's functions.
# The last line is exactly
#
#	PLANTED: N passed, M failed
#
#   vm/run-vm --kernel DEBUG-BZIMAGE --add message_slot.ko --add tests \
#       --payload tests/guest/planted_leak.sh

work=${MS_WORK:-/work}
tests=$work/tests
cd "$work" || exit 1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ms-leak.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$tests/lib/suite.sh"

param=/sys/module/message_slot/parameters/debug_leak_files
[ -w /sys/kernel/debug/kmemleak ] && echo scan=off >/sys/kernel/debug/kmemleak

if insmod "$work/message_slot.ko" && [ -w "$param" ]; then
	pass "the debug build loads and has debug_leak_files"
else
	fail "the debug build loads and has debug_leak_files ($param)"
fi
planted=4
echo "$planted" >"$param" 2>/dev/null
# Opens and closes of a slot, each in a process of its own: their
# releases leak the files' memory.
for i in 1 2 3 4; do
	sh -c 'exec 3</dev/message_slot/slot0' 2>>"$tmp/open.err"
done
if [ "$(cat "$param" 2>/dev/null)" = 0 ]; then
	pass "$planted closes took the planted leaks (debug_leak_files is 0 again)"
else
	fail "$planted closes took the planted leaks: debug_leak_files is '$(cat "$param" 2>/dev/null)' ($(cat "$tmp/open.err"))"
fi

if kmemleak_verdict 6 >"$tmp/verdict"; then
	fail "kmemleak check fails on the planted leak, but passed: $(cat "$tmp/verdict")"
else
	records=$(grep -c '^unreferenced object' "$tmp/leaks")
	ours=$(grep -c 'ms_open' "$tmp/leaks")
	if [ "$records" -ge 1 ] && [ "$records" -le "$planted" ] && [ "$ours" = "$records" ]; then
		pass "kmemleak check fails on the planted leak: $(cat "$tmp/verdict"), all allocated in ms_open"
	else
		fail "kmemleak check fails on the planted leak, 1 to $planted records, each from ms_open: $records records, $ours from ms_open; $(cat "$tmp/verdict")"
	fi
	# The record on the console: run-vm must fail the run on it.
	cat "$tmp/leaks"
fi

if rmmod message_slot; then
	pass "rmmod message_slot after the planted leak"
else
	fail "rmmod message_slot after the planted leak"
fi
echo "PLANTED: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
