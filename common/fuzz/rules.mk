# common/fuzz/rules.mk - fuzzing every phase with libFuzzer (included by the top Makefile).
#
#   make fuzz PHASE=phase2_1 SECONDS=60   fuzzes one phase (short name or folder) for that long;
#                                         new inputs go to build/<phase>-fuzz/corpus, a crash
#                                         to build/<phase>-fuzz/crash-<hash>
#   make fuzz-smoke                       a short, fixed run on every phase (part of make test)
#
# The phase is rebuilt with clang into build/<phase>-fuzz with coverage feedback
# (-fsanitize=fuzzer-no-link) and ASan+UBSan, and linked with the harness: fuzz_sm.c, the
# entry point, and sm_ops.c, the interpreter that turns an input into allocator operations and
# checks every result (see sm_ops.h).
#
# A crash, once fixed, keeps its input: copy build/<phase>-fuzz/crash-<hash> to
# common/fuzz/regressions/<what-it-found>.  The suite replays every file of regressions/ and
# corpus/ on every phase (test_replay.c), and so does fuzz-smoke.

FUZZ_SRC      := common/fuzz
FUZZ_CC       := clang
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# No -Werror here: a warning only clang gives must not stop the fuzzer; `make lint` reports it.
FUZZ_CFLAGS   := $(filter-out -Werror,$(C_WARN)) -O1 -g $(FUZZ_SAN)
# The interpreter gets neither coverage counters nor ASan: the feedback that matters is the
# allocator's, ASan cannot see inside mmap'ed blocks anyway, and instrumenting its pattern loops
# made every input 10x slower.
FUZZ_HARNESS_CFLAGS := $(filter-out -Werror,$(C_WARN)) -O2 -g -fsanitize=undefined \
                       -fno-sanitize-recover=all
# Blocks are at most 4 MiB, 32 of them live at once; a fuzzing run keeps libFuzzer's own input
# length limit, the smoke run stops at 1 KiB (256 operations) to stay short.
FUZZ_ARGS     := -rss_limit_mb=2048 -timeout=30
# fuzz-smoke: a fixed number of runs from a fixed seed, so that it does the same work on every
# machine, however loaded.
FUZZ_SMOKE_RUNS := 2000
FUZZ_PHASE    := $(or $(dir_$(PHASE)),$(PHASE))
FUZZ_TIME     := $(or $(SECONDS),60)

.PHONY: fuzz fuzz-smoke fuzz-build-%
EXTRA_TESTS += fuzz-smoke

# build/<phase>-fuzz/fuzz_sm.  PHASE and SAN are passed explicitly: a PHASE= given to `make
# fuzz` on the command line would otherwise reach the phase's own Makefile too.
fuzz-build-%: deps-check
	@$(MAKE) --no-print-directory -C $* PHASE=$* VARIANT=-fuzz SAN= CC=$(FUZZ_CC) \
	    CFLAGS="$(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link" $(CURDIR)/build/$*-fuzz/libsm.a
	$(FUZZ_CC) $(FUZZ_HARNESS_CFLAGS) -Icommon -c -o build/$*-fuzz/sm_ops.o $(FUZZ_SRC)/sm_ops.c
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Icommon -o build/$*-fuzz/fuzz_sm \
	    $(FUZZ_SRC)/fuzz_sm.c build/$*-fuzz/sm_ops.o build/$*-fuzz/libsm.a

fuzz:
	@test -n "$(PHASE)" || { echo "make fuzz PHASE=<phase> [SECONDS=60]"; exit 1; }
	@test -f "$(FUZZ_PHASE)/Makefile" || { echo "fuzz: no phase $(PHASE)"; exit 1; }
	@$(MAKE) --no-print-directory fuzz-build-$(FUZZ_PHASE)
	@mkdir -p build/$(FUZZ_PHASE)-fuzz/corpus
	build/$(FUZZ_PHASE)-fuzz/fuzz_sm $(FUZZ_ARGS) -max_total_time=$(FUZZ_TIME) \
	    -artifact_prefix=build/$(FUZZ_PHASE)-fuzz/ build/$(FUZZ_PHASE)-fuzz/corpus \
	    $(FUZZ_SRC)/corpus $(FUZZ_SRC)/regressions

# Every phase: replay the kept inputs, then FUZZ_SMOKE_RUNS new ones.  The first corpus folder,
# where libFuzzer writes what it finds, is emptied first so that every run starts alike.
fuzz-smoke:
	@failed=""; for p in $(PRESENT); do \
	    echo "==== $$p: fuzz smoke ($(FUZZ_SMOKE_RUNS) runs)"; \
	    $(MAKE) --no-print-directory fuzz-build-$$p || { failed="$$failed $$p"; continue; }; \
	    rm -rf build/$$p-fuzz/smoke && mkdir -p build/$$p-fuzz/smoke; \
	    build/$$p-fuzz/fuzz_sm $(FUZZ_ARGS) -seed=1 -runs=$(FUZZ_SMOKE_RUNS) -max_len=1024 \
	        -artifact_prefix=build/$$p-fuzz/ build/$$p-fuzz/smoke \
	        $(FUZZ_SRC)/corpus $(FUZZ_SRC)/regressions 2>build/$$p-fuzz/smoke.log \
	    && tail -n 1 build/$$p-fuzz/smoke.log \
	    || { tail -n 40 build/$$p-fuzz/smoke.log; failed="$$failed $$p"; }; \
	done; \
	if [ -n "$$failed" ]; then echo "FUZZ FAILED:$$failed"; exit 1; fi
