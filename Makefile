# The course's entry point.  See README.md.
#
#   make compare          the main job: every phase and glibc, jemalloc, mimalloc, tcmalloc on the
#                         same traces, checked then timed; table, CSVs, plots (common/bench)
#   make test             the shared suite on every phase, then the repository's other tests
#   make phase1 test      the suite on one phase (phase0, phase1, phase2, phase2_1); likewise
#                         bench, callgrind, valgrind, run CMD="..."
#   make                  builds every phase (build/<phase>/libsm.a, libsm.so); installs nothing
#   make plots | valgrind | callgrind | lint | fuzz | record | labs-check   (see README.md)
#   make figures          regenerates the measured tables of the Markdown files; make
#                         figures-check (part of make test) fails when one disagrees with the code
#   make deps             installs the Debian packages the course needs; make test and make
#                         compare do it too, and nothing else does (the other targets that
#                         need a package say which is missing: deps-check)
#   make format           clang-format over every C file
#   make clean

PHASE_DIRS := phase0_original phase1_bitmap phase2_slab phase2_1_batched
dir_phase0   := phase0_original
dir_phase1   := phase1_bitmap
dir_phase2   := phase2_slab
dir_phase2_1 := phase2_1_batched
SHORT_NAMES  := phase0 phase1 phase2 phase2_1

# The phases named on the command line, or every phase present.
PRESENT  := $(foreach d,$(PHASE_DIRS),$(if $(wildcard $(d)/Makefile),$(d)))
SELECTED := $(foreach s,$(filter $(SHORT_NAMES),$(MAKECMDGOALS)),$(dir_$(s)))
PHASES   := $(or $(SELECTED),$(PRESENT))

# Tests beyond the per-phase suite; the rules.mk fragments below add theirs.
EXTRA_TESTS :=

.PHONY: all build test test-phases clean deps deps-check format FORCE $(SHORT_NAMES)
all: build

# The C flags, spelled once for every fragment below (the phases' own make includes it too).
include common/cflags.mk

# `make phase1` alone builds that phase; with another goal it only selects the phase.
$(SHORT_NAMES): $(if $(filter-out $(SHORT_NAMES),$(MAKECMDGOALS)),,build)
	@:

deps:
	@common/scripts/deps.sh

deps-check:
	@common/scripts/deps.sh --check

build:
	@for p in $(PHASES); do $(MAKE) --no-print-directory -C $$p || exit 1; done

# A phase's libsm.a, for the rules of the fragments that link it (the driver, the preload
# shim): the phase's own make knows its sources and decides whether it is stale; make then
# compares the library's time with what is linked from it, as for any other file.
$(foreach d,$(PRESENT),build/$(d)/libsm.a): build/%/libsm.a: FORCE
	@$(MAKE) -s --no-print-directory -C $* all
FORCE:

# Every phase runs even when an earlier one fails; the target fails if any did.
test-phases: deps
	@failed=""; for p in $(PHASES); do \
	    echo "==== $$p: shared suite and phase tests"; \
	    $(MAKE) --no-print-directory -C $$p test || failed="$$failed $$p"; \
	done; \
	if [ -n "$$failed" ]; then echo "FAILED:$$failed"; exit 1; fi

# The other tests (EXTRA_TESTS) are added at the end, once the fragments have named them.
test: test-phases

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build

include $(wildcard common/*/rules.mk plots/rules.mk labs/rules.mk)

# Here, not on the `test:` line above: a rule's prerequisites are expanded when make reads the
# line, and EXTRA_TESTS is only complete after the fragments.  With SAN=1 (every phase and the
# suite under ASan+UBSan, build/<phase>-san) they are left out: they build their own programs
# against the normal build/<phase>/.
test: $(if $(SELECTED)$(filter 1,$(SAN)),,$(EXTRA_TESTS))
