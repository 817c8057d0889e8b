/* design.c - see design.h. */
#define _GNU_SOURCE
#include "design.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "progress.h"

#include "checkpoint.h"
#include "cluster.h"
#include "outdir.h"
#include "rundir.h"

double sim_param_at(const sim_param *p, double u)
{
    if (!p->uncertain) return sim_param_fix(p, sim_dist_mean(p->dist));
    return sim_param_fix(p, sim_dist_quantile(p->dist, u));
}

void sim_theta_medians(const sim_inst *inst, double *theta)
{
    for (size_t i = 0; i < inst->nparam; i++) theta[i] = sim_param_at(&inst->param[i], 0.5);
}

static int name_error(const char *what, const char *name, const char **cands, size_t n, sim_err *err)
{
    sim_buf all;
    sim_buf_init(&all);
    for (size_t i = 0; i < n; i++) sim_buf_printf(&all, "%s%s", i ? ", " : "", cands[i]);
    const char *sug = sim_suggest(name, cands, n);
    sim_errf(err, "unknown %s '%s' (%s%s%sallowed: %s)", what, name, sug ? "did you mean '" : "", sug ? sug : "",
             sug ? "'?; " : "", all.s ? all.s : "none");
    sim_buf_free(&all);
    return -1;
}

long sim_output_arg(const sim_inst *inst, const char *name, sim_err *err)
{
    long o = sim_inst_find_output(inst, name);
    if (o >= 0) return o;
    const char **c = sim_malloc((inst->nout + 1) * sizeof *c);
    for (size_t i = 0; i < inst->nout; i++) c[i] = inst->out[i].name;
    name_error("output", name, c, inst->nout, err);
    free(c);
    return -1;
}

long sim_param_arg(const sim_inst *inst, const char *name, bool uncertain_only, sim_err *err)
{
    long p = sim_inst_find_param(inst, name);
    if (p >= 0 && (!uncertain_only || inst->param[p].uncertain)) return p;
    const char **c = sim_malloc((inst->nparam + 1) * sizeof *c);
    size_t n = 0;
    for (size_t i = 0; i < inst->nparam; i++)
        if (!uncertain_only || inst->param[i].uncertain) c[n++] = inst->param[i].name;
    const sim_entry *e = sim_sc_full(&inst->sc, name);
    const sim_keyspec *parts[3];
    sim_schema schema;
    sim_schema_for(inst->model, &schema, parts);
    if (p >= 0) sim_errf(err, "'%s' is a fixed value, not a distribution (allowed: uncertain parameters)", name);
    else if (e && e->spec && (e->spec->flags & SIM_K_CHANCE)) /* even a fixed one: drawn per use, not a parameter */
        sim_errf(err, "'%s' is drawn afresh at each use within a trial (for each event), not once per trial, so no "
                      "design can vary it (allowed: compare scenarios that set it, e.g. riskmc compare A.ini B.ini, or "
                      "run with --set '%s=VALUE [SOURCE or assumption]')",
                 name, name);
    else if (e && e->spec && e->spec->type != SIM_T_DIST) {
        /* a date, a whole number, a list or a map: set in the scenario, but not
         * a parameter, which is a number or a law sampled once per trial */
        static const char *const tname[] = {
            [SIM_T_STRING] = "text", [SIM_T_INT] = "a whole number", [SIM_T_BOOL] = "a yes/no",
            [SIM_T_DATE] = "a date", [SIM_T_NAMES] = "a list", [SIM_T_MAP] = "a map",
            [SIM_T_NUMBERS] = "a list of numbers", [SIM_T_NUMBER] = "a number", [SIM_T_PATH] = "a file name",
        };
        sim_errf(err, "'%s' is %s, a setting of the scenario, not a parameter (a number or a law), so no design "
                      "can vary it (allowed: compare scenarios that set it, e.g. riskmc compare A.ini B.ini, or run "
                      "with --set '%s=VALUE [SOURCE or assumption]')",
                 name, tname[e->spec->type], name);
    }
    else if (!e && sim_schema_knows(&schema, name))
        sim_errf(err, "'%s' is not set in the scenario (allowed: set it first, with --set '%s=VALUE [SOURCE or "
                      "assumption]' or in the file)",
                 name, name);
    else name_error(uncertain_only ? "uncertain parameter" : "parameter", name, c, n, err);
    free(c);
    return -1;
}

