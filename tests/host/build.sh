#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side build tests (TAP): the seed's `make` / `make clean` from the top
# of the tree, warning-free builds with W=1 on every kernel, and the uapi
# header in user space. Usage: tests/host/build.sh "REL VMLINUZ KDIR"...
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$top/tests/lib/result.sh"

# A copy of the source tree without build products, as a fresh clone has.
src=$work/src
mkdir -p "$src"
(cd "$top" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$src")
find "$src" -type f | sort >"$work/before"

echo "TAP version 13"
echo "1..$((9 + $#))"

(cd "$src" && make) >"$work/make.log" 2>&1
st=$?
for f in message_slot.ko message_sender message_reader; do
	[ -f "$src/$f" ] || { echo "missing $f after make" >>"$work/make.log"; st=1; }
done
result $st "make_leaves_module_and_programs_at_top" "$work/make.log"

# Which headers, and when the running kernel has none, the package to install.
running=$(uname -r)
if [ -e "/lib/modules/$running/build/Makefile" ]; then
	grep -qx "message_slot: building against /lib/modules/$running/build" "$work/make.log"
else
	grep -qx "message_slot: no headers for the running kernel $running (install linux-headers-$running to build for it); building against /lib/modules/.*/build" "$work/make.log"
fi
result $? "make_names_the_kernel_it_builds_for" "$work/make.log"

(cd "$src" && make clean) >"$work/clean.log" 2>&1
find "$src" -type f | sort >"$work/after"
diff "$work/before" "$work/after" >>"$work/clean.log"
result $? "make_clean_removes_every_build_product" "$work/clean.log"

for k in "$@"; do
	read -r rel _ kdir <<<"$k"
	(cd "$src" && make clean >/dev/null 2>&1; make module KDIR="$kdir" W=1) >"$work/w1.log" 2>&1
	st=$?
	grep -i "warning" "$work/w1.log" && st=1
	result $st "module_builds_without_warnings_w1_$rel" "$work/w1.log"
done

# 32-bit kernels lack the 64-bit acquire/release the driver needs: the
# build stops with a reason (the kernel's config seen without CONFIG_64BIT),
# and DKMS skips such kernels.
read -r _ _ kdir <<<"${1:-x x /lib/modules/$(uname -r)/build}"
(cd "$src" && make clean >/dev/null 2>&1; make module KDIR="$kdir" CONFIG_64BIT=) >"$work/b32.log" 2>&1
st=$?
if [ "$st" -eq 0 ] || ! grep -q 'message_slot: needs a 64-bit kernel (CONFIG_64BIT=y)' "$work/b32.log" ||
	! grep -qx 'BUILD_EXCLUSIVE_CONFIG="CONFIG_64BIT"' "$src/dkms.conf"; then
	st=1
else
	st=0
fi
result $st "module_build_refuses_a_32_bit_kernel" "$work/b32.log"

(cd "$src" && make clean >/dev/null 2>&1 && make programs CFLAGS="-O2 -Wall -Wextra -Werror") >"$work/prog.log" 2>&1
result $? "programs_build_with_wall_wextra_werror" "$work/prog.log"

# make programs where neither libudev nor kernel headers are installed:
# libudev.h is one that stops any compiler reading it (CPATH comes before
# the system's directories), and, in a mount namespace where that is
# allowed, /lib/modules and /usr/src are empty. message_sender and
# message_reader must build, link only libc, and slotctl be skipped with
# the package to install.
poison=$work/no-libudev
mkdir -p "$poison"
echo '#error libudev is not installed here' >"$poison/libudev.h"
plain() {
	cd "$src" && make clean >/dev/null 2>&1 && CPATH=$poison make programs
}
if unshare -rm true 2>/dev/null; then
	export -f plain
	export src poison
	unshare -rm bash -c 'mount -t tmpfs none /lib/modules && mount -t tmpfs none /usr/src && plain' >"$work/plain.log" 2>&1
else
	echo "# unshare -rm not permitted: kernel headers stay visible" >"$work/plain.log"
	plain >>"$work/plain.log" 2>&1
fi
st=$?
for f in message_sender message_reader; do
	[ -x "$src/$f" ] || { echo "missing $f" >>"$work/plain.log"; st=1; }
	if readelf -d "$src/$f" 2>&1 | grep NEEDED | grep -v 'libc\.so' >>"$work/plain.log"; then
		echo "$f links more than libc" >>"$work/plain.log"
		st=1
	fi
done
[ ! -e "$src/slotctl" ] || { echo "slotctl built without libudev?" >>"$work/plain.log"; st=1; }
grep -q "slotctl and libmsgslot not built: they need libudev (apt-get install libudev-dev)" "$work/plain.log" || st=1
grep -qi "warning\|kernel headers" "$work/plain.log" && st=1
result $st "make_programs_needs_no_libudev_nor_kernel_headers" "$work/plain.log"

# scripts/kernels over a made-up /boot and /lib/modules, with an apt-get
# that always fails: the lanes read its lines through a pipe, so when
# installing a kernel fails it must print none, not a shorter list.
fake=$work/kroot
stubs=$work/stubs
mkdir -p "$stubs" "$fake/boot"
printf '#!/bin/sh\necho "apt-get: stub refuses $*" >&2\nexit 100\n' >"$stubs/apt-get"
printf '#!/bin/sh\necho "linux-image-6.12.99+deb12-amd64-unsigned - Linux 6.12"\n' >"$stubs/apt-cache"
chmod +x "$stubs/apt-get" "$stubs/apt-cache"
fake_kernel() { # fake_kernel REL
	mkdir -p "$fake/lib/modules/$1/build"
	: >"$fake/lib/modules/$1/build/Makefile"
	: >"$fake/boot/vmlinuz-$1"
}
fake_kernel 6.1.0-99-amd64
fake_kernel 6.1.0-99-rt-amd64
MS_KERNELS_ROOT=$fake PATH=$stubs:$PATH "$top/scripts/kernels" >"$work/kernels.out" 2>"$work/kernels.log"
st=$?
{ echo "exit status $st; stdout:"; cat "$work/kernels.out"; } >>"$work/kernels.log"
[ "$st" -ne 0 ] && [ ! -s "$work/kernels.out" ]
result $? "kernels_prints_nothing_when_a_kernel_cannot_be_installed" "$work/kernels.log"

fake_kernel 6.12.99+deb12-amd64
MS_KERNELS_ROOT=$fake PATH=$stubs:$PATH "$top/scripts/kernels" >"$work/kernels.out" 2>"$work/kernels.log"
st=$?
printf '%s\n' "6.1.0-99-amd64 $fake/boot/vmlinuz-6.1.0-99-amd64 $fake/lib/modules/6.1.0-99-amd64/build" \
	"6.12.99+deb12-amd64 $fake/boot/vmlinuz-6.12.99+deb12-amd64 $fake/lib/modules/6.12.99+deb12-amd64/build" >"$work/kernels.want"
diff "$work/kernels.want" "$work/kernels.out" >>"$work/kernels.log"
[ "$st" -eq 0 ] && cmp -s "$work/kernels.want" "$work/kernels.out"
result $? "kernels_lists_6_1_and_6_12_not_rt" "$work/kernels.log"

st=0
for std in c90 c11; do
	printf '#include <linux/message_slot.h>\nint main(void) { return MSG_SLOT_CHANNEL == 0 || BUF_LEN != 128 || MAJOR_NUM != 235; }\n' |
		gcc -std=$std -pedantic -Wall -Wextra -Werror -fsyntax-only -I"$top/include/uapi" -x c - >>"$work/hdr.log" 2>&1 || st=1
done
result $st "uapi_header_compiles_as_c90_and_c11_pedantic" "$work/hdr.log"

summary host
