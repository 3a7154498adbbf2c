#!/bin/sh
# table.sh - the benchmark's tables, from its CSVs, as Markdown (so that they paste into a
# README as they are).
#
#   table.sh results compare.csv status.csv callgrind.csv
#       the seed's table (one metric a row, one allocator a column) for phase1_pattern and
#       slab_mix, or for the one trace run; then ns per operation for every trace
#   table.sh callgrind callgrind.csv [status.csv]
#       instructions per operation, one trace a row
# status.csv holds allocator,trace,status,reason for the cells that have no figures
# (capped, FAILED); callgrind.csv may be missing.
mode=$1
shift
if [ "$mode" = callgrind ]; then
    exec awk -F, '
    function short(a) { sub(/_original$|_bitmap$|_slab$|_batched$/, "", a); return a }
    function add(a, t) {
        if (!(a in seen_a)) { seen_a[a] = 1; A[++na] = a }
        if (!(t in seen_t)) { seen_t[t] = 1; T[++nt] = t }
    }
    FILENAME == ARGV[2] { add($1, $2); st[$1, $2] = $3; next }
    FNR > 1 { add($1, $2); v[$1, $2] = $3 }
    END {
        printf "\nInstructions per operation (callgrind, the replay loop only; deterministic)\n\n"
        printf "| %-14s |", "trace"
        for (i = 1; i <= na; i++) printf " %9s |", short(A[i])
        printf "\n|%s|", "----------------"
        for (i = 1; i <= na; i++) printf "%s|", "-----------"
        printf "\n"
        for (j = 1; j <= nt; j++) {
            printf "| %-14s |", T[j]
            for (i = 1; i <= na; i++)
                printf " %9s |", ((A[i], T[j]) in v) ? v[A[i], T[j]] : ((A[i], T[j]) in st) ? st[A[i], T[j]] : "-"
            printf "\n"
        }
    }' "$1" "${2:-/dev/null}"
fi

