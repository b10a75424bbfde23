#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run-suite.sh - the whole message_slot suite, inside a QEMU guest: the
# payload of vm/run-vm (root, busybox sh, cwd /work).
#
# /work holds message_slot.ko, message_sender, message_reader, slotctl,
# scripts/, foreign/message_slot.ko (built for another kernel) and tests/
# (with the core test programs built in tests/build/).  The suite
# loads the module, runs every core test program and tests/programs,
# unloads the module (timed: it then holds every channel the tests made,
# over 2^21), then runs tests/guest/lifecycle.sh, load.sh, signing.sh
# (MS_SIGNING=1), poll_rmmod.sh, params.sh, memory.sh and tests/programs/
# test_slotctl.sh, which load and unload it themselves.
# All TAP is relayed as it comes; the last line is exactly
#
#	SUITE: N passed, M failed
#
# counting every "ok" and "not ok" line (", K skipped" follows when an
# "ok ... # SKIP" line was counted apart).  A program that crashes, exits
# non-zero without a failing test, does not print its whole plan, or (a
# shell test) runs past its limit counts as one more failure.  Exits 0
# only when M is 0 and a test ran.  The runner's pieces are in
# tests/lib/suite.sh.
#
# Environment: MS_MAJOR (load the module with major=MS_MAJOR; the tests
# use it too), HARNESS_TIMEOUT_SCALE (multiplies the C tests' timeouts),
# MS_KMEMLEAK=1 (debug kernels: after the last rmmod make kmemleak scan
# twice and fail on any leak but the kernel's own boot-time ones, or when
# kmemleak cannot have looked; then prove that check fails with kmemleak
# off; MS_KMEMLEAK_BOOT=none on a kernel that leaves no boot-time record,
# see tests/lib/suite.sh), MS_SHELL_TIMEOUT (each shell test's limit in seconds), CI (a
# skipped test fails), MS_SIGNING=1 (a kernel booted with
# module.sig_enforce=1 that trusts the key message_slot.ko is signed with:
# run tests/guest/signing.sh, which needs unsigned/ and untrusted/ copies),
# MS_DEBUG_HOOKS=1 (a module built for a sanitizer kernel, with the debug
# hooks: run tests/guest/init_failure.sh; the C tests then require them),
# MS_FUZZ_OPS and MS_FUZZ_SEED (the fuzzer's operations and seed, see
# tests/core/fuzz_test.c).
#
#   vm/run-vm --kernel /boot/vmlinuz-$V --add message_slot.ko \
#       --add message_sender --add message_reader --add slotctl --add tests \
#       --payload tests/guest/run-suite.sh

work=${MS_WORK:-/work}
tests=$work/tests
cd "$work" || exit 1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ms-suite.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$tests/lib/suite.sh"

loaded() {
	grep -q '^message_slot ' /proc/modules
}

echo "# message_slot suite on $(uname -r), $(nproc) CPUs"

# kmemleak: the suite scans when it chooses, not every 10 minutes.
if [ "${MS_KMEMLEAK:-0}" = 1 ] && [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan=off >/sys/kernel/debug/kmemleak
fi
if loaded; then
	rmmod message_slot || fail "rmmod of a message_slot loaded before the suite"
fi

if insmod "$work/message_slot.ko" ${MS_MAJOR:+major=$MS_MAJOR}; then
	pass "insmod message_slot.ko${MS_MAJOR:+ major=$MS_MAJOR}"
	found=0
	for prog in "$tests"/build/*_test; do
		[ -x "$prog" ] || continue
		found=$((found + 1))
		run_tap "${prog#"$tests"/}" "$prog"
	done
	[ "$found" -gt 0 ] || fail "no core test programs in $tests/build (make -C tests)"
	# Fault injection needs a debug kernel's failslab; elsewhere it is
	# not run (and not counted).
	if [ -d /sys/kernel/debug/failslab ]; then
		run_tap build/debug_failslab "$tests/build/debug_failslab"
	fi
	run_tap programs/test_programs.sh -t "$shell_limit" sh "$tests/programs/test_programs.sh"

	start=$(now)
	if rmmod message_slot; then
		pass "rmmod message_slot after the suite ($(elapsed "$start") s)"
	else
		fail "rmmod message_slot after the suite"
	fi
else
	fail "insmod $work/message_slot.ko${MS_MAJOR:+ major=$MS_MAJOR}"
fi

run_tap guest/lifecycle.sh -t "$shell_limit" sh "$tests/guest/lifecycle.sh"
run_tap guest/load.sh -t "$shell_limit" sh "$tests/guest/load.sh"
# A kernel that enforces signatures and trusts the test key (the debug
# lane) also proves that the signed module loads and the others do not.
if [ "${MS_SIGNING:-0}" = 1 ]; then
	run_tap guest/signing.sh -t "$shell_limit" sh "$tests/guest/signing.sh"
fi
# A build with the debug hooks (the debug lane's) can fail its own init.
if [ "${MS_DEBUG_HOOKS:-0}" = 1 ]; then
	run_tap guest/init_failure.sh -t "$shell_limit" sh "$tests/guest/init_failure.sh"
fi
run_tap guest/poll_rmmod.sh -t "$shell_limit" sh "$tests/guest/poll_rmmod.sh"
run_tap guest/params.sh -t "$shell_limit" sh "$tests/guest/params.sh"
run_tap guest/memory.sh -t "$shell_limit" sh "$tests/guest/memory.sh"
run_tap programs/test_slotctl.sh -t "$shell_limit" sh "$tests/programs/test_slotctl.sh"
if loaded; then
	fail "message_slot still loaded after the suite"
fi

# kmemleak: scan, read the report, fail on any leak (tests/lib/suite.sh).
# Then prove the check can fail: switched off, as kmemleak switches itself
# off on an internal error, it must not pass.
if [ "${MS_KMEMLEAK:-0}" = 1 ]; then
	if kmemleak_verdict 6 >"$tmp/verdict"; then
		pass "$(cat "$tmp/verdict")"
	else
		sed 's/^/# /' "$tmp/leaks" | head -n 60
		dmesg | grep 'kmemleak:' | sed 's/^/# /' | head -n 10
		fail "$(cat "$tmp/verdict")"
	fi
	if [ -w /sys/kernel/debug/kmemleak ]; then
		echo off >/sys/kernel/debug/kmemleak
		if kmemleak_verdict 0 >"$tmp/verdict"; then
			fail "kmemleak check passes with kmemleak switched off: $(cat "$tmp/verdict")"
		elif grep -q 'disabled itself' "$tmp/verdict"; then
			pass "kmemleak check fails once kmemleak is off ($(cat "$tmp/verdict"))"
		else
			fail "kmemleak check fails once kmemleak is off, but not for that: $(cat "$tmp/verdict")"
		fi
	fi
fi

if [ "$skipped" -gt 0 ]; then
	echo "# $skipped tests skipped"
	echo "SUITE: $passed passed, $failed failed, $skipped skipped"
else
	echo "SUITE: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
