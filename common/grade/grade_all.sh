#!/bin/bash
# grade_all.sh - grades every submission in a folder, one after the other, and writes one CSV.
#
#   grade_all.sh SUBMISSIONS PHASE...     (make grade-all SUBMISSIONS=dir [phase1 ...])
#
# SUBMISSIONS holds one entry per student: a folder or a tarball (.tar, .tar.gz, .tgz), named
# for the student.  Each is graded by grade.sh into OUT/students/<id>/ (OUT: GRADE_OUT, default
# build/grade/all); a student is done when OUT/students/<id>/done exists, written only after
# grade.sh finished, so a run stopped halfway loses nothing graded and a new run resumes
# (GRADE_FRESH=1 grades everyone again).  Then, from the per-student files:
#   OUT/grades.csv    student,score, then each part's points (phase:part), then the cause
#   OUT/summary.txt   the distribution of scores and the failures by cause
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ $# -lt 2 ] || [ ! -d "$1" ]; then echo "usage: grade_all.sh SUBMISSIONS_DIR PHASE..." >&2; exit 1; fi
subs=$(cd "$1" && pwd)
shift
out=${GRADE_OUT:-$root/build/grade/all}
mkdir -p "$out/students"
[ "${GRADE_FRESH:-0}" = 1 ] && rm -rf "$out/students"/*

# cause_of PARTS_CSV: why points were lost: the first failing trace, else the suite, else the
# validator (a trace's check names the operation; the suite's first failure is less precise).
cause_of() {
    awk -F, 'NR > 1 && $2 != "total" && $5 != "\"ok\"" {
                 c = $0; for (i = 0; i < 4; i++) sub(/^[^,]*,/, "", c); gsub(/"/, "", c)
                 if ($2 == "suite") { if (s == "") s = c } else if ($2 == "validator") { if (v == "") v = c }
                 else if (t == "") t = c }
             END { print t != "" ? t : s != "" ? s : v }' "$1"
}

entries=()
for e in "$subs"/*; do
    [ -d "$e" ] || [[ $e == *.tar || $e == *.tar.gz || $e == *.tgz ]] && entries+=("$e")
done
n=${#entries[@]}
[ "$n" -gt 0 ] || { echo "grade-all: no folder or tarball in $subs" >&2; exit 1; }
echo "== grade-all: $n submissions in $subs, phases $*; results in $out"
start=$(date +%s)
k=0
for e in "${entries[@]}"; do
    k=$((k + 1))
    id=$(basename "$e")
    id=${id%.tgz} id=${id%.tar.gz} id=${id%.tar}
    id=$(printf '%s' "$id" | tr -c 'A-Za-z0-9._@+-' '_')
    d=$out/students/$id
    if [ -f "$d/done" ]; then
        printf '[%d/%d] %-24s already graded: %s\n' "$k" "$n" "$id" "$(cat "$d/done")"
        continue
    fi
    t0=$(date +%s)
    "$here/grade.sh" --submission "$e" --student "$id" --out "$d" "$@" >"$out/students/$id.log" 2>&1
    score=$(jq -r '.score // empty' "$d/results.json" 2>/dev/null)
    if [ -z "$score" ]; then
        printf '[%d/%d] %-24s the grader failed (see %s): not marked done\n' "$k" "$n" "$id" "$out/students/$id.log"
        continue
    fi
    cause=$(cause_of "$d/parts.csv")
    echo "$score" >"$d/done"
    printf '[%d/%d] %-24s %6s  %ss  %s\n' "$k" "$n" "$id" "$score" "$(($(date +%s) - t0))" "$(echo "$cause" | cut -c1-90)"
done

# The CSV, from the per-student files only: the columns are the parts of the first student.
csv=$out/grades.csv
first=$(find "$out/students" -name parts.csv -path '*/parts.csv' | LC_ALL=C sort | head -1)
{
    printf 'student,score'
    awk -F, 'NR > 1 { printf ",%s:%s", $1, $2 }' "$first"
    echo ",cause"
    for d in "$out/students"/*/; do
        [ -f "$d/done" ] || continue
        id=$(basename "$d")
        printf '%s,%s' "$id" "$(cat "$d/done")"
        awk -F, 'NR == FNR { if (FNR > 1) col[++c] = $1 ":" $2; next }
                 FNR > 1 { pts[$1 ":" $2] = $3 }
                 END { for (i = 1; i <= c; i++) printf ",%s", pts[col[i]] }' "$first" "$d/parts.csv"
        printf ',"%s"\n' "$(cause_of "$d/parts.csv" | tr -d '"')"
    done
} >"$csv.tmp" && mv "$csv.tmp" "$csv"

# The summary: scores by tens, and the first failure of each student by its kind (numbers and
# addresses taken out, so that one cause is one line).
{
    echo "== $(($(wc -l <"$csv") - 1)) students graded ($(date -u '+%Y-%m-%d %H:%M UTC'))"
    echo "score distribution:"
    awk -F, 'NR > 1 { b = int($2 / 10); if (b > 9) b = 9; n[b]++ }
             END { for (b = 9; b >= 0; b--) { printf "  %3d-%-3d %3d ", b * 10, b == 9 ? 100 : b * 10 + 9, n[b]
                   for (i = 0; i < n[b]; i++) printf "#"; printf "\n" } }' "$csv"
    echo "failures by cause (each student's first):"
    sed -n '2,$s/.*,"\(.*\)"$/\1/p' "$csv" | grep -v '^$' |
        sed -E 's/0x[0-9a-f]+/ADDR/g; s/[0-9]+/N/g; s/^(check failed: )?phase[^:]*: operation N \([^)]*\): /\1/' |
        cut -c1-80 | sort | uniq -c | sort -rn | sed 's/^/  /'
} >"$out/summary.txt"
cat "$out/summary.txt"
echo "== CSV: $csv; summary: $out/summary.txt; $n submissions in $(($(date +%s) - start)) s"