compare=$1 status=$2 callgrind=$3
[ -f "$callgrind" ] || callgrind=/dev/null
awk -F, '
function short(a) { sub(/_original$|_bitmap$|_slab$|_batched$/, "", a); return a }
function human(b) {
    if (b == "") return "-"
    if (b >= 1048576) return sprintf("%.1f MiB", b / 1048576)
    if (b >= 1024) return sprintf("%.0f KiB", b / 1024)
    return b " B"
}
function rate(r) {
    if (r >= 1e6) return sprintf("%.1fM/s", r / 1e6)
    if (r >= 1e3) return sprintf("%.0fK/s", r / 1e3)
    return sprintf("%.0f/s", r)
}
function pct(x) { return x == "" ? "-" : sprintf("%.1f%%", 100 * x) }
function dash(x) { return x == "" ? "-" : x }
function add(a, t) {
    if (!(a in seen_a)) { seen_a[a] = 1; A[++na] = a }
    if (!(t in seen_t)) { seen_t[t] = 1; T[++nt] = t }
}
FILENAME == ARGV[1] { if (FNR > 1) { ipo[$1, $2] = $3; any_ipo = 1 }; next }
FILENAME == ARGV[3] {
    add($1, $2); st[$1, $2] = $3
    k = $3 " (" $2 "): " $4
    if (!(k in notes)) order[++nn] = k
    notes[k] = notes[k] (notes[k] == "" ? "" : ", ") short($1)
    next
}
FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{
    add($1, $2)
    for (c in col) f[$1, $2, c] = $(col[c])
    have[$1, $2] = 1
    if ($(col["ops"]) > full[$2]) full[$2] = $(col["ops"])
    if ($NF != "silent") info = 1
}
function cell(a, t, c) { return f[a, t, c] }
# A cell that replayed only the first operations of its trace (compare.sh: --max-ops) is marked.
function part(a, t) { if (cell(a, t, "ops") < full[t]) { partial = cell(a, t, "ops"); return "*" } return "" }
function row(label, t, what,    i, a, s) {
    printf "| %-26s |", label
    for (i = 1; i <= na; i++) {
        a = A[i]
        if (!have[a, t]) s = (what == "first") ? st[a, t] : ""
        else if (what == "us_alloc") s = sprintf("%.3f us%s", cell(a, t, "ns_per_alloc") / 1000, part(a, t))
        else if (what == "ns_op") s = sprintf("%.1f ns%s", cell(a, t, "ns_per_op"), part(a, t))
        else if (what == "minmax") s = sprintf("%.1f-%.1f", cell(a, t, "ns_per_op_min"), cell(a, t, "ns_per_op_max"))
        else if (what == "allocs") s = cell(a, t, "allocs")
        else if (what == "time") s = sprintf("%.0f us", cell(a, t, "alloc_time_us"))
        else if (what == "tput") s = rate(cell(a, t, "ops_per_sec"))
        else if (what == "sys") s = dash(cell(a, t, "sysalloc_calls"))
        else if (what == "sys1k") s = dash(cell(a, t, "sysalloc_per_1k_allocs"))
        else if (what == "mapped") s = human(cell(a, t, "peak_mapped_bytes"))
        else if (what == "live") s = human(cell(a, t, "peak_live_bytes"))
        else if (what == "util") s = pct(cell(a, t, "utilization"))
        else if (what == "hit") s = pct(cell(a, t, "cache_hit_rate"))
        else if (what == "spl") s = cell(a, t, "slab_allocs") == "" ? "-" : cell(a, t, "slab_allocs") "/" cell(a, t, "pool_allocs") "/" cell(a, t, "large_allocs")
        else if (what == "init") s = cell(a, t, "init_ns") == "" ? "-" : sprintf("%.0f us", cell(a, t, "init_ns") / 1000)
        else if (what == "ipo") s = ((a, t) in ipo) ? ipo[a, t] : "-"
        else if (what == "mode") s = cell(a, t, "mode")
        else s = "?"
        printf " %-11s |", s
    }
    printf "\n"
}
function seed_table(t,    i, any) {
    for (i = 1; i <= na; i++) if (have[A[i], t]) any = 1
    if (!any) return
    for (i = 1; i <= na; i++) if (have[A[i], t]) { ops = cell(A[i], t, "ops"); allocs = cell(A[i], t, "allocs") }
    printf "\n%s: %s allocations, %s operations, the same trace in the same mode for every allocator\n\n", t, allocs, ops
    printf "| %-26s |", "Metric"
    for (i = 1; i <= na; i++) printf " %-11s |", short(A[i])
    printf "\n|----------------------------|"
    for (i = 1; i <= na; i++) printf "-------------|"
    printf "\n"
    row("Avg per allocation", t, "us_alloc")
    row("Per operation (median)", t, "ns_op")
    row("  min-max of timed runs", t, "minmax")
    row("Total allocations", t, "allocs")
    row("Allocation time (replay)", t, "time")
    row("Throughput (operations)", t, "tput")
    row("sysalloc calls", t, "sys")
    row("sysalloc per 1k allocs", t, "sys1k")
    row("Peak mapped", t, "mapped")
    row("Peak live payload", t, "live")
    row("Utilization", t, "util")
    row("Cache hit rate", t, "hit")
    row("Slab/pool/large allocs", t, "spl")
    row("Init time", t, "init")
    if (any_ipo) row("Instructions/op (cg)", t, "ipo")
    row("Mode", t, "mode")
}
END {
    if (info) print "\n*** INFO MODE: sysalloc printed every call; these timings measure printing ***"
    if (("phase1_pattern" in seen_t) || ("slab_mix" in seen_t)) {
        seed_table("phase1_pattern"); seed_table("slab_mix")
    } else if (nt == 1) seed_table(T[1])
    printf "\nTime per operation, ns (median of 5 timed replays after a warm-up; every cell checked first)\n\n"
    printf "| %-14s |", "trace"
    for (i = 1; i <= na; i++) printf " %-9s |", short(A[i])
    printf "\n|----------------|"
    for (i = 1; i <= na; i++) printf "-----------|"
    printf "\n"
    for (j = 1; j <= nt; j++) {
        printf "| %-14s |", T[j]
        for (i = 1; i <= na; i++) {
            a = A[i]; t = T[j]
            printf " %-9s |", have[a, t] ? sprintf("%.1f%s", cell(a, t, "ns_per_op"), part(a, t)) : ((a, t) in st ? st[a, t] : "-")
        }
        printf "\n"
    }
    if (partial) printf "\n* one timed replay of the first %s operations of the trace (phase2, a thousand times slower than the others by design; make compare FULL=1 replays it all)\n", partial
    for (i = 1; i <= nn; i++) printf "\n%s -- %s\n", notes[order[i]], order[i]
    # The comparison of the seed, on each of its two workloads that ran (or on the one trace run).
    ns = split("phase1_pattern slab_mix", S, " ")
    if (nt == 1) { ns = 1; S[1] = T[1] }
    for (j = 1; j <= ns; j++) {
        t = S[j]
        if (!have["phase1_bitmap", t] || !have["phase2_slab", t]) continue
        printf "\nThe seed, measured here on %s: phase2_slab %.0fx slower per allocation than phase1_bitmap", t, cell("phase2_slab", t, "ns_per_alloc") / cell("phase1_bitmap", t, "ns_per_alloc")
        printf " (%s vs %s sysalloc calls per 1k allocations", cell("phase2_slab", t, "sysalloc_per_1k_allocs"), cell("phase1_bitmap", t, "sysalloc_per_1k_allocs")
        printf "%s)", cell("phase2_slab", t, "ops") < full[t] ? "; phase2 over the first " cell("phase2_slab", t, "ops") " operations only" : ""
        if (have["phase2_1_batched", t]) printf "; phase2_1_batched: %.1f ns per allocation, %s sysalloc calls per 1k", cell("phase2_1_batched", t, "ns_per_alloc"), cell("phase2_1_batched", t, "sysalloc_per_1k_allocs")
        printf "\n"
    }
}' "$callgrind" "$compare" "$status"
