/* util.c - see util.h. */
#define _GNU_SOURCE
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

int sim_errf(sim_err *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int sim_err_prefix(sim_err *err, const char *fmt, ...)
{
    if (err) {
        char old[sizeof err->msg];
        memcpy(old, err->msg, sizeof old);
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n + 2 < sizeof err->msg) {
            memcpy(err->msg + n, ": ", 2);
            size_t room = sizeof err->msg - (size_t)n - 2;
            size_t len = strnlen(old, room - 1);
            memcpy(err->msg + n + 2, old, len);
            err->msg[(size_t)n + 2 + len] = '\0';
        }
    }
    return -1;
}

_Noreturn void sim_panic(const char *file, int line, const char *what)
{
    fprintf(stderr, "riskmc: internal error at %s:%d: %s\n", file, line, what);
    abort();
}

void *sim_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) sim_panic(__FILE__, __LINE__, "out of memory");
    return p;
}

void *sim_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) sim_panic(__FILE__, __LINE__, "out of memory");
    return p;
}

/* Big working arrays are mapped directly, in whole 2 MiB pages the kernel
 * may back with huge pages: one page fault instead of 512 (faults are dear
 * on virtual machines), and fresh mappings are already zero. */
#define HUGE_PAGE ((size_t)2 << 20)

static size_t big_len(size_t n)
{
    return (n + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
}

void *sim_big_alloc(size_t n)
{
    if (n < HUGE_PAGE / 2) return sim_calloc(n, 1);
    size_t len = big_len(n);
    /* over-map by a huge page to align the start on one */
    char *m = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) sim_panic(__FILE__, __LINE__, "out of memory");
    char *p = (char *)(((uintptr_t)m + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (p > m) munmap(m, (size_t)(p - m));
    if (p + len < m + len + HUGE_PAGE) munmap(p + len, (size_t)(m + len + HUGE_PAGE - (p + len)));
    madvise(p, len, MADV_HUGEPAGE); /* advice only: fine if refused */
    return p;
}

void sim_big_free(void *p, size_t n)
{
    if (!p) return;
    if (n < HUGE_PAGE / 2) free(p);
    else munmap(p, big_len(n));
}

void *sim_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) sim_panic(__FILE__, __LINE__, "out of memory");
    return q;
}

char *sim_strdup(const char *s)
{
    return sim_strndup(s, strlen(s));
}

char *sim_strndup(const char *s, size_t n)
{
    char *d = sim_malloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *sim_asprintf(const char *fmt, ...)
{
    sim_buf b;
    va_list ap;
    sim_buf_init(&b);
    va_start(ap, fmt);
    sim_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return sim_buf_take(&b);
}

void sim_buf_init(sim_buf *b)
{
    b->s = NULL;
    b->len = b->cap = 0;
}

void sim_buf_free(sim_buf *b)
{
    free(b->s);
    sim_buf_init(b);
}

void sim_buf_clear(sim_buf *b)
{
    b->len = 0;
    if (b->s) b->s[0] = '\0';
}

static void buf_reserve(sim_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) cap *= 2;
    b->s = sim_realloc(b->s, cap);
    b->cap = cap;
}

