# histogram.gp - distribution of one output over trials: bars of the share of
# trials per bin, the median and the central 90% marked.
# DATA: bin_centre,share_percent,bin_width   PARAMS: xmin, xmax, med, p5, p95,
# labels and tics.
term = ARG1; outfile = ARG2; datafile = ARG3; paramfile = ARG4
title = ARG5; subtitle = ARG6; xlab = ARG7; ylab = ARG8; foot = ARG9
load ARG0[1:strstrt(ARG0, "histogram.gp") - 1]."common.gp"
load paramfile
set style fill solid 0.85 border rgb "#ffffff"
set object 1 rectangle from p5, graph 0 to p95, graph 1 fillcolor rgb "#fde0c5" fillstyle solid 0.55 noborder behind
set arrow 1 from med, graph 0 to med, graph 1 nohead front linewidth 2.5 linecolor rgb "#b2182b"
set xrange [xmin:xmax]
# ymax: room above the bars for the labels at the top right
if (exists("ymax")) { set yrange [0:ymax] } else { set yrange [0:*] }
set format y "%g%%"
set key off
plot datafile using 1:2:3 with boxes linecolor rgb "#2c7fb8"
