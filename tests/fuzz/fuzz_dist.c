/* fuzz_dist.c - libFuzzer harness: any bytes as a distribution expression.
 * A parsed law must give finite moments where it claims them, quantiles
 * inside its support and samples that are numbers. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
#include "rng.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    char *text = sim_strndup((const char *)data, size);
    sim_dist d;
    sim_err err;
    if (sim_dist_parse(text, &d, &err) == 0) {
        double lo, hi;
        sim_dist_support(&d, &lo, &hi);
        if (isnan(lo) || isnan(hi) || lo > hi) abort();
        for (int k = 1; k < 10; k++) {
            double q = sim_dist_quantile(&d, k / 10.0);
            if (isnan(q) || q < lo - 1e-9 * (1 + fabs(lo)) || q > hi + 1e-9 * (1 + fabs(hi))) abort();
            double c = sim_dist_cdf(&d, q);
            if (isnan(c) || c < 0 || c > 1) abort();
        }
        if (isnan(sim_dist_mean(&d)) || isnan(sim_dist_var(&d))) abort();
        gsl_rng *r = sim_rng_alloc();
        for (int i = 0; i < 8; i++)
            if (isnan(sim_dist_sample(&d, r))) abort();
        gsl_rng_free(r);
        sim_buf b;
        sim_buf_init(&b);
        sim_dist_format(&d, &b);
        sim_dist e;
        /* what we print, we read back */
        if (sim_dist_parse(b.s, &e, &err) != 0) abort();
        sim_dist_free(&e);
        sim_buf_free(&b);
        sim_dist_free(&d);
    }
    free(text);
    return 0;
}
