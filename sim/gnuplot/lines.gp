# lines.gp - one line per series of points (a spider chart, a sweep, ...).
# DATA: blocks separated by two blank lines, each starting with a title
# line, then x,y[,ylow,yhigh] rows.   PARAMS: nblocks, ranges, tics, bands;
# with several blocks, key_rmargin and key_font: the key right of the plot,
# clear of it, as fan.gp's; with one, the key above the plot.
term = ARG1; outfile = ARG2; datafile = ARG3; paramfile = ARG4
title = ARG5; subtitle = ARG6; xlab = ARG7; ylab = ARG8; foot = ARG9
load ARG0[1:strstrt(ARG0, "lines.gp") - 1]."common.gp"
bands = 0
key_rmargin = 0.74
key_font = ",10"
load paramfile
if (nblocks > 1) {
    set rmargin at screen key_rmargin
    # from its left edge: gnuplot pads a key's right side by its own guess
    # of the text's width
    set key at screen key_rmargin + 0.025, screen 0.83 left top reverse Left samplen 2 noenhanced font key_font
} else {
    # above the plot, under the subtitle (as band.gp): inside, it hid a
    # corner of the band wherever the band reached
    set tmargin at screen 0.80
    set key horizontal at screen 0.55, 0.845 center reverse Left samplen 2 noenhanced font ",10"
}
set linetype 1 linecolor rgb "#2166ac"
set linetype 2 linecolor rgb "#b2182b"
set linetype 3 linecolor rgb "#1b7837"
set linetype 4 linecolor rgb "#762a83"
set linetype 5 linecolor rgb "#e08214"
set linetype 6 linecolor rgb "#35978f"
set linetype 7 linecolor rgb "#8c510a"
set linetype 8 linecolor rgb "#4d4d4d"
set style fill transparent solid 0.18 noborder
if (bands) {
    plot for [i = 0:nblocks - 1] datafile index i using 1:3:4 with filledcurves linecolor i + 1 notitle, \
         for [i = 0:nblocks - 1] datafile index i using 1:2 with linespoints linewidth 2 pointtype 7 pointsize 0.6 \
             linecolor i + 1 title columnheader(1)
} else {
    plot for [i = 0:nblocks - 1] datafile index i using 1:2 with linespoints linewidth 2 pointtype 7 pointsize 0.6 \
        linecolor i + 1 title columnheader(1)
}
