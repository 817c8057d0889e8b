/* cmd_sweep.c - `riskmc sweep` (parameters on a 1-D or 2-D grid) and
 * `riskmc compare` (scenarios side by side), both with common random
 * numbers, so that differences between points are not noise. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "cli.h"
#include "cluster.h"
#include "progress.h"
#include "corr.h"
#include "design.h"
#include "outdir.h"
#include "stats.h"

/* ------------------------------------------------------------ sweep */

static const char SWEEP_USAGE[] =
    "usage: riskmc sweep SCENARIO --vary KEY=LO:HI:N [--vary KEY2=...] [options]\n"
    "\n"
    "Run the scenario at every point of a grid of parameter values, with common\n"
    "random numbers (trial k of every point draws the same chance), and write\n"
    "sweep.csv: one row per grid point with each output's mean, its Monte Carlo\n"
    "standard error and that of its difference from point 0 (paired trial by\n"
    "trial: far smaller), sd, p5, p50 (and its standard error), p95, and every\n"
    "threshold probability with the same two standard errors.\n"
    "\n"
    "  --vary KEY=LO:HI:N   N evenly spaced values from LO to HI (2 to 1000)\n"
    "  --vary KEY=V1,V2,... the values listed (two or more)\n"
    "                       KEY is a parameter as `riskmc show` names it, e.g.\n"
    "                       transfer.rate_per_day; one --vary gives a line, two a grid.\n"
    "                       The other uncertain parameters keep their laws.\n"
    "\n"
    "options:\n"
    "  -n, --trials N     trials per grid point (default 2000)\n"
    "  -s, --seed S       random seed, 0 to 9.2e18 (default: the scenario's)\n"
    "  -j, --threads N    threads (default: all cores); results do not depend on it\n"
    "  -o, --out DIR      results folder (default: results/<scenario name>-sweep)\n"
    "  -f, --force        replace an existing results folder\n"
    "      --resume       continue a killed run from its checkpoint\n"
    "      --set KEY=VAL  override a scenario key first (repeatable)\n"
    "      --sources CSV  sources registry (default: sources.csv beside the scenario)\n"
    "  -q, --quiet        no progress line and no table\n"
    "  -h, --help         this help\n";

/* Each scenario's own mean is over its trials with a value; the paired
 * difference over the trials where both have one (n), so with missing
 * values (an output such as first_escape_day) it need not equal the
 * difference of the two means. */
typedef struct pairacc {
    double sum, sumsq; /* of the paired differences, in trial order */
    sim_shiftvar var; /* of the differences: their variance without cancellation */
    double sum_a, sum_b;
    uint64_t n, n_a, n_b;
    uint64_t ndiff; /* pairs whose values differ */
} pairacc;

static void pair_add(pairacc *p, double a, double b)
{
    if (!isnan(a)) p->sum_a += a, p->n_a++;
    if (!isnan(b)) p->sum_b += b, p->n_b++;
    if (isnan(a) || isnan(b)) return;
    double d = b - a;
    p->sum += d;
    p->sumsq += d * d;
    sim_shiftvar_add(&p->var, d);
    p->n++;
    p->ndiff += d != 0;
}

static void pair_stats(const pairacc *p, double *ma, double *mb, double *diff, double *se)
{
    double n = (double)p->n;
    *ma = p->n_a ? p->sum_a / (double)p->n_a : NAN;
    *mb = p->n_b ? p->sum_b / (double)p->n_b : NAN;
    *diff = p->n ? p->sum / n : NAN;
    /* shifted by the first difference: sumsq - sum^2 / n would cancel to
     * rounding noise where every pair differs by the same real number (a
     * model without chance), whose standard error is exactly 0 */
    double var = sim_shiftvar_var(&p->var);
    *se = p->n > 1 ? sqrt(var > 0 ? var : 0) / sqrt(n) : NAN;
}

/* The 95% interval of a paired difference: Wald's for a mean; for a
 * probability (differences of indicators) Agresti and Min's (2005): a half
 * added to each cell of the paired 2 x 2 table, so that an interval does
 * not shrink to [0, 0] when no pair differs. *se is the one the interval
 * uses. */
static void pair_interval(const pairacc *p, bool prob, double *se, double *lo, double *hi)
{
    double ma, mb, d;
    pair_stats(p, &ma, &mb, &d, se);
    if (prob && p->n > 0) {
        const double n = (double)p->n, n21 = (p->sumsq + p->sum) / 2, n12 = (p->sumsq - p->sum) / 2;
        const double p21 = (n21 + 0.5) / (n + 2), p12 = (n12 + 0.5) / (n + 2), dt = p21 - p12;
        *se = sqrt((p21 + p12 - dt * dt) / (n + 2));
        *lo = fmax(-1, dt - 1.959963984540054 * *se);
        *hi = fmin(1, dt + 1.959963984540054 * *se);
        return;
    }
    *lo = d - 1.959963984540054 * *se;
    *hi = d + 1.959963984540054 * *se;
}

typedef struct axis {
    long param;
    char *key;
    double *v;
    size_t n;
} axis;

