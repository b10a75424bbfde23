# SPDX-License-Identifier: GPL-2.0
#
# result.sh - TAP results for the host-side test scripts (bash); source it,
# then report each check with
#
#	result STATUS NAME [DIAGNOSTIC-FILE]
#	skip NAME REASON
#
# and end with `summary LABEL`, which prints
# "# LABEL: N passed, M failed, K skipped" (what scripts/check tallies)
# and returns non-zero on any failure.
#
# A skip is not a pass: it is counted apart, and under CI (the variable CI
# set and not empty, as .ci/run does) it is a failure, since a CI machine
# that cannot run a test has lost that test.

n=0
fails=0
skips=0

result() { # result STATUS NAME [DIAGNOSTIC-FILE]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		fails=$((fails + 1))
		echo "not ok $n $2"
		[ -n "${3-}" ] && [ -s "$3" ] && sed 's/^/# /' "$3" | tail -n 30
	fi
	return 0
}

skip() { # skip NAME REASON
	n=$((n + 1))
	if [ -n "${CI-}" ]; then
		fails=$((fails + 1))
		echo "not ok $n $1 # skipped under CI, which must run it: $2"
	else
		skips=$((skips + 1))
		echo "ok $n $1 # SKIP $2"
	fi
	return 0
}

# skip_all COUNT REASON: a script that cannot run at all reports each of
# its COUNT planned tests as skipped (failed under CI) and its summary.
skip_all() {
	local i
	echo "1..$1"
	for ((i = 1; i <= $1; i++)); do
		skip "test_$i" "$2"
	done
}

summary() { # summary LABEL
	echo "# $1: $((n - fails - skips)) passed, $fails failed, $skips skipped"
	[ "$fails" -eq 0 ]
}
