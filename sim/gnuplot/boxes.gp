# boxes.gp - one box and whisker per scenario: box p25-p75, line at the
# median, whiskers p5-p95.
# DATA: index,label,p5,p25,p50,p75,p95   PARAMS: xrange, yrange, tics,
# stagger (1: every other label one line lower, where they would touch).
term = ARG1; outfile = ARG2; datafile = ARG3; paramfile = ARG4
title = ARG5; subtitle = ARG6; xlab = ARG7; ylab = ARG8; foot = ARG9
load ARG0[1:strstrt(ARG0, "boxes.gp") - 1]."common.gp"
stagger = 0
load paramfile
set style fill solid 0.6 border rgb "#08306b"
set boxwidth 0.5
set key off
set xtics scale 0
name_at(dummy) = (stagger && int(column(1)) % 2) ? "\n".stringcolumn(2) : stringcolumn(2)
plot datafile using 1:4:3:7:6:xtic(name_at(0)) with candlesticks whiskerbars 0.5 linecolor rgb "#4292c6", \
     '' using 1:5:5:5:5 with candlesticks linewidth 2.5 linecolor rgb "#08306b"