void sim_buf_add(sim_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void sim_buf_puts(sim_buf *b, const char *s)
{
    sim_buf_add(b, s, strlen(s));
}

void sim_buf_putc(sim_buf *b, char c)
{
    sim_buf_add(b, &c, 1);
}

void sim_buf_vprintf(sim_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    SIM_ASSERT(n >= 0);
    buf_reserve(b, (size_t)n);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void sim_buf_printf(sim_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sim_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *sim_buf_take(sim_buf *b)
{
    char *s = b->s ? b->s : sim_strdup("");
    sim_buf_init(b);
    return s;
}

int sim_utf8_fit(const char *s, int max)
{
    int n = 0;
    while (n < max && s[n]) n++;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--; /* s[n] continues the character before */
    return n;
}

int sim_utf8_len(const char *s)
{
    const unsigned char c = (unsigned char)*s;
    int n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    for (int i = 1; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) return 1;
    return n;
}

char *sim_trim(char *s)
{
    while (*s && isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
    return s;
}

bool sim_is_ident(const char *s)
{
    if (!s || !(isalpha((unsigned char)*s) || *s == '_')) return false;
    for (s++; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_')) return false;
    return true;
}

bool sim_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A decimal number: [+-]digits[.digits][(e|E)[+-]digits], or [+-].digits... */
static bool looks_decimal(const char *s)
{
    const char *p = s;
    bool digits = false;
    if (*p == '+' || *p == '-') p++;
    while (isdigit((unsigned char)*p)) p++, digits = true;
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) p++, digits = true;
    }
    if (!digits) return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!isdigit((unsigned char)*p)) return false;
        while (isdigit((unsigned char)*p)) p++;
    }
    return *p == '\0';
}

int sim_parse_real(const char *s, double *out, const char **why)
{
    const char *w = NULL;
    if (!*s) w = "empty value, expected a number";
    else if (strcasestr(s, "nan")) w = "NaN is not a number a scenario may use";
    else if (strcasestr(s, "inf")) w = "infinity is not allowed; use a large finite number";
    else if (!looks_decimal(s)) w = "not a decimal number";
    if (!w) {
        errno = 0;
        char *end;
        double x = strtod(s, &end);
        if (errno == ERANGE && fabs(x) > 1.0) w = "number too large";
        else if (!isfinite(x)) w = "number too large";
        else {
            *out = x;
            return 0;
        }
    }
    if (why) *why = w;
    return -1;
}

int sim_parse_int(const char *s, long long *out, const char **why)
{
    const char *p = s;
    if (*p == '+' || *p == '-') p++;
    if (!*p) {
        if (why) *why = "empty value, expected a whole number";
        return -1;
    }
    for (; *p; p++)
        if (!isdigit((unsigned char)*p)) {
            /* 1e6 or 20000.0 are whole numbers written as reals: accept them */
            double x;
            if (sim_parse_real(s, &x, why) == 0) {
                if (x != floor(x)) {
                    if (why) *why = "expected a whole number";
                    return -1;
                }
                /* below 2^63, so that it converts to a long long exactly:
                 * 9.2e18, the largest seed, is written so */
                if (!(fabs(x) < 0x1p63)) {
                    if (why) *why = "number too large";
                    return -1;
                }
                *out = (long long)x;
                return 0;
            }
            if (why && strcmp(*why, "not a decimal number") == 0) *why = "not a whole number";
            return -1;
        }
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == ERANGE) {
        if (why) *why = "number too large";
        return -1;
    }
    *out = v;
    return 0;
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

static void civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const long era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (long)yoe + era * 400 + (*m <= 2);
}

int sim_parse_date(const char *s, long *days, const char **why)
{
    unsigned y, m, d;
    int n = -1;
    if (strlen(s) != 10 || sscanf(s, "%4u-%2u-%2u%n", &y, &m, &d, &n) != 3 || n != 10 ||
        s[4] != '-' || s[7] != '-') {
        if (why) *why = "not a date (allowed: YYYY-MM-DD)";
        return -1;
    }
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 ||
        d > mdays[m - 1] + (m == 2 && leap)) {
        if (why) *why = "no such calendar date (allowed: YYYY-MM-DD between 1900 and 2200)";
        return -1;
    }
    *days = days_from_civil((long)y, m, d);
    return 0;
}

void sim_format_date(long days, char out[11])
{
    long y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%04ld-%02u-%02u", y % 10000, m % 100, d % 100);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

void sim_format_num(double x, char out[32])
{
    if (isnan(x)) {
        out[0] = '\0';
        return;
    }
    if (x == 0) { /* also turns -0 into 0 */
        strcpy(out, "0");
        return;
    }
    if (x == floor(x) && fabs(x) < 9007199254740992.0) {
        /* whole numbers: digits by hand, the common case in trials.csv */
        long long v = (long long)x;
        char tmp[24];
        int n = 0;
        unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
        do tmp[n++] = (char)('0' + u % 10); while (u /= 10);
        int k = 0;
        if (v < 0) out[k++] = '-';
        while (n) out[k++] = tmp[--n];
        out[k] = '\0';
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, 32, "%.*g", prec, x);
        if (prec == 17 || strtod(out, NULL) == x) return;
    }
}

void sim_group_thousands(const char *s, char *out, size_t n)
{
    char b[96];
    size_t k = 0;
    if (*s == '-') b[k++] = *s++;
    const size_t intlen = strcspn(s, ".");
    for (size_t i = 0; i < intlen && k < sizeof b - 2; i++) {
        if (i > 0 && (intlen - i) % 3 == 0) b[k++] = ',';
        b[k++] = s[i];
    }
    snprintf(b + k, sizeof b - k, "%s", s + intlen);
    snprintf(out, n, "%s", b);
}

void sim_format_thousands(double x, int decimals, char *out, size_t n)
{
    char tmp[64];
    if (isnan(x)) {
        snprintf(out, n, "-");
        return;
    }
    snprintf(tmp, sizeof tmp, "%.*f", decimals, fabs(x) < 5e-324 ? 0.0 : x);
    if (strcmp(tmp, "-0") == 0) strcpy(tmp, "0");
    sim_group_thousands(tmp, out, n);
}

