/* cmd_run.c - `riskmc run`: run a scenario and write its results folder. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "engine.h"
#include "outdir.h"
#include "results.h"
#include "rng.h"

static const char USAGE[] =
    "usage: riskmc run SCENARIO [options]\n"
    "\n"
    "Run a scenario and write its results folder: trials.csv (one row per trial:\n"
    "sampled parameters and outputs), summary.csv, risks.csv, series.csv,\n"
    "observations.csv (when the scenario states observations) and manifest.ini.\n"
    "\n"
    "options:\n"
    "  -n, --trials N     number of trials (default: the scenario's `trials`, else 10000)\n"
    "  -s, --seed S       random seed (default: the scenario's `seed`, else 1)\n"
    "  -j, --threads N    threads (default: all cores); results do not depend on it\n"
    "  -o, --out DIR      results folder (default: results/<scenario name>)\n"
    "  -f, --force        replace an existing results folder\n"
    "      --set KEY=VAL  override a scenario key, e.g. --set transfer.rate_per_day=0\n"
    "                     (repeatable; the value may end with a citation [F08])\n"
    "      --sources CSV  sources registry (default: sources.csv beside the scenario)\n"
    "  -q, --quiet        no progress line and no table\n"
    "  -h, --help         this help\n"
    "\n"
    "Same scenario, seed and trials give the same bytes, whatever -j.\n";

typedef struct runctx {
    const sim_inst *inst;
    FILE *trials;
    sim_runstats stats;
} runctx;

static int on_block(void *user, const sim_block *b, sim_err *err)
{
    runctx *c = user;
    for (size_t i = 0; i < b->n; i++)
        if (b->rows[i].len && fwrite(b->rows[i].s, 1, b->rows[i].len, c->trials) != b->rows[i].len)
            return sim_errf(err, "trials.csv: write failed");
    sim_runstats_add(&c->stats, b);
    return 0;
}

static char *command_line(const char *path, const sim_common *c, uint64_t n, uint64_t seed)
{
    sim_buf b;
    sim_buf_init(&b);
    sim_buf_puts(&b, "riskmc run ");
    sim_cli_shell_quote(&b, path);
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

int sim_cmd_run(int argc, char **argv)
{
    static const struct option longopts[] = {SIM_COMMON_LONGOPTS, {0, 0, 0, 0}};
    sim_common c = {0};
    sim_err err;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "n:s:j:o:qfh", longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(USAGE, stdout);
            sim_cli_free(&c);
            return 0;
        }
        int r = sim_cli_common(opt, optarg, &c, &err);
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
    sim_inst inst;
    if (sim_cli_open(&inst, path, &c, &err) != 0) {
        fprintf(stderr, "riskmc: %s\n", err.msg);
        sim_cli_free(&c);
        return 1;
    }
    uint64_t n = c.has_trials ? c.trials : inst.trials, seed = c.has_seed ? c.seed : inst.seed;
    char *outdir = sim_cli_outdir(&c, &inst, NULL);
    sim_outdir od;
    int status = 1;
    runctx ctx = {&inst, NULL, {0}};
    sim_runstats_init(&ctx.stats, &inst);
    char *cmd = command_line(path, &c, n, seed);
    sim_cli_signals();
    if (sim_outdir_begin(&od, outdir, c.force, &err) != 0) goto done;
    ctx.trials = sim_outdir_open(&od, "trials.csv", &err);
    if (!ctx.trials) goto abort;
    {
        sim_csvrow hr;
        sim_csv_init(&hr);
        sim_trials_header(&hr, &inst);
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
    double t0 = sim_now();
    if (sim_engine_run(&inst, &cfg, &ctx.stats.series, on_block, &ctx, &err) != 0) goto abort;
    double elapsed = sim_now() - t0;
    if (getenv("RISKMC_COUNT_DRAWS"))
        fprintf(stderr, "random draws: %llu (%.1f per trial)\n", (unsigned long long)sim_rng_draws(),
                (double)sim_rng_draws() / (double)n);
    {
        FILE *f = ctx.trials;
        ctx.trials = NULL;
        if (sim_outdir_close(f, "trials.csv", &err) != 0) goto abort;
    }
    {
        sim_buf b;
        sim_buf_init(&b);
        int rc = 0;
        sim_write_summary(&b, &inst, &ctx.stats);
        rc |= sim_write_file(od.tmp, "summary.csv", &b, &err);
        sim_buf_clear(&b);
        sim_write_risks(&b, &inst, &ctx.stats);
        rc |= sim_write_file(od.tmp, "risks.csv", &b, &err);
        if (inst.nseries && inst.horizon) {
            sim_buf_clear(&b);
            sim_write_series(&b, &inst, &ctx.stats);
            rc |= sim_write_file(od.tmp, "series.csv", &b, &err);
        }
        if (inst.nobs) {
            sim_buf_clear(&b);
            sim_write_observations(&b, &inst, &ctx.stats);
            rc |= sim_write_file(od.tmp, "observations.csv", &b, &err);
        }
        sim_buf_clear(&b);
        sim_write_dictionary(&b, &inst);
        rc |= sim_write_file(od.tmp, "dictionary.csv", &b, &err);
        sim_buf_clear(&b);
        sim_write_sources_used(&b, &inst);
        rc |= sim_write_file(od.tmp, "sources.csv", &b, &err);
        sim_buf_clear(&b);
        char files[200];
        snprintf(files, sizeof files, "trials.csv, summary.csv, risks.csv%s%s, dictionary.csv, sources.csv, manifest.ini",
                 inst.nseries && inst.horizon ? ", series.csv" : "", inst.nobs ? ", observations.csv" : "");
        sim_runinfo ri = {cmd, "run", seed, n, files};
        sim_write_manifest(&b, &inst, &ri);
        rc |= sim_write_file(od.tmp, "manifest.ini", &b, &err);
        sim_buf_free(&b);
        if (rc) goto abort;
    }
    if (sim_outdir_commit(&od, &err) != 0) goto abort;
    if (!c.quiet) {
        char nt[32], rate[32];
        sim_format_thousands((double)n, 0, nt, sizeof nt);
        sim_format_thousands(elapsed > 0 ? (double)n / elapsed : 0, 0, rate, sizeof rate);
        printf("%s: %s trials, seed %llu (%.1f s, %s trials/s)\n\n", inst.sc.name, nt, (unsigned long long)seed,
               elapsed, rate);
        sim_print_table(stdout, &inst, &ctx.stats);
        printf("\nresults: %s/\n", outdir);
    }
    status = 0;
    goto done;
abort:
    if (ctx.trials) fclose(ctx.trials);
    sim_outdir_abort(&od);
done:
    if (status != 0) fprintf(stderr, "riskmc: %s\n", err.msg);
    free(cmd);
    free(outdir);
    sim_runstats_free(&ctx.stats);
    sim_inst_close(&inst);
    sim_cli_free(&c);
    return status;
}
