/* model.h - the interface between the engine and a domain model.
 *
 * A model names the scenario keys it reads (a schema), compiles a checked
 * scenario into its own data while registering its parameters, outputs,
 * daily series and random streams with the instance, and runs one trial.
 * The engine samples the parameters, positions the random streams, runs
 * trials in parallel and summarises; it knows no domain names.
 *
 * Ownership: the instance owns everything registered with it; a model's
 * compiled data (inst->data) is freed by the model's release hook, its
 * per-thread scratch by scratch_free. */
#ifndef SIM_MODEL_H
#define SIM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "rng.h"
#include "scenario.h"

typedef struct sim_param {
    char *name;              /* the key's full name, e.g. "initial.latent0" */
    const sim_entry *entry;  /* where it is set: value, sources, file:line */
    const sim_dist *dist;    /* owned by the entry */
    sim_domain domain;
    bool uncertain;          /* a distribution: sampled once per trial */
    bool count;              /* rounded to the nearest whole number */
    bool chance;             /* two-dimensional runs: drawn afresh in every inner
                                (chance) trial, not once per outer sample */
    char *swept;             /* a sweep's: the values it took ("0, 125, 250"), for
                                dictionary.csv; NULL otherwise (the sweep owns it) */
    uint64_t stream;
} sim_param;

enum {
    SIM_SHOW_CSV = 0,   /* only in the CSV files */
    SIM_SHOW_TABLE = 1, /* also in the console table and the report's key numbers */
    SIM_SHOW_CHART = 2  /* also charted: histogram and exceedance curve */
};

typedef struct sim_output {
    char *name;
    bool integer;            /* whole-number values (counts, days) */
    int show;                /* SIM_SHOW_*: where the output appears besides the CSV files */
    char *help;              /* one line with units */
    bool may_lack;           /* NAN in a trial is "no value" (first_escape_day when
                                nobody escaped); any other output's NAN is an error */
} sim_output;

typedef struct sim_inst sim_inst;

typedef struct sim_trial {
    uint64_t seed, trial, inner;
    gsl_rng **rng;     /* one per registered stream; use sim_trial_rng */
    uint64_t *rng_sub; /* the sub-stream each generator is positioned in */
    const uint64_t *stream; /* the registered stream ids */
    double *out;       /* nout outputs; NAN means "none in this trial", only
                          for an output marked may_lack (an error otherwise) */
    int32_t *series;   /* daily series: value of series s on day t is at
                          series[(s * horizon + t) * stride], whole numbers
                          of magnitude below 2^31 (people, events) */
    size_t stride;
    void *scratch;     /* the model's per-thread working memory */
    long fail_day;     /* set with an error: the day a check failed */
    sim_err *err;
} sim_trial;

/* The generator of stream `slot`, positioned in sub-stream `sub` (a model
 * uses one sub-stream per day, so a day's draws do not depend on how many
 * numbers earlier days used: common random numbers across scenarios stay
 * aligned). Moving to another sub-stream costs nothing until a draw. */
static inline gsl_rng *sim_trial_rng(sim_trial *tr, size_t slot, uint64_t sub)
{
    if (tr->rng_sub[slot] != sub) {
        sim_rng_seek(tr->rng[slot], tr->seed, tr->trial, tr->stream[slot], sub, tr->inner);
        tr->rng_sub[slot] = sub;
    }
    return tr->rng[slot];
}

static inline void sim_trial_record(sim_trial *tr, int horizon, size_t s, int t, int64_t v)
{
    SIM_ASSERT(v >= INT32_MIN && v <= INT32_MAX);
    tr->series[(s * (size_t)horizon + (size_t)t) * tr->stride] = (int32_t)v;
}

