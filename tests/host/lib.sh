#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side libmsgslot tests (TAP): the shared library exports msgslot_*
# only, in version MSGSLOT_1, under soname libmsgslot.so.1; its ABI is
# the one recorded in utils/libmsgslot/libmsgslot.abi (abidiff: no symbol
# removed or changed; additions are allowed), and that check fails when a
# symbol goes; `make install-lib` installs exactly the library, its links,
# msgslot.h, msgslot.pc and the section 3 pages, and uninstall-lib takes
# them away; the example builds with `pkg-config --cflags --libs msgslot`
# and runs against the installed library; `make LINK=shared` links the
# programs to it; the default build links the classic programs to neither
# libmsgslot.so nor libudev.
# The library's behaviour against the module is tests/libmsgslot/msgslot_test.c,
# in the guests. Usage: tests/host/lib.sh
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$top/tests/lib/result.sh"
cd "$top" || exit 1

echo "TAP version 13"
echo "1..11"
"$top/scripts/deps" abigail-tools pkg-config binutils >"$work/deps.log" 2>&1
result $? "abigail_tools_and_pkg_config_are_installed" "$work/deps.log"

# A copy of the tree as a user has it, so that rebuilds here touch nothing.
src=$work/src
mkdir -p "$src"
git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$src"
make -s -C "$src" lib programs >"$work/build.log" 2>&1
result $? "make_lib_builds_the_shared_and_static_library" "$work/build.log"
so=$src/libmsgslot.so.1.0.0

{
	readelf -d "$so" | grep -F 'Library soname: [libmsgslot.so.1]' >/dev/null ||
		echo "soname is not libmsgslot.so.1: $(readelf -d "$so" | grep SONAME)"
} >"$work/soname.log" 2>&1
[ ! -s "$work/soname.log" ]
result $? "soname_is_libmsgslot_so_1" "$work/soname.log"

# Every defined dynamic symbol is msgslot_*@@MSGSLOT_1 (or the version
# itself), and they are exactly the ones libmsgslot.map lists.
nm -D --defined-only "$so" | awk '{ print $3 }' | sort >"$work/exported"
sed -n 's/^\t\(msgslot_[a-z_]*\);$/\1@@MSGSLOT_1/p' utils/libmsgslot/libmsgslot.map |
	sort >"$work/listed"
echo MSGSLOT_1 >>"$work/listed"
sort -o "$work/listed" "$work/listed"
diff "$work/listed" "$work/exported" >"$work/exports.log" 2>&1
result $? "exports_exactly_the_listed_msgslot_symbols_versioned" "$work/exports.log"

abidiff --no-added-syms utils/libmsgslot/libmsgslot.abi "$so" >"$work/abi.log" 2>&1
result $? "abi_matches_the_recorded_one" "$work/abi.log"

# The same check on a library that lost msgslot_wait must fail.
sed -i '/msgslot_wait;/d' "$src/utils/libmsgslot/libmsgslot.map"
rm -f "$so"
make -s -C "$src" lib >"$work/broken.log" 2>&1 &&
	! abidiff --no-added-syms utils/libmsgslot/libmsgslot.abi "$so" >>"$work/broken.log" 2>&1
result $? "abi_check_fails_when_a_symbol_is_removed" "$work/broken.log"
cp utils/libmsgslot/libmsgslot.map "$src/utils/libmsgslot/libmsgslot.map"
rm -f "$so"
make -s -C "$src" lib >>"$work/build.log" 2>&1

# install-lib: exactly these files, under DESTDIR.
dest=$work/dest
make -s -C "$src" install-lib DESTDIR="$dest" PREFIX=/usr LIBDIR=/usr/lib/x86_64-linux-gnu \
	>"$work/install.log" 2>&1
{
	echo "/usr/include/msgslot.h"
	for l in libmsgslot.so libmsgslot.so.1 libmsgslot.so.1.0.0 pkgconfig/msgslot.pc; do
		echo "/usr/lib/x86_64-linux-gnu/$l"
	done
	for m in Documentation/man/*.3; do echo "/usr/share/man/man3/${m##*/}"; done
} | sort >"$work/want-files"
(cd "$dest" && find . ! -type d | sed 's|^\.||' | sort) >"$work/got-files"
diff "$work/want-files" "$work/got-files" >>"$work/install.log" 2>&1 &&
	[ "$(readlink "$dest/usr/lib/x86_64-linux-gnu/libmsgslot.so")" = libmsgslot.so.1 ] &&
	grep -qx 'libdir=/usr/lib/x86_64-linux-gnu' "$dest/usr/lib/x86_64-linux-gnu/pkgconfig/msgslot.pc"
result $? "install_lib_installs_the_library_header_pc_and_man3" "$work/install.log"

# The example, built the way its comment and the docs say, against the
# staged installation, and run: without a module it must say why.
export PKG_CONFIG_PATH=$dest/usr/lib/x86_64-linux-gnu/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest
{
	flags=$(pkg-config --cflags --libs msgslot) && echo "pkg-config: $flags" &&
		# shellcheck disable=SC2086
		cc -std=c11 -Wall -Wextra -Werror -o "$work/example" \
			Documentation/examples/msgslot_example.c $flags &&
		LD_LIBRARY_PATH=$dest/usr/lib/x86_64-linux-gnu ldd "$work/example" |
		grep -F "$dest/usr/lib/x86_64-linux-gnu/libmsgslot.so.1" &&
		! LD_LIBRARY_PATH=$dest/usr/lib/x86_64-linux-gnu "$work/example" slot0 2>"$work/ex.err" &&
		grep -Fx 'slot0: No such device' "$work/ex.err"
} >"$work/example.log" 2>&1
result $? "example_builds_with_pkg_config_and_runs" "$work/example.log"
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

make -s -C "$src" uninstall-lib DESTDIR="$dest" PREFIX=/usr LIBDIR=/usr/lib/x86_64-linux-gnu \
	>"$work/uninstall.log" 2>&1
{ [ ! -e "$dest" ] || find "$dest" -mindepth 1 | sed "s/^/left: /"; } >>"$work/uninstall.log"
! grep -q '^left:' "$work/uninstall.log"
result $? "uninstall_lib_leaves_nothing" "$work/uninstall.log"

# The default build: the classic programs need neither libmsgslot.so nor
# libudev; slotctl has libmsgslot inside.
{
	for p in message_sender message_reader slotctl; do
		readelf -d "$src/$p" | grep -F 'libmsgslot' && echo "$p needs libmsgslot.so"
	done
	for p in message_sender message_reader; do
		readelf -d "$src/$p" | grep -F 'libudev' && echo "$p needs libudev"
	done
} >"$work/static.log" 2>&1
! grep -q needs "$work/static.log"
result $? "default_build_links_libmsgslot_statically" "$work/static.log"

# make LINK=shared: all three programs need libmsgslot.so.1.
make -s -C "$src" clean >/dev/null 2>&1
make -s -C "$src" programs LINK=shared >"$work/shared.log" 2>&1
for p in message_sender message_reader slotctl; do
	readelf -d "$src/$p" | grep -qF 'Shared library: [libmsgslot.so.1]' ||
		echo "$p does not need libmsgslot.so.1" >>"$work/shared.log"
done
! grep -q 'does not need' "$work/shared.log" &&
	LD_LIBRARY_PATH=$src "$src/slotctl" --version >>"$work/shared.log" 2>&1
result $? "link_shared_links_every_program_to_libmsgslot_so_1" "$work/shared.log"

summary lib
