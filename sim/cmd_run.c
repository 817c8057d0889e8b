/* cmd_run.c - `riskmc run`: run a scenario and write its results folder. */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cluster.h"
#include "engine.h"
#include "outdir.h"
#include "results.h"
#include "rng.h"
#include "twod.h"

static const char USAGE[] =
    "usage: riskmc run SCENARIO [options]\n"
    "\n"
    "Run a scenario and write its results folder: trials.csv (one row per trial:\n"
    "sampled parameters and outputs), summary.csv, risks.csv, series.csv,\n"
    "observations.csv (when the scenario states observations), dictionary.csv\n"
    "(what each column means), sources.csv (the sources cited) and manifest.ini\n"
    "(which `riskmc run` accepts as a scenario: it repeats the run).\n"
    "\n"
    "options:\n"
    "  -n, --trials N     number of trials (default: the scenario's `trials`, else 10000)\n"
    "  -s, --seed S       random seed, 0 to 9.2e18 (default: the scenario's `seed`, else 1)\n"
    "  -j, --threads N    threads (default: all cores); results do not depend on it\n"
    "  -o, --out DIR      results folder (default: results/<scenario name>)\n"
    "  -f, --force        replace an existing results folder riskmc wrote (never one\n"
    "                     holding files of yours)\n"
    "      --set KEY=VAL  override a scenario key, e.g. --set transfer.rate_per_day=0\n"
    "                     (repeatable; the value may end with a citation [F08])\n"
    "      --sources CSV  sources registry (default: sources.csv beside the scenario)\n"
    "  -q, --quiet        no progress line and no table\n"
    "  -h, --help         this help\n"
    "\n"
    "run to precision:\n"
    "      --precision TOL  add batches of trials until the Monte Carlo standard error\n"
    "                     of every headline mean is within TOL of it (relative) and\n"
    "                     that of every threshold probability within TOL (absolute);\n"
    "                     -n is then the most trials to run (default 10,000,000)\n"
    "      --batch B      trials per batch (default 10,000)\n"
    "\n"
    "two-dimensional Monte Carlo (uncertainty and chance apart):\n"
    "      --outer N      N outer samples of the uncertain parameters ...\n"
    "      --inner M      ... each run for M chance trials (parameters listed in\n"
    "                     [uncertainty] chance are drawn afresh in each); writes\n"
    "                     uncertainty.csv, outer.csv and exceedance.csv besides the\n"
    "                     pooled files; trials.csv gets columns outer, inner\n"
    "\n"
    "Same scenario, seed and trials give the same bytes, whatever -j.\n";

typedef struct runctx {
    const sim_inst *inst;
    FILE *trials;
    char *trials_name;   /* RESULTS_DIR/trials.csv, for messages */
    long trials_synced; /* bytes of trials.csv handed to the disk */
    sim_runstats stats;
    sim_twod *twod;
    /* run to precision: running sums of the headline outputs, in trial order */
    long double *sum, *sum2;
    uint64_t *nvalid, *hits;
    uint64_t last;             /* trials.csv is complete after the block ending here (0: unknown) */
    sim_outdir_pending synced; /* trials.csv, closed and syncing to the disk */
} runctx;

/* Hand trials.csv, complete, to a background sync (sim_outdir_finished
 * waits for it). */
static int finish_trials(runctx *c, sim_err *err)
{
    FILE *f = c->trials;
    c->trials = NULL;
    return sim_outdir_finish(&c->synced, f, c->trials_name, err);
}

