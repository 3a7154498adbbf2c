# pivot.awk - turns a long CSV (one measurement a row) into the wide table gnuplot's clustered
# histograms read: one line per `row` value, one column per `series` value (per value column).
#
#   awk -f pivot.awk -v row=trace -v series=allocator -v values=ns_per_op data.csv
#
# Variables (columns are named by the CSV's header, so the column order does not matter):
#   row     the column whose values become the lines (the clusters), in order of first appearance
#   series  the column whose values become the columns (the bars), in order of first appearance
#   values  one column, or several joined by commas (y,ylow,yhigh for error bars); each series
#           gets that many output columns, all titled with the series name
#   only    optional "column=regex": keep only the rows that match
#   skip    optional "column=regex": drop the rows that match
#   order   optional space-separated series names that come first, in that order (the course
#           order of allocators); the others follow in order of first appearance
#   linetypes  when 1, prints instead of the table the line type of each output series, space-
#           separated: its place in `order`, or after them for the others (one colour per name)
#   mark    optional column (e.g. mode): a series with a row where it is neither empty nor
#           "silent" gets the value appended to its name, "phase1_bitmap [INFO MODE]"
# Output: tab-separated (names may hold spaces), header line first, a missing, empty,
# non-numeric or non-positive value written as NaN (the tables are drawn on log axes). A series
# without a single value is left out.
# Exit status 2 with a message when a named column is not in the header; 3 when no row is left.
BEGIN {
    FS = ","
    OFS = "\t"
    nv = split(values, vname, ",")
    ns = split(order, sers, " ")
    for (j = 1; j <= ns; j++) listed[sers[j]] = 1
    if (only != "") { split(only, part, "="); only_col = part[1]; only_re = substr(only, length(only_col) + 2) }
    if (skip != "") { split(skip, part, "="); skip_col = part[1]; skip_re = substr(skip, length(skip_col) + 2) }
}

function col(name) {
    if (!(name in idx)) {
        printf "pivot.awk: %s: no column named \"%s\"\n", FILENAME, name > "/dev/stderr"
        bad = 1
        exit 2
    }
    return idx[name]
}

function number(v) {
    return (v ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ && v + 0 > 0) ? v : "NaN"
}

NR == 1 {
    sub(/\r$/, "")
    for (i = 1; i <= NF; i++) idx[$i] = i
    rc = col(row); sc = col(series)
    for (k = 1; k <= nv; k++) vc[k] = col(vname[k])
    if (only != "") oc = col(only_col)
    if (skip != "") kc = col(skip_col)
    if (mark != "") mc = col(mark)
    next
}

{
    sub(/\r$/, "")
    if ($0 == "") next
    if (only != "" && $oc !~ only_re) next
    if (skip != "" && $kc ~ skip_re) next
    r = $rc; s = $sc
    if (!(r in rseen)) { rseen[r] = 1; rows[++nr] = r }
    if (!(s in listed)) { listed[s] = 1; sers[++ns] = s }
    if (cell[r, s, 1] != "NaN") present[s] = 1  # a series with no value at all is not drawn
    for (k = 1; k <= nv; k++) cell[r, s, k] = number($vc[k])
    if (mark != "" && $mc != "" && $mc != "silent") note[s] = " [" $mc "]"
}

END {
    if (bad) exit 2
    if (nr == 0) {
        printf "pivot.awk: %s: no rows to plot\n", FILENAME > "/dev/stderr"
        exit 3
    }
    if (linetypes) {
        for (j = 1; j <= ns; j++) if (sers[j] in present) printf "%s%d", (n++ ? " " : ""), j
        printf "\n"
        exit 0
    }
    line = row
    for (j = 1; j <= ns; j++)
        if (sers[j] in present)
            for (k = 1; k <= nv; k++) line = line OFS sers[j] note[sers[j]]
    print line
    for (i = 1; i <= nr; i++) {
        line = rows[i]
        for (j = 1; j <= ns; j++)
            if (sers[j] in present)
                for (k = 1; k <= nv; k++)
                    line = line OFS (((rows[i], sers[j], k) in cell) ? cell[rows[i], sers[j], k] : "NaN")
        print line
    }
}
