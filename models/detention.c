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
#include "sample.h"

#define DT (1.0 / 365.0)
#define NONE ((size_t)-1)
#define DAY0_MAX 2000000000 /* people on day 0 in all, so that any stock fits GSL's unsigned counts */

/* ------------------------------------------------------------ schema */

#define C SIM_K_CITE
#define R SIM_K_REQUIRED
static const sim_keyspec KEYS[] = {
    {"time", "start_date", SIM_T_DATE, C | R, 0, 0, 0, "first simulated day (day 0)"},
    {"time", "horizon_days", SIM_T_INT, C | R, SIM_DOM_COUNT, 1, 36500, "number of simulated days"},
    {"lists", "groups", SIM_T_NAMES, C | R, 0, 0, 0, "detainee nationality groups"},
    {"lists", "destinations", SIM_T_NAMES, C | R, 0, 0, 0, "places leavers go; must include iraq"},

    {"facility.*", "held0", SIM_T_DIST, C, SIM_DOM_COUNT, 0, 0, "detainees held on day 0 (people)"},
    {"facility.*", "share", SIM_T_MAP, C, SIM_DOM_SHARES, 0, 0,
     "split of held0 by group (group: share, ...), drawn as a multinomial"},
    {"facility.*", "held0.*", SIM_T_DIST, C, SIM_DOM_COUNT, 0, 0,
     "detainees of the group held on day 0 (people), instead of held0 and share; groups not given hold nobody"},
    {"facility.*", "event_rate", SIM_T_DIST, C | R, SIM_DOM_NONNEG, 0, 0, "mass-escape events per year"},
    {"facility.*", "event_size", SIM_T_DIST, C | R | SIM_K_CHANCE, SIM_DOM_COUNT, 0, 0,
     "escapees in one event (people), drawn afresh for each event"},
    {"facility.*", "trickle_rate", SIM_T_DIST, C | R, SIM_DOM_NONNEG, 0, 0, "individual escapes per detainee-year"},
    {"facility.*", "transfer_eligible", SIM_T_BOOL, C | R, 0, 0, 0, "whether its detainees may be transferred to Iraq"},

    {"initial", "latent0", SIM_T_DIST, C | R, SIM_DOM_COUNT, 0, 0, "latent fighters in Syria on day 0 (people)"},
    {"initial", "escaped0", SIM_T_DIST, C | R, SIM_DOM_COUNT, 0, 0,
     "J: detainees who escaped before day 0; J - Binomial(J, recapture_fraction) start at large"},
    {"initial", "at_large0_share", SIM_T_MAP, C, SIM_DOM_SHARES, 0, 0,
     "split of at_large0 by group; when absent, the held0 shares (MODEL.md 7), weighted by each facility's day-0 "
     "holdings"},
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
    {"shock.*", "size", SIM_T_DIST, C | R, SIM_DOM_COUNT, 0, 0, "escapees (people), capped at the holding; 0 is no break"},
    {NULL, NULL, 0, 0, 0, 0, 0, NULL},
};
#undef C
#undef R

/* MODEL.md's defaults: the lists of section 2, and the two rates section 7
 * sets to 0 as assumptions. */
static const sim_keydefault DEFAULTS[] = {
    {"lists", "groups", "syrian, other_arab, iraqi, foreign", "F08"},
    {"lists", "destinations", "iraq, turkey, jordan, lebanon, europe, west_asia, africa, other", "F14"},
    {"facility.*", "trickle_rate", "0", "assumption"},
    {"transfer", "halt_rate", "0", "assumption"},
    {NULL, NULL, NULL, NULL},
};

enum { M_ESCAPE, M_TRANSFER, M_CT, M_INFILTRATION, M_RECRUIT, NMULT };
static const char *const MULT_KEYS[NMULT] = {"escape", "transfer", "ct", "infiltration", "recruit"};

/* ------------------------------------------------------------ compiled scenario */

typedef struct facility {
    char *name;
    size_t held0, event_rate, trickle;   /* parameter indices */
    const sim_dist *event_size;          /* drawn per event */
    double *share;                       /* [G], the split of held0; NULL with held0.<group> */
    size_t *held0_g;                     /* [G] parameter indices (NONE: holds nobody), or NULL */
    size_t nheld0_g;                     /* groups given a held0.<group> */
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
    size_t *mrate, nmrate;               /* the rates periods multiply (scale_ok) */
    double *at_large_share;              /* [G], or NULL: split as held0 */
    double *route;                       /* [(G + 1) * D], row G is the latent pool */
    bool *repat;                         /* [G] */
    long tr_start;                       /* day index of the programme start (may be < 0) */
    bool *change;                        /* [H]: day 0, and days a period starts or ends after */
    int *seg_end;                        /* [H]: the first change day after day t, or H */
    gsl_ran_discrete_t **route_tab;      /* [G + 1] alias tables of the routes */
    double *route_cum;                   /* [(G + 1) * D] cumulative route shares, 1 from the last positive one */
    size_t iraq_d;                       /* destination index of iraq */
    /* stream slots */
    size_t s_at_large0, s_transfer, s_iraq, s_latent, s_camp, *s_group;
    /* output and series indices */
    size_t o_escaped, o_recaptured, o_at_large_end, o_latent_end, o_force_end, o_transferred, o_held_end,
        o_repatriated, o_neutralized, o_infiltrated, o_infil0, o_recruits, o_escape_events, o_iraq_breaches,
        o_iraq_escaped, o_first_escape_day;
} det;

/* Event clocks of the fast stepper: the day each quiet process next acts. */
enum { K_EVENT, K_TRICKLE, K_REPAT, K_PER_FACILITY };

/* One trial's state, in per-thread working memory. */
typedef struct state {
    int64_t *held;        /* [F * G] detained, by facility and group */
    int64_t *at_large;    /* [G] escaped, not recaptured, in Syria */
    int64_t *infil;       /* [D] cumulative leavers by destination */
    int64_t latent, dispersed, iraq;
    int64_t *esc;         /* [G] escapees of the day at one facility */
    unsigned *cells, *take; /* multivariate hypergeometric work, [F * G + G] */
    unsigned *route_n;    /* [D] */
    double *al_share;     /* [G] day-0 split of the at-large by the facilities' held0 shares */
    double mu[NMULT];     /* today's multipliers */
    double rec, ct_rate;  /* recapture fraction; counter-terrorism rate per person-year */
    int64_t transferred_total, transferred, target;
    bool halted, active_seen;
    int64_t escaped, recaptured, repatriated, neutralized, recruits;
    int64_t escape_events, iraq_breaches, iraq_escaped;
    long first_escape;
    int64_t conserved0;
    /* fast stepper: next event day and "redraw" flag per clock:
     * facilities (K_PER_FACILITY each), groups at large, latent, camp, Iraq */
    int64_t *next;
    bool *dirty;
    sim_hazard *hz;       /* each clock's hazard, recomputed when it changes */
    int64_t next_halt;
    /* fast stepper, latent pool: departures drawn ahead for the days of the
     * current segment (days with the same multipliers), by day t and kind
     * (neutralized, then each destination) at lat_cnt[t * (1 + D) + kind] */
    int32_t *lat_cnt;
    int64_t lat_pending;  /* drawn, days not yet reached */
    int lat_end;          /* the segment's end (exclusive) */
    bool lat_ahead;       /* this segment's departures are drawn ahead */
    double lat_h, lat_q;  /* daily hazard of leaving; share of it neutralized */
    /* the same for the camp: leavers by day, and the latent fate of each */
    int32_t *camp_cnt;    /* [H] */
    int64_t camp_pending;
    bool camp_ahead;
    bool naive;           /* the daily stepper: GSL's samplers only, as a reference */
} state;

/* ------------------------------------------------------------ compile */

static long index_of(char **names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0) return (long)i;
    return -1;
}

/* list: NULL, or the entry that set the names (lists.groups,
 * lists.destinations) when it was written nearer the user than e (see
 * nearer_list): a child or --set dropped a name its parent still uses, and
 * the message says where, since that is what to look at. */
static int unknown_name(const sim_entry *e, const char *what, const char *name, char **names, size_t n,
                        const sim_entry *list, sim_err *err)
{
    sim_buf all;
    sim_buf_init(&all);
    for (size_t i = 0; i < n; i++) sim_buf_printf(&all, "%s%s", i ? ", " : "", names[i]);
    if (list) sim_buf_printf(&all, ", as %s set at %s:%d", list->full, list->file, list->line);
    const char *sug = sim_suggest(name, (const char *const *)names, n);
    sim_entry_err(e, err, "unknown %s '%s' (%s%s%sallowed: %s)", what, name, sug ? "did you mean '" : "",
                  sug ? sug : "", sug ? "'?; " : "", all.s);
    sim_buf_free(&all);
    return -1;
}