void sim_pointstats_init(sim_pointstats *ps, const sim_inst *inst, size_t npoints, uint64_t per, uint64_t first)
{
    ps->npoints = npoints;
    ps->nout = inst->nout;
    ps->per = per;
    ps->first = first;
    ps->acc = sim_calloc(npoints * inst->nout + 1, sizeof *ps->acc);
    for (size_t p = 0; p < npoints; p++)
        for (size_t o = 0; o < inst->nout; o++) sim_acc_init_output(&ps->acc[p * inst->nout + o], inst, o);
}

void sim_pointstats_free(sim_pointstats *ps)
{
    for (size_t i = 0; i < ps->npoints * ps->nout; i++) sim_acc_free(&ps->acc[i]);
    free(ps->acc);
    memset(ps, 0, sizeof *ps);
}

int sim_pointstats_block(void *user, const sim_block *b, sim_err *err)
{
    (void)err;
    sim_pointstats *ps = user;
    for (size_t i = 0; i < b->n; i++) {
        size_t p = (size_t)((b->first + i - ps->first) / ps->per);
        for (size_t o = 0; o < ps->nout; o++) sim_acc_add(&ps->acc[p * ps->nout + o], b->out[i * ps->nout + o]);
    }
    return 0;
}

int sim_gather_block(void *user, const sim_block *b, sim_err *err)
{
    (void)err;
    sim_gather *g = user;
    for (size_t i = 0; i < b->n; i++) g->y[b->first + i - g->first] = b->out[i * g->nout + g->output];
    return 0;
}

int sim_write_folder(const char *path, bool force, const sim_inst *inst, size_t ninst, const char *kind,
                     const char *command, uint64_t seed, uint64_t trials, const char *run_extra,
                     const char *const *names, const sim_buf *bufs, size_t n, sim_err *err)
{
    sim_outdir od;
    if (sim_outdir_begin(&od, path, sim_outdir_mode(force), err) != 0) return -1;
    int rc = 0;
    sim_buf files;
    sim_buf_init(&files);
    for (size_t i = 0; i < n && rc == 0; i++) {
        rc = sim_outdir_write(&od, names[i], &bufs[i], err);
        sim_buf_printf(&files, "%s, ", names[i]);
    }
    sim_buf extra;
    sim_buf_init(&extra);
    if (rc == 0) {
        sim_write_dictionary(&extra, inst, ninst, SIM_DICT_NONE);
        rc = sim_outdir_write(&od, "dictionary.csv", &extra, err);
        sim_buf_clear(&extra);
        sim_write_sources_used(&extra, inst, ninst);
        if (rc == 0) rc = sim_outdir_write(&od, "sources.csv", &extra, err);
        sim_buf_clear(&extra);
        sim_buf_puts(&files, "dictionary.csv, sources.csv, manifest.ini");
        sim_runinfo ri = {command, kind, seed, trials, files.s, run_extra, ninst};
        sim_write_manifest(&extra, inst, &ri);
        if (rc == 0) rc = sim_outdir_write(&od, "manifest.ini", &extra, err);
    }
    sim_buf_free(&extra);
    sim_buf_free(&files);
    if (rc == 0) rc = sim_outdir_commit(&od, err);
    if (rc != 0 && od.tmp) sim_outdir_abort(&od);
    return rc;
}

typedef struct gatherctx {
    double *y;
    const size_t *cols;
    size_t ncols, nout;
} gatherctx;

static int gather_cols(void *user, const sim_block *b, sim_err *err)
{
    (void)err;
    gatherctx *g = user;
    for (size_t i = 0; i < b->n; i++)
        for (size_t k = 0; k < g->ncols; k++) g->y[(b->first + i) * g->ncols + k] = b->out[i * g->nout + g->cols[k]];
    return 0;
}

