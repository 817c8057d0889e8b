/* sgrid.c - see sgrid.h. */
#include "sgrid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void sim_sgrid_init(sim_sgrid *g, int days, size_t cap)
{
    memset(g, 0, sizeof *g);
    g->H = days;
    g->cap = cap < 16 ? 16 : cap;
    g->sum = sim_calloc((size_t)(days > 0 ? days : 1), sizeof *g->sum);
}

void sim_sgrid_free(sim_sgrid *g)
{
    free(g->c);
    free(g->sum);
    memset(g, 0, sizeof *g);
}

static int64_t base_of(const sim_sgrid *g)
{
    return g->lo >> g->shift;
}

/* Re-grid to cover values a..b with bins at least 2^min_shift wide. */
static void cover(sim_sgrid *g, int64_t a, int64_t b, unsigned min_shift)
{
    unsigned s = g->shift > min_shift ? g->shift : min_shift;
    while ((uint64_t)((b >> s) - (a >> s)) >= g->cap) s++;
    size_t span = (size_t)((b >> s) - (a >> s)) + 1;
    size_t nb = span + span / 2 + 16; /* slack, so re-gridding is rare */
    if (nb > g->cap) nb = g->cap;
    if (nb < span) nb = span;
    /* slack on both sides: values may spread either way */
    int64_t base = (a >> s) - (int64_t)((nb - span) / 2);
    const size_t H = (size_t)g->H;
    int32_t *c = sim_calloc(nb * H, sizeof *c);
    int64_t old = base_of(g);
    /* only the bins between the values seen hold counts */
    size_t first = g->n ? (size_t)((g->min >> g->shift) - old) : 0, last = g->n ? (size_t)((g->max >> g->shift) - old) + 1 : 0;
    for (size_t i = first; i < last; i++) {
        int64_t k = ((old + (int64_t)i) >> (s - g->shift)) - base;
        SIM_ASSERT(k >= 0 && (size_t)k < nb);
        const int32_t *from = &g->c[i * H];
        int32_t *to = &c[(size_t)k * H];
        for (size_t t = 0; t < H; t++) to[t] += from[t];
    }
    free(g->c);
    g->c = c;
    g->nbins = nb;
    g->shift = s;
    g->lo = base * ((int64_t)1 << s);
}

void sim_sgrid_add(sim_sgrid *g, const int64_t *v)
{
    const int H = g->H;
    if (H <= 0) return;
    int64_t lo = v[0], hi = v[0];
    for (int t = 1; t < H; t++) {
        if (v[t] < lo) lo = v[t];
        if (v[t] > hi) hi = v[t];
    }
    int64_t base = base_of(g);
    if (g->nbins == 0 || (lo >> g->shift) < base || (hi >> g->shift) - base >= (int64_t)g->nbins) {
        cover(g, g->n && g->min < lo ? g->min : lo, g->n && g->max > hi ? g->max : hi, 0);
        base = base_of(g);
    }
    SIM_ASSERT(!g->final);
    const unsigned sh = g->shift;
    int32_t *c = g->c;
    int64_t *sum = g->sum;
    for (int t0 = 0; t0 < H;) {
        int64_t x = v[t0];
        int t1 = t0 + 1;
        while (t1 < H && v[t1] == x) t1++;
        /* x holds over days t0 .. t1 - 1 */
        int32_t *row = &c[(size_t)((x >> sh) - base) * (size_t)H];
        row[t0]++;
        sum[t0] += x;
        if (t1 < H) row[t1]--, sum[t1] -= x;
        t0 = t1;
    }
    if (g->n == 0 || lo < g->min) g->min = lo;
    if (g->n == 0 || hi > g->max) g->max = hi;
    g->n++;
}

void sim_sgrid_absorb(sim_sgrid *dst, sim_sgrid *src)
{
    if (dst->n == 0 && dst->H == src->H && dst->cap == src->cap) {
        sim_sgrid t = *dst;
        *dst = *src;
        *src = t;
        return;
    }
    sim_sgrid_merge(dst, src);
}

void sim_sgrid_merge(sim_sgrid *dst, const sim_sgrid *src)
{
    if (src->n == 0) return;
    SIM_ASSERT(dst->final == src->final || dst->n == 0);
    dst->final = src->final;
    int64_t a = dst->n && dst->min < src->min ? dst->min : src->min;
    int64_t b = dst->n && dst->max > src->max ? dst->max : src->max;
    if (dst->nbins == 0 || dst->shift < src->shift || (a >> dst->shift) < base_of(dst) ||
        (b >> dst->shift) - base_of(dst) >= (int64_t)dst->nbins)
        cover(dst, a, b, src->shift);
    const size_t H = (size_t)dst->H;
    int64_t sb = base_of(src), db = base_of(dst);
    size_t first = (size_t)((src->min >> src->shift) - sb), last = (size_t)((src->max >> src->shift) - sb) + 1;
    for (size_t i = first; i < last; i++) {
        int64_t k = ((sb + (int64_t)i) >> (dst->shift - src->shift)) - db;
        SIM_ASSERT(k >= 0 && (size_t)k < dst->nbins);
        const int32_t *from = &src->c[i * H];
        int32_t *to = &dst->c[(size_t)k * H];
        for (size_t t = 0; t < H; t++) to[t] += from[t];
    }
    for (size_t t = 0; t < H; t++) dst->sum[t] += src->sum[t];
    if (dst->n == 0 || src->min < dst->min) dst->min = src->min;
    if (dst->n == 0 || src->max > dst->max) dst->max = src->max;
    dst->n += src->n;
}

