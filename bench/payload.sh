#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest side of `make bench`: every measurement in one boot, the module
# reloaded between the big ones so each starts from an empty slot table.
# MSBENCH_QUICK=1 runs the short form.
set -e
q=
sizes="1 1024 65536 1048576"
mem=1048576
if [ "${MSBENCH_QUICK:-0}" = 1 ]; then
	q=--quick
	sizes="1 1024"
	mem=65536
fi
reload() {
	if grep -q '^message_slot ' /proc/modules; then rmmod message_slot; fi
	insmod message_slot.ko
}
echo "BENCH-INFO: kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) vCPUs"
reload
./msbench $q ops
minor=1
for ids in dense random; do
	for n in $sizes; do
		minor=$((minor + 1))
		./msbench $q lookup $ids $n $minor
	done
	reload
done
for ids in dense random; do
	for size in 16 128; do
		reload
		./msbench $q memory $ids $size $mem
	done
done
rmmod message_slot
