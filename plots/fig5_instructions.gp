# fig5_instructions.gp - instructions per operation under callgrind, by trace and allocator.
# data: callgrind.csv
#
# The deterministic twin of figure 1: valgrind's callgrind counts the instructions each
# allocator executes per operation, the same on every run and every machine (the time figures
# move with the machine's load).  Log scale; the scale_* traces are left out as in figure 1.
name = "fig5_instructions"
load system("dirname '" . ARG0 . "'") . "/style.gp"

csv = data . "/callgrind.csv"
opts = "-v row=trace -v series=allocator -v values=instructions_per_op -v skip='trace=^scale_'"
lts = linetypes("pivot.awk", opts, csv)
load here . "/need_data.gp"

set title "Instructions per operation (valgrind callgrind), by trace and allocator"
set ylabel "instructions per operation (log scale)"
set xlabel "trace"
set logscale y
set format y "%g"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 1
set key below center horizontal maxrows 2 samplen 2 width 1
if (clusters(opts, csv) > 7) { set xtics rotate by 25 right }
plot for [i = 2:words(lts) + 1] table("pivot.awk", opts, csv) using i:xtic(1) \
     title columnhead(i) lt word(lts, i - 1)
load here . "/svg.gp"