void sim_sgrid_finalize(sim_sgrid *g)
{
    if (g->final) return;
    const size_t H = (size_t)g->H;
    for (size_t i = 0; i < g->nbins; i++) {
        int32_t *row = &g->c[i * H];
        for (size_t t = 1; t < H; t++) row[t] += row[t - 1];
    }
    for (size_t t = 1; t < H; t++) g->sum[t] += g->sum[t - 1];
    g->final = true;
}

/* value of a bin: exact at resolution 1, else its middle */
static double bin_value(const sim_sgrid *g, size_t i)
{
    int64_t w = (int64_t)1 << g->shift;
    return (double)(g->lo + (int64_t)i * w) + (double)(w - 1) / 2;
}

void sim_sgrid_quantiles(const sim_sgrid *g, int t, const double *p, size_t np, double *out)
{
    if (g->n == 0) {
        for (size_t k = 0; k < np; k++) out[k] = NAN;
        return;
    }
    const size_t H = (size_t)g->H;
    size_t bin = 0;
    uint64_t before = 0; /* trials in bins before `bin` */
    for (size_t k = 0; k < np; k++) {
        double idx = p[k] * (double)(g->n - 1);
        if (idx < 0) idx = 0;
        uint64_t j = (uint64_t)idx;
        double delta = idx - (double)j;
        /* the j-th and (j+1)-th smallest (0-based) */
        while (before + (uint64_t)g->c[bin * H + (size_t)t] <= j) before += (uint64_t)g->c[bin * H + (size_t)t], bin++;
        double lo = bin_value(g, bin);
        double hi = lo;
        if (delta > 0 && j + 1 < g->n) {
            size_t b2 = bin;
            uint64_t bef2 = before;
            while (bef2 + (uint64_t)g->c[b2 * H + (size_t)t] <= j + 1) bef2 += (uint64_t)g->c[b2 * H + (size_t)t], b2++;
            hi = bin_value(g, b2);
        }
        out[k] = (1 - delta) * lo + delta * hi;
    }
}

double sim_sgrid_mean(const sim_sgrid *g, int t)
{
    return g->n ? (double)((long double)g->sum[t] / (long double)g->n) : NAN;
}

void sim_sgrid_count(const sim_sgrid *g, int t, double x, uint64_t *lt, uint64_t *eq)
{
    *lt = *eq = 0;
    for (size_t i = 0; i < g->nbins; i++) {
        uint64_t c = (uint64_t)g->c[i * (size_t)g->H + (size_t)t];
        double v = bin_value(g, i);
        if (v < x) *lt += c;
        else if (v == x) *eq += c;
    }
}

int64_t sim_sgrid_resolution(const sim_sgrid *g)
{
    return (int64_t)1 << g->shift;
}

/* layout: H, n, min, max, lo, shift, nbins, final, sums[H], counts[nbins * H] */
size_t sim_sgrid_pack(const sim_sgrid *g, uint8_t **out)
{
    size_t H = (size_t)g->H, len = 8 * 8 + H * 8 + g->nbins * H * 4;
    uint8_t *b = sim_malloc(len), *p = b;
    int64_t head[8] = {g->H, (int64_t)g->n, g->min, g->max, g->lo, g->shift, (int64_t)g->nbins, g->final};
    memcpy(p, head, sizeof head), p += sizeof head;
    memcpy(p, g->sum, H * 8), p += H * 8;
    if (g->nbins) memcpy(p, g->c, g->nbins * H * 4);
    *out = b;
    return len;
}

int sim_sgrid_unpack(sim_sgrid *g, const uint8_t *buf, size_t len, size_t cap)
{
    int64_t head[8];
    if (len < sizeof head) return -1;
    memcpy(head, buf, sizeof head);
    if (head[0] < 0 || head[0] > 1000000 || head[5] < 0 || head[5] > 62 || head[6] < 0 || (size_t)head[6] > cap)
        return -1;
    size_t H = (size_t)head[0], nb = (size_t)head[6];
    if (len != sizeof head + H * 8 + nb * H * 4) return -1;
    sim_sgrid_init(g, (int)H, cap);
    g->n = (uint64_t)head[1], g->min = head[2], g->max = head[3], g->lo = head[4];
    g->shift = (unsigned)head[5], g->nbins = nb, g->final = head[7] != 0;
    memcpy(g->sum, buf + sizeof head, H * 8);
    g->c = sim_calloc(nb * H + 1, sizeof *g->c);
    if (nb) memcpy(g->c, buf + sizeof head + H * 8, nb * H * 4);
    return 0;
}