static int parse_vary(const sim_inst *inst, const char *arg, axis *ax, sim_err *err)
{
    const char *eq = strchr(arg, '=');
    if (!eq) return sim_errf(err, "--vary '%s': expected KEY=LO:HI:N or KEY=V1,V2,...", arg);
    ax->key = sim_strndup(arg, (size_t)(eq - arg));
    sim_trim(ax->key);
    ax->param = sim_param_arg(inst, ax->key, false, err);
    if (ax->param < 0) return sim_err_prefix(err, "--vary");
    const sim_param *p = &inst->param[ax->param];
    const char *spec = eq + 1, *why;
    if (strchr(spec, ':')) {
        double lo, hi;
        long long n;
        char a[64], b[64], c[64];
        if (sscanf(spec, "%63[^:]:%63[^:]:%63s", a, b, c) != 3 || sim_parse_real(sim_trim(a), &lo, &why) ||
            sim_parse_real(sim_trim(b), &hi, &why) || sim_parse_int(sim_trim(c), &n, &why))
            return sim_errf(err, "--vary %s: '%s' is not LO:HI:N (e.g. 0:250:6)", ax->key, spec);
        if (n < 2 || n > 1000)
            return sim_errf(err, "--vary %s: %lld point%s (allowed: 2 to 1000)", ax->key, n, n == 1 ? "" : "s");
        ax->n = (size_t)n;
        ax->v = sim_calloc(ax->n, sizeof *ax->v);
        /* the points between LO and HI to 6 significant digits, more only
         * where neighbours would merge or cross: 0:0.09:10 gives 0.06, not
         * 0.060000000000000005, and 1:2:4 gives 1.33333, not 1.33333333333
         * (in sweep.csv, the brief and the charts; the point runs the value
         * it is labelled with). LO and HI stay as written: 0:1234567:2 runs
         * 1234567, not 1234570. */
        for (int digits = 6; digits <= 17; digits++) {
            bool distinct = true;
            for (size_t i = 0; i < ax->n; i++) {
                char t[40];
                snprintf(t, sizeof t, "%.*g", digits, lo + (hi - lo) * (double)i / (double)(ax->n - 1));
                ax->v[i] = i == 0 ? lo : i + 1 == ax->n ? hi : strtod(t, NULL);
                distinct = distinct && (i == 0 || (hi > lo ? ax->v[i] > ax->v[i - 1] : ax->v[i] < ax->v[i - 1]));
            }
            if (distinct) break;
        }
    } else {
        char *copy = sim_strdup(spec);
        /* every item between commas, empty ones too (strsep): '1,,2' is a typo, not 1,2 */
        for (char *rest = copy, *t; (t = strsep(&rest, ","));) {
            double x;
            if (!*sim_trim(t)) {
                sim_errf(err, "--vary %s: '%s': empty value between commas (allowed: V1,V2,... with a number "
                              "in each place)", ax->key, spec);
                free(copy);
                return -1;
            }
            if (sim_parse_real(sim_trim(t), &x, &why) != 0) {
                sim_errf(err, "--vary %s: '%s': %s", ax->key, sim_trim(t), why);
                free(copy);
                return -1;
            }
            ax->v = sim_realloc(ax->v, (ax->n + 1) * sizeof *ax->v);
            ax->v[ax->n++] = x;
        }
        free(copy);
        if (ax->n < 2 || ax->n > 1000)
            return sim_errf(err, "--vary %s: %zu value%s (allowed: 2 to 1000; for one value, riskmc run --set %s=V)",
                            ax->key, ax->n, ax->n == 1 ? "" : "s", ax->key);
    }
    for (size_t i = 0; i < ax->n; i++) {
        double x = ax->v[i];
        if (!sim_domain_holds(p->domain, x))
            return sim_errf(err, "--vary %s: %g is out of range for this parameter (allowed: %s)", ax->key, x,
                            sim_domain_text(p->domain));
        ax->v[i] = sim_param_fix(p, x);
    }
    /* the sweep fixes the value at each point: its correlations cannot hold */
    if (inst->corr) {
        const size_t *idx;
        const size_t k = sim_corr_count(inst->corr, &idx);
        for (size_t i = 0; i < k; i++)
            if (idx[i] == (size_t)ax->param)
                fprintf(stderr, "riskmc sweep: note: %s is fixed at each point, so its [correlation] pairs do not "
                                "apply (the other parameters keep their laws and their correlations among "
                                "themselves)\n", ax->key);
    }
    /* a count rounds the grid: two values may become one point */
    for (size_t i = 1; i < ax->n; i++)
        for (size_t j = 0; j < i; j++)
            if (ax->v[i] == ax->v[j])
                return sim_errf(err, "--vary %s: %g appears twice in the grid (counts are whole numbers; allowed: "
                                     "distinct values, e.g. fewer points)", ax->key, ax->v[i]);
    return 0;
}

typedef struct sweepctx {
    const sim_inst *inst;
    uint64_t seed, per;
    axis *ax;
    size_t nax;
} sweepctx;

static void sweep_point(const sweepctx *c, size_t point, size_t *idx)
{
    if (c->nax == 1) idx[0] = point;
    else idx[0] = point / c->ax[1].n, idx[1] = point % c->ax[1].n;
}

static void sweep_theta(void *user, uint64_t i, double *theta, gsl_rng *r)
{
    const sweepctx *c = user;
    size_t point = (size_t)(i / c->per), idx[2];
    sim_inst_sample(c->inst, c->seed, i % c->per, r, theta);
    sweep_point(c, point, idx);
    for (size_t a = 0; a < c->nax; a++) theta[c->ax[a].param] = c->ax[a].v[idx[a]];
}

static void trial_key(void *user, uint64_t i, uint64_t *trial, uint64_t *inner)
{
    const sweepctx *c = user;
    *trial = i % c->per;
    *inner = 0;
}

/* Column name like mean(escaped) */
static void col(sim_csvrow *r, const char *stat, const char *name)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s(%s)", stat, name);
    sim_csv_str(r, buf);
}

static void thr_name(const sim_inst *inst, const sim_threshold *t, char *out, size_t n)
{
    char v[32];
    sim_format_num(t->value, v);
    snprintf(out, n, "%s>=%s", inst->out[t->output].name, v);
}

/* The numbers of one point's row: per output mean, se_mean, se_diff, sd,
 * p5, p50, se_p50, p95; per threshold P, se_P and se_diff_P. */
#define PER_OUTPUT 8
#define PER_THRESHOLD 3

static size_t point_width(const sim_inst *inst)
{
    return inst->nout * PER_OUTPUT + inst->nthr * PER_THRESHOLD;
}

