/* engine.c - see engine.h. */
#include "engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include "progress.h"
#include "rng.h"

#define BLOCK 2048  /* trials handed back per block */
#define SERIES_CELLS ((size_t)4 << 20) /* (value bin, day) cells per series grid: 16 MiB */

volatile int sim_interrupted = 0;

int sim_threads_default(void)
{
    int n = omp_get_num_procs();
    return n > 0 ? n : 1;
}

size_t sim_series_cap(int horizon)
{
    return SERIES_CELLS / (size_t)(horizon > 0 ? horizon : 1);
}

void sim_seriesacc_init(sim_seriesacc *a, const sim_inst *inst)
{
    a->nseries = inst->nseries;
    a->horizon = inst->horizon;
    a->g = sim_calloc(a->nseries + 1, sizeof *a->g);
    for (size_t i = 0; i < a->nseries; i++) sim_sgrid_init(&a->g[i], a->horizon, sim_series_cap(a->horizon));
}

void sim_seriesacc_free(sim_seriesacc *a)
{
    for (size_t i = 0; i < a->nseries; i++) sim_sgrid_free(&a->g[i]);
    free(a->g);
    memset(a, 0, sizeof *a);
}

void sim_seriesacc_merge(sim_seriesacc *dst, const sim_seriesacc *src)
{
    for (size_t i = 0; i < dst->nseries; i++) sim_sgrid_merge(&dst->g[i], &src->g[i]);
}

typedef struct worker {
    gsl_rng *prng;     /* parameter streams */
    gsl_rng **rng;     /* the model's streams */
    uint64_t *rng_sub;
    void *scratch;
    int64_t *sbuf;     /* one trial's series: [series * horizon + day] */
    sim_seriesacc acc;
} worker;

static void worker_init(worker *w, const sim_inst *inst)
{
    memset(w, 0, sizeof *w);
    w->prng = sim_rng_alloc();
    w->rng = sim_calloc(inst->nstream + 1, sizeof *w->rng);
    for (size_t i = 0; i < inst->nstream; i++) w->rng[i] = sim_rng_alloc();
    w->rng_sub = sim_calloc(inst->nstream + 1, sizeof *w->rng_sub);
    w->scratch = inst->model->scratch_alloc ? inst->model->scratch_alloc(inst) : NULL;
    w->sbuf = sim_calloc(inst->nseries * (size_t)inst->horizon + 1, sizeof *w->sbuf);
    sim_seriesacc_init(&w->acc, inst);
}

static void worker_free(worker *w, const sim_inst *inst)
{
    gsl_rng_free(w->prng);
    for (size_t i = 0; i < inst->nstream; i++) gsl_rng_free(w->rng[i]);
    free(w->rng);
    free(w->rng_sub);
    if (w->scratch && inst->model->scratch_free) inst->model->scratch_free(w->scratch);
    free(w->sbuf);
    sim_seriesacc_free(&w->acc);
}

/* Two sets of block buffers: while one thread hands block b to the caller
 * (writing rows, adding statistics, in trial order), the others already run
 * block b + 1 into the other set. */
typedef struct blockbuf {
    double *theta, *out;
    sim_buf *rows;
} blockbuf;

static void blockbuf_init(blockbuf *bb, const sim_inst *inst, bool rows)
{
    bb->theta = sim_calloc(BLOCK * (inst->nparam ? inst->nparam : 1), sizeof *bb->theta);
    bb->out = sim_calloc(BLOCK * (inst->nout ? inst->nout : 1), sizeof *bb->out);
    bb->rows = NULL;
    if (rows) {
        bb->rows = sim_calloc(BLOCK, sizeof *bb->rows);
        for (size_t i = 0; i < BLOCK; i++) sim_buf_init(&bb->rows[i]);
    }
}

static void blockbuf_free(blockbuf *bb)
{
    free(bb->theta);
    free(bb->out);
    if (bb->rows) {
        for (size_t i = 0; i < BLOCK; i++) sim_buf_free(&bb->rows[i]);
        free(bb->rows);
    }
}