void sim_format_readable(double x, char *out, size_t n)
{
    if (isnan(x)) {
        snprintf(out, n, "-");
        return;
    }
    sim_format_thousands(x, x == round(x) ? 0 : sim_readable_decimals(x), out, n);
}

int sim_readable_decimals(double x)
{
    const double a = fabs(x);
    if (a > 0 && a < 0.01) return (int)fmin(10, 1 - floor(log10(a))); /* two significant digits, not 0.000 */
    return a == 0 || !(a < 100) ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
}

int sim_rank_desc(const void *a, const void *b)
{
    const sim_rank *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? 1 : -1;
    return x->k < y->k ? -1 : x->k > y->k;
}

void sim_format_pct(double p, char *out, size_t n)
{
    char held[32];
    snprintf(held, sizeof held, "%.10g", p);
    const double v = 100 * strtod(held, NULL);
    if (isnan(p)) snprintf(out, n, "-");
    else if (v == 0 || v == 100) snprintf(out, n, "%.0f%%", v);
    else if (v < 0.005) snprintf(out, n, "<0.01%%"); /* not 0.00%: that reads as never */
    else if (v >= 99.995) snprintf(out, n, ">99.99%%");
    else {
        /* with two decimals whatever would read 0.1% or 99.9% with one (or
         * less, or more), so that an interval's ends read alike (99.88% to
         * 99.95%, not 99.9% to 99.95%) */
        char one[32];
        snprintf(one, sizeof one, "%.1f", v);
        const double r = strtod(one, NULL);
        snprintf(out, n, r <= 0.1 || r >= 99.9 ? "%.2f%%" : "%.1f%%", v);
    }
}

void sim_format_exact(double x, char *out, size_t n)
{
    char s[32];
    sim_format_num(x, s);
    if (isnan(x)) snprintf(out, n, "-");
    else if (strpbrk(s, "eE")) snprintf(out, n, "%s", s);
    else sim_group_thousands(s, out, n);
}

size_t sim_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 200 || lb > 200) return (size_t)-1;
    size_t d[201][201];
    for (size_t i = 0; i <= la; i++) d[i][0] = i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            size_t v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v) v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb];
}

static size_t common_prefix(const char *a, const char *b)
{
    size_t k = 0;
    while (a[k] && tolower((unsigned char)a[k]) == tolower((unsigned char)b[k])) k++;
    return k;
}

/* "F01" -> "F1": digit runs without leading zeros, lower case. */
static void numeric_form(const char *s, char *out, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; s[i] && k + 1 < n; i++) {
        bool run_start = isdigit((unsigned char)s[i]) && (i == 0 || !isdigit((unsigned char)s[i - 1]));
        if (run_start)
            while (s[i] == '0' && isdigit((unsigned char)s[i + 1])) i++;
        out[k++] = (char)tolower((unsigned char)s[i]);
    }
    out[k] = '\0';
}

const char *sim_suggest(const char *s, const char *const *cands, size_t n)
{
    char a[128], b[128];
    numeric_form(s, a, sizeof a);
    for (size_t i = 0; i < n; i++) {
        numeric_form(cands[i], b, sizeof b);
        if (strcmp(s, cands[i]) != 0 && strcmp(a, b) == 0) return cands[i];
    }
    const char *best = NULL;
    size_t bestd = (size_t)-1, bestp = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(s, cands[i]) == 0) continue;
        size_t d = sim_edit_distance(s, cands[i]), p = common_prefix(s, cands[i]);
        /* ties go to the candidate that starts like the word typed */
        if (d < bestd || (d == bestd && p > bestp)) bestd = d, bestp = p, best = cands[i];
    }
    size_t len = strlen(s);
    size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    return best && bestd <= limit ? best : NULL;
}

uint64_t sim_hash64(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

char *sim_read_file(const char *path, size_t max, size_t *len, sim_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        sim_errf(err, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        sim_errf(err, "%s: cannot open: %s", path, S_ISDIR(st.st_mode) ? "Is a directory" : "not a regular file");
        fclose(f);
        return NULL;
    }
    if ((unsigned long long)st.st_size > max) {
        sim_errf(err, "%s: cannot open: file is %lld bytes (allowed: at most %zu)", path, (long long)st.st_size, max);
        fclose(f);
        return NULL;
    }
    sim_buf b;
    sim_buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= max) sim_buf_add(&b, chunk, n);
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        sim_buf_free(&b);
        sim_errf(err, "%s: read error", path);
        return NULL;
    }
    if (len) *len = b.len;
    return sim_buf_take(&b);
}

double sim_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
