/* plot.h - charts of results folders, drawn by gnuplot.
 *
 * riskmc reads the folder's CSV files, writes each chart's data and a
 * numbers-only parameter file into a private temporary folder, and runs
 * gnuplot (found on PATH, started without a shell) on the scripts in
 * sim/gnuplot/. Strings from the scenario reach gnuplot only as command-line
 * arguments used as string values, so nothing in a title can run. Charts
 * land in DIR/charts/, replaced as a whole when complete. */
#ifndef SIM_PLOT_H
#define SIM_PLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "rundir.h"

enum { SIM_FMT_PNG = 1, SIM_FMT_SVG = 2, SIM_FMT_PDF = 4 };

/* Parse "png,svg,pdf" into SIM_FMT_* bits. */
int sim_plot_formats(const char *list, unsigned *formats, sim_err *err);
/* Charts of one results folder into DIR/charts/. */
int sim_plot_dir(const char *dir, unsigned formats, sim_err *err);
/* Comparison charts of several folders into OUT/charts/; *drawn is false
 * (and nothing is written) when fewer than two of them are runs. */
int sim_plot_compare(char **dirs, size_t n, const char *out, unsigned formats, bool *drawn, sim_err *err);
/* A design's statistic as charts and briefs read it: P(escaped>=1000) as
 * P(escaped ≥ 1,000); mean(x) as it is. */
void sim_stat_readable(const char *stat, char *out, size_t n);
/* The folder holding the gnuplot scripts. */
const char *sim_plot_scripts(void);

#endif
