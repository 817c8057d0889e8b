/* scenario.h - the scenario language: INI files read with libinih.
 *
 *   [section]            sections name parts of the model; `facility.NAME`,
 *   key = value [F01]    `period.NAME`, ... add one item of a list each.
 *
 * A value is a number, a date (YYYY-MM-DD), a list (`a, b, c`), a map
 * (`a: 0.5, b: 0.5`), a distribution expression (dist.h) or text, as the
 * key's spec says. The bracket at the end of a value cites its sources: ids
 * from the sources registry, or the word `assumption`.
 *
 * `[scenario] extends = other.ini` reads other.ini first (relative to this
 * file) and lets this file override it; `remove = period.x, ...` drops
 * sections or keys the parent set. `--set section.key=value` overrides come
 * last. Errors name file:line: key: problem (allowed: ...).
 *
 * Ownership: a sim_scenario owns every entry, string and parsed value in
 * it; sim_scenario_free releases all of them. */
#ifndef SIM_SCENARIO_H
#define SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>

#include "dist.h"
#include "sources.h"
#include "util.h"

typedef enum sim_type {
    SIM_T_STRING,  /* free text, kept verbatim */
    SIM_T_INT,     /* whole number within [lo, hi] */
    SIM_T_BOOL,    /* yes/no, true/false, on/off, 1/0, in any case */
    SIM_T_DATE,    /* YYYY-MM-DD */
    SIM_T_NAMES,   /* list of identifiers: a, b, c */
    SIM_T_MAP,     /* identifier: number pairs: a: 0.5, b: 0.5 */
    SIM_T_NUMBERS, /* list of numbers: 1, 2.5, 1e3 */
    SIM_T_NUMBER,  /* one real number within [lo, hi] */
    SIM_T_DIST,    /* a number or a distribution expression */
    SIM_T_PATH     /* a file name, relative to the file that names it */
} sim_type;

/* What values a number or distribution may take. */
typedef enum sim_domain {
    SIM_DOM_ANY,    /* any real */
    SIM_DOM_NONNEG, /* >= 0: rates, multipliers */
    SIM_DOM_POS,    /* > 0 */
    SIM_DOM_PROB,   /* within [0, 1] */
    SIM_DOM_COUNT,  /* >= 0, rounded to the nearest whole number */
    SIM_DOM_SHARES  /* map values >= 0 that sum to 1 */
} sim_domain;
/* Whether x lies in domain d, and the domain in words ("a value > 0"). */
bool sim_domain_holds(sim_domain d, double x);
const char *sim_domain_text(sim_domain d);

enum {
    SIM_K_CITE = 1,     /* a model parameter: must cite sources (validate --strict) */
    SIM_K_REQUIRED = 2, /* must be present when its section is */
    SIM_K_CHANCE = 4,   /* a distribution drawn afresh at each use inside a trial */
    SIM_K_MAYCITE = 8   /* may cite sources, need not (names that are not numbers) */
};

/* One key the language accepts. A section or key pattern ending in ".*"
 * takes any identifier in that place (a facility name, a group); "*" alone
 * takes any dotted name (an output). */
typedef struct sim_keyspec {
    const char *section;
    const char *key;
    sim_type type;
    unsigned flags;
    sim_domain domain;
    double lo, hi; /* bounds for SIM_T_INT and SIM_T_NUMBER */
    const char *help; /* one line for `show` and error messages, with units */
} sim_keyspec;

/* The value a scenario leaving a key out gets, as if written with its
 * citation (cited when the sources registry has the id, or it is
 * `assumption`). A section pattern (facility.*) gives it to every section
 * the pattern matches. */
typedef struct sim_keydefault {
    const char *section, *key, *value, *cite;
} sim_keydefault;

/* The required keys a scenario lacks, gathered so that one error names them
 * all, grouped by the section they belong in. Each item is the message a
 * lone missing key gets; `hint` items end in ')' and take the advice to
 * extend a scenario before it when alone. The list owns its strings:
 * sim_missing_free. */
