# fan.gp - a daily series over calendar dates: the median and the 50%, 80%
# and 95% bands of the trials.
# DATA: date,p2_5,p10,p25,p50,p75,p90,p97_5   PARAMS: y tics, yrange;
# daily = 1 for a run of one or two days, whose days are drawn as nested boxes
# (in the bands' colours) with the median across them: a band needs more days.
term = ARG1; outfile = ARG2; datafile = ARG3; paramfile = ARG4
title = ARG5; subtitle = ARG6; xlab = ARG7; ylab = ARG8; foot = ARG9
load ARG0[1:strstrt(ARG0, "fan.gp") - 1]."common.gp"
set xdata time
set timefmt "%Y-%m-%d"
set format x "%d %b\n%Y"
daily = 0
load paramfile
set rmargin at screen 0.77
set key at screen 0.99, screen 0.83 right top reverse Left samplen 2 noenhanced
set style fill solid 1.0 noborder
if (daily) {
    day(dummy) = timecolumn(1, "%Y-%m-%d")
    hw = 0.15 * 86400 # a box's half width, in seconds
    plot datafile using (day(0)):5:(day(0) - hw):(day(0) + hw):2:8 with boxxyerror linecolor rgb "#deebf7" \
             title "95% of trials", \
         '' using (day(0)):5:(day(0) - hw):(day(0) + hw):3:7 with boxxyerror linecolor rgb "#9ecae1" title "80%", \
         '' using (day(0)):5:(day(0) - hw):(day(0) + hw):4:6 with boxxyerror linecolor rgb "#4292c6" title "50%", \
         '' using (day(0) - hw):5:(2 * hw):(0) with vectors nohead linewidth 2.5 linecolor rgb "#08306b" title "median"
} else {
    plot datafile using 1:2:8 with filledcurves linecolor rgb "#deebf7" title "95% of trials", \
         '' using 1:3:7 with filledcurves linecolor rgb "#9ecae1" title "80%", \
         '' using 1:4:6 with filledcurves linecolor rgb "#4292c6" title "50%", \
         '' using 1:5 with lines linewidth 2.5 linecolor rgb "#08306b" title "median"
}
