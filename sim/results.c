/* results.c - see results.h. */
#define _GNU_SOURCE
#include "results.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "outdir.h"

const char *const SIM_SUMMARY_COLUMNS[] = {"output",  "n",       "missing",  "mean",     "sd",       "mcse",
                                           "min",     "p5",      "p25",      "p50",      "p75",      "p95",
                                           "max",     "resolution", "sd_mcse", "p5_mcse", "p25_mcse", "p50_mcse",
                                           "p75_mcse", "p95_mcse", NULL};
const char *const SIM_RISKS_COLUMNS[] = {"output", "threshold",  "trials",      "hits",    "probability",
                                         "mcse",   "wilson_low", "wilson_high", "sources", NULL};
const char *const SIM_SERIES_COLUMNS[] = {"series", "day", "date", "n",   "mean",  "p2_5",       "p5", "p10",
                                          "p25",    "p50", "p75",  "p90", "p95", "p97_5", "resolution", NULL};
const double SIM_SERIES_P[9] = {0.025, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.975};
const char *const SIM_OBS_COLUMNS[] = {"observation",    "kind",          "name",     "date",
                                       "observed_low",   "observed_high", "percentile_low",
                                       "percentile_high", "model_p5",     "model_p50", "model_p95",
                                       "verdict",        "sources",       NULL};

const char *const SIM_DICT_COLUMNS[] = {"name", "kind", "show", "description", "value", "sources", NULL};

static void header(sim_csvrow *r, const char *const *cols)
{
    for (; *cols; cols++) sim_csv_str(r, *cols);
    sim_csv_end(r);
}

void sim_runstats_init(sim_runstats *rs, const sim_inst *inst)
{
    memset(rs, 0, sizeof *rs);
    rs->nout = inst->nout;
    rs->acc = sim_calloc(inst->nout + 1, sizeof *rs->acc);
    for (size_t i = 0; i < inst->nout; i++) sim_acc_init_output(&rs->acc[i], inst, i);
    sim_seriesacc_init(&rs->series, inst);
}

void sim_acc_init_output(sim_acc *a, const sim_inst *inst, size_t o)
{
    sim_acc_init(a, inst->out[o].integer);
    /* a real output keeps its values, and counts exactly without */
    for (size_t k = 0; k < inst->nthr && inst->out[o].integer; k++)
        if (inst->thr[k].output == o) sim_acc_watch(a, inst->thr[k].value);
}

void sim_runstats_free(sim_runstats *rs)
{
    for (size_t i = 0; i < rs->nout; i++) sim_acc_free(&rs->acc[i]);
    free(rs->acc);
    sim_seriesacc_free(&rs->series);
    memset(rs, 0, sizeof *rs);
}

void sim_runstats_add(sim_runstats *rs, const sim_block *b)
{
    for (size_t i = 0; i < b->n; i++)
        for (size_t o = 0; o < rs->nout; o++) sim_acc_add(&rs->acc[o], b->out[i * rs->nout + o]);
    rs->n += b->n;
}

void sim_trials_header(sim_csvrow *r, const sim_inst *inst)
{
    sim_csv_str(r, "trial");
    for (size_t i = 0; i < inst->nparam; i++)
        if (inst->param[i].uncertain) sim_csv_str(r, inst->param[i].name);
    for (size_t i = 0; i < inst->nout; i++) sim_csv_str(r, inst->out[i].name);
    sim_csv_end(r);
}

void sim_trials_row(void *user, uint64_t trial, const double *theta, const double *out, sim_buf *row)
{
    const sim_inst *inst = user;
    sim_csvrow r = {*row, 0};
    sim_csv_int(&r, (long long)trial);
    /* sampled values to 10 significant digits: (seed, trial) reproduce them exactly */
    for (size_t i = 0; i < inst->nparam; i++)
        if (inst->param[i].uncertain) sim_csv_stat(&r, theta[i]);
    for (size_t i = 0; i < inst->nout; i++) sim_csv_num(&r, out[i]);
    sim_csv_end(&r);
    *row = r.buf;
}