/* A map over a list: every key must be in the list; missing ones get 0. */
static int map_over(const sim_entry *e, char **names, size_t n, const char *what, const sim_entry *list,
                    double *out, sim_err *err)
{
    for (size_t i = 0; i < n; i++) out[i] = 0;
    for (size_t k = 0; k < e->v.n; k++) {
        long i = index_of(names, n, e->v.names[k]);
        if (i < 0) return unknown_name(e, what, e->v.names[k], names, n, list, err);
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

/* How far from the user an entry was written: 0 for --set (and a schema
 * default), then the user's file, then each file it extends. */
static size_t written_depth(const sim_scenario *sc, const sim_entry *e)
{
    for (size_t i = 0; i < sc->nfiles; i++)
        if (strcmp(sc->files[i], e->file) == 0) return i + 1;
    return 0;
}

/* lists.<key> when it was written nearer the user than e (a child's file or
 * --set, e a parent's), else NULL: for unknown_name. */
static const sim_entry *nearer_list(const sim_inst *inst, const sim_entry *e, const char *key)
{
    const sim_entry *l = get(inst, "lists", key);
    return l && l->line > 0 && written_depth(&inst->sc, l) < written_depth(&inst->sc, e) ? l : NULL;
}

/* Whether every group of the list ge can be one: none named latent (the
 * latent pool's route), none too long for its held0.<group> key. Returns 0,
 * or -1 with err filled (when not NULL). */
static int groups_ok(const sim_entry *ge, sim_err *err)
{
    for (size_t g = 0; g < ge->v.n; g++) {
        const char *name = ge->v.names[g];
        if (strlen(name) > 42) /* held0.<group> must fit a key's 48 characters */
            return sim_entry_err(ge, err,
                                 "group '%.42s...' is %zu characters long (allowed: at most 42, so that its "
                                 "held0.<group> key fits the 48 characters of a key)",
                                 name, strlen(name));
        if (strcmp(name, "latent") == 0)
            return sim_entry_err(ge, err, "'latent' names the latent pool's route and cannot be a group");
    }
    return 0;
}

/* Whether a key of section sec names something other than a group (or
 * latent, when `latent`): compile's error about that name comes first. */
static bool names_stranger(const sim_scenario *sc, const sim_value *groups, const char *sec, size_t skip,
                           bool latent)
{
    for (size_t i = 0; i < sc->n; i++) {
        const sim_entry *e = &sc->e[i];
        if (strcmp(e->section, sec) != 0) continue;
        const char *name = e->key + skip;
        if (!(latent && strcmp(name, "latent") == 0) && index_of(groups->names, groups->n, name) < 0) return true;
    }
    return false;
}

/* The required keys the KEYS table cannot state: a facility, each
 * facility's holdings, an infiltration rate per group, a route per group and
 * one for the latent pool. */
static void missing(const sim_scenario *sc, sim_missing *out)
{
    const sim_entry *ge = sim_sc_get(sc, "lists", "groups");
    if (!ge) return; /* a default: never absent */
    /* a group compile refuses (latent, or too long for its keys) is told
     * first, not asked for keys it could not have */
    if (groups_ok(ge, NULL) != 0) return;
    const sim_value *groups = &ge->v;

    const char **fnames;
    size_t F = sim_sc_sections(sc, "facility", &fnames);
    if (F == 0)
        sim_missing_add(out, "facility", false,
                        "%s: no [facility.NAME] section (allowed: at least one facility with held0 and share or "
                        "held0.<group>, event_rate, event_size, trickle_rate, transfer_eligible)",
                        sc->path);
    for (size_t f = 0; f < F; f++) {
        char sec[96];
        snprintf(sec, sizeof sec, "facility.%s", fnames[f]);
        bool any = false;
        for (size_t i = 0; i < sc->n && !any; i++)
            any = strcmp(sc->e[i].section, sec) == 0 &&
                  (!strcmp(sc->e[i].key, "held0") || !strcmp(sc->e[i].key, "share") ||
                   !strncmp(sc->e[i].key, "held0.", 6));
        if (any) continue;
        const sim_entry *rm = sim_sc_removed(sc, sec, "held0");
        if (!rm) rm = sim_sc_removed(sc, sec, "share");
        const sim_secline *sl = sim_sc_secline(sc, sec);
        if (rm) /* a child's remove took them */
            sim_missing_add(out, sec, false,
                            "%s:%d: scenario.remove: leaves [%s] without held0 and share (allowed: held0 = ... with "
                            "share = group: share, ..., or held0.<group> = ... for each group held, written in [%s])",
                            rm->file, rm->line, sec, sec);
        else
            sim_missing_add(out, sec, false,
                            "%s:%d: [%s]: missing key 'held0' (detainees held on day 0 (people), with share = group: "
                            "share, ...; or held0.<group> = ... for each group held)",
                            sl->file, sl->line, sec);
    }
    free(fnames);

    if (!names_stranger(sc, groups, "infiltration", 5, false))
        for (size_t g = 0; g < groups->n; g++) {
            char key[80], help[160];
            snprintf(key, sizeof key, "rate.%s", groups->names[g]);
            snprintf(help, sizeof help, "departures per person-year of group %s at large", groups->names[g]);
            if (!sim_sc_get(sc, "infiltration", key)) sim_missing_key(out, sc, "infiltration", key, help, NULL, false);
        }
    if (!names_stranger(sc, groups, "route", 0, true))
        for (size_t g = 0; g <= groups->n; g++) {
            const char *who = g < groups->n ? groups->names[g] : "latent";
            char help[160];
            snprintf(help, sizeof help, "where leavers of %s go", who);
            if (!sim_sc_get(sc, "route", who))
                sim_missing_key(out, sc, "route", who, help, "destination: share, ...", false);
        }
}

/* A facility's day-0 holdings: held0 split by share (a multinomial), or
 * held0.<group> for the groups it holds, never both. */
static int holdings(sim_inst *inst, const det *m, const char *sec, facility *fc, sim_err *err)
{
    const sim_scenario *sc = &inst->sc;
    const sim_entry *by_group = NULL; /* the held0.<group> written nearest the user */
    sim_buf keys;                     /* all of them, for a remove = line */
    sim_buf_init(&keys);
    for (size_t i = 0; i < sc->n; i++) {
        const sim_entry *e = &sc->e[i];
        if (strcmp(e->section, sec) != 0 || strncmp(e->key, "held0.", 6) != 0) continue;
        if (index_of(m->groups, m->G, e->key + 6) < 0) {
            sim_buf_free(&keys);
            return unknown_name(e, "group", e->key + 6, m->groups, m->G, nearer_list(inst, e, "groups"), err);
        }
        if (!by_group || written_depth(sc, e) < written_depth(sc, by_group)) by_group = e;
        sim_buf_printf(&keys, "%s%s", keys.len ? ", " : "", e->full);
    }
    const sim_entry *held0 = get(inst, sec, "held0"), *share = get(inst, sec, "share");
    const sim_entry *total = held0 && (!share || written_depth(sc, held0) <= written_depth(sc, share)) ? held0 : share;
    if (by_group && total) {
        /* the error points at what was written last, and removes the other
         * form where a scenario it extends wrote that */
        const size_t dt = written_depth(sc, total), dg = written_depth(sc, by_group);
        const bool total_last = dt < dg;
        const sim_entry *at = total_last ? total : by_group, *other = total_last ? by_group : total;
        char *fix = dt == dg ? sim_strdup("write one of them")
                    : total_last ? sim_asprintf("remove = %s", keys.s)
                                 : sim_asprintf("remove = %s.held0, %s.share", sec, sec);
        sim_entry_err(at, err, "given with %s, set at %s:%d (allowed: held0 and share, or held0.<group> keys, not "
                               "both: %s)",
                      other->full, other->file, other->line, fix);
        free(fix);
        sim_buf_free(&keys);
        return -1;
    }
    sim_buf_free(&keys);
    if (by_group) {
        fc->held0 = NONE;
        fc->held0_g = sim_calloc(m->G, sizeof *fc->held0_g);
        for (size_t g = 0; g < m->G; g++) {
            char key[96];
            snprintf(key, sizeof key, "held0.%s", m->groups[g]);
            fc->held0_g[g] = param(inst, sec, key);
            fc->nheld0_g += fc->held0_g[g] != NONE;
        }
        return 0;
    }
    if (held0 && !share)
        return sim_entry_err(held0, err, "given without share (allowed: held0 with share = group: share, ..., the "
                                         "split of held0 by group; or held0.<group> = ... for each group held, "
                                         "instead of both)");
    if (share && !held0)
        return sim_entry_err(share, err, "given without held0 (allowed: share with held0 = ..., the detainees held "
                                         "on day 0 (people); or held0.<group> = ... for each group held, instead of "
                                         "both)");
    SIM_ASSERT(held0 || !"a facility without holdings passed missing()");
    fc->held0 = sim_inst_param(inst, held0, NULL);
    fc->share = sim_calloc(m->G, sizeof *fc->share);
    return map_over(share, m->groups, m->G, "group", nearer_list(inst, share, "groups"), fc->share, err);
}

static void release(sim_inst *inst);
static int limits_ok(const sim_inst *inst, const det *m, sim_err *err);

/* ct_rate spreads ct.removals_per_year over the day-0 pool (MODEL.md 5): when
 * the scenario makes that pool empty in every trial, counter-terrorism
 * neutralizes nobody, not even those who escape later. Say so at opening. */
static void note_empty_ct_pool(sim_inst *inst, const det *m)
{
    const sim_param *lat = &inst->param[m->latent0], *esc = &inst->param[m->escaped0],
                    *ct = &inst->param[m->ct_removals];
    double lo, lat_hi, esc_hi, ct_hi;
    sim_dist_support(lat->dist, &lo, &lat_hi);
    sim_dist_support(esc->dist, &lo, &esc_hi);
    sim_dist_support(ct->dist, &lo, &ct_hi);
    const size_t on[] = {m->latent0, m->escaped0, m->ct_removals};
    if (lat_hi < 0.5 && esc_hi < 0.5 && ct_hi > 0)
        sim_inst_note(inst, on, 3,
                      "%s:%d: %s: ct_rate (MODEL.md 5) spreads the removals over the day-0 pool, %s + the "
                      "at-large of %s, which is 0 in every trial: counter-terrorism neutralizes nobody, not even "
                      "those who escape later (neutralized is 0)",
                      ct->entry->file, ct->entry->line, ct->name, lat->name, esc->name);
}

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
    if (groups_ok(get(inst, "lists", "groups"), err) != 0) return -1;

    /* facilities */
    const char **fnames;
    m->F = sim_sc_sections(sc, "facility", &fnames);
    SIM_ASSERT(m->F > 0); /* missing() requires one */
    m->fac = sim_calloc(m->F, sizeof *m->fac);
    for (size_t f = 0; f < m->F; f++) {
        facility *fc = &m->fac[f];
        char sec[96];
        snprintf(sec, sizeof sec, "facility.%s", fnames[f]);
        fc->name = sim_strdup(fnames[f]);
        if (holdings(inst, m, sec, fc, err) != 0) {
            free(fnames);
            return -1;
        }
        fc->event_rate = param(inst, sec, "event_rate");
        fc->trickle = param(inst, sec, "trickle_rate");
        fc->event_size = &get(inst, sec, "event_size")->v.dist;
        fc->eligible = get(inst, sec, "transfer_eligible")->v.i != 0;
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
    if (get(inst, "initial", "at_large0_share")) {
        m->at_large_share = sim_calloc(m->G, sizeof *m->at_large_share);
        const sim_entry *als = get(inst, "initial", "at_large0_share");
        if (map_over(als, m->groups, m->G, "group", nearer_list(inst, als, "groups"), m->at_large_share, err) != 0)
            return -1;
    }
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
        if (g < 0)
            return unknown_name(e, "group", e->v.names[k], m->groups, m->G, nearer_list(inst, e, "groups"), err);
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
        if (g < 0)
            return unknown_name(e, "group", e->key + 5, m->groups, m->G, nearer_list(inst, e, "groups"), err);
    }
    for (size_t g = 0; g < m->G; g++) {
        char key[80];
        snprintf(key, sizeof key, "rate.%s", m->groups[g]);
        m->inf_rate[g] = param(inst, "infiltration", key);
        SIM_ASSERT(m->inf_rate[g] != NONE); /* missing() requires each */
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
            unknown_name(e, "route (a group or latent)", e->key, names, m->G + 1, nearer_list(inst, e, "groups"),
                         err);
            free(names);
            return -1;
        }
        if (map_over(e, m->dests, m->D, "destination", nearer_list(inst, e, "destinations"),
                     &m->route[(size_t)g * m->D], err) != 0)
            return -1;
    }
    m->route_tab = sim_calloc(m->G + 1, sizeof *m->route_tab);
    for (size_t g = 0; g <= m->G; g++) {
        const char *who = g < m->G ? m->groups[g] : "latent";
        SIM_ASSERT(get(inst, "route", who)); /* missing() requires each */
        m->route_tab[g] = gsl_ran_discrete_preproc(m->D, &m->route[g * m->D]);
    }
    m->route_cum = sim_calloc((m->G + 1) * m->D, sizeof *m->route_cum);
    for (size_t g = 0; g <= m->G; g++) {
        const double *sh = &m->route[g * m->D];
        double *cum = &m->route_cum[g * m->D], tot = 0, acc = 0;
        size_t last = 0;
        for (size_t d = 0; d < m->D; d++) {
            tot += sh[d];
            if (sh[d] > 0) last = d;
        }
        for (size_t d = 0; d < m->D; d++) cum[d] = d >= last ? 1 : (acc += sh[d]) / tot;
    }

    m->breach_rate = param(inst, "iraq", "breach_rate");
    m->breach_frac = param(inst, "iraq", "breach_fraction");
    m->recruit = param(inst, "camp", "recruit_rate");
    /* the rates periods multiply, which must stay finite (the transfer's day
     * guards its own) */
    m->mrate = sim_calloc(2 * m->F + m->G + 2, sizeof *m->mrate);
    for (size_t f = 0; f < m->F; f++)
        m->mrate[m->nmrate++] = m->fac[f].event_rate, m->mrate[m->nmrate++] = m->fac[f].trickle;
    for (size_t g = 0; g < m->G; g++) m->mrate[m->nmrate++] = m->inf_rate[g];
    m->mrate[m->nmrate++] = m->latent_inf;
    m->mrate[m->nmrate++] = m->recruit;

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
            const sim_entry *rm = NULL;
            for (int k = 0; k < NMULT && !rm; k++) rm = sim_sc_removed(sc, sec, MULT_KEYS[k]);
            free(pnames);
            if (rm) /* a child's remove took the last one: blame it, not the parent that wrote the period */
                return sim_errf(err, "%s:%d: scenario.remove: leaves [%s] without a multiplier (allowed: remove the "
                                     "whole period, remove = %s, or set a multiplier again in [%s]: escape, transfer, "
                                     "ct, infiltration or recruit)",
                                rm->file, rm->line, sec, sec, sec);
            return sim_errf(err, "%s:%d: [%s]: no multiplier (allowed: escape, transfer, ct, infiltration, recruit)",
                            sl->file, sl->line, sec);
        }
    }
    free(pnames);
    if (limits_ok(inst, m, err) != 0) return -1;
    /* days on which multipliers change: day 0 and each period's first day
     * and the day after its last */
    m->change = sim_calloc((size_t)m->H, sizeof *m->change);
    m->change[0] = true;
    for (size_t p = 0; p < m->P; p++) {
        if (m->per[p].first > 0 && m->per[p].first < m->H) m->change[m->per[p].first] = true;
        if (m->per[p].last + 1 > 0 && m->per[p].last + 1 < m->H) m->change[m->per[p].last + 1] = true;
    }
    m->seg_end = sim_calloc((size_t)m->H, sizeof *m->seg_end);
    for (int t = m->H - 1; t >= 0; t--) m->seg_end[t] = t + 1 == m->H || m->change[t + 1] ? t + 1 : m->seg_end[t + 1];

    /* shocks */
    const char **snames;
    m->S = sim_sc_sections(sc, "shock", &snames);
    m->shk = sim_calloc(m->S ? m->S : 1, sizeof *m->shk);
    char **facnames = sim_malloc(m->F * sizeof *facnames);
    for (size_t f = 0; f < m->F; f++) facnames[f] = m->fac[f].name;
    int rc = 0;
    size_t kept = 0;
    for (size_t s = 0; s < m->S && rc == 0; s++) {
        char sec[96];
        snprintf(sec, sizeof sec, "shock.%s", snames[s]);
        const sim_entry *ed = get(inst, sec, "date"), *ef = get(inst, sec, "facility");
        long f = index_of(facnames, m->F, ef->v.str);
        if (f < 0) {
            rc = unknown_name(ef, "facility", ef->v.str, facnames, m->F, NULL, err);
            break;
        }
        /* its size is a parameter of every trial; a shock dated outside the
         * simulated days happens before or after them, as a period outside
         * them changes nothing (so a shorter --set time.horizon_days runs) */
        const size_t size = param(inst, sec, "size");
        const long day = ed->v.date - start;
        if (day >= 0 && day < m->H) m->shk[kept++] = (shock){(int)day, (size_t)f, size};
    }
    m->S = kept;
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
    m->o_recaptured = sim_inst_output(inst, "recaptured", true, SIM_SHOW_TABLE, "escapees recaptured at once (people)");
    m->o_at_large_end = sim_inst_output(inst, "at_large_end", true, SIM_SHOW_CHART, "escapees at large in Syria at the end (people)");
    m->o_latent_end = sim_inst_output(inst, "latent_end", true, SIM_SHOW_CSV, "latent fighters in Syria at the end (people)");
    m->o_force_end = sim_inst_output(inst, "force_end", true, SIM_SHOW_CHART, "escapees at large plus latent fighters in Syria at the end (people)");
    m->o_transferred = sim_inst_output(inst, "transferred", true, SIM_SHOW_TABLE, "transfers to Iraqi custody during the run (people)");
    m->o_held_end = sim_inst_output(inst, "held_end", true, SIM_SHOW_CSV, "detainees held at the end (people)");
    m->o_repatriated = sim_inst_output(inst, "repatriated", true, SIM_SHOW_CSV, "detainees repatriated during the run (people)");
    m->o_neutralized = sim_inst_output(inst, "neutralized", true, SIM_SHOW_CSV, "killed or detained by counter-terrorism (people)");
    m->o_infiltrated = sim_inst_output(inst, "infiltrated", true, SIM_SHOW_CHART, "people who left Syria, all destinations, plus escapees from Iraqi custody (people)");
    for (size_t d = 0; d < m->D; d++) {
        char name[96], help[128];
        snprintf(name, sizeof name, "infiltrated.%s", m->dests[d]);
        snprintf(help, sizeof help, "people who left Syria for %s%s (people)", m->dests[d],
                 d == m->iraq_d ? ", plus escapees from Iraqi custody" : "");
        size_t o = sim_inst_output(inst, name, true, SIM_SHOW_TABLE, help);
        if (d == 0) m->o_infil0 = o;
    }
    sim_inst_group(inst, "infiltrated", "destination", "iraq includes the escapees from Iraqi custody (iraq_escaped)");
    m->o_recruits = sim_inst_output(inst, "recruits", true, SIM_SHOW_CSV, "camp leavers who joined the latent pool (people)");
    m->o_escape_events = sim_inst_output(inst, "escape_events", true, SIM_SHOW_CSV, "mass-escape events and shocks (events)");
    m->o_iraq_breaches = sim_inst_output(inst, "iraq_breaches", true, SIM_SHOW_CSV, "breaches of Iraqi custody (events)");
    m->o_iraq_escaped = sim_inst_output(inst, "iraq_escaped", true, SIM_SHOW_CSV, "escapees from Iraqi custody (people)");
    m->o_first_escape_day = sim_inst_output(inst, "first_escape_day", true, SIM_SHOW_CSV,
                                            "day index of the first escape, empty when none (days from day 0)");
    inst->out[m->o_first_escape_day].may_lack = true;

    static const char *const SERIES[6][2] = {
        {"held", "detainees held (people)"},
        {"at_large", "escapees at large in Syria (people)"},
        {"latent", "latent fighters in Syria (people)"},
        {"escaped_cum", "escaped since the first day (people)"},
        {"infiltrated_cum", "left Syria since the first day, plus escapees from Iraqi custody (people)"},
        {"transferred_cum", "transferred to Iraqi custody since the first day (people)"},
    };
    for (size_t s = 0; s < 6; s++) sim_inst_series(inst, SERIES[s][0], SERIES[s][1]);
    note_empty_ct_pool(inst, m);
    return 0;
}

