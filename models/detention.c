/* detention.c - the detention, escape and infiltration model (MODEL.md v1).
 *
 * People are whole numbers moved between stocks by binomial, multinomial,
 * Poisson and (multivariate) hypergeometric draws, one day at a time, in
 * the order of MODEL.md section 5. All rates are per year; a per-capita
 * rate h on a day with multiplier m becomes the probability
 * 1 - exp(-h m dt), dt = 1/365.
 *
 * Random streams: one per process and entity (the transfer programme, each
 * facility's escapes, each group at large, ...), with one sub-stream per
 * day (sub-stream t + 1; 0 is the set-up before day 0). A process that draws
 * nothing on a day costs nothing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "model.h"

#define DT (1.0 / 365.0)
#define NONE ((size_t)-1)

/* ------------------------------------------------------------ schema */

#define C SIM_K_CITE
#define R SIM_K_REQUIRED
static const sim_keyspec KEYS[] = {
    {"time", "start_date", SIM_T_DATE, C | R, 0, 0, 0, "first simulated day (day 0)"},
    {"time", "horizon_days", SIM_T_INT, C | R, SIM_DOM_COUNT, 1, 36500, "number of simulated days"},
    {"lists", "groups", SIM_T_NAMES, C | R, 0, 0, 0, "detainee nationality groups"},
    {"lists", "destinations", SIM_T_NAMES, C | R, 0, 0, 0, "places leavers go; must include iraq"},

    {"facility.*", "held0", SIM_T_DIST, C | R, SIM_DOM_COUNT, 0, 0, "detainees held on day 0 (people)"},
    {"facility.*", "share", SIM_T_MAP, C | R, SIM_DOM_SHARES, 0, 0,
     "split of held0 by group (group: share, ...), drawn as a multinomial"},
    {"facility.*", "event_rate", SIM_T_DIST, C | R, SIM_DOM_NONNEG, 0, 0, "mass-escape events per year"},
    {"facility.*", "event_size", SIM_T_DIST, C | R | SIM_K_CHANCE, SIM_DOM_COUNT, 0, 0,
     "escapees in one event (people), drawn afresh for each event"},
    {"facility.*", "trickle_rate", SIM_T_DIST, C | R, SIM_DOM_NONNEG, 0, 0, "individual escapes per detainee-year"},
    {"facility.*", "transfer_eligible", SIM_T_BOOL, C | R, 0, 0, 0, "whether its detainees may be transferred to Iraq"},

    {"initial", "latent0", SIM_T_DIST, C | R, SIM_DOM_COUNT, 0, 0, "latent fighters in Syria on day 0 (people)"},
    {"initial", "escaped0", SIM_T_DIST, C | R, SIM_DOM_COUNT, 0, 0,
     "J: detainees who escaped before day 0; J - Binomial(J, recapture_fraction) start at large"},
    {"initial", "at_large0_share", SIM_T_MAP, C | R, SIM_DOM_SHARES, 0, 0, "split of at_large0 by group"},
    {"initial", "iraq_custody0", SIM_T_DIST, C | R, SIM_DOM_COUNT, 0, 0, "people in Iraqi custody on day 0"},
    {"initial", "dispersed0", SIM_T_DIST, C | R, SIM_DOM_COUNT, 0, 0,
     "people who left the al-Hol camp and live among the population on day 0"},

    {"escape", "recapture_fraction", SIM_T_DIST, C | R, SIM_DOM_PROB, 0, 0,
     "share of each day's escapees recaptured at once"},

    {"transfer", "start", SIM_T_DATE, C | R, 0, 0, 0, "first day of the transfer programme to Iraqi custody"},
    {"transfer", "rate_per_day", SIM_T_DIST, C | R, SIM_DOM_NONNEG, 0, 0, "mean transfers per day (Poisson)"},
    {"transfer", "target_total", SIM_T_DIST, C | R, SIM_DOM_COUNT, 0, 0, "programme ceiling, counting earlier transfers"},
    {"transfer", "done_before_start", SIM_T_DIST, C | R, SIM_DOM_COUNT, 0, 0,
     "transfers made before day 0 (count against the target only)"},
    {"transfer", "halt_rate", SIM_T_DIST, C | R, SIM_DOM_NONNEG, 0, 0, "hazard per year that the programme stops for good"},

    {"repatriation", "groups", SIM_T_NAMES, C | R, 0, 0, 0, "groups repatriated to their countries of origin"},
    {"repatriation", "rate", SIM_T_DIST, C | R, SIM_DOM_NONNEG, 0, 0, "repatriations per detainee-year"},

    {"ct", "removals_per_year", SIM_T_DIST, C | R, SIM_DOM_NONNEG, 0, 0,
     "people neutralized (killed or detained) by counter-terrorism per year"},

    {"infiltration", "rate.*", SIM_T_DIST, C, SIM_DOM_NONNEG, 0, 0,
     "departures from Syria per person-year at large, one key per group (rate.<group>)"},
    {"latent", "infiltration_rate", SIM_T_DIST, C | R, SIM_DOM_NONNEG, 0, 0,
     "departures from Syria per latent fighter-year"},
    {"route", "*", SIM_T_MAP, C, SIM_DOM_SHARES, 0, 0,
     "where leavers go (destination: share, ...), one key per group and one for latent"},

    {"iraq", "breach_rate", SIM_T_DIST, C | R, SIM_DOM_NONNEG, 0, 0, "breaches of Iraqi custody per year"},
    {"iraq", "breach_fraction", SIM_T_DIST, C | R, SIM_DOM_PROB, 0, 0, "share of Iraqi custody escaping in a breach"},

    {"camp", "recruit_rate", SIM_T_DIST, C | R, SIM_DOM_NONNEG, 0, 0,
     "camp leavers joining the latent pool per person-year"},

    {"period.*", "start", SIM_T_DATE, C, 0, 0, 0, "first day of the period (inclusive; open if absent)"},
    {"period.*", "end", SIM_T_DATE, C, 0, 0, 0, "last day of the period (inclusive; open if absent)"},
    {"period.*", "escape", SIM_T_DIST, C, SIM_DOM_NONNEG, 0, 0, "multiplier of escape-event and trickle rates"},
    {"period.*", "transfer", SIM_T_DIST, C, SIM_DOM_NONNEG, 0, 0, "multiplier of the transfer rate"},
    {"period.*", "ct", SIM_T_DIST, C, SIM_DOM_NONNEG, 0, 0, "multiplier of the counter-terrorism rate"},
    {"period.*", "infiltration", SIM_T_DIST, C, SIM_DOM_NONNEG, 0, 0, "multiplier of infiltration rates"},
    {"period.*", "recruit", SIM_T_DIST, C, SIM_DOM_NONNEG, 0, 0, "multiplier of the camp recruit rate"},

    {"shock.*", "date", SIM_T_DATE, C | R, 0, 0, 0, "day of a forced escape event"},
    {"shock.*", "facility", SIM_T_STRING, R | SIM_K_MAYCITE, 0, 0, 0, "facility it strikes"},
    {"shock.*", "size", SIM_T_DIST, C | R, SIM_DOM_COUNT, 0, 0, "escapees (people), capped at the holding"},
    {NULL, NULL, 0, 0, 0, 0, 0, NULL},
};
#undef C
#undef R

