# heapmap_bands.gp - draws heap maps side by side, one panel per value of column `key` of csv
# (the panel number for heapmap.gp, the phase for heapmaps.gp): each region a band, lowest
# address at the top, to scale in KiB from the region's start, coloured by kind.  Loaded twice
# by each figure, once for the PNG and once for the SVG (multiplot cannot be replotted).
# Needs: csv, key, panels (the values, from heapmap.awk), suptitle, xmax (the largest region, so
# that every panel has the same scale), and hm() (heapmap_check.gp).
kind_rgb(k) = k eq "live" ? 0xc0392b : k eq "free" ? 0x9ecae1 : k eq "meta" ? 0x404040 : 0xe4e4e4
set multiplot layout 1, words(panels) title suptitle font "Sans,12"
do for [i = 1:words(panels)] {
    v = word(panels, i)
    info = hm("info", "-v key=" . key . " -v value='" . v . "'")
    bands = int(word(info, 7))
    capped = word(info, 5) ne word(info, 6) ? sprintf(", %s drawn", word(info, 6)) : ""
    set title sprintf("%s at %s (op %s): %s regions%s", word(info, 1), word(info, 3), \
                      word(info, 4), word(info, 5), capped) font "Sans,10"
    set ytics () scale 0 font "Sans,8"
    eval(hm("ytics", "-v key=" . key . " -v value='" . v . "'"))
    set yrange [bands - 0.5 : -0.5]
    set xrange [0:xmax]
    set xlabel "KiB from the region's start"
    set grid xtics
    plot csv skip 1 using ((strcol(key) eq v) ? (column(11) + column(12)) / 2 : NaN):6: \
             ((column(12) - column(11)) / 2):(0.4):(kind_rgb(strcol(10))) \
             with boxxyerror fs solid 1.0 noborder lc rgb variable notitle, \
         NaN with boxes fs solid 1.0 lc rgb "#c0392b" title "live", \
         NaN with boxes fs solid 1.0 lc rgb "#9ecae1" title "free", \
         NaN with boxes fs solid 1.0 lc rgb "#404040" title "metadata", \
         NaN with boxes fs solid 1.0 lc rgb "#e4e4e4" title "unused"
}
unset multiplot
