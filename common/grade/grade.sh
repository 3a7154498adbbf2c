#!/bin/bash
# grade.sh - grades one submission: the correctness gate, then utilization and instructions per
# operation against the reference phase, then the validator (see common/grade/README.md).
#
#   grade.sh [--submission PATH] [--student ID] [--out DIR] PHASE...
#     --submission PATH   a folder or a tarball (.tar, .tar.gz, .tgz) holding the phase folders,
#                         at its top or one or two levels down; default: this tree itself
#     --student ID        the name in the results; with STUDENT_TRACES=1 it also seeds the
#                         per-student traces (make grade STUDENT=id sets both)
#     --out DIR           default build/grade/<student, or "self">
# Environment: GRADE_TRACES=dir (hidden traces, added), GRADE_SET=full|quick (the shipped
# traces graded), GRADE_TIME=N (every timeout multiplied by N), GRADE_REF_ROOT=dir (the tree
# whose phases are the reference; default the grader's own), GRADE_CACHE=dir (where the
# reference's figures are kept, by content; default build/grade/ref), GRADE_KEEP=1 (keep the
# work copy).
# Writes DIR/results.json (Gradescope's format), DIR/summary.txt (the table), DIR/parts.csv;
# prints the table and the path.  Exit status 0 whatever the score; 1 for a usage error.
set -u
umask 022
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd) # the grader's own tree: tests, driver, traces come from here
ref_root=${GRADE_REF_ROOT:-$root}
sub="" student="" out=""
phases=()
while [ $# -gt 0 ]; do
    case $1 in
    --submission) sub=$2; shift 2 ;;
    --student) student=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    phase*) phases+=("$1"); shift ;;
    *) echo "usage: grade.sh [--submission PATH] [--student ID] [--out DIR] PHASE..." >&2; exit 1 ;;
    esac
