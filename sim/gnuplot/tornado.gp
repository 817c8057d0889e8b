# tornado.gp - one-at-a-time swings: for each parameter (ranked, largest at
# the top) a bar from the base value to the output at the parameter's 5th
# percentile and one to its 95th.
# DATA: row,label,base,at_p5,at_p95   PARAMS: ranges, tics.
term = ARG1; outfile = ARG2; datafile = ARG3; paramfile = ARG4
title = ARG5; subtitle = ARG6; xlab = ARG7; ylab = ARG8; foot = ARG9
load ARG0[1:strstrt(ARG0, "tornado.gp") - 1]."common.gp"
set lmargin at screen 0.30
set tmargin at screen 0.80 # room for a key of two rows above the plot
load paramfile
set style fill solid 0.85 noborder
set grid xtics noytics linecolor rgb "#e5e5e5"
set key horizontal at screen 0.62, 0.845 center samplen 1.5 noenhanced font ",10"
set ytics scale 0
plot datafile using (($3 + $4) / 2):1:(($3 < $4) ? $3 : $4):(($3 < $4) ? $4 : $3):($1 - 0.38):($1 + 0.38):ytic(2) \
         with boxxyerror linecolor rgb "#92c5de" title "parameter at its 5th percentile", \
     '' using (($3 + $5) / 2):1:(($3 < $5) ? $3 : $5):(($3 < $5) ? $5 : $3):($1 - 0.38):($1 + 0.38) \
         with boxxyerror linecolor rgb "#d6604d" title "at its 95th percentile"
