/* test_sgrid.c - the daily-series histograms against the values kept in
 * full: exact quantiles, means and counts while a day's values span fewer
 * bins than the cap; within half a bin, with the narrowest sufficient
 * width, beyond it; and the same counts however trials are batched, split
 * and merged, or packed and unpacked. */
#include "testutil.h"

#include <gsl/gsl_statistics.h>

#include "sgrid.h"

#define DAYS 19
#define NT 3000

static const double P[9] = {0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975};

static uint64_t xorshift(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return *x;
}

/* NT trials of DAYS days: day t of trial i; `wide` spreads day 7 over ~10^6 */
static void fill(int32_t *v, bool wide)
{
    uint64_t x = 88172645463325252ULL;
    for (size_t i = 0; i < NT; i++)
        for (int t = 0; t < DAYS; t++) {
            int64_t r = (int64_t)(xorshift(&x) % 1000);
            int64_t val;
            if (t % 3 == 0) val = 1297;                       /* one value for everyone */
            else if (t % 3 == 1) val = r < 900 ? 0 : r * 3;   /* mostly zero, a long tail */
            else val = 15000 + r * 5 - (int64_t)i % 7;        /* spread over 5,000 */
            if (t == 5) val = -val;                           /* negative values */
            if (wide && t == 7) val = (int64_t)(x % 1000003) - 500000;
            v[i * DAYS + (size_t)t] = (int32_t)val;
        }
}

/* Day t of g against the kept values v (k trials of `days` days): its
 * quantiles within tol of GSL's; col is left holding the day's values sorted. */
static void check_day(const sim_sgrid *g, const int32_t *v, size_t k, int days, int t, double tol, double *col)
{
    for (size_t i = 0; i < k; i++) col[i] = v[i * (size_t)days + (size_t)t];
    gsl_sort(col, 1, k);
    double q[9];
    sim_sgrid_quantiles(g, t, P, 9, q);
    for (int j = 0; j < 9; j++)
        assert_true(fabs(q[j] - gsl_stats_quantile_from_sorted_data(col, 1, k, P[j])) <= tol);
}

static void same_grids(const sim_sgrid *a, const sim_sgrid *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->H, b->H);
    for (int t = 0; t < a->H; t++) {
        double qa[9], qb[9];
        sim_sgrid_quantiles(a, t, P, 9, qa);
        sim_sgrid_quantiles(b, t, P, 9, qb);
        for (int k = 0; k < 9; k++) assert_true(qa[k] == qb[k]);
        assert_true(sim_sgrid_mean(a, t) == sim_sgrid_mean(b, t));
        assert_int_equal(sim_sgrid_resolution(a, t), sim_sgrid_resolution(b, t));
    }
}

static void test_exact(void **state)
{
    (void)state;
    int32_t *v = malloc(NT * DAYS * sizeof *v);
    double *col = malloc(NT * sizeof *col);
    fill(v, false);
    sim_sgrid g;
    sim_sgrid_init(&g, DAYS, 8192);
    sim_sgrid_add_batch(&g, v, NT, 1, DAYS);
    for (int t = 0; t < DAYS; t++) {
        assert_int_equal(sim_sgrid_resolution(&g, t), 1);
        check_day(&g, v, NT, DAYS, t, 0, col);
        long double s = 0;
        for (size_t i = 0; i < NT; i++) s += col[i];
        assert_true(sim_sgrid_mean(&g, t) == (double)(s / NT));
        uint64_t lt, eq, want_lt = 0, want_eq = 0;
        double x = col[NT / 3];
        for (size_t i = 0; i < NT; i++) want_lt += col[i] < x, want_eq += col[i] == x;
        sim_sgrid_count(&g, t, x, &lt, &eq);
        assert_int_equal(lt, want_lt);
        assert_int_equal(eq, want_eq);
    }
    sim_sgrid_free(&g);
    free(v), free(col);
}

