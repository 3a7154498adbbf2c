# heapmap_gif.gp - the fragmentation film as an animated GIF, heapmap_film.gif, where gnuplot
# has the gif terminal; make heapmap runs it after heapmap_film.gp.
#
#   gnuplot -e "data='DIR'; out='DIR'" plots/heapmap_gif.gp     [-e "nogif=1" to skip it]
#
# Each frame is the heap at one moment of heapmap_film.csv: its 400 cells laid out 20 a row,
# lowest address at the top left, coloured as in the film.  At most 100 frames (every other one,
# or fewer, for a longer film), so the file stays near a megabyte.  Without the gif terminal it
# prints a note and draws nothing; the terminal itself says "N frames in animation sequence" on
# stderr when the file is closed.
name = "heapmap_film"
load system("dirname '" . ARG0 . "'") . "/style.gp"
set datafile separator ","

csv = data . "/heapmap_film.csv"
header = "phase,trace,op,cell,pos_kib,live,step,frames,extent_kib"
load here . "/heapmap_check.gp"
if (!exists("nogif")) { nogif = strstrt(GPVAL_TERMINALS, " gif ") == 0 }
if (nogif) {
    print "heapmap_gif: no gif terminal in this gnuplot: the animation is skipped"
    exit
}
first = system("awk -F, 'NR == 2 { printf \"%s %s %s %s\", $1, $2, $7, $8; exit }' '" . csv . "'")
step = int(word(first, 3))
frames = int(word(first, 4))
stride = int((frames + 99) / 100)

set terminal gif animate delay 10 size 420, 460 noenhanced font "Sans,9"
set output out . "/" . name . ".gif"
unset xtics
unset ytics
set cbrange [-0.1:1]
set cbtics ("0" 0, "1 live" 1)
set palette defined (-0.1 "white", -0.001 "white", 0 "#fdf0e2", 0.5 "#f4a582", 1 "#b2182b")  # -1 (not mapped) is clipped to white
set xrange [-0.5:19.5]
set yrange [19.5:-0.5]
set size ratio 1
do for [f = stride - 1:frames - 1:stride] {
    set title sprintf("%s on %s, op %d", word(first, 1), word(first, 2), (f + 1) * step)
    plot csv skip 1 every ::(f * 400)::(f * 400 + 399) \
         using (int(column(4)) % 20):(int(column(4) / 20)):6 with image notitle
}
unset output
