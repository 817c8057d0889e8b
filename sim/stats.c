/* stats.c - see stats.h. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "util.h"

const double SIM_SUMMARY_P[5] = {0.05, 0.25, 0.50, 0.75, 0.95};

/* ------------------------------------------------------------ histogram */

void sim_hist_init(sim_hist *h, size_t cap)
{
    memset(h, 0, sizeof *h);
    h->cap = cap < 64 ? 64 : cap;
}

void sim_hist_free(sim_hist *h)
{
    free(h->c);
    size_t cap = h->cap;
    sim_hist_init(h, cap);
}

/* Bins hold the values v with v >> shift == base + i (floor division, so
 * negative values work too). */
static int64_t hist_base(const sim_hist *h)
{
    return h->lo >> h->shift;
}

/* Make the storage cover the values a..b with bins at least 2^min_shift wide,
 * widening bins until the span fits the cap. The shift reached depends only
 * on the range of values, so any split of the data merges to the same bins. */
static void hist_cover(sim_hist *h, int64_t a, int64_t b, unsigned min_shift)
{
    unsigned s = h->shift > min_shift ? h->shift : min_shift;
    while ((uint64_t)((b >> s) - (a >> s)) >= h->cap) s++;
    size_t span = (size_t)((b >> s) - (a >> s)) + 1;
    size_t nb = 64;
    while (nb < 2 * span) nb *= 2;
    if (nb > h->cap) nb = h->cap;
    /* slack on the side the values are growing towards */
    int64_t base = (h->n && a < h->min) ? (b >> s) - (int64_t)nb + 1 : (a >> s);
    uint32_t *c = sim_calloc(nb, sizeof *c);
    int64_t old_base = hist_base(h);
    for (size_t i = 0; i < h->nbins; i++) {
        if (!h->c[i]) continue;
        int64_t g = (old_base + (int64_t)i) >> (s - h->shift);
        SIM_ASSERT(g - base >= 0 && (size_t)(g - base) < nb);
        c[g - base] += h->c[i];
    }
    free(h->c);
    h->c = c;
    h->nbins = nb;
    h->shift = s;
    h->lo = base * ((int64_t)1 << s);
}

void sim_hist_add(sim_hist *h, int64_t v)
{
    int64_t i = (v >> h->shift) - hist_base(h);
    if (h->nbins == 0 || i < 0 || (uint64_t)i >= h->nbins) {
        hist_cover(h, h->n && h->min < v ? h->min : v, h->n && h->max > v ? h->max : v, 0);
        i = (v >> h->shift) - hist_base(h);
    }
    h->c[i]++;
    if (h->n == 0 || v < h->min) h->min = v;
    if (h->n == 0 || v > h->max) h->max = v;
    h->n++;
    h->sum += v;
    h->sumsq += (sim_i128)v * v;
}

void sim_hist_add_many(sim_hist *h, const int64_t *v, size_t n)
{
    if (n == 0) return;
    int64_t lo = v[0], hi = v[0], sum = 0;
    sim_i128 sumsq = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < lo) lo = v[i];
        if (v[i] > hi) hi = v[i];
    }
    int64_t a = h->n && h->min < lo ? h->min : lo, b = h->n && h->max > hi ? h->max : hi;
    int64_t base = h->lo >> h->shift;
    if (h->nbins == 0 || (lo >> h->shift) < base || (hi >> h->shift) - base >= (int64_t)h->nbins) {
        hist_cover(h, a, b, 0);
        base = h->lo >> h->shift;
    }
    uint32_t *c = h->c - base;
    const unsigned sh = h->shift;
    if (hi - lo < (int64_t)1 << 31 && n <= 4096) {
        /* values of a batch fit a 64-bit sum: add in bulk */
        for (size_t i = 0; i < n; i++) {
            c[v[i] >> sh]++;
            sum += v[i];
            sumsq += (sim_i128)v[i] * v[i];
        }
        h->sum += sum;
    } else {
        for (size_t i = 0; i < n; i++) {
            c[v[i] >> sh]++;
            h->sum += v[i];
            sumsq += (sim_i128)v[i] * v[i];
        }
    }
    h->sumsq += sumsq;
    if (h->n == 0 || lo < h->min) h->min = lo;
    if (h->n == 0 || hi > h->max) h->max = hi;
    h->n += n;
}

