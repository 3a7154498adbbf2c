#!/bin/sh
# record.sh - records a real program's allocations into a .rep trace.
#
#   common/record/record.sh OUT.rep command [args...]
#   MAX_OPS=80000 common/record/record.sh common/traces/real_sort.rep sort big.txt
#
# Runs the command with build/record/librecord.so preloaded (make record builds it), one log
# per process in build/record/<name>/, converts each log into build/record/<name>/<log>.rep,
# and copies the trace of the process with the most operations to OUT.  MAX_OPS caps every
# trace (the trace stops early, balanced); the default is no cap.
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ $# -lt 2 ]; then
    echo "usage: $0 OUT.rep command [args...]" >&2
    exit 2
fi
out=$1
shift
name=$(basename "$out" .rep)
work="$root/build/record/$name"
rm -rf "$work"
mkdir -p "$work"
status=0
SM_RECORD_DIR="$work" LD_PRELOAD="$root/build/record/librecord.so" "$@" || status=$?
[ "$status" -eq 0 ] || echo "record: the command exited with status $status" >&2

best="" best_ops=-1
for raw in "$work"/*.raw; do
    [ -s "$raw" ] || continue
    rep="${raw%.raw}.rep"
    "$root/build/record/rep_from_raw" ${MAX_OPS:+-n "$MAX_OPS"} "$raw" > "$rep"
    ops=$(sed -n 3p "$rep")
    if [ "$ops" -gt "$best_ops" ]; then best=$rep best_ops=$ops; fi
done
if [ -z "$best" ]; then
    echo "record: no allocation was recorded" >&2
    exit 1
fi
cp "$best" "$out"
echo "record: $(ls "$work"/*.rep | wc -l) process(es) in $work; $out <- $(basename "$best") ($best_ops operations)"
