/* inst.c - see inst.h. */
#define _GNU_SOURCE
#include "inst.h"
#include "corr.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

/* Keys every scenario may use, whatever its model. */
static const sim_keyspec ENGINE_KEYS[] = {
    {"scenario", "name", SIM_T_STRING, 0, SIM_DOM_ANY, 0, 0,
     "results folder name: letters, digits, '.', '_' and '-' (default: the file's name)"},
    {"scenario", "title", SIM_T_STRING, 0, SIM_DOM_ANY, 0, 0, "title for charts and reports"},
    {"scenario", "question", SIM_T_STRING, 0, SIM_DOM_ANY, 0, 0, "the policy question the scenario answers"},
    {"scenario", "description", SIM_T_STRING, 0, SIM_DOM_ANY, 0, 0, "what the scenario changes and why"},
    {"scenario", "model", SIM_T_STRING, SIM_K_REQUIRED, SIM_DOM_ANY, 0, 0, "the model to run (detention, ishigami, sobol_g)"},
    {"scenario", "extends", SIM_T_PATH, 0, SIM_DOM_ANY, 0, 0, "scenario file this one modifies, relative to this file"},
    {"scenario", "remove", SIM_T_STRING, 0, SIM_DOM_ANY, 0, 0, "sections or keys of the extended scenario to drop"},
    {"scenario", "trials", SIM_T_INT, 0, SIM_DOM_COUNT, 1, 1e9, "default number of trials"},
    {"scenario", "seed", SIM_T_INT, 0, SIM_DOM_ANY, 0, 9.2e18, "default random seed"},
    {"scenario", "sources", SIM_T_PATH, 0, SIM_DOM_ANY, 0, 0, "sources registry (CSV), relative to this file"},
    {"thresholds", "*", SIM_T_NUMBERS, SIM_K_CITE, SIM_DOM_ANY, 0, 0,
     "risk thresholds x of an output: the run reports P(output >= x)"},
    {"observation.*", "series", SIM_T_STRING, SIM_K_MAYCITE, SIM_DOM_ANY, 0, 0, "daily series observed (with date)"},
    {"observation.*", "output", SIM_T_STRING, SIM_K_MAYCITE, SIM_DOM_ANY, 0, 0, "output observed at the end of the run"},
    {"observation.*", "date", SIM_T_DATE, SIM_K_CITE, SIM_DOM_ANY, 0, 0, "date of the observation (series)"},
    {"observation.*", "value", SIM_T_NUMBER, SIM_K_CITE, SIM_DOM_ANY, -1e15, 1e15, "the observed value"},
    {"observation.*", "low", SIM_T_NUMBER, SIM_K_CITE, SIM_DOM_ANY, -1e15, 1e15, "lower end of an observed range"},
    {"observation.*", "high", SIM_T_NUMBER, SIM_K_CITE, SIM_DOM_ANY, -1e15, 1e15, "upper end of an observed range"},
    {"correlation", "*", SIM_T_STRING, SIM_K_CITE, SIM_DOM_ANY, 0, 0,
     "rank (Spearman) correlations of this uncertain parameter with others: other.parameter: rho, ... (-1 < rho < 1)"},
    {"uncertainty", "chance", SIM_T_STRING, 0, SIM_DOM_ANY, 0, 0,
     "uncertain parameters that are chance, not uncertainty: drawn afresh in every inner trial of run --outer/--inner "
     "and in every trial of a sensitivity design"},
    {"run", "*", SIM_T_STRING, 0, SIM_DOM_ANY, 0, 0,
     "riskmc's record in a manifest.ini it wrote (with riskmc_version); not read as settings, refused elsewhere"},
    {NULL, NULL, 0, 0, 0, 0, 0, NULL},
};

void sim_schema_for(const sim_model *m, sim_schema *schema, const sim_keyspec *parts[3])
{
    parts[0] = ENGINE_KEYS;
    parts[1] = m ? m->keys : NULL;
    parts[2] = NULL;
    schema->parts = parts;
    schema->defaults = m ? m->defaults : NULL;
    schema->missing = m ? m->missing : NULL;
}

