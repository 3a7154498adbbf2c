#!/bin/sh
# lint.sh - the include rules (includes.sh), cppcheck, then clang-tidy, over every C file in git
# (make lint).
#
# Each file is checked with the include path its build uses: its own folder first (a phase's
# tests/ see the phase's headers), then common/ and the repository root, from which a part of
# another phase is named ("phase1_bitmap/pool.h"); phase2_1's switches take their defaults
# (switches.h).  Files are read as the test build compiles them (-DSM_CHECKS=1), so that the
# analyzer knows what every SM_ASSERT precondition promises.
# Exits 1 when either tool reports anything.  Configuration: .clang-tidy at the top,
# common/lint/*.cfg and cppcheck.supp here.  LINT_JOBS=n runs n clang-tidy at once (2).
set -u
self="$(cd "$(dirname "$0")" && pwd)/lint.sh"
cd "$(dirname "$0")/../.." || exit 1
lint=common/lint
shared="-Icommon -I."

# Checks turned off for one file, and why: programs whose job is to misuse the C library's
# allocator (cppcheck's side of this is in cppcheck.supp).
deliberate() {
    case $1 in
    # frees a stack address and asks for a 24-byte alignment: the shim must reject both
    common/preload/tests/shimcheck.c)
        echo "-clang-analyzer-unix.Malloc,-clang-diagnostic-non-power-of-two-alignment" ;;
    # a fixed allocation history for the recorder, realloc(s, 0) and leaks included
    common/record/tests/allocs.c)
        echo "-clang-analyzer-optin.portability.UnixAPI,-clang-analyzer-unix.Malloc" ;;
    # misaligned_malloc() returns malloc's block 8 bytes off, to be caught by the checks
    common/bench/tests/test_bench.c) echo "-bugprone-misplaced-pointer-arithmetic-in-alloc" ;;
    *) echo "-clang-analyzer-no-such-check" ;; # clang-tidy wants a non-empty list
    esac
}

# One file through clang-tidy (the script calls itself this way, once per file, from xargs).
if [ "${1:-}" = "--tidy" ]; then
    f=$2
    dir=${f%/*}
    # shellcheck disable=SC2086
    out=$(clang-tidy --quiet --checks="$(deliberate "$f")" "$f" -- -std=c17 -D_GNU_SOURCE -DSM_CHECKS=1 -DROOT='"."' -DPLOTS_DIR='"plots"' -DSMBENCH='"smbench"' \
        -I"$dir" -I"${dir%/tests}" $shared 2>&1) && exit 0
    printf '%s\n' "$out" | grep -v '^[0-9]* warnings\? \(and [0-9]* errors\? \)\?generated'
    exit 1
fi

files=$(git ls-files '*.c')
status=0
echo "lint: includes"
$lint/includes.sh || status=1
echo "lint: cppcheck"
# cppcheck takes one include path for all files; the per-folder headers are found relative to
# each file ("..." includes), which is how they are written.
# shellcheck disable=SC2086
cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,performance,portability \
    --inline-suppr --suppressions-list=$lint/cppcheck.supp \
    --library=$lint/criterion.cfg --library=$lint/sm.cfg \
    -D_GNU_SOURCE -DSM_CHECKS=1 -DROOT='"."' -DPLOTS_DIR='"plots"' -DSMBENCH='"smbench"' $shared -j "${LINT_JOBS:-2}" $files ||
    status=1

echo "lint: clang-tidy"
printf '%s\n' "$files" | xargs -P "${LINT_JOBS:-2}" -n 1 "$self" --tidy || status=1

[ $status -eq 0 ] && echo "lint: clean"
exit $status
