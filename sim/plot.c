/* plot.c - see plot.h. */
#define _GNU_SOURCE
#include "plot.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "design.h"
#include "engine.h"
#include "outdir.h"
#include "results.h"
#include "stats.h"

#ifndef RISKMC_SHARE_DIR
#define RISKMC_SHARE_DIR "."
#endif

extern char **environ;

const char *sim_plot_scripts(void)
{
    const char *env = getenv("RISKMC_GNUPLOT_DIR");
    return env && *env ? env : RISKMC_SHARE_DIR "/sim/gnuplot";
}

int sim_plot_formats(const char *list, unsigned *formats, sim_err *err)
{
    *formats = 0;
    char *copy = sim_strdup(list);
    int rc = 0;
    for (char *t = strtok(copy, ","); t && rc == 0; t = strtok(NULL, ",")) {
        t = sim_trim(t);
        if (strcmp(t, "png") == 0) *formats |= SIM_FMT_PNG;
        else if (strcmp(t, "svg") == 0) *formats |= SIM_FMT_SVG;
        else if (strcmp(t, "pdf") == 0) *formats |= SIM_FMT_PDF;
        else rc = sim_errf(err, "--format: unknown format '%s' (allowed: png, svg, pdf, comma-separated)", t);
    }
    free(copy);
    if (rc == 0 && !*formats) rc = sim_errf(err, "--format: no format given (allowed: png, svg, pdf)");
    return rc;
}

/* ------------------------------------------------------------ running gnuplot */

typedef struct plotter {
    unsigned formats;
    char *work;      /* private folder for chart data */
    const char *out; /* temporary charts folder */
    const char *dest; /* the charts folder it becomes, for messages */
    int seq;
} plotter;

/* Cairo stamps a PDF with the time it was drawn (and ignores
 * SOURCE_DATE_EPOCH): the stamp becomes 1970-01-01, as reproducible builds
 * write SOURCE_DATE_EPOCH=0, so that a chart drawn again is the same bytes.
 * The digits are overwritten in place and the file keeps its length, so its
 * cross-reference offsets hold. */
static int pdf_fixed_date(const char *path, sim_err *err)
{
    static const char key[] = "/CreationDate (D:";
    size_t len;
    char *pdf = sim_read_file(path, (size_t)1 << 28, &len, err);
    if (!pdf) return -1;
    int rc = 0;
    char *at = memmem(pdf, len, key, sizeof key - 1);
    if (at) {
        const size_t off = (size_t)(at - pdf) + sizeof key - 1;
        size_t n = 0;
        while (off + n < len && n < 14 && isdigit((unsigned char)pdf[off + n])) n++;
        int fd = n == 14 ? open(path, O_WRONLY) : -1;
        if (n == 14 && (fd < 0 || pwrite(fd, "19700101000000", 14, (off_t)off) != 14))
            rc = sim_errf(err, "cannot write %s: %s", path, strerror(errno));
        if (fd >= 0 && close(fd) != 0 && rc == 0) rc = sim_errf(err, "cannot write %s: %s", path, strerror(errno));
    }
    free(pdf);
    return rc;
}

/* Whether a chart gnuplot wrote is whole: its format's last bytes are there
 * (a PNG's IEND chunk, an SVG's </svg>, a PDF's %%EOF). gnuplot and cairo
 * ignore a failed write, so a disk that fills up leaves a chart cut short
 * and gnuplot's exit status 0. */
static bool chart_whole(const char *path, const char *term)
{
    static const unsigned char IEND[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82};
    unsigned char tail[64];
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st;
    ssize_t n = -1;
    if (fstat(fd, &st) == 0 && st.st_size > 0) {
        const off_t at = st.st_size > (off_t)sizeof tail ? st.st_size - (off_t)sizeof tail : 0;
        n = pread(fd, tail, sizeof tail, at);
    }
    close(fd);
    if (n <= 0) return false;
    size_t len = (size_t)n;
    if (strcmp(term, "pngcairo") == 0) return len >= sizeof IEND && !memcmp(tail + len - sizeof IEND, IEND, sizeof IEND);
    while (len && isspace(tail[len - 1])) len--;
    const char *end = strcmp(term, "svg") == 0 ? "</svg>" : "%%EOF";
    const size_t e = strlen(end);
    return len >= e && !memcmp(tail + len - e, end, e);
}

static int run_gnuplot(const plotter *pl, const char *script, const char *term, const char *output, const char *data,
                       const char *params, const char *const text[5], sim_err *err)
{
    char *spath = sim_asprintf("%s/%s", sim_plot_scripts(), script);
    char *errpath = sim_asprintf("%s/gnuplot.err", pl->work);
    char *argv[] = {"gnuplot", "-c", spath, (char *)term, (char *)output, (char *)data, (char *)params,
                    (char *)text[0], (char *)text[1], (char *)text[2], (char *)text[3], (char *)text[4], NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    /* gnuplot in UTC: cairo writes a PDF's creation date with the local
     * zone's offset, which pdf_fixed_date could not make the same length */
    size_t ne = 0;
    while (environ[ne]) ne++;
    char **env = sim_calloc(ne + 2, sizeof *env);
    size_t k = 0;
    for (size_t i = 0; i < ne; i++)
        if (strncmp(environ[i], "TZ=", 3) != 0) env[k++] = environ[i];
    env[k++] = "TZ=UTC";
    /* interrupted (a SIGTERM to riskmc alone reaches no gnuplot): stop
     * before the next chart rather than draw them all */
    int rc = sim_interrupted ? -1 : posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, env);
    free(env);
    posix_spawn_file_actions_destroy(&fa);
    if (rc < 0) {
        rc = sim_errf(err, "interrupted");
    } else if (rc != 0) {
        rc = sim_errf(err, "cannot start gnuplot: %s (install gnuplot-nox; `make run` does)", strerror(rc));
    } else {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        if (sim_interrupted) {
            rc = sim_errf(err, "interrupted"); /* gnuplot may have had the signal too */
        } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            size_t len;
            char *msg = sim_read_file(errpath, 1 << 20, &len, NULL);
            rc = sim_errf(err, "gnuplot failed on %s (%s): %s", script, output,
                          msg && *sim_trim(msg) ? sim_trim(msg) : "no message");
            free(msg);
        } else if (!chart_whole(output, term)) {
            struct statvfs fs;
            const bool full = statvfs(output, &fs) == 0 && fs.f_bavail == 0;
            const char *base = strrchr(output, '/');
            char *shown = sim_asprintf("%s/%s", pl->dest, base ? base + 1 : output);
            rc = sim_errf(err, "%s: write failed: %s (no charts written; an earlier charts folder there is untouched)",
                          shown, full ? strerror(ENOSPC) : "gnuplot left the chart cut short or empty (a full disk?)");
            free(shown);
        } else if (strcmp(term, "pdfcairo") == 0) {
            rc = pdf_fixed_date(output, err);
        }
    }
    free(spath);
    free(errpath);
    return rc;
}

/* Text on the charts: the terminals draw every font FONTSCALE times its
 * nominal size (common.gp sets the same), so that a chart pasted at the
 * width of a page (16 cm) keeps its labels at about 6-7 points; a
 * character of DejaVu Sans takes about EM_CHAR (EM_LABEL) of the font size; the
 * canvas is CANVAS_W pixels wide. */
#define FONTSCALE 1.25
#define EM_CHAR 0.70 /* text with capitals and spaces, measured */
#define EM_LABEL 0.66 /* parameter names: lower case, dots, underscores */
#define EM_DIGIT 0.64 /* numbers: digits, separators, signs */
#define PX_PER_PT (96.0 / 72.0) /* pngcairo and svg draw a point as 4/3 pixel */
#define CANVAS_W 1100.0
#define PLOT_H 390.0 /* the plot's height in pixels: 0.80 - 0.20 of 650 at least */

/* East Asian wide characters (CJK, Hangul, full-width forms) take about a
 * whole em, where an average character takes EM_CHAR of one. */
static bool wide_char(unsigned long c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || c >= 0x20000;
}

/* The width of the longest line of s in average characters: a code point
 * counts 1, a capital 1.15, a wide character 1.4 / EM_CHAR (its glyph is
 * 1.34 em wide in the fallback font, measured). */
static double longest_line(const char *s)
{
    double best = 0, n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p == '\n') {
            n = 0, p++;
            continue;
        }
        unsigned long c = *p;
        int len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (len > 1) c &= 0x3Fu >> (len - 1);
        for (int k = 1; k < len && (p[k] & 0xC0) == 0x80; k++) c = c << 6 | (p[k] & 0x3Fu);
        n += wide_char(c) ? 1.4 / EM_CHAR : (c >= 'A' && c <= 'Z') ? 1.15 : 1;
        if (n > best) best = n;
        for (int k = 0; k < len && *p; k++) p++;
    }
    return best;
}

/* The nominal font size, at most `size`, at which s fits `px` pixels. */
static double fit_font(const char *s, double size, double px)
{
    const double n = longest_line(s);
    const double fit = n > 0 ? px / (EM_CHAR * FONTSCALE * n) : size;
    return fit < size ? fit : size;
}

/* The longest quoted string of a chart's data (its bar labels). */
static size_t longest_quoted(const sim_buf *data)
{
    size_t best = 0;
    for (const char *p = data->s; p && (p = strchr(p, '"'));) {
        const char *q = strchr(p + 1, '"');
        if (!q) break;
        size_t n = 0;
        for (const unsigned char *c = (const unsigned char *)p + 1; c < (const unsigned char *)q; c++)
            n += (*c & 0xC0) != 0x80;
        if (n > best) best = n;
        p = q + 1;
    }
    return best;
}

/* Scripts whose bars carry their labels on the left (at the tic font, 12). */
static bool labels_left(const char *script)
{
    return !strcmp(script, "tornado.gp") || !strcmp(script, "indices.gp") || !strcmp(script, "diff.gp");
}

/* Draw one chart in every requested format. `name` is the file name
 * without extension; text = title, subtitle, x label, y label, footer.
 * The title, subtitle and footer shrink to fit the width; bar labels get
 * the left margin they need. */
