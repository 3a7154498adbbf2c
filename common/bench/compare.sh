#!/usr/bin/env bash
# compare.sh - runs the benchmark driver over allocators and traces; called by rules.mk.
#
#   compare.sh compare [--quick] PHASE...    every phase given and the four system
#       allocators on the standard traces and any other .rep in common/traces/; writes
#       plots/data/{compare,scaling,callgrind,ablation}.csv and prints the tables (the full
#       run adds callgrind on the seed's two traces and the phase2_1 ablation; --quick leaves
#       out those and scale_1e6, and removes the stale callgrind.csv and ablation.csv of an
#       earlier run from plots/data/)
#   compare.sh bench [--trace F] [--with-system] PHASE...   table only (build/bench/bench.csv)
#   compare.sh callgrind [--phases-only] PHASE...           instructions per operation
#
# PROCS rounds (5 in a full compare; 1 with --quick and in bench mode; ROUNDS=N in the
# environment sets it), each running every cell
# once in a driver process of its own (phase2's slow cells in the first round only), the row of
# a cell's median process kept: on a VM a whole process now and then runs markedly faster or
# slower than the next one of the same binary on the same trace, for minutes at a time
# (common/bench/README.md, "Caps, and why").  Rounds spread each cell's processes over the
# whole run, and the median of five compares every allocator in the state it is mostly in.
# A driver is build/<phase>/smbench, or build/system/smbench with LD_PRELOAD for jemalloc,
# mimalloc and tcmalloc (the driver is told which allocator it must find, so a preload that did
# not take is an error, not a mislabelled row).  A cell that fails its check pass gets no
# figures and is not run again; a cell in CAPPED is not run, and the table says so.
set -u
cd "$(dirname "$0")/../.."
# shellcheck source=common/bench/lib.sh
. common/bench/lib.sh
mode=$1
shift
quick=0 trace="" with_system=0 phases_only=0 phases=()
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1 ;;
    --trace) trace=$2; shift ;; # a .rep file or a directory of them
    --with-system) with_system=1 ;;
    --phases-only) phases_only=1 ;;
    *) phases+=("$1") ;;
    esac
    shift
done
[ "$mode" = compare ] && with_system=1
[ "$mode" = callgrind ] && [ $phases_only = 0 ] && with_system=1

# Cells left out of the standard run, and why: each of these replays for many seconds (one
# 10^6-operation replay: phase0 ~8 s and phase1 ~10 s of O(n) searches, phase2 ~30 s of
# system calls), and every cell replays 12 times.  FULL=1 (make compare FULL=1) runs them too.
CAPPED="phase0_original:scale_1e6 phase1_bitmap:scale_1e6 phase2_slab:scale_1e6"
# phase2 is a thousand times slower than the others by design (one mmap per allocation): its
# cells get one timed replay (--runs 1) after the check pass, and only the first SLOW_OPS
# operations of a longer trace, so that a cell costs a second or two whatever the load.  Its
# time per operation hardly depends on the trace's length (the mmap is the cost).
SLOW="phase2_slab"
SLOW_OPS=20000
SLOW_ARGS=(--runs 1)
[ "$mode" = compare ] && SLOW_ARGS+=(--max-ops "$SLOW_OPS") # bench: the trace asked for, whole
if [ -n "${FULL:-}" ]; then CAPPED="" SLOW=""; fi
PROCS=1
[ "$mode" = compare ] && [ $quick = 0 ] && PROCS=5
if [ -n "${ROUNDS:-}" ]; then # make compare ROUNDS=9, on a machine noisier still
    [[ "$ROUNDS" =~ ^[1-9][0-9]?$ ]] || { echo "compare.sh: ROUNDS takes 1 to 99" >&2; exit 2; }
    PROCS=$ROUNDS
fi
CAP_REASON="not run: one 10^6-operation replay takes 8-30 s here and a cell replays 12 times (the series stops at 10^5; make compare FULL=1 runs it)"
cpu_model=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
load0=$(cut -d' ' -f1 /proc/loadavg)

