/* sgrid.c - see sgrid.h. */
#include "sgrid.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void sim_sgrid_init_in(sim_sgrid *g, int days, size_t cap, sim_sarena *a)
{
    memset(g, 0, sizeof *g);
    g->H = days > 0 ? days : 0;
    g->cap = cap < 16 ? 16 : cap;
    g->d = sim_calloc((size_t)g->H + 1, sizeof *g->d);
    g->arena = a ? a : &g->own;
}

void sim_sgrid_init(sim_sgrid *g, int days, size_t cap)
{
    sim_sgrid_init_in(g, days, cap, NULL);
}

#define CHUNK ((size_t)2 << 20)

void sim_sarena_free(sim_sarena *a)
{
    for (size_t i = 0; i < a->nchunk; i++) sim_big_free(a->chunk[i], a->chunk_len[i]);
    free(a->chunk);
    free(a->chunk_len);
    memset(a, 0, sizeof *a);
}

void sim_sgrid_free(sim_sgrid *g)
{
    sim_sarena_free(&g->own); /* empty when the grid used a shared arena */
    free(g->d);
    memset(g, 0, sizeof *g);
}

/* Bins outgrown by re-binning go to the arena's spare lists, one per size in KiB,
 * their first bytes holding the next one and their size. */
typedef struct spare {
    struct spare *next;
    size_t bytes;
} spare;

static size_t bins_bytes(size_t n, unsigned bytes)
{
    return (n * bytes + 63) / 64 * 64;
}

/* count of bin i of day d, and adding to it (the width must hold the sum) */
static uint32_t count_at(const sim_sday *d, size_t i)
{
    switch (d->bytes) {
    case 1: return ((const uint8_t *)d->c)[i];
    case 2: return ((const uint16_t *)d->c)[i];
    default: return ((const uint32_t *)d->c)[i];
    }
}

static void add_at(sim_sday *d, size_t i, uint32_t v)
{
    switch (d->bytes) {
    case 1: ((uint8_t *)d->c)[i] = (uint8_t)(((uint8_t *)d->c)[i] + v); break;
    case 2: ((uint16_t *)d->c)[i] = (uint16_t)(((uint16_t *)d->c)[i] + v); break;
    default: ((uint32_t *)d->c)[i] += v;
    }
}

static size_t spare_class(size_t bytes)
{
    size_t k = bytes / 1024;
    return k < 63 ? k : 63;
}

/* The arena may be shared by grids that threads count into at once (each
 * grid by one thread at a time): taking and giving back bins is locked. */
static void bins_release(sim_sgrid *g, void *c, size_t n, unsigned width)
{
    sim_sarena *a = g->arena;
    spare *p = c;
    p->bytes = bins_bytes(n, width);
    if (p->bytes < sizeof *p) return;
    size_t k = spare_class(p->bytes);
#pragma omp critical(sim_sarena)
    {
        p->next = a->spare[k];
        a->spare[k] = p;
    }
}

/* a block of len zeroed bytes, freed with the arena */
static char *chunk_add(sim_sarena *a, size_t len)
{
    if (a->nchunk == a->chunk_cap) {
        a->chunk_cap = a->chunk_cap ? 2 * a->chunk_cap : 8;
        a->chunk = sim_realloc(a->chunk, a->chunk_cap * sizeof *a->chunk);
        a->chunk_len = sim_realloc(a->chunk_len, a->chunk_cap * sizeof *a->chunk_len);
    }
    a->chunk_len[a->nchunk] = len;
    return a->chunk[a->nchunk++] = sim_big_alloc(len);
}

/* bytes of memory: outgrown bins if some are large enough (*reused set), else
 * cut from the current chunk, or a block of their own when they would take
 * more than half a chunk (short horizons allow days of millions of bins) */
static char *arena_take(sim_sarena *a, size_t bytes, bool *reused)
{
    *reused = false;
    if (bytes > CHUNK / 2) return chunk_add(a, bytes);
    for (size_t k = spare_class(bytes); k < 64; k++)
        for (spare **pp = (spare **)&a->spare[k]; *pp; pp = &(*pp)->next)
            if ((*pp)->bytes >= bytes && (*pp)->bytes <= 2 * bytes + 1024) {
                spare *p = *pp;
                *pp = p->next;
                *reused = true;
                return (char *)p;
            }
    if (bytes > a->left) {
        a->cur = chunk_add(a, CHUNK);
        a->left = CHUNK;
    }
    char *p = a->cur + (CHUNK - a->left);
    a->left -= bytes;
    return p;
}

