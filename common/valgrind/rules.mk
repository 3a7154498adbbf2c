# common/valgrind/rules.mk - memcheck on every phase (included by the top Makefile).
#
#   make valgrind              the shared suite and the benchmark driver (one trace) under
#                              memcheck, every phase present; fails if memcheck finds anything
#   make phase2_1 valgrind     the same for one phase (logs in build/valgrind/<phase>/)
#   make valgrind-demo         builds build/<phase>/valgrind_demo (demo.c) for the lab
#   make valgrind-demo-test    the demo under memcheck on every phase: its leak, read after free
#                              and overflow must all be reported (part of make test, seconds)
# VG_TRACE=file.rep picks the benchmark's trace; VG_DEMO_SIZES="24 1000" the demo's block sizes.

VG_SRC := common/valgrind
EXTRA_TESTS += valgrind-demo-test

.PHONY: valgrind valgrind-demo valgrind-demo-test

# Built against libsm.a without optimisation, so that every frame of memcheck's stacks is a
# line of demo.c a student can find.
build/%/valgrind_demo: $(VG_SRC)/demo.c build/%/libsm.a
	$(CC) $(C_WARN) -O0 -g -Icommon -o $@ $< build/$*/libsm.a

valgrind-demo: build
	@$(MAKE) --no-print-directory $(foreach p,$(PHASES),build/$(p)/valgrind_demo)

valgrind-demo-test: valgrind-demo
	@echo "==== valgrind-demo-test: memcheck on demo.c's three bugs, every phase"
	@$(VG_SRC)/demo_test.sh $(PHASES)

# The suites, and the drivers when the benchmark's fragment is there to build them.  Every
# phase runs even when an earlier one fails; the target fails if any did.
valgrind: build
	@for p in $(PHASES); do $(MAKE) --no-print-directory -C $$p $(CURDIR)/build/$$p/test_sm \
	    || exit 1; done
	@$(if $(wildcard common/bench/rules.mk),$(MAKE) --no-print-directory \
	    $(foreach p,$(PHASES),build/$(p)/smbench) || exit 1)
	@failed=""; for p in $(PHASES); do \
	    $(VG_SRC)/memcheck_phase.sh $$p || failed="$$failed $$p"; \
	done; \
	if [ -n "$$failed" ]; then echo "valgrind: memcheck found problems in:$$failed"; exit 1; fi
