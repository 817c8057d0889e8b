/* rng.c - the one place the Random123 GSL adapter macro is expanded. */
#include "rng.h"

#include <Random123/philox.h>
#include <Random123/gsl_microrng.h>

#include <stdlib.h>

#include "util.h"

/* the adapter is library code: it converts between integer widths on purpose */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
GSL_MICRORNG(sim_philox, philox4x64);
#pragma GCC diagnostic pop

/* For `make bench`: the same generator, counting its draws (RISKMC_COUNT_DRAWS
 * set). The state layout is the Philox one, so sim_philox_reset works on it. */
static _Thread_local uint64_t draws_here;
static uint64_t draws_total;

static unsigned long counting_get(void *state)
{
    draws_here++;
    return gsl_rng_sim_philox->get(state);
}

static double counting_get_double(void *state)
{
    draws_here++;
    return gsl_rng_sim_philox->get_double(state);
}

static gsl_rng_type counting_type;
static int counting = -1;

static const gsl_rng_type *philox_type(void)
{
    if (counting < 0) {
        counting = getenv("RISKMC_COUNT_DRAWS") != NULL;
        counting_type = *gsl_rng_sim_philox;
        counting_type.name = "sim_philox_counting";
        counting_type.get = counting_get;
        counting_type.get_double = counting_get_double;
    }
    return counting ? &counting_type : gsl_rng_sim_philox;
}

void sim_rng_flush_draws(void)
{
    uint64_t n = draws_here;
    draws_here = 0;
#pragma omp atomic
    draws_total += n;
}

uint64_t sim_rng_draws(void)
{
    return draws_total;
}

gsl_rng *sim_rng_alloc(void)
{
    gsl_rng *r = gsl_rng_alloc(philox_type());
    SIM_ASSERT(r != NULL);
    sim_rng_seek(r, 0, 0, 0, 0, 0);
    return r;
}

void sim_rng_seek(gsl_rng *r, uint64_t seed, uint64_t trial, uint64_t stream, uint64_t sub,
                  uint64_t inner)
{
    philox4x64_ctr_t c = {{stream, sub, inner, 0}};
    philox4x64_key_t k = {{seed, trial}};
    sim_philox_reset(r, c, k);
}

uint64_t sim_rng_stream_id(const char *kind, const char *name)
{
    uint64_t h = sim_hash64(kind);
    h ^= sim_hash64(name) * 0x9E3779B97F4A7C15ULL;
    return h;
}