/* Point 0's outputs by trial are kept, so that every point's difference
 * from point 0 gets a paired standard error: its trials come first in
 * every run, so they are all in ref before any other point's arrive. Up to
 * REF_MAX values (256 MiB); beyond, the se_diff columns are empty. */
#define REF_MAX ((size_t)1 << 25)

typedef struct sweepacc {
    sim_pointstats ps;
    const sim_inst *inst;
    double *ref;  /* [trial * nout + output] of point 0, or NULL */
    pairacc *pa;  /* [point of the chunk * (nout + nthr) + k]: (point 0, point) pairs */
    size_t p0;    /* the chunk's first point */
} sweepacc;

static int sweep_block(void *user, const sim_block *b, sim_err *err)
{
    sweepacc *s = user;
    if (sim_pointstats_block(&s->ps, b, err) != 0) return -1;
    if (!s->ref) return 0;
    const sim_inst *inst = s->inst;
    const size_t no = inst->nout, K = no + inst->nthr;
    for (size_t i = 0; i < b->n; i++) {
        const uint64_t d = b->first + i, k = d % s->ps.per;
        const size_t point = (size_t)(d / s->ps.per);
        const double *x = &b->out[i * no];
        double *r = &s->ref[k * no];
        if (point == 0) memcpy(r, x, no * sizeof *r);
        pairacc *pa = &s->pa[(point - s->p0) * K];
        for (size_t o = 0; o < no; o++) pair_add(&pa[o], r[o], x[o]);
        for (size_t t = 0; t < inst->nthr; t++) {
            const size_t o = inst->thr[t].output;
            const double v = inst->thr[t].value;
            pair_add(&pa[no + t], r[o] >= v, x[o] >= v);
        }
    }
    return 0;
}

/* A point's row numbers; pa (NULL without point 0's values) its pairs with
 * point 0. se_diff is the paired standard error of mean(O) here minus at
 * point 0, left empty for an output with missing values (then the paired
 * mean is not the difference of the means); se_diff_P is Agresti and Min's,
 * as compare's, and both are 0 at point 0 itself. */
static void point_stats(const sim_inst *inst, sim_acc *acc, const pairacc *pa, uint64_t per, bool first, double *v)
{
    double lo, hi;
    for (size_t o = 0; o < inst->nout; o++) {
        sim_acc *a = &acc[o];
        sim_summary s;
        sim_acc_summary(a, &s);
        double *w = &v[o * PER_OUTPUT];
        w[0] = s.mean, w[1] = s.mcse, w[3] = s.sd, w[4] = s.q[0], w[5] = s.q[2];
        w[6] = sim_acc_quantile_se(a, 0.5), w[7] = s.q[4];
        w[2] = NAN;
        if (first && a->missing == 0) w[2] = 0; /* point 0 less itself, with or without the pairs kept */
        else if (!first && pa && pa[o].n == per) pair_interval(&pa[o], false, &w[2], &lo, &hi);
    }
    for (size_t k = 0; k < inst->nthr; k++) {
        sim_acc *a = &acc[inst->thr[k].output];
        uint64_t n = sim_acc_n(a) + a->missing, h = sim_acc_count_ge(a, inst->thr[k].value);
        double pr = n ? (double)h / (double)n : NAN, *w = &v[inst->nout * PER_OUTPUT + k * PER_THRESHOLD];
        w[0] = pr;
        w[1] = n ? sqrt(pr * (1 - pr) / (double)n) : NAN;
        w[2] = NAN;
        if (first) w[2] = 0;
        else if (pa && pa[inst->nout + k].n) pair_interval(&pa[inst->nout + k], true, &w[2], &lo, &hi);
    }
}

static void sweep_csv(sim_buf *b, const sim_inst *inst, const sweepctx *c, size_t npoints, const double *stats)
{
    sim_csvrow r = {*b, 0};
    sim_csv_str(&r, "point");
    for (size_t a = 0; a < c->nax; a++) sim_csv_str(&r, c->ax[a].key);
    sim_csv_str(&r, "trials");
    for (size_t o = 0; o < inst->nout; o++) {
        const char *nm = inst->out[o].name;
        col(&r, "mean", nm), col(&r, "se_mean", nm), col(&r, "se_diff", nm), col(&r, "sd", nm), col(&r, "p5", nm);
        col(&r, "p50", nm), col(&r, "se_p50", nm), col(&r, "p95", nm);
    }
    for (size_t k = 0; k < inst->nthr; k++) {
        char t[160];
        thr_name(inst, &inst->thr[k], t, sizeof t);
        col(&r, "P", t), col(&r, "se_P", t), col(&r, "se_diff_P", t);
    }
    sim_csv_end(&r);
    const size_t W = point_width(inst);
    for (size_t p = 0; p < npoints; p++) {
        size_t idx[2];
        sweep_point(c, p, idx);
        sim_csv_int(&r, (long long)p);
        for (size_t a = 0; a < c->nax; a++) sim_csv_num(&r, c->ax[a].v[idx[a]]);
        sim_csv_int(&r, (long long)c->per);
        for (size_t k = 0; k < W; k++) sim_csv_stat(&r, stats[p * W + k]);
        sim_csv_end(&r);
    }
    *b = r.buf;
}

/* Run the points in chunks, keeping each finished point's row numbers and
 * a checkpoint of them. */
