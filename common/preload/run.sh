#!/bin/sh
# run.sh - runs any command with one phase as its malloc.
#
#   common/preload/run.sh phase1 sort big.txt
#   SM_STATS=1 common/preload/run.sh phase2 perl -e 'print "hi\n"'
#
# The phase is a short name (phase0 phase1 phase2 phase2_1) or a folder name.  Builds
# build/<phase>/libsm_preload.so when it is missing, then runs the command with LD_PRELOAD, so
# that the command and every program it starts allocate through the phase.  The same as
# `make phase1 run CMD="sort big.txt"`.
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ $# -lt 2 ]; then
    echo "usage: $0 phase0|phase1|phase2|phase2_1 command [args...]" >&2
    exit 2
fi
case "$1" in
    phase0) dir=phase0_original ;;
    phase1) dir=phase1_bitmap ;;
    phase2) dir=phase2_slab ;;
    phase2_1) dir=phase2_1_batched ;;
    *) dir=$1 ;;
esac
shift
if [ ! -f "$root/$dir/Makefile" ]; then
    echo "run.sh: no phase $dir in $root" >&2
    exit 2
fi
lib="$root/build/$dir/libsm_preload.so"
[ -f "$lib" ] || make -s -C "$root" "build/$dir/libsm_preload.so" >&2
LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}" exec "$@"
