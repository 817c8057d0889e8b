/* sample.c - see sample.h. */
#define _GNU_SOURCE /* lgamma_r: lgamma without the global sign */
#include "sample.h"

#include <math.h>
#include <stdbool.h>

#include <gsl/gsl_randist.h>

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

/* Inversion from the mode m outward ("chop-down"): visit the support lo..hi
 * in the fixed order m, m-1, m+1, m-2, ... and stop where the uniform u is
 * used up. pm = P(K = m); down(k) = P(K = k-1) / P(K = k) and up(k) =
 * P(K = k+1) / P(K = k). Exact; expected steps O(sd). */
typedef double (*pmf_ratio)(const void *law, double k);

static uint64_t chop_down(double u, double pm, uint64_t m, uint64_t lo, uint64_t hi, pmf_ratio down_ratio,
                          pmf_ratio up_ratio, const void *law)
{
    if (u <= pm) return m;
    u -= pm;
    uint64_t down = m, up = m;
    double pd = pm, pu = pm;
    for (;;) {
        bool can_down = down > lo, can_up = up < hi && pu > 0;
        if (!can_down && !can_up) return m; /* u beyond the mass by rounding */
        if (can_down) {
            pd *= down_ratio(law, (double)down);
            down--;
            if (u <= pd) return down;
            u -= pd;
        }
        if (can_up) {
            pu *= up_ratio(law, (double)up);
            up++;
            if (u <= pu) return up;
            u -= pu;
        }
    }
}

/* log n! and log C(n, k): a table below LNFACT_TABLE (a facility's holding
 * is mostly within it), the C library's log-gamma above (GSL's carries an
 * error estimate and costs several times as much) */
#define LNFACT_TABLE 8192
static double lnfact_table[LNFACT_TABLE];

__attribute__((constructor)) static void lnfact_init(void)
{
    for (int n = 0; n < LNFACT_TABLE; n++) {
        int sign;
        lnfact_table[n] = lgamma_r((double)n + 1, &sign);
    }
}

static double lnfact(uint64_t n)
{
    if (n < LNFACT_TABLE) return lnfact_table[n];
    int sign;
    return lgamma_r((double)n + 1, &sign);
}

static double lnchoose(uint64_t n, uint64_t k)
{
    return lnfact(n) - lnfact(k) - lnfact(n - k);
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

/* P(K = k-1) / P(K = k) = k / mu and P(K = k+1) / P(K = k) = mu / (k + 1) */
static double poisson_down(const void *law, double k)
{
    return k / *(const double *)law;
}

static double poisson_up(const void *law, double k)
{
    return *(const double *)law / (k + 1);
}

uint64_t sim_ran_poisson(const gsl_rng *r, double mu)
{
    if (!(mu > 0)) return 0;
    if (mu > 1e7) return gsl_ran_poisson(r, mu);
    double u = gsl_rng_uniform(r);
    if (mu < SMALL) {
        /* inversion from 0: f(k + 1) = f(k) mu / (k + 1) */
        double f = exp(-mu);
        uint64_t k = 0;
        while (u > f) {
            u -= f;
            k++;
            f *= mu / (double)k;
            if (f == 0) break;
        }
        return k;
    }
    const uint64_t m = (uint64_t)mu;
    return chop_down(u, exp((double)m * log(mu) - mu - lnfact(m)), m, 0, UINT64_MAX, poisson_down, poisson_up, &mu);
}

sim_hazard sim_hazard_make(double h)
{
    sim_hazard z = {h, -expm1(-h), expm1(h), exp(-h), exp(h), -1, 0, 0};
    return z;
}

/* exp(-n h): from the last n by a few factors exp(-+h) when n moved by
 * little (at most STEPS factors, then afresh: relative error below 1e-14) */
#define STEPS 32
static double none_h(sim_hazard *hz, int64_t n)
{
    int64_t d = n - hz->n0;
    if (hz->n0 < 0 || d < -4 || d > 4 || hz->steps + (d < 0 ? -d : d) > STEPS) {
        hz->f0 = exp(-(double)n * hz->h);
        hz->steps = 0;
    } else {
        for (; d > 0; d--, hz->steps++) hz->f0 *= hz->em;
        for (; d < 0; d++, hz->steps++) hz->f0 *= hz->ep;
    }
    hz->n0 = n;
    return hz->f0;
}

int64_t sim_ran_binomial_h(const gsl_rng *r, sim_hazard *hz, int64_t n)
{
    const double h = hz->h, p = hz->p;
    if (n <= 0 || h <= 0) return 0;
    if (n <= 8 || (double)n * p >= SMALL || p > 0.5) return sim_ran_binomial(r, p, n);
    /* P(K = 0) = exp(-n h) */
    return walk_up(gsl_rng_uniform(r), none_h(hz, n), 0, hz->odds, n);
}

int64_t sim_ran_binomial_h_pos(const gsl_rng *r, sim_hazard *hz, int64_t n)
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
    /* 1 - f(0): from the kept exp(-n h) unless that would cancel */
    double q0 = (double)n * h < 1e-3 ? -expm1(-(double)n * h) : 1 - none_h(hz, n);
    return walk_up(gsl_rng_uniform(r) * q0, (double)n * (1 - q0) * hz->odds, 1, hz->odds, n);
}