void sim_hist_merge(sim_hist *dst, const sim_hist *src)
{
    if (src->n == 0) return;
    int64_t a = dst->n && dst->min < src->min ? dst->min : src->min;
    int64_t b = dst->n && dst->max > src->max ? dst->max : src->max;
    hist_cover(dst, a, b, src->shift);
    int64_t sb = hist_base(src), db = hist_base(dst);
    for (size_t i = 0; i < src->nbins; i++) {
        if (!src->c[i]) continue;
        int64_t g = (sb + (int64_t)i) >> (dst->shift - src->shift);
        SIM_ASSERT(g - db >= 0 && (size_t)(g - db) < dst->nbins);
        dst->c[g - db] += src->c[i];
    }
    if (dst->n == 0 || src->min < dst->min) dst->min = src->min;
    if (dst->n == 0 || src->max > dst->max) dst->max = src->max;
    dst->n += src->n;
    dst->sum += src->sum;
    dst->sumsq += src->sumsq;
}

/* The value of the k-th smallest (0-based): exact at resolution 1, else the
 * middle of its bin, clamped to the observed extremes. */
static double hist_kth(const sim_hist *h, uint64_t k, size_t *bin, uint64_t *before)
{
    size_t i = *bin;
    uint64_t cum = *before;
    while (cum + h->c[i] <= k) cum += h->c[i++];
    *bin = i;
    *before = cum;
    int64_t w = (int64_t)1 << h->shift;
    double v = (double)(h->lo + (int64_t)i * w) + (double)(w - 1) / 2;
    if (v < (double)h->min) v = (double)h->min;
    if (v > (double)h->max) v = (double)h->max;
    return v;
}

double sim_hist_quantile(const sim_hist *h, double p)
{
    if (h->n == 0) return NAN;
    if (p <= 0) return (double)h->min;
    if (p >= 1) return (double)h->max;
    double idx = p * (double)(h->n - 1);
    uint64_t j = (uint64_t)idx;
    double delta = idx - (double)j;
    size_t bin = 0;
    uint64_t before = 0;
    double lo = hist_kth(h, j, &bin, &before);
    if (j + 1 >= h->n || delta == 0) return lo;
    double hi = hist_kth(h, j + 1, &bin, &before);
    return (1 - delta) * lo + delta * hi;
}

double sim_hist_mean(const sim_hist *h)
{
    if (h->n == 0) return NAN;
    return (double)((long double)h->sum / (long double)h->n);
}

double sim_hist_sd(const sim_hist *h)
{
    if (h->n < 2) return NAN; /* one value says nothing of the spread */
    /* n*sumsq - sum^2 is exact in 128 bits for counts of people */
    sim_i128 n = (sim_i128)h->n;
    sim_i128 num = n * h->sumsq - h->sum * h->sum;
    long double var = (long double)num / ((long double)h->n * (long double)(h->n - 1));
    return var > 0 ? (double)sqrtl(var) : 0.0;
}

static uint64_t hist_count_below(const sim_hist *h, double x, bool inclusive)
{
    uint64_t c = 0;
    int64_t w = (int64_t)1 << h->shift;
    for (size_t i = 0; i < h->nbins; i++) {
        if (!h->c[i]) continue;
        double lo = (double)(h->lo + (int64_t)i * w), hi = lo + (double)(w - 1);
        double v = w == 1 ? lo : (lo + hi) / 2;
        if (inclusive ? v <= x : v < x) c += h->c[i];
    }
    return c;
}

uint64_t sim_hist_count_ge(const sim_hist *h, double x)
{
    return h->n - hist_count_below(h, x, false);
}

uint64_t sim_hist_count_lt(const sim_hist *h, double x)
{
    return hist_count_below(h, x, false);
}

uint64_t sim_hist_count_eq(const sim_hist *h, double x)
{
    return hist_count_below(h, x, true) - hist_count_below(h, x, false);
}

int64_t sim_hist_resolution(const sim_hist *h)
{
    return (int64_t)1 << h->shift;
}

/* layout: n, min, max, lo, shift, nbins, sum (16), sumsq (16), counts */
size_t sim_hist_pack(const sim_hist *h, uint8_t **out)
{
    size_t len = 8 * 6 + 32 + h->nbins * 4;
    uint8_t *b = sim_malloc(len), *p = b;
    uint64_t head[6] = {h->n, (uint64_t)h->min, (uint64_t)h->max, (uint64_t)h->lo, h->shift, h->nbins};
    memcpy(p, head, sizeof head), p += sizeof head;
    memcpy(p, &h->sum, 16), p += 16;
    memcpy(p, &h->sumsq, 16), p += 16;
    if (h->nbins) memcpy(p, h->c, h->nbins * 4);
    *out = b;
    return len;
}

