#!/bin/sh
# includes.sh - the two include rules of the phases (make lint runs it first).
#
#  1. A part of another phase is named from the repository root where it is used:
#     #include "phase1_bitmap/pool.h", never "pool.h" found through an -I into that folder.
#     A plain "x.h" must be the including file's own folder's, its phase's (for tests/), or
#     common/'s; a plain name that only another phase has is an error, and so is a "../"
#     path into another phase.
#  2. No circle among a phase's files.  A phase's file x.c with its header x.h is one part,
#     named x; part x depends on part y when x.c or x.h includes "y.h".  The parts of a phase
#     must form no loop (slab -> region -> slab is one): tsort finds any.
# Exits 1, naming each file and line, when a rule is broken.
set -u
cd "$(dirname "$0")/../.." || exit 1
status=0
phases=$(for m in phase*/Makefile; do echo "${m%/Makefile}"; done)

# Rule 1, over every C file in git.
for f in $(git ls-files '*.c' '*.h'); do
    dir=$(dirname "$f")
    top=${f%%/*}
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
        sed 's/^\([0-9]*\):[^"]*"\([^"]*\)".*/\1 \2/' >build/lint-includes.tmp 2>/dev/null || true
    while read -r line inc; do
        case $inc in
        ../*)
            target=$(cd "$dir" && realpath -m --relative-to="$OLDPWD" "$inc")
            for p in $phases; do
                case $target in "$p"/*) [ "$p" = "$top" ] || {
                    echo "includes: $f:$line: \"$inc\" reaches into $p: write \"$target\""
                    status=1
                } ;;
                esac
            done ;;
        */*) ;; # named from the root (or a folder of common/ or of the file's own folder)
        *)
            [ -f "$dir/$inc" ] || [ -f "$top/$inc" ] || [ -f "common/$inc" ] && continue
            for p in $phases; do
                [ -f "$p/$inc" ] || continue
                echo "includes: $f:$line: \"$inc\" is $p's: include it as \"$p/$inc\""
                status=1
            done ;;
        esac
    done <build/lint-includes.tmp
done
rm -f build/lint-includes.tmp

# Rule 2, per phase: "x y" lines (part x depends on part y) for tsort.
for p in $phases; do
    edges=$(for f in "$p"/*.c "$p"/*.h; do
        [ -f "$f" ] || continue
        part=$(basename "$f" | sed 's/\.[ch]$//')
        echo "$part $part"
        grep -h '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"/]*\.h"' "$f" |
            sed 's/[^"]*"\([^"]*\)\.h".*/\1/' | while read -r dep; do
                [ -f "$p/$dep.h" ] && [ "$dep" != "$part" ] && echo "$part $dep"
            done
    done)
    if ! loop=$(printf '%s\n' "$edges" | tsort 2>&1 >/dev/null); then
        echo "includes: $p: its parts include each other in a circle:" \
            "$(printf '%s\n' "$loop" | sed -n 's/^tsort: //p' | grep -v 'loop:' | awk '!seen[$0]++' | tr '\n' ' ')"
        status=1
    fi
done
[ $status -eq 0 ] && echo "includes: clean"
exit $status
