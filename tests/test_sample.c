/* test_sample.c - the model's own samplers against their exact laws: 10^5
 * draws at a fixed seed per parameter set, mean and variance within 4
 * standard errors, chi-square p-value above 0.001. */
#include "testutil.h"

#include <gsl/gsl_randist.h>

#include "rng.h"
#include "sample.h"

#define N 100000

typedef struct law {
    double p, h;
    int64_t n;
    uint64_t n1, n2, t;
} law;

static double binom_pmf(long k, const void *a)
{
    const law *l = a;
    return k < 0 || k > l->n ? 0 : gsl_ran_binomial_pdf((unsigned)k, l->p, (unsigned)l->n);
}

static double binom_pos_pmf(long k, const void *a)
{
    const law *l = a;
    return k < 1 ? 0 : binom_pmf(k, a) / (1 - gsl_ran_binomial_pdf(0, l->p, (unsigned)l->n));
}

static double hyper_pmf(long k, const void *a)
{
    const law *l = a;
    if (k < 0) return 0;
    return gsl_ran_hypergeometric_pdf((unsigned)k, (unsigned)l->n1, (unsigned)l->n2, (unsigned)l->t);
}

static gsl_rng *rng(uint64_t stream)
{
    gsl_rng *r = sim_rng_alloc();
    sim_rng_seek(r, 99, 0, stream, 0, 0);
    return r;
}

static void fit(double *x, double (*pmf)(long, const void *), const law *l, double mean, double var, const char *what)
{
    TU_ASSERT_MOMENTS(x, N, mean, var);
    double mx = 0, mn = 1e300;
    for (size_t i = 0; i < N; i++) mx = fmax(mx, x[i]), mn = fmin(mn, x[i]);
    double p = tu_chisq_int(x, N, pmf, l, 0, (long)mx);
    if (p < 0.001) {
        print_error("%s: chi-square p = %g\n", what, p);
        fail();
    }
}

static void test_binomial_h(void **state)
{
    (void)state;
    const double hs[] = {1e-5, 3e-4, 0.01, 0.2, 0.9};
    const int64_t ns[] = {5, 17, 300, 17500};
    uint64_t stream = 1;
    for (size_t a = 0; a < 5; a++)
        for (size_t b = 0; b < 4; b++) {
            law l = {-expm1(-hs[a]), hs[a], ns[b], 0, 0, 0};
            sim_hazard hz = sim_hazard_make(l.h);
            gsl_rng *r = rng(stream++);
            double *x = malloc(N * sizeof *x);
            for (size_t i = 0; i < N; i++) x[i] = (double)sim_ran_binomial_h(r, &hz, l.n);
            char what[64];
            snprintf(what, sizeof what, "binomial_h(h=%g, n=%lld)", l.h, (long long)l.n);
            fit(x, binom_pmf, &l, (double)l.n * l.p, (double)l.n * l.p * (1 - l.p), what);
            free(x);
            gsl_rng_free(r);
        }
}

/* The same law when the stock drifts between draws (as a pool's does day
 * by day), so that exp(-n h) comes from the last draw's by a few factors:
 * every other draw is at n and is checked against Binomial(n, p). */
static void test_binomial_h_drift(void **state)
{
    (void)state;
    const double hs[] = {7e-5, 1e-3};
    const int64_t ns[] = {17500, 3000};
    const int64_t moves[] = {-1, 3, -4, 2, 1, -3, 4, 0, -2, 5, -9};
    for (size_t a = 0; a < 2; a++) {
        law l = {-expm1(-hs[a]), hs[a], ns[a], 0, 0, 0};
        sim_hazard hz = sim_hazard_make(l.h);
        gsl_rng *r = rng(200 + a);
        double *x = malloc(N * sizeof *x);
        for (size_t i = 0; i < N; i++) {
            (void)sim_ran_binomial_h(r, &hz, l.n + moves[i % 11]);
            x[i] = (double)sim_ran_binomial_h(r, &hz, l.n);
        }
        char what[64];
        snprintf(what, sizeof what, "binomial_h drifting (h=%g, n=%lld)", l.h, (long long)l.n);
        fit(x, binom_pmf, &l, (double)l.n * l.p, (double)l.n * l.p * (1 - l.p), what);
        free(x);
        gsl_rng_free(r);
    }
}

static void test_binomial_h_pos(void **state)
{
    (void)state;
    const double hs[] = {1e-5, 3e-4, 0.01, 0.2};
    const int64_t ns[] = {1, 7, 300, 17500};
    uint64_t stream = 100;
    for (size_t a = 0; a < 4; a++)
        for (size_t b = 0; b < 4; b++) {
            law l = {-expm1(-hs[a]), hs[a], ns[b], 0, 0, 0};
            double q0 = gsl_ran_binomial_pdf(0, l.p, (unsigned)l.n);
            double mean = (double)l.n * l.p / (1 - q0);
            double ex2 = ((double)l.n * l.p * (1 - l.p) + pow((double)l.n * l.p, 2)) / (1 - q0);
            sim_hazard hz = sim_hazard_make(l.h);
            gsl_rng *r = rng(stream++);
            double *x = malloc(N * sizeof *x);
            for (size_t i = 0; i < N; i++) x[i] = (double)sim_ran_binomial_h_pos(r, &hz, l.n);
            char what[64];
            snprintf(what, sizeof what, "binomial_h_pos(h=%g, n=%lld)", l.h, (long long)l.n);
            fit(x, binom_pos_pmf, &l, mean, ex2 - mean * mean, what);
            free(x);
            gsl_rng_free(r);
        }
}

