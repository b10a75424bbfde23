#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run-kcsan.sh - the concurrency part of the suite, inside a QEMU guest of
# the KCSAN kernel (make check-kcsan): the payload of vm/run-vm, like
# run-suite.sh, whose pieces (tests/lib/suite.sh) it shares.
#
# These are the tests in which CPUs meet on the module's lock-free paths
# (RCU lookups, the publication of a message by its head word, per-CPU
# counters, the quota section, the wait queues, sysfs and debugfs reading
# without the locks): the concurrency, races, channel switch, stress
# (MS_STRESS_SECONDS, 60 s in the lane), poll, quota, sysfs and debugfs
# programs, the fuzzer, and tests/guest/poll_rmmod.sh. The tests'
# own assertions are judged here; KCSAN's reports are judged by vm/run-vm,
# which fails the run on any "BUG: KCSAN:" line on the console.
# The last line is exactly
#
#	SUITE: N passed, M failed
#
# Environment: as run-suite.sh's (MS_MAJOR, HARNESS_TIMEOUT_SCALE,
# MS_STRESS_SECONDS, MS_CONCURRENCY_SECONDS, MS_FUZZ_OPS, MS_SCALE_SHIFT,
# MS_SHELL_TIMEOUT, CI).
#
#   vm/run-vm --kernel KCSAN-BZIMAGE --add message_slot.ko \
#       --add message_sender --add tests --payload tests/guest/run-kcsan.sh

work=${MS_WORK:-/work}
tests=$work/tests
cd "$work" || exit 1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ms-kcsan.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$tests/lib/suite.sh"

echo "# message_slot KCSAN suite on $(uname -r), $(nproc) CPUs"
if [ -e /sys/kernel/debug/kcsan ]; then
	pass "KCSAN is on: /sys/kernel/debug/kcsan"
else
	fail "KCSAN is not on: no /sys/kernel/debug/kcsan (CONFIG_KCSAN?)"
fi

if insmod "$work/message_slot.ko" ${MS_MAJOR:+major=$MS_MAJOR}; then
	pass "insmod message_slot.ko${MS_MAJOR:+ major=$MS_MAJOR}"
	for prog in concurrency races switch stress poll quota sysfs debugfs fuzz; do
		if [ -x "$tests/build/${prog}_test" ]; then
			run_tap "build/${prog}_test" "$tests/build/${prog}_test"
		else
			fail "no $tests/build/${prog}_test (make -C tests)"
		fi
	done
	if rmmod message_slot; then
		pass "rmmod message_slot after the concurrency tests"
	else
		fail "rmmod message_slot after the concurrency tests"
	fi
else
	fail "insmod $work/message_slot.ko${MS_MAJOR:+ major=$MS_MAJOR}"
fi
run_tap guest/poll_rmmod.sh -t "$shell_limit" sh "$tests/guest/poll_rmmod.sh"

echo "SUITE: $passed passed, $failed failed${skipped:+, $skipped skipped}" |
	sed 's/, 0 skipped$//'
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