typedef struct sim_missing {
    char **section; /* where the key belongs */
    char **msg;
    bool *hint;
    size_t n;
} sim_missing;
void sim_missing_add(sim_missing *m, const char *section, bool hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void sim_missing_free(sim_missing *m);

struct sim_scenario;
typedef struct sim_schema {
    const sim_keyspec *const *parts; /* NULL-terminated tables, each ended by a {NULL} row */
    const sim_keydefault *defaults;  /* ended by a {NULL} row, or NULL */
    /* the model's required keys the tables cannot state (one per group, ...):
     * adds those a checked scenario lacks to out; NULL: none */
    void (*missing)(const struct sim_scenario *sc, sim_missing *out);
} sim_schema;

typedef struct sim_value {
    char *str;       /* STRING, PATH (resolved path) */
    long long i;     /* INT, BOOL */
    double x;        /* NUMBER */
    long date;       /* DATE: days since 1970-01-01 */
    char **names;    /* NAMES, MAP keys */
    double *nums;    /* NUMBERS, MAP values */
    size_t n;        /* length of names / nums */
    sim_dist dist;   /* DIST */
} sim_value;

typedef struct sim_entry {
    char *section, *key, *full; /* full = section.key, the parameter's name */
    char *text;                 /* the value without its citation */
    char **cites;               /* cited ids, NULL when none written */
    size_t ncites;
    char *file;                 /* where the value was set */
    int line;
    const sim_keyspec *spec;    /* after sim_scenario_check */
    sim_value v;                /* after sim_scenario_check */
    bool parsed;
} sim_entry;

typedef struct sim_secline {
    char *section, *file;
    int line;
    bool cite_like; /* an indented [...] line right after a key: a wrapped citation? */
} sim_secline;

typedef struct sim_scenario {
    char *path;          /* the file given by the user */
    char *name;          /* [scenario] name, or the file's base name */
    sim_entry *e;        /* entries in order of first appearance; after
                            sim_scenario_check, grouped by section (first opened) */
    size_t n, cap;
    sim_secline *sec;    /* where each section was first opened */
    size_t nsec;
    char **files;        /* every file read, the user's first */
    size_t nfiles;
    sim_sources *sources; /* the registry its citations are checked against */
} sim_scenario;

/* Read a scenario file and its `extends` chain; apply `remove`. */
int sim_scenario_load(sim_scenario *sc, const char *path, sim_err *err);
/* Whether section.key is a key the schema accepts (set or not). */
bool sim_schema_knows(const sim_schema *schema, const char *full);
/* Apply one `section.key=value` override (value may end with a citation). */
int sim_scenario_set(sim_scenario *sc, const sim_schema *schema, const char *assignment,
                     int index, sim_err *err);
/* Check every section, key and value against the schema, parse the values,
 * check citations against the registry (`strict`: every parameter cited),
 * then require the required keys: every one missing is named in one error,
 * a line per key after a line that counts them (one alone as before). */
int sim_scenario_check(sim_scenario *sc, const sim_schema *schema, bool strict, sim_err *err);
void sim_scenario_free(sim_scenario *sc);

/* Look-ups, valid after sim_scenario_check. */
const sim_entry *sim_sc_get(const sim_scenario *sc, const char *section, const char *key);
const sim_entry *sim_sc_full(const sim_scenario *sc, const char *full);
/* Raw text of a key before checking (NULL when absent). */
const char *sim_sc_text(const sim_scenario *sc, const char *section, const char *key);
/* Names of the sections "prefix.NAME" in order of appearance; returns the
 * count and a malloc'd array of pointers into the scenario (free the array only). */
size_t sim_sc_sections(const sim_scenario *sc, const char *prefix, const char ***names);
/* Where a section was opened (file:line), for messages. */
const sim_secline *sim_sc_secline(const sim_scenario *sc, const char *section);
/* The scenario's `remove` entry when its list names section `section` or
 * the key section.key (key NULL: the section alone), else NULL: a required
 * key it took out is blamed on it, not on the file that had set the key. */
const sim_entry *sim_sc_removed(const sim_scenario *sc, const char *section, const char *key);
/* Add to m that the scenario lacks required key section.key (help: what it
 * is; form: its value's shape, NULL for "..."): at the remove that took it
 * out, else at the section's line when the section is written, else at the
 * scenario's file. hint as sim_missing_add's. */
void sim_missing_key(sim_missing *m, const sim_scenario *sc, const char *section, const char *key, const char *help,
                     const char *form, bool hint);

/* An entry's citations, as "F01, S0" (or "" when none). */
void sim_entry_cites(const sim_entry *e, sim_buf *out);
bool sim_entry_is_assumption(const sim_entry *e);
/* Whether it should cite a source (a model parameter) and cites nothing. */
bool sim_entry_is_uncited(const sim_entry *e);
/* Whether it is a law drawn afresh at each use within a trial (a facility's
 * event_size): uncertain, but no parameter and no column. */
bool sim_entry_is_per_event(const sim_entry *e);
/* "file:line: full: " prefix for messages about this entry. */
int sim_entry_err(const sim_entry *e, sim_err *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
