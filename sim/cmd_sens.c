/* cmd_sens.c - which assumptions drive the answer:
 *
 *   riskmc tornado  each uncertain parameter alone at its 5th and 95th
 *                   percentile, the others at their medians;
 *   riskmc spider   the same along several percentiles;
 *   riskmc morris   elementary-effects screening (Morris 1991; mu*, sigma);
 *   riskmc sobol    first-order and total Sobol indices (Saltelli 2010
 *                   sampling on a Sobol sequence, Saltelli 2010 and Jansen
 *                   estimators), bootstrap 95% intervals, and the share of
 *                   variance owed to parameters resting on assumptions.
 *
 * All keep common random numbers: the chance of trial k is the same at every
 * design point, so the effects measured are the parameters', not noise. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "checkpoint.h"
#include "cli.h"
#include "cluster.h"
#include "design.h"
#include "outdir.h"
#include "rng.h"
#include "stats.h"

/* ------------------------------------------------------------ shared options */

typedef struct sensopts {
    sim_common c;
    const char *output;
    double threshold;
    bool has_threshold;
    const char *percentiles;
    uint64_t base_n, boot, trajectories, levels;
    bool resume;
} sensopts;

static int sens_parse(int argc, char **argv, const char *cmd, const char *usage, sensopts *o, const char **path)
{
    static const struct option longopts[] = {SIM_COMMON_LONGOPTS,
                                             {"output", required_argument, 0, OPT_OUTPUT},
                                             {"threshold", required_argument, 0, OPT_THRESHOLD},
                                             {"percentiles", required_argument, 0, OPT_PERCENTILES},
                                             {"base", required_argument, 0, 'N'},
                                             {"bootstrap", required_argument, 0, OPT_BOOT},
                                             {"trajectories", required_argument, 0, 'r'},
                                             {"levels", required_argument, 0, OPT_LEVELS},
                                             {"resume", no_argument, 0, OPT_RESUME},
                                             {0, 0, 0, 0}};
    /* the options that only some of the commands take: each takes those its
     * usage lists */
    static const struct {
        int opt;
        const char *name;
    } own[] = {{'n', "--trials"},       {'N', "--base"},          {'r', "--trajectories"},
               {OPT_LEVELS, "--levels"}, {OPT_BOOT, "--bootstrap"}, {OPT_PERCENTILES, "--percentiles"},
               {OPT_THRESHOLD, "--threshold"}, {OPT_RESUME, "--resume"}};
    sim_err err;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "n:s:j:o:qfhN:r:", longopts, NULL)) != -1) {
        const char *why;
        for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
            if (own[i].opt == opt && !strstr(usage, own[i].name)) {
                fprintf(stderr, "riskmc %s: %s is not an option of %s%s (try 'riskmc %s --help')\n", cmd, own[i].name,
                        cmd, opt == 'n' && strstr(usage, "--base") ? "; its size is -N/--base" : "", cmd);
                return 2;
            }
        switch (opt) {
        case 'h': fputs(usage, stdout); return 0;
        case OPT_OUTPUT: o->output = optarg; continue;
        case OPT_THRESHOLD:
            if (sim_parse_real(optarg, &o->threshold, &why) != 0) {
                fprintf(stderr, "riskmc %s: --threshold '%s': %s\n", cmd, optarg, why);
                return 2;
            }
            o->has_threshold = true;
            continue;
        case OPT_PERCENTILES: o->percentiles = optarg; continue;
        case OPT_RESUME: o->resume = true; continue;
        case 'N':
            if (sim_cli_count("-N/--base", optarg, 16, 1u << 20, &o->base_n, &err) != 0) goto bad;
            continue;
        case OPT_BOOT:
            if (sim_cli_count("--bootstrap", optarg, 100, 100000, &o->boot, &err) != 0) goto bad;
            continue;
        case 'r':
            if (sim_cli_count("-r/--trajectories", optarg, 2, 10000, &o->trajectories, &err) != 0) goto bad;
            continue;
        case OPT_LEVELS:
            if (sim_cli_count("--levels", optarg, 2, 100, &o->levels, &err) != 0 || o->levels % 2) {
                if (o->levels % 2) sim_errf(&err, "--levels: %llu (allowed: an even number of levels, 2 to 100)",
                                            (unsigned long long)o->levels);
                goto bad;
            }
            continue;
        default: {
            int r = sim_cli_common(opt, optarg, &o->c, &err);
            if (r > 0) continue;
            if (r == 0) {
                fprintf(stderr, "try 'riskmc %s --help'\n", cmd);
                return 2;
            }
            goto bad;
        }
        }
    bad:
        fprintf(stderr, "riskmc %s: %s\n", cmd, err.msg);
        return 2;
    }
    if (optind != argc - 1) {
        fprintf(stderr, "riskmc %s: expected one scenario file\n\n%s", cmd, usage);
        return 2;
    }
    *path = argv[optind];
    return -1;
}

/* The output studied: --output, else the model's first charted output. */
static long pick_output(const sim_inst *inst, const sensopts *o, sim_err *err)
{
    if (o->output) return sim_output_arg(inst, o->output, err);
    for (size_t i = 0; i < inst->nout; i++)
        if (inst->out[i].show == SIM_SHOW_CHART) return (long)i;
    return inst->nout ? 0 : sim_errf(err, "the model has no outputs");
}

/* "mean(force_end)" or "P(force_end>=20000)" */
static void stat_label(const sim_inst *inst, size_t out, const sensopts *o, char *buf, size_t n)
{
    if (o->has_threshold) {
        char v[32];
        sim_format_num(o->threshold, v);
        snprintf(buf, n, "P(%s>=%s)", inst->out[out].name, v);
    } else {
        snprintf(buf, n, "mean(%s)", inst->out[out].name);
    }
}

/* the value a trial contributes: the output, or whether it reaches the threshold */
static double stat_value(const sensopts *o, double y)
{
    if (!o->has_threshold) return y;
    return !isnan(y) && y >= o->threshold ? 1.0 : 0.0;
}

static void param_sources(const sim_param *p, char *buf, size_t n)
{
    sim_buf b;
    sim_buf_init(&b);
    sim_entry_cites(p->entry, &b);
    snprintf(buf, n, "%s", b.s ? b.s : "");
    sim_buf_free(&b);
}

/* mean of the non-NaN values */
static double mean_of(const double *y, size_t n, size_t stride)
{
    double s = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(y[i * stride])) s += y[i * stride], k++;
    return k ? s / (double)k : NAN;
}

/* standard error of the mean of the paired differences b - a (over the
 * pairs where both have a value), or of b's mean where a is NULL; from
 * shifted sums, exactly 0 for a model without chance */
static double paired_se(const double *a, const double *b, size_t n)
{
    sim_shiftvar v = {0};
    for (size_t i = 0; i < n; i++) {
        const double ai = a ? a[i] : 0;
        if (isnan(ai) || isnan(b[i])) continue;
        sim_shiftvar_add(&v, b[i] - ai);
    }
    const double var = sim_shiftvar_var(&v);
    return v.n > 1 ? sqrt(var > 0 ? var : 0) / sqrt((double)v.n) : NAN;
}

/* ------------------------------------------------------------ one-at-a-time designs */

/* Design point p: every uncertain parameter at its median, one moved to
 * probability u. Point 0 is the base. */
typedef struct oat {
    const sim_inst *inst;
    size_t *unc, nunc;
    double *u;          /* [npct] the probabilities visited */
    size_t npct;
    uint64_t per;       /* trials per point */
    double *median;     /* theta at the medians */
} oat;

static void oat_point(const oat *d, size_t point, size_t *param, size_t *pct)
{
    *param = (point - 1) / d->npct;
    *pct = (point - 1) % d->npct;
}

static void oat_theta(void *user, uint64_t i, double *theta, gsl_rng *r)
{
    (void)r;
    const oat *d = user;
    size_t point = (size_t)(i / d->per);
    memcpy(theta, d->median, d->inst->nparam * sizeof *theta);
    if (point > 0) {
        size_t p, k;
        oat_point(d, point, &p, &k);
        const sim_param *pm = &d->inst->param[d->unc[p]];
        theta[d->unc[p]] = sim_param_at(pm, d->u[k]);
    }
}

