# diff.gp - a comparison's paired differences from the first scenario: for
# each statistic a bar from 0 to the difference, with its 95% interval.
# DATA: row,label,difference,low95,high95   PARAMS: ranges, tics.
term = ARG1; outfile = ARG2; datafile = ARG3; paramfile = ARG4
title = ARG5; subtitle = ARG6; xlab = ARG7; ylab = ARG8; foot = ARG9
load ARG0[1:strstrt(ARG0, "diff.gp") - 1]."common.gp"
set lmargin at screen 0.32
set tmargin at screen 0.80 # room for a key of two rows above the plot
load paramfile
set style fill solid 0.85 noborder
set grid xtics noytics linecolor rgb "#e5e5e5"
set key horizontal at screen 0.62, 0.845 center samplen 1.5 noenhanced font ",10"
set ytics scale 0
set arrow 1 from 0, graph 0 to 0, graph 1 nohead linecolor rgb "#333333" linewidth 1.5
plot datafile using ($3 / 2):1:(($3 < 0) ? $3 : 0):(($3 < 0) ? 0 : $3):($1 - 0.3):($1 + 0.3):ytic(2) \
         with boxxyerror linecolor rgb "#d6604d" title "difference over the same trials", \
     '' using 3:1:4:5 with xerrorbars pointtype 7 pointsize 0 linecolor rgb "#333333" title "95% interval"
