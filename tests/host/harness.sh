#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of the harness itself (TAP): each plants the failure a
# part of the harness must catch, with stand-ins instead of QEMU, the
# kernel or a lane, so none boots a guest and all take seconds.
#   vm/run-vm          a payload that ran is never booted again, however
#                      its marker line was split; every boot's console is
#                      kept, a boot death's report named and the retry
#                      judged; --quiet relays only the
#                      payload's output and still judges the whole
#                      console; only kernel-internal KCSAN reports are
#                      set aside (a fake qemu-system-x86_64)
#   scripts/checkpatch a missing script, a missing perl module and a
#                      planted style error fail
#   tests/lib/result.sh, tally.sh
#                      skips are counted apart and fail under CI; the DKMS
#                      test with a module left registered is all skips; a
#                      lane below its floor fails; the deadline cuts boots;
#                      a guest that died mid-suite names its test
#   tests/lib/suite.sh (busybox sh, as in the guest) a hanging shell test
#                      is killed at its limit with what it started; the
#                      kmemleak verdict fails when kmemleak cannot have
#                      looked
#   .ci/run            a lane still running at the deadline is stopped and
#                      the last line is still the sum
# Usage: tests/host/harness.sh
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$top/tests/lib/result.sh"
# These tests plant skips and CI runs themselves: the caller's CI is not theirs.
ci_outer=${CI-}
unset CI MS_DEADLINE MS_MIN_TESTS KERNELS VM_ONLY FLAVOUR

echo "TAP version 13"
echo "1..19"

# --- vm/run-vm, with a fake QEMU ------------------------------------------
# The fake prints $FAKE_QEMU/boot.N as the console of its Nth start and
# counts its starts in $FAKE_QEMU/count.
bin=$work/bin
mkdir -p "$bin"
cat >"$bin/qemu-system-x86_64" <<'EOF'
#!/bin/sh
n=$(($(cat "$FAKE_QEMU/count" 2>/dev/null || echo 0) + 1))
echo "$n" >"$FAKE_QEMU/count"
cat "$FAKE_QEMU/boot.$n" 2>/dev/null
exit 0
EOF
chmod +x "$bin/qemu-system-x86_64"
: >"$work/vmlinuz"
echo 'echo payload' >"$work/payload"

# fake_vm NAME [OPTION...]: runs run-vm with OPTIONs on the consoles
# $work/NAME/boot.N; sets $rc and leaves stdout, stderr, the --log file and
# the count in $work/NAME.
fake_vm() {
	local d=$work/$1
	shift
	rc=0
	FAKE_QEMU=$d PATH=$bin:$PATH "$top/vm/run-vm" --kernel "$work/vmlinuz" \
		--payload "$work/payload" --log "$d/log" "$@" >"$d/out" 2>"$d/err" || rc=$?
	{ echo "run-vm exit $rc, $(cat "$d/count" 2>/dev/null || echo 0) boot(s); stderr:"; cat "$d/err"; } >"$d/diag"
}
clean_boot='@@VM-PAYLOAD-BEGIN@@
payload
@@VM-DMESG-BEGIN@@
@@VM-DMESG-END@@
@@VM-EXIT@@ 0'

# The payload ran and exited 3, but a printk split its marker line: a
# second, clean boot must not be run, let alone reported.
mkdir -p "$work/split"
cat >"$work/split/boot.1" <<'EOF'
[    0.000000] Linux version 6.12.0-fake
@@VM-PAYL[    2.345678] random: crng init done
OAD-BEGIN@@
the payload fails
@@VM-DMESG-BEGIN@@
@@VM-DMESG-END@@
@@VM-EXIT@@ 3
EOF
echo "$clean_boot" >"$work/split/boot.2"
fake_vm split
[ "$rc" -eq 3 ] && [ "$(cat "$work/split/count")" = 1 ] && ! grep -q 'booting once more' "$work/split/err"
result $? "run_vm_never_boots_again_a_payload_whose_marker_a_printk_split" "$work/split/diag"

