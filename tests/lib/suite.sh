# SPDX-License-Identifier: GPL-2.0
#
# suite.sh - the pieces of the guest suite runner (tests/guest/run-suite.sh),
# in a file of their own so that the harness's tests can run them alone
# (tests/host/harness.sh, with busybox sh). Source it after setting $tmp
# (a scratch directory); it keeps the totals $passed, $failed, $skipped.
# busybox sh compatible.
#
#	run_tap NAME [-t SECONDS] CMD...
#
# Under CI (the variable CI set and not empty) a skipped test is a failure.

passed=0
failed=0
skipped=0

now() {
	cut -d' ' -f1 /proc/uptime
}

elapsed() { # elapsed START
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'
}

pass() {
	echo "ok - $*"
	passed=$((passed + 1))
}

fail() {
	echo "not ok - $*"
	failed=$((failed + 1))
}

# run_tap NAME [-t SECONDS] CMD...: runs a TAP program, relaying its
# output live, and adds its results to the totals. With -t, the program
# runs in a session of its own and is killed with everything it started
# (SIGTERM, SIGKILL 5 s later) once it has run SECONDS: one failure, and
# the suite goes on. "ok ... # SKIP" lines are counted apart (failures
# under CI).
run_tap() {
	name=$1
	shift
	limit=0
	if [ "$1" = -t ]; then
		limit=$2
		shift 2
	fi
	log=$tmp/tap.log
	start=$(now)
	rm -f "$tmp/rc" "$tmp/timed-out"
	echo "# ---- $name"
	if [ "$limit" -gt 0 ]; then
		{
			setsid "$@" 2>&1 &
			pid=$!
			# The watchdog, a session of its own too, so that
			# killing it takes its sleep along; its output goes
			# nowhere, so it never holds the pipe to tee open.
			setsid sh -c 'sleep "$1"; : >"$2"; kill -TERM -"$3"; sleep 5; kill -KILL -"$3"' \
				watchdog "$limit" "$tmp/timed-out" "$pid" >/dev/null 2>&1 &
			dog=$!
			wait "$pid"
			echo $? >"$tmp/rc"
			kill -TERM -"$dog" 2>/dev/null
		} | tee "$log"
	else
		{ "$@" 2>&1; echo $? >"$tmp/rc"; } | tee "$log"
	fi
	rc=$(cat "$tmp/rc" 2>/dev/null)
	ok=$(grep -c '^ok ' "$log")
	skip=$(grep -c '^ok .*# *[Ss][Kk][Ii][Pp]' "$log")
	nok=$(grep -c '^not ok ' "$log")
	plan=$(grep -m 1 -E '^1\.\.[0-9]+$' "$log" | cut -c4-)
	passed=$((passed + ok - skip))
	failed=$((failed + nok))
	skipped=$((skipped + skip))
	echo "# ---- $name: $((ok - skip)) passed, $nok failed, $skip skipped, exit status ${rc:-?}, $(elapsed "$start") s"
	if [ -e "$tmp/timed-out" ]; then
		fail "$name: killed after its limit of $limit s (exit status ${rc:-?})"
	elif [ -z "$plan" ] || [ $((ok + nok)) -ne "$plan" ]; then
		fail "$name: incomplete TAP: plan '${plan:-none}', $((ok + nok)) results, exit status ${rc:-?}"
	elif [ "${rc:-1}" -ne 0 ] && [ "$nok" -eq 0 ]; then
		fail "$name: exited with status ${rc:-?} without a failing test"
	elif [ "${rc:-1}" -eq 0 ] && [ "$nok" -ne 0 ]; then
		fail "$name: exited 0 despite failing tests"
	fi
	if [ "$skip" -gt 0 ] && [ -n "${CI-}" ]; then
		fail "$name: $skip tests skipped under CI, which must run them"
	fi
}
