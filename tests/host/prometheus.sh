#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests (TAP) of slotctl stat --format prometheus's formatter
# alone (utils/prometheus.c, driven by tests/host/prom_write.c with
# made-up slots: names that need every escape, values that are unknown)
# against the Prometheus text format, as tests/lib/promcheck reads it
# (the Prometheus client's parser and promtool's lint rules); and
# promcheck itself, which must refuse broken expositions. The guest suite
# checks the real output against sysfs, and scripts/check runs promcheck
# on it for each kernel.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$top/tests/lib/result.sh"
"$top/scripts/deps" python3-prometheus-client >/dev/null 2>&1 ||
	echo "# prometheus: scripts/deps python3-prometheus-client failed"
promcheck=$top/tests/lib/promcheck

echo "TAP version 13"
echo "1..5"

gcc -std=c11 -D_GNU_SOURCE -I"$top/include" -I"$top/include/uapi" -O2 -Wall -Wextra -Werror \
	-o "$work/prom_write" "$top/tests/host/prom_write.c" "$top/utils/prometheus.c" \
	>"$work/cc.log" 2>&1
result $? "formatter_builds_with_wall_wextra_werror" "$work/cc.log"

"$work/prom_write" >"$work/good.prom" 2>"$work/good.log"
"$promcheck" "$work/good.prom" >>"$work/good.log" 2>&1
result $? "formatter_output_passes_the_parser_and_lint" "$work/good.log"

# Every sample, parsed, is the made-up slot's value under its own labels,
# the names unescaped again; an unknown value has no sample.
/usr/bin/python3 - "$work/good.prom" >"$work/values.log" 2>&1 <<'EOF'
import sys
from prometheus_client.parser import text_string_to_metric_families
want = {}
slots = [("slot0", 0, [1, 13, 1, 1, 0]), ("slot7", 7, [2, 256, 9, 4, 3]),
         ('we"ird\\na\nme', 200, [0, 0, 0, 0, 0]),
         ("slot255", 255, [3, None, 12345678901, None, 1])]
names = ["message_slot_channels", "message_slot_bytes", "message_slot_writes_total",
         "message_slot_reads_total", "message_slot_open_files"]
for slot, minor, values in slots:
    for name, value in zip(names, values):
        if value is not None:
            want[(name, slot, str(minor))] = value
got = {}
for f in text_string_to_metric_families(open(sys.argv[1]).read()):
    for s in f.samples:
        assert set(s.labels) == {"slot", "minor"}, s
        got[(s.name, s.labels["slot"], s.labels["minor"])] = s.value
for k in sorted(set(want) | set(got), key=str):
    if want.get(k) != got.get(k):
        print("%s: want %s, got %s" % (k, want.get(k), got.get(k)))
sys.exit(want != got)
EOF
result $? "labels_and_values_round_trip_unknown_values_left_out" "$work/values.log"

# No slot at all: every family's HELP and TYPE, no sample.
"$work/prom_write" none >"$work/none.prom" 2>"$work/none.log"
"$promcheck" "$work/none.prom" >>"$work/none.log" 2>&1 &&
	[ "$(grep -c '^# HELP ' "$work/none.prom")" -eq 5 ] &&
	[ "$(grep -c '^# TYPE ' "$work/none.prom")" -eq 5 ] &&
	[ "$(wc -l <"$work/none.prom")" -eq 10 ]
st=$?
cat "$work/none.prom" >>"$work/none.log"
result $st "no_slots_gives_each_family_without_samples" "$work/none.log"

# promcheck must refuse each of these breakages, or the checks above and
# scripts/check's prove nothing.
: >"$work/broken.log"
i=0
while IFS= read -r edit; do
	i=$((i + 1))
	sed "$edit" "$work/good.prom" >"$work/broken$i.prom"
	if cmp -s "$work/good.prom" "$work/broken$i.prom"; then
		echo "edit did nothing: $edit" >>"$work/broken.log"
	elif "$promcheck" "$work/broken$i.prom" >"$work/broken$i.log" 2>&1; then
		echo "not caught: $edit" >>"$work/broken.log"
	fi
done <<'EOF'
/^# TYPE message_slot_writes_total/d
/^# HELP message_slot_bytes/d
s/^# HELP message_slot_bytes .*/# HELP message_slot_bytes/
s/we\\"ird/we"ird/
s/message_slot_reads_total/message_slot_reads/g
s/message_slot_channels/message_slot_channels_total/g
s/message_slot_open_files/message_slot_openFiles/g
s/ 13$/ thirteen/
s/{slot="slot0",minor="0"} 13$/{slot=slot0} 13/
s/minor="7"} 9$/minor="7" 9/
3p
$a message_slot_channels{slot="late",minor="9"} 1
s/^# TYPE message_slot_bytes gauge/# TYPE message_slot_bytes gauges/
$s/$/\r/
EOF
"$promcheck" "$work/good.prom" >/dev/null 2>&1 || echo "the good exposition is refused" >>"$work/broken.log"
[ ! -s "$work/broken.log" ]
result $? "promcheck_refuses_broken_expositions" "$work/broken.log"

summary prometheus