static int sweep_points(const sim_inst *inst, const sim_runcfg *base, const sweepctx *c, size_t npoints,
                        const char *cp, uint64_t fingerprint, bool resume, double *stats, sim_err *err)
{
    const size_t W = point_width(inst);
    uint64_t done = 0;
    if (resume) {
        sim_checkpoint ck;
        int r = sim_mpi_root() ? sim_checkpoint_load(&ck, cp, fingerprint, W, err) : 1;
        uint64_t st = (uint64_t)(r + 1);
        sim_mpi_bcast_u64(&st);
        if (st == 0) return -1;
        if (st == 1) return sim_errf(err, "--resume: no checkpoint at %s (nothing to resume: run without --resume)", cp);
        if (sim_mpi_root()) {
            done = ck.done < npoints ? ck.done : npoints;
            memcpy(stats, ck.data, done * W * sizeof *stats);
            sim_checkpoint_free(&ck);
        }
        sim_mpi_bcast_u64(&done);
        if (!sim_progress_quiet)
            fprintf(stderr, "resuming: %llu of %zu points already done\n", (unsigned long long)done, npoints);
    }
    /* point 0's values (on the rank that receives the trials); on resuming,
     * point 0 is run again for them */
    sweepacc sa = {.inst = inst};
    const size_t no = inst->nout, K = no + inst->nthr;
    const bool paired = c->per * no <= REF_MAX; /* the same on every rank */
    if (sim_mpi_root() && paired) sa.ref = sim_calloc(c->per * no + 1, sizeof *sa.ref);
    /* about 64k trials a chunk, whole points */
    size_t chunk = (size_t)(65536 / c->per);
    if (chunk < 1) chunk = 1;
    int rc = 0;
    /* one progress line over the whole sweep (point 0 run again on
     * resuming, for its values, is not counted) */
    sim_progress prog;
    sim_progress_start_from(&prog, base->progress, base->label, (uint64_t)npoints * c->per, done * c->per);
    for (size_t p0 = paired && done && done < npoints ? 0 : (size_t)done; p0 < npoints && rc == 0;) {
        const bool again = p0 < done; /* point 0, for its values only */
        size_t m = again ? 1 : npoints - p0 < chunk ? npoints - p0 : chunk;
        sim_pointstats_init(&sa.ps, inst, m, c->per, (uint64_t)p0 * c->per);
        sa.p0 = p0;
        sa.pa = sa.ref ? sim_calloc(m * K + 1, sizeof *sa.pa) : NULL;
        sim_runcfg cfg = *base;
        cfg.first = (uint64_t)p0 * c->per;
        cfg.n = (uint64_t)m * c->per;
        cfg.progress = false;
        cfg.overall = again ? NULL : &prog;
        cfg.overall_at = cfg.first;
        rc = sim_engine_run(inst, &cfg, NULL, sweep_block, &sa, err);
        if (rc == 0 && !again)
            for (size_t k = 0; k < m; k++)
                point_stats(inst, &sa.ps.acc[k * no], sa.pa ? &sa.pa[k * K] : NULL, c->per, p0 + k == 0,
                            &stats[(p0 + k) * W]);
        sim_pointstats_free(&sa.ps);
        free(sa.pa);
        p0 = again ? (size_t)done : p0 + m;
        if (rc == 0 && !again && p0 < npoints) rc = sim_checkpoint_save(cp, fingerprint, p0, W, stats, err);
    }
    sim_progress_end(&prog, rc == 0 ? (uint64_t)npoints * c->per : 0);
    free(sa.ref);
    return rc ? -1 : 0;
}

