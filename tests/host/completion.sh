#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of slotctl's bash completion (TAP), as `make
# install-programs` installs it (packaging/bash-completion/slotctl):
# sourced into bash, it registers _slotctl for slotctl; called the way
# bash calls it (COMP_WORDS, COMP_CWORD, COMP_LINE, COMP_POINT) it
# completes the commands, each command's options and stat's columns
# exactly as the installed slotctl's --help lists them, and the slot names
# slotctl itself prints; and an interactive bash in a pseudo-terminal, with
# and without the bash-completion package loaded, completes a line on TAB.
#
# The host has no module: a stub slotctl, first in PATH, prints made-up
# slot names for the one command the completion runs (stat --raw
# --noheadings --output NAME) and hands anything else to the real one.
# The guest's tests/programs/test_slotctl.sh checks that command against
# the real devices.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$top/tests/lib/result.sh"
"$top/scripts/deps" bash-completion pkg-config shellcheck python3 >/dev/null 2>&1 ||
	echo "# completion: scripts/deps bash-completion pkg-config shellcheck python3 failed"

echo "TAP version 13"
echo "1..13"

# --- install it, as a user would ------------------------------------------
src=$work/src
mkdir -p "$src"
(cd "$top" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$src")
dest=$work/dest
make -C "$src" --no-print-directory install-programs DESTDIR="$dest" PREFIX=/usr \
	>"$work/install.log" 2>&1
st=$?
compl=$dest/usr/share/bash-completion/completions/slotctl
real=$dest/usr/bin/slotctl
[ "$st" -eq 0 ] && [ -f "$compl" ] && [ -x "$real" ]
result $? "install_programs_installs_slotctl_and_its_completion" "$work/install.log"

# Where bash-completion's loader looks, as its pkg-config file says, is
# the Makefile's BASHCOMPDIR for PREFIX=/usr.
want=$(pkg-config --variable=completionsdir bash-completion 2>&1)
# shellcheck disable=SC2016 # $(...) is make's, not the shell's
got=$(printf 'print-var:\n\t@echo $(BASHCOMPDIR)\n' |
	make -C "$src" -s --no-print-directory -f Makefile -f - PREFIX=/usr print-var 2>&1)
echo "bash-completion's completionsdir: $want; BASHCOMPDIR with PREFIX=/usr: $got" >"$work/dir.log"
[ -n "$want" ] && [ "$want" = "$got" ]
result $? "bashcompdir_with_prefix_usr_is_bash_completions_completionsdir" "$work/dir.log"

if command -v shellcheck >/dev/null; then
	shellcheck -s bash "$compl" >"$work/sc.log" 2>&1
	result $? "completion_script_shellcheck_clean" "$work/sc.log"
else
	skip "completion_script_shellcheck_clean" "no shellcheck"
fi

# --- the stub slotctl -------------------------------------------------------
mkdir -p "$work/bin"
cat >"$work/bin/slotctl" <<EOF
#!/bin/sh
echo "\$*" >>"$work/stub.log"
if [ "\$*" = "stat --raw --noheadings --output NAME" ]; then
	[ -e "$work/no-module" ] && { echo "slotctl: module message_slot is not loaded" >&2; exit 1; }
	printf 'slot0\nslot7\nslot12\n'
	exit 0
fi
exec "$real" "\$@"
EOF
chmod +x "$work/bin/slotctl"
PATH=$work/bin:$PATH

# --- calling the function as bash does ----------------------------------------
# comp LINE: splits LINE as bash does for completion (at blanks, and runs
# of '=' and ':' as words of their own), sets COMP_WORDS, COMP_CWORD,
# COMP_LINE and COMP_POINT (the cursor at the end), calls the function that
# `complete -p slotctl` names, and leaves its answer, one per line, in
# $work/reply.
comp() {
	local line=$1 rest=$1 fn tok
	COMP_WORDS=()
	COMP_LINE=$line
	COMP_POINT=${#line}
	while [ -n "$rest" ]; do
		[[ $rest =~ ^[[:space:]]+ ]] || [[ $rest =~ ^[=:]+ ]] || [[ $rest =~ ^[^[:space:]=:]+ ]]
		tok=${BASH_REMATCH[0]}
		[[ $tok =~ ^[[:space:]] ]] || COMP_WORDS+=("$tok")
		rest=${rest:${#tok}}
	done
	[[ $line =~ [[:space:]]$ ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	fn=$(complete -p slotctl 2>/dev/null | sed -n 's/.* -F \([^ ]*\) .*/\1/p')
	[ -n "$fn" ] && "$fn" slotctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" \
		2>>"$work/comp.err"
	printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' >"$work/reply"
}

# expect LOG LINE [WORD...]: the reply to LINE is exactly these words, in
# any order; says otherwise in LOG.
expect() {
	local log=$1 line=$2
	shift 2
	comp "$line"
	printf '%s\n' "$@" | sed '/^$/d' | sort >"$work/want"
	sort "$work/reply" | diff -u "$work/want" - >"$work/diff" && return 0
	{ echo "completing '$line':"; cat "$work/diff"; } >>"$log"
	return 1
}

# shellcheck source=/dev/null
. "$compl"
complete -p slotctl >"$work/complete.log" 2>&1
grep -qx 'complete -F _slotctl slotctl' "$work/complete.log"
result $? "complete_p_slotctl_names_its_function" "$work/complete.log"

# What the installed slotctl says it takes.
"$real" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p' >"$work/verbs"
verbs=$(cat "$work/verbs")
: >"$work/verbs.log"
[ -n "$verbs" ] || echo "slotctl --help lists no commands" >>"$work/verbs.log"
# shellcheck disable=SC2086 # a list of words
expect "$work/verbs.log" "slotctl " $verbs
# shellcheck disable=SC2046 # a list of words
expect "$work/verbs.log" "slotctl s" $(grep '^s' "$work/verbs")
expect "$work/verbs.log" "slotctl -" -h --help -V --version
expect "$work/verbs.log" "slotctl --h" --help
[ ! -s "$work/verbs.log" ]
result $? "completes_the_commands_slotctl_help_lists" "$work/verbs.log"

: >"$work/opts.log"
for v in $verbs; do
	# "  -J, --json   ...", "  -n, --count N  ...": every option named.
	"$real" "$v" --help | sed -n '/^Options:/,/^$/s/^ \{2,6\}\(-[^ ,]*\)\(, \(--[^ ]*\)\)\{0,1\}.*/\1 \3/p' |
		tr ' ' '\n' | sed '/^$/d' >"$work/opts"
	[ -s "$work/opts" ] || echo "slotctl $v --help lists no options" >>"$work/opts.log"
	# shellcheck disable=SC2046 # a list of words
	expect "$work/opts.log" "slotctl $v -" $(cat "$work/opts")
done
expect "$work/opts.log" "slotctl stat --n" --noheadings
expect "$work/opts.log" "slotctl watch slot0 1 --c" --count
[ ! -s "$work/opts.log" ]
result $? "completes_each_commands_options_as_its_help_lists" "$work/opts.log"

# stat -o: the names under "Columns:" in stat --help, the last of a list.
"$real" stat --help | sed -n '/^Columns:/,$s/^  \([^ ]*\) .*/\1/p' >"$work/cols"
: >"$work/cols.log"
[ -s "$work/cols" ] || echo "slotctl stat --help lists no columns" >>"$work/cols.log"
# shellcheck disable=SC2046 # a list of words
expect "$work/cols.log" "slotctl stat -o " $(tr '[:upper:]' '[:lower:]' <"$work/cols")
# shellcheck disable=SC2046 # a list of words
expect "$work/cols.log" "slotctl stat --output=" $(sed 's/^/=/' "$work/cols" | tr '[:upper:]' '[:lower:]')
expect "$work/cols.log" "slotctl stat --output=name,b" "name,bytes"
expect "$work/cols.log" "slotctl stat -o name,maj:" ":min"
expect "$work/cols.log" "slotctl stat --output=name,MA" "name,MAJ:MIN"
expect "$work/cols.log" "slotctl stat -rno na" "name"
# --format: the formats stat --help names.
expect "$work/cols.log" "slotctl stat --format " table raw json prometheus
expect "$work/cols.log" "slotctl stat --format=p" "prometheus"
"$real" stat --help | grep -q -- '--format FORMAT table (the default), raw, json' ||
	echo "stat --help does not name the formats as expected" >>"$work/cols.log"
[ ! -s "$work/cols.log" ]
result $? "completes_stat_columns_and_formats_as_its_help_lists" "$work/cols.log"

# --- slot names, from slotctl ---------------------------------------------
: >"$work/stub.log"
: >"$work/names.log"
expect "$work/names.log" "slotctl stat " slot0 slot7 slot12
expect "$work/names.log" "slotctl remove slot1" slot12
expect "$work/names.log" "slotctl clear " slot0 slot7 slot12
expect "$work/names.log" "slotctl send " slot0 slot7 slot12
expect "$work/names.log" "slotctl recv s" slot0 slot7 slot12
expect "$work/names.log" "slotctl watch -n 3 -r " slot0 slot7 slot12
expect "$work/names.log" "slotctl stat -o name " slot0 slot7 slot12
sort -u "$work/stub.log" >"$work/calls"
echo "stat --raw --noheadings --output NAME" | diff -u - "$work/calls" >>"$work/names.log" ||
	echo "the stub was asked something else (above)" >>"$work/names.log"
[ ! -s "$work/names.log" ]
result $? "completes_slot_names_that_slotctl_prints" "$work/names.log"

: >"$work/operands.log"
expect "$work/operands.log" "slotctl send slot0 "
expect "$work/operands.log" "slotctl send slot0 1 "
expect "$work/operands.log" "slotctl send slot0 1 -"
expect "$work/operands.log" "slotctl recv slot0 "
expect "$work/operands.log" "slotctl watch -n "
expect "$work/operands.log" "slotctl watch --count="
expect "$work/operands.log" "slotctl add "
expect "$work/operands.log" "slotctl stat slot0 "
expect "$work/operands.log" "slotctl frobnicate "
expect "$work/operands.log" "slotctl stat -- -"
[ ! -s "$work/operands.log" ]
result $? "offers_nothing_for_minors_channels_messages_and_option_arguments" "$work/operands.log"

: >"$work/quiet.log"
: >"$work/comp.err"
touch "$work/no-module"
expect "$work/quiet.log" "slotctl stat "
rm -f "$work/no-module"
[ -s "$work/comp.err" ] && { echo "stderr:"; cat "$work/comp.err"; } >>"$work/quiet.log"
[ ! -s "$work/quiet.log" ]
result $? "no_slot_names_and_no_message_without_the_module" "$work/quiet.log"

mkdir -p "$work/nodes"
touch "$work/nodes/slotA" "$work/nodes/slotB"
: >"$work/path.log"
expect "$work/path.log" "slotctl recv $work/nodes/s" "$work/nodes/slotA" "$work/nodes/slotB"
expect "$work/path.log" "slotctl stat $work/nodes/slotB" "$work/nodes/slotB"
[ ! -s "$work/path.log" ]
result $? "a_slot_with_a_slash_completes_as_a_file" "$work/path.log"

# --- an interactive bash, on TAB ---------------------------------------------
# pty_complete RCFILE LINE...: types each LINE into an interactive bash
# that read RCFILE, then M-* (insert-completions: every candidate) or, for
# a LINE ending in a tab, that tab; prints the edited line, one per LINE.
pty_complete() {
	python3 - "$@" <<'EOF'
import os, pty, select, sys, time
rc, lines = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.environ.update(PS1="$ ", INPUTRC="/dev/null", TERM="dumb")
    os.execvp("bash", ["bash", "--noprofile", "--rcfile", rc, "-i"])
def drain(seconds, until=None):
    out, end = b"", time.time() + seconds
    while time.time() < end:
        if select.select([fd], [], [], 0.05)[0]:
            try:
                out += os.read(fd, 65536)
            except OSError:
                break
            if until and until in out:
                break
    return out
drain(5, b"READY")
for line in lines:
    keys = line.encode() if line.endswith("\t") else line.encode() + b"\x1b*"
    # C-x: print the line being edited between markers; C-u: clear it.
    os.write(fd, keys)
    time.sleep(0.3)
    os.write(fd, b"\x18")
    out = drain(5, b"<<<")
    start = out.rfind(b">>>")
    end = out.find(b"<<<", start)
    print(out[start + 3:end].decode(errors="replace") if start >= 0 and end > 0 else "(no line)")
    os.write(fd, b"\x15")
    drain(0.3)
os.write(fd, b"exit\n")
drain(1)
EOF
}

pty_test() { # pty_test NAME RCFILE
	local name=$1 rc=$2
	cat >>"$rc" <<'EOF'
bind -x '"\C-x": printf ">>>%s<<<\n" "$READLINE_LINE"'
echo READY
EOF
	printf '%s\n' "slotctl stat " "slotctl remove slot0 slot7 slot12 " \
		"slotctl stat --output=name,maj:min" "slotctl stat --noheadings " >"$work/pty.want"
	pty_complete "$rc" "slotctl sta	" "slotctl remove " "slotctl stat --output=name,maj:m	" \
		"slotctl stat --nohead	" >"$work/pty.got" 2>&1
	diff -u "$work/pty.want" "$work/pty.got" >"$work/pty.log"
	result $? "$name" "$work/pty.log"
}

if ! command -v python3 >/dev/null; then
	skip "interactive_bash_completes_on_tab_without_bash_completion" "no python3"
	skip "interactive_bash_completes_on_tab_through_bash_completions_loader" "no python3"
else
	printf 'PATH=%q\n. %q\n' "$PATH" "$compl" >"$work/plain.rc"
	pty_test "interactive_bash_completes_on_tab_without_bash_completion" "$work/plain.rc"
	if [ -f /usr/share/bash-completion/bash_completion ]; then
		# The loader finds the installed file itself, on the first TAB:
		# the DESTDIR's, the first place it looks once no user directory
		# (nor a copy installed on this host) comes before it.
		printf 'PATH=%q\nunset BASH_COMPLETION_USER_DIR\nXDG_DATA_HOME=%q\nXDG_DATA_DIRS=%q\n. /usr/share/bash-completion/bash_completion\n' \
			"$PATH" "$work/no-home" "$dest/usr/share" >"$work/loader.rc"
		pty_test "interactive_bash_completes_on_tab_through_bash_completions_loader" "$work/loader.rc"
	else
		skip "interactive_bash_completes_on_tab_through_bash_completions_loader" "no bash-completion"
	fi
fi

summary completion