/* the hypergeometric law's ratios of successive probabilities */
typedef struct hyper {
    double n1, n2, t;
} hyper;

/* P(K = k-1) / P(K = k) = k (n2 - t + k) / ((n1 - k + 1)(t - k + 1)) */
static double hyper_down(const void *law, double k)
{
    const hyper *h = law;
    return k * (h->n2 - h->t + k) / ((h->n1 - k + 1) * (h->t - k + 1));
}

/* P(K = k+1) / P(K = k) = (n1 - k)(t - k) / ((k + 1)(n2 - t + k + 1)) */
static double hyper_up(const void *law, double k)
{
    const hyper *h = law;
    return (h->n1 - k) * (h->t - k) / ((k + 1) * (h->n2 - h->t + k + 1));
}

/* log P(K = k) for the hypergeometric law */
static double hyper_lpmf(uint64_t k, uint64_t n1, uint64_t n2, uint64_t t)
{
    return lnchoose(n1, k) + lnchoose(n2, t - k) - lnchoose(n1 + n2, t);
}

/* Few drawn (t <= SMALL_T, t <= n / 2, n1 <= n2, so that t <= n2): inversion
 * from 0, where P(K = 0) = prod_{i < t} (n2 - i) / (n - i) >= 2^-t. */
#define SMALL_T 32

static uint64_t hyper_small(const gsl_rng *r, uint64_t n1, uint64_t n2, uint64_t t)
{
    const double N = (double)(n1 + n2), N2 = (double)n2, T = (double)t, N1 = (double)n1;
    double f = 1;
    for (uint64_t i = 0; i < t; i++) f *= (N2 - (double)i) / (N - (double)i);
    const uint64_t hi = t < n1 ? t : n1;
    double u = gsl_rng_uniform(r);
    uint64_t k = 0;
    while (u > f && k < hi) {
        u -= f;
        /* p(k + 1) = p(k) * (n1 - k)(t - k) / ((k + 1)(n2 - t + k + 1)) */
        double K = (double)k;
        f *= (N1 - K) * (T - K) / ((K + 1) * (N2 - T + K + 1));
        k++;
    }
    return k;
}

uint64_t sim_ran_hypergeometric(const gsl_rng *r, uint64_t n1, uint64_t n2, uint64_t t)
{
    uint64_t n = n1 + n2;
    if (t > n) t = n;
    uint64_t small = t < n - t ? t : n - t;
    if (n > 4000000000ULL) return gsl_ran_hypergeometric(r, (unsigned)n1, (unsigned)n2, (unsigned)t);
    if (small <= SMALL_T) {
        /* the successes among the n - t left behind are Hypergeometric(n1, n2, n - t);
         * the failures drawn are Hypergeometric(n2, n1, t) */
        bool rest = t > n - t, swap = n1 > n2;
        uint64_t k = swap ? hyper_small(r, n2, n1, small) : hyper_small(r, n1, n2, small);
        if (swap) k = small - k;
        return rest ? n1 - k : k;
    }
    uint64_t lo = t > n2 ? t - n2 : 0, hi = t < n1 ? t : n1;
    uint64_t m = (uint64_t)floor((double)(t + 1) * (double)(n1 + 1) / (double)(n + 2));
    if (m < lo) m = lo;
    if (m > hi) m = hi;
    double pm = exp(hyper_lpmf(m, n1, n2, t));
    const hyper law = {(double)n1, (double)n2, (double)t};
    return chop_down(gsl_rng_uniform(r), pm, m, lo, hi, hyper_down, hyper_up, &law);
}
