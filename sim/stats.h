/* stats.h - statistics of Monte Carlo outputs, in bounded memory and
 * independent of the order values arrive in (so of the thread count).
 *
 * sim_hist counts whole-number values exactly: its bins are one unit wide
 * until the values it has seen span more than its bin cap, after which bins
 * double in width (resolution() tells). Sums are exact 128-bit integers.
 * sim_reals keeps every value of a real-valued output.
 * Quantiles follow GSL's gsl_stats_quantile_from_sorted_data: linear
 * interpolation between order statistics at (n-1)p. */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

__extension__ typedef __int128 sim_i128;

typedef struct sim_hist {
    int64_t lo;        /* value at the start of bin 0, a multiple of the bin width */
    unsigned shift;    /* bin width = 2^shift */
    size_t nbins;
    size_t cap;        /* most bins before widening */
    uint32_t *c;       /* counts */
    uint64_t n;
    int64_t min, max;
    sim_i128 sum, sumsq;
} sim_hist;

void sim_hist_init(sim_hist *h, size_t cap);
void sim_hist_free(sim_hist *h);
void sim_hist_add(sim_hist *h, int64_t v);
/* Add n values v[0], v[stride], ... (faster than n single adds). */
void sim_hist_add_many(sim_hist *h, const int64_t *v, size_t n);
/* Add src's counts into dst (src unchanged). */
void sim_hist_merge(sim_hist *dst, const sim_hist *src);
double sim_hist_quantile(const sim_hist *h, double p);
double sim_hist_mean(const sim_hist *h);
double sim_hist_sd(const sim_hist *h);
/* Values >= x; values < x; values == x (exact when resolution is 1). */
uint64_t sim_hist_count_ge(const sim_hist *h, double x);
uint64_t sim_hist_count_lt(const sim_hist *h, double x);
uint64_t sim_hist_count_eq(const sim_hist *h, double x);
int64_t sim_hist_resolution(const sim_hist *h);
/* Serialise to / from a flat byte buffer (for MPI and checkpoints). */
size_t sim_hist_pack(const sim_hist *h, uint8_t **out);
int sim_hist_unpack(sim_hist *h, const uint8_t *buf, size_t len, size_t cap);

/* Every value of one output, with NaN meaning "no value in this trial". */
typedef struct sim_reals {
    double *x;
    size_t n, cap;
    bool sorted;
} sim_reals;

void sim_reals_free(sim_reals *r);
void sim_reals_add(sim_reals *r, double x);

/* One output's accumulator: integer outputs use a histogram, real ones keep
 * their values. Missing values (NaN) are counted apart. */
typedef struct sim_acc {
    bool integer;
    sim_hist h;
    sim_reals r;
    uint64_t missing;
    double *watch;      /* thresholds counted exactly as values arrive */
    uint64_t *watch_ge; /* values >= watch[i] */
    size_t nwatch;
} sim_acc;

/* A summary with the Monte Carlo standard error of each statistic:
 *   mcse     of the mean: sd / sqrt(n)
 *   sd_mcse  of the sd: sqrt((m4 - sd^4) / (4 sd^2 n)), m4 the fourth central moment
 *   q_mcse   of each quantile: (Q(p + s) - Q(p - s)) / 2, s = sqrt(p(1-p)/n),
 *            the spread of the order statistics around it (binomial method)
 * min and max have none (extremes do not settle as n grows). */
typedef struct sim_summary {
    uint64_t n, missing;
    double mean, sd, mcse, min, max;
    double q[5]; /* p5, p25, p50, p75, p95 */
    double sd_mcse, q_mcse[5];
    int64_t resolution;
} sim_summary;

extern const double SIM_SUMMARY_P[5];

void sim_acc_init(sim_acc *a, bool integer);
void sim_acc_free(sim_acc *a);
void sim_acc_add(sim_acc *a, double x);
void sim_acc_merge(sim_acc *dst, const sim_acc *src);
uint64_t sim_acc_n(const sim_acc *a);
double sim_acc_quantile(sim_acc *a, double p);
void sim_acc_summary(sim_acc *a, sim_summary *s);
/* Count values >= x exactly for every x watched before the first value,
 * also once a histogram's bins have widened past one unit. */
void sim_acc_watch(sim_acc *a, double x);
/* Values >= x: exact for a watched x and at resolution 1; otherwise a bin
 * counts by its middle. */
uint64_t sim_acc_count_ge(sim_acc *a, double x);
/* Monte Carlo standard error of the p-quantile (see sim_summary); NaN for n < 2. */
double sim_acc_quantile_se(sim_acc *a, double p);
/* Fourth central moment about `mean` (histogram bins at their middles). */
double sim_acc_m4(sim_acc *a, double mean);
/* Mid-rank percentile of x among the values: 100 * (P(X < x) + P(X = x) / 2). */
double sim_acc_percentile(sim_acc *a, double x);

/* The variance of values added one at a time, from sums of each value less
 * the first: they are exactly 0 when every value is the same (a model
 * without chance), where the one-pass s2 - s^2 / n leaves rounding noise.
 * Zero-initialised. */
typedef struct sim_shiftvar {
    double shift, s, s2; /* the first value; sums of each value less it, and of their squares */
    uint64_t n;
} sim_shiftvar;
void sim_shiftvar_add(sim_shiftvar *v, double x);
/* The sample variance (n - 1), NaN below two values. */
double sim_shiftvar_var(const sim_shiftvar *v);

/* 95% Wilson score interval for k successes in n trials. */
void sim_wilson(uint64_t k, uint64_t n, double *lo, double *hi);
/* The same for a proportion p from an effective sample size n (two-dimensional runs). */
void sim_wilson_p(double p, double n, double *lo, double *hi);

#endif
