#!/usr/bin/env bash
# check.sh - make labN-check: did a student's run of lab N leave what the handout asks for?
#
#   labs/check.sh lab2        (make lab2-check)
#
# Reads build/labs/<lab>/, where every handout's steps write their results, and checks that each
# file is there and not empty, that each CSV has the rows the lab needs with numbers in them,
# and that the counts show what the lab is about (phase2's sysalloc calls per 1,000 allocations
# above 900, say).  It checks counts only, never times: times vary with the machine.  Prints one
# line per missing or wrong result, naming the file and the step to run again; exit status 1 if
# there is any.
set -u
cd "$(dirname "$0")/.." || exit 2
lab=${1:?usage: labs/check.sh lab0|lab1|lab2|lab3|lab4|lab5}
dir=build/labs/$lab
passed=0 failed=0

# The benchmark driver's columns, for its rows written without --header: the driver's own
# `smbench --header`, the one source of them.
[ -x build/system/smbench ] || make -s --no-print-directory build/system/smbench >&2
SMBENCH_HEADER=$(build/system/smbench --header)

ok() { passed=$((passed + 1)); }
bad() {
    echo "$lab-check: $*"
    failed=$((failed + 1))
}

# file F: F exists and is not empty.
file() {
    if [ -s "$dir/$1" ]; then ok; else bad "$dir/$1 is missing or empty"; fi
}

# has F REGEX WHAT: F holds a line matching the extended regular expression.
has() {
    if [ ! -s "$dir/$1" ]; then
        bad "$dir/$1 is missing or empty"
    elif grep -Eq -- "$2" "$dir/$1"; then
        ok
    else
        bad "$dir/$1 does not show $3"
    fi
}

# val CSV ALLOCATOR TRACE COLUMN: the value in the row of that allocator (or configuration) and
# trace, by column name; the CSV's own header when it has one, the driver's otherwise.
val() {
    awk -F, -v a="$2" -v t="$3" -v c="$4" -v h="$SMBENCH_HEADER" '
        function columns(line,    n, f, i) {
            n = split(line, f, ",")
            for (i = 1; i <= n; i++) if (f[i] == c) k = i
        }
        NR == 1 { columns($0); if (k) next; columns(h) } # a header names the column
        $1 == a && $2 == t && k { print $k; exit }' "$dir/$1" 2>/dev/null
}

# row CSV ALLOCATOR TRACE COLUMN [MIN [MAX]]: the row is there with a number in [MIN, MAX].
row() {
    local v
    v=$(val "$1" "$2" "$3" "$4")
    if [ -z "$v" ]; then
        bad "$dir/$1 has no $4 for $2 on $3"
    elif awk -v v="$v" -v lo="${5:-}" -v hi="${6:-}" 'BEGIN {
            if (v !~ /^[0-9]+(\.[0-9]+)?$/) exit 1
            if (lo != "" && v + 0 < lo + 0) exit 1
            if (hi != "" && v + 0 > hi + 0) exit 1
        }'; then
        ok
    else
        bad "$dir/$1: $4 of $2 on $3 is $v, expected ${5:-0} to ${6:-any}"
    fi
}

# is CSV ALLOCATOR TRACE COLUMN TEXT: the row is there and the column says TEXT.
is() {
    local v
    v=$(val "$1" "$2" "$3" "$4")
    if [ "$v" = "$5" ]; then ok; else bad "$dir/$1: $4 of $2 on $3 is '${v:-no row}', expected '$5'"; fi
}

# more CSV1 A1 T1 CSV2 A2 T2 COLUMN: the first value is larger than the second.
more() {
    local x y
    x=$(val "$1" "$2" "$3" "$7") y=$(val "$4" "$5" "$6" "$7")
    if [ -n "$x" ] && [ -n "$y" ] && awk -v x="$x" -v y="$y" 'BEGIN { exit !(x + 0 > y + 0) }'; then
        ok
    else
        bad "$7: expected $2 on $3 (${x:-none}) above $5 on $6 (${y:-none})"
    fi
}