int sim_hist_unpack(sim_hist *h, const uint8_t *buf, size_t len, size_t cap)
{
    sim_hist_init(h, cap);
    uint64_t head[6];
    if (len < sizeof head + 32) return -1;
    memcpy(head, buf, sizeof head);
    if (head[5] > cap || head[4] > 62 || len != sizeof head + 32 + head[5] * 4) return -1;
    h->n = head[0], h->min = (int64_t)head[1], h->max = (int64_t)head[2], h->lo = (int64_t)head[3];
    h->shift = (unsigned)head[4], h->nbins = head[5];
    memcpy(&h->sum, buf + sizeof head, 16);
    memcpy(&h->sumsq, buf + sizeof head + 16, 16);
    h->c = sim_calloc(h->nbins, sizeof *h->c);
    if (h->nbins) memcpy(h->c, buf + sizeof head + 32, h->nbins * 4);
    return 0;
}

/* ------------------------------------------------------------ real values */

void sim_reals_free(sim_reals *r)
{
    free(r->x);
    memset(r, 0, sizeof *r);
}

void sim_reals_add(sim_reals *r, double x)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 1024;
        r->x = sim_realloc(r->x, r->cap * sizeof *r->x);
    }
    r->x[r->n++] = x;
    r->sorted = false;
}

static void reals_sort(sim_reals *r)
{
    if (!r->sorted) gsl_sort(r->x, 1, r->n);
    r->sorted = true;
}

/* ------------------------------------------------------------ accumulators */

void sim_acc_init(sim_acc *a, bool integer)
{
    memset(a, 0, sizeof *a);
    a->integer = integer;
    sim_hist_init(&a->h, (size_t)1 << 20);
}

void sim_acc_free(sim_acc *a)
{
    sim_hist_free(&a->h);
    sim_reals_free(&a->r);
    free(a->watch);
    free(a->watch_ge);
}

void sim_acc_watch(sim_acc *a, double x)
{
    for (size_t i = 0; i < a->nwatch; i++)
        if (a->watch[i] == x) return;
    a->watch = sim_realloc(a->watch, (a->nwatch + 1) * sizeof *a->watch);
    a->watch_ge = sim_realloc(a->watch_ge, (a->nwatch + 1) * sizeof *a->watch_ge);
    a->watch[a->nwatch] = x;
    a->watch_ge[a->nwatch++] = 0;
}

void sim_acc_add(sim_acc *a, double x)
{
    for (size_t i = 0; i < a->nwatch; i++) a->watch_ge[i] += x >= a->watch[i];
    if (isnan(x)) a->missing++;
    else if (a->integer) sim_hist_add(&a->h, (int64_t)x);
    else sim_reals_add(&a->r, x);
}

void sim_acc_merge(sim_acc *dst, const sim_acc *src)
{
    SIM_ASSERT(dst->nwatch == src->nwatch);
    for (size_t i = 0; i < dst->nwatch; i++) dst->watch_ge[i] += src->watch_ge[i];
    dst->missing += src->missing;
    if (dst->integer) sim_hist_merge(&dst->h, &src->h);
    else
        for (size_t i = 0; i < src->r.n; i++) sim_reals_add(&dst->r, src->r.x[i]);
}

uint64_t sim_acc_n(const sim_acc *a)
{
    return a->integer ? a->h.n : a->r.n;
}

double sim_acc_quantile(sim_acc *a, double p)
{
    if (a->integer) return sim_hist_quantile(&a->h, p);
    if (a->r.n == 0) return NAN;
    reals_sort(&a->r);
    return gsl_stats_quantile_from_sorted_data(a->r.x, 1, a->r.n, p);
}

void sim_acc_summary(sim_acc *a, sim_summary *s)
{
    memset(s, 0, sizeof *s);
    s->n = sim_acc_n(a);
    s->missing = a->missing;
    s->resolution = 1;
    if (s->n == 0) {
        s->mean = s->sd = s->mcse = s->min = s->max = s->sd_mcse = NAN;
        for (int i = 0; i < 5; i++) s->q[i] = s->q_mcse[i] = NAN;
        return;
    }
    if (a->integer) {
        s->mean = sim_hist_mean(&a->h);
        s->sd = sim_hist_sd(&a->h);
        s->min = (double)a->h.min;
        s->max = (double)a->h.max;
        s->resolution = sim_hist_resolution(&a->h);
    } else {
        /* GSL's running mean in arrival order (trial order: deterministic),
         * before sorting */
        s->mean = gsl_stats_mean(a->r.x, 1, a->r.n);
        s->sd = a->r.n > 1 ? gsl_stats_sd_m(a->r.x, 1, a->r.n, s->mean) : NAN; /* as sim_hist_sd */
        reals_sort(&a->r);
        s->min = a->r.x[0];
        s->max = a->r.x[a->r.n - 1];
    }
    s->mcse = s->sd / sqrt((double)s->n);
    for (int i = 0; i < 5; i++) s->q[i] = sim_acc_quantile(a, SIM_SUMMARY_P[i]);
    if (s->n < 2) {
        s->sd_mcse = NAN;
        for (int i = 0; i < 5; i++) s->q_mcse[i] = NAN;
        return;
    }
    double var = s->sd * s->sd;
    if (s->n < 4) {
        s->sd_mcse = NAN; /* a fourth moment of 2 or 3 values says nothing */
    } else if (var > 0) {
        double v4 = (sim_acc_m4(a, s->mean) - var * var) / (4 * var * (double)s->n);
        s->sd_mcse = v4 > 0 ? sqrt(v4) : 0;
    } else {
        s->sd_mcse = 0;
    }
    for (int i = 0; i < 5; i++) s->q_mcse[i] = sim_acc_quantile_se(a, SIM_SUMMARY_P[i]);
}

