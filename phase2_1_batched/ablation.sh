#!/usr/bin/env bash
# ablation.sh - the figures in README.md: phase2_1 with every correction, then with each one
# switched off in turn, beside glibc and mimalloc, on the same traces in the same run.
#
#   phase2_1_batched/ablation.sh [TRACE...]      (default: the seed's two workloads)
#   NO_ABLATION=1 phase2_1_batched/ablation.sh TRACE...   phase2_1, glibc and mimalloc only
#
# For each build and trace, one line: sysalloc calls, peak mapped bytes, utilization, init time
# and ns/op from the benchmark driver (build/<variant>/smbench, median of 5 replays), then
# instructions per operation from callgrind over the replay loop alone (one replay from an
# empty allocator).  Under Valgrind the allocator talks to memcheck (SM_VG_* requests, and
# sm_api.c's side table of block sizes, common/sm_valgrind.c), work it skips when run natively.
# So callgrind runs a copy of each build compiled with -DNVALGRIND (build/<build>-nvg/), in
# which RUNNING_ON_VALGRIND is 0 and every request is the native load-and-branch: the
# instructions counted are the ones a native run executes, comparable with glibc's.
set -eu
cd "$(dirname "$0")/.."
traces=("$@")
[ ${#traces[@]} -eq 0 ] && traces=(common/traces/phase1_pattern.rep common/traces/slab_mix.rep)

builds=(phase2_1_batched)
for sw in $(make --no-print-directory -s -C phase2_1_batched print-switches); do
    [ -n "${NO_ABLATION:-}" ] && break
    make --no-print-directory -C phase2_1_batched "$sw=0" >/dev/null
    builds+=("phase2_1_batched-no_$(echo "$sw" | tr '[:upper:]' '[:lower:]')")
done
make --no-print-directory -C phase2_1_batched >/dev/null
nvg_cflags="-std=c17 -O2 -g -DNVALGRIND" # NVALGRIND leaves variables unused: no -Werror
for b in "${builds[@]}"; do
    sw=${b#phase2_1_batched}
    read -r -a off <<<"$(echo "$sw" | sed 's/-no_/ /g' | tr '[:lower:]' '[:upper:]')"
    make --no-print-directory -C phase2_1_batched "${off[@]/%/=0}" \
        VARIANT="$sw-nvg" CFLAGS="$nvg_cflags" >/dev/null
    make --no-print-directory "build/$b/smbench" "build/$b-nvg/smbench" >/dev/null
done
make --no-print-directory build/system/smbench >/dev/null
mimalloc=$(/sbin/ldconfig -p | awk '$1 == "libmimalloc.so.2" { print $NF; exit }')

# cell LABEL PRELOAD BINARY CALLGRIND_BINARY TRACE
cell() {
    local label=$1 pre=$2 bin=$3 cgbin=$4 t=$5 row ir ops f=/tmp/ablation.$$.cg
    local env=()
    [ "$pre" != - ] && env=(LD_PRELOAD="$pre")
    row=$(env "${env[@]}" "$bin" --name "$label" "$t")
    env "${env[@]}" valgrind --tool=callgrind --callgrind-out-file=$f --collect-atstart=no \
        --toggle-collect=replay_trace "$cgbin" --once "$t" >/dev/null 2>&1
    ir=$(awk '/^summary:/ { print $2 }' $f)
    ops=$(echo "$row" | cut -d, -f3)
    echo "$row" | awk -F, -v ir="$ir" -v ops="$ops" '{
        printf "| %s | %s | %s | %.0f | %s | %s | %.1f | %.1f |\n",
            $1, $2, $11, $13 / 1024, $15, $20, $5, ir / ops }'
    rm -f $f
}

echo "$(date -u '+%F %H:%M') UTC, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| build | trace | sysalloc calls | peak mapped KiB | utilization | init ns | ns/op | instructions/op |"
echo "|---|---|---|---|---|---|---|---|"
for t in "${traces[@]}"; do
    for b in "${builds[@]}"; do cell "$b" - "build/$b/smbench" "build/$b-nvg/smbench" "$t"; done
    cell glibc - build/system/smbench build/system/smbench "$t"
    [ -n "$mimalloc" ] && cell mimalloc "$mimalloc" build/system/smbench build/system/smbench "$t"
done
