#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# signing.sh - TAP tests of module signing in a kernel that enforces it
# (the debug kernel, booted with module.sig_enforce=1; it trusts the test
# key vm/kernels/build made): the unsigned module and one signed with a key
# the kernel does not trust are refused with "Key was rejected by service",
# and scripts/load (make load) explains each before or after insmod; the
# module `make sign` signed with the trusted key loads, untainted by an
# unsigned-module flag, and passes the core tests.
#
# Runs as root in the guest with cwd /work holding message_slot.ko (signed
# by make sign), unsigned/message_slot.ko, untrusted/message_slot.ko,
# scripts/ and tests/build/; the module NOT loaded; leaves it unloaded.
# busybox sh compatible.
#
#   tests/guest/signing.sh            run every test
#   tests/guest/signing.sh -l         list the tests
#   tests/guest/signing.sh NAME...    run only these tests
#
# Environment: MS_MAJOR (load with major=MS_MAJOR; default 235).

. "$(dirname "$0")/../lib/tap.sh" || exit 1
cd "${MS_WORK:-/work}" || exit 1
MAJOR=${MS_MAJOR:-235}
export MS_MAJOR="$MAJOR"

TESTS="
kernel_enforces_signatures
unsigned_module_rejected
untrusted_key_rejected
load_explains_unsigned_module_before_insmod
load_explains_untrusted_key
signed_module_loads_untainted
signed_module_passes_core_tests
"

tap_tmp

tap_reset() {
	unload
}

# rejected MODULE DMESG-REASON: insmod refuses it for its signature, and
# the kernel logs why.
rejected() {
	dmesg >"$tmp/before"
	run insmod "$1" major="$MAJOR"
	dmesg >"$tmp/after"
	tail -n +"$(($(wc -l <"$tmp/before") + 1))" "$tmp/after" >"$tmp/new"
	[ "$rc" -ne 0 ] || { diag "insmod $1 succeeded"; return 1; }
	! loaded || { diag "$1 is loaded"; return 1; }
	grep -q 'Key was rejected by service' "$err" || { show "insmod's stderr" "$err"; return 1; }
	grep -q "Loading of $2 is rejected" "$tmp/new" || { diag "dmesg:"; sed 's/^/#   /' "$tmp/new"; return 1; }
	diag "insmod: $(cat "$err")"
	grep "Loading of" "$tmp/new" | sed 's/^/# dmesg: /'
}

t_kernel_enforces_signatures() {
	[ "$(cat /sys/module/module/parameters/sig_enforce)" = Y ] ||
		{ diag "boot with module.sig_enforce=1"; return 1; }
	grep -q 'message_slot test signing key' /proc/keys ||
		{ diag "the kernel does not hold the test key"; return 1; }
}

t_unsigned_module_rejected() {
	rejected unsigned/message_slot.ko "unsigned module"
}

t_untrusted_key_rejected() {
	rejected untrusted/message_slot.ko "module with unavailable key"
}

t_load_explains_unsigned_module_before_insmod() {
	run scripts/load unsigned/message_slot.ko
	[ "$rc" -eq 1 ] && grep -q '^message_slot: this kernel loads only signed modules (module.sig_enforce) and unsigned/message_slot.ko is not signed: make sign' "$err" ||
		{ diag "scripts/load exited $rc"; show stderr "$err"; return 1; }
	! loaded
}

t_load_explains_untrusted_key() {
	run scripts/load untrusted/message_slot.ko
	[ "$rc" -eq 1 ] && grep -q '^message_slot: the kernel does not trust the key untrusted/message_slot.ko is signed with' "$err" ||
		{ diag "scripts/load exited $rc"; show stderr "$err"; return 1; }
	! loaded
}

t_signed_module_loads_untainted() {
	run scripts/load message_slot.ko major="$MAJOR"
	[ "$rc" -eq 0 ] && loaded || { diag "scripts/load exited $rc"; show stderr "$err"; return 1; }
	# E: an unsigned (or unverifiable) module was loaded.
	case $(cat /sys/module/message_slot/taint) in
	*E*) diag "taint: $(cat /sys/module/message_slot/taint)"; return 1 ;;
	esac
}

t_signed_module_passes_core_tests() {
	insmod message_slot.ko major="$MAJOR" || return 1
	for t in basic_test errors_test; do
		tests/build/$t >"$tmp/$t.log" 2>&1 || { sed 's/^/#   /' "$tmp/$t.log" | grep -v '^#   ok' | tail -n 20; return 1; }
		diag "$t: $(grep -c '^ok ' "$tmp/$t.log") passed"
	done
}

tap_main "$@"
