#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of the Debian packages (TAP): `make deb` builds them with
# Debian's tooling; lintian finds no error and no warning in any of them;
# apt-get installs the four on this machine, where DKMS builds the module
# for every installed kernel with headers (at least the given ones); every
# file dpkg -L lists is there, the versions agree; then what a guest needs
# is staged in build/pkgroot/ (tests/guest/packaged.sh runs the packaged
# programs and module there, from scripts/check) before apt-get purge takes
# it all away again, leaving nothing behind.
# Usage: tests/host/deb.sh "REL VMLINUZ KDIR"...
#
# Needs root. It skips the tests that install (counted, failures under CI)
# when message_slot is already registered with DKMS (tests/host/dkms.sh's
# `make dkms-install`, or a user's) or a message_slot package is already
# installed: that installation is someone's, and purging would remove it.
#
# build/pkgroot/files/ holds the contents of message-slot-utils and
# libmsgslot1 (dpkg-deb -x), build/pkgroot/REL/message_slot.ko the module
# DKMS built for REL (uncompressed).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
. "$top/tests/lib/result.sh"

. "$top/tests/lib/releases.sh"
pkgs=(message-slot-dkms message-slot-utils libmsgslot1 libmsgslot-dev)
# make deb, lintian (4 + the rest), then the installing tests.
installing=$((1 + 4 + 2 + 2 * ${#rels[@]} + 1 + 1 + 1 + 1))
planned=$((1 + 5 + installing))

echo "TAP version 13"
if [ "$(id -u)" -ne 0 ]; then
	skip_all "$planned" "needs root"
	rm -rf "$work"
	summary deb
	exit
fi
echo "1..$planned"

deb=$top/build/deb
pkgroot=$top/build/pkgroot
# What an earlier run staged is never what the guests get from this one.
rm -rf "$pkgroot"
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
declare -A debf=()
for p in "${pkgs[@]}"; do
	a=$arch
	[ "$p" = message-slot-dkms ] && a=all
	debf[$p]=$deb/${p}_${version}_$a.deb
done

# --- build ----------------------------------------------------------------
start=$(date +%s)
LINTIAN=0 make -C "$top" --no-print-directory deb >"$work/build.log" 2>&1
st=$?
for p in "${pkgs[@]}"; do
	ls "${debf[$p]}" >>"$work/build.log" 2>&1 || st=1
done
echo "make deb: $(($(date +%s) - start)) s" >>"$work/build.log"
result $st "make_deb_builds_the_four_packages" "$work/build.log"

# One lintian run over the .changes (source, buildinfo, every .deb); each
# package's tags are its lines ("W: PACKAGE[ TYPE]: tag ...").
lintian --fail-on error,warning "$deb/message-slot_${version}_$arch.changes" \
	>"$work/lintian.log" 2>"$work/lintian.err"
lintian_rc=$?
for p in "${pkgs[@]}"; do
	grep -E "^[EW]: $p( [a-z]+)?: " "$work/lintian.log" >"$work/lintian.$p"
	[ -e "${debf[$p]}" ] && [ ! -s "$work/lintian.$p" ]
	result $? "lintian_clean_$p" "$work/lintian.$p"
done
# The source package, the .changes and .buildinfo, the -dbgsym package,
# and lintian's own exit status.
grep -E '^[EW]: ' "$work/lintian.log" | grep -vE "^[EW]: ($(
	IFS='|'
	echo "${pkgs[*]}"
))( [a-z]+)?: " >"$work/lintian.rest"
cat "$work/lintian.err" >>"$work/lintian.rest"
[ "$lintian_rc" -eq 0 ] && ! grep -qE '^[EW]: ' "$work/lintian.rest"
result $? "lintian_clean_source_changes_buildinfo_dbgsym" "$work/lintian.rest"

# --- install: only where no one else's message_slot is ---------------------
# DKMS first, so that installing the packages pulls in nothing that purging
# them would leave.
theirs=
"$top/scripts/deps" dkms >"$work/deps.log" 2>&1 || theirs="cannot install dkms: $(tail -n 1 "$work/deps.log")"
if dkms status 2>/dev/null | grep -q '^message_slot/'; then
	theirs="message_slot is already registered with DKMS; not touching it"
fi
for p in "${pkgs[@]}"; do
	if dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -qv '^unknown\|not-installed'; then
		theirs="$p is already installed; not touching it"
	fi
done
if [ -n "$theirs" ] || [ "$st" -ne 0 ]; then
	[ -n "$theirs" ] || theirs="make deb failed"
	for ((i = 0; i < installing; i++)); do
		skip "install_test_$((i + 1))" "$theirs"
	done
	rm -rf "$work"
	summary deb
	exit
fi

# What must be the same afterwards: each kernel's module directory, the
# DKMS tree, /usr/src and the group. (Not the whole package list: others
# may install packages meanwhile; the install test checks that apt-get
# set up the four packages and nothing else.)
snapshot() {
	local r
	for r in "${rels[@]}"; do
		(cd "/lib/modules/$r" && find . -path ./kernel -prune -o -print | sort &&
			md5sum modules.* 2>/dev/null)
	done
	find /var/lib/dkms /usr/src -maxdepth 1 | sort
	getent group msgslot
}
snapshot >"$work/before"
# DKMS makes its MOK pair on first use, the postinst the group: purging
# leaves both (Debian keeps system groups), so the test removes them when
# it made them.
mok_made=
[ -e /var/lib/dkms/mok.key ] || [ -e /var/lib/dkms/mok.pub ] || mok_made=1
group_made=
getent group msgslot >/dev/null || group_made=1
installed=
forget() {
	[ -n "$mok_made" ] && rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	[ -n "$group_made" ] && getent group msgslot >/dev/null && groupdel msgslot
}
cleanup() {
	[ -n "$installed" ] && apt-get purge -y -q "${pkgs[@]}" >/dev/null 2>&1
	forget
	rm -rf "$work"
}
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
lock=(-o DPkg::Lock::Timeout=600)
debs=()
for p in "${pkgs[@]}"; do
	debs+=("${debf[$p]}")
done
start=$(date +%s)
installed=1
apt-get install -y -q "${lock[@]}" --no-install-recommends "${debs[@]}" >"$work/install.log" 2>&1
st=$?
echo "apt-get install: $(($(date +%s) - start)) s" >>"$work/install.log"
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Package} ${Version} ${Status}\n' "$p" >>"$work/install.log" 2>&1
	[ "$(dpkg-query -W -f='${Version} ${Status}' "$p" 2>/dev/null)" = "$version install ok installed" ] || st=1