static void release(sim_inst *inst)
{
    det *m = inst->data;
    if (!m) return;
    for (size_t f = 0; f < m->F && m->fac; f++) free(m->fac[f].name), free(m->fac[f].share), free(m->fac[f].held0_g);
    free(m->fac);
    free(m->per);
    free(m->shk);
    free(m->inf_rate);
    free(m->mrate);
    free(m->at_large_share);
    free(m->route);
    for (size_t g = 0; m->route_tab && g <= m->G; g++)
        if (m->route_tab[g]) gsl_ran_discrete_free(m->route_tab[g]);
    free(m->route_tab);
    free(m->route_cum);
    free(m->change);
    free(m->seg_end);
    free(m->repat);
    free(m->s_group);
    free(m);
    inst->data = NULL;
}

static size_t nclocks(const det *m)
{
    return K_PER_FACILITY * m->F + m->G + 3;
}

static void *scratch_alloc(const sim_inst *inst)
{
    const det *m = inst->data;
    state *s = sim_calloc(1, sizeof *s);
    s->held = sim_calloc(m->F * m->G, sizeof *s->held);
    s->at_large = sim_calloc(m->G, sizeof *s->at_large);
    s->infil = sim_calloc(m->D, sizeof *s->infil);
    s->esc = sim_calloc(m->G, sizeof *s->esc);
    s->cells = sim_calloc(m->F * m->G + m->G, sizeof *s->cells);
    s->take = sim_calloc(m->F * m->G + m->G, sizeof *s->take);
    s->route_n = sim_calloc(m->D, sizeof *s->route_n);
    s->al_share = sim_calloc(m->G, sizeof *s->al_share);
    s->next = sim_calloc(nclocks(m), sizeof *s->next);
    s->dirty = sim_calloc(nclocks(m), sizeof *s->dirty);
    s->hz = sim_calloc(nclocks(m), sizeof *s->hz);
    s->lat_cnt = sim_calloc((size_t)m->H * (1 + m->D), sizeof *s->lat_cnt);
    s->camp_cnt = sim_calloc((size_t)m->H, sizeof *s->camp_cnt);
    return s;
}

