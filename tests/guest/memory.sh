#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# memory.sh - TAP tests of the memory messages take (SPEC Part 1, "Memory
# O(C*M + F) ... everything on unload"; the reliability issue on limits):
# 2^20 channels of 128-byte messages (2^16 on KASAN kernels) load, sysfs
# counts them exactly and rmmod gives all of that memory back; a writer in a memory cgroup with a
# tight memory.max gets ENOMEM, is not OOM-killed, its earlier messages
# stay intact, the rest of the system goes on working, and clearing the
# slot or unloading the module gives the cgroup its memory back.
#
# Runs as root in the guest with cwd /work holding message_slot.ko,
# message_sender, message_reader, slotctl and tests/build/slot_fill (make
# -C tests), cgroup2 on /sys/fs/cgroup (mounted here if it is not), and
# the module NOT loaded; loads and unloads it itself and leaves it
# unloaded. busybox sh compatible.
#
#   tests/guest/memory.sh            run every test
#   tests/guest/memory.sh -l         list the tests
#   tests/guest/memory.sh NAME...    run only these tests
#
# Environment: MS_MAJOR (load with major=MS_MAJOR; default 235).

. "$(dirname "$0")/../lib/tap.sh" || exit 1
cd "${MS_WORK:-/work}" || exit 1

TESTS="
million_128_byte_messages_counted_and_freed_by_rmmod
memcg_limit_gives_enomem_not_oom_kill
memcg_charge_returns_after_clear
memcg_charge_returns_after_rmmod
"

fill=$PWD/tests/build/slot_fill
cgroot=/sys/fs/cgroup
cg=$cgroot/ms-memory
MILLION=1048576
# On the debug lane's KASAN and kmemleak kernel a channel costs about 30
# times the time and 4 times the memory: 2^16 channels there, still some
# 60 MiB to account for.
if grep -q ' kasan_quarantine_reduce$' /proc/kallsyms 2>/dev/null; then
	CHANNELS=65536
else
	CHANNELS=$MILLION
fi
# memory.max is the writer's own usage plus this much: room for about
# 16000 messages with their channels (about 250 bytes each).
HEADROOM=$((4 * 1024 * 1024))
# After rmmod, unreclaimable slab must come back to within this of where
# it was before insmod (2^20 messages take about 240 MiB of it).
SLAB_SLACK_KIB=8192
# After clear or rmmod, the cgroup's memory.current must fall to at most
# its value before the first write plus this (the writer's own memory,
# gone by then, more than covers kernel frees still pending).
CG_SLACK=65536

load() {
	insmod message_slot.ko ${MS_MAJOR:+major=$MS_MAJOR} ||
		{ diag "insmod message_slot.ko failed"; return 1; }
}

# Leaves no writer, the module unloaded and no test cgroup.
tap_reset() {
	if [ -n "$writer" ]; then
		kill -9 "$writer" 2>/dev/null
		wait "$writer" 2>/dev/null
		writer=
	fi
	if loaded; then
		rmmod message_slot 2>/dev/null || diag "cleanup: rmmod failed"
	fi
	if [ -d "$cg" ]; then
		rmdir "$cg" 2>/dev/null || diag "cleanup: rmdir $cg failed"
	fi
}

now() {
	cut -d' ' -f1 /proc/uptime
}

elapsed() { # elapsed START
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'
}

meminfo() { # meminfo FIELD: its value in KiB
	awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo
}