static int on_block(void *user, const sim_block *b, sim_err *err)
{
    runctx *c = user;
    for (size_t i = 0; i < b->n; i++)
        if (b->rows[i].len && fwrite(b->rows[i].s, 1, b->rows[i].len, c->trials) != b->rows[i].len)
            return sim_errf(err, SIM_WRITE_FAILED, c->trials_name, strerror(errno));
    if (b->first + b->n == c->last) {
        /* its last rows: sync it while the threads finish */
        if (finish_trials(c, err) != 0) return -1;
    } else {
        sim_outdir_writeback(c->trials, &c->trials_synced);
    }
    sim_runstats_add(&c->stats, b);
    if (c->twod) sim_twod_add(c->twod, b);
    if (c->sum) {
        const sim_inst *inst = c->inst;
        for (size_t i = 0; i < b->n; i++) {
            const double *o = &b->out[i * inst->nout];
            for (size_t k = 0; k < inst->nout; k++)
                if (!isnan(o[k])) c->sum[k] += o[k], c->sum2[k] += (long double)o[k] * o[k], c->nvalid[k]++;
            for (size_t h = 0; h < inst->nthr; h++) c->hits[h] += o[inst->thr[h].output] >= inst->thr[h].value;
        }
    }
    return 0;
}

/* Is every headline mean and threshold probability known within tol? The
 * worst relative shortfall goes to *worst, described in what. */
static bool precise_enough(const runctx *c, uint64_t n, double tol, double *worst, char *what, size_t wn)
{
    const sim_inst *inst = c->inst;
    *worst = 0;
    snprintf(what, wn, "-");
    for (size_t k = 0; k < inst->nout; k++) {
        if (!sim_inst_headline(inst, k)) continue;
        uint64_t m = c->nvalid[k];
        if (m < 2) continue; /* an output with (almost) no values has no mean to pin down */
        double mean = (double)(c->sum[k] / (long double)m);
        double var = (double)((c->sum2[k] - c->sum[k] * c->sum[k] / (long double)m) / (long double)(m - 1));
        double se = var > 0 ? sqrt(var / (double)m) : 0;
        double need = tol * fabs(mean), r = se == 0 ? 0 : need > 0 ? se / need : INFINITY;
        if (r > *worst) {
            *worst = r;
            snprintf(what, wn, "mean of %s: %.3g +- %.2g", inst->out[k].name, mean, se);
        }
    }
    for (size_t h = 0; h < inst->nthr; h++) {
        /* the Laplace estimate keeps the error of a probability seen 0 or n times from being 0 */
        double p = ((double)c->hits[h] + 1) / ((double)n + 2), se = sqrt(p * (1 - p) / (double)n), r = se / tol;
        if (r > *worst) {
            *worst = r;
            snprintf(what, wn, "P(%s >= %g): %.4f +- %.2g", inst->out[inst->thr[h].output].name, inst->thr[h].value,
                     (double)c->hits[h] / (double)n, se);
        }
    }
    return *worst <= 1;
}

/* The headline means whose trials so far all had one value: their standard
 * error reads 0, so precise_enough takes them as settled, though a rare
 * outcome may simply not have shown yet. Listed in b as "NAME (V)",
 * comma-separated; the count of them is returned. */
static size_t constant_means(const runctx *c, uint64_t n, sim_buf *b)
{
    const sim_inst *inst = c->inst;
    size_t found = 0;
    for (size_t k = 0; k < inst->nout; k++) {
        const uint64_t m = c->nvalid[k];
        if (!sim_inst_headline(inst, k) || m < 2) continue;
        if (c->sum2[k] - c->sum[k] * c->sum[k] / (long double)m > 0) continue;
        char v[32];
        sim_format_num((double)(c->sum[k] / (long double)m), v);
        sim_buf_printf(b, "%s%s (%s", found++ ? ", " : "", inst->out[k].name, v);
        sim_buf_puts(b, m != n ? " in the trials with a value)" : ")");
    }
    return found;
}

typedef struct runopts {
    double precision;
    uint64_t batch, outer, inner;
} runopts;

