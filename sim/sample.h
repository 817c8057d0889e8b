/* sample.h - counting draws the daily models need beyond GSL's, all exact
 * in distribution (tested against the exact probability mass functions):
 *
 * - the number of days until a stock of n people, each with daily event
 *   probability P = 1 - exp(-h), first has an event (the waiting time of a
 *   process that is quiet most days: one draw instead of one a day);
 * - a binomial count given that it is at least one (the count on that day);
 * - a binomial sampler for small means that inverts the CDF from
 *   (1 - p)^n = exp(n log1p(-p)) instead of GSL's gsl_pow_uint loop. */
#ifndef SIM_SAMPLE_H
#define SIM_SAMPLE_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

/* Days d >= 0 until the first event of a stock whose daily chance of no
 * event is exp(-rate), rate = n h (n people, per-day hazard h each):
 * P(d >= k) = exp(-k rate). Returns INT64_MAX when rate is 0. */
int64_t sim_ran_wait(const gsl_rng *r, double rate);

/* Binomial(n, p) conditioned on being >= 1 (n >= 1, 0 < p <= 1). */
int64_t sim_ran_binomial_pos(const gsl_rng *r, double p, int64_t n);

/* Binomial(n, p): inversion for small means, GSL's BTPE otherwise. */
int64_t sim_ran_binomial(const gsl_rng *r, double p, int64_t n);

#endif