static void oat_key(void *user, uint64_t i, uint64_t *trial, uint64_t *inner)
{
    const oat *d = user;
    *trial = i % d->per;
    *inner = 0;
}

/* The error of a sensitivity analysis of a scenario without uncertainty. */
static int no_uncertain(const sim_inst *inst, const char *what, sim_err *err)
{
    return sim_errf(err,
                    "%s: the scenario has no uncertain parameter %s (allowed: a scenario with at least one value "
                    "given as a distribution, e.g. uniform(1, 2), and not listed in [uncertainty] chance)",
                    inst->sc.path, what);
}

static int oat_run(const sim_inst *inst, const sensopts *o, size_t out, const char *kind, int argc, char **argv,
                   oat *d, double **y, char **command, char **outdir, sim_err *err)
{
    d->inst = inst;
    d->nunc = sim_inst_studied(inst, &d->unc, NULL);
    if (d->nunc == 0) return no_uncertain(inst, "to move", err);
    d->median = sim_calloc(inst->nparam + 1, sizeof *d->median);
    sim_theta_medians(inst, d->median);
    d->per = o->c.has_trials ? o->c.trials : 2000;
    uint64_t npoints = 1 + (uint64_t)d->nunc * d->npct;
    if ((double)npoints * (double)d->per > 2e9)
        return sim_errf(err, "-n: %llu trials at %llu points is too many", (unsigned long long)d->per,
                        (unsigned long long)npoints);
    const uint64_t seed = o->c.has_seed ? o->c.seed : inst->seed;
    *command = sim_cli_command(kind, argc, argv, "-n", d->per, seed);
    char suffix[32];
    snprintf(suffix, sizeof suffix, "-%s", kind);
    *outdir = sim_cli_outdir(&o->c, inst, suffix);
    if (sim_outdir_check(*outdir, sim_outdir_mode(o->c.force), err) != 0) return -1;
    char *cp = sim_checkpoint_path(*outdir);
    if (sim_checkpoint_fresh(cp, o->resume, o->c.force, err) != 0) {
        free(cp);
        return -1;
    }
    size_t cols[1] = {out};
    sim_designrun dr = {inst, {0}, npoints * d->per, d->per * 4, cols, 1, cp,
                        sim_run_fingerprint(inst, *command), o->resume};
    dr.cfg.seed = seed;
    dr.cfg.threads = o->c.threads;
    dr.cfg.progress = true;
    dr.cfg.label = kind;
    dr.cfg.theta = oat_theta;
    dr.cfg.theta_user = d;
    dr.cfg.key = oat_key;
    dr.cfg.key_user = d;
    dr.cfg.chance_params = true;
    sim_cli_signals();
    int rc = sim_design_gather(&dr, y, err);
    free(cp);
    return rc;
}

static void oat_free(oat *d)
{
    free(d->unc);
    free(d->u);
    free(d->median);
}

static const char TORNADO_USAGE[] =
    "usage: riskmc tornado SCENARIO [--output NAME] [--threshold X] [options]\n"
    "\n"
    "One at a time: each uncertain parameter moved to its own 5th and 95th\n"
    "percentile while the others stay at their medians; the change (swing) of\n"
    "the output's mean (or of P(output >= X) with --threshold), ranked by size,\n"
    "with Monte Carlo standard errors from paired trials. Writes tornado.csv.\n"
    "\n"
    "options:\n"
    "      --output NAME  the output studied (default: the model's first headline output)\n"
    "      --threshold X  study P(output >= X) instead of the mean\n"
    "  -n, --trials N     trials per design point (default 2000)\n"
    "  -s, --seed S       random seed, 0 to 9.2e18 (default: the scenario's)\n"
    "  -j, --threads N    threads (default: all cores); results do not depend on it\n"
    "  -o, --out DIR      results folder (default: results/<scenario name>-tornado)\n"
    "  -f, --force        replace an existing results folder\n"
    "      --resume       continue a killed run from its checkpoint\n"
    "      --set KEY=VAL  override a scenario key first (repeatable)\n"
    "      --sources CSV  sources registry (default: sources.csv beside the scenario)\n"
    "  -q, --quiet        no progress line and no table\n"
    "  -h, --help         this help\n";

typedef struct swing {
    size_t param;
    double lo, hi, vlo, vhi, d, se;
} swing;

static int cmp_swing(const void *a, const void *b)
{
    const swing *x = a, *y = b;
    double ax = fabs(x->d), ay = fabs(y->d);
    if (ax != ay) return ax < ay ? 1 : -1;
    return x->param < y->param ? -1 : x->param > y->param;
}

/* Open the scenario of a sensitivity command (on failure: say why, free the
 * options, -1). These designs move parameters one at a time or sample them
 * independently: say so when the scenario correlates some. */
static int sens_open(sim_inst *inst, const char *path, sim_common *c, const char *cmd)
{
    sim_err err;
    if (sim_cli_open(inst, path, c, &err) != 0) {
        fprintf(stderr, "riskmc: %s\n", err.msg);
        sim_cli_free(c);
        return -1;
    }
    if (inst->corr)
        fprintf(stderr, "riskmc %s: note: the scenario's [correlation] is not applied: %s treats the parameters as "
                        "independent (run, sweep and compare apply it)\n", cmd, cmd);
    sim_buf chance;
    sim_buf_init(&chance);
    size_t *idx;
    sim_inst_studied(inst, &idx, &chance);
    free(idx);
    if (chance.len)
        fprintf(stderr, "riskmc %s: note: %s, listed in [uncertainty] chance, %s drawn afresh in every trial as part "
                        "of chance, not studied as parameters\n", cmd, chance.s, strchr(chance.s, ',') ? "are" : "is");
    sim_buf_free(&chance);
    return 0;
}

