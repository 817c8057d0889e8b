/* twod.c - see twod.h. */
#include "twod.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

const char *const SIM_UNCERTAINTY_COLUMNS[] = {
    "output",     "statistic", "threshold", "pooled",   "pooled_mcse", "outer_mean",
    "outer_sd",   "inner_se",  "between_sd", "outer_p5", "outer_p50",  "outer_p95", NULL};
const char *const SIM_EXCEEDANCE_COLUMNS[] = {"output", "x", "pooled", "outer_mean", "outer_p5", "outer_p50",
                                              "outer_p95", NULL};

static const double QP[3] = {0.05, 0.5, 0.95};

/* Batch means: the outer samples in at most MAX_BATCH consecutive batches of
 * at least MIN_PER_BATCH. A batch's quantile must estimate the pooled one,
 * so it needs many outer samples: with 5 a batch, tail quantiles' standard
 * errors came out 18% low in a simulation of the Ishigami case of
 * tests/data/ishigami-2d.ini, with 20 within 1-4%. With fewer than
 * MIN_BATCH batches (100 outer samples) the sd's and quantiles' standard
 * errors are left empty. */
#define MAX_BATCH 20
#define MIN_BATCH 5
#define MIN_PER_BATCH 20

void sim_twod_init(sim_twod *t, const sim_inst *inst, uint64_t seed, uint64_t N, uint64_t M)
{
    memset(t, 0, sizeof *t);
    t->inst = inst;
    t->seed = seed;
    t->N = N;
    t->M = M;
    t->nout = inst->nout;
    t->nthr = inst->nthr;
    t->np = inst->nparam;
    t->cur = sim_calloc(M * t->nout + 1, sizeof *t->cur);
    t->theta0 = sim_calloc(t->np + 1, sizeof *t->theta0);
    t->theta = sim_calloc(N * t->np + 1, sizeof *t->theta);
    t->sum = sim_calloc(N * t->nout + 1, sizeof *t->sum);
    t->wvar = sim_calloc(N * t->nout + 1, sizeof *t->wvar);
    t->nv = sim_calloc(N * t->nout + 1, sizeof *t->nv);
    t->q = sim_calloc(N * t->nout * 3 + 1, sizeof *t->q);
    t->prob = sim_calloc(N * t->nthr + 1, sizeof *t->prob);
    t->chart = sim_calloc(t->nout + 1, sizeof *t->chart);
    for (size_t o = 0; o < t->nout; o++)
        if (inst->out[o].show >= SIM_SHOW_CHART) t->chart[t->nchart++] = o;
    t->vals = sim_calloc(N * t->nchart * M + 1, sizeof *t->vals);
    const uint64_t nb = N / MIN_PER_BATCH < MAX_BATCH ? N / MIN_PER_BATCH : MAX_BATCH;
    t->nbatch = nb >= MIN_BATCH ? (size_t)nb : 0;
    if (t->nbatch) {
        t->bacc = sim_calloc(t->nout + 1, sizeof *t->bacc);
        for (size_t o = 0; o < t->nout; o++) sim_acc_init(&t->bacc[o], inst->out[o].integer);
        t->bstat = sim_calloc(t->nbatch * t->nout * 6 + 1, sizeof *t->bstat);
    }
}

void sim_twod_free(sim_twod *t)
{
    free(t->cur), free(t->theta0), free(t->theta), free(t->sum), free(t->wvar), free(t->nv), free(t->q);
    free(t->prob), free(t->chart), free(t->vals), free(t->mean_mcse), free(t->spread_mcse), free(t->thr_mcse);
    for (size_t o = 0; t->bacc && o < t->nout; o++) sim_acc_free(&t->bacc[o]);
    free(t->bacc), free(t->bstat);
    memset(t, 0, sizeof *t);
}

void sim_twod_key(void *user, uint64_t d, uint64_t *trial, uint64_t *inner)
{
    const sim_twod *t = user;
    *trial = d / t->M;
    *inner = d % t->M;
}

void sim_twod_theta(void *user, uint64_t d, double *theta, gsl_rng *r)
{
    const sim_twod *t = user;
    sim_inst_sample2(t->inst, t->seed, d / t->M, d % t->M, r, theta);
}

