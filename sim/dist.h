/* dist.h - distribution expressions of the scenario language.
 *
 *   3.5                      a fixed value
 *   uniform(a, b)            a < b
 *   loguniform(a, b)         0 < a < b; log X uniform
 *   triangular(lo, mode, hi)
 *   pert(lo, mode, hi)       beta-PERT, shape 4
 *   normal(mu, sd)
 *   truncnormal(mu, sd, lo, hi)
 *   lognormal(mu, sigma)     log X ~ normal(mu, sigma)
 *   beta(a, b)
 *   gamma(shape, rate)       mean shape / rate
 *   poisson(mu)
 *   choice(x1 @ w1, x2 @ w2, ...)   items are numbers or distributions;
 *                            weights sum to 1, or are all left out (equal)
 *
 * Numbers may be written `pi` or `-pi`. A sim_dist owns its choice items;
 * sim_dist_free releases them. */
#ifndef SIM_DIST_H
#define SIM_DIST_H

#include <stdbool.h>
#include <stddef.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "util.h"

typedef enum sim_dist_kind {
    SIM_D_CONST,
    SIM_D_UNIFORM,
    SIM_D_LOGUNIFORM,
    SIM_D_TRIANGULAR,
    SIM_D_PERT,
    SIM_D_NORMAL,
    SIM_D_TRUNCNORMAL,
    SIM_D_LOGNORMAL,
    SIM_D_BETA,
    SIM_D_GAMMA,
    SIM_D_POISSON,
    SIM_D_CHOICE,
    SIM_D_NKINDS
} sim_dist_kind;

typedef struct sim_dist {
    sim_dist_kind kind;
    double a[4];              /* the arguments, as written */
    size_t nitems;            /* choice: number of items */
    struct sim_dist *items;   /* choice: the items */
    double *w;                /* choice: weights (sum 1) */
    bool weighted;            /* choice: weights were written */
    gsl_ran_discrete_t *table; /* choice: Walker alias table */
} sim_dist;

/* Parse an expression. On error returns -1 with a message that names the
 * column (1-based) and what is allowed; nothing to free. */
int sim_dist_parse(const char *text, sim_dist *d, sim_err *err);
void sim_dist_free(sim_dist *d);
/* Deep copy. */
void sim_dist_copy(sim_dist *dst, const sim_dist *src);

bool sim_dist_is_const(const sim_dist *d);
/* One draw. */
double sim_dist_sample(const sim_dist *d, const gsl_rng *r);
/* Inverse CDF at u in (0,1): the smallest x with F(x) >= u for discrete laws. */
double sim_dist_quantile(const sim_dist *d, double u);
/* P(X <= x). */
double sim_dist_cdf(const sim_dist *d, double x);
double sim_dist_mean(const sim_dist *d);
double sim_dist_var(const sim_dist *d);
/* Smallest and largest values X can take (may be -inf / +inf). */
void sim_dist_support(const sim_dist *d, double *lo, double *hi);
/* True when X takes only whole-number values. */
bool sim_dist_is_integer(const sim_dist *d);
/* Canonical text, e.g. "uniform(15000, 20000)". */
void sim_dist_format(const sim_dist *d, sim_buf *out);
const char *sim_dist_kind_name(sim_dist_kind k);
/* Comma-separated list of the distribution forms, for "allowed:" texts. */
const char *sim_dist_allowed(void);

#endif