enum { M_ESCAPE, M_TRANSFER, M_CT, M_INFILTRATION, M_RECRUIT, NMULT };
static const char *const MULT_KEYS[NMULT] = {"escape", "transfer", "ct", "infiltration", "recruit"};

/* ------------------------------------------------------------ compiled scenario */

typedef struct facility {
    char *name;
    size_t held0, event_rate, trickle;   /* parameter indices */
    const sim_dist *event_size;          /* drawn per event */
    double *share;                       /* [G] */
    bool eligible;
    size_t s_init, s_repat, s_escape;    /* stream slots */
} facility;

typedef struct period {
    long first, last;                    /* day indices, inclusive */
    size_t mult[NMULT];                  /* parameter index or NONE */
} period;

typedef struct shock {
    int day;
    size_t fac, size;
} shock;

typedef struct det {
    int H;
    size_t G, D, F, P, S;
    char **groups, **dests;
    facility *fac;
    period *per;
    shock *shk;                          /* sorted by day */
    /* parameter indices */
    size_t latent0, escaped0, iraq0, dispersed0, recapture;
    size_t tr_rate, tr_target, tr_before, tr_halt;
    size_t rep_rate, ct_removals, latent_inf, breach_rate, breach_frac, recruit;
    size_t *inf_rate;                    /* [G] */
    double *at_large_share;              /* [G] */
    double *route;                       /* [(G + 1) * D], row G is the latent pool */
    bool *repat;                         /* [G] */
    long tr_start;                       /* day index of the programme start (may be < 0) */
    size_t iraq_d;                       /* destination index of iraq */
    /* stream slots */
    size_t s_at_large0, s_transfer, s_iraq, s_latent, s_camp, *s_group;
    /* output and series indices */
    size_t o_escaped, o_recaptured, o_at_large_end, o_latent_end, o_force_end, o_transferred, o_held_end,
        o_repatriated, o_neutralized, o_infiltrated, o_infil0, o_recruits, o_escape_events, o_iraq_breaches,
        o_iraq_escaped, o_first_escape_day;
} det;

/* per-thread working memory */
typedef struct scratch {
    int64_t *held;        /* [F * G] */
    int64_t *at_large;    /* [G] */
    int64_t *infil;       /* [D] */
    int64_t *esc;         /* [G] escapees of the day at one facility */
    unsigned *cells, *take; /* MVHG work, [F * G] */
    unsigned *route_n;    /* [D] */
    double *mult;         /* [NMULT] */
} scratch;

/* ------------------------------------------------------------ compile */

static long index_of(char **names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0) return (long)i;
    return -1;
}

static int unknown_name(const sim_entry *e, const char *what, const char *name, char **names, size_t n,
                        sim_err *err)
{
    sim_buf all;
    sim_buf_init(&all);
    for (size_t i = 0; i < n; i++) sim_buf_printf(&all, "%s%s", i ? ", " : "", names[i]);
    const char *sug = sim_suggest(name, (const char *const *)names, n);
    sim_entry_err(e, err, "unknown %s '%s' (%s%s%sallowed: %s)", what, name, sug ? "did you mean '" : "",
                  sug ? sug : "", sug ? "'?; " : "", all.s);
    sim_buf_free(&all);
    return -1;
}