# A guest that died before any marker is booted once more; both consoles
# are in the log.
mkdir -p "$work/silent"
printf '[    0.000000] Linux version 6.12.0-fake\n[    1.000000] first boot dies here\n' >"$work/silent/boot.1"
echo "$clean_boot" >"$work/silent/boot.2"
fake_vm silent
[ "$rc" -eq 0 ] && [ "$(cat "$work/silent/count")" = 2 ] &&
	grep -q 'booting once more' "$work/silent/err" &&
	grep -q 'first boot dies here' "$work/silent/log" && grep -q -x '@@VM-EXIT@@ 0' "$work/silent/log"
result $? "run_vm_boots_a_silent_boot_death_again_and_logs_both_consoles" "$work/silent/diag"

# A first boot that died with a report before the payload began (TCG's
# stale-translation "Oops: int3") is named, and the clean second boot is
# the verdict; a report in the second boot fails the run.
mkdir -p "$work/oops" "$work/oops2"
printf '[    2.000000] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI\n[    2.100000] Kernel panic - not syncing: Fatal exception\n' >"$work/oops/boot.1"
echo "$clean_boot" >"$work/oops/boot.2"
fake_vm oops
oops_rc=$rc
cp "$work/oops/boot.1" "$work/oops2/boot.1"
printf '%s\n' '@@VM-PAYLOAD-BEGIN@@' '[    3.000000] WARNING: CPU: 1 PID: 80 at x.c:1 f+0x1/0x2' \
	'@@VM-DMESG-BEGIN@@' '@@VM-DMESG-END@@' '@@VM-EXIT@@ 0' >"$work/oops2/boot.2"
fake_vm oops2
[ "$oops_rc" -eq 0 ] && [ "$(cat "$work/oops/count")" = 2 ] &&
	grep -q 'note: the first boot died before the payload began, with a kernel report: .*Oops: int3' "$work/oops/err" &&
	grep -q -x '@@VM-EXIT@@ 0' "$work/oops/log" && grep -q 'Oops: int3' "$work/oops/log" &&
	[ "$rc" -eq 125 ] && grep -q 'kernel report on console of boot 2 of 2: .*WARNING: CPU: 1' "$work/oops2/err"
result $? "run_vm_judges_the_retry_of_a_boot_that_died_before_the_payload" "$work/oops2/diag"

# Two deaths: no third boot, 124.
mkdir -p "$work/twice"
printf 'dies\n' >"$work/twice/boot.1"
printf 'dies again\n' >"$work/twice/boot.2"
echo "$clean_boot" >"$work/twice/boot.3"
fake_vm twice
[ "$rc" -eq 124 ] && [ "$(cat "$work/twice/count")" = 2 ] && grep -q 'without the exit marker' "$work/twice/err"
result $? "run_vm_boots_at_most_twice" "$work/twice/diag"

# --quiet: stdout is exactly what the payload printed, though the markers
# did not start their lines (a quiet kernel prints no newline after the
# firmware's last line; the payload ended without one); the log has the
# whole console, and a report before the payload began still fails the run.
mkdir -p "$work/quiet"
cat >"$work/quiet/boot.1" <<'EOF'
[    0.000000] Linux version 6.12.0-fake
[    1.000000] WARNING: CPU: 0 PID: 1 at fake.c:1 boot_warn+0x0/0x10
Booting from ROM...@@VM-PAYLOAD-BEGIN@@
payload line 1
payload line 2@@VM-DMESG-BEGIN@@
[    1.000000] WARNING: CPU: 0 PID: 1 at fake.c:1 boot_warn+0x0/0x10
@@VM-DMESG-END@@
@@VM-EXIT@@ 0
EOF
fake_vm quiet --quiet
[ "$rc" -eq 125 ] && printf 'payload line 1\npayload line 2\n' | cmp -s - "$work/quiet/out" &&
	cmp -s "$work/quiet/boot.1" "$work/quiet/log" &&
	grep -q 'kernel report on console: .*WARNING: CPU: 0' "$work/quiet/err" &&
	grep -q "whole console is in $work/quiet/log" "$work/quiet/err"
