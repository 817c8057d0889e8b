/* sample.h - counting draws the daily models need beyond GSL's, all exact
 * in distribution (tests/test_sample.c checks each against its exact
 * probability mass function):
 *
 * - the number of days until a stock of n people, each with daily hazard
 *   h (so daily event probability 1 - exp(-h)), first has an event: the
 *   waiting time of a process that is quiet most days, one draw instead of
 *   one a day;
 * - binomial counts for such a stock, with or without the condition that
 *   the count is at least one, parameterised by the hazard so that
 *   (1 - p)^n is exp(-n h): no log1p, no gsl_pow_uint loop;
 * - a hypergeometric draw by inversion, from the mode (cost O(sd)) or, for
 *   few drawn, from 0 with the probabilities as products (no lgamma): one
 *   uniform where GSL's draws one per person drawn;
 * - a Poisson draw by inversion, from 0 for small means and from the mode
 *   otherwise: one uniform where GSL's draws about mu + 1 for mu < 10 and
 *   gamma and binomial variates above. */
#ifndef SIM_SAMPLE_H
#define SIM_SAMPLE_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

/* Days d >= 0 until the first event of a stock whose chance of a day
 * without events is exp(-rate) (rate = n h): P(d >= k) = exp(-k rate).
 * INT64_MAX when rate is 0. */
int64_t sim_ran_wait(const gsl_rng *r, double rate);

/* A daily hazard h with the numbers the binomials below need, computed once:
 * p = 1 - exp(-h), odds = p / (1 - p) = exp(h) - 1. */
typedef struct sim_hazard {
    double h, p, odds;
    double em, ep;    /* exp(-h), exp(h) */
    int64_t n0;       /* exp(-n0 h) = f0, kept from the last draw (n0 < 0: none) */
    double f0;
    int steps;        /* factors applied to f0 since it was computed afresh */
} sim_hazard;

sim_hazard sim_hazard_make(double h);
/* Binomial(n, 1 - exp(-h)): each of n people has an event with hazard h.
 * Keeps exp(-n h) in hz for the next draw, whose n is often close. */
int64_t sim_ran_binomial_h(const gsl_rng *r, sim_hazard *hz, int64_t n);
/* The same count conditioned on being at least one (n >= 1, h > 0). */
int64_t sim_ran_binomial_h_pos(const gsl_rng *r, sim_hazard *hz, int64_t n);

/* Binomial(n, p): Bernoulli trials for n <= 8, inversion for small means,
 * GSL's BTPE otherwise. */
int64_t sim_ran_binomial(const gsl_rng *r, double p, int64_t n);

/* Poisson(mu). */
uint64_t sim_ran_poisson(const gsl_rng *r, double mu);

/* Hypergeometric: successes in t draws without replacement from n1
 * successes and n2 failures. */
uint64_t sim_ran_hypergeometric(const gsl_rng *r, uint64_t n1, uint64_t n2, uint64_t t);

#endif
