# need_data.gp - loaded by each fig*.gp after it has asked for its series' line types (`lts`)
# and before it plots.  Stops gnuplot when there is nothing to draw, before any file is opened:
# exit status 3 when the helper found no row (the figure is skipped), 2 when it failed (a
# column missing from the CSV: the benchmark and the plots disagree).  The helper has said why.
# Otherwise opens the PNG.
if (GPVAL_SYSTEM_ERRNO == 3 || (GPVAL_SYSTEM_ERRNO == 0 && lts eq "")) { exit status 3 }
if (GPVAL_SYSTEM_ERRNO != 0) { exit status 2 }
set output out . "/" . name . ".png"