/* n zeroed counts */
static void *bins_alloc(sim_sgrid *g, size_t n, unsigned width)
{
    size_t bytes = bins_bytes(n, width);
    bool reused;
    char *p;
#pragma omp critical(sim_sarena)
    p = arena_take(g->arena, bytes, &reused);
    if (reused) memset(p, 0, bytes); /* fresh chunks come zeroed */
    return p;
}

/* bins between a >> s and b >> s, less one (no overflow for any int64) */
static uint64_t bins_between(int64_t a, int64_t b, unsigned s)
{
    return (uint64_t)(b >> s) - (uint64_t)(a >> s);
}

static int64_t base_of(const sim_sday *d)
{
    return d->lo >> d->shift;
}

/* the smallest value bin i of day d holds */
static int64_t bin_start(const sim_sday *d, size_t i)
{
    return (int64_t)((uint64_t)d->lo + ((uint64_t)i << d->shift));
}

/* The first and last bins of day d holding trials; false when none do. A
 * bin's start stands for every value in it: a day's bins only ever widen,
 * and at any width at least its own, a bin's values share their bin. */
static bool used(const sim_sday *d, size_t *first, size_t *last)
{
    if (!d->c) return false;
    size_t a = 0, b = d->nb;
    while (a < b && !count_at(d, a)) a++;
    if (a == b) return false;
    while (!count_at(d, b - 1)) b--;
    *first = a, *last = b - 1;
    return true;
}

/* whether day d's bins hold values a..b at its width */
static bool holds(const sim_sday *d, int64_t a, int64_t b)
{
    return d->c && (a >> d->shift) >= base_of(d) && bins_between(d->lo, b, d->shift) < d->nb;
}

/* Re-bin day t to hold values a..b (which include what it holds) with bins
 * at least 2^min_shift wide: the narrowest width from there at which a and b
 * lie fewer than cap bins apart. */
static void cover(sim_sgrid *g, int t, int64_t a, int64_t b, unsigned min_shift)
{
    sim_sday *d = &g->d[t];
    unsigned s = d->shift > min_shift ? d->shift : min_shift;
    while (bins_between(a, b, s) >= g->cap) s++;
    size_t span = (size_t)bins_between(a, b, s) + 1;
    size_t nb = span + span / 2 + 8; /* slack, so re-binning is rare */
    if (nb > g->cap) nb = g->cap;
    /* slack on both sides: values may spread either way */
    int64_t base = (a >> s) - (int64_t)((nb - span) / 2);
    /* the new bins: counts as wide as the old, at least 16-bit when wider
     * bins gather old ones (their counts add up) */
    sim_sday nd = *d;
    if (!nd.bytes) nd.bytes = 1;
    if (d->c && s > d->shift && nd.bytes < 2) nd.bytes = 2;
    nd.c = bins_alloc(g, nb, nd.bytes);
    nd.nb = (uint32_t)nb;
    size_t first, last;
    if (used(d, &first, &last)) {
        int64_t old = base_of(d);
        for (size_t i = first; i <= last; i++) {
            uint32_t n = count_at(d, i);
            if (!n) continue;
            int64_t k = ((old + (int64_t)i) >> (s - d->shift)) - base;
            SIM_ASSERT(k >= 0 && (size_t)k < nb);
            add_at(&nd, (size_t)k, n);
        }
    }
    if (d->c) bins_release(g, d->c, d->nb, d->bytes);
    d->c = nd.c;
    d->bytes = nd.bytes;
    d->nb = (uint32_t)nb;
    d->shift = s;
    d->lo = (int64_t)((uint64_t)base << s);
}

/* Give day t counts of at least `bytes` bytes: 2 when a count would pass
 * 255, 4 once the grid reaches 65,536 trials. */
static void widen(sim_sgrid *g, int t, unsigned bytes)
{
    sim_sday *d = &g->d[t];
    if (d->bytes >= bytes) return;
    if (d->c) {
        sim_sday nd = *d;
        nd.bytes = (uint8_t)bytes;
        nd.c = bins_alloc(g, d->nb, bytes);
        for (size_t i = 0; i < d->nb; i++) add_at(&nd, i, count_at(d, i));
        bins_release(g, d->c, d->nb, d->bytes);
        d->c = nd.c;
    }
    d->bytes = (uint8_t)bytes;
}

