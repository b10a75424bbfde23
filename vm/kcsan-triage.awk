# SPDX-License-Identifier: GPL-2.0
#
# kcsan-triage.awk: sets aside the KCSAN reports that are not this
# module's, before vm/run-vm judges a console. KCSAN in its strict mode
# (the KCSAN lane's, vm/kernels/kcsan.config) also reports races inside
# the kernel's own code that its default mode, syzbot's, does not: a
# plain read of a flag word that an atomic test-and-set leaves as it was,
# a task's flags read by an interrupt on its own CPU. They are none of
# this module's doing and no change here can remove them. Exactly two
# kinds are set aside:
#
#   kernel:  both accesses are known (not a race of unknown origin, whose
#            writer may be anyone's) and both are made by the kernel's
#            own functions: the top frame of neither is in a module (VFS
#            file allocation, hrtimers, the workqueue's pending bit,
#            capable()'s task flags), whoever called them. The module
#            calls no kernel function that leaves locking to its caller:
#            rhashtable, wait queues, RCU, the slab and the driver core
#            lock for themselves, and its lists are its own inline code.
#   bucket:  one access is the marked test-and-set of an rhashtable
#            bucket lock (bit_spin_lock or rht_lock) in an rhashtable's
#            code: the address is a bucket word, which only rhashtable's
#            code (lib/rhashtable.c, and rhashtable.h inlined into the
#            module, whose frames then name the module's function) reads
#            and writes; the lock's holder reads the word plainly while a
#            contender's failing test-and-set leaves it as it was. The
#            module never touches bucket words itself.
#
# Every other report stays: any race in which message_slot's own code
# makes an access, or one of unknown origin. Prints the console with each
# set-aside report's lines emptied (line numbers kept), and writes
# "RULE<TAB>HEADLINE" for each to the file AUDIT.
#
#   awk -v audit=AUDIT -f vm/kcsan-triage.awk CONSOLE >JUDGED

# A console line without its "[  12.345678] " timestamp.
function bare(s) {
	sub(/^\[ *[0-9]+\.[0-9]+\] /, "", s)
	return s
}

function flush(   i, rule, kernel, lock, rht) {
	if (!n)
		return
	kernel = 1
	lock = 0
	rht = 0
	for (i = 1; i <= n; i++) {
		if (top[i] && frame[i] ~ /\[[A-Za-z0-9_]+\]/)
			kernel = 0
		if (frame[i] ~ /(^| )(rht_|__rht|rhashtable|__rhashtable)/)
			rht = 1
		if (top[i] && marked_rw[i] && frame[i] ~ /^ *(bit_spin_lock|rht_lock)[.+]/)
			lock = 1
	}
	# A report cut short (the guest died) is judged whole: kept.
	rule = ""
	if (datarace && complete && kernel && accesses == 2)
		rule = "kernel"
	else if (datarace && complete && lock && rht)
		rule = "bucket"
	for (i = 1; i <= n; i++)
		print (rule == "" ? line[i] : "")
	if (rule != "")
		printf "%s\t%s\n", rule, headline >audit
	n = 0
	frames = 0
	accesses = 0
	complete = 0
}

{
	s = bare($0)
	if (s ~ /^BUG: KCSAN: /) {
		flush()
		inblock = 1
		datarace = (s ~ /^BUG: KCSAN: data-race in /)
		headline = s
		access_marked = 0
		first = 0
	}
	if (!inblock) {
		print
		next
	}
	n++
	line[n] = $0
	frame[n] = ""
	top[n] = 0
	marked_rw[n] = 0
	if (s ~ /^(read|write|read-write)( \(marked\))?( \(reordered\))? to 0x[0-9a-f]+ of [0-9]+ bytes by /) {
		access_marked = (s ~ /^read-write \(marked\)/)
		accesses++
		first = 1
	} else if (s ~ /^ [A-Za-z_.$][A-Za-z0-9_.$]*\+0x[0-9a-f]+\/0x[0-9a-f]+/) {
		frame[n] = s
		frames++
		top[n] = first
		marked_rw[n] = access_marked
		first = 0
	} else if (s ~ /^Reported by Kernel Concurrency Sanitizer/) {
		reported = 1
	} else if (reported && s ~ /^=+$/) {
		reported = 0
		inblock = 0
		complete = 1
		flush()
		next
	}
	# Past "Reported by": the CPU and Comm lines, not frames.
	if (reported)
		frame[n] = ""
}

END {
	flush()
}