int sim_cmd_sweep(int argc, char **argv)
{
    static const struct option longopts[] = {SIM_COMMON_LONGOPTS, {"vary", required_argument, 0, OPT_VARY},
                                             {"resume", no_argument, 0, OPT_RESUME}, {0, 0, 0, 0}};
    sim_common c = {0};
    bool resume = false;
    const char *vary[2];
    size_t nvary = 0;
    sim_err err;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "n:s:j:o:qfh", longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(SWEEP_USAGE, stdout);
            sim_cli_free(&c);
            return 0;
        }
        if (opt == OPT_RESUME) {
            resume = true;
            continue;
        }
        if (opt == OPT_VARY) {
            if (nvary == 2) {
                fprintf(stderr, "riskmc sweep: at most two --vary (a line or a grid)\n");
                sim_cli_free(&c);
                return 2;
            }
            vary[nvary++] = optarg;
            continue;
        }
        int r = sim_cli_common(opt, optarg, &c, &err);
        if (r <= 0) {
            if (r < 0) fprintf(stderr, "riskmc sweep: %s\n", err.msg);
            else fputs("try 'riskmc sweep --help'\n", stderr);
            sim_cli_free(&c);
            return 2;
        }
    }
    if (optind != argc - 1 || nvary == 0) {
        fprintf(stderr, "riskmc sweep: expected one scenario and at least one --vary\n\n%s", SWEEP_USAGE);
        sim_cli_free(&c);
        return 2;
    }
    sim_inst inst;
    c.defer_notes = true; /* a note resting on a swept key may not hold at every point */
    if (sim_cli_open(&inst, argv[optind], &c, &err) != 0) {
        fprintf(stderr, "riskmc: %s\n", err.msg);
        sim_cli_free(&c);
        return 1;
    }
    axis ax[2] = {{0}};
    int status = 1;
    for (size_t a = 0; a < nvary; a++)
        if (parse_vary(&inst, vary[a], &ax[a], &err) != 0) goto out;
    if (nvary == 2 && ax[0].param == ax[1].param) {
        sim_errf(&err, "--vary: the same parameter twice (%s)", ax[0].key);
        goto out;
    }
    {
        const long swept[2] = {ax[0].param, nvary == 2 ? ax[1].param : -1};
        sim_cli_notes(&inst, swept, nvary);
    }
    {
        uint64_t per = c.has_trials ? c.trials : 2000, seed = c.has_seed ? c.seed : inst.seed;
        size_t npoints = ax[0].n * (nvary == 2 ? ax[1].n : 1);
        if ((double)per * (double)npoints > 2e9) {
            sim_errf(&err, "-n: %llu trials at %zu points is too many (allowed: at most 2,000,000,000 in all)",
                     (unsigned long long)per, npoints);
            goto out;
        }
        sweepctx sc = {&inst, seed, per, ax, nvary};
        double *stats = sim_calloc(npoints * point_width(&inst) + 1, sizeof *stats);
        sim_runcfg cfg = {0};
        cfg.seed = seed;
        cfg.n = per * npoints;
        cfg.threads = c.threads;
        cfg.progress = true;
        cfg.label = "sweep";
        cfg.theta = sweep_theta;
        cfg.theta_user = &sc;
        cfg.key = trial_key;
        cfg.key_user = &sc;
        sim_cli_signals();
        char *outdir = sim_cli_outdir(&c, &inst, "-sweep");
        char *cmd = sim_cli_command("sweep", argc, argv, "-n", per, seed);
        char *cp = sim_checkpoint_path(outdir);
        /* the swept keys took the grid's values, not their laws: a trial's
         * error and dictionary.csv say so */
        sim_buf vals[2];
        for (size_t a = 0; a < nvary; a++) {
            sim_buf_init(&vals[a]);
            for (size_t i = 0; i < ax[a].n; i++) {
                char v[32];
                sim_format_num(ax[a].v[i], v);
                sim_buf_printf(&vals[a], "%s%s", i ? ", " : "", v);
            }
            inst.param[ax[a].param].swept = vals[a].s;
        }
        int rc = sim_outdir_check(outdir, sim_outdir_mode(c.force), &err);
        if (rc == 0) rc = sim_checkpoint_fresh(cp, resume, c.force, &err);
        if (rc == 0) rc = sweep_points(&inst, &cfg, &sc, npoints, cp, sim_run_fingerprint(&inst, cmd), resume, stats, &err);
        if (rc == 0) {
            sim_buf b;
            sim_buf_init(&b);
            sweep_csv(&b, &inst, &sc, npoints, stats);
            const char *names[] = {"sweep.csv"};
            rc = sim_write_folder(outdir, c.force, &inst, 1, "sweep", cmd, seed, per, NULL, names, &b, 1, &err);
            sim_buf_free(&b);
            if (rc == 0) sim_checkpoint_remove(cp);
        }
        for (size_t a = 0; a < nvary; a++) {
            inst.param[ax[a].param].swept = NULL;
            sim_buf_free(&vals[a]);
        }
        free(cp);
        if (rc == 0 && !c.quiet) {
            printf("%s: %zu points x %llu trials, seed %llu, common random numbers\n\n", inst.sc.name, npoints,
                   (unsigned long long)per, (unsigned long long)seed);
            printf("%-8s", "point");
            for (size_t a = 0; a < nvary; a++) printf(" %24s", ax[a].key);
            size_t shown = 0;
            for (size_t o = 0; o < inst.nout && shown < 4; o++)
                if (inst.out[o].show == SIM_SHOW_CHART) printf(" %22s", inst.out[o].name), shown++;
            printf("\n");
            for (size_t p = 0; p < npoints; p++) {
                size_t idx[2];
                sweep_point(&sc, p, idx);
                printf("%-8zu", p);
                for (size_t a = 0; a < nvary; a++) printf(" %24g", ax[a].v[idx[a]]);
                shown = 0;
                for (size_t o = 0; o < inst.nout && shown < 4; o++) {
                    if (inst.out[o].show != SIM_SHOW_CHART) continue;
                    const double *w = &stats[p * point_width(&inst) + o * PER_OUTPUT];
                    char m[40], se[40], cell[90];
                    /* rounded as the brief rounds them */
                    sim_format_readable(w[0], m, sizeof m);
                    /* ± is a 95% interval, as compare's and tornado's */
                    sim_format_readable(1.959963984540054 * w[1], se, sizeof se);
                    snprintf(cell, sizeof cell, "%s ± %s", m, se);
                    printf(" %23s", cell);
                    shown++;
                }
                printf("\n");
            }
            printf("\n(mean ± 1.96 Monte Carlo standard errors: a 95%% interval of each point's own mean; whether two "
                   "points differ: se_diff in sweep.csv, paired)\nresults: %s/sweep.csv\n", outdir);
        }
        free(stats);
        free(outdir);
        free(cmd);
        if (rc == 0) status = 0;
    }
out:
    if (status) fprintf(stderr, "riskmc: %s\n", err.msg);
    for (size_t a = 0; a < 2; a++) free(ax[a].key), free(ax[a].v);
    sim_inst_close(&inst);
    sim_cli_free(&c);
    return status;
}

/* ------------------------------------------------------------ compare */

static const char COMPARE_USAGE[] =
    "usage: riskmc compare A.ini B.ini [C.ini ...] [options]\n"
    "\n"
    "Run scenarios with common random numbers (trial k of each draws the same\n"
    "chance wherever the scenarios agree) and report each output's difference\n"
    "from the first scenario: the mean difference over paired trials with a 95%\n"
    "interval, and the same for every threshold probability of the first\n"
    "scenario. A note names the outputs and thresholds left without a pair\n"
    "(another scenario's that the first lacks; the first's that another lacks).\n"
    "Writes compare.csv.\n"
    "\n"
    "options:\n"
    "  -n, --trials N     trials per scenario (default: the first scenario's)\n"
    "  -s, --seed S       random seed, 0 to 9.2e18 (default: the first scenario's)\n"
    "  -j, --threads N    threads (default: all cores); results do not depend on it\n"
    "  -o, --out DIR      results folder (default: results/compare-<first scenario>)\n"
    "  -f, --force        replace an existing results folder\n"
    "      --set KEY=VAL  override a key of every scenario, e.g. --set transfer.rate_per_day=0\n"
    "                     (repeatable)\n"
    "      --sources CSV  sources registry for every scenario (default: sources.csv beside each)\n"
    "  -q, --quiet        no progress line and no table\n"
    "  -h, --help         this help\n";

#define CHUNK 32768 /* trials per scenario held at once */

