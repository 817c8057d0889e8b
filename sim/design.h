/* design.h - runs over designed parameter values: sweeps, comparisons,
 * one-at-a-time and variance-based sensitivity.
 *
 * Every design keeps common random numbers: design point p, trial k draws
 * its chance from the streams of trial k (engine key (seed, k, inner)), so
 * two points differ only by their parameter values, not by noise. */
#ifndef SIM_DESIGN_H
#define SIM_DESIGN_H

#include "engine.h"
#include "results.h"

/* A parameter's value at probability u of its law, as the model uses it. */
double sim_param_at(const sim_param *p, double u);
/* Every parameter at its median (fixed ones at their value). */
void sim_theta_medians(const sim_inst *inst, double *theta);

/* Output by name, or an error naming the allowed ones. */
long sim_output_arg(const sim_inst *inst, const char *name, sim_err *err);
/* Parameter by name, or an error naming the allowed ones. */
long sim_param_arg(const sim_inst *inst, const char *name, bool uncertain_only, sim_err *err);

/* Per-point statistics of every output: point = design index / per. */
typedef struct sim_pointstats {
    size_t npoints, nout;
    uint64_t per, first;
    sim_acc *acc; /* [point * nout + output] */
} sim_pointstats;

void sim_pointstats_init(sim_pointstats *ps, const sim_inst *inst, size_t npoints, uint64_t per, uint64_t first);
void sim_pointstats_free(sim_pointstats *ps);
int sim_pointstats_block(void *user, const sim_block *b, sim_err *err);

/* Values of one output for every design index of a run, in order. */
typedef struct sim_gather {
    size_t output;
    size_t nout;
    uint64_t first;
    double *y;
} sim_gather;

int sim_gather_block(void *user, const sim_block *b, sim_err *err);

/* The sentence the console and the brief state about assumptions in a
 * Sobol analysis of statistic `stat`: a[] = S1, S1_low, S1_high, ST, ST_low,
 * ST_high of the group resting on assumptions; s1, st of the group backed by
 * sources; chance[] = ST, ST_low, ST_high of the model's chance (NULL or NaN:
 * not said), which includes the laws drawn within a trial named in `within`
 * (e.g. "facility.x.event_size"; NULL or "": none). A share above 100%
 * (sampling noise) reads as all. */
void sim_sobol_sentence(const char *stat, const double a[6], double s1, double st, const double chance[3],
                        const char *within, char *out, size_t n);
/* What the console and the brief say of a Sobol statistic with no index
 * (every S1 and ST empty in sobol.csv): it took one value in every model run. */
void sim_sobol_no_index(const char *stat, char *out, size_t n);
/* Whether sobol.csv's rows r0..r1-1 (one statistic's) have no index at all. */
bool sim_sobol_rows_empty(const sim_table *t, size_t r0, size_t r1);
/* One-at-a-time designs (tornado, spider) of a probability: when at least
 * half of the n parameters move `stat` by nothing (flat), a sentence saying
 * why and what shows the rest goes to out; false (out untouched) otherwise. */
bool sim_oat_caveat(const char *stat, size_t flat, size_t n, char *out, size_t len);
/* Whether that caveat applies: a probability, and half or more flat. */
bool sim_oat_mostly_flat(const char *stat, size_t flat, size_t n);
/* The scenario's laws drawn afresh within a trial (a facility's event_size),
 * comma-separated into out (empty when none). */
void sim_within_laws(const sim_inst *inst, sim_buf *out);

/* Write a finished results folder: files (name, contents) plus manifest.ini
 * of the given kind, dictionary.csv and sources.csv, for the scenarios
 * inst[0 .. ninst-1] (a comparison's several); run_extra: more "key = value"
 * lines for the manifest's [run] section, or NULL. */
int sim_write_folder(const char *path, bool force, const sim_inst *inst, size_t ninst, const char *kind,
                     const char *command, uint64_t seed, uint64_t trials, const char *run_extra,
                     const char *const *names, const sim_buf *bufs, size_t n, sim_err *err);

/* A run over design indices 0 .. total-1 in chunks, keeping some output
 * columns of each index, saving a checkpoint after every chunk and, with
 * resume, continuing from one. */
typedef struct sim_designrun {
    const sim_inst *inst;
    sim_runcfg cfg;          /* seed, threads, label and the theta/key callbacks */
    uint64_t total, chunk;
    const size_t *cols;      /* output columns kept per index */
    size_t ncols;
    const char *checkpoint;  /* NULL: none */
    uint64_t fingerprint;
    bool resume;
} sim_designrun;

/* On success *y holds total * ncols values (free it). */
int sim_design_gather(const sim_designrun *d, double **y, sim_err *err);
/* A fingerprint of a run: its command line and its resolved scenario. */
uint64_t sim_run_fingerprint(const sim_inst *inst, const char *command);

#endif
