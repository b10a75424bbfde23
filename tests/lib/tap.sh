# SPDX-License-Identifier: GPL-2.0
#
# tap.sh - the TAP runner the shell tests share; source it, then call
#
#	tap_main "$@"
#
# with $TESTS listing the tests; test NAME is the function t_NAME. Options:
# -l lists the tests, NAME... runs only those. Before and after every test
# tap_main calls tap_reset, which a script may define to restore a clean
# state; tap_setup, if defined, runs once after the plan is printed.
# busybox sh compatible.

diag() {
	echo "# $*"
}

# Shows a file's bytes as "# " lines (at most 8 lines of od).
show() { # show LABEL FILE
	diag "$1 ($(wc -c <"$2") bytes):"
	od -c "$2" | head -n 8 | sed 's/^/#   /'
}

# run CMD ARGS...: stdout in $out, stderr in $err (the caller's files),
# status in $rc; always succeeds.
run() {
	"$@" >"$out" 2>"$err" </dev/null
	rc=$?
	return 0
}

loaded() {
	grep -q '^message_slot ' /proc/modules
}

# Unloads the module if it is loaded (a tap_reset for tests that load it).
unload() {
	if loaded; then
		rmmod message_slot 2>/dev/null || diag "cleanup: rmmod failed"
	fi
}

# Succeeds when nothing of the module is left: no class, nodes, debugfs,
# control device, module directory, major or module.
nothing_left() {
	for p in /sys/class/message_slot /dev/message_slot \
		/sys/kernel/debug/message_slot /sys/class/misc/message_slot_control \
		/sys/module/message_slot; do
		if [ -e "$p" ]; then
			diag "$p still exists"
			return 1
		fi
	done
	if grep -q ' message_slot$' /proc/devices; then
		diag "message_slot still in /proc/devices"
		return 1
	fi
	if loaded; then
		diag "message_slot still in /proc/modules"
		return 1
	fi
}

# Sends MESSAGE on CHANNEL through NODE with ./message_sender and reads
# exactly it back with ./message_reader; uses the caller's $tmp.
roundtrip() { # roundtrip NODE CHANNEL MESSAGE
	printf '%s' "$3" >"$tmp/want"
	./message_sender "$1" "$2" "$3" || { diag "message_sender $1 $2 failed"; return 1; }
	./message_reader "$1" "$2" >"$tmp/out" || { diag "message_reader $1 $2 failed"; return 1; }
	if ! cmp -s "$tmp/out" "$tmp/want"; then
		diag "message_reader $1 $2 printed something else:"
		od -c "$tmp/out" | head -n 4 | sed 's/^/#   /'
		return 1
	fi
}

# A temporary directory $tmp, with $out and $err for run(), removed at exit.
tap_tmp() {
	tmp=$(mktemp -d) || exit 1
	out=$tmp/out
	err=$tmp/err
	trap 'rm -rf "$tmp"' EXIT
}

tap_reset() {
	:
}

tap_setup() {
	:
}

tap_main() {
	if [ "$1" = -l ]; then
		for t in $TESTS; do echo "$t"; done
		exit 0
	fi
	if [ $# -gt 0 ]; then
		for want in "$@"; do
			case " $(echo $TESTS) " in
			*" $want "*) ;;
			*) echo "$0: no test named '$want'" >&2; exit 2 ;;
			esac
		done
		TESTS="$*"
	fi
	set -- $TESTS
	echo "TAP version 13"
	echo "1..$#"
	tap_setup
	tap_reset
	# The counters' names are the runner's own: tests may use any other.
	tap_num=0
	tap_failed=0
	for tap_test in $TESTS; do
		tap_num=$((tap_num + 1))
		if "t_$tap_test"; then
			echo "ok $tap_num $tap_test"
		else
			echo "not ok $tap_num $tap_test"
			tap_failed=$((tap_failed + 1))
		fi
		tap_reset
	done
	diag "$((tap_num - tap_failed)) passed, $tap_failed failed"
	[ "$tap_failed" -eq 0 ]
}
