/* test_dist.c - every distribution of the scenario language: 10^5 draws at
 * a fixed seed must match the exact mean and variance within 4 standard
 * errors and pass a Kolmogorov-Smirnov (continuous) or chi-square (discrete)
 * test at level 0.001; quantile and CDF must invert each other; bad
 * expressions must be refused with the exact message. */
#include "testutil.h"

#include <gsl/gsl_randist.h>

#include "dist.h"
#include "rng.h"

#define N 100000

static double cdf_of(double x, const void *d)
{
    return sim_dist_cdf(d, x);
}

static double pmf_of(long k, const void *d)
{
    return sim_dist_cdf(d, (double)k) - sim_dist_cdf(d, (double)k - 1);
}

static double *draw(const sim_dist *d, uint64_t stream)
{
    gsl_rng *r = sim_rng_alloc();
    sim_rng_seek(r, 12345, 0, stream, 0, 0);
    double *x = malloc(N * sizeof *x);
    for (size_t i = 0; i < N; i++) x[i] = sim_dist_sample(d, r);
    gsl_rng_free(r);
    return x;
}

static void check_law(const char *expr, uint64_t stream)
{
    sim_dist d;
    sim_err err;
    if (sim_dist_parse(expr, &d, &err) != 0) {
        print_error("%s: %s\n", expr, err.msg);
        fail();
    }
    double *x = draw(&d, stream);
    double lo, hi;
    sim_dist_support(&d, &lo, &hi);
    for (size_t i = 0; i < N; i++)
        if (!(x[i] >= lo && x[i] <= hi)) {
            print_error("%s: draw %g outside the support [%g, %g]\n", expr, x[i], lo, hi);
            fail();
        }
    TU_ASSERT_MOMENTS(x, N, sim_dist_mean(&d), sim_dist_var(&d));
    if (sim_dist_is_integer(&d)) {
        double mx = 0;
        for (size_t i = 0; i < N; i++) mx = fmax(mx, x[i]);
        double p = tu_chisq_int(x, N, pmf_of, &d, (long)fmax(lo, 0), (long)mx);
        if (p < 0.001) {
            print_error("%s: chi-square p = %g\n", expr, p);
            fail();
        }
    } else {
        double ks = tu_ks(x, N, cdf_of, &d);
        if (ks > tu_ks_crit(N)) {
            print_error("%s: KS distance %g > %g\n", expr, ks, tu_ks_crit(N));
            fail();
        }
    }
    /* quantile and CDF invert each other */
    for (int k = 1; k < 20; k++) {
        double u = k / 20.0, q = sim_dist_quantile(&d, u);
        double f = sim_dist_cdf(&d, q);
        if (sim_dist_is_integer(&d)) {
            assert_true(f >= u - 1e-9);
            assert_true(sim_dist_cdf(&d, q - 1) < u + 1e-9);
        } else if (fabs(f - u) > 1e-6) {
            print_error("%s: cdf(quantile(%g)) = %g\n", expr, u, f);
            fail();
        }
    }
    free(x);
    sim_dist_free(&d);
}

static void test_uniform(void **s) { (void)s; check_law("uniform(15000, 20000)", 1); }
static void test_loguniform(void **s) { (void)s; check_law("loguniform(120, 1500)", 2); }
static void test_triangular(void **s) { (void)s; check_law("triangular(1, 2, 7)", 3); }
static void test_triangular_edge(void **s) { (void)s; check_law("triangular(0, 0, 1)", 4); }
static void test_pert(void **s) { (void)s; check_law("pert(10, 20, 60)", 5); }
static void test_normal(void **s) { (void)s; check_law("normal(-3, 2.5)", 6); }
static void test_truncnormal(void **s) { (void)s; check_law("truncnormal(0, 1, -0.5, 2)", 7); }
static void test_truncnormal_tail(void **s) { (void)s; check_law("truncnormal(0, 1, 3, 5)", 8); }
static void test_lognormal(void **s) { (void)s; check_law("lognormal(1, 0.5)", 9); }
static void test_beta(void **s) { (void)s; check_law("beta(82, 40)", 10); }
static void test_beta_small(void **s) { (void)s; check_law("beta(1, 12)", 11); }
static void test_gamma(void **s) { (void)s; check_law("gamma(3.5, 4.1)", 12); }
static void test_gamma_small_shape(void **s) { (void)s; check_law("gamma(0.5, 12)", 13); }
static void test_poisson(void **s) { (void)s; check_law("poisson(3.7)", 14); }
static void test_poisson_large(void **s) { (void)s; check_law("poisson(250)", 15); }
static void test_choice_numbers(void **s) { (void)s; check_law("choice(120 @ 0.4, 200 @ 0.4, 1500 @ 0.2)", 16); }
static void test_choice_equal(void **s) { (void)s; check_law("choice(120, 200, 1500)", 17); }
static void test_choice_mixture(void **s) { (void)s; check_law("choice(uniform(0, 1) @ 0.3, normal(5, 1) @ 0.7)", 18); }
static void test_pi(void **s) { (void)s; check_law("uniform(-pi, pi)", 19); }

/* Quantiles invert the distribution function even where GSL's own inverses
 * give up (shapes far from 1): F(Q(u)) = u within 1e-7, the accuracy of
 * GSL's incomplete gamma function at shape 1e5 (elsewhere it is ~1e-13). */