result $? "run_vm_quiet_prints_only_the_payload_and_still_judges_the_console" "$work/quiet/diag"

# --quiet without --log would lose the console: a usage error.
mkdir -p "$work/quiet-nolog"
echo "$clean_boot" >"$work/quiet-nolog/boot.1"
rc=0
FAKE_QEMU=$work/quiet-nolog PATH=$bin:$PATH "$top/vm/run-vm" --kernel "$work/vmlinuz" \
	--payload "$work/payload" --quiet >"$work/quiet-nolog/out" 2>"$work/quiet-nolog/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q -- '--quiet needs --log' "$work/quiet-nolog/err" &&
	[ ! -e "$work/quiet-nolog/count" ]
result $? "run_vm_quiet_without_log_is_a_usage_error" "$work/quiet-nolog/err"

# KCSAN's strict mode: a race wholly inside the kernel and one on an
# rhashtable bucket word are set aside, each named; a race in a module's
# code, one of unknown origin, and a bucket-lock race without rhashtable
# all fail the run.
kcsan_report() { # kcsan_report HEADLINE ACCESS1 FRAME1 ACCESS2 FRAME2
	printf '[   %s] %s\n' 5.0 ================================================================== \
		5.0 "BUG: KCSAN: data-race in $1" 5.0 '' 5.0 "$2 to 0xffff888000199f98 of 8 bytes by task 144 on cpu 0:" \
		5.0 " $3" 5.0 " kthread+0x148/0x150" 5.0 '' \
		5.0 "$4 to 0xffff888000199f98 of 8 bytes by task 145 on cpu 1:" 5.0 " $5" 5.0 '' \
		5.0 'Reported by Kernel Concurrency Sanitizer on:' \
		5.0 'CPU: 1 PID: 74 Comm: races_test Tainted: G           OE      6.1.192 #1' \
		5.0 ==================================================================
}
mkdir -p "$work/kcsan-aside" "$work/kcsan-kept"
{
	echo '@@VM-PAYLOAD-BEGIN@@'
	kcsan_report '__alloc_file / __alloc_file' write '__alloc_file+0x5a/0x12f' write '__alloc_file+0x5a/0x12f'
	kcsan_report 'bit_spin_lock.constprop.0 / ms_channel_switch [message_slot]' \
		'read-write (marked)' 'bit_spin_lock.constprop.0+0x23/0x58' read 'ms_channel_switch+0x333/0x4b4 [message_slot]' |
		sed 's/^\(.*\) kthread+0x148\/0x150$/\1 rht_deferred_worker+0x2be\/0x5a3/'
	echo '@@VM-DMESG-BEGIN@@'
	echo '@@VM-DMESG-END@@'
	echo '@@VM-EXIT@@ 0'
} >"$work/kcsan-aside/boot.1"
fake_vm kcsan-aside
aside_rc=$rc
{
	echo '@@VM-PAYLOAD-BEGIN@@'
	kcsan_report 'ms_write [message_slot] / ms_read [message_slot]' write 'ms_write+0x10/0x80 [message_slot]' read 'ms_read+0x20/0x90 [message_slot]'
	kcsan_report 'hrtimer_active+0x80/0xe1' read 'hrtimer_active+0x80/0xe1' write 'hrtimer_active+0x80/0xe1' |
		sed '/^\[   5.0\] write to/,/^\[   5.0\] $/d'
	kcsan_report 'bit_spin_lock.constprop.0 / ms_read [message_slot]' \
		'read-write (marked)' 'bit_spin_lock.constprop.0+0x23/0x58' read 'ms_read+0x20/0x90 [message_slot]'
	echo '@@VM-DMESG-BEGIN@@'
	echo '@@VM-DMESG-END@@'
	echo '@@VM-EXIT@@ 0'
} >"$work/kcsan-kept/boot.1"
fake_vm kcsan-kept
[ "$aside_rc" -eq 0 ] &&
	[ "$(grep -c 'note: set aside a kernel-internal KCSAN report' "$work/kcsan-aside/err")" -eq 2 ] &&
	grep -q '(kernel rule .*__alloc_file / __alloc_file' "$work/kcsan-aside/err" &&
	grep -q '(bucket rule .*bit_spin_lock.constprop.0 / ms_channel_switch' "$work/kcsan-aside/err" &&
	[ "$rc" -eq 125 ] && ! grep -q 'set aside' "$work/kcsan-kept/err" &&
	grep -q 'kernel report on console: .*BUG: KCSAN: data-race in ms_write' "$work/kcsan-kept/err" &&
	[ "$(grep -c 'BUG: KCSAN' "$work/kcsan-kept/log")" -eq 3 ] &&
	awk -v audit="$work/kcsan.audit" -f "$top/vm/kcsan-triage.awk" "$work/kcsan-kept/log" |
	grep -c 'BUG: KCSAN' | grep -q -x 3
