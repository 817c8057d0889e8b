/* test_stats.c - exact histograms agree with GSL's quantiles on the same
 * data, merge to the same answer however the data are split, widen their
 * bins deterministically, and the Wilson interval matches published values. */
#include "testutil.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_statistics_double.h>

#include "rng.h"
#include "stats.h"

static void test_hist_matches_gsl(void **state)
{
    (void)state;
    gsl_rng *r = sim_rng_alloc();
    sim_rng_seek(r, 7, 0, 1, 0, 0);
    enum { N = 20001 };
    static double x[N];
    sim_hist h;
    sim_hist_init(&h, 1 << 16);
    for (size_t i = 0; i < N; i++) {
        x[i] = (double)gsl_ran_binomial(r, 0.3, 5000) - 1500; /* negative values too */
        sim_hist_add(&h, (int64_t)x[i]);
    }
    double sum = 0;
    for (size_t i = 0; i < N; i++) sum += x[i];
    assert_true(fabs(sim_hist_mean(&h) - sum / N) < 1e-9);
    assert_true(fabs(sim_hist_sd(&h) - gsl_stats_sd(x, 1, N)) < 1e-6);
    gsl_sort(x, 1, N);
    const double ps[] = {0, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975, 1, 0.123456};
    for (size_t k = 0; k < sizeof ps / sizeof *ps; k++)
        assert_true(fabs(sim_hist_quantile(&h, ps[k]) - gsl_stats_quantile_from_sorted_data(x, 1, N, ps[k])) < 1e-9);
    assert_int_equal(sim_hist_resolution(&h), 1);
    uint64_t ge = 0;
    for (size_t i = 0; i < N; i++) ge += x[i] >= 0;
    assert_int_equal(sim_hist_count_ge(&h, 0), ge);
    sim_hist_free(&h);
    gsl_rng_free(r);
}

static void test_hist_merge_order(void **state)
{
    (void)state;
    gsl_rng *r = sim_rng_alloc();
    sim_rng_seek(r, 7, 0, 2, 0, 0);
    enum { N = 30000 };
    static int64_t v[N];
    for (size_t i = 0; i < N; i++) v[i] = (int64_t)gsl_ran_geometric(r, 0.0005) * (i % 3 == 0 ? -1 : 1);
    /* one histogram fed in order, and three fed interleaved then merged two ways */
    sim_hist all, part[3], m1, m2;
    size_t cap = 512; /* small, so bins must widen */
    sim_hist_init(&all, cap);
    for (int k = 0; k < 3; k++) sim_hist_init(&part[k], cap);
    sim_hist_init(&m1, cap);
    sim_hist_init(&m2, cap);
    for (size_t i = 0; i < N; i++) {
        sim_hist_add(&all, v[i]);
        sim_hist_add(&part[(i * 7) % 3], v[i]);
    }
    sim_hist_merge(&m1, &part[0]), sim_hist_merge(&m1, &part[1]), sim_hist_merge(&m1, &part[2]);
    sim_hist_merge(&m2, &part[2]), sim_hist_merge(&m2, &part[0]), sim_hist_merge(&m2, &part[1]);
    assert_true(sim_hist_resolution(&all) > 1);
    assert_int_equal(sim_hist_resolution(&all), sim_hist_resolution(&m1));
    assert_int_equal(sim_hist_resolution(&all), sim_hist_resolution(&m2));
    for (double p = 0; p <= 1.0001; p += 0.01) {
        assert_true(sim_hist_quantile(&all, p) == sim_hist_quantile(&m1, p));
        assert_true(sim_hist_quantile(&all, p) == sim_hist_quantile(&m2, p));
    }
    assert_true(sim_hist_mean(&all) == sim_hist_mean(&m2));
    /* the binned quantiles stay within a bin width of the exact ones */
    double *x = malloc(N * sizeof *x);
    for (size_t i = 0; i < N; i++) x[i] = (double)v[i];
    gsl_sort(x, 1, N);
    for (double p = 0.05; p < 1; p += 0.05)
        assert_true(fabs(sim_hist_quantile(&all, p) - gsl_stats_quantile_from_sorted_data(x, 1, N, p)) <=
                    (double)sim_hist_resolution(&all));
    free(x);
    sim_hist_free(&all), sim_hist_free(&m1), sim_hist_free(&m2);
    for (int k = 0; k < 3; k++) sim_hist_free(&part[k]);
    gsl_rng_free(r);
}

