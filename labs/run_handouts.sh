#!/usr/bin/env bash
# run_handouts.sh - runs every command the lab handouts show, so that a handout cannot rot.
#
#   labs/run_handouts.sh [--list] lab0 lab1 ...    (make labs-check: every lab, then the checks)
#
# A command is a line of a fenced block opened with ```sh in labs/<lab>.md; a line ending in a
# backslash continues on the next.  Blank lines and lines that start with # are skipped, and so
# is a command whose comment says "skipped by make labs-check" (the few that take many minutes;
# the handout says so beside them).  Each command runs from the repository's root in its own
# bash, with pipefail, exactly as written; the first that fails stops the run with the lab, the
# handout's line number, the command and the end of its output.  --list prints the commands
# without running them.  Logs: build/labs/handouts/<lab>.log.
#
# A step that asks the student to write a file (lab 4's mybug.c) has an instructors' answer in
# labs/answers/<lab>/ (not in the student's copy): it is put in build/labs/<lab>/ before the
# lab's commands run, unless a file of that name is there already.
set -u
cd "$(dirname "$0")/.." || exit 2
list=0
if [ "${1:-}" = --list ]; then
    list=1
    shift
fi
[ $# -gt 0 ] || set -- lab0 lab1 lab2 lab3 lab4 lab5
SKIP_MARK="skipped by make labs-check"

# commands_of FILE: "LINE<TAB>COMMAND" for every command of FILE's ```sh blocks.
commands_of() {
    awk -v mark="$SKIP_MARK" '
        /^```sh[ \t]*$/ { inblock = 1; next }
        /^```/          { inblock = 0; next }
        !inblock        { next }
        {
            line = $0
            if (cmd == "") start = NR
            if (line ~ /\\$/) { cmd = cmd substr(line, 1, length(line) - 1) " "; next }
            cmd = cmd line
            sub(/^[ \t]+/, "", cmd)
            if (cmd != "" && cmd !~ /^#/ && index(cmd, mark) == 0) print start "\t" cmd
            cmd = ""
        }' "$1"
}

mkdir -p build/labs/handouts
total_start=$(date +%s)
for lab in "$@"; do
    md=labs/$lab.md
    if [ ! -f "$md" ]; then
        echo "labs-check: no handout $md"
        exit 1
    fi
    log=build/labs/handouts/$lab.log
    : >"$log"
    n=$(commands_of "$md" | wc -l)
    if [ "$n" -eq 0 ]; then
        echo "labs-check: $md has no \`\`\`sh commands"
        exit 1
    fi
    [ $list = 1 ] || echo "==== $lab: $n commands from $md (log: $log)"
    if [ $list = 0 ] && [ -d "labs/answers/$lab" ]; then
        mkdir -p "build/labs/$lab"
        cp -n "labs/answers/$lab"/* "build/labs/$lab/"
    fi
    lab_start=$(date +%s)
    while IFS=$'\t' read -r line cmd; do
        if [ $list = 1 ]; then
            printf '%s:%s: %s\n' "$md" "$line" "$cmd"
            continue
        fi
        printf '[%s:%s] %s\n' "$lab" "$line" "$cmd"
        echo "\$ $cmd" >>"$log"
        t0=$(date +%s)
        if ! bash -o pipefail -c "$cmd" </dev/null >>"$log" 2>&1; then
            echo "---- last lines of the output:"
            tail -n 25 "$log"
            echo "labs-check FAILED: $lab ($md line $line): $cmd"
            exit 1
        fi
        t=$(($(date +%s) - t0))
        [ $t -ge 5 ] && echo "    ($t s)"
    done < <(commands_of "$md")
    [ $list = 1 ] || echo "==== $lab: every command ran, $(($(date +%s) - lab_start)) s"
done
[ $list = 1 ] || echo "==== handouts: every command ran, $(($(date +%s) - total_start)) s in all"
