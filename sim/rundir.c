/* rundir.c - see rundir.h. */
#define _GNU_SOURCE
#include "rundir.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>
#include <ini.h>

#include "outdir.h"
#include "results.h"

typedef struct mctx {
    sim_rundir *rd;
} mctx;

static void set(char **dst, const char *v)
{
    free(*dst);
    *dst = sim_strdup(v);
}

static int on_manifest(void *user, const char *section, const char *key, const char *value)
{
    sim_rundir *rd = ((mctx *)user)->rd;
    if (strcmp(section, "run") == 0) {
        if (strcmp(key, "kind") == 0) set(&rd->kind, value);
        else if (strcmp(key, "riskmc_version") == 0) set(&rd->version, value);
        else if (strcmp(key, "git_commit") == 0) set(&rd->commit, value);
        else if (strcmp(key, "command") == 0) set(&rd->command, value);
        else if (strcmp(key, "model") == 0) set(&rd->model, value);
        else if (strcmp(key, "sources_used") == 0) set(&rd->sources_used, value);
        else if (strcmp(key, "assumptions") == 0) set(&rd->assumptions, value);
        else if (strcmp(key, "uncited") == 0) set(&rd->uncited, value);
        else if (strcmp(key, "periods") == 0) set(&rd->periods, value);
        else if (strcmp(key, "design") == 0) set(&rd->points, value);
        else if (strcmp(key, "scenarios") == 0) set(&rd->scenarios, value);
        else if (strcmp(key, "left_out") == 0) set(&rd->left_out, value);
        else if (strcmp(key, "precision") == 0) set(&rd->precision, value);
        else if (strcmp(key, "precision_reached") == 0) set(&rd->precision_reached, value);
        else if (strcmp(key, "least_precise") == 0) set(&rd->least_precise, value);
        else if (strcmp(key, "same_in_every_trial") == 0) set(&rd->same_in_every_trial, value);
        else if (strncmp(key, "question.", 9) == 0) {
            const long k = strtol(key + 9, NULL, 10);
            if (k < 1 || k > 10000) return 1;
            if ((size_t)k > rd->nquestions) {
                rd->questions = sim_realloc(rd->questions, (size_t)k * sizeof *rd->questions);
                for (size_t i = rd->nquestions; i < (size_t)k; i++) rd->questions[i] = NULL;
                rd->nquestions = (size_t)k;
            }
            set(&rd->questions[k - 1], value);
        }
        else if (strcmp(key, "seed") == 0) rd->seed = strtoull(value, NULL, 10);
        else if (strcmp(key, "trials") == 0) rd->trials = strtoull(value, NULL, 10);
        else if (strcmp(key, "outer") == 0) rd->outer = strtoull(value, NULL, 10);
        else if (strcmp(key, "inner") == 0) rd->inner = strtoull(value, NULL, 10);
        return 1;
    }
    if (strcmp(section, "scenario") == 0) {
        if (strcmp(key, "name") == 0) set(&rd->name, value);
        else if (strcmp(key, "title") == 0) set(&rd->title, value);
        else if (strcmp(key, "question") == 0) set(&rd->question, value);
    }
    rd->resolved = sim_realloc(rd->resolved, (rd->nresolved + 1) * sizeof *rd->resolved);
    rd->resolved[rd->nresolved++] = (sim_kv){sim_strdup(section), sim_strdup(key), sim_strdup(value)};
    return 1;
}

/* A table riskmc computed, as it wrote it: every row as wide as the
 * header, and numbers (or empty cells) in every column but the text ones. */
static const char DAMAGED[] = "changed or cut short since riskmc wrote it; run again";

static int check_table(const char *path, const sim_table *t, sim_err *err)
{
    static const char *const TEXT[] = {"output",   "series", "date",        "statistic", "parameter", "assumption",
                                       "sources",  "kind",   "scenario",    "observation", "name",   "verdict"};
    if (t->ragged) return sim_errf(err, "%s:%zu: a row of another width than the header (%s)", path, t->ragged, DAMAGED);
    for (size_t c = 0; c < t->ncols; c++) {
        bool text = false;
        for (size_t k = 0; k < sizeof TEXT / sizeof *TEXT && !text; k++) text = !strcmp(t->header[c], TEXT[k]);
        const bool prob = !strcmp(t->header[c], "probability") || sim_starts_with(t->header[c], "wilson_") ||
                          sim_starts_with(t->header[c], "P(");
        for (size_t r = 0; r < t->nrows && !text; r++) {
            const char *s = t->rows[r][c];
            char *end;
            double x = strtod(s, &end);
            if (*s && (*end || !isfinite(x)))
                return sim_errf(err, "%s:%zu: %s: '%s' is not a number (%s)", path, t->row_line[r], t->header[c], s,
                                DAMAGED);
            if (*s && prob && (x < 0 || x > 1))
                return sim_errf(err, "%s:%zu: %s: %s is not a probability (%s)", path, t->row_line[r], t->header[c], s,
                                DAMAGED);
        }
    }
    return 0;
}