static void scratch_free(void *p)
{
    state *s = p;
    free(s->held), free(s->at_large), free(s->infil), free(s->esc);
    free(s->cells), free(s->take), free(s->route_n), free(s->al_share), free(s->next), free(s->dirty), free(s->hz);
    free(s->lat_cnt), free(s->camp_cnt);
    free(s);
}

/* ------------------------------------------------------------ shared pieces of a trial */

static double pday(double rate_per_year)
{
    return -expm1(-rate_per_year * DT);
}

/* Draw t of the N = sum(n) people in k cells uniformly at random without
 * replacement (multivariate hypergeometric), by sequential conditional
 * hypergeometric draws. */
static void mvhg(const state *s, const gsl_rng *r, size_t k, const unsigned *n, unsigned t, unsigned *take)
{
    unsigned long rest = 0;
    for (size_t i = 0; i < k; i++) rest += n[i];
    for (size_t i = 0; i < k; i++) {
        rest -= n[i];
        if (t == 0) take[i] = 0;
        else if (rest == 0) take[i] = t;
        else if (s->naive) take[i] = gsl_ran_hypergeometric(r, n[i], (unsigned)rest, t);
        else take[i] = (unsigned)sim_ran_hypergeometric(r, n[i], rest, t);
        t -= take[i];
    }
}

static int64_t binom(const state *s, const gsl_rng *r, double p, int64_t n)
{
    if (!s->naive) return sim_ran_binomial(r, p, n);
    if (n <= 0 || p <= 0) return 0;
    return p >= 1 ? n : (int64_t)gsl_ran_binomial(r, p, (unsigned)n);
}

static int64_t fac_total(const det *m, const state *s, size_t f)
{
    int64_t n = 0;
    for (size_t g = 0; g < m->G; g++) n += s->held[f * m->G + g];
    return n;
}

static int64_t repat_total(const det *m, const state *s, size_t f)
{
    int64_t n = 0;
    for (size_t g = 0; g < m->G; g++)
        if (m->repat[g]) n += s->held[f * m->G + g];
    return n;
}

/* The shares splitting the day-0 at-large by group: initial.at_large0_share
 * when given, else the held0 shares (MODEL.md 7), those of several
 * facilities weighted by what each holds on day 0 (equally when all hold
 * nobody). A facility written with held0.<group> shares by what it holds
 * (equally over the groups it names when it holds nobody). Called after the
 * day-0 holdings are drawn. */
static const double *at_large_split(const det *m, state *s)
{
    if (m->at_large_share) return m->at_large_share;
    if (m->F == 1 && !m->fac[0].held0_g) return m->fac[0].share;
    double total = 0;
    for (size_t f = 0; f < m->F; f++) total += (double)fac_total(m, s, f);
    for (size_t g = 0; g < m->G; g++) s->al_share[g] = 0;
    for (size_t f = 0; f < m->F; f++) {
        const facility *fc = &m->fac[f];
        const double n = (double)fac_total(m, s, f), w = total > 0 ? n / total : 1.0 / (double)m->F;
        for (size_t g = 0; g < m->G; g++) {
            double share = fc->share ? fc->share[g]
                           : fc->held0_g[g] == NONE ? 0
                           : n > 0 ? (double)s->held[f * m->G + g] / n
                                   : 1.0 / (double)fc->nheld0_g;
            s->al_share[g] += share * w;
        }
    }
    return s->al_share;
}

static int day0_fail(const sim_inst *inst, const det *m, const double *th, int64_t al, sim_trial *tr);

/* Day-0 stocks and the trial's derived rates. */
static int setup(const sim_inst *inst, const det *m, const double *th, sim_trial *tr, state *s)
{
    const size_t G = m->G, F = m->F;
    memset(s->infil, 0, m->D * sizeof *s->infil);
    for (size_t f = 0; f < F; f++) {
        const facility *fc = &m->fac[f];
        if (fc->held0_g) {
            for (size_t g = 0; g < G; g++) s->held[f * G + g] = fc->held0_g[g] == NONE ? 0 : (int64_t)th[fc->held0_g[g]];
            continue;
        }
        gsl_ran_multinomial(sim_trial_rng(tr, fc->s_init, 0), G, (unsigned)th[fc->held0], fc->share, s->take);
        for (size_t g = 0; g < G; g++) s->held[f * G + g] = s->take[g];
    }
    s->rec = th[m->recapture];
    {
        const gsl_rng *r = sim_trial_rng(tr, m->s_at_large0, 0);
        int64_t J = (int64_t)th[m->escaped0];
        int64_t A = J - binom(s, r, s->rec, J);
        gsl_ran_multinomial(r, G, (unsigned)A, at_large_split(m, s), s->take);
        for (size_t g = 0; g < G; g++) s->at_large[g] = s->take[g];
    }
    s->latent = (int64_t)th[m->latent0];
    s->dispersed = (int64_t)th[m->dispersed0];
    s->iraq = (int64_t)th[m->iraq0];
    int64_t al = 0;
    for (size_t g = 0; g < G; g++) al += s->at_large[g];
    /* the same count of operations spreads over the pool the trial drew */
    s->ct_rate = s->latent + al > 0 ? th[m->ct_removals] / (double)(s->latent + al) : 0;
    s->transferred_total = (int64_t)th[m->tr_before];
    s->transferred = 0;
    s->target = (int64_t)th[m->tr_target];
    s->halted = s->active_seen = false;
    s->escaped = s->recaptured = s->repatriated = s->neutralized = s->recruits = 0;
    s->escape_events = s->iraq_breaches = s->iraq_escaped = 0;
    s->first_escape = -1;
    if (s->lat_pending != 0) { /* left by a trial that stopped early */
        memset(s->lat_cnt, 0, (size_t)m->H * (1 + m->D) * sizeof *s->lat_cnt);
        s->lat_pending = 0;
    }
    s->lat_ahead = false;
    if (s->camp_pending != 0) {
        memset(s->camp_cnt, 0, (size_t)m->H * sizeof *s->camp_cnt);
        s->camp_pending = 0;
    }
    s->camp_ahead = false;
    s->conserved0 = s->latent + s->dispersed + s->iraq + al;
    for (size_t i = 0; i < F * G; i++) s->conserved0 += s->held[i];
    if (s->conserved0 > DAY0_MAX) return day0_fail(inst, m, th, al, tr);
    return 0;
}

/* 1. multipliers of the periods active on day t */
static void multipliers(const det *m, const double *th, state *s, int t)
{
    for (int k = 0; k < NMULT; k++) s->mu[k] = 1;
    for (size_t p = 0; p < m->P; p++) {
        const period *pe = &m->per[p];
        if (t < pe->first || t > pe->last) continue;
        for (int k = 0; k < NMULT; k++)
            if (pe->mult[k] != NONE) s->mu[k] *= th[pe->mult[k]];
    }
}

/* A rate times its multipliers must stay finite: an infinite hazard has no
 * competing-risk split (inf / inf) and 0 x inf is no rate at all. The cap
 * is far above any rate that means anything (1e100 a year is certainty
 * within a day) and far below overflow: a rate at most RATE_MAX times
 * multipliers at most RATE_MAX together stays below 1e200. The transfer's
 * day has its own guard (a Poisson count capped by what is left). */
#define RATE_MAX 1e100
#define RATE_MAX_WHY "at most 1e100; more is certainty within a day, and would overflow"

static int scale_fail(const sim_inst *inst, sim_trial *tr, size_t ix, const char *what, double v)
{
    return sim_param_err(&inst->param[ix], tr->err, "in trial %llu %s reaches %g (allowed: " RATE_MAX_WHY ")",
                         (unsigned long long)tr->trial, what, v);
}

static int scale_ok(const sim_inst *inst, const det *m, const double *th, const state *s, sim_trial *tr)
{
    for (size_t k = 0; k < m->nmrate; k++)
        if (m->mrate[k] != NONE && !(th[m->mrate[k]] <= RATE_MAX))
            return scale_fail(inst, tr, m->mrate[k], "a rate", th[m->mrate[k]]);
    if (!(s->ct_rate <= RATE_MAX))
        return scale_fail(inst, tr, m->ct_removals, "ct_rate, removals a year over latent0 + at_large0 per person,",
                          s->ct_rate);
    /* every period of a kind at once bounds the product of those active on
     * any day; the key named is the one that takes it past the cap */
    for (int k = 0; k < NMULT; k++) {
        double prod = 1;
        for (size_t p = 0; p < m->P && k != M_TRANSFER; p++) {
            const size_t ix = m->per[p].mult[k];
            if (ix != NONE && th[ix] > 1 && !((prod *= th[ix]) <= RATE_MAX))
                return scale_fail(inst, tr, ix, "the product of the periods' multipliers of this kind", prod);
        }
    }
    return 0;
}