# lines F N: F has at least N lines.
lines() {
    local n
    n=$(wc -l <"$dir/$1" 2>/dev/null || echo 0)
    if [ "$n" -ge "$2" ]; then ok; else bad "$dir/$1 has $n lines, expected at least $2"; fi
}

# strace_calls F SYSCALL: the calls column of strace -c's summary.
strace_calls() {
    awk -v s="$2" '$NF == s && $4 ~ /^[0-9]+$/ { print $4; exit }' "$dir/$1" 2>/dev/null
}

# stat_of LINE FIELD: the value of FIELD=N in an SM_STATS line.
stat_of() {
    sed -n "s/.* $2=\([0-9]*\).*/\1/p" <<<"$1"
}

# range VALUE MIN MAX WHAT
range() {
    if [ -n "$1" ] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; then ok; else bad "$4 is '${1:-none}', expected $2 to $3"; fi
}

PHASES="phase0_original phase1_bitmap phase2_slab phase2_1_batched"
SYSTEM="glibc jemalloc mimalloc tcmalloc"

lab0() {
    has compare.txt '^== summary: [0-9]+ cells measured, 0 failed' "a make compare summary with no failed cell (step 2)"
    for a in phase0_original $SYSTEM; do
        for t in phase1_pattern slab_mix scale_1e3 scale_1e4; do row compare.csv "$a" $t ns_per_op; done
    done
    row compare.csv phase0_original slab_mix sysalloc_per_1k_allocs 0 10
    has scaling.csv '^phase0_original,10000,' "phase0's scale_1e4 point (step 2)"
    for t in scale_1e3 scale_1e4 scale_1e5; do
        row instr_phase0.csv phase0_original $t instructions_per_op 1
        row instr_glibc.csv glibc $t instructions_per_op 1
    done
    more instr_phase0.csv phase0_original scale_1e5 instr_phase0.csv phase0_original scale_1e3 \
        instructions_per_op
}

lab1() {
    for p in phase0_original phase1_bitmap; do
        for t in phase1_pattern slab_mix binary coalescing random realloc-heavy scale_1e3 scale_1e4; do
            row bench.csv $p $t ns_per_op
        done
        row bench.csv $p random sysalloc_calls 1
    done
    more bench.csv phase0_original random bench.csv phase1_bitmap random sysalloc_calls
    for t in phase1_pattern slab_mix binary random; do
        row instr_phase0.csv phase0_original $t instructions_per_op 1
        row instr_phase1.csv phase1_bitmap $t instructions_per_op 1
    done
    has phase1_random.cg '^summary: [0-9]+' "a callgrind profile (step 3)"
    has overflow_phase0.txt 'sm_check FAILS' "phase0's sm_check failing after the overflow (step 4)"
    has overflow_phase1.txt 'sm_check passes; [1-9][0-9]* of b' "phase1 passing sm_check with b damaged (step 4)"
}

