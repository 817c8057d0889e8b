/* util.h - small shared pieces: error messages, growable strings, number and
 * date parsing, name suggestions.
 *
 * Ownership: every function that returns a char * returns a string the caller
 * frees with free(); sim_buf owns its bytes until sim_buf_free or sim_buf_take. */
#ifndef SIM_UTIL_H
#define SIM_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The build, which the Makefile passes (manifests, checkpoints, --version). */
#ifndef RISKMC_VERSION
#define RISKMC_VERSION "0.0.0"
#endif
#ifndef RISKMC_COMMIT
#define RISKMC_COMMIT "unknown"
#endif

/* An error message for the user. Functions that fail fill it and return -1;
 * only main prints it and exits. */
typedef struct sim_err {
    char msg[8192]; /* room for every missing key of a bare scenario, a line each */
} sim_err;

/* Format into err (if not NULL) and return -1, so callers can write
 * `return sim_errf(err, ...)`. */
int sim_errf(sim_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefix an existing message: "prefix: old message". Returns -1. */
int sim_err_prefix(sim_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Out-of-memory and broken invariants are bugs or fatal conditions: they
 * abort with the C source location. */
#define SIM_ASSERT(c)                                                             \
    do {                                                                          \
        if (!(c)) sim_panic(__FILE__, __LINE__, #c);                              \
    } while (0)
_Noreturn void sim_panic(const char *file, int line, const char *what);

void *sim_malloc(size_t n);
void *sim_calloc(size_t n, size_t size);
void *sim_realloc(void *p, size_t n);
/* n zeroed bytes for a large working array; free with sim_big_free(p, n) */
void *sim_big_alloc(size_t n);
void sim_big_free(void *p, size_t n);
char *sim_strdup(const char *s);
char *sim_strndup(const char *s, size_t n);
char *sim_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte string, always NUL-terminated. */
typedef struct sim_buf {
    char *s;
    size_t len, cap;
} sim_buf;

void sim_buf_init(sim_buf *b);
void sim_buf_free(sim_buf *b);
void sim_buf_clear(sim_buf *b);
void sim_buf_add(sim_buf *b, const char *s, size_t n);
void sim_buf_puts(sim_buf *b, const char *s);
void sim_buf_putc(sim_buf *b, char c);
void sim_buf_printf(sim_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sim_buf_vprintf(sim_buf *b, const char *fmt, va_list ap);
/* Hand the bytes to the caller (free with free()) and reset b. */
char *sim_buf_take(sim_buf *b);

/* How many of s's first bytes, at most max, end on a whole UTF-8
 * character: the length for "%.*s" in a message that shows a prefix. */
int sim_utf8_fit(const char *s, int max);
/* Bytes in the UTF-8 character that starts at s (1 for a stray byte or
 * the end of the string). */
int sim_utf8_len(const char *s);

/* An index ranked by a key: qsort with sim_rank_desc puts the largest key
 * first, ties in index order. */
typedef struct sim_rank {
    size_t k;
    double key;
} sim_rank;
int sim_rank_desc(const void *a, const void *b);

/* Strip leading and trailing white space in place; returns s. */
char *sim_trim(char *s);
bool sim_is_ident(const char *s);      /* [A-Za-z_][A-Za-z0-9_]* */
bool sim_starts_with(const char *s, const char *prefix);

/* Parse a whole string as a finite decimal number (no hex, no inf/nan).
 * Returns 0, or -1 with a reason in *why (static text). */
int sim_parse_real(const char *s, double *out, const char **why);
/* Parse a whole string as a signed decimal integer. */
int sim_parse_int(const char *s, long long *out, const char **why);

/* Dates are days since 1970-01-01 (proleptic Gregorian). */
int sim_parse_date(const char *s, long *days, const char **why);
void sim_format_date(long days, char out[11]);

/* Format a number so that it reads back to the same double, shortest first;
 * whole numbers below 2^53 print without a decimal point. NaN prints empty. */
void sim_format_num(double x, char out[32]);
/* 12345.6 -> "12,346" with thousands separators, rounded to `decimals`. */
void sim_format_thousands(double x, int decimals, char *out, size_t n);
/* A plain decimal number s ("-12345.6") with thousands separators. */
void sim_group_thousands(const char *s, char *out, size_t n);
/* x as sim_format_num gives it (the shortest form that reads back to x),
 * with thousands separators when it has no exponent: 20000 -> "20,000",
 * 1234.5 -> "1,234.5", 0.001 -> "0.001", 1e17 -> "1e+17"; NaN -> "-".
 * For a value the user wrote (a threshold), which must not read rounded. */
void sim_format_exact(double x, char *out, size_t n);
/* A probability in percent, as every console line, brief and chart shows
 * it: 0% and 100% exactly, two decimals within 0.1% of either, else one;
 * "-" for NaN. Rounded from the 10 digits the CSV files hold, so that a
 * figure reads the same whether it came from memory or from a file. */
void sim_format_pct(double p, char *out, size_t n);
/* A number for reading: whole from 100 up (and whole numbers), else to 1,
 * 2 or 3 decimals as it is under 100, 10 or 1, and two significant digits
 * under 0.01; thousands separated, never in exponent form; "-" for NaN. */
void sim_format_readable(double x, char *out, size_t n);
/* The decimals sim_format_readable gives a number of x's size that is not
 * whole: its label's last digit is worth 10^-decimals (0 from 100 up, 3
 * under 1, more under 0.01). */
int sim_readable_decimals(double x);

/* Edit distance (Damerau-Levenshtein, optimal string alignment). */
size_t sim_edit_distance(const char *a, const char *b);
/* The candidate nearest to s if it is close enough to be a likely typo,
 * else NULL. */
const char *sim_suggest(const char *s, const char *const *cands, size_t n);

/* FNV-1a 64-bit hash of a string: stable stream ids from names. */
uint64_t sim_hash64(const char *s);

/* Read a whole regular file of at most `max` bytes; NUL-terminates.
 * Returns NULL and fills err ("PATH: cannot open: why"). */
char *sim_read_file(const char *path, size_t max, size_t *len, sim_err *err);

/* Monotonic seconds. */
double sim_now(void);

#endif