/* Make day t hold value v too. */
static void grow(sim_sgrid *g, int t, int64_t v)
{
    const sim_sday *d = &g->d[t];
    int64_t a = v, b = v;
    size_t first, last;
    if (used(d, &first, &last)) {
        if (bin_start(d, first) < a) a = bin_start(d, first);
        if (bin_start(d, last) > b) b = bin_start(d, last);
    }
    cover(g, t, a, b, 0);
}

/* Count values x[i * stride], i = from .. k-1, into day t with counts of
 * type T, until done (returns k) or a count would pass T's largest value or
 * re-binning made the counts wider (returns where it stopped). */
#define COUNT_FN(NAME, T, MAX)                                                                             \
    static size_t NAME(sim_sgrid *g, int t, const int32_t *x, size_t from, size_t k, size_t stride,       \
                       int64_t *sum)                                                                       \
    {                                                                                                      \
        sim_sday *d = &g->d[t];                                                                            \
        const unsigned bytes = d->bytes;                                                                   \
        T *c = d->c;                                                                                       \
        int64_t base = base_of(d), s = 0;                                                                  \
        unsigned sh = d->shift;                                                                            \
        uint64_t nb = d->nb;                                                                               \
        size_t i = from;                                                                                   \
        for (; i < k; i++) {                                                                               \
            int64_t y = x[i * stride];                                                                     \
            uint64_t j = (uint64_t)(y >> sh) - (uint64_t)base;                                             \
            if (j >= nb) { /* outside the day's bins: widen them (rare) */                                 \
                grow(g, t, y);                                                                             \
                if (d->bytes != bytes) break;                                                              \
                c = d->c, base = base_of(d), sh = d->shift, nb = d->nb;                                    \
                j = (uint64_t)(y >> sh) - (uint64_t)base;                                                  \
            }                                                                                              \
            if (c[j] == (MAX)) break;                                                                      \
            c[j]++;                                                                                        \
            s += y;                                                                                        \
        }                                                                                                  \
        *sum += s;                                                                                         \
        return i;                                                                                          \
    }
COUNT_FN(count8, uint8_t, UINT8_MAX)
COUNT_FN(count16, uint16_t, UINT16_MAX)
COUNT_FN(count32, uint32_t, UINT32_MAX)
#undef COUNT_FN

void sim_sgrid_add_batch(sim_sgrid *g, const int32_t *v, size_t k, size_t day_stride, size_t trial_stride)
{
    if (k == 0 || g->H == 0) return;
    const bool wide = g->n + k > UINT16_MAX;
    for (int t = 0; t < g->H; t++) {
        const int32_t *x = &v[(size_t)t * day_stride];
        sim_sday *d = &g->d[t];
        if (wide) widen(g, t, 4);
        if (!d->c) { /* a day's first values: bins for all of the batch's at once */
            int64_t a = x[0], b = a;
            for (size_t i = 1; i < k; i++) {
                int64_t y = x[i * trial_stride];
                a = y < a ? y : a;
                b = y > b ? y : b;
            }
            cover(g, t, a, b, 0);
        }
        /* tomorrow's bins are counted next: fetch them meanwhile */
        const sim_sday *next = t + 1 < g->H ? &g->d[t + 1] : NULL;
        if (next && next->c)
            for (size_t j = 0, end = bins_bytes(next->nb, next->bytes); j < end; j += 64)
                __builtin_prefetch((const char *)next->c + j, 1, 3);
        int64_t sum = 0;
        size_t i = 0;
        while (i < k) {
            const unsigned b0 = d->bytes;
            if (b0 == 1) i = count8(g, t, x, i, k, trial_stride, &sum);
            else if (b0 == 2) i = count16(g, t, x, i, k, trial_stride, &sum);
            else i = count32(g, t, x, i, k, trial_stride, &sum);
            /* stopped before the end with the same width: a count would
             * overflow, so widen (with another width, re-binning widened
             * them already) */
            if (i < k && d->bytes == b0) {
                SIM_ASSERT(b0 < 4);
                widen(g, t, 2 * b0);
            }
        }
        d->sum += sum;
    }
    g->n += k;
}

void sim_sgrid_add(sim_sgrid *g, const int32_t *v)
{
    sim_sgrid_add_batch(g, v, 1, 1, 1);
}