/* Read dir/name (computed: check it as check_table does). */
static int read_table(const char *dir, const char *name, bool required, bool computed, sim_table *t, sim_err *err)
{
    char *path = sim_asprintf("%s/%s", dir, name);
    memset(t, 0, sizeof *t);
    int rc = 0;
    if (access(path, R_OK) == 0) {
        rc = sim_csv_read(path, t, err);
        if (rc == 0 && computed) rc = check_table(path, t, err);
    } else if (required) {
        rc = sim_errf(err, "%s: missing (is %s a riskmc results folder?)", path, dir);
    }
    free(path);
    return rc;
}

/* The header riskmc writes for the file. */
static int check_header(const sim_rundir *rd, const char *name, const sim_table *t, const char *const *cols,
                        sim_err *err)
{
    size_t n = 0;
    while (cols[n]) n++;
    for (size_t c = 0; c < n || c < t->ncols; c++)
        if (c >= n || c >= t->ncols || strcmp(t->header[c], cols[c]) != 0)
            return sim_errf(err, "%s/%s:1: column %zu should be '%s' (%s)", rd->dir, name, c + 1, c < n ? cols[c] : "none",
                            DAMAGED);
    return 0;
}

/* Whether a row of t in dictionary kind `kind` names each of its names once
 * (column col), and the dictionary's rows of that kind all appear. */
static int check_names(const sim_rundir *rd, const char *name, const sim_table *t, const char *col, const char *kind,
                       sim_err *err)
{
    size_t want = 0;
    for (size_t r = 0; r < rd->dict.nrows; r++) want += !strcmp(sim_table_get(&rd->dict, r, "kind"), kind);
    size_t found = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        const char *v = sim_table_get(t, r, col);
        for (size_t q = 0; q < r; q++)
            if (!strcmp(sim_table_get(t, q, col), v))
                return sim_errf(err, "%s/%s:%zu: %s appears twice (%s)", rd->dir, name, t->row_line[r], v, DAMAGED);
        const long d = sim_table_find(&rd->dict, "name", v);
        found += d >= 0 && !strcmp(sim_table_get(&rd->dict, (size_t)d, "kind"), kind);
    }
    if (found != want || t->nrows != want)
        return sim_errf(err, "%s/%s: %zu rows where dictionary.csv lists %zu %ss (%s)", rd->dir, name, t->nrows, want,
                        kind, DAMAGED);
    return 0;
}

/* A run's files as riskmc wrote them: their headers, an output per row of
 * summary.csv, each threshold once in risks.csv, and in series.csv every
 * day of the horizon of every series, in order; a sweep's points in order. */
static int check_run(const sim_rundir *rd, sim_err *err)
{
    if (!strcmp(rd->kind, "sweep")) /* its grid points in order, each once */
        for (size_t r = 0; r < rd->design.nrows; r++)
            if (sim_table_num(&rd->design, r, "point") != (double)r)
                return sim_errf(err, "%s/sweep.csv:%zu: expected point %zu (%s)", rd->dir, rd->design.row_line[r], r,
                                DAMAGED);
    if (*rd->kind && strcmp(rd->kind, "run") != 0) return 0;
    if (check_header(rd, "summary.csv", &rd->summary, SIM_SUMMARY_COLUMNS, err) ||
        (rd->risks.header && check_header(rd, "risks.csv", &rd->risks, SIM_RISKS_COLUMNS, err)) ||
        (rd->series.header && check_header(rd, "series.csv", &rd->series, SIM_SERIES_COLUMNS, err)))
        return -1;
    if (!rd->dict.header) return 0;
    if (check_names(rd, "summary.csv", &rd->summary, "output", "output", err) != 0) return -1;
    for (size_t r = 0; r < rd->risks.nrows; r++)
        for (size_t q = 0; q < r; q++)
            if (!strcmp(rd->risks.rows[q][0], rd->risks.rows[r][0]) && !strcmp(rd->risks.rows[q][1], rd->risks.rows[r][1]))
                return sim_errf(err, "%s/risks.csv:%zu: %s >= %s appears twice (%s)", rd->dir, rd->risks.row_line[r],
                                rd->risks.rows[r][0], rd->risks.rows[r][1], DAMAGED);
    const char *hd = sim_rundir_value(rd, "time.horizon_days");
    if (!rd->series.header || !hd) return 0;
    const size_t H = (size_t)strtoul(hd, NULL, 10);
    for (size_t r = 0; r < rd->series.nrows; r++) {
        const size_t day = r % (H ? H : 1);
        if (strtoul(rd->series.rows[r][1], NULL, 10) != day ||
            strcmp(rd->series.rows[r][0], rd->series.rows[r - day][0]) != 0)
            return sim_errf(err, "%s/series.csv:%zu: expected day %zu of %s (%s)", rd->dir, rd->series.row_line[r], day,
                            rd->series.rows[r - day][0], DAMAGED);
    }
    size_t want = 0;
    for (size_t r = 0; r < rd->dict.nrows; r++) want += !strcmp(sim_table_get(&rd->dict, r, "kind"), "series");
    if (rd->series.nrows != want * H)
        return sim_errf(err, "%s/series.csv: %zu rows where %zu series of %zu days need %zu (%s)", rd->dir,
                        rd->series.nrows, want, H, want * H, DAMAGED);
    return 0;
}

