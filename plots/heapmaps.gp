# heapmaps.gp - the four phases at the same step of the same trace, side by side
# (make heapmaps TRACE=common/traces/slab_mix.rep [AT=peak]).
# data: heapmaps.csv
#
# The CSVs of build/<phase>/heapmap --csv for every phase, one after the other (the same
# columns as heapmap.gp's).  One panel per phase, drawn as in heapmap.gp: each band a region, to
# scale, binned into 400 cells, regions that look alike as one band (x N), 48 bands at most.
# Read it across: phase0's chunks and phase1's pool are a few long bands; phase2 is a column of
# 4 KiB record pages and 64 KiB slabs, one mapping per allocation; phase2_1 is a few dense
# regions of slabs again.
name = "heapmaps"
load system("dirname '" . ARG0 . "'") . "/style.gp"
set datafile separator ","

csv = data . "/heapmaps.csv"
header = "phase,trace,op,point,panel,band,label,size,util,kind,start_kib,end_kib,regions,drawn"
load here . "/heapmap_check.gp"
key = 1
panels = hm("panels", "-v key=1")
first = hm("info", "-v key=1 -v value=" . word(panels, 1))
stats csv skip 1 using 6:12 nooutput
xmax = STATS_max_y
height = 160 + 18 * (STATS_max_x + 1) < 500 ? 500 : 160 + 18 * (STATS_max_x + 1)
width = 100 + 560 * words(panels)
suptitle = sprintf("Every phase on %s at %s (op %s): the heap region by region, to scale\n", \
                   word(first, 2), word(first, 3), word(first, 4)) \
         . "each band binned into 400 cells, a cell showing the kind that holds most of its bytes;\n" \
         . "regions that look alike are one band (x N); 48 bands at most"
set key outside bottom center horizontal
set lmargin 30
set terminal pngcairo size width, height noenhanced font "Sans,10"
set output out . "/" . name . ".png"
load here . "/heapmap_bands.gp"
set terminal svg size width, height noenhanced font "Sans,10" background rgb "white"
set output out . "/" . name . ".svg"
load here . "/heapmap_bands.gp"
unset output