void sim_sgrid_absorb(sim_sgrid *dst, sim_sgrid *src)
{
    if (dst->n == 0 && dst->H == src->H && dst->cap == src->cap && dst->arena == &dst->own &&
        src->arena == &src->own) {
        sim_sgrid t = *dst;
        *dst = *src;
        *src = t;
        dst->arena = &dst->own, src->arena = &src->own;
        return;
    }
    sim_sgrid_merge(dst, src);
}

void sim_sgrid_merge(sim_sgrid *dst, const sim_sgrid *src)
{
    if (src->n == 0) return;
    SIM_ASSERT(dst->H == src->H);
    const bool wide = dst->n + src->n > UINT16_MAX;
    for (int t = 0; t < dst->H; t++) {
        const sim_sday *s = &src->d[t];
        sim_sday *d = &dst->d[t];
        widen(dst, t, wide ? 4 : 2); /* counts add up */
        size_t first, last, df, dl;
        if (!used(s, &first, &last)) continue;
        int64_t a = bin_start(s, first), b = bin_start(s, last);
        if (used(d, &df, &dl)) {
            if (bin_start(d, df) < a) a = bin_start(d, df);
            if (bin_start(d, dl) > b) b = bin_start(d, dl);
        }
        if (!holds(d, a, b) || d->shift < s->shift) cover(dst, t, a, b, s->shift);
        const int64_t sb = base_of(s), db = base_of(d);
        for (size_t i = first; i <= last; i++) {
            uint32_t n = count_at(s, i);
            if (!n) continue;
            int64_t k = ((sb + (int64_t)i) >> (d->shift - s->shift)) - db;
            SIM_ASSERT(k >= 0 && (size_t)k < d->nb);
            add_at(d, (size_t)k, n);
        }
        d->sum += s->sum;
    }
    dst->n += src->n;
}

/* value of bin i of day d: exact at resolution 1, else the bin's middle */
static double bin_value(const sim_sday *d, size_t i)
{
    int64_t w = (int64_t)1 << d->shift;
    return (double)(d->lo + (int64_t)i * w) + (double)(w - 1) / 2;
}

/* Move (*bin, *before: trials in bins before it) on to the bin holding the
 * trial of 0-based rank r (r below the day's trials). */
static void seek_rank(const sim_sday *d, uint64_t r, size_t *bin, uint64_t *before)
{
    size_t b = *bin;
    uint64_t s = *before;
    /* whole runs of 16 bins first: their 16 additions are independent of
     * each other, where bin by bin each waits for the last */
#define SEEK(T)                                                                                            \
    do {                                                                                                   \
        const T *c = d->c;                                                                                 \
        while ((size_t)b + 16 <= d->nb) {                                                                  \
            uint64_t t = 0;                                                                                \
            for (int i = 0; i < 16; i++) t += c[b + (size_t)i];                                            \
            if (s + t > r) break;                                                                          \
            s += t, b += 16;                                                                               \
        }                                                                                                  \
        while (s + c[b] <= r) s += c[b++];                                                                 \
    } while (0)
    if (d->bytes == 1) SEEK(uint8_t);
    else if (d->bytes == 2) SEEK(uint16_t);
    else SEEK(uint32_t);
#undef SEEK
    *bin = b, *before = s;
}

void sim_sgrid_quantiles(const sim_sgrid *g, int t, const double *p, size_t np, double *out)
{
    if (g->n == 0) {
        for (size_t k = 0; k < np; k++) out[k] = NAN;
        return;
    }
    const sim_sday *d = &g->d[t];
    size_t bin = 0;
    uint64_t before = 0; /* trials in bins before `bin` */
    for (size_t k = 0; k < np; k++) {
        double idx = p[k] * (double)(g->n - 1);
        if (idx < 0) idx = 0;
        uint64_t j = (uint64_t)idx;
        double delta = idx - (double)j;
        /* the j-th and (j+1)-th smallest (0-based) */
        seek_rank(d, j, &bin, &before);
        double lo = bin_value(d, bin), hi = lo;
        if (delta > 0 && j + 1 < g->n) {
            size_t b2 = bin;
            uint64_t bef2 = before;
            seek_rank(d, j + 1, &b2, &bef2);
            hi = bin_value(d, b2);
        }
        out[k] = (1 - delta) * lo + delta * hi;
    }
}

double sim_sgrid_mean(const sim_sgrid *g, int t)
{
    return g->n ? (double)((long double)g->d[t].sum / (long double)g->n) : NAN;
}