void sim_twod_trials_header(sim_csvrow *r, const sim_inst *inst)
{
    sim_csv_str(r, "outer");
    sim_csv_str(r, "inner");
    for (size_t i = 0; i < inst->nparam; i++)
        if (inst->param[i].uncertain) sim_csv_str(r, inst->param[i].name);
    for (size_t i = 0; i < inst->nout; i++) sim_csv_str(r, inst->out[i].name);
    sim_csv_end(r);
}

void sim_twod_row(void *user, uint64_t d, const double *theta, const double *out, sim_buf *row)
{
    const sim_twod *t = user;
    sim_csvrow r = {*row, 0};
    sim_csv_int(&r, (long long)(d / t->M));
    sim_csv_int(&r, (long long)(d % t->M));
    for (size_t i = 0; i < t->np; i++)
        if (t->inst->param[i].uncertain) sim_csv_stat(&r, theta[i]);
    for (size_t i = 0; i < t->nout; i++) sim_csv_num(&r, out[i]);
    sim_csv_end(&r);
    *row = r.buf;
}

static int cmp_nan_last(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    if (isnan(a) || isnan(b)) return isnan(a) - isnan(b);
    return (a > b) - (a < b);
}

/* the statistics of a completed outer sample */
static void close_outer(sim_twod *t)
{
    const uint64_t i = t->outer, M = t->M;
    double *x = sim_malloc(M * sizeof *x);
    memcpy(&t->theta[i * t->np], t->theta0, t->np * sizeof *t->theta0);
    for (size_t o = 0; o < t->nout; o++) {
        size_t n = 0;
        for (uint64_t j = 0; j < M; j++) {
            double v = t->cur[j * t->nout + o];
            if (!isnan(v)) x[n++] = v;
        }
        const size_t io = i * t->nout + o;
        t->nv[io] = n;
        double s = 0;
        for (size_t k = 0; k < n; k++) s += x[k];
        t->sum[io] = s;
        t->wvar[io] = n > 1 ? gsl_stats_variance(x, 1, n) : 0;
        gsl_sort(x, 1, n);
        for (int k = 0; k < 3; k++) t->q[io * 3 + (size_t)k] = n ? gsl_stats_quantile_from_sorted_data(x, 1, n, QP[k]) : NAN;
    }
    for (size_t h = 0; h < t->nthr; h++) {
        const sim_threshold *th = &t->inst->thr[h];
        uint64_t k = 0;
        for (uint64_t j = 0; j < M; j++) k += t->cur[j * t->nout + th->output] >= th->value;
        t->prob[i * t->nthr + h] = (double)k / (double)M;
    }
    for (size_t c = 0; c < t->nchart; c++) {
        double *v = &t->vals[(i * t->nchart + c) * M];
        for (uint64_t j = 0; j < M; j++) v[j] = t->cur[j * t->nout + t->chart[c]];
        qsort(v, M, sizeof *v, cmp_nan_last);
    }
    free(x);
    if (t->nbatch) {
        /* batch b holds outer samples [b N / B, (b + 1) N / B) */
        const uint64_t b = i * t->nbatch / t->N;
        for (size_t o = 0; o < t->nout; o++)
            for (uint64_t j = 0; j < M; j++) sim_acc_add(&t->bacc[o], t->cur[j * t->nout + o]);
        if ((i + 1) * t->nbatch / t->N != b || i + 1 == t->N)
            for (size_t o = 0; o < t->nout; o++) {
                sim_summary s;
                sim_acc_summary(&t->bacc[o], &s);
                double *st = &t->bstat[(b * t->nout + o) * 6];
                st[0] = s.sd;
                for (int k = 0; k < 5; k++) st[1 + k] = s.q[k];
                sim_acc_free(&t->bacc[o]);
                sim_acc_init(&t->bacc[o], t->inst->out[o].integer);
            }
    }
    t->outer++;
    t->filled = 0;
}

void sim_twod_add(sim_twod *t, const sim_block *b)
{
    for (size_t k = 0; k < b->n; k++) {
        if (t->filled == 0) memcpy(t->theta0, &b->theta[k * t->np], t->np * sizeof *t->theta0);
        memcpy(&t->cur[t->filled * t->nout], &b->out[k * t->nout], t->nout * sizeof *t->cur);
        if (++t->filled == t->M) close_outer(t);
    }
}

