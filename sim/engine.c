/* engine.c - see engine.h. */
#define _GNU_SOURCE /* sched_getcpu, sched_setaffinity */
#include "engine.h"

#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include "cluster.h"
#include "progress.h"
#include "rng.h"

#define BLOCK 2048  /* trials handed back per block */
/* The last block of a run is small: handing it over (writing its rows) is
 * the one hand-over that no trials run beside. */
#define TAIL 256
/* Value bins of one day of a daily series: exact quantiles while the day's
 * values span fewer counts than SERIES_CELLS / horizon (11,491 a day over a
 * year), bins 2, 4, ... wide beyond. */
#define SERIES_CELLS ((size_t)4 << 20) /* 16 MiB of counts */
/* Trials whose series a thread keeps before counting them. Their values are
 * laid out day by day ([series][day][trial]), so that counting reads each
 * day's values in a row and writes that day's bins while they are in cache;
 * a trial writes its values to lines the trial before wrote (in cache), and
 * the batch is large so that each day's bins are fetched once for many
 * values. 512 trials of the baseline: 4.5 MB; long horizons keep fewer,
 * within SERIES_BUF, and small runs no more than their share. */
#define SERIES_BATCH 512
#define SERIES_BUF ((size_t)32 << 20)

volatile sig_atomic_t sim_interrupted = 0;

int sim_threads_default(void)
{
    int n = omp_get_num_procs();
    /* ranks sharing a machine share its cores (Open MPI says how many) */
    const char *local = getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
    int ranks = local ? atoi(local) : 1;
    if (ranks > 1) n /= ranks;
    return n > 0 ? n : 1;
}

/* Linux starts a new thread on its creator's CPU, and wakes a sleeping one
 * on its waker's, where it takes the CPU from the master: the two then share
 * one CPU until the next load balancing, the first 1 to 8 ms of each parallel
 * region on a 2-CPU machine (measured). A worker barred from the master's
 * CPU wakes on another one at once. Only the CPU mask changes: which thread
 * runs which trial, and so every output byte, never depended on it. */
int sim_team_place(int threads)
{
    static int placed_threads = 0, placed_cpu = -1;
    cpu_set_t away;
    const int cpu = sched_getcpu();
    /* the master's mask, never changed here, is the process's */
    if (threads < 2 || omp_in_parallel() || cpu < 0 || sched_getaffinity(0, sizeof away, &away) != 0) return -1;
    /* more threads than CPUs: left to the kernel to spread */
    if (!CPU_ISSET((size_t)cpu, &away) || threads > CPU_COUNT(&away)) return -1;
    if (threads == placed_threads && cpu == placed_cpu) return cpu;
    CPU_CLR((size_t)cpu, &away);
    /* the same pool serves every parallel region of as many threads */
#pragma omp parallel num_threads(threads)
    if (omp_get_thread_num() != 0) (void)sched_setaffinity(0, sizeof away, &away);
    placed_threads = threads;
    placed_cpu = cpu;
    return cpu;
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
    memset(&a->arena, 0, sizeof a->arena);
    a->lock = sim_calloc(a->nseries + 1, sizeof *a->lock);
    for (size_t i = 0; i < a->nseries; i++) {
        sim_sgrid_init_in(&a->g[i], a->horizon, sim_series_cap(a->horizon), &a->arena);
        omp_init_lock(&a->lock[i]);
    }
}

void sim_seriesacc_free(sim_seriesacc *a)
{
    for (size_t i = 0; i < a->nseries; i++) {
        sim_sgrid_free(&a->g[i]);
        omp_destroy_lock(&a->lock[i]);
    }
    sim_sarena_free(&a->arena);
    free(a->g);
    free(a->lock);
    memset(a, 0, sizeof *a);
}

typedef struct worker {
    gsl_rng *prng;     /* parameter streams */
    gsl_rng **rng;     /* the model's streams */
    uint64_t *rng_sub;
    void *scratch;
    int32_t *sbuf;     /* trials' series: [(series * horizon + day) * batch + trial] */
    size_t batch;      /* trials sbuf holds */
    size_t pending;    /* trials in sbuf not yet counted */
} worker;

