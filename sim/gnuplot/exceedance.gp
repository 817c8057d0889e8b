# exceedance.gp - P(output >= x) against x, with the scenario's thresholds.
# DATA: x,percent_at_or_above, drawn left-continuous (fsteps: on (x_i, x_i+1]
# the value is x_i+1's)   PARAMS: xmin, xmax, tics, threshold arrows and labels.
term = ARG1; outfile = ARG2; datafile = ARG3; paramfile = ARG4
title = ARG5; subtitle = ARG6; xlab = ARG7; ylab = ARG8; foot = ARG9
load ARG0[1:strstrt(ARG0, "exceedance.gp") - 1]."common.gp"
load paramfile
set xrange [xmin:xmax]
set yrange [0:105]
set ytics 0, 20, 100
set format y "%g%%"
set key off
plot datafile using 1:2 with fsteps linewidth 2.5 linecolor rgb "#2c7fb8"
