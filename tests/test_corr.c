/* test_corr.c - rank correlations imposed with Iman-Conover: the achieved
 * Spearman correlations are within sampling tolerance of the targets, every
 * parameter keeps exactly the values it would have had (so its marginal is
 * unchanged), any stretch of trials is a sample from the right marginal, the
 * result does not depend on threads, and inconsistent matrices are refused. */
#include "testutil.h"

#include <gsl/gsl_statistics_double.h>

#include "corr.h"
#include "dist.h"
#include "rng.h"

#define G SIM_CORR_GROUP

static const char SCEN[] = "[scenario]\n"
                           "extends = " RISKMC_SCENARIO_DIR "/ishigami.ini\n"
                           "[ishigami]\n"
                           "x3 = gamma(2, 1)   [R1]\n"
                           "[correlation]\n"
                           "ishigami.x1 = ishigami.x2: 0.7, ishigami.x3: -0.4   [assumption]\n"
                           "ishigami.x2 = ishigami.x3: 0.2   [assumption]\n";

static void open_text(sim_inst *inst, const char *text)
{
    char *p = tu_write_tmp("corr.ini", text);
    sim_err err;
    if (sim_inst_open(inst, p, NULL, &err) != 0) {
        print_error("%s\n", err.msg);
        fail();
    }
    free(p);
}

static int open_err(const char *text, sim_err *err)
{
    char *p = tu_write_tmp("corr.ini", text);
    sim_inst inst;
    int rc = sim_inst_open(&inst, p, NULL, err);
    if (rc == 0) sim_inst_close(&inst);
    free(p);
    return rc;
}

/* Spearman correlation of n pairs (mid-ranks for ties). */
static void ranks(const double *x, size_t n, double *r)
{
    size_t *o = malloc(n * sizeof *o);
    gsl_sort_index(o, x, 1, n);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && x[o[j + 1]] == x[o[i]]) j++;
        for (size_t t = i; t <= j; t++) r[o[t]] = (double)(i + j) / 2;
        i = j + 1;
    }
    free(o);
}

static double spearman(const double *x, const double *y, size_t n)
{
    double *rx = malloc(n * sizeof *rx), *ry = malloc(n * sizeof *ry);
    ranks(x, n, rx);
    ranks(y, n, ry);
    double c = gsl_stats_correlation(rx, 1, ry, 1, n);
    free(rx), free(ry);
    return c;
}

/* |z(r) - z(rho)| <= 4 sd, sd = sqrt(1.06 / (n - 3)) for Spearman's r
 * (Fieller, Hartley & Pearson 1957) */
static void check_rho(double r, double rho, size_t n)
{
    double tol = 4 * sqrt(1.06 / ((double)n - 3));
    if (fabs(atanh(r) - atanh(rho)) > tol) {
        print_error("spearman %.4f, target %.4f, n %zu: |dz| %.4f > %.4f\n", r, rho, n, fabs(atanh(r) - atanh(rho)),
                    tol);
        fail();
    }
}

static void test_targets_and_marginals(void **state)
{
    (void)state;
    sim_inst inst;
    open_text(&inst, SCEN);
    const size_t *idx;
    size_t k = sim_corr_count(inst.corr, &idx);
    assert_int_equal(k, 3);
    double *v = malloc(k * G * sizeof *v), *x = malloc(G * sizeof *x);
    gsl_rng *r = sim_rng_alloc();
    for (uint64_t g = 0; g < 3; g++) {
        sim_corr_group(&inst, 11, g, v);
        for (size_t a = 0; a < k; a++)
            for (size_t b = a + 1; b < k; b++)
                check_rho(spearman(&v[a * G], &v[b * G], G), sim_corr_target(inst.corr, a, b), G);
        /* every parameter holds exactly its own independent draws */
        for (size_t j = 0; j < k; j++) {
            const sim_param *p = &inst.param[idx[j]];
            for (size_t t = 0; t < G; t++) {
                sim_rng_seek(r, 11, g * G + t, p->stream, 0, 0);
                x[t] = sim_dist_sample(p->dist, r);
            }
            double *y = malloc(G * sizeof *y);
            memcpy(y, &v[j * G], G * sizeof *y);
            gsl_sort(x, 1, G);
            gsl_sort(y, 1, G);
            assert_memory_equal(x, y, G * sizeof *x);
            free(y);
        }
    }
    free(v), free(x);
    gsl_rng_free(r);
    sim_inst_close(&inst);
}

static double gamma21_cdf(double x, const void *arg)
{
    (void)arg;
    return gsl_cdf_gamma_P(x, 2, 1);
}