int sim_rundir_open(sim_rundir *rd, const char *dir, sim_err *err)
{
    memset(rd, 0, sizeof *rd);
    rd->dir = sim_strdup(dir);
    char *path = sim_asprintf("%s/manifest.ini", dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        sim_errf(err, "%s: cannot open: %s (is %s a riskmc results folder?)", path, strerror(errno), dir);
        free(path);
        sim_rundir_free(rd);
        return -1;
    }
    ini_max_line = 1 << 16;
    ini_allow_multiline = false;
    ini_stop_on_first_error = false;
    mctx c = {rd};
    int r = ini_parse_file(f, on_manifest, &c);
    fclose(f);
    if (r != 0) {
        sim_errf(err, "%s:%d: not a riskmc manifest", path, r);
        free(path);
        sim_rundir_free(rd);
        return -1;
    }
    free(path);
    if (!rd->name) rd->name = sim_strdup("scenario");
    if (!rd->title) rd->title = sim_strdup(rd->name);
    if (!rd->question) rd->question = sim_strdup("");
    const char **fields[] = {(const char **)&rd->kind,   (const char **)&rd->version, (const char **)&rd->commit,
                             (const char **)&rd->command, (const char **)&rd->model,  (const char **)&rd->sources_used,
                             (const char **)&rd->assumptions, (const char **)&rd->uncited};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        if (!*fields[i]) *fields[i] = sim_strdup("");
    static const char *const KINDS[] = {"run", "sweep", "compare", "tornado", "spider", "morris", "sobol", NULL};
    bool known = !*rd->kind;
    for (const char *const *k = KINDS; *k && !known; k++) known = strcmp(rd->kind, *k) == 0;
    if (!known) {
        sim_errf(err, "%s/manifest.ini: kind = %s (allowed: run, sweep, compare, tornado, spider, morris, sobol)", dir,
                 rd->kind);
        sim_rundir_free(rd);
        return -1;
    }
    bool run = !*rd->kind || strcmp(rd->kind, "run") == 0;
    char design[64];
    snprintf(design, sizeof design, "%s.csv", run ? "none" : rd->kind);
    if (read_table(dir, "summary.csv", run, true, &rd->summary, err) ||
        read_table(dir, "risks.csv", false, true, &rd->risks, err) ||
        (!run && read_table(dir, design, true, true, &rd->design, err)) ||
        read_table(dir, "dictionary.csv", false, false, &rd->dict, err) ||
        read_table(dir, "series.csv", false, true, &rd->series, err) ||
        read_table(dir, "observations.csv", false, true, &rd->obs, err) ||
        read_table(dir, "sources.csv", false, false, &rd->sources, err) ||
        read_table(dir, "uncertainty.csv", false, true, &rd->uncert, err) ||
        read_table(dir, "exceedance.csv", false, true, &rd->exceed, err) || check_run(rd, err)) {
        sim_rundir_free(rd);
        return -1;
    }
    /* a group of outputs is named in dictionary.csv by its parts' pattern
     * (infiltrated.*), so that no two rows share a name: here by its stem */
    const long name_col = sim_table_col(&rd->dict, "name");
    for (size_t i = 0; i < rd->dict.nrows && name_col >= 0; i++) {
        char *nm = rd->dict.rows[i][name_col];
        const size_t len = strlen(nm);
        if (!strcmp(sim_table_get(&rd->dict, i, "kind"), "group") && len > 2 && !strcmp(nm + len - 2, ".*"))
            nm[len - 2] = '\0';
    }
    return 0;
}

