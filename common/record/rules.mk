# common/record/rules.mk - recording real programs into .rep traces (included by the top
# Makefile).
#
#   make record CMD="sort big.txt" OUT=common/traces/real_sort.rep [MAX_OPS=80000]
#
# The process with the most operations becomes OUT; every process's trace is kept in
# build/record/<name>/.  See common/record/recorder.c and rep_from_raw.c.

RECORD_CFLAGS := $(C_FLAGS)

.PHONY: record record-tools record-test
EXTRA_TESTS += record-test
record-tools: build/record/librecord.so build/record/rep_from_raw

build/record/librecord.so: common/record/recorder.c common/preload/aligned_entries.h
	@mkdir -p $(@D)
	$(CC) $(RECORD_CFLAGS) -fPIC -fvisibility=hidden -shared -o $@ $< -lpthread

build/record/rep_from_raw: common/record/rep_from_raw.c
	@mkdir -p $(@D)
	$(CC) $(RECORD_CFLAGS) -o $@ $<

record: record-tools
	@if [ -z "$$CMD" ] || [ -z "$(OUT)" ]; then \
	    echo 'usage: make record CMD="sort big.txt" OUT=common/traces/real_sort.rep [MAX_OPS=n]'; \
	    exit 2; fi
	@common/record/record.sh "$(OUT)" sh -c "$$CMD"

build/record/allocs: common/record/tests/allocs.c
	@mkdir -p $(@D)
	$(CC) $(RECORD_CFLAGS) -O0 -o $@ $<

build/record/test_record: common/record/tests/test_record.c
	@mkdir -p $(@D)
	$(CC) $(RECORD_CFLAGS) -o $@ $< -lcriterion

record-test: deps-check record-tools build/record/allocs build/record/test_record
	@echo "==== the recorder and rep_from_raw"
	@SM_RECORD_BIN=$(CURDIR)/build/record build/record/test_record $(TEST_ARGS)