done
[ ${#phases[@]} -gt 0 ] || { echo "grade.sh: name at least one phase folder" >&2; exit 1; }
[[ $student =~ ^[A-Za-z0-9._@+-]*$ ]] || { echo "grade.sh: student id: letters, digits, ._@+- only" >&2; exit 1; }
out=${out:-$root/build/grade/${student:-self}}
scale=${GRADE_TIME:-1}
t_build=$((240 * scale)) t_smoke=$((15 * scale)) t_suite=$((300 * scale)) t_test=$((30 * scale))
t_check=$((60 * scale)) t_cg=$((180 * scale))

# Points (README.md, "The formula"): per phase 30 for the suite, 30 for the traces' checks,
# 30 for their performance, 10 for the validator; W_UTIL of a trace's performance is
# utilization, the rest instructions per operation.
PTS_SUITE=30 PTS_CHECK=30 PTS_PERF=30 PTS_VALID=10 W_UTIL=0.5

rm -rf "$out"
mkdir -p "$out/logs"
# The work copies are under $out: the student's processes may pass through it, never list it,
# and never open the logs and verdicts (logs/ is the grader's alone) nor write the results.
chmod 711 "$out"
chmod 700 "$out/logs"
out=$(cd "$out" && pwd)
# As root the student's code runs as a user id of its own (no account), so that its process limit
# and its files are its own even when two gradings run at once; it must reach its copy under $out.
SUID=${GRADE_UID:-$((2000000000 + $$ % 1000000))}
if [ "$(id -u)" = 0 ] && ! setpriv --reuid="$SUID" --regid="$SUID" --clear-groups test -x "$out"; then
    echo "grade.sh: $out cannot be reached by user $SUID (a folder above it is private): choose --out elsewhere" >&2
    exit 1
fi
bin=$root/build/grade/bin
mkdir -p "$bin"
tests_jsonl=$out/tests.jsonl board_jsonl=$out/board.jsonl parts=$out/parts.csv
: >"$tests_jsonl"
: >"$board_jsonl"
echo "phase,part,points,max,cause" >"$parts"

# ---- the sandbox --------------------------------------------------------------------------
# Every step of student code runs as: a wall-clock timeout (killing the whole process group),
# a PID namespace (its last process dies with it), no network, an unprivileged user (as root:
# a user id of its own, who can write only the work copy), resource limits, an empty environment, ASLR off.
LIMITS=(prlimit --cpu=$((t_suite)) --as=$((4 << 30)) --nproc=128 --fsize=$((64 << 20)) --core=0 --)
# A /tmp of its own (a mount namespace): Criterion's runner names its socket /tmp/criterion_<pid>,
# and in a PID namespace every runner has the same pid, so two gradings at once would collide.
# Not when the work copy is itself below /tmp (the new /tmp would hide it).
PRIVATE_TMP=(sh -c 'mount -t tmpfs -o size=256m,mode=1777 tmpfs /tmp && exec "$@"' private-tmp)
case "$out ${GRADE_CACHE:-$root}" in /tmp/* | *" /tmp/"*) PRIVATE_TMP=() ;; esac
if [ "$(id -u)" = 0 ]; then
    BOX=(unshare -m -n -p -f --kill-child "${PRIVATE_TMP[@]}" setpriv --reuid="$SUID" --regid="$SUID" --clear-groups)
    box_note="no network, PID namespace, user $SUID"
elif unshare -rmn -p -f --kill-child "${PRIVATE_TMP[@]}" true 2>/dev/null; then
    BOX=(unshare -rmn -p -f --kill-child "${PRIVATE_TMP[@]}")
    box_note="no network, PID namespace (not root: runs as you, can write what you can)"
else
    BOX=()
    box_note="WITHOUT network or process isolation (unshare is not allowed here): limits and timeouts only"
fi
[ ${#PRIVATE_TMP[@]} -gt 0 ] && [ ${#BOX[@]} -gt 0 ] && box_note="$box_note, a private /tmp"
setarch -R true 2>/dev/null && NOASLR=(setarch "$(uname -m)" -R) || NOASLR=()
ENV=(env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/nonexistent LC_ALL=C TERM=dumb)

# box SECONDS LOG VERDICT CMD...: runs CMD in the work copy; its exit status (124: timed out).
box() {
    local secs=$1 log=$2 verdict=$3
    shift 3
    # No exec: this subshell, not the grader, reports a signal's death (into the log).
    # Without a private /tmp, a socket of Criterion's left by a killed run (its runner is pid 1) would
    # stop every later one.
    [ ${#PRIVATE_TMP[@]} = 0 ] && [ "$(id -u)" = 0 ] && find /tmp -maxdepth 1 -name 'criterion_1.sock' -uid +1999999999 -delete 2>/dev/null
    (cd "$work" && timeout -k 5 "$secs" "${BOX[@]}" "${LIMITS[@]}" "${NOASLR[@]}" \
        "${ENV[@]}" "$@"; exit $?) >"$log" 2>&1 3>"$verdict" </dev/null
}

# why STATUS LOG: the cause of a failed step in words.
why() {
    local rc=$1 log=$2 stub
    stub=$(grep -m1 -o "not written yet: .*" "$log" 2>/dev/null | cut -c1-160)
    if [ -n "$stub" ]; then echo "$stub"; return; fi
    case $rc in
    124 | 137) echo "timed out: never returned (killed after its time limit)" ;;
    139) echo "crashed: SIGSEGV (a bad pointer)" ;;
    134) echo "aborted (SIGABRT): $(grep -m1 -v '^==' "$log" | cut -c1-160)" ;;
    152) echo "killed: its CPU time limit" ;;
    153) echo "killed: wrote more than the file size limit" ;;
    0) echo "exited 0 without results (the grader's harness never finished)" ;;
    *) if [ "$rc" -gt 128 ]; then echo "killed by signal $((rc - 128))"; else
        echo "exit status $rc: $(grep -m1 -E 'failed|error|NULL' "$log" | cut -c1-160)"; fi ;;
    esac
}

# ---- traces -------------------------------------------------------------------------------
[ -x "$bin/gentrace" ] && [ "$bin/gentrace" -nt "$root/common/bench/gentrace.c" ] ||
    cc -std=c17 -O2 -I"$root/common" -o "$bin/gentrace" "$root/common/bench/gentrace.c" || exit 1
tdir=$out/traces
mkdir -p "$tdir"
declare -A visibility=()
case ${GRADE_SET:-full} in
quick) shipped="phase1_pattern realloc-heavy scale_1e3" ;;
*) shipped="phase1_pattern slab_mix binary coalescing random realloc-heavy scale_1e3 scale_1e4" ;;
esac
traces=()
for t in $shipped; do cp "$root/common/traces/$t.rep" "$tdir/"; traces+=("$t"); visibility[$t]=visible; done
# The instructor's hidden traces: GRADE_TRACES, or common/grade/hidden/ when it exists (a folder
# make handout leaves out of the student copy).
[ -z "${GRADE_TRACES:-}" ] && [ -d "$root/common/grade/hidden" ] && GRADE_TRACES=$root/common/grade/hidden
if [ -n "${GRADE_TRACES:-}" ]; then
    for f in "$GRADE_TRACES"/*.rep; do
        [ -f "$f" ] || continue
        t=hidden-$(basename "$f" .rep)
        cp "$f" "$tdir/$t.rep" && traces+=("$t") && visibility[$t]=after_published
    done
fi
seed=""
if [ -n "$student" ] && [ "${STUDENT_TRACES:-0}" = 1 ]; then
    # The seed: the first 15 hex digits of the id's SHA-256, so every id has its own traces.
    seed=$((16#$(printf '%s' "$student" | sha256sum | cut -c1-15)))
    for p in slab_mix random realloc-heavy "scale 5000"; do
        t=student-${p% *}
        ops=0
        [ "$p" != "${p% *}" ] && ops=${p#* }
        "$bin/gentrace" "${p% *}" "$ops" "$seed" >"$tdir/$t.rep" 2>/dev/null &&
            traces+=("$t") && visibility[$t]=visible
    done
fi
"$bin/gentrace" scale 40 7 >"$tdir/smoke.rep"

# recount TRACE: "allocs reallocs frees" counted by the grader from the file itself.
recount() {
    awk '$1 == "a" { a++ } $1 == "r" { r++ } $1 == "f" { f++ } END { print a + 0, r + 0, f + 0 }' "$tdir/$1.rep"
}

# cg_figures FILE: "instructions malloc_calls realloc_calls free_calls" from a callgrind file:
# valgrind writes it, after the program ended; the calls are replay_trace's into the API.
cg_figures() {
    awk '
    function name(s) { if (match(s, /^\([0-9]+\)/)) { id = substr(s, 1, RLENGTH); rest = substr(s, RLENGTH + 2)
                           if (rest != "") names[id] = rest; return names[id] } return s }
    /^summary:/ { ir = $2 }
    /^fn=/ { fn = name(substr($0, 4)) }
    /^cfn=/ { cfn = name(substr($0, 5)) }
    /^calls=/ { if (fn == "replay_trace") { split(substr($0, 7), c, " "); n[cfn] += c[1] } }
    END { print ir + 0, n["sm_malloc"] + 0, n["sm_realloc"] + 0, n["sm_free"] + 0 }' "$1"
}

# tap_results FILE: "suite/test PASSED|FAILED where: what" for each test of Criterion's TAP
# report (its JSON report does not escape quotes in messages).
tap_results() {
    awk '/^(not )?ok - / { if (t != "") print t, st, msg; st = /^ok/ ? "PASSED" : "FAILED"
                           t = $0; sub(/^(not )?ok - /, "", t); rest = t; sub(/ .*/, "", t); sub(/::/, "/", t)
                           msg = rest; sub(/^[^ ]* */, "", msg); gsub(/[^ ]*\//, "", msg); sub(/^\([0-9.]+s\)$/, "", msg); next }
         /^  - .*: \|\+$/ && msg == "" { where = $2; sub(/:$/, "", where); sub(/.*\//, "", where); getline; sub(/^ */, ""); msg = where ": " $0 }
         END { if (t != "") print t, st, msg }' "$1" 2>/dev/null | LC_ALL=C sort
}

# ---- one tree: copy, build, run -----------------------------------------------------------
# find_phase SRC_ROOT PHASE: the phase folder in a submission (or tree): at its top, or one or
# two folders down (a repository in a tarball); the shallowest wins, a build/ folder never.
find_phase() {
    local f
    f=$(cd "$1" && find . -maxdepth 3 -type d -name "$2" -not -path '*/build/*' 2>/dev/null |
        awk '{ print length, $0 }' | sort -n | head -1 | cut -d' ' -f2-)
    [ -n "$f" ] && echo "$1/${f#./}"
}

# prepare SRC_ROOT PHASE: the work copy: the grader's common/ and phase folder (Makefile, tests),
# with the phase's top-level .c and .h files taken from SRC_ROOT's only.  The phases it reuses
# code from (REUSED_SRCS in its Makefile: phase2 links phase1's pool) come along the same way:
# the submission's own when it has them, else the grader's.
prepare() {
    local src=$1 p=$2 dep from
    rm -rf "$work"
    mkdir -p "$work/build"
    cp -r "$root/common" "$work/common"
    rm -rf "$work/common/grade/tests" # the bad submissions are no business of the student's
    for dep in "$p" $(grep -o 'phase[0-9a-z_]*/' "$root/$p/Makefile" | tr -d / | sort -u | grep -vx "$p"); do
        cp -r "$root/$dep" "$work/$dep"
        from=$(find_phase "$src" "$dep")
        [ -z "$from" ] && [ "$dep" != "$p" ] && continue
        find "$work/$dep" -maxdepth 1 -type f \( -name '*.c' -o -name '*.h' \) -delete
        # Regular files only: a symbolic link in a submission is not followed.
        [ -n "$from" ] && find "$from" -maxdepth 1 -type f \( -name '*.c' -o -name '*.h' \) -exec cp {} "$work/$dep/" \;
    done
    cp "$tdir"/*.rep "$work/"
    [ "$(id -u)" = 0 ] && chown -R "$SUID:$SUID" "$work"
    return 0
}

# build PHASE LOGDIR: the phase's libraries and suite with the grader's own Makefile, then the
# harness; returns make's status.
build() {
    local p=$1 l=$2
    box "$t_build" "$l/build.log" /dev/null sh -c "w=\$(pwd) && make -s -j2 -C $p \$w/build/$p/libsm.a \$w/build/$p/libsm.so \$w/build/$p/test_sm &&
        cc -std=c17 -O2 -g -D_GNU_SOURCE -Icommon -Icommon/bench -o build/grade_run common/grade/grade_run.c \
           common/bench/trace.c common/bench/verify.c common/bench/replay.c build/$p/libsm.a"
}

# figures TRACE LOGDIR: runs check, measure and callgrind on the trace; sets fig_status (ok or
# the cause), fig_util, fig_ipo.  Every figure is checked against the grader's own recount
# before it is believed.
figures() {
    local t=$1 l=$2 rc line exp got
    fig_status="" fig_util="" fig_ipo=""
    read -r na nr nf <<<"$(recount "$t")"
    ops=$((na + nr + nf))
    box "$t_check" "$l/$t.check.log" "$l/$t.check.verdict" build/grade_run check "$t.rep"
    rc=$?
    line=$(head -c 200 "$l/$t.check.verdict")
    if [ $rc != 0 ] || [ "${line%% *}" != check ]; then
        if [ $rc = 3 ]; then
            fig_status="check failed: $(grep -m1 '^grade_run: ' "$l/$t.check.log" | sed 's/^grade_run: [^:]*: //; s/^check failed: //' | cut -c1-200)"
        else
            fig_status="check failed: $(why $rc "$l/$t.check.log")"
        fi
        return
    fi
    read -r _ _ got _ <<<"$line"
    if [ "$got" != "$ops" ] || [ "$(wc -l <"$l/$t.check.verdict")" != 1 ]; then
        fig_status="check failed: the verdict is not the harness's own (more than one process wrote it, or it was forged)"
        return
    fi
    box "$t_check" "$l/$t.measure.log" "$l/$t.measure.verdict" build/grade_run measure "$t.rep"
    rc=$?
    read -r w1 w2 mops live mapped vm <<<"$(head -c 200 "$l/$t.measure.verdict")"
    if [ $rc != 0 ] || [ "$w1 $w2" != "measure ok" ] || [ "$mops" != "$ops" ]; then
        fig_status="measure failed: $(why $rc "$l/$t.measure.log")"
        return
    fi
    [ "$vm" -gt "$mapped" ] && mapped=$vm # memory mapped around sysalloc counts too
    fig_util=$(awk -v a="$live" -v b="$mapped" 'BEGIN { printf "%.4f", b ? a / b : 0 }')
    box "$t_cg" "$l/$t.cg.log" /dev/null valgrind --tool=callgrind --callgrind-out-file=cg.out \
        --collect-atstart=no --toggle-collect=replay_trace build/grade_run measure "$t.rep"
    rc=$?
    read -r ir cm cr cf <<<"$(cg_figures "$work/cg.out" 2>/dev/null)"
    rm -f "$work/cg.out"
    exp="$na $nr $nf"
    got="${cm:-} ${cr:-} ${cf:-}"
    if [ $rc != 0 ] || [ "$exp" != "$got" ] || [ "${ir:-0}" = 0 ]; then
        if [ $rc = 0 ]; then fig_status="callgrind failed: replay_trace's calls ($got) are not the trace's ($exp)"
        else fig_status="callgrind failed: $(why $rc "$l/$t.cg.log")"; fi
        return
    fi
    fig_ipo=$(awk -v i="$ir" -v n="$ops" 'BEGIN { printf "%.1f", i / n }')
    fig_status=ok
}

# ---- the reference: the same steps on the reference tree's own phase, cached by content ---
reference() {
    local p=$1 key d
    key=$( (cd "$ref_root" && find common "$p" -name '*.[ch]' -not -path 'common/grade/tests/*' | LC_ALL=C sort | xargs cat
        sed -n '/^LIMITS=/p; /^box() {/,/^}/p; /^tap_results() {/,/^}/p; /^figures() {/,/^}/p' "$root/common/grade/grade.sh") |
        sha256sum | cut -c1-16) # the sources, and how the figures are taken
    d=${GRADE_CACHE:-$root/build/grade/ref}/$p-$key
    refdir=$d
    if [ ! -s "$d/suite.tests" ]; then
        mkdir -p "$d"
        work=$d/work
        prepare "$ref_root" "$p"
        if ! build "$p" "$d"; then echo "grade: the reference $p does not build: see $d/build.log" >&2; return 1; fi
        box "$t_suite" "$d/suite.log" /dev/null build/"$p"/test_sm --jobs 2 --timeout "$t_test" --tap=suite.tap
        tap_results "$work/suite.tap" >"$d/suite.tests"
    fi
    work=$d/work
    for t in "${traces[@]}"; do
        local h
        h=$(sha256sum "$tdir/$t.rep" | cut -c1-16)
        if [ ! -f "$d/$h.fig" ]; then
            cp "$tdir/$t.rep" "$work/$t.rep"
            [ "$(id -u)" = 0 ] && chown -R "$SUID:$SUID" "$work" # kept from an earlier run's user
            figures "$t" "$d"
            echo "$fig_status|$fig_util|$fig_ipo" >"$d/$h.fig"
        fi
        IFS='|' read -r st u i <"$d/$h.fig"
        ref_status[$t]=$st ref_util[$t]=$u ref_ipo[$t]=$i
    done
}

# ---- results ------------------------------------------------------------------------------
# add NAME SCORE MAX VISIBILITY OUTPUT: one Gradescope test entry (jq writes the JSON).
add() {
    jq -nc --arg name "$1" --argjson score "$2" --argjson max "$3" --arg vis "$4" --arg output "$5" \
        '{name: $name, score: $score, max_score: $max, visibility: $vis, output: $output}' >>"$tests_jsonl"
}
part() { echo "$1,$2,$3,$4,\"${5//\"/\'}\"" >>"$parts"; }
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
# q RATIO: the ratio as scored: to two decimals, at most 1 (matching the reference is full marks).
q() { awk -v r="$1" 'BEGIN { r = int(r * 100 + 0.5) / 100; printf "%.2f", (r > 1 ? 1 : r) }'; }

# ---- grading ------------------------------------------------------------------------------
src_root=$root
if [ -n "$sub" ]; then
    [ -e "$sub" ] || { echo "grade.sh: no such submission: $sub" >&2; exit 1; }
    src_root=$out/submission
    mkdir -p "$src_root"
    if [ -f "$sub" ]; then
        # Unpacked in the sandbox too: tar refuses members outside the folder, the limits stop a
        # tar bomb.
        [ "$(id -u)" = 0 ] && chown "$SUID:$SUID" "$src_root"
        cp "$sub" "$out/logs/submission.tar"
        [ "$(id -u)" = 0 ] && chown "$SUID:$SUID" "$out/logs/submission.tar" && chmod 711 "$out/logs"
        work=$src_root
        box "$t_build" "$out/logs/unpack.log" /dev/null tar -xf "$out/logs/submission.tar" --no-same-owner --no-same-permissions
        rm -f "$out/logs/submission.tar"
        chmod 700 "$out/logs"
    else
        cp -r "$sub"/. "$src_root/"
    fi
fi

declare -A ref_status ref_util ref_ipo
total=0 total_max=0
{
echo "== grading ${student:-this tree} (${#traces[@]} traces; sandbox: $box_note)"
for p in "${phases[@]}"; do
    if [ ! -f "$root/$p/Makefile" ]; then echo "grade.sh: $p is not a phase of the grader's tree" >&2; exit 1; fi
    l=$out/logs/$p
    mkdir -p "$l"
    case $p in phase2_1*) short=phase2_1 ;; *) short=${p%%_*} ;; esac
    echo
    echo "== $p"
    sp=$(find_phase "$src_root" "$p")
    have_ref=1
    reference "$p" || have_ref=0
    reftests=$refdir/suite.tests
    work=$out/work-$p
    cause=""
    if [ -z "$sp" ]; then
        cause="no $p/ folder in the submission"
    else
        prepare "$src_root" "$p"
        build "$p" "$l" || cause="does not build: $({ grep -m1 -E 'error|Error' "$l/build.log" || head -1 "$l/build.log"; } | sed "s|$work/||g" | cut -c1-200)"
        [ -z "$cause" ] && { box "$t_smoke" "$l/smoke.log" "$l/smoke.verdict" build/grade_run check smoke.rep; rc=$?
            [ $rc = 124 ] || [ $rc = 137 ] && cause="never returns: a 40-operation trace timed out ($(why $rc "$l/smoke.log"))"; }
    fi

    # The suite, and the validator (the corrupt/* tests), from Criterion's report; a test counts
    # only if the reference's suite has it too.
    if [ -z "$cause" ]; then
        box "$t_suite" "$l/suite.log" /dev/null build/"$p"/test_sm --jobs 2 --timeout "$t_test" --tap=suite.tap
        rc=$?
        tap_results "$work/suite.tap" >"$l/stu_tests"
        grep -q '^1\.\.' "$work/suite.tap" 2>/dev/null && tail -1 "$l/suite.log" | grep -q Synthesis ||
            suite_cause="the suite did not finish: $(why $rc "$l/suite.log")"
    else
        : >"$l/stu_tests"
    fi
    # One line per reference test: suite/name, and the student's status (MISSING when absent).
    sort "$reftests" >"$l/ref_tests"
    awk 'FILENAME == ARGV[1] { st[$1] = $2; msg[$1] = substr($0, length($1) + length($2) + 3); next }
         { s = ($1 in st) ? st[$1] : "MISSING"; print $1, s, msg[$1] }' "$l/stu_tests" "$l/ref_tests" >"$l/tests"
    n_all=$(grep -cv '^corrupt/' "$l/tests") n_ok=$(grep -v '^corrupt/' "$l/tests" | grep -c ' PASSED')
    v_all=$(grep -c '^corrupt/' "$l/tests") v_ok=$(grep '^corrupt/' "$l/tests" | grep -c ' PASSED')
    failing=$(grep -v '^corrupt/' "$l/tests" | grep -v ' PASSED' | head -5 | cut -c1-160)
    # Without corruption tests in the grader's tree, the validator's points go to the suite.
    suite_max=$PTS_SUITE
    [ "$v_all" = 0 ] && suite_max=$((PTS_SUITE + PTS_VALID))
    if [ -n "$cause" ]; then s_out="0/$n_all tests: $cause"
    elif [ -n "${suite_cause:-}" ]; then s_out="$n_ok/$n_all tests: $suite_cause"
    else s_out="$n_ok/$n_all tests passed"; fi
    stub=$(grep -ho "not written yet: [^\"]*" "$l"/*.log 2>/dev/null | sort -u | head -5)
    [ -n "$stub" ] && s_out="$s_out
still to write (make $short test names them):
$stub"
    [ -n "$failing" ] && s_out="$s_out
failing (run: make $short test):
$failing"
    suite_cause=""
    pts=$(calc "$suite_max * ($n_all ? $n_ok / $n_all : 0)")
    add "$p: test suite" "$pts" "$suite_max" visible "$s_out"
    if [ "$n_ok" = "$n_all" ] && [ "$n_all" -gt 0 ]; then part "$p" suite "$pts" "$suite_max" ok
    else part "$p" suite "$pts" "$suite_max" "suite: $(echo "$s_out" | head -1)${failing:+; first failing: $(echo "$failing" | head -1 | cut -d' ' -f1)}"; fi
    phase_pts=$pts phase_max=$suite_max
    printf '  %-26s %-42s %5s/%-5s  %s\n' "test suite" "$n_ok/$n_all passed" "$pts" "$suite_max" "$(echo "$s_out" | sed -n 2,99p | head -8 | sed '2,$s/^/                                                  /')"
    printf '  %-26s %-8s %-16s %-16s %11s  %s\n' trace check "utilization" "instructions/op" points "what to do"
    printf '  %-26s %-8s %-16s %-16s %11s\n' "" "" "(reference)" "(reference)" ""

    # The traces: every check first, then the performance against the reference's figures,
    # scored only when the whole gate passed (the suite and every trace's check).
    n=${#traces[@]}
    declare -A st_of=() ut_of=() ipo_of=()
    gate=""
    [ -n "$cause" ] && gate=$cause
    [ -z "$gate" ] && [ "$n_ok" != "$n_all" ] && gate="the suite: $((n_all - n_ok)) test(s) failing"
    for t in "${traces[@]}"; do
        s_status="$cause" s_util="" s_ipo=""
        [ -z "$cause" ] && figures "$t" "$l" && s_status=$fig_status s_util=$fig_util s_ipo=$fig_ipo
        st_of[$t]=$s_status ut_of[$t]=$s_util ipo_of[$t]=$s_ipo
        [ -z "$gate" ] && [ "$s_status" != ok ] && gate="trace $t failed its check"
    done
    for t in "${traces[@]}"; do
        vis=${visibility[$t]}
        s_status=${st_of[$t]} s_util=${ut_of[$t]} s_ipo=${ipo_of[$t]}
        c_max=$(calc "$PTS_CHECK / $n") p_max=$(calc "$PTS_PERF / $n")
        case $t in
        hidden-*) repro="" ;;
        student-*) repro="build/grade/bin/gentrace ${t#student-} $([ "$t" = student-scale ] && echo 5000 || echo 0) $seed > $t.rep, then make $short bench TRACE=$t.rep" ;;
        *) repro="make $short bench TRACE=common/traces/$t.rep" ;;
        esac
        if [ "$s_status" = ok ]; then
            c_pts=$c_max
            if [ $have_ref = 1 ] && [ "${ref_status[$t]}" = ok ]; then
                ru=$(q "$(awk -v a="$s_util" -v b="${ref_util[$t]}" 'BEGIN { print (b > 0 ? a / b : 0) }')")
                ri=$(q "$(awk -v a="$s_ipo" -v b="${ref_ipo[$t]}" 'BEGIN { print (a > 0 ? b / a : 0) }')")
                p_pts=$(calc "$p_max * ($W_UTIL * $ru + (1 - $W_UTIL) * $ri)")
                todo=""
                awk -v r="$ru" 'BEGIN { exit !(r < 1) }' && todo="utilization at $ru of the reference: less waste (fragmentation, headers)"
                awk -v r="$ri" 'BEGIN { exit !(r < 1) }' && todo="${todo:+$todo; }the reference needs $ri of your instructions per operation: a faster common path"
                msg="passed; utilization $s_util (reference ${ref_util[$t]}, scored $ru), $s_ipo instructions/op (reference ${ref_ipo[$t]}, scored $ri)${todo:+: $todo}"
                if [ -n "$gate" ]; then
                    p_pts=0 todo="performance not scored until everything passes ($gate)"
                    msg="passed; $todo; utilization $s_util (reference ${ref_util[$t]}), $s_ipo instructions/op (reference ${ref_ipo[$t]})"
                fi
            else
                p_pts=0 todo="no reference figures: performance not graded here"
                msg="passed; utilization $s_util, $s_ipo instructions/op; $todo"
            fi
            echo "{\"trace\":\"$t\",\"util\":$s_util,\"ipo\":$s_ipo}" | jq -c . >>"$board_jsonl"
        else
            c_pts=0 p_pts=0 todo="$s_status"
            msg="FAILED: $s_status${repro:+ (reproduce: $repro)}"
        fi
        tp=$(calc "$c_pts + $p_pts") tm=$(calc "$c_max + $p_max")
        # A hidden trace's output is the grader's own verdict only, never text from the program.
        [ "$vis" = after_published ] && [[ $msg == *": check failed: "* ]] && msg="${msg%%: check failed: *}: check failed"
        add "$p: trace $t" "$tp" "$tm" "$vis" "$msg"
        part "$p" "$t" "$tp" "$tm" "$([ "$s_status" = ok ] && echo ok || echo "$s_status")"
        phase_pts=$(calc "$phase_pts + $tp") phase_max=$(calc "$phase_max + $tm")
        printf '  %-26s %-8s %-16s %-16s %5s/%-5s  %s\n' "$t" "$([ "$s_status" = ok ] && echo ok || echo FAILED)" \
            "${s_util:--} (${ref_util[$t]:--})" "${s_ipo:--} (${ref_ipo[$t]:--})" "$tp" "$tm" "$(echo "$todo" | cut -c1-110)"
    done

    # The validator: each corruption the student's sm_check catches.
    if [ "$v_all" -gt 0 ]; then
        pts=$(calc "$PTS_VALID * $v_ok / $v_all")
        missed=$(grep '^corrupt/' "$l/tests" | grep -v ' PASSED' | cut -d' ' -f1 | head -8 | tr '\n' ' ')
        msg="sm_check caught $v_ok of $v_all corrupted heaps${missed:+; missed: $missed(run: build/$p/test_sm --filter 'corrupt/*')}"
        add "$p: validator (sm_check on corrupted heaps)" "$pts" "$PTS_VALID" visible "$msg"
        part "$p" validator "$pts" "$PTS_VALID" "$([ "$v_ok" = "$v_all" ] && echo ok || echo "validator: sm_check missed $((v_all - v_ok)) of $v_all corruptions")"
        phase_pts=$(calc "$phase_pts + $pts") phase_max=$(calc "$phase_max + $PTS_VALID")
        printf '  %-26s %-42s %5s/%-5s  %s\n' "validator (corrupt/*)" "$v_ok/$v_all corruptions caught" "$pts" "$PTS_VALID" "${missed:+missed: $missed}"
    fi
    # The phase out of 100, whatever parts it had.
    score=$(calc "100 * $phase_pts / $phase_max")
    part "$p" total "$score" 100 "${cause:-}"
    echo "  $p: $score / 100${cause:+  ($cause)}"
    total=$(calc "$total + $score") total_max=$((total_max + 100))
    [ "${GRADE_KEEP:-0}" = 1 ] || rm -rf "$work"
done
echo
echo "== total: $total / $total_max"
} | tee "$out/summary.txt"
total=$(awk '/^== total:/ { print $3 }' "$out/summary.txt")
# Gradescope's results.json: the score is the phases' totals; each phase's entries add up to 100.
jq -s . "$board_jsonl" >"$out/board.json"
jq -s --argjson score "${total:-0}" --slurpfile board "$out/board.json" '
    { score: $score,
      tests: .,
      leaderboard: [
        { name: "instructions/op (mean)", order: "asc",
          value: ((($board[0] | map(.ipo)) | if length > 0 then add / length else 0 end) * 10 | round / 10) },
        { name: "utilization (mean)", order: "desc",
          value: ((($board[0] | map(.util)) | if length > 0 then add / length else 0 end) * 1000 | round / 1000) } ] }' \
    "$tests_jsonl" >"$out/results.json"
rm -f "$tests_jsonl" "$board_jsonl" "$out/board.json"
echo "== results: $out/results.json (Gradescope's format); the table: $out/summary.txt"
