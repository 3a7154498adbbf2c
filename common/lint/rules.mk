# common/lint/rules.mk - static analysis (included by the top Makefile).
#
#   make lint    cppcheck and clang-tidy over every C file in git; fails on any finding.
#
# Configuration: .clang-tidy (which checks, and why some are off), common/lint/cppcheck.supp,
# common/lint/*.cfg (what cppcheck needs to know of Criterion and of sm_bad_pointer).
.PHONY: lint
lint: deps-check
	@common/lint/lint.sh