result $? "run_vm_sets_aside_only_kernel_internal_kcsan_reports" "$work/kcsan-kept/diag"

# --- scripts/checkpatch ---------------------------------------------------
CHECKPATCH=$work/none.pl "$top/scripts/checkpatch" >"$work/cp-missing.log" 2>&1
[ $? -ne 0 ]
result $? "checkpatch_fails_when_the_script_is_missing" "$work/cp-missing.log"

# What a checkpatch.pl does on a perl without perl-modules: it cannot load.
printf 'use Term::NoSuchModuleForTheTest;\nprint "total: 0 errors, 0 warnings\\n";\n' >"$work/nomod.pl"
CHECKPATCH=$work/nomod.pl "$top/scripts/checkpatch" >"$work/cp-nomod.log" 2>&1
[ $? -ne 0 ] && grep -q "Can't locate" "$work/cp-nomod.log"
result $? "checkpatch_fails_when_perl_lacks_a_module" "$work/cp-nomod.log"

printf '// SPDX-License-Identifier: GPL-2.0\nint  planted(void){ return 0 ;}\n' >"$work/planted.c"
{
	"$top/scripts/checkpatch" "$top/driver/main.c" || echo "driver/main.c is not clean"
	if "$top/scripts/checkpatch" "$work/planted.c"; then echo "the planted error passed"; fi
} >"$work/cp-planted.log" 2>&1
! grep -q -e 'is not clean' -e 'planted error passed' "$work/cp-planted.log" &&
	grep -q 'ERROR: space required after that' "$work/cp-planted.log"
result $? "checkpatch_passes_a_clean_file_and_fails_a_planted_error" "$work/cp-planted.log"

# --- skips, floors, deadlines -----------------------------------------------
# summary_of [ENV...]: a script with one pass and one skip, its summary.
summary_of() {
	env "$@" bash -c '. "$1/tests/lib/result.sh"; result 0 a >/dev/null; skip b "no b" >/dev/null
		summary t; echo "status $?"' _ "$top"
}
summary_of >"$work/skip.log"
summary_of CI=1 >"$work/skip-ci.log"
cat "$work/skip-ci.log" >>"$work/skip.log"
grep -q -x '# t: 1 passed, 0 failed, 1 skipped' "$work/skip.log" && grep -q -x 'status 0' "$work/skip.log" &&
	grep -q -x '# t: 1 passed, 1 failed, 0 skipped' "$work/skip-ci.log" && grep -q -x 'status 1' "$work/skip-ci.log"
result $? "a_skip_is_counted_apart_and_fails_under_ci" "$work/skip.log"