/* A map over a list: every key must be in the list; missing ones get 0. */
static int map_over(const sim_entry *e, char **names, size_t n, const char *what, double *out, sim_err *err)
{
    for (size_t i = 0; i < n; i++) out[i] = 0;
    for (size_t k = 0; k < e->v.n; k++) {
        long i = index_of(names, n, e->v.names[k]);
        if (i < 0) return unknown_name(e, what, e->v.names[k], names, n, err);
        out[i] = e->v.nums[k];
    }
    return 0;
}

static const sim_entry *get(const sim_inst *inst, const char *sec, const char *key)
{
    return sim_sc_get(&inst->sc, sec, key);
}

static size_t param(sim_inst *inst, const char *sec, const char *key)
{
    const sim_entry *e = get(inst, sec, key);
    return e ? sim_inst_param(inst, e, NULL) : NONE;
}

static char *day_text(long start, long day)
{
    char d[11];
    sim_format_date(start + day, d);
    return sim_strdup(d);
}

static void release(sim_inst *inst);

static int compile(sim_inst *inst, sim_err *err)
{
    det *m = sim_calloc(1, sizeof *m);
    inst->data = m;
    const sim_scenario *sc = &inst->sc;
    const sim_entry *e;

    long start = get(inst, "time", "start_date")->v.date;
    m->H = (int)get(inst, "time", "horizon_days")->v.i;
    inst->start_date = start;
    inst->horizon = m->H;

    e = get(inst, "lists", "groups");
    m->G = e->v.n;
    m->groups = e->v.names;
    e = get(inst, "lists", "destinations");
    m->D = e->v.n;
    m->dests = e->v.names;
    long iraq = index_of(m->dests, m->D, "iraq");
    if (iraq < 0)
        return sim_entry_err(e, err, "the list must include iraq (allowed: any destinations including iraq, where "
                                     "escapes from Iraqi custody count as infiltrated.iraq)");
    m->iraq_d = (size_t)iraq;
    for (size_t g = 0; g < m->G; g++)
        if (strcmp(m->groups[g], "latent") == 0)
            return sim_entry_err(get(inst, "lists", "groups"), err,
                                 "'latent' names the latent pool's route and cannot be a group");

    /* facilities */
    const char **fnames;
    m->F = sim_sc_sections(sc, "facility", &fnames);
    if (m->F == 0) {
        free(fnames);
        return sim_errf(err, "%s: no [facility.NAME] section (allowed: at least one facility with held0, share, "
                             "event_rate, event_size, trickle_rate, transfer_eligible)", sc->path);
    }
    m->fac = sim_calloc(m->F, sizeof *m->fac);
    for (size_t f = 0; f < m->F; f++) {
        facility *fc = &m->fac[f];
        char sec[96];
        snprintf(sec, sizeof sec, "facility.%s", fnames[f]);
        fc->name = sim_strdup(fnames[f]);
        fc->held0 = param(inst, sec, "held0");
        fc->event_rate = param(inst, sec, "event_rate");
        fc->trickle = param(inst, sec, "trickle_rate");
        fc->event_size = &get(inst, sec, "event_size")->v.dist;
        fc->eligible = get(inst, sec, "transfer_eligible")->v.i != 0;
        fc->share = sim_calloc(m->G, sizeof *fc->share);
        if (map_over(get(inst, sec, "share"), m->groups, m->G, "group", fc->share, err) != 0) {
            free(fnames);
            return -1;
        }
        char s[128];
        snprintf(s, sizeof s, "init.%s", sec);
        fc->s_init = sim_inst_stream(inst, s);
        snprintf(s, sizeof s, "repatriation.%s", sec);
        fc->s_repat = sim_inst_stream(inst, s);
        snprintf(s, sizeof s, "escape.%s", sec);
        fc->s_escape = sim_inst_stream(inst, s);
    }
    free(fnames);

    m->latent0 = param(inst, "initial", "latent0");
    m->escaped0 = param(inst, "initial", "escaped0");
    m->iraq0 = param(inst, "initial", "iraq_custody0");
    m->dispersed0 = param(inst, "initial", "dispersed0");
    m->at_large_share = sim_calloc(m->G, sizeof *m->at_large_share);
    if (map_over(get(inst, "initial", "at_large0_share"), m->groups, m->G, "group", m->at_large_share, err) != 0)
        return -1;
    m->recapture = param(inst, "escape", "recapture_fraction");

    m->tr_start = get(inst, "transfer", "start")->v.date - start;
    m->tr_rate = param(inst, "transfer", "rate_per_day");
    m->tr_target = param(inst, "transfer", "target_total");
    m->tr_before = param(inst, "transfer", "done_before_start");
    m->tr_halt = param(inst, "transfer", "halt_rate");

    e = get(inst, "repatriation", "groups");
    m->repat = sim_calloc(m->G, sizeof *m->repat);
    for (size_t k = 0; k < e->v.n; k++) {
        long g = index_of(m->groups, m->G, e->v.names[k]);
        if (g < 0) return unknown_name(e, "group", e->v.names[k], m->groups, m->G, err);
        m->repat[g] = true;
    }
    m->rep_rate = param(inst, "repatriation", "rate");
    m->ct_removals = param(inst, "ct", "removals_per_year");

    /* infiltration rates: one per group, no strangers */
    m->inf_rate = sim_calloc(m->G, sizeof *m->inf_rate);
    for (size_t g = 0; g < m->G; g++) m->inf_rate[g] = NONE;
    for (size_t i = 0; i < sc->n; i++) {
        e = &sc->e[i];
        if (strcmp(e->section, "infiltration") != 0) continue;
        long g = index_of(m->groups, m->G, e->key + 5);
        if (g < 0) return unknown_name(e, "group", e->key + 5, m->groups, m->G, err);
    }
    for (size_t g = 0; g < m->G; g++) {
        char key[80];
        snprintf(key, sizeof key, "rate.%s", m->groups[g]);
        m->inf_rate[g] = param(inst, "infiltration", key);
        if (m->inf_rate[g] == NONE)
            return sim_errf(err, "%s: infiltration.rate.%s: missing (departures per person-year of group %s at "
                                 "large; allowed: [infiltration] rate.%s = ...)",
                            sc->path, m->groups[g], m->groups[g], m->groups[g]);
    }
    m->latent_inf = param(inst, "latent", "infiltration_rate");

    /* routes: one per group and one for the latent pool */
    m->route = sim_calloc((m->G + 1) * m->D, sizeof *m->route);
    for (size_t i = 0; i < sc->n; i++) {
        e = &sc->e[i];
        if (strcmp(e->section, "route") != 0) continue;
        long g = strcmp(e->key, "latent") == 0 ? (long)m->G : index_of(m->groups, m->G, e->key);
        if (g < 0) {
            char **names = sim_malloc((m->G + 1) * sizeof *names);
            memcpy(names, m->groups, m->G * sizeof *names);
            names[m->G] = "latent";
            unknown_name(e, "route (a group or latent)", e->key, names, m->G + 1, err);
            free(names);
            return -1;
        }
        if (map_over(e, m->dests, m->D, "destination", &m->route[(size_t)g * m->D], err) != 0) return -1;
    }
    for (size_t g = 0; g <= m->G; g++) {
        const char *who = g < m->G ? m->groups[g] : "latent";
        if (!get(inst, "route", who))
            return sim_errf(err, "%s: route.%s: missing (where leavers of %s go; allowed: [route] %s = "
                                 "destination: share, ...)", sc->path, who, who, who);
    }

    m->breach_rate = param(inst, "iraq", "breach_rate");
    m->breach_frac = param(inst, "iraq", "breach_fraction");
    m->recruit = param(inst, "camp", "recruit_rate");

    /* periods */
    const char **pnames;
    m->P = sim_sc_sections(sc, "period", &pnames);
    m->per = sim_calloc(m->P ? m->P : 1, sizeof *m->per);
    for (size_t p = 0; p < m->P; p++) {
        char sec[96];
        snprintf(sec, sizeof sec, "period.%s", pnames[p]);
        period *pe = &m->per[p];
        const sim_entry *es = get(inst, sec, "start"), *ee = get(inst, sec, "end");
        pe->first = es ? es->v.date - start : -1000000;
        pe->last = ee ? ee->v.date - start : 1000000;
        if (es && ee && ee->v.date < es->v.date) {
            free(pnames);
            return sim_entry_err(ee, err, "end %s is before start %s (allowed: end on or after start)", ee->text,
                                 es->text);
        }
        int nm = 0;
        for (int k = 0; k < NMULT; k++) {
            pe->mult[k] = param(inst, sec, MULT_KEYS[k]);
            nm += pe->mult[k] != NONE;
        }
        if (nm == 0) {
            const sim_secline *sl = sim_sc_secline(sc, sec);
            free(pnames);
            return sim_errf(err, "%s:%d: [%s]: no multiplier (allowed: escape, transfer, ct, infiltration, recruit)",
                            sl->file, sl->line, sec);
        }
    }
    free(pnames);

    /* shocks */
    const char **snames;
    m->S = sim_sc_sections(sc, "shock", &snames);
    m->shk = sim_calloc(m->S ? m->S : 1, sizeof *m->shk);
    char **facnames = sim_malloc(m->F * sizeof *facnames);
    for (size_t f = 0; f < m->F; f++) facnames[f] = m->fac[f].name;
    int rc = 0;
    for (size_t s = 0; s < m->S && rc == 0; s++) {
        char sec[96];
        snprintf(sec, sizeof sec, "shock.%s", snames[s]);
        const sim_entry *ed = get(inst, sec, "date"), *ef = get(inst, sec, "facility");
        long day = ed->v.date - start;
        if (day < 0 || day >= m->H) {
            char *a = day_text(start, 0), *b = day_text(start, m->H - 1);
            rc = sim_entry_err(ed, err, "%s is outside the horizon (allowed: %s to %s)", ed->text, a, b);
            free(a), free(b);
            break;
        }
        long f = index_of(facnames, m->F, ef->v.str);
        if (f < 0) {
            rc = unknown_name(ef, "facility", ef->v.str, facnames, m->F, err);
            break;
        }
        m->shk[s] = (shock){(int)day, (size_t)f, param(inst, sec, "size")};
    }
    free(facnames);
    free(snames);
    if (rc) return rc;
    /* order of the day: by date, then as written */
    for (size_t i = 1; i < m->S; i++)
        for (size_t j = i; j > 0 && m->shk[j].day < m->shk[j - 1].day; j--) {
            shock t = m->shk[j];
            m->shk[j] = m->shk[j - 1];
            m->shk[j - 1] = t;
        }

    /* streams of the processes that are not per facility */
    m->s_at_large0 = sim_inst_stream(inst, "init.at_large");
    m->s_transfer = sim_inst_stream(inst, "transfer");
    m->s_iraq = sim_inst_stream(inst, "iraq");
    m->s_latent = sim_inst_stream(inst, "latent");
    m->s_camp = sim_inst_stream(inst, "camp");
    m->s_group = sim_calloc(m->G, sizeof *m->s_group);
    for (size_t g = 0; g < m->G; g++) {
        char s[96];
        snprintf(s, sizeof s, "at_large.%s", m->groups[g]);
        m->s_group[g] = sim_inst_stream(inst, s);
    }

    /* outputs (MODEL.md section 6) */
    m->o_escaped = sim_inst_output(inst, "escaped", true, SIM_SHOW_CHART, "detainees who escaped during the run (people)");
    m->o_recaptured = sim_inst_output(inst, "recaptured", true, SIM_SHOW_CSV, "escapees recaptured at once (people)");
    m->o_at_large_end = sim_inst_output(inst, "at_large_end", true, SIM_SHOW_CHART, "escapees at large in Syria at the end (people)");
    m->o_latent_end = sim_inst_output(inst, "latent_end", true, SIM_SHOW_CSV, "latent fighters in Syria at the end (people)");
    m->o_force_end = sim_inst_output(inst, "force_end", true, SIM_SHOW_CHART, "escapees at large plus latent fighters in Syria at the end (people)");
    m->o_transferred = sim_inst_output(inst, "transferred", true, SIM_SHOW_CSV, "transfers to Iraqi custody during the run (people)");
    m->o_held_end = sim_inst_output(inst, "held_end", true, SIM_SHOW_CSV, "detainees held at the end (people)");
    m->o_repatriated = sim_inst_output(inst, "repatriated", true, SIM_SHOW_CSV, "detainees repatriated during the run (people)");
    m->o_neutralized = sim_inst_output(inst, "neutralized", true, SIM_SHOW_CSV, "killed or detained by counter-terrorism (people)");
    m->o_infiltrated = sim_inst_output(inst, "infiltrated", true, SIM_SHOW_CHART, "people who left Syria, all destinations (people)");
    for (size_t d = 0; d < m->D; d++) {
        char name[96], help[128];
        snprintf(name, sizeof name, "infiltrated.%s", m->dests[d]);
        snprintf(help, sizeof help, "people who left Syria for %s (people)", m->dests[d]);
        size_t o = sim_inst_output(inst, name, true, SIM_SHOW_TABLE, help);
        if (d == 0) m->o_infil0 = o;
    }
    sim_inst_group(inst, "infiltrated", "destination");
    m->o_recruits = sim_inst_output(inst, "recruits", true, SIM_SHOW_CSV, "camp leavers who joined the latent pool (people)");
    m->o_escape_events = sim_inst_output(inst, "escape_events", true, SIM_SHOW_CSV, "mass-escape events and shocks (events)");
    m->o_iraq_breaches = sim_inst_output(inst, "iraq_breaches", true, SIM_SHOW_CSV, "breaches of Iraqi custody (events)");
    m->o_iraq_escaped = sim_inst_output(inst, "iraq_escaped", true, SIM_SHOW_CSV, "escapees from Iraqi custody (people)");
    m->o_first_escape_day = sim_inst_output(inst, "first_escape_day", true, SIM_SHOW_CSV,
                                            "day index of the first escape, empty when none (days from day 0)");

    static const char *const SERIES[6][2] = {
        {"held", "detainees held (people)"},
        {"at_large", "escapees at large in Syria (people)"},
        {"latent", "latent fighters in Syria (people)"},
        {"escaped_cum", "escaped since day 0 (people)"},
        {"infiltrated_cum", "left Syria since day 0 (people)"},
        {"transferred_cum", "transferred to Iraqi custody since day 0 (people)"},
    };
    for (size_t s = 0; s < 6; s++) sim_inst_series(inst, SERIES[s][0], SERIES[s][1]);
    return 0;
}