static int chart(plotter *pl, const char *script, const char *name, const sim_buf *data, const sim_buf *params,
                 const char *const text[5], sim_err *err)
{
    pl->seq++;
    char *dpath = sim_asprintf("%s/%d.csv", pl->work, pl->seq), *ppath = sim_asprintf("%s/%d.gp", pl->work, pl->seq);
    sim_buf par;
    sim_buf_init(&par);
    if (params->len) sim_buf_add(&par, params->s, params->len);
    /* a title too long for one line at a legible size goes on two, split at
     * the space nearest its middle, a little higher and at most 13 points */
    const char *tx[5] = {text[0], text[1], text[2], text[3], text[4]};
    double tf = fit_font(text[0], 16, 0.96 * CANVAS_W);
    char *two = NULL;
    if (tf < 11 && !strchr(text[0], '\n')) {
        const size_t len = strlen(text[0]);
        size_t best = 0;
        for (size_t i = 1; i + 1 < len; i++)
            if (text[0][i] == ' ' && (!best || labs((long)(2 * i) - (long)len) < labs((long)(2 * best) - (long)len)))
                best = i;
        if (best) {
            two = sim_strdup(text[0]);
            two[best] = '\n';
            const double tf2 = fit_font(two, 13, 0.96 * CANVAS_W);
            if (tf2 > tf) {
                tx[0] = two, tf = tf2;
                sim_buf_puts(&par, "set label 101 at screen 0.5, 0.978\n");
            }
        }
    }
    sim_buf_printf(&par, "set label 101 font \",%.2f\"\nset label 102 font \",%.2f\"\nset label 103 font \",%.2f\"\n", tf,
                   fit_font(text[1], 12, 0.96 * CANVAS_W), fit_font(text[4], 9, 0.97 * CANVAS_W));
    double left = 0.10; /* common.gp's left margin */
    /* a y label of several lines needs their height beside the tick labels */
    const double yfont = fit_font(text[3], 12, PLOT_H);
    double ylines = 0;
    for (const char *c = strchr(text[3], '\n'); c; c = strchr(c + 1, '\n')) ylines++;
    const double yextra = ylines * 1.2 * yfont * FONTSCALE * PX_PER_PT;
    if (labels_left(script)) {
        double m = (30 + (double)longest_quoted(data) * EM_LABEL * 12 * FONTSCALE) / CANVAS_W;
        left = m < 0.16 ? 0.16 : m > 0.5 ? 0.5 : m;
        sim_buf_printf(&par, "set lmargin at screen %.3f\n", left);
    } else {
        /* room for the y tick labels and, left of them, the y label */
        const char *yt = params->len ? strstr(params->s, "set ytics (") : NULL;
        if (yt) {
            const char *end = strchr(yt, '\n');
            sim_buf tl;
            sim_buf_init(&tl);
            sim_buf_add(&tl, yt, end ? (size_t)(end - yt) : strlen(yt));
            double m = (70 + yextra + (double)longest_quoted(&tl) * EM_DIGIT * 12 * FONTSCALE * PX_PER_PT) / CANVAS_W;
            sim_buf_free(&tl);
            if (m > left) {
                left = m > 0.3 ? 0.3 : m;
                sim_buf_printf(&par, "set lmargin at screen %.3f\n", left);
            }
        } else if (yextra > 0) {
            left += yextra / CANVAS_W;
            sim_buf_printf(&par, "set lmargin at screen %.3f\n", left);
        }
    }
    /* the x label within the plot's width (the right margin is at most 0.96) */
    sim_buf_printf(&par, "set xlabel font \",%.2f\"\nset ylabel font \",%.2f\"\n",
                   fit_font(text[2], 12, (0.96 - left) * CANVAS_W), yfont);
    int rc = sim_write_file(pl->work, strrchr(dpath, '/') + 1, data, err);
    if (rc == 0) rc = sim_write_file(pl->work, strrchr(ppath, '/') + 1, &par, err);
    sim_buf_free(&par);
    static const struct {
        unsigned bit;
        const char *term, *ext;
    } F[] = {{SIM_FMT_PNG, "pngcairo", "png"}, {SIM_FMT_SVG, "svg", "svg"}, {SIM_FMT_PDF, "pdfcairo", "pdf"}};
    for (size_t i = 0; i < 3 && rc == 0; i++) {
        if (!(pl->formats & F[i].bit)) continue;
        char *out = sim_asprintf("%s/%s.%s", pl->out, name, F[i].ext);
        rc = run_gnuplot(pl, script, F[i].term, out, dpath, ppath, tx, err);
        free(out);
    }
    free(dpath);
    free(ppath);
    free(two);
    return rc;
}

/* ------------------------------------------------------------ numbers for the parameter files */

static double nice_step(double range, int target)
{
    if (!(range > 0)) return 1;
    double raw = range / target, mag = pow(10, floor(log10(raw))), f = raw / mag;
    double step = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
    return step * mag;
}

/* `set Xtics ("1,000" 1000, ...)` with thousands separators. */
static void tics(sim_buf *p, const char *axis, double lo, double hi, bool whole)
{
    double step = nice_step(hi - lo, 6);
    if (whole && step < 1) step = 1;
    sim_buf_printf(p, "set %stics (", axis);
    /* below 1, every label with the decimals the step needs (0.005, 0.010,
     * 0.015, not 0.0050 and 0.010); from 1, whole numbers with separators */
    int dec = 0;
    while (step < 1 && dec < 12 && fabs(step * pow(10, dec) - round(step * pow(10, dec))) > 1e-6 * step * pow(10, dec))
        dec++;
    const bool fixed = step < 1 && dec < 12 && fabs(hi) < 1e6 && fabs(lo) < 1e6;
    int k = 0;
    for (double v = ceil(lo / step) * step; v <= hi + step * 1e-9 && k < 40; v += step, k++) {
        char lab[48];
        if (fixed) snprintf(lab, sizeof lab, "%.*f", dec, fabs(v) < step * 1e-9 ? 0.0 : v);
        else sim_format_readable(fabs(v) < step * 1e-9 ? 0 : v, lab, sizeof lab);
        sim_buf_printf(p, "%s\"%s\" %.17g", k ? ", " : "", lab, v);
    }
    sim_buf_puts(p, ")\n");
}

/* `set Xtics` labelled in hundredths of the value, with a suffix: shares as
 * "20%" (suffix "%%": a tic label's printf), probabilities as points (""). */
static void percent_tics(sim_buf *p, const char *axis, double lo, double hi, const char *suffix)
{
    sim_buf_printf(p, "set %stics (", axis);
    const double step = nice_step(hi - lo, 6);
    int n = 0;
    for (double v = fmax(0, ceil(lo / step - 1e-9) * step); v <= hi + 1e-12 && n < 100; v += step)
        sim_buf_printf(p, "%s\"%g%s\" %.17g", n++ ? ", " : "", round(100 * v * 1e6) / 1e6, suffix, v);
    sim_buf_puts(p, ")\n");
}

void sim_stat_readable(const char *stat, char *out, size_t n)
{
    const char *ge = strstr(stat, ">=");
    if (strncmp(stat, "P(", 2) != 0 || !ge) {
        snprintf(out, n, "%s", stat);
        return;
    }
    char x[48];
    sim_format_exact(strtod(ge + 2, NULL), x, sizeof x);
    snprintf(out, n, "P(%.*s ≥ %s)", (int)(ge - stat - 2), stat + 2, x);
}

/* A chart's file name from a statistic: prefix + mean(force_end) ->
 * prefix-mean-force_end, P(escaped>=1000) -> prefix-P-escaped-ge-1000. */
static void chart_name(const char *prefix, const char *stat, char *name, size_t n)
{
    size_t k = (size_t)snprintf(name, n, "%s", prefix);
    const size_t k0 = k;
    for (const char *c = stat; *c && k + 5 < n; c++) {
        if (*c == '>' || *c == '<') {
            const bool eq = c[1] == '=';
            k += (size_t)snprintf(name + k, n - k, "-%c%c-", *c == '>' ? 'g' : 'l', eq ? 'e' : 't');
            c += eq;
            continue;
        }
        /* '+' kept: P(x>=1e+300) is not P(x>=1e-300) */
        name[k++] = (char)(isalnum((unsigned char)*c) || *c == '_' || *c == '.' || *c == '+' ? *c : '-');
    }
    while (k > k0 && name[k - 1] == '-') k--;
    name[k] = '\0';
}

/* Add the ids of a comma-separated list to `into` ("a, b"), each once;
 * returns how many were new. */
