/* engine.h - run trials of an instance in parallel (OpenMP) and hand their
 * parameter values and outputs back in trial order, one block at a time.
 *
 * A trial's numbers depend only on (seed, trial index): the engine may run
 * trials on any thread in any order and still produce the same bytes. Daily
 * series are counted into one histogram grid per series, shared by the
 * threads under a lock per series. */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include <signal.h>
#include <stdint.h>

#include <omp.h>

#include "inst.h"
#include "sgrid.h"
#include "stats.h"

/* The largest output magnitude a trial may give: the statistics sum fourth
 * powers (the sd's standard error) over up to 2e9 trials, within a double. */
#define SIM_OUTPUT_MAX 1e60

/* Results of consecutive trials first .. first+n-1. */
typedef struct sim_block {
    uint64_t first;
    size_t n;
    const double *theta; /* n rows of inst->nparam values */
    const double *out;   /* n rows of inst->nout values */
    sim_buf *rows;       /* n formatted rows when the config asks for them */
} sim_block;

typedef int (*sim_block_fn)(void *user, const sim_block *b, sim_err *err);
/* Format one trial's CSV row (runs on worker threads). */
typedef void (*sim_row_fn)(void *user, uint64_t trial, const double *theta, const double *out, sim_buf *row);
/* Fill the parameter values of design point i (runs on worker threads); the
 * rng may be used for anything the design leaves to chance. */
typedef void (*sim_theta_fn)(void *user, uint64_t i, double *theta, gsl_rng *r);
/* Map design point i to the (trial, inner) key of its chance streams. */
typedef void (*sim_key_fn)(void *user, uint64_t i, uint64_t *trial, uint64_t *inner);

typedef struct sim_runcfg {
    uint64_t seed;
    uint64_t first, n;     /* design points first .. first+n-1 */
    int threads;           /* 0: all cores */
    bool progress;         /* a progress line on stderr */
    const char *label;     /* for the progress line */
    struct sim_progress *overall; /* optional: the progress line of a whole command that runs
                                   * the engine several times (its caller starts and ends it);
                                   * this run's trials count on from overall_at. progress and
                                   * label are then unused */
    uint64_t overall_at;
    sim_row_fn row;        /* optional */
    void *row_user;
    sim_theta_fn theta;    /* optional: default samples the scenario's laws */
    void *theta_user;
    sim_key_fn key;        /* optional: default trial = i, inner = 0 */
    void *key_user;
    bool chance_params;    /* with theta: then draw the parameters marked chance at (trial, inner) */
    bool want_series;      /* accumulate the daily series */
} sim_runcfg;

/* Daily series statistics: one grid of per-day histograms per series. */
typedef struct sim_seriesacc {
    size_t nseries;
    int horizon;
    sim_sgrid *g;      /* [series] */
    sim_sarena arena;  /* the grids' bins */
    omp_lock_t *lock;  /* [series]: a thread counts a batch into a grid while holding its lock */
} sim_seriesacc;

void sim_seriesacc_init(sim_seriesacc *a, const sim_inst *inst);
/* Value bins of one day of a series grid over `horizon` days (sgrid.h). */
size_t sim_series_cap(int horizon);
void sim_seriesacc_free(sim_seriesacc *a);

int sim_threads_default(void);
/* Before a parallel region of `threads` threads opened by this (the master)
 * thread: keep its other threads off the master's current CPU, so that they
 * start at once on other CPUs; returns that CPU. Does nothing and returns -1
 * for one thread, inside a parallel region, or with more threads than the
 * process may use CPUs. */
int sim_team_place(int threads);

int sim_engine_run(const sim_inst *inst, const sim_runcfg *cfg, sim_seriesacc *series, sim_block_fn fn,
                   void *user, sim_err *err);

/* Set by a SIGINT/SIGTERM handler: the engine stops between trials. */
extern volatile sig_atomic_t sim_interrupted;

#endif
