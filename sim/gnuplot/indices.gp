# indices.gp - first-order and total Sobol indices per parameter with their
# 95% bootstrap intervals, largest total effect at the top (or any two bars
# with intervals: the PARAMS may name them).
# DATA: row,label,S1,S1_low,S1_high,ST,ST_low,ST_high
# PARAMS: ranges; optionally t_top, t_bottom (the bars' titles), t_err_top,
# t_err_bottom (their intervals' titles; "" for none).
term = ARG1; outfile = ARG2; datafile = ARG3; paramfile = ARG4
title = ARG5; subtitle = ARG6; xlab = ARG7; ylab = ARG8; foot = ARG9
load ARG0[1:strstrt(ARG0, "indices.gp") - 1]."common.gp"
set lmargin at screen 0.32
set tmargin at screen 0.80 # room for a key of two rows above the plot
load paramfile
if (!exists("t_top")) t_top = "total effect ST"
if (!exists("t_bottom")) t_bottom = "first order S1"
if (!exists("t_err_top")) t_err_top = ""
if (!exists("t_err_bottom")) t_err_bottom = "95% bootstrap interval"
set style fill solid 0.85 noborder
set grid xtics noytics linecolor rgb "#e5e5e5"
set key horizontal at screen 0.62, 0.845 center samplen 1.5 noenhanced font ",10"
set ytics scale 0
plot datafile using ($6 / 2):($1 + 0.19):(0):($6):($1):($1 + 0.38):ytic(2) with boxxyerror linecolor rgb "#d6604d" \
         title t_top, \
     '' using ($3 / 2):($1 - 0.19):(0):($3):($1 - 0.38):($1) with boxxyerror linecolor rgb "#4393c3" \
         title t_bottom, \
     '' using 6:($1 + 0.19):7:8 with xerrorbars pointtype 7 pointsize 0 linecolor rgb "#333333" title t_err_top, \
     '' using 3:($1 - 0.19):4:5 with xerrorbars pointtype 7 pointsize 0 linecolor rgb "#333333" \
         title t_err_bottom
