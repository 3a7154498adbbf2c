#!/bin/bash
# test_grade.sh - the grader's own tests (make grade-test, part of make test).
#
# Builds a class of submissions over the reference phase1_bitmap: the reference itself (as a
# tarball of a repository, the way a student hands one in), a slightly worse variant, and one
# per bad patch in bad/ (each a small patch over the reference), and the reference with its
# lab 1 stub left in (the student's copy of bitmap.c); grades them all with
# grade_all.sh on the quick trace set, and requires each one's score and cause; then grades the
# batch again (resumed: nothing regraded), and runs the Gradescope archive's run_autograder in
# a temporary directory laid out as /autograder, checking its results.json with jq.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
mkdir -p "$root/build/grade"
tmp=$(mktemp -d "$root/build/grade/test.XXXXXX") # not below /tmp: the sandbox has its own /tmp
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
export GRADE_SET=quick GRADE_TIME=1

# ---- the class ----------------------------------------------------------------------------
subs=$tmp/subs
mkdir -p "$subs/repo/phase1_bitmap"
cp "$root"/phase1_bitmap/*.[ch] "$subs/repo/phase1_bitmap/"
(cd "$subs" && tar -czf reference.tar.gz repo && rm -rf repo)
for f in "$here"/bad/*.patch; do
    name=$(basename "$f" .patch)
    mkdir -p "$subs/$name/phase1_bitmap"
    cp "$root"/phase1_bitmap/*.[ch] "$subs/$name/phase1_bitmap/"
    patch -s -p1 -d "$subs/$name" <"$f" || { bad "$name.patch does not apply to phase1_bitmap"; continue; }
done
# A stub left unwritten: bitmap.c as the student's copy has it (labs/handout/regions.awk), made
# here from the reference so that it follows the source.
mkdir -p "$subs/stub_left/phase1_bitmap"
cp "$root"/phase1_bitmap/*.[ch] "$subs/stub_left/phase1_bitmap/"
awk -v stage=0 -v file=phase1_bitmap/bitmap.c -f "$root/labs/handout/regions.awk" \
    "$root/phase1_bitmap/bitmap.c" >"$subs/stub_left/phase1_bitmap/bitmap.c"

# ---- the batch ----------------------------------------------------------------------------
t0=$(date +%s)
GRADE_OUT=$tmp/all "$root/common/grade/grade_all.sh" "$subs" phase1_bitmap
echo "== batch: $(($(date +%s) - t0)) s"
csv=$tmp/all/grades.csv
cp "$csv" "$root/build/grade/test-grades.csv" 2>/dev/null
score() { awk -F, -v s="$1" '$1 == s { print $2 }' "$csv"; }
cause() { grep "^$1," "$csv" | sed 's/.*,"\(.*\)"$/\1/'; }

# expect STUDENT MIN MAX CAUSE_REGEX: the score in [MIN, MAX] and the cause matching.
expect() {
    local s c
    s=$(score "$1") c=$(cause "$1")
    if [ -z "$s" ]; then bad "$1: not in the CSV"; return; fi
    if awk -v s="$s" -v lo="$2" -v hi="$3" 'BEGIN { exit !(s >= lo && s <= hi) }' &&
        echo "$c" | grep -Eq "$4"; then
        ok "$1: $s in [$2, $3], cause: $(echo "$c" | cut -c1-90)"
    else
        bad "$1: score $s (wanted $2..$3), cause '$c' (wanted /$4/)"
    fi
}
expect reference 100 100 '^$'
expect worse 50 99.99 '^.?ok|instructions|^$'
expect never_returns 0 0 'never returns'
expect fork_bomb 0 0 'never returns'
expect map_100g 0 30 'NULL'
expect overlap 0 70 'overlaps'
expect misaligned 0 70 'not aligned'
expect realloc_loses 0 70 'lost the data'
expect frees_wrong 0 70 'sm_check|overlaps|invalid|overwritten'
expect forge 0 20 'NULL|failed'
expect exit0_ctor 0 0 'exited 0 without results|did not finish'
expect segv 0 70 'SIGSEGV'
expect stub_left 0 40 "not written yet: phase1_bitmap/bitmap.c bitmap_find_run, lab 1 'Build it'"

# The worse variant: full correctness, less performance than the reference.
w=$tmp/all/students/worse/parts.csv
if awk -F, '$2 == "suite" || $2 ~ /^phase1_pattern$/ { if ($5 != "\"ok\"") bad = 1 } END { exit bad }' "$w"; then
    ok "worse: every check passed; only its instructions cost it"
else bad "worse: a check failed: $(cat "$w")"; fi
# The forger's results.json is the grader's (its score), never the one it wrote.
f=$tmp/all/students/forge
if [ "$(jq -r .score "$f/results.json")" = "$(score forge)" ] && ! grep -rqs '"tests": \[\]' "$f"/results.json; then
    ok "forge: the grader's results.json holds the grader's score"
else bad "forge: results.json is not the grader's"; fi
if find "$tmp/all" -name results.json -newer "$csv" | grep -q .; then bad "a results.json appeared after grading"; fi
# Every student's results.json is Gradescope's format.
for r in "$tmp"/all/students/*/results.json; do
    jq -e '(.score | type == "number") and (.tests | length > 0) and
           all(.tests[]; (.name | type == "string") and (.score | type == "number") and
               (.max_score | type == "number") and (.output | type == "string") and
               (.visibility | IN("visible", "hidden", "after_due_date", "after_published"))) and
           all(.leaderboard[]; has("name") and has("value"))' "$r" >/dev/null ||
        bad "$r: not Gradescope's format"