size_t sim_inst_param(sim_inst *inst, const sim_entry *e, const char *name)
{
    inst->param = sim_realloc(inst->param, (inst->nparam + 1) * sizeof *inst->param);
    sim_param *p = &inst->param[inst->nparam];
    memset(p, 0, sizeof *p);
    p->name = sim_strdup(name ? name : e->full);
    p->entry = e;
    p->dist = &e->v.dist;
    p->domain = e->spec ? e->spec->domain : SIM_DOM_ANY;
    p->count = p->domain == SIM_DOM_COUNT;
    p->uncertain = !sim_dist_is_const(p->dist);
    p->stream = sim_rng_stream_id("param", p->name);
    return inst->nparam++;
}

size_t sim_inst_output(sim_inst *inst, const char *name, bool integer, int show, const char *help)
{
    inst->out = sim_realloc(inst->out, (inst->nout + 1) * sizeof *inst->out);
    inst->out[inst->nout].name = sim_strdup(name);
    inst->out[inst->nout].integer = integer;
    inst->out[inst->nout].show = show;
    inst->out[inst->nout].help = sim_strdup(help ? help : "");
    inst->out[inst->nout].may_lack = false;
    return inst->nout++;
}

size_t sim_inst_series(sim_inst *inst, const char *name, const char *help)
{
    inst->series = sim_realloc(inst->series, (inst->nseries + 1) * sizeof *inst->series);
    inst->series_help = sim_realloc(inst->series_help, (inst->nseries + 1) * sizeof *inst->series_help);
    inst->series[inst->nseries] = sim_strdup(name);
    inst->series_help[inst->nseries] = sim_strdup(help ? help : "");
    return inst->nseries++;
}

void sim_inst_group(sim_inst *inst, const char *group, const char *by, const char *note)
{
    inst->group = sim_realloc(inst->group, (inst->ngroup + 1) * sizeof *inst->group);
    inst->group_by = sim_realloc(inst->group_by, (inst->ngroup + 1) * sizeof *inst->group_by);
    inst->group_note = sim_realloc(inst->group_note, (inst->ngroup + 1) * sizeof *inst->group_note);
    inst->group[inst->ngroup] = sim_strdup(group);
    inst->group_note[inst->ngroup] = sim_strdup(note ? note : "");
    inst->group_by[inst->ngroup++] = sim_strdup(by);
}

void sim_inst_note(sim_inst *inst, const size_t *params, size_t nparams, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sim_buf b = {0};
    sim_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    inst->note = sim_realloc(inst->note, (inst->nnote + 1) * sizeof *inst->note);
    inst->note_params = sim_realloc(inst->note_params, (inst->nnote + 1) * sizeof *inst->note_params);
    size_t *ps = sim_calloc(nparams + 1, sizeof *ps);
    for (size_t i = 0; i < nparams; i++) ps[i] = params[i];
    ps[nparams] = SIZE_MAX;
    inst->note_params[inst->nnote] = ps;
    inst->note[inst->nnote++] = sim_buf_take(&b);
}

size_t sim_inst_stream(sim_inst *inst, const char *name)
{
    inst->stream = sim_realloc(inst->stream, (inst->nstream + 1) * sizeof *inst->stream);
    inst->stream_name = sim_realloc(inst->stream_name, (inst->nstream + 1) * sizeof *inst->stream_name);
    inst->stream[inst->nstream] = sim_rng_stream_id("process", name);
    inst->stream_name[inst->nstream] = sim_strdup(name);
    return inst->nstream++;
}

int sim_param_err(const sim_param *p, sim_err *err, const char *fmt, ...)
{
    char what[3072];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (p->swept) return sim_errf(err, "--vary %s (the sweep's values: %s): %s", p->name, p->swept, what);
    return sim_entry_err(p->entry, err, "%s", what);
}

double sim_param_fix(const sim_param *p, double x)
{
    if (p->count) {
        x = round(x);
        if (x < 0) x = 0;
    }
    return x;
}

/* An uncertain parameter's draw for (trial, inner) from its own stream. */
static double draw(const sim_param *p, uint64_t seed, uint64_t trial, uint64_t inner, gsl_rng *r)
{
    sim_rng_seek(r, seed, trial, p->stream, 0, inner);
    return sim_dist_sample(p->dist, r);
}