int sim_design_gather(const sim_designrun *d, double **y, sim_err *err)
{
    *y = sim_calloc(d->total * d->ncols + 1, sizeof **y);
    uint64_t done = 0;
    int rc = 0;
    if (d->checkpoint && d->resume) {
        sim_checkpoint cp;
        /* rank 0 reads the checkpoint; every rank learns how far it got */
        int r = sim_mpi_root() ? sim_checkpoint_load(&cp, d->checkpoint, d->fingerprint, d->ncols, err) : 1;
        uint64_t st = (uint64_t)(r + 1);
        sim_mpi_bcast_u64(&st);
        r = (int)st - 1;
        if (!sim_mpi_root()) {
            memset(&cp, 0, sizeof cp);
            cp.done = 0;
        }
        if (r < 0) rc = -1;
        else if (r == 0)
            rc = sim_errf(err, "--resume: no checkpoint at %s (nothing to resume: run without --resume)",
                          d->checkpoint);
        else {
            done = cp.done < d->total ? cp.done : d->total;
            sim_mpi_bcast_u64(&done);
            if (sim_mpi_root()) memcpy(*y, cp.data, done * d->ncols * sizeof **y);
            sim_checkpoint_free(&cp);
            if (!sim_progress_quiet)
                fprintf(stderr, "resuming: %llu of %llu design points already done\n", (unsigned long long)done,
                        (unsigned long long)d->total);
        }
    }
    gatherctx g = {*y, d->cols, d->ncols, d->inst->nout};
    /* one progress line over the whole design, not one per hand-out (each
     * may be too short to show one: sobol hands out 5,888 rows at a time) */
    sim_progress prog;
    sim_progress_start_from(&prog, d->cfg.progress && rc == 0, d->cfg.label, d->total, done);
    for (uint64_t k0 = done; k0 < d->total && rc == 0; k0 += d->chunk) {
        sim_runcfg cfg = d->cfg;
        cfg.first = k0;
        cfg.n = d->total - k0 < d->chunk ? d->total - k0 : d->chunk;
        cfg.overall = &prog;
        cfg.overall_at = k0;
        rc = sim_engine_run(d->inst, &cfg, NULL, gather_cols, &g, err);
        if (rc == 0 && d->checkpoint && k0 + cfg.n < d->total)
            rc = sim_checkpoint_save(d->checkpoint, d->fingerprint, k0 + cfg.n, d->ncols, *y, err);
    }
    sim_progress_end(&prog, rc == 0 ? d->total : 0);
    if (rc != 0) {
        /* the caller frees *y whatever happened: leave nothing to free twice */
        free(*y);
        *y = NULL;
        return -1;
    }
    return 0;
}

uint64_t sim_run_fingerprint(const sim_inst *inst, const char *command)
{
    sim_buf b;
    sim_buf_init(&b);
    sim_buf_puts(&b, command);
    sim_write_resolved(&b, inst, NULL);
    uint64_t h = sim_hash64(b.s);
    sim_buf_free(&b);
    return h;
}

/* A share in percent: 1 decimal below 10%; an estimate above 100% reads as
 * all, one below 0 as none (a share lies in [0, 100%]; sampling noise can
 * carry an estimate past either end). */
static void share_text(double x, char *out, size_t n)
{
    x *= 100;
    if (x > 100) snprintf(out, n, "all (estimate %.0f%%, above 100%% by sampling noise)", x);
    else if (x < 0) snprintf(out, n, "none (estimate %.1f%%, below 0 by sampling noise)", x);
    else if (x < 10) snprintf(out, n, "%.1f%%", x);
    else snprintf(out, n, "%.0f%%", x);
}

/* An interval's bound, clipped to the [0, 100%] a share lies in. */
static void bound_text(double x, char *out, size_t n)
{
    share_text(isnan(x) ? x : fmin(1, fmax(0, x)), out, n);
}

