# heapmap_film.gp - the fragmentation film in one picture (make phase0 heapmap TRACE=...):
# operations across, addresses up, each cell coloured by how much of it is live.
# data: heapmap_film.csv
#
# Written by build/<phase>/heapmap --film (common/heapmap/heapmap.c): the heap walked every
# `step` operations.  The address axis is every byte mapped at some moment of the trace, in
# address order, with the gaps between mappings removed, binned into 400 cells: a column of the
# picture is the heap at one moment.  Dark red is full of live blocks; pale is mapped and free
# (fragmentation, or memory kept for later); white is not mapped at that moment.  Read it from
# left to right: how the heap fills, where holes open and whether they are filled again.
# The same frames as an animation: heapmap_gif.gp.
name = "heapmap_film"
load system("dirname '" . ARG0 . "'") . "/style.gp"
set datafile separator ","

csv = data . "/heapmap_film.csv"
header = "phase,trace,op,cell,pos_kib,live,step,frames,extent_kib"
load here . "/heapmap_check.gp"
first = system("awk -F, 'NR == 2 { printf \"%s %s %s %s %s\", $1, $2, $7, $8, $9; exit }' '" . csv . "'")
set output out . "/" . name . ".png"

set title sprintf("%s on %s: the fragmentation film\n", word(first, 1), word(first, 2)) \
        . sprintf("a walk every %s operations (%s frames); %s KiB of mappings, gaps removed, binned into 400 cells", \
                  word(first, 3), word(first, 4), word(first, 5))
set xlabel "operations done"
set ylabel "address (KiB into the mapped regions, in address order)"
set cblabel "live fraction of the cell (white: not mapped then)"
set cbrange [-0.1:1]
set cbtics ("0" 0, "0.5" 0.5, "1" 1)
set palette defined (-0.1 "white", -0.001 "white", 0 "#fdf0e2", 0.5 "#f4a582", 1 "#b2182b")  # -1 (not mapped) is clipped to white
set grid noxtics noytics
set border 3
set yrange [0:*]
set xrange [0:*]
set autoscale xfix
plot csv skip 1 using 3:5:6 with image notitle
load here . "/svg.gp"