/* Keep every output of the trials of a chunk, in trial order. */
typedef struct keep {
    double *dst;
    size_t nout;
    uint64_t first;
} keep;

static int keep_block(void *user, const sim_block *b, sim_err *err)
{
    (void)err;
    keep *k = user;
    memcpy(&k->dst[(b->first - k->first) * k->nout], b->out, b->n * k->nout * sizeof *b->out);
    return 0;
}

/* A --set applies to every scenario of a comparison alike: one that opens
 * a section in some scenarios while others have it would put back what a
 * scenario leaves out (a period it removes) and reverse its meaning. A key
 * added where the section is there (a period's open end, a default) is as
 * the others have it. */
static bool has_section(const sim_scenario *sc, const char *section)
{
    /* a key there that no --set wrote (a section of comments only has none) */
    for (size_t k = 0; k < sc->n; k++)
        if (strcmp(sc->e[k].section, section) == 0 && strcmp(sc->e[k].file, "--set") != 0) return true;
    return false;
}

static int set_adds_unevenly(const sim_inst *inst, int ns, sim_err *err)
{
    for (size_t i = 0; i < inst[0].sc.n; i++) {
        const sim_entry *e = &inst[0].sc.e[i];
        if (strcmp(e->file, "--set") != 0 || strcmp(e->section, "scenario") == 0) continue;
        int lacks = -1, has = -1; /* a scenario the --set opens the section in, one that has it */
        for (int s = 0; s < ns; s++) {
            if (has_section(&inst[s].sc, e->section)) has = has < 0 ? s : has;
            else lacks = lacks < 0 ? s : lacks;
        }
        if (lacks >= 0 && has >= 0)
            return sim_errf(err,
                            "--set %s: %s has no [%s] (%s has): a --set changes every compared scenario alike, "
                            "and would here add to %s what it leaves out (allowed: a section that every scenario "
                            "has, or none has; or a scenario file that says what differs)",
                            e->full, inst[lacks].sc.name, e->section, inst[has].sc.name, inst[lacks].sc.name);
    }
    return 0;
}

/* Whether inst has a threshold on output `name` at `value`. */
static bool has_threshold(const sim_inst *inst, const char *name, double value)
{
    for (size_t t = 0; t < inst->nthr; t++)
        if (inst->thr[t].value == value && strcmp(inst->out[inst->thr[t].output].name, name) == 0) return true;
    return false;
}

/* "output X, thresholds P(X >= 1), P(Y >= 2)": the outputs of `from` that
 * `other` lacks, and the thresholds of `from` on them or (with `all_thr`)
 * that `other` does not set; appended to out with `lead` before them, if
 * there is any. */
static void lacked(const sim_inst *from, const sim_inst *other, bool all_thr, const char *lead, sim_buf *out)
{
    sim_buf outs, thrs;
    sim_buf_init(&outs);
    sim_buf_init(&thrs);
    size_t no = 0, nt = 0;
    for (size_t o = 0; o < from->nout; o++)
        if (sim_inst_find_output(other, from->out[o].name) < 0)
            sim_buf_printf(&outs, "%s%s", no++ ? ", " : "", from->out[o].name);
    for (size_t t = 0; t < from->nthr; t++) {
        const char *name = from->out[from->thr[t].output].name;
        if (sim_inst_find_output(other, name) >= 0 && (!all_thr || has_threshold(other, name, from->thr[t].value)))
            continue;
        char v[32];
        sim_format_num(from->thr[t].value, v);
        sim_buf_printf(&thrs, "%sP(%s >= %s)", nt++ ? ", " : "", name, v);
    }
    if (no + nt)
        sim_buf_printf(out, "%s%s%s%s%s%s", lead, no ? (no > 1 ? "outputs " : "output ") : "", no ? outs.s : "",
                       no && nt ? ", " : "", nt ? (nt > 1 ? "thresholds " : "threshold ") : "", nt ? thrs.s : "");
    sim_buf_free(&outs);
    sim_buf_free(&thrs);
}

/* What compare.csv leaves out, as it pairs the first scenario's outputs and
 * thresholds where the other scenario has the output: another scenario's
 * outputs and thresholds the first lacks (a destination only it lists, a
 * threshold only it sets), and the first's outputs another lacks. One
 * clause per scenario and direction, "; " between; empty when none. */
static void left_out(const sim_inst *inst, int ns, sim_buf *out)
{
    for (int s = 1; s < ns; s++) {
        char *lead = sim_asprintf("%s%s has what %s (the first) lacks: ", out->len ? "; " : "", inst[s].sc.name,
                                  inst[0].sc.name);
        lacked(&inst[s], &inst[0], true, lead, out);
        free(lead);
        lead = sim_asprintf("%s%s lacks what %s (the first) has: ", out->len ? "; " : "", inst[s].sc.name,
                            inst[0].sc.name);
        lacked(&inst[0], &inst[s], false, lead, out);
        free(lead);
    }
}