static void test_hist_pack(void **state)
{
    (void)state;
    sim_hist h, g;
    sim_hist_init(&h, 4096);
    for (int64_t i = -50; i < 900; i += 3) sim_hist_add(&h, i * i % 1000);
    uint8_t *buf;
    size_t len = sim_hist_pack(&h, &buf);
    assert_int_equal(sim_hist_unpack(&g, buf, len, 4096), 0);
    for (double p = 0; p <= 1; p += 0.05) assert_true(sim_hist_quantile(&h, p) == sim_hist_quantile(&g, p));
    sim_hist_free(&g);
    assert_int_equal(sim_hist_unpack(&g, buf, len - 1, 4096), -1);
    free(buf);
    sim_hist_free(&h);
    sim_hist_free(&g);
}

static void test_reals(void **state)
{
    (void)state;
    sim_acc a;
    sim_acc_init(&a, false);
    double xs[] = {3.5, NAN, -1, 2, 10, 2};
    for (size_t i = 0; i < 6; i++) sim_acc_add(&a, xs[i]);
    sim_summary s;
    sim_acc_summary(&a, &s);
    assert_int_equal(s.n, 5);
    assert_int_equal(s.missing, 1);
    assert_true(fabs(s.mean - 3.3) < 1e-12);
    assert_true(s.min == -1 && s.max == 10);
    assert_true(s.q[2] == 2);
    assert_int_equal(sim_acc_count_ge(&a, 2), 4);
    assert_true(fabs(sim_acc_percentile(&a, 2) - 100 * (1 + 1.0) / 5) < 1e-12);
    sim_acc_free(&a);
}

/* An output no trial has a value of: every statistic and every standard
 * error is missing (NaN, printed empty), none is an exact-looking 0. */
static void test_all_missing(void **state)
{
    (void)state;
    for (int integer = 0; integer < 2; integer++) {
        sim_acc a;
        sim_acc_init(&a, integer);
        for (int i = 0; i < 10; i++) sim_acc_add(&a, NAN);
        sim_summary s;
        sim_acc_summary(&a, &s);
        assert_int_equal(s.n, 0);
        assert_int_equal(s.missing, 10);
        assert_true(isnan(s.mean) && isnan(s.sd) && isnan(s.mcse) && isnan(s.sd_mcse));
        for (int i = 0; i < 5; i++) assert_true(isnan(s.q[i]) && isnan(s.q_mcse[i]));
        sim_acc_free(&a);
    }
}

/* The standard errors of the summary against theory on 40,000 standard
 * normal draws: sd_mcse = 1/sqrt(2n) (the estimate rests on the sample fourth
 * moment, whose relative sd here is about 1.3%, so 5% is about 4 of them);
 * the median's SE = sqrt(pi/2)/sqrt(n) (estimated from the spacing of about
 * 2*sqrt(p(1-p)n) = 200 order statistics, relative sd about 1/sqrt(200) = 7%,
 * so 28% is 4 of them). The mean's mcse is sd/sqrt(n) exactly. */
static void test_mcse(void **state)
{
    (void)state;
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 7);
    sim_acc a, b;
    sim_acc_init(&a, false);
    sim_acc_init(&b, true);
    const double n = 40000;
    for (int i = 0; i < (int)n; i++) {
        double x = gsl_ran_ugaussian(g);
        sim_acc_add(&a, x);
        sim_acc_add(&b, floor(1000 + 100 * x)); /* the histogram path: sd about 100 */
    }
    sim_summary s, t;
    sim_acc_summary(&a, &s);
    sim_acc_summary(&b, &t);
    assert_true(fabs(s.mcse - s.sd / sqrt(n)) < 1e-15);
    assert_true(fabs(s.sd_mcse / (1 / sqrt(2 * n)) - 1) < 0.05);
    assert_true(fabs(t.sd_mcse / (100 / sqrt(2 * n)) - 1) < 0.05);
    assert_true(fabs(s.q_mcse[2] / (sqrt(M_PI / 2) / sqrt(n)) - 1) < 0.28);
    /* p5: sqrt(p(1-p)/n) / phi(z_0.05) */
    double se5 = sqrt(0.05 * 0.95 / n) / gsl_ran_ugaussian_pdf(gsl_cdf_ugaussian_Pinv(0.05));
    assert_true(fabs(s.q_mcse[0] / se5 - 1) < 0.4);
    sim_acc_free(&a);
    sim_acc_free(&b);
    gsl_rng_free(g);
}