void sim_sgrid_count(const sim_sgrid *g, int t, double x, uint64_t *lt, uint64_t *eq)
{
    *lt = *eq = 0;
    if (g->n == 0) return;
    const sim_sday *d = &g->d[t];
    for (size_t i = 0; i < d->nb; i++) {
        double v = bin_value(d, i);
        if (v < x) *lt += count_at(d, i);
        else if (v == x) *eq += count_at(d, i);
    }
}

int64_t sim_sgrid_resolution(const sim_sgrid *g, int t)
{
    return (int64_t)1 << g->d[t].shift;
}

/* layout: H, n; then per day (when n > 0): the start of its first used
 * bin, its width's shift, its sum, its number of bins from the first used to
 * the last, and their counts */
size_t sim_sgrid_pack(const sim_sgrid *g, uint8_t **out)
{
    size_t len = 2 * 8;
    for (int t = 0; g->n && t < g->H; t++) {
        size_t first, last;
        SIM_ASSERT(used(&g->d[t], &first, &last));
        len += 4 * 8 + (last - first + 1) * 4;
    }
    uint8_t *b = sim_malloc(len), *p = b;
    int64_t head[2] = {g->H, (int64_t)g->n};
    memcpy(p, head, sizeof head), p += sizeof head;
    for (int t = 0; g->n && t < g->H; t++) {
        const sim_sday *d = &g->d[t];
        size_t first, last;
        used(d, &first, &last);
        int64_t dh[4] = {bin_start(d, first), d->shift, d->sum, (int64_t)(last - first + 1)};
        memcpy(p, dh, sizeof dh), p += sizeof dh;
        for (size_t i = first; i <= last; i++) {
            uint32_t n = count_at(d, i);
            memcpy(p, &n, 4), p += 4;
        }
    }
    *out = b;
    return len;
}

int sim_sgrid_unpack(sim_sgrid *g, const uint8_t *buf, size_t len, size_t cap)
{
    int64_t head[2];
    if (len < sizeof head) return -1;
    memcpy(head, buf, sizeof head);
    if (head[0] < 0 || head[0] > 1000000 || head[1] < 0) return -1;
    sim_sgrid_init(g, (int)head[0], cap);
    g->n = (uint64_t)head[1];
    size_t at = sizeof head;
    for (int t = 0; g->n && t < g->H; t++) {
        sim_sday *d = &g->d[t];
        int64_t dh[4];
        if (len - at < sizeof dh) goto bad;
        memcpy(dh, buf + at, sizeof dh), at += sizeof dh;
        if (dh[1] < 0 || dh[1] > 62 || dh[3] < 1 || (uint64_t)dh[3] > g->cap || (len - at) / 4 < (uint64_t)dh[3])
            goto bad;
        const unsigned sh = (unsigned)dh[1];
        const size_t nb = (size_t)dh[3];
        const int64_t lo = dh[0];
        if ((int64_t)((uint64_t)(lo >> sh) << sh) != lo) goto bad;
        if (nb - 1 > (uint64_t)(INT64_MAX >> sh) || lo > INT64_MAX - (int64_t)((uint64_t)(nb - 1) << sh)) goto bad;
        const uint8_t *counts = buf + at;
        at += nb * 4;
        uint32_t first, last;
        memcpy(&first, counts, 4);
        memcpy(&last, counts + (nb - 1) * 4, 4);
        if (!first || !last) goto bad;
        /* bins for the packed ones' first and last values, then the counts */
        d->shift = sh;
        d->bytes = g->n > UINT16_MAX ? 4 : 2;
        cover(g, t, lo, (int64_t)((uint64_t)lo + ((uint64_t)(nb - 1) << sh)), sh);
        size_t off = (size_t)bins_between(d->lo, lo, sh);
        if (d->shift != sh || off + nb > d->nb) goto bad;
        d->sum = dh[2];
        uint64_t total = 0;
        for (size_t i = 0; i < nb; i++) {
            uint32_t n;
            memcpy(&n, counts + i * 4, 4);
            total += n;
            if (total > g->n) goto bad; /* also keeps 16-bit counts from overflowing */
            add_at(d, off + i, n);
        }
        if (total != g->n) goto bad;
    }
    if (at != len) goto bad;
    return 0;
bad:
    sim_sgrid_free(g);
    return -1;
}