int sim_cmd_tornado(int argc, char **argv)
{
    sensopts o = {0};
    const char *path;
    int r = sens_parse(argc, argv, "tornado", TORNADO_USAGE, &o, &path);
    if (r >= 0) {
        sim_cli_free(&o.c);
        return r;
    }
    sim_inst inst;
    sim_err err;
    if (sens_open(&inst, path, &o.c, "tornado") != 0) return 1;
    int status = 1;
    oat d = {0};
    double *y = NULL;
    char *command = NULL, *outdir = NULL;
    long out = pick_output(&inst, &o, &err);
    if (out < 0) goto done;
    d.npct = 2;
    d.u = sim_calloc(2, sizeof *d.u);
    d.u[0] = 0.05, d.u[1] = 0.95;
    if (oat_run(&inst, &o, (size_t)out, "tornado", argc, argv, &d, &y, &command, &outdir, &err) != 0) goto done;
    {
        for (uint64_t i = 0; i < (1 + d.nunc * 2) * d.per; i++) y[i] = stat_value(&o, y[i]);
        double base = mean_of(y, d.per, 1);
        swing *sw = sim_calloc(d.nunc, sizeof *sw);
        for (size_t p = 0; p < d.nunc; p++) {
            const double *ylo = &y[(1 + 2 * p) * d.per], *yhi = &y[(2 + 2 * p) * d.per];
            sw[p].param = p;
            sw[p].lo = sim_param_at(&inst.param[d.unc[p]], 0.05);
            sw[p].hi = sim_param_at(&inst.param[d.unc[p]], 0.95);
            sw[p].vlo = mean_of(ylo, d.per, 1);
            sw[p].vhi = mean_of(yhi, d.per, 1);
            /* the swing is at_p95 - at_p5, each over its trials with a value
             * (an output with missing values pairs fewer trials); its
             * standard error from the trials where both have one */
            sw[p].se = paired_se(ylo, yhi, d.per);
            sw[p].d = sw[p].vhi - sw[p].vlo;
        }
        qsort(sw, d.nunc, sizeof *sw, cmp_swing);
        char label[200];
        stat_label(&inst, (size_t)out, &o, label, sizeof label);
        sim_buf b;
        sim_buf_init(&b);
        sim_csvrow row = {b, 0};
        const char *hdr[] = {"rank", "parameter", "statistic", "base", "value_p5", "value_p95", "at_p5", "at_p95",
                             "swing", "swing_se", "assumption", "sources"};
        for (size_t h = 0; h < 12; h++) sim_csv_str(&row, hdr[h]);
        sim_csv_end(&row);
        for (size_t k = 0; k < d.nunc; k++) {
            const sim_param *pm = &inst.param[d.unc[sw[k].param]];
            char src[256];
            param_sources(pm, src, sizeof src);
            sim_csv_int(&row, (long long)k + 1);
            sim_csv_str(&row, pm->name);
            sim_csv_str(&row, label);
            sim_csv_stat(&row, base);
            sim_csv_stat(&row, sw[k].lo), sim_csv_stat(&row, sw[k].hi);
            sim_csv_stat(&row, sw[k].vlo), sim_csv_stat(&row, sw[k].vhi);
            sim_csv_stat(&row, sw[k].d), sim_csv_stat(&row, sw[k].se);
            sim_csv_str(&row, sim_entry_is_assumption(pm->entry) ? "yes" : "no");
            sim_csv_str(&row, src);
            sim_csv_end(&row);
        }
        b = row.buf;
        const char *names[] = {"tornado.csv"};
        uint64_t seed = o.c.has_seed ? o.c.seed : inst.seed;
        int rc = sim_write_folder(outdir, o.c.force, &inst, 1, "tornado", command, seed, d.per, NULL,
                                  names, &b, 1, &err);
        sim_buf_free(&b);
        if (rc == 0) {
            char *cp = sim_checkpoint_path(outdir);
            sim_checkpoint_remove(cp);
            free(cp);
        }
        if (rc == 0 && !o.c.quiet) {
            /* a probability (--threshold) reads in percent, its swing in points */
            const bool prob = o.has_threshold;
            char bs[48];
            (prob ? sim_format_pct : sim_format_readable)(base, bs, sizeof bs);
            printf("%s: %s at the base (every uncertain parameter at its median) = %s\n", inst.sc.name, label, bs);
            printf("each parameter alone from its 5th to its 95th percentile (%llu paired trials each):\n\n",
                   (unsigned long long)d.per);
            printf("%4s  %-42s %12s %12s %12s\n", "rank", "parameter", "at p5", "at p95", "swing");
            for (size_t k = 0; k < d.nunc; k++) {
                const sim_param *pm = &inst.param[d.unc[sw[k].param]];
                char sw_s[160], dd[48], e[48], lo[48], hi[48];
                sim_format_readable(prob ? 100 * sw[k].d : sw[k].d, dd, sizeof dd);
                sim_format_readable(prob ? 196 * sw[k].se : 1.96 * sw[k].se, e, sizeof e);
                (prob ? sim_format_pct : sim_format_readable)(sw[k].vlo, lo, sizeof lo);
                (prob ? sim_format_pct : sim_format_readable)(sw[k].vhi, hi, sizeof hi);
                snprintf(sw_s, sizeof sw_s, "%s%s ± %s%s", sw[k].d > 0 ? "+" : "", dd, e, prob ? " pts" : "");
                printf("%4zu  %-42s %12s %12s %18s%s\n", k + 1, pm->name, lo, hi, sw_s,
                       sim_entry_is_assumption(pm->entry) ? "  (assumption)" : "");
            }
            size_t flat = 0;
            for (size_t k = 0; k < d.nunc; k++) flat += sw[k].d == 0;
            char caveat[600];
            if (sim_oat_caveat(label, flat, d.nunc, caveat, sizeof caveat)) printf("\n%s\n", caveat);
            printf("\n(swing ± 1.96 standard errors of the paired differences: a 95%% interval)\nresults: %s/tornado.csv\n",
                   outdir);
        }
        free(sw);
        if (rc == 0) status = 0;
    }
done:
    if (status) fprintf(stderr, "riskmc: %s\n", err.msg);
    free(y), free(command), free(outdir);
    oat_free(&d);
    sim_inst_close(&inst);
    sim_cli_free(&o.c);
    return status;
}

static const char SPIDER_USAGE[] =
    "usage: riskmc spider SCENARIO [--output NAME] [--threshold X] [--percentiles LIST] [options]\n"
    "\n"
    "One at a time along several percentiles: each uncertain parameter moved\n"
    "through its own percentiles (default 5,25,50,75,95) while the others stay at\n"
    "their medians; the output's mean (or P(output >= X)) at each, with its Monte\n"
    "Carlo standard error. Writes spider.csv.\n"
    "\n"
    "options:\n"
    "      --output NAME       the output studied (default: the model's first headline output)\n"
    "      --threshold X       study P(output >= X) instead of the mean\n"
    "      --percentiles LIST  percentiles visited, e.g. 5,10,25,50,75,90,95\n"
    "  -n, --trials N          trials per design point (default 2000)\n"
    "  -s, --seed S            random seed, 0 to 9.2e18 (default: the scenario's)\n"
    "  -j, --threads N         threads (default: all cores); results do not depend on it\n"
    "  -o, --out DIR           results folder (default: results/<scenario name>-spider)\n"
    "  -f, --force             replace an existing results folder\n"
    "      --resume            continue a killed run from its checkpoint\n"
    "      --set KEY=VAL       override a scenario key first (repeatable)\n"
    "      --sources CSV       sources registry (default: sources.csv beside the scenario)\n"
    "  -q, --quiet             no progress line and no table\n"
    "  -h, --help              this help\n";

int sim_cmd_spider(int argc, char **argv)
{
    sensopts o = {0};
    const char *path;
    int r = sens_parse(argc, argv, "spider", SPIDER_USAGE, &o, &path);
    if (r >= 0) {
        sim_cli_free(&o.c);
        return r;
    }
    sim_inst inst;
    sim_err err;
    if (sens_open(&inst, path, &o.c, "spider") != 0) return 1;
    int status = 1;
    oat d = {0};
    double *y = NULL;
    char *command = NULL, *outdir = NULL;
    long out = pick_output(&inst, &o, &err);
    if (out < 0) goto done;
    {
        char *list = sim_strdup(o.percentiles ? o.percentiles : "5,25,50,75,95");
        /* every item between commas, empty ones too (strsep): '5,,95' is a typo */
        for (char *rest = list, *t; (t = strsep(&rest, ","));) {
            double v;
            const char *why;
            if (!*sim_trim(t)) {
                sim_errf(&err, "--percentiles: '%s': empty value between commas (allowed: numbers between 0 "
                               "and 100, exclusive, separated by commas)", o.percentiles);
                free(list);
                goto done;
            }
            if (sim_parse_real(sim_trim(t), &v, &why) != 0 || v <= 0 || v >= 100) {
                sim_errf(&err, "--percentiles: '%s' (allowed: numbers between 0 and 100, exclusive)", t);
                free(list);
                goto done;
            }
            d.u = sim_realloc(d.u, (d.npct + 1) * sizeof *d.u);
            d.u[d.npct++] = v / 100;
        }
        free(list);
        if (d.npct < 2 || d.npct > 99) {
            sim_errf(&err, "--percentiles: give 2 to 99 percentiles");
            goto done;
        }
        gsl_sort(d.u, 1, d.npct);
        for (size_t k = 1; k < d.npct; k++)
            if (round(d.u[k] * 1e6) == round(d.u[k - 1] * 1e6)) { /* as spider.csv writes them */
                sim_errf(&err, "--percentiles: %g given twice (allowed: distinct percentiles)", 100 * d.u[k]);
                goto done;
            }
    }
    if (oat_run(&inst, &o, (size_t)out, "spider", argc, argv, &d, &y, &command, &outdir, &err) != 0) goto done;
    {
        uint64_t total = (1 + d.nunc * d.npct) * d.per;
        for (uint64_t i = 0; i < total; i++) y[i] = stat_value(&o, y[i]);
        char label[200];
        stat_label(&inst, (size_t)out, &o, label, sizeof label);
        sim_buf b;
        sim_buf_init(&b);
        sim_csvrow row = {b, 0};
        const char *hdr[] = {"parameter", "statistic", "percentile", "value", "result", "se", "assumption"};
        for (size_t h = 0; h < 7; h++) sim_csv_str(&row, hdr[h]);
        sim_csv_end(&row);
        double *res = sim_calloc(d.nunc * d.npct + 1, sizeof *res); /* for the console */
        for (size_t p = 0; p < d.nunc; p++) {
            const sim_param *pm = &inst.param[d.unc[p]];
            for (size_t k = 0; k < d.npct; k++) {
                const double *yy = &y[(1 + p * d.npct + k) * d.per];
                const double mean = mean_of(yy, d.per, 1);
                res[p * d.npct + k] = mean;
                sim_csv_str(&row, pm->name);
                sim_csv_str(&row, label);
                sim_csv_num(&row, round(d.u[k] * 1e6) / 1e4);
                sim_csv_stat(&row, sim_param_at(pm, d.u[k]));
                sim_csv_stat(&row, mean);
                sim_csv_stat(&row, paired_se(NULL, yy, d.per));
                sim_csv_str(&row, sim_entry_is_assumption(pm->entry) ? "yes" : "no");
                sim_csv_end(&row);
            }
        }
        b = row.buf;
        const char *names[] = {"spider.csv"};
        uint64_t seed = o.c.has_seed ? o.c.seed : inst.seed;
        int rc = sim_write_folder(outdir, o.c.force, &inst, 1, "spider", command, seed, d.per, NULL,
                                  names, &b, 1, &err);
        sim_buf_free(&b);
        if (rc == 0) {
            char *cp = sim_checkpoint_path(outdir);
            sim_checkpoint_remove(cp);
            free(cp);
            if (!o.c.quiet) {
                printf("%s: %s with one parameter at a time at each percentile, the others at their medians "
                       "(%llu trials a point)\n\n%-42s", inst.sc.name, label, (unsigned long long)d.per, "parameter");
                const size_t shown = d.npct < 9 ? d.npct : 9;
                for (size_t k = 0; k < shown; k++) {
                    char h[32];
                    snprintf(h, sizeof h, "p%g", round(d.u[k] * 1e6) / 1e4);
                    printf(" %10s", h);
                }
                printf("\n");
                for (size_t p = 0; p < d.nunc; p++) {
                    const sim_param *pm = &inst.param[d.unc[p]];
                    printf("%-42s", pm->name);
                    for (size_t k = 0; k < shown; k++) {
                        char v[48];
                        (o.has_threshold ? sim_format_pct : sim_format_readable)(res[p * d.npct + k], v, sizeof v);
                        printf(" %10s", v);
                    }
                    printf("%s\n", sim_entry_is_assumption(pm->entry) ? "  (assumption)" : "");
                }
                size_t flat = 0;
                for (size_t p = 0; p < d.nunc; p++) {
                    bool same = true;
                    for (size_t k = 1; k < d.npct; k++) same &= res[p * d.npct + k] == res[p * d.npct];
                    flat += same;
                }
                char caveat[600];
                if (sim_oat_caveat(label, flat, d.nunc, caveat, sizeof caveat)) printf("\n%s\n", caveat);
                printf("\n%sresults: %s/spider.csv\n", shown < d.npct ? "(the first 9 percentiles; all are in the file)\n" : "",
                       outdir);
            }
            status = 0;
        }
        free(res);
    }
done:
    if (status) fprintf(stderr, "riskmc: %s\n", err.msg);
    free(y), free(command), free(outdir);
    oat_free(&d);
    sim_inst_close(&inst);
    sim_cli_free(&o.c);
    return status;
}

