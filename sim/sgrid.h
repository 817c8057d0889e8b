/* sgrid.h - exact daily quantiles of a series over trials, in memory that
 * does not grow with the number of trials.
 *
 * One grid per series counts trials by (value bin, day), laid out value by
 * value with the days of a value side by side. While trials are added the
 * grid holds differences along the days: a trial whose value v holds from
 * day t0 to t1 adds 1 at (v, t0) and takes 1 at (v, t1 + 1), two writes
 * for the whole stretch; sim_sgrid_finalize turns the differences into
 * counts by summing along the days. Sums, merges and re-gridding are linear,
 * so they work in either form. Bins are one unit wide until
 * the series' values span more than the grid's bin cap, after which they
 * double in width (the resolution); the widths reached depend only on the
 * range of values, so grids merge to the same counts however the trials
 * were split between threads or ranks. Per-day sums are exact. */
#ifndef SIM_SGRID_H
#define SIM_SGRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sim_sgrid {
    int H;            /* days */
    int64_t lo;       /* value at the start of bin 0, a multiple of the bin width */
    unsigned shift;   /* bin width = 2^shift */
    size_t nbins, cap;
    int32_t *c;       /* [bin * H + day] trial counts, or their differences along days */
    int64_t *sum;     /* [day] sum of the values (or its differences) */
    bool final;       /* c and sum hold counts and sums, not differences */
    uint64_t n;       /* trials */
    int64_t min, max;
} sim_sgrid;

void sim_sgrid_init(sim_sgrid *g, int days, size_t cap);
void sim_sgrid_free(sim_sgrid *g);
/* Add one trial's values v[0 .. days-1] (the grid must not be final). */
void sim_sgrid_add(sim_sgrid *g, const int64_t *v);
/* Turn differences into counts; the reading functions below need it. */
void sim_sgrid_finalize(sim_sgrid *g);
void sim_sgrid_merge(sim_sgrid *dst, const sim_sgrid *src);
/* Merge src into dst, taking src's memory when dst is empty (src is left
 * empty or unchanged; free it after). */
void sim_sgrid_absorb(sim_sgrid *dst, sim_sgrid *src);
/* Quantiles p[0..np-1] (ascending) of day t, GSL's definition. */
void sim_sgrid_quantiles(const sim_sgrid *g, int t, const double *p, size_t np, double *out);
double sim_sgrid_mean(const sim_sgrid *g, int t);
/* Trials with value < x, and == x, on day t (exact at resolution 1). */
void sim_sgrid_count(const sim_sgrid *g, int t, double x, uint64_t *lt, uint64_t *eq);
int64_t sim_sgrid_resolution(const sim_sgrid *g);
size_t sim_sgrid_pack(const sim_sgrid *g, uint8_t **out);
int sim_sgrid_unpack(sim_sgrid *g, const uint8_t *buf, size_t len, size_t cap);

#endif