done
# Nothing else pulled in, which purging them would leave behind.
sed -n 's/^Setting up \([^: ]*\).*/\1/p' "$work/install.log" | sort >"$work/set-up"
printf '%s\n' "${pkgs[@]}" | sort | diff -u - "$work/set-up" >>"$work/install.log" || st=1
result $st "apt_get_install_the_four_packages" "$work/install.log"

# Every path dpkg -L lists exists, and the ones each package is for.
declare -A want=(
	[message-slot-dkms]="/usr/src/message_slot-$version/dkms.conf /usr/src/message_slot-$version/driver/Kbuild"
	[message-slot-utils]="/usr/bin/slotctl /usr/bin/message_sender /usr/bin/message_reader
		/usr/share/man/man1/slotctl.1.gz /usr/share/man/man4/message_slot.4.gz
		/lib/udev/rules.d/60-message_slot.rules /usr/lib/sysusers.d/message_slot.conf
		/usr/share/bash-completion/completions/slotctl"
	[libmsgslot1]="/usr/lib/$multiarch/libmsgslot.so.1"
	[libmsgslot-dev]="/usr/include/msgslot.h /usr/include/linux/message_slot.h
		/usr/lib/$multiarch/libmsgslot.so /usr/lib/$multiarch/pkgconfig/msgslot.pc
		/usr/share/man/man3/msgslot.3.gz /usr/share/man/man3/msgslot_send.3.gz"
)
: >"$work/all-files"
for p in "${pkgs[@]}"; do
	log=$work/files.$p
	dpkg -L "$p" >"$work/list.$p" 2>&1
	st=$?
	cat "$work/list.$p" >>"$work/all-files"
	while IFS= read -r f; do
		[ -e "$f" ] || [ -L "$f" ] || { echo "missing: $f" >>"$log"; st=1; }
	done <"$work/list.$p"
	for f in ${want[$p]}; do
		grep -qxF "$f" "$work/list.$p" || { echo "not in the package: $f" >>"$log"; st=1; }
	done
	result $st "files_of_${p}_are_installed" "$log"
