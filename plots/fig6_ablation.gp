# fig6_ablation.gp - the phase2_1 ablation: time per operation with each correction switched off.
# data: ablation.csv
#
# phase2_1_batched built once with all of the seed's corrections, then once per correction with
# that one switched off (BATCH_METADATA=0 and so on).  The bar that rises most is the correction
# that matters most; with BATCH_METADATA=0 the allocator is phase2_slab's again.  Log scale.
# The configurations keep the CSV's order; "all corrections" has phase2_1_batched's colour.
name = "fig6_ablation"
load system("dirname '" . ARG0 . "'") . "/style.gp"

csv = data . "/ablation.csv"
opts = "-v row=trace -v series=config -v values=ns_per_op"
lts = linetypes("pivot.awk", opts, csv)
load here . "/need_data.gp"
palette = "#ff7f0e #d62728 #1f77b4 #2ca02c #9467bd #8c564b #17becf #7f7f7f #bcbd22 #e377c2"
colour(k) = word(palette, (k - 1) % words(palette) + 1)

set title "phase2_1_batched ablation: time per operation with one correction switched off"
set ylabel "time per operation (ns, log scale)"
set xlabel "trace"
set logscale y
set format y "%g"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 1
set key inside top right vertical samplen 2 width 2 box opaque
if (clusters(opts, csv) > 7) { set xtics rotate by 25 right }
# Each bar carries its value.  A cluster is n bars 1/(n + 1) wide (the rest is the gap),
# centred on the row number: bar k (from 1) is centred at bar_x(row, k).  (The bars' loop must end at
# the last series: an open loop, 2:*, lays the clusters out for one more, empty series.)
n = words(lts)
bar_x(row, k) = row + (k - 1 - (n - 1) / 2.0) / (n + 1.0)
shown(v) = v >= 100 ? sprintf("%.0f", v) : sprintf("%.3g", v)
plot for [i = 2:words(lts) + 1] table("pivot.awk", opts, csv) using i:xtic(1) \
         title columnhead(i) lc rgb colour(i - 1), \
     for [i = 2:n + 1] table("pivot.awk", opts, csv) skip 1 \
         using (bar_x($0, i - 1)):i:(shown(column(i))) \
         with labels offset 0, 0.7 font "Sans,8" notitle
load here . "/svg.gp"