/* What scale_ok and setup would refuse in every trial, refused when the
 * scenario is read (so validate refuses it too): a value, or the least a
 * law can draw, beyond the caps. A law that may stay within them is left
 * to the trials, which name the keys of the one that goes past. */
static double least(const sim_inst *inst, size_t ix)
{
    double lo, hi;
    sim_dist_support(inst->param[ix].dist, &lo, &hi);
    return inst->param[ix].count ? round(lo) : lo;
}

/* The parameters whose draws make up the people on day 0: the facilities'
 * held0 (or held0.<group>), initial.latent0, initial.escaped0 (its at-large
 * part), initial.iraq_custody0 and initial.dispersed0, in *ix (malloc'd).
 * Returns their count. */
static size_t day0_params(const det *m, size_t **ixp)
{
    size_t n = 0, *ix = *ixp = sim_malloc((m->F * (m->G + 1) + 4) * sizeof *ix);
    for (size_t f = 0; f < m->F; f++) {
        if (m->fac[f].held0 != NONE) ix[n++] = m->fac[f].held0;
        for (size_t g = 0; m->fac[f].held0_g && g < m->G; g++)
            if (m->fac[f].held0_g[g] != NONE) ix[n++] = m->fac[f].held0_g[g];
    }
    ix[n++] = m->latent0, ix[n++] = m->escaped0, ix[n++] = m->iraq0, ix[n++] = m->dispersed0;
    return n;
}

/* The error for people on day 0 beyond DAY0_MAX: the key whose term takes
 * the sum v[0] + v[1] + ... past the cap, and every term that is not 0
 * with where it was set (`atleast`: an uncertain one's is its least). */
static int day0_err(const sim_inst *inst, const det *m, const size_t *ix, const double *v, size_t n, bool atleast,
                    const char *when, sim_err *err)
{
    double sum = 0;
    size_t past = n;
    bool uncertain = false;
    sim_buf list;
    sim_buf_init(&list);
    for (size_t i = 0; i < n; i++) {
        if ((sum += v[i]) > DAY0_MAX && past == n) past = i;
        if (v[i] == 0) continue;
        const sim_entry *e = inst->param[ix[i]].entry;
        const bool up = atleast && inst->param[ix[i]].uncertain;
        char num[48], at[1100];
        sim_format_thousands(v[i], 0, num, sizeof num);
        if (inst->param[ix[i]].swept) snprintf(at, sizeof at, "--vary");
        else if (e->line > 0) snprintf(at, sizeof at, "%s:%d", e->file, e->line);
        else snprintf(at, sizeof at, "%s", e->file);
        sim_buf_printf(&list, "%s%s%s%s %s (%s)", list.len ? ", " : "", ix[i] == m->escaped0 ? "the at-large of " : "",
                       inst->param[ix[i]].name, up ? " at least" : "", num, at);
        uncertain |= up;
    }
    SIM_ASSERT(past < n);
    char total[48];
    sim_format_thousands(sum, 0, total, sizeof total);
    sim_param_err(&inst->param[ix[past]], err,
                  "%sthe people on day 0 %s %s (allowed: at most 2,000,000,000 in all; here %s)", when,
                  uncertain ? "are at least" : "reach", total, list.s);
    sim_buf_free(&list);
    return -1;
}

static int day0_fail(const sim_inst *inst, const det *m, const double *th, int64_t al, sim_trial *tr)
{
    size_t *ix;
    const size_t n = day0_params(m, &ix);
    double *v = sim_malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = ix[i] == m->escaped0 ? (double)al : th[ix[i]];
    char when[64];
    snprintf(when, sizeof when, "in trial %llu ", (unsigned long long)tr->trial);
    day0_err(inst, m, ix, v, n, false, when, tr->err);
    free(v);
    free(ix);
    return -1;
}

static int limits_ok(const sim_inst *inst, const det *m, sim_err *err)
{
    for (size_t k = 0; k < m->nmrate; k++) {
        const size_t ix = m->mrate[k];
        const double lo = ix == NONE ? 0 : least(inst, ix);
        if (lo > RATE_MAX) {
            const sim_entry *e = inst->param[ix].entry;
            if (!inst->param[ix].uncertain)
                return sim_entry_err(e, err, "a rate of %g (allowed: " RATE_MAX_WHY ")", lo);
            return sim_entry_err(e, err, "%s draws at least %g (allowed: a rate of " RATE_MAX_WHY ")", e->text, lo);
        }
    }
    /* the removals a year over the largest pool there can be, when there is
     * always someone (ct_rate is 0 with nobody latent or at large) */
    {
        const sim_param *pr = &inst->param[m->ct_removals], *pl = &inst->param[m->latent0];
        double lo, hi, elo, ehi;
        sim_dist_support(pl->dist, &lo, &hi);
        sim_dist_support(inst->param[m->escaped0].dist, &elo, &ehi);
        const double pool = round(hi) + round(ehi), rate = least(inst, m->ct_removals) / pool;
        /* the pool is exactly that only when nothing in it is drawn and nobody escaped is recaptured */
        double rlo, rhi;
        sim_dist_support(inst->param[m->recapture].dist, &rlo, &rhi);
        const bool exact = !pl->uncertain && !inst->param[m->escaped0].uncertain && (rhi <= 0 || ehi <= 0);
        if (round(lo) >= 1 && isfinite(pool) && rate > RATE_MAX) {
            char n[48];
            sim_format_thousands(pool, 0, n, sizeof n);
            return sim_entry_err(pr->entry, err, "%s removals a year over %s%s people (latent0 + at_large0) %s a "
                                                 "ct_rate of %g per person (allowed: " RATE_MAX_WHY ")",
                                 pr->entry->text, exact ? "" : "at most ", n,
                                 pr->uncertain || !exact ? "give at least" : "give", rate);
        }
    }
    /* every period of a kind at once, as scale_ok bounds them */
    for (int k = 0; k < NMULT; k++) {
        double prod = 1;
        bool uncertain = false;
        for (size_t p = 0; p < m->P && k != M_TRANSFER; p++) {
            const size_t ix = m->per[p].mult[k];
            const double lo = ix == NONE ? 0 : least(inst, ix);
            if (lo <= 1) continue;
            uncertain |= inst->param[ix].uncertain;
            if (!((prod *= lo) <= RATE_MAX))
                return sim_entry_err(inst->param[ix].entry, err,
                                     "the product of the periods' multipliers of this kind %s %g (allowed: "
                                     RATE_MAX_WHY ")",
                                     uncertain ? "is at least" : "reaches", prod);
        }
    }
    size_t *ix;
    const size_t n = day0_params(m, &ix);
    double *v = sim_malloc(n * sizeof *v), sum = 0;
    for (size_t i = 0; i < n; i++) {
        v[i] = least(inst, ix[i]);
        if (ix[i] == m->escaped0) { /* all of them at large only when nobody is recaptured */
            double lo, hi;
            sim_dist_support(inst->param[m->recapture].dist, &lo, &hi);
            if (hi > 0) v[i] = 0;
        }
        if (!(v[i] > 0)) v[i] = 0;
        sum += v[i];
    }
    int rc = sum > DAY0_MAX ? day0_err(inst, m, ix, v, n, true, "", err) : 0;
    free(v);
    free(ix);
    return rc;
}

/* 2. the transfer programme's day, the same in both steppers (it acts on
 * most days while it runs). Returns whether it changed any holding. */
static bool transfer_day(const det *m, const double *th, sim_trial *tr, state *s, int t, bool fast)
{
    const size_t G = m->G, F = m->F;
    if (t < m->tr_start || s->halted) return false;
    int64_t remaining = s->target - s->transferred_total, eligible = 0;
    for (size_t f = 0; f < F; f++)
        if (m->fac[f].eligible) eligible += fac_total(m, s, f);
    if (remaining <= 0 || eligible <= 0) return false;
    const gsl_rng *r = sim_trial_rng(tr, m->s_transfer, (uint64_t)t + 1);
    double lam = th[m->tr_rate] * s->mu[M_TRANSFER];
    const int64_t cap = remaining < eligible ? remaining : eligible;
    int64_t q;
    /* min(Poisson(lam), cap): when lam lies more than 40 standard
     * deviations above cap, P(Poisson(lam) < cap) < 1e-300 and the day moves
     * cap; drawing would give the same (and GSL's sampler does not return
     * for lam beyond 2^32, or infinite) */
    if (lam > (double)cap && (isinf(lam) || lam - (double)cap > 40 * sqrt(lam))) q = cap;
    else q = !(lam > 0) ? 0 : s->naive ? (int64_t)gsl_ran_poisson(r, lam) : (int64_t)sim_ran_poisson(r, lam);
    if (q > cap) q = cap;
    if (q > 0) {
        size_t k = 0;
        for (size_t f = 0; f < F; f++)
            if (m->fac[f].eligible)
                for (size_t g = 0; g < G; g++) s->cells[k++] = (unsigned)s->held[f * G + g];
        mvhg(s, r, k, s->cells, (unsigned)q, s->take);
        k = 0;
        for (size_t f = 0; f < F; f++)
            if (m->fac[f].eligible)
                for (size_t g = 0; g < G; g++) s->held[f * G + g] -= s->take[k++];
        s->iraq += q;
        s->transferred += q;
        s->transferred_total += q;
    }
    /* the halt hazard acts on the days the programme runs, after the day's transfers */
    double halt = th[m->tr_halt];
    if (halt > 0) {
        if (!fast) {
            if (gsl_rng_uniform(r) < pday(halt)) s->halted = true;
        } else {
            if (!s->active_seen) s->next_halt = t + sim_ran_wait(r, halt * DT);
            if (s->next_halt == t) s->halted = true;
        }
    }
    s->active_seen = true;
    return q > 0;
}