static void test_wide(void **state)
{
    (void)state;
    int32_t *v = malloc(NT * DAYS * sizeof *v);
    double *col = malloc(NT * sizeof *col);
    fill(v, true);
    const size_t cap = 1024;
    sim_sgrid g;
    sim_sgrid_init(&g, DAYS, cap);
    sim_sgrid_add_batch(&g, v, NT, 1, DAYS);
    for (int t = 0; t < DAYS; t++) {
        int64_t w = sim_sgrid_resolution(&g, t);
        check_day(&g, v, NT, DAYS, t, (double)w / 2 + 1e-9, col);
        int64_t lo = (int64_t)col[0], hi = (int64_t)col[NT - 1];
        /* the narrowest width 2^s at which lo and hi lie fewer than cap bins apart */
        unsigned s = 0;
        while ((uint64_t)((hi >> s) - (lo >> s)) >= cap) s++;
        assert_int_equal(w, (int64_t)1 << s);
        if (t == 7) assert_true(w >= 1024);
    }
    sim_sgrid_free(&g);
    free(v), free(col);
}

/* one batch, trial by trial, uneven batches, split over three grids merged
 * in two orders, and through pack/unpack: the same grid */
static void test_merge(void **state)
{
    (void)state;
    int32_t *v = malloc(NT * DAYS * sizeof *v);
    for (int wide = 0; wide < 2; wide++) {
        fill(v, wide);
        const size_t cap = wide ? 600 : 4096;
        sim_sgrid all, one, parts[3], m1, m2;
        sim_sgrid_init(&all, DAYS, cap);
        sim_sgrid_add_batch(&all, v, NT, 1, DAYS);
        sim_sgrid_init(&one, DAYS, cap);
        for (size_t i = NT; i-- > 0;) sim_sgrid_add(&one, &v[i * DAYS]); /* backwards */
        same_grids(&all, &one);
        /* uneven split: small batches first, so widths grow in steps */
        const size_t cut[4] = {0, 7, 1900, NT};
        for (int p = 0; p < 3; p++) {
            sim_sgrid_init(&parts[p], DAYS, cap);
            for (size_t i = cut[p]; i < cut[p + 1]; i += 5)
                sim_sgrid_add_batch(&parts[p], &v[i * DAYS], i + 5 <= cut[p + 1] ? 5 : cut[p + 1] - i, 1, DAYS);
        }
        sim_sgrid_init(&m1, DAYS, cap);
        sim_sgrid_init(&m2, DAYS, cap);
        for (int p = 0; p < 3; p++) sim_sgrid_merge(&m1, &parts[p]);
        for (int p = 3; p-- > 0;) sim_sgrid_merge(&m2, &parts[p]);
        same_grids(&all, &m1);
        same_grids(&all, &m2);
        uint8_t *buf;
        size_t len = sim_sgrid_pack(&m1, &buf);
        sim_sgrid u;
        assert_int_equal(sim_sgrid_unpack(&u, buf, len, cap), 0);
        same_grids(&all, &u);
        sim_sgrid_free(&u);
        /* damaged: short, long, or a count changed */
        assert_int_equal(sim_sgrid_unpack(&u, buf, len - 1, cap), -1);
        assert_int_equal(sim_sgrid_unpack(&u, buf, 8, cap), -1);
        buf[len - 1] ^= 1;
        assert_int_equal(sim_sgrid_unpack(&u, buf, len, cap), -1);
        free(buf);
        sim_sgrid_free(&all), sim_sgrid_free(&one), sim_sgrid_free(&m1), sim_sgrid_free(&m2);
        for (int p = 0; p < 3; p++) sim_sgrid_free(&parts[p]);
    }
    free(v);
}

/* grids cutting their bins from one arena give the grids of their own;
 * absorbing works into a grid of either kind, and a grid that took another's
 * bins by absorbing grows its own afterwards */