void sim_write_summary(sim_buf *b, const sim_inst *inst, sim_runstats *rs)
{
    sim_csvrow r = {*b, 0};
    header(&r, SIM_SUMMARY_COLUMNS);
    for (size_t o = 0; o < inst->nout; o++) {
        sim_summary s;
        sim_acc_summary(&rs->acc[o], &s);
        sim_csv_str(&r, inst->out[o].name);
        sim_csv_int(&r, (long long)s.n);
        sim_csv_int(&r, (long long)s.missing);
        sim_csv_stat(&r, s.mean);
        sim_csv_stat(&r, s.sd);
        sim_csv_stat(&r, rs->mean_mcse ? rs->mean_mcse[o] : s.mcse);
        sim_csv_stat(&r, s.min);
        for (int i = 0; i < 5; i++) sim_csv_stat(&r, s.q[i]);
        sim_csv_stat(&r, s.max);
        sim_csv_int(&r, (long long)s.resolution);
        const double *sp = rs->spread_mcse ? &rs->spread_mcse[o * 6] : NULL;
        sim_csv_stat(&r, sp ? sp[0] : s.sd_mcse);
        for (int i = 0; i < 5; i++) sim_csv_stat(&r, sp ? sp[1 + i] : s.q_mcse[i]);
        sim_csv_end(&r);
    }
    *b = r.buf;
}

static void cites_text(const sim_entry *e, sim_buf *out)
{
    if (e) sim_entry_cites(e, out);
}

void sim_risk(const sim_inst *inst, sim_runstats *rs, size_t i, double *p, double *mcse, double *lo, double *hi)
{
    const sim_threshold *t = &inst->thr[i];
    sim_acc *a = &rs->acc[t->output];
    uint64_t n = sim_acc_n(a) + a->missing, k = sim_acc_count_ge(a, t->value);
    *p = n ? (double)k / (double)n : NAN;
    *mcse = n ? sqrt(*p * (1 - *p) / (double)n) : NAN;
    sim_wilson(k, n, lo, hi);
    if (rs->thr_mcse && n) {
        *mcse = rs->thr_mcse[i];
        /* the number of independent trials that would give this standard error */
        double neff = *mcse > 0 ? *p * (1 - *p) / (*mcse * *mcse) : (double)n;
        if (neff > (double)n) neff = (double)n;
        if (neff < 1) neff = 1;
        sim_wilson_p(*p, neff, lo, hi);
    }
}

void sim_write_risks(sim_buf *b, const sim_inst *inst, sim_runstats *rs)
{
    sim_csvrow r = {*b, 0};
    header(&r, SIM_RISKS_COLUMNS);
    for (size_t i = 0; i < inst->nthr; i++) {
        const sim_threshold *t = &inst->thr[i];
        sim_acc *a = &rs->acc[t->output];
        uint64_t n = sim_acc_n(a) + a->missing, k = sim_acc_count_ge(a, t->value);
        double p, se, lo, hi;
        sim_risk(inst, rs, i, &p, &se, &lo, &hi);
        sim_buf cites;
        sim_buf_init(&cites);
        cites_text(t->entry, &cites);
        sim_csv_str(&r, inst->out[t->output].name);
        sim_csv_num(&r, t->value);
        sim_csv_int(&r, (long long)n);
        sim_csv_int(&r, (long long)k);
        sim_csv_stat(&r, p);
        sim_csv_stat(&r, se);
        sim_csv_stat(&r, lo);
        sim_csv_stat(&r, hi);
        sim_csv_str(&r, cites.s ? cites.s : "");
        sim_csv_end(&r);
        sim_buf_free(&cites);
    }
    *b = r.buf;
}

void sim_write_series_header(sim_buf *b)
{
    sim_csvrow r = {*b, 0};
    header(&r, SIM_SERIES_COLUMNS);
    *b = r.buf;
}

void sim_write_series_rows(sim_buf *b, const sim_inst *inst, const sim_runstats *rs, size_t s)
{
    sim_csvrow r = {*b, 0};
    const sim_sgrid *g = &rs->series.g[s];
    for (int t = 0; t < inst->horizon; t++) {
        char date[11];
        double q[9];
        sim_format_date(inst->start_date + t, date);
        sim_sgrid_quantiles(g, t, SIM_SERIES_P, 9, q);
        sim_csv_str(&r, inst->series[s]);
        sim_csv_int(&r, t);
        sim_csv_str(&r, date);
        sim_csv_int(&r, (long long)g->n);
        sim_csv_stat(&r, sim_sgrid_mean(g, t));
        for (int k = 0; k < 9; k++) sim_csv_stat(&r, q[k]);
        sim_csv_int(&r, (long long)sim_sgrid_resolution(g, t));
        sim_csv_end(&r);
    }
    *b = r.buf;
}

