#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side install tests (TAP): `make install` into a DESTDIR with a PREFIX
# gives exactly the expected tree (the bash completion included), a module index that finds the module and
# a module built for the release it is filed under; the udev rule, run by
# this machine's udev, gives the nodes the owner, group and mode it
# documents; `make uninstall` leaves no file behind.
# Usage: tests/host/install.sh "REL VMLINUZ KDIR"...  (the first kernel gets
# the whole install; the others install-module by KERNELRELEASE alone)
#
# The udev tests need root: they run `udevadm test` in a private mount
# namespace on a made-up sysfs and /dev (tmpfs), so nothing on the host is
# touched and no module has to be loaded.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$top/tests/lib/result.sh"
# What the man, sysusers and udev tests run, so that a fresh machine runs
# them instead of skipping them.
"$top/scripts/deps" man-db systemd udev util-linux >/dev/null 2>&1 ||
	echo "# install: scripts/deps man-db systemd udev util-linux failed"

[ $# -ge 1 ] || { echo "usage: $0 \"REL VMLINUZ KDIR\"..." >&2; exit 2; }
read -r rel _ kdir <<<"$1"

# A copy of the source tree without build products, as a fresh clone has.
src=$work/src
mkdir -p "$src"
(cd "$top" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$src")

dest=$work/dest
prefix=/usr
mk() { make -C "$src" --no-print-directory "$@"; }

# make_var VAR [MAKE-ARGS...]: the value of a variable of the Makefile.
make_var() {
	local v=$1
	shift
	# shellcheck disable=SC2016 # $(...) is make's, not the shell's
	printf 'print-var:\n\t@echo $(%s)\n' "$v" | mk -s -f Makefile -f - "$@" print-var
}

# What make will install, asked of the Makefile itself.
programs=$(make_var PROGRAMS KDIR="$kdir")

echo "TAP version 13"
echo "1..$((16 + 2 * ($# - 1)))"

# --- the whole install, for the first kernel ---------------------------
mk install DESTDIR="$dest" PREFIX="$prefix" KDIR="$kdir" >"$work/install.log" 2>&1
result $? "make_install_into_destdir_with_prefix" "$work/install.log"

{
	echo "lib/modules/$rel/updates/message_slot.ko"
	echo "lib/udev/rules.d/60-message_slot.rules"
	echo "usr/lib/sysusers.d/message_slot.conf"
	echo "usr/include/linux/message_slot.h"
	echo "usr/include/msgslot.h"
	for l in libmsgslot.so libmsgslot.so.1 libmsgslot.so.1.0.0 pkgconfig/msgslot.pc; do
		echo "${prefix#/}/lib/$l"
	done
	echo "usr/share/bash-completion/completions/slotctl"
	for p in $programs; do echo "usr/bin/$p"; done
	for m in "$src"/Documentation/man/*.[0-9]; do
		echo "usr/share/man/man${m##*.}/${m##*/}"
	done
} | sort >"$work/expected"
# depmod's index files are checked below; everything else must be listed.
(cd "$dest" && find . ! -type d | sed 's|^\./||' | grep -v "^lib/modules/$rel/modules\.") |
	sort >"$work/actual"
diff -u "$work/expected" "$work/actual" >"$work/tree.diff"
result $? "install_tree_is_exactly_module_programs_library_headers_man_udev_sysusers_completion" "$work/tree.diff"

# depmod ran on the DESTDIR: the index lists the module and modinfo, asked
# as modprobe would, resolves the name to the installed file.
ko=$dest/lib/modules/$rel/updates/message_slot.ko
{
	grep -q '^updates/message_slot.ko:' "$dest/lib/modules/$rel/modules.dep" ||
		echo "modules.dep does not list updates/message_slot.ko"
	found=$(modinfo -b "$dest" -k "$rel" -n message_slot 2>&1)
	[ "$found" = "$ko" ] || echo "modinfo -b -k $rel -n message_slot: $found"
	grep -i 'depmod.*warning' "$work/install.log"
} >"$work/index.log" 2>&1
[ ! -s "$work/index.log" ]
result $? "depmod_indexes_the_module_in_destdir_without_warnings" "$work/index.log"

vermagic=$(modinfo -F vermagic "$ko" 2>&1)
echo "vermagic: $vermagic" >"$work/vermagic.log"
[ "${vermagic%% *}" = "$rel" ]
result $? "installed_module_vermagic_is_$rel" "$work/vermagic.log"

: >"$work/modes.log"
for p in $programs; do
	if [ "$(stat -c %a "$dest$prefix/bin/$p")" != 755 ] || [ ! -x "$dest$prefix/bin/$p" ]; then
		stat -c '%n %a' "$dest$prefix/bin/$p" >>"$work/modes.log" 2>&1
	fi
done
for f in "$ko" "$dest$prefix/include/linux/message_slot.h" "$dest/lib/udev/rules.d/60-message_slot.rules" \
	"$dest$prefix"/share/man/man*/* "$dest$prefix/share/bash-completion/completions/slotctl"; do
	[ "$(stat -c %a "$f" 2>&1)" = 644 ] || echo "$f: $(stat -c %a "$f" 2>&1)" >>"$work/modes.log"
done
[ -n "$programs" ] && [ ! -s "$work/modes.log" ]
result $? "programs_0755_data_files_0644" "$work/modes.log"

# Every one of them, not only the last, decides.
{
	st=0
	cmp "$src/include/uapi/linux/message_slot.h" "$dest$prefix/include/linux/message_slot.h" || st=1
	cmp "$src/packaging/udev/60-message_slot.rules" "$dest/lib/udev/rules.d/60-message_slot.rules" || st=1
	cmp "$src/packaging/bash-completion/slotctl" "$dest$prefix/share/bash-completion/completions/slotctl" ||
		st=1
	printf '#include <linux/message_slot.h>\nint main(void) { return MSG_SLOT_CHANNEL == 0; }\n' |
		gcc -std=c11 -Wall -Werror -fsyntax-only -I"$dest$prefix/include" -x c - || st=1
} >"$work/hdr.log" 2>&1
result $st "installed_header_rule_and_completion_are_the_sources_and_header_compiles" "$work/hdr.log"

# man finds each page by its section in the installed tree.
if command -v man >/dev/null; then
	: >"$work/man.log"
	for m in "$src"/Documentation/man/*.[0-9]; do
		name=${m##*/}
		# A link page (".so man3/msgslot_send.3") is shown as its target.
		want=$(sed -n '1s|^\.so man[0-9]/||p' "$m")
		got=$(man -M "$dest$prefix/share/man" -w "${name##*.}" "${name%.*}" 2>&1)
		[ "$got" = "$dest$prefix/share/man/man${name##*.}/${want:-$name}" ] ||
			echo "man -w ${name##*.} ${name%.*}: $got" >>"$work/man.log"
	done
	[ ! -s "$work/man.log" ]
	result $? "man_finds_every_page_in_its_section" "$work/man.log"