void sim_inst_sample2(const sim_inst *inst, uint64_t seed, uint64_t trial, uint64_t inner, gsl_rng *r,
                      double *theta)
{
    for (size_t i = 0; i < inst->nparam; i++) {
        const sim_param *p = &inst->param[i];
        theta[i] = p->uncertain ? draw(p, seed, trial, p->chance ? inner : 0, r) : sim_dist_mean(p->dist);
    }
    if (inst->corr) sim_corr_apply(inst, seed, trial, theta);
    for (size_t i = 0; i < inst->nparam; i++) theta[i] = sim_param_fix(&inst->param[i], theta[i]);
}

void sim_inst_chance(const sim_inst *inst, uint64_t seed, uint64_t trial, uint64_t inner, gsl_rng *r,
                     double *theta)
{
    for (size_t i = 0; i < inst->nparam; i++) {
        const sim_param *p = &inst->param[i];
        if (p->uncertain && p->chance) theta[i] = sim_param_fix(p, draw(p, seed, trial, inner, r));
    }
}

void sim_inst_sample(const sim_inst *inst, uint64_t seed, uint64_t trial, gsl_rng *r, double *theta)
{
    sim_inst_sample2(inst, seed, trial, 0, r, theta);
}

/* The uncertain parameters, those marked chance too or not (their names
 * then go to chance_names, when not NULL). */
static size_t uncertain(const sim_inst *inst, size_t **idx, bool chance_too, sim_buf *chance_names)
{
    size_t n = 0;
    *idx = sim_malloc((inst->nparam + 1) * sizeof **idx);
    for (size_t i = 0; i < inst->nparam; i++) {
        const sim_param *p = &inst->param[i];
        if (!p->uncertain) continue;
        if (chance_too || !p->chance) (*idx)[n++] = i;
        else if (chance_names) sim_buf_printf(chance_names, "%s%s", chance_names->len ? ", " : "", p->name);
    }
    return n;
}

size_t sim_inst_uncertain(const sim_inst *inst, size_t **idx)
{
    return uncertain(inst, idx, true, NULL);
}

size_t sim_inst_studied(const sim_inst *inst, size_t **idx, sim_buf *chance_names)
{
    return uncertain(inst, idx, false, chance_names);
}

bool sim_inst_headline(const sim_inst *inst, size_t o)
{
    bool any = false;
    for (size_t k = 0; k < inst->nout && !any; k++) any = inst->out[k].show >= SIM_SHOW_TABLE;
    return !any || inst->out[o].show >= SIM_SHOW_TABLE;
}

long sim_inst_find_output(const sim_inst *inst, const char *name)
{
    for (size_t i = 0; i < inst->nout; i++)
        if (strcmp(inst->out[i].name, name) == 0) return (long)i;
    return -1;
}

long sim_inst_find_series(const sim_inst *inst, const char *name)
{
    for (size_t i = 0; i < inst->nseries; i++)
        if (strcmp(inst->series[i], name) == 0) return (long)i;
    return -1;
}

long sim_inst_find_param(const sim_inst *inst, const char *name)
{
    for (size_t i = 0; i < inst->nparam; i++)
        if (strcmp(inst->param[i].name, name) == 0) return (long)i;
    return -1;
}

void sim_inst_output_list(const sim_inst *inst, sim_buf *out)
{
    for (size_t i = 0; i < inst->nout; i++) {
        if (i) sim_buf_puts(out, ", ");
        sim_buf_puts(out, inst->out[i].name);
    }
}

static int name_suggest_err(const sim_entry *e, const char *what, const char *name, char **cands, size_t n,
                            sim_err *err)
{
    sim_buf all;
    sim_buf_init(&all);
    for (size_t i = 0; i < n; i++) {
        if (i) sim_buf_puts(&all, ", ");
        sim_buf_puts(&all, cands[i]);
    }
    const char *sug = sim_suggest(name, (const char *const *)cands, n);
    char hint[160] = "";
    if (sug) snprintf(hint, sizeof hint, "did you mean '%s'?; ", sug);
    sim_entry_err(e, err, "unknown %s '%s' (%sallowed: %s)", what, name, hint, all.s);
    sim_buf_free(&all);
    return -1;
}

