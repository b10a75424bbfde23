# SPDX-License-Identifier: GPL-2.0
#
# result.sh - TAP results for the host-side test scripts (bash); source it,
# then report each check with
#
#	result STATUS NAME [DIAGNOSTIC-FILE]
#
# and end with `summary LABEL`, which prints "# LABEL: N passed, M failed"
# (what scripts/check tallies) and returns non-zero on any failure.

n=0
fails=0

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

summary() { # summary LABEL
	echo "# $1: $((n - fails)) passed, $fails failed"
	[ "$fails" -eq 0 ]
}
