/* sources.c - see sources.h. */
#define _GNU_SOURCE
#include "sources.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvio.h"

#ifndef RISKMC_SCENARIO_DIR
#define RISKMC_SCENARIO_DIR "scenarios"
#endif

const char *const SIM_SOURCES_COLUMNS[8] = {"id",    "kind",     "outlet", "date",
                                            "locator", "quantity", "value", "note"};

int sim_sources_load(sim_sources *reg, const char *path, sim_err *err)
{
    memset(reg, 0, sizeof *reg);
    sim_table t;
    if (sim_csv_read(path, &t, err) != 0) return -1;
    for (size_t i = 0; i < 8; i++)
        if (i >= t.ncols || strcmp(t.header[i], SIM_SOURCES_COLUMNS[i]) != 0) {
            sim_table_free(&t);
            return sim_errf(err,
                            "%s:1: header: column %zu should be '%s' (allowed: id,kind,outlet,"
                            "date,locator,quantity,value,note)",
                            path, i + 1, SIM_SOURCES_COLUMNS[i]);
        }
    if (t.ragged) {
        sim_errf(err, "%s:%zu: a row of another width than the header (allowed: 8 fields, id,kind,outlet,date,locator,"
                      "quantity,value,note; quote a field that holds a comma)", path, t.ragged);
        sim_table_free(&t);
        return -1;
    }
    reg->path = sim_strdup(path);
    reg->s = sim_calloc(t.nrows, sizeof *reg->s);
    for (size_t r = 0; r < t.nrows; r++) {
        char **row = t.rows[r];
        if (!sim_is_ident(row[0])) {
            sim_errf(err, "%s:%zu: id: '%s' is not a source id (allowed: letters, digits, _)",
                     path, t.row_line[r], row[0]);
            sim_table_free(&t);
            sim_sources_free(reg);
            return -1;
        }
        if (sim_sources_find(reg, row[0])) {
            sim_errf(err, "%s:%zu: id: '%s' appears twice", path, t.row_line[r], row[0]);
            sim_table_free(&t);
            sim_sources_free(reg);
            return -1;
        }
        sim_source *s = &reg->s[reg->n++];
        char **f[8] = {&s->id, &s->kind, &s->outlet, &s->date,
                       &s->locator, &s->quantity, &s->value, &s->note};
        for (size_t i = 0; i < 8; i++) *f[i] = sim_strdup(row[i]);
    }
    /* a figure's outlet names the sources it comes from: ids of this registry */
    for (size_t r = 0; r < reg->n; r++) {
        if (strcmp(reg->s[r].kind, "figure") != 0) continue;
        char *ids = sim_strdup(reg->s[r].outlet), *save = NULL;
        size_t named = 0;
        for (char *id = strtok_r(ids, ";, ", &save); id; id = strtok_r(NULL, ";, ", &save), named++)
            if (!sim_sources_find(reg, id) || !strcmp(id, reg->s[r].id)) {
                sim_errf(err, "%s:%zu: outlet: figure %s names '%s', not another source of this file (allowed: ids "
                              "of its sources, e.g. S0; E1)", path, t.row_line[r], reg->s[r].id, id);
                free(ids);
                sim_table_free(&t);
                sim_sources_free(reg);
                return -1;
            }
        free(ids);
        if (!named) {
            sim_errf(err, "%s:%zu: outlet: figure %s names no source (allowed: ids of its sources, e.g. S0; E1)", path,
                     t.row_line[r], reg->s[r].id);
            sim_table_free(&t);
            sim_sources_free(reg);
            return -1;
        }
    }
    sim_table_free(&t);
    return 0;
}

void sim_sources_free(sim_sources *reg)
{
    for (size_t i = 0; i < reg->n; i++) {
        sim_source *s = &reg->s[i];
        free(s->id), free(s->kind), free(s->outlet), free(s->date);
        free(s->locator), free(s->quantity), free(s->value), free(s->note);
    }
    free(reg->s);
    free(reg->path);
    memset(reg, 0, sizeof *reg);
}

const sim_source *sim_sources_find(const sim_sources *reg, const char *id)
{
    for (size_t i = 0; i < reg->n; i++)
        if (strcmp(reg->s[i].id, id) == 0) return &reg->s[i];
    return NULL;
}

char *sim_sources_beside(const char *scenario_path)
{
    const char *slash = strrchr(scenario_path, '/');
    char *near = slash ? sim_asprintf("%.*s/sources.csv", (int)(slash - scenario_path), scenario_path)
                       : sim_strdup("sources.csv");
    if (access(near, R_OK) == 0) return near;
    free(near);
    return NULL;
}

const char *sim_sources_default(void)
{
    return RISKMC_SCENARIO_DIR "/sources.csv";
}