void sim_obs_compare(const sim_inst *inst, sim_runstats *rs, size_t i, sim_obs_check *c)
{
    const sim_observation *ob = &inst->obs[i];
    if (ob->is_series) {
        const sim_sgrid *g = &rs->series.g[ob->index];
        uint64_t lt, eq;
        sim_sgrid_count(g, ob->day, ob->low, &lt, &eq);
        c->pct_low = g->n ? 100.0 * ((double)lt + 0.5 * (double)eq) / (double)g->n : NAN;
        sim_sgrid_count(g, ob->day, ob->high, &lt, &eq);
        c->pct_high = g->n ? 100.0 * ((double)lt + 0.5 * (double)eq) / (double)g->n : NAN;
        static const double P3[3] = {0.05, 0.5, 0.95};
        double q[3];
        sim_sgrid_quantiles(g, ob->day, P3, 3, q);
        c->p5 = q[0], c->p50 = q[1], c->p95 = q[2];
    } else {
        sim_acc *a = &rs->acc[ob->index];
        c->pct_low = sim_acc_percentile(a, ob->low);
        c->pct_high = sim_acc_percentile(a, ob->high);
        c->p5 = sim_acc_quantile(a, 0.05);
        c->p50 = sim_acc_quantile(a, 0.5);
        c->p95 = sim_acc_quantile(a, 0.95);
    }
    /* outside the central 90%: the whole observed range lies below the
     * model's 5th percentile or above its 95th */
    c->outside = c->pct_high < 5 || c->pct_low > 95;
    c->nodata = isnan(c->pct_low) || isnan(c->pct_high);
}

static const char *obs_verdict(const sim_obs_check *c)
{
    return c->nodata ? "no model values" : c->outside ? "outside central 90%" : "inside central 90%";
}

static void obs_sources(const sim_inst *inst, const sim_observation *ob, sim_buf *out)
{
    const char *sec_prefix = "observation.";
    char sec[128];
    snprintf(sec, sizeof sec, "%s%s", sec_prefix, ob->name);
    for (size_t i = 0; i < inst->sc.n; i++) {
        const sim_entry *e = &inst->sc.e[i];
        if (strcmp(e->section, sec) != 0) continue;
        for (size_t k = 0; k < e->ncites; k++)
            if (!out->s || !strstr(out->s, e->cites[k])) sim_buf_printf(out, "%s%s", out->len ? ", " : "", e->cites[k]);
    }
}

void sim_write_observations(sim_buf *b, const sim_inst *inst, sim_runstats *rs)
{
    sim_csvrow r = {*b, 0};
    header(&r, SIM_OBS_COLUMNS);
    for (size_t i = 0; i < inst->nobs; i++) {
        const sim_observation *ob = &inst->obs[i];
        sim_obs_check c;
        sim_obs_compare(inst, rs, i, &c);
        char date[11] = "";
        if (ob->is_series) sim_format_date(inst->start_date + ob->day, date);
        sim_csv_str(&r, ob->name);
        sim_csv_str(&r, ob->is_series ? "series" : "output");
        sim_csv_str(&r, ob->is_series ? inst->series[ob->index] : inst->out[ob->index].name);
        sim_csv_str(&r, date);
        sim_csv_num(&r, ob->low);
        sim_csv_num(&r, ob->high);
        sim_csv_stat(&r, round(c.pct_low * 100) / 100);
        sim_csv_stat(&r, round(c.pct_high * 100) / 100);
        sim_csv_stat(&r, c.p5);
        sim_csv_stat(&r, c.p50);
        sim_csv_stat(&r, c.p95);
        sim_csv_str(&r, obs_verdict(&c));
        sim_buf src;
        sim_buf_init(&src);
        obs_sources(inst, ob, &src);
        sim_csv_str(&r, src.s ? src.s : "");
        sim_buf_free(&src);
        sim_csv_end(&r);
    }
    *b = r.buf;
}

/* ------------------------------------------------------------ dictionary */

/* A set of strings (not owned) in insertion order. */
typedef struct strset {
    const char **s;
    size_t n;
} strset;

/* Add id to the set unless it is there: whether it was added. */
static bool add_id(strset *set, const char *id)
{
    for (size_t i = 0; i < set->n; i++)
        if (!strcmp(set->s[i], id)) return false;
    set->s = sim_realloc(set->s, (set->n + 1) * sizeof *set->s);
    set->s[set->n++] = id;
    return true;
}

static void strset_sort(strset *set, int (*cmp)(const void *, const void *))
{
    if (set->n) qsort(set->s, set->n, sizeof *set->s, cmp);
}

static void dict_row(sim_csvrow *r, const char *name, const char *kind, const char *show, const char *what,
                     const char *value, const char *cites)
{
    const char *f[6] = {name, kind, show, what, value, cites};
    for (int k = 0; k < 6; k++) sim_csv_str(r, f[k]);
    sim_csv_end(r);
}

