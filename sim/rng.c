/* rng.c - the one place the Random123 GSL adapter macro is expanded. */
#include "rng.h"

#include <Random123/philox.h>
#include <Random123/gsl_microrng.h>

#include "util.h"

/* the adapter is library code: it converts between integer widths on purpose */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
GSL_MICRORNG(sim_philox, philox4x64);
#pragma GCC diagnostic pop

gsl_rng *sim_rng_alloc(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_sim_philox);
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