# tests/host/dkms.sh with message_slot left registered with DKMS (stand-in
# dkms and dpkg-query, so nothing is installed or touched).
stubs=$work/dkms-stubs
mkdir -p "$stubs"
printf '#!/bin/sh\necho "message_slot/1.0, 6.1.0-99-amd64, x86_64: installed"\n' >"$stubs/dkms"
printf '#!/bin/sh\necho "install ok installed"\n' >"$stubs/dpkg-query"
chmod +x "$stubs/dkms" "$stubs/dpkg-query"
dkms_run() { # dkms_run LOG [ENV...]
	local log=$1
	shift
	env PATH="$stubs:$PATH" "$@" "$top/tests/host/dkms.sh" "6.1.0-99-amd64 /nonexistent /nonexistent" >"$log" 2>&1
	echo "exit status $?" >>"$log"
}
dkms_run "$work/dkms.log"
dkms_run "$work/dkms-ci.log" CI=1
cat "$work/dkms-ci.log" >>"$work/dkms.log"
grep -q -x '# dkms: 0 passed, 0 failed, 7 skipped' "$work/dkms.log" && grep -q -x 'exit status 0' "$work/dkms.log" &&
	grep -q -x '# dkms: 0 passed, 7 failed, 0 skipped' "$work/dkms-ci.log" && grep -q -x 'exit status 1' "$work/dkms-ci.log"
result $? "dkms_with_a_module_left_registered_skips_all_and_fails_under_ci" "$work/dkms.log"

# scripts/check's totals: skips apart, and a whole lane below its floor fails.
printf 'ok 1 a\n# install: 5 passed, 0 failed, 2 skipped\n' >"$work/install.log"
printf 'SUITE: 10 passed, 0 failed\n' >"$work/suite.log"
lane() { # lane ENV...: tallies the two logs as that lane, prints the totals
	env "$@" bash -c '. "$1/tests/lib/tally.sh"
		tally "$2/install.log" "^# install: [0-9]+ passed, [0-9]+ failed"
		tally "$2/suite.log" "^SUITE: [0-9]+ passed, [0-9]+ failed"
		floor_check; echo "totals $passed $failed $skipped"' _ "$top" "$work"
}
{
	echo "== check-debug, whole lane"
	lane FLAVOUR=debug VM_ONLY=1
	echo "== check-kcsan, whole lane"
	lane FLAVOUR=kcsan VM_ONLY=1
	echo "== MS_MIN_TESTS=15"
	lane MS_MIN_TESTS=15
	echo "== KERNELS=6.12"
	lane KERNELS=6.12
} >"$work/floor.log" 2>&1
awk '/^== check-debug/ { s = 1 } /^== check-kcsan/ { s = 4 } /^== MS_MIN/ { s = 2 } /^== KERNELS/ { s = 3 }
	s == 1 && /^not ok - the lane ran 15 tests, fewer than its floor of 760$/ { a++ }
	s == 1 && /^totals 15 1 2$/ { a++ }
	s == 4 && /^not ok - the lane ran 15 tests, fewer than its floor of 85$/ { a++ }
	s == 2 && /^ok - the lane ran 15 tests, at least its floor of 15$/ { a++ }
	s == 2 && /^totals 16 0 2$/ { a++ }
	s == 3 && /^# no floor/ { a++ }
	END { exit a != 6 }' "$work/floor.log"
result $? "a_lane_below_its_floor_fails_and_skips_are_tallied_apart" "$work/floor.log"

# A guest that died mid-suite: its log names the test it was running; a
# suite that ended names none.
printf '%s\r\n' '# ---- build/basic_test' 'ok 1 a' '1..1' \
	'# ---- build/basic_test: 1 passed, 0 failed, 0 skipped, exit status 0, 1.00 s' \
	'# ---- build/stress_test' '1..4' 'ok 1 b' '[   9.1] Kernel panic - not syncing: planted' >"$work/died.log"
printf '%s\n' '# ---- guest/load.sh' '# ---- guest/load.sh: 3 passed, 0 failed, 0 skipped, exit status 0, 2.10 s' \
	'SUITE: 3 passed, 0 failed' >"$work/ended.log"
bash -c '. "$1/tests/lib/tally.sh"
	tally "$2/died.log" "^SUITE: [0-9]+ passed, [0-9]+ failed"; echo "failed $failed"
	echo "ended: [$(running_test "$2/ended.log")]"' _ "$top" "$work" >"$work/running.log" 2>&1