static char *command_line(const char *path, const sim_common *c, uint64_t n, uint64_t seed, const runopts *ro)
{
    sim_buf b;
    sim_buf_init(&b);
    sim_buf_puts(&b, "riskmc run ");
    /* a relative path that starts with '-' would read as an option */
    if (path[0] == '-') sim_buf_puts(&b, "./");
    sim_cli_shell_quote(&b, path);
    if (ro->outer)
        sim_buf_printf(&b, " --outer %llu --inner %llu -s %llu", (unsigned long long)ro->outer,
                       (unsigned long long)ro->inner, (unsigned long long)seed);
    else if (ro->precision > 0)
        sim_buf_printf(&b, " --precision %.10g --batch %llu -n %llu -s %llu", ro->precision,
                       (unsigned long long)ro->batch, (unsigned long long)n, (unsigned long long)seed);
    else
        sim_buf_printf(&b, " -n %llu -s %llu", (unsigned long long)n, (unsigned long long)seed);
    for (size_t i = 0; i < c->nsets; i++) {
        sim_buf_puts(&b, " --set ");
        sim_cli_shell_quote(&b, c->sets[i]);
    }
    if (c->sources) {
        sim_buf_puts(&b, " --sources ");
        sim_cli_shell_quote(&b, c->sources);
    }
    return sim_buf_take(&b);
}

/* Write b as the file `name` of the results folder, then empty b. */
static int put(const sim_outdir *od, const char *name, sim_buf *b, sim_err *err)
{
    int rc = sim_outdir_write(od, name, b, err);
    sim_buf_clear(b);
    return rc;
}

/* The files of the results folder besides trials.csv and series.csv. */
static int write_rest(const sim_outdir *od, runctx *ctx, sim_twod *twod, const sim_runinfo *run, sim_err *err)
{
    const sim_inst *inst = ctx->inst;
    sim_buf b;
    sim_buf_init(&b);
    int rc = 0;
    sim_write_summary(&b, inst, &ctx->stats);
    rc |= put(od, "summary.csv", &b, err);
    sim_write_risks(&b, inst, &ctx->stats);
    rc |= put(od, "risks.csv", &b, err);
    if (inst->nobs) {
        sim_write_observations(&b, inst, &ctx->stats);
        rc |= put(od, "observations.csv", &b, err);
    }
    sim_write_dictionary(&b, inst, 1, twod ? SIM_DICT_TWOD : SIM_DICT_TRIAL);
    rc |= put(od, "dictionary.csv", &b, err);
    sim_write_sources_used(&b, inst, 1);
    rc |= put(od, "sources.csv", &b, err);
    if (twod) {
        sim_write_uncertainty(&b, twod, &ctx->stats);
        rc |= put(od, "uncertainty.csv", &b, err);
        sim_write_outer(&b, twod);
        rc |= put(od, "outer.csv", &b, err);
        sim_write_exceedance(&b, twod, &ctx->stats);
        rc |= put(od, "exceedance.csv", &b, err);
    }
    char files[256];
    snprintf(files, sizeof files, "trials.csv, summary.csv, risks.csv%s%s%s, dictionary.csv, sources.csv, manifest.ini",
             inst->nseries && inst->horizon ? ", series.csv" : "", inst->nobs ? ", observations.csv" : "",
             twod ? ", uncertainty.csv, outer.csv, exceedance.csv" : "");
    sim_runinfo ri = *run;
    ri.files = files;
    sim_write_manifest(&b, inst, &ri);
    rc |= put(od, "manifest.ini", &b, err);
    sim_buf_free(&b);
    return rc;
}

/* Close trials.csv and write the other files. trials.csv is synced in the
 * background meanwhile (from its last block on, when the run knows where it
 * ends), and the threads share the rest: one writes the small files while
 * the others compute the quantiles of every day of each series for
 * series.csv. The bytes of each file do not depend on threads. */