static void test_binomial_p(void **state)
{
    (void)state;
    const double ps[] = {0.001, 0.3, 0.67, 0.999};
    const int64_t ns[] = {3, 40, 1500};
    uint64_t stream = 200;
    for (size_t a = 0; a < 4; a++)
        for (size_t b = 0; b < 3; b++) {
            law l = {ps[a], 0, ns[b], 0, 0, 0};
            gsl_rng *r = rng(stream++);
            double *x = malloc(N * sizeof *x);
            for (size_t i = 0; i < N; i++) x[i] = (double)sim_ran_binomial(r, l.p, l.n);
            char what[64];
            snprintf(what, sizeof what, "binomial(p=%g, n=%lld)", l.p, (long long)l.n);
            fit(x, binom_pmf, &l, (double)l.n * l.p, (double)l.n * l.p * (1 - l.p), what);
            free(x);
            gsl_rng_free(r);
        }
}

static void test_hypergeometric(void **state)
{
    (void)state;
    /* from the mode; then few drawn (inversion from 0), including drawing
     * most of the population and more successes than failures */
    const uint64_t cases[][3] = {{3000, 800, 250}, {200, 3600, 1200}, {40, 60, 50}, {9000, 1000, 6000}, {5, 4000, 700},
                                 {3000, 800, 20}, {10, 3990, 32}, {500, 30, 520}, {25, 20, 40}, {1, 1, 1},
                                 {300, 150, 7}};
    uint64_t stream = 300;
    for (size_t a = 0; a < sizeof cases / sizeof cases[0]; a++) {
        law l = {0, 0, 0, cases[a][0], cases[a][1], cases[a][2]};
        double nn = (double)(l.n1 + l.n2), t = (double)l.t, p = (double)l.n1 / nn;
        double mean = t * p, var = t * p * (1 - p) * (nn - t) / (nn - 1);
        gsl_rng *r = rng(stream++);
        double *x = malloc(N * sizeof *x);
        for (size_t i = 0; i < N; i++) x[i] = (double)sim_ran_hypergeometric(r, l.n1, l.n2, l.t);
        char what[80];
        snprintf(what, sizeof what, "hypergeometric(%llu, %llu, %llu)", (unsigned long long)l.n1,
                 (unsigned long long)l.n2, (unsigned long long)l.t);
        fit(x, hyper_pmf, &l, mean, var, what);
        free(x);
        gsl_rng_free(r);
    }
}

static double poisson_pmf(long k, const void *a)
{
    const law *l = a;
    return k < 0 ? 0 : gsl_ran_poisson_pdf((unsigned)k, l->p);
}

static void test_poisson(void **state)
{
    (void)state;
    /* inversion from 0 below 12, from the mode above */
    const double mus[] = {0.02, 0.7, 5, 11.99, 12, 125, 3000.5};
    for (size_t a = 0; a < sizeof mus / sizeof mus[0]; a++) {
        law l = {mus[a], 0, 0, 0, 0, 0};
        gsl_rng *r = rng(500 + a);
        double *x = malloc(N * sizeof *x);
        for (size_t i = 0; i < N; i++) x[i] = (double)sim_ran_poisson(r, l.p);
        char what[64];
        snprintf(what, sizeof what, "poisson(%g)", l.p);
        fit(x, poisson_pmf, &l, l.p, l.p, what);
        free(x);
        gsl_rng_free(r);
    }
    assert_true(sim_ran_poisson(NULL, 0) == 0);
}

/* P(wait >= k) = exp(-k rate): a geometric law on 0, 1, 2, ... */
static double geom_pmf(long k, const void *a)
{
    const law *l = a;
    return k < 0 ? 0 : exp(-(double)k * l->h) * -expm1(-l->h);
}

static void test_wait(void **state)
{
    (void)state;
    const double rates[] = {0.003, 0.05, 0.7, 3};
    for (size_t a = 0; a < 4; a++) {
        law l = {0, rates[a], 0, 0, 0, 0};
        gsl_rng *r = rng(400 + a);
        double *x = malloc(N * sizeof *x);
        for (size_t i = 0; i < N; i++) x[i] = (double)sim_ran_wait(r, l.h);
        double q = -expm1(-l.h); /* success probability of the geometric */
        char what[64];
        snprintf(what, sizeof what, "wait(rate=%g)", l.h);
        fit(x, geom_pmf, &l, (1 - q) / q, (1 - q) / (q * q), what);
        free(x);
        gsl_rng_free(r);
    }
    assert_true(sim_ran_wait(NULL, 0) == INT64_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_binomial_h), cmocka_unit_test(test_binomial_h_drift), cmocka_unit_test(test_binomial_h_pos), cmocka_unit_test(test_binomial_p),
        cmocka_unit_test(test_hypergeometric), cmocka_unit_test(test_poisson), cmocka_unit_test(test_wait),
    };
    return cmocka_run_group_tests_name("sample", tests, NULL, NULL);
}