void sim_rundir_free(sim_rundir *rd)
{
    char *strs[] = {rd->dir,     rd->kind,   rd->version, rd->commit,       rd->command,     rd->model,
                    rd->sources_used, rd->assumptions, rd->uncited, rd->periods, rd->points, rd->name,
                    rd->scenarios, rd->left_out, rd->title, rd->question, rd->precision,
                    rd->precision_reached, rd->least_precise, rd->same_in_every_trial};
    for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) free(strs[i]);
    for (size_t i = 0; i < rd->nquestions; i++) free(rd->questions[i]);
    free(rd->questions);
    for (size_t i = 0; i < rd->nresolved; i++)
        free(rd->resolved[i].section), free(rd->resolved[i].key), free(rd->resolved[i].value);
    free(rd->resolved);
    sim_table *tabs[] = {&rd->summary, &rd->risks,  &rd->dict,   &rd->series, &rd->obs,
                         &rd->sources, &rd->design, &rd->uncert, &rd->exceed};
    for (size_t i = 0; i < sizeof tabs / sizeof *tabs; i++) sim_table_free(tabs[i]);
    memset(rd, 0, sizeof *rd);
}

/* ------------------------------------------------------------ one column of trials.csv */

typedef struct colctx {
    const char *name;
    long want, col;
    size_t row;
    double *x;
    size_t n, cap;
    size_t bad; /* the first row with no number where one belongs, or 0 */
} colctx;

static void col_field(void *s, size_t len, void *data)
{
    colctx *c = data;
    if (c->row == 0) {
        if (c->want < 0 && len == strlen(c->name) && memcmp(s, c->name, len) == 0) c->want = c->col;
    } else if (c->col == c->want) {
        if (c->n == c->cap) {
            c->cap = c->cap ? 2 * c->cap : 4096;
            c->x = sim_realloc(c->x, c->cap * sizeof *c->x);
        }
        char buf[64];
        size_t k = len < sizeof buf - 1 ? len : sizeof buf - 1;
        memcpy(buf, s, k);
        buf[k] = '\0';
        char *end;
        double v = strtod(buf, &end);
        if (!c->bad && k > 0 && (*end || !isfinite(v))) c->bad = c->row;
        c->x[c->n++] = k == 0 || *end ? NAN : v;
    }
    c->col++;
}

static void col_row(int ch, void *data)
{
    (void)ch;
    colctx *c = data;
    c->row++;
    c->col = 0;
}

int sim_rundir_column(const sim_rundir *rd, const char *name, double **x, size_t *n, sim_err *err)
{
    char *path = sim_asprintf("%s/trials.csv", rd->dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        sim_errf(err, "%s: cannot open: %s", path, strerror(errno));
        free(path);
        return -1;
    }
    struct csv_parser p;
    csv_init(&p, 0);
    colctx c = {name, -1, 0, 0, NULL, 0, 0, 0};
    char buf[1 << 16];
    size_t got;
    int rc = 0;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        if (csv_parse(&p, buf, got, col_field, col_row, &c) != got) {
            rc = sim_errf(err, "%s: %s", path, csv_strerror(csv_error(&p)));
            break;
        }
        if (c.row > 0 && c.want < 0) break;
    }
    if (rc == 0) csv_fini(&p, col_field, col_row, &c);
    csv_free(&p);
    fclose(f);
    if (rc == 0 && c.want < 0) rc = sim_errf(err, "%s: no column '%s'", path, name);
    /* as riskmc wrote it: a number or nothing in every row, a row per trial */
    if (rc == 0 && c.bad)
        rc = sim_errf(err, "%s:%zu: %s: not a number (changed since riskmc wrote it; run again)", path, c.bad + 1, name);
    if (rc == 0 && (c.n != c.row - 1 || (rd->trials && c.n != rd->trials)))
        rc = sim_errf(err, "%s: %zu rows with %s where the run has %llu trials (cut short or changed since riskmc "
                           "wrote it; run again)", path, c.n, name, (unsigned long long)rd->trials);
    free(path);
    if (rc != 0) {
        free(c.x);
        return -1;
    }
    *x = c.x;
    *n = c.n;
    return 0;
}

const char *sim_rundir_describe(const sim_rundir *rd, const char *name)
{
    long r = sim_table_find(&rd->dict, "name", name);
    return r < 0 ? "" : sim_table_get(&rd->dict, (size_t)r, "description");
}

