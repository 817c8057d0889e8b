/* report.c - `riskmc report`: a one- or two-page brief of results folders,
 * as report.md and a standalone report.html (charts embedded), built from
 * the folders' files alone. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "design.h"
#include "engine.h"
#include "outdir.h"
#include "plot.h"
#include "results.h"
#include "rundir.h"

static const char USAGE[] =
    "usage: riskmc report [-o DIR] RESULTS_DIR...\n"
    "\n"
    "Write a brief of a results folder, RESULTS_DIR/report.md and a standalone\n"
    "RESULTS_DIR/report.html (charts embedded; prints on one or two pages): the\n"
    "question, the key numbers (median and 90% interval), the risks with their\n"
    "95% intervals, the charts, the observation checks, the parameters that rest\n"
    "on assumptions, the sources cited, and the command and seed that reproduce\n"
    "it. Draws the charts first when the folder has none. With several folders,\n"
    "writes one comparison brief into DIR (default results/comparison).\n"
    "\n"
    "options:\n"
    "  -o, --out DIR   folder for the comparison brief\n"
    "  -h, --help      this help\n";

/* ------------------------------------------------------------ text helpers */

typedef struct doc {
    sim_buf md, html;
} doc;

static void esc_html(sim_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': sim_buf_puts(b, "&amp;"); break;
        case '<': sim_buf_puts(b, "&lt;"); break;
        case '>': sim_buf_puts(b, "&gt;"); break;
        case '"': sim_buf_puts(b, "&quot;"); break;
        case '\'': sim_buf_puts(b, "&#39;"); break;
        default: sim_buf_putc(b, *s);
        }
    }
}

/* A relative path as a URL: bytes other than letters, digits and -._~/+
 * percent-encoded (a '#' or '%' in a file name would end or garble it) */
static void esc_url(sim_buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || strchr("-._~/+", *p)) sim_buf_putc(b, (char)*p);
        else sim_buf_printf(b, "%%%02X", *p);
    }
}

static void esc_md(sim_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': sim_buf_puts(b, "&amp;"); break;
        case '<': sim_buf_puts(b, "&lt;"); break;
        case '|': case '*': case '`': case '[': case ']': case '\\':
            sim_buf_putc(b, '\\');
            sim_buf_putc(b, *s);
            break;
        case '\n': sim_buf_putc(b, ' '); break;
        default: sim_buf_putc(b, *s);
        }
    }
}

/* Text in both documents, escaped for each. */
static void text(doc *d, const char *s)
{
    esc_md(&d->md, s);
    esc_html(&d->html, s);
}

static void heading(doc *d, int level, const char *s)
{
    sim_buf_printf(&d->md, "\n%.*s ", level, "######");
    esc_md(&d->md, s);
    sim_buf_puts(&d->md, "\n\n");
    sim_buf_printf(&d->html, "<h%d>", level);
    esc_html(&d->html, s);
    sim_buf_printf(&d->html, "</h%d>\n", level);
}

static void para_begin(doc *d)
{
    sim_buf_puts(&d->html, "<p>");
}

static void para_end(doc *d)
{
    sim_buf_puts(&d->md, "\n\n");
    sim_buf_puts(&d->html, "</p>\n");
}

static void table_begin(doc *d, const char *const *cols, size_t n)
{
    sim_buf_puts(&d->md, "|");
    sim_buf_puts(&d->html, "<table><thead><tr>");
    for (size_t i = 0; i < n; i++) {
        sim_buf_putc(&d->md, ' ');
        esc_md(&d->md, cols[i]);
        sim_buf_puts(&d->md, " |");
        sim_buf_puts(&d->html, "<th>");
        esc_html(&d->html, cols[i]);
        sim_buf_puts(&d->html, "</th>");
    }
    sim_buf_puts(&d->md, "\n|");
    for (size_t i = 0; i < n; i++) sim_buf_puts(&d->md, i ? "---|" : "---|");
    sim_buf_puts(&d->md, "\n");
    sim_buf_puts(&d->html, "</tr></thead><tbody>\n");
}

static void table_row(doc *d, const char *const *cells, size_t n)
{
    sim_buf_puts(&d->md, "|");
    sim_buf_puts(&d->html, "<tr>");
    for (size_t i = 0; i < n; i++) {
        sim_buf_putc(&d->md, ' ');
        esc_md(&d->md, cells[i]);
        sim_buf_puts(&d->md, " |");
        sim_buf_puts(&d->html, "<td>");
        esc_html(&d->html, cells[i]);
        sim_buf_puts(&d->html, "</td>");
    }
    sim_buf_puts(&d->md, "\n");
    sim_buf_puts(&d->html, "</tr>\n");
}

static void table_end(doc *d)
{
    sim_buf_puts(&d->md, "\n");
    sim_buf_puts(&d->html, "</tbody></table>\n");
}

static void code(doc *d, const char *s)
{
    sim_buf_puts(&d->md, "\n    ");
    sim_buf_puts(&d->md, s); /* an indented code block shows the text as is */
    sim_buf_puts(&d->md, "\n\n");
    sim_buf_puts(&d->html, "<pre>");
    esc_html(&d->html, s);
    sim_buf_puts(&d->html, "</pre>\n");
}

static void base64(sim_buf *b, const unsigned char *p, size_t n)
{
    static const char T[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        char q[4] = {T[v >> 18 & 63], T[v >> 12 & 63], i + 1 < n ? T[v >> 6 & 63] : '=', i + 2 < n ? T[v & 63] : '='};
        sim_buf_add(b, q, 4);
    }
}

/* A chart: a link in the Markdown, the PNG itself in the HTML. */
static int figure_as(doc *d, const char *dir, const char *rel, const char *alt, const char *cls, sim_err *err);

static int figure(doc *d, const char *dir, const char *rel, const char *alt, sim_err *err)
{
    return figure_as(d, dir, rel, alt, NULL, err);
}

