# fig2_sysalloc.gp - sysalloc (mmap) calls per 1,000 allocations, by phase and trace.
# data: compare.csv
#
# The seed's lesson at a glance: phase2_slab asks the OS for memory on every allocation (its
# bar reaches the dashed line, one call per allocation); phase2_1_batched asks a few times per
# run.  Only the phases count sysalloc calls, so the reference allocators are not drawn.
# Log scale; a phase that made no call on a trace has no bar (zero has no place on a log axis).
name = "fig2_sysalloc"
load system("dirname '" . ARG0 . "'") . "/style.gp"

csv = data . "/compare.csv"
opts = "-v row=trace -v series=allocator -v values=sysalloc_per_1k_allocs" \
     . " -v only='allocator=^phase' -v skip='trace=^scale_'"
lts = linetypes("pivot.awk", opts, csv)
load here . "/need_data.gp"

set title "sysalloc (mmap) calls per 1,000 allocations, by trace and phase"
set ylabel "sysalloc calls per 1,000 allocations (log scale)"
set xlabel "trace"
set logscale y
set format y "%g"
set yrange [*:2000<*]
set autoscale yfixmax
set offsets 0, 0, graph 0.08, 0
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 1
set key below center horizontal samplen 2 width 1
if (clusters(opts, csv) > 7) { set xtics rotate by 25 right }
set arrow 1 from graph 0, first 1000 to graph 1, first 1000 nohead dt 2 lw 1.5 lc rgb "#333333"
set label 1 "one call per allocation" at graph 0.01, first 1000 offset 0, 0.7 tc rgb "#333333"
plot for [i = 2:words(lts) + 1] table("pivot.awk", opts, csv) using i:xtic(1) \
     title columnhead(i) lt word(lts, i - 1)
load here . "/svg.gp"