static size_t add_ids(sim_buf *into, const char *list)
{
    size_t added = 0;
    char *ids = sim_strdup(list), *save = NULL;
    for (char *t = strtok_r(ids, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        t = sim_trim(t);
        const size_t len = strlen(t);
        bool seen = false;
        for (const char *q = into->len ? strstr(into->s, t) : NULL; q && !seen; q = strstr(q + 1, t))
            seen = (q == into->s || q[-1] == ' ') && (q[len] == ',' || q[len] == '\0');
        if (*t && !seen) sim_buf_printf(into, "%s%s", into->len ? ", " : "", t), added++;
    }
    free(ids);
    return added;
}

/* " · 18 values rest on assumptions or cite nothing" for the keys of the
 * folders' `assumptions` and `uncited` lists, each once (or ""): a chart
 * pasted alone still says that not all of it is sourced. */
static void assumed_text(const sim_rundir *rd, size_t nrd, char *out, size_t n)
{
    sim_buf keys;
    sim_buf_init(&keys);
    size_t na = 0, nu = 0;
    for (size_t i = 0; i < nrd; i++) na += add_ids(&keys, rd[i].assumptions);
    for (size_t i = 0; i < nrd; i++) nu += add_ids(&keys, rd[i].uncited);
    sim_buf_free(&keys);
    if (na + nu == 0) snprintf(out, n, "%s", "");
    else
        snprintf(out, n, " · %zu value%s rest%s on assumptions%s", na + nu, na + nu == 1 ? "" : "s",
                 na + nu == 1 ? "s" : "", nu ? " or cite nothing" : "");
}

/* "baseline · 20,000 trials · seed ..."; a two-dimensional run's trials
 * as "100 outer × 50 inner (5,000 trials)" */
static void footer(const sim_rundir *rd, char *out, size_t n)
{
    char tr[128], tail[96];
    sim_rundir_trials_text(rd, tr, sizeof tr);
    assumed_text(rd, 1, tail, sizeof tail);
    snprintf(out, n, "%s · %s · seed %llu · riskmc %s%s%s%s%s\nsources: %s", rd->name, tr,
             (unsigned long long)rd->seed, rd->version, *rd->commit ? " (" : "", rd->commit, *rd->commit ? ")" : "",
             tail, *rd->sources_used ? rd->sources_used : "none cited");
}

/* A chart of one results folder: its title above, its footer below. */
static int rd_chart(plotter *pl, const sim_rundir *rd, const char *script, const char *name, const sim_buf *data,
                    const sim_buf *params, const char *sub, const char *xlab, const char *ylab, sim_err *err)
{
    char foot[2048];
    footer(rd, foot, sizeof foot);
    const char *text[5] = {rd->title, sub, xlab, ylab, foot};
    return chart(pl, script, name, data, params, text, err);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* An axis label: "text (unit)", or the text alone when there is no unit. */
static void with_unit(char *out, size_t n, const char *text, const char *unit)
{
    snprintf(out, n, *unit ? "%s (%s)" : "%s", text, unit);
}

/* The unit of a description, a parenthesis closing it after a space:
 * "escaped during the run (people)" -> "people"; "" when it has none
 * ("... b x3^4 sin(x1)" ends with a function's parenthesis, not a unit). */
static const char *unit_of(const char *desc, char *out, size_t n)
{
    const size_t len = strlen(desc);
    const char *open = strrchr(desc, '(');
    if (len < 3 || desc[len - 1] != ')' || !open || open == desc || open[-1] != ' ' || strchr(open, ')') != desc + len - 1)
        snprintf(out, n, "%s", "");
    else
        snprintf(out, n, "%.*s", (int)(desc + len - 1 - open - 1), open + 1);
    return out;
}

/* unit_of, or `otherwise` when the description has none */
static const char *unit_or(const char *desc, const char *otherwise, char *out, size_t n)
{
    return *unit_of(desc, out, n) ? out : otherwise;
}

/* The unit of a design's statistic: mean(force_end) -> "people" (from the
 * output's description); "" for a probability or an output without one. */
static const char *stat_unit(const sim_rundir *rd, const char *stat, char *out, size_t n)
{
    char o[256];
    const size_t len = strlen(stat);
    if (strncmp(stat, "mean(", 5) != 0 || len < 7 || len - 6 >= sizeof o) return strcpy(out, "");
    snprintf(o, sizeof o, "%.*s", (int)(len - 6), stat + 5);
    return unit_of(sim_rundir_describe(rd, o), out, n);
}

/* A threshold label's box on a chart, in graph units (0 to 1 across the plot). */
typedef struct gbox {
    double x0, x1, y0, y1;
} gbox;

/* How many of the m sorted values v are below x (or at most x, with `at`). */
static size_t count_below(const double *v, size_t m, double x, bool at)
{
    size_t lo = 0, hi = m;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x || (at && v[mid] == x)) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* Where threshold k's two-line label goes on an exceedance chart of the m
 * sorted values v (of n trials; y axis 0 to 105%): beside its line, on the
 * side the old rule prefers first, at the greatest height where its box is
 * clear of the curve and of the boxes placed before (placed[0..k-1]). Over
 * [a, b] the falling step curve P(X >= x) passes through every height from
 * P(X >= b) to P(X >= a), so the box is clear when its heights miss that
 * span. Returns the label's height (its first line's middle) and sets
 * *right; false (nothing set) when no place is clear. */
static bool label_place(const double *v, size_t m, size_t n, double t, double xmin, double xmax, double chars,
                        gbox *placed, int k, double *y, bool *right)
{
    const double w = 0.0115 * chars + 0.012, off = 0.007, gx = (t - xmin) / (xmax - xmin);
    const bool first_right = gx > 0.65;
    for (double yy = 0.93; yy >= 0.14; yy -= 0.01)
        for (int side = 0; side < 2; side++) {
            const bool r = side ? !first_right : first_right;
            gbox b = {r ? gx - off - w : gx + off, r ? gx - off : gx + off + w, yy - 0.09, yy + 0.04};
            if (b.x0 < 0 || b.x1 > 1.01) continue;
            /* the curve's heights over the box's width, in graph units */
            const double xa = xmin + b.x0 * (xmax - xmin), xb = xmin + b.x1 * (xmax - xmin);
            const size_t ia = count_below(v, m, xa, false), ib = count_below(v, m, xb, true); /* >= xa: m - ia; > xb: m - ib */
            const double top = 100.0 * (double)(m - ia) / (double)n / 105, bot = 100.0 * (double)(m - ib) / (double)n / 105;
            bool clear = b.y0 > top + 0.01 || b.y1 < bot - 0.01;
            for (int j = 0; j < k && clear; j++)
                clear = b.x1 < placed[j].x0 || b.x0 > placed[j].x1 || b.y1 < placed[j].y0 || b.y0 > placed[j].y1;
            if (!clear) continue;
            placed[k] = b;
            *y = yy;
            *right = r;
            return true;
        }
    return false;
}

/* A threshold x on an exceedance chart (the k-th, from 0): a dashed line and
 * "P(>= x) = p" over "<what> lo to hi", in front: at height *y_at on side
 * *right_at when given (label_place's), else the k-th step down, on the
 * side with room. */
static void threshold_mark(sim_buf *params, int k, double x, const char *sx, const char *sp, const char *what,
                           const char *slo, const char *shi, double xmin, double xmax, const double *y_at,
                           const bool *right_at)
{
    bool right = right_at ? *right_at : x > xmin + 0.65 * (xmax - xmin);
    sim_buf_printf(params,
                   "set arrow %d from %.17g, graph 0 to %.17g, graph 1 nohead dashtype 2 linewidth 1.5 "
                   "linecolor rgb \"#b2182b\"\n"
                   /* on an opaque box: another threshold's line passes behind, not through */
                   "set style textbox opaque noborder margins 0.4, 0.3\n"
                   "set label %d \"P(≥ %s) = %s\\n%s %s to %s\" at %.17g, graph %.3f %s offset %s,0 front boxed "
                   "textcolor rgb \"#b2182b\"\n",
                   k + 1, x, x, k + 1, sx, sp, what, slo, shi, x, y_at ? *y_at : 0.93 - 0.14 * k,
                   right ? "right" : "left", right ? "-0.6" : "0.6");
}

/* ------------------------------------------------------------ one output: histogram and exceedance */

static int output_charts(plotter *pl, const sim_rundir *rd, const char *output, sim_err *err)
{
    double *all;
    size_t n;
    if (sim_rundir_column(rd, output, &all, &n, err) != 0) return -1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(all[i])) all[m++] = all[i];
    int rc = 0;
    if (m == 0) {
        free(all);
        return 0; /* nothing to draw: no trial has a value */
    }
    qsort(all, m, sizeof *all, cmp_double);
    bool whole = true;
    for (size_t i = 0; i < m && whole; i++) whole = all[i] == floor(all[i]);
    double lo = all[0], hi = all[m - 1];
    double med = gsl_stats_quantile_from_sorted_data(all, 1, m, 0.5);
    double p5 = gsl_stats_quantile_from_sorted_data(all, 1, m, 0.05);
    double p95 = gsl_stats_quantile_from_sorted_data(all, 1, m, 0.95);
    /* a long thin tail would squash the body: show up to p99.5 and say so */
    double shown = gsl_stats_quantile_from_sorted_data(all, 1, m, 0.995);
    if (shown < p95) shown = p95;
    if (hi <= shown * 1.15 || hi - lo < 50) shown = hi;
    size_t beyond = 0;
    for (size_t i = 0; i < m; i++) beyond += all[i] > shown;

    /* thresholds of this output, which the view must include */
    long ro = sim_table_col(&rd->risks, "output");
    for (size_t r = 0; ro >= 0 && r < rd->risks.nrows; r++)
        if (strcmp(rd->risks.rows[r][ro], output) == 0) {
            double t = sim_table_num(&rd->risks, r, "threshold");
            if (t > shown && t <= hi * 4 + 10) shown = t;
        }

    double width;
    if (whole && shown - lo <= 60) width = 1;
    else {
        width = nice_step(shown - lo, 40);
        if (whole && width < 1) width = 1;
    }
    double first = floor(lo / width) * width;
    size_t nb = (size_t)floor((shown - first) / width) + 1;
    if (nb > 10000) nb = 10000;
    double *cnt = sim_calloc(nb, sizeof *cnt);
    for (size_t i = 0; i < m; i++) {
        if (all[i] > shown) continue;
        size_t b = (size_t)floor((all[i] - first) / width);
        if (b >= nb) b = nb - 1;
        cnt[b]++;
    }
    /* bins of whole numbers [k w, (k+1) w - 1] are drawn over [k w - 0.5, (k+1) w - 0.5] */
    double shift = whole ? -0.5 : 0;
    sim_buf data, params;
    sim_buf_init(&data);
    sim_buf_init(&params);
    for (size_t b = 0; b < nb; b++)
        sim_buf_printf(&data, "%.17g,%.17g,%.17g\n", first + ((double)b + 0.5) * width + shift, 100 * cnt[b] / (double)n,
                       width);
    double xmin = first + shift, xmax = first + (double)nb * width + shift;
    if (xmax - xmin < 1e-12) xmax = xmin + 1;
    char s_med[48], s_lo[48], s_hi[48], s_pct[32], s_beyond[48];
    /* a whole-number output's quantiles rounded half away from zero, as the
     * console and the brief print them (a median of 238.5 reads 239 there;
     * printf's round-half-even had labelled it 238 here) */
    sim_format_readable(whole ? round(med) : med, s_med, sizeof s_med);
    sim_format_readable(whole ? round(p5) : p5, s_lo, sizeof s_lo);
    sim_format_readable(whole ? round(p95) : p95, s_hi, sizeof s_hi);
    sim_buf_printf(&params, "xmin = %.17g\nxmax = %.17g\nmed = %.17g\np5 = %.17g\np95 = %.17g\n", xmin, xmax, med,
                   p5 == p95 ? p5 - 0.5 : p5, p5 == p95 ? p95 + 0.5 : p95);
    tics(&params, "x", xmin, xmax, whole);
    /* the median's label over its line, clear of the plot's top (at 1.02
     * its digits touched it) and of the subtitle */
    sim_buf_printf(&params,
                   "set label 1 \"median %s\" at med, graph 1.05 center textcolor rgb \"#b2182b\"\n"
                   "set label 2 \"shaded: 90%% of trials, %s to %s\" at graph 0.99, graph 0.95 right "
                   "textcolor rgb \"#8c510a\"\n",
                   s_med, s_lo, s_hi);
    if (beyond) {
        sim_format_pct((double)beyond / (double)n, s_pct, sizeof s_pct);
        sim_format_readable(shown, s_beyond, sizeof s_beyond);
        sim_buf_printf(&params, "set label 3 \"%s of trials above %s not shown\" at graph 0.99, graph 0.88 right "
                                "textcolor rgb \"#666666\"\n", s_pct, s_beyond);
    }
    size_t missing = n - m;
    if (missing) {
        sim_format_pct((double)missing / (double)n, s_pct, sizeof s_pct);
        sim_buf_printf(&params, "set label 4 \"%s of trials have no value\" at graph 0.99, graph 0.81 right "
                                "textcolor rgb \"#666666\"\n", s_pct);
    }
    {
        /* the labels at the top right (about 0.0115 of the width a
         * character) stand clear of the bars beneath them: the y axis grows
         * until those bars end below the lowest label */
        char l2[160];
        snprintf(l2, sizeof l2, "shaded: 90%% of trials, %s to %s", s_lo, s_hi);
        const double w = 0.0115 * longest_line(l2) + 0.03, floor_y = (beyond ? missing ? 0.81 : 0.88 : 0.95) - 0.06;
        double top = 0, need = 0;
        for (size_t b = 0; b < nb; b++) {
            const double share = 100 * cnt[b] / (double)n, right = first + ((double)b + 1) * width + shift;
            top = fmax(top, share);
            if ((right - xmin) / (xmax - xmin) > 0.99 - w) need = fmax(need, share / floor_y);
        }
        if (need > top * 1.02) sim_buf_printf(&params, "ymax = %.17g\n", need);
    }
    char sub[512], xl[512];
    const char *desc = sim_rundir_describe(rd, output);
    snprintf(sub, sizeof sub, "Distribution of %s over %s trials", output, rd->trials ? "the" : "all");
    snprintf(xl, sizeof xl, "%s%s%s", output, *desc ? ": " : "", desc);
    char name[256];
    snprintf(name, sizeof name, "histogram-%s", output);
    rc = rd_chart(pl, rd, "histogram.gp", name, &data, &params, sub, xl, "share of trials", err);

    /* exceedance: P(X >= x) at each distinct value, thinned to 2,000 points */
    if (rc == 0) {
        sim_buf_clear(&data);
        sim_buf_clear(&params);
        size_t step = m > 4000 ? m / 2000 : 1;
        double lastx = NAN;
        double ex_lo = lo - (whole ? 0.5 : 0), ex_hi = xmax;
        /* the share of all trials with a value >= x: m - i of them at the
         * i-th smallest value, a trial without a value never; exceedance.gp
         * draws it as a left-continuous step (fsteps): on (x_i, x_i+1] the
         * share is x_i+1's */
        sim_buf_printf(&data, "%.17g,%.17g\n", ex_lo, 100.0 * (double)m / (double)n);
        for (size_t i = 0; i < m; i++) {
            if (all[i] == lastx || (i % step && i + 1 < m && all[i + 1] == all[i])) continue;
            if (i % step != 0 && all[i] != all[m - 1] && i > 0 && all[i - 1] == all[i]) continue;
            lastx = all[i];
            sim_buf_printf(&data, "%.17g,%.17g\n", all[i], 100.0 * (double)(m - i) / (double)n);
        }
        sim_buf_printf(&data, "%.17g,%.17g\n", all[m - 1] + (whole ? 1 : (hi - lo) * 1e-3), 0.0);
        if (ex_hi <= ex_lo) ex_hi = ex_lo + 1;
        sim_buf_printf(&params, "xmin = %.17g\nxmax = %.17g\n", ex_lo, ex_hi);
        tics(&params, "x", ex_lo, ex_hi, whole);
        int k = 0;
        gbox boxes[16];
        for (size_t r = 0; ro >= 0 && r < rd->risks.nrows; r++) {
            if (strcmp(rd->risks.rows[r][ro], output) != 0) continue;
            double t = sim_table_num(&rd->risks, r, "threshold"), pr = sim_table_num(&rd->risks, r, "probability");
            double wl = sim_table_num(&rd->risks, r, "wilson_low"), wh = sim_table_num(&rd->risks, r, "wilson_high");
            char st[48], sp[32], sl[32], sh[32];
            sim_format_exact(t, st, sizeof st);
            sim_format_pct(pr, sp, sizeof sp);
            sim_format_pct(wl, sl, sizeof sl);
            sim_format_pct(wh, sh, sizeof sh);
            /* the label where it hides no part of the curve (the widest line's characters) */
            char text[320];
            snprintf(text, sizeof text, "P(≥ %s) = %s\n95%% interval %s to %s", st, sp, sl, sh);
            const double chars = longest_line(text);
            double y;
            bool right;
            const bool placed = k < 16 && label_place(all, m, n, t, ex_lo, ex_hi, chars, boxes, k, &y, &right);
            threshold_mark(&params, k, t, st, sp, "95% interval", sl, sh, ex_lo, ex_hi, placed ? &y : NULL,
                           placed ? &right : NULL);
            k++;
        }
        snprintf(sub, sizeof sub, "Chance that %s reaches at least x", output);
        snprintf(name, sizeof name, "exceedance-%s", output);
        rc = rd_chart(pl, rd, "exceedance.gp", name, &data, &params, sub, xl, "share of trials with a value ≥ x", err);
    }
    sim_buf_free(&data);
    sim_buf_free(&params);
    free(cnt);
    free(all);
    return rc;
}