/* ------------------------------------------------------------ Morris */

static const char MORRIS_USAGE[] =
    "usage: riskmc morris SCENARIO [--output NAME] [--threshold X] [-r TRAJECTORIES] [options]\n"
    "\n"
    "Elementary-effects screening (Morris 1991, mu* of Campolongo et al. 2007):\n"
    "r random one-at-a-time trajectories through a grid of LEVELS percentiles of\n"
    "every uncertain parameter (from the 0.5th to the 99.5th); each step's effect\n"
    "on the output's mean (over -n trials, common random numbers along a\n"
    "trajectory), divided by the step. The grid is in probability: a step moves\n"
    "a parameter by delta = P/(2(P-1)) of the way from its 0.5th to its 99.5th\n"
    "percentile in probability, so an effect is in output units per that whole\n"
    "range, as in SALib; for a uniform law equal steps in probability are equal\n"
    "in value, for others they are not. Ranks parameters by mu* (mean absolute\n"
    "effect); sigma shows interactions or non-linearity. Writes morris.csv.\n"
    "\n"
    "options:\n"
    "      --output NAME       the output studied (default: the model's first headline output)\n"
    "      --threshold X       study P(output >= X) instead of the mean\n"
    "  -r, --trajectories R    trajectories (default 20)\n"
    "      --levels P          grid levels, even (default 4)\n"
    "  -n, --trials N          trials per design point (default 200)\n"
    "  -s, --seed S            random seed, 0 to 9.2e18 (default: the scenario's)\n"
    "  -j, --threads N         threads (default: all cores); results do not depend on it\n"
    "  -o, --out DIR           results folder (default: results/<scenario name>-morris)\n"
    "  -f, --force             replace an existing results folder\n"
    "      --resume            continue a killed run from its checkpoint\n"
    "      --set KEY=VAL       override a scenario key first (repeatable)\n"
    "      --sources CSV       sources registry (default: sources.csv beside the scenario)\n"
    "  -q, --quiet             no progress line and no table\n"
    "  -h, --help              this help\n";

typedef struct morris {
    const sim_inst *inst;
    size_t *unc, nunc;
    uint64_t r, per;
    double *u;        /* [traj][point][param] probabilities */
    double *median;
} morris;

static void morris_theta(void *user, uint64_t i, double *theta, gsl_rng *rr)
{
    (void)rr;
    const morris *d = user;
    uint64_t pt = i / d->per; /* traj * (P + 1) + point */
    memcpy(theta, d->median, d->inst->nparam * sizeof *theta);
    const double *u = &d->u[pt * d->nunc];
    for (size_t p = 0; p < d->nunc; p++) theta[d->unc[p]] = sim_param_at(&d->inst->param[d->unc[p]], u[p]);
}

static void morris_key(void *user, uint64_t i, uint64_t *trial, uint64_t *inner)
{
    const morris *d = user;
    uint64_t traj = i / (d->per * (d->nunc + 1));
    *trial = traj * d->per + i % d->per; /* common along a trajectory, fresh between them */
    *inner = 0;
}

typedef struct mstat {
    size_t p;
    double mustar, mu, sigma, se;
} mstat;

static int cmp_mstat(const void *a, const void *b)
{
    const mstat *x = a, *y = b;
    if (x->mustar != y->mustar) return x->mustar < y->mustar ? 1 : -1;
    return x->p < y->p ? -1 : x->p > y->p;
}

