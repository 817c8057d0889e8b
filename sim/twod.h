/* twod.h - two-dimensional Monte Carlo: N outer samples of the uncertain
 * parameters, M inner (chance) trials for each.
 *
 * Design point d = i * M + j is inner trial j of outer sample i. Its random
 * numbers are keyed (trial = i, inner = j): uncertainty parameters are drawn
 * at (i, inner 0), so they are the same for all j; parameters marked chance
 * ([uncertainty] chance = ...) and the model's own streams at (i, j). With
 * M = 1 a two-dimensional run is the ordinary run of N trials.
 *
 * Blocks arrive in design order, so each outer sample's M trials arrive
 * together; its statistics are kept and the trials' values dropped (except
 * the charted outputs', for the exceedance band). Memory: about
 * N * (outputs * 5 + thresholds) doubles, plus N * M per charted output. */
#ifndef SIM_TWOD_H
#define SIM_TWOD_H

#include "results.h"

typedef struct sim_twod {
    const sim_inst *inst;
    uint64_t N, M, seed;
    size_t nout, nthr, np;
    double *cur;        /* M x nout: the outer sample being filled */
    double *theta0;     /* its parameter values (inner 0) */
    uint64_t filled, outer;
    double *theta;      /* N x np */
    double *sum, *wvar; /* N x nout: sum of the valid values and their within-sample variance */
    uint64_t *nv;       /* N x nout: valid values */
    double *q;          /* N x nout x 3: p5, p50, p95 of the sample */
    double *prob;       /* N x nthr */
    size_t nchart, *chart;
    double *vals;       /* N x nchart x M: sorted charted values (NaN last) */
    /* batch means for the sd's and quantiles' standard errors: the outer
     * samples in nbatch consecutive batches (0: too few outer samples) */
    size_t nbatch;
    sim_acc *bacc;      /* nout: the batch being filled */
    double *bstat;      /* nbatch x nout x 6: sd, p5, p25, p50, p75, p95 of each batch */
    /* set by sim_twod_finish for the runstats overrides */
    double *mean_mcse, *spread_mcse, *thr_mcse;
} sim_twod;

void sim_twod_init(sim_twod *t, const sim_inst *inst, uint64_t seed, uint64_t N, uint64_t M);
void sim_twod_free(sim_twod *t);
/* Add a block of design points, in order. */
void sim_twod_add(sim_twod *t, const sim_block *b);
/* Standard errors between outer samples, installed in rs. */
void sim_twod_finish(sim_twod *t, sim_runstats *rs);

/* The key and parameters of design point d (sim_key_fn / sim_theta_fn;
 * user is the sim_twod). */
void sim_twod_key(void *user, uint64_t d, uint64_t *trial, uint64_t *inner);
void sim_twod_theta(void *user, uint64_t d, double *theta, gsl_rng *r);
void sim_twod_row(void *user, uint64_t d, const double *theta, const double *out, sim_buf *row);
void sim_twod_trials_header(sim_csvrow *r, const sim_inst *inst);

extern const char *const SIM_UNCERTAINTY_COLUMNS[];
extern const char *const SIM_EXCEEDANCE_COLUMNS[];

/* uncertainty.csv: every headline statistic and threshold probability,
 * pooled and as a distribution over the outer samples. */
void sim_write_uncertainty(sim_buf *b, sim_twod *t, sim_runstats *rs);
/* outer.csv: one row per outer sample: its parameters and statistics. */
void sim_write_outer(sim_buf *b, sim_twod *t);
/* exceedance.csv: the family of exceedance curves P_i(X >= x) of each
 * charted output summarised as a band over the outer samples. */
void sim_write_exceedance(sim_buf *b, sim_twod *t, sim_runstats *rs);
/* The table printed at the end of a two-dimensional run. */
void sim_twod_print(FILE *f, sim_twod *t, sim_runstats *rs);

#endif