int sim_cmd_compare(int argc, char **argv)
{
    static const struct option longopts[] = {SIM_COMMON_LONGOPTS, {0, 0, 0, 0}};
    sim_common c = {0};
    sim_err err;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "n:s:j:o:qfh", longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(COMPARE_USAGE, stdout);
            sim_cli_free(&c);
            return 0;
        }
        int r = sim_cli_common(opt, optarg, &c, &err);
        if (r <= 0) {
            if (r < 0) fprintf(stderr, "riskmc compare: %s\n", err.msg);
            else fputs("try 'riskmc compare --help'\n", stderr);
            sim_cli_free(&c);
            return 2;
        }
    }
    int ns = argc - optind;
    if (ns < 2) {
        fprintf(stderr, "riskmc compare: expected two or more scenarios\n\n%s", COMPARE_USAGE);
        sim_cli_free(&c);
        return 2;
    }
    sim_inst *inst = sim_calloc((size_t)ns, sizeof *inst);
    int opened = 0, status = 1;
    for (; opened < ns; opened++)
        if (sim_cli_open(&inst[opened], argv[optind + opened], &c, &err) != 0) goto out;
    for (int s = 1; s < ns; s++)
        if (strcmp(inst[s].model->name, inst[0].model->name) != 0) {
            sim_errf(&err,
                     "%s: model %s, but %s uses model %s (allowed: scenarios of one model, whose trials "
                     "compare pairwise)",
                     argv[optind + s], inst[s].model->name, argv[optind], inst[0].model->name);
            goto out;
        }
    if (set_adds_unevenly(inst, ns, &err) != 0) goto out;
    /* rows are labelled by scenario name: a name given again is numbered
     * (from the last, so that the earlier names are still as written) */
    for (int s = ns - 1; s > 0; s--) {
        int seen = 1;
        for (int t = 0; t < s; t++) seen += strcmp(inst[t].sc.name, inst[s].sc.name) == 0;
        if (seen > 1) {
            char *nm = sim_asprintf("%s#%d", inst[s].sc.name, seen);
            free(inst[s].sc.name);
            inst[s].sc.name = nm;
        }
    }
    /* scenarios over other days: their differences mix the change with the
     * calendar, which a reader of the differences should know */
    for (int s = 1; s < ns && sim_mpi_root(); s++)
        if (inst[s].horizon && inst[0].horizon &&
            (inst[s].start_date != inst[0].start_date || inst[s].horizon != inst[0].horizon)) {
            char d0[11], d1[11];
            sim_format_date(inst[0].start_date, d0);
            sim_format_date(inst[s].start_date, d1);
            fprintf(stderr,
                    "riskmc compare: note: %s simulates %d days from %s, %s %d days from %s: their differences "
                    "also compare other periods\n",
                    inst[s].sc.name, inst[s].horizon, d1, inst[0].sc.name, inst[0].horizon, d0);
        }
    /* outputs and thresholds without a pair: said, not silently dropped */
    sim_buf lost;
    sim_buf_init(&lost);
    left_out(inst, ns, &lost);
    if (lost.len && sim_mpi_root())
        fprintf(stderr, "riskmc compare: note: left out of compare.csv, which pairs the first scenario's outputs and "
                        "thresholds where the other scenario has the output: %s\n",
                lost.s);
    sim_buf ex; /* the manifest's [run] lines of a comparison */
    sim_buf_init(&ex);
    if (lost.len)
        sim_buf_printf(&ex, "; left_out: outputs and thresholds compare.csv has no rows for, as it pairs the first "
                            "scenario's where the other scenario has the output\nleft_out = %s\n", lost.s);
    /* each scenario's question, for the brief: only the first's scenario is
     * written out below */
    sim_buf_puts(&ex, "; question.K: the question of the K-th scenario (of scenarios), as its file asks it\n");
    for (int s = 0; s < ns; s++)
        if (inst[s].question && *inst[s].question) sim_buf_printf(&ex, "question.%d = %s\n", s + 1, inst[s].question);
    char *extra = sim_buf_take(&ex);
    sim_buf_free(&lost);
    {
        const sim_inst *a = &inst[0];
        uint64_t n = c.has_trials ? c.trials : a->trials, seed = c.has_seed ? c.seed : a->seed;
        char *outdir = c.out ? sim_strdup(c.out) : sim_asprintf("results/compare-%s", a->sc.name);
        if (sim_outdir_check(outdir, sim_outdir_mode(c.force), &err) != 0) {
            free(outdir);
            free(extra);
            goto out;
        }
        /* statistics: each output's mean, then each threshold probability of
         * the first scenario; column of each in every scenario */
        size_t nstat = a->nout + a->nthr;
        long *col = sim_calloc((size_t)ns * nstat, sizeof *col);
        for (int s = 0; s < ns; s++)
            for (size_t k = 0; k < nstat; k++) {
                size_t o = k < a->nout ? k : a->thr[k - a->nout].output;
                col[(size_t)s * nstat + k] = sim_inst_find_output(&inst[s], a->out[o].name);
            }
        pairacc *pa = sim_calloc((size_t)ns * nstat, sizeof *pa);
        double **out = sim_calloc((size_t)ns, sizeof *out);
        for (int s = 0; s < ns; s++) out[s] = sim_calloc((size_t)CHUNK * inst[s].nout + 1, sizeof *out[s]);
        sim_cli_signals();
        int rc = 0;
        /* one progress line over every scenario's trials */
        sim_progress prog;
        sim_progress_start(&prog, true, "compare", n * (uint64_t)ns);
        /* chunk by chunk, every scenario on the same trials, so memory does
         * not grow with the trial count */
        for (uint64_t k0 = 0; k0 < n && rc == 0; k0 += CHUNK) {
            uint64_t m = n - k0 < CHUNK ? n - k0 : CHUNK;
            for (int s = 0; s < ns && rc == 0; s++) {
                sim_runcfg cfg = {0};
                cfg.seed = seed;
                cfg.first = k0;
                cfg.n = m;
                cfg.threads = c.threads;
                cfg.overall = &prog;
                cfg.overall_at = k0 * (uint64_t)ns + (uint64_t)s * m;
                keep kp = {out[s], inst[s].nout, k0};
                rc = sim_engine_run(&inst[s], &cfg, NULL, keep_block, &kp, &err);
            }
            for (uint64_t i = 0; i < m && rc == 0; i++)
                for (int s = 0; s < ns; s++)
                    for (size_t k = 0; k < nstat; k++) {
                        long cs = col[(size_t)s * nstat + k], c0 = col[k];
                        if (cs < 0) continue;
                        double ya = out[0][i * a->nout + (size_t)c0], yb = out[s][i * inst[s].nout + (size_t)cs];
                        if (k >= a->nout) { /* a threshold: compare indicators */
                            double x = a->thr[k - a->nout].value;
                            ya = isnan(ya) ? 0 : ya >= x, yb = isnan(yb) ? 0 : yb >= x;
                        }
                        pair_add(&pa[(size_t)s * nstat + k], ya, yb);
                    }
        }
        sim_progress_end(&prog, rc == 0 ? n * (uint64_t)ns : 0);
        if (rc == 0) {
            sim_buf b;
            sim_buf_init(&b);
            sim_csvrow r = {b, 0};
            const char *hdr[] = {"scenario", "output", "statistic", "value", "first_value", "difference",
                                 "se", "low95", "high95", "trials", "pairs_differing", "threshold"};
            for (size_t h = 0; h < sizeof hdr / sizeof *hdr; h++) sim_csv_str(&r, hdr[h]);
            sim_csv_end(&r);
            for (int s = 0; s < ns; s++)
                for (size_t k = 0; k < nstat; k++) {
                    const pairacc *p = &pa[(size_t)s * nstat + k];
                    if (col[(size_t)s * nstat + k] < 0) continue;
                    double ma, mb, d, se, lo, hi;
                    pair_stats(p, &ma, &mb, &d, &se);
                    pair_interval(p, k >= a->nout, &se, &lo, &hi);
                    size_t o = k < a->nout ? k : a->thr[k - a->nout].output;
                    char st[64] = "mean";
                    if (k >= a->nout) {
                        char v[32];
                        sim_format_num(a->thr[k - a->nout].value, v);
                        snprintf(st, sizeof st, "P(>=%s)", v);
                    }
                    sim_csv_str(&r, inst[s].sc.name);
                    sim_csv_str(&r, a->out[o].name);
                    sim_csv_str(&r, st);
                    /* the first scenario less itself: 0, or nothing over no trials with a value */
                    const double self = p->n ? 0 : NAN;
                    sim_csv_stat(&r, mb), sim_csv_stat(&r, ma), sim_csv_stat(&r, s ? d : self);
                    sim_csv_stat(&r, s ? se : self), sim_csv_stat(&r, s ? lo : self);
                    sim_csv_stat(&r, s ? hi : self);
                    sim_csv_int(&r, (long long)p->n);
                    sim_csv_int(&r, (long long)p->ndiff);
                    sim_csv_num(&r, k >= a->nout ? a->thr[k - a->nout].value : NAN);
                    sim_csv_end(&r);
                }
            b = r.buf;
            char *cmd = sim_cli_command("compare", argc, argv, "-n", n, seed);
            const char *names[] = {"compare.csv"};
            rc = sim_write_folder(outdir, c.force, a, (size_t)ns, "compare", cmd, seed, n, extra, names, &b, 1,
                                  &err);
            if (rc == 0 && !c.quiet) {
                char nt[32];
                sim_format_thousands((double)n, 0, nt, sizeof nt);
                printf("difference from %s (paired over %s trials, seed %llu; 95%% interval)\n\n", a->sc.name, nt,
                       (unsigned long long)seed);
                /* a block per scenario, so that the lines stay narrow however
                 * many scenarios there are */
                for (int s = 1; s < ns; s++) {
                    printf("%s%s\n", s > 1 ? "\n" : "", inst[s].sc.name);
                    for (size_t k = 0; k < nstat; k++) {
                        size_t o = k < a->nout ? k : a->thr[k - a->nout].output;
                        if (k < a->nout && a->out[o].show != SIM_SHOW_CHART) continue;
                        char lab[200];
                        if (k < a->nout) snprintf(lab, sizeof lab, "mean %s", a->out[o].name);
                        else {
                            char v[40];
                            sim_format_exact(a->thr[k - a->nout].value, v, sizeof v);
                            snprintf(lab, sizeof lab, "P(%s >= %s)", a->out[o].name, v);
                        }
                        double ma, mb, d, se, lo, hi;
                        pair_stats(&pa[(size_t)s * nstat + k], &ma, &mb, &d, &se);
                        pair_interval(&pa[(size_t)s * nstat + k], k >= a->nout, &se, &lo, &hi);
                        char cell[160];
                        if (k < a->nout) {
                            char x[40], y[40];
                            /* rounded as the brief rounds them */
                            sim_format_readable(d, x, sizeof x);
                            sim_format_readable(1.96 * se, y, sizeof y);
                            snprintf(cell, sizeof cell, "%s%s ± %s", d > 0 ? "+" : "", x, y);
                        } else {
                            /* points to 2 decimals under 1 (so that a small interval's ends do not
                             * round onto 0 or each other), else 1; exact 0 as 0 */
                            char x[3][16];
                            const double v[3] = {d, lo, hi};
                            int dec = 1;
                            for (int q = 0; q < 3; q++) dec = fabs(100 * v[q]) < 1 && v[q] != 0 ? 2 : dec;
                            for (int q = 0; q < 3; q++)
                                if (v[q] == 0) snprintf(x[q], sizeof x[q], "0");
                                else snprintf(x[q], sizeof x[q], "%+.*f", dec, 100 * v[q]);
                            snprintf(cell, sizeof cell, "%s pts [%s, %s]", x[0], x[1], x[2]);
                        }
                        printf("  %-34s %s\n", lab, cell);
                    }
                }
                printf("\nresults: %s/compare.csv\n", outdir);
            }
            free(cmd);
            sim_buf_free(&b);
        }
        free(outdir);
        free(extra);
        for (int s = 0; s < ns; s++) free(out[s]);
        free(out);
        free(pa);
        free(col);
        if (rc == 0) status = 0;
    }
out:
    if (status) fprintf(stderr, "riskmc: %s\n", err.msg);
    for (int s = 0; s < opened; s++) sim_inst_close(&inst[s]);
    free(inst);
    sim_cli_free(&c);
    return status;
}
