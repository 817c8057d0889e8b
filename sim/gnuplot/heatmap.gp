# heatmap.gp - an output over a 2-D grid of two parameters.
# DATA: x,y,value at grid indices (a cell of 1 x 1 around each, so that
# even a 1 x 1 grid draws)   PARAMS: ranges, tics, labels.
term = ARG1; outfile = ARG2; datafile = ARG3; paramfile = ARG4
title = ARG5; subtitle = ARG6; xlab = ARG7; ylab = ARG8; foot = ARG9
load ARG0[1:strstrt(ARG0, "heatmap.gp") - 1]."common.gp"
set rmargin at screen 0.80
set palette defined (0 "#f7fbff", 0.5 "#6baed6", 1 "#08306b")
set grid noxtics noytics
load paramfile
plot datafile using 1:2:(0.5):(0.5):3 with boxxyerror fillstyle solid 1.0 noborder fillcolor palette notitle