done

# One version throughout: the changelog's is slotctl's, the library's and
# the pkg-config file's.
{
	/usr/bin/slotctl --version
	pkg-config --modversion msgslot
} >"$work/version.log" 2>&1
grep -q "$version" <(head -n 1 "$work/version.log") &&
	[ "$(tail -n 1 "$work/version.log")" = "$version" ]
result $? "slotctl_and_msgslot_pc_say_version_$version" "$work/version.log"

getent group msgslot >"$work/group.log" 2>&1
result $? "postinst_made_the_msgslot_group" "$work/group.log"

# DKMS built and installed it for each kernel, where modprobe finds it.
for r in "${rels[@]}"; do
	dkms status -m message_slot -v "$version" -k "$r" >"$work/status.$r" 2>&1
	grep -q ': installed' "$work/status.$r"
	result $? "dkms_installed_it_for_$r" "$work/status.$r"
	path=$(modinfo -k "$r" -n message_slot 2>&1)
	{
		echo "path $path"
		modinfo -k "$r" -F vermagic message_slot
		modinfo -k "$r" -F version message_slot
	} >"$work/modinfo.$r" 2>&1
	case $path in "/lib/modules/$r/updates/dkms/message_slot.ko"*) ;; *) false ;; esac &&
		[ "$(sed -n 2p "$work/modinfo.$r" | cut -d' ' -f1)" = "$r" ] &&
		[ "$(sed -n 3p "$work/modinfo.$r")" = "$version" ]
	result $? "modinfo_finds_the_dkms_module_${version}_for_$r" "$work/modinfo.$r"
done

# What the guests run, before it goes.
stage() {
	local r ko p
	rm -rf "$pkgroot"
	mkdir -p "$pkgroot/files"
	for p in message-slot-utils libmsgslot1; do
		dpkg-deb -x "${debf[$p]}" "$pkgroot/files" || return 1
	done
	for r in "${rels[@]}"; do
		mkdir -p "$pkgroot/$r"
		ko=$(modinfo -k "$r" -n message_slot) || return 1
		case $ko in
		*.xz) xz -dc "$ko" >"$pkgroot/$r/message_slot.ko" ;;
		*.zst) zstd -qdc "$ko" >"$pkgroot/$r/message_slot.ko" ;;
		*.gz) gzip -dc "$ko" >"$pkgroot/$r/message_slot.ko" ;;
		*) cp "$ko" "$pkgroot/$r/message_slot.ko" ;;
		esac || return 1
	done
	find "$pkgroot" -type f -o -type l
}
stage >"$work/stage.log" 2>&1
result $? "staged_the_packaged_files_for_the_guests" "$work/stage.log"

# --- purge ------------------------------------------------------------------
start=$(date +%s)
apt-get purge -y -q "${lock[@]}" "${pkgs[@]}" >"$work/purge.log" 2>&1
st=$?
echo "apt-get purge: $(($(date +%s) - start)) s" >>"$work/purge.log"
installed=
result $st "apt_get_purge_the_four_packages" "$work/purge.log"

{
	dkms status 2>&1 | grep '^message_slot/'
	ls -d /usr/src/message_slot-* /usr/src/message-slot-* /var/lib/dkms/message_slot 2>/dev/null
	ls /lib/modules/*/updates/dkms/message_slot.ko* 2>/dev/null
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Package} ${Status}\n' "$p" 2>/dev/null | grep -v 'not-installed$'
	done
	# The packages' own files; the directories others share may stay
	# (/lib among them, a link to usr/lib on a merged-/usr system).
	while IFS= read -r f; do
		[ -d "$f" ] && continue
		[ -e "$f" ] || [ -L "$f" ] && echo "left: $f"
	done <"$work/all-files"
} >"$work/left.log"
[ ! -s "$work/left.log" ]
result $? "purge_leaves_no_source_dkms_tree_module_or_file" "$work/left.log"

forget
snapshot >"$work/after"
diff -u "$work/before" "$work/after" >"$work/state.diff"
result $? "module_index_dkms_tree_usr_src_and_group_as_before" "$work/state.diff"

summary deb