grep -q -x "not ok - $work/died.log has no summary line: the run did not finish; it stopped while build/stress_test was running" "$work/running.log" &&
	grep -q -x 'failed 1' "$work/running.log" && grep -q -x 'ended: \[\]' "$work/running.log"
result $? "a_guest_that_died_mid_suite_names_the_test_it_was_running" "$work/running.log"

deadline_of() { # deadline_of OFFSET: boot_timeout 2400 and past_deadline with MS_DEADLINE=now+OFFSET
	MS_DEADLINE=$(($(date +%s) + $1)) bash -c '. "$1/tests/lib/tally.sh"
		echo "boot $(boot_timeout 2400)"; past_deadline step; echo "failed $failed"' _ "$top"
}
{
	deadline_of 100
	deadline_of -5
	bash -c '. "$1/tests/lib/tally.sh"; echo "boot $(boot_timeout 2400)"' _ "$top"
} >"$work/deadline.log" 2>&1
awk 'NR == 1 { ok += ($2 >= 98 && $2 <= 100) } NR == 2 { ok += ($0 == "failed 0") }
	NR == 3 { ok += ($0 == "boot 1") } NR == 4 { ok += /^not ok - step: not started/ }
	NR == 5 { ok += ($0 == "failed 1") } NR == 6 { ok += ($0 == "boot 2400") }
	END { exit ok != 6 }' "$work/deadline.log"
result $? "the_deadline_cuts_boot_timeouts_and_stops_later_steps" "$work/deadline.log"

# --- tests/lib/suite.sh under busybox sh ----------------------------------
bb=$work/busybox
mkdir -p "$bb"
busybox --install -s "$bb" 2>/dev/null
cp "$top/tests/lib/suite.sh" "$work/suite.sh"
# A shell test that hangs, with a child that holds its output open.
cat >"$work/hang.sh" <<'EOF'
echo "1..2"
echo "ok 1 first"
sleep 1000 &
sleep 1000
echo "ok 2 never"
EOF
printf 'echo "1..2"\necho "ok 1 a"\necho "ok 2 b # SKIP no b"\n' >"$work/skip.sh"
suite() { # suite [ENV...] -- SH-CODE: runs SH-CODE after sourcing suite.sh
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env -i PATH="$bb" tmp="$work/s" "${envs[@]}" "$bb/sh" -c \
		". '$work/suite.sh'; $1; echo \"totals \$passed \$failed \$skipped\""
}
mkdir -p "$work/s"
start=$SECONDS
suite -- "run_tap hang -t 2 sh '$work/hang.sh'" >"$work/hang.log" 2>&1
took=$((SECONDS - start))
echo "took $took s" >>"$work/hang.log"
pgrep -f 'sleep 1000' >>"$work/hang.log" && echo "a sleep 1000 survived" >>"$work/hang.log"
[ "$took" -lt 15 ] && grep -q '^not ok - hang: killed after its limit of 2 s' "$work/hang.log" &&
	grep -q -x 'totals 1 1 0' "$work/hang.log" && ! grep -q survived "$work/hang.log"
result $? "run_tap_kills_a_hanging_shell_test_and_its_children_at_its_limit" "$work/hang.log"

{
	suite -- "run_tap skip -t 60 sh '$work/skip.sh'"
	echo "== CI=1"
	suite CI=1 -- "run_tap skip sh '$work/skip.sh'"
} >"$work/suite-skip.log" 2>&1
grep -q -x 'totals 1 0 1' "$work/suite-skip.log" && grep -q -x 'totals 1 1 1' "$work/suite-skip.log" &&
	grep -q '^not ok - skip: 1 tests skipped under CI' "$work/suite-skip.log"
result $? "run_tap_counts_a_skip_apart_and_fails_it_under_ci" "$work/suite-skip.log"