static size_t sbuf_size(const worker *w, const sim_inst *inst)
{
    return (w->batch * inst->nseries * (size_t)inst->horizon + 1) * sizeof *w->sbuf;
}

/* share: about how many trials the thread will run (its buffer need not
 * hold more) */
static void worker_init(worker *w, const sim_inst *inst, bool series, uint64_t share)
{
    memset(w, 0, sizeof *w);
    w->prng = sim_rng_alloc();
    w->rng = sim_calloc(inst->nstream + 1, sizeof *w->rng);
    for (size_t i = 0; i < inst->nstream; i++) w->rng[i] = sim_rng_alloc();
    w->rng_sub = sim_calloc(inst->nstream + 1, sizeof *w->rng_sub);
    w->scratch = inst->model->scratch_alloc ? inst->model->scratch_alloc(inst) : NULL;
    w->batch = 1;
    if (series && inst->nseries) {
        size_t per = inst->nseries * (size_t)inst->horizon * sizeof *w->sbuf;
        w->batch = SERIES_BUF / per < SERIES_BATCH ? SERIES_BUF / per : SERIES_BATCH;
        if (share < w->batch) w->batch = (size_t)share;
        if (w->batch < 1) w->batch = 1;
    }
    w->sbuf = sim_big_alloc(sbuf_size(w, inst));
}

/* Count series s of the trials in w's sbuf into the run's grid, under the
 * grid's lock. Counts do not depend on the order of batches. */
static void count_series(const worker *w, const sim_inst *inst, sim_seriesacc *series, size_t s)
{
    if (!w->pending) return;
    omp_set_lock(&series->lock[s]);
    sim_sgrid_add_batch(&series->g[s], &w->sbuf[s * (size_t)inst->horizon * w->batch], w->pending, w->batch, 1);
    omp_unset_lock(&series->lock[s]);
}

/* Count the series of the trials in sbuf into the run's grids, one series
 * at a time; threads start at different series, so that two threads
 * flushing at once mostly count into different grids. Counting a batch
 * takes a few milliseconds, running it a hundred times as long, and one set
 * of grids needs half the memory of one per thread and no merging. */
static void worker_flush(worker *w, const sim_inst *inst, sim_seriesacc *series)
{
    const size_t S = inst->nseries;
    if (series) {
        const size_t first = (size_t)omp_get_thread_num() * S / (size_t)omp_get_num_threads();
        for (size_t k = 0; k < S; k++) count_series(w, inst, series, (first + k) % S);
    }
    w->pending = 0;
}