/* ------------------------------------------------------------ two-dimensional runs: exceedance band */

/* The family of exceedance curves P_i(X >= x) of the outer samples, as a
 * band: 90% of the outer samples' curves lie in the shaded area at each x. */
static int band_chart(plotter *pl, const sim_rundir *rd, const char *output, sim_err *err)
{
    const sim_table *t = &rd->exceed;
    long co = sim_table_col(t, "output");
    sim_buf data, params;
    sim_buf_init(&data);
    sim_buf_init(&params);
    double lo = INFINITY, hi = -INFINITY;
    bool whole = true;
    for (size_t r = 0; co >= 0 && r < t->nrows; r++) {
        if (strcmp(t->rows[r][co], output) != 0) continue;
        double x = sim_table_num(t, r, "x");
        whole &= x == floor(x);
        if (x < lo) lo = x;
        if (x > hi) hi = x;
        sim_buf_printf(&data, "%.17g,%.17g,%.17g,%.17g,%.17g\n", x, 100 * sim_table_num(t, r, "outer_p5"),
                       100 * sim_table_num(t, r, "outer_p50"), 100 * sim_table_num(t, r, "outer_p95"),
                       100 * sim_table_num(t, r, "pooled"));
    }
    if (!data.len) {
        sim_buf_free(&data);
        sim_buf_free(&params);
        return 0;
    }
    if (hi <= lo) hi = lo + 1;
    sim_buf_printf(&params, "xmin = %.17g\nxmax = %.17g\n", lo, hi);
    tics(&params, "x", lo, hi, whole);
    const sim_table *u = &rd->uncert;
    long uo = sim_table_col(u, "output"), us = sim_table_col(u, "statistic");
    int k = 0;
    for (size_t r = 0; uo >= 0 && us >= 0 && r < u->nrows; r++) {
        if (strcmp(u->rows[r][uo], output) != 0 || strcmp(u->rows[r][us], "probability") != 0) continue;
        double x = sim_table_num(u, r, "threshold");
        char st[48], sp[32], sl[32], sh[32];
        sim_format_exact(x, st, sizeof st);
        sim_format_pct(sim_table_num(u, r, "pooled"), sp, sizeof sp);
        sim_format_pct(sim_table_num(u, r, "outer_p5"), sl, sizeof sl);
        sim_format_pct(sim_table_num(u, r, "outer_p95"), sh, sizeof sh);
        threshold_mark(&params, k, x, st, sp, "90% of outer samples:", sl, sh, lo, hi, NULL, NULL);
        k++;
    }
    /* the band fills the chart's corners: labels over it, not boxes hiding it */
    if (k) sim_buf_puts(&params, "set style textbox transparent noborder margins 0.4, 0.3\n");
    char sub[512], xl[512];
    const char *desc = sim_rundir_describe(rd, output);
    snprintf(sub, sizeof sub, "Chance that %s reaches at least x, and how sure we are of it", output);
    snprintf(xl, sizeof xl, "%s%s%s", output, *desc ? ": " : "", desc);
    char name[256];
    snprintf(name, sizeof name, "exceedance-band-%s", output);
    int rc = rd_chart(pl, rd, "band.gp", name, &data, &params, sub, xl, "chance of a value ≥ x", err);
    sim_buf_free(&data);
    sim_buf_free(&params);
    return rc;
}

/* ------------------------------------------------------------ daily series: fan chart */

/* Date tics on the first of a month, every k months so that at most 7
 * show between d0 and d1 (YYYY-MM-DD), whole years (from January) when k
 * passes 12; a span of two weeks or less one a day; other spans under three
 * months keep gnuplot's own. */
static void date_tics(sim_buf *p, const char *d0, const char *d1)
{
    int y0, m0, dd0, y1, m1, dd1;
    if (sscanf(d0, "%d-%d-%d", &y0, &m0, &dd0) != 3 || sscanf(d1, "%d-%d-%d", &y1, &m1, &dd1) != 3) return;
    const int months = (y1 - y0) * 12 + (m1 - m0);
    long t0, t1;
    if (months < 1 && sim_parse_date(d0, &t0, NULL) == 0 && sim_parse_date(d1, &t1, NULL) == 0 && t1 - t0 <= 14) {
        sim_buf_puts(p, "set xtics 86400\nunset mxtics\n"); /* a few days: one tic a day */
        return;
    }
    if (months < 3) return;
    int k = (months + 6) / 7, y = y0, m = m0;
    if (dd0 > 1 && ++m > 12) m = 1, y++;
    if (k > 12) {
        k = (k + 11) / 12 * 12;
        if (m > 1) m = 1, y++;
    }
    sim_buf_puts(p, "set xtics (");
    for (int n = 0; y < y1 || (y == y1 && m <= m1); n++) {
        sim_buf_printf(p, "%s\"%04d-%02d-01\"", n ? ", " : "", y, m);
        for (m += k; m > 12; m -= 12) y++;
    }
    sim_buf_puts(p, ")\n");
}