int sim_engine_run(const sim_inst *inst, const sim_runcfg *cfg, sim_seriesacc *series, sim_block_fn fn,
                   void *user, sim_err *err)
{
    const size_t np = inst->nparam, no = inst->nout;
    int threads = cfg->threads > 0 ? cfg->threads : sim_threads_default();
    blockbuf bufs[2];
    blockbuf_init(&bufs[0], inst, cfg->row != NULL);
    blockbuf_init(&bufs[1], inst, cfg->row != NULL);
    volatile int failed = 0;
    sim_err first_err = {{0}};
    sim_progress prog;
    sim_progress_start(&prog, cfg->progress, cfg->label, cfg->n);
    uint64_t done = 0;
    const uint64_t nblocks = (cfg->n + BLOCK - 1) / BLOCK;

#pragma omp parallel num_threads(threads)
    {
        worker w;
        worker_init(&w, inst);
        sim_err terr;
        /* every thread meets every worksharing construct: no early exit; a
         * failure only makes the remaining trials skip */
        for (uint64_t blk = 0; blk < nblocks; blk++) {
            const uint64_t b0 = blk * BLOCK;
            const size_t nb = (size_t)(cfg->n - b0 < BLOCK ? cfg->n - b0 : BLOCK);
            blockbuf *bb = &bufs[blk % 2];
            uint64_t mine = 0;
#pragma omp for schedule(dynamic, 4)
            for (size_t i = 0; i < nb; i++) {
                if (failed || sim_interrupted) continue;
                uint64_t d = cfg->first + b0 + i, trial = d, inner = 0;
                if (cfg->key) cfg->key(cfg->key_user, d, &trial, &inner);
                double *th = &bb->theta[i * np];
                if (cfg->theta) cfg->theta(cfg->theta_user, d, th, w.prng);
                else sim_inst_sample(inst, cfg->seed, trial, w.prng, th);
                for (size_t s = 0; s < inst->nstream; s++) w.rng_sub[s] = UINT64_MAX;
                sim_trial tr = {cfg->seed, trial, inner, w.rng, w.rng_sub, inst->stream, &bb->out[i * no],
                                w.sbuf, 1, w.scratch, -1, &terr};
                if (inst->model->trial(inst, th, &tr) != 0) {
#pragma omp critical(sim_engine_err)
                    if (!failed) {
                        first_err = terr;
                        failed = 1;
                    }
                    continue;
                }
                if (cfg->want_series)
                    for (size_t s = 0; s < inst->nseries; s++)
                        sim_sgrid_add(&w.acc.g[s], &w.sbuf[s * (size_t)inst->horizon]);
                if (bb->rows) {
                    sim_buf_clear(&bb->rows[i]);
                    cfg->row(cfg->row_user, d, th, &bb->out[i * no], &bb->rows[i]);
                }
                mine++;
            }
#pragma omp atomic
            done += mine;
            /* hand the block over while the others go on with the next one;
             * the barrier closing the next block's loop keeps this buffer
             * from being reused before the hand-over is finished */
#pragma omp single nowait
            {
                if (!failed && sim_interrupted) {
                    sim_errf(&first_err, "interrupted");
                    failed = 1;
                }
                if (!failed) {
                    sim_block b = {cfg->first + b0, nb, bb->theta, bb->out, bb->rows};
                    if (fn && fn(user, &b, &first_err) != 0) failed = 1;
                }
                sim_progress_update(&prog, done);
            }
        }
#pragma omp barrier
#pragma omp critical(sim_engine_merge)
        if (series && cfg->want_series)
            for (size_t s = 0; s < inst->nseries; s++) sim_sgrid_absorb(&series->g[s], &w.acc.g[s]);
        worker_free(&w, inst);
    }
    sim_progress_end(&prog, failed ? 0 : done);
    blockbuf_free(&bufs[0]);
    blockbuf_free(&bufs[1]);
    if (failed) {
        if (err) *err = first_err;
        return -1;
    }
    return 0;
}