int sim_cmd_morris(int argc, char **argv)
{
    sensopts o = {0};
    const char *path;
    int rr = sens_parse(argc, argv, "morris", MORRIS_USAGE, &o, &path);
    if (rr >= 0) {
        sim_cli_free(&o.c);
        return rr;
    }
    sim_inst inst;
    sim_err err;
    if (sens_open(&inst, path, &o.c, "morris") != 0) return 1;
    int status = 1;
    morris d = {0};
    double *y = NULL;
    char *command = NULL, *outdir = NULL, *cp = NULL;
    long out = pick_output(&inst, &o, &err);
    if (out < 0) goto done;
    d.inst = &inst;
    d.nunc = sim_inst_studied(&inst, &d.unc, NULL);
    if (d.nunc == 0) {
        no_uncertain(&inst, "to screen", &err);
        goto done;
    }
    d.r = o.trajectories ? o.trajectories : 20;
    d.per = o.c.has_trials ? o.c.trials : 200;
    {
        unsigned levels = (unsigned)(o.levels ? o.levels : 4);
        double delta = (double)levels / (2.0 * (double)(levels - 1)); /* on the grid 0, 1/(p-1), ..., 1 */
        uint64_t npts = d.r * (d.nunc + 1);
        if ((double)npts * (double)d.per > 2e9) {
            sim_errf(&err, "too many trials (trajectories x (parameters + 1) x -n above 2,000,000,000)");
            goto done;
        }
        d.median = sim_calloc(inst.nparam + 1, sizeof *d.median);
        sim_theta_medians(&inst, d.median);
        d.u = sim_calloc(npts * d.nunc + 1, sizeof *d.u);
        uint64_t seed = o.c.has_seed ? o.c.seed : inst.seed;
        gsl_rng *g = sim_rng_alloc();
        size_t *perm = sim_calloc(d.nunc, sizeof *perm);
        double *x = sim_calloc(d.nunc, sizeof *x);
        for (uint64_t t = 0; t < d.r; t++) {
            sim_rng_seek(g, seed, t, sim_rng_stream_id("design", "morris"), 0, 0);
            /* base on the grid where a step of delta stays on it */
            unsigned start_levels = levels / 2;
            for (size_t p = 0; p < d.nunc; p++) {
                x[p] = (double)gsl_rng_uniform_int(g, start_levels) / (double)(levels - 1);
                perm[p] = p;
            }
            gsl_ran_shuffle(g, perm, d.nunc, sizeof *perm);
            for (size_t k = 0; k <= d.nunc; k++) {
                if (k > 0) x[perm[k - 1]] += delta;
                /* grid value to probability: the grid spans the 0.5th to the
                 * 99.5th percentile (laws without bounds have no 0th) */
                for (size_t p = 0; p < d.nunc; p++) d.u[((t * (d.nunc + 1)) + k) * d.nunc + p] = 0.005 + 0.99 * x[p];
            }
        }
        gsl_rng_free(g);
        free(x);
        command = sim_cli_command("morris", argc, argv, "-n", d.per, seed);
        outdir = sim_cli_outdir(&o.c, &inst, "-morris");
        cp = sim_checkpoint_path(outdir);
        if (sim_outdir_check(outdir, sim_outdir_mode(o.c.force), &err) != 0 ||
            sim_checkpoint_fresh(cp, o.resume, o.c.force, &err) != 0) {
            free(perm);
            goto done;
        }
        size_t cols[1] = {(size_t)out};
        sim_designrun dr = {&inst, {0}, npts * d.per, d.per * (d.nunc + 1), cols, 1, cp,
                            sim_run_fingerprint(&inst, command), o.resume};
        dr.cfg.seed = seed;
        dr.cfg.threads = o.c.threads;
        dr.cfg.progress = true;
        dr.cfg.label = "morris";
        dr.cfg.theta = morris_theta;
        dr.cfg.theta_user = &d;
        dr.cfg.key = morris_key;
        dr.cfg.key_user = &d;
        dr.cfg.chance_params = true;
        sim_cli_signals();
        if (sim_design_gather(&dr, &y, &err) != 0) {
            free(perm);
            goto done;
        }
        for (uint64_t i = 0; i < npts * d.per; i++) y[i] = stat_value(&o, y[i]);
        /* elementary effects per parameter */
        double *ee = sim_calloc(d.r * d.nunc + 1, sizeof *ee);
        for (uint64_t t = 0; t < d.r; t++)
            for (size_t k = 1; k <= d.nunc; k++) {
                const double *u0 = &d.u[(t * (d.nunc + 1) + k - 1) * d.nunc], *u1 = &d.u[(t * (d.nunc + 1) + k) * d.nunc];
                size_t moved = 0;
                for (size_t p = 0; p < d.nunc; p++)
                    if (u1[p] != u0[p]) moved = p;
                double f0 = mean_of(&y[(t * (d.nunc + 1) + k - 1) * d.per], d.per, 1);
                double f1 = mean_of(&y[(t * (d.nunc + 1) + k) * d.per], d.per, 1);
                ee[t * d.nunc + moved] = (f1 - f0) / delta;
            }
        mstat *ms = sim_calloc(d.nunc, sizeof *ms);
        for (size_t p = 0; p < d.nunc; p++) {
            /* the spreads from shifted sums, so that equal effects have a
             * sigma and a standard error of 0 */
            double sa = 0, s = 0;
            sim_shiftvar ve = {0}, va = {0};
            for (uint64_t t = 0; t < d.r; t++) {
                double e = ee[t * d.nunc + p];
                sa += fabs(e), s += e;
                sim_shiftvar_add(&ve, e), sim_shiftvar_add(&va, fabs(e));
            }
            double rn = (double)d.r;
            ms[p].p = p;
            ms[p].mustar = sa / rn;
            ms[p].mu = s / rn;
            double var = sim_shiftvar_var(&ve), vara = sim_shiftvar_var(&va);
            ms[p].sigma = sqrt(var > 0 ? var : 0);
            ms[p].se = sqrt(vara > 0 ? vara : 0) / sqrt(rn);
        }
        qsort(ms, d.nunc, sizeof *ms, cmp_mstat);
        char label[200];
        stat_label(&inst, (size_t)out, &o, label, sizeof label);
        sim_buf b;
        sim_buf_init(&b);
        sim_csvrow row = {b, 0};
        const char *hdr[] = {"rank", "parameter", "statistic", "mu_star", "mu_star_se", "mu", "sigma",
                             "trajectories", "assumption", "sources"};
        for (size_t h = 0; h < 10; h++) sim_csv_str(&row, hdr[h]);
        sim_csv_end(&row);
        for (size_t k = 0; k < d.nunc; k++) {
            const sim_param *pm = &inst.param[d.unc[ms[k].p]];
            char src[256];
            param_sources(pm, src, sizeof src);
            sim_csv_int(&row, (long long)k + 1);
            sim_csv_str(&row, pm->name);
            sim_csv_str(&row, label);
            sim_csv_stat(&row, ms[k].mustar), sim_csv_stat(&row, ms[k].se);
            sim_csv_stat(&row, ms[k].mu), sim_csv_stat(&row, ms[k].sigma);
            sim_csv_int(&row, (long long)d.r);
            sim_csv_str(&row, sim_entry_is_assumption(pm->entry) ? "yes" : "no");
            sim_csv_str(&row, src);
            sim_csv_end(&row);
        }
        b = row.buf;
        const char *names[] = {"morris.csv"};
        int rc = sim_write_folder(outdir, o.c.force, &inst, 1, "morris", command, seed, d.per, NULL,
                                  names, &b, 1, &err);
        sim_buf_free(&b);
        if (rc == 0) {
            sim_checkpoint_remove(cp);
            if (!o.c.quiet) {
                printf("%s: elementary effects on %s (%llu trajectories, %u levels, %llu trials a point)\n\n",
                       inst.sc.name, label, (unsigned long long)d.r, levels, (unsigned long long)d.per);
                /* a probability's effects in percentage points, as the brief gives them */
                const bool pts = o.has_threshold;
                printf("%4s  %-42s %12s %12s\n", "rank", "parameter", pts ? "mu* (pts)" : "mu*",
                       pts ? "sigma (pts)" : "sigma");
                for (size_t k = 0; k < d.nunc; k++) {
                    char mu[48], sg[48];
                    sim_format_readable(pts ? 100 * ms[k].mustar : ms[k].mustar, mu, sizeof mu);
                    sim_format_readable(pts ? 100 * ms[k].sigma : ms[k].sigma, sg, sizeof sg);
                    printf("%4zu  %-42s %12s %12s\n", k + 1, inst.param[d.unc[ms[k].p]].name, mu, sg);
                }
                printf("\nresults: %s/morris.csv\n", outdir);
            }
            status = 0;
        }
        free(ms);
        free(ee);
        free(perm);
    }
done:
    if (status) fprintf(stderr, "riskmc: %s\n", err.msg);
    free(y), free(command), free(outdir), free(cp);
    free(d.unc), free(d.u), free(d.median);
    sim_inst_close(&inst);
    sim_cli_free(&o.c);
    return status;
}

/* ------------------------------------------------------------ Sobol */