static int fan_chart(plotter *pl, const sim_rundir *rd, const char *series, sim_err *err)
{
    const sim_table *t = &rd->series;
    long cs = sim_table_col(t, "series");
    static const char *const COLS[] = {"p2_5", "p10", "p25", "p50", "p75", "p90", "p97_5"};
    sim_buf data, params;
    sim_buf_init(&data);
    sim_buf_init(&params);
    double lo = INFINITY, hi = -INFINITY;
    size_t rows = 0;
    const char *d0 = NULL, *d1 = NULL;
    for (size_t r = 0; r < t->nrows; r++) {
        if (strcmp(t->rows[r][cs], series) != 0) continue;
        if (!d0) d0 = sim_table_get(t, r, "date");
        d1 = sim_table_get(t, r, "date");
        sim_buf_puts(&data, sim_table_get(t, r, "date"));
        for (int k = 0; k < 7; k++) {
            double v = sim_table_num(t, r, COLS[k]);
            sim_buf_printf(&data, ",%.17g", v);
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
        sim_buf_putc(&data, '\n');
        rows++;
    }
    int rc = 0;
    /* what was reported of this series (a hindcast's observations): a
     * point, or a bar from low to high, at its date, labelled */
    int nobs = 0;
    for (size_t r = 0; rows > 0 && r < rd->obs.nrows; r++) {
        const sim_table *o = &rd->obs;
        if (strcmp(sim_table_get(o, r, "kind"), "series") != 0 || strcmp(sim_table_get(o, r, "name"), series) != 0)
            continue;
        const char *date = sim_table_get(o, r, "date");
        long day;
        if (sim_parse_date(date, &day, NULL) != 0) continue; /* our own file: never, but no quoting games */
        double a = sim_table_num(o, r, "observed_low"), b = sim_table_num(o, r, "observed_high");
        if (!isfinite(a) || !isfinite(b)) continue;
        char sa[48], sb[48], lab[160];
        sim_format_readable(a, sa, sizeof sa);
        sim_format_readable(b, sb, sizeof sb);
        if (a == b) snprintf(lab, sizeof lab, "reported %s", sa);
        else snprintf(lab, sizeof lab, "reported %s to %s", sa, sb);
        if (nobs == 100) break; /* ids 1000-1099: clear of the template's labels */
        int k = 1000 + nobs++;
        if (a == b)
            sim_buf_printf(&params, "set object %d circle at \"%s\", %.17g size screen 0.007 front fillcolor rgb "
                                    "\"#b2182b\" fillstyle solid 1.0 border lc rgb \"#b2182b\"\n",
                           k, date, a);
        else
            sim_buf_printf(&params, "set arrow %d from \"%s\", %.17g to \"%s\", %.17g heads size screen 0.006,90 "
                                    "front linewidth 3 linecolor rgb \"#b2182b\"\n",
                           k, date, a, date, b);
        sim_buf_printf(&params, "set label %d \"%s\" at \"%s\", %.17g offset 1.2, 0 front noenhanced "
                                "textcolor rgb \"#b2182b\"\n",
                       k, lab, date, (a + b) / 2);
        if (a < lo) lo = a;
        if (b > hi) hi = b;
    }
    const bool daily = rows <= 2; /* days of the run, not a band over them */
    if (rows > 0) {
        if (hi - lo < 1) hi = lo + 1;
        double pad = (hi - lo) * 0.05;
        double ylo = lo - pad < 0 && lo >= 0 ? 0 : lo - pad, yhi = hi + pad;
        sim_buf_printf(&params, "set yrange [%.17g:%.17g]\n", ylo, yhi);
        /* dates come from our own series.csv: YYYY-MM-DD, nothing else */
        long t0, t1;
        if (sim_parse_date(d0, &t0, NULL) == 0 && sim_parse_date(d1, &t1, NULL) == 0) {
            if (daily) {
                /* a band needs three days to show its shape, and a one-day run
                 * has no band at all: each day's quantiles as nested boxes
                 * around it, half a day either side of the run, a tick on each
                 * of its days and none outside it (gnuplot reads a time range
                 * in seconds) */
                sim_buf_printf(&params, "daily = 1\nset xrange [%ld:%ld]\nset xtics (\"%s\"", t0 * 86400 - 43200,
                               t1 * 86400 + 43200, d0);
                if (t1 > t0) sim_buf_printf(&params, ", \"%s\"", d1);
                sim_buf_puts(&params, ")\nunset mxtics\n");
            } else {
                sim_buf_printf(&params, "set xrange [\"%s\":\"%s\"]\n", d0, d1);
                date_tics(&params, d0, d1);
            }
        }
        tics(&params, "y", ylo, yhi, true);
        char sub[512], unit[128];
        const char *desc = sim_rundir_describe(rd, series);
        /* the description in the subtitle, its unit on the y axis (a whole
         * description there shrank to an illegible size) */
        const bool has_unit = *unit_of(desc, unit, sizeof unit);
        int wl = (int)(has_unit ? strrchr(desc, '(') - desc : (ptrdiff_t)strlen(desc));
        while (wl > 0 && desc[wl - 1] == ' ') wl--;
        snprintf(sub, sizeof sub, "%.*s, %s: median and %s50%%, 80%%, 95%% %s the trials%s",
                 wl > 0 ? wl : (int)strlen(series), wl > 0 ? desc : series,
                 !daily ? "day by day" : rows == 1 ? "on the run's one day" : "on each of the run's two days",
                 daily ? "the middle " : "", daily ? "of" : "bands of", nobs ? "; red: as reported" : "");
        char name[256];
        snprintf(name, sizeof name, "fan-%s", series);
        /* no x label: the tics are dates, and their two lines need the room */
        rc = rd_chart(pl, rd, "fan.gp", name, &data, &params, sub, "", has_unit ? unit : series, err);
    }
    sim_buf_free(&data);
    sim_buf_free(&params);
    return rc;
}

/* ------------------------------------------------------------ output groups: bars */

typedef struct bar {
    const char *label;
    double med, p5, p95;
} bar;

static int cmp_bar(const void *a, const void *b)
{
    const bar *x = a, *y = b;
    return x->med < y->med ? 1 : x->med > y->med ? -1 : strcmp(x->label, y->label);
}

static int group_chart(plotter *pl, const sim_rundir *rd, const char *group, const char *by, const char *note,
                       sim_err *err)
{
    const sim_table *s = &rd->summary;
    size_t gl = strlen(group), nb = 0;
    bar *bars = sim_calloc(s->nrows + 1, sizeof *bars);
    for (size_t r = 0; r < s->nrows; r++) {
        const char *o = sim_table_get(s, r, "output");
        if (strncmp(o, group, gl) != 0 || o[gl] != '.') continue;
        bars[nb++] = (bar){o + gl + 1, sim_table_num(s, r, "p50"), sim_table_num(s, r, "p5"), sim_table_num(s, r, "p95")};
    }
    int rc = 0;
    if (nb > 0) {
        qsort(bars, nb, sizeof *bars, cmp_bar);
        sim_buf data, params;
        sim_buf_init(&data);
        sim_buf_init(&params);
        double hi = 0;
        for (size_t i = 0; i < nb; i++) {
            sim_buf_printf(&data, "%zu,%s,%.17g,%.17g,%.17g\n", i, bars[i].label, bars[i].med, bars[i].p5, bars[i].p95);
            if (bars[i].p95 > hi) hi = bars[i].p95;
        }
        if (hi <= 0) hi = 1;
        sim_buf_printf(&params, "set xrange [-0.7:%.17g]\nset yrange [0:%.17g]\n", (double)nb - 0.3, hi * 1.08);
        tics(&params, "y", 0, hi * 1.08, true);
        char sub[512], unit[128], name[256];
        snprintf(sub, sizeof sub, "%s by %s: median and central 90%% of trials%s%s", group, by, *note ? "; " : "", note);
        snprintf(name, sizeof name, "bars-%s", group);
        rc = rd_chart(pl, rd, "bars.gp", name, &data, &params, sub, by,
                      unit_or(sim_rundir_describe(rd, group), "value", unit, sizeof unit), err);
        sim_buf_free(&data);
        sim_buf_free(&params);
    }
    free(bars);
    return rc;
}

/* ------------------------------------------------------------ sensitivity results */

/* gnuplot-safe text for a chart's own data file: names are identifiers, but
 * a comma or a quote would break the CSV the script reads */
static void data_label(sim_buf *b, const char *s, bool star)
{
    sim_buf_putc(b, '"');
    for (; *s; s++)
        if (*s != '"' && *s != '\n') sim_buf_putc(b, *s);
    if (star) sim_buf_puts(b, " *");
    sim_buf_putc(b, '"');
}

static void range_params(sim_buf *p, const char *axis, double lo, double hi, bool whole)
{
    if (!(hi > lo)) hi = lo + 1;
    double pad = (hi - lo) * 0.05;
    sim_buf_printf(p, "set %srange [%.17g:%.17g]\n", axis, lo - pad, hi + pad);
    tics(p, axis, lo - pad, hi + pad, whole);
}

static int tornado_chart(plotter *pl, const sim_rundir *rd, sim_err *err)
{
    const sim_table *t = &rd->design;
    size_t n = t->nrows < 15 ? t->nrows : 15;
    if (n == 0) return 0;
    sim_buf data, params;
    sim_buf_init(&data);
    sim_buf_init(&params);
    double lo = INFINITY, hi = -INFINITY, base = sim_table_num(t, 0, "base");
    for (size_t r = 0; r < n; r++) {
        double a = sim_table_num(t, r, "at_p5"), b = sim_table_num(t, r, "at_p95");
        sim_buf_printf(&data, "%zu,", n - 1 - r); /* largest at the top */
        /* the label says over what the parameter went: "name * (lo to hi)" */
        char lab[400], v5[48], v95[48];
        sim_format_readable(sim_table_num(t, r, "value_p5"), v5, sizeof v5);
        sim_format_readable(sim_table_num(t, r, "value_p95"), v95, sizeof v95);
        snprintf(lab, sizeof lab, "%s%s (%s to %s)", sim_table_get(t, r, "parameter"),
                 strcmp(sim_table_get(t, r, "assumption"), "yes") == 0 ? " *" : "", v5, v95);
        data_label(&data, lab, false);
        sim_buf_printf(&data, ",%.17g,%.17g,%.17g\n", base, a, b);
        lo = fmin(lo, fmin(a, fmin(b, base))), hi = fmax(hi, fmax(a, fmax(b, base)));
    }
    range_params(&params, "x", lo, hi, false);
    char sub[512], xl[512], stat[256];
    sim_stat_readable(sim_table_get(t, 0, "statistic"), stat, sizeof stat);
    const bool prob = strncmp(stat, "P(", 2) == 0;
    if (prob) percent_tics(&params, "x", lo - (hi - lo) * 0.1, hi + (hi - lo) * 0.1, "%%"); /* in % */
    sim_buf_printf(&params, "set yrange [-0.7:%.17g]\nset arrow 1 from %.17g, graph 0 to %.17g, graph 1 nohead "
                            "linecolor rgb \"#333333\" linewidth 1.5\n", (double)n - 0.3, base, base);
    /* a probability that most parameters move by nothing alone: the chart
     * says why (the console and the brief say it at length) */
    size_t flat = 0;
    for (size_t r = 0; r < t->nrows; r++) flat += sim_table_num(t, r, "swing") == 0;
    if (sim_oat_mostly_flat(sim_table_get(t, 0, "statistic"), flat, t->nrows))
        sim_buf_printf(&params,
                       "set label 9 \"%zu of %zu parameters move it by nothing alone:\\none that matters only with "
                       "others shows no bar\\n(riskmc sobol --threshold measures them)\" at graph 0.98, graph 0.22 "
                       "right front textcolor rgb \"#555555\" font \",10\"\n",
                       flat, t->nrows);
    char top[64] = "";
    if (t->nrows > n) snprintf(top, sizeof top, "; top %zu of %zu", n, t->nrows);
    snprintf(sub, sizeof sub, "%s: each parameter alone from its 5th to its 95th percentile (shown), the others at "
                              "their medians (* assumption%s)", stat, top);
    char su[128];
    stat_unit(rd, stat, su, sizeof su);
    snprintf(xl, sizeof xl, "%s%s%s%s%s (line: all parameters at their medians)", stat, prob ? ", %" : "",
             *su ? " (" : "", su, *su ? ")" : "");
    int rc = rd_chart(pl, rd, "tornado.gp", "tornado", &data, &params, sub, xl, "", err);
    sim_buf_free(&data);
    sim_buf_free(&params);
    return rc;
}

/* The smallest nominal size an axis label or a key may shrink to and still be read on
 * a page (about 5.5 points pasted at 16 cm). */
#define AXIS_FONT_MIN 9.0

/* lines.gp's key of several lines right of the plot, wholly outside it (a
 * key overlapping the plot hid lines and grid lines): the plot ends where a
 * key of labels `longest` characters long begins, at a size that leaves the
 * plot at least half of the canvas. */
static void key_right(sim_buf *p, size_t longest)
{
    /* the key's font (10, as the other charts' keys) and its sample line of
     * 2 characters with the gaps around it, about 6 characters in all;
     * lines.gp sets the key 0.025 of the canvas right of the plot, clear of
     * its last tick label, and the key ends 0.015 short of the edge */
    double font = 10, px = ((double)longest * EM_LABEL + 6 * EM_CHAR) * font * FONTSCALE;
    const double room = (0.985 - 0.025 - 0.60) * CANVAS_W; /* beside a plot from 0.10 to 0.60 */
    if (px > room) font *= room / px, px = room;
    /* no smaller than a sweep axis's font: a longer name narrows the plot
     * instead, down to half the canvas */
    if (font < AXIS_FONT_MIN) px *= AXIS_FONT_MIN / font, font = AXIS_FONT_MIN;
    const double rmargin = fmax(0.50, 0.985 - 0.025 - px / CANVAS_W);
    sim_buf_printf(p, "key_font = \",%.2f\"\nkey_rmargin = %.3f\n", font, rmargin);
}

static int spider_chart(plotter *pl, const sim_rundir *rd, sim_err *err)
{
    const sim_table *t = &rd->design;
    /* the parameters with the widest ranges, at most eight, leaving out
     * those that do not move the statistic at all (unless none does) */
    const char *names[256];
    double range[256], mn[256], mx[256];
    size_t np = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        const char *nm = sim_table_get(t, r, "parameter");
        size_t k = 0;
        while (k < np && strcmp(names[k], nm) != 0) k++;
        const double v = sim_table_num(t, r, "result");
        if (k == np) {
            if (np == 256) continue;
            names[np] = nm, mn[np] = mx[np] = v, np++;
        }
        mn[k] = fmin(mn[k], v), mx[k] = fmax(mx[k], v);
    }
    /* a parameter with no result at any percentile (a statistic of an output
     * no trial had there) has a range of 0, not NaN: a NaN would stay ahead
     * of the parameters that move the statistic in the ranking below */
    size_t moving = 0;
    for (size_t k = 0; k < np; k++) range[k] = mx[k] > mn[k] ? mx[k] - mn[k] : 0, moving += range[k] > 0;
    const size_t shown = np < 8 ? np : 8;
    const size_t keep = moving == 0 ? shown : moving < shown ? moving : shown;
    for (size_t i = 0; i < keep; i++)
        for (size_t j = i + 1; j < np; j++)
            if (range[j] > range[i]) {
                const char *tn = names[i];
                double tr = range[i];
                names[i] = names[j], range[i] = range[j], names[j] = tn, range[j] = tr;
            }
    sim_buf data, params;
    sim_buf_init(&data);
    sim_buf_init(&params);
    double lo = INFINITY, hi = -INFINITY;
    size_t longest = 0;
    for (size_t i = 0; i < keep; i++) {
        if (i) sim_buf_puts(&data, "\n\n");
        const long r0 = sim_table_find(t, "parameter", names[i]);
        const bool assumed = r0 >= 0 && strcmp(sim_table_get(t, (size_t)r0, "assumption"), "yes") == 0;
        data_label(&data, names[i], assumed); /* "name *" as on tornado, Morris and Sobol charts */
        const size_t len = strlen(names[i]) + (assumed ? 2 : 0);
        if (len > longest) longest = len;
        sim_buf_puts(&data, "\n");
        for (size_t r = 0; r < t->nrows; r++) {
            if (strcmp(sim_table_get(t, r, "parameter"), names[i]) != 0) continue;
            double v = sim_table_num(t, r, "result");
            sim_buf_printf(&data, "%.17g,%.17g\n", sim_table_num(t, r, "percentile"), v);
            lo = fmin(lo, v), hi = fmax(hi, v);
        }
    }
    sim_buf_printf(&params, "nblocks = %zu\nset xrange [0:100]\nset xtics 0, 10, 100\n", keep);
    key_right(&params, longest);
    range_params(&params, "y", lo, hi, false);
    char sub[512], stat[256];
    sim_stat_readable(sim_table_get(t, 0, "statistic"), stat, sizeof stat);
    if (strncmp(stat, "P(", 2) == 0) percent_tics(&params, "y", lo - (hi - lo) * 0.1, hi + (hi - lo) * 0.1, "%%");
    if (keep < shown)
        snprintf(sub, sizeof sub, "%s as each parameter alone moves through its percentiles (the %zu that move it; the "
                 "other %zu leave it unchanged; * assumption)", stat, keep, np - keep);
    else
        snprintf(sub, sizeof sub, "%s as each parameter alone moves through its percentiles (the %zu with the widest "
                 "effect; * assumption)", stat, keep);
    char su[128], yl[400];
    stat_unit(rd, stat, su, sizeof su);
    with_unit(yl, sizeof yl, stat, su);
    int rc = rd_chart(pl, rd, "lines.gp", "spider", &data, &params, sub, "percentile of the parameter's own law", yl,
                      err);
    sim_buf_free(&data);
    sim_buf_free(&params);
    return rc;
}