static bool safe_folder_name(const char *s)
{
    if (!*s || s[0] == '.' || strlen(s) > 64) return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
              *p == '_' || *p == '-'))
            return false;
    return true;
}

static int resolve_engine_sections(sim_inst *inst, sim_err *err)
{
    sim_scenario *sc = &inst->sc;
    char **outs = sim_malloc((inst->nout + 1) * sizeof *outs);
    for (size_t i = 0; i < inst->nout; i++) outs[i] = inst->out[i].name;
    int rc = 0;
    for (size_t i = 0; i < sc->n && rc == 0; i++) {
        const sim_entry *e = &sc->e[i];
        if (strcmp(e->section, "thresholds") != 0) continue;
        long o = sim_inst_find_output(inst, e->key);
        if (o < 0) {
            rc = name_suggest_err(e, "output", e->key, outs, inst->nout, err);
            break;
        }
        for (size_t k = 0; k < e->v.n && rc == 0; k++) {
            for (size_t j = 0; j < k; j++)
                if (e->v.nums[j] == e->v.nums[k]) {
                    rc = sim_entry_err(e, err, "%g is listed twice (allowed: each threshold once)", e->v.nums[k]);
                    break;
                }
            if (rc != 0) break;
            inst->thr = sim_realloc(inst->thr, (inst->nthr + 1) * sizeof *inst->thr);
            inst->thr[inst->nthr++] = (sim_threshold){(size_t)o, e->v.nums[k], e};
        }
    }
    const char **names;
    size_t nobs = sim_sc_sections(sc, "observation", &names);
    for (size_t i = 0; i < nobs && rc == 0; i++) {
        char sec[128];
        snprintf(sec, sizeof sec, "observation.%s", names[i]);
        const sim_entry *es = sim_sc_get(sc, sec, "series"), *eo = sim_sc_get(sc, sec, "output");
        const sim_entry *ed = sim_sc_get(sc, sec, "date"), *ev = sim_sc_get(sc, sec, "value");
        const sim_entry *el = sim_sc_get(sc, sec, "low"), *eh = sim_sc_get(sc, sec, "high");
        const sim_secline *sl = sim_sc_secline(sc, sec);
        sim_observation ob = {0};
        ob.name = sim_strdup(names[i]);
        if (!!es == !!eo) {
            rc = sim_errf(err, "%s:%d: [%s]: give either series = NAME (with date) or output = NAME", sl->file,
                          sl->line, sec);
        } else if (es) {
            long s = sim_inst_find_series(inst, es->v.str);
            if (s < 0) rc = name_suggest_err(es, "series", es->v.str, inst->series, inst->nseries, err);
            else if (!ed) rc = sim_errf(err, "%s:%d: [%s]: missing key 'date' (the day the series was observed)",
                                       sl->file, sl->line, sec);
            else {
                long day = ed->v.date - inst->start_date;
                if (day < 0 || day >= inst->horizon) {
                    char a[11], b[11];
                    sim_format_date(inst->start_date, a);
                    sim_format_date(inst->start_date + inst->horizon - 1, b);
                    rc = sim_entry_err(ed, err, "%s is outside the simulated days (allowed: %s to %s)", ed->text, a,
                                       b);
                }
                ob.is_series = true;
                ob.index = (size_t)s;
                ob.day = (int)day;
                ob.entry = ed;
            }
        } else {
            long o = sim_inst_find_output(inst, eo->v.str);
            if (o < 0) rc = name_suggest_err(eo, "output", eo->v.str, outs, inst->nout, err);
            else if (ed) rc = sim_entry_err(ed, err, "a date goes with series = NAME, not output = NAME");
            ob.index = (size_t)(o < 0 ? 0 : o);
            ob.entry = eo;
        }
        if (rc == 0) {
            if (ev && !el && !eh) ob.low = ob.high = ev->v.x, ob.entry = ev;
            else if (!ev && el && eh) {
                ob.low = el->v.x, ob.high = eh->v.x, ob.entry = el;
                if (ob.low > ob.high) rc = sim_entry_err(el, err, "low %g is above high %g (allowed: low <= high)", ob.low, ob.high);
            } else
                rc = sim_errf(err, "%s:%d: [%s]: no value (allowed: value = X, or low = X and high = Y)", sl->file, sl->line, sec);
        }
        if (rc == 0) {
            inst->obs = sim_realloc(inst->obs, (inst->nobs + 1) * sizeof *inst->obs);
            inst->obs[inst->nobs++] = ob;
        } else {
            free(ob.name);
        }
    }
    free(names);
    free(outs);
    return rc;
}