static int write_results(const sim_outdir *od, runctx *ctx, sim_twod *twod, const sim_runinfo *ri, int threads,
                         sim_err *err)
{
    const sim_inst *inst = ctx->inst;
    if (ctx->trials && finish_trials(ctx, err) != 0) return -1;
    const size_t ns = inst->horizon ? inst->nseries : 0;
    sim_buf *rows = sim_calloc(ns + 1, sizeof *rows);
    int rc = 0;
    sim_err err_rest = {{0}};
    if (threads <= 0) threads = sim_threads_default();
    sim_team_place(threads);
#pragma omp parallel num_threads(threads)
    {
#pragma omp single nowait
        rc = write_rest(od, ctx, twod, ri, &err_rest);
#pragma omp for schedule(dynamic, 1)
        for (size_t s = 0; s < ns; s++) {
            sim_buf_init(&rows[s]);
            sim_write_series_rows(&rows[s], inst, &ctx->stats, s);
        }
    }
    if (rc && err) *err = err_rest;
    if (ns) {
        sim_buf b;
        sim_buf_init(&b);
        sim_write_series_header(&b);
        for (size_t s = 0; s < ns; s++) sim_buf_add(&b, rows[s].s, rows[s].len);
        if (!rc) rc = sim_outdir_write(od, "series.csv", &b, err);
        sim_buf_free(&b);
    }
    for (size_t s = 0; s < ns; s++) sim_buf_free(&rows[s]);
    free(rows);
    if (sim_outdir_finished(&ctx->synced, rc ? NULL : err) != 0) rc = -1;
    return rc;
}

