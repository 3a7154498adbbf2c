#!/usr/bin/env bash
# check.sh - make handout-check: the student's copy builds, fails where it should, passes where
# it should, and gives nothing away (labs/README.md, "The handout").
#
#   labs/handout/check.sh              checks the copy made from a clean checkout of HEAD
#   labs/handout/check.sh --worktree   from the working tree instead (to try a change first)
#
# Steps, each stopping the run with "handout-check FAILED: ..." when it does not hold:
#   1. make handout (stage 0: every BUILD-IT region a stub) from a clean checkout;
#   2. no solution text in the copy: no BUILD-IT marker, no excluded file, no line of a region's
#      body (any line of 24 characters or more, except the generic ones listed in
#      labs/handout/common), no string of labs/handout/spoilers;
#   3. the copy builds with `make`;
#   4. each phase's suite fails, and every failing test names an unwritten function
#      ("not written yet: <file> <function>, lab N 'Build it'"); every other test passes;
#   5. the regions of labs 0 and 1 put back (what `make handout STAGE=2` ships): phase0 and
#      phase1 pass, phase2 still fails by name, so a student can start lab 2 without lab 1; under
#      memcheck, a program on phase1 stops at lab 4's unwritten block registration, by name;
#   6. lab 2's put back too (STAGE=3): phase2 passes, phase2_1 fails by name;
#   7. every region put back: phase2_1 passes too (each suite has passed once with the
#      reference regions, which steps 5 to 7 only add to), and memcheck reports the demo's bugs.
# Work and logs: build/handout-check/.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
root=$PWD
work=$root/build/handout-check
rm -rf "$work"
mkdir -p "$work"
fail() {
    echo "handout-check FAILED: $*"
    exit 1
}
step() { echo "==== handout-check: $*"; }

# 1. A clean checkout, and the copy made in it.
src=$work/src
if [ "${1:-}" = --worktree ]; then
    step "1. make handout from the working tree"
    mkdir -p "$src"
    git ls-files -co --exclude-standard | while IFS= read -r f; do
        [ -f "$f" ] && mkdir -p "$src/$(dirname "$f")" && cp -p "$f" "$src/$f"
    done
    git -C "$src" init -q && git -C "$src" add -A
else
    step "1. make handout from a clean checkout of $(git rev-parse --short HEAD)"
    git clone -q "$root" "$src" || fail "git clone of $root"
