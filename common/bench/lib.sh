# lib.sh - sourced by the scripts that run the benchmark driver (common/bench/compare.sh,
# common/bench/figures.sh, labs/instr.sh, phase2_1_batched/ablation.sh): where the system
# allocators are found, and how callgrind counts one cell, written once.
#
#   bench_preload NAME         the library that puts NAME (jemalloc, mimalloc, tcmalloc) in
#                              front of malloc; prints nothing and fails when not installed
#   bench_callgrind PRELOAD BIN TRACE [EXPECT]
#                              `BIN --once TRACE` under callgrind, counting the replay loop only
#                              (--toggle-collect=replay_trace); prints instructions per operation
#                              (callgrind's total / the ops column of the driver's row).  PRELOAD
#                              is a library path or -; with EXPECT, a native run first checks
#                              that the preload took (smbench --expect).  The driver's stderr
#                              goes to $BENCH_ERR when set.
#
# Deterministic counts: the run gets a fixed environment (env -i), no address randomization
# (setarch -R, when the kernel allows it), the same arguments always (no --name) and the trace's
# path relative to the repository root, so that allocators that hash or sort by address (glibc's
# bins, phase2's record index) see the same addresses on every run: the environment, the
# arguments and the paths all sit on the stack and move what follows.  Without that the count
# moved by about 0.05% (glibc on scale_1e5: 210.5 or 210.6 depending on the caller).
# shellcheck shell=bash

bench_preload() {
    local so
    case $1 in
    jemalloc) so=libjemalloc.so.2 ;;
    mimalloc) so=libmimalloc.so.2 ;;
    tcmalloc) so=libtcmalloc_minimal.so.4 ;;
    *) return 1 ;;
    esac
    # awk reads to the end: leaving early would kill ldconfig with SIGPIPE, which a caller
    # under pipefail would take for a failure.
    /sbin/ldconfig -p 2>/dev/null | awk -v l="$so" '$1 == l && !found { print $NF; found = 1 }
        END { exit !found }'
}

bench_callgrind() {
    local pre=$1 bin=$2 trace out ops ir
    trace=$(realpath --relative-to=. "$3")
    local norandom=()
    setarch "$(uname -m)" -R true 2>/dev/null && norandom=(setarch "$(uname -m)" -R)
    local envs=(env -i PATH=/usr/bin:/bin LC_ALL=C)
    [ "$pre" != - ] && envs+=(LD_PRELOAD="$pre")
    if [ -n "${4:-}" ] && ! "${envs[@]}" "$bin" --expect "$4" --header >/dev/null \
        2>"${BENCH_ERR:-/dev/null}"; then
        return 1
    fi
    out=$(mktemp -d "${TMPDIR:-/tmp}/bench_cg.XXXXXX")
    if ! "${norandom[@]}" "${envs[@]}" valgrind --tool=callgrind --callgrind-out-file="$out/cg" \
        --collect-atstart=no --toggle-collect=replay_trace "$bin" --once "$trace" >"$out/row" \
        2>"${BENCH_ERR:-/dev/null}"; then
        rm -rf "$out"
        return 1
    fi
    ops=$(cut -d, -f3 "$out/row")
    ir=$(awk '/^summary:/ { print $2 }' "$out/cg")
    rm -rf "$out"
    [ -n "$ops" ] && [ -n "$ir" ] || return 1
    awk -v i="$ir" -v n="$ops" 'BEGIN { printf "%.1f\n", i / n }'
}