else
	skip "man_finds_every_page_in_its_section" "no man"
fi

# The sysusers.d file makes the group the rule names.
if command -v systemd-sysusers >/dev/null; then
	mkdir -p "$work/sysroot/etc"
	systemd-sysusers --root="$work/sysroot" "$dest/usr/lib/sysusers.d/message_slot.conf" \
		>"$work/sysusers.log" 2>&1 &&
		grep -q '^msgslot:' "$work/sysroot/etc/group"
	result $? "sysusers_file_creates_group_msgslot" "$work/sysusers.log"
else
	skip "sysusers_file_creates_group_msgslot" "no systemd-sysusers"
fi

# --- the udev rule, run by udev ------------------------------------------
# udev_run RULE GROUP OUT: in a private mount namespace, fake the sysfs
# entries and /dev nodes the module makes (a slot, 235:0, mode 0600 as the
# kernel creates it; the control node, misc, deliberately 0666 root:GROUP so
# only the rule can make it 0600), install RULE, add group msgslot to
# /etc/group unless GROUP is "nogroup", run `udevadm test` on both devices.
# Leaves OUT.log (udevadm's output) and OUT.stat ("node user:group mode").
udev_run() {
	local rule=$1 group=$2 out=$3 gid=990
	while getent group "$gid" >/dev/null; do gid=$((gid + 1)); done
	unshare -m --propagation private bash -es "$rule" "$group" "$out" "$gid" <<'EOF'
rule=$1 group=$2 out=$3 gid=$4
mount -t tmpfs sys /sys
mk_dev() { # mk_dev DEVPATH CLASS NAME MAJOR MINOR DEVNAME
	local d=/sys/devices/virtual/$1
	mkdir -p "$d" "/sys/class/$2"
	printf 'MAJOR=%s\nMINOR=%s\nDEVNAME=%s\nDEVMODE=0600\n' "$4" "$5" "$6" >"$d/uevent"
	echo "$4:$5" >"$d/dev"
	ln -s "../../../../class/$2" "$d/subsystem"
	ln -s "../../devices/virtual/$1" "/sys/class/$2/$3"
}
mk_dev message_slot/slot0 message_slot slot0 235 0 message_slot/slot0
mk_dev misc/message_slot_control misc message_slot_control 10 120 message_slot/control
mount -t tmpfs run /run
mkdir -p /run/udev/rules.d
cp "$rule" /run/udev/rules.d/60-message_slot.rules
# A local copy of the rule in /etc would shadow the one under test.
[ -d /etc/udev/rules.d ] && mount -t tmpfs rules /etc/udev/rules.d
cp /etc/group /run/group
[ "$group" = nogroup ] || echo "msgslot:x:$gid:" >>/run/group
mount --bind /run/group /etc/group
mount -t tmpfs dev /dev
mkdir /dev/message_slot
mknod -m 0600 /dev/message_slot/slot0 c 235 0
mknod -m 0666 /dev/message_slot/control c 10 120
[ "$group" = nogroup ] || chgrp msgslot /dev/message_slot/control
for d in message_slot/slot0 misc/message_slot_control; do
	SYSTEMD_DEVICE_VERIFY_SYSFS=0 udevadm test --action=add "/sys/devices/virtual/$d" 2>&1 || true
done >"$out.log"
stat -c '%n %U:%G %a' /dev/message_slot/slot0 /dev/message_slot/control >"$out.stat"
EOF
}

