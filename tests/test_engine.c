/* test_engine.c - where the engine's threads run, the blocks it hands
 * back, outputs that are not a number, and an interrupted results folder. */
#include "testutil.h"

#include <sched.h>
#include <unistd.h>

#include <omp.h>

#include "outdir.h"

/* The master's mask is the process's; the other threads may run anywhere
 * in it but on the master's CPU. */
static void test_team_place(void **state)
{
    (void)state;
    cpu_set_t all;
    assert_int_equal(sched_getaffinity(0, sizeof all, &all), 0);
    const int ncpu = CPU_COUNT(&all);
    if (ncpu < 2) skip();
    assert_int_equal(sim_team_place(1), -1);
    assert_int_equal(sim_team_place(ncpu + 1), -1);
    for (int threads = 2; threads <= ncpu && threads <= 4; threads++) {
        const int cpu = sim_team_place(threads);
        assert_true(cpu >= 0 && CPU_ISSET((size_t)cpu, &all));
        int ok[4] = {0};
#pragma omp parallel num_threads(threads)
        {
            cpu_set_t m;
            const int t = omp_get_thread_num();
            if (sched_getaffinity(0, sizeof m, &m) == 0) {
                cpu_set_t want = all;
                if (t != 0) CPU_CLR((size_t)cpu, &want);
                ok[t] = CPU_EQUAL(&m, &want) && (t == 0 || CPU_COUNT(&m) == ncpu - 1);
            }
        }
        for (int t = 0; t < threads; t++) assert_true(ok[t]);
        /* the same team again: nothing to move, the same CPU */
        if (sched_getcpu() == cpu) assert_int_equal(sim_team_place(threads), cpu);
    }
    /* a parallel region does not place a team of its own */
    int inner = 0;
#pragma omp parallel num_threads(2)
#pragma omp single
    inner = sim_team_place(2);
    assert_int_equal(inner, -1);
}

/* The blocks handed back: every trial once, in order, at most 2,048 at a
 * time, and a run's last block of at most 256 trials. */
typedef struct blocks {
    uint64_t next, n;
    size_t last, most;
    const sim_inst *inst;
    double *out; /* [trial * nout] */
} blocks;

static int check_block(void *user, const sim_block *b, sim_err *err)
{
    (void)err;
    blocks *k = user;
    assert_int_equal(b->first, k->next);
    assert_true(b->n >= 1);
    memcpy(&k->out[(b->first - 1000) * k->inst->nout], b->out, b->n * k->inst->nout * sizeof *b->out);
    k->next += b->n;
    k->n++;
    k->last = b->n;
    if (b->n > k->most) k->most = b->n;
    return 0;
}

static void test_blocks(void **state)
{
    (void)state;
    sim_inst inst;
    sim_err err;
    assert_int_equal(sim_inst_open(&inst, "scenarios/ishigami.ini", NULL, &err), 0);
    static const uint64_t N[] = {1, 255, 256, 257, 2047, 2048, 2303, 2304, 2305, 4352, 5000};
    for (size_t i = 0; i < sizeof N / sizeof *N; i++) {
        double *ref = NULL;
        for (int threads = 1; threads <= 3; threads++) {
            blocks k = {1000, 0, 0, 0, &inst, calloc(N[i] * inst.nout, sizeof(double))};
            sim_runcfg cfg = {0};
            cfg.seed = 7;
            cfg.first = 1000;
            cfg.n = N[i];
            cfg.threads = threads;
            assert_int_equal(sim_engine_run(&inst, &cfg, NULL, check_block, &k, &err), 0);
            assert_int_equal(k.next, 1000 + N[i]);
            assert_true(k.most <= 2048);
            assert_true(k.last <= 256);
            /* a block for each 2,048 trials before the last 256, and those */
            assert_int_equal(k.n, N[i] <= 256 ? 1 : (N[i] - 256 + 2047) / 2048 + 1);
            if (ref) assert_memory_equal(ref, k.out, N[i] * inst.nout * sizeof(double));
            else ref = k.out, k.out = NULL;
            free(k.out);
        }
        free(ref);
    }
    sim_inst_close(&inst);
}

/* Ishigami's y, but not a number in trial 3 */
static int nan_trial(const sim_inst *inst, const double *theta, sim_trial *tr)
{
    (void)inst, (void)theta;
    tr->out[0] = tr->trial == 3 ? NAN : 1.0;
    return 0;
}

static int keep_block(void *user, const sim_block *b, sim_err *err)
{
    (void)err;
    memcpy((double *)user + b->first, b->out, b->n * sizeof *b->out);
    return 0;
}

/* NAN is "no value in this trial" only for an output its model says may
 * lack one; for any other it stops the run, naming the trial and output,
 * whatever the threads. */
static void test_nan_output(void **state)
{
    (void)state;
    sim_inst inst;
    sim_err err;
    assert_int_equal(sim_inst_open(&inst, "scenarios/ishigami.ini", NULL, &err), 0);
    const sim_model *ishigami = inst.model;
    sim_model m = *ishigami;
    m.trial = nan_trial;
    inst.model = &m;
    assert_false(inst.out[0].may_lack);
    double out[10];
    for (int threads = 1; threads <= 2; threads++) {
        sim_runcfg cfg = {0};
        cfg.seed = 1;
        cfg.n = 10;
        cfg.threads = threads;
        inst.out[0].may_lack = false;
        assert_int_equal(sim_engine_run(&inst, &cfg, NULL, keep_block, out, &err), -1);
        assert_non_null(strstr(err.msg, "trial 3: output y is not a number"));
        /* what is allowed is a value, not a magnitude up to 1e60 */
        assert_null(strstr(err.msg, "magnitude"));
        assert_non_null(strstr(err.msg, "allowed: a value in every trial"));
        inst.out[0].may_lack = true;
        assert_int_equal(sim_engine_run(&inst, &cfg, NULL, keep_block, out, &err), 0);
        for (int i = 0; i < 10; i++) assert_true(i == 3 ? isnan(out[i]) : out[i] == 1.0);
    }
    inst.model = ishigami;
    sim_inst_close(&inst);
}

/* An interrupt that came before the results folder existed (the handler
 * had none to remove): the folder is not created, nor its temporary one. */
static void test_outdir_interrupted(void **state)
{
    (void)state;
    char base[] = "/tmp/riskmc-test-outdir.XXXXXX";
    assert_non_null(mkdtemp(base));
    char *final = sim_asprintf("%s/run", base);
    sim_outdir od;
    sim_err err;
    sim_interrupted = 1;
    assert_int_equal(sim_outdir_begin(&od, final, SIM_OUTDIR_NEW, &err), -1);
    sim_interrupted = 0;
    assert_string_equal(err.msg, "interrupted");
    assert_null(od.tmp);
    assert_int_equal(od.lock, 0);
    assert_int_equal(rmdir(base), 0); /* empty: nothing was left in it */
    /* and without the interrupt the same call makes the temporary folder */
    assert_int_equal(sim_outdir_begin(&od, final, SIM_OUTDIR_NEW, &err), 0);
    assert_non_null(od.tmp);
    sim_outdir_abort(&od);
    assert_int_equal(rmdir(base), 0);
    free(final);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_team_place), cmocka_unit_test(test_blocks),
                                       cmocka_unit_test(test_nan_output), cmocka_unit_test(test_outdir_interrupted)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