/* "a, b: x; c: y": the scenarios named together by the text they share, in
 * the order each text first appears; a NULL text (a scenario lacking the
 * key has no citations) is left out. */
static void group_by_text(const sim_inst *inst, size_t ninst, char *const *texts, sim_buf *out)
{
    for (size_t k = 0; k < ninst; k++) {
        bool before = !texts[k];
        for (size_t j = 0; j < k && !before; j++) before = texts[j] && !strcmp(texts[j], texts[k]);
        if (before) continue;
        sim_buf_printf(out, "%s", out->len ? "; " : "");
        for (size_t j = k, n = 0; j < ninst; j++)
            if (texts[j] && !strcmp(texts[j], texts[k])) sim_buf_printf(out, "%s%s", n++ ? ", " : "", inst[j].sc.name);
        sim_buf_printf(out, ": %s", texts[k]);
    }
}

/* The row of a scenario key: a parameter (by its name; one key may stand
 * for several) or a fixed setting, with its citations and, in a comparison
 * whose scenarios differ on it, each scenario's value. */
static void entry_row(sim_csvrow *r, const sim_inst *inst, size_t ninst, const char *name, const sim_entry *e,
                      bool param, bool twod)
{
    sim_buf cites, value, each_cites;
    sim_buf_init(&cites);
    sim_buf_init(&value);
    sim_buf_init(&each_cites);
    sim_entry_cites(e, &cites);
    /* each scenario's value and citations ("not set" where it lacks the key) */
    char **vals = sim_calloc(ninst + 1, sizeof *vals), **cts = sim_calloc(ninst + 1, sizeof *cts);
    bool differ = false, cites_differ = false;
    for (size_t k = 0; k < ninst; k++) {
        const long ix = param ? sim_inst_find_param(&inst[k], name) : -1;
        const sim_entry *o = param ? (ix < 0 ? NULL : inst[k].param[ix].entry) : sim_sc_full(&inst[k].sc, name);
        sim_buf one;
        sim_buf_init(&one);
        if (o) sim_entry_cites(o, &one);
        const char *c = one.s ? one.s : "";
        vals[k] = sim_strdup(o ? o->text : "not set");
        cts[k] = o ? sim_strdup(*c ? c : "nothing cited") : NULL;
        differ |= !o || strcmp(o->text, e->text) != 0;
        cites_differ |= o && strcmp(c, cites.s ? cites.s : "") != 0;
        sim_buf_free(&one);
    }
    /* scenarios sharing a value are named together: "a, b: x; c: y" */
    group_by_text(inst, ninst, vals, &value);
    group_by_text(inst, ninst, cts, &each_cites);
    for (size_t k = 0; k < ninst; k++) free(vals[k]), free(cts[k]);
    free(vals), free(cts);
    /* a sweep's swept key took the grid's values, not its law; a
     * two-dimensional run's chance parameter is drawn in every inner trial */
    const long ix = param ? sim_inst_find_param(inst, name) : -1;
    const sim_param *p = ix >= 0 ? &inst->param[ix] : NULL;
    sim_buf what;
    sim_buf_init(&what);
    sim_buf_puts(&what, e->spec ? e->spec->help : "");
    if (p && p->swept) {
        sim_buf_clear(&value);
        sim_buf_printf(&value, "swept: %s (the scenario: %s)", p->swept, e->text);
        differ = true;
    } else if (p && p->chance && twod) {
        sim_buf_puts(&what, "; chance in this two-dimensional run: drawn afresh in every inner trial");
    }
    dict_row(r, name, param ? "parameter" : sim_entry_is_per_event(e) ? "per_event" : "setting",
             param ? "csv" : "manifest", what.s ? what.s : "", differ ? value.s : e->text, cites_differ ? each_cites.s : cites.s ? cites.s : "");
    sim_buf_free(&what);
    sim_buf_free(&cites);
    sim_buf_free(&value);
    sim_buf_free(&each_cites);
}