out=plots/data
[ "$mode" = bench ] && out=build/bench
[ "$mode" = callgrind ] && [ $phases_only = 1 ] && out=build/bench # one phase: keep the full CSV
mkdir -p "$out" build/bench
# Scratch files are private to this run (another `make compare` may be running in the same
# tree); each CSV is written here and renamed into place when complete.
tmp=$(mktemp -d build/bench/run.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
log=$tmp/errors.log # copied to build/bench/errors.log when something failed
: >"$log"
start=$(date +%s)

# allocator label, binary, preload library ("" for none)
allocs=()
for p in "${phases[@]}"; do allocs+=("$p build/$p/smbench -"); done
if [ $with_system = 1 ]; then
    allocs+=("glibc build/system/smbench -")
    for a in jemalloc mimalloc tcmalloc; do
        if ! lib=$(bench_preload $a); then
            echo "compare: $a is not installed (make deps): left out" | tee -a "$log"
            continue
        fi
        allocs+=("$a build/system/smbench $lib")
    done
fi

# why_failed STATUS: one line for a cell that failed, from its exit status and stderr.
why_failed() {
    local last
    last=$(tail -n 1 "$tmp/cell.err" | tr ',' ';')
    if [ "$1" -gt 128 ]; then
        echo "crashed (signal $(($1 - 128))) ${last}"
    else
        echo "${last:-exit status $1}"
    fi
}

name_of() { basename "$1" .rep; }

traces=()
if [ -d "$trace" ]; then
    # A directory of traces (a CS:APP set): each .rep in it is a column of the table.
    for t in "$trace"/*.rep; do [ -e "$t" ] && traces+=("$t"); done
    [ ${#traces[@]} -gt 0 ] || { echo "compare: no .rep file in $trace" >&2; exit 1; }
elif [ -n "$trace" ]; then
    traces=("$trace")
else
    standard="phase1_pattern slab_mix binary coalescing random realloc-heavy realloc-growth scale_1e3 scale_1e4 scale_1e5"
    for t in $standard; do traces+=("common/traces/$t.rep"); done
    [ $quick = 0 ] && traces+=("build/traces/scale_1e6.rep")
    # Any other trace dropped into common/traces/ (make record, a CS:APP trace) runs too.
    for t in common/traces/*.rep; do
        [[ " $standard " == *" $(name_of "$t") "* ]] || traces+=("$t")
    done
fi

# run LABEL BINARY PRELOAD [smbench options] TRACE: one driver process.
# A preload from the caller's environment is dropped: "glibc" must be glibc.
run() {
    local label=$1 bin=$2 pre=$3
    shift 3
    if [ "$pre" != - ]; then
        LD_PRELOAD=$pre "$bin" --expect "$label" "$@"
    elif [ "$bin" = build/system/smbench ]; then
        env -u LD_PRELOAD "$bin" --expect "$label" "$@"
    else
        env -u LD_PRELOAD "$bin" --name "$label" "$@"
    fi
}

# median_row: of the CSV rows on stdin (one per process of a cell), the one whose time per
# operation (field 5, itself the median of that process's timed replays) is the median.
median_row() {
    sort -t, -k5,5g | awk '{ row[NR] = $0 } END { if (NR) print row[int((NR + 1) / 2)] }'
}

header=$(build/system/smbench --header)
csv_name=compare.csv
[ "$mode" = bench ] && csv_name=bench.csv
csv=$tmp/$csv_name
status=$tmp/status.csv # allocator,trace,status,reason for cells without figures
: >"$status"

if [ "$mode" != callgrind ]; then
    echo "$header" >"$csv"
    total=$((${#allocs[@]} * ${#traces[@]}))
    ok=0 failed=0 capped=0
    declare -A rows=() dead=() # per cell (label:trace): its rows so far; failed or capped
    echo "== benchmark: ${#allocs[@]} allocators x ${#traces[@]} traces; each cell checked," \
        "then a warm-up and 5 timed replays (median, min, max)$([ "$PROCS" -gt 1 ] &&
            echo "; the median process of $PROCS rounds")"
    if [[ -n "$SLOW" && " ${phases[*]} " == *" $SLOW "* ]]; then
        echo "== $SLOW: checked, then one timed replay$([ "$mode" = compare ] &&
            echo " of at most $SLOW_OPS operations") a cell, in the first round only (FULL=1:" \
            "like the others)"
    fi
    [ "${SM_INFO:-}" = 1 ] && echo "== SM_INFO=1: info mode; every figure is marked INFO MODE"
    # Round by round, every cell once a round: a stretch of minutes in which the machine runs
    # slow lands on every allocator alike, instead of on the few whose cells it happened to hold.
    for ((round = 1; round <= PROCS; round++)); do
        k=0 of_rounds="" # the progress line names the round when there are several
        [ "$PROCS" -gt 1 ] && of_rounds=", round $round/$PROCS"
        for a in "${allocs[@]}"; do
            read -r label bin pre <<<"$a"
            for t in "${traces[@]}"; do
                k=$((k + 1))
                tn=$(name_of "$t")
                cell=$label:$tn extra=()
                [ -n "${dead[$cell]:-}" ] && continue
                if [[ " $SLOW " == *" $label "* ]]; then
                    [ $round -gt 1 ] && continue
                    extra=("${SLOW_ARGS[@]}")
                fi
                printf '[%d/%d%s] %s on %s ... ' $k $total "$of_rounds" "$label" "$tn"
                if [[ " $CAPPED " == *" $cell "* ]]; then
                    echo "$label,$tn,capped,$CAP_REASON" >>"$status"
                    echo "capped (see the table)"
                    capped=$((capped + 1)) dead[$cell]=1
                    continue
                fi
                t0=$EPOCHREALTIME
                if row=$(run "$label" "$bin" "$pre" "${extra[@]}" "$t" 2>$tmp/cell.err); then
                    rows[$cell]+=$row$'\n'
                    echo "$row" | awk -F, -v t0="$t0" -v t1="$EPOCHREALTIME" \
                        '{ printf "%.1f ns/op (took %.1f s)\n", $5, t1 - t0 }'
                else
                    msg=$(why_failed $?)
                    echo "$label,$tn,FAILED,$msg" >>"$status"
                    echo "FAILED: $msg"
                    cat $tmp/cell.err >>"$log"
                    failed=$((failed + 1)) dead[$cell]=1
                    unset "rows[$cell]"
                fi
            done
        done
    done
    for a in "${allocs[@]}"; do # the CSV in allocator order, a row per cell with figures
        read -r label bin pre <<<"$a"
        for t in "${traces[@]}"; do
            cell=$label:$(name_of "$t")
            [ -n "${rows[$cell]:-}" ] || continue
            printf %s "${rows[$cell]}" | median_row >>"$csv"
            ok=$((ok + 1))
        done
    done
fi

# Instructions per operation, for the replay loop only (--toggle-collect=replay_trace).
callgrind_cells() {
    local cg_traces=("$@")
    echo "allocator,trace,instructions_per_op" >"$tmp/callgrind.csv"
    for a in "${allocs[@]}"; do
        read -r label bin pre <<<"$a"
        for t in "${cg_traces[@]}"; do
            tn=$(name_of "$t")
            if [[ " $CAPPED " == *" $label:$tn "* ]]; then
                echo "$label,$tn,capped" >>"$tmp/cg_status.csv"
                continue
            fi
            printf '[callgrind] %s on %s ... ' "$label" "$tn"
            expect=""
            [ "$pre" != - ] && expect=$label
            if ipo=$(BENCH_ERR=$tmp/cell.err bench_callgrind "$pre" "$bin" "$t" "$expect"); then
                echo "$label,$tn,$ipo" >>"$tmp/callgrind.csv"
                echo "$ipo instructions/op"
            else
                echo "FAILED: $(why_failed $?)"
                cat $tmp/cell.err >>"$log"
            fi
        done
    done
    mv "$tmp/callgrind.csv" "$out/callgrind.csv"
    cg_made=1
}
cg_made="" abl_made=""

if [ "$mode" = callgrind ]; then
    cg=()
    for t in "${traces[@]}"; do
        [[ $t == *scale_1e6* ]] || cg+=("$t")
    done
    # phase0 and phase2 under callgrind on scale_1e5 take minutes: capped there too.
    CAPPED="$CAPPED phase0_original:scale_1e5 phase1_bitmap:scale_1e5 phase2_slab:scale_1e5"
    : >"$tmp/cg_status.csv"
    callgrind_cells "${cg[@]}"
    common/bench/table.sh callgrind "$out/callgrind.csv" "$tmp/cg_status.csv"
    exit 0
fi

if [ "$mode" = compare ] && [ $quick = 0 ]; then
    callgrind_cells common/traces/phase1_pattern.rep common/traces/slab_mix.rep
    # The ablation: phase2_1 with one correction switched off at a time.
    if [ -f phase2_1_batched/Makefile ]; then
        echo "config,trace,ns_per_op" >"$tmp/ablation.csv"
        for sw in "" $(make --no-print-directory -s -C phase2_1_batched print-switches); do
            if [ -z "$sw" ]; then
                dir=phase2_1_batched config="all corrections"
            else
                dir=phase2_1_batched-no_$(echo $sw | tr A-Z a-z) config="$sw=0"
                printf '[ablation] building %s ... ' "$dir"
                if ! make --no-print-directory -C phase2_1_batched $sw=0 >$tmp/cell.err 2>&1 ||
                    [ ! -f build/$dir/libsm.a ]; then
                    echo "does not build yet: left out"
                    continue
                fi
                echo ok
            fi
            make --no-print-directory build/$dir/smbench >/dev/null || continue
            for t in phase1_pattern slab_mix; do
                printf '[ablation] %s on %s ... ' "$config" $t
                if row=$(build/$dir/smbench --name "$config" common/traces/$t.rep 2>$tmp/cell.err); then
                    echo "$row" | awk -F, -v c="$config" '{ print c "," $2 "," $5 }' >>"$tmp/ablation.csv"
                    echo "$row" | awk -F, '{ printf "%.1f ns/op\n", $5 }'
                else
                    echo "FAILED: $(why_failed $?)"
                fi
            done
        done
    fi
fi

if [ "$mode" = compare ]; then
    echo "allocator,ops,ns_per_op" >"$tmp/scaling.csv"
    awk -F, 'NR > 1 && $2 ~ /^scale_/ { print $1 "," $3 "," $5 }' "$csv" >>"$tmp/scaling.csv"
    mv "$tmp/scaling.csv" "$out/scaling.csv"
    [ -f "$tmp/ablation.csv" ] && mv "$tmp/ablation.csv" "$out/ablation.csv" && abl_made=1
    # plots/data is this run's output: an earlier run's callgrind or ablation figures would be
    # drawn beside this one's as if they were measured now.
    [ $quick = 1 ] && rm -f "$out/callgrind.csv" "$out/ablation.csv"
fi
cp "$csv" "$out/$csv_name"

cg_csv=/dev/null # not measured by this run
[ -n "$cg_made" ] && cg_csv=$out/callgrind.csv
common/bench/table.sh results "$csv" "$status" "$cg_csv"
end=$(date +%s)
echo
# CPU time of the driver processes: the wall time alone says more about a shared machine's load.
times >"$tmp/times" # (a builtin: in a pipeline it would time a subshell)
cpu=$(tail -n 1 "$tmp/times" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, m, "m"); t += m[1] * 60 + m[2] } printf "%.0f", t }')
echo "== summary: $ok cells measured, $failed failed, $capped capped, in $((end - start)) s" \
    "($cpu s of CPU) on $(nproc) cores ($cpu_model), load" \
    "average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$mode" = compare ]; then
    # When and where: the stamp a reference run keeps (make figures-reference).
    { date -u '+%F %H:%M UTC'
      echo "make compare$([ $quick = 1 ] && echo " QUICK=1")$([ "$PROCS" != 5 ] && [ $quick = 0 ] &&
          echo " ROUNDS=$PROCS") on $(nproc) cores ($cpu_model)," \
          "load average $load0 at the start, in $((end - start)) s"; } >"$out/run.txt"
    echo "== CSVs: $out/compare.csv scaling.csv${cg_made:+ callgrind.csv}${abl_made:+ ablation.csv}"
    [ $quick = 1 ] && echo "== QUICK=1: no callgrind and no ablation, so figures 1-4 only" \
        "(make compare adds instructions per operation and figures 5 and 6)"
fi
[ $failed = 0 ] || { cp "$log" build/bench/errors.log; echo "== failures: build/bench/errors.log"; exit 1; }