static int sobol_charts(plotter *pl, const sim_rundir *rd, sim_err *err)
{
    const sim_table *t = &rd->design;
    int rc = 0;
    /* one chart per statistic, in file order */
    for (size_t r0 = 0; r0 < t->nrows && rc == 0;) {
        const char *stat = sim_table_get(t, r0, "statistic");
        size_t r1 = r0;
        while (r1 < t->nrows && strcmp(sim_table_get(t, r1, "statistic"), stat) == 0) r1++;
        if (sim_sobol_rows_empty(t, r0, r1)) { /* no index at all (the brief says why): no chart */
            r0 = r1;
            continue;
        }
        sim_buf data, params;
        sim_buf_init(&data);
        sim_buf_init(&params);
        /* rows: the 15 parameters of largest total effect, then the groups */
        size_t rows = 0, shown = 0;
        size_t idx[64];
        size_t nparams = 0;
        for (size_t r = r0; r < r1 && rows < 64; r++) {
            bool group = strcmp(sim_table_get(t, r, "kind"), "parameter") != 0; /* groups, chance */
            nparams += !group;
            if (!group && shown == 15) continue;
            shown += !group;
            idx[rows++] = r;
        }
        double hi = 0;
        for (size_t k = 0; k < rows; k++) {
            size_t r = idx[k];
            const char *kind = sim_table_get(t, r, "kind");
            bool group = strcmp(kind, "parameter") != 0;
            sim_buf_printf(&data, "%zu,", rows - 1 - k);
            const char *nm = sim_table_get(t, r, "parameter");
            data_label(&data,
                       !strcmp(kind, "chance") ? "CHANCE"
                       : group                 ? (strstr(nm, "assumption") ? "ALL ASSUMPTIONS" : "ALL SOURCED")
                                               : nm,
                       !group && strcmp(sim_table_get(t, r, "assumption"), "yes") == 0);
            static const char *const C[] = {"S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"};
            /* an interval is drawn within the [0, 100%] a share lies in (the
             * estimates as they are: noise can carry one past either end) */
            for (int c = 0; c < 6; c++) {
                const double v = sim_table_num(t, r, C[c]);
                sim_buf_printf(&data, ",%.17g", c % 3 && !isnan(v) ? fmin(1, fmax(0, v)) : v);
            }
            sim_buf_putc(&data, '\n');
        }
        /* the view follows the estimates, widened for the intervals by at
         * most a quarter of it either way; an interval running further is cut */
        double ilo = 0, ihi = 0;
        for (size_t k = 0; k < rows; k++) {
            hi = fmax(hi, fmax(sim_table_num(t, idx[k], "S1"), sim_table_num(t, idx[k], "ST")));
            ilo = fmin(ilo, fmin(sim_table_num(t, idx[k], "S1"), sim_table_num(t, idx[k], "ST")));
            ihi = fmax(ihi, fmin(1, fmax(sim_table_num(t, idx[k], "S1_high"), sim_table_num(t, idx[k], "ST_high"))));
        }
        if (hi < 0.05) hi = 0.05;
        const double xlo = fmin(-0.02 * hi, fmax(ilo * 1.04, -0.25 * hi)), xhi = fmax(1.08 * hi, fmin(ihi * 1.03, 1.25 * hi));
        sim_buf_printf(&params, "set xrange [%.17g:%.17g]\nset yrange [-0.7:%.17g]\n", xlo, xhi, (double)rows - 0.3);
        percent_tics(&params, "x", 0, xhi, "%%");
        char sub[512], name[256], bn[32];
        sim_format_thousands(sim_table_num(t, r0, "base_n"), 0, bn, sizeof bn);
        char more[96] = "";
        if (nparams > shown) snprintf(more, sizeof more, "; top %zu of %zu parameters", shown, nparams);
        char rstat[256];
        sim_stat_readable(stat, rstat, sizeof rstat);
        snprintf(sub, sizeof sub, "Sobol indices: shares of the trial-to-trial variance behind %s (N = %s%s; * "
                                  "assumption)", rstat, bn, more);
        chart_name("sobol-", stat, name, sizeof name);
        rc = rd_chart(pl, rd, "indices.gp", name, &data, &params, sub, "share of the variance", "", err);
        sim_buf_free(&data);
        sim_buf_free(&params);
        r0 = r1;
    }
    return rc;
}

static int morris_chart(plotter *pl, const sim_rundir *rd, sim_err *err)
{
    const sim_table *t = &rd->design;
    size_t n = t->nrows < 15 ? t->nrows : 15;
    if (n == 0) return 0;
    sim_buf data, params;
    sim_buf_init(&data);
    sim_buf_init(&params);
    double hi = 0;
    for (size_t r = 0; r < n; r++) {
        double mu = sim_table_num(t, r, "mu_star"), se = sim_table_num(t, r, "mu_star_se"),
               sg = sim_table_num(t, r, "sigma");
        sim_buf_printf(&data, "%zu,", n - 1 - r);
        data_label(&data, sim_table_get(t, r, "parameter"), strcmp(sim_table_get(t, r, "assumption"), "yes") == 0);
        /* the columns indices.gp reads: first bar mu* with its +-2 se, second bar sigma */
        sim_buf_printf(&data, ",%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", sg, sg, sg, mu, mu - 2 * se, mu + 2 * se);
        hi = fmax(hi, fmax(mu + 2 * se, sg));
    }
    if (hi <= 0) hi = 1;
    sim_buf_printf(&params, "set xrange [0:%.17g]\nset yrange [-0.7:%.17g]\n", hi * 1.08, (double)n - 0.3);
    /* a probability's effects read in percentage points */
    char stat[256];
    sim_stat_readable(sim_table_get(t, 0, "statistic"), stat, sizeof stat);
    const bool prob = strncmp(stat, "P(", 2) == 0;
    if (prob) percent_tics(&params, "x", 0, hi * 1.08, "");
    else tics(&params, "x", 0, hi * 1.08, false);
    sim_buf_puts(&params, "set key bottom right\n"
                          "t_top = \"mu*\"\nt_bottom = \"sigma\"\n"
                          "t_err_top = \"2 standard errors\"\nt_err_bottom = \"\"\n");
    char sub[512], more[96] = "";
    if (t->nrows > n) snprintf(more, sizeof more, "; top %zu of %zu parameters", n, t->nrows);
    snprintf(sub, sizeof sub, "Elementary effects on %s: mu* (red, with 2 standard errors) and sigma (blue); * rests on "
                              "an assumption%s", stat, more);
    char su[128], xl[400];
    stat_unit(rd, stat, su, sizeof su);
    snprintf(xl, sizeof xl, "%s%s%s per move across the parameter's 0.5th-99.5th percentile span",
             prob ? "percentage points" : "change of the output", *su ? ", " : "", su);
    int rc = rd_chart(pl, rd, "indices.gp", "morris", &data, &params, sub, xl, "", err);
    sim_buf_free(&data);
    sim_buf_free(&params);
    return rc;
}

/* A scenario's simulated days in a comparison manifest's periods
 * ("a: 365 days from 2026-02-22; b: ..."): true and the days in out, or
 * false when the list does not name it. */
static bool period_in(const char *periods, const char *name, char *out, size_t n)
{
    const size_t len = strlen(name);
    for (const char *at = periods ? strstr(periods, name) : NULL; at; at = strstr(at + 1, name))
        if ((at == periods || at[-1] == ' ') && at[len] == ':' && at[len + 1] == ' ') {
            const char *p0 = at + len + 2, *p1 = strchr(p0, ';');
            snprintf(out, n, "%.*s", (int)(p1 ? (size_t)(p1 - p0) : strlen(p0)), p0);
            return true;
        }
    return false;
}

/* compare.csv: for each scenario after the first, its paired differences
 * from the first: the charted outputs' means as a percentage of the first
 * scenario's, the threshold probabilities in percentage points */
static int compare_charts(plotter *pl, const sim_rundir *rd, sim_err *err)
{
    const sim_table *t = &rd->design;
    if (t->nrows == 0) return 0;
    const size_t k = sim_compare_block(t);
    const char *first = sim_table_get(t, 0, "scenario");
    const char **outs;
    size_t no = sim_rundir_outputs(rd, true, &outs); /* the headline outputs, as the brief's table */
    int rc = 0;
    for (size_t b0 = k, blk = 1; b0 < t->nrows && rc == 0; b0 += k, blk++) {
        sim_buf data, params;
        sim_buf_init(&data);
        sim_buf_init(&params);
        size_t n = 0;
        char labels[64][200];
        double v[64][3];
        bool isprob[64];
        for (size_t r = b0; r < b0 + k && r < t->nrows && n < 64; r++) {
            const char *o = sim_table_get(t, r, "output"), *st = sim_table_get(t, r, "statistic");
            double f = sim_table_num(t, r, "first_value"), d = sim_table_num(t, r, "difference");
            double l = sim_table_num(t, r, "low95"), h = sim_table_num(t, r, "high95");
            /* one trial per scenario: a mean's difference has no interval
             * (empty low95/high95); draw the bar without one */
            if (!isfinite(l) || !isfinite(h)) l = h = d;
            bool prob = !strncmp(st, "P(", 2), charted = false;
            for (size_t i = 0; i < no && !strchr(o, '.'); i++) charted |= !strcmp(outs[i], o); /* not a group's parts */
            if (!prob && (!charted || !(fabs(f) > 0))) continue;
            double scale = prob ? 100 : 100 / fabs(f);
            if (prob) {
                char x[48];
                sim_format_exact(strtod(st + 4, NULL), x, sizeof x);
                snprintf(labels[n], sizeof labels[n], "P(%s ≥ %s)", o, x);
            } else {
                snprintf(labels[n], sizeof labels[n], "mean %s", o);
            }
            v[n][0] = d * scale, v[n][1] = l * scale, v[n][2] = h * scale;
            isprob[n] = prob;
            n++;
        }
        if (n) {
            /* two panels, each on its own axis: the means in % of the first
             * scenario's (block 0), the probabilities in points (block 1);
             * each bar's value written beyond its interval */
            size_t cnt[2] = {0, 0};
            double lo[2] = {0, 0}, hi[2] = {0, 0};
            for (size_t i = 0; i < n; i++) {
                const int g = isprob[i];
                cnt[g]++, lo[g] = fmin(lo[g], v[i][1]), hi[g] = fmax(hi[g], v[i][2]);
            }
            for (int g = 0; g < 2; g++) {
                if (!cnt[g]) continue;
                if (g && cnt[0]) sim_buf_puts(&data, "\n\n");
                /* the panel's x range (room left for the values), tics and
                 * value labels, as gnuplot commands it runs before its plot */
                const double room = (hi[g] - lo[g] > 0 ? hi[g] - lo[g] : 1) * 0.14;
                sim_buf axis;
                sim_buf_init(&axis);
                range_params(&axis, "x", fmin(lo[g], 0) - room, fmax(hi[g], 0) + room, false);
                size_t row = cnt[g];
                for (size_t i = 0; i < n; i++) {
                    if ((int)isprob[i] != g) continue;
                    char num[48], lab[64];
                    sim_format_readable(fabs(v[i][0]), num, sizeof num);
                    snprintf(lab, sizeof lab, "%s%s%s", v[i][0] > 0 ? "+" : v[i][0] < 0 ? "-" : "", num, g ? " pts" : "%");
                    const bool right = v[i][0] >= 0;
                    sim_buf_printf(&data, "%zu,", --row); /* the first at the top */
                    data_label(&data, labels[i], false);
                    sim_buf_printf(&data, ",%.17g,%.17g,%.17g\n", v[i][0], v[i][1], v[i][2]);
                    sim_buf_printf(&axis, "set label %zu \"%s\" at %.17g, %zu %s offset %s0.6,0 font \",10\" noenhanced\n",
                                   300 + i, lab, right ? v[i][2] : v[i][1], row, right ? "left" : "right",
                                   right ? "" : "-");
                }
                for (char *c = axis.s; c && *c; c++)
                    if (*c == '\n') *c = ';';
                sim_buf_printf(&params, "%s = '%s'\n", g ? "pset" : "mset", axis.s ? axis.s : "");
                sim_buf_free(&axis);
            }
            /* the rows share the plot's height; the means panel's tics and
             * label need a gap above the probabilities */
            const double top = 0.80, bot = 0.20, gap = cnt[0] && cnt[1] ? 0.14 : 0;
            const double split = top - (top - bot - gap) * (double)cnt[0] / (double)(cnt[0] + cnt[1]);
            sim_buf_printf(&params, "nm = %zu\nnp = %zu\nm_top = %.4f\nm_bot = %.4f\np_top = %.4f\np_bot = %.4f\n",
                           cnt[0], cnt[1], top, cnt[1] ? split : bot, cnt[0] ? split - gap : top, bot);
            const char *other = sim_table_get(t, b0, "scenario");
            char sub[512], xl[512], name[256];
            char nt[32];
            sim_format_thousands(sim_table_num(t, b0, "trials"), 0, nt, sizeof nt);
            /* a scenario over other days than the first: the chart says so */
            char when[160] = "", p_other[96], p_first[96];
            if (period_in(rd->periods, other, p_other, sizeof p_other) &&
                period_in(rd->periods, first, p_first, sizeof p_first) && strcmp(p_other, p_first) != 0)
                snprintf(when, sizeof when, " (it simulates %s)", p_other);
            snprintf(sub, sizeof sub, "%s against %s: paired differences over %s trial%s%s", other, first, nt,
                     strcmp(nt, "1") == 0 ? "" : "s", when);
            char pl2[512];
            snprintf(xl, sizeof xl, "means: change from %s, in %% of its mean", first);
            snprintf(pl2, sizeof pl2, "probabilities: change from %s, in percentage points", first);
            snprintf(name, sizeof name, "compare-%zu", blk);
            rc = rd_chart(pl, rd, "diff.gp", name, &data, &params, sub, xl, pl2, err);
        }
        sim_buf_free(&data);
        sim_buf_free(&params);
    }
    free(outs);
    return rc;
}

