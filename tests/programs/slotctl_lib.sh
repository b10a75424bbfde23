# SPDX-License-Identifier: GPL-2.0
#
# slotctl_lib.sh - helpers of tests/programs/test_slotctl.sh, which
# sources it: running slotctl, checking its status, stdout and stderr
# against what slotctl(1) promises, and the stat output that sysfs
# implies.  Uses the caller's $SLOTCTL, $tmp, $out and $err.
# shellcheck disable=SC2154 # set by test_slotctl.sh

# slotctl ARGS... as uid 65534.
run_nobody() {
	cmd=
	for a in "$@"; do cmd="$cmd '$a'"; done
	su -s /bin/sh -c "$SLOTCTL $cmd" nobody >"$out" 2>"$err" </dev/null
	rc=$?
	return 0
}

# Waits up to TENTHS tenths of a second for PID to exit, and kills it
# then; its status in $rc, 124 if it was killed (and then returns 1).
wait_bounded() { # wait_bounded PID TENTHS
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt "$2" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		kill "$1"
		wait "$1"
		rc=124
		return 1
	fi
	wait "$1"
	rc=$?
}

# run, but killed after 5 s (status 124): for a command that must fail at
# once and would otherwise wait for ever, such as a watch taking a bad count.
run_bounded() {
	"$@" >"$out" 2>"$err" </dev/null &
	wait_bounded $! 50
	return 0
}

# bad WHY: says why the last run is wrong, shows it, and fails.
bad() {
	diag "$*"
	diag "exit status $rc"
	show stdout "$out"
	show stderr "$err"
	return 1
}

expect_success() {
	[ "$rc" -eq 0 ] && [ ! -s "$err" ] ||
		bad "expected success (status 0, empty stderr)"
}

# Status 1, nothing on stdout, "slotctl: ..." on stderr, containing TEXT.
expect_failure() { # expect_failure [TEXT]
	[ "$rc" -eq 1 ] && [ ! -s "$out" ] && grep -q '^slotctl: ' "$err" ||
		bad "expected failure: status 1, empty stdout, 'slotctl: ...' on stderr" ||
		return 1
	[ -z "$1" ] || grep -qF -- "$1" "$err" || bad "expected \"$1\" on stderr"
}

# Status 2, nothing on stdout, "slotctl: ..." then "Try 'slotctl ...--help'."
# on stderr (bare: without any argument, the usage on stderr).
expect_usage() { # expect_usage [bare]
	[ "$rc" -eq 2 ] && [ ! -s "$out" ] || bad "expected status 2, empty stdout" ||
		return 1
	if [ "$1" = bare ]; then
		grep -q '^Usage: slotctl' "$err" || bad "expected the usage on stderr"
	else
		head -n 1 "$err" | grep -q '^slotctl: ' &&
			tail -n 1 "$err" | grep -q "^Try 'slotctl.*--help'\.\$" ||
			bad "expected \"slotctl: ...\" then \"Try 'slotctl ... --help'.\" on stderr"
	fi
}

expect_stdout() { # expect_stdout FILE
	cmp -s "$out" "$1" && return 0
	show expected "$1"
	bad "stdout differs from the expected bytes"
}

expect_text() { # expect_text LINE...: stdout is exactly these lines
	printf '%s\n' "$@" >"$tmp/text"
	expect_stdout "$tmp/text"
}

new_channel() {
	c=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
	echo $((c % 2147483647 + 1))
}

has_device() {
	[ -d "/sys/class/message_slot/slot$1" ]
}

# Leaves MINOR with a new, empty device, through slotctl itself.
fresh() { # fresh MINOR
	has_device "$1" || "$SLOTCTL" add "$1" >/dev/null || return 1
	"$SLOTCTL" remove "$1" || return 1
	[ "$("$SLOTCTL" add "$1")" = "slot$1" ] || { diag "slotctl add $1 did not print slot$1"; return 1; }
}

# Leaves MINOR without a device.
nodevice() { # nodevice MINOR
	! has_device "$1" || "$SLOTCTL" remove "$1"
}

sysval() { # sysval MINOR FILE
	cat "/sys/class/message_slot/slot$1/$2"
}

# The table (columns squeezed to one space) or the JSON that stat should
# print for MINORS (default: every slot device), from sysfs, exactly as
# the man page shows them.
expected_stat() { # expected_stat table|json [MINORS]
	set -- "$1" ${2:-$(ls /sys/class/message_slot | sed 's/^slot//' | sort -n)}
	fmt=$1
	shift
	if [ "$fmt" = table ]; then
		echo "NAME NODE MAJ:MIN CHANNELS BYTES WRITES READS OPEN"
		for m; do
			echo "slot$m /dev/message_slot/slot$m $(sysval "$m" dev)" \
				"$(sysval "$m" channels) $(sysval "$m" bytes)" \
				"$(sysval "$m" writes) $(sysval "$m" reads)" \
				"$(sysval "$m" open_files)"
		done
		return
	fi
	[ $# -gt 0 ] || { echo '{"slots": []}'; return; }
	echo '{"slots": ['
	i=0
	for m; do
		i=$((i + 1))
		sep=,
		[ $i -lt $# ] || sep=
		printf '  {"name": "slot%s", "node": "/dev/message_slot/slot%s", "major": %s, "minor": %s, "channels": %s, "bytes": %s, "writes": %s, "reads": %s, "open_files": %s}%s\n' \
			"$m" "$m" "$(sysval "$m" dev | cut -d: -f1)" "$m" \
			"$(sysval "$m" channels)" "$(sysval "$m" bytes)" \
			"$(sysval "$m" writes)" "$(sysval "$m" reads)" \
			"$(sysval "$m" open_files)" "$sep"
	done
	echo ']}'
}

# The last stat printed what sysfs says, as a table or as JSON.
check_stat() { # check_stat table|json [MINORS]
	expected_stat "$@" >"$tmp/want"
	if [ "$1" = table ]; then
		tr -s ' ' <"$out" >"$tmp/squeezed"
	else
		cp "$out" "$tmp/squeezed"
	fi
	cmp -s "$tmp/squeezed" "$tmp/want" && return 0
	diag "slotctl stat ($1) differs from sysfs:"
	sed 's/^/#   got:  /' "$out" | head -n 12
	sed 's/^/#   want: /' "$tmp/want" | head -n 12
	return 1
}