/* A watched threshold is counted exactly after the bins widen: values
 * 0 .. 2^21 - 1 in a histogram of at most 2^20 bins (width 2 and more). */
static void test_watch_exact(void **state)
{
    (void)state;
    sim_acc a, b;
    sim_acc_init(&a, true);
    sim_acc_init(&b, true);
    sim_acc_watch(&a, 501), sim_acc_watch(&b, 501);
    for (int64_t v = 0; v < ((int64_t)1 << 21); v++) sim_acc_add(v % 2 ? &a : &b, (double)v);
    sim_acc_add(&a, NAN);
    sim_acc_merge(&a, &b);
    assert_true(sim_hist_resolution(&a.h) > 1);
    assert_true(sim_acc_count_ge(&a, 501) == ((uint64_t)1 << 21) - 501);
    sim_acc_free(&a);
    sim_acc_free(&b);
}

static void test_wilson(void **state)
{
    (void)state;
    double lo, hi;
    /* Newcombe (1998), Table I: 81/263 -> 0.2553 to 0.3662 */
    sim_wilson(81, 263, &lo, &hi);
    assert_true(fabs(lo - 0.2553) < 5e-5 && fabs(hi - 0.3662) < 5e-5);
    /* 15/148 -> 0.0624 to 0.1605; 0/20 -> 0 to 0.1611; 1/29 -> 0.0061 to 0.1718 */
    sim_wilson(15, 148, &lo, &hi);
    assert_true(fabs(lo - 0.0624) < 5e-5 && fabs(hi - 0.1605) < 5e-5);
    sim_wilson(0, 20, &lo, &hi);
    assert_true(lo == 0 && fabs(hi - 0.1611) < 5e-5);
    sim_wilson(1, 29, &lo, &hi);
    assert_true(fabs(lo - 0.0061) < 5e-5 && fabs(hi - 0.1718) < 5e-5);
    sim_wilson(20, 20, &lo, &hi);
    assert_true(hi == 1 && fabs(lo - 0.8389) < 5e-5);
}

/* Percentages as every table and chart prints them: an interval's ends
 * near 0% or 100% read alike */
/* The shifted-sum variance: exactly 0 for equal values (where the one-pass
 * s2 - s^2 / n leaves rounding noise), GSL's for others, NaN below two. */
static void test_shiftvar(void **state)
{
    (void)state;
    sim_shiftvar v = {0};
    const double c = 0.1 + 0.7 * sin(1.0) * sin(1.0); /* not a binary fraction */
    double s = 0, s2 = 0;
    for (int i = 0; i < 1000; i++) sim_shiftvar_add(&v, c), s += c, s2 += c * c;
    assert_true(sim_shiftvar_var(&v) == 0);
    assert_true((s2 - s * s / 1000) / 999 != 0); /* what the shift avoids */
    double x[200];
    sim_shiftvar w = {0};
    for (int i = 0; i < 200; i++) x[i] = 1e6 + sin((double)i), sim_shiftvar_add(&w, x[i]);
    assert_true(fabs(sim_shiftvar_var(&w) - gsl_stats_variance(x, 1, 200)) < 1e-9 * gsl_stats_variance(x, 1, 200));
    sim_shiftvar one = {0};
    sim_shiftvar_add(&one, 3);
    assert_true(isnan(sim_shiftvar_var(&one)));
}

static void test_format_pct(void **state)
{
    (void)state;
    static const struct {
        double p;
        const char *want;
    } C[] = {{0, "0%"},           {1, "100%"},          {0.00004, "<0.01%"}, {0.99996, ">99.99%"},
             {0.0012, "0.12%"},   {0.0015, "0.15%"},    {0.019, "1.9%"},     {0.267, "26.7%"},
             {0.99884, "99.88%"}, {0.99922, "99.92%"},  {0.9984, "99.8%"},   {NAN, "-"}};
    for (size_t i = 0; i < sizeof C / sizeof *C; i++) {
        char out[32];
        sim_format_pct(C[i].p, out, sizeof out);
        assert_string_equal(out, C[i].want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hist_matches_gsl), cmocka_unit_test(test_hist_merge_order),
        cmocka_unit_test(test_hist_pack),        cmocka_unit_test(test_reals),
        cmocka_unit_test(test_wilson),           cmocka_unit_test(test_mcse),
        cmocka_unit_test(test_all_missing), cmocka_unit_test(test_watch_exact),
        cmocka_unit_test(test_format_pct),      cmocka_unit_test(test_shiftvar),
    };
    return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