static void test_quantile_extreme_shapes(void **state)
{
    (void)state;
    const char *laws[] = {"beta(1000, 1)", "beta(1, 1000)", "beta(100000, 3)", "beta(0.2, 0.5)",
                          "gamma(0.05, 1)", "gamma(100000, 3)", "gamma(2, 1e-6)", "pert(0, 1, 10)"};
    for (size_t i = 0; i < sizeof laws / sizeof *laws; i++) {
        sim_dist d;
        sim_err err;
        assert_int_equal(sim_dist_parse(laws[i], &d, &err), 0);
        for (int k = 1; k < 100; k++) {
            double u = k / 100.0, q = sim_dist_quantile(&d, u);
            double c = sim_dist_cdf(&d, q);
            if (fabs(c - u) > 1e-7) fail_msg("%s: F(Q(%g)) = %.15g", laws[i], u, c);
        }
        sim_dist_free(&d);
    }
}

static void test_fixed(void **state)
{
    (void)state;
    sim_dist d;
    assert_int_equal(sim_dist_parse(" 5703 ", &d, NULL), 0);
    assert_true(sim_dist_is_const(&d));
    assert_true(sim_dist_mean(&d) == 5703);
    assert_true(sim_dist_quantile(&d, 0.3) == 5703);
    sim_dist_free(&d);
    assert_int_equal(sim_dist_parse("choice(3 @ 0.5, 3 @ 0.5)", &d, NULL), 0);
    assert_true(sim_dist_is_const(&d));
    sim_dist_free(&d);
}

static void test_format_roundtrip(void **state)
{
    (void)state;
    const char *in[] = {"uniform(15000, 20000)", "choice(120 @ 0.4, 200 @ 0.4, 1500 @ 0.2)",
                        "choice(120, 200, 1500)", "gamma(3.5, 4.1)", "uniform(-pi, pi)", "0.25"};
    for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
        sim_dist d;
        sim_buf b;
        sim_buf_init(&b);
        assert_int_equal(sim_dist_parse(in[i], &d, NULL), 0);
        sim_dist_format(&d, &b);
        assert_string_equal(b.s, in[i]);
        sim_buf_free(&b);
        sim_dist_free(&d);
    }
}

static void expect_error(const char *expr, const char *msg)
{
    sim_dist d;
    sim_err err;
    assert_int_equal(sim_dist_parse(expr, &d, &err), -1);
    assert_string_equal(err.msg, msg);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("unifrom(1, 2)",
                 "unknown distribution 'unifrom' (character 1 of the value) (did you mean 'uniform'?; allowed: a number, uniform(a,b), "
                 "loguniform(a,b), triangular(lo,mode,hi), pert(lo,mode,hi), normal(mu,sd), truncnormal(mu,sd,lo,hi), "
                 "lognormal(mu,sigma), beta(a,b), gamma(shape,rate), poisson(mu), choice(x1 @ w1, x2 @ w2, ...))");
    expect_error("uniform(1)", "uniform takes 2 arguments, got 1 (character 1 of the value) (allowed: uniform(a, b) with a < b)");
    expect_error("uniform(5, 1)", "bad arguments for uniform (character 1 of the value) (allowed: uniform(a, b) with a < b)");
    expect_error("beta(2e5, 1)", "bad arguments for beta (character 1 of the value) (allowed: beta(a, b) with a and b from 0.001 to 100000)");
    expect_error("gamma(1e-4, 1)", "bad arguments for gamma (character 1 of the value) (allowed: gamma(shape, rate) with shape from 0.001 to 100000, rate > 0)");
    expect_error("beta(0, 1)", "bad arguments for beta (character 1 of the value) (allowed: beta(a, b) with a and b from 0.001 to 100000)");
    const char *num = " (allowed: decimal numbers such as 12, 0.5, 1e-3, or pi)";
    char want[256];
    snprintf(want, sizeof want, "'nan': NaN is not a number a scenario may use (character 12 of the value)%s", num);
    expect_error("uniform(1, nan)", want);
    snprintf(want, sizeof want, "'inf': infinity is not allowed; use a large finite number (character 1 of the value)%s", num);
    expect_error("inf", want);
    expect_error("uniform(1, 2) x",
                 "unexpected 'x' after the expression (character 15 of the value) (allowed: one number or one distribution, e.g. "
                 "uniform(1, 2))");
    expect_error("choice(1 @ 0.5, 2 @ 0.4)",
                 "choice weights sum to 0.9, not 1 (character 1 of the value) (allowed: choice(x1 @ w1, x2 @ w2, ...) with weights >= 0 "
                 "summing to 1, or no weights)");
    expect_error("choice(1 @ 0.5, 2)",
                 "choice: give a weight to every item or to none (character 1 of the value) (allowed: choice(x1 @ w1, x2 @ w2, ...) with "
                 "weights >= 0 summing to 1, or no weights)");
    snprintf(want, sizeof want, "'1e999': number too large (character 1 of the value)%s", num);
    expect_error("1e999", want);
    snprintf(want, sizeof want, "'0x10': not a decimal number (character 1 of the value)%s", num);
    expect_error("0x10", want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uniform),         cmocka_unit_test(test_loguniform),
        cmocka_unit_test(test_triangular),      cmocka_unit_test(test_triangular_edge),
        cmocka_unit_test(test_pert),            cmocka_unit_test(test_normal),
        cmocka_unit_test(test_truncnormal),     cmocka_unit_test(test_truncnormal_tail),
        cmocka_unit_test(test_lognormal),       cmocka_unit_test(test_beta),
        cmocka_unit_test(test_beta_small),      cmocka_unit_test(test_gamma),
        cmocka_unit_test(test_gamma_small_shape), cmocka_unit_test(test_poisson),
        cmocka_unit_test(test_poisson_large),   cmocka_unit_test(test_choice_numbers),
        cmocka_unit_test(test_choice_equal),    cmocka_unit_test(test_choice_mixture),
        cmocka_unit_test(test_pi),              cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_quantile_extreme_shapes),
        cmocka_unit_test(test_format_roundtrip), cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("dist", tests, NULL, NULL);
}
