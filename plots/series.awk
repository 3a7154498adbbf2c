# series.awk - turns a long CSV into the blocks gnuplot draws one line (or point set) each from:
# one block per `series` value, in order of first appearance, its points sorted by x.
#
#   awk -f series.awk -v series=allocator -v x=ops -v y=ns_per_op data.csv
#
# Each block opens with the series name on a line of its own (for `title columnheader(1)`),
# then "x<TAB>y" lines; two blank lines end a block, so `index i` picks block i.  A row whose x
# or y is empty, non-numeric or not positive is left out (both axes may be logarithmic).
# Variables: `series`, `x`, `y` name the columns; `label` (a column name) adds that column as a
# third field, e.g. the trace of each point; `only` ("column=regex") keeps the matching rows,
# `skip` ("column=regex") drops them; `order` (space-separated names) puts those series first,
# in that order.  With `-v linetypes=1` it prints instead the line type of each block,
# space-separated: the series' place in `order`, or after them for the others.
# Exit status 2 when a named column is not in the header, 3 when no point is left.
BEGIN {
    FS = ","
    OFS = "\t"
    ns = split(order, sers, " ")
    for (j = 1; j <= ns; j++) count[sers[j]] = 0
    if (only != "") { split(only, part, "="); only_col = part[1]; only_re = substr(only, length(only_col) + 2) }
    if (skip != "") { split(skip, part, "="); skip_col = part[1]; skip_re = substr(skip, length(skip_col) + 2) }
}

function col(name) {
    if (!(name in idx)) {
        printf "series.awk: %s: no column named \"%s\"\n", FILENAME, name > "/dev/stderr"
        bad = 1
        exit 2
    }
    return idx[name]
}

function positive(v) {
    return v ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ && v + 0 > 0
}

NR == 1 {
    sub(/\r$/, "")
    for (i = 1; i <= NF; i++) idx[$i] = i
    sc = col(series); xc = col(x); yc = col(y)
    if (label != "") lc = col(label)
    if (only != "") oc = col(only_col)
    if (skip != "") kc = col(skip_col)
    next
}

{
    sub(/\r$/, "")
    if ($0 == "" || !positive($xc) || !positive($yc)) next
    if (only != "" && $oc !~ only_re) next
    if (skip != "" && $kc ~ skip_re) next
    s = $sc
    if (!(s in count)) sers[++ns] = s
    n = ++count[s]
    points++
    px[s, n] = $xc + 0
    py[s, n] = $yc
    pl[s, n] = (label != "") ? OFS $lc : ""
}

END {
    if (bad) exit 2
    if (points == 0) {
        printf "series.awk: %s: no points to plot\n", FILENAME > "/dev/stderr"
        exit 3
    }
    for (j = 1; j <= ns; j++) {
        s = sers[j]
        if (count[s] == 0) continue
        if (linetypes) { printf "%s%d", (blocks++ ? " " : ""), j; continue }
        for (a = 2; a <= count[s]; a++)        # insertion sort by x: a series has a few points
            for (b = a; b > 1 && px[s, b - 1] > px[s, b]; b--) {
                t = px[s, b]; px[s, b] = px[s, b - 1]; px[s, b - 1] = t
                t = py[s, b]; py[s, b] = py[s, b - 1]; py[s, b - 1] = t
                t = pl[s, b]; pl[s, b] = pl[s, b - 1]; pl[s, b - 1] = t
            }
        if (blocks++) printf "\n\n"
        print s
        for (a = 1; a <= count[s]; a++) print px[s, a], py[s, a] pl[s, a]
    }
    if (linetypes) printf "\n"
}
