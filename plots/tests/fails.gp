# fails.gp - a figure script with an error in it: the render test runs it to show that render.sh
# reports a script that fails.  Not a figure (render.sh only takes fig*.gp).
# data: compare.csv
set terminal pngcairo size 900,500 noenhanced
set output out . "/fails.png"
plot data . "/compare.csv" using 0:5 with no_such_style
