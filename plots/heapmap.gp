# heapmap.gp - the heap of one phase at chosen moments (make phase1 heapmap TRACE=... AT=...),
# one panel per moment, side by side.
# data: heapmap.csv
#
# Written by build/<phase>/heapmap --csv (common/heapmap/heapmap.c) from sm_walk.  Each band is
# one region (a mapping from sysalloc), lowest address at the top, drawn to scale: its length is
# its size in KiB.  Colours: red live blocks, blue free space, dark grey the allocator's
# metadata, light grey mapped but never used.  To draw a heap of 10^4 blocks in a second, each
# band is binned into 400 cells, a cell painted the kind with most bytes in it, regions that
# draw alike are one band ("x N"), and at most 48 bands are drawn: the figure says so.
name = "heapmap"
load system("dirname '" . ARG0 . "'") . "/style.gp"
set datafile separator ","

csv = data . "/heapmap.csv"
header = "phase,trace,op,point,panel,band,label,size,util,kind,start_kib,end_kib,regions,drawn"
load here . "/heapmap_check.gp"
key = 5
panels = hm("panels", "-v key=5")
first = hm("info", "-v key=5 -v value=0")
stats csv skip 1 using 6:12 nooutput
xmax = STATS_max_y
height = 160 + 18 * (STATS_max_x + 1) < 500 ? 500 : 160 + 18 * (STATS_max_x + 1)
width = 200 + 600 * words(panels) < 1000 ? 1000 : 200 + 600 * words(panels)
suptitle = sprintf("%s on %s: the heap region by region, to scale\n", word(first, 1), word(first, 2)) \
         . "each band binned into 400 cells, a cell showing the kind that holds most of its bytes;\n" \
         . "regions that look alike are one band (x N); 48 bands at most"
set key outside bottom center horizontal
set lmargin 34
set terminal pngcairo size width, height noenhanced font "Sans,10"
set output out . "/" . name . ".png"
load here . "/heapmap_bands.gp"
set terminal svg size width, height noenhanced font "Sans,10" background rgb "white"
set output out . "/" . name . ".svg"
load here . "/heapmap_bands.gp"
unset output