# kmemleak's verdict on a made-up report and kernel log (
# the failing scan write itself is proven in the debug lane's guest):
# only a report with the known boot records and nothing else passes.
acpi='unreferenced object 0xffff888003a4c000 (size 64):
  backtrace:
    acpi_os_create_cache+0x1c/0x30'
leak='unreferenced object 0xffff888004000000 (size 128):
  backtrace:
    ms_channel_get+0x10/0x40 [message_slot]'
kml() { # kml REPORT DMESG [ENV...]: the verdict on that report and kernel log
	printf '%s\n' "$1" >"$work/s/kmemleak"
	printf '%s\n' "$2" >"$work/s/klog"
	shift 2
	env -i PATH="$bb" tmp="$work/s" "$@" "$bb/sh" -c \
		". '$work/suite.sh'; kmemleak_judge ''; echo \"verdict \$?\""
}
{
	echo "== known records only"; kml "$acpi" "[ 1.0] kmemleak: Kernel memory leak detector initialized"
	echo "== disabled"; kml "" "[ 9.0] kmemleak: Kernel memory leak detector disabled"
	echo "== empty report"; kml "" ""
	echo "== a leak"; kml "$acpi
$leak" ""
	echo "== empty report, a kernel without boot records"; kml "" "" MS_KMEMLEAK_BOOT=none
	echo "== a leak, a kernel without boot records"; kml "$leak" "" MS_KMEMLEAK_BOOT=none
	echo "== disabled, a kernel without boot records"
	kml "" "[ 9.0] kmemleak: Kernel memory leak detector disabled" MS_KMEMLEAK_BOOT=none
} >"$work/kml.log" 2>&1
awk '/^== / { s++ } /^verdict / { v[s] = $2 }
	/did not scan/ && s == 3 { e++ } /disabled itself/ && (s == 2 || s == 7) { d++ }
	/1 objects leaked/ && (s == 4 || s == 6) { l++ }
	END { exit !(v[1] == 0 && v[2] == 1 && v[3] == 1 && v[4] == 1 && v[5] == 0 && v[6] == 1 && v[7] == 1 &&
		e && d == 2 && l == 2) }' "$work/kml.log"
result $? "kmemleak_verdict_fails_unless_kmemleak_scanned_and_found_only_the_known" "$work/kml.log"

# --- .ci/run: a lane still running at the deadline ------------------------
# A copy of .ci/run in a tree whose scripts/deps does nothing, and a make
# that plays scripts/check: it counts one pass, then runs for ever; on
# SIGTERM it prints its sum, as scripts/check's trap does.
ci=$work/ci
mkdir -p "$ci/.ci" "$ci/scripts" "$ci/bin"
cp "$top/.ci/run" "$ci/.ci/run"
printf '#!/bin/sh\nexit 0\n' >"$ci/scripts/deps"
cat >"$ci/bin/make" <<'EOF'
#!/usr/bin/env bash
trap 'echo "not ok - stopped"; echo "1 passed, 1 failed"; exit 1' TERM
echo "ok - make $1 with CI=$CI, deadline $MS_DEADLINE"
sleep 1000 &
wait
EOF
chmod +x "$ci/scripts/deps" "$ci/bin/make"
start=$SECONDS
PATH=$ci/bin:$PATH CI_DEADLINE=3 "$ci/.ci/run" >"$work/ci.log" 2>&1
st=$?
took=$((SECONDS - start))
echo "exit status $st after $took s" >>"$work/ci.log"
[ "$st" -ne 0 ] && [ "$took" -lt 20 ] && [ "$(tail -n 2 "$work/ci.log" | head -n 1)" = "1 passed, 5 failed" ] &&
	grep -q '^ok - make check with CI=1, deadline [0-9]' "$work/ci.log" &&
	grep -q '^not ok - ci: make check stopped at the deadline' "$work/ci.log" &&
	[ "$(grep -c '^not ok - ci: make check-[a-z]* not started' "$work/ci.log")" -eq 3 ]
result $? "ci_run_stops_a_lane_at_the_deadline_and_ends_on_the_sum" "$work/ci.log"

CI=$ci_outer summary harness
