# bars.gp - one bar per category (e.g. infiltration by destination): the
# median, with the central 90% of trials as an error bar.
# DATA: index,label,median,p5,p95   PARAMS: yrange, tics.
term = ARG1; outfile = ARG2; datafile = ARG3; paramfile = ARG4
title = ARG5; subtitle = ARG6; xlab = ARG7; ylab = ARG8; foot = ARG9
load ARG0[1:strstrt(ARG0, "bars.gp") - 1]."common.gp"
load paramfile
set style fill solid 0.85 border rgb "#ffffff"
set boxwidth 0.6
set key top right noenhanced
set xtics scale 0
plot datafile using 1:3:xtic(2) with boxes linecolor rgb "#2c7fb8" title "median", \
     '' using 1:3:4:5 with yerrorbars pointtype 7 pointsize 0 linewidth 1.5 linecolor rgb "#333333" title "90% of trials"
