# SPDX-License-Identifier: GPL-2.0
#
# message_slot: `make` builds the module and the programs and leaves
# message_slot.ko, message_sender, message_reader, slotctl at the top of
# the tree.
#
#   make [KDIR=/lib/modules/<release>/build]   build everything
#   make check                                 the whole suite, in QEMU, on 6.1 and 6.12
#   make demo                                  the seed's walkthrough inside a VM
#   make clean                                 remove every build product

# The kernel to build against: the running kernel's headers, otherwise the
# newest installed ones (this is what happens on a machine without headers
# for its own kernel, e.g. a CI container).
ifeq ($(origin KDIR),undefined)
  KRELEASE ?= $(shell uname -r)
  ifneq ($(wildcard /lib/modules/$(KRELEASE)/build/Makefile),)
    KDIR := /lib/modules/$(KRELEASE)/build
  else
    KDIR := $(lastword $(shell ls -d /lib/modules/*/build 2>/dev/null | sort -V))
    ifeq ($(KDIR),)
      $(warning no kernel headers for $(KRELEASE): install linux-headers-$(KRELEASE))
    else
      $(info message_slot: no headers for the running kernel $(KRELEASE); building against $(KDIR))
    endif
  endif
endif

MS_VERSION := $(shell git -C $(CURDIR) describe --always --dirty 2>/dev/null || echo 0.1)

CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -Wall -Wextra
CPPFLAGS += -D_GNU_SOURCE -Iinclude/uapi -DMS_VERSION='"$(MS_VERSION)"'

PROGRAMS := message_sender message_reader slotctl
LIB_OBJS := utils/slot.o utils/udev.o
LIB := utils/libslot.a

.PHONY: all module programs clean check demo

all: module programs

module:
	@test -n "$(KDIR)" || { echo "message_slot: no kernel headers found; install linux-headers-$$(uname -r)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/driver MS_VERSION=$(MS_VERSION) modules
	cp driver/message_slot.ko message_slot.ko

programs: $(PROGRAMS)

$(LIB): $(LIB_OBJS)
	$(AR) rcs $@ $^

utils/%.o: utils/%.c utils/slot.h include/uapi/linux/message_slot.h
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

utils/udev.o utils/slotctl.o: utils/udev.h

# slotctl finds slot devices through libudev (libudev-dev to build).
slotctl: LDLIBS += -ludev

$(PROGRAMS): %: utils/%.o $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

check:
	scripts/check

demo:
	scripts/demo

clean:
	-test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR)/driver clean
	rm -f message_slot.ko $(PROGRAMS) $(LIB) utils/*.o
	rm -rf build
	-$(MAKE) -C tests clean 2>/dev/null
