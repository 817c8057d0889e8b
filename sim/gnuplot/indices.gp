# indices.gp - first-order and total Sobol indices per parameter with their
# 95% bootstrap intervals, largest total effect at the top.
# DATA: row,label,S1,S1_low,S1_high,ST,ST_low,ST_high   PARAMS: ranges.
term = ARG1; outfile = ARG2; datafile = ARG3; paramfile = ARG4
title = ARG5; subtitle = ARG6; xlab = ARG7; ylab = ARG8; foot = ARG9
load ARG0[1:strstrt(ARG0, "indices.gp") - 1]."common.gp"
set lmargin at screen 0.32
load paramfile
set style fill solid 0.85 noborder
set grid xtics noytics linecolor rgb "#e5e5e5"
set key horizontal at screen 0.62, 0.872 center samplen 1.5 noenhanced font ",10"
set ytics scale 0
plot datafile using ($6 / 2):($1 + 0.19):(0):($6):($1):($1 + 0.38):ytic(2) with boxxyerror linecolor rgb "#d6604d" \
         title "total effect ST", \
     '' using ($3 / 2):($1 - 0.19):(0):($3):($1 - 0.38):($1) with boxxyerror linecolor rgb "#4393c3" \
         title "first order S1", \
     '' using 6:($1 + 0.19):7:8 with xerrorbars pointtype 7 pointsize 0 linecolor rgb "#333333" notitle, \
     '' using 3:($1 - 0.19):4:5 with xerrorbars pointtype 7 pointsize 0 linecolor rgb "#333333" \
         title "95% bootstrap interval"