static const char SOBOL_USAGE[] =
    "usage: riskmc sobol SCENARIO [-N BASE] [--output NAME] [--threshold X] [options]\n"
    "\n"
    "Variance-based sensitivity: first-order (S1) and total (ST) Sobol indices of\n"
    "every uncertain parameter, for the mean of an output and for each threshold\n"
    "probability the scenario sets on it. Saltelli sampling on a Sobol sequence\n"
    "(GSL's gsl_qrng_sobol), the Saltelli (2010) estimator for S1 and Jansen's for\n"
    "ST, 95% bootstrap intervals. Also the indices of two groups: all parameters\n"
    "marked assumption, and all backed by a source, with the share of the output's\n"
    "variance each accounts for. Chance (each trial's own randomness) is part of\n"
    "the variance; it is shared by a row's A and AB_i points, and has indices of\n"
    "its own (a row's A parameters with B's chance): its ST is the share of the\n"
    "variance no knowledge of the parameters would remove. Writes sobol.csv.\n"
    "Model runs: BASE x (parameters + 3), + 2 x BASE for the two groups (when the\n"
    "scenario has uncertain parameters of both kinds). The design is GSL's\n"
    "unscrambled Sobol sequence: -s changes the chance and the bootstrap, not\n"
    "the design points. Past 20 uncertain parameters (the sequence's 40\n"
    "dimensions) the base sample is independent random rows drawn from -s.\n"
    "\n"
    "options:\n"
    "  -N, --base N        base sample size (default 4096)\n"
    "      --output NAME   the output studied (default: the model's first headline output)\n"
    "      --threshold X   also study P(output >= X)\n"
    "      --bootstrap B   bootstrap resamples for the intervals (default 1000)\n"
    "  -s, --seed S        random seed, 0 to 9.2e18 (default: the scenario's)\n"
    "  -j, --threads N     threads (default: all cores); results do not depend on it\n"
    "  -o, --out DIR       results folder (default: results/<scenario name>-sobol)\n"
    "  -f, --force         replace an existing results folder\n"
    "      --resume        continue a killed run from its checkpoint\n"
    "      --set KEY=VAL   override a scenario key first (repeatable)\n"
    "      --sources CSV   sources registry (default: sources.csv beside the scenario)\n"
    "  -q, --quiet         no progress line and no table\n"
    "  -h, --help          this help\n";

/* the design's points, in the manifest ([run] design) */
#define SOBOL_SEQUENCE "design = Sobol sequence (GSL's, unscrambled)\n"
#define SOBOL_RANDOM_ROWS                                                                                      \
    "; more than 20 uncertain parameters: past the 40 dimensions of GSL's Sobol sequence\n"                   \
    "design = independent random rows from the seed\n"

typedef struct sobold {
    const sim_inst *inst;
    size_t *unc, nunc;
    size_t ngroups;       /* 0 or 2: assumption, sourced */
    bool *in_assumption;  /* [nunc] */
    size_t M;             /* matrices per row: A, B, AB_1..AB_P, AB_groups, AB_chance */
    size_t chance;        /* AB_chance's column: A's parameters with B's chance */
    uint64_t N;
    bool random_rows;     /* more than 40 dimensions: independent random rows */
    double *q;            /* [row][2P] quasi-random points */
    double *median;
} sobold;

/* which of a matrix's columns come from B */
static bool from_b(const sobold *d, size_t m, size_t p)
{
    if (m == 1) return true;
    if (m == 0 || m == d->chance) return false;
    if (m < 2 + d->nunc) return p == m - 2;
    size_t g = m - 2 - d->nunc; /* 0: assumption group, 1: sourced group */
    return g == 0 ? d->in_assumption[p] : !d->in_assumption[p];
}

static void sobol_theta(void *user, uint64_t i, double *theta, gsl_rng *rr)
{
    (void)rr;
    const sobold *d = user;
    uint64_t j = i / d->M;
    size_t m = (size_t)(i % d->M);
    memcpy(theta, d->median, d->inst->nparam * sizeof *theta);
    const double *q = &d->q[j * 2 * d->nunc];
    for (size_t p = 0; p < d->nunc; p++) {
        double u = from_b(d, m, p) ? q[d->nunc + p] : q[p];
        theta[d->unc[p]] = sim_param_at(&d->inst->param[d->unc[p]], u);
    }
}

static void sobol_key(void *user, uint64_t i, uint64_t *trial, uint64_t *inner)
{
    const sobold *d = user;
    *trial = i / d->M;
    /* B draws its own chance; A and every AB_i share A's, but AB_chance,
     * which takes B's: chance is then one more input, whose indices are the
     * share of the variance that no parameter value explains */
    *inner = i % d->M == 1 || i % d->M == d->chance ? 1 : 0;
}

typedef struct sidx {
    double s1, s1lo, s1hi, st, stlo, sthi;
} sidx;

/* S1 and ST of column m against A and B, rows given by idx (a bootstrap
 * resample) or 0..N-1. f[j * M + m]. */
/* The estimators on outputs less c, the mean of f(A) and f(B) over the
 * whole sample (as SALib centres them): Saltelli's S1 sums f(B) (f(AB_i) -
 * f(A)), whose noise grows with the square of the mean over the spread
 * when the output is not centred. Centring on a constant would leave its
 * expectation unchanged (f(AB_i) and f(A) have the same mean); on the
 * sample mean it adds (ST_i - S1_i) / 2N, far below the noise. The
 * bootstrap keeps the whole sample's c. */
static void estimate(const double *f, size_t M, uint64_t N, const uint64_t *idx, size_t m, double V, double c,
                     double *s1, double *st)
{
    double a = 0, b = 0;
    for (uint64_t k = 0; k < N; k++) {
        uint64_t j = idx ? idx[k] : k;
        double fa = f[j * M], fb = f[j * M + 1] - c, fm = f[j * M + m];
        a += fb * (fm - fa);
        b += (fa - fm) * (fa - fm);
    }
    *s1 = V > 0 ? a / (double)N / V : NAN;
    *st = V > 0 ? b / (2.0 * (double)N) / V : NAN;
}

/* Mean of f(A) and f(B). */
static double mean_ab(const double *f, size_t M, uint64_t N)
{
    double s = 0;
    for (uint64_t k = 0; k < N; k++) s += f[k * M] + f[k * M + 1];
    return s / (2.0 * (double)N);
}

/* Variance of f(A) and f(B) together (about c, close to their mean, for
 * accuracy). */
static double variance_ab(const double *f, size_t M, uint64_t N, const uint64_t *idx, double c)
{
    double s = 0, s2 = 0;
    for (uint64_t k = 0; k < N; k++) {
        uint64_t j = idx ? idx[k] : k;
        for (int col = 0; col < 2; col++) {
            double x = f[j * M + (size_t)col] - c;
            s += x, s2 += x * x;
        }
    }
    double n = 2.0 * (double)N;
    return (s2 - s * s / n) / (n - 1);
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The 2.5% and 97.5% points of the bootstrap values v[0..boot-1], in place.
 * A resample in which the output does not vary (a rarely reached threshold)
 * has no index (NaN) and is left out; with more than one in ten left out,
 * the interval would describe only the resamples that reached it, and both
 * bounds are NaN (empty in sobol.csv). */
static void boot_interval(double *v, uint64_t boot, double *lo, double *hi)
{
    uint64_t n = 0;
    for (uint64_t b = 0; b < boot; b++)
        if (!isnan(v[b])) v[n++] = v[b];
    *lo = *hi = NAN;
    if (n < 2 || 10 * n < 9 * boot) return;
    qsort(v, n, sizeof *v, cmp_dbl);
    *lo = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.025);
    *hi = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.975);
}

/* Indices of every column for one statistic, with bootstrap intervals. */
static void sobol_indices(const sobold *d, const double *f, uint64_t boot, uint64_t seed, sidx *out)
{
    size_t K = d->M - 2;
    const double c = mean_ab(f, d->M, d->N);
    double V = variance_ab(f, d->M, d->N, NULL, c);
    for (size_t k = 0; k < K; k++) estimate(f, d->M, d->N, NULL, k + 2, V, c, &out[k].s1, &out[k].st);
    double *bs1 = sim_calloc(boot * K + 1, sizeof *bs1), *bst = sim_calloc(boot * K + 1, sizeof *bst);
    uint64_t *idx = sim_calloc(d->N, sizeof *idx);
    gsl_rng *g = sim_rng_alloc();
    for (uint64_t b = 0; b < boot; b++) {
        sim_rng_seek(g, seed, b, sim_rng_stream_id("design", "sobol-bootstrap"), 0, 0);
        for (uint64_t k = 0; k < d->N; k++) idx[k] = gsl_rng_uniform_int(g, d->N);
        double Vb = variance_ab(f, d->M, d->N, idx, c);
        for (size_t k = 0; k < K; k++)
            estimate(f, d->M, d->N, idx, k + 2, Vb, c, &bs1[k * boot + b], &bst[k * boot + b]);
    }
    for (size_t k = 0; k < K; k++) {
        boot_interval(&bs1[k * boot], boot, &out[k].s1lo, &out[k].s1hi);
        boot_interval(&bst[k * boot], boot, &out[k].stlo, &out[k].sthi);
    }
    gsl_rng_free(g);
    free(idx), free(bs1), free(bst);
}