lab2() {
    for t in slab_mix phase1_pattern; do
        row bench_$t.csv phase2_slab $t sysalloc_per_1k_allocs 900
        row bench_$t.csv phase1_bitmap $t sysalloc_per_1k_allocs 0 10
        row bench_$t.csv phase2_slab $t init_ns 1
    done
    has stats_ls_phase1.txt '^sm_stats: phase1_bitmap .*sysalloc_calls=[0-9]+' "the SM_STATS line (step 2)"
    has stats_ls_phase2.txt '^sm_stats: phase2_slab .*sysalloc_calls=[0-9]{4,}' "phase2's SM_STATS line with thousands of sysalloc calls (step 2)"
    range "$(strace_calls strace_phase2.txt mmap)" 6000 7000 "phase2's mmap calls in strace_phase2.txt (step 3)"
    range "$(strace_calls strace_phase1.txt mmap)" 1 100 "phase1's mmap calls in strace_phase1.txt (step 3)"
    has perf_phase2.txt 'page-faults' "perf stat's page faults (step 4)"
    has perf_phase2.txt 'seconds sys' "perf stat's system time (step 4)"
    has perf_phase1.txt 'seconds sys' "perf stat's system time (step 4)"
    for t in phase1_pattern slab_mix; do
        row instr_phase1.csv phase1_bitmap $t instructions_per_op 1
        row instr_phase2.csv phase2_slab $t instructions_per_op 1
    done
    has phase2_slab_mix.cg '^summary: [0-9]+' "a callgrind profile (step 4)"
    has map_limit.txt 'returned NULL at operation' "the replay refused at the mapping budget (step 5)"
    has map_limit.txt '^exit status 3$' "exit status 3 from the refused replay (step 5)"
    has map_limit_demo.txt 'Cannot allocate memory' "the demo reaching the budget (step 5)"
    has fail_after.txt '^exit status [1-9]$' "sort failing cleanly with SM_FAIL_AFTER (step 5)"
    has fail_after.txt 'memory exhausted' "sort's out-of-memory message (step 5)"
    is silent.csv phase2_slab slab_mix mode silent
    is info.csv phase2_slab slab_mix mode "INFO MODE"
    has info.log '^sysalloc: asked [0-9]+ bytes' "info mode's sysalloc lines (step 6)"
    lines info.log 6727
    range "$(strace_calls strace_info.txt write)" 13000 14000 "info mode's write calls in strace_info.txt (step 6)"
    range "$(strace_calls strace_silent.txt write)" 1 5 "silent mode's write calls in strace_silent.txt (step 6)"
    is seed_phase1.csv phase1_bitmap phase1_pattern mode "INFO MODE"
    is fair_phase1.csv phase1_bitmap slab_mix mode silent
}

lab3() {
    local switches builds
    switches=$(make --no-print-directory -s -C phase2_1_batched print-switches)
    builds="phase2_1_batched $(for s in $switches; do
        printf 'phase2_1_batched-no_%s ' "$(echo "$s" | tr '[:upper:]' '[:lower:]')"; done)"
    for f in size_class slab_h slab_c phase; do
        has diff_$f.txt '^@@ ' "a diff of phase2 against phase2_1 (step 0)"
    done
    for b in $builds; do
        has ablation.md "^\\| $b \\| slab_mix \\| [0-9]+ " "the $b row on slab_mix (step 2)"
        has ablation_random.md "^\\| $b \\| random \\| [0-9]+ " "the $b row on random (step 2)"
        for t in phase1_pattern slab_mix; do row instr_ablation.csv "$b" $t instructions_per_op 1; done
    done
    more instr_ablation.csv phase2_1_batched-no_batch_metadata slab_mix instr_ablation.csv \
        phase2_1_batched slab_mix instructions_per_op
    more instr_ablation.csv phase2_1_batched-no_fast_path slab_mix instr_ablation.csv \
        phase2_1_batched slab_mix instructions_per_op
    for c in "all corrections" $(for s in $switches; do echo "$s=0"; done); do
        for t in phase1_pattern slab_mix random; do row ablation.csv "$c" $t ns_per_op; done
    done
    file fig6_ablation.png
    for a in phase2_1_batched $SYSTEM; do row compare.csv "$a" slab_mix ns_per_op; done
    row compare.csv phase2_1_batched slab_mix sysalloc_per_1k_allocs 0 10
    file fig1_time_per_op.png
    for a in phase2_1_batched $SYSTEM; do
        for t in slab_mix random; do row instr_allocators.csv "$a" $t instructions_per_op 1; done
    done
}

