# SPDX-License-Identifier: GPL-2.0
#
# suite.sh - the pieces of the guest suite runner (tests/guest/run-suite.sh),
# in a file of their own so that the harness's tests can run them alone
# (tests/host/harness.sh, with busybox sh). Source it after setting $tmp
# (a scratch directory); it keeps the totals $passed, $failed, $skipped.
# busybox sh compatible.
#
#	run_tap NAME [-t SECONDS] CMD...   ($shell_limit: a shell test's SECONDS)
#	kmemleak_verdict SETTLE
#	kmemleak_judge WHY
#
# Under CI (the variable CI set and not empty) a skipped test is a failure.

passed=0
failed=0
skipped=0

# Every shell test has a limit of its own, so that one that hangs fails
# alone and the suite still reports (the C tests time each test
# themselves, tests/harness.h). MS_SHELL_TIMEOUT seconds, by default 300
# times HARNESS_TIMEOUT_SCALE: nine times the longest seen on TCG
# (programs/test_slotctl.sh, 33 s on 6.12).
shell_limit=${MS_SHELL_TIMEOUT:-$((300 * ${HARNESS_TIMEOUT_SCALE:-1}))}

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

# kmemleak_verdict SETTLE: makes kmemleak scan twice, SETTLE seconds
# before each scan (kmemleak reports an object once it is older than 5 s
# and unchanged since the previous scan), and reads its report. One record
# per object; the debug kernel's own boot-time leaks (ACPI's early caches,
# acpi_os_create_cache, allocated before any module) are set aside. Prints
# one line, the verdict, and returns 0 only when kmemleak did scan and
# found nothing else: a failed scan write (kmemleak refuses every command
# with EPERM once it has disabled itself), an unreadable report,
# "kmemleak: Kernel memory leak detector disabled" in the kernel log, or
# none of the known boot records (a scan that did not run finds nothing)
# fail it. 6.12 leaves no such record at boot: there MS_KMEMLEAK_BOOT=none
# (the lane's) drops that last proof, and the lane's planted-leak guest on
# the same kernel shows that its scans find this module's objects. Other
# records are left in $tmp/leaks.
kmemleak_verdict() {
	kl=/sys/kernel/debug/kmemleak
	: >"$tmp/leaks"
	if [ ! -w "$kl" ]; then
		echo "kmemleak: $kl is not there (CONFIG_DEBUG_KMEMLEAK?)"
		return 1
	fi
	why=
	for scan in 1 2; do
		sleep "$1"
		if ! echo scan 2>"$tmp/scan.err" >"$kl"; then
			why=${why:-"scan $scan: writing 'scan' to $kl failed: $(cat "$tmp/scan.err")"}
		fi
	done
	if ! cat "$kl" >"$tmp/kmemleak" 2>"$tmp/read.err"; then
		why=${why:-"reading $kl failed: $(cat "$tmp/read.err")"}
	fi
	dmesg >"$tmp/klog"
	kmemleak_judge "$why"
}

# kmemleak_judge WHY: the verdict on the report in $tmp/kmemleak and the
# kernel log in $tmp/klog, WHY being what already went wrong (empty if
# nothing did).
kmemleak_judge() {
	why=$1
	: >"$tmp/leaks"
	awk -v known="$tmp/known" -v other="$tmp/leaks" '
		function flush() {
			if (rec == "") return
			if (rec ~ /acpi_os_create_cache/) { print rec >known; nk++ }
			else { print rec >other; no++ }
			rec = ""
		}
		/^unreferenced object/ { flush(); inrec = 1 }
		inrec { rec = rec $0 "\n" }
		END { flush(); printf "%d %d\n", nk, no }
	' "$tmp/kmemleak" >"$tmp/counts"
	read -r known others <"$tmp/counts"
	off=$(grep -m 1 'kmemleak: Kernel memory leak detector disabled' "$tmp/klog")
	if [ -n "$off" ]; then
		why="kmemleak disabled itself: $off"
	fi
	if [ "${others:-0}" -gt 0 ]; then
		echo "kmemleak: $others objects leaked by the suite"
		return 1
	fi
	if [ -z "$why" ] && [ "${known:-0}" -eq 0 ] && [ "${MS_KMEMLEAK_BOOT:-acpi}" != none ]; then
		why="none of the known boot-time records of ACPI's caches: kmemleak did not scan"
	fi
	if [ -n "$why" ]; then
		echo "kmemleak: it cannot have looked: $why"
		return 1
	fi
	if [ "${MS_KMEMLEAK_BOOT:-acpi}" = none ]; then
		echo "kmemleak: no leak after the suite and rmmod (both scans ran; this kernel leaves no boot-time record, the planted-leak guest proves its scans)"
	else
		echo "kmemleak: no leak after the suite and rmmod (${known} known ACPI boot-time objects set aside)"
	fi
}
