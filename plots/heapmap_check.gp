# heapmap_check.gp - loaded by the heap map figures before they draw: checks their CSV (csv,
# whose header must be `header`) with heapmap.awk.  Stops gnuplot with exit status 2 and a
# message naming the file and line when the CSV is malformed, 3 (figure skipped) when it has no
# row.  Otherwise returns; the figure opens its own output.
check = system("awk -f '" . here . "/heapmap.awk' -v mode=check -v header='" . header . "' '" . csv . "'")
if (GPVAL_SYSTEM_ERRNO == 3) { exit status 3 }
if (GPVAL_SYSTEM_ERRNO != 0) { exit status 2 }
hm(mode, opts) = system("awk -f '" . here . "/heapmap.awk' -v mode=" . mode . " " . opts . " '" . csv . "'")