double sim_acc_quantile_se(sim_acc *a, double p)
{
    uint64_t n = sim_acc_n(a);
    if (n < 2) return NAN;
    double s = sqrt(p * (1 - p) / (double)n);
    double lo = p - s < 0 ? 0 : p - s, hi = p + s > 1 ? 1 : p + s;
    return (sim_acc_quantile(a, hi) - sim_acc_quantile(a, lo)) / 2;
}

double sim_acc_m4(sim_acc *a, double mean)
{
    long double m = 0;
    uint64_t n = sim_acc_n(a);
    if (n == 0) return NAN;
    if (a->integer) {
        const sim_hist *h = &a->h;
        int64_t w = (int64_t)1 << h->shift;
        for (size_t i = 0; i < h->nbins; i++) {
            if (!h->c[i]) continue;
            long double v = (long double)(h->lo + (int64_t)i * w) + (long double)(w - 1) / 2 - mean;
            m += (long double)h->c[i] * v * v * v * v;
        }
    } else {
        for (size_t i = 0; i < a->r.n; i++) {
            long double v = (long double)a->r.x[i] - mean;
            m += v * v * v * v;
        }
    }
    return (double)(m / (long double)n);
}

uint64_t sim_acc_count_ge(sim_acc *a, double x)
{
    for (size_t i = 0; i < a->nwatch; i++)
        if (a->watch[i] == x) return a->watch_ge[i];
    if (a->integer) return sim_hist_count_ge(&a->h, x);
    reals_sort(&a->r);
    size_t lo = 0, hi = a->r.n;
    while (lo < hi) {
        size_t m = (lo + hi) / 2;
        if (a->r.x[m] < x) lo = m + 1;
        else hi = m;
    }
    return a->r.n - lo;
}

double sim_acc_percentile(sim_acc *a, double x)
{
    uint64_t n = sim_acc_n(a);
    if (n == 0) return NAN;
    uint64_t lt, eq;
    if (a->integer) {
        lt = sim_hist_count_lt(&a->h, x);
        eq = sim_hist_count_eq(&a->h, x);
    } else {
        uint64_t ge = sim_acc_count_ge(a, x);
        lt = n - ge;
        uint64_t gt = 0;
        for (size_t i = 0; i < a->r.n; i++) gt += a->r.x[i] > x;
        eq = ge - gt;
    }
    return 100.0 * ((double)lt + 0.5 * (double)eq) / (double)n;
}

void sim_wilson(uint64_t k, uint64_t n, double *lo, double *hi)
{
    if (n == 0) {
        *lo = 0, *hi = 1;
        return;
    }
    sim_wilson_p((double)k / (double)n, (double)n, lo, hi);
    if (k == 0) *lo = 0;
    if (k == n) *hi = 1;
}

void sim_shiftvar_add(sim_shiftvar *v, double x)
{
    if (v->n == 0) v->shift = x;
    const double e = x - v->shift;
    v->s += e;
    v->s2 += e * e;
    v->n++;
}

double sim_shiftvar_var(const sim_shiftvar *v)
{
    const double n = (double)v->n;
    return v->n > 1 ? (v->s2 - v->s * v->s / n) / (n - 1) : NAN;
}

void sim_wilson_p(double p, double nn, double *lo, double *hi)
{
    const double z = 1.959963984540054;
    double z2 = z * z;
    double denom = 1 + z2 / nn;
    double centre = (p + z2 / (2 * nn)) / denom;
    double half = z / denom * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
    *lo = centre - half < 0 ? 0 : centre - half;
    *hi = centre + half > 1 ? 1 : centre + half;
}
