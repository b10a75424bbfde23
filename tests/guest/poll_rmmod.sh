#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# poll_rmmod.sh - TAP tests: a process asleep in poll(2) or epoll_wait(2)
# on a slot pins the module (rmmod is refused, the module stays loaded and
# works), a write from another process (message_sender) wakes it, and once
# it has exited rmmod succeeds.
#
# Runs as root in the guest with cwd /work holding message_slot.ko,
# message_sender and tests/build/slot_poll (make -C tests). It loads and
# unloads the module itself, like lifecycle.sh, and leaves it as it found
# it: loaded again (with major=$MS_MAJOR if set) if it was loaded before.
# busybox sh compatible.
#
#   tests/guest/poll_rmmod.sh            run every test
#   tests/guest/poll_rmmod.sh -l         list the tests
#   tests/guest/poll_rmmod.sh NAME...    run only these tests

. "$(dirname "$0")/../lib/tap.sh" || exit 1
cd "${MS_WORK:-/work}" || exit 1

TESTS="
rmmod_refused_while_polling
rmmod_refused_while_epoll_waiting
"

major=${MS_MAJOR:-235}
helper=tests/build/slot_poll

load() {
	insmod message_slot.ko ${MS_MAJOR:+major=$MS_MAJOR}
}

# Leaves the module unloaded and no waiter running, whatever a test left.
tap_reset() {
	if [ -n "$waiter" ]; then
		kill "$waiter" 2>/dev/null
		wait "$waiter" 2>/dev/null
		waiter=
	fi
	if loaded; then
		rmmod message_slot 2>/dev/null || diag "cleanup: rmmod failed"
	fi
	rm -f "$nodes"/*
}

# The system call numbers of poll, ppoll, epoll_wait, epoll_pwait and
# epoll_pwait2 on x86_64, the architecture the suite runs on.
WAIT_SYSCALLS="7 271 232 281 441"

# Succeeds when process $1 sleeps (state S) in one of WAIT_SYSCALLS.
sleeps_in_wait() {
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ "$state" = S ] || return 1
	nr=$(cut -d' ' -f1 "/proc/$1/syscall" 2>/dev/null)
	case " $WAIT_SYSCALLS " in
	*" $nr "*) return 0 ;;
	esac
	return 1
}

# Waits up to 10 s for process $1 to sleep in its wait.
wait_sleeping() {
	i=0
	while ! sleeps_in_wait "$1"; do
		i=$((i + 1))
		if [ $i -ge 100 ]; then
			diag "process $1 never went to sleep in poll/epoll_wait" \
				"(stat: $(cat "/proc/$1/stat" 2>/dev/null)," \
				"syscall: $(cat "/proc/$1/syscall" 2>/dev/null))"
			return 1
		fi
		sleep 0.1
	done
}

# Waits up to $2 tenths of a second for process $1 to exit; its status
# is then in $status.
wait_exit() {
	i=0
	while kill -0 "$1" 2>/dev/null; do
		# A zombie counts as gone: wait reaps it below.
		[ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" = Z ] &&
			break
		i=$((i + 1))
		[ $i -lt "$2" ] || return 1
		sleep 0.1
	done
	wait "$1"
	status=$?
}

# The test proper: waits with poll(2), or with epoll under -e.
refused_while_waiting() { # refused_while_waiting [-e]
	[ -x "$helper" ] || { diag "$helper missing (make -C tests)"; return 1; }
	load || { diag "insmod failed"; return 1; }
	mknod "$nodes/slot" c "$major" 5 || return 1
	"$helper" ${1:+"$1"} "$nodes/slot" 7 60000 >"$tmp/out" 2>"$tmp/err" &
	waiter=$!
	wait_sleeping "$waiter" || return 1

	if rmmod message_slot 2>/dev/null; then
		diag "rmmod succeeded while a process waited on a slot"
		return 1
	fi
	loaded || { diag "module gone after the refused rmmod"; return 1; }
	# Still asleep, and the module still works: a write wakes it.
	sleeps_in_wait "$waiter" || { diag "the waiter woke up at the rmmod"; return 1; }
	./message_sender "$nodes/slot" 7 "wake up" ||
		{ diag "message_sender failed"; return 1; }
	if ! wait_exit "$waiter" 50; then
		diag "the waiter was not woken within 5 s of the write"
		return 1
	fi
	waiter=
	if [ "$status" -ne 0 ]; then
		diag "the waiter exited with status $status: $(cat "$tmp/err")"
		return 1
	fi
	printf 'wake up' >"$tmp/want"
	if ! cmp -s "$tmp/out" "$tmp/want"; then
		diag "the waiter read something else:"
		od -c "$tmp/out" | head -n 4 | sed 's/^/#   /'
		return 1
	fi
	rmmod message_slot || { diag "rmmod after the waiter exited failed"; return 1; }
	if loaded; then
		diag "module still loaded after rmmod"
		return 1
	fi
}

t_rmmod_refused_while_polling() {
	refused_while_waiting
}

t_rmmod_refused_while_epoll_waiting() {
	refused_while_waiting -e
}

# --- main ------------------------------------------------------------------

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ms-poll-rmmod.XXXXXX") || exit 1
nodes=$(mktemp -d /dev/ms-poll-rmmod.XXXXXX) || exit 1
waiter=
was_loaded=0
loaded && was_loaded=1
restore() {
	tap_reset
	rm -rf "$tmp" "$nodes"
	if [ $was_loaded -eq 1 ] && ! loaded; then
		load || echo "# could not load message_slot again" >&2
	fi
}
trap restore EXIT

tap_main "$@"
