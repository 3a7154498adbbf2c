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
# empty allocator), measured as `make callgrind` and `make figures` measure it
# (common/bench/lib.sh).  The README's tables are `make figures`'s; this prints the same rows
# with this machine's times.
set -eu
cd "$(dirname "$0")/.."
# shellcheck source=common/bench/lib.sh
. common/bench/lib.sh
traces=("$@")
[ ${#traces[@]} -eq 0 ] && traces=(common/traces/phase1_pattern.rep common/traces/slab_mix.rep)

builds=(phase2_1_batched)
for sw in $(make --no-print-directory -s -C phase2_1_batched print-switches); do
    [ -n "${NO_ABLATION:-}" ] && break
    make --no-print-directory -C phase2_1_batched "$sw=0" >/dev/null
    builds+=("phase2_1_batched-no_$(echo "$sw" | tr '[:upper:]' '[:lower:]')")
done
make --no-print-directory -C phase2_1_batched >/dev/null
for b in "${builds[@]}"; do make --no-print-directory "build/$b/smbench" >/dev/null; done
make --no-print-directory build/system/smbench >/dev/null
mimalloc=$(bench_preload mimalloc || true)

# cell LABEL PRELOAD BINARY TRACE
cell() {
    local label=$1 pre=$2 bin=$3 t=$4 row ipo expect=""
    local env=()
    [ "$pre" != - ] && env=(LD_PRELOAD="$pre") expect=$label
    row=$(env "${env[@]}" "$bin" --name "$label" "$t")
    ipo=$(bench_callgrind "$pre" "$bin" "$t" "$expect")
    echo "$row" | awk -F, -v ipo="$ipo" '{
        printf "| %s | %s | %s | %.0f | %s | %s | %.1f | %s |\n",
            $1, $2, $11, $13 / 1024, $15, $20, $5, ipo }'
}

echo "$(date -u '+%F %H:%M') UTC, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| build | trace | sysalloc calls | peak mapped KiB | utilization | init ns | ns/op | instructions/op |"
echo "|---|---|---|---|---|---|---|---|"
for t in "${traces[@]}"; do
    for b in "${builds[@]}"; do cell "$b" - "build/$b/smbench" "$t"; done
    cell glibc - build/system/smbench "$t"
    [ -n "$mimalloc" ] && cell mimalloc "$mimalloc" build/system/smbench "$t"
done
