/* corr.h - rank correlations between uncertain parameters, imposed with the
 * Iman-Conover method, and the split of parameters into uncertainty (outer)
 * and chance (inner) for two-dimensional Monte Carlo.
 *
 * The scenario language:
 *
 *   [correlation]
 *   initial.latent0 = initial.dispersed0: 0.6, latent.infiltration_rate: 0.3 [assumption]
 *
 *   [uncertainty]
 *   chance = escape.recapture_fraction
 *
 * Each key of [correlation] is an uncertain parameter; its value lists other
 * uncertain parameters with the Spearman rank correlation wanted between the
 * two (-1 < rho < 1). Pairs not named are uncorrelated. The matrix must be
 * positive definite.
 *
 * How: trials are taken in fixed groups of SIM_CORR_GROUP consecutive trial
 * numbers (trials 0-9999, 10000-19999, ...). Within a group, each correlated
 * parameter's values are drawn exactly as without correlation (same streams,
 * same numbers) and then re-paired between parameters so that their ranks
 * follow van der Waerden scores with the target correlation (Iman & Conover
 * 1982, with the correction for the scores' own sample correlation). Each
 * parameter keeps exactly the values it would have had: marginals are
 * unchanged. A trial's values depend only on (seed, trial number), so runs
 * of any length, thread count, rank count or batch split agree, and sweeps
 * and comparisons keep common random numbers. */
#ifndef SIM_CORR_H
#define SIM_CORR_H

#include <gsl/gsl_rng.h>

#include "model.h"

#define SIM_CORR_GROUP 10000

/* Read [correlation] and [uncertainty] (after the model has registered its
 * parameters): sets inst->corr (NULL when there is no correlation) and the
 * parameters' chance flags. Errors name file:line: key. */
int sim_corr_resolve(sim_inst *inst, sim_err *err);
void sim_corr_free(struct sim_corr *c);

/* Number of correlated parameters and their indices. */
size_t sim_corr_count(const struct sim_corr *c, const size_t **idx);
/* The Spearman correlation wanted between correlated parameters a and b
 * (positions in the index list). */
double sim_corr_target(const struct sim_corr *c, size_t a, size_t b);

/* Overwrite theta's correlated parameters with trial's re-paired values
 * (before rounding). Thread-safe; groups are computed once and cached. */
void sim_corr_apply(const sim_inst *inst, uint64_t seed, uint64_t trial, double *theta);

/* The re-paired values of group g (trials g*SIM_CORR_GROUP ...): k columns
 * of SIM_CORR_GROUP values, column j at v[j * SIM_CORR_GROUP]. For tests. */
void sim_corr_group(const sim_inst *inst, uint64_t seed, uint64_t g, double *v);

#endif
