#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# load.sh - TAP tests of scripts/load (make load) and scripts/module-check
# in a real kernel: a module built for another kernel is refused with one
# line that names both kernels, before insmod, whose own answer for it is
# the bare "Invalid module format" this prevents (the test shows that too,
# and what dmesg says); the right module loads with its parameters; a
# second load and a refused parameter are explained.
#
# Runs as root in the guest with cwd /work holding message_slot.ko,
# scripts/ and foreign/message_slot.ko (the module built for another
# kernel: scripts/check provides it), the module NOT loaded; leaves it
# unloaded.  busybox sh compatible.
#
#   tests/guest/load.sh            run every test
#   tests/guest/load.sh -l         list the tests
#   tests/guest/load.sh NAME...    run only these tests
#
# Environment: MS_MAJOR (load with major=MS_MAJOR; default 235).

. "$(dirname "$0")/../lib/tap.sh" || exit 1
cd "${MS_WORK:-/work}" || exit 1
MAJOR=${MS_MAJOR:-235}
foreign=foreign/message_slot.ko

TESTS="
foreign_module_refused_before_insmod
insmod_of_foreign_module_says_only_invalid_format
module_check_accepts_the_right_kernel
load_with_params
load_refuses_a_second_load
load_explains_a_refused_parameter
"

tap_tmp

tap_reset() {
	unload
}

# The release in a module's vermagic (busybox has no modinfo -F).
vermagic_of() {
	tr '\0' '\n' <"$1" | sed -n 's/^vermagic=//p' | head -n 1 | cut -d' ' -f1
}

# The kernel log lines a command adds: new_log CMD...
new_log() {
	dmesg >"$tmp/before"
	"$@"
	dmesg >"$tmp/after"
	tail -n +"$(($(wc -l <"$tmp/before") + 1))" "$tmp/after" >"$tmp/new"
}

t_foreign_module_refused_before_insmod() {
	[ -r "$foreign" ] || { diag "no $foreign: scripts/check puts the module for another kernel there"; return 1; }
	theirs=$(vermagic_of "$foreign")
	mine=$(uname -r)
	[ -n "$theirs" ] && [ "$theirs" != "$mine" ] || { diag "$foreign is for '$theirs', running $mine"; return 1; }
	new_log run scripts/load "$foreign"
	want="message_slot: $foreign is built for kernel $theirs, not $mine; rebuild it: make KDIR=/lib/modules/$mine/build (package linux-headers-$mine)"
	if [ "$rc" -ne 1 ] || [ "$(cat "$err")" != "$want" ]; then
		diag "scripts/load exited $rc"; show "its stderr" "$err"
		return 1
	fi
	! loaded || { diag "the module got loaded"; return 1; }
	# Refused before insmod: the kernel never saw it.
	if grep -q message_slot "$tmp/new"; then
		diag "the kernel logged about it:"; sed 's/^/#   /' "$tmp/new"
		return 1
	fi
}

t_insmod_of_foreign_module_says_only_invalid_format() {
	new_log run insmod "$foreign"
	[ "$rc" -ne 0 ] || { diag "insmod of a module for another kernel succeeded"; return 1; }
	loaded && { diag "it is loaded"; return 1; }
	grep -qiE 'invalid module format|exec format error' "$err" || { show "insmod's stderr" "$err"; return 1; }
	diag "insmod: $(cat "$err")"
	# What the kernel says, the line Documentation/admin-guide/troubleshooting.rst shows.
	# 6.1 checks symbol versions first, 6.12 the size of struct module.
	grep -E 'message_slot: (version magic|disagrees about version)|module message_slot: .* must match the kernel' "$tmp/new" >"$tmp/why" ||
		{ diag "no version line in dmesg:"; sed 's/^/#   /' "$tmp/new"; return 1; }
	sed 's/^/# dmesg: /' "$tmp/why" | head -n 2
}

t_module_check_accepts_the_right_kernel() {
	run scripts/module-check message_slot.ko "$(uname -r)"
	[ "$rc" -eq 0 ] && [ ! -s "$err" ] || { diag "module-check exited $rc"; show stderr "$err"; return 1; }
}

t_load_with_params() {
	run scripts/load message_slot.ko major="$MAJOR" slots=6
	[ "$rc" -eq 0 ] || { diag "scripts/load exited $rc"; show stderr "$err"; return 1; }
	loaded || { diag "not loaded"; return 1; }
	[ "$(cat /sys/module/message_slot/parameters/slots)" = 6 ] &&
		[ "$(cat /sys/module/message_slot/parameters/major)" = "$MAJOR" ] &&
		[ -c /dev/message_slot/slot5 ] && [ ! -e /dev/message_slot/slot6 ] ||
		{ diag "parameters or nodes not as asked"; ls /dev/message_slot | sed 's/^/#   /'; return 1; }
}

t_load_refuses_a_second_load() {
	insmod message_slot.ko major="$MAJOR" || return 1
	run scripts/load message_slot.ko major="$MAJOR"
	[ "$rc" -eq 1 ] && grep -q '^message_slot: the module is already loaded; unload it first (make unload)$' "$err" ||
		{ diag "scripts/load exited $rc"; show stderr "$err"; return 1; }
}

t_load_explains_a_refused_parameter() {
	run scripts/load message_slot.ko major="$MAJOR" slots=257
	[ "$rc" -eq 1 ] && grep -q '^message_slot: a module parameter was refused: major=[0-9]* slots=257' "$err" ||
		{ diag "scripts/load exited $rc"; show stderr "$err"; return 1; }
	! loaded
}

tap_main "$@"
