# heapmap.awk - reads the CSVs of build/<phase>/heapmap (common/heapmap/heapmap.c) for the heap
# map figures: checks them, and says what each panel holds.
#
#   awk -f heapmap.awk -v mode=check -v header="phase,trace,..." file.csv
#       exit 0 when the header is exactly `header` and every row has as many fields, numbers
#       where numbers go; 2 (with "file:line: what" on stderr) when not; 3 when it has no row
#   awk -f heapmap.awk -v mode=panels -v key=N file.csv
#       the distinct values of column N, in order of first appearance, one a line
#   awk -f heapmap.awk -v mode=info -v key=N -v value=V file.csv
#       for the rows whose column N is V: phase trace "point" op regions drawn bands, for word()
#   awk -f heapmap.awk -v mode=ytics -v key=N -v value=V file.csv
#       gnuplot commands naming each band on the y axis: "label, size, util% live"
BEGIN { FS = "," }
mode == "check" && NR == 1 {
    if ($0 != header) {
        printf "%s:1: not a heap map CSV: the header is \"%s\", expected \"%s\"\n", \
            FILENAME, $0, header > "/dev/stderr"
        bad = 1; exit 2
    }
    nf = NF; n = split(header, name, ",")
    next
}
mode == "check" {
    if (NF != nf) {
        printf "%s:%d: %d fields, the header has %d\n", FILENAME, NR, NF, nf > "/dev/stderr"
        bad = 1; exit 2
    }
    for (i = 1; i <= NF; i++)
        if (name[i] ~ /^(op|panel|band|util|start_kib|end_kib|regions|drawn|cell|pos_kib|live|step|frames|extent_kib)$/ \
            && $i !~ /^-?[0-9]+(\.[0-9]+)?$/) {
            printf "%s:%d: %s is \"%s\", not a number\n", FILENAME, NR, name[i], $i > "/dev/stderr"
            bad = 1; exit 2
        }
    rows++
    next
}
NR == 1 { next }
mode == "panels" && !($key in seen) { seen[$key] = 1; print $key }
mode != "panels" && $key == value {
    if (!found) { phase = $1; trace = $2; op = $3; point = $4; regions = $13; drawn = $14 }
    found = 1
    if ($6 > bands) bands = $6
    if (mode == "ytics" && !($6 in named)) {
        named[$6] = 1
        printf "set ytics add ('%s, %s, %s%%%% live' %d); ", $7, $8, $9, $6  # %% : tic labels are formats
    }
}
END {
    if (mode == "check" && !bad && !rows) exit 3
    if (mode == "info") printf "%s %s \"%s\" %s %s %s %d\n", phase, trace, point, op, regions, drawn, bands + 1
}
