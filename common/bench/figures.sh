#!/usr/bin/env bash
# figures.sh - the measured tables of the Markdown files, generated from the code.
#
#   figures.sh write [FILE.md...]   regenerates every marked block (make figures)
#   figures.sh check [FILE.md...]   fails, with a diff, when a block is not what the current
#                                   code gives (make figures-check, part of make test)
# Without FILE, every Markdown file in git that holds a block.
#
# A block is a table between two markers; the opening one says what the table holds:
#
#   <!-- figures:NAME grid value=METRIC traces=T1,T2 allocs=A1,A2 [base=A] -->
#       one row per trace, one column per allocator
#   <!-- figures:NAME metrics trace=T rows=M1,M2 allocs=A1,A2 [base=A] -->
#       one row per metric, one column per allocator, one trace
#   <!-- figures:NAME traces alloc=A traces=T1,T2 cols=M1,M2 [base=A] -->
#       one row per trace, one column per metric, one allocator
#   ... generated, never edited by hand ...
#   <!-- /figures:NAME -->
#
# Allocators: phase0 phase1 phase2 phase2_1, glibc jemalloc mimalloc tcmalloc, and the
# builds with a switch off: phase2_1-no_batch_metadata (make -C phase2_1_batched
# BATCH_METADATA=0; likewise bulk_slabs, lazy_slabs, fast_path, hybrid), phase1-first_fit
# (POOL_FIRST_FIT=1) and phase1-one_hint (POOL_ONE_HINT=1).  Traces: the names in common/traces/ (and scale_1e6).
#
# Metrics, and where each comes from:
#   deterministic, measured now on the current build (cached in build/figures/ until the
#   build or the trace changes):
#     sysalloc_calls sysalloc_per_1k peak_mapped utilization cache_hit_rate spl allocs
#         one `smbench --once` replay from the empty allocator (the phases only)
#     instructions     callgrind, the replay loop only (lib.sh bench_callgrind: fixed
#                      environment, no address randomization, so the same on every run)
#   times, never measured here: a loaded machine would contradict them.
#     time             ns per operation divided by that of base= (default glibc) on the same
#                      trace, both from the reference run, plots/reference/compare.csv (the
#                      phase2_1-no_* builds: plots/reference/ablation.csv); plots/reference/run.txt
#                      says when and where that run was made
# The check regenerates the deterministic figures from the code and the ratios from the
# reference CSVs: a block edited by hand, a stale count after a code change, or a ratio that
# is not the reference run's fails it.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=common/bench/lib.sh
. common/bench/lib.sh
mode=${1:-}
[ "$mode" = write ] || [ "$mode" = check ] || {
    echo "usage: common/bench/figures.sh write|check [FILE.md...]" >&2
    exit 2
}
shift
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
    mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.md' | xargs grep -l '^<!-- figures:' || true)
fi
cache=build/figures
mkdir -p "$cache"
REF=plots/reference

# The specs, one a line: FILE<TAB>NAME<TAB>KIND<TAB>key=value...
specs=$cache/specs.tsv
for f in "${files[@]}"; do
    sed -n 's/^<!-- figures:\([^ ]*\) \([a-z]*\) \(.*\) -->$/\1\t\2\t\3/p' "$f" |
        sed "s|^|$f\t|"
done >"$specs"

dir_of() {
    case $1 in
    phase0) echo phase0_original ;;
    phase1) echo phase1_bitmap ;;
    phase2) echo phase2_slab ;;
    phase2_1) echo phase2_1_batched ;;
    phase2_1-no_*) echo "phase2_1_batched-${1#phase2_1-}" ;;
    phase1-first_fit | phase1-one_hint) echo "phase1_bitmap-${1#phase1-}" ;;
    *) return 1 ;;
    esac
}
trace_of() { if [ "$1" = scale_1e6 ]; then echo build/traces/scale_1e6.rep; else echo "common/traces/$1.rep"; fi; }

# build ALLOC: makes the variant's driver when it is not there or is older than its sources.
build() {
    local d
    d=$(dir_of "$1")
    case $1 in
    phase2_1-no_*)
        local sw=${1#phase2_1-no_}
        make -s --no-print-directory -C phase2_1_batched "${sw^^}=0" >&2 ;;
    phase1-*)
        local sw=${1#phase1-}
        make -s --no-print-directory -C phase1_bitmap "VARIANT=-$sw" \
            "PHASE_CPPFLAGS=-DPOOL_${sw^^}=1" >&2 ;;
    esac
    make -s --no-print-directory "build/$d/smbench" >&2
}