static void test_shared_arena(void **state)
{
    (void)state;
    int32_t *v = malloc(NT * DAYS * sizeof *v);
    fill(v, true);
    const size_t cap = 600, half = NT / 2;
    sim_sgrid all, sh[3], own, into_shared, into_own, part;
    sim_sgrid_init(&all, DAYS, cap);
    sim_sgrid_add_batch(&all, v, NT, 1, DAYS);
    sim_sarena arena = {0};
    for (int p = 0; p < 3; p++) {
        sim_sgrid_init_in(&sh[p], DAYS, cap, &arena);
        for (size_t i = 0; i < NT; i += 64) /* in turns, as a run's series are */
            sim_sgrid_add_batch(&sh[p], &v[i * DAYS], i + 64 <= NT ? 64 : NT - i, 1, DAYS);
        same_grids(&all, &sh[p]);
    }
    /* the first half into an empty grid of each kind, then the second */
    sim_sgrid_init_in(&into_shared, DAYS, cap, &arena);
    sim_sgrid_init(&into_own, DAYS, cap);
    for (int k = 0; k < 2; k++) {
        sim_sgrid *dst = k ? &into_own : &into_shared;
        sim_sgrid_init(&part, DAYS, cap);
        sim_sgrid_add_batch(&part, v, half, 1, DAYS);
        sim_sgrid_absorb(dst, &part);
        sim_sgrid_free(&part);
        sim_sgrid_add_batch(dst, &v[half * DAYS], NT - half, 1, DAYS);
        same_grids(&all, dst);
    }
    sim_sgrid_init(&own, DAYS, cap);
    sim_sgrid_absorb(&own, &sh[0]); /* from a shared grid: merged, not taken */
    same_grids(&all, &own);
    same_grids(&all, &sh[0]);
    sim_sgrid_free(&all), sim_sgrid_free(&own), sim_sgrid_free(&into_own), sim_sgrid_free(&into_shared);
    for (int p = 0; p < 3; p++) sim_sgrid_free(&sh[p]);
    sim_sarena_free(&arena);
    free(v);
}

/* grids sharing an arena, each counted into by its own thread at the same
 * time (as a run's threads count different series at once): every one the
 * same as the grid of all the values; small batches make the grids take and
 * give back bins from the arena often, all at once */
static void test_shared_arena_threads(void **state)
{
    (void)state;
    enum { G = 6 };
    int32_t *v = malloc(NT * DAYS * sizeof *v);
    fill(v, true);
    const size_t cap = 600;
    sim_sgrid all, sh[G];
    sim_sgrid_init(&all, DAYS, cap);
    sim_sgrid_add_batch(&all, v, NT, 1, DAYS);
    sim_sarena arena = {0};
    for (int p = 0; p < G; p++) sim_sgrid_init_in(&sh[p], DAYS, cap, &arena);
    for (int round = 0; round < 20; round++) {
#pragma omp parallel for num_threads(G) schedule(static, 1)
        for (int p = 0; p < G; p++)
            for (size_t i = 0; i < NT; i += 7)
                sim_sgrid_add_batch(&sh[p], &v[i * DAYS], i + 7 <= NT ? 7 : NT - i, 1, DAYS);
        for (int p = 0; p < G; p++) {
            same_grids(&all, &sh[p]);
            sim_sgrid_free(&sh[p]);
            sim_sgrid_init_in(&sh[p], DAYS, cap, &arena);
        }
    }
    for (int p = 0; p < G; p++) sim_sgrid_free(&sh[p]);
    sim_sgrid_free(&all);
    sim_sarena_free(&arena);
    free(v);
}

/* a short horizon allows days of millions of bins: bins of their own */
static void test_big_day(void **state)
{
    (void)state;
    enum { K = 4000, D = 3 };
    int32_t *v = malloc(K * D * sizeof *v);
    double *col = malloc(K * sizeof *col);
    uint64_t x = 7;
    for (size_t i = 0; i < K * D; i++) v[i] = (int32_t)(xorshift(&x) % 1000000000);
    sim_sgrid g;
    sim_sgrid_init(&g, D, (size_t)4 << 20);
    sim_sgrid_add_batch(&g, v, K / 2, 1, D);
    sim_sgrid_add_batch(&g, &v[K / 2 * D], K / 2, 1, D);
    for (int t = 0; t < D; t++) {
        double w = (double)sim_sgrid_resolution(&g, t);
        assert_true(w >= 128 && w <= 512);
        check_day(&g, v, K, D, t, w / 2 + 1e-9, col);
    }
    sim_sgrid_free(&g);
    free(v), free(col);
}

