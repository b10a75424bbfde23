# SPDX-License-Identifier: GPL-2.0
#
# releases.sh - the arguments of the host tests that take kernels, one
# "REL VMLINUZ KDIR" each (what scripts/kernels prints): source it with
# them as the positional parameters; it sets rels=(REL...) and exits 2 with
# the usage when there is none.

[ $# -ge 1 ] || { echo "usage: $0 \"REL VMLINUZ KDIR\"..." >&2; exit 2; }
rels=()
for k in "$@"; do
	read -r r _ _ <<<"$k"
	rels+=("$r")
done
