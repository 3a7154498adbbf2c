#!/bin/sh
# demo_test.sh PHASE... - valgrind-demo-test: runs build/PHASE/valgrind_demo (demo.c) under
# memcheck for each phase and block size in VG_DEMO_SIZES (default "24 1000": a small block
# and a middling one, which most phases serve from different places), and fails unless
# expect_demo.sh finds all three bugs reported with their stacks in demo.c.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
failed=""
for phase in "$@"; do
    out=$root/build/valgrind/$phase/demo
    rm -rf "$out" && mkdir -p "$out"
    for size in ${VG_DEMO_SIZES:-24 1000}; do
        log=$out/demo_$size.log
        valgrind --leak-check=full --log-file="$log" "$root/build/$phase/valgrind_demo" "$size" \
            >/dev/null
        if "$root/common/valgrind/expect_demo.sh" "$log" "$size"; then
            echo "$phase: memcheck reports the leak, the read after free and the overflow" \
                 "($size-byte blocks)"
        else
            echo "$phase: memcheck missed a bug of the demo ($size-byte blocks); log: $log"
            failed="$failed $phase/$size"
        fi
    done
done
[ -z "$failed" ] || { echo "valgrind-demo-test FAILED:$failed"; exit 1; }
