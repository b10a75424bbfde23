#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest side of `make demo`: the seed's commands, each echoed first.
set -e
run() {
	echo "demo\$ $*"
	"$@"
}
run insmod message_slot.ko
run mknod /dev/slot0 c 235 0
run ./message_sender /dev/slot0 1 "Hello, World!"
run ./message_reader /dev/slot0 1
echo
run ./message_sender /dev/slot0 2 "another channel"
run ./message_reader /dev/slot0 2
echo
run ./message_reader /dev/slot0 1
echo
echo "demo\$ ./message_reader /dev/slot0 3    # nothing written there"
./message_reader /dev/slot0 3 || echo "(exit status $?)"
run rmmod message_slot
echo "demo: done"
