# band.gp - a two-dimensional run's family of exceedance curves as a band:
# at each x, 90% of the outer samples' P(X >= x) lie in the shaded area.
# DATA: x,outer_p5,outer_p50,outer_p95,pooled (percent)
# PARAMS: xmin, xmax, tics, threshold arrows and labels.
term = ARG1; outfile = ARG2; datafile = ARG3; paramfile = ARG4
title = ARG5; subtitle = ARG6; xlab = ARG7; ylab = ARG8; foot = ARG9
load ARG0[1:strstrt(ARG0, "band.gp") - 1]."common.gp"
set tmargin at screen 0.80 # room for a key of two rows above the plot
load paramfile
set xrange [xmin:xmax]
set yrange [0:105]
set ytics 0, 20, 100
set format y "%g%%"
# above the plot, under the subtitle (as indices.gp): inside, it would hide
# some of the band wherever it went
set key horizontal at screen 0.55, 0.845 center samplen 3 noenhanced font ",10"
plot datafile using 1:2:4 with filledcurves linecolor rgb "#a6cee3" fillstyle solid 0.6 noborder \
        title "90% of outer samples (uncertainty)", \
     "" using 1:3 with lines linewidth 1.5 dashtype 2 linecolor rgb "#1f78b4" title "median of the outer samples", \
     "" using 1:5 with lines linewidth 2.5 linecolor rgb "#08306b" title "all trials pooled"