void sim_twod_finish(sim_twod *t, sim_runstats *rs)
{
    const uint64_t N = t->N;
    t->mean_mcse = sim_calloc(t->nout + 1, sizeof *t->mean_mcse);
    t->spread_mcse = sim_calloc(t->nout * 6 + 1, sizeof *t->spread_mcse);
    t->thr_mcse = sim_calloc(t->nthr + 1, sizeof *t->thr_mcse);
    for (size_t o = 0; o < t->nout; o++) {
        /* cluster-robust standard error of the ratio mean sum(s_i) / sum(n_i) */
        double S = 0, n = 0;
        for (uint64_t i = 0; i < N; i++) S += t->sum[i * t->nout + o], n += (double)t->nv[i * t->nout + o];
        double se = NAN;
        if (n > 0 && N > 1) {
            double m = S / n, ss = 0;
            for (uint64_t i = 0; i < N; i++) {
                double e = t->sum[i * t->nout + o] - m * (double)t->nv[i * t->nout + o];
                ss += e * e;
            }
            se = sqrt(ss * (double)N / (double)(N - 1)) / n;
        }
        t->mean_mcse[o] = se;
        /* the sd and the quantiles: the spread of their batch values over
         * sqrt(B), which keeps whole outer samples together (the pooled
         * statistic is close to the mean of B batch statistics, each from
         * 1/B of the outer samples) */
        for (int k = 0; k < 6; k++) {
            double v[MAX_BATCH];
            size_t nv = 0;
            for (size_t b = 0; b < t->nbatch; b++) {
                const double x = t->bstat[(b * t->nout + o) * 6 + (size_t)k];
                if (!isnan(x)) v[nv++] = x;
            }
            t->spread_mcse[o * 6 + (size_t)k] =
                nv >= MIN_BATCH && nv == t->nbatch ? gsl_stats_sd(v, 1, nv) / sqrt((double)nv) : NAN;
        }
    }
    for (size_t h = 0; h < t->nthr; h++)
        t->thr_mcse[h] = N > 1 ? gsl_stats_sd(&t->prob[h], t->nthr, N) / sqrt((double)N) : NAN;
    rs->mean_mcse = t->mean_mcse;
    rs->spread_mcse = t->spread_mcse;
    rs->thr_mcse = t->thr_mcse;
}

/* mean, sd and the 5/50/95 percentiles of n values with a stride */
static void spread(const double *x, size_t stride, uint64_t n, double *mean, double *sd, double q[3])
{
    double *v = sim_malloc((size_t)n * sizeof *v + 1);
    size_t m = 0;
    for (uint64_t i = 0; i < n; i++)
        if (!isnan(x[i * stride])) v[m++] = x[i * stride];
    *mean = m ? gsl_stats_mean(v, 1, m) : NAN;
    *sd = m > 1 ? gsl_stats_sd_m(v, 1, m, *mean) : NAN;
    gsl_sort(v, 1, m);
    for (int k = 0; k < 3; k++) q[k] = m ? gsl_stats_quantile_from_sorted_data(v, 1, m, QP[k]) : NAN;
    free(v);
}

static void unc_row(sim_csvrow *r, const char *out, const char *stat, double thr, double pooled, double pmcse,
                    const double *x, size_t stride, uint64_t N, double inner_se)
{
    double m, sd, q[3];
    spread(x, stride, N, &m, &sd, q);
    sim_csv_str(r, out);
    sim_csv_str(r, stat);
    sim_csv_num(r, thr); /* exact, as risks.csv writes it: the brief pairs the two by value */
    sim_csv_stat(r, pooled);
    sim_csv_stat(r, pmcse);
    sim_csv_stat(r, m);
    sim_csv_stat(r, sd);
    sim_csv_stat(r, inner_se);
    double b = NAN;
    /* a difference of the squares within their rounding is 0: its square
     * root would turn rounding of 1e-20 into a spread of 1e-10 */
    const double excess = sd * sd - inner_se * inner_se;
    if (!isnan(sd) && !isnan(inner_se)) b = excess > 8 * DBL_EPSILON * sd * sd ? sqrt(excess) : 0;
    sim_csv_stat(r, b);
    for (int k = 0; k < 3; k++) sim_csv_stat(r, q[k]);
    sim_csv_end(r);
}