/* A run shorter than a group, through sim_inst_sample as the engine does:
 * the first 2,000 trials' x3 is a gamma(2, 1) sample (KS at level 0.001) and
 * the pairs keep their correlations within the tolerance for 2,000. */
static void test_short_run(void **state)
{
    (void)state;
    sim_inst inst;
    open_text(&inst, SCEN);
    enum { N = 2000 };
    double *th = malloc(inst.nparam * sizeof *th), *c[3];
    for (int j = 0; j < 3; j++) c[j] = malloc(N * sizeof(double));
    gsl_rng *r = sim_rng_alloc();
    long ix[3] = {sim_inst_find_param(&inst, "ishigami.x1"), sim_inst_find_param(&inst, "ishigami.x2"),
                  sim_inst_find_param(&inst, "ishigami.x3")};
    for (size_t t = 0; t < N; t++) {
        sim_inst_sample(&inst, 5, t, r, th);
        for (int j = 0; j < 3; j++) c[j][t] = th[ix[j]];
    }
    check_rho(spearman(c[0], c[1], N), 0.7, N);
    check_rho(spearman(c[0], c[2], N), -0.4, N);
    check_rho(spearman(c[1], c[2], N), 0.2, N);
    assert_true(tu_ks(c[2], N, gamma21_cdf, NULL) < tu_ks_crit(N));
    for (int j = 0; j < 3; j++) free(c[j]);
    free(th);
    gsl_rng_free(r);
    sim_inst_close(&inst);
}

/* 25,000 trials (three groups, the last partial) at 1 and 2 threads give the
 * same outputs. */
static void test_threads(void **state)
{
    (void)state;
    char *p = tu_write_tmp("corr.ini", SCEN);
    const char *names[] = {"y"};
    double *a, *b;
    tu_run(p, NULL, 25000, 3, 1, 1, names, &a);
    tu_run(p, NULL, 25000, 3, 2, 1, names, &b);
    assert_memory_equal(a, b, 25000 * sizeof *a);
    free(a), free(b), free(p);
}

static void expect_error(const char *body, const char *want)
{
    char *text = sim_asprintf("[scenario]\nextends = " RISKMC_SCENARIO_DIR "/ishigami.ini\n%s", body);
    sim_err err;
    assert_int_equal(open_err(text, &err), -1);
    if (!strstr(err.msg, want)) {
        print_error("got: %s\nwanted: %s\n", err.msg, want);
        fail();
    }
    free(text);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("[correlation]\nishigami.x1 = ishigami.x2: 0.9, ishigami.x3: 0.9 [assumption]\n"
                 "ishigami.x2 = ishigami.x3: -0.9 [assumption]\n",
                 "corr.ini:3: [correlation]: the rank correlations are not consistent: their matrix is not positive "
                 "definite (smallest eigenvalue -0.");
    expect_error("[correlation]\nishigami.x1 = ishigami.x1: 0.5 [assumption]\n",
                 "correlation.ishigami.x1: a parameter cannot be correlated with itself");
    expect_error("[correlation]\nishigami.x1 = ishigami.x4: 0.5 [assumption]\n",
                 "unknown parameter 'ishigami.x4' (did you mean 'ishigami.x1'?");
    expect_error("[correlation]\nishigami.x1 = ishigami.a: 0.5 [assumption]\n",
                 "'ishigami.a' is a fixed value, not a distribution");
    expect_error("[correlation]\nishigami.x1 = ishigami.x2: 1 [assumption]\n",
                 "rank correlation '1' with ishigami.x2 is not a number strictly between -1 and 1");
    expect_error("[correlation]\nishigami.x1 = ishigami.x2: 0.5 [assumption]\nishigami.x2 = ishigami.x1: 0.2 "
                 "[assumption]\n",
                 "the pair ishigami.x2, ishigami.x1 is already given at");
    expect_error("[correlation]\nishigami.x1 = ishigami.x2 0.5 [assumption]\n", "is not 'parameter: rank correlation'");
    expect_error("[uncertainty]\nchance = ishigami.x2\n[correlation]\nishigami.x1 = ishigami.x2: 0.5 [assumption]\n",
                 "ishigami.x2 is drawn by chance ([uncertainty] chance)");
    expect_error("[uncertainty]\nchance = ishigami.x9\n", "uncertainty.chance: unknown parameter 'ishigami.x9'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_targets_and_marginals),
        cmocka_unit_test(test_short_run),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("corr", tests, NULL, NULL);
}