void sim_write_dictionary(sim_buf *b, const sim_inst *inst, size_t ninst, int columns)
{
    static const char *const SHOW[] = {"csv", "table", "chart"};
    sim_csvrow r = {*b, 0};
    header(&r, SIM_DICT_COLUMNS);
    if (columns == SIM_DICT_TRIAL)
        dict_row(&r, "trial", "column", "csv",
                 "trials.csv: the trial's number from 0; with the seed it fixes every random number of the trial", "",
                 "");
    if (columns == SIM_DICT_TWOD) {
        dict_row(&r, "outer", "column", "csv",
                 "trials.csv: the outer sample (its parameter values) from 0, two-dimensional run", "", "");
        dict_row(&r, "inner", "column", "csv", "trials.csv: the chance trial within the outer sample, from 0", "",
                 "");
    }
    /* the union over the scenarios of a comparison: a name appears once; a
     * parameter whose law differs between them gives each scenario's */
    if (!ninst) ninst = 1;
    strset seen[4] = {{0}}; /* parameters, outputs, groups, series */
    for (size_t j = 0; j < ninst; j++) {
        const sim_inst *in = &inst[j];
        for (size_t i = 0; i < in->nparam; i++) {
            const sim_param *p = &in->param[i];
            if ((p->uncertain || p->swept) && add_id(&seen[0], p->name))
                entry_row(&r, inst, ninst, p->name, p->entry, true, columns == SIM_DICT_TWOD);
        }
    }
    /* a fixed value resting on an assumption (a group's route, a rate of 0)
     * or citing nothing has no column, but the brief lists it among the
     * assumptions: say what it is too (after every scenario's parameters, so
     * that a key uncertain in any of them is a parameter) */
    for (size_t j = 0; j < ninst; j++) {
        const sim_inst *in = &inst[j];
        for (size_t i = 0; i < in->sc.n; i++) {
            const sim_entry *e = &in->sc.e[i];
            const long ix = sim_inst_find_param(in, e->full);
            if ((sim_entry_is_assumption(e) || sim_entry_is_uncited(e) || sim_entry_is_per_event(e)) &&
                !(ix >= 0 && in->param[ix].uncertain) && add_id(&seen[0], e->full))
                entry_row(&r, inst, ninst, e->full, e, false, false);
        }
        for (size_t o = 0; o < in->nout; o++)
            if (add_id(&seen[1], in->out[o].name))
                dict_row(&r, in->out[o].name, "output", SHOW[in->out[o].show], in->out[o].help, "", "");
        for (size_t g = 0; g < in->ngroup; g++)
            if (add_id(&seen[2], in->group[g])) {
                char *pattern = sim_asprintf("%s.*", in->group[g]); /* not the name of the output of all its parts */
                dict_row(&r, pattern, "group", "chart", in->group_by[g], in->group_note[g], "");
                free(pattern);
            }
        for (size_t k = 0; k < in->nseries; k++)
            if (add_id(&seen[3], in->series[k]))
                dict_row(&r, in->series[k], "series", "chart", in->series_help[k], "", "");
    }
    for (int k = 0; k < 4; k++) free(seen[k].s);
    *b = r.buf;
}

static int cmp_str(const void *pa, const void *pb);

/* The source id in the first registry of the scenarios that has it. */
static const sim_source *find_source(const sim_inst *inst, size_t ninst, const char *id)
{
    for (size_t j = 0; j < ninst; j++) {
        const sim_source *s = inst[j].sc.sources ? sim_sources_find(inst[j].sc.sources, id) : NULL;
        if (s) return s;
    }
    return NULL;
}

void sim_write_sources_used(sim_buf *b, const sim_inst *inst, size_t ninst)
{
    if (!ninst) ninst = 1;
    sim_csvrow r = {*b, 0};
    header(&r, (const char *const[]){"id", "kind", "outlet", "date", "locator", "quantity", "value", "note", NULL});
    sim_buf cited;
    sim_buf_init(&cited);
    sim_cited_sources(inst, ninst, &cited);
    char *list = sim_strdup(cited.s ? cited.s : "");
    strset ids = {0};
    for (char *tok = strtok(list, ", "); tok; tok = strtok(NULL, ", ")) {
        const sim_source *s = find_source(inst, ninst, tok);
        if (s) add_id(&ids, s->id);
    }
    /* a figure's outlet names the sources it comes from: list those too, so
     * that every id the file mentions is in it */
    for (size_t i = 0; i < ids.n; i++) {
        const sim_source *s = find_source(inst, ninst, ids.s[i]);
        if (strcmp(s->kind, "figure") != 0) continue;
        char *outs = sim_strdup(s->outlet);
        for (char *tok = strtok(outs, ";, "); tok; tok = strtok(NULL, ";, ")) {
            const sim_source *t = find_source(inst, ninst, tok);
            if (t) add_id(&ids, t->id);
        }
        free(outs);
    }
    strset_sort(&ids, cmp_str);
    for (size_t i = 0; i < ids.n; i++) {
        const sim_source *s = find_source(inst, ninst, ids.s[i]);
        const char *f[8] = {s->id, s->kind, s->outlet, s->date, s->locator, s->quantity, s->value, s->note};
        for (int k = 0; k < 8; k++) sim_csv_str(&r, f[k]);
        sim_csv_end(&r);
    }
    free(ids.s);
    free(list);
    sim_buf_free(&cited);
    *b = r.buf;
}

