#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# memory.sh - TAP tests of the memory messages take (SPEC Part 1, "Memory
# O(C*M + F) ... everything on unload"): 2^20 channels of 128-byte
# messages load, sysfs counts them exactly and rmmod gives all of that
# memory back.
#
# Runs as root in the guest with cwd /work holding message_slot.ko and
# tests/build/slot_fill (make -C tests), and the module NOT loaded; loads
# and unloads it itself and leaves it unloaded. busybox sh compatible.
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
"

fill=$PWD/tests/build/slot_fill
MILLION=1048576
# After rmmod, unreclaimable slab must come back to within this of where
# it was before insmod (the fill takes about 250 MiB of it).
SLAB_SLACK_KIB=8192

load() {
	insmod message_slot.ko ${MS_MAJOR:+major=$MS_MAJOR} ||
		{ diag "insmod message_slot.ko failed"; return 1; }
}

# Leaves the module unloaded.
tap_reset() {
	if loaded; then
		rmmod message_slot 2>/dev/null || diag "cleanup: rmmod failed"
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

counter() { # counter MINOR NAME
	cat "/sys/class/message_slot/slot$1/$2"
}

# --- 2^20 messages ---------------------------------------------------------

t_million_128_byte_messages_counted_and_freed_by_rmmod() {
	slab0=$(meminfo SUnreclaim)
	avail0=$(meminfo MemAvailable)
	load || return 1
	start=$(now)
	"$fill" /dev/message_slot/slot0 $MILLION 128
	rc=$?
	[ $rc -eq 0 ] || { diag "slot_fill of $MILLION channels exited $rc"; return 1; }
	diag "wrote $MILLION 128-byte messages in $(elapsed "$start") s"
	ch=$(counter 0 channels)
	by=$(counter 0 bytes)
	if [ "$ch" != $MILLION ] || [ "$by" != $((MILLION * 128)) ]; then
		diag "sysfs: channels $ch, bytes $by; expected $MILLION and $((MILLION * 128))"
		return 1
	fi
	start=$(now)
	"$fill" -c /dev/message_slot/slot0 $MILLION 128 || return 1
	diag "read all of them back in $(elapsed "$start") s"
	slab1=$(meminfo SUnreclaim)
	avail1=$(meminfo MemAvailable)
	start=$(now)
	rmmod message_slot || { diag "rmmod failed"; return 1; }
	diag "rmmod took $(elapsed "$start") s"
	# Freeing is synchronous, but give the slab allocator's per-CPU
	# caches and RCU a few seconds.
	i=0
	while slab2=$(meminfo SUnreclaim); [ "$slab2" -gt $((slab0 + SLAB_SLACK_KIB)) ]; do
		i=$((i + 1))
		[ $i -le 20 ] || break
		sleep 0.5
	done
	avail2=$(meminfo MemAvailable)
	diag "SUnreclaim KiB: $slab0 before insmod, $slab1 full, $slab2 after rmmod"
	diag "MemAvailable KiB: $avail0 before insmod, $avail1 full, $avail2 after rmmod"
	if [ $((slab1 - slab0)) -lt $((MILLION * 128 / 1024)) ]; then
		diag "the messages did not show in SUnreclaim: nothing to measure"
		return 1
	fi
	if [ "$slab2" -gt $((slab0 + SLAB_SLACK_KIB)) ]; then
		diag "rmmod left $((slab2 - slab0)) KiB of unreclaimable slab (slack $SLAB_SLACK_KIB)"
		return 1
	fi
}

# --- main ------------------------------------------------------------------

trap 'tap_reset' EXIT

tap_main "$@"
