#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side DKMS tests (TAP): `make dkms-install` builds and installs the
# module for the first kernel through DKMS, where modprobe finds it; DKMS's
# autoinstall, which a kernel upgrade runs, builds it for the other kernels;
# `make dkms-uninstall` takes it all away and leaves the module index, the
# DKMS tree and /usr/src as they were.
# Usage: tests/host/dkms.sh "REL VMLINUZ KDIR"...
#
# Needs root and installs dkms when missing (scripts/deps dkms). It skips
# every test when message_slot is already registered with DKMS: that
# installation is someone's, and the test would remove it. Skips are
# counted apart, and fail under CI (tests/lib/result.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
. "$top/tests/lib/result.sh"

. "$top/tests/lib/releases.sh"
planned=$((5 + 3 * (${#rels[@]} - 1) + 2))

echo "TAP version 13"
# Every planned test that cannot run is a skip (a failure under CI), never
# a pass or nothing at all.
if [ "$(id -u)" -ne 0 ]; then
	skip_all "$planned" "needs root"
	rm -rf "$work"
	summary dkms
	exit
fi
if ! "$top/scripts/deps" dkms >"$work/deps.log" 2>&1 || ! command -v dkms >/dev/null; then
	echo "1..1"
	result 1 "dkms_is_installed" "$work/deps.log"
	echo "# dkms: 0 passed, 1 failed"
	rm -rf "$work"
	exit 1
fi
if dkms status 2>/dev/null | grep -q '^message_slot/'; then
	skip_all "$planned" "message_slot is already registered with DKMS; not touching it"
	rm -rf "$work"
	summary dkms
	exit
fi
echo "1..$planned"

# What must be the same afterwards: each kernel's module directory (its
# index files by content, everything but the packaged kernel/ tree by
# name), the DKMS tree and /usr/src.
snapshot() {
	local r
	for r in "${rels[@]}"; do
		(cd "/lib/modules/$r" && find . -path ./kernel -prune -o -print | sort &&
			md5sum modules.* 2>/dev/null)
	done
	find /var/lib/dkms /usr/src -maxdepth 1 | sort
}
snapshot >"$work/before"
# DKMS signs modules with a key it makes on first use; one made here goes.
mok_made=
[ -e /var/lib/dkms/mok.key ] || [ -e /var/lib/dkms/mok.pub ] || mok_made=1

cleanup() {
	make -C "$top" --no-print-directory -s dkms-uninstall >/dev/null 2>&1
	[ -n "$mok_made" ] && rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	rm -rf "$work"
}
trap cleanup EXIT

# shellcheck disable=SC2016 # $(MS_VERSION) is make's, not the shell's
version=$(printf 'print-version:\n\t@echo $(MS_VERSION)\n' |
	make -C "$top" --no-print-directory -s -f Makefile -f - KDIR=/nonexistent print-version)

# modprobe_finds REL LOG: modinfo and modprobe, as for a real load of that
# kernel, resolve message_slot to the DKMS copy, of our version, built for REL.
modprobe_finds() {
	local r=$1 path vm ver
	path=$(modinfo -k "$r" -n message_slot 2>&1)
	case $path in
	"/lib/modules/$r/updates/dkms/message_slot.ko"*) ;;
	*) echo "modinfo -k $r -n message_slot: $path" >>"$2"; return 1 ;;
	esac
	modprobe --dry-run --set-version "$r" --show-depends message_slot >>"$2" 2>&1 || return 1
	grep -q "^insmod $path" "$2" || { echo "modprobe would not load $path" >>"$2"; return 1; }
	vm=$(modinfo -k "$r" -F vermagic message_slot)
	ver=$(modinfo -k "$r" -F version message_slot)
	echo "vermagic $vm, version $ver" >>"$2"
	[ "${vm%% *}" = "$r" ] && [ "$ver" = "$version" ]
}

installed_for() { # installed_for REL
	dkms status -m message_slot -v "$version" -k "$1" 2>/dev/null | grep -q ': installed'
}

# check_installed REL: DKMS lists the module as installed for REL, and
# modprobe finds it there.
check_installed() {
	dkms status >"$work/status.log" 2>&1
	installed_for "$1"
	result $? "dkms_status_installed_$1" "$work/status.log"
	: >"$work/find.log"
	modprobe_finds "$1" "$work/find.log"
	result $? "modprobe_finds_the_dkms_module_for_$1" "$work/find.log"
}

# --- the first kernel: make dkms-install ---------------------------------
r=${rels[0]}
make -C "$top" --no-print-directory dkms-install KERNELRELEASE="$r" >"$work/install.log" 2>&1
result $? "make_dkms_install_$r" "$work/install.log"

check_installed "$r"

# Debian's DKMS signs what it builds with its MOK pair (making the pair on
# first use), the key make sign takes by default; dkms.conf leaves it so.
signer=$(modinfo -k "$r" -F signer message_slot 2>&1)
algo=$(modinfo -k "$r" -F sig_hashalgo message_slot 2>&1)
echo "signer '$signer', hash '$algo'" >"$work/signer.log"
openssl x509 -inform DER -in /var/lib/dkms/mok.pub -noout -subject >>"$work/signer.log" 2>&1
[ -n "$signer" ] && grep -q "CN *= *$signer\$" "$work/signer.log"
result $? "dkms_signs_the_module_with_its_mok_key_$r" "$work/signer.log"

grep -q '^AUTOINSTALL="yes"' "/usr/src/message_slot-$version/dkms.conf" &&
	grep -q "^PACKAGE_VERSION=\"$version\"" "/usr/src/message_slot-$version/dkms.conf" &&
	[ "$(cat "/usr/src/message_slot-$version/VERSION")" = "$version" ]
result $? "dkms_source_carries_its_version" "/usr/src/message_slot-$version/dkms.conf"

# --- the other kernels: as a kernel upgrade does it -----------------------
# `dkms autoinstall` builds every registered AUTOINSTALL module; with other
# modules registered it would build theirs too, so then use make instead.
others=$(dkms status 2>/dev/null | grep -cv '^message_slot/')
for r in "${rels[@]:1}"; do
	if [ "$others" -eq 0 ]; then
		how=dkms_autoinstall
		dkms autoinstall -k "$r" >"$work/auto.log" 2>&1
	else
		how=make_dkms_install
		make -C "$top" --no-print-directory dkms-install KERNELRELEASE="$r" >"$work/auto.log" 2>&1
	fi
	result $? "${how}_$r" "$work/auto.log"
	check_installed "$r"
done

# --- removal -------------------------------------------------------------
make -C "$top" --no-print-directory dkms-uninstall >"$work/uninstall.log" 2>&1
st=$?
{
	dkms status 2>&1 | grep '^message_slot/'
	ls -d /usr/src/message_slot-* 2>/dev/null
	for r in "${rels[@]}"; do
		ls "/lib/modules/$r/updates/dkms/message_slot.ko"* 2>/dev/null
		modinfo -k "$r" -n message_slot 2>/dev/null
	done
} >"$work/left.log"
cat "$work/left.log" >>"$work/uninstall.log"
[ "$st" -eq 0 ] && [ ! -s "$work/left.log" ]
result $? "make_dkms_uninstall_removes_every_version_and_source" "$work/uninstall.log"

[ -n "$mok_made" ] && rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
snapshot >"$work/after"
diff -u "$work/before" "$work/after" >"$work/state.diff"
result $? "module_index_dkms_tree_and_usr_src_as_before" "$work/state.diff"

summary dkms
