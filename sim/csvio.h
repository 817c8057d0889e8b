/* csvio.h - CSV in and out through libcsv.
 *
 * Writing: rows are built in a sim_buf. Numbers are written bare; a text
 * field is quoted by libcsv only when it holds a comma, quote, line break or
 * edge space, so files stay tidy for spreadsheets, pandas and gnuplot. LF
 * line ends, UTF-8, one header row.
 *
 * Reading: sim_csv_read parses a whole file into a table of strings; the
 * table owns them (sim_table_free). */
#ifndef SIM_CSVIO_H
#define SIM_CSVIO_H

#include <stddef.h>

#include "util.h"

typedef struct sim_csvrow {
    sim_buf buf;     /* accumulates whole rows */
    size_t nfields;  /* fields in the row being built */
} sim_csvrow;

void sim_csv_init(sim_csvrow *r);
void sim_csv_free(sim_csvrow *r);
void sim_csv_str(sim_csvrow *r, const char *s);
void sim_csv_num(sim_csvrow *r, double x); /* NaN -> empty field; exact */
/* A statistic: 10 significant digits, enough for any Monte Carlo estimate. */
void sim_csv_stat(sim_csvrow *r, double x);
void sim_csv_int(sim_csvrow *r, long long x);
void sim_csv_end(sim_csvrow *r);

typedef struct sim_table {
    size_t ncols, nrows;
    char **header;  /* ncols names */
    char ***rows;   /* nrows rows of ncols fields (short rows padded with "") */
    size_t *row_line; /* the file line each row starts on */
    size_t ragged;    /* the line of the first row whose field count is not the header's, or 0 */
} sim_table;

int sim_csv_read(const char *path, sim_table *t, sim_err *err);
void sim_table_free(sim_table *t);
/* Column index by name, or -1. */
long sim_table_col(const sim_table *t, const char *name);

#endif
