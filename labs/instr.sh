#!/usr/bin/env bash
# instr.sh - instructions per operation on the traces you name: the labs' grading figure.
#
#   labs/instr.sh ALLOCATOR [SWITCH=0...] TRACE...
#     ALLOCATOR   phase0 phase1 phase2 phase2_1 (or a phase folder), glibc, jemalloc, mimalloc,
#                 tcmalloc
#     SWITCH=0    a phase2_1 correction switched off (BATCH_METADATA=0 ...; phase2_1 only)
#
# Prints a CSV, allocator,trace,instructions_per_op, one row per trace: callgrind's count of
# the instructions executed in the replay loop and below (--toggle-collect=replay_trace), one
# replay from an empty allocator, divided by the trace's operations.  The same on every run
# and every machine.  It is the measurement of `make callgrind` (common/bench/compare.sh), for
# one allocator, the traces given, and phase2_1 with corrections switched off
# (build/phase2_1_batched-no_<switch>/, as `make -C phase2_1_batched SWITCH=0` builds it).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=common/bench/lib.sh
. common/bench/lib.sh
usage() {
    echo "usage: labs/instr.sh phase0|phase1|phase2|phase2_1|glibc|jemalloc|mimalloc|tcmalloc" \
        "[SWITCH=0...] trace.rep..." >&2
    exit 2
}
[ $# -ge 2 ] || usage
who=$1
shift
case $who in
phase0) dir=phase0_original ;;
phase1) dir=phase1_bitmap ;;
phase2) dir=phase2_slab ;;
phase2_1) dir=phase2_1_batched ;;
glibc | jemalloc | mimalloc | tcmalloc) dir="" ;;
*) dir=$who ;;
esac
switches=() suffix=""
while [ $# -gt 0 ] && [[ $1 == *=* ]]; do
    switches+=("$1")
    sw=${1%%=*}
    suffix+="-no_${sw,,}"
    shift
done
[ $# -ge 1 ] || usage
if [ -n "$dir" ] && [ ! -f "$dir/Makefile" ]; then
    echo "instr.sh: no phase $who" >&2
    exit 2
fi
if [ -n "$suffix" ] && [ "$dir" != phase2_1_batched ]; then
    echo "instr.sh: switches belong to phase2_1 only" >&2
    exit 2
fi

preload=()
if [ -z "$dir" ]; then
    make -s --no-print-directory build/system/smbench >&2
    bin=build/system/smbench label=$who
    if [ "$who" != glibc ]; then
        lib=$(bench_preload "$who") || { echo "instr.sh: $who is not installed (make deps)" >&2; exit 2; }
        preload=("$lib") # checked: a preload that did not take is an error
    fi
else
    make -s --no-print-directory -C "$dir" "${switches[@]}" >&2
    make -s --no-print-directory "build/$dir$suffix/smbench" >&2
    bin=build/$dir$suffix/smbench label=$dir$suffix
fi

err=$(mktemp)
trap 'rm -f "$err"' EXIT
echo "allocator,trace,instructions_per_op"
for t in "$@"; do
    expect=""
    [ ${#preload[@]} = 1 ] && expect=$label
    ipo=$(BENCH_ERR=$err bench_callgrind "${preload[@]:--}" "$bin" "$t" "$expect") ||
        { cat "$err" >&2; echo "instr.sh: $label failed on $t" >&2; exit 1; }
    echo "$label,$(basename "$t" .rep),$ipo"
done