/* The position of x among the n values v of a grid's axis. */
static size_t grid_index(const double *v, size_t n, double x)
{
    size_t i = 0;
    while (i + 1 < n && v[i] != x) i++;
    return i;
}

/* An axis label naming a swept key with what it is, in `px` pixels along its
 * axis: "key: description" where it fits at a legible size, else "key (unit)"
 * where the description ends with a unit, else the key and the description
 * on two lines when `two_lines` (a y axis has room beside it), else on one,
 * shrunk. */
static void swept_label(char *out, size_t n, const char *key, const char *desc, double px, bool two_lines)
{
    char unit[128];
    snprintf(out, n, "%s%s%s", key, *desc ? ": " : "", desc);
    if (fit_font(out, 12, px) >= AXIS_FONT_MIN) return;
    if (*unit_of(desc, unit, sizeof unit)) with_unit(out, n, key, unit);
    else if (two_lines) snprintf(out, n, "%s:\n%s", key, desc);
}

/* The value a heat map cell's label shows (sim_format_pct for a
 * probability, sim_format_readable otherwise), read back. */
static double labelled_value(double m, bool prob)
{
    char v[48], digits[48];
    if (prob) sim_format_pct(m, v, sizeof v);
    else sim_format_readable(m, v, sizeof v);
    size_t k = 0;
    for (const char *c = v; *c && k + 1 < sizeof digits; c++)
        if (*c != ',' && *c != '%') digits[k++] = *c;
    digits[k] = '\0';
    char *end;
    const double x = strtod(digits, &end);
    if (end == digits || *end) return m; /* "-" or anything not a number: the value itself */
    return prob ? x / 100 : x;
}

/* sweep.csv: a line per charted output for one parameter, a heat map for two */
static int sweep_charts(plotter *pl, const sim_rundir *rd, sim_err *err)
{
    const sim_table *t = &rd->design;
    long ct = sim_table_col(t, "trials");
    if (ct < 1 || t->nrows == 0) return 0;
    int naxes = (int)ct - 1; /* columns between point and trials */
    const char *k1 = t->header[1], *k2 = naxes == 2 ? t->header[2] : NULL;
    /* the axes: the swept key and what it is (dictionary.csv) */
    char xl[400], yl2[400] = "";
    swept_label(xl, sizeof xl, k1, sim_rundir_describe(rd, k1), (0.96 - 0.10) * CANVAS_W, false);
    if (k2) swept_label(yl2, sizeof yl2, k2, sim_rundir_describe(rd, k2), PLOT_H, true);
    /* what is charted: the mean of each charted output, then each
     * threshold's probability */
    const char **outs;
    size_t no = sim_rundir_outputs(rd, false, &outs);
    const size_t nstat = no + t->ncols;
    int rc = 0;
    for (size_t si = 0; si < nstat && rc == 0; si++) {
        const bool prob = si >= no;
        char col[300], c5[300], c95[300], name[256], what[320], unit[128] = "";
        if (!prob) {
            snprintf(col, sizeof col, "mean(%s)", outs[si]);
            snprintf(c5, sizeof c5, "p5(%s)", outs[si]);
            snprintf(c95, sizeof c95, "p95(%s)", outs[si]);
            if (sim_table_col(t, col) < 0) continue;
            unit_of(sim_rundir_describe(rd, outs[si]), unit, sizeof unit);
            snprintf(what, sizeof what, "mean %s", outs[si]);
            snprintf(name, sizeof name, "%s-%s", naxes == 1 ? "sweep" : "heatmap", outs[si]);
        } else {
            const char *h = t->header[si - no];
            if (strncmp(h, "P(", 2) != 0) continue;
            snprintf(col, sizeof col, "%s", h);
            sim_stat_readable(h, what, sizeof what);
            chart_name(naxes == 1 ? "sweep-" : "heatmap-", h, name, sizeof name);
        }
        sim_buf data, params;
        sim_buf_init(&data);
        sim_buf_init(&params);
        char sub[512];
        double lo = INFINITY, hi = -INFINITY, xlo = INFINITY, xhi = -INFINITY;
        if (naxes == 1) {
            sim_buf_printf(&data, "\"%s\"\n",
                           prob ? "probability (band: each point's own 95% interval)" : "mean (band: 90% of trials)");
            /* the points by x: a listed grid runs in the order given (5,1,3),
             * and a band joined in that order folds back on itself */
            double *xv = sim_calloc(t->nrows, sizeof *xv);
            size_t *ord = sim_calloc(t->nrows, sizeof *ord);
            for (size_t r = 0; r < t->nrows; r++) xv[r] = sim_table_num(t, r, k1);
            gsl_sort_index(ord, xv, 1, t->nrows);
            for (size_t i = 0; i < t->nrows; i++) {
                const size_t r = ord[i];
                double x = xv[r], m = sim_table_num(t, r, col), a, b;
                if (prob) { /* Wilson's interval, as a run's risks.csv gives */
                    sim_wilson_p(m, sim_table_num(t, r, "trials"), &a, &b);
                } else {
                    a = sim_table_num(t, r, c5), b = sim_table_num(t, r, c95);
                }
                sim_buf_printf(&data, "%.17g,%.17g,%.17g,%.17g\n", x, m, a, b);
                lo = fmin(lo, a), hi = fmax(hi, b), xlo = fmin(xlo, x), xhi = fmax(xhi, x);
            }
            free(xv);
            free(ord);
            sim_buf_puts(&params, "nblocks = 1\nbands = 1\n");
            range_params(&params, "x", xlo, xhi, false);
            range_params(&params, "y", lo, hi, false);
            if (prob) percent_tics(&params, "y", lo - (hi - lo) * 0.1, hi + (hi - lo) * 0.1, "%%");
            snprintf(sub, sizeof sub, "%s as %s varies (%s)", what, k1,
                     prob ? "common random numbers" : "common random numbers; band: 5th to 95th percentile");
            /* the y axis: the output and its unit (a whole description there
             * shrank to an illegible size); a probability's axis that does
             * not start at 0 says so */
            char yl[400];
            with_unit(yl, sizeof yl, prob ? what : outs[si], unit);
            const double ybot = lo - (hi > lo ? (hi - lo) * 0.05 : 0.05);
            if (prob && ybot > 0.001) {
                char from[32];
                sim_format_pct(ybot, from, sizeof from);
                snprintf(yl + strlen(yl), sizeof yl - strlen(yl), ", axis from %s", from);
            }
            rc = rd_chart(pl, rd, "lines.gp", name, &data, &params, sub, xl, yl, err);
        } else {
            /* cells at grid indices, so that a listed grid need not be
             * evenly spaced, with the grid's values as tick labels, each
             * axis upwards whatever order its grid was listed in */
            double *xs = sim_calloc(t->nrows + 1, sizeof *xs), *ys = sim_calloc(t->nrows + 1, sizeof *ys);
            size_t nx = 0, ny = 0;
            for (size_t r = 0; r < t->nrows; r++) {
                double x = sim_table_num(t, r, k1), y = sim_table_num(t, r, k2);
                if (!nx || xs[nx - 1] != x) xs[nx++] = x; /* points run y fastest */
                if (!r || x == xs[0]) ys[ny++] = y;
            }
            gsl_sort(xs, 1, nx);
            gsl_sort(ys, 1, ny);
            for (size_t r = 0; r < t->nrows; r++) {
                double m = sim_table_num(t, r, col);
                /* a labelled cell is shaded by its label's value: cells
                 * labelled alike (99.9%, 99.9%) are shaded alike */
                if (t->nrows <= 100) m = labelled_value(m, prob);
                sim_buf_printf(&data, "%zu,%zu,%.17g\n", grid_index(xs, nx, sim_table_num(t, r, k1)),
                               grid_index(ys, ny, sim_table_num(t, r, k2)), m);
                lo = fmin(lo, m), hi = fmax(hi, m);
            }
            sim_buf_printf(&params, "set xrange [-0.5:%.1f]\nset yrange [-0.5:%.1f]\n", (double)nx - 0.5,
                           (double)ny - 0.5);
            const double *vals[2] = {xs, ys};
            const size_t nv[2] = {nx, ny};
            for (int a = 0; a < 2; a++) {
                sim_buf_printf(&params, "set %stics (", a ? "y" : "x");
                for (size_t i = 0; i < nv[a]; i++) {
                    char lab[48];
                    sim_format_exact(vals[a][i], lab, sizeof lab);
                    sim_buf_printf(&params, "%s\"%s\" %zu", i ? ", " : "", lab, i);
                }
                sim_buf_puts(&params, ")\n");
            }
            if (prob && !(hi - lo >= 0.01)) { /* under a point apart, shades would show a trial or two of noise */
                const double mid = (lo + hi) / 2;
                lo = fmax(0, fmin(mid - 0.005, 0.99)), hi = lo + 0.01;
            }
            /* a mean's colours span at least ten units of its cells' last
             * digit, as a probability's (labelled to 0.1%) span a point: cells
             * labelled alike (303, 303) differ by at most a tenth of the
             * palette, not from its lightest to its darkest */
            const double span = 10 * pow(10, -sim_readable_decimals(fmax(fabs(lo), fabs(hi))));
            if (!prob && hi - lo < span) {
                const double mid = (lo + hi) / 2;
                lo = lo >= 0 && mid - span / 2 < 0 ? 0 : mid - span / 2, hi = lo + span;
            }
            if (!(hi > lo)) hi = lo + 1;
            sim_buf_printf(&params, "set cbrange [%.17g:%.17g]\n", lo, hi);
            if (prob) percent_tics(&params, "cb", lo, hi, "%%");
            else tics(&params, "cb", lo, hi, false);
            /* each cell's value written in it, light on the dark half of the
             * palette, while the cells are few enough to read */
            if (t->nrows <= 100)
                for (size_t r = 0; r < t->nrows; r++) {
                    const double m = sim_table_num(t, r, col);
                    char v[48];
                    if (prob) sim_format_pct(m, v, sizeof v);
                    else sim_format_readable(m, v, sizeof v);
                    sim_buf_printf(&params, "set label %zu \"%s\" at %zu,%zu center front font \",%d\" textcolor rgb \"%s\"\n",
                                   200 + r, v, grid_index(xs, nx, sim_table_num(t, r, k1)),
                                   grid_index(ys, ny, sim_table_num(t, r, k2)), t->nrows <= 36 ? 11 : 8,
                                   (m - lo) / (hi - lo) > 0.55 ? "#ffffff" : "#08306b");
                }
            free(xs);
            free(ys);
            char cbl[400];
            with_unit(cbl, sizeof cbl, what, unit);
            sim_buf_printf(&params, "set cblabel \"%s\" noenhanced offset 2.5,0\n", cbl);
            snprintf(sub, sizeof sub, "%s over a grid of %s and %s (common random numbers)", what, k1, k2);
            rc = rd_chart(pl, rd, "heatmap.gp", name, &data, &params, sub, xl, yl2, err);
        }
        sim_buf_free(&data);
        sim_buf_free(&params);
    }
    free(outs);
    return rc;
}

