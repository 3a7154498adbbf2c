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
#      ("not written yet: <file> <function>, lab N 'Build it'"), its own lab's among them; every
#      other test passes;
#   5. the regions of labs 0 and 1 put back (what `make handout STAGE=2` ships): in phase0's and
#      phase1's suites every test passes but those that name a function of a later lab (lab 5's
#      bigblock_remap, in the shared suite), phase2 still fails by name, so a student can start
#      lab 2 without lab 1; under memcheck, a program on phase1 stops at lab 4's unwritten block
#      registration, by name;
#   6. lab 2's put back too (STAGE=3): the same for phase2, and phase2_1 fails by name;
#   7. labs 3 and 4 put back too (STAGE=5): memcheck reports the demo's bugs; phase2_1's suite
#      fails only where lab 5's stub ran, by name; and a real program through the preload shim
#      still gets its answer, by copying (lab 5's stub only notes that it ran);
#   8. every region put back: every suite passes (each has passed once with the reference
#      regions), and the same program grows its buffer by sysremap.
# At stage S a test may fail only by naming an unwritten function of lab S or later.
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

# The last lab with a region: a stage past it puts every region back.
last_lab=$(cd "$src" && sed -n 's|^[[:space:]]*/\* BUILD-IT begin lab \([0-9]*\) \*/$|\1|p' "${marked[@]}" | sort -n | tail -n 1)

# suite PHASE STAGE [LAB]: runs the phase's suite in the copy as put back for STAGE (the regions
# of labs before STAGE complete, the others stubs).  A test may fail only by naming an unwritten
# function of lab STAGE or later ("not written yet: <file> <function>, lab N 'Build it'"); with
# LAB, the suite must fail, and name a function of lab LAB.  At a stage past the last lab every
# test must pass.
suite() {
    local phase=$1 stage=$2 own=${3:-} log=$work/$1.stage$2.log
    local args=() dir
    [ "$stage" -le "$last_lab" ] && args=(--jobs=1) # a failing test's output in one piece
    case $phase in
    phase0) dir=phase0_original ;;
    phase1) dir=phase1_bitmap ;;
    phase2) dir=phase2_slab ;;
    phase2_1) dir=phase2_1_batched ;;
    esac
    # The default build's suite only (phase2_1's `make test` adds a build per switch; lab 3 runs
    # those), from the phase's folder as `make PHASE test` runs it.
    make --no-print-directory -C "$H/$dir" "$H/build/$dir/test_sm" "$H/build/$dir/libsm.so" \
        >"$log" 2>&1 || fail "$phase's suite does not build at stage $stage (log: $log)"
    (cd "$H/$dir" && "$H/build/$dir/test_sm" "${args[@]}") >>"$log" 2>&1
    local status=$?
    local summary
    summary=$(grep 'Synthesis' "$log" | tail -n 1)
    [ -n "$summary" ] || fail "$phase's suite did not run at stage $stage (log: $log)"
    if [ "$stage" -gt "$last_lab" ]; then
        [ $status -eq 0 ] || fail "$phase's suite fails with every reference region back: $summary (log: $log)"
        echo "    $phase: passes ($summary)"
        return
    fi
    [ -z "$own" ] || [ $status -ne 0 ] || fail "$phase's suite passes with lab $own's regions stubbed (log: $log)"
    awk -v stage="$stage" -v own="${own:--1}" '
        /not written yet: [a-z0-9_]+\/[a-z0-9_]+\.[ch] [a-z0-9_]+, lab [0-9]+ .Build it./ {
            match($0, /, lab [0-9]+ /)
            lab = substr($0, RSTART + 6, RLENGTH - 7) + 0
            if (lab >= stage) named = 1
            if (lab == own) owned = 1
        }
        /^\[FAIL\] / {
            failing++
            if (!named) { print "    not named (or named a lab before " stage "): " $0; bad++ }
            named = 0
        }
        /^\[PASS\] / { named = 0 }
        END { exit !(bad == 0 && (own < 0 || owned)) }' "$log" ||
        fail "$phase at stage $stage: a failing test that names no unwritten function of lab $stage or later${own:+, or none of lab $own} (log: $log)"
    if [ $status -eq 0 ]; then
        echo "    $phase: passes ($summary)"
    else
        echo "    $phase: fails only by name: $(grep -o 'not written yet: [^,]*, lab [0-9]*' "$log" | sort -u |
            sed 's/not written yet: //' | paste -sd ';' | sed 's/;/; /g') ($summary)"
    fi
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
suite phase0 0 0
suite phase1 0 1
suite phase2 0 2
suite phase2_1 0 3

step "5. labs 0 and 1 put back (make handout STAGE=2): a student can start lab 2"
put_back 2
suite phase0 2
suite phase1 2
suite phase2 2 2

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
suite phase2 3
suite phase2_1 3 3

# grow_through_shim EXPECT: a shell reads 1,000,000 bytes from a command substitution on phase1
# through the preload shim (lab 5's observation).  It must print the length either way.  EXPECT
# copy: no sysremap call (lab 5's stub ran and realloc copied).  EXPECT remap: sysremap calls.
grow_through_shim() {
    local log=$work/shim.$1.log out
    make --no-print-directory -C "$H" build/phase1_bitmap/libsm_preload.so >"$log" 2>&1 ||
        fail "make build/phase1_bitmap/libsm_preload.so (log: $log)"
    # shellcheck disable=SC2016 # the child shell expands it
    out=$(SM_STATS=1 "$H/common/preload/run.sh" phase1 bash -c 'x=$(head -c 1000000 /dev/zero | tr "\0" a); echo ${#x}' 2>>"$log")
    [ "$out" = 1000000 ] || fail "bash through the shim printed '$out', not 1000000 (log: $log)"
    local remaps
    remaps=$(sed -n 's/^sm_stats: phase1_bitmap bash\[[0-9]*\]: .*reallocs=[1-9][0-9]\{2,\} .* sysremap_calls=\([0-9]*\).*/\1/p' "$log" | head -n 1)
    [ -n "$remaps" ] || fail "no SM_STATS line of the bash that grew its buffer (log: $log)"
    if [ "$1" = copy ]; then
        [ "$remaps" -eq 0 ] || fail "bash through the shim made $remaps sysremap calls with lab 5's stub (log: $log)"
        echo "    bash through the shim: the right answer, by copying (no sysremap call)"
    else
        [ "$remaps" -gt 0 ] || fail "bash through the shim made no sysremap call with every region back (log: $log)"
        echo "    bash through the shim: the right answer, $remaps sysremap calls"
    fi
}

step "7. labs 3 and 4 put back too (STAGE=5): a student can start lab 5"
put_back 5
memcheck_demo exact
suite phase2_1 5 5
grow_through_shim copy

step "8. every region put back: every suite passes"
put_back $((last_lab + 1))
for p in $PHASES; do suite "$p" $((last_lab + 1)); done
grow_through_shim remap
echo "handout-check: passed (work and logs: $work)"
