# common/cflags.mk - the C flags of every program the course builds, spelled once.  Included by
# the top Makefile (for the fragments */rules.mk) and by common/common.mk (for the phases).
#
#   C_WARN       the language and the warnings: every build
#   C_FLAGS      what a tool of the course is built with (the driver, the shim, the tests)
# A build that differs says how, beside its use: the phases take OPT (common.mk), the Valgrind
# demo -O0, the fuzzer -O1 and no -Werror.

C_WARN  := -std=c17 -Wall -Wextra -Werror
C_FLAGS := $(C_WARN) -O2 -g -D_GNU_SOURCE