/* "0.123 [0.100, 0.150]", or "0.123 [no interval]" */
static void index_text(double x, double lo, double hi, char *out, size_t n)
{
    if (isnan(lo) || isnan(hi)) snprintf(out, n, "%.3f [no interval]", x);
    else snprintf(out, n, "%.3f [%.3f, %.3f]", x, lo, hi);
}

/* The error of a mean Sobol cannot study: `missing` of `runs` (text) lack
 * the output. */
static int mean_undefined(const char *name, uint64_t missing, const char *runs, sim_err *err)
{
    char nm[32];
    sim_format_thousands((double)missing, 0, nm, sizeof nm);
    return sim_errf(err, "%s has no value in %s of %s, so its mean over the design is not defined (allowed: "
                         "--threshold X, to study P(%s >= X), which a trial without a value does not reach; or an "
                         "output every trial has)",
                    name, nm, runs, name);
}

/* The mean is Sobol's only statistic of an output some trials lack (no
 * threshold on it): say so before the design runs, from 256 plain trials
 * (the design's own rows are checked again after it runs). */
static int mean_only_lacks(const sim_inst *inst, size_t out, const sensopts *o, uint64_t seed, sim_err *err)
{
    bool thr = o->has_threshold;
    for (size_t t = 0; t < inst->nthr && !thr; t++) thr = inst->thr[t].output == out;
    if (thr) return 0;
    sim_designrun dr = {inst, {0}, 256, 256, &out, 1, NULL, 0, false};
    dr.cfg.seed = seed;
    dr.cfg.threads = o->c.threads;
    double *y;
    if (sim_design_gather(&dr, &y, err) != 0) return -1;
    uint64_t missing = 0; /* rank 0 holds the trials: every rank learns its count */
    for (size_t i = 0; i < 256; i++) missing += isnan(y[i]) ? 1 : 0;
    free(y);
    sim_mpi_bcast_u64(&missing);
    return missing ? mean_undefined(inst->out[out].name, missing, "256 trials of the scenario", err) : 0;
}

