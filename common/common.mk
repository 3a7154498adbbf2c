# common/common.mk - how a phase is built and tested.
#
# Included by <phase>/Makefile after it sets:
#   PHASE        the folder name, e.g. phase0_original
#   PHASE_SRCS   its .c files, relative to its folder
#   REUSED_SRCS  (optional) components linked from an earlier phase, relative to the repository
#   VARIANT      (optional) a suffix for the build folder, for builds with other switches
#   PHASE_CPPFLAGS (optional) the phase's -D switches
# With SAN=1 (make test SAN=1) everything, the suite included, is built with AddressSanitizer
# and UndefinedBehaviorSanitizer into build/<phase><variant>-san, beside the normal build.
# `make test` builds and runs the suite with CHECKS=1: -DSM_CHECKS=1, so that every SM_ASSERT
# precondition is checked (common/sm_assert.h), in build/<phase><variant>-checks[-san]; the
# plain build (libraries, benchmarks, callgrind) has them compiled out.
# and gives, under build/<phase><variant>/: libsm.a, libsm.so, and test_sm (the shared
# Criterion suite plus the phase's own tests, linked against libsm.a).
#
#   make            the two libraries
#   make test       builds and runs the suite (TEST_ARGS="--verbose" and the like pass through)

ROOT      := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)
COMMON    := $(ROOT)/common
PHASE_DIR := $(ROOT)/$(PHASE)
SAN_DIR   := $(if $(filter 1,$(SAN)),-san)
CHECKS_DIR := $(if $(filter 1,$(CHECKS)),-checks)
BUILD     := $(ROOT)/build/$(PHASE)$(VARIANT)$(CHECKS_DIR)$(SAN_DIR)

include $(COMMON)/cflags.mk
CC       ?= cc
OPT      ?= -O2
CFLAGS   ?= $(C_WARN) $(OPT) -g
# common/ and the phase's own folder for plain includes ("sm.h", "slab.h"); the root for a part of
# another phase, named where it is used: #include "phase1_bitmap/pool.h".
CPPFLAGS += -I$(COMMON) -I$(PHASE_DIR) -I$(ROOT) -D_GNU_SOURCE $(PHASE_CPPFLAGS) \
            $(if $(CHECKS_DIR),-DSM_CHECKS=1)
# One set of objects for both libraries; only the sm_* API is exported from libsm.so.
LIB_CFLAGS := -fPIC -fvisibility=hidden
# Any UB report stops the test that caused it (no recovery), so that it fails.
ifeq ($(SAN),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
override CFLAGS  += $(SAN_FLAGS)
override LDFLAGS += $(SAN_FLAGS)
SAN_ENV   := LSAN_OPTIONS=suppressions=$(COMMON)/san/lsan.supp:print_suppressions=0 \
             UBSAN_OPTIONS=print_stacktrace=1
endif

SRCS := $(addprefix $(PHASE_DIR)/,$(PHASE_SRCS)) $(addprefix $(ROOT)/,$(REUSED_SRCS)) \
        $(wildcard $(COMMON)/*.c)
OBJS := $(patsubst $(ROOT)/%.c,$(BUILD)/obj/%.o,$(SRCS))

TEST_SRCS := $(wildcard $(COMMON)/tests/*.c) $(wildcard $(PHASE_DIR)/tests/*.c)
# The fuzzer's interpreter, so that the suite replays the kept fuzz inputs (common/fuzz).
TEST_SRCS += $(COMMON)/fuzz/sm_ops.c $(COMMON)/fuzz/test_replay.c
TEST_OBJS := $(patsubst $(ROOT)/%.c,$(BUILD)/obj/%.o,$(TEST_SRCS))

.PHONY: all test
all: $(BUILD)/libsm.a $(BUILD)/libsm.so

$(BUILD)/obj/%.o: $(ROOT)/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LIB_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libsm.a: $(OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/libsm.so: $(OBJS)
	$(CC) -shared -o $@ $^ $(LDFLAGS)

$(BUILD)/test_sm: $(TEST_OBJS) $(BUILD)/libsm.a
	$(CC) $(CFLAGS) -o $@ $(TEST_OBJS) $(BUILD)/libsm.a -lcriterion $(LDFLAGS)

# libsm.so too: test_badptr.c loads it as a second, foreign heap.  The suite runs on the
# checks-on build; `make test` on the plain build makes that one.
ifeq ($(CHECKS),1)
test: $(BUILD)/test_sm $(BUILD)/libsm.so
	$(SAN_ENV) $(BUILD)/test_sm $(TEST_ARGS)
else
test:
	@$(MAKE) --no-print-directory CHECKS=1 test
endif

-include $(OBJS:.o=.d) $(TEST_OBJS:.o=.d)