/* Remove an event of `size` escapees (at least 1, capped at the holding)
 * from facility f, chosen uniformly across groups; adds them to esc. */
static void escape_event(const det *m, state *s, size_t f, double size, const gsl_rng *r)
{
    int64_t *held = &s->held[f * m->G];
    int64_t total = fac_total(m, s, f);
    if (total == 0) return;
    int64_t k = (int64_t)round(size);
    if (k < 1) k = 1;
    if (k > total) k = total;
    for (size_t g = 0; g < m->G; g++) s->cells[g] = (unsigned)held[g];
    mvhg(s, r, m->G, s->cells, (unsigned)k, s->take);
    for (size_t g = 0; g < m->G; g++) {
        held[g] -= s->take[g];
        s->esc[g] += s->take[g];
    }
}

/* A shock whose size rounds to 0 is a break that did not happen (MODEL.md
 * 5.4.2 adds an event of "its given size"): no escapee and no event, so that
 * `size = choice(0 @ 0.5, 6000 @ 0.5)` says the break may not come. A mass
 * event's fresh size is at least 1 (5.4.1). */
static bool shock_happens(double size)
{
    return round(size) >= 1;
}

/* Of the day's escapees at one facility (s->esc), recapture some at once
 * and put the rest at large. Returns the day's escapees. */
static int64_t settle_escapees(const det *m, state *s, const gsl_rng *r, int t)
{
    int64_t day = 0;
    for (size_t g = 0; g < m->G; g++) {
        if (s->esc[g] == 0) continue;
        int64_t back = binom(s, r, s->rec, s->esc[g]);
        s->recaptured += back;
        s->at_large[g] += s->esc[g] - back;
        day += s->esc[g];
    }
    s->escaped += day;
    if (day > 0 && s->first_escape < 0) s->first_escape = t;
    return day;
}

/* Split `leavers` of a pool over the destinations of its route: counts in
 * s->route_n. */
static void route_counts(const det *m, state *s, size_t who, int64_t leavers, const gsl_rng *r)
{
    if (leavers > 8) {
        gsl_ran_multinomial(r, m->D, (unsigned)leavers, &m->route[who * m->D], s->route_n);
        return;
    }
    memset(s->route_n, 0, m->D * sizeof *s->route_n);
    /* a few leavers: one categorical draw each (the same law as the multinomial) */
    for (int64_t i = 0; i < leavers; i++) s->route_n[gsl_ran_discrete(r, m->route_tab[who])]++;
}

static void route(const det *m, state *s, size_t who, int64_t leavers, const gsl_rng *r)
{
    if (leavers <= 0) return;
    route_counts(m, s, who, leavers, r);
    for (size_t d = 0; d < m->D; d++) s->infil[d] += s->route_n[d];
}

/* 9. the day's record, and the conservation check */
static int record(const sim_inst *inst, const det *m, sim_trial *tr, state *s, int t)
{
    int64_t held_sum = 0, al = 0, inf = 0;
    for (size_t i = 0; i < m->F * m->G; i++) held_sum += s->held[i];
    for (size_t g = 0; g < m->G; g++) al += s->at_large[g];
    for (size_t d = 0; d < m->D; d++) inf += s->infil[d];
    int64_t total = held_sum + al + s->latent + s->dispersed + s->iraq + s->recaptured + s->repatriated +
                    s->neutralized + inf;
    if (total != s->conserved0) {
        char date[11];
        sim_format_date(inst->start_date + t, date);
        tr->fail_day = t;
        sim_errf(tr->err,
                 "trial %llu, day %d (%s): people not conserved: %lld instead of %lld (a bug in the model; "
                 "please report it with the scenario and seed)",
                 (unsigned long long)tr->trial, t, date, (long long)total, (long long)s->conserved0);
        return -1;
    }
    const int H = m->H;
    sim_trial_record(tr, H, 0, t, held_sum);
    sim_trial_record(tr, H, 1, t, al);
    sim_trial_record(tr, H, 2, t, s->latent);
    sim_trial_record(tr, H, 3, t, s->escaped);
    sim_trial_record(tr, H, 4, t, inf);
    sim_trial_record(tr, H, 5, t, s->transferred);
    return 0;
}

static void outputs(const det *m, const state *s, double *o)
{
    int64_t held_end = 0, al_end = 0, inf_end = 0;
    for (size_t i = 0; i < m->F * m->G; i++) held_end += s->held[i];
    for (size_t g = 0; g < m->G; g++) al_end += s->at_large[g];
    for (size_t d = 0; d < m->D; d++) inf_end += s->infil[d];
    o[m->o_escaped] = (double)s->escaped;
    o[m->o_recaptured] = (double)s->recaptured;
    o[m->o_at_large_end] = (double)al_end;
    o[m->o_latent_end] = (double)s->latent;
    o[m->o_force_end] = (double)(al_end + s->latent);
    o[m->o_transferred] = (double)s->transferred;
    o[m->o_held_end] = (double)held_end;
    o[m->o_repatriated] = (double)s->repatriated;
    o[m->o_neutralized] = (double)s->neutralized;
    o[m->o_infiltrated] = (double)inf_end;
    for (size_t d = 0; d < m->D; d++) o[m->o_infil0 + d] = (double)s->infil[d];
    o[m->o_recruits] = (double)s->recruits;
    o[m->o_escape_events] = (double)s->escape_events;
    o[m->o_iraq_breaches] = (double)s->iraq_breaches;
    o[m->o_iraq_escaped] = (double)s->iraq_escaped;
    o[m->o_first_escape_day] = s->first_escape < 0 ? NAN : (double)s->first_escape;
}

/* A breach of Iraqi custody frees Binomial(custody, fraction), counted as
 * infiltrated.iraq. */
static void breach(const det *m, const double *th, state *s, const gsl_rng *r)
{
    int64_t b = binom(s, r, th[m->breach_frac], s->iraq);
    s->iraq -= b;
    s->iraq_escaped += b;
    s->infil[m->iraq_d] += b;
    s->iraq_breaches++;
}

/* ------------------------------------------------------------ the naive stepper */

/* Competing risks for a stock: rates h_ct and h_inf per year (multiplied);
 * returns the leavers and adds the neutralized. */
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

static int trial_daily(const sim_inst *inst, const double *th, sim_trial *tr)
{
    const det *m = inst->data;
    state *s = tr->scratch;
    const size_t G = m->G, F = m->F;
    s->naive = true;
    if (setup(inst, m, th, tr, s) != 0 || scale_ok(inst, m, th, s, tr) != 0) return -1;
    const double p_rep = pday(th[m->rep_rate]), p_breach = pday(th[m->breach_rate]);
    size_t next_shock = 0;
    for (int t = 0; t < m->H; t++) {
        const uint64_t sub = (uint64_t)t + 1;
        multipliers(m, th, s, t);
        transfer_day(m, th, tr, s, t, false);
        /* 3. repatriation */
        if (p_rep > 0)
            for (size_t f = 0; f < F; f++)
                for (size_t g = 0; g < G; g++) {
                    int64_t *h = &s->held[f * G + g];
                    if (!m->repat[g] || *h == 0) continue;
                    int64_t x = binom(s, sim_trial_rng(tr, m->fac[f].s_repat, sub), p_rep, *h);
                    *h -= x;
                    s->repatriated += x;
                }
        /* 4. escapes, facility by facility */
        for (size_t f = 0; f < F; f++) {
            const facility *fc = &m->fac[f];
            int64_t *held = &s->held[f * G];
            bool has_shock = next_shock < m->S && m->shk[next_shock].day == t;
            if (fac_total(m, s, f) == 0) continue;
            const double pe = pday(th[fc->event_rate] * s->mu[M_ESCAPE]);
            const double pt = pday(th[fc->trickle] * s->mu[M_ESCAPE]);
            if (pe <= 0 && pt <= 0 && !has_shock) continue;
            const gsl_rng *r = sim_trial_rng(tr, fc->s_escape, sub);
            memset(s->esc, 0, G * sizeof *s->esc);
            if (pe > 0 && gsl_rng_uniform(r) < pe) {
                escape_event(m, s, f, sim_dist_sample(fc->event_size, r), r);
                s->escape_events++;
            }
            for (size_t k = next_shock; k < m->S && m->shk[k].day == t; k++)
                if (m->shk[k].fac == f && fac_total(m, s, f) > 0 && shock_happens(th[m->shk[k].size])) {
                    escape_event(m, s, f, th[m->shk[k].size], r);
                    s->escape_events++;
                }
            if (pt > 0)
                for (size_t g = 0; g < G; g++) {
                    int64_t x = binom(s, r, pt, held[g]);
                    held[g] -= x;
                    s->esc[g] += x;
                }
            settle_escapees(m, s, r, t);
        }
        while (next_shock < m->S && m->shk[next_shock].day == t) next_shock++;
        /* 5. breach of Iraqi custody: an event whether or not custody holds
         * anyone (MODEL.md 5.5 sets no condition; an empty custody frees 0) */
        if (p_breach > 0) {
            const gsl_rng *r = sim_trial_rng(tr, m->s_iraq, sub);
            if (gsl_rng_uniform(r) < p_breach) breach(m, th, s, r);
        }
        /* 6. at large: neutralized or leave Syria */
        const double h_ct = s->ct_rate * s->mu[M_CT];
        for (size_t g = 0; g < G; g++) {
            if (s->at_large[g] == 0) continue;
            const double h_inf = th[m->inf_rate[g]] * s->mu[M_INFILTRATION];
            if (h_ct + h_inf <= 0) continue;
            const gsl_rng *r = sim_trial_rng(tr, m->s_group[g], sub);
            route(m, s, g, compete(&s->at_large[g], h_ct, h_inf, r, &s->neutralized), r);
        }
        /* 7. latent pool */
        if (s->latent > 0) {
            const double h_inf = th[m->latent_inf] * s->mu[M_INFILTRATION];
            if (h_ct + h_inf > 0) {
                const gsl_rng *r = sim_trial_rng(tr, m->s_latent, sub);
                route(m, s, G, compete(&s->latent, h_ct, h_inf, r, &s->neutralized), r);
            }
        }
        /* 8. camp leavers join the latent pool */
        if (s->dispersed > 0) {
            double p = pday(th[m->recruit] * s->mu[M_RECRUIT]);
            int64_t x = binom(s, sim_trial_rng(tr, m->s_camp, sub), p, s->dispersed);
            s->dispersed -= x;
            s->latent += x;
            s->recruits += x;
        }
        if (record(inst, m, tr, s, t) != 0) return -1;
    }
    outputs(m, s, tr->out);
    return 0;
}

