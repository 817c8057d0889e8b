/* rng.h - counter-based random streams (Random123 Philox4x64 through GSL).
 *
 * A stream is addressed by (seed, trial, stream, sub, inner): the Philox key
 * is (seed, trial) and the counter is (stream, sub, inner, draw number), so a
 * trial's numbers depend only on these values, never on the thread or rank
 * that runs it or on the order trials run in. `stream` is a hash of a name
 * (a parameter or a model process), so adding a parameter leaves every other
 * parameter's draws unchanged. Each stream gives up to 2^32 * 4 draws. */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

/* A GSL generator of the Philox type; free with gsl_rng_free. */
gsl_rng *sim_rng_alloc(void);
/* Point r at the start of a stream. */
void sim_rng_seek(gsl_rng *r, uint64_t seed, uint64_t trial, uint64_t stream, uint64_t sub,
                  uint64_t inner);
/* Draw counting for the benchmark (only when RISKMC_COUNT_DRAWS is set):
 * each thread adds its count to the total with sim_rng_flush_draws. */
void sim_rng_flush_draws(void);
uint64_t sim_rng_draws(void);
/* Stream id for a name: stable across versions and machines. */
uint64_t sim_rng_stream_id(const char *kind, const char *name);

#endif
