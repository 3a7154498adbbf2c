# style.gp - what every figure shares: where it reads and writes, the terminal, the colours, and
# the two awk helpers that reshape the benchmark's long CSVs into what gnuplot draws.
# Loaded first by each fig*.gp, after it sets `name` (the output file's name, without extension);
# then the figure asks for its series (linetypes, below), loads need_data.gp, plots, loads svg.gp.
#
# Variables a caller may set with -e (render.sh does):
#   data  the folder with the CSVs   (default: plots/data beside this file)
#   out   the folder for the figures (default: plots/out)
# Every figure is 900x500 pixels, PNG (pngcairo) first, then SVG (svg.gp, after the plot).
# Labels are `noenhanced`: trace and allocator names hold underscores, which must print as such.
here = system("dirname '" . ARG0 . "'")
if (!exists("data")) data = here . "/data"
if (!exists("out")) out = here . "/out"

# The helpers as data sources.  table(helper, options, csv) is a plot's input: pivot.awk makes
# the wide table of a clustered histogram, series.awk one block per line of a line plot.
# linetypes(helper, options, csv) is the line type of each series of that input, in order:
# word(linetypes(...), k) for the k-th.  A series' line type is its place in `allocators`
# (others, such as the ablation's configurations, come after), so that every allocator keeps
# its colour in every figure.
allocators = "phase0_original phase1_bitmap phase2_slab phase2_1_batched glibc jemalloc mimalloc tcmalloc"
helper_cmd(helper, opts, csv) = "awk -f '" . here . "/" . helper . "' -v order='" . allocators \
                               . "' " . opts . " '" . csv . "'"
table(helper, opts, csv) = "< " . helper_cmd(helper, opts, csv)
linetypes(helper, opts, csv) = system(helper_cmd(helper, opts . " -v linetypes=1", csv))
# The number of clusters (rows) of a pivot.awk table: past 7 the trace names are slanted so that
# they do not run into each other at 900 pixels.
clusters(opts, csv) = int(system(helper_cmd("pivot.awk", opts, csv) . " | wc -l")) - 1

set terminal pngcairo size 900,500 noenhanced font "Sans,10"
set encoding utf8
set datafile separator "\t"
set datafile missing "NaN"
set grid ytics mytics lc rgb "#c8c8c8"
set border 3
set tics nomirror
set key noenhanced
set title font "Sans,12"

# The phases warm, the reference allocators cool, then two spares for ablation configurations.
set linetype 1 lc rgb "#7f7f7f" pt 4   # phase0_original
set linetype 2 lc rgb "#2ca02c" pt 6   # phase1_bitmap
set linetype 3 lc rgb "#d62728" pt 8   # phase2_slab
set linetype 4 lc rgb "#ff7f0e" pt 10  # phase2_1_batched
set linetype 5 lc rgb "#1f77b4" pt 12  # glibc
set linetype 6 lc rgb "#9467bd" pt 14  # jemalloc
set linetype 7 lc rgb "#17becf" pt 1   # mimalloc
set linetype 8 lc rgb "#8c564b" pt 2   # tcmalloc
set linetype 9 lc rgb "#bcbd22" pt 3
set linetype 10 lc rgb "#e377c2" pt 5
set linetype cycle 10
