# common/preload/rules.mk - every phase as the malloc of a real program (included by the
# top Makefile; PHASES and SELECTED come from there).
#
#   make preload                     build/<phase>/libsm_preload.so for every phase
#   make phase1 run CMD="sort f"     runs a command with phase1 as its malloc
#   make preload-test                real programs, the thread stress and the strace cross-check
#                                    on every phase (part of make test)
#
# The same without make: common/preload/run.sh phase1 sort big.txt

PRELOAD_CC     ?= cc
PRELOAD_CFLAGS := $(C_FLAGS) -Icommon
PRELOAD_LIBS   := $(foreach p,$(PHASES),build/$(p)/libsm_preload.so)
PRELOAD_BUILD  := build/preload

.PHONY: preload run preload-test
EXTRA_TESTS += preload-test

preload: $(PRELOAD_LIBS)

# The shim linked with the phase's libsm.a (whose rule, in the top Makefile, asks the phase's
# own make).  -Bsymbolic binds the shim's calls into the phase inside the library.
build/%/libsm_preload.so: common/preload/shim.c common/preload/aligned_entries.h build/%/libsm.a
	@echo "preload: linking $@"
	@$(PRELOAD_CC) $(PRELOAD_CFLAGS) -fPIC -fvisibility=hidden -shared -Wl,-Bsymbolic \
	    -o $@ $< build/$*/libsm.a -lpthread

run: $(if $(filter 1,$(words $(SELECTED))),$(PRELOAD_LIBS))
	@if [ "$(words $(SELECTED))" != 1 ] || [ -z "$$CMD" ]; then \
	    echo 'usage: make phase1 run CMD="sort big.txt"   (one phase: phase0 phase1 phase2 phase2_1)'; \
	    exit 2; fi
	@LD_PRELOAD=$(CURDIR)/build/$(SELECTED)/libsm_preload.so sh -c "$$CMD"

$(PRELOAD_BUILD)/stress: common/preload/stress.c common/rng.h
	@mkdir -p $(@D)
	$(PRELOAD_CC) $(PRELOAD_CFLAGS) -o $@ $< -lpthread

$(PRELOAD_BUILD)/shimcheck: common/preload/tests/shimcheck.c
	@mkdir -p $(@D)
	$(PRELOAD_CC) $(PRELOAD_CFLAGS) -o $@ $< -ldl

$(PRELOAD_BUILD)/test_preload: common/preload/tests/test_preload.c common/rng.h
	@mkdir -p $(@D)
	$(PRELOAD_CC) $(PRELOAD_CFLAGS) -o $@ $< -lcriterion

# One run of the suite per phase; every phase runs even when an earlier one fails.
preload-test: deps-check $(PRELOAD_LIBS) $(PRELOAD_BUILD)/stress $(PRELOAD_BUILD)/shimcheck \
              $(PRELOAD_BUILD)/test_preload
	@failed=""; for p in $(PHASES); do \
	    echo "==== $$p: real programs through LD_PRELOAD"; \
	    SM_PHASE=$$p SM_PRELOAD=$(CURDIR)/build/$$p/libsm_preload.so \
	    SM_PRELOAD_BIN=$(CURDIR)/$(PRELOAD_BUILD) $(PRELOAD_BUILD)/test_preload $(TEST_ARGS) \
	        || failed="$$failed $$p"; \
	done; \
	if [ -n "$$failed" ]; then echo "FAILED (preload):$$failed"; exit 1; fi
