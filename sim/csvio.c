/* csvio.c - see csvio.h. */
#define __STDC_WANT_IEC_60559_BFP_EXT__ 1 /* strfromd */
#include "csvio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <csv.h>

void sim_csv_init(sim_csvrow *r)
{
    sim_buf_init(&r->buf);
    r->nfields = 0;
}

void sim_csv_free(sim_csvrow *r)
{
    sim_buf_free(&r->buf);
    r->nfields = 0;
}

static void sep(sim_csvrow *r)
{
    if (r->nfields++) sim_buf_putc(&r->buf, ',');
}

void sim_csv_str(sim_csvrow *r, const char *s)
{
    sep(r);
    size_t n = strlen(s);
    int quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        sim_buf_add(&r->buf, s, n);
        return;
    }
    size_t need = csv_write(NULL, 0, s, n);
    char *tmp = sim_malloc(need);
    csv_write(tmp, need, s, n);
    sim_buf_add(&r->buf, tmp, need);
    free(tmp);
}

void sim_csv_num(sim_csvrow *r, double x)
{
    char s[32];
    sep(r);
    sim_format_num(x, s);
    sim_buf_puts(&r->buf, s);
}

void sim_csv_stat(sim_csvrow *r, double x)
{
    char s[48];
    if (x != x) {
        sep(r);
        return;
    }
    if (x == floor(x) && fabs(x) < 1e15) {
        sim_csv_num(r, x);
        return;
    }
    /* %.10g, without an exponent for ordinary magnitudes (strfromd: the
     * same digits as snprintf without parsing a format each time) */
    strfromd(s, sizeof s, "%.10g", x);
    sep(r);
    sim_buf_puts(&r->buf, s);
}

void sim_csv_int(sim_csvrow *r, long long x)
{
    char s[32];
    sep(r);
    if (x > -9007199254740992LL && x < 9007199254740992LL) sim_format_num((double)x, s); /* exact: digits by hand */
    else snprintf(s, sizeof s, "%lld", x);
    sim_buf_puts(&r->buf, s);
}

void sim_csv_end(sim_csvrow *r)
{
    sim_buf_putc(&r->buf, '\n');
    r->nfields = 0;
}

typedef struct reader {
    sim_table *t;
    char **cur;
    size_t ncur, capcur;
    size_t line, row_start_line;
    size_t caprows;
} reader;

static void on_field(void *s, size_t len, void *data)
{
    reader *rd = data;
    if (rd->ncur == rd->capcur) {
        rd->capcur = rd->capcur ? 2 * rd->capcur : 16;
        rd->cur = sim_realloc(rd->cur, rd->capcur * sizeof *rd->cur);
    }
    rd->cur[rd->ncur++] = sim_strndup(s ? s : "", s ? len : 0);
}

static void on_row(int c, void *data)
{
    reader *rd = data;
    (void)c;
    sim_table *t = rd->t;
    if (!t->header) {
        t->header = rd->cur;
        t->ncols = rd->ncur;
    } else {
        if (t->nrows == rd->caprows) {
            rd->caprows = rd->caprows ? 2 * rd->caprows : 64;
            t->rows = sim_realloc(t->rows, rd->caprows * sizeof *t->rows);
            t->row_line = sim_realloc(t->row_line, rd->caprows * sizeof *t->row_line);
        }
        if (rd->ncur != t->ncols && !t->ragged) t->ragged = rd->row_start_line;
        char **row = sim_calloc(t->ncols > rd->ncur ? t->ncols : rd->ncur, sizeof *row);
        for (size_t i = 0; i < rd->ncur; i++) row[i] = rd->cur[i];
        for (size_t i = rd->ncur; i < t->ncols; i++) row[i] = sim_strdup("");
        for (size_t i = t->ncols; i < rd->ncur; i++) free(row[i]);
        free(rd->cur);
        t->row_line[t->nrows] = rd->row_start_line;
        t->rows[t->nrows++] = row;
    }
    rd->cur = NULL;
    rd->ncur = rd->capcur = 0;
    rd->row_start_line = rd->line + 1;
}

int sim_csv_read(const char *path, sim_table *t, sim_err *err)
{
    memset(t, 0, sizeof *t);
    size_t len;
    char *text = sim_read_file(path, (size_t)1 << 32, &len, err);
    if (!text) return -1;
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0) {
        free(text);
        return sim_errf(err, "%s: cannot start the CSV parser", path);
    }
    reader rd = {t, NULL, 0, 0, 1, 1, 0};
    /* Feed line by line so rows know their line numbers; skip the UTF-8
     * byte-order mark a spreadsheet may have saved first. */
    size_t pos = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    int rc = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n') end++;
        if (end < len) end++;
        if (csv_parse(&p, text + pos, end - pos, on_field, on_row, &rd) != end - pos) {
            rc = sim_errf(err, "%s:%zu: %s", path, rd.line, csv_strerror(csv_error(&p)));
            break;
        }
        rd.line++;
        pos = end;
    }
    if (rc == 0) csv_fini(&p, on_field, on_row, &rd);
    csv_free(&p);
    for (size_t i = 0; i < rd.ncur; i++) free(rd.cur[i]);
    free(rd.cur);
    free(text);
    if (rc == 0 && !t->header) rc = sim_errf(err, "%s: empty file, expected a header row", path);
    if (rc != 0) sim_table_free(t);
    return rc;
}

void sim_table_free(sim_table *t)
{
    for (size_t i = 0; i < t->ncols; i++) free(t->header[i]);
    free(t->header);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t i = 0; i < t->ncols; i++) free(t->rows[r][i]);
        free(t->rows[r]);
    }
    free(t->rows);
    free(t->row_line);
    memset(t, 0, sizeof *t);
}

long sim_table_col(const sim_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->header[i], name) == 0) return (long)i;
    return -1;
}