fi
(cd "$src" && labs/handout/make.sh 0) >"$work/make.log" 2>&1 || {
    cat "$work/make.log"
    fail "make handout"
}
H=$src/build/handout
mapfile -t marked < <(cd "$src" && grep -rlE --include='*.[ch]' --exclude-dir=build '^[[:space:]]*/\* BUILD-IT begin' . | sed 's|^\./||')
[ ${#marked[@]} -gt 0 ] || fail "no BUILD-IT region in the sources"

# 2. Nothing given away.
step "2. no solution text in the copy (${#marked[@]} files with regions)"
if grep -rnE --include='*.[ch]' '^[[:space:]]*/\* BUILD-IT (begin|stub|end)' "$H" ||
    grep -rnE --include='*.md' '^<!-- INSTRUCTOR-ONLY (begin|end) -->$' "$H" ||
    grep -rnE --exclude-dir=.git '# INSTRUCTOR-ONLY$' "$H"; then
    fail "markers left in the copy (above)"
fi
while IFS= read -r pat; do
    case $pat in '#'* | '') continue ;; esac
    hit=$(cd "$H" && find . -path "./$pat" -print -quit)
    [ -z "$hit" ] || fail "$hit is in the copy, but labs/handout/exclude leaves out $pat"
done <"$src/labs/handout/exclude"
(cd "$src" && awk '
    /\/\* BUILD-IT begin lab [0-9]+ \*\/$/ { inside = 1; next }
    /\/\* BUILD-IT end \*\/$/              { inside = 0; next }
    /\/\* BUILD-IT stub: /                 { next }
    inside { s = $0; gsub(/^[ \t]+|[ \t]+$/, "", s); if (length(s) >= 24) print s }' \
    "${marked[@]}") | sort -u >"$work/bodies.txt"
[ -s "$work/bodies.txt" ] || fail "no region body to look for"
# Lines that are in a region and, legitimately, in the code around it too: labs/handout/common.
grep -v '^#' "$src/labs/handout/common" | sed 's/^[ \t]*//; s/[ \t]*$//' | grep . | sort -u >"$work/common.txt"
comm -23 "$work/bodies.txt" "$work/common.txt" >"$work/solution.txt"
if grep -rnoFf "$work/solution.txt" --exclude-dir=.git "$H" >"$work/leaks.txt"; then
    head -n 20 "$work/leaks.txt"
    fail "$(wc -l <"$work/leaks.txt") lines of the reference regions are in the copy (above, file:line:" \
        "the region's line); one that belongs in the code around a region too goes in labs/handout/common"
fi
grep -v '^#' "$src/labs/handout/spoilers" | grep . >"$work/spoilers.txt"
if grep -rnFf "$work/spoilers.txt" --exclude-dir=.git "$H"; then
    fail "a spoiler of labs/handout/spoilers is in the copy (above)"
fi
tar -tzf "$src/build/handout.tar.gz" | grep -q '^handout/labs/INSTRUCTORS.md$' &&
    fail "build/handout.tar.gz holds labs/INSTRUCTORS.md"

# 3. It builds.
step "3. the copy builds with make"
make -C "$H" >"$work/build.log" 2>&1 || {
    tail -n 30 "$work/build.log"
    fail "the copy does not build (log: $work/build.log)"
}

# suite PHASE EXPECT: runs the phase's suite in the copy (EXPECT stubs: one test at a time, so
# that each failure's output stays together).  EXPECT pass: every test passes.  EXPECT stubs: it fails,
# and every failing test printed the name of an unwritten function.
suite() {
    local log=$work/$1.$2.log
    local args=() dir
    [ "$2" = stubs ] && args=(--jobs=1) # a failing test's output in one piece
    case $1 in
    phase0) dir=phase0_original ;;
    phase1) dir=phase1_bitmap ;;
    phase2) dir=phase2_slab ;;
    phase2_1) dir=phase2_1_batched ;;
    esac
    # The default build's suite only (phase2_1's `make test` adds a build per switch; lab 3 runs
    # those), from the phase's folder as `make PHASE test` runs it.
    make --no-print-directory -C "$H/$dir" "$H/build/$dir/test_sm" "$H/build/$dir/libsm.so" \
        >"$log" 2>&1 || fail "$1's suite does not build (log: $log)"
    (cd "$H/$dir" && "$H/build/$dir/test_sm" "${args[@]}") >>"$log" 2>&1
    local status=$?
    local summary
    summary=$(grep 'Synthesis' "$log" | tail -n 1)
    if [ "$2" = pass ]; then
        [ $status -eq 0 ] || fail "$1's suite fails with the reference regions back: $summary (log: $log)"
        echo "    $1: passes ($summary)"
        return
    fi
    [ $status -ne 0 ] || fail "$1's suite passes with its regions stubbed (log: $log)"
    [ -n "$summary" ] || fail "$1's suite did not run (log: $log)"
    awk '
        /not written yet: [a-z0-9_]+\/[a-z0-9_]+\.[ch] [a-z0-9_]+, lab [0-9]+ .Build it./ { named = 1 }
        /^\[FAIL\] / {
            failing++
            if (!named) { print "    not named: " $0; bad++ }
            named = 0
        }
        /^\[PASS\] / { named = 0 }
        END { exit !(failing > 0 && bad == 0) }' "$log" ||
        fail "$1: a failing test that names no unwritten function (log: $log)"
    echo "    $1: fails, naming $(grep -o 'not written yet: [^,]*' "$log" | sort -u | sed 's/not written yet: //' |
        paste -sd ' ' | sed 's/ \([a-z0-9_]*\/\)/; \1/g') ($summary)"
}

# put_back STAGE: the copy's files with regions as `make handout STAGE` writes them.
put_back() {
    local f
    for f in "${marked[@]}"; do
        awk -v stage="$1" -v file="$f" -f "$src/labs/handout/regions.awk" "$src/$f" >"$H/$f" ||
            fail "regions.awk on $f"
    done
}

PHASES="phase0 phase1 phase2 phase2_1"
step "4. every suite fails on its stubs, by name, and nowhere else"
for p in $PHASES; do suite "$p" stubs; done

step "5. labs 0 and 1 put back (make handout STAGE=2): a student can start lab 2"
put_back 2
suite phase0 pass
suite phase1 pass
suite phase2 stubs

# memcheck_demo EXPECT: common/valgrind/demo.c on phase1 under memcheck.  EXPECT stub: it stops
# at lab 4's unwritten block registration, by name.  EXPECT exact: memcheck reports the demo's
# three mistakes.
memcheck_demo() {
    local log=$work/memcheck.$1.log
    make --no-print-directory -C "$H" phase1 valgrind-demo >"$log" 2>&1 || fail "make phase1 valgrind-demo (log: $log)"
    (valgrind --leak-check=full "$H/build/phase1_bitmap/valgrind_demo" || true) >>"$log" 2>&1
    if [ "$1" = stub ]; then
        grep -q "not written yet: common/sm_api.c sm_malloc, lab 4 'Build it'" "$log" ||
            fail "under memcheck, the demo did not stop at lab 4's stub (log: $log)"
        echo "    memcheck: stops at common/sm_api.c sm_malloc, lab 4"
    else
        grep -q 'ERROR SUMMARY: 3 errors' "$log" ||
            fail "under memcheck, the demo's three errors are not reported (log: $log)"
        echo "    memcheck: the demo's 3 errors reported"
    fi
}
memcheck_demo stub

step "6. lab 2 put back too (STAGE=3): a student can start lab 3"
put_back 3
suite phase2 pass
suite phase2_1 stubs

# phase0 to phase2 passed above with the same code; what is left is phase2_1 and memcheck.
step "7. every region put back: the last suite passes, memcheck sees the demo's bugs"
put_back 99
suite phase2_1 pass
memcheck_demo exact
echo "handout-check: passed (work and logs: $work)"
