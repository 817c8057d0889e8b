/* sgrid.h - exact daily quantiles of a series over trials, in memory that
 * does not grow with the number of trials.
 *
 * A series grid holds one histogram per day: trial counts by value, one
 * unit per bin until that day's values span more than the grid's bin cap,
 * after which the day's bins double in width (its resolution) as often as
 * needed. A day's bins start at multiples of their width, and the width a
 * day reaches depends only on the smallest and largest value seen that day
 * (the smallest width at which they lie fewer than cap bins apart), so
 * grids merge to the same counts however the trials were split between
 * threads or ranks. Per-day sums are exact.
 *
 * Trials are added in batches (sim_sgrid_add_batch), a day at a time: the
 * day's bins are written for the whole batch while they are in cache. One
 * trial at a time would write a different day's bins for every value. */
#ifndef SIM_SGRID_H
#define SIM_SGRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sim_sday {
    int64_t lo;       /* value at the start of bin 0, a multiple of the bin width */
    int64_t sum;      /* sum of the values counted */
    void *c;          /* [nb] trials by bin (NULL until the day has values) */
    uint32_t nb;      /* at most the grid's cap */
    unsigned shift;   /* bin width = 2^shift */
    uint8_t bytes;    /* of a count: 1 until a bin would pass 255 (or the
                         bins are re-made wider), 2 until the grid reaches
                         65,536 trials, then 4 (0 before the day has bins) */
} sim_sday;

/* Where the days' bins come from: 2 MiB chunks (few page faults, no
 * allocator churn), which the grids of a run may share, so that their
 * partly used last chunks are one. Fresh memory is dear: the kernel zeroes
 * each page when it is first touched. */
typedef struct sim_sarena {
    char **chunk;
    size_t *chunk_len;
    size_t nchunk, chunk_cap;
    char *cur;        /* the chunk bins are being cut from */
    size_t left;      /* free bytes at its end */
    void *spare[64];  /* bins outgrown by re-binning, by size in KiB: reused */
} sim_sarena;

void sim_sarena_free(sim_sarena *a);

typedef struct sim_sgrid {
    int H;            /* days */
    size_t cap;       /* most bins of one day */
    uint64_t n;       /* trials */
    sim_sday *d;      /* [H] */
    sim_sarena *arena; /* &own, or one shared with other grids */
    sim_sarena own;
} sim_sgrid;

/* A grid with bins of its own. */
void sim_sgrid_init(sim_sgrid *g, int days, size_t cap);
/* A grid cutting its bins from arena a, which must outlive it; grids
 * sharing an arena may be used from different threads at once, each grid
 * from one thread at a time. */
void sim_sgrid_init_in(sim_sgrid *g, int days, size_t cap, sim_sarena *a);
void sim_sgrid_free(sim_sgrid *g);
/* Add k trials; the value of trial i on day t is v[t * day_stride + i * trial_stride]. */
void sim_sgrid_add_batch(sim_sgrid *g, const int32_t *v, size_t k, size_t day_stride, size_t trial_stride);
/* Add one trial's values v[0 .. days-1]. */
void sim_sgrid_add(sim_sgrid *g, const int32_t *v);
void sim_sgrid_merge(sim_sgrid *dst, const sim_sgrid *src);
/* Merge src into dst, taking src's memory when dst is empty (src is left
 * empty or unchanged; free it after). */
void sim_sgrid_absorb(sim_sgrid *dst, sim_sgrid *src);
/* Quantiles p[0..np-1] (ascending) of day t, GSL's definition. */
void sim_sgrid_quantiles(const sim_sgrid *g, int t, const double *p, size_t np, double *out);
double sim_sgrid_mean(const sim_sgrid *g, int t);
/* Trials with value < x, and == x, on day t (exact at resolution 1). */
void sim_sgrid_count(const sim_sgrid *g, int t, double x, uint64_t *lt, uint64_t *eq);
/* Bin width of day t: 1 while its values span at most cap bins. */
int64_t sim_sgrid_resolution(const sim_sgrid *g, int t);
size_t sim_sgrid_pack(const sim_sgrid *g, uint8_t **out);
int sim_sgrid_unpack(sim_sgrid *g, const uint8_t *buf, size_t len, size_t cap);

#endif
