# fig4_memory.gp - memory: peak mapped bytes against peak live bytes, one point per phase and
# trace; the traces are named along the top, at their peak live size.  The scale_* traces are
# left out, as in figures 1 and 2.
# data: compare.csv
#
# x is the most payload the trace had live at once, y the most memory the allocator had mapped
# from the OS at once.  The diagonals are utilization (live / mapped): a point on the solid
# 100% line wastes nothing, a point on the 1% line maps a hundred bytes for every byte in use
# (phase2_slab, which maps metadata for every allocation, comes near it).  Log-log.  Only
# allocators with both figures are drawn: the phases count their own mappings, the reference
# allocators do not.
name = "fig4_memory"
load system("dirname '" . ARG0 . "'") . "/style.gp"

csv = data . "/compare.csv"
opts = "-v series=allocator -v x=peak_live_bytes -v y=peak_mapped_bytes -v label=trace" \
     . " -v skip='trace=^scale_'"
lts = linetypes("series.awk", opts, csv)
load here . "/need_data.gp"

set title "Memory: peak mapped against peak live bytes, one point per trace"
set xlabel "peak live payload (bytes, log scale)"
set ylabel "peak mapped from the OS (bytes, log scale)"
set logscale xy
set format x "%.0s%cB"
set format y "%.0s%cB"
# Both ranges from the data, a little wider, so that the diagonals cross the whole graph.
stats table("series.awk", opts, csv) using 1:2 nooutput
set xrange [STATS_min_x / 1.5 : STATS_max_x * 1.5]
ylo = (STATS_min_x < STATS_min_y ? STATS_min_x : STATS_min_y)
set yrange [ylo / 1.5 : STATS_max_y * 1.5]
# Tics at 1, 2 and 5 times each power of ten when the data spans less than three decades, at
# the powers of ten alone when it spans more.
set xtics ()
set ytics ()
do for [e = floor(log10(STATS_min_x / 1.5)) : ceil(log10(STATS_max_x * 1.5))] {
    do for [k = 1:(STATS_max_x / STATS_min_x < 1000 ? 3 : 1)] {
        set xtics add ((k == 3 ? 5 : k) * 10.0**e)
    }
}
do for [e = floor(log10(ylo / 1.5)) : ceil(log10(STATS_max_y * 1.5))] {
    do for [k = 1:(STATS_max_y / ylo < 1000 ? 3 : 1)] {
        set ytics add ((k == 3 ? 5 : k) * 10.0**e)
    }
}
set key outside right center vertical samplen 2
# The traces name their peak live size along the top: every allocator replays the same trace,
# so a trace's points share one x.  The names come from x2tic() in a plot of fully transparent
# dots (alpha FF): a point size of 0 would write scale(0) into the SVG, which renderers reject.
set logscale x2
set x2range [STATS_min_x / 1.5 : STATS_max_x * 1.5]
set x2tics rotate by 90 left scale 0 font "Sans,8" textcolor rgb "#444444"
set grid x2tics ytics
plot for [i = 1:words(lts)] table("series.awk", opts, csv) index i - 1 using 1:2 \
         with points lt word(lts, i) ps 1.5 lw 2 title columnheader(1), \
     table("series.awk", opts, csv) using 1:2:x2tic(3) axes x2y1 with dots lc rgb "#FF000000" notitle, \
     x with lines dt 1 lw 1.5 lc rgb "#555555" title "utilization 100%", \
     10 * x with lines dt 2 lw 1.5 lc rgb "#555555" title "utilization 10%", \
     100 * x with lines dt 3 lw 1.5 lc rgb "#555555" title "utilization 1%"
load here . "/svg.gp"