void sim_write_uncertainty(sim_buf *b, sim_twod *t, sim_runstats *rs)
{
    const sim_inst *inst = t->inst;
    const uint64_t N = t->N;
    sim_csvrow r = {*b, 0};
    for (const char *const *c = SIM_UNCERTAINTY_COLUMNS; *c; c++) sim_csv_str(&r, *c);
    sim_csv_end(&r);
    double *x = sim_malloc((size_t)N * sizeof *x + 1);
    static const char *const QN[3] = {"p5", "p50", "p95"};
    for (size_t o = 0; o < t->nout; o++) {
        if (!sim_inst_headline(inst, o)) continue;
        sim_summary s;
        sim_acc_summary(&rs->acc[o], &s);
        /* the mean: inner_se from the within-sample variances */
        double iv = 0;
        uint64_t used = 0;
        for (uint64_t i = 0; i < N; i++) {
            uint64_t n = t->nv[i * t->nout + o];
            x[i] = n ? t->sum[i * t->nout + o] / (double)n : NAN;
            if (n) iv += t->wvar[i * t->nout + o] / (double)n, used++;
        }
        unc_row(&r, inst->out[o].name, "mean", NAN, s.mean, t->mean_mcse[o], x, 1, N,
                used && t->M > 1 ? sqrt(iv / (double)used) : NAN);
        for (int k = 0; k < 3; k++) {
            double pq = sim_acc_quantile(&rs->acc[o], QP[k]);
            double se = t->spread_mcse[o * 6 + 1 + 2 * (size_t)k]; /* p5, p50, p95 */
            unc_row(&r, inst->out[o].name, QN[k], NAN, pq, se, &t->q[o * 3 + (size_t)k], t->nout * 3, N, NAN);
        }
    }
    for (size_t h = 0; h < t->nthr; h++) {
        const sim_threshold *th = &inst->thr[h];
        double p, se, lo, hi, iv = 0;
        sim_risk(inst, rs, h, &p, &se, &lo, &hi);
        for (uint64_t i = 0; i < N; i++) {
            double pi = t->prob[i * t->nthr + h];
            iv += t->M > 1 ? pi * (1 - pi) / (double)(t->M - 1) : NAN;
        }
        unc_row(&r, inst->out[th->output].name, "probability", th->value, p, se, &t->prob[h], t->nthr, N,
                sqrt(iv / (double)N));
    }
    free(x);
    *b = r.buf;
}

void sim_write_outer(sim_buf *b, sim_twod *t)
{
    const sim_inst *inst = t->inst;
    sim_csvrow r = {*b, 0};
    sim_csv_str(&r, "outer");
    for (size_t p = 0; p < t->np; p++)
        if (inst->param[p].uncertain && !inst->param[p].chance) sim_csv_str(&r, inst->param[p].name);
    for (size_t o = 0; o < t->nout; o++) {
        if (!sim_inst_headline(inst, o)) continue;
        /* mean(O), p5(O), ... as sweep.csv names a point's statistics (O.mean
         * had read like one more output: infiltrated.iraq.mean) */
        const char *sfx[4] = {"mean", "p5", "p50", "p95"};
        for (int k = 0; k < 4; k++) {
            char *h = sim_asprintf("%s(%s)", sfx[k], inst->out[o].name);
            sim_csv_str(&r, h);
            free(h);
        }
    }
    for (size_t h = 0; h < t->nthr; h++) {
        /* named as sweep.csv names it: the shortest form that reads back to
         * the threshold (%.10g had made 20000 and 20000.0000001 one name) */
        char v[32];
        sim_format_num(inst->thr[h].value, v);
        char *s = sim_asprintf("P(%s>=%s)", inst->out[inst->thr[h].output].name, v);
        sim_csv_str(&r, s);
        free(s);
    }
    sim_csv_end(&r);
    for (uint64_t i = 0; i < t->N; i++) {
        sim_csv_int(&r, (long long)i);
        for (size_t p = 0; p < t->np; p++)
            if (inst->param[p].uncertain && !inst->param[p].chance) sim_csv_stat(&r, t->theta[i * t->np + p]);
        for (size_t o = 0; o < t->nout; o++) {
            if (!sim_inst_headline(inst, o)) continue;
            uint64_t n = t->nv[i * t->nout + o];
            sim_csv_stat(&r, n ? t->sum[i * t->nout + o] / (double)n : NAN);
            for (int k = 0; k < 3; k++) sim_csv_stat(&r, t->q[(i * t->nout + o) * 3 + (size_t)k]);
        }
        for (size_t h = 0; h < t->nthr; h++) sim_csv_stat(&r, t->prob[i * t->nthr + h]);
        sim_csv_end(&r);
    }
    *b = r.buf;
}