/* ------------------------------------------------------------ drivers */

static int plot_begin(plotter *pl, sim_outdir *od, const char *charts, unsigned formats, sim_err *err)
{
    memset(pl, 0, sizeof *pl);
    pl->formats = formats;
    char *tmpl = sim_asprintf("%s/riskmc-plot-XXXXXX", getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpl)) {
        sim_errf(err, "%s: cannot create a temporary folder: %s", tmpl, strerror(errno));
        free(tmpl);
        return -1;
    }
    pl->work = tmpl;
    if (sim_outdir_begin(od, charts, SIM_OUTDIR_CHARTS, err) != 0) {
        sim_rmtree(pl->work);
        free(pl->work);
        return -1;
    }
    pl->out = od->tmp;
    pl->dest = od->final;
    setenv("SOURCE_DATE_EPOCH", "0", 0); /* reproducible PDF and SVG dates */
    return 0;
}

static int plot_end(plotter *pl, sim_outdir *od, int rc, sim_err *err)
{
    sim_rmtree(pl->work);
    free(pl->work);
    if (rc == 0) rc = sim_outdir_commit(od, err);
    if (rc != 0 && od->tmp) sim_outdir_abort(od);
    return rc;
}

int sim_plot_dir(const char *dir, unsigned formats, sim_err *err)
{
    /* held open from before it is read: a folder replaced (run --force)
     * between the reading and the temporary charts folder made in it would
     * get charts of the old run's numbers (after that, the replacement
     * removes the temporary folder and the charts fail) */
    const int held = sim_folder_hold(dir);
    sim_rundir rd;
    if (sim_rundir_open(&rd, dir, err) != 0) {
        if (held >= 0) close(held);
        return -1;
    }
    plotter pl;
    sim_outdir od;
    char *charts = sim_asprintf("%s/charts", dir);
    int rc = plot_begin(&pl, &od, charts, formats, err);
    free(charts);
    if (rc == 0 && !sim_folder_same(held, dir)) {
        rc = plot_end(&pl, &od, sim_errf(err, SIM_FOLDER_REPLACED, dir), err); /* -1: aborts the charts */
    }
    if (held >= 0) close(held);
    if (rc != 0) {
        sim_rundir_free(&rd);
        return -1;
    }
    const char *what = *rd.kind ? rd.kind : "run";
    static const char *const charted[] = {"run", "tornado", "spider", "sobol", "morris", "sweep", "compare"};
    bool known = false;
    for (size_t i = 0; i < sizeof charted / sizeof charted[0]; i++) known |= strcmp(what, charted[i]) == 0;
    if (!known)
        rc = sim_errf(err, "%s: results of kind '%s' have no charts (allowed: the folders of run, sweep, compare, "
                           "tornado, spider, morris and sobol)", dir, what);
    else if (strcmp(what, "compare") == 0) rc = compare_charts(&pl, &rd, err);
    else if (strcmp(what, "tornado") == 0) rc = tornado_chart(&pl, &rd, err);
    else if (strcmp(what, "spider") == 0) rc = spider_chart(&pl, &rd, err);
    else if (strcmp(what, "sobol") == 0) rc = sobol_charts(&pl, &rd, err);
    else if (strcmp(what, "morris") == 0) rc = morris_chart(&pl, &rd, err);
    else if (strcmp(what, "sweep") == 0) rc = sweep_charts(&pl, &rd, err);
    const char **outs;
    size_t no = strcmp(what, "run") == 0 ? sim_rundir_outputs(&rd, false, &outs) : (outs = NULL, (size_t)0);
    for (size_t i = 0; i < no && rc == 0; i++) rc = output_charts(&pl, &rd, outs[i], err);
    for (size_t i = 0; i < no && rc == 0 && rd.exceed.nrows; i++) rc = band_chart(&pl, &rd, outs[i], err);
    /* an output with a threshold is charted too (infiltrated.europe >= 1):
     * the risk's exceedance curve belongs with the risk */
    long ro = sim_table_col(&rd.risks, "output");
    for (size_t r = 0; r < rd.risks.nrows && rc == 0 && ro >= 0 && no; r++) {
        const char *o = rd.risks.rows[r][ro];
        bool done = false;
        for (size_t i = 0; i < no && !done; i++) done = strcmp(outs[i], o) == 0;
        for (size_t q = 0; q < r && !done; q++) done = strcmp(rd.risks.rows[q][ro], o) == 0;
        if (!done) rc = output_charts(&pl, &rd, o, err);
    }
    free(outs);
    for (size_t r = 0; r < rd.dict.nrows && rc == 0 && strcmp(what, "run") == 0; r++) {
        const char *kind = sim_table_get(&rd.dict, r, "kind"), *nm = sim_table_get(&rd.dict, r, "name");
        if (strcmp(kind, "group") == 0) rc = group_chart(&pl, &rd, nm, sim_table_get(&rd.dict, r, "description"), sim_table_get(&rd.dict, r, "value"), err);
        else if (strcmp(kind, "series") == 0 && rd.series.nrows) rc = fan_chart(&pl, &rd, nm, err);
    }
    rc = plot_end(&pl, &od, rc, err);
    sim_rundir_free(&rd);
    return rc;
}

int sim_plot_compare(char **dirs, size_t ndirs, const char *out, unsigned formats, bool *drawn, sim_err *err)
{
    sim_rundir *rd;
    size_t n, skipped;
    *drawn = false;
    if (sim_rundir_open_runs(dirs, ndirs, &rd, &n, &skipped, err) != 0) return -1;
    const size_t opened = n;
    int rc = 0;
    *drawn = n >= 2;
    if (!*drawn) {
        for (size_t i = 0; i < opened; i++) sim_rundir_free(&rd[i]);
        free(rd);
        return 0;
    }
    plotter pl;
    sim_outdir od;
    char *charts = sim_asprintf("%s/charts", out);
    if (rc == 0) rc = sim_mkdirs(out, err);
    if (rc == 0) rc = plot_begin(&pl, &od, charts, formats, err);
    free(charts);
    if (rc == 0) {
        const char **outs;
        size_t no = sim_rundir_outputs(&rd[0], false, &outs);
        for (size_t k = 0; k < no && rc == 0; k++) {
            sim_buf data, params;
            sim_buf_init(&data);
            sim_buf_init(&params);
            double lo = INFINITY, hi = -INFINITY;
            size_t shown = 0;
            for (size_t i = 0; i < n; i++) {
                long r = sim_table_find(&rd[i].summary, "output", outs[k]);
                if (r < 0) continue;
                static const char *const Q[] = {"p5", "p25", "p50", "p75", "p95"};
                sim_buf_printf(&data, "%zu,%s", shown++, rd[i].name);
                for (int q = 0; q < 5; q++) {
                    double v = sim_table_num(&rd[i].summary, (size_t)r, Q[q]);
                    sim_buf_printf(&data, ",%.17g", v);
                    if (v < lo) lo = v;
                    if (v > hi) hi = v;
                }
                sim_buf_putc(&data, '\n');
            }
            if (shown) {
                if (hi - lo < 1) hi = lo + 1;
                double pad = (hi - lo) * 0.06, ylo = lo - pad < 0 && lo >= 0 ? 0 : lo - pad;
                sim_buf_printf(&params, "set xrange [-0.6:%.17g]\nset yrange [%.17g:%.17g]\n", (double)shown - 0.4, ylo,
                               hi + pad);
                tics(&params, "y", ylo, hi + pad, true);
                /* scenario names under their boxes: on two staggered rows
                 * when they would touch, and smaller when even that is tight */
                size_t longest = 0;
                for (size_t i = 0; i < n; i++) longest = strlen(rd[i].name) > longest ? strlen(rd[i].name) : longest;
                const double slot = 0.80 * CANVAS_W / (double)shown,
                             px = (double)longest * EM_LABEL * 12 * FONTSCALE * PX_PER_PT;
                sim_buf_printf(&params, "stagger = %d\n", px > 0.95 * slot);
                if (px > 1.9 * slot) sim_buf_printf(&params, "set xtics font \",%.2f\"\n", 12 * 1.9 * slot / px);
                char foot[2048], sub[512], tr[600] = "";
                bool same = true;
                for (size_t i = 1; i < n; i++) same &= rd[i].trials == rd[0].trials && rd[i].seed == rd[0].seed;
                for (size_t i = 0; i < (same ? 1 : n); i++) {
                    char t[32];
                    sim_format_thousands((double)rd[i].trials, 0, t, sizeof t);
                    size_t l = strlen(tr);
                    snprintf(tr + l, sizeof tr - l, "%s%s", i ? " / " : "", t);
                }
                char seeds[64] = "";
                if (same) snprintf(seeds, sizeof seeds, " each, same seed %llu", (unsigned long long)rd[0].seed);
                /* the sources behind any of the scenarios, each id once */
                sim_buf src;
                sim_buf_init(&src);
                for (size_t i = 0; i < n; i++) add_ids(&src, rd[i].sources_used);
                char tail[96];
                assumed_text(rd, n, tail, sizeof tail);
                snprintf(foot, sizeof foot, "%zu scenarios · %s trials%s · riskmc %s%s%s%s · boxes: p25 to p75, line: median, "
                                            "whiskers: p5 to p95\nsources: %s%s", n, tr, seeds, rd[0].version,
                         *rd[0].commit ? " (" : "", rd[0].commit, *rd[0].commit ? ")" : "", src.len ? src.s : "none cited",
                         tail);
                sim_buf_free(&src);
                const char *desc = sim_rundir_describe(&rd[0], outs[k]);
                snprintf(sub, sizeof sub, "%s%s%s", outs[k], *desc ? ": " : "", desc);
                char unit[128];
                /* staggered names need the x label's room, and name scenarios anyway */
                const char *text[5] = {"Scenario comparison", sub, px > 0.95 * slot ? "" : "scenario",
                                       unit_or(desc, "value", unit, sizeof unit), foot};
                char name[256];
                snprintf(name, sizeof name, "compare-%s", outs[k]);
                rc = chart(&pl, "boxes.gp", name, &data, &params, text, err);
            }
            sim_buf_free(&data);
            sim_buf_free(&params);
        }
        free(outs);
        rc = plot_end(&pl, &od, rc, err);
    }
    for (size_t i = 0; i < opened; i++) sim_rundir_free(&rd[i]);
    free(rd);
    return rc;
}