typedef struct sim_model {
    const char *name;
    const char *summary;
    const sim_keyspec *keys;  /* ended by a {NULL} row */
    /* Check the scenario (inst->sc) and register everything; on error fill
     * err (file:line: key: ...) and return -1. */
    int (*compile)(sim_inst *inst, sim_err *err);
    void (*release)(sim_inst *inst);
    void *(*scratch_alloc)(const sim_inst *inst);
    void (*scratch_free)(void *scratch);
    /* Run one trial with parameter values theta (in registration order).
     * Returns 0, or -1 with tr->err filled (a broken invariant). */
    int (*trial)(const sim_inst *inst, const double *theta, sim_trial *tr);
    const sim_keydefault *defaults; /* keys a scenario may leave out; NULL: none */
    /* Required keys its keys table cannot state (a rate per group, ...): add
     * those the checked scenario lacks to out, with sim_missing_key (or
     * sim_missing_add for a message of its own); the
     * errors compile would give first are left to it. NULL: none. */
    void (*missing)(const sim_scenario *sc, sim_missing *out);
} sim_model;

typedef struct sim_threshold {
    size_t output;
    double value;
    const sim_entry *entry;
} sim_threshold;

/* An observed value to compare with the model: a daily series on a date, or
 * an output at the end of the run; a value or an interval [low, high]. */
typedef struct sim_observation {
    char *name;
    bool is_series;
    size_t index;      /* series or output index */
    int day;           /* series: day index */
    double low, high;  /* equal for a single value */
    const sim_entry *entry;
} sim_observation;

struct sim_inst {
    const sim_model *model;
    sim_scenario sc;
    char *title, *question;
    uint64_t trials, seed;     /* the scenario's defaults */

    sim_param *param;
    size_t nparam;
    sim_output *out;
    size_t nout;
    char **group, **group_by;  /* output groups: outputs named group.X, split "by" what */
    char **group_note;         /* what a reader must know of a group's parts ("" if nothing) */
    size_t ngroup;
    char **series;
    char **series_help;        /* what each series counts, with units */
    size_t nseries;
    int horizon;               /* days in the daily series (0: none) */
    long start_date;           /* day 0 as days since 1970-01-01 (series dates) */
    uint64_t *stream;
    char **stream_name;
    size_t nstream;

    sim_threshold *thr;
    size_t nthr;
    sim_observation *obs;
    size_t nobs;

    char **note;               /* what the analyst should know of this scenario's
                                  reading (riskmc prints each on opening it) */
    size_t **note_params;      /* each note's parameters (ended by SIZE_MAX): a
                                  sweep that sets one of them does not print it */
    size_t nnote;
    struct sim_corr *corr;     /* rank correlations between parameters (corr.h), or NULL */
    void *data;                /* the model's compiled scenario */
};

/* Registration, for models' compile hooks. Each returns the new index.
 * A parameter is named after its key unless `name` is given (one key may
 * stand for several parameters, e.g. the inputs of sobol_g). */
size_t sim_inst_param(sim_inst *inst, const sim_entry *e, const char *name);
size_t sim_inst_output(sim_inst *inst, const char *name, bool integer, int show, const char *help);
/* An error about a parameter's value, where it was set: "file:line: name:
 * ...", or "--vary name (...): ..." for a key a sweep set to its values. */
int sim_param_err(const sim_param *p, sim_err *err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
size_t sim_inst_series(sim_inst *inst, const char *name, const char *help);
/* Declare that the outputs group.X split output `group` by `by` (e.g.
 * infiltrated.iraq, ... split infiltrated by destination): charted as bars,
 * with `note` (or NULL) beside them in charts and briefs. */
void sim_inst_group(sim_inst *inst, const char *group, const char *by, const char *note);
size_t sim_inst_stream(sim_inst *inst, const char *name);
/* A note for the analyst on how the model reads this scenario (not an error),
 * resting on the values of the nparams parameters params: printed as
 * "riskmc: note: ..." when the scenario is opened (by a sweep, unless it sets
 * one of those parameters). */
void sim_inst_note(sim_inst *inst, const size_t *params, size_t nparams, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The models riskmc knows. */
const sim_model *sim_model_find(const char *name);
const sim_model *const *sim_models(void);

#endif