static void release(sim_inst *inst)
{
    det *m = inst->data;
    if (!m) return;
    for (size_t f = 0; f < m->F && m->fac; f++) free(m->fac[f].name), free(m->fac[f].share);
    free(m->fac);
    free(m->per);
    free(m->shk);
    free(m->inf_rate);
    free(m->at_large_share);
    free(m->route);
    free(m->repat);
    free(m->s_group);
    free(m);
    inst->data = NULL;
}

static void *scratch_alloc(const sim_inst *inst)
{
    const det *m = inst->data;
    scratch *s = sim_calloc(1, sizeof *s);
    s->held = sim_calloc(m->F * m->G, sizeof *s->held);
    s->at_large = sim_calloc(m->G, sizeof *s->at_large);
    s->infil = sim_calloc(m->D, sizeof *s->infil);
    s->esc = sim_calloc(m->G, sizeof *s->esc);
    s->cells = sim_calloc(m->F * m->G, sizeof *s->cells);
    s->take = sim_calloc(m->F * m->G, sizeof *s->take);
    s->route_n = sim_calloc(m->D, sizeof *s->route_n);
    s->mult = sim_calloc(NMULT, sizeof *s->mult);
    return s;
}

static void scratch_free(void *p)
{
    scratch *s = p;
    free(s->held), free(s->at_large), free(s->infil), free(s->esc);
    free(s->cells), free(s->take), free(s->route_n), free(s->mult);
    free(s);
}