int sim_cmd_sobol(int argc, char **argv)
{
    sensopts o = {0};
    const char *path;
    int rr = sens_parse(argc, argv, "sobol", SOBOL_USAGE, &o, &path);
    if (rr >= 0) {
        sim_cli_free(&o.c);
        return rr;
    }
    sim_inst inst;
    sim_err err;
    if (sens_open(&inst, path, &o.c, "sobol") != 0) return 1;
    int status = 1;
    sobold d = {0};
    double *y = NULL;
    char *command = NULL, *outdir = NULL, *cp = NULL;
    long out = pick_output(&inst, &o, &err);
    if (out < 0) goto done;
    d.inst = &inst;
    sim_buf cnames; /* parameters marked chance: part of the chance row */
    sim_buf_init(&cnames);
    d.nunc = sim_inst_studied(&inst, &d.unc, &cnames);
    char chance_label[512], chance_short[160];
    if (cnames.len) {
        snprintf(chance_label, sizeof chance_label,
                 "chance: the model's own randomness and %s ([uncertainty] chance), the other parameters fixed",
                 cnames.s);
        snprintf(chance_short, sizeof chance_short, "chance (with %s)", cnames.s);
    } else {
        snprintf(chance_label, sizeof chance_label, "chance: the model's own randomness, parameters fixed");
        snprintf(chance_short, sizeof chance_short, "chance (parameters fixed)");
    }
    sim_buf_free(&cnames);
    if (d.nunc == 0) {
        no_uncertain(&inst, "to vary", &err);
        goto done;
    }
    d.in_assumption = sim_calloc(d.nunc, sizeof *d.in_assumption);
    size_t na = 0;
    for (size_t p = 0; p < d.nunc; p++) na += d.in_assumption[p] = sim_entry_is_assumption(inst.param[d.unc[p]].entry);
    d.ngroups = na > 0 && na < d.nunc ? 2 : 0;
    d.chance = 2 + d.nunc + d.ngroups;
    d.M = d.chance + 1;
    d.N = o.base_n ? o.base_n : 4096;
    if ((double)d.N * (double)d.nunc * 16 > 256e6 || (double)d.N * (double)d.M > 2e9) {
        sim_errf(&err, "-N %llu with %zu parameters needs too much memory (allowed: N x parameters <= 16,000,000)",
                 (unsigned long long)d.N, d.nunc);
        goto done;
    }
    const uint64_t seed = o.c.has_seed ? o.c.seed : inst.seed;
    {
        /* the points: Sobol's sequence for up to 40 dimensions (GSL's limit);
         * beyond, independent random rows from the seed. Halton's high
         * dimensions are correlated with each other, which biased indices
         * of 21 or more parameters by up to 9 standard errors at N = 1,024
         * (the g-function); random rows converge more slowly but without
         * bias, and the bootstrap's independent rows are then right. */
        size_t dim = 2 * d.nunc;
        d.q = sim_calloc(d.N * dim, sizeof *d.q);
        if (dim <= 40) {
            gsl_qrng *qr = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)dim);
            double *tmp = sim_calloc(dim, sizeof *tmp);
            gsl_qrng_get(qr, tmp); /* skip the first point (all zeros) */
            for (uint64_t j = 0; j < d.N; j++) {
                gsl_qrng_get(qr, tmp);
                for (size_t k = 0; k < dim; k++) {
                    double u = tmp[k];
                    d.q[j * dim + k] = u < 1e-12 ? 1e-12 : u > 1 - 1e-12 ? 1 - 1e-12 : u;
                }
            }
            free(tmp);
            gsl_qrng_free(qr);
        } else {
            d.random_rows = true;
            gsl_rng *r = sim_rng_alloc();
            const uint64_t stream = sim_rng_stream_id("design", "sobol random rows");
            for (uint64_t j = 0; j < d.N; j++) {
                sim_rng_seek(r, seed, j, stream, 0, 0);
                for (size_t k = 0; k < dim; k++) d.q[j * dim + k] = gsl_rng_uniform_pos(r);
            }
            gsl_rng_free(r);
            /* a note on the method, as the other notes, also under -q */
            if (sim_mpi_root())
                fprintf(stderr, "riskmc sobol: %zu parameters need %zu dimensions, past the 40 of GSL's Sobol "
                                "sequence: the base sample is %llu independent random rows from the seed\n",
                        d.nunc, dim, (unsigned long long)d.N);
        }
    }
    d.median = sim_calloc(inst.nparam + 1, sizeof *d.median);
    sim_theta_medians(&inst, d.median);
    command = sim_cli_command("sobol", argc, argv, "-N", d.N, seed);
    outdir = sim_cli_outdir(&o.c, &inst, "-sobol");
    cp = sim_checkpoint_path(outdir);
    if (sim_outdir_check(outdir, sim_outdir_mode(o.c.force), &err) != 0 ||
        sim_checkpoint_fresh(cp, o.resume, o.c.force, &err) != 0)
        goto done;
    if (mean_only_lacks(&inst, (size_t)out, &o, seed, &err) != 0) goto done;
    {
        size_t cols[1] = {(size_t)out};
        uint64_t chunk = d.M * (d.N / 16 > 256 ? d.N / 16 : 256);
        /* the fingerprint also holds the matrices per row: a checkpoint of
         * another layout (before the chance column, M - 1) is not resumed */
        const uint64_t fp = sim_run_fingerprint(&inst, command) ^ (0x9E3779B97F4A7C15ULL * (uint64_t)d.M);
        sim_designrun dr = {&inst, {0}, d.N * d.M, chunk, cols, 1, cp, fp, o.resume};
        dr.cfg.seed = seed;
        dr.cfg.threads = o.c.threads;
        dr.cfg.progress = true;
        dr.cfg.label = "sobol";
        dr.cfg.theta = sobol_theta;
        dr.cfg.theta_user = &d;
        dr.cfg.key = sobol_key;
        dr.cfg.key_user = &d;
        dr.cfg.chance_params = true;
        sim_cli_signals();
        if (sim_design_gather(&dr, &y, &err) != 0) goto done;
    }
    {
        /* statistics: the mean, and each threshold of the output */
        size_t nst = 1;
        double thr[64];
        for (size_t t = 0; t < inst.nthr && nst < 64; t++)
            if (inst.thr[t].output == (size_t)out) thr[nst++] = inst.thr[t].value;
        bool listed = false; /* --threshold naming one the scenario lists is studied once */
        for (size_t t = 1; t < nst; t++) listed |= thr[t] == o.threshold;
        if (o.has_threshold && !listed && nst < 64) thr[nst++] = o.threshold;
        /* an output some trials have no value of (first_escape_day when
         * nobody escapes) has no mean over every row of the design: only
         * its thresholds, which such a trial does not reach, are studied */
        uint64_t missing = 0;
        for (uint64_t i = 0; i < d.N * d.M; i++) missing += isnan(y[i]) ? 1 : 0;
        const size_t first = missing ? 1 : 0;
        if (missing) {
            char nm[32], nt[32], runs[64];
            sim_format_thousands((double)missing, 0, nm, sizeof nm);
            sim_format_thousands((double)(d.N * d.M), 0, nt, sizeof nt);
            snprintf(runs, sizeof runs, "the %s model runs", nt);
            if (nst == 1) {
                mean_undefined(inst.out[out].name, missing, runs, &err);
                goto done;
            }
            fprintf(stderr, "riskmc sobol: note: %s has no value in %s of the %s model runs: its mean is left out, "
                            "its thresholds are studied (a run without a value does not reach them)\n",
                    inst.out[out].name, nm, nt);
        }
        uint64_t boot = o.boot ? o.boot : 1000;
        size_t K = d.M - 2;
        sidx *ix = sim_calloc(nst * K, sizeof *ix);
        double *f = sim_calloc(d.N * d.M, sizeof *f);
        char (*labels)[200] = sim_calloc(nst, sizeof *labels);
        for (size_t s = first; s < nst; s++) {
            sensopts so = o;
            so.has_threshold = s > 0;
            so.threshold = s > 0 ? thr[s] : 0;
            stat_label(&inst, (size_t)out, &so, labels[s], sizeof labels[s]);
            for (uint64_t i = 0; i < d.N * d.M; i++) f[i] = stat_value(&so, y[i]);
            sobol_indices(&d, f, boot, seed, &ix[s * K]);
        }
        sim_buf b;
        sim_buf_init(&b);
        sim_csvrow row = {b, 0};
        const char *hdr[] = {"statistic", "kind", "parameter", "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high",
                             "assumption", "sources", "base_n"};
        for (size_t h = 0; h < 12; h++) sim_csv_str(&row, hdr[h]);
        sim_csv_end(&row);
        sim_rank *order = sim_calloc(K, sizeof *order);
        for (size_t s = first; s < nst; s++) {
            for (size_t k = 0; k < K; k++) order[k] = (sim_rank){k, ix[s * K + k].st};
            qsort(order, d.nunc, sizeof *order, sim_rank_desc); /* parameters by total effect; groups last */
            for (size_t kk = 0; kk < K; kk++) {
                size_t k = order[kk].k;
                const sidx *v = &ix[s * K + k];
                sim_csv_str(&row, labels[s]);
                if (k < d.nunc) {
                    const sim_param *pm = &inst.param[d.unc[k]];
                    char src[256];
                    param_sources(pm, src, sizeof src);
                    sim_csv_str(&row, "parameter");
                    sim_csv_str(&row, pm->name);
                    sim_csv_stat(&row, v->s1), sim_csv_stat(&row, v->s1lo), sim_csv_stat(&row, v->s1hi);
                    sim_csv_stat(&row, v->st), sim_csv_stat(&row, v->stlo), sim_csv_stat(&row, v->sthi);
                    sim_csv_str(&row, d.in_assumption[k] ? "yes" : "no");
                    sim_csv_str(&row, src);
                } else if (k == d.chance - 2) {
                    sim_csv_str(&row, "chance");
                    sim_csv_str(&row, chance_label);
                    sim_csv_stat(&row, v->s1), sim_csv_stat(&row, v->s1lo), sim_csv_stat(&row, v->s1hi);
                    sim_csv_stat(&row, v->st), sim_csv_stat(&row, v->stlo), sim_csv_stat(&row, v->sthi);
                    sim_csv_str(&row, "no");
                    sim_csv_str(&row, "");
                } else {
                    bool assum = k == d.nunc;
                    sim_csv_str(&row, "group");
                    sim_csv_str(&row, assum ? "all parameters resting on assumptions" : "all parameters backed by a source");
                    sim_csv_stat(&row, v->s1), sim_csv_stat(&row, v->s1lo), sim_csv_stat(&row, v->s1hi);
                    sim_csv_stat(&row, v->st), sim_csv_stat(&row, v->stlo), sim_csv_stat(&row, v->sthi);
                    sim_csv_str(&row, assum ? "yes" : "no");
                    sim_csv_str(&row, "");
                }
                sim_csv_int(&row, (long long)d.N);
                sim_csv_end(&row);
            }
        }
        b = row.buf;
        const char *names[] = {"sobol.csv"};
        int rc = sim_write_folder(outdir, o.c.force, &inst, 1, "sobol", command, seed, d.N,
                                  d.random_rows ? SOBOL_RANDOM_ROWS : SOBOL_SEQUENCE, names, &b, 1, &err);
        sim_buf_free(&b);
        if (rc == 0) {
            sim_checkpoint_remove(cp);
            if (!o.c.quiet) {
                char sn[32], sr[32], sb[32];
                sim_format_thousands((double)d.N, 0, sn, sizeof sn);
                sim_format_thousands((double)(d.N * d.M), 0, sr, sizeof sr);
                sim_format_thousands((double)boot, 0, sb, sizeof sb);
                printf("%s: Sobol indices, base sample %s, %s model runs, %s bootstrap resamples\n", inst.sc.name, sn,
                       sr, sb);
                for (size_t s = first; s < nst; s++) {
                    bool none = true;
                    for (size_t k = 0; k < K && none; k++) none = isnan(ix[s * K + k].s1) && isnan(ix[s * K + k].st);
                    if (none) {
                        char line[512];
                        sim_sobol_no_index(labels[s], line, sizeof line);
                        printf("\n%s\n%s\n", labels[s], line);
                        continue;
                    }
                    printf("\n%s\n%-44s %22s %22s\n", labels[s], "parameter", "first order S1", "total ST");
                    for (size_t k = 0; k < K; k++) order[k] = (sim_rank){k, ix[s * K + k].st};
                    qsort(order, d.nunc, sizeof *order, sim_rank_desc);
                    /* the parameters by total effect, then chance */
                    for (size_t kk = 0; kk <= d.nunc; kk++) {
                        const size_t k = kk < d.nunc ? order[kk].k : d.chance - 2;
                        const sidx *v = &ix[s * K + k];
                        char a[64], bb[64];
                        index_text(v->s1, v->s1lo, v->s1hi, a, sizeof a);
                        index_text(v->st, v->stlo, v->sthi, bb, sizeof bb);
                        printf("%-44s %22s %22s%s\n",
                               kk < d.nunc ? inst.param[d.unc[k]].name : chance_short, a, bb,
                               kk < d.nunc && d.in_assumption[k] ? "  *" : "");
                    }
                    if (d.ngroups) {
                        const sidx *ga = &ix[s * K + d.nunc], *gs = &ix[s * K + d.nunc + 1];
                        const double a[6] = {ga->s1, ga->s1lo, ga->s1hi, ga->st, ga->stlo, ga->sthi};
                        char line[2048];
                        const sidx *c = &ix[s * K + d.chance - 2];
                        const double ch[3] = {c->st, c->stlo, c->sthi};
                        sim_buf within;
                        sim_buf_init(&within);
                        sim_within_laws(&inst, &within);
                        sim_sobol_sentence(labels[s], a, gs->s1, gs->st, ch, within.s, line, sizeof line);
                        sim_buf_free(&within);
                        printf("%s\n", line);
                    }
                }
                printf("\nresults: %s/sobol.csv\n", outdir);
            }
            status = 0;
        }
        free(order), free(ix), free(f), free(labels);
    }
done:
    if (status) fprintf(stderr, "riskmc: %s\n", err.msg);
    free(y), free(command), free(outdir), free(cp);
    free(d.unc), free(d.in_assumption), free(d.q), free(d.median);
    sim_inst_close(&inst);
    sim_cli_free(&o.c);
    return status;
}
