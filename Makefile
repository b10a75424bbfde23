# SPDX-License-Identifier: GPL-2.0
#
# message_slot: `make` builds the module and the programs and leaves
# message_slot.ko, message_sender, message_reader, slotctl at the top of
# the tree.
#
#   make [KDIR=/lib/modules/<release>/build]   build everything
#   make programs                              message_sender and message_reader (no kernel
#                                              headers, no libudev needed), slotctl if libudev is there
#   make lib                                   libmsgslot.so.1 and libmsgslot.a (needs libudev)
#   make LINK=shared                           the programs linked to libmsgslot.so.1, not libmsgslot.a
#   make check                                 the whole suite, in QEMU, on 6.1 and 6.12
#   make check-rt                              the suite in the PREEMPT_RT kernels
#   make check-debug                           the suite in KASAN/lockdep/kmemleak kernels
#   make check-kcsan                           the concurrency tests in a KCSAN kernel
#   make demo                                  the seed's walkthrough and the tools, inside a VM
#   make lint                                  checkpatch, sparse, clang-tidy, docs, man pages
#   make docs                                  Documentation/ as HTML in build/docs/
#   make bench [QUICK=1]                       the benchmark, ratios in build/bench/
#   make clean                                 remove every build product
#   make install [DESTDIR=] [PREFIX=/usr/local] [KERNELRELEASE=]
#                                              the module (install-module), then the programs,
#                                              header, man pages, udev rule and bash completion
#                                              (install-programs), then libmsgslot (install-lib)
#                                              [LIBDIR=$(PREFIX)/lib]
#   make uninstall                             remove exactly what install added
#   make dkms-install [KERNELRELEASE=]         the module through DKMS; make dkms-uninstall
#   make deb                                   Debian packages in build/deb/ (debian/, lintian-clean):
#                                              message-slot-dkms, message-slot-utils, libmsgslot1, -dev
#   make sign [SIGN_KEY= SIGN_CERT=]           sign message_slot.ko (default: DKMS's MOK pair)
#   make load [PARAMS='major=240 slots=8']     insmod it, after checking kernel and signature
#   make unload                                rmmod it

# `make install KERNELRELEASE=<release>` alone means that kernel's headers.
ifeq ($(origin KDIR),undefined)
  ifneq ($(KERNELRELEASE),)
    KDIR := /lib/modules/$(KERNELRELEASE)/build
  endif
endif