# Unreclaimable slab in KiB once every cache has given back its empty
# slabs and KASAN its quarantine (kmem_cache_shrink() does both).
slab_kib() {
	for f in /sys/kernel/slab/*/shrink; do
		echo 1 >"$f" 2>/dev/null
	done
	meminfo SUnreclaim
}

counter() { # counter MINOR NAME
	cat "/sys/class/message_slot/slot$1/$2"
}

event() { # event NAME: the count in the test cgroup's memory.events
	awk -v f="$1" '$1 == f { print $2 }' "$cg/memory.events"
}

# --- 2^20 messages ---------------------------------------------------------

t_million_128_byte_messages_counted_and_freed_by_rmmod() {
	slab0=$(slab_kib)
	avail0=$(meminfo MemAvailable)
	load || return 1
	start=$(now)
	"$fill" /dev/message_slot/slot0 $CHANNELS 128
	rc=$?
	[ $rc -eq 0 ] || { diag "slot_fill of $CHANNELS channels exited $rc"; return 1; }
	diag "wrote $CHANNELS 128-byte messages in $(elapsed "$start") s"
	ch=$(counter 0 channels)
	by=$(counter 0 bytes)
	if [ "$ch" != $CHANNELS ] || [ "$by" != $((CHANNELS * 128)) ]; then
		diag "sysfs: channels $ch, bytes $by; expected $CHANNELS and $((CHANNELS * 128))"
		return 1
	fi
	# scale_test reads 2^20 messages back; a sample is enough here.
	"$fill" -c /dev/message_slot/slot0 4096 128 || return 1
	slab1=$(slab_kib)
	avail1=$(meminfo MemAvailable)
	start=$(now)
	rmmod message_slot || { diag "rmmod failed"; return 1; }
	diag "rmmod took $(elapsed "$start") s"
	# Freeing is synchronous, but frees through RCU (kmemleak's own
	# records on the debug lane) may take a few seconds.
	slack=$SLAB_SLACK_KIB
	i=0
	while slab2=$(slab_kib); [ "$slab2" -gt $((slab0 + slack)) ]; do
		i=$((i + 1))
		[ $i -le 20 ] || break
		sleep 0.5
	done
	avail2=$(meminfo MemAvailable)
	diag "SUnreclaim KiB: $slab0 before insmod, $slab1 full, $slab2 after rmmod"
	diag "MemAvailable KiB: $avail0 before insmod, $avail1 full, $avail2 after rmmod"
	if [ $((slab1 - slab0)) -lt $((CHANNELS * 128 / 1024)) ]; then
		diag "the messages did not show in SUnreclaim: nothing to measure"
		return 1
	fi
	if [ "$slab2" -gt $((slab0 + slack)) ]; then
		diag "rmmod left $((slab2 - slab0)) KiB of unreclaimable slab (slack $slack)"
		return 1
	fi
}

# --- memory cgroup ---------------------------------------------------------

# Succeeds when process $1 is stopped (state T).
stopped() {
	[ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" = T ]
}

# Loads the module and runs slot_fill on slot1 inside cgroup $cg, with
# memory.max set to the writer's own usage plus HEADROOM once it has
# started, until a write fails. Sets $status (slot_fill's exit status),
# $written (messages stored), $base (memory.current before the first
# write), $limit (memory.max), $full (memory.current after the writer
# exited) and $oom_kill (memory.events).
memcg_fill() {
	if [ ! -f "$cgroot/cgroup.controllers" ]; then
		mount -t cgroup2 none "$cgroot" || { diag "cannot mount cgroup2"; return 1; }
	fi
	grep -qw memory "$cgroot/cgroup.controllers" ||
		{ diag "no memory controller in $cgroot/cgroup.controllers"; return 1; }
	echo +memory >"$cgroot/cgroup.subtree_control" || return 1
	mkdir "$cg" || return 1
	load || return 1
	# The shell moves itself into the cgroup, then becomes the writer.
	# 200000 messages would be about 50 MiB: far more than the headroom.
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" -s "$3" 200000 128' \
		sh "$cg" "$fill" /dev/message_slot/slot1 &
	writer=$!
	i=0
	until stopped "$writer"; do
		i=$((i + 1))
		[ $i -le 100 ] || { diag "the writer never stopped"; return 1; }
		sleep 0.1
	done
	base=$(cat "$cg/memory.current")
	limit=$((base + HEADROOM))
	echo "$limit" >"$cg/memory.max" || return 1
	start=$(now)
	kill -CONT "$writer"
	wait "$writer"
	status=$?
	writer=
	written=$(counter 1 channels)
	full=$(cat "$cg/memory.current")
	oom_kill=$(event oom_kill)
	diag "memory.max $limit (memory.current $base + $HEADROOM): $written messages" \
		"in $(elapsed "$start") s, then slot_fill exit status $status;" \
		"memory.events: max $(event max) oom $(event oom) oom_kill $oom_kill;" \
		"memory.current $full"
	if [ "$written" -eq 0 ] || [ "$written" -ge 200000 ]; then
		diag "$written messages: the limit did not bind"
		return 1
	fi
}

# Waits up to 10 s for the cgroup's memory.current to fall to at most
# $base + CG_SLACK ($base held the writer's own memory too); sets $after.
charge_returns() { # charge_returns WHAT
	i=0
	while after=$(cat "$cg/memory.current"); [ "$after" -gt $((base + CG_SLACK)) ]; do
		i=$((i + 1))
		[ $i -le 20 ] || break
		sleep 0.5
	done
	diag "memory.current $full with the messages, $after after $1" \
		"($base before the first write)"
	if [ "$after" -gt $((base + CG_SLACK)) ]; then
		diag "$1 gave back only $((full - after)) of $((full - base)) bytes"
		return 1
	fi
}

t_memcg_limit_gives_enomem_not_oom_kill() {
	memcg_fill || return 1
	case $status in
	3) diag "write(2) failed with ENOMEM" ;;
	4) diag "the ioctl(2) that creates a channel failed with ENOMEM" ;;
	*) diag "slot_fill exit status $status: not an ENOMEM (137 is SIGKILL)"; return 1 ;;
	esac
	[ "$oom_kill" = 0 ] || { diag "memory.events: oom_kill $oom_kill"; return 1; }
	by=$(counter 1 bytes)
	[ "$by" = $((written * 128)) ] ||
		{ diag "sysfs bytes $by, expected $written * 128"; return 1; }
	# The messages stored before the failure are all there, byte for byte.
	"$fill" -c /dev/message_slot/slot1 "$written" 128 || return 1
	# Outside the cgroup, the slot and the module work as ever.
	roundtrip /dev/message_slot/slot1 4000000 "written outside the cgroup" || return 1
	roundtrip /dev/message_slot/slot0 1 "another slot" || return 1
	rmmod message_slot || { diag "rmmod after the fill failed"; return 1; }
}

t_memcg_charge_returns_after_clear() {
	memcg_fill || return 1
	./slotctl clear 1 || { diag "slotctl clear 1 failed"; return 1; }
	[ "$(counter 1 bytes)" = 0 ] || { diag "bytes not 0 after clear"; return 1; }
	charge_returns "slotctl clear"
}

t_memcg_charge_returns_after_rmmod() {
	memcg_fill || return 1
	rmmod message_slot || { diag "rmmod failed"; return 1; }
	charge_returns rmmod
}

# --- main ------------------------------------------------------------------

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ms-memory.XXXXXX") || exit 1
writer=
trap 'tap_reset; rm -rf "$tmp"' EXIT

tap_main "$@"