done

# ---- resumed: a second run grades nobody again, and the CSV is the same ----------------------
cp "$csv" "$tmp/first.csv"
GRADE_OUT=$tmp/all "$root/common/grade/grade_all.sh" "$subs" phase1_bitmap >"$tmp/second.log"
if [ "$(grep -c 'already graded' "$tmp/second.log")" = "$(find "$subs" -mindepth 1 -maxdepth 1 | wc -l)" ] && cmp -s "$csv" "$tmp/first.csv"; then
    ok "resumed: every submission already graded, the same CSV"
else bad "resumed: $(grep -vc 'already graded' "$tmp/second.log") lines regraded or a different CSV"; fi

# ---- Gradescope: the archive, unpacked as Gradescope does, run on a hidden trace too ----------
ag=$tmp/autograder
mkdir -p "$ag/source" "$ag/submission" "$ag/results" "$tmp/hidden"
cc -std=c17 -O2 -I"$root/common" -o "$tmp/gentrace" "$root/common/bench/gentrace.c" &&
    "$tmp/gentrace" scale 500 99 >"$tmp/hidden/secret.rep"
GRADE_TRACES=$tmp/hidden GRADE_PHASES=phase1_bitmap "$root/common/grade/pack.sh" "$tmp/autograder.zip" >/dev/null
(cd "$ag/source" && unzip -q "$tmp/autograder.zip")
cp -r "$root/phase1_bitmap" "$ag/submission/" # the reference: every entry, the hidden one too, full
if [ -x "$ag/source/setup.sh" ] && [ -x "$ag/source/run_autograder" ]; then ok "archive: setup.sh and run_autograder at its top"
else bad "archive: setup.sh or run_autograder missing at its top"; fi
# The reference's figures computed for the batch serve here too (they are kept by content).
GRADE_CACHE=$root/build/grade/ref AUTOGRADER_ROOT=$ag "$ag/source/run_autograder" >"$tmp/ag.log" 2>&1
r=$ag/results/results.json
if jq -e '(.score == 100) and
          any(.tests[]; .visibility == "after_published" and (.name | test("hidden-secret")) and .score == .max_score) and
          all(.tests[]; has("name") and has("score") and has("max_score") and has("output") and has("visibility"))' "$r" >/dev/null; then
    ok "run_autograder: $r has the fields, the hidden trace after_published, score $(jq .score "$r")"
else bad "run_autograder: $(tail -5 "$tmp/ag.log") $(head -c 300 "$r" 2>/dev/null)"; fi

echo "== grade-test: $fails failed"
[ $fails = 0 ]
