/* results.h - what a run writes: the CSV files of a results folder, the
 * manifest, and the short table printed at the end. The column sets of
 * every file are stated here, once.
 *
 *   trials.csv       trial, <uncertain parameters>, <outputs>
 *   summary.csv      output, n, missing, mean, sd, mcse, min, p5, p25, p50, p75, p95, max, resolution,
 *                    sd_mcse, p5_mcse, p25_mcse, p50_mcse, p75_mcse, p95_mcse (mcse: of the mean)
 *   risks.csv        output, threshold, trials, hits, probability, mcse, wilson_low, wilson_high, sources
 *   series.csv       series, day, date, n, mean, p2_5, p5, p10, p25, p50, p75, p90, p95, p97_5, resolution
 *   observations.csv observation, kind, name, date, observed_low, observed_high, percentile_low,
 *                    percentile_high, model_p5, model_p50, model_p95, verdict, sources
 *   dictionary.csv   name, kind, show, description, value, sources: every column of trials.csv
 *                    (parameters and outputs) and every daily series
 *   sources.csv      the rows of the sources registry the scenario cites
 *   manifest.ini     [run] version, commit, command, seed, trials, ...; then the resolved scenario */
#ifndef SIM_RESULTS_H
#define SIM_RESULTS_H

#include <stdio.h>

#include "csvio.h"
#include "engine.h"

extern const char *const SIM_SUMMARY_COLUMNS[];
extern const char *const SIM_RISKS_COLUMNS[];
extern const char *const SIM_SERIES_COLUMNS[];
extern const double SIM_SERIES_P[9];
extern const char *const SIM_OBS_COLUMNS[];
extern const char *const SIM_DICT_COLUMNS[];

/* Statistics of a run's outputs and series. */
typedef struct sim_runstats {
    size_t nout;
    sim_acc *acc;
    sim_seriesacc series;
    uint64_t n;
    /* Two-dimensional runs (twod.h) set these: inner trials of one outer
     * sample are not independent, so the standard errors come from the
     * spread between outer samples. mean_mcse[o] replaces the mean's;
     * spread_mcse[o * 6 + k] the sd's (k = 0) and the p5, p25, p50, p75 and
     * p95's (k = 1..5), from batch means (NaN with too few outer samples);
     * thr_mcse[i] replaces a threshold probability's, and its interval is
     * Wilson's at the effective sample size p(1-p)/mcse^2. NULL in ordinary
     * runs. */
    double *mean_mcse, *spread_mcse, *thr_mcse;
} sim_runstats;

/* P(output >= x) of threshold i: probability, standard error and 95%
 * interval (Wilson's, at the effective sample size in two-dimensional runs). */
void sim_risk(const sim_inst *inst, sim_runstats *rs, size_t i, double *p, double *mcse, double *lo, double *hi);

void sim_runstats_init(sim_runstats *rs, const sim_inst *inst);
/* An output's accumulator, counting its thresholds exactly (sim_acc_watch). */
void sim_acc_init_output(sim_acc *a, const sim_inst *inst, size_t o);
void sim_runstats_free(sim_runstats *rs);
/* Add a block of trials, in trial order. */
void sim_runstats_add(sim_runstats *rs, const sim_block *b);

/* One observation compared with the model. */
typedef struct sim_obs_check {
    double pct_low, pct_high; /* mid-rank percentiles of low and high */
    double p5, p50, p95;
    bool outside;             /* outside the model's central 90% */
    bool nodata;              /* no trial has a value to compare with */
} sim_obs_check;

void sim_obs_compare(const sim_inst *inst, sim_runstats *rs, size_t i, sim_obs_check *c);

void sim_trials_header(sim_csvrow *r, const sim_inst *inst);
/* Format one trial row (a sim_row_fn; user is the instance). */
void sim_trials_row(void *inst, uint64_t trial, const double *theta, const double *out, sim_buf *row);

void sim_write_summary(sim_buf *b, const sim_inst *inst, sim_runstats *rs);
void sim_write_risks(sim_buf *b, const sim_inst *inst, sim_runstats *rs);
/* series.csv: its header, then the rows of each series s in turn */
void sim_write_series_header(sim_buf *b);
void sim_write_series_rows(sim_buf *b, const sim_inst *inst, const sim_runstats *rs, size_t s);
void sim_write_observations(sim_buf *b, const sim_inst *inst, sim_runstats *rs);

/* Facts about a run for its manifest (none of them depend on threads). */
typedef struct sim_runinfo {
    const char *command;   /* the command line that reproduces it */
    const char *kind;      /* "run", "sweep", ... */
    uint64_t seed, trials;
    const char *files;     /* the files the folder holds */
    const char *extra;     /* more "key = value" lines for [run], or NULL */
    size_t ninst;          /* scenarios in the inst array (a comparison's); 0 means 1 */
} sim_runinfo;

/* dictionary.csv of the scenarios inst[0 .. ninst-1] (their union; ninst 0
 * means 1), with rows for trials.csv's leading columns: */
enum { SIM_DICT_NONE, SIM_DICT_TRIAL, SIM_DICT_TWOD };
void sim_write_dictionary(sim_buf *b, const sim_inst *inst, size_t ninst, int columns);
void sim_write_sources_used(sim_buf *b, const sim_inst *inst, size_t ninst);
void sim_write_manifest(sim_buf *b, const sim_inst *inst, const sim_runinfo *ri);
/* The resolved scenario as INI text (sections in order, each key with its
 * value and citation), without extends/remove and without the [run] section
 * of a manifest it was read from; with a run's ri, [scenario] gives ri's
 * trials and seed instead of the scenario's own; with a design's, a comment
 * there says that they are the scenario's defaults, not the design's. */
void sim_write_resolved(sim_buf *b, const sim_inst *inst, const sim_runinfo *design_or_run);
/* Source ids cited anywhere in the scenario, sorted; and the keys that rest
 * on an assumption. */
void sim_cited_sources(const sim_inst *inst, size_t ninst, sim_buf *out);
void sim_assumption_keys(const sim_inst *inst, size_t ninst, sim_buf *out);
/* The keys that should cite a source and cite nothing (e.g. a --set without
 * [source] or [assumption]), comma-separated. */
void sim_uncited_keys(const sim_inst *inst, size_t ninst, sim_buf *out);

void sim_print_table(FILE *f, const sim_inst *inst, sim_runstats *rs);

#endif