size_t sim_rundir_outputs(const sim_rundir *rd, bool table, const char ***names)
{
    size_t n = 0;
    *names = sim_malloc((rd->dict.nrows + rd->summary.nrows + 1) * sizeof **names);
    if (rd->dict.nrows) {
        for (size_t r = 0; r < rd->dict.nrows; r++) {
            const char *show = sim_table_get(&rd->dict, r, "show");
            if (strcmp(sim_table_get(&rd->dict, r, "kind"), "output") != 0) continue;
            if (strcmp(show, "chart") == 0 || (table && strcmp(show, "table") == 0))
                (*names)[n++] = sim_table_get(&rd->dict, r, "name");
        }
    } else {
        for (size_t r = 0; r < rd->summary.nrows; r++) (*names)[n++] = sim_table_get(&rd->summary, r, "output");
    }
    return n;
}

size_t sim_compare_block(const sim_table *t)
{
    size_t k = 1;
    while (k < t->nrows && !(!strcmp(sim_table_get(t, k, "output"), sim_table_get(t, 0, "output")) &&
                             !strcmp(sim_table_get(t, k, "statistic"), sim_table_get(t, 0, "statistic"))))
        k++;
    return k;
}

const char *sim_rundir_value(const sim_rundir *rd, const char *full)
{
    for (size_t i = 0; i < rd->nresolved; i++) {
        const sim_kv *kv = &rd->resolved[i];
        size_t ls = strlen(kv->section);
        if (strncmp(full, kv->section, ls) == 0 && full[ls] == '.' && strcmp(full + ls + 1, kv->key) == 0)
            return kv->value;
    }
    return NULL;
}

const char *sim_table_get(const sim_table *t, size_t row, const char *col)
{
    long c = sim_table_col(t, col);
    return c < 0 || row >= t->nrows ? "" : t->rows[row][c];
}

long sim_table_find(const sim_table *t, const char *col, const char *value)
{
    long c = sim_table_col(t, col);
    if (c < 0) return -1;
    for (size_t r = 0; r < t->nrows; r++)
        if (strcmp(t->rows[r][c], value) == 0) return (long)r;
    return -1;
}

double sim_table_num(const sim_table *t, size_t row, const char *col)
{
    const char *s = sim_table_get(t, row, col);
    char *end;
    double v = strtod(s, &end);
    return *s && !*end ? v : NAN;
}

void sim_rundir_trials_text(const sim_rundir *rd, char *out, size_t n)
{
    char num[32];
    sim_format_thousands((double)rd->trials, 0, num, sizeof num);
    if (rd->outer && rd->inner) {
        char no[32], ni[32];
        sim_format_thousands((double)rd->outer, 0, no, sizeof no);
        sim_format_thousands((double)rd->inner, 0, ni, sizeof ni);
        snprintf(out, n, "%s outer × %s inner (%s trials)", no, ni, num);
    } else if (!*rd->kind || !strcmp(rd->kind, "run")) {
        snprintf(out, n, "%s trial%s", num, rd->trials == 1 ? "" : "s");
    }
    else if (!strcmp(rd->kind, "sobol")) snprintf(out, n, "Sobol base sample %s", num);
    else if (!strcmp(rd->kind, "compare")) snprintf(out, n, "compare, %s trials per scenario", num);
    else snprintf(out, n, "%s design, %s trials per point", rd->kind, num);
}

int sim_rundir_compare_out(const char *out, sim_err *err)
{
    /* a comparison written into a results folder, or its charts/, would
     * replace that folder's own charts or brief */
    char *host = sim_outdir_results_host(out);
    const bool inside = host != NULL;
    free(host);
    if (inside)
        return sim_errf(err, "-o %s: a results folder, its charts/ or a folder inside one (a comparison there would "
                             "replace its charts or brief, or be in its way; allowed: a folder of its own, e.g. "
                             "results/comparison)", out);
    return 0;
}

int sim_rundir_open_runs(char **dirs, size_t n, sim_rundir **rd, size_t *nrun, size_t *skipped, sim_err *err)
{
    *nrun = *skipped = 0;
    *rd = sim_calloc(n + 1, sizeof **rd);
    for (size_t i = 0; i < n; i++) {
        sim_rundir *r = &(*rd)[*nrun];
        if (sim_rundir_open(r, dirs[i], err) != 0) {
            for (size_t k = 0; k < *nrun; k++) sim_rundir_free(&(*rd)[k]);
            free(*rd);
            *rd = NULL;
            *nrun = 0;
            return -1;
        }
        if ((!*r->kind || !strcmp(r->kind, "run")) && r->summary.nrows > 0) (*nrun)++;
        else sim_rundir_free(r), (*skipped)++;
    }
    return 0;
}
