# diff.gp - a comparison's paired differences from the first scenario: for
# each statistic a bar from 0 to the difference, with its 95% interval, in
# two panels with their own axes: the means in % of the first scenario's
# mean (above), the threshold probabilities in percentage points (below).
# DATA: block 0 the means, block 1 the probabilities (two blank lines apart);
#   row,label,difference,low95,high95
# PARAMS: nm, np (rows of each panel), m_top, m_bot, p_top, p_bot (screen
#   heights), mset, pset (each panel's x range, tics and value labels, as
#   commands).
# XLABEL is the means panel's axis label, YLABEL the probabilities'.
term = ARG1; outfile = ARG2; datafile = ARG3; paramfile = ARG4
title = ARG5; subtitle = ARG6; xlab = ARG7; ylab = ARG8; foot = ARG9
load ARG0[1:strstrt(ARG0, "diff.gp") - 1]."common.gp"
set lmargin at screen 0.32
load paramfile
unset ylabel
set style fill solid 0.85 noborder
set grid xtics noytics linecolor rgb "#e5e5e5"
set ytics scale 0
set arrow 1 from 0, graph 0 to 0, graph 1 nohead linecolor rgb "#333333" linewidth 1.5
set key horizontal maxcols 1 at screen 0.62, 0.845 center samplen 1.5 noenhanced font ",10"
set multiplot
if (nm > 0) {
    set tmargin at screen m_top
    set bmargin at screen m_bot
    eval mset
    set yrange [-0.7:nm - 0.3]
    set xlabel xlab noenhanced
    plot datafile index 0 using ($3 / 2):1:(($3 < 0) ? $3 : 0):(($3 < 0) ? 0 : $3):($1 - 0.3):($1 + 0.3):ytic(2) \
             with boxxyerror linecolor rgb "#d6604d" title "difference over the same trials", \
         '' index 0 using 3:1:4:5 with xerrorbars pointtype 7 pointsize 0 linecolor rgb "#333333" title "95% interval"
    # drawn once: the page's title, subtitle, footer and key; this panel's values
    unset label
    unset key
}
if (np > 0) {
    set tmargin at screen p_top
    set bmargin at screen p_bot
    eval pset
    set yrange [-0.7:np - 0.3]
    set xlabel ylab noenhanced
    plot datafile index (nm > 0 ? 1 : 0) using ($3 / 2):1:(($3 < 0) ? $3 : 0):(($3 < 0) ? 0 : $3):($1 - 0.3):($1 + 0.3):ytic(2) \
             with boxxyerror linecolor rgb "#d6604d" title "difference over the same trials", \
         '' index (nm > 0 ? 1 : 0) using 3:1:4:5 with xerrorbars pointtype 7 pointsize 0 linecolor rgb "#333333" title "95% interval"
}
unset multiplot