static void worker_free(worker *w, const sim_inst *inst)
{
    gsl_rng_free(w->prng);
    for (size_t i = 0; i < inst->nstream; i++) gsl_rng_free(w->rng[i]);
    free(w->rng);
    free(w->rng_sub);
    if (w->scratch && inst->model->scratch_free) inst->model->scratch_free(w->scratch);
    sim_big_free(w->sbuf, sbuf_size(w, inst));
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

/* The progress line a run draws on: the whole command's (cfg->overall),
 * which its caller starts and ends, or own, started here for want. */
static sim_progress *run_progress(const sim_runcfg *cfg, bool want, sim_progress *own)
{
    if (cfg->overall) return cfg->overall;
    sim_progress_start(own, want, cfg->label, cfg->n);
    return own;
}

/* A run of n trials in blocks: BLOCK trials each up to its last TAIL
 * trials (the block before those may be shorter), then those. */
static uint64_t block_count(uint64_t n)
{
    return n <= TAIL ? (n ? 1 : 0) : (n - TAIL + BLOCK - 1) / BLOCK + 1;
}

/* Block blk: its first trial (from the run's first) in *b0, and its size. */
static size_t block_at(uint64_t n, uint64_t blk, uint64_t *b0)
{
    const uint64_t head = n > TAIL ? n - TAIL : 0;
    *b0 = blk * BLOCK;
    if (*b0 >= head) {
        *b0 = head;
        return (size_t)(n - head);
    }
    return (size_t)(head - *b0 < BLOCK ? head - *b0 : BLOCK);
}

static int engine_local(const sim_inst *inst, const sim_runcfg *cfg, sim_seriesacc *series, sim_block_fn fn,
                        void *user, sim_err *err)
{
    const size_t np = inst->nparam, no = inst->nout;
    int threads = cfg->threads > 0 ? cfg->threads : sim_threads_default();
    blockbuf bufs[2];
    blockbuf_init(&bufs[0], inst, cfg->row != NULL);
    blockbuf_init(&bufs[1], inst, cfg->row != NULL);
    /* failed: a hand-over or an interrupt; fail_at: the lowest trial (its
     * place in the run) whose model failed. Trials after fail_at skip, the
     * ones before it go on, so the error reported is the lowest failing
     * trial's whatever the threads' timing, as at -j 1. */
    volatile int failed = 0;
    uint64_t fail_at = UINT64_MAX;
    sim_err first_err = {{0}}; /* fail_at's, written under the critical section */
    sim_err hand_err = {{0}};  /* failed's, written only by the hand-over (single) */
    sim_progress own, *prog = run_progress(cfg, cfg->progress, &own);
    const uint64_t at0 = cfg->overall ? cfg->overall_at : 0;
    uint64_t done = 0;
    const uint64_t nblocks = block_count(cfg->n);
    worker **ws = sim_calloc((size_t)threads, sizeof *ws);

    sim_team_place(threads);
#pragma omp parallel num_threads(threads)
    {
        worker w;
        worker_init(&w, inst, cfg->want_series, (cfg->n + (uint64_t)threads - 1) / (uint64_t)threads);
        sim_err terr;
        /* every thread meets every worksharing construct: no early exit; a
         * failure only makes the remaining trials skip */
        for (uint64_t blk = 0; blk < nblocks; blk++) {
            uint64_t b0;
            const size_t nb = block_at(cfg->n, blk, &b0);
            blockbuf *bb = &bufs[blk % 2];
            uint64_t mine = 0;
#pragma omp for schedule(dynamic, 4)
            for (size_t i = 0; i < nb; i++) {
                uint64_t stop;
#pragma omp atomic read
                stop = fail_at;
                if (failed || sim_interrupted || b0 + i > stop) continue;
                uint64_t d = cfg->first + b0 + i, trial = d, inner = 0;
                if (cfg->key) cfg->key(cfg->key_user, d, &trial, &inner);
                double *th = &bb->theta[i * np];
                if (cfg->theta) {
                    cfg->theta(cfg->theta_user, d, th, w.prng);
                    if (cfg->chance_params) sim_inst_chance(inst, cfg->seed, trial, inner, w.prng, th);
                } else {
                    sim_inst_sample(inst, cfg->seed, trial, w.prng, th);
                }
                for (size_t s = 0; s < inst->nstream; s++) w.rng_sub[s] = UINT64_MAX;
                sim_trial tr = {cfg->seed, trial, inner, w.rng, w.rng_sub, inst->stream, &bb->out[i * no],
                                &w.sbuf[w.pending], w.batch, w.scratch, -1, &terr};
                int trc = inst->model->trial(inst, th, &tr);
                /* squares and sums of outputs must stay finite for the statistics */
                for (size_t o = 0; o < no && trc == 0; o++) {
                    const double y = bb->out[i * no + o];
                    if (fabs(y) <= SIM_OUTPUT_MAX) continue;
                    if (isnan(y)) {
                        if (inst->out[o].may_lack) continue; /* no value in this trial */
                        /* no magnitude to allow: what is allowed is a value */
                        trc = sim_errf(&terr, "trial %llu: output %s is not a number (infinity times 0 or infinity "
                                              "minus infinity, from parameter values past what a double holds; "
                                              "allowed: a value in every trial, from terms that stay finite: only "
                                              "an output its model declares may lack a value may have none)",
                                       (unsigned long long)trial, inst->out[o].name);
                        continue; /* trc ends the loop */
                    }
                    char v[32];
                    snprintf(v, sizeof v, isinf(y) ? "infinite" : "%.6g", y);
                    trc = sim_errf(&terr, "trial %llu: output %s is %s (parameter values past what a double holds "
                                          "in its statistics; allowed: outputs of magnitude up to %g)",
                                   (unsigned long long)trial, inst->out[o].name, v, SIM_OUTPUT_MAX);
                }
                if (trc != 0) {
#pragma omp critical(sim_engine_err)
                    if (b0 + i < fail_at) {
                        first_err = terr;
#pragma omp atomic write
                        fail_at = b0 + i;
                    }
                    continue;
                }
                if (cfg->want_series && inst->nseries && ++w.pending == w.batch) worker_flush(&w, inst, series);
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
                uint64_t stop;
#pragma omp atomic read
                stop = fail_at;
                if (!failed && stop == UINT64_MAX && sim_interrupted) {
                    sim_errf(&hand_err, "interrupted");
                    failed = 1;
                }
                if (!failed && stop == UINT64_MAX) {
                    sim_block b = {cfg->first + b0, nb, bb->theta, bb->out, bb->rows};
                    if (fn && fn(user, &b, &hand_err) != 0) failed = 1;
                }
                sim_progress_update(prog, at0 + done);
            }
        }
        /* past this barrier every hand-over is done */
        ws[omp_get_thread_num()] = &w;
#pragma omp barrier
        /* the trials still in the threads' series buffers: every thread
         * counts a share of every thread's, so that none waits while
         * another counts a whole batch (neighbouring k: other series) */
        if (series && cfg->want_series && inst->nseries) {
            const size_t S = inst->nseries, nk = (size_t)omp_get_num_threads() * S;
#pragma omp for schedule(dynamic, 1)
            for (size_t k = 0; k < nk; k++) count_series(ws[k / S], inst, series, k % S);
        }
        /* the rows' buffers, shared out (after the barrier closing the
         * loop above, or the one before it) */
        if (bufs[0].rows) {
#pragma omp for schedule(static) nowait
            for (size_t i = 0; i < 2 * BLOCK; i++) sim_buf_free(&bufs[i / BLOCK].rows[i % BLOCK]);
        }
        sim_rng_flush_draws();
        worker_free(&w, inst);
    }
    free(ws);
    /* a failed hand-over or an interrupt is reported before a trial's
     * failure that may have come while it ran */
    const bool hand = failed;
    if (fail_at != UINT64_MAX) failed = 1;
    if (prog == &own) sim_progress_end(&own, failed ? 0 : done);
    blockbuf_free(&bufs[0]);
    blockbuf_free(&bufs[1]);
    if (failed) {
        if (err) *err = hand ? hand_err : first_err;
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ across ranks */

#define ROUND 32768 /* trials each rank runs before rank 0 gathers them */

typedef struct keepall {
    sim_buf bytes;   /* theta, out, then row lengths and rows, per trial */
    size_t np, no;
    uint64_t n;
} keepall;

static int keep_round(void *user, const sim_block *b, sim_err *err)
{
    (void)err;
    keepall *k = user;
    for (size_t i = 0; i < b->n; i++) {
        sim_buf_add(&k->bytes, (const char *)&b->theta[i * k->np], k->np * sizeof(double));
        sim_buf_add(&k->bytes, (const char *)&b->out[i * k->no], k->no * sizeof(double));
        uint64_t len = b->rows ? b->rows[i].len : 0;
        sim_buf_add(&k->bytes, (const char *)&len, sizeof len);
        if (len) sim_buf_add(&k->bytes, b->rows[i].s, (size_t)len);
    }
    k->n += b->n;
    return 0;
}

/* Rank 0 hands the gathered trials of a round to fn in blocks, in order. */
static int replay(const sim_inst *inst, const char *p, size_t len, uint64_t first, sim_block_fn fn, void *user,
                  bool rows, sim_err *err)
{
    const size_t np = inst->nparam, no = inst->nout;
    blockbuf bb;
    blockbuf_init(&bb, inst, rows);
    const char *end = p + len;
    int rc = 0;
    while (p < end && rc == 0) {
        size_t n = 0;
        while (p < end && n < BLOCK) {
            memcpy(&bb.theta[n * np], p, np * sizeof(double)), p += np * sizeof(double);
            memcpy(&bb.out[n * no], p, no * sizeof(double)), p += no * sizeof(double);
            uint64_t rl;
            memcpy(&rl, p, sizeof rl), p += sizeof rl;
            if (rows) {
                sim_buf_clear(&bb.rows[n]);
                sim_buf_add(&bb.rows[n], p, (size_t)rl);
            }
            p += rl;
            n++;
        }
        sim_block b = {first, n, bb.theta, bb.out, bb.rows};
        if (fn) rc = fn(user, &b, err);
        first += n;
    }
    blockbuf_free(&bb);
    return rc;
}

static int engine_mpi(const sim_inst *inst, const sim_runcfg *cfg, sim_seriesacc *series, sim_block_fn fn, void *user,
                      sim_err *err)
{
    const int rank = sim_mpi_rank(), size = sim_mpi_size();
    sim_seriesacc local;
    bool series_on = series && cfg->want_series;
    if (series_on) sim_seriesacc_init(&local, inst);
    sim_progress own, *prog = run_progress(cfg, cfg->progress && rank == 0, &own);
    const uint64_t at0 = cfg->overall ? cfg->overall_at : 0;
    const uint64_t round = (uint64_t)ROUND * (uint64_t)size;
    for (uint64_t s0 = 0; s0 < cfg->n; s0 += round) {
        uint64_t lo = s0 + (uint64_t)rank * ROUND, hi = lo + ROUND;
        if (lo > cfg->n) lo = cfg->n;
        if (hi > cfg->n) hi = cfg->n;
        keepall k = {{0}, inst->nparam, inst->nout, 0};
        sim_err lerr = {{0}};
        bool lfailed = false;
        if (hi > lo) {
            sim_runcfg c = *cfg;
            c.first = cfg->first + lo;
            c.n = hi - lo;
            c.progress = false;
            c.overall = NULL;
            lfailed = engine_local(inst, &c, series_on ? &local : NULL, keep_round, &k, &lerr) != 0;
        }
        /* the failure of the lowest rank (the lowest trials) of the first
         * round that has one is the one reported, as one process reports its
         * lowest failing trial; the other ranks wait for its abort */
        const int first = sim_mpi_first_failed(lfailed);
        if (first == rank) sim_mpi_abort(1, lerr.msg[0] ? lerr.msg : "the run failed");
        if (first >= 0) {
            sleep(5);
            sim_mpi_abort(1, NULL);
        }
        size_t *lens = sim_calloc((size_t)size, sizeof *lens);
        char *all = sim_mpi_gather_bytes(k.bytes.s ? k.bytes.s : "", k.bytes.len, lens);
        sim_buf_free(&k.bytes);
        if (rank == 0) {
            size_t total = 0;
            for (int r = 0; r < size; r++) total += lens[r];
            if (replay(inst, all, total, cfg->first + s0, fn, user, cfg->row != NULL, err) != 0) {
                free(all), free(lens);
                sim_mpi_abort(1, err ? err->msg : "the run failed");
            }
            sim_progress_update(prog, at0 + (s0 + round < cfg->n ? s0 + round : cfg->n));
        }
        free(all);
        free(lens);
    }
    if (series_on) {
        /* every rank's grids to rank 0; merging is exact, so order does not matter */
        for (size_t s = 0; s < inst->nseries; s++) {
            uint8_t *packed;
            size_t len = sim_sgrid_pack(&local.g[s], &packed);
            size_t *lens = sim_calloc((size_t)size, sizeof *lens);
            char *all = sim_mpi_gather_bytes(packed, len, lens);
            free(packed);
            if (rank == 0) {
                size_t at = 0;
                for (int r = 0; r < size; r++) {
                    sim_sgrid g;
                    if (sim_sgrid_unpack(&g, (uint8_t *)all + at, lens[r], sim_series_cap(inst->horizon)) != 0)
                        sim_mpi_abort(1, "damaged series grid from a rank");
                    sim_sgrid_absorb(&series->g[s], &g);
                    sim_sgrid_free(&g);
                    at += lens[r];
                }
            }
            free(all);
            free(lens);
        }
        sim_seriesacc_free(&local);
    }
    if (prog == &own) sim_progress_end(&own, rank == 0 ? cfg->n : 0);
    return 0;
}

int sim_engine_run(const sim_inst *inst, const sim_runcfg *cfg, sim_seriesacc *series, sim_block_fn fn,
                   void *user, sim_err *err)
{
    if (sim_mpi_enabled()) return engine_mpi(inst, cfg, series, fn, user, err);
    return engine_local(inst, cfg, series, fn, user, err);
}
