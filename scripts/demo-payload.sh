#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest side of `make demo` (busybox sh, run by vm/run-vm in /work):
# the seed's walkthrough verbatim, then what the module adds to it. Every
# command is printed as a user would type it at a prompt, then run.

out=/tmp/demo.out

# run 'COMMAND' [STATUS]: print "$ COMMAND", run it in this shell and show
# its output, then its exit status if not 0. A status other than STATUS
# (default 0) ends the demo. A COMMAND ending in & runs in the background
# with its output going straight to the console; any other COMMAND's
# output is shown when it is done, ended with a newline as a terminal
# would show the next prompt on a line of its own (message_reader and
# slotctl recv print the message without one).
run() {
	printf '$ %s\n' "$1"
	case $1 in
	*'&')
		eval "$1"
		status=$?
		;;
	*)
		eval "$1" >"$out" 2>&1
		status=$?
		cat "$out"
		if [ -s "$out" ] && [ -n "$(tail -c 1 "$out")" ]; then
			echo
		fi
		;;
	esac
	if [ "$status" -ne 0 ]; then
		echo "(exit status $status)"
	fi
	if [ "$status" -ne "${2:-0}" ]; then
		echo "demo: FAILED: expected exit status ${2:-0}"
		exit 1
	fi
}

echo "# 1. The seed's walkthrough (README-seed.md), as root"
run 'insmod message_slot.ko'
run 'mknod /dev/slot0 c 235 0'
run './message_sender /dev/slot0 1 "Hello, World!"'
run './message_reader /dev/slot0 1'
run './message_sender /dev/slot0 2 "another channel"'
run './message_reader /dev/slot0 2'
run './message_reader /dev/slot0 1'
echo "# nothing was written on channel 3:"
run './message_reader /dev/slot0 3' 1
run 'rmmod message_slot'

echo
echo "# 2. slotctl: the slots the module creates, by name, with their counters"
run 'insmod message_slot.ko'
run 'ls /dev/message_slot'
run 'slotctl send slot0 1 "Hello from slotctl"'
run 'slotctl send slot0 7 "lucky seven"'
run 'slotctl recv slot0 1'
run 'slotctl stat'

echo
echo "# 3. The same counters in sysfs, one value per file"
run 'cat /sys/class/message_slot/slot0/channels'
run 'cat /sys/class/message_slot/slot0/bytes'
run 'cat /sys/class/message_slot/slot0/writes'

echo
echo "# 4. slotctl watch waits with poll(2) and prints what a writer sends"
run 'slotctl watch --count 1 slot0 9 &'
run 'slotctl send slot0 9 "a message for the watcher"; wait'

echo
echo "# 5. The channel dump in debugfs (root only): id, length, contents"
run 'grep -qw debugfs /proc/mounts || mount -t debugfs debugfs /sys/kernel/debug'
run 'cat /sys/kernel/debug/message_slot/slot0'

echo
echo "# 6. libmsgslot: Documentation/examples/msgslot_example.c, built on the"
echo "#    host against a staged make install-lib, run here"
cat example-build.txt
run './msgslot_example slot0 3 "from libmsgslot"'

echo
run 'rmmod message_slot'
echo "demo: done"
