#!/bin/sh
# render.sh - draws every figure whose CSV exists; `make plots` runs it.
#
#   plots/render.sh [--strict] [DATA_DIR [OUT_DIR]] [SCRIPT.gp ...]
#
# DATA_DIR defaults to plots/data, OUT_DIR to plots/out, the scripts to plots/fig*.gp.  Each
# script names its CSV on a line "# data: NAME.csv"; a script whose CSV is missing or empty is
# skipped, and so is one whose CSV holds no row it can draw (gnuplot exits with status 3, see
# need_data.gp).  Each figure is written as OUT_DIR/<name>.png and .svg.
#
# Anything gnuplot prints on stderr is a warning and is shown.  Exit status: 1 when a script
# failed or left no PNG or SVG behind; with --strict (the render test), also when gnuplot
# printed anything at all.  0 otherwise, skipped figures included.
set -u
here=$(dirname "$0")
strict=0
if [ "${1:-}" = "--strict" ]; then strict=1; shift; fi
data=${1:-$here/data}
out=${2:-$here/out}
[ $# -ge 2 ] && shift 2 || shift $#
[ $# -eq 0 ] && set -- "$here"/fig*.gp

command -v gnuplot >/dev/null || { echo "plots: gnuplot is not installed (make deps)" >&2; exit 1; }
mkdir -p "$out" || exit 1
err=$(mktemp) || exit 1
trap 'rm -f "$err"' EXIT

drawn=0 skipped=0 failed=0 warned=0
for script in "$@"; do
    name=$(basename "$script" .gp)
    csv=$(sed -n 's/^# data: *\([^ ]*\).*/\1/p' "$script" | head -n 1)
    if [ -z "$csv" ]; then
        echo "plots: $name: FAILED, the script names no CSV (a line \"# data: NAME.csv\")"
        failed=$((failed + 1)); continue
    fi
    if [ ! -s "$data/$csv" ]; then
        echo "plots: $name: skipped, no $data/$csv"
        skipped=$((skipped + 1)); continue
    fi
    rm -f "$out/$name.png" "$out/$name.svg"
    gnuplot -e "data='$data'; out='$out'" "$script" 2>"$err"
    status=$?
    if [ $status -eq 3 ]; then
        echo "plots: $name: skipped, nothing to draw in $data/$csv"
        sed 's/^/    /' "$err"
        skipped=$((skipped + 1)); continue
    fi
    if [ -s "$err" ]; then
        echo "plots: $name: gnuplot said:"
        sed 's/^/    /' "$err"
        warned=$((warned + 1))
    fi
    if [ $status -ne 0 ] || [ ! -s "$out/$name.png" ] || [ ! -s "$out/$name.svg" ]; then
        echo "plots: $name: FAILED (gnuplot exit status $status; PNG and SVG must both be there)"
        failed=$((failed + 1)); continue
    fi
    echo "plots: $name: $out/$name.png, .svg"
    drawn=$((drawn + 1))
done

echo "plots: $drawn drawn, $skipped skipped, $failed failed, $warned with gnuplot warnings"
[ $failed -eq 0 ] || exit 1
[ $strict -eq 1 ] && [ $warned -ne 0 ] && exit 1
exit 0
