# warns.gp - a figure that draws, but makes gnuplot print a warning: the render test runs it to
# show that render.sh --strict fails on a warning.  Not a figure (render.sh only takes fig*.gp).
# data: compare.csv
set terminal pngcairo size 900,500 noenhanced
set output out . "/warns.png"
set datafile separator ","
csv = data . "/compare.csv"
plot csv using 0:5 with points title "ns_per_op", csv using 0:999 with points title "no such column"
set terminal svg size 900,500 noenhanced
set output out . "/warns.svg"
replot
unset output
