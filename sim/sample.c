/* sample.c - see sample.h. */
#include "sample.h"

#include <math.h>

#include <gsl/gsl_randist.h>

/* Inversion from k = k0 with P(K = k0) = f0: walk the pmf up with the ratio
 * f(k + 1) / f(k) = (n - k) / (k + 1) * p / (1 - p). The mean is small
 * (below SMALL), so the walk is short; the loop guards against a u that
 * rounding leaves beyond the summed mass. */
#define SMALL 12.0

static int64_t invert(double u, double f, int64_t k, double p, int64_t n)
{
    const double odds = p / (1 - p);
    while (u > f && k < n) {
        u -= f;
        f *= (double)(n - k) / (double)(k + 1) * odds;
        k++;
        if (f == 0) break;
    }
    return k;
}

int64_t sim_ran_wait(const gsl_rng *r, double rate)
{
    if (!(rate > 0)) return INT64_MAX;
    double d = floor(gsl_ran_exponential(r, 1.0) / rate);
    return d >= 9.0e18 ? INT64_MAX : (int64_t)d;
}

int64_t sim_ran_binomial(const gsl_rng *r, double p, int64_t n)
{
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (n <= 8) {
        /* a handful of people: one Bernoulli each */
        int64_t k = 0;
        for (int64_t i = 0; i < n; i++) k += gsl_rng_uniform(r) < p;
        return k;
    }
    if (p > 0.5) return n - sim_ran_binomial(r, 1 - p, n);
    if ((double)n * p >= SMALL || n > 4000000000LL) return (int64_t)gsl_ran_binomial(r, p, (unsigned)n);
    double f0 = exp((double)n * log1p(-p)); /* P(K = 0) */
    return invert(gsl_rng_uniform(r), f0, 0, p, n);
}

int64_t sim_ran_binomial_pos(const gsl_rng *r, double p, int64_t n)
{
    if (n <= 0) return 0;
    if (p >= 1) return n;
    double mean = (double)n * p;
    if (mean >= SMALL || p > 0.5 || n > 4000000000LL) {
        /* P(K = 0) is tiny: draw until positive */
        for (;;) {
            int64_t k = sim_ran_binomial(r, p, n);
            if (k > 0) return k;
        }
    }
    /* P(K = k | K >= 1) = f(k) / (1 - f(0)); start the walk at k = 1, with
     * f(1) = n p (1 - p)^(n - 1) = n p f(0) / (1 - p) */
    double q0 = -expm1((double)n * log1p(-p)); /* 1 - f(0) */
    double f1 = (double)n * p * (1 - q0) / (1 - p);
    return invert(gsl_rng_uniform(r) * q0, f1, 1, p, n);
}
