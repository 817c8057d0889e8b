/* testutil.h - helpers shared by the unit tests: cmocka, statistical
 * checks with tolerances from the Monte Carlo standard error, and running
 * scenarios in-process.
 *
 * Statistical tests run at a fixed seed, so they are deterministic; their
 * tolerances are what a correct implementation passes with overwhelming
 * probability (4 standard errors, or p > 0.001 for goodness of fit), so a
 * wrong law or a biased sampler fails them. */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#define _GNU_SOURCE

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>

#include "engine.h"
#include "inst.h"
#include "results.h"
#include "util.h"

/* Sample mean and variance; their standard errors (the variance's from the
 * sample fourth central moment). */
typedef struct moments {
    double mean, var, se_mean, se_var;
} moments;

static inline moments tu_moments(const double *x, size_t n)
{
    moments m = {0};
    long double s = 0;
    for (size_t i = 0; i < n; i++) s += x[i];
    m.mean = (double)(s / (long double)n);
    long double s2 = 0, s4 = 0;
    for (size_t i = 0; i < n; i++) {
        long double d = x[i] - m.mean;
        s2 += d * d;
        s4 += d * d * d * d;
    }
    m.var = (double)(s2 / (long double)(n - 1));
    double mu4 = (double)(s4 / (long double)n);
    m.se_mean = sqrt(m.var / (double)n);
    m.se_var = sqrt(fmax(mu4 - m.var * m.var, 0) / (double)n);
    return m;
}

/* Assert mean and variance agree with the exact ones within 4 SE. The
 * standard errors are the sample's, floored by those the exact variance
 * implies (normal theory, or Poisson-like for a nearly constant count), so
 * that a sample that happens to miss a rare value is not judged by zero. */
#define TU_ASSERT_MOMENTS(x, n, mu_exact, var_exact)                                                              \
    do {                                                                                             \
        moments m_ = tu_moments((x), (n));                                                           \
        double ve_ = (var_exact), nn_ = (double)(n);                                                 \
        double sm_ = fmax(m_.se_mean, sqrt(ve_ / nn_));                                              \
        double sv_ = fmax(m_.se_var, sqrt((ve_ + 2 * ve_ * ve_) / nn_));                             \
        double tm_ = 4 * sm_ + 1e-12, tv_ = 4 * sv_ + 1e-12;                                         \
        if (fabs(m_.mean - (mu_exact)) > tm_ || fabs(m_.var - (var_exact)) > tv_) {                  \
            print_error("mean %.6g (exact %.6g, tol %.3g), var %.6g (exact %.6g, tol %.3g)\n",       \
                        m_.mean, (double)(mu_exact), tm_, m_.var, (double)(var_exact), tv_);         \
            fail();                                                                                  \
        }                                                                                            \
    } while (0)

/* Kolmogorov-Smirnov distance of a sample against a CDF. */
static inline double tu_ks(double *x, size_t n, double (*cdf)(double, const void *), const void *arg)
{
    gsl_sort(x, 1, n);
    double d = 0;
    for (size_t i = 0; i < n; i++) {
        double f = cdf(x[i], arg);
        double a = fabs(f - (double)i / (double)n), b = fabs((double)(i + 1) / (double)n - f);
        if (a > d) d = a;
        if (b > d) d = b;
    }
    return d;
}

/* Critical KS distance at level 0.001 (asymptotic). */
static inline double tu_ks_crit(size_t n)
{
    return 1.949 / sqrt((double)n);
}

/* Chi-square goodness of fit of integer counts against a pmf whose support
 * starts at lo; values above hi are pooled into the last bin, and adjacent
 * bins are pooled until each expects >= 5. Returns the p-value. */
static inline double tu_chisq_int(const double *x, size_t n, double (*pmf)(long, const void *), const void *arg,
                                  long lo, long hi)
{
    size_t nb = (size_t)(hi - lo + 1);
    double *obs = calloc(nb, sizeof *obs), *expc = calloc(nb, sizeof *expc);
    for (size_t i = 0; i < n; i++) {
        long v = lround(x[i]);
        if (v < lo) v = lo;
        if (v > hi) v = hi;
        obs[v - lo]++;
    }
    /* lo is the bottom of the support; the mass above hi joins the last bin */
    double tot = 0;
    for (long k = lo; k <= hi; k++) tot += expc[k - lo] = pmf(k, arg) * (double)n;
    expc[nb - 1] += fmax((double)n - tot, 0);
    double stat = 0, eacc = 0, oacc = 0;
    int df = -1;
    for (size_t i = 0; i < nb; i++) {
        eacc += expc[i];
        oacc += obs[i];
        if (eacc >= 5 || i == nb - 1) {
            if (eacc > 0) stat += (oacc - eacc) * (oacc - eacc) / eacc, df++;
            eacc = oacc = 0;
        }
    }
    free(obs);
    free(expc);
    return df > 0 ? gsl_cdf_chisq_Q(stat, df) : 1.0;
}

/* Write text to a fresh temporary file; returns its path (free it). */
static inline char *tu_write_tmp(const char *name, const char *text)
{
    char *dir = sim_asprintf("%s/riskmc-test-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) abort();
    char *path = sim_asprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    free(dir);
    return path;
}

/* Collect every trial's value of some outputs. */
typedef struct tu_collect {
    const sim_inst *inst;
    size_t nwant;
    long idx[16];
    double *v[16];
    size_t n;
} tu_collect;

static inline int tu_on_block(void *user, const sim_block *b, sim_err *err)
{
    (void)err;
    tu_collect *c = user;
    for (size_t i = 0; i < b->n; i++, c->n++)
        for (size_t k = 0; k < c->nwant; k++) c->v[k][c->n] = b->out[i * c->inst->nout + (size_t)c->idx[k]];
    return 0;
}

/* Open a scenario with overrides (NULL-terminated) and run n trials; the
 * values of the named outputs land in out[k] (malloc'd arrays of n). */
static inline void tu_run(const char *path, const char *const *sets, uint64_t n, uint64_t seed, int threads,
                          size_t nwant, const char *const *names, double **out)
{
    size_t ns = 0;
    while (sets && sets[ns]) ns++;
    sim_open_opts o = {sets, ns, false, NULL};
    sim_inst inst;
    sim_err err;
    if (sim_inst_open(&inst, path, &o, &err) != 0) {
        print_error("open %s: %s\n", path, err.msg);
        fail();
    }
    tu_collect c = {&inst, nwant, {0}, {0}, 0};
    for (size_t k = 0; k < nwant; k++) {
        c.idx[k] = sim_inst_find_output(&inst, names[k]);
        assert_true(c.idx[k] >= 0);
        c.v[k] = out[k] = calloc(n, sizeof(double));
    }
    sim_runcfg cfg = {0};
    cfg.seed = seed;
    cfg.n = n;
    cfg.threads = threads;
    if (sim_engine_run(&inst, &cfg, NULL, tu_on_block, &c, &err) != 0) {
        print_error("run: %s\n", err.msg);
        fail();
    }
    assert_int_equal(c.n, n);
    sim_inst_close(&inst);
}

#endif