/* ------------------------------------------------------------ the fast stepper
 *
 * Most processes act on few days. For each, an event clock holds the next
 * day it acts: with a stock of n people each of daily hazard h (per year
 * times dt), the chance that a day passes with no event is exp(-n h), so the
 * days to the next event are floor(E / (n h)), E ~ Exp(1) (sim_ran_wait),
 * and on that day the count is a binomial conditioned on being positive.
 * This is the daily model's law exactly: the days are independent, and a
 * clock is drawn afresh (memorylessness) whenever its stock or its
 * multiplier changes. A clock is marked dirty then, and redrawn from the
 * current day at its process's place in the day's order.
 *
 * The latent pool and the camp, whose people leave for reasons nothing else
 * in the model touches, have their leavers drawn ahead for each segment of
 * days with the same multipliers (latent_segment, camp_segment below). */

/* indices of the clocks that are not per facility */
static size_t c_group(const det *m, size_t g) { return K_PER_FACILITY * m->F + g; }
static size_t c_latent(const det *m) { return K_PER_FACILITY * m->F + m->G; }
static size_t c_camp(const det *m) { return K_PER_FACILITY * m->F + m->G + 1; }
static size_t c_iraq(const det *m) { return K_PER_FACILITY * m->F + m->G + 2; }

static void held_changed(const det *m, state *s, size_t f)
{
    (void)m;
    s->dirty[f * K_PER_FACILITY + K_TRICKLE] = true;
    s->dirty[f * K_PER_FACILITY + K_REPAT] = true;
}

/* Redraw clock c from day t if dirty; then whether it fires on day t. */
static bool due(state *s, size_t c, int t, double rate_per_day, const gsl_rng *r)
{
    if (s->dirty[c]) {
        int64_t w = sim_ran_wait(r, rate_per_day);
        s->next[c] = w == INT64_MAX ? INT64_MAX : t + w;
        s->dirty[c] = false;
    }
    return s->next[c] == t;
}

/* A busy pool (an expected DAILY events a day or more) draws its count every
 * day; a quiet one waits on its clock. Both are the daily binomial exactly. */
#define DAILY 0.7

/* Today's events among n people of daily hazard h, through clock c. */
static int64_t pool_count(state *s, size_t c, int t, int64_t n, double h, const gsl_rng *r)
{
    if (s->hz[c].h != h) s->hz[c] = sim_hazard_make(h);
    if ((double)n * h >= DAILY) {
        s->dirty[c] = true; /* back on a clock later: draw it afresh */
        return sim_ran_binomial_h(r, &s->hz[c], n);
    }
    if (!due(s, c, t, (double)n * h, r)) return 0;
    s->dirty[c] = true;
    return sim_ran_binomial_h_pos(r, &s->hz[c], n);
}

/* Of `out` people leaving a pool, those neutralized (the rest leave Syria),
 * in proportion to the hazards. */
static int64_t split_ct(const state *s, const gsl_rng *r, int64_t out, double h_ct, double h_inf, int64_t *neutralized)
{
    int64_t c = binom(s, r, h_ct / (h_ct + h_inf), out);
    *neutralized += c;
    return out - c;
}

/* What a leaver of pool `who` does, from one uniform u: 0 neutralized (with
 * probability q), else 1 + the destination, by the route. */
static size_t leaver_kind(const det *m, size_t who, double q, double u)
{
    if (u < q) return 0;
    const double *cum = &m->route_cum[who * m->D];
    double v = (u - q) / (1 - q); /* uniform on [0, 1) given u >= q */
    size_t d = 0;
    while (v >= cum[d]) d++; /* cum is 1 from the last destination with a share */
    return 1 + d;
}

/* Of `out` people leaving a pool, those neutralized (in proportion to the
 * hazards) and where the others go. A few: one uniform each, read as one
 * categorical draw over (neutralized, each destination), which is the law
 * of the binomial split and the multinomial route together; more: the split
 * and the route. */
static void leave(const det *m, state *s, size_t who, int64_t out, double h_ct, double h_inf, const gsl_rng *r)
{
    if (out > 8) {
        route(m, s, who, split_ct(s, r, out, h_ct, h_inf, &s->neutralized), r);
        return;
    }
    const double q = h_ct / (h_ct + h_inf);
    for (int64_t i = 0; i < out; i++) {
        size_t kind = leaver_kind(m, who, q, gsl_rng_uniform(r));
        if (kind == 0) s->neutralized++;
        else s->infil[kind - 1]++;
    }
}

/* Split a positive count of `total` people taken uniformly from cells. */
static void take_uniformly(const state *s, const gsl_rng *r, size_t k, int64_t *cells, int64_t total,
                           unsigned *scratch_n, unsigned *take)
{
    for (size_t i = 0; i < k; i++) scratch_n[i] = (unsigned)cells[i];
    mvhg(s, r, k, scratch_n, (unsigned)total, take);
    for (size_t i = 0; i < k; i++) cells[i] -= take[i];
}

/* The latent pool, step 7. Its hazards change only with the multipliers,
 * so within a segment of days with the same multipliers each member leaves
 * on day k of the segment with probability p (1 - p)^k, p = 1 - exp(-h),
 * independently of the others: the law of the daily Binomial(n, p) draws.
 * Unless the pool is busy, the segment's departures are drawn once, ahead:
 * how many leave within it, Binomial(n, 1 - exp(-L h)); why and where each
 * goes, as the daily split and route would; and each one's day, from the
 * geometric law truncated to the segment. Members who join later (camp
 * leavers) are drawn the same way from the day after they join. A busy pool
 * draws every day, as the daily model says (drawing ahead costs a few draws
 * per departure, a day's binomial a few per day). */
#define LATENT_AHEAD 16.0 /* expected departures a day below which to draw ahead */

/* floor(-log(1 - u (1 - e^{-hL})) / h): the inverse of the truncated
 * geometric law's distribution function at u */
static double truncgeo_inverse(double u, int L, double h)
{
    return floor(-log1p(u * expm1(-(double)L * h)) / h);
}

/* Day k in 0..L-1 with probability proportional to exp(-h k); least =
 * exp(-h (L - 1)). Over a short stretch (least >= 1/e) a uniform day, kept
 * with probability exp(-h k) (at least `least`, known without exp): two
 * uniforms and no logarithm most of the time; over a long one, inversion of
 * the truncated geometric law, P(K <= k) = (1 - e^{-h(k+1)}) / (1 - e^{-hL}). */
static int segment_day(const gsl_rng *r, int L, double h, double least)
{
    if (L == 1) return 0;
    if (least < 0.36787944117144233) {
        double k = truncgeo_inverse(gsl_rng_uniform(r), L, h);
        return k < L - 1 ? (int)k : L - 1; /* L - 1 only by rounding */
    }
    for (;;) {
        int k = (int)(gsl_rng_uniform(r) * L);
        double v = gsl_rng_uniform(r);
        if (v < least || v < exp(-h * k)) return k;
    }
}

/* Draw ahead the departures of n members at risk on days from..to-1. */
static void latent_ahead(const det *m, state *s, const gsl_rng *r, int64_t n, int from, int to)
{
    const int L = to - from;
    if (n <= 0 || L <= 0) return;
    const double h = s->lat_h;
    int64_t out = sim_ran_binomial(r, -expm1(-(double)L * h), n);
    if (out == 0) return;
    s->lat_pending += out;
    int64_t gone = sim_ran_binomial(r, s->lat_q, out);
    route_counts(m, s, m->G, out - gone, r);
    const size_t K = 1 + m->D;
    int32_t *cnt = &s->lat_cnt[(size_t)from * K];
    const double least = exp(-(double)(L - 1) * h);
    for (size_t kind = 0; kind < K; kind++) {
        int64_t c = kind == 0 ? gone : (int64_t)s->route_n[kind - 1];
        for (int64_t i = 0; i < c; i++) cnt[(size_t)segment_day(r, L, h, least) * K + kind]++;
    }
}

/* A segment starts on day t (a change day): draw its departures ahead
 * unless the pool is busy. */
static void latent_segment(const det *m, const double *th, sim_trial *tr, state *s, int t, double h_ct)
{
    const double h_inf = th[m->latent_inf] * s->mu[M_INFILTRATION];
    const double h = (h_ct + h_inf) * DT;
    s->lat_end = m->seg_end[t];
    s->lat_h = h;
    s->lat_q = h > 0 ? h_ct / (h_ct + h_inf) : 0;
    s->lat_ahead = h > 0 && (double)s->latent * -expm1(-h) < LATENT_AHEAD;
    if (s->lat_ahead) latent_ahead(m, s, sim_trial_rng(tr, m->s_latent, (uint64_t)t + 1), s->latent, t, s->lat_end);
}

/* One member at risk on days from..to-1: whether, when and why they leave. */
static void latent_one(const det *m, state *s, const gsl_rng *r, int from, int to)
{
    const int L = to - from;
    if (L <= 0) return;
    const double h = s->lat_h;
    if (gsl_rng_uniform(r) >= -expm1(-(double)L * h)) return;
    int k = from + segment_day(r, L, h, exp(-(double)(L - 1) * h));
    s->lat_cnt[(size_t)k * (1 + m->D) + leaver_kind(m, m->G, s->lat_q, gsl_rng_uniform(r))]++;
    s->lat_pending++;
}

