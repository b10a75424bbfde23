#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# packaged.sh - the Debian packages' programs and DKMS-built module in a
# QEMU guest: the payload of vm/run-vm (root, busybox sh, cwd /work), run by
# scripts/check after tests/host/deb.sh staged them (build/pkgroot/).
#
# The files are where the packages install them: /usr/bin/slotctl,
# message_sender, message_reader (message-slot-utils),
# /usr/lib/<multiarch>/libmsgslot.so.1 (libmsgslot1), and the module DKMS
# built for this kernel at /lib/modules/$(uname -r)/updates/dkms/; /work
# holds tests/. The dynamic loader must find libmsgslot.so.1 in its default
# directories, without ld.so.cache. Checks that, that the module loads and
# is the packages' version, then runs tests/programs/test_slotctl.sh
# against the installed programs and module. The last line is exactly
#
#	PACKAGED: N passed, M failed
#
# (", K skipped" follows when tests were skipped; see tests/lib/suite.sh).
#
# Environment: MS_VERSION (the packages' version, required), MS_MAJOR,
# MS_SHELL_TIMEOUT (test_slotctl.sh's limit, default 300 s), CI.
#
#   vm/run-vm --kernel /boot/vmlinuz-$V --env MS_VERSION=0.6 \
#       --add build/pkgroot/files/usr/lib/x86_64-linux-gnu/libmsgslot.so.1=/usr/lib/x86_64-linux-gnu/libmsgslot.so.1 \
#       --add build/pkgroot/files/usr/bin/slotctl=/usr/bin/slotctl ... \
#       --add build/pkgroot/$V/message_slot.ko=/lib/modules/$V/updates/dkms/message_slot.ko \
#       --add tests --payload tests/guest/packaged.sh

work=${MS_WORK:-/work}
tests=$work/tests
cd "$work" || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ms-packaged.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$tests/lib/suite.sh"

ko=/lib/modules/$(uname -r)/updates/dkms/message_slot.ko
version=${MS_VERSION:-}
echo "# message_slot packages on $(uname -r): $ko, /usr/bin"

# run-vm copies the host's /etc/ld.so.cache, which need not (and, the
# packages purged, does not) list libmsgslot.so.1: the programs run with
# the loader's cache inhibited too, so that what finds it is the loader's
# default path, as on a system where ldconfig has not run yet.
interp=
for f in /lib64/ld-linux*.so.* /lib/ld-linux*.so.*; do
	[ -e "$f" ] && interp=$f && break
done
for prog in slotctl message_sender message_reader; do
	if /usr/bin/$prog --help >"$tmp/help" 2>&1 &&
		[ -n "$interp" ] && "$interp" --inhibit-cache /usr/bin/$prog --help >>"$tmp/help" 2>&1; then
		pass "/usr/bin/$prog runs and finds libmsgslot.so.1, ld.so.cache inhibited or not"
	else
		echo "# loader '$interp'"
		sed 's/^/# /' "$tmp/help" | tail -n 5
		fail "/usr/bin/$prog runs and finds libmsgslot.so.1, ld.so.cache inhibited or not"
	fi
done

# The module DKMS built loads, and is of the packages' version.
if insmod "$ko" ${MS_MAJOR:+major=$MS_MAJOR} 2>"$tmp/insmod"; then
	pass "insmod $ko"
	mver=$(cat /sys/module/message_slot/version 2>/dev/null)
	if [ -n "$version" ] && [ "$mver" = "$version" ]; then
		pass "the packaged module is version $version"
	else
		fail "the packaged module is version '$version': /sys/module/message_slot/version says '$mver'"
	fi
	rmmod message_slot || fail "rmmod message_slot"
else
	sed 's/^/# /' "$tmp/insmod"
	fail "insmod $ko"
	fail "the packaged module is version '$version': it did not load"
fi

SLOTCTL=/usr/bin/slotctl SENDER=/usr/bin/message_sender READER=/usr/bin/message_reader MS_KO=$ko
export SLOTCTL SENDER READER MS_KO
run_tap programs/test_slotctl.sh -t "${MS_SHELL_TIMEOUT:-300}" \
	sh "$tests/programs/test_slotctl.sh"
if grep -q '^message_slot ' /proc/modules; then
	fail "message_slot still loaded after test_slotctl.sh"
fi

if [ "$skipped" -gt 0 ]; then
	echo "PACKAGED: $passed passed, $failed failed, $skipped skipped"
else
	echo "PACKAGED: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
