# SPDX-License-Identifier: GPL-2.0
#
# tally.sh - the totals of scripts/check (bash); source it. Keeps $passed,
# $failed and $skipped, adds logs to them, and enforces a lane's floor and
# the CI deadline. tests/host/harness.sh tests these on made-up logs.

passed=0
failed=0
skipped=0

# running_test LOG: the test a guest suite had begun and not ended where
# LOG stops (tests/lib/suite.sh's run_tap prints "# ---- NAME" before each
# test and "# ---- NAME: N passed, ..." after it), or nothing.
running_test() {
	tr -d '\r' <"$1" | awk '/^# ---- / {
		name = substr($0, 8)
		running = name ~ /: [0-9]+ passed, [0-9]+ failed, / ? "" : name
	} END { if (running != "") print running }'
}

# test_times LOG: "SECONDS NAME" of every test run_tap ended in LOG, the
# slowest first.
test_times() {
	tr -d '\r' <"$1" | sed -n -E 's/^# ---- (.+): [0-9]+ passed, [0-9]+ failed, .*, ([0-9.]+) s$/\2 \1/p' |
		sort -k1,1 -g -r
}

# tally LOG PATTERN: adds the "N passed, M failed[, K skipped]" of the last
# line of LOG matching PATTERN; a log without one is one failure, which
# names the test that was running when the log stopped.
tally() {
	local line p f s running
	line=$(grep -a -E "$2" "$1" | tail -n 1)
	if [ -z "$line" ]; then
		running=$(running_test "$1")
		echo "not ok - $1 has no summary line: the run did not finish${running:+; it stopped while $running was running}"
		failed=$((failed + 1))
		return
	fi
	p=$(sed -E 's/.*[^0-9]([0-9]+) passed.*/\1/' <<<"$line")
	f=$(sed -E 's/.*[^0-9]([0-9]+) failed.*/\1/' <<<"$line")
	s=0
	if [[ $line =~ ([0-9]+)\ skipped ]]; then
		s=${BASH_REMATCH[1]}
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

# tally_tap LOG STATUS: adds the ok / not ok lines of a TAP log ("ok ...
# # SKIP" lines apart); a failing exit status without a failing test is
# one more failure.
tally_tap() {
	local p f s
	p=$(grep -a -c -E '^ok ' "$1")
	s=$(grep -a -c -E '^ok .*# SKIP' "$1")
	f=$(grep -a -c -E '^not ok ' "$1")
	[ "$2" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	passed=$((passed + p - s))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

# lane_floor: the fewest tests a whole lane may count (passed + failed),
# from the last CI run's counts less about 5%: make check 958, check-rt
# 747 (before the completion and Prometheus tests, which add about 30 to
# make check); check-debug 760, its runs' 400 on each of 6.1 and 6.12
# less 5%; check-kcsan 85, its first runs' 92 less about 5%. MS_MIN_TESTS overrides it; a run that KERNELS
# limits to some kernels has none (0), since it runs part of a lane.
lane_floor() {
	if [ -n "${MS_MIN_TESTS-}" ]; then
		echo "$MS_MIN_TESTS"
		return
	fi
	if [ -n "${KERNELS-}" ]; then
		echo 0
		return
	fi
	case ${FLAVOUR:-amd64},${VM_ONLY:+vm} in
	amd64,) echo 910 ;;
	rt-amd64,vm) echo 710 ;;
	debug,vm) echo 760 ;;
	kcsan,vm) echo 85 ;;
	*) echo 0 ;;
	esac
}

# floor_check: a lane that ran fewer tests than its floor lost some
# without a failing line (a program not run, a log cut short): one failure.
floor_check() {
	local floor total=$((passed + failed))
	floor=$(lane_floor)
	if [ "$skipped" -gt 0 ]; then
		echo "# $skipped skipped (not counted as passed)"
	fi
	if [ "$floor" -eq 0 ]; then
		echo "# no floor for this run${KERNELS:+ (KERNELS=$KERNELS runs part of a lane)}"
	elif [ "$total" -lt "$floor" ]; then
		echo "not ok - the lane ran $total tests, fewer than its floor of $floor"
		failed=$((failed + 1))
	else
		echo "ok - the lane ran $total tests, at least its floor of $floor"
		passed=$((passed + 1))
	fi
}

# deadline_left: seconds left before $MS_DEADLINE (seconds since the
# epoch, set by .ci/run), or nothing when there is no deadline.
deadline_left() {
	[ -n "${MS_DEADLINE-}" ] || return 0
	echo $((MS_DEADLINE - $(date +%s)))
}

# boot_timeout DEFAULT: a guest's --timeout, DEFAULT cut to what is left
# before the deadline (at least 1: run-vm then ends it at once, as a
# timeout, and the lane reports it).
boot_timeout() {
	local left
	left=$(deadline_left)
	if [ -n "$left" ] && [ "$left" -lt "$1" ]; then
		[ "$left" -gt 0 ] || left=1
		echo "$left"
	else
		echo "$1"
	fi
}

# past_deadline STEP: true, with one failing line, when the deadline has
# passed and STEP must not start.
past_deadline() {
	local left
	left=$(deadline_left)
	[ -n "$left" ] && [ "$left" -le 0 ] || return 1
	echo "not ok - $1: not started, the CI deadline has passed"
	failed=$((failed + 1))
}