# The cells the blocks need: ALLOC TRACE once|cg
needed=$cache/needed.txt
awk -F'\t' '
function list(s, a) { return split(s, a, ",") }
{
    delete kv; n = split($4, w, " ")
    for (i = 1; i <= n; i++) { split(w[i], p, "="); kv[p[1]] = p[2] }
    nt = list(kv["trace"] kv["traces"], T); na = list(kv["allocs"] kv["alloc"], A)
    nm = list(kv["value"] kv["rows"] kv["cols"], M)
    for (i = 1; i <= na; i++) for (j = 1; j <= nt; j++) for (k = 1; k <= nm; k++) {
        if (M[k] == "instructions") print A[i], T[j], "cg"
        else if (M[k] != "time" && A[i] ~ /^phase/) print A[i], T[j], "once"
    }
}' "$specs" | sort -u >"$needed"

# Measure what is missing or older than its driver or trace; one cell per file.
fresh() { [ -s "$1" ] && [ "$1" -nt "$2" ] && [ "$1" -nt "$3" ]; }
built=" "
while read -r alloc tn kind; do
    t=$(trace_of "$tn")
    if d=$(dir_of "$alloc"); then
        [[ $built == *" $alloc "* ]] || { build "$alloc"; built+="$alloc "; }
        bin=build/$d/smbench pre=- name=(--name "$alloc")
    else
        case $alloc in
        glibc | jemalloc | mimalloc | tcmalloc) ;;
        *) echo "figures: unknown allocator $alloc (common/bench/figures.sh lists them)" >&2; exit 1 ;;
        esac
        [[ $built == *" system "* ]] || { make -s --no-print-directory build/system/smbench >&2; built+="system "; }
        bin=build/system/smbench pre=- name=(--expect "$alloc")
        if [ "$alloc" != glibc ]; then
            pre=$(bench_preload "$alloc") || { echo "figures: $alloc is not installed (make deps)" >&2; exit 1; }
        fi
    fi
    [ "$tn" = scale_1e6 ] && make -s --no-print-directory build/traces/scale_1e6.rep >&2
    out=$cache/$kind/$alloc/$tn
    mkdir -p "$(dirname "$out")"
    fresh "$out" "$bin" "$t" && continue
    if [ "$kind" = once ]; then
        env -u LD_PRELOAD "$bin" --header "${name[@]}" --once "$t" >"$out.tmp"
    else
        echo "figures: callgrind, $alloc on $tn" >&2
        expect=""
        [ "$pre" != - ] && expect=$alloc
        BENCH_ERR=$out.err bench_callgrind "$pre" "$bin" "$t" "$expect" >"$out.tmp" ||
            { echo "figures: callgrind failed for $alloc on $tn (see $out.err)" >&2; exit 1; }
    fi
    mv "$out.tmp" "$out"
done <"$needed"

# Every measured cell as ALLOC,TRACE,METRIC,VALUE.
cells=$cache/cells.csv
while read -r alloc tn kind; do
    f=$cache/$kind/$alloc/$tn
    if [ "$kind" = cg ]; then
        echo "$alloc,$tn,instructions,$(cat "$f")"
    else
        awk -F, -v a="$alloc" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        { for (k in c) print a "," $2 "," k "," $(c[k]) }' "$f"
    fi
done <"$needed" >"$cells"

stamp=$(head -n 1 "$REF/run.txt")
status=0
for f in "${files[@]}"; do
    awk -v stamp="$stamp" -v file="$f" -f common/bench/figures.awk \
        "$cells" "$REF/compare.csv" "$REF/ablation.csv" "$f" >"$cache/new.md" ||
        { echo "figures: $f: a block could not be made (above)" >&2; exit 1; }
    if cmp -s "$f" "$cache/new.md"; then continue; fi
    if [ "$mode" = write ]; then
        cp "$cache/new.md" "$f"
        echo "figures: rewrote $f"
    else
        echo "figures-check: $f does not match the current code (make figures rewrites it):"
        diff -u "$f" "$cache/new.md" | sed -n '3,$p' | grep '^[-+]' || true
        status=1
    fi
done
[ "$mode" = check ] && [ $status = 0 ] && echo "figures-check: ${#files[@]} files, $(wc -l <"$specs") blocks agree with the code and plots/reference/"
exit $status