int sim_cmd_run(int argc, char **argv)
{
    static const struct option longopts[] = {SIM_COMMON_LONGOPTS,
                                             {"precision", required_argument, 0, OPT_PRECISION},
                                             {"batch", required_argument, 0, OPT_BATCH},
                                             {"outer", required_argument, 0, OPT_OUTER},
                                             {"inner", required_argument, 0, OPT_INNER},
                                             {0, 0, 0, 0}};
    sim_common c = {0};
    runopts ro = {0, 10000, 0, 0};
    bool has_batch = false;
    sim_err err;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "n:s:j:o:qfh", longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(USAGE, stdout);
            sim_cli_free(&c);
            return 0;
        }
        int r = 1;
        if (opt == OPT_PRECISION) {
            char *end;
            ro.precision = strtod(optarg, &end);
            if (*end || !(ro.precision > 0 && ro.precision < 1)) {
                r = -1;
                sim_errf(&err, "--precision: '%s' is not a tolerance (allowed: a number above 0 and below 1, e.g. "
                               "0.01)", optarg);
            }
        } else if (opt == OPT_BATCH) {
            r = sim_cli_count("--batch", optarg, 100, 100000000ULL, &ro.batch, &err) ? -1 : 1;
            has_batch = true;
        } else if (opt == OPT_OUTER) {
            r = sim_cli_count("--outer", optarg, 2, 10000000ULL, &ro.outer, &err) ? -1 : 1;
        } else if (opt == OPT_INNER) {
            r = sim_cli_count("--inner", optarg, 1, 10000000ULL, &ro.inner, &err) ? -1 : 1;
        } else {
            r = sim_cli_common(opt, optarg, &c, &err);
        }
        if (r == 0) {
            fputs("try 'riskmc run --help'\n", stderr);
            sim_cli_free(&c);
            return 2;
        }
        if (r < 0) {
            fprintf(stderr, "riskmc run: %s\n", err.msg);
            sim_cli_free(&c);
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "riskmc run: expected one scenario file\n\n%s", USAGE);
        sim_cli_free(&c);
        return 2;
    }
    const char *path = argv[optind];
    const char *bad = NULL;
    if (!!ro.outer != !!ro.inner) bad = "--outer and --inner go together";
    else if (has_batch && !(ro.precision > 0)) bad = "--batch goes with --precision (the batches of a run to precision)";
    else if (ro.outer && ro.precision > 0) bad = "--precision does not combine with --outer/--inner";
    else if (ro.outer && c.has_trials) bad = "-n does not combine with --outer/--inner (the run has outer x inner trials)";
    else if (ro.outer && ro.outer * ro.inner > 100000000ULL)
        bad = "--outer x --inner is at most 100,000,000 trials";
    if (bad) {
        fprintf(stderr, "riskmc run: %s\n", bad);
        sim_cli_free(&c);
        return 2;
    }
    sim_inst inst;
    if (sim_cli_open(&inst, path, &c, &err) != 0) {
        fprintf(stderr, "riskmc: %s\n", err.msg);
        sim_cli_free(&c);
        return 1;
    }
    uint64_t n = c.has_trials ? c.trials : inst.trials, seed = c.has_seed ? c.seed : inst.seed;
    if (ro.precision > 0) n = c.has_trials ? c.trials : 10000000ULL;
    if (ro.outer) n = ro.outer * ro.inner;
    char *outdir = sim_cli_outdir(&c, &inst, NULL);
    sim_outdir od;
    int status = 1;
    runctx ctx = {.inst = &inst, .trials_name = sim_asprintf("%s/trials.csv", outdir)};
    sim_twod twod;
    sim_runstats_init(&ctx.stats, &inst);
    if (ro.outer) {
        sim_twod_init(&twod, &inst, seed, ro.outer, ro.inner);
        ctx.twod = &twod;
    }
    if (ro.precision > 0) {
        ctx.sum = sim_calloc(inst.nout + 1, sizeof *ctx.sum);
        ctx.sum2 = sim_calloc(inst.nout + 1, sizeof *ctx.sum2);
        ctx.nvalid = sim_calloc(inst.nout + 1, sizeof *ctx.nvalid);
        ctx.hits = sim_calloc(inst.nthr + 1, sizeof *ctx.hits);
    }
    char *cmd = command_line(path, &c, n, seed, &ro);
    sim_buf extra;
    sim_buf_init(&extra);
    uint64_t max_n = n;
    sim_cli_signals();
    if (sim_outdir_begin(&od, outdir, sim_outdir_mode(c.force), &err) != 0) goto done;
    ctx.trials = sim_outdir_open(&od, "trials.csv", &err);
    if (!ctx.trials) goto abort;
    {
        sim_csvrow hr;
        sim_csv_init(&hr);
        if (ro.outer) sim_twod_trials_header(&hr, &inst);
        else sim_trials_header(&hr, &inst);
        fwrite(hr.buf.s, 1, hr.buf.len, ctx.trials);
        sim_csv_free(&hr);
    }
    sim_runcfg cfg = {0};
    cfg.seed = seed;
    cfg.first = 0;
    cfg.n = n;
    cfg.threads = c.threads;
    cfg.progress = true;
    cfg.label = inst.sc.name;
    cfg.row = sim_trials_row;
    cfg.row_user = &inst;
    cfg.want_series = true;
    if (!(ro.precision > 0)) ctx.last = n; /* run to precision: its end is found on the way */
    if (ro.outer) {
        cfg.row = sim_twod_row;
        cfg.row_user = &twod;
        cfg.key = sim_twod_key;
        cfg.key_user = &twod;
        cfg.theta = sim_twod_theta;
        cfg.theta_user = &twod;
    }
    double t0 = sim_now();
    if (ro.precision > 0) {
        /* batches of fixed size from trial 0: the stopping point depends on
         * the seed alone (the statistics are sums in trial order) */
        uint64_t done = 0, stop = 0;
        double worst = 0;
        char what[256] = "";
        while (!stop) {
            cfg.first = done;
            cfg.n = ro.batch < max_n - done ? ro.batch : max_n - done;
            if (sim_engine_run(&inst, &cfg, &ctx.stats.series, on_block, &ctx, &err) != 0) goto abort;
            done += cfg.n;
            if (sim_mpi_root()) {
                bool ok = precise_enough(&ctx, done, ro.precision, &worst, what, sizeof what);
                stop = ok ? 1 : done >= max_n ? 2 : 0;
                if (!c.quiet)
                    fprintf(stderr, "precision: %llu trials; least precise: %s (%.0f%% of the tolerance)\n",
                            (unsigned long long)done, what, 100 * worst);
            }
            sim_mpi_bcast_u64(&stop);
        }
        n = done;
        sim_buf same;
        sim_buf_init(&same);
        const size_t nsame = constant_means(&ctx, n, &same);
        sim_buf_printf(&extra,
                       "precision = %.10g\nbatch = %llu\nprecision_reached = %s\nleast_precise = %s\n"
                       "same_in_every_trial = %s\n",
                       ro.precision, (unsigned long long)ro.batch, stop == 1 ? "yes" : "no", what,
                       nsame ? same.s : "-");
        if (nsame && sim_mpi_root())
            fprintf(stderr,
                    "riskmc run: note: in all %llu trials, %s: %s. %s standard error reads 0, so the rule cannot "
                    "judge %s: an outcome rarer than about 1 in %.0f trials (3/n) may not have shown yet; to look "
                    "further, raise --batch\n",
                    (unsigned long long)n, nsame > 1 ? "these headline means had one value each" :
                    "this headline mean had one value", same.s, nsame > 1 ? "Their" : "Its", nsame > 1 ? "them" : "it",
                    (double)n / 3);
        sim_buf_free(&same);
        if (stop == 2)
            fprintf(stderr, "riskmc run: warning: the tolerance %g was not reached within %llu trials (least precise: "
                            "%s); raise -n to allow more\n", ro.precision, (unsigned long long)max_n, what);
        else if (!c.quiet)
            fprintf(stderr, "precision: reached %g after %llu trials\n", ro.precision, (unsigned long long)n);
        free(cmd);
        cmd = command_line(path, &c, max_n, seed, &ro);
    } else {
        if (sim_engine_run(&inst, &cfg, &ctx.stats.series, on_block, &ctx, &err) != 0) goto abort;
    }
    double elapsed = sim_now() - t0;
    if (ro.outer) {
        sim_twod_finish(&twod, &ctx.stats);
        sim_buf_printf(&extra, "outer = %llu\ninner = %llu\n", (unsigned long long)ro.outer,
                       (unsigned long long)ro.inner);
    }
    if (getenv("RISKMC_COUNT_DRAWS"))
        fprintf(stderr, "random draws: %llu (%.1f per trial)\n", (unsigned long long)sim_rng_draws(),
                (double)sim_rng_draws() / (double)n);
    {
        sim_runinfo ri = {cmd, "run", seed, n, NULL, extra.len ? extra.s : "", 1};
        if (write_results(&od, &ctx, ro.outer ? &twod : NULL, &ri, c.threads, &err) != 0) goto abort;
    }
    if (sim_outdir_commit(&od, &err) != 0) goto abort;
    if (!c.quiet) {
        char nt[32], rate[32];
        sim_format_thousands((double)n, 0, nt, sizeof nt);
        sim_format_thousands(elapsed > 0 ? (double)n / elapsed : 0, 0, rate, sizeof rate);
        printf("%s: %s trials, seed %llu (%.1f s, %s trials/s)\n\n", inst.sc.name, nt, (unsigned long long)seed,
               elapsed, rate);
        sim_print_table(stdout, &inst, &ctx.stats);
        if (ro.outer) sim_twod_print(stdout, &twod, &ctx.stats);
        printf("\nresults: %s/\n", outdir);
    }
    status = 0;
    goto done;
abort:
    if (ctx.trials) fclose(ctx.trials);
    sim_outdir_finished(&ctx.synced, NULL);
    sim_outdir_abort(&od);
done:
    if (status != 0) fprintf(stderr, "riskmc: %s\n", err.msg);
    free(cmd);
    sim_buf_free(&extra);
    free(outdir);
    free(ctx.trials_name);
    sim_runstats_free(&ctx.stats);
    if (ctx.twod) sim_twod_free(ctx.twod);
    free(ctx.sum), free(ctx.sum2), free(ctx.nvalid), free(ctx.hits);
    sim_inst_close(&inst);
    sim_cli_free(&c);
    return status;
}