/* ------------------------------------------------------------ manifest */

/* Natural order: E3 before E10, F09 before F10. */
static int cmp_str(const void *pa, const void *pb)
{
    const char *a = *(char *const *)pa, *b = *(char *const *)pb;
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            unsigned long x = strtoul(a, (char **)&a, 10), y = strtoul(b, (char **)&b, 10);
            if (x != y) return x < y ? -1 : 1;
            continue;
        }
        if (*a != *b) return (unsigned char)*a - (unsigned char)*b;
        a++, b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

static void put_set(sim_buf *out, const strset *set)
{
    for (size_t i = 0; i < set->n; i++) sim_buf_printf(out, "%s%s", i ? ", " : "", set->s[i]);
}

void sim_cited_sources(const sim_inst *inst, size_t ninst, sim_buf *out)
{
    strset ids = {0};
    for (size_t s = 0; s < (ninst ? ninst : 1); s++) {
        const sim_scenario *sc = &inst[s].sc;
        for (size_t i = 0; i < sc->n; i++)
            for (size_t k = 0; k < sc->e[i].ncites; k++)
                if (strcmp(sc->e[i].cites[k], "assumption") != 0) add_id(&ids, sc->e[i].cites[k]);
    }
    strset_sort(&ids, cmp_str);
    put_set(out, &ids);
    free(ids.s);
}

void sim_assumption_keys(const sim_inst *inst, size_t ninst, sim_buf *out)
{
    strset keys = {0};
    for (size_t s = 0; s < (ninst ? ninst : 1); s++)
        for (size_t i = 0; i < inst[s].sc.n; i++)
            if (sim_entry_is_assumption(&inst[s].sc.e[i])) add_id(&keys, inst[s].sc.e[i].full);
    put_set(out, &keys);
    free(keys.s);
}

void sim_uncited_keys(const sim_inst *inst, size_t ninst, sim_buf *out)
{
    strset keys = {0};
    for (size_t s = 0; s < (ninst ? ninst : 1); s++)
        for (size_t i = 0; i < inst[s].sc.n; i++) {
            const sim_entry *e = &inst[s].sc.e[i];
            if (sim_entry_is_uncited(e)) add_id(&keys, e->full);
        }
    put_set(out, &keys);
    free(keys.s);
}

void sim_write_resolved(sim_buf *b, const sim_inst *inst, const sim_runinfo *design_or_run)
{
    const sim_scenario *sc = &inst->sc;
    /* a design's trials and seed (sobol's base N, a sweep's trials per
     * point) are not a run's: [scenario] keeps the scenario's, and says so */
    const bool run = design_or_run && strcmp(design_or_run->kind, "run") == 0;
    const sim_runinfo *ri = run ? design_or_run : NULL;
    /* a sensitivity design: [correlation] not applied, [uncertainty] chance drawn per trial */
    const bool sens = design_or_run && !run && strcmp(design_or_run->kind, "sweep") != 0 &&
                      strcmp(design_or_run->kind, "compare") != 0;
    bool scenario_written = false, noted = false;
    for (size_t s = 0; s < sc->nsec; s++) {
        const char *sec = sc->sec[s].section;
        const bool scen = strcmp(sec, "scenario") == 0;
        if (strcmp(sec, "run") == 0) continue; /* an earlier manifest's: this run writes its own */
        bool any = false;
        for (size_t i = 0; i < sc->n; i++) {
            const sim_entry *e = &sc->e[i];
            if (strcmp(e->section, sec) != 0) continue;
            if (scen && (strcmp(e->key, "extends") == 0 || strcmp(e->key, "remove") == 0 ||
                         strcmp(e->key, "sources") == 0 ||
                         (ri && (strcmp(e->key, "trials") == 0 || strcmp(e->key, "seed") == 0))))
                continue;
            if (!any) {
                sim_buf_printf(b, "\n[%s]\n", sec);
                if (sens && !strcmp(sec, "correlation"))
                    sim_buf_printf(b, "; not applied by this %s, which treats the parameters as independent\n",
                                   design_or_run->kind);
                if (sens && !strcmp(sec, "uncertainty"))
                    sim_buf_printf(b, "; this %s draws these parameters in every trial, as part of chance\n",
                                   design_or_run->kind);
            }
            any = true;
            if (scen && design_or_run && !run && !noted && (!strcmp(e->key, "trials") || !strcmp(e->key, "seed"))) {
                sim_buf_printf(b, "; the scenario's default; this %s used [run] trials and seed\n",
                               design_or_run->kind);
                noted = true;
            }
            sim_buf_printf(b, "%s = %s", e->key, e->text);
            if (e->ncites) {
                sim_buf_puts(b, " [");
                sim_entry_cites(e, b);
                sim_buf_putc(b, ']');
            }
            sim_buf_putc(b, '\n');
        }
        if (scen && ri) {
            /* the trials and seed this run used, so that the manifest repeats it */
            if (!any) sim_buf_puts(b, "\n[scenario]\n");
            sim_buf_printf(b, "trials = %llu\nseed = %llu\n", (unsigned long long)ri->trials,
                           (unsigned long long)ri->seed);
            scenario_written = true;
        }
    }
    if (ri && !scenario_written)
        sim_buf_printf(b, "\n[scenario]\ntrials = %llu\nseed = %llu\n", (unsigned long long)ri->trials,
                       (unsigned long long)ri->seed);
}