# The kernel to build against: the running kernel's headers, otherwise the
# newest installed ones (this is what happens on a machine without headers
# for its own kernel, e.g. a CI container).
ifeq ($(origin KDIR),undefined)
  KRELEASE ?= $(shell uname -r)
  ifneq ($(wildcard /lib/modules/$(KRELEASE)/build/Makefile),)
    KDIR := /lib/modules/$(KRELEASE)/build
  else
    KDIR := $(lastword $(shell ls -d /lib/modules/*/build 2>/dev/null | sort -V))
    # None at all: `make module` says so; `make programs` needs none.
    ifneq ($(KDIR),)
      KDIR_NOTE := no headers for the running kernel $(KRELEASE) (install linux-headers-$(KRELEASE) to build for it);
    endif
  endif
endif

MS_VERSION := $(shell git -C $(CURDIR) describe --always --dirty 2>/dev/null || echo 0.1)
# A copy without git (the DKMS source in /usr/src) has its version in VERSION.
ifneq ($(wildcard $(CURDIR)/VERSION),)
  MS_VERSION := $(shell cat $(CURDIR)/VERSION)
endif

CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -Wall -Wextra
CPPFLAGS += -D_GNU_SOURCE -Iinclude -Iinclude/uapi -DMS_VERSION='"$(MS_VERSION)"'

# The classic programs need only libc and include/uapi; slotctl also libudev.
CLASSIC := message_sender message_reader
PROGRAMS := $(CLASSIC) slotctl
LIB_OBJS := utils/slot.o utils/classic.o
LIB := utils/libslot.a

# libmsgslot (include/msgslot.h): libmsgslot.so.1 and libmsgslot.a at the
# top of the tree. The programs link the static one, so that ./slotctl runs
# from the tree; `make LINK=shared` links them to libmsgslot.so.1 (the
# Debian packages do). The classic programs use only its channel.o, which
# needs no libudev.
MSGSLOT_SRCS := $(wildcard utils/libmsgslot/*.c)
MSGSLOT_SONAME := libmsgslot.so.1
MSGSLOT_SO := libmsgslot.so.1.0.0
MSGSLOT_A := libmsgslot.a
MSGSLOT_MAP := utils/libmsgslot/libmsgslot.map
MSGSLOT_HDRS := include/msgslot.h utils/libmsgslot/internal.h include/uapi/linux/message_slot.h
MSGSLOT_CPPFLAGS = -DMSGSLOT_LIB_VERSION='"$(MS_VERSION)"'
LINK ?= static
ifeq ($(LINK),shared)
  CLASSIC_MSGSLOT := libmsgslot.so
  SLOTCTL_MSGSLOT := libmsgslot.so
else
  CLASSIC_MSGSLOT := utils/libmsgslot/channel.o
  SLOTCTL_MSGSLOT := $(MSGSLOT_A)
endif

.PHONY: all module programs lib clean check check-rt check-debug check-kcsan demo lint docs bench \
	sign load unload

all: module programs

module:
	@test -n "$(KDIR)" || { echo "message_slot: no kernel headers found; install linux-headers-$$(uname -r)" >&2; exit 1; }
	@echo "message_slot: $(if $(KDIR_NOTE),$(KDIR_NOTE) )building against $(KDIR)"
	$(MAKE) -C $(KDIR) M=$(CURDIR)/driver MS_VERSION=$(MS_VERSION) modules
	@# A copy make sign signed since the last build stays as it is.
	@[ message_slot.ko -nt driver/message_slot.ko ] || cp driver/message_slot.ko message_slot.ko

# Whether libudev's header and library are there, as slotctl needs them.
have_libudev = printf '\043include <libudev.h>\nint main(void) { return !udev_new(); }\n' | \
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -x c -o /dev/null - -ludev >/dev/null 2>&1

# Without libudev the classic programs are still built, and slotctl is
# skipped with the package to install: they do not need it.
programs: $(CLASSIC)
	@if $(have_libudev); then \
		$(MAKE) --no-print-directory slotctl lib; \
	else \
		echo "message_slot: slotctl and libmsgslot not built: they need libudev (apt-get install libudev-dev)" >&2; \
	fi

# Signing, for kernels that load only signed modules (Secure Boot,
# module.sig_enforce=1): the kernel's sign-file with sha256, the key and
# certificate from SIGN_KEY and SIGN_CERT, by default the MOK pair DKMS
# makes and Secure Boot users enrol (mokutil --import).
MOK_KEY ?= /var/lib/dkms/mok.key
MOK_CERT ?= /var/lib/dkms/mok.pub
SIGN_KEY ?= $(wildcard $(MOK_KEY))
# A key of one's own may hold its certificate too, as the kernel's
# certs/signing_key.pem does.
SIGN_CERT ?= $(if $(filter $(MOK_KEY),$(SIGN_KEY)),$(MOK_CERT),$(SIGN_KEY))

sign: module
	@scripts/sign-module "$(KDIR)" "$(SIGN_KEY)" "$(SIGN_CERT)" driver/message_slot.ko message_slot.ko

# The module for the running kernel, with PARAMS; refuses, with the reason,
# a module built for another kernel or unsigned where signatures are enforced.
load: module
	@scripts/load message_slot.ko $(PARAMS)

unload:
	rmmod message_slot

$(LIB): $(LIB_OBJS)
	$(AR) rcs $@ $^

utils/%.o: utils/%.c utils/slot.h include/msgslot.h include/uapi/linux/message_slot.h
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

utils/devices.o utils/slotctl.o utils/prometheus.o: utils/devices.h
utils/slotctl.o utils/prometheus.o: utils/prometheus.h

lib: $(MSGSLOT_SO) $(MSGSLOT_A)

utils/libmsgslot/%.o: utils/libmsgslot/%.c $(MSGSLOT_HDRS)
	$(CC) $(CPPFLAGS) $(MSGSLOT_CPPFLAGS) $(CFLAGS) -c -o $@ $<

utils/libmsgslot/%.pic.o: utils/libmsgslot/%.c $(MSGSLOT_HDRS)
	$(CC) $(CPPFLAGS) $(MSGSLOT_CPPFLAGS) $(CFLAGS) -fPIC -c -o $@ $<

$(MSGSLOT_A): $(MSGSLOT_SRCS:.c=.o)
	$(AR) rcs $@ $^

# Only what libmsgslot.map lists is exported, in version MSGSLOT_1.
$(MSGSLOT_SO): $(MSGSLOT_SRCS:.c=.pic.o) $(MSGSLOT_MAP)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(MSGSLOT_SONAME) \
		-Wl,--version-script=$(MSGSLOT_MAP) -Wl,-z,defs -Wl,--as-needed \
		-o $@ $(filter %.o,$^) -ludev
	ln -sf $@ $(MSGSLOT_SONAME)
	ln -sf $(MSGSLOT_SONAME) libmsgslot.so

libmsgslot.so: $(MSGSLOT_SO)

$(CLASSIC): %: utils/%.o $(LIB) $(CLASSIC_MSGSLOT)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# slotctl finds slot devices through libmsgslot, and so libudev (libudev-dev to build).
slotctl: utils/slotctl.o utils/devices.o utils/prometheus.o $(LIB) $(SLOTCTL_MSGSLOT)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) -ludev

check:
	scripts/check

# The suite in Debian's PREEMPT_RT kernels (6.1 and 6.12), where sleeping in
# atomic context shows itself.
check-rt:
	FLAVOUR=rt-amd64 VM_ONLY=1 scripts/check

# The suite in 6.1 and 6.12 kernels with KASAN, lockdep, kmemleak and
# failslab, built from Debian's linux-source-6.1 and -6.12
# (vm/kernels/debug.config) and cached.
check-debug:
	FLAVOUR=debug VM_ONLY=1 scripts/check

# The concurrency tests in a 6.1 kernel with KCSAN in its strict mode
# (vm/kernels/kcsan.config), built and cached the same way; any data race
# KCSAN reports fails it.
check-kcsan:
	FLAVOUR=kcsan VM_ONLY=1 scripts/check

demo:
	@scripts/demo

# checkpatch --strict, sparse and W=1 on every kernel, -Werror, clang-tidy,
# sphinx -W, groff -ww: TAP, non-zero on any finding.
lint:
	scripts/lint

# The reStructuredText documentation as HTML, in build/docs/.
docs:
	sphinx-build -W -q -b html Documentation build/docs

# make bench [QUICK=1]: msbench on both kernels, results in build/bench/
bench:
	QUICK=$(QUICK) bench/run

clean:
	-test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR)/driver clean
	rm -f message_slot.ko $(PROGRAMS) $(LIB) utils/*.o utils/libmsgslot/*.o \
		$(MSGSLOT_A) $(MSGSLOT_SO) $(MSGSLOT_SONAME) libmsgslot.so msgslot.pc
	rm -rf build
	-$(MAKE) -C tests clean 2>/dev/null

# ---------------------------------------------------------------------------
# Installing. DESTDIR stages everything (packagers); PREFIX places the user
# space files; the module, its index and the udev rule go where the kernel,
# kmod and udev look, whatever PREFIX says.

# The release the module is for, as its vermagic says: UTS_RELEASE of KDIR.
# (include/config/kernel.release is no use: Debian 12's 6.1 headers say
# "6.1.192" there for 6.1.0-N-amd64.)
KERNELRELEASE ?= $(or $(shell sed -n 's/.*UTS_RELEASE "\(.*\)".*/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null),$(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null))

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
INCLUDEDIR ?= $(PREFIX)/include
LIBDIR ?= $(PREFIX)/lib
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR ?= $(PREFIX)/share/man
# Where bash-completion's loader looks (pkg-config bash-completion's completionsdir).
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UDEVRULESDIR ?= /lib/udev/rules.d
SYSUSERSDIR ?= /usr/lib/sysusers.d
MODULEDIR ?= /lib/modules/$(KERNELRELEASE)/updates
DEPMOD ?= $(firstword $(shell command -v depmod 2>/dev/null) $(wildcard /sbin/depmod /usr/sbin/depmod))
MODINFO ?= $(firstword $(shell command -v modinfo 2>/dev/null) $(wildcard /sbin/modinfo /usr/sbin/modinfo))

