# fig3_scaling.gp - time per operation against the number of operations, one line per allocator.
# data: scaling.csv
#
# The same pattern replayed at 10^3 ... 10^6 operations.  A flat line costs the same per
# operation however large the heap grows (bitmap, slabs, the reference allocators); a rising line
# is a cost that grows with the heap: phase0_original's first-fit walk over the free list.
# Log-log, so a constant slope is a power law.
name = "fig3_scaling"
load system("dirname '" . ARG0 . "'") . "/style.gp"

csv = data . "/scaling.csv"
opts = "-v series=allocator -v x=ops -v y=ns_per_op"
lts = linetypes("series.awk", opts, csv)
load here . "/need_data.gp"

set title "Scaling: time per operation as the workload grows"
set xlabel "operations in the trace (log scale)"
set ylabel "time per operation (ns, log scale)"
set logscale xy
set format x "%.0s%c"
set format y "%g"
set autoscale xfix
set offsets graph 0.05, graph 0.05, 0, 0
set key outside right center vertical samplen 2
plot for [i = 1:words(lts)] table("series.awk", opts, csv) index i - 1 using 1:2 \
     with linespoints lt word(lts, i) lw 2 ps 1.2 title columnheader(1)
load here . "/svg.gp"