void sim_write_manifest(sim_buf *b, const sim_inst *inst, const sim_runinfo *ri)
{
    sim_buf_puts(b, "; riskmc results manifest: what made this folder, and the scenario as it ran.\n");
    if (strcmp(ri->kind, "run") == 0)
        sim_buf_puts(b, "; `riskmc run` accepts this file as a scenario and repeats the run: [scenario] holds the\n"
                        "; trials and seed it used, and the [run] section is ignored (an --outer/--inner run is\n"
                        "; repeated by giving the options its command shows).\n");
    else if (ri->ninst > 1)
        sim_buf_printf(b, "; `riskmc run` accepts this file as the first scenario of the comparison (the [run]\n"
                          "; section is ignored); its command, with the scenario files it names, repeats the %s.\n",
                       ri->kind);
    else
        sim_buf_printf(b, "; `riskmc run` accepts this file as a scenario (the [run] section is ignored); `riskmc %s`\n"
                          "; with this file and the options its command shows repeats the %s.\n",
                       ri->kind, ri->kind);
    sim_buf_puts(b, "[run]\n");
    sim_buf_printf(b, "kind = %s\n", ri->kind);
    sim_buf_printf(b, "riskmc_version = %s\n", RISKMC_VERSION);
    sim_buf_printf(b, "git_commit = %s\n", RISKMC_COMMIT);
    sim_buf_printf(b, "command = %s\n", ri->command);
    const size_t ninst = ri->ninst ? ri->ninst : 1;
    strset files = {0}, regs = {0};
    for (size_t s = 0; s < ninst; s++) {
        for (size_t i = 0; i < inst[s].sc.nfiles; i++) add_id(&files, inst[s].sc.files[i]);
        if (inst[s].sc.sources) add_id(&regs, inst[s].sc.sources->path);
    }
    sim_buf_printf(b, "scenario_files = ");
    put_set(b, &files);
    if (ninst > 1) {
        /* a comparison: its scenarios in order; the sections below are the first's */
        sim_buf_puts(b, "\nscenarios = ");
        for (size_t s = 0; s < ninst; s++) sim_buf_printf(b, "%s%s", s ? ", " : "", inst[s].sc.name);
        /* scenarios over other days: the brief must say so, as compare does */
        bool other = false;
        for (size_t s = 1; s < ninst; s++)
            other |= inst[s].start_date != inst[0].start_date || inst[s].horizon != inst[0].horizon;
        if (other) {
            sim_buf_puts(b, "\n; periods: each scenario's simulated days, which differ\nperiods = ");
            for (size_t s = 0; s < ninst; s++) {
                char d[11];
                sim_format_date(inst[s].start_date, d);
                sim_buf_printf(b, "%s%s: %d days from %s", s ? "; " : "", inst[s].sc.name, inst[s].horizon, d);
            }
        }
    }
    sim_buf_printf(b, "\nmodel = %s\n", inst->model->name);
    sim_buf_printf(b, "seed = %llu\n", (unsigned long long)ri->seed);
    /* what trials counts differs by kind: say it */
    static const char *const PER[][2] = {{"sweep", "per grid point"},  {"tornado", "per design point"},
                                         {"spider", "per design point"}, {"morris", "per design point"},
                                         {"sobol", "the base sample N"}, {"compare", "per scenario, paired"}};
    for (size_t k = 0; k < sizeof PER / sizeof *PER; k++)
        if (!strcmp(ri->kind, PER[k][0])) sim_buf_printf(b, "; trials: %s\n", PER[k][1]);
    sim_buf_printf(b, "trials = %llu\n", (unsigned long long)ri->trials);
    if (ri->extra) sim_buf_puts(b, ri->extra);
    sim_buf_puts(b, "sources_registry = ");
    put_set(b, &regs);
    sim_buf_putc(b, '\n');
    free(files.s), free(regs.s);
    sim_buf_puts(b, "sources_used = ");
    sim_cited_sources(inst, ninst, b);
    sim_buf_puts(b, "\nassumptions = ");
    sim_assumption_keys(inst, ninst, b);
    sim_buf_puts(b, "\nuncited = ");
    sim_uncited_keys(inst, ninst, b);
    sim_buf_printf(b, "\nfiles = %s\n", ri->files);
    sim_write_resolved(b, inst, ri);
}