static int figure_as(doc *d, const char *dir, const char *rel, const char *alt, const char *cls, sim_err *err)
{
    char *path = sim_asprintf("%s/%s", dir, rel);
    size_t len;
    char *png = sim_read_file(path, 1 << 26, &len, err);
    free(path);
    if (!png) return -1;
    sim_buf_puts(&d->md, "![");
    esc_md(&d->md, alt);
    sim_buf_printf(&d->md, "](%s)\n", rel);
    /* the page embeds the chart at the width of half a page; a click opens
     * the file beside it at full size */
    sim_buf_printf(&d->html, "<figure%s%s%s><a href=\"", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
    esc_url(&d->html, rel);
    sim_buf_puts(&d->html, "\" title=\"full size\"><img alt=\"");
    esc_html(&d->html, alt);
    sim_buf_puts(&d->html, "\" src=\"data:image/png;base64,");
    base64(&d->html, (unsigned char *)png, len);
    sim_buf_puts(&d->html, "\"></a></figure>\n");
    free(png);
    return 0;
}

static void num(double x, char *out, size_t n, bool whole)
{
    sim_format_readable(whole ? round(x) : x, out, n);
}

static const char CSS[] =
    "<style>\n"
    "@page { size: A4; margin: 11mm 12mm; }\n"
    "body { font-family: 'DejaVu Sans', 'Noto Sans', Arial, sans-serif; font-size: 9pt; color: #222;"
    " max-width: 190mm; margin: 0 auto; line-height: 1.35; }\n"
    "h1 { font-size: 16pt; margin: 0 0 4pt; } h2 { font-size: 11.5pt; margin: 9pt 0 3pt;"
    " border-bottom: 1px solid #ccc; }\n"
    ".meta { color: #555; font-size: 9pt; }\n"
    "table { border-collapse: collapse; margin: 4pt 0; font-size: 8pt; }\n"
    "th, td { border-bottom: 1px solid #e3e3e3; padding: 1pt 5pt; text-align: left; vertical-align: top; }\n"
    "td:nth-child(n+3) { font-variant-numeric: tabular-nums; }\n"
    ".figs { display: flex; flex-wrap: wrap; justify-content: space-between; }\n"
    "figure { width: 48%; margin: 0 0 2pt; break-inside: avoid; } figure img { width: 100%; }\n"
    "ul.src { columns: 2; column-gap: 14pt; font-size: 7.5pt; padding-left: 0; list-style: none; margin: 2pt 0; }\n"
    "ul.src.three { columns: 3; font-size: 6.8pt; }\n"
    "figure.float { float: left; width: 48%; margin: 0 10pt 4pt 0; }\n"
    ".clear { clear: both; }\n"
    "ul.src li { break-inside: avoid; margin-bottom: 2pt; } ul.src .loc { color: #666; }\n"
    "pre { background: #f5f5f5; padding: 4pt 6pt; white-space: pre-wrap; font-size: 8.5pt; }\n"
    ".outside { color: #b2182b; font-weight: bold; }\n"
    "</style>\n";

static void begin(doc *d, const char *title)
{
    sim_buf_init(&d->md);
    sim_buf_init(&d->html);
    sim_buf_puts(&d->html, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>");
    esc_html(&d->html, title);
    sim_buf_puts(&d->html, "</title>\n");
    sim_buf_puts(&d->html, CSS);
    sim_buf_puts(&d->html, "</head><body>\n");
    sim_buf_puts(&d->md, "# ");
    esc_md(&d->md, title);
    sim_buf_puts(&d->md, "\n\n");
    sim_buf_puts(&d->html, "<h1 dir=\"auto\">");
    esc_html(&d->html, title);
    sim_buf_puts(&d->html, "</h1>\n");
}

/* Write dir/name whole from b through dfd, the folder held open since it
 * was read (AT_FDCWD: dir itself), by a temporary file renamed into place. */
static int write_brief(int dfd, const char *dir, const char *name, const sim_buf *b, sim_err *err)
{
    char *tmp = sim_asprintf(".%s.tmp-%ld", name, (long)getpid());
    char *shown = sim_asprintf("%s/%s", dir, name);
    char *at = dfd == AT_FDCWD ? sim_asprintf("%s/%s", dir, tmp) : sim_strdup(tmp);
    const char *to = dfd == AT_FDCWD ? shown : name;
    int rc = sim_write_file_at(dfd, at, shown, b, err);
    if (rc == 0 && renameat(dfd, at, dfd, to) != 0) rc = sim_errf(err, "%s: cannot write: %s", shown, strerror(errno));
    if (rc != 0) unlinkat(dfd, at, 0);
    free(tmp), free(shown), free(at);
    return rc;
}

/* held: the folder dir held open since it was read (sim_folder_hold), or
 * -1. The brief goes into that folder: if another run has replaced dir
 * meanwhile (run --force), the old run's brief must not land in the new
 * run's folder. */
static int finish(doc *d, const char *dir, int held, sim_err *err)
{
    sim_buf_puts(&d->html, "</body></html>\n");
    /* each file appears whole or not at all; interrupted, neither */
    int rc = sim_interrupted ? sim_errf(err, "interrupted") : 0;
    const char *names[2] = {"report.md", "report.html"};
    sim_buf *bufs[2] = {&d->md, &d->html};
    for (int i = 0; i < 2 && rc == 0; i++) rc = write_brief(held >= 0 ? held : AT_FDCWD, dir, names[i], bufs[i], err);
    if (!sim_folder_same(held, dir)) rc = sim_errf(err, SIM_FOLDER_REPLACED, dir);
    sim_buf_free(&d->md);
    sim_buf_free(&d->html);
    return rc;
}

/* The chart formats (SIM_FMT_*) a folder's charts/ holds: a brief that
 * must draw PNGs draws these too, since plot remakes charts/ whole. */
static unsigned chart_formats(const char *dir)
{
    static const struct { const char *ext; unsigned fmt; } F[] = {
        {".png", SIM_FMT_PNG}, {".svg", SIM_FMT_SVG}, {".pdf", SIM_FMT_PDF}};
    char *charts = sim_asprintf("%s/charts", dir);
    DIR *dd = opendir(charts);
    free(charts);
    if (!dd) return 0;
    unsigned fmts = 0;
    struct dirent *de;
    while ((de = readdir(dd))) {
        const size_t len = strlen(de->d_name);
        for (size_t k = 0; k < sizeof F / sizeof *F; k++)
            if (len > 4 && !strcmp(de->d_name + len - 4, F[k].ext)) fmts |= F[k].fmt;
    }
    closedir(dd);
    return fmts;
}

/* Sorted chart file names of a folder with a given prefix. */
static size_t charts_with(const char *dir, const char *prefix, char ***out)
{
    char *charts = sim_asprintf("%s/charts", dir);
    DIR *dd = opendir(charts);
    free(charts);
    size_t n = 0;
    *out = NULL;
    if (!dd) return 0;
    struct dirent *de;
    while ((de = readdir(dd))) {
        size_t l = strlen(de->d_name);
        if (!sim_starts_with(de->d_name, prefix) || l < 5 || strcmp(de->d_name + l - 4, ".png") != 0) continue;
        *out = sim_realloc(*out, (n + 1) * sizeof **out);
        (*out)[n++] = sim_strdup(de->d_name);
    }
    closedir(dd);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp((*out)[j], (*out)[j - 1]) < 0; j--) {
            char *t = (*out)[j];
            (*out)[j] = (*out)[j - 1];
            (*out)[j - 1] = t;
        }
    return n;
}

/* ------------------------------------------------------------ sections */

/* "365 days from 2026-02-22", the period a folder's scenario simulated
 * (empty when its manifest does not say). */
static void period_of(const sim_rundir *rd, char *out, size_t n)
{
    const char *sd = sim_rundir_value(rd, "time.start_date"), *hd = sim_rundir_value(rd, "time.horizon_days");
    const long h = hd ? strtol(hd, NULL, 10) : 0;
    if (sd && h > 0) snprintf(out, n, "%ld days from %.10s", h, sd);
    else snprintf(out, n, "%s", "");
}

static void meta_line(doc *d, const sim_rundir *rd)
{
    char tr[128], line[2400];
    sim_rundir_trials_text(rd, tr, sizeof tr);
    /* the simulated period, which a child scenario's inherited question may not match */
    char period[1024];
    period_of(rd, period, sizeof period);
    if (rd->periods) /* a comparison of scenarios over other days */
        snprintf(period, sizeof period, "%s (their differences also compare other periods)", rd->periods);
    snprintf(line, sizeof line, "Scenario %s, model %s: %s, seed %llu; riskmc %s%s%s%s.%s%s%s", rd->name, rd->model,
             tr, (unsigned long long)rd->seed, rd->version, *rd->commit ? " (commit " : "", rd->commit,
             *rd->commit ? ")" : "", *period ? " Simulated: " : "", period, *period ? "." : "");
    sim_buf_puts(&d->html, "<p class=\"meta\">");
    text(d, line);
    sim_buf_puts(&d->html, "</p>\n");
    sim_buf_puts(&d->md, "\n\n");
}

/* The row of uncertainty.csv for an output's statistic ("mean", or
 * "probability" of threshold thr), or -1. */
static long uncert_row(const sim_table *u, const char *output, const char *statistic, double thr)
{
    for (size_t k = 0; k < u->nrows; k++)
        if (!strcmp(sim_table_get(u, k, "output"), output) && !strcmp(sim_table_get(u, k, "statistic"), statistic) &&
            (strcmp(statistic, "probability") != 0 || sim_table_num(u, k, "threshold") == thr))
            return (long)k;
    return -1;
}

/* Whether summary.csv's row r is of a whole-number output (its least and
 * greatest values whole): its quantiles read as whole numbers. */
static bool whole_output(const sim_rundir *rd, size_t r)
{
    const double lo = sim_table_num(&rd->summary, r, "min"), hi = sim_table_num(&rd->summary, r, "max");
    return lo == floor(lo) && hi == floor(hi);
}

/* summary.csv row r's median, 5th and 95th percentile for reading (whole
 * numbers for a whole-number output) and its mean. */
static void spread_texts(const sim_rundir *rd, size_t r, char m[48], char lo[48], char hi[48], char mean[48])
{
    const bool whole = whole_output(rd, r);
    num(sim_table_num(&rd->summary, r, "p50"), m, 48, whole);
    num(sim_table_num(&rd->summary, r, "p5"), lo, 48, whole);
    num(sim_table_num(&rd->summary, r, "p95"), hi, 48, whole);
    num(sim_table_num(&rd->summary, r, "mean"), mean, 48, false);
}

/* Row r's probability of risks.csv, "1.9%"; at 0% or 100% with the count
 * ("0% (0 of 2,000 trials)"): what the trials showed, not impossible or
 * certain. A two-dimensional run's counts are pooled: the percentage alone. */
static void risk_probability(const sim_rundir *rd, size_t r, char *p, size_t n)
{
    sim_format_pct(sim_table_num(&rd->risks, r, "probability"), p, n);
    const double hits = sim_table_num(&rd->risks, r, "hits"), trials = sim_table_num(&rd->risks, r, "trials");
    if (rd->uncert.nrows || (hits != 0 && hits != trials)) return;
    char k[32], t[32];
    sim_format_thousands(hits, 0, k, sizeof k);
    sim_format_thousands(trials, 0, t, sizeof t);
    snprintf(p + strlen(p), n - strlen(p), " (%s of %s trials)", k, t);
}

/* The answer in the brief's first lines: each charted output's median, mean
 * and 90% interval, each threshold's probability, and what the spreads mean. */
static void in_short(doc *d, const sim_rundir *rd)
{
    const char **outs;
    size_t no = sim_rundir_outputs(rd, false, &outs);
    sim_buf b;
    sim_buf_init(&b);
    char tr[128], period[1024];
    sim_rundir_trials_text(rd, tr, sizeof tr);
    period_of(rd, period, sizeof period);
    if (*period) sim_buf_printf(&b, "Over %s, in %s: ", period, tr);
    else sim_buf_printf(&b, "In %s: ", tr);
    size_t said = 0;
    for (size_t i = 0; i < no; i++) {
        long r = sim_table_find(&rd->summary, "output", outs[i]);
        if (r < 0 || strchr(outs[i], '.')) continue; /* a group's parts: in Key numbers */
        char m[48], mean[48], lo[48], hi[48];
        spread_texts(rd, (size_t)r, m, lo, hi, mean);
        sim_buf_printf(&b, "%s%s, median %s (mean %s; 90%% of trials %s to %s)", said++ ? "; " : "", outs[i], m, mean,
                       lo, hi);
    }
    free(outs);
    for (size_t r = 0; r < rd->risks.nrows; r++) {
        char t[48], p[96];
        sim_format_exact(sim_table_num(&rd->risks, r, "threshold"), t, sizeof t);
        risk_probability(rd, r, p, sizeof p);
        sim_buf_printf(&b, "%sP(%s ≥ %s) %s", r ? ", " : said ? ". Risks: " : "risks ", sim_table_get(&rd->risks, r, "output"),
                       t, p);
    }
    if (!said && !rd->risks.nrows) { /* nothing charted and no threshold: nothing to say in short */
        sim_buf_free(&b);
        return;
    }
    /* what the spreads are made of: the uncertain parameters (dictionary.csv's
     * parameter rows), drawn anew in each trial, and whatever chance the model has */
    size_t unc = 0;
    for (size_t q = 0; q < rd->dict.nrows; q++) unc += !strcmp(sim_table_get(&rd->dict, q, "kind"), "parameter");
    if (!unc) sim_buf_puts(&b, ". No parameter is uncertain: the spreads are the model's own chance");
    else if (rd->uncert.nrows)
        sim_buf_printf(&b, ". The spreads include what is not known of the %zu uncertain parameters; the last columns "
                           "below show how far each mean%s moves with them alone", unc,
                       rd->risks.nrows ? " and probability" : "");
    else
        sim_buf_printf(&b, ". Each trial draws the %zu uncertain parameters anew, so the spreads include what is not "
                           "known of them (see Assumptions), besides any chance in the model%s; to see how far a mean or probability "
                           "moves with the parameters alone, run with --outer and --inner", unc,
                       rd->risks.nrows ? "; the intervals under Risks are only the simulation's precision" : "");
    sim_buf_putc(&b, '.');
    para_begin(d);
    sim_buf_puts(&d->md, "**In short.** ");
    sim_buf_puts(&d->html, "<b>In short.</b> ");
    text(d, b.s);
    para_end(d);
    sim_buf_free(&b);
}

/* A run to precision: what it aimed at and what it reached. */
static void precision_note(doc *d, const sim_rundir *rd)
{
    if (!rd->precision) return;
    char tr[64];
    sim_format_thousands((double)rd->trials, 0, tr, sizeof tr);
    sim_buf b;
    sim_buf_init(&b);
    sim_buf_printf(&b,
                   "Run to precision: the Monte Carlo standard error of every headline mean within %s of the mean "
                   "(relative) and of every threshold probability within %s (absolute: %g percentage points); %s "
                   "after %s trials.",
                   rd->precision, rd->precision, 100 * strtod(rd->precision, NULL),
                   rd->precision_reached && !strcmp(rd->precision_reached, "yes") ? "reached" : "not reached", tr);
    if (rd->least_precise && *rd->least_precise) { /* "mean of x: 0.539 +- 0.0092" */
        const char *pm = strstr(rd->least_precise, " +- ");
        if (pm)
            sim_buf_printf(&b, " The least precise: %.*s ± %s (one standard error).", (int)(pm - rd->least_precise),
                           rd->least_precise, pm + 4);
        else sim_buf_printf(&b, " The least precise: %s.", rd->least_precise);
    }
    if (rd->same_in_every_trial && *rd->same_in_every_trial && strcmp(rd->same_in_every_trial, "-"))
        sim_buf_printf(&b, " The same in every trial, so without a standard error to judge: %s (an outcome rarer "
                           "than about 1 in %s/3 may not have shown yet).", rd->same_in_every_trial, tr);
    para_begin(d);
    text(d, b.s);
    para_end(d);
    sim_buf_free(&b);
}

static void key_numbers(doc *d, const sim_rundir *rd)
{
    heading(d, 2, "Key numbers");
    /* a two-dimensional run also says how far each mean moves with the
     * uncertain parameters: the outer samples' means, 5th to 95th */
    const sim_table *u = &rd->uncert;
    const bool two = u->nrows > 0;
    const char *cols[] = {"output", "what it counts", "median", "mean", "90% interval (p5 to p95)",
                          "mean: 90% of outer samples"};
    table_begin(d, cols, two ? 6 : 5);
    const char **outs;
    size_t no = sim_rundir_outputs(rd, true, &outs);
    sim_buf groups; /* grouped outputs (infiltrated.iraq, ...) go in one line each group */
    sim_buf_init(&groups);
    const char *cur = NULL, *note = ""; /* the current group's note, said after its parts */
    size_t curlen = 0;
    for (size_t i = 0; i < no; i++) {
        long r = sim_table_find(&rd->summary, "output", outs[i]);
        if (r < 0) continue;
        char m[48], lo[48], hi[48], mean[48], iv[128];
        spread_texts(rd, (size_t)r, m, lo, hi, mean);
        const char *dot = strrchr(outs[i], '.');
        if (dot) {
            size_t gl = (size_t)(dot - outs[i]);
            if (!cur || gl != curlen || strncmp(cur, outs[i], gl) != 0) {
                char gname[256];
                snprintf(gname, sizeof gname, "%.*s", (int)gl, outs[i]);
                const char *by = "part";
                if (*note) sim_buf_printf(&groups, ". %s.", note);
                note = "";
                for (size_t q = 0; q < rd->dict.nrows; q++)
                    if (strcmp(sim_table_get(&rd->dict, q, "name"), gname) == 0 &&
                        strcmp(sim_table_get(&rd->dict, q, "kind"), "group") == 0)
                        by = sim_table_get(&rd->dict, q, "description"), note = sim_table_get(&rd->dict, q, "value");
                sim_buf_printf(&groups, "%s%s by %s, median (90%% interval): ", groups.len ? "\n" : "", gname, by);
                cur = outs[i];
                curlen = gl;
            } else {
                sim_buf_puts(&groups, "; ");
            }
            sim_buf_printf(&groups, "%s %s (%s to %s)", dot + 1, m, lo, hi);
            continue;
        }
        snprintf(iv, sizeof iv, "%s to %s", lo, hi);
        char band[160] = "";
        const long k = two ? uncert_row(u, outs[i], "mean", 0) : -1;
        if (k >= 0) {
            char a[48], b[48], c[48];
            num(sim_table_num(u, (size_t)k, "outer_p5"), a, sizeof a, false);
            num(sim_table_num(u, (size_t)k, "outer_p50"), c, sizeof c, false);
            num(sim_table_num(u, (size_t)k, "outer_p95"), b, sizeof b, false);
            snprintf(band, sizeof band, "%s to %s (median %s)", a, b, c);
        }
        const char *cells[] = {outs[i], sim_rundir_describe(rd, outs[i]), m, mean, iv, band};
        table_row(d, cells, two ? 6 : 5);
    }
    free(outs);
    table_end(d);
    if (two) {
        para_begin(d);
        text(d, "The last column: each outer sample (one draw of the uncertain parameters) has its own mean over its "
                "chance trials; 90% of those means lie in that range. It is how far the expected count moves with "
                "what is not known, where the 90% interval is the spread of single trials.");
        para_end(d);
    }
    if (*note) sim_buf_printf(&groups, ". %s.", note);
    if (groups.len) {
        char *all = sim_buf_take(&groups), *save = NULL;
        for (char *line = strtok_r(all, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            para_begin(d);
            text(d, line);
            para_end(d);
        }
        free(all);
    }
}

static void risks(doc *d, const sim_rundir *rd)
{
    if (!rd->risks.nrows) return;
    heading(d, 2, "Risks");
    const sim_table *u = &rd->uncert;
    const bool two = u->nrows > 0;
    const char *cols[] = {"risk", "probability",
                          two ? "95% interval (Monte Carlo)" : "simulation precision (95% Wilson interval)",
                          "threshold from", "90% of outer samples"};
    table_begin(d, cols, two ? 5 : 4);
    for (size_t r = 0; r < rd->risks.nrows; r++) {
        char t[48], lab[256], p[96], lo[32], hi[32], iv[80], band[160] = "";
        sim_format_exact(sim_table_num(&rd->risks, r, "threshold"), t, sizeof t);
        const char *out = sim_table_get(&rd->risks, r, "output");
        snprintf(lab, sizeof lab, "P(%s ≥ %s)", out, t);
        risk_probability(rd, r, p, sizeof p);
        sim_format_pct(sim_table_num(&rd->risks, r, "wilson_low"), lo, sizeof lo);
        sim_format_pct(sim_table_num(&rd->risks, r, "wilson_high"), hi, sizeof hi);
        snprintf(iv, sizeof iv, "%s to %s", lo, hi);
        const long k = two ? uncert_row(u, out, "probability", sim_table_num(&rd->risks, r, "threshold")) : -1;
        if (k >= 0) {
            char a[32], b[32], m[32];
            sim_format_pct(sim_table_num(u, (size_t)k, "outer_p5"), a, sizeof a);
            sim_format_pct(sim_table_num(u, (size_t)k, "outer_p50"), m, sizeof m);
            sim_format_pct(sim_table_num(u, (size_t)k, "outer_p95"), b, sizeof b);
            snprintf(band, sizeof band, "%s to %s (median %s)", a, b, m);
        }
        const char *cells[] = {lab, p, iv, sim_table_get(&rd->risks, r, "sources"), band};
        table_row(d, cells, two ? 5 : 4);
    }
    table_end(d);
    /* what a reader must know of a risk's output that is part of a group
     * (infiltrated.iraq: it includes the escapees from Iraqi custody) */
    for (size_t q = 0; q < rd->dict.nrows; q++) {
        const char *g = sim_table_get(&rd->dict, q, "name"), *note = sim_table_get(&rd->dict, q, "value");
        if (strcmp(sim_table_get(&rd->dict, q, "kind"), "group") || !*note) continue;
        sim_buf outs;
        sim_buf_init(&outs);
        for (size_t r = 0; r < rd->risks.nrows; r++) {
            /* the parts the note speaks of: it begins with the part's name */
            const char *out = sim_table_get(&rd->risks, r, "output");
            if (!sim_starts_with(out, g) || out[strlen(g)] != '.') continue;
            const char *part = out + strlen(g) + 1;
            if (sim_starts_with(note, part) && note[strlen(part)] == ' ' && !strstr(outs.s ? outs.s : "", out))
                sim_buf_printf(&outs, "%s%s", outs.len ? ", " : "", out);
        }
        if (outs.len) {
            char *line = sim_asprintf("Note: in %s, %s.", outs.s, note);
            para_begin(d);
            text(d, line);
            para_end(d);
            free(line);
        }
        sim_buf_free(&outs);
    }
    if (two) {
        para_begin(d);
        text(d, "Two-dimensional run: the uncertain parameters were drawn once per outer sample and each sample was "
                "run for many chance trials. The probability is over all trials; its interval is the Monte Carlo "
                "error (from the spread between outer samples); the last column is how much the probability itself "
                "moves with the uncertain parameters: 90% of the outer samples' probabilities lie in that range.");
        para_end(d);
    }
}

static bool exists(const char *dir, const char *rel)
{
    char *p = sim_asprintf("%s/%s", dir, rel);
    bool ok = access(p, R_OK) == 0;
    free(p);
    return ok;
}

/* The histograms of the charted outputs in the model's order, then the
 * bars of grouped outputs, two to a row; an odd last chart floats so that
 * the text after it fills the other half of the row. The fan charts stay in
 * charts/: with them the brief would not fit two pages. */
static int charts(doc *d, const sim_rundir *rd, sim_err *err)
{
    heading(d, 2, "Charts");
    char **rels = NULL, **alts = NULL;
    size_t n = 0;
    const char **outs;
    size_t no = sim_rundir_outputs(rd, false, &outs);
    for (size_t i = 0; i <= no + rd->dict.nrows; i++) {
        char rel[600];
        const char *alt;
        if (i < no) {
            snprintf(rel, sizeof rel, "charts/histogram-%s.png", outs[i]);
            alt = outs[i];
        } else if (i - no < rd->dict.nrows && strcmp(sim_table_get(&rd->dict, i - no, "kind"), "group") == 0) {
            alt = sim_table_get(&rd->dict, i - no, "name");
            snprintf(rel, sizeof rel, "charts/bars-%s.png", alt);
        } else {
            continue;
        }
        if (!exists(rd->dir, rel)) continue;
        rels = sim_realloc(rels, (n + 1) * sizeof *rels);
        alts = sim_realloc(alts, (n + 1) * sizeof *alts);
        rels[n] = sim_strdup(rel);
        alts[n++] = sim_strdup(alt);
    }
    for (size_t i = 0; i < no; i++) {
        char rel[600];
        snprintf(rel, sizeof rel, "charts/exceedance-band-%s.png", outs[i]);
        if (!exists(rd->dir, rel)) continue;
        rels = sim_realloc(rels, (n + 1) * sizeof *rels);
        alts = sim_realloc(alts, (n + 1) * sizeof *alts);
        rels[n] = sim_strdup(rel);
        alts[n++] = sim_asprintf("uncertainty band of P(%s ≥ x)", outs[i]);
    }
    free(outs);
    int rc = 0;
    sim_buf_puts(&d->html, "<div class=\"figs\">\n");
    size_t paired = n % 2 ? n - 1 : n;
    for (size_t i = 0; i < paired && rc == 0; i++) rc = figure(d, rd->dir, rels[i], alts[i], err);
    sim_buf_puts(&d->html, "</div>\n");
    if (n % 2 && rc == 0) rc = figure_as(d, rd->dir, rels[n - 1], alts[n - 1], "float", err);
    for (size_t i = 0; i < n; i++) free(rels[i]), free(alts[i]);
    free(rels);
    free(alts);
    return rc;
}

static void observations(doc *d, const sim_rundir *rd)
{
    if (!rd->obs.nrows) return;
    heading(d, 2, "Observation checks: where reported figures fall in the model's distribution");
    const char *cols[] = {"observation", "observed", "percentile in the model", "model 90% interval", "verdict",
                          "sources"};
    table_begin(d, cols, 6);
    for (size_t r = 0; r < rd->obs.nrows; r++) {
        const sim_table *t = &rd->obs;
        char lo[48], hi[48], obs[160], pl[32], ph[32], pctl[80], m5[48], m95[48], iv[120], what[300];
        num(sim_table_num(t, r, "observed_low"), lo, sizeof lo, false);
        num(sim_table_num(t, r, "observed_high"), hi, sizeof hi, false);
        double a = sim_table_num(t, r, "percentile_low"), b = sim_table_num(t, r, "percentile_high");
        if (isnan(a)) snprintf(pl, sizeof pl, "-");
        else snprintf(pl, sizeof pl, "%.1f", a);
        if (isnan(b)) snprintf(ph, sizeof ph, "-");
        else snprintf(ph, sizeof ph, "%.1f", b);
        if (strcmp(lo, hi) == 0) snprintf(obs, sizeof obs, "%s", lo), snprintf(pctl, sizeof pctl, "%s", pl);
        else snprintf(obs, sizeof obs, "%s to %s", lo, hi), snprintf(pctl, sizeof pctl, "%s to %s", pl, ph);
        num(sim_table_num(t, r, "model_p5"), m5, sizeof m5, false);
        num(sim_table_num(t, r, "model_p95"), m95, sizeof m95, false);
        snprintf(iv, sizeof iv, "%s to %s", m5, m95);
        const char *date = sim_table_get(t, r, "date");
        snprintf(what, sizeof what, "%s%s%s (%s)", sim_table_get(t, r, "name"), *date ? " on " : "", date,
                 sim_table_get(t, r, "observation"));
        const char *cells[] = {what, obs, pctl, iv, sim_table_get(t, r, "verdict"), sim_table_get(t, r, "sources")};
        table_row(d, cells, 6);
    }
    table_end(d);
}

/* The source ids of a citation list of n bytes ("S1, assumption"), without
 * the word assumption, into ids. */
static void informing_ids(const char *list, size_t n, char *ids, size_t ni)
{
    char *copy = sim_strndup(list, n);
    size_t k = 0;
    char *save = NULL;
    ids[0] = '\0';
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        t = sim_trim(t);
        if (strcmp(t, "assumption") == 0 || !*t) continue;
        k += (size_t)snprintf(ids + k, k < ni ? ni - k : 0, "%s%s", k ? ", " : "", t);
    }
    free(copy);
}

/* "uniform(0, 0.1) [S0, assumption]" -> value, and the ids other than assumption */
static void split_value(const char *v, char *val, size_t nv, char *ids, size_t ni)
{
    const char *open = strrchr(v, '[');
    size_t len = open ? (size_t)(open - v) : strlen(v);
    while (len > 0 && v[len - 1] == ' ') len--;
    snprintf(val, nv, "%.*s", (int)len, v);
    ids[0] = '\0';
    if (open) informing_ids(open + 1, strcspn(open + 1, "]"), ids, ni);
}

/* Whether name is in a comma-separated list. */
static bool listed(const char *list, const char *name)
{
    const size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        while (*p == ' ' || *p == ',') p++;
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && p[len - 1] == ' ') len--;
        if (len == n && !strncmp(p, name, n)) return true;
        p = e ? e + 1 : NULL;
    }
    return false;
}

