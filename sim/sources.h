/* sources.h - the sources registry (scenarios/sources.csv): every id a
 * scenario may cite. Columns: id, kind, outlet, date, locator, quantity,
 * value, note. The registry owns its strings. */
#ifndef SIM_SOURCES_H
#define SIM_SOURCES_H

#include <stddef.h>

#include "util.h"

typedef struct sim_source {
    char *id, *kind, *outlet, *date, *locator, *quantity, *value, *note;
} sim_source;

typedef struct sim_sources {
    char *path;
    sim_source *s;
    size_t n;
} sim_sources;

/* The registry columns, in order. */
extern const char *const SIM_SOURCES_COLUMNS[8];

int sim_sources_load(sim_sources *reg, const char *path, sim_err *err);
void sim_sources_free(sim_sources *reg);
const sim_source *sim_sources_find(const sim_sources *reg, const char *id);
/* sources.csv next to a scenario file (malloc'd), or NULL when there is none. */
char *sim_sources_beside(const char *scenario_path);
/* The registry shipped in the scenarios folder this binary was built from. */
const char *sim_sources_default(void);

#endif
