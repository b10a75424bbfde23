#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side signing and load tests (TAP): `make sign` signs with the key it
# is given, or by default with DKMS's MOK pair, with sha256, and fails
# with a clear line when there is no key; signing again does not stack
# signatures; `make install-module` installs the module signed when a key
# is configured; `make load` refuses a module built for another kernel
# before insmod runs, and runs insmod with PARAMS when the kernel matches.
# The guest tests prove the other half: a kernel that enforces signatures
# loads what make sign signed (tests/guest/signing.sh).
# Usage: tests/host/sign.sh "REL VMLINUZ KDIR"  (the first kernel only)
#
# Keys are made here with openssl, in a temporary directory, and removed.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$top/tests/lib/result.sh"

[ $# -ge 1 ] || { echo "usage: $0 \"REL VMLINUZ KDIR\"..." >&2; exit 2; }
read -r rel _ kdir <<<"$1"

# A copy of the source tree without build products, as a fresh clone has.
src=$work/src
mkdir -p "$src"
(cd "$top" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$src")
mk() { make -C "$src" --no-print-directory KDIR="$kdir" "$@"; }

# newkey NAME CN [der]: NAME.key and NAME.crt (PEM, or DER as DKMS makes
# its mok.pub), and NAME.pem holding both.
newkey() {
	local form=PEM
	[ "${3-}" = der ] && form=DER
	openssl req -new -x509 -newkey rsa:2048 -sha256 -nodes -days 2 \
		-subj "/CN=$2" -outform "$form" \
		-keyout "$work/$1.key" -out "$work/$1.crt" 2>/dev/null || return 1
	[ "$form" = PEM ] && cat "$work/$1.key" "$work/$1.crt" >"$work/$1.pem"
	return 0
}

signed() { # signed MODULE: sign-file's marker ends the file
	[ "$(tail -c 28 "$1" | tr -d '\n\0')" = "~Module signature appended~" ]
}

# signed_by MODULE SIGNER LOG: signed with sha256 by SIGNER
signed_by() {
	local signer algo
	signer=$(modinfo -F signer "$1" 2>&1)
	algo=$(modinfo -F sig_hashalgo "$1" 2>&1)
	echo "$1: signer '$signer', hash '$algo'" >>"$3"
	signed "$1" && [ "$signer" = "$2" ] && [ "$algo" = sha256 ]
}

echo "TAP version 13"
echo "1..11"

"$top/scripts/deps" openssl >/dev/null 2>&1
newkey own "message_slot own key" && newkey split "message_slot split key" der &&
	newkey mok "DKMS module signing key" der
result $? "openssl_makes_the_test_keys"
ko=$src/message_slot.ko

mk sign SIGN_KEY="$work/own.pem" >"$work/own.log" 2>&1
st=$?
[ "$st" -eq 0 ] && signed_by "$ko" "message_slot own key" "$work/own.log" &&
	! signed "$src/driver/message_slot.ko"
result $? "make_sign_with_a_pem_holding_key_and_certificate" "$work/own.log"

size=$(stat -c %s "$ko")
mk sign SIGN_KEY="$work/own.pem" >"$work/again.log" 2>&1
[ $? -eq 0 ] && [ "$(stat -c %s "$ko")" = "$size" ]
result $? "make_sign_twice_does_not_stack_signatures" "$work/again.log"

mk sign SIGN_KEY="$work/split.key" SIGN_CERT="$work/split.crt" >"$work/split.log" 2>&1
[ $? -eq 0 ] && signed_by "$ko" "message_slot split key" "$work/split.log"
result $? "make_sign_with_a_key_and_a_der_certificate" "$work/split.log"

# DKMS's pair, where DKMS keeps it (here, made up in the test directory).
mk sign MOK_KEY="$work/mok.key" MOK_CERT="$work/mok.crt" >"$work/mok.log" 2>&1
[ $? -eq 0 ] && signed_by "$ko" "DKMS module signing key" "$work/mok.log"
result $? "make_sign_defaults_to_the_dkms_mok_pair" "$work/mok.log"

mk sign MOK_KEY="$work/none.key" >"$work/nokey.log" 2>&1
[ $? -ne 0 ] && grep -q '^message_slot: no signing key: give SIGN_KEY=' "$work/nokey.log"
result $? "make_sign_without_a_key_says_which_to_give" "$work/nokey.log"

mk sign SIGN_KEY="$work/missing.pem" >"$work/missing.log" 2>&1
[ $? -ne 0 ] && grep -q "^message_slot: cannot read the signing key $work/missing.pem" "$work/missing.log"
result $? "make_sign_with_an_unreadable_key_says_so" "$work/missing.log"

dest=$work/dest
mk install-module DESTDIR="$dest" SIGN_KEY="$work/own.pem" >"$work/install.log" 2>&1
[ $? -eq 0 ] && signed_by "$dest/lib/modules/$rel/updates/message_slot.ko" "message_slot own key" "$work/install.log"
result $? "make_install_module_signs_when_a_key_is_configured" "$work/install.log"

rm -rf "$dest"
mk install-module DESTDIR="$dest" MOK_KEY="$work/none.key" >"$work/unsigned.log" 2>&1
[ $? -eq 0 ] && ! signed "$dest/lib/modules/$rel/updates/message_slot.ko" &&
	grep -q 'installing it unsigned' "$work/unsigned.log"
result $? "make_install_module_without_a_key_installs_unsigned_and_says_so" "$work/unsigned.log"

# make load: uname and insmod are stand-ins, so the host's own kernel (which
# may not load modules at all) plays no part; insmod records its arguments.
bin=$work/bin
mkdir -p "$bin"
cat >"$bin/insmod" <<EOS
#!/bin/sh
echo "\$@" >"$work/insmod.args"
EOS
printf '#!/bin/sh\necho "$FAKE_RELEASE"\n' >"$bin/uname"
chmod +x "$bin/insmod" "$bin/uname"
rm -f "$work/insmod.args"
PATH=$bin:$PATH FAKE_RELEASE=9.9.9-other mk load >"$work/foreign.log" 2>&1
st=$?
[ "$st" -ne 0 ] && [ ! -e "$work/insmod.args" ] &&
	grep -q "^message_slot: message_slot.ko is built for kernel $rel, not 9.9.9-other; rebuild it: make KDIR=/lib/modules/9.9.9-other/build (package linux-headers-9.9.9-other)$" "$work/foreign.log"
result $? "make_load_refuses_a_module_built_for_another_kernel_before_insmod" "$work/foreign.log"

PATH=$bin:$PATH FAKE_RELEASE=$rel mk load PARAMS='major=240 slots=8' >"$work/load.log" 2>&1
st=$?
cat "$work/insmod.args" >>"$work/load.log" 2>&1
[ "$st" -eq 0 ] && [ "$(cat "$work/insmod.args")" = "message_slot.ko major=240 slots=8" ]
result $? "make_load_runs_insmod_with_params_for_the_running_kernel" "$work/load.log"

summary sign