/* The uncertain parameters backed by sources (those resting on assumptions
 * have their own table): each law, drawn anew in every trial, and its sources. */
static void sourced_inputs(doc *d, const sim_rundir *rd)
{
    size_t n = 0;
    for (size_t q = 0; q < rd->dict.nrows; q++) {
        const char *nm = sim_table_get(&rd->dict, q, "name");
        if (strcmp(sim_table_get(&rd->dict, q, "kind"), "parameter") || listed(rd->assumptions, nm) ||
            listed(rd->uncited, nm))
            continue;
        if (!n++) {
            heading(d, 2, "Uncertain inputs from sources");
            para_begin(d);
            text(d, rd->uncert.nrows ? "Drawn once per outer sample from these laws, which published figures fix."
                                     : "Drawn anew in each trial from these laws, which published figures fix.");
            para_end(d);
            const char *cols[] = {"parameter", "what it is", "law", "sources"};
            table_begin(d, cols, 4);
        }
        const char *cells[] = {nm, sim_table_get(&rd->dict, q, "description"), sim_table_get(&rd->dict, q, "value"),
                               sim_table_get(&rd->dict, q, "sources")};
        table_row(d, cells, 4);
    }
    if (n) table_end(d);
}

static void assumptions(doc *d, const sim_rundir *rd)
{
    heading(d, 2, "Assumptions");
    if (!*rd->assumptions && !*rd->uncited) {
        para_begin(d);
        text(d, "Every parameter cites a published figure.");
        para_end(d);
        return;
    }
    para_begin(d);
    if (*rd->assumptions)
        text(d, "These parameters rest on analyst judgement: no published figure fixes them (the sources named only "
                "inform them).");
    if (*rd->uncited) {
        text(d, *rd->assumptions ? " " : "");
        text(d, "Those marked \"nothing cited\" cite neither a source nor the word assumption (a value given with "
                "--set or written without one): treat them as assumptions until a source is named.");
    }
    para_end(d);
    /* Markdown: a table; HTML: a compact two-column list */
    sim_buf html = d->html;
    sim_buf_init(&d->html);
    sim_buf list;
    sim_buf_init(&list);
    sim_buf_puts(&list, "<ul class=\"src\">\n");
    const char *cols[] = {"parameter", "what it is", "value", "informed by"};
    table_begin(d, cols, 4);
    /* the assumptions, then the values citing nothing */
    for (int uncited = 0; uncited < 2; uncited++) {
        char *names = sim_strdup(uncited ? rd->uncited : rd->assumptions), *save = NULL;
        for (char *t = strtok_r(names, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            t = sim_trim(t);
            const char *v = sim_rundir_value(rd, t);
            /* the dictionary says what each is */
            const char *what = sim_rundir_describe(rd, t);
            char val[1024], ids[512];
            split_value(v ? v : "", val, sizeof val, ids, sizeof ids);
            /* a comparison's or a sweep's dictionary has each scenario's value
             * (or the grid's), where the resolved scenario is only the first's */
            const long dr = *rd->kind && strcmp(rd->kind, "run") ? sim_table_find(&rd->dict, "name", t) : -1;
            if (dr >= 0 && *sim_table_get(&rd->dict, (size_t)dr, "value")) {
                snprintf(val, sizeof val, "%s", sim_table_get(&rd->dict, (size_t)dr, "value"));
                /* one list for every scenario: its informing ids, as a run's;
                 * each scenario's ("a: F08; b: F09, assumption"), as written,
                 * which says where the value is an assumption */
                const char *src = sim_table_get(&rd->dict, (size_t)dr, "sources");
                if (strchr(src, ':')) snprintf(ids, sizeof ids, "%s", src);
                else informing_ids(src, strlen(src), ids, sizeof ids);
            }
            if (uncited) snprintf(ids, sizeof ids, "nothing cited");
            const char *cells[] = {t, what, val, ids};
            table_row(d, cells, 4);
            sim_buf_puts(&list, "<li><b>");
            esc_html(&list, t);
            sim_buf_puts(&list, "</b>");
            if (*what) {
                sim_buf_puts(&list, " (");
                esc_html(&list, what);
                sim_buf_puts(&list, ")");
            }
            sim_buf_puts(&list, " = ");
            esc_html(&list, val);
            if (*ids) {
                sim_buf_puts(&list, " <span class=\"loc\">(informed by ");
                esc_html(&list, ids);
                sim_buf_puts(&list, ")</span>");
            }
            sim_buf_puts(&list, "</li>\n");
        }
        free(names);
    }
    table_end(d);
    sim_buf_puts(&list, "</ul>\n");
    sim_buf_free(&d->html);
    d->html = html;
    sim_buf_add(&d->html, list.s, list.len);
    sim_buf_free(&list);
}

/* Row `row`'s locator for a reader: a seed article's file named by its
 * source id ("docs/seeds/000_x.txt para 4" -> "S0 para 4"), except in the
 * article's own row. */
static char *reader_locator(const sim_rundir *rd, size_t row)
{
    const sim_table *t = &rd->sources;
    const char *loc = sim_table_get(t, row, "locator");
    if (!strcmp(sim_table_get(t, row, "kind"), "seed-article")) return sim_strdup(loc); /* the article itself */
    sim_buf b;
    sim_buf_init(&b);
    for (const char *p = loc; *p;) {
        bool hit = false;
        for (size_t r = 0; r < t->nrows && !hit; r++) {
            const char *path = sim_table_get(t, r, "locator");
            if (!strcmp(sim_table_get(t, r, "kind"), "seed-article") && *path && sim_starts_with(p, path)) {
                sim_buf_puts(&b, sim_table_get(t, r, "id"));
                p += strlen(path);
                hit = true;
            }
        }
        if (!hit) sim_buf_putc(&b, *p++);
    }
    return b.s ? sim_buf_take(&b) : sim_strdup("");
}

/* Whole numbers of four digits or more with thousands separators
 * ("~117000000" -> "~117,000,000"; decimals and ids left alone). */
static char *grouped(const char *v)
{
    sim_buf b;
    sim_buf_init(&b);
    for (const char *p = v; *p;) {
        size_t k = 0;
        while (isdigit((unsigned char)p[k])) k++;
        const bool lone = k >= 4 && (p == v || (p[-1] != '.' && !isalpha((unsigned char)p[-1]))) && p[k] != '.';
        if (!k) {
            sim_buf_putc(&b, *p++);
            continue;
        }
        char digits[64], g[96];
        if (lone && k < sizeof digits) {
            snprintf(digits, sizeof digits, "%.*s", (int)k, p);
            sim_group_thousands(digits, g, sizeof g);
            sim_buf_puts(&b, g);
        } else {
            sim_buf_add(&b, p, k);
        }
        p += k;
    }
    return b.s ? sim_buf_take(&b) : sim_strdup("");
}

static void sources(doc *d, const sim_rundir *rd)
{
    if (!rd->sources.nrows) return;
    sim_buf_puts(&d->html, "<div class=\"clear\"></div>\n");
    heading(d, 2, "Sources cited");
    const sim_table *t = &rd->sources;
    /* Markdown: a table; HTML: a compact two-column list that prints small */
    sim_buf html = d->html;
    sim_buf_init(&d->html);
    const char *cols[] = {"id", "what", "value", "outlet, date", "where"};
    table_begin(d, cols, 5);
    for (size_t r = 0; r < t->nrows; r++) {
        char od[512];
        snprintf(od, sizeof od, "%s, %s", sim_table_get(t, r, "outlet"), sim_table_get(t, r, "date"));
        char *val = grouped(sim_table_get(t, r, "value")), *loc = reader_locator(rd, r);
        const char *cells[] = {sim_table_get(t, r, "id"), sim_table_get(t, r, "quantity"), val, od, loc};
        table_row(d, cells, 5);
        free(val), free(loc);
    }
    table_end(d);
    sim_buf_free(&d->html);
    d->html = html;
    sim_buf_puts(&d->html, "<ul class=\"src three\">\n");
    for (size_t r = 0; r < t->nrows; r++) {
        sim_buf_puts(&d->html, "<li><b>");
        esc_html(&d->html, sim_table_get(t, r, "id"));
        sim_buf_puts(&d->html, "</b> ");
        esc_html(&d->html, sim_table_get(t, r, "quantity"));
        char *v = grouped(sim_table_get(t, r, "value"));
        if (*v) {
            sim_buf_puts(&d->html, ": <b>");
            esc_html(&d->html, v);
            sim_buf_puts(&d->html, "</b>");
        }
        free(v);
        if (strcmp(sim_table_get(t, r, "kind"), "figure") == 0) {
            /* a figure's outlet is the ids of its sources, listed with them */
            sim_buf_puts(&d->html, " (");
            esc_html(&d->html, sim_table_get(t, r, "outlet"));
            sim_buf_puts(&d->html, ") <span class=\"loc\">");
        } else {
            sim_buf_puts(&d->html, ". ");
            esc_html(&d->html, sim_table_get(t, r, "outlet"));
            sim_buf_puts(&d->html, ", ");
            esc_html(&d->html, sim_table_get(t, r, "date"));
            sim_buf_puts(&d->html, ". <span class=\"loc\">");
        }
        /* print short: "docs/seeds/000_x.txt para 4" as "S0 ¶4" */
        char *loc = reader_locator(rd, r);
        sim_buf l;
        sim_buf_init(&l);
        for (const char *p = loc; *p;) {
            if (sim_starts_with(p, "para ")) sim_buf_puts(&l, "¶"), p += 5;
            else sim_buf_putc(&l, *p++);
        }
        esc_html(&d->html, l.s ? l.s : "");
        sim_buf_free(&l);
        free(loc);
        sim_buf_puts(&d->html, "</span></li>\n");
    }
    sim_buf_puts(&d->html, "</ul>\n");
}

static void reproduce(doc *d, const sim_rundir *const *rds, size_t n)
{
    heading(d, 2, "Reproduce");
    para_begin(d);
    text(d, "From a clone of the riskmc repository at the commit named above, after make:");
    para_end(d);
    sim_buf cmds;
    sim_buf_init(&cmds);
    for (size_t i = 0; i < n; i++) sim_buf_printf(&cmds, "%s%s", i ? "\n    " : "", rds[i]->command);
    code(d, cmds.s);
    sim_buf_free(&cmds);
    para_begin(d);
    text(d, "The same command, seed and trial count give the same numbers on any machine and thread count.");
    para_end(d);
}

/* ------------------------------------------------------------ one folder */

/* The columns a design brief shows, per kind. */
static const char *const *design_columns(const char *kind)
{
    static const char *const TORNADO[] = {"rank", "parameter", "at_p5", "at_p95", "swing", "swing_se", NULL};
    static const char *const SOBOL[] = {"parameter", "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high", NULL};
    static const char *const MORRIS[] = {"rank", "parameter", "mu_star", "mu_star_se", "sigma", NULL};
    static const char *const SPIDER[] = {"parameter", "percentile", "value", "result", "se", NULL};
    static const char *const COMPARE[] = {"scenario", "output", "statistic", "value", "difference", "low95",
                                          "high95", NULL};
    if (!strcmp(kind, "tornado")) return TORNADO;
    if (!strcmp(kind, "sobol")) return SOBOL;
    if (!strcmp(kind, "morris")) return MORRIS;
    if (!strcmp(kind, "spider")) return SPIDER;
    if (!strcmp(kind, "compare")) return COMPARE;
    return NULL;
}

/* A table of the given rows of a design file, in the columns cols
 * (NULL-ended; NULL: the first eight): numbers for reading (swept keys'
 * values as given, probabilities in percent, others as
 * sim_format_readable shows them), a parameter resting on an assumption
 * starred. */
static void design_rows(doc *d, const sim_table *t, const char *const *cols, const size_t *rows, size_t n)
{
    size_t nc = 0;
    const char *hdr[16];
    for (; cols && cols[nc] && nc < 16; nc++) hdr[nc] = cols[nc];
    if (!cols) {
        nc = t->ncols < 8 ? t->ncols : 8;
        for (size_t c = 0; c < nc; c++) hdr[c] = t->header[c];
    }
    /* a row whose statistic is a probability: its levels in percent, its
     * changes and errors in percentage points */
    static const char *const LEVEL[] = {"value", "base", "at_p5", "at_p95", "result", NULL};
    static const char *const CHANGE[] = {"difference", "low95", "high95", "swing", "swing_se", "se",
                                         "mu_star",    "mu_star_se", "mu", "sigma", NULL};
    table_begin(d, hdr, nc);
    for (size_t k = 0; k < n; k++) {
        const size_t r = rows[k];
        const bool prob = sim_table_col(t, "statistic") >= 0 && !strncmp(sim_table_get(t, r, "statistic"), "P(", 2);
        const char *cells[16];
        char buf[16][200];
        for (size_t c = 0; c < nc; c++) {
            const char *v = sim_table_get(t, r, hdr[c]);
            char *end;
            double x = strtod(v, &end);
            cells[c] = v;
            bool level = false, change = false;
            for (size_t q = 0; prob && LEVEL[q]; q++) level |= !strcmp(hdr[c], LEVEL[q]);
            if (!strcmp(hdr[c], "value") && sim_table_col(t, "first_value") < 0) level = false; /* a parameter's */
            for (size_t q = 0; prob && CHANGE[q]; q++) change |= !strcmp(hdr[c], CHANGE[q]);
            if (*v && !*end) {
                /* a swept key's value as given; a probability in percent */
                if (strchr(hdr[c], '.') && !strchr(hdr[c], '(')) sim_format_exact(x, buf[c], sizeof buf[c]);
                else if (!strncmp(hdr[c], "P(", 2) || level) sim_format_pct(x, buf[c], sizeof buf[c]);
                else if (change) {
                    char pts[64];
                    sim_format_readable(100 * x, pts, sizeof pts);
                    snprintf(buf[c], sizeof buf[c], "%s pts", pts);
                } else sim_format_readable(x, buf[c], sizeof buf[c]);
                /* a difference says its direction, as the console does (+24, -3.26) */
                if (!strcmp(hdr[c], "difference") && x > 0) {
                    char plain[sizeof buf[c]];
                    memcpy(plain, buf[c], sizeof plain);
                    snprintf(buf[c], sizeof buf[c], "+%.198s", plain);
                }
                cells[c] = buf[c];
            } else if (!strcmp(hdr[c], "parameter") && !strcmp(sim_table_get(t, r, "assumption"), "yes")) {
                snprintf(buf[c], sizeof buf[c], "%s *", v);
                cells[c] = buf[c];
            }
        }
        table_row(d, cells, nc);
    }
    table_end(d);
}

/* A spider design as a reader wants it: one row per parameter, the result
 * at each percentile across, ranked by how far the parameter moves it (its
 * range), the 12 that move it most. */
static void spider_table(doc *d, const sim_table *t)
{
    /* each parameter's rows run together: k is its first row, key its range */
    sim_rank *ps = sim_calloc(t->nrows + 1, sizeof *ps);
    size_t np = 0, w = 0; /* parameters; rows (percentiles) of the first */
    double lo = 0, hi = 0; /* the current parameter's results */
    for (size_t r = 0; r < t->nrows; r++) {
        const char *pm = sim_table_get(t, r, "parameter");
        const double x = sim_table_num(t, r, "result");
        if (!np || strcmp(sim_table_get(t, ps[np - 1].k, "parameter"), pm)) ps[np++] = (sim_rank){r, 0}, lo = hi = x;
        w += np == 1;
        lo = fmin(lo, x), hi = fmax(hi, x);
        ps[np - 1].key = hi - lo;
    }
    qsort(ps, np, sizeof *ps, sim_rank_desc);
    const size_t shown = np < 12 ? np : 12;
    const bool prob = t->nrows && !strncmp(sim_table_get(t, 0, "statistic"), "P(", 2);
    const char *hdr[16];
    char hb[16][48];
    size_t nc = 0;
    hdr[nc++] = "parameter";
    for (size_t k = 0; k < w && nc < 14; k++) {
        snprintf(hb[nc], sizeof hb[nc], "at p%s", sim_table_get(t, ps[0].k + k, "percentile"));
        hdr[nc] = hb[nc];
        nc++;
    }
    hdr[nc++] = "range";
    table_begin(d, hdr, nc);
    bool starred = false; /* a parameter shown rests on an assumption: the key says what * means */
    for (size_t i = 0; i < shown; i++) {
        const sim_rank *p = &ps[i];
        const char *cells[16];
        char buf[16][200];
        size_t c = 0;
        const bool star = !strcmp(sim_table_get(t, p->k, "assumption"), "yes");
        starred |= star;
        snprintf(buf[c], sizeof buf[c], "%s%s", sim_table_get(t, p->k, "parameter"), star ? " *" : "");
        cells[c] = buf[c], c++;
        for (size_t k = 0; k + 1 < nc - 1; k++, c++) {
            const double x = sim_table_num(t, p->k + k, "result"); /* every parameter has the w percentiles */
            if (prob) sim_format_pct(x, buf[c], sizeof buf[c]);
            else sim_format_readable(x, buf[c], sizeof buf[c]);
            cells[c] = buf[c];
        }
        if (prob) {
            char pts[64];
            sim_format_readable(100 * p->key, pts, sizeof pts);
            snprintf(buf[c], sizeof buf[c], "%s pts", pts);
        } else sim_format_readable(p->key, buf[c], sizeof buf[c]);
        cells[c] = buf[c], c++;
        table_row(d, cells, nc);
    }
    table_end(d);
    if (np > shown || starred) {
        char more[200], which[120] = "";
        if (np > shown)
            snprintf(which, sizeof which, "the %zu of %zu parameters that move it most; the full table is spider.csv",
                     shown, np);
        snprintf(more, sizeof more, "(%s%s%s)", which, np > shown && starred ? "; " : "",
                 starred ? "* rests on an assumption" : "");
        para_begin(d);
        text(d, more);
        para_end(d);
    }
    if (w > nc - 2) { /* more percentiles than columns: the range is over all of them */
        char more[200];
        snprintf(more, sizeof more, "(the first %zu of %zu percentiles; the range is over all %zu; the full table "
                                    "is spider.csv)", nc - 2, w, w);
        para_begin(d);
        text(d, more);
        para_end(d);
    }
    free(ps);
}

/* Rows r0 .. r1-1 as design_rows shows them. */
static void design_table(doc *d, const sim_table *t, const char *const *cols, size_t r0, size_t r1)
{
    size_t *rows = sim_calloc(r1 - r0 + 1, sizeof *rows);
    for (size_t r = r0; r < r1; r++) rows[r - r0] = r;
    design_rows(d, t, cols, rows, r1 - r0);
    free(rows);
}

/* The question a sweep or sensitivity analysis asks of its scenario, or
 * NULL. */
static char *design_asks(const sim_rundir *rd)
{
    const sim_table *t = &rd->design;
    if (!strcmp(rd->kind, "sweep")) {
        sim_buf keys;
        sim_buf_init(&keys);
        for (size_t c = 1; c < t->ncols && strcmp(t->header[c], "trials"); c++)
            sim_buf_printf(&keys, "%s%s", keys.len ? " and " : "", t->header[c]);
        bool thr = false;
        for (size_t c = 0; c < t->ncols && !thr; c++) thr = !strncmp(t->header[c], "P(", 2);
        char *s = sim_asprintf("How each output's mean%s change%s as %s %s over the grid, every point on the same "
                               "trials (common random numbers).",
                               thr ? " and each threshold's probability" : "", thr ? "" : "s",
                               keys.s ? keys.s : "the swept key", strstr(keys.s ? keys.s : "", " and ") ? "go" : "goes");
        sim_buf_free(&keys);
        return s;
    }
    char stat[256];
    sim_stat_readable(t->nrows ? sim_table_get(t, 0, "statistic") : "", stat, sizeof stat);
    if (!*stat) return NULL;
    if (!strcmp(rd->kind, "tornado"))
        return sim_asprintf("Which uncertain parameter, moved alone from its 5th to its 95th percentile with the "
                            "others at their medians, moves %s most.", stat);
    if (!strcmp(rd->kind, "spider"))
        return sim_asprintf("How %s moves as each uncertain parameter alone goes through the percentiles of its law, "
                            "the others at their medians.", stat);
    if (!strcmp(rd->kind, "morris"))
        return sim_asprintf("Which uncertain parameters matter for %s, screened by their elementary effects over the "
                            "whole space of the others (Morris): mu* for how much, sigma for interactions and "
                            "curvature.", stat);
    if (!strcmp(rd->kind, "sobol")) { /* the variance of y (not of mean(y)), or of whether y reaches a threshold */
        const bool mean = !strncmp(stat, "mean(", 5), prob = !strncmp(stat, "P(", 2),
                   more = strcmp(sim_table_get(t, t->nrows - 1, "statistic"), sim_table_get(t, 0, "statistic")) != 0;
        const int skip = mean ? 5 : prob ? 2 : 0, len = (int)strlen(stat) - (mean || prob ? skip + 1 : 0);
        return sim_asprintf("How much of the trial-to-trial variance of %s%.*s%s each uncertain parameter explains, "
                            "alone (S1) and with its interactions (ST), and how much is the model's own chance.",
                            prob ? "whether a trial has " : "", len, stat + skip,
                            mean && more ? " and of whether it reaches its thresholds" : "");
    }
    return NULL;
}

/* The brief of a sweep, comparison or sensitivity analysis. */
static int report_design(const char *dir, int held, sim_rundir *rd, sim_err *err)
{
    doc d;
    if (rd->scenarios) {
        /* a comparison is not its first scenario: its title and question
         * would mislead; that scenario is the reference of the differences */
        char *title = sim_asprintf("Scenario comparison: %s", rd->scenarios);
        begin(&d, title);
        free(title);
        char *ref = sim_asprintf("Every difference is from the first scenario, %s: %s", rd->name, rd->title);
        para_begin(&d);
        text(&d, ref);
        para_end(&d);
        free(ref);
        /* what each other scenario asks, from its file */
        if (rd->scenarios && rd->nquestions > 1) {
            char *names = sim_strdup(rd->scenarios), *save = NULL;
            size_t k = 0;
            for (char *nm = strtok_r(names, ",", &save); nm; nm = strtok_r(NULL, ",", &save), k++) {
                if (k == 0 || k >= rd->nquestions || !rd->questions[k] ||
                    (rd->questions[0] && !strcmp(rd->questions[k], rd->questions[0])))
                    continue;
                char *q = sim_asprintf("%s: %s", sim_trim(nm), rd->questions[k]);
                para_begin(&d);
                text(&d, q);
                para_end(&d);
                free(q);
            }
            free(names);
        }
    } else {
        begin(&d, rd->title);
        if (*rd->question) {
            para_begin(&d);
            sim_buf_puts(&d.md, "**The scenario's question.** ");
            sim_buf_puts(&d.html, "<b>The scenario's question.</b> ");
            text(&d, rd->question);
            para_end(&d);
        }
        /* what this analysis of the scenario asks */
        char *asks = design_asks(rd);
        if (asks) {
            para_begin(&d);
            sim_buf_puts(&d.md, "**This analysis.** ");
            sim_buf_puts(&d.html, "<b>This analysis.</b> ");
            text(&d, asks);
            para_end(&d);
            free(asks);
        }
    }
    meta_line(&d, rd);
    sim_buf_puts(&d.md, "Reproduce: ");
    sim_buf_printf(&d.md, "`%s`\n\n", rd->command);
    sim_buf_puts(&d.html, "<p class=\"meta\">Reproduce: <code>");
    esc_html(&d.html, rd->command);
    sim_buf_puts(&d.html, "</code></p>\n");
    /* the sensitivity designs treat the parameters as independent */
    const bool sens = !strcmp(rd->kind, "tornado") || !strcmp(rd->kind, "spider") || !strcmp(rd->kind, "morris") ||
                      !strcmp(rd->kind, "sobol");
    bool correlated = false;
    for (size_t i = 0; i < rd->nresolved; i++) correlated |= !strcmp(rd->resolved[i].section, "correlation");
    if (sens && correlated) {
        para_begin(&d);
        text(&d, "The scenario's [correlation] was not applied: this design treats the parameters as independent "
                 "(run, sweep and compare apply it). The correlations listed below under Assumptions are the "
                 "scenario's, not this design's.");
        para_end(&d);
    }
    /* ... and draw the parameters marked chance in every trial */
    for (size_t i = 0; i < rd->nresolved; i++)
        if (sens && !strcmp(rd->resolved[i].section, "uncertainty") && !strcmp(rd->resolved[i].key, "chance")) {
            char line[1024];
            snprintf(line, sizeof line,
                     "The parameters the scenario marks as chance ([uncertainty] chance = %s) are drawn afresh in "
                     "every trial, as part of chance, and are not studied as parameters.",
                     rd->resolved[i].value);
            para_begin(&d);
            text(&d, line);
            para_end(&d);
        }
    const sim_table *t = &rd->design;
    const char *const *cols = design_columns(rd->kind);
    int rc = 0;
    if (!strcmp(rd->kind, "sobol") && rd->points && strstr(rd->points, "random")) {
        para_begin(&d);
        text(&d, "The base sample is independent random rows drawn from the seed: more than 20 uncertain "
                 "parameters need more than the 40 dimensions of GSL's Sobol sequence. Random rows converge more "
                 "slowly than Sobol's points, without bias, and the intervals allow for them.");
        para_end(&d);
    }
    if (!strcmp(rd->kind, "sobol")) {
        /* per statistic: the sentence on assumptions, the top of the table */
        for (size_t r0 = 0; r0 < t->nrows;) {
            const char *stat = sim_table_get(t, r0, "statistic");
            size_t r1 = r0;
            while (r1 < t->nrows && !strcmp(sim_table_get(t, r1, "statistic"), stat)) r1++;
            char h[256];
            snprintf(h, sizeof h, "Sobol indices of %s", stat);
            heading(&d, 2, h);
            if (sim_sobol_rows_empty(t, r0, r1)) {
                char line[512];
                sim_sobol_no_index(stat, line, sizeof line);
                para_begin(&d);
                text(&d, line);
                para_end(&d);
                r0 = r1;
                continue;
            }
            /* the groups' indices: the sentence the console states too */
            static const char *const A[6] = {"S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"};
            double ga[6] = {NAN, NAN, NAN, NAN, NAN, NAN}, gs1 = NAN, gst = NAN, ch[3] = {NAN, NAN, NAN};
            for (size_t r = r0; r < r1; r++) {
                if (!strcmp(sim_table_get(t, r, "kind"), "chance"))
                    for (int k = 0; k < 3; k++) ch[k] = sim_table_num(t, r, A[3 + k]);
                if (strcmp(sim_table_get(t, r, "kind"), "group")) continue;
                if (!strcmp(sim_table_get(t, r, "assumption"), "yes"))
                    for (int k = 0; k < 6; k++) ga[k] = sim_table_num(t, r, A[k]);
                else
                    gs1 = sim_table_num(t, r, "S1"), gst = sim_table_num(t, r, "ST");
            }
            if (!isnan(ga[3])) {
                char line[2048];
                sim_buf within; /* the laws drawn within a trial: dictionary.csv's per_event rows */
                sim_buf_init(&within);
                for (size_t q = 0; q < rd->dict.nrows; q++)
                    if (!strcmp(sim_table_get(&rd->dict, q, "kind"), "per_event"))
                        sim_buf_printf(&within, "%s%s", within.len ? ", " : "", sim_table_get(&rd->dict, q, "name"));
                sim_sobol_sentence(stat, ga, gs1, gst, ch, within.s, line, sizeof line);
                sim_buf_free(&within);
                para_begin(&d);
                text(&d, line);
                para_end(&d);
            }
            /* the 12 parameters of largest total effect, then the groups */
            size_t *rows = sim_calloc(r1 - r0 + 1, sizeof *rows), n = 0, params = 0, shown = 0;
            for (size_t r = r0; r < r1; r++) {
                const bool group = strcmp(sim_table_get(t, r, "kind"), "parameter") != 0; /* groups, chance */
                params += !group;
                if (group || shown < 12) rows[n++] = r, shown += !group;
            }
            design_rows(&d, t, cols, rows, n);
            free(rows);
            if (params > shown) {
                char more[160];
                snprintf(more, sizeof more, "(%zu of %zu parameters, those of largest total effect; the full table is "
                                            "sobol.csv; * rests on an assumption)", shown, params);
                para_begin(&d);
                text(&d, more);
                para_end(&d);
            }
            r0 = r1;
        }
    } else if (!strcmp(rd->kind, "compare") && t->nrows) {
        /* the first scenario's rows differ from it by nothing */
        heading(&d, 2, "Differences from the first scenario");
        const char *first = sim_table_get(t, 0, "scenario");
        char line[400];
        snprintf(line, sizeof line,
                 "Each row: a statistic of another scenario (value), and its paired difference from %s over the "
                 "same trials, with a 95%% interval, for the headline outputs' means and every threshold's "
                 "probability (compare.csv has every output).",
                 first);
        para_begin(&d);
        text(&d, line);
        if (rd->left_out) { /* outputs and thresholds without a pair: the brief says so, as compare did */
            char *lost = sim_asprintf(" Left out, as only the first scenario's outputs and thresholds are paired, "
                                      "where the other scenario has the output: %s.",
                                      rd->left_out);
            text(&d, lost);
            free(lost);
        }
        para_end(&d);
        const char **heads;
        const size_t nh = sim_rundir_outputs(rd, true, &heads);
        size_t *rows = sim_calloc(t->nrows + 1, sizeof *rows), nr = 0;
        for (size_t r = sim_compare_block(t); r < t->nrows; r++) {
            /* the headline outputs but a group's parts (infiltrated.iraq ...), and every probability */
            bool keep = strncmp(sim_table_get(t, r, "statistic"), "P(", 2) == 0;
            for (size_t h = 0; h < nh && !keep; h++)
                keep = !strchr(heads[h], '.') && !strcmp(sim_table_get(t, r, "output"), heads[h]);
            if (keep) rows[nr++] = r;
        }
        design_rows(&d, t, cols, rows, nr);
        free(rows);
        free(heads);
    } else if (!strcmp(rd->kind, "sweep")) {
        /* the grid, then the mean of each charted output and every threshold
         * probability: the table's first columns are only the first output's */
        const char *hdr[17];
        size_t nc = 0;
        long ct = sim_table_col(t, "trials");
        for (long c = 0; c <= ct && c >= 0 && nc < 16; c++) hdr[nc++] = t->header[c];
        const char **outs;
        size_t no = sim_rundir_outputs(rd, false, &outs);
        char names[16][160];
        for (size_t i = 0; i < no && nc < 16; i++) {
            snprintf(names[nc], sizeof names[nc], "mean(%s)", outs[i]);
            if (sim_table_col(t, names[nc]) >= 0) hdr[nc] = names[nc], nc++;
        }
        free(outs);
        for (size_t c = 0; c < t->ncols && nc < 16; c++)
            if (!strncmp(t->header[c], "P(", 2)) hdr[nc++] = t->header[c];
        hdr[nc] = NULL;
        heading(&d, 2, "Results");
        design_table(&d, t, hdr, 0, t->nrows < 40 ? t->nrows : 40);
        if (t->nrows > 40) {
            para_begin(&d);
            text(&d, "(first 40 points; the full table, with standard errors and percentiles, is sweep.csv)");
            para_end(&d);
        }
    } else {
        heading(&d, 2, "Results");
        if (!strcmp(rd->kind, "tornado") && t->nrows) {
            char base[48], line[600];
            double b = sim_table_num(t, 0, "base");
            if (!strncmp(sim_table_get(t, 0, "statistic"), "P(", 2)) sim_format_pct(b, base, sizeof base);
            else if (fabs(b) >= 100) sim_format_thousands(b, 0, base, sizeof base);
            else snprintf(base, sizeof base, "%.3g", b);
            snprintf(line, sizeof line,
                     "Statistic: %s. Base, every parameter at its median: %s. Each row moves one parameter from "
                     "its 5th to its 95th percentile (at_p5, at_p95) with the others at their medians; swing = "
                     "at_p95 - at_p5 over the same trials, and swing_se is one standard error of it (a 95%% "
                     "interval is swing +- 1.96 swing_se).",
                     sim_table_get(t, 0, "statistic"), base);
            para_begin(&d);
            text(&d, line);
            para_end(&d);
        }
        if ((!strcmp(rd->kind, "spider") || !strcmp(rd->kind, "morris")) && t->nrows) {
            char line[600];
            snprintf(line, sizeof line, "Statistic: %s.%s", sim_table_get(t, 0, "statistic"),
                     !strcmp(rd->kind, "morris")
                         ? " mu* is the mean absolute change of the statistic when one parameter moves across its "
                           "0.5th-99.5th percentile span, in the statistic's own units; sigma is the spread of those "
                           "changes (interactions and curvature)."
                         : " Each row: one parameter, and the statistic with it at each percentile of its own law, the "
                           "others at their medians; ranked by the range it moves the statistic over.");
            para_begin(&d);
            text(&d, line);
            para_end(&d);
        }
        const bool spider = !strcmp(rd->kind, "spider");
        if (spider) spider_table(&d, t);
        else design_table(&d, t, cols, 0, t->nrows < 20 ? t->nrows : 20);
        /* one-at-a-time designs of a probability: why most rows may be 0 */
        size_t flat = 0, n = 0;
        if (!strcmp(rd->kind, "tornado"))
            for (size_t r = 0; r < t->nrows; r++) n++, flat += sim_table_num(t, r, "swing") == 0;
        if (!strcmp(rd->kind, "spider"))
            for (size_t r = 0; r < t->nrows; r++) {
                const char *pm = sim_table_get(t, r, "parameter");
                if (r && !strcmp(sim_table_get(t, r - 1, "parameter"), pm)) continue; /* a parameter's rows run together */
                bool same = true;
                for (size_t q = r + 1; q < t->nrows && !strcmp(sim_table_get(t, q, "parameter"), pm); q++)
                    same &= sim_table_num(t, q, "result") == sim_table_num(t, r, "result");
                n++, flat += same;
            }
        char caveat[600];
        if (t->nrows && sim_oat_caveat(sim_table_get(t, 0, "statistic"), flat, n, caveat, sizeof caveat)) {
            para_begin(&d);
            text(&d, caveat);
            para_end(&d);
        }
        if (t->nrows > 20 && !spider) {
            para_begin(&d);
            text(&d, "(first 20 rows; the full table is the CSV file of this folder)");
            para_end(&d);
        }
    }
    heading(&d, 2, "Charts");
    sim_buf_puts(&d.html, "<div class=\"figs\">\n");
    char **files;
    size_t nf = charts_with(dir, "", &files);
    for (size_t i = 0; i < nf && rc == 0; i++) {
        char rel[600];
        snprintf(rel, sizeof rel, "charts/%s", files[i]);
        rc = figure(&d, dir, rel, files[i], err);
    }
    for (size_t i = 0; i < nf; i++) free(files[i]);
    free(files);
    sim_buf_puts(&d.html, "</div>\n");
    assumptions(&d, rd);
    sources(&d, rd);
    if (rc == 0) return finish(&d, dir, held, err);
    sim_buf_free(&d.md), sim_buf_free(&d.html);
    return rc;
}

static int report_dir(const char *dir, int held, sim_err *err)
{
    sim_rundir rd;
    if (sim_rundir_open(&rd, dir, err) != 0) return -1;
    const unsigned fmts = chart_formats(dir);
    if (!(fmts & SIM_FMT_PNG) && sim_plot_dir(dir, SIM_FMT_PNG | fmts, err) != 0) {
        sim_rundir_free(&rd);
        return -1;
    }
    if (*rd.kind && strcmp(rd.kind, "run") != 0) {
        int r = report_design(dir, held, &rd, err);
        sim_rundir_free(&rd);
        return r;
    }
    doc d;
    begin(&d, rd.title);
    if (*rd.question) {
        para_begin(&d);
        sim_buf_puts(&d.md, "**Question.** ");
        sim_buf_puts(&d.html, "<b>Question.</b> ");
        text(&d, rd.question);
        para_end(&d);
    }
    in_short(&d, &rd);
    meta_line(&d, &rd);
    /* how to reproduce: short, on the first page */
    sim_buf_puts(&d.md, "Reproduce (from a clone of riskmc at this commit, after make): ");
    sim_buf_printf(&d.md, "`%s`", rd.command);
    sim_buf_puts(&d.md, "; the same command, seed and trial count give the same numbers on any machine.\n\n");
    sim_buf_puts(&d.html, "<p class=\"meta\">Reproduce (from a clone of riskmc at this commit, after make): <code>");
    esc_html(&d.html, rd.command);
    sim_buf_puts(&d.html, "</code>; the same command, seed and trial count give the same numbers on any machine.</p>\n");
    precision_note(&d, &rd);
    key_numbers(&d, &rd);
    risks(&d, &rd);
    int rc = charts(&d, &rd, err);
    observations(&d, &rd);
    sourced_inputs(&d, &rd);
    assumptions(&d, &rd);
    sources(&d, &rd);
    if (rc == 0) rc = finish(&d, dir, held, err);
    else sim_buf_free(&d.md), sim_buf_free(&d.html);
    sim_rundir_free(&rd);
    return rc;
}

/* ------------------------------------------------------------ several folders */

/* The sources every run cites, each once, in the first run's table's
 * columns (the rows are borrowed; a run whose sources.csv has other columns
 * adds none). */
static void union_sources(doc *d, const sim_rundir *rd, size_t n)
{
    if (!n || !rd[0].sources.ncols) return;
    const sim_table *t0 = &rd[0].sources;
    sim_table m = {t0->ncols, 0, t0->header, NULL, NULL, 0};
    for (size_t i = 0; i < n; i++) {
        const sim_table *t = &rd[i].sources;
        bool same = t->ncols == t0->ncols;
        for (size_t c = 0; c < t->ncols && same; c++) same = !strcmp(t->header[c], t0->header[c]);
        for (size_t r = 0; r < t->nrows && same; r++) {
            if (sim_table_find(&m, "id", sim_table_get(t, r, "id")) >= 0) continue;
            m.rows = sim_realloc(m.rows, (m.nrows + 1) * sizeof *m.rows);
            m.rows[m.nrows++] = t->rows[r];
        }
    }
    sim_rundir u;
    memset(&u, 0, sizeof u);
    u.sources = m;
    sources(d, &u);
    free(m.rows);
}

/* The row of risks.csv with this output and threshold (as written), or -1. */
static long risk_row(const sim_rundir *rd, const char *output, const char *threshold)
{
    for (size_t q = 0; q < rd->risks.nrows; q++)
        if (strcmp(sim_table_get(&rd->risks, q, "output"), output) == 0 &&
            strcmp(sim_table_get(&rd->risks, q, "threshold"), threshold) == 0)
            return (long)q;
    return -1;
}

static int report_compare(char **dirs, size_t ndirs, const char *out, sim_err *err)
{
    sim_rundir *rd;
    size_t n, skipped;
    if (sim_rundir_compare_out(out, err) != 0) return -1;
    if (sim_rundir_open_runs(dirs, ndirs, &rd, &n, &skipped, err) != 0) return -1;
    const size_t opened = n;
    int rc = 0;
    bool drawn = false;
    if (n < 2)
        rc = sim_errf(err, "a comparison brief sets two or more runs side by side, and %zu of the %zu folders %s "
                           "(allowed: run folders; a sweep, compare or sensitivity folder has its own brief: "
                           "riskmc report DIR)",
                      n, ndirs, n == 1 ? "is one" : "are runs");
    if (rc == 0 && skipped)
        fprintf(stderr, "riskmc report: %zu folder%s that %s not a run left out of the comparison\n", skipped,
                skipped == 1 ? "" : "s", skipped == 1 ? "is" : "are");
    if (rc == 0) rc = sim_plot_compare(dirs, ndirs, out, SIM_FMT_PNG | chart_formats(out), &drawn, err);
    const sim_rundir **ptrs = sim_calloc(n + 1, sizeof *ptrs);
    for (size_t i = 0; i < n; i++) ptrs[i] = &rd[i];
    if (rc == 0) {
        doc d;
        begin(&d, "Scenario comparison");
        heading(&d, 2, "Scenarios");
        /* what each folder is, so that the brief can be traced: two runs of
         * one scenario differ by their folder, trials, seed or version */
        const char *cols[] = {"scenario", "folder", "title", "trials, seed, simulated", "riskmc"};
        table_begin(&d, cols, 5);
        for (size_t i = 0; i < n; i++) {
            char run[200], ver[96], tn[32];
            sim_format_thousands((double)rd[i].trials, 0, tn, sizeof tn);
            char period[128];
            period_of(&rd[i], period, sizeof period);
            snprintf(run, sizeof run, "%s, seed %llu%s%s", tn, (unsigned long long)rd[i].seed, *period ? ", " : "",
                     period);
            snprintf(ver, sizeof ver, "%s%s%s%s", rd[i].version, *rd[i].commit ? " (" : "", rd[i].commit,
                     *rd[i].commit ? ")" : "");
            const char *cells[] = {rd[i].name, rd[i].dir, rd[i].title, run, ver};
            table_row(&d, cells, 5);
        }
        table_end(&d);
        /* the folders given that are not runs, so that the brief itself says
         * what it left out (rd[].dir is the folder as given) */
        sim_buf left;
        sim_buf_init(&left);
        for (size_t i = 0; i < ndirs; i++) {
            bool run = false;
            for (size_t k = 0; k < n && !run; k++) run = strcmp(rd[k].dir, dirs[i]) == 0;
            if (!run) sim_buf_printf(&left, "%s %s", left.len ? "," : "", dirs[i]);
        }
        if (left.len) {
            char *line = sim_asprintf("Left out (not runs: a sweep, design or comparison folder has its own brief):%s.",
                                      left.s);
            para_begin(&d);
            text(&d, line);
            para_end(&d);
            free(line);
        }
        sim_buf_free(&left);
        /* key numbers: one table, a row per scenario and output */
        heading(&d, 2, "Key numbers");
        const char *kc[] = {"output", "scenario", "median", "90% interval (p5 to p95)"};
        table_begin(&d, kc, 4);
        /* the union of the runs' outputs, the first run's first, then those
         * only later runs have (a destination only they list), so that no
         * run's output is dropped without a word */
        const char **outs = NULL;
        size_t no = 0;
        for (size_t i = 0; i < n; i++) {
            const char **oi;
            size_t ni = sim_rundir_outputs(&rd[i], true, &oi);
            outs = sim_realloc(outs, (no + ni + 1) * sizeof *outs);
            for (size_t j = 0; j < ni; j++) {
                bool seen = false;
                for (size_t k = 0; k < no && !seen; k++) seen = strcmp(outs[k], oi[j]) == 0;
                if (!seen) outs[no++] = oi[j];
            }
            free(oi);
        }
        for (size_t k = 0; k < no; k++)
            for (size_t i = 0, shown = 0; i < n; i++) {
                long r = sim_table_find(&rd[i].summary, "output", outs[k]);
                if (r < 0) continue;
                char m[48], lo[48], hi[48], iv[128];
                num(sim_table_num(&rd[i].summary, (size_t)r, "p50"), m, sizeof m, true);
                num(sim_table_num(&rd[i].summary, (size_t)r, "p5"), lo, sizeof lo, true);
                num(sim_table_num(&rd[i].summary, (size_t)r, "p95"), hi, sizeof hi, true);
                snprintf(iv, sizeof iv, "%s to %s", lo, hi);
                const char *cells[] = {shown++ ? "" : outs[k], rd[i].name, m, iv};
                table_row(&d, cells, 4);
            }
        free(outs);
        table_end(&d);
        heading(&d, 2, "Risks");
        const char *rcols[] = {"risk", "scenario", "probability", "95% interval (Wilson)"};
        table_begin(&d, rcols, 4);
        /* every run's thresholds, each once: the first run's, then those only
         * later runs set, in the order they set them */
        for (size_t a = 0; a < n; a++) {
            for (size_t r = 0; r < rd[a].risks.nrows; r++) {
                const char *o = sim_table_get(&rd[a].risks, r, "output");
                const char *th = sim_table_get(&rd[a].risks, r, "threshold");
                bool earlier = false;
                for (size_t b = 0; b < a && !earlier; b++) earlier = risk_row(&rd[b], o, th) >= 0;
                if (earlier) continue;
                for (size_t i = a, shown = 0; i < n; i++) {
                    long rr = risk_row(&rd[i], o, th);
                    if (rr < 0) continue;
                    char t[48], lab[256], p[32], lo[32], hi[32], iv[80];
                    sim_format_exact(sim_table_num(&rd[a].risks, r, "threshold"), t, sizeof t);
                    snprintf(lab, sizeof lab, "P(%s ≥ %s)", o, t);
                    sim_format_pct(sim_table_num(&rd[i].risks, (size_t)rr, "probability"), p, sizeof p);
                    sim_format_pct(sim_table_num(&rd[i].risks, (size_t)rr, "wilson_low"), lo, sizeof lo);
                    sim_format_pct(sim_table_num(&rd[i].risks, (size_t)rr, "wilson_high"), hi, sizeof hi);
                    snprintf(iv, sizeof iv, "%s to %s", lo, hi);
                    const char *cells[] = {shown++ ? "" : lab, rd[i].name, p, iv};
                    table_row(&d, cells, 4);
                }
            }
        }
        table_end(&d);
        heading(&d, 2, "Charts");
        sim_buf_puts(&d.html, "<div class=\"figs\">\n");
        char **files;
        size_t nf = charts_with(out, "compare-", &files);
        for (size_t i = 0; i < nf && rc == 0; i++) {
            char rel[600];
            snprintf(rel, sizeof rel, "charts/%s", files[i]);
            rc = figure(&d, out, rel, files[i], err);
        }
        for (size_t i = 0; i < nf; i++) free(files[i]);
        free(files);
        sim_buf_puts(&d.html, "</div>\n");
        union_sources(&d, rd, n);
        reproduce(&d, ptrs, n);
        if (rc == 0) rc = finish(&d, out, -1, err);
        else sim_buf_free(&d.md), sim_buf_free(&d.html);
    }
    for (size_t i = 0; i < opened; i++) sim_rundir_free(&rd[i]);
    free(rd);
    free(ptrs);
    return rc;
}

int sim_cmd_report(int argc, char **argv)
{
    static const struct option longopts[] = {{"out", required_argument, 0, 'o'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *out = "results/comparison";
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(USAGE, stdout);
            return 0;
        }
        if (opt == 'o') {
            sim_err e;
            if (sim_cli_folder_arg("-o", optarg, &e) != 0) { /* as plot's: "-o -q" is no folder */
                fprintf(stderr, "riskmc report: %s\n", e.msg);
                return 2;
            }
            out = optarg;
        } else {
            fputs("try 'riskmc report --help'\n", stderr);
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "riskmc report: expected results folders\n\n%s", USAGE);
        return 2;
    }
    sim_err err;
    sim_cli_signals();
    if (argc - optind == 1) {
        /* held open from before it is read until the brief is written */
        const int held = sim_folder_hold(argv[optind]);
        const int rc = report_dir(argv[optind], held, &err);
        if (held >= 0) close(held);
        if (rc != 0) {
            fprintf(stderr, "riskmc: %s\n", err.msg);
            return 1;
        }
        printf("report: %s/report.md, %s/report.html\n", argv[optind], argv[optind]);
        return 0;
    }
    if (report_compare(argv + optind, (size_t)(argc - optind), out, &err) != 0) {
        fprintf(stderr, "riskmc: %s\n", err.msg);
        return 1;
    }
    printf("report: %s/report.md, %s/report.html\n", out, out);
    return 0;
}
