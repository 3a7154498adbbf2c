# fig1_time_per_op.gp - time per operation, every allocator on every trace.
# data: compare.csv
#
# Clustered bars: one cluster per trace, one bar per allocator (the four phases, then glibc,
# jemalloc, mimalloc, tcmalloc), height ns_per_op (the median run), whiskers from
# ns_per_op_min to ns_per_op_max.  Log scale: the phases differ by orders of magnitude.
# The scale_* traces are left to figure 3.  A figure taken in info mode is marked in the legend.
name = "fig1_time_per_op"
load system("dirname '" . ARG0 . "'") . "/style.gp"

csv = data . "/compare.csv"
opts = "-v row=trace -v series=allocator -v values=ns_per_op,ns_per_op_min,ns_per_op_max" \
     . " -v skip='trace=^scale_' -v mark=mode"
lts = linetypes("pivot.awk", opts, csv)
load here . "/need_data.gp"

set title "Time per operation, by trace and allocator (median run; whiskers: min and max)"
set ylabel "time per operation (ns, log scale)"
set xlabel "trace"
set logscale y
set format y "%g"
set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.85 border -1
set boxwidth 1
set key below center horizontal maxrows 2 samplen 2 width 1
if (clusters(opts, csv) > 7) { set xtics rotate by 25 right }
plot for [i = 2:3 * words(lts) + 1:3] table("pivot.awk", opts, csv) using i:i+1:i+2:xtic(1) \
     title columnhead(i) lt word(lts, (i + 1) / 3)
load here . "/svg.gp"
