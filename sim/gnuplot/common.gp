# common.gp - page layout shared by every riskmc chart.
#
# Every chart script is run as
#   gnuplot -c SCRIPT TERMINAL OUTPUT DATA PARAMS TITLE SUBTITLE XLABEL YLABEL FOOTER
# and copies its arguments into variables before loading this file (load
# clears ARG1..ARG9):
#   term, outfile, datafile, paramfile, title, subtitle, xlab, ylab, foot
# TERMINAL is one of pngcairo, svg, pdfcairo (chosen by riskmc, never by a
# scenario). PARAMS is a file riskmc writes with numbers only (ranges, tics,
# marker positions). TITLE .. FOOTER come from the scenario and the results
# folder: they are used only as string values with `noenhanced`, so quotes,
# backticks, @ or system("...") in them are drawn literally and run nothing.

# PNG and SVG draw every font 1.25 times its nominal size (fontscale; FONTSCALE in
# plot.c, which fits the title, subtitle and footer to the width): pasted at
# the width of a page (16 cm), a chart's labels stay near 6-7 points.
if (term eq "pngcairo") {
    set terminal pngcairo size 1100,650 font "DejaVu Sans,12" fontscale 1.25 noenhanced background "#ffffff"
} else {
    if (term eq "svg") {
        set terminal svg size 1100,650 font "DejaVu Sans,12" fontscale 1.25 noenhanced background "#ffffff"
    } else {
        set terminal pdfcairo size 8.5in,5in font "DejaVu Sans,9" noenhanced
    }
}
set output outfile
set datafile separator comma
set encoding utf8

set label 101 title at screen 0.5, 0.955 center font ",16" noenhanced
set label 102 subtitle at screen 0.5, 0.903 center font ",12" textcolor rgb "#444444" noenhanced
set label 103 foot at screen 0.012, 0.05 left font ",9" textcolor rgb "#666666" noenhanced
set xlabel xlab noenhanced
set ylabel ylab noenhanced
set tmargin at screen 0.83
set bmargin at screen 0.20
set lmargin at screen 0.10
set rmargin at screen 0.96
set border 3 linecolor rgb "#555555"
set tics nomirror textcolor rgb "#333333"
set grid ytics linecolor rgb "#e5e5e5" linetype 1
set key noenhanced