lab4() {
    for f in memcheck_phase0.txt memcheck_phase2_1.txt memcheck_phase2_1_1000.txt; do
        has $f 'Invalid read of size 1' "memcheck's read-after-free report (step 1)"
        has $f 'Invalid write of size 1' "memcheck's overflow report (step 1)"
        has $f 'definitely lost: [1-9][0-9,]* bytes in 1 blocks' "the leaked block (step 1)"
    done
    has memcheck_unannotated.txt 'ERROR SUMMARY: 0 errors' "memcheck seeing nothing without the annotations (step 2)"
    file mybug.c
    has memcheck_mybug.txt 'ERROR SUMMARY' "a memcheck run on your own bug (step 3)"
    has suite_phase1.txt 'memcheck clean' "phase1's suite clean under memcheck (step 4)"
}

lab5() {
    file out_glibc.txt
    for p in phase0 phase1 phase2 phase2_1; do
        if [ -s "$dir/out_$p.txt" ] && cmp -s "$dir/out_glibc.txt" "$dir/out_$p.txt"; then
            ok
        else
            bad "$dir/out_$p.txt is missing or differs from out_glibc.txt (step 1)"
        fi
        has stats_$p.txt '^sm_stats: phase[0-9_a-z]+ sqlite3\[' "$p's SM_STATS line (step 1)"
    done
    has stats_phase2.txt 'sysalloc_calls=[0-9]{6,}' "phase2's hundred thousand sysalloc calls (step 1)"
    has cc_phase2.txt '^sm_stats: phase2_slab cc1\[' "cc1's SM_STATS line on phase2 (step 2)"
    has cc_phase2_1.txt '^sm_stats: phase2_1_batched cc1\[' "cc1's SM_STATS line on phase2_1 (step 2)"
    if [ -s "$dir/diag_phase2.o" ] && cmp -s "$dir/diag_phase2.o" "$dir/diag_phase2_1.o"; then
        ok
    else
        bad "$dir/diag_phase2.o and diag_phase2_1.o are missing or differ (step 2)"
    fi
    local ops
    ops=$(sed -n 3p "$dir/sqlite.rep" 2>/dev/null)
    range "$ops" 10000 100000000 "the operations in sqlite.rep's header (step 3)"
    for a in $PHASES $SYSTEM; do row replay.csv "$a" sqlite ns_per_op; done
    row replay.csv phase2_slab sqlite sysalloc_per_1k_allocs 900
    row replay.csv phase2_1_batched sqlite sysalloc_per_1k_allocs 0 10
    for a in phase0_original phase1_bitmap phase2_slab phase2_1_batched glibc mimalloc; do
        row instr.csv "$a" sqlite instructions_per_op 1
    done
    has grow_out.txt '^5000000$' "bash's 5,000,000-byte string (step 5)"
    local grow
    grow=$(grep -E '^sm_stats: phase1_bitmap bash\[[0-9]+\]: .*reallocs=[0-9]{4,}' "$dir/grow_after.txt" 2>/dev/null | head -n 1)
    range "$(stat_of "$grow" sysremap_calls)" 1 64 "the sysremap calls of the bash that grew its string, grow_after.txt (step 5)"
    range "$(stat_of "$grow" realloc_bytes_copied)" 0 4999999 "the bytes its reallocs copied, grow_after.txt (step 5)"
}

case $lab in
lab[0-5])
    if ! declare -F "$lab" >/dev/null; then
        echo "$lab-check: no checks for $lab yet"
        exit 1
    fi
    if [ ! -d "$dir" ]; then
        echo "$lab-check: $dir does not exist: run the steps of labs/$lab.md first"
        exit 1
    fi
    "$lab"
    ;;
*)
    echo "usage: labs/check.sh lab0|lab1|lab2|lab3|lab4|lab5" >&2
    exit 2
    ;;
esac
if [ $failed -gt 0 ]; then
    echo "$lab-check: FAILED: $failed of $((passed + failed)) checks (see labs/$lab.md, section Check)"
    exit 1
fi
echo "$lab-check: all $passed checks passed ($dir)"
