# svg.gp - loaded by each fig*.gp after its plot: draws the same figure again as SVG.
set terminal svg size 900,500 noenhanced font "Sans,10" background rgb "white"
set output out . "/" . name . ".svg"
replot
unset output