# Lines udev prints about the rule file itself (not "slot0: FILE:LINE GROUP")
# are its complaints: unknown keys, bad operators, missing labels, groups.
udev_complaints() { # udev_complaints OUT
	grep -E '^/run/udev/rules\.d/60-message_slot\.rules:' "$1.log"
}

# udev_verdict OUT GROUP: "ok" when the rule loaded without a complaint and
# the nodes ended as documented, otherwise what went wrong.
udev_verdict() {
	udev_complaints "$1" && return 1
	grep -qx "/dev/message_slot/slot0 root:$2 660" "$1.stat" &&
		grep -qx "/dev/message_slot/control root:root 600" "$1.stat"
}

rule=$dest/lib/udev/rules.d/60-message_slot.rules
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null || ! command -v udevadm >/dev/null; then
	for t in udev_rule_loads_without_complaint udev_rule_gives_slots_to_msgslot_0660 \
		udev_rule_makes_control_root_0600 udev_rule_without_group_keeps_slots_root_only \
		udev_check_catches_broken_rules; do
		skip "$t" "needs root, unshare and udevadm"
	done
else
	udev_run "$rule" msgslot "$work/udev" >"$work/udev.err" 2>&1
	cat "$work/udev.err" "$work/udev.stat" >>"$work/udev.log" 2>/dev/null
	udev_complaints "$work/udev" >"$work/udev.complaints"
	[ -s "$work/udev.stat" ] && [ ! -s "$work/udev.complaints" ]
	result $? "udev_rule_loads_without_complaint" "$work/udev.log"
	grep -qx "/dev/message_slot/slot0 root:msgslot 660" "$work/udev.stat" 2>/dev/null
	result $? "udev_rule_gives_slots_to_msgslot_0660" "$work/udev.log"
	grep -qx "/dev/message_slot/control root:root 600" "$work/udev.stat" 2>/dev/null
	result $? "udev_rule_makes_control_root_0600" "$work/udev.log"

	# Without the group, udev complains and the slot stays root's alone.
	udev_run "$rule" nogroup "$work/nogroup" >>"$work/nogroup.log" 2>&1
	cat "$work/nogroup.stat" >>"$work/nogroup.log" 2>/dev/null
	grep -qx "/dev/message_slot/slot0 root:root 660" "$work/nogroup.stat" 2>/dev/null &&
		grep -qx "/dev/message_slot/control root:root 600" "$work/nogroup.stat"
	result $? "udev_rule_without_group_keeps_slots_root_only" "$work/nogroup.log"

	# The check above must fail on broken rules, or it proves nothing.
	: >"$work/broken.log"
	i=0
	for edit in 's/GROUP="msgslot"/GRUOP="msgslot"/' 's/KERNEL=="slot/KERNEL="slot/' \
		's/MODE="0660"/MODE="0660/' 's/^LABEL=.*//' 's/KERNEL=="message_slot_control"/KERNEL=="message-slot-control"/'; do
		i=$((i + 1))
		sed "$edit" "$rule" >"$work/broken$i.rules"
		cmp -s "$rule" "$work/broken$i.rules" && { echo "edit did nothing: $edit" >>"$work/broken.log"; continue; }
		udev_run "$work/broken$i.rules" msgslot "$work/broken$i" >/dev/null 2>&1
		udev_verdict "$work/broken$i" msgslot >/dev/null &&
			echo "not caught: $edit" >>"$work/broken.log"
	done
	udev_verdict "$work/udev" msgslot >/dev/null || echo "the good rule fails the verdict" >>"$work/broken.log"
	[ ! -s "$work/broken.log" ]
	result $? "udev_check_catches_broken_rules" "$work/broken.log"
