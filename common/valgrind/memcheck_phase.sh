#!/bin/sh
# memcheck_phase.sh PHASE - the shared suite, then the benchmark driver on one trace, under
# memcheck for one phase (make PHASE valgrind; `make valgrind` calls it for every phase).
#
# Valgrind follows Criterion's test processes (--trace-children=yes) and writes one log per
# process into build/valgrind/PHASE/; check_logs.sh reads them, since Criterion ignores what
# valgrind finds in a test.  --jobs 1 runs the tests one after another: under Valgrind two at
# once only compete for the same cores.  VG_FILTER, a Criterion --filter pattern, narrows the
# suite (e.g. VG_FILTER='stress/*'); by default every test runs.  A test that commits a memory
# error on purpose (to show that sm_check sees it) has its entry in intentional.supp.  The benchmark runs when build/PHASE/smbench exists
# (--once: one replay, no timing), on VG_TRACE (default: common/traces/realloc-heavy.rep, the
# trace that resizes in place most).  Exit status 1 when memcheck reported anything, or when a
# test failed under Valgrind.
set -u
phase=${1:?usage: memcheck_phase.sh PHASE}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build/valgrind/$phase
trace=${VG_TRACE:-$root/common/traces/realloc-heavy.rep}
filter=${VG_FILTER:-}
memcheck="valgrind --leak-check=full --errors-for-leak-kinds=definite --trace-children=yes
          --suppressions=$root/common/valgrind/intentional.supp"
status=0

# One run per phase at a time: two would share (and delete) the same logs.
mkdir -p "$out"
exec 9>"$out.lock"
flock 9 || exit 1
rm -rf "$out/suite" "$out/bench" "$out/test_sm" "$out/libsm.so" && mkdir -p "$out/suite"
start=$(date +%s)
echo "==== $phase: shared suite under memcheck (logs: build/valgrind/$phase/suite)"
# A copy: Criterion starts each test by running its own executable again, which under Valgrind
# means the file by its path, and a rebuild of test_sm during the run would mix two suites.
# test_badptr loads the libsm.so beside the program and ../*/libsm.so: the phases' own get a
# copy too, not the variants' (build/<phase>-<variant>/): an ASan build's libsm.so, loaded
# under Valgrind, ends the process.
cp "$root/build/$phase/test_sm" "$out/test_sm"
for lib in "$root"/build/*/libsm.so; do
    case $lib in */build/*-*/libsm.so) continue ;; esac
    copy=$root/build/valgrind/$(basename "$(dirname "$lib")")
    # cp then mv: a run of another phase may have the old copy loaded
    mkdir -p "$copy" && cp "$lib" "$copy/libsm.so.$$" && mv "$copy/libsm.so.$$" "$copy/libsm.so"
done
if ! $memcheck --log-file="$out/suite/%p.log" "$out/test_sm" --jobs 1 \
        ${filter:+--filter "$filter"} >"$out/suite.out" 2>&1; then
    tail -n 20 "$out/suite.out"
    echo "$phase: the suite failed under Valgrind (build/valgrind/$phase/suite.out)"
    status=1
fi
tail -n 1 "$out/suite.out"
"$root/common/valgrind/check_logs.sh" "$out/suite" || status=1

if [ -x "$root/build/$phase/smbench" ] && [ -f "$trace" ]; then
    mkdir -p "$out/bench"
    echo "==== $phase: smbench --once $(basename "$trace") under memcheck"
    if ! $memcheck --log-file="$out/bench/%p.log" "$root/build/$phase/smbench" --once \
            "$trace" >"$out/bench.out" 2>&1; then
        tail -n 5 "$out/bench.out"
        echo "$phase: smbench failed under Valgrind"
        status=1
    fi
    "$root/common/valgrind/check_logs.sh" "$out/bench" || status=1
else
    echo "==== $phase: no build/$phase/smbench or no $trace: benchmark skipped"
fi
echo "==== $phase: memcheck $([ $status -eq 0 ] && echo clean || echo FOUND PROBLEMS)," \
     "$(($(date +%s) - start)) s"
exit $status
