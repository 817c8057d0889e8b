/* test_rng.c - counter-based streams: the same (seed, trial, stream, sub)
 * always gives the same numbers, wherever and in whatever order it is
 * used; different addresses give different, uncorrelated numbers. */
#include "testutil.h"

#include "rng.h"

static void fill(gsl_rng *r, uint64_t seed, uint64_t trial, uint64_t stream, uint64_t sub, double *x, size_t n)
{
    sim_rng_seek(r, seed, trial, stream, sub, 0);
    for (size_t i = 0; i < n; i++) x[i] = gsl_rng_uniform(r);
}

static void test_reproducible(void **state)
{
    (void)state;
    gsl_rng *a = sim_rng_alloc(), *b = sim_rng_alloc();
    double x[1000], y[1000], z[1000];
    fill(a, 1, 5, 99, 3, x, 1000);
    fill(b, 2, 0, 1, 0, z, 10); /* another stream in between */
    fill(b, 1, 5, 99, 3, y, 1000);
    assert_memory_equal(x, y, sizeof x);
    /* seeking back mid-way restarts the stream */
    fill(a, 1, 5, 99, 3, z, 500);
    assert_memory_equal(x, z, 500 * sizeof *x);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

static void test_distinct(void **state)
{
    (void)state;
    gsl_rng *r = sim_rng_alloc();
    enum { N = 20000 };
    static double base[N], other[N];
    fill(r, 1, 5, 99, 3, base, N);
    const uint64_t addr[][4] = {{2, 5, 99, 3}, {1, 6, 99, 3}, {1, 5, 100, 3}, {1, 5, 99, 4}};
    for (size_t k = 0; k < 4; k++) {
        fill(r, addr[k][0], addr[k][1], addr[k][2], addr[k][3], other, N);
        /* correlation of independent uniforms: sd 1/sqrt(N); 4 sd */
        double sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0;
        for (size_t i = 0; i < N; i++) {
            sx += base[i], sy += other[i];
            sxy += base[i] * other[i], sxx += base[i] * base[i], syy += other[i] * other[i];
        }
        double cov = sxy / N - (sx / N) * (sy / N);
        double corr = cov / sqrt((sxx / N - sx * sx / N / N) * (syy / N - sy * sy / N / N));
        assert_true(fabs(corr) < 4 / sqrt((double)N));
        size_t same = 0;
        for (size_t i = 0; i < N; i++) same += base[i] == other[i];
        assert_true(same < 5);
    }
    gsl_rng_free(r);
}

static void test_uniformity(void **state)
{
    (void)state;
    gsl_rng *r = sim_rng_alloc();
    enum { N = 100000 };
    static double x[N];
    fill(r, 42, 0, 7, 0, x, N);
    gsl_sort(x, 1, N);
    double d = 0;
    for (size_t i = 0; i < N; i++) {
        double a = fabs(x[i] - (double)i / N), b = fabs((double)(i + 1) / N - x[i]);
        d = fmax(d, fmax(a, b));
    }
    assert_true(d < tu_ks_crit(N));
    gsl_rng_free(r);
}

static void test_stream_ids(void **state)
{
    (void)state;
    assert_true(sim_rng_stream_id("param", "initial.latent0") != sim_rng_stream_id("process", "initial.latent0"));
    assert_true(sim_rng_stream_id("param", "a") == sim_rng_stream_id("param", "a"));
    /* FNV-1a, stable across builds and machines: a change here would change
     * every published result */
    assert_true(sim_hash64("riskmc") == 0xe30e72e9bca5e328ULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_distinct),
        cmocka_unit_test(test_uniformity),
        cmocka_unit_test(test_stream_ids),
    };
    return cmocka_run_group_tests_name("rng", tests, NULL, NULL);
}
