#!/bin/sh
# check_logs.sh DIR - reads memcheck's logs (valgrind --log-file=DIR/%p.log, one per process) and
# fails when any of them reports an error or a definite leak.
#
# Why read the logs: Criterion runs every test in a process of its own and decides pass or fail
# from the test's assertions, never from valgrind's verdict, so `valgrind test_sm` exits 0 even
# when memcheck found something in a test.  With --errors-for-leak-kinds=definite a definite
# leak counts as an error, so "ERROR SUMMARY: 0 errors" is the whole verdict; the leak line is
# checked as well, and a log without a summary (a process killed before valgrind finished)
# fails too.  Prints one line of totals, then the reports of every failing process.
set -u
dir=${1:?usage: check_logs.sh DIR}
logs=$(ls "$dir"/*.log 2>/dev/null)
if [ -z "$logs" ]; then
    echo "memcheck: no logs in $dir" >&2
    exit 1
fi
procs=0; errors=0; lost=0; bad=""
for log in $logs; do
    procs=$((procs + 1))
    n=$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$log" | tr -d , | tail -n 1)
    l=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tr -d , | tail -n 1)
    if [ -z "$n" ]; then
        bad="$bad $log"
        echo "memcheck: $log has no ERROR SUMMARY (was the process killed?)" >&2
        continue
    fi
    errors=$((errors + n))
    lost=$((lost + ${l:-0}))
    [ "$n" -gt 0 ] || [ "${l:-0}" -gt 0 ] && bad="$bad $log"
done
echo "memcheck: $procs processes, $errors errors, $lost bytes definitely lost ($dir)"
[ -z "$bad" ] && exit 0
for log in $bad; do
    echo "==== $log" >&2
    # The command, then every report: from an error's first line to its blank separator.
    grep -m 1 'Command:' "$log" >&2
    sed -n '/Invalid \|uninitialised\|Mismatched\|Syscall param\|Source and destination\|definitely lost in\|Process terminating\|[Ff]ree()/,/^==[0-9]*== $/p' \
        "$log" | head -n 80 >&2
done
exit 1
