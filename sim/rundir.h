/* rundir.h - read a results folder back from its files alone (the manifest
 * and the CSV files), for charts and reports. A sim_rundir owns everything
 * it holds; sim_rundir_free releases it. */
#ifndef SIM_RUNDIR_H
#define SIM_RUNDIR_H

#include <stdbool.h>
#include <stdint.h>

#include "csvio.h"

typedef struct sim_kv {
    char *section, *key, *value;
} sim_kv;

typedef struct sim_rundir {
    char *dir;
    /* [run] of manifest.ini */
    char *kind, *version, *commit, *command, *model, *sources_used, *assumptions, *uncited;
    char *periods; /* a comparison's: each scenario's simulated days, when they differ; else NULL */
    char *points;  /* a Sobol design's points ([run] design); else NULL */
    char *scenarios; /* a comparison's scenarios in order ([run] scenarios); else NULL */
    char *left_out;  /* a comparison's outputs and thresholds without a pair ([run] left_out); else NULL */
    char *precision, *precision_reached, *least_precise, *same_in_every_trial; /* a run to precision's; else NULL */
    char **questions; /* a comparison's: the K-th scenario's question at K-1 ([run] question.K), NULL where none */
    size_t nquestions;
    uint64_t seed, trials;
    uint64_t outer, inner; /* a two-dimensional run's ([run] outer, inner); else 0 */
    /* [scenario] of the resolved scenario */
    char *name, *title, *question;
    sim_kv *resolved;          /* every other key of the resolved scenario */
    size_t nresolved;
    sim_table summary, risks, dict, series, obs, sources; /* ncols == 0 when absent */
    sim_table design;          /* <kind>.csv of a sweep, compare, tornado, spider, morris or sobol */
    sim_table uncert, exceed;  /* uncertainty.csv and exceedance.csv of a two-dimensional run */
} sim_rundir;

int sim_rundir_open(sim_rundir *rd, const char *dir, sim_err *err);
void sim_rundir_free(sim_rundir *rd);
/* Open the folders dirs[0..n-1] and keep the runs among them (comparisons
 * set runs side by side; a sweep or sensitivity folder has no distribution
 * of its own): *rd (malloc'd) holds them in order, *nrun how many, and
 * *skipped the folders left out. 0, or -1 with err. Free each, then *rd. */
int sim_rundir_open_runs(char **dirs, size_t n, sim_rundir **rd, size_t *nrun, size_t *skipped, sim_err *err);
/* What the folder's trials were: "20,000 trials", "Sobol base sample
 * 8,192", "compare, 5,000 trials per scenario", "sweep design, 2,000 trials
 * per point". */
void sim_rundir_trials_text(const sim_rundir *rd, char *out, size_t n);
/* Refuse a comparison's -o that is a results folder or its charts/. */
int sim_rundir_compare_out(const char *out, sim_err *err);
/* Every trial's value of one trials.csv column (NaN for an empty field). */
int sim_rundir_column(const sim_rundir *rd, const char *name, double **x, size_t *n, sim_err *err);
/* The dictionary's description of a column or series ("" if unknown). */
const char *sim_rundir_describe(const sim_rundir *rd, const char *name);
/* Outputs the dictionary marks "chart" (or "table" when `table` is set, which
 * includes chart); returns the count, array malloc'd (strings borrowed). */
size_t sim_rundir_outputs(const sim_rundir *rd, bool table, const char ***names);
/* Rows of compare.csv per scenario: the first scenario's block ends where
 * its first statistic comes round again (by position: names may repeat,
 * as in a scenario compared with itself). */
size_t sim_compare_block(const sim_table *t);
/* A resolved scenario value ("section.key"), or NULL. */
const char *sim_rundir_value(const sim_rundir *rd, const char *full);

/* Cell of a table by row and column name; "" when the column is absent. */
const char *sim_table_get(const sim_table *t, size_t row, const char *col);
/* First row whose column `col` equals `value`, or -1. */
long sim_table_find(const sim_table *t, const char *col, const char *value);
double sim_table_num(const sim_table *t, size_t row, const char *col);

#endif