/* Step 8 from a change day t: the camp's leavers of the segment drawn
 * ahead, like the latent pool's, and (when the latent pool is drawn ahead)
 * each one's fate in the pool from the day after they join it. */
static void camp_segment(const det *m, const double *th, sim_trial *tr, state *s, int t)
{
    const double h = th[m->recruit] * s->mu[M_RECRUIT] * DT;
    s->camp_ahead = h > 0 && (double)s->dispersed * -expm1(-h) < LATENT_AHEAD;
    if (!s->camp_ahead || s->dispersed == 0) return;
    const gsl_rng *r = sim_trial_rng(tr, m->s_camp, (uint64_t)t + 1);
    const int end = m->seg_end[t], L = end - t;
    int64_t out = sim_ran_binomial(r, -expm1(-(double)L * h), s->dispersed);
    s->camp_pending += out;
    const double least = exp(-(double)(L - 1) * h);
    for (int64_t i = 0; i < out; i++) {
        int u = t + segment_day(r, L, h, least);
        s->camp_cnt[u]++;
        if (s->lat_ahead) latent_one(m, s, r, u + 1, end);
    }
}

/* Day t's departures drawn ahead leave the pool. */
static void latent_leave(const det *m, state *s, int t)
{
    int32_t *row = &s->lat_cnt[(size_t)t * (1 + m->D)];
    int64_t out = row[0];
    s->neutralized += row[0];
    row[0] = 0;
    for (size_t d = 0; d < m->D; d++) {
        out += row[1 + d];
        s->infil[d] += row[1 + d];
        row[1 + d] = 0;
    }
    s->latent -= out;
    s->lat_pending -= out;
}

static int trial_fast(const sim_inst *inst, const double *th, sim_trial *tr)
{
    const det *m = inst->data;
    state *s = tr->scratch;
    const size_t G = m->G, F = m->F;
    s->naive = false;
    if (setup(inst, m, th, tr, s) != 0 || scale_ok(inst, m, th, s, tr) != 0) return -1;
    const size_t nc = nclocks(m);
    for (size_t c = 0; c < nc; c++) s->dirty[c] = true, s->next[c] = INT64_MAX;
    const double rep_h = th[m->rep_rate] * DT;
    const double breach_h = th[m->breach_rate] * DT;
    size_t next_shock = 0;
    for (int t = 0; t < m->H; t++) {
        const uint64_t sub = (uint64_t)t + 1;
        if (m->change[t]) {
            multipliers(m, th, s, t);
            for (size_t c = 0; c < nc; c++) s->dirty[c] = true;
        }
        if (transfer_day(m, th, tr, s, t, true))
            for (size_t f = 0; f < F; f++)
                if (m->fac[f].eligible) held_changed(m, s, f);

        /* 3. repatriation: one clock per facility over its repatriable detainees */
        if (rep_h > 0)
            for (size_t f = 0; f < F; f++) {
                size_t c = f * K_PER_FACILITY + K_REPAT;
                if (!s->dirty[c] && s->next[c] > t) continue;
                int64_t n = repat_total(m, s, f);
                const gsl_rng *r = sim_trial_rng(tr, m->fac[f].s_repat, sub);
                if (n == 0) {
                    s->dirty[c] = false, s->next[c] = INT64_MAX; /* holdings only shrink */
                    continue;
                }
                int64_t x = pool_count(s, c, t, n, rep_h, r);
                if (x == 0) continue;
                size_t k = 0;
                for (size_t g = 0; g < G; g++)
                    if (m->repat[g]) s->cells[k++] = (unsigned)s->held[f * G + g];
                mvhg(s, r, k, s->cells, (unsigned)x, s->take);
                k = 0;
                for (size_t g = 0; g < G; g++)
                    if (m->repat[g]) s->held[f * G + g] -= s->take[k++];
                s->repatriated += x;
                held_changed(m, s, f);
            }

        /* 4. escapes: event clock, shocks, trickle clock */
        for (size_t f = 0; f < F; f++) {
            const facility *fc = &m->fac[f];
            size_t ce = f * K_PER_FACILITY + K_EVENT, ct = f * K_PER_FACILITY + K_TRICKLE;
            bool has_shock = next_shock < m->S && m->shk[next_shock].day == t;
            bool maybe = has_shock || s->dirty[ce] || s->next[ce] <= t || s->dirty[ct] || s->next[ct] <= t;
            if (!maybe) continue;
            const gsl_rng *r = sim_trial_rng(tr, fc->s_escape, sub);
            memset(s->esc, 0, G * sizeof *s->esc);
            int64_t before = s->escape_events;
            /* the event hazard does not depend on the holding; an empty
             * facility simply has no event */
            if (due(s, ce, t, th[fc->event_rate] * s->mu[M_ESCAPE] * DT, r)) {
                s->dirty[ce] = true; /* the next event is drawn from tomorrow */
                if (fac_total(m, s, f) > 0) {
                    escape_event(m, s, f, sim_dist_sample(fc->event_size, r), r);
                    s->escape_events++;
                }
            }
            for (size_t k = next_shock; k < m->S && m->shk[k].day == t; k++)
                if (m->shk[k].fac == f && fac_total(m, s, f) > 0 && shock_happens(th[m->shk[k].size])) {
                    escape_event(m, s, f, th[m->shk[k].size], r);
                    s->escape_events++;
                }
            if (s->escape_events != before) held_changed(m, s, f);
            int64_t n = fac_total(m, s, f);
            double trickle_h = th[fc->trickle] * s->mu[M_ESCAPE] * DT;
            int64_t x = 0;
            if (trickle_h > 0 && n > 0) x = pool_count(s, ct, t, n, trickle_h, r);
            else s->dirty[ct] = false, s->next[ct] = INT64_MAX; /* nothing to trickle until it changes */
            if (x > 0) {
                take_uniformly(s, r, G, &s->held[f * G], x, s->cells, s->take);
                for (size_t g = 0; g < G; g++) s->esc[g] += s->take[g];
                held_changed(m, s, f);
            }
            if (settle_escapees(m, s, r, t) > 0)
                for (size_t g = 0; g < G; g++)
                    if (s->esc[g]) s->dirty[c_group(m, g)] = true;
        }
        while (next_shock < m->S && m->shk[next_shock].day == t) next_shock++;

        /* 5. breach of Iraqi custody: its hazard does not depend on the custody */
        {
            size_t c = c_iraq(m);
            if (breach_h > 0 && (s->dirty[c] || s->next[c] <= t) &&
                due(s, c, t, breach_h, sim_trial_rng(tr, m->s_iraq, sub))) {
                s->dirty[c] = true;
                breach(m, th, s, sim_trial_rng(tr, m->s_iraq, sub));
            }
        }

        /* 6. at large, per group */
        const double h_ct = s->ct_rate * s->mu[M_CT];
        for (size_t g = 0; g < G; g++) {
            size_t c = c_group(m, g);
            if (!s->dirty[c] && s->next[c] > t) continue;
            const double h_inf = th[m->inf_rate[g]] * s->mu[M_INFILTRATION];
            if (s->at_large[g] == 0 || h_ct + h_inf <= 0) {
                s->dirty[c] = false, s->next[c] = INT64_MAX;
                continue;
            }
            const gsl_rng *r = sim_trial_rng(tr, m->s_group[g], sub);
            int64_t out = pool_count(s, c, t, s->at_large[g], (h_ct + h_inf) * DT, r);
            if (out == 0) continue;
            s->at_large[g] -= out;
            leave(m, s, g, out, h_ct, h_inf, r);
        }

        /* 7. latent pool: drawn ahead, or day by day when busy */
        if (m->change[t]) latent_segment(m, th, tr, s, t, h_ct);
        if (s->lat_ahead) latent_leave(m, s, t);
        else {
            size_t c = c_latent(m);
            const double h_inf = th[m->latent_inf] * s->mu[M_INFILTRATION];
            if ((s->dirty[c] || s->next[c] <= t) && s->latent > 0 && h_ct + h_inf > 0) {
                const gsl_rng *r = sim_trial_rng(tr, m->s_latent, sub);
                int64_t out = pool_count(s, c, t, s->latent, (h_ct + h_inf) * DT, r);
                if (out > 0) {
                    s->latent -= out;
                    leave(m, s, G, out, h_ct, h_inf, r);
                }
            }
        }

        /* 8. camp leavers join the latent pool: drawn ahead, or day by day */
        if (m->change[t]) camp_segment(m, th, tr, s, t);
        if (s->camp_ahead) {
            int64_t x = s->camp_cnt[t];
            s->camp_cnt[t] = 0;
            s->camp_pending -= x;
            s->dispersed -= x;
            s->latent += x;
            s->recruits += x;
            if (x > 0) s->dirty[c_latent(m)] = true; /* for a pool drawn day by day */
        } else {
            size_t c = c_camp(m);
            const double h = th[m->recruit] * s->mu[M_RECRUIT] * DT;
            if ((s->dirty[c] || s->next[c] <= t) && s->dispersed > 0 && h > 0) {
                const gsl_rng *r = sim_trial_rng(tr, m->s_camp, sub);
                int64_t x = pool_count(s, c, t, s->dispersed, h, r);
                if (x > 0) {
                    s->dispersed -= x;
                    s->latent += x;
                    s->recruits += x;
                    s->dirty[c_latent(m)] = true;
                    if (s->lat_ahead) /* at risk from tomorrow */
                        latent_ahead(m, s, sim_trial_rng(tr, m->s_latent, sub), x, t + 1, s->lat_end);
                }
            }
        }
        if (record(inst, m, tr, s, t) != 0) return -1;
    }
    outputs(m, s, tr->out);
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
    trial_fast,
    DEFAULTS,
    missing,
};

/* The same model stepped naively, every process drawing every day: slower,
 * kept to check the fast stepper's distributions (tests/test_detention.c). */
const sim_model sim_model_detention_daily = {
    "detention_daily",
    "the detention model stepped day by day without event clocks (for checking; slower)",
    KEYS,
    compile,
    release,
    scratch_alloc,
    scratch_free,
    trial_daily,
    DEFAULTS,
    missing,
};