fi

# --- uninstall -----------------------------------------------------------
mk uninstall DESTDIR="$dest" PREFIX="$prefix" KDIR="$kdir" >"$work/uninstall.log" 2>&1
st=$?
(cd "$dest" && find . ! -type d) >>"$work/uninstall.log"
[ "$st" -eq 0 ] && [ -z "$(find "$dest" ! -type d)" ]
result $? "make_uninstall_leaves_no_file" "$work/uninstall.log"

# --- the other kernels: KERNELRELEASE alone picks their headers ----------
shift
last_rel=$rel
for k in "$@"; do
	read -r krel _ _ <<<"$k"
	d=$work/dest-$krel
	mk install-module DESTDIR="$d" KERNELRELEASE="$krel" >"$work/im.log" 2>&1
	st=$?
	vm=$(modinfo -F vermagic "$d/lib/modules/$krel/updates/message_slot.ko" 2>&1)
	echo "vermagic: $vm" >>"$work/im.log"
	[ "$st" -eq 0 ] && [ "${vm%% *}" = "$krel" ] &&
		grep -q '^updates/message_slot.ko:' "$d/lib/modules/$krel/modules.dep"
	result $? "install_module_by_kernelrelease_alone_$krel" "$work/im.log"
	mk uninstall-module DESTDIR="$d" KERNELRELEASE="$krel" >"$work/um.log" 2>&1
	st=$?
	(cd "$d" && find . ! -type d) >>"$work/um.log"
	[ "$st" -eq 0 ] && [ -z "$(find "$d" ! -type d)" ]
	result $? "uninstall_module_leaves_no_file_$krel" "$work/um.log"
	last_rel=$krel
done

# A module built for one kernel is never filed under another: the tree now
# holds a build for $last_rel, so ask for it under the first release.
if [ "$last_rel" != "$rel" ]; then
	d=$work/dest-mismatch
	mk install-module DESTDIR="$d" KDIR="/lib/modules/$last_rel/build" KERNELRELEASE="$rel" \
		>"$work/mis.log" 2>&1
	st=$?
	(cd "$d" 2>/dev/null && find . ! -type d) >>"$work/mis.log"
	[ "$st" -ne 0 ] && grep -q "is built for kernel $last_rel, not $rel; rebuild it" "$work/mis.log" &&
		[ -z "$(find "$d" ! -type d 2>/dev/null)" ]
	result $? "install_module_refuses_a_module_built_for_another_release" "$work/mis.log"
else
	skip "install_module_refuses_a_module_built_for_another_release" "one kernel"
fi

# Without KDIR or KERNELRELEASE the release is KDIR's, never `uname -r`:
# Debian 12's 6.1 headers say 6.1.192 in include/config/kernel.release.
got=$(make_var KERNELRELEASE KDIR="$kdir" 2>&1)
echo "KDIR=$kdir gives KERNELRELEASE=$got" >"$work/rel.log"
[ "$got" = "$rel" ]
result $? "kernelrelease_defaults_to_the_release_of_kdir" "$work/rel.log"

summary install