static int unknown_model(const sim_entry *e, const char *mname, sim_err *err)
{
    const char *names[16];
    size_t n = 0;
    sim_buf all;
    sim_buf_init(&all);
    for (const sim_model *const *m = sim_models(); *m && n < 16; m++) {
        names[n++] = (*m)->name;
        sim_buf_printf(&all, "%s%s", all.len ? ", " : "", (*m)->name);
    }
    const char *sug = sim_suggest(mname, names, n);
    sim_entry_err(e, err, "unknown model '%s' (%s%s%sallowed: %s)", mname, sug ? "did you mean '" : "", sug ? sug : "",
                  sug ? "'?; " : "", all.s);
    sim_buf_free(&all);
    return -1;
}

int sim_inst_open(sim_inst *inst, const char *path, const sim_open_opts *o, sim_err *err)
{
    static const sim_open_opts none = {0};
    if (!o) o = &none;
    memset(inst, 0, sizeof *inst);
    inst->start_date = 0;
    sim_scenario *sc = &inst->sc;
    if (sim_scenario_load(sc, path, err) != 0) return -1;

    const char *mname = sim_sc_text(sc, "scenario", "model");
    if (!mname) {
        sim_buf all;
        sim_buf_init(&all);
        for (const sim_model *const *m = sim_models(); *m; m++)
            sim_buf_printf(&all, "%s%s", all.len ? ", " : "", (*m)->name);
        const sim_secline *sl = sim_sc_secline(sc, "scenario");
        char where[1200];
        if (sl) snprintf(where, sizeof where, "%s:%d", sl->file, sl->line);
        else snprintf(where, sizeof where, "%s", path);
        sim_errf(err, "%s: scenario.model: missing: say which model runs the scenario (allowed: [scenario] model = "
                      "one of %s; or extend a scenario that says it: [scenario] extends = FILE, e.g. the shipped "
                      "scenarios/baseline.ini for the detention model)", where, all.s);
        sim_buf_free(&all);
        goto fail;
    }
    {
        inst->model = sim_model_find(mname);
        if (!inst->model) {
            unknown_model(sim_sc_get(sc, "scenario", "model"), mname, err);
            goto fail;
        }
    }
    const sim_keyspec *parts[3];
    sim_schema schema;
    sim_schema_for(inst->model, &schema, parts);
    for (size_t i = 0; i < o->nsets; i++)
        if (sim_scenario_set(sc, &schema, o->sets[i], (int)i + 1, err) != 0) goto fail;
    /* --set may have renamed the scenario (checked below as a file's name is) */
    const char *nm = sim_sc_text(sc, "scenario", "name");
    if (nm && strcmp(nm, sc->name) != 0) {
        free(sc->name);
        sc->name = sim_strdup(nm);
    }
    /* --set may have changed the model */
    mname = sim_sc_text(sc, "scenario", "model");
    if (mname && (!inst->model || strcmp(inst->model->name, mname) != 0)) {
        inst->model = sim_model_find(mname);
        if (!inst->model) {
            unknown_model(sim_sc_get(sc, "scenario", "model"), mname, err);
            goto fail;
        }
        sim_schema_for(inst->model, &schema, parts);
    }

    /* the registry citations are checked against */
    char *reg_path;
    const sim_entry *srcs = sim_sc_get(sc, "scenario", "sources");
    if (o->sources) reg_path = sim_strdup(o->sources);
    else if (srcs) {
        const char *slash = strrchr(srcs->file, '/');
        reg_path = srcs->text[0] == '/' || !slash || strcmp(srcs->file, "--set") == 0
                       ? sim_strdup(srcs->text)
                       : sim_asprintf("%.*s/%s", (int)(slash - srcs->file), srcs->file, srcs->text);
    } else {
        /* next to the user's file, else next to a scenario it extends, else
         * the shipped registry */
        reg_path = NULL;
        for (size_t i = 0; i < sc->nfiles && !reg_path; i++) reg_path = sim_sources_beside(sc->files[i]);
        if (!reg_path) reg_path = sim_strdup(sim_sources_default());
    }
    sc->sources = sim_calloc(1, sizeof *sc->sources);
    int rrc = sim_sources_load(sc->sources, reg_path, err);
    if (rrc != 0 && srcs && !o->sources && sim_starts_with(err->msg, reg_path) && strstr(err->msg, ": cannot open: "))
        sim_entry_err(srcs, err, "cannot open '%s': %s", srcs->text, strstr(err->msg, ": cannot open: ") + 15);
    free(reg_path);
    if (rrc != 0) {
        free(sc->sources);
        sc->sources = NULL;
        goto fail;
    }

    if (sim_scenario_check(sc, &schema, o->strict, err) != 0) goto fail;
    /* [run] is riskmc's record in a manifest.ini, never read as settings */
    for (size_t i = 0; i < sc->n; i++)
        if (!strcmp(sc->e[i].section, "run") && !sim_sc_get(sc, "run", "riskmc_version")) {
            sim_entry_err(&sc->e[i], err, "[run] is what riskmc writes in a manifest.ini, and is not read (allowed: "
                                          "trials and seed in [scenario]; no [run] section)");
            goto fail;
        }
    if (!safe_folder_name(sc->name)) {
        const sim_entry *e = sim_sc_get(sc, "scenario", "name");
        if (e) {
            sim_entry_err(e, err, "'%s' cannot be a results folder name (allowed: up to 64 letters, digits, '.', "
                                  "'_' or '-', not starting with '.')", sc->name);
            goto fail;
        }
        for (char *p = sc->name; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'))
                *p = '_';
    }
    const sim_entry *e;
    inst->trials = (e = sim_sc_get(sc, "scenario", "trials")) ? (uint64_t)e->v.i : 10000;
    inst->seed = (e = sim_sc_get(sc, "scenario", "seed")) ? (uint64_t)e->v.i : 1;
    inst->title = sim_strdup((e = sim_sc_get(sc, "scenario", "title")) ? e->v.str : sc->name);
    inst->question = sim_strdup((e = sim_sc_get(sc, "scenario", "question")) ? e->v.str : "");

    if (inst->model->compile(inst, err) != 0) goto fail;
    if (resolve_engine_sections(inst, err) != 0) goto fail;
    if (sim_corr_resolve(inst, err) != 0) goto fail;
    /* distinct streams, so no two quantities share random numbers */
    for (size_t i = 0; i < inst->nparam; i++)
        for (size_t j = 0; j < inst->nstream; j++)
            SIM_ASSERT(inst->param[i].stream != inst->stream[j]);
    return 0;
fail:
    sim_inst_close(inst);
    return -1;
}

void sim_inst_close(sim_inst *inst)
{
    if (inst->model && inst->model->release) inst->model->release(inst);
    sim_corr_free(inst->corr);
    for (size_t i = 0; i < inst->nparam; i++) free(inst->param[i].name);
    free(inst->param);
    for (size_t i = 0; i < inst->nout; i++) free(inst->out[i].name), free(inst->out[i].help);
    free(inst->out);
    for (size_t i = 0; i < inst->nseries; i++) free(inst->series[i]), free(inst->series_help[i]);
    free(inst->series);
    free(inst->series_help);
    for (size_t i = 0; i < inst->ngroup; i++) free(inst->group[i]), free(inst->group_by[i]), free(inst->group_note[i]);
    free(inst->group_note);
    for (size_t i = 0; i < inst->nnote; i++) free(inst->note[i]), free(inst->note_params[i]);
    free(inst->note);
    free(inst->note_params);
    free(inst->group);
    free(inst->group_by);
    for (size_t i = 0; i < inst->nstream; i++) free(inst->stream_name[i]);
    free(inst->stream);
    free(inst->stream_name);
    free(inst->thr);
    for (size_t i = 0; i < inst->nobs; i++) free(inst->obs[i].name);
    free(inst->obs);
    free(inst->title);
    free(inst->question);
    if (inst->sc.sources) {
        sim_sources_free(inst->sc.sources);
        free(inst->sc.sources);
    }
    sim_scenario_free(&inst->sc);
    memset(inst, 0, sizeof *inst);
}