bool sim_oat_mostly_flat(const char *stat, size_t flat, size_t n)
{
    return strncmp(stat, "P(", 2) == 0 && n > 0 && 2 * flat >= n;
}

bool sim_oat_caveat(const char *stat, size_t flat, size_t n, char *out, size_t len)
{
    if (!sim_oat_mostly_flat(stat, flat, n)) return false;
    snprintf(out, len,
             "%zu of the %zu parameters move %s by nothing here: one parameter moved alone, the others at their "
             "medians, seldom carries the output across the threshold, so a parameter that matters only together "
             "with others shows no effect. riskmc sobol with --threshold measures those interactions.",
             flat, n, stat);
    return true;
}

void sim_within_laws(const sim_inst *inst, sim_buf *out)
{
    for (size_t i = 0; i < inst->sc.n; i++) {
        const sim_entry *e = &inst->sc.e[i];
        if (sim_entry_is_per_event(e)) sim_buf_printf(out, "%s%s", out->len ? ", " : "", e->full);
    }
}

void sim_sobol_no_index(const char *stat, char *out, size_t n)
{
    snprintf(out, n, "No index: %s took one value in every model run of the design (a threshold never reached, or "
                     "reached in every run), so there is no variance to share out among the parameters.", stat);
}

bool sim_sobol_rows_empty(const sim_table *t, size_t r0, size_t r1)
{
    for (size_t r = r0; r < r1; r++)
        if (*sim_table_get(t, r, "S1") || *sim_table_get(t, r, "ST")) return false;
    return true;
}

void sim_sobol_sentence(const char *stat, const double a[6], double s1, double st, const double chance[3],
                        const char *within, char *out, size_t n)
{
    char t[11][96];
    for (int k = 0; k < 6; k++) (k % 3 ? bound_text : share_text)(a[k], t[k], sizeof t[k]);
    share_text(s1, t[6], sizeof t[6]);
    share_text(st, t[7], sizeof t[7]);
    for (int k = 0; k < 3; k++) (k ? bound_text : share_text)(chance ? chance[k] : NAN, t[8 + k], sizeof t[8 + k]);
    char i1[240] = "no 95% interval", it[240] = "no interval", ch[1024] = "";
    if (!isnan(a[1]) && !isnan(a[2])) snprintf(i1, sizeof i1, "95%% interval %s to %s", t[1], t[2]);
    if (!isnan(a[4]) && !isnan(a[5])) snprintf(it, sizeof it, "%s to %s", t[4], t[5]);
    /* the rest is chance: the trials' own randomness at fixed parameters */
    if (chance && !isnan(chance[0]))
        snprintf(ch, sizeof ch,
                 " The model's chance, with the parameters fixed, is involved in %s (%s to %s): that much no better "
                 "knowledge of the parameters would remove%s%s%s",
                 t[8], isnan(chance[1]) ? "no interval" : t[9], isnan(chance[2]) ? "no interval" : t[10],
                 within && *within ? ". It includes each draw of " : ".", within && *within ? within : "",
                 within && *within ? ", drawn afresh within a trial: where its spread is doubt about the sources "
                                     "rather than chance, compare scenarios that fix it (riskmc compare)."
                                   : "");
    /* a first-order share above the total cannot be: it is sampling noise */
    const bool noise = a[0] > a[3] || s1 > st;
    snprintf(out, n,
             "The parameters resting on assumptions (*) explain %s of the trial-to-trial variance behind %s on their "
             "own (%s) and are involved in %s of it with their interactions (%s); for the parameters backed by a "
             "source the shares are %s and %s.%s%s%s",
             t[0], stat, i1, t[3], it, t[6], t[7], ch,
             isnan(a[1]) || isnan(a[2]) || isnan(a[4]) || isnan(a[5])
                 ? " (No interval: the output did not vary in more than 1 in 10 bootstrap resamples.)"
                 : "",
             noise ? " A share on its own above the share with interactions is sampling noise (it cannot be so): "
                     "read the two as about equal, or raise -N."
                   : "");
}