/* ------------------------------------------------------------ one trial */

static double pday(double rate_per_year)
{
    return -expm1(-rate_per_year * DT);
}

static int64_t binom(const gsl_rng *r, double p, int64_t n)
{
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    return (int64_t)gsl_ran_binomial(r, p, (unsigned)n);
}

/* Draw t of the N = sum(n) people in k cells uniformly at random without
 * replacement (multivariate hypergeometric), by sequential conditional
 * hypergeometric draws. */
static void mvhg(const gsl_rng *r, size_t k, const unsigned *n, unsigned t, unsigned *take)
{
    unsigned long rest = 0;
    for (size_t i = 0; i < k; i++) rest += n[i];
    for (size_t i = 0; i < k; i++) {
        rest -= n[i];
        if (t == 0) take[i] = 0;
        else if (rest == 0) take[i] = t;
        else take[i] = gsl_ran_hypergeometric(r, n[i], (unsigned)rest, t);
        t -= take[i];
    }
}

/* Remove an event of `size` escapees (at least 1, capped at the holding)
 * from facility f, chosen uniformly across groups; adds them to esc. */
static void escape_event(const det *m, scratch *s, size_t f, double size, const gsl_rng *r)
{
    int64_t *held = &s->held[f * m->G];
    int64_t total = 0;
    for (size_t g = 0; g < m->G; g++) total += held[g];
    if (total == 0) return;
    int64_t k = (int64_t)round(size);
    if (k < 1) k = 1;
    if (k > total) k = total;
    for (size_t g = 0; g < m->G; g++) s->cells[g] = (unsigned)held[g];
    mvhg(r, m->G, s->cells, (unsigned)k, s->take);
    for (size_t g = 0; g < m->G; g++) {
        held[g] -= s->take[g];
        s->esc[g] += s->take[g];
    }
}