/* Counts are 16-bit while a grid has fewer than 65,536 trials: a point mass
 * of 68,000 trials must widen them, whether trials are added or merged. */
static void test_wide_counts(void **state)
{
    (void)state;
    enum { K = 70000, D = 4 };
    int32_t *v = malloc(K * D * sizeof *v);
    double *col = malloc(K * sizeof *col);
    uint64_t x = 99;
    for (size_t i = 0; i < K * D; i++) {
        uint64_t r = xorshift(&x);
        v[i] = r % 100 < 97 ? 0 : (int32_t)(r % 5000);
    }
    sim_sgrid all, a, b, m, u;
    sim_sgrid_init(&all, D, 8192);
    sim_sgrid_add_batch(&all, v, 40000, 1, D);             /* 16-bit counts */
    sim_sgrid_add_batch(&all, &v[40000 * D], K - 40000, 1, D); /* widened */
    for (int t = 0; t < D; t++) {
        check_day(&all, v, K, D, t, 0, col);
        uint64_t lt, eq, want = 0;
        for (size_t i = 0; i < K; i++) want += col[i] == 0;
        sim_sgrid_count(&all, t, 0, &lt, &eq);
        assert_true(lt == 0 && eq == want && want > 65535);
    }
    /* two 16-bit grids merged into a third, and into each other */
    sim_sgrid_init(&a, D, 8192);
    sim_sgrid_init(&b, D, 8192);
    sim_sgrid_init(&m, D, 8192);
    sim_sgrid_add_batch(&a, v, 35000, 1, D);
    sim_sgrid_add_batch(&b, &v[35000 * D], K - 35000, 1, D);
    sim_sgrid_merge(&m, &a);
    sim_sgrid_merge(&m, &b);
    same_grids(&all, &m);
    sim_sgrid_merge(&b, &a);
    same_grids(&all, &b);
    uint8_t *buf;
    size_t len = sim_sgrid_pack(&m, &buf);
    assert_int_equal(sim_sgrid_unpack(&u, buf, len, 8192), 0);
    same_grids(&all, &u);
    free(buf);
    sim_sgrid_free(&u);
    /* a 16-bit grid's pack read back, and merged into a wide one */
    len = sim_sgrid_pack(&a, &buf);
    assert_int_equal(sim_sgrid_unpack(&u, buf, len, 8192), 0);
    same_grids(&a, &u);
    free(buf);
    sim_sgrid_free(&u);
    sim_sgrid_free(&all), sim_sgrid_free(&a), sim_sgrid_free(&b), sim_sgrid_free(&m);
    free(v), free(col);
}

static void test_empty(void **state)
{
    (void)state;
    sim_sgrid g, u;
    sim_sgrid_init(&g, DAYS, 64);
    double q[9];
    sim_sgrid_quantiles(&g, 3, P, 9, q);
    assert_true(isnan(q[0]) && isnan(sim_sgrid_mean(&g, 3)));
    uint8_t *buf;
    size_t len = sim_sgrid_pack(&g, &buf);
    assert_int_equal(sim_sgrid_unpack(&u, buf, len, 64), 0);
    assert_int_equal(u.n, 0);
    free(buf);
    sim_sgrid_free(&u);
    sim_sgrid_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact),
        cmocka_unit_test(test_wide),
        cmocka_unit_test(test_merge), cmocka_unit_test(test_shared_arena),
        cmocka_unit_test(test_shared_arena_threads),
        cmocka_unit_test(test_big_day),
        cmocka_unit_test(test_wide_counts),
        cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests_name("sgrid", tests, NULL, NULL);
}
