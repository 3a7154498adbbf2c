# common/bench/rules.mk - the benchmark (included by the top Makefile).  See common/bench/README.md.
#
#   make compare [QUICK=1]     every phase present and glibc, jemalloc, mimalloc, tcmalloc on
#                              the standard traces: checked, then timed; the table, the CSVs in
#                              plots/data/, then the plots.  Installs what is missing (deps) and
#                              builds quietly (the log: build/bench/build.log), so that its
#                              output is the benchmark's alone.  QUICK=1 leaves out scale_1e6,
#                              callgrind and the ablation (and figures 5 and 6); FULL=1 also runs
#                              the capped cells and phase2 uncapped (minutes)
#   make phase2 bench          one phase (or several) on the standard traces, table only
#   make phase2 bench TRACE=f.rep   the same on any .rep trace, or on every .rep of a directory
#   make compare TRACES=dir    every allocator on a directory of traces (a CS:APP set) instead
#   make callgrind             instructions per operation (valgrind's callgrind), deterministic,
#                              every allocator: plots/data/callgrind.csv
#   make phase2 callgrind      the same for one phase (build/bench/callgrind.csv); TRACE= as above
#   make traces                regenerates common/traces/ with the seeded generator
#   make bench-test            the benchmark's own tests (part of make test)
#   make figures               regenerates the measured tables of every Markdown file
#                              (common/bench/figures.sh; "Tables in the documents" in the README)
#   make figures-check         fails when such a table is not what the current code gives
#                              (part of make test)
#   make figures-reference     makes the last `make compare` (plots/data, plots/out) the
#                              reference run the documents quote times from (plots/reference)

BENCH_SRC   := common/bench
BENCH_BUILD := build/bench
BENCH_CFLAGS := $(C_FLAGS) -Icommon -I$(BENCH_SRC)
BENCH_OBJS  := $(addprefix $(BENCH_BUILD)/obj/,smbench.o trace.o verify.o replay.o)
BENCH_BINS  := $(foreach p,$(PHASES),build/$(p)/smbench) build/system/smbench

# The 10^6 point of the scaling series, generated here (12 MB), not shipped.
BIG_TRACE   := build/traces/scale_1e6.rep

.PHONY: compare bench callgrind traces bench-bins bench-test figures figures-check figures-reference
EXTRA_TESTS += bench-test
# The tables are the reference code's figures: a student's copy (labs/README.md) leaves this line
# out, since the student's own allocators give other counts.
EXTRA_TESTS += figures-check # INSTRUCTOR-ONLY

$(BENCH_BUILD)/obj/%.o: $(BENCH_SRC)/%.c
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -MMD -MP -c $< -o $@

$(BENCH_BUILD)/gentrace: $(BENCH_SRC)/gentrace.c common/rng.h
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -o $@ $<

build/system/smbench: $(BENCH_OBJS) $(BENCH_BUILD)/obj/system_adapter.o
	@mkdir -p $(@D)
	$(CC) -o $@ $^ -ldl

# Any build folder holding a libsm.a: a phase (its rule is in the top Makefile), or a variant
# built before by the phase's make (the ablation's phase2_1 builds with a switch off).
build/%/smbench: build/%/libsm.a $(BENCH_OBJS)
	$(CC) -o $@ $(BENCH_OBJS) $<

$(BIG_TRACE): $(BENCH_BUILD)/gentrace
	@mkdir -p $(@D)
	$(BENCH_BUILD)/gentrace scale 1000000 > $@.tmp && mv $@.tmp $@

traces: $(BENCH_BUILD)/gentrace
	@set -e; for t in phase1_pattern slab_mix binary coalescing random realloc-heavy realloc-growth; do \
	    $(BENCH_BUILD)/gentrace $$t > common/traces/$$t.rep; done; \
	for n in 3 4 5; do \
	    $(BENCH_BUILD)/gentrace scale $$(printf '1%0*d' $$n 0) > common/traces/scale_1e$$n.rep; \
	done; echo "traces: rewrote common/traces/"

# The phases' libraries first (their own Makefiles know their sources), then the drivers.
bench-bins: build
	@$(MAKE) --no-print-directory $(BENCH_BINS) $(BIG_TRACE)

# The figures a QUICK run has no data for (callgrind.csv, ablation.csv) are not drawn.
QUICK_PLOTS := $(filter-out %/fig5_instructions.gp %/fig6_ablation.gp,$(wildcard plots/fig*.gp))

# The phases and the drivers, built with their output in build/bench/build.log (shown when the
# build fails), so that what compare, bench and callgrind print is the benchmark's alone.
define quiet_build
	@mkdir -p $(BENCH_BUILD)
	@echo "== building the phases and the driver (log: $(BENCH_BUILD)/build.log)"
	@$(MAKE) --no-print-directory bench-bins >$(BENCH_BUILD)/build.log 2>&1 || \
	    { cat $(BENCH_BUILD)/build.log; echo "$@: the build failed (above)"; exit 1; }
endef

compare: deps
	$(quiet_build)
	@$(BENCH_SRC)/compare.sh compare $(if $(QUICK),--quick) $(if $(TRACES),--trace "$(TRACES)") $(PHASES)
	@$(MAKE) --no-print-directory plots $(if $(QUICK),PLOTS="$(QUICK_PLOTS)")

bench:
	$(quiet_build)
	@$(BENCH_SRC)/compare.sh bench $(if $(TRACE),--trace "$(TRACE)") $(if $(SELECTED),,--with-system) $(PHASES)

callgrind: deps-check
	$(quiet_build)
	@$(BENCH_SRC)/compare.sh callgrind $(if $(TRACE),--trace "$(TRACE)") $(if $(SELECTED),--phases-only) $(PHASES)

figures: bench-bins
	@$(BENCH_SRC)/figures.sh write

figures-check: bench-bins
	@echo "==== figures-check: the tables of the Markdown files against the current code"
	@$(BENCH_SRC)/figures.sh check

figures-reference:
	@test -f plots/data/compare.csv -a -f plots/data/run.txt || \
	    { echo "figures-reference: run make compare (not QUICK=1) first"; exit 1; }
	cp plots/data/*.csv plots/data/run.txt plots/reference/
	cp plots/out/*.png plots/reference/ 2>/dev/null || true
	@echo "figures-reference: now make figures, and read the diff before committing"

BENCH_TEST_OBJS := $(addprefix $(BENCH_BUILD)/obj/,tests/test_bench.o trace.o verify.o)
$(BENCH_BUILD)/obj/tests/test_bench.o: BENCH_CFLAGS += -DROOT='"$(CURDIR)"'
$(BENCH_BUILD)/test_bench: $(BENCH_TEST_OBJS)
	$(CC) -o $@ $^ -lcriterion

# The driver on a deliberately misaligned allocator: its check pass must refuse it.
$(BENCH_BUILD)/smbench_broken: $(BENCH_OBJS) $(BENCH_BUILD)/obj/tests/broken_adapter.o
	$(CC) -o $@ $^

bench-test: deps-check
	@$(MAKE) --no-print-directory $(BENCH_BUILD)/test_bench build/phase0_original/smbench \
	    build/system/smbench $(BENCH_BUILD)/gentrace $(BENCH_BUILD)/smbench_broken
	@echo "==== bench-test: trace reader, check pass, strace cross-check, driver smoke run"
	$(BENCH_BUILD)/test_bench

-include $(BENCH_OBJS:.o=.d) $(BENCH_TEST_OBJS:.o=.d) $(BENCH_BUILD)/obj/system_adapter.d