/* Competing risks for a stock of n: rates h_ct and h_inf (already
 * multiplied); returns the leavers and adds the neutralized. */
static int64_t compete(int64_t *stock, double h_ct, double h_inf, const gsl_rng *r, int64_t *neutralized)
{
    double h = h_ct + h_inf;
    if (*stock <= 0 || h <= 0) return 0;
    double P = pday(h);
    double p[3] = {h_ct / h * P, h_inf / h * P, 0};
    p[2] = 1 - p[0] - p[1];
    unsigned c[3];
    gsl_ran_multinomial(r, 3, (unsigned)*stock, p, c);
    *neutralized += c[0];
    *stock -= (int64_t)c[0] + (int64_t)c[1];
    return c[1];
}

static void route(const det *m, scratch *s, size_t who, int64_t leavers, const gsl_rng *r)
{
    if (leavers <= 0) return;
    gsl_ran_multinomial(r, m->D, (unsigned)leavers, &m->route[who * m->D], s->route_n);
    for (size_t d = 0; d < m->D; d++) s->infil[d] += s->route_n[d];
}

static int trial(const sim_inst *inst, const double *th, sim_trial *tr)
{
    const det *m = inst->data;
    scratch *s = tr->scratch;
    const size_t G = m->G, F = m->F, D = m->D;
    const int H = m->H;

    /* ---- day 0 stocks */
    memset(s->infil, 0, D * sizeof *s->infil);
    for (size_t f = 0; f < F; f++) {
        const facility *fc = &m->fac[f];
        gsl_ran_multinomial(sim_trial_rng(tr, fc->s_init, 0), G, (unsigned)th[fc->held0], fc->share, s->take);
        for (size_t g = 0; g < G; g++) s->held[f * G + g] = s->take[g];
    }
    double rec = th[m->recapture];
    {
        const gsl_rng *r = sim_trial_rng(tr, m->s_at_large0, 0);
        int64_t J = (int64_t)th[m->escaped0];
        int64_t A = J - binom(r, rec, J);
        gsl_ran_multinomial(r, G, (unsigned)A, m->at_large_share, s->take);
        for (size_t g = 0; g < G; g++) s->at_large[g] = s->take[g];
    }
    int64_t latent = (int64_t)th[m->latent0];
    int64_t dispersed = (int64_t)th[m->dispersed0];
    int64_t iraq = (int64_t)th[m->iraq0];
    int64_t at_large_sum = 0;
    for (size_t g = 0; g < G; g++) at_large_sum += s->at_large[g];
    /* the same count of operations spreads over the pool the trial drew */
    double ct_rate = latent + at_large_sum > 0 ? th[m->ct_removals] / (double)(latent + at_large_sum) : 0;

    int64_t transferred_total = (int64_t)th[m->tr_before], transferred = 0;
    const int64_t target = (int64_t)th[m->tr_target];
    bool halted = false;
    int64_t escaped = 0, recaptured = 0, repatriated = 0, neutralized = 0, recruits = 0;
    int64_t escape_events = 0, iraq_breaches = 0, iraq_escaped = 0;
    long first_escape = -1;

    int64_t conserved0 = latent + dispersed + iraq;
    for (size_t i = 0; i < F * G; i++) conserved0 += s->held[i];
    for (size_t g = 0; g < G; g++) conserved0 += s->at_large[g];
    if (conserved0 > (int64_t)2000000000) {
        sim_errf(tr->err, "trial %llu: %lld people on day 0 (allowed: at most 2,000,000,000)",
                 (unsigned long long)tr->trial, (long long)conserved0);
        return -1;
    }

    const double p_halt = pday(th[m->tr_halt]);
    const double p_rep = pday(th[m->rep_rate]);
    const double p_breach = pday(th[m->breach_rate]);
    size_t next_shock = 0;

    for (int t = 0; t < H; t++) {
        const uint64_t sub = (uint64_t)t + 1;
        /* 1. multipliers of the periods active today */
        double *mu = s->mult;
        for (int k = 0; k < NMULT; k++) mu[k] = 1;
        for (size_t p = 0; p < m->P; p++) {
            const period *pe = &m->per[p];
            if (t < pe->first || t > pe->last) continue;
            for (int k = 0; k < NMULT; k++)
                if (pe->mult[k] != NONE) mu[k] *= th[pe->mult[k]];
        }

        /* 2. transfer programme */
        if (t >= m->tr_start && !halted) {
            int64_t remaining = target - transferred_total;
            int64_t eligible = 0;
            size_t k = 0;
            for (size_t f = 0; f < F; f++)
                if (m->fac[f].eligible)
                    for (size_t g = 0; g < G; g++) eligible += s->held[f * G + g];
            double lam = th[m->tr_rate] * mu[M_TRANSFER];
            if (remaining > 0 && eligible > 0) {
                const gsl_rng *r = sim_trial_rng(tr, m->s_transfer, sub);
                int64_t q = lam > 0 ? (int64_t)gsl_ran_poisson(r, lam) : 0;
                if (q > remaining) q = remaining;
                if (q > eligible) q = eligible;
                if (q > 0) {
                    for (size_t f = 0; f < F; f++)
                        if (m->fac[f].eligible)
                            for (size_t g = 0; g < G; g++) s->cells[k++] = (unsigned)s->held[f * G + g];
                    mvhg(r, k, s->cells, (unsigned)q, s->take);
                    k = 0;
                    for (size_t f = 0; f < F; f++)
                        if (m->fac[f].eligible)
                            for (size_t g = 0; g < G; g++) s->held[f * G + g] -= s->take[k++];
                    iraq += q;
                    transferred += q;
                    transferred_total += q;
                }
                if (p_halt > 0 && gsl_rng_uniform(r) < p_halt) halted = true;
            }
        }

        /* 3. repatriation */
        if (p_rep > 0)
            for (size_t f = 0; f < F; f++)
                for (size_t g = 0; g < G; g++) {
                    int64_t *h = &s->held[f * G + g];
                    if (!m->repat[g] || *h == 0) continue;
                    int64_t x = binom(sim_trial_rng(tr, m->fac[f].s_repat, sub), p_rep, *h);
                    *h -= x;
                    repatriated += x;
                }

        /* 4. escapes, facility by facility */
        for (size_t f = 0; f < F; f++) {
            const facility *fc = &m->fac[f];
            int64_t *held = &s->held[f * G];
            int64_t total = 0;
            for (size_t g = 0; g < G; g++) total += held[g];
            bool has_shock = next_shock < m->S && m->shk[next_shock].day == t;
            if (total == 0) continue;
            const double pe = pday(th[fc->event_rate] * mu[M_ESCAPE]);
            const double pt = pday(th[fc->trickle] * mu[M_ESCAPE]);
            if (pe <= 0 && pt <= 0 && !has_shock) continue;
            const gsl_rng *r = sim_trial_rng(tr, fc->s_escape, sub);
            memset(s->esc, 0, G * sizeof *s->esc);
            int64_t events = 0;
            if (pe > 0 && gsl_rng_uniform(r) < pe) {
                escape_event(m, s, f, sim_dist_sample(fc->event_size, r), r);
                events++;
            }
            for (size_t k = next_shock; k < m->S && m->shk[k].day == t; k++) {
                if (m->shk[k].fac != f) continue;
                int64_t left = 0;
                for (size_t g = 0; g < G; g++) left += held[g];
                if (left == 0) continue;
                escape_event(m, s, f, th[m->shk[k].size], r);
                events++;
            }
            if (pt > 0)
                for (size_t g = 0; g < G; g++) {
                    int64_t x = binom(r, pt, held[g]);
                    held[g] -= x;
                    s->esc[g] += x;
                }
            int64_t day_esc = 0;
            for (size_t g = 0; g < G; g++) {
                if (s->esc[g] == 0) continue;
                int64_t back = binom(r, rec, s->esc[g]);
                recaptured += back;
                s->at_large[g] += s->esc[g] - back;
                day_esc += s->esc[g];
            }
            escape_events += events;
            escaped += day_esc;
            if (day_esc > 0 && first_escape < 0) first_escape = t;
        }
        while (next_shock < m->S && m->shk[next_shock].day == t) next_shock++;

        /* 5. breach of Iraqi custody */
        if (iraq > 0 && p_breach > 0) {
            const gsl_rng *r = sim_trial_rng(tr, m->s_iraq, sub);
            if (gsl_rng_uniform(r) < p_breach) {
                int64_t b = binom(r, th[m->breach_frac], iraq);
                iraq -= b;
                iraq_escaped += b;
                s->infil[m->iraq_d] += b;
                iraq_breaches++;
            }
        }

        /* 6. at large: neutralized or leave Syria */
        const double h_ct = ct_rate * mu[M_CT];
        for (size_t g = 0; g < G; g++) {
            if (s->at_large[g] == 0) continue;
            const double h_inf = th[m->inf_rate[g]] * mu[M_INFILTRATION];
            if (h_ct + h_inf <= 0) continue;
            const gsl_rng *r = sim_trial_rng(tr, m->s_group[g], sub);
            route(m, s, g, compete(&s->at_large[g], h_ct, h_inf, r, &neutralized), r);
        }

        /* 7. latent pool */
        if (latent > 0) {
            const double h_inf = th[m->latent_inf] * mu[M_INFILTRATION];
            if (h_ct + h_inf > 0) {
                const gsl_rng *r = sim_trial_rng(tr, m->s_latent, sub);
                route(m, s, G, compete(&latent, h_ct, h_inf, r, &neutralized), r);
            }
        }

        /* 8. camp leavers join the latent pool */
        if (dispersed > 0) {
            double p = pday(th[m->recruit] * mu[M_RECRUIT]);
            if (p > 0) {
                int64_t x = binom(sim_trial_rng(tr, m->s_camp, sub), p, dispersed);
                dispersed -= x;
                latent += x;
                recruits += x;
            }
        }

        /* 9. the day's record, and the conservation check */
        int64_t held_sum = 0, al = 0, inf = 0;
        for (size_t i = 0; i < F * G; i++) held_sum += s->held[i];
        for (size_t g = 0; g < G; g++) al += s->at_large[g];
        for (size_t d = 0; d < D; d++) inf += s->infil[d];
        int64_t total = held_sum + al + latent + dispersed + iraq + recaptured + repatriated + neutralized + inf;
        if (total != conserved0) {
            char date[11];
            sim_format_date(inst->start_date + t, date);
            tr->fail_day = t;
            sim_errf(tr->err,
                     "trial %llu, day %d (%s): people not conserved: %lld instead of %lld (a bug in the model; "
                     "please report it with the scenario and seed)",
                     (unsigned long long)tr->trial, t, date, (long long)total, (long long)conserved0);
            return -1;
        }
        sim_trial_record(tr, H, 0, t, held_sum);
        sim_trial_record(tr, H, 1, t, al);
        sim_trial_record(tr, H, 2, t, latent);
        sim_trial_record(tr, H, 3, t, escaped);
        sim_trial_record(tr, H, 4, t, inf);
        sim_trial_record(tr, H, 5, t, transferred);
    }

    /* ---- outputs */
    double *o = tr->out;
    int64_t held_end = 0, al_end = 0, inf_end = 0;
    for (size_t i = 0; i < F * G; i++) held_end += s->held[i];
    for (size_t g = 0; g < G; g++) al_end += s->at_large[g];
    for (size_t d = 0; d < D; d++) inf_end += s->infil[d];
    o[m->o_escaped] = (double)escaped;
    o[m->o_recaptured] = (double)recaptured;
    o[m->o_at_large_end] = (double)al_end;
    o[m->o_latent_end] = (double)latent;
    o[m->o_force_end] = (double)(al_end + latent);
    o[m->o_transferred] = (double)transferred;
    o[m->o_held_end] = (double)held_end;
    o[m->o_repatriated] = (double)repatriated;
    o[m->o_neutralized] = (double)neutralized;
    o[m->o_infiltrated] = (double)inf_end;
    for (size_t d = 0; d < D; d++) o[m->o_infil0 + d] = (double)s->infil[d];
    o[m->o_recruits] = (double)recruits;
    o[m->o_escape_events] = (double)escape_events;
    o[m->o_iraq_breaches] = (double)iraq_breaches;
    o[m->o_iraq_escaped] = (double)iraq_escaped;
    o[m->o_first_escape_day] = first_escape < 0 ? NAN : (double)first_escape;
    return 0;
}

const sim_model sim_model_detention = {
    "detention",
    "ISIS detention, escape and infiltration in north-east Syria (MODEL.md v1)",
    KEYS,
    compile,
    release,
    scratch_alloc,
    scratch_free,
    trial,
};