/* how many of the sorted values (NaN last) are >= x */
static uint64_t count_ge(const double *v, uint64_t M, double x)
{
    uint64_t lo = 0, hi = M; /* first index with v >= x (NaN counts as above, removed below) */
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (!isnan(v[mid]) && v[mid] < x) lo = mid + 1;
        else hi = mid;
    }
    uint64_t nan = 0;
    while (nan < M && isnan(v[M - 1 - nan])) nan++;
    return M - lo - nan;
}

void sim_write_exceedance(sim_buf *b, sim_twod *t, sim_runstats *rs)
{
    const sim_inst *inst = t->inst;
    const uint64_t N = t->N, M = t->M;
    sim_csvrow r = {*b, 0};
    for (const char *const *c = SIM_EXCEEDANCE_COLUMNS; *c; c++) sim_csv_str(&r, *c);
    sim_csv_end(&r);
    double *p = sim_malloc((size_t)N * sizeof *p + 1);
    enum { GRID = 121 };
    for (size_t c = 0; c < t->nchart; c++) {
        const size_t o = t->chart[c];
        sim_summary s;
        sim_acc_summary(&rs->acc[o], &s);
        if (s.n == 0) continue;
        double last = NAN;
        for (int g = 0; g < GRID; g++) {
            double x = s.min + (s.max - s.min) * g / (GRID - 1);
            if (inst->out[o].integer) x = round(x);
            if (x == last) continue;
            last = x;
            uint64_t k = 0;
            for (uint64_t i = 0; i < N; i++) {
                uint64_t ki = count_ge(&t->vals[(i * t->nchart + c) * M], M, x);
                p[i] = (double)ki / (double)M;
                k += ki;
            }
            double m, sd, q[3];
            spread(p, 1, N, &m, &sd, q);
            sim_csv_str(&r, inst->out[o].name);
            sim_csv_num(&r, x);
            sim_csv_stat(&r, (double)k / (double)(N * M));
            sim_csv_stat(&r, m);
            for (int kq = 0; kq < 3; kq++) sim_csv_stat(&r, q[kq]);
            sim_csv_end(&r);
        }
    }
    free(p);
    *b = r.buf;
}

void sim_twod_print(FILE *f, sim_twod *t, sim_runstats *rs)
{
    const sim_inst *inst = t->inst;
    if (!t->nthr) return;
    fprintf(f, "\nuncertainty of each risk over %llu outer samples of the uncertain parameters (%llu chance trials "
               "each)\n",
            (unsigned long long)t->N, (unsigned long long)t->M);
    fprintf(f, "%-40s %11s  %-17s  %s\n", "risk", "pooled", "95% interval", "outer samples: median (90% band)");
    for (size_t h = 0; h < t->nthr; h++) {
        const sim_threshold *th = &inst->thr[h];
        double p, se, lo, hi, m, sd, q[3];
        sim_risk(inst, rs, h, &p, &se, &lo, &hi);
        spread(&t->prob[h], t->nthr, t->N, &m, &sd, q);
        char v[40], lab[160], iv[40];
        sim_format_exact(th->value, v, sizeof v);
        snprintf(lab, sizeof lab, "P(%s >= %s)", inst->out[th->output].name, v);
        char s[6][16];
        const double vals[6] = {p, lo, hi, q[1], q[0], q[2]};
        for (int k = 0; k < 6; k++) sim_format_pct(vals[k], s[k], sizeof s[k]);
        snprintf(iv, sizeof iv, "%s - %s", s[1], s[2]);
        fprintf(f, "%-40s %11s  %-17s  %s (%s - %s)\n", lab, s[0], iv, s[3], s[4], s[5]);
    }
}