/* ------------------------------------------------------------ console */


void sim_print_table(FILE *f, const sim_inst *inst, sim_runstats *rs)
{
    size_t w = 12;
    for (size_t o = 0; o < inst->nout; o++)
        if (sim_inst_headline(inst, o) && strlen(inst->out[o].name) > w)
            w = strlen(inst->out[o].name);
    fprintf(f, "%-*s %12s   %s\n", (int)w, "output", "median", "90% interval (p5 - p95)");
    for (size_t o = 0; o < inst->nout; o++) {
        if (!sim_inst_headline(inst, o)) continue;
        char m[40], lo[40], hi[40];
        double q[3] = {sim_acc_quantile(&rs->acc[o], 0.5), sim_acc_quantile(&rs->acc[o], 0.05),
                       sim_acc_quantile(&rs->acc[o], 0.95)};
        /* counts read best as whole numbers */
        for (int k = 0; k < 3 && inst->out[o].integer; k++) q[k] = isnan(q[k]) ? q[k] : round(q[k]);
        sim_format_readable(q[0], m, sizeof m);
        sim_format_readable(q[1], lo, sizeof lo);
        sim_format_readable(q[2], hi, sizeof hi);
        fprintf(f, "%-*s %12s   %s - %s\n", (int)w, inst->out[o].name, m, lo, hi);
    }
    if (inst->nthr) {
        fprintf(f, "\n%-*s %12s   %s\n", (int)w + 14, "risk", "probability", "95% interval (Wilson)");
        for (size_t i = 0; i < inst->nthr; i++) {
            const sim_threshold *t = &inst->thr[i];
            double p, se, lo, hi;
            sim_risk(inst, rs, i, &p, &se, &lo, &hi);
            char v[40], lab[160];
            sim_format_exact(t->value, v, sizeof v);
            snprintf(lab, sizeof lab, "P(%s >= %s)", inst->out[t->output].name, v);
            char sp[16], sl[16], sh[16];
            sim_format_pct(isnan(p) ? 0 : p, sp, sizeof sp);
            sim_format_pct(lo, sl, sizeof sl);
            sim_format_pct(hi, sh, sizeof sh);
            fprintf(f, "%-*s %12s   %s - %s\n", (int)w + 14, lab, sp, sl, sh);
        }
    }
    if (inst->nobs) {
        fprintf(f, "\nobservation checks (where the observed value falls in the model's distribution)\n");
        for (size_t i = 0; i < inst->nobs; i++) {
            const sim_observation *ob = &inst->obs[i];
            sim_obs_check c;
            sim_obs_compare(inst, rs, i, &c);
            char lo[40], hi[40], p5[40], p95[40], date[11] = "";
            sim_format_readable(ob->low, lo, sizeof lo);
            sim_format_readable(ob->high, hi, sizeof hi);
            sim_format_readable(c.p5, p5, sizeof p5);
            sim_format_readable(c.p95, p95, sizeof p95);
            if (ob->is_series) sim_format_date(inst->start_date + ob->day, date);
            const char *what = ob->is_series ? inst->series[ob->index] : inst->out[ob->index].name;
            if (c.nodata)
                fprintf(f, "  %s: %s%s%s: no trial has a value to compare with (no model values)\n", ob->name, what,
                        *date ? " on " : "", date);
            else if (ob->low == ob->high)
                fprintf(f, "  %s: %s%s%s = %s observed: percentile %.1f of the model (model 90%%: %s - %s)%s\n",
                        ob->name, what, *date ? " on " : "", date, lo, c.pct_low, p5, p95,
                        c.outside ? "  OUTSIDE the central 90%" : "");
            else
                fprintf(f, "  %s: %s%s%s in [%s, %s] observed: percentiles %.1f - %.1f of the model (model 90%%: %s - %s)%s\n",
                        ob->name, what, *date ? " on " : "", date, lo, hi, c.pct_low, c.pct_high, p5, p95,
                        c.outside ? "  OUTSIDE the central 90%" : "");
        }
    }
}