# Section 3 (libmsgslot) goes with install-lib, the rest with the programs.
MANPAGES := $(filter-out %.3,$(wildcard Documentation/man/*.[0-9]))
MAN3PAGES := $(wildcard Documentation/man/*.3)
UDEV_RULE := packaging/udev/60-message_slot.rules
SYSUSERS := packaging/sysusers.d/message_slot.conf
BASHCOMP := packaging/bash-completion/slotctl
MODROOT = $(DESTDIR)/lib/modules/$(KERNELRELEASE)
# What depmod writes; with a DESTDIR, uninstall removes them with the last module.
DEPMOD_FILES := modules.dep modules.dep.bin modules.alias modules.alias.bin \
	modules.softdep modules.weakdep modules.symbols modules.symbols.bin \
	modules.builtin.bin modules.builtin.alias.bin modules.devname

# Rebuilds the index of the release installed to. A DESTDIR lacks the lists
# a kernel package ships, which depmod warns about: they start out empty.
depmod_sh = if [ -z "$(DEPMOD)" ]; then \
		echo "message_slot: no depmod: run depmod $(KERNELRELEASE) yourself" >&2; \
	elif [ -n "$(DESTDIR)" ]; then \
		for f in modules.order modules.builtin modules.builtin.modinfo; do \
			[ -e $(MODROOT)/$$f ] || : >$(MODROOT)/$$f; done; \
		echo "$(DEPMOD) -b $(DESTDIR) $(KERNELRELEASE)"; \
		$(DEPMOD) -b $(DESTDIR) $(KERNELRELEASE); \
	else \
		echo "$(DEPMOD) $(KERNELRELEASE)"; \
		$(DEPMOD) $(KERNELRELEASE); \
	fi

.PHONY: install uninstall install-module uninstall-module install-programs \
	uninstall-programs install-lib uninstall-lib dkms-source dkms-install \
	dkms-uninstall deb

install: install-module install-programs install-lib

uninstall: uninstall-module uninstall-programs uninstall-lib

# Installs the module signed when a key is configured (SIGN_KEY, or DKMS's
# MOK pair), unsigned otherwise.
install-module: module
	@test -n "$(KERNELRELEASE)" || { echo "message_slot: no kernel release in $(KDIR); give KERNELRELEASE=" >&2; exit 1; }
	@scripts/module-check driver/message_slot.ko $(KERNELRELEASE)
	@if [ -z "$(DESTDIR)" ] && ls /lib/modules/$(KERNELRELEASE)/updates/dkms/message_slot.ko* >/dev/null 2>&1; then \
		echo "message_slot: DKMS has installed it for $(KERNELRELEASE): make dkms-uninstall first" >&2; exit 1; fi
	@if [ -n "$(SIGN_KEY)" ]; then \
		scripts/sign-module "$(KDIR)" "$(SIGN_KEY)" "$(SIGN_CERT)" driver/message_slot.ko message_slot.ko || exit 1; \
	else \
		cp driver/message_slot.ko message_slot.ko; \
		echo "message_slot: installing it unsigned (no SIGN_KEY, no $(MOK_KEY)): a kernel that enforces signatures will refuse it"; \
	fi
	install -D -m 0644 message_slot.ko $(DESTDIR)$(MODULEDIR)/message_slot.ko
	@$(depmod_sh)

uninstall-module:
	@test -n "$(KERNELRELEASE)" || { echo "message_slot: no kernel release in $(KDIR); give KERNELRELEASE=" >&2; exit 1; }
	rm -f $(DESTDIR)$(MODULEDIR)/message_slot.ko
	@[ -d $(MODROOT) ] || exit 0; \
	if [ -n "$(DESTDIR)" ] && [ -z "$$(find $(MODROOT) -name '*.ko*' -print -quit)" ]; then \
		cd $(MODROOT) && rm -f $(DEPMOD_FILES) && \
		for f in modules.order modules.builtin modules.builtin.modinfo; do \
			[ -s $$f ] || rm -f $$f; done; \
		exit 0; \
	fi; \
	$(depmod_sh)
	@$(call prune,$(MODULEDIR))

# slotctl too when it was built (programs says when it is not).
install-programs: programs
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(CLASSIC) $(wildcard slotctl) $(DESTDIR)$(BINDIR)/
	install -D -m 0644 include/uapi/linux/message_slot.h $(DESTDIR)$(INCLUDEDIR)/linux/message_slot.h
	@for f in $(MANPAGES); do \
		d=$(DESTDIR)$(MANDIR)/man$${f##*.}; \
		echo "install -D -m 0644 $$f $$d/$${f##*/}"; \
		install -D -m 0644 $$f $$d/$${f##*/} || exit 1; \
	done
	install -D -m 0644 $(UDEV_RULE) $(DESTDIR)$(UDEVRULESDIR)/60-message_slot.rules
	install -D -m 0644 $(SYSUSERS) $(DESTDIR)$(SYSUSERSDIR)/message_slot.conf
	install -D -m 0644 $(BASHCOMP) $(DESTDIR)$(BASHCOMPDIR)/slotctl
	@# On the live system: the group the rule names, then the rule itself.
	@if [ -z "$(DESTDIR)" ]; then \
		if command -v systemd-sysusers >/dev/null 2>&1; then \
			systemd-sysusers $(SYSUSERSDIR)/message_slot.conf; \
		elif ! getent group msgslot >/dev/null; then \
			groupadd --system msgslot; \
		fi; \
		udevadm control --reload >/dev/null 2>&1 || true; \
	fi

uninstall-programs:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(PROGRAMS))
	rm -f $(DESTDIR)$(INCLUDEDIR)/linux/message_slot.h
	@for f in $(MANPAGES); do \
		echo "rm -f $(DESTDIR)$(MANDIR)/man$${f##*.}/$${f##*/}"; \
		rm -f $(DESTDIR)$(MANDIR)/man$${f##*.}/$${f##*/}; \
	done
	rm -f $(DESTDIR)$(UDEVRULESDIR)/60-message_slot.rules
	rm -f $(DESTDIR)$(SYSUSERSDIR)/message_slot.conf
	rm -f $(DESTDIR)$(BASHCOMPDIR)/slotctl
	@$(call prune,$(INCLUDEDIR)/linux $(addprefix $(MANDIR)/man,$(sort $(subst .,,$(suffix $(MANPAGES))))) \
		$(if $(DESTDIR),$(BINDIR) $(UDEVRULESDIR) $(SYSUSERSDIR) $(BASHCOMPDIR)))

# msgslot.pc for where install-lib puts the library and its header.
msgslot.pc: utils/libmsgslot/msgslot.pc.in FORCE
	@sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		-e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@VERSION@|$(MS_VERSION)|' $< >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

.PHONY: FORCE

# libmsgslot: the shared library and its links, the header, msgslot.pc and
# the section 3 pages (the static library stays in the tree).
install-lib: lib msgslot.pc
	install -D -m 0644 $(MSGSLOT_SO) $(DESTDIR)$(LIBDIR)/$(MSGSLOT_SO)
	ln -sf $(MSGSLOT_SO) $(DESTDIR)$(LIBDIR)/$(MSGSLOT_SONAME)
	ln -sf $(MSGSLOT_SONAME) $(DESTDIR)$(LIBDIR)/libmsgslot.so
	install -D -m 0644 include/msgslot.h $(DESTDIR)$(INCLUDEDIR)/msgslot.h
	install -D -m 0644 msgslot.pc $(DESTDIR)$(PKGCONFIGDIR)/msgslot.pc
	@for f in $(MAN3PAGES); do \
		echo "install -D -m 0644 $$f $(DESTDIR)$(MANDIR)/man3/$${f##*/}"; \
		install -D -m 0644 $$f $(DESTDIR)$(MANDIR)/man3/$${f##*/} || exit 1; \
	done
	@# On the live system, the loader's cache learns the new library.
	@if [ -z "$(DESTDIR)" ] && command -v ldconfig >/dev/null 2>&1; then ldconfig; fi

uninstall-lib:
	rm -f $(addprefix $(DESTDIR)$(LIBDIR)/,$(MSGSLOT_SO) $(MSGSLOT_SONAME) libmsgslot.so)
	rm -f $(DESTDIR)$(INCLUDEDIR)/msgslot.h $(DESTDIR)$(PKGCONFIGDIR)/msgslot.pc
	@for f in $(MAN3PAGES); do \
		echo "rm -f $(DESTDIR)$(MANDIR)/man3/$${f##*/}"; \
		rm -f $(DESTDIR)$(MANDIR)/man3/$${f##*/}; \
	done
	@$(call prune,$(PKGCONFIGDIR) $(MANDIR)/man3 $(if $(DESTDIR),$(LIBDIR) $(INCLUDEDIR)))
	@if [ -z "$(DESTDIR)" ] && command -v ldconfig >/dev/null 2>&1; then ldconfig; fi

# prune DIR...: removes each DIR if it is empty; in a DESTDIR its parents
# too while they are empty, up to DESTDIR itself. Directories every system
# has (bin, rules.d) are pruned only in a DESTDIR.
prune = for d in $(1); do d=$(DESTDIR)$$d; \
	while [ "$$d" != "$(DESTDIR)" ] && rmdir "$$d" 2>/dev/null && [ -n "$(DESTDIR)" ]; do \
		d=$${d%/*}; done; done

# DKMS: the module only, rebuilt by DKMS for every kernel installed later.
# The source goes to /usr/src/message_slot-<version> with the version written
# in (dkms.conf's #MODULE_VERSION#, VERSION), <version> being `git describe`.
DKMS ?= dkms
DKMS_SRC = /usr/src/message_slot-$(MS_VERSION)

# dkms-source [DKMS_SRC=DIR]: only the source tree DKMS builds from (what
# the message-slot-dkms package installs, debian/rules).
dkms-source:
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)/driver $(DKMS_SRC)/include/uapi/linux
	install -m 0644 driver/Kbuild driver/*.c driver/*.h $(DKMS_SRC)/driver/
	install -m 0644 include/uapi/linux/message_slot.h $(DKMS_SRC)/include/uapi/linux/
	install -m 0644 Makefile $(DKMS_SRC)/
	sed 's/#MODULE_VERSION#/$(MS_VERSION)/' dkms.conf >$(DKMS_SRC)/dkms.conf
	echo $(MS_VERSION) >$(DKMS_SRC)/VERSION

dkms-install:
	@command -v $(DKMS) >/dev/null 2>&1 || { echo "message_slot: no dkms: apt-get install dkms" >&2; exit 1; }
	@test -n "$(KERNELRELEASE)" || { echo "message_slot: no kernel release in $(KDIR); give KERNELRELEASE=" >&2; exit 1; }
	@if [ -e /lib/modules/$(KERNELRELEASE)/updates/message_slot.ko ]; then \
		echo "message_slot: make install has installed it for $(KERNELRELEASE): make uninstall-module first" >&2; exit 1; fi
	@$(MAKE) --no-print-directory dkms-source MS_VERSION=$(MS_VERSION) DKMS_SRC=$(DKMS_SRC)
	$(DKMS) status -m message_slot -v $(MS_VERSION) | grep -q . || $(DKMS) add message_slot/$(MS_VERSION)
	$(DKMS) build --force message_slot/$(MS_VERSION) -k $(KERNELRELEASE)
	$(DKMS) install --force message_slot/$(MS_VERSION) -k $(KERNELRELEASE)

# Every message_slot version DKMS holds, whatever the tree's version is now,
# and the source trees `make dkms-install` made (they have a VERSION file).
dkms-uninstall:
	@command -v $(DKMS) >/dev/null 2>&1 || { echo "message_slot: no dkms: apt-get install dkms" >&2; exit 1; }
	@for v in $$($(DKMS) status -m message_slot | sed -n 's|^message_slot/\([^,:]*\).*|\1|p' | sort -u); do \
		echo "$(DKMS) remove message_slot/$$v --all"; \
		$(DKMS) remove message_slot/$$v --all || exit 1; \
	done
	@for d in /usr/src/message_slot-*; do \
		if [ -f $$d/VERSION ] && [ -f $$d/dkms.conf ]; then echo "rm -rf $$d"; rm -rf $$d; fi; \
	done

# Debian packages, with dpkg-buildpackage and debhelper, in build/deb/.
deb:
	scripts/deb
