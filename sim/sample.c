/* sample.c - see sample.h. */
#include "sample.h"

#include <math.h>
#include <stdbool.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

/* Means below SMALL are drawn by inverting the CDF from zero: the walk is
 * short. */
#define SMALL 12.0

/* Walk the pmf up from k with P(K = k) = f, ratio
 * f(k + 1) / f(k) = (n - k) / (k + 1) * odds, until the uniform u is used up.
 * The k < n guard covers a u that rounding leaves beyond the summed mass. */
static int64_t walk_up(double u, double f, int64_t k, double odds, int64_t n)
{
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
    double d = floor(-log(gsl_rng_uniform_pos(r)) / rate);
    return d >= 9.0e18 ? INT64_MAX : (int64_t)d;
}

int64_t sim_ran_binomial(const gsl_rng *r, double p, int64_t n)
{
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (n <= 8) {
        int64_t k = 0;
        for (int64_t i = 0; i < n; i++) k += gsl_rng_uniform(r) < p;
        return k;
    }
    if (p > 0.5) return n - sim_ran_binomial(r, 1 - p, n);
    if ((double)n * p >= SMALL || n > 4000000000LL) return (int64_t)gsl_ran_binomial(r, p, (unsigned)n);
    return walk_up(gsl_rng_uniform(r), exp((double)n * log1p(-p)), 0, p / (1 - p), n);
}

sim_hazard sim_hazard_make(double h)
{
    sim_hazard z = {h, -expm1(-h), expm1(h)};
    return z;
}

int64_t sim_ran_binomial_h(const gsl_rng *r, const sim_hazard *hz, int64_t n)
{
    const double h = hz->h, p = hz->p;
    if (n <= 0 || h <= 0) return 0;
    if (n <= 8 || (double)n * p >= SMALL || p > 0.5) return sim_ran_binomial(r, p, n);
    /* P(K = 0) = exp(-n h) */
    return walk_up(gsl_rng_uniform(r), exp(-(double)n * h), 0, hz->odds, n);
}

int64_t sim_ran_binomial_h_pos(const gsl_rng *r, const sim_hazard *hz, int64_t n)
{
    const double h = hz->h, p = hz->p;
    if (n <= 0) return 0;
    if ((double)n * p >= SMALL || p > 0.5 || n > 4000000000LL) {
        /* P(K = 0) is small: draw until positive */
        for (;;) {
            int64_t k = sim_ran_binomial(r, p, n);
            if (k > 0) return k;
        }
    }
    /* P(K = k | K >= 1) = f(k) / (1 - f(0)), f(0) = exp(-n h),
     * f(1) = n (1 - p)^(n - 1) p = n f(0) odds */
    double q0 = -expm1(-(double)n * h); /* 1 - f(0) */
    return walk_up(gsl_rng_uniform(r) * q0, (double)n * (1 - q0) * hz->odds, 1, hz->odds, n);
}

/* log P(K = k) for the hypergeometric law */
static double hyper_lpmf(uint64_t k, uint64_t n1, uint64_t n2, uint64_t t)
{
    return gsl_sf_lnchoose((unsigned)n1, (unsigned)k) + gsl_sf_lnchoose((unsigned)n2, (unsigned)(t - k)) -
           gsl_sf_lnchoose((unsigned)(n1 + n2), (unsigned)t);
}

uint64_t sim_ran_hypergeometric(const gsl_rng *r, uint64_t n1, uint64_t n2, uint64_t t)
{
    uint64_t n = n1 + n2;
    if (t > n) t = n;
    uint64_t small = t < n - t ? t : n - t;
    if (small <= 32 || n > 4000000000ULL)
        return gsl_ran_hypergeometric(r, (unsigned)n1, (unsigned)n2, (unsigned)t);
    /* Inversion from the mode outward ("chop-down"): visit the support in the
     * fixed order m, m-1, m+1, m-2, ... and stop where the uniform is used up.
     * Exact; expected steps O(sd). */
    uint64_t lo = t > n2 ? t - n2 : 0, hi = t < n1 ? t : n1;
    uint64_t m = (uint64_t)floor((double)(t + 1) * (double)(n1 + 1) / (double)(n + 2));
    if (m < lo) m = lo;
    if (m > hi) m = hi;
    double pm = exp(hyper_lpmf(m, n1, n2, t));
    double u = gsl_rng_uniform(r);
    if (u <= pm) return m;
    u -= pm;
    uint64_t down = m, up = m;
    double pd = pm, pu = pm;
    for (;;) {
        bool can_down = down > lo, can_up = up < hi;
        if (!can_down && !can_up) return m; /* u beyond the mass by rounding */
        if (can_down) {
            /* p(k - 1) = p(k) * k (n2 - t + k) / ((n1 - k + 1)(t - k + 1)) */
            double k = (double)down;
            pd *= k * ((double)n2 - (double)t + k) / (((double)n1 - k + 1) * ((double)t - k + 1));
            down--;
            if (u <= pd) return down;
            u -= pd;
        }
        if (can_up) {
            /* p(k + 1) = p(k) * (n1 - k)(t - k) / ((k + 1)(n2 - t + k + 1)) */
            double k = (double)up;
            pu *= ((double)n1 - k) * ((double)t - k) / ((k + 1) * ((double)n2 - (double)t + k + 1));
            up++;
            if (u <= pu) return up;
            u -= pu;
        }
    }
}
