/* progress.c - see progress.h. */
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#include "util.h"

bool sim_progress_quiet = false;

void sim_progress_start(sim_progress *p, bool want, const char *label, uint64_t total)
{
    p->on = want && !sim_progress_quiet && isatty(STDERR_FILENO);
    p->label = label ? label : "run";
    p->total = total;
    p->t0 = p->last = sim_now();
    p->drawn = false;
    p->from = 0;
}

void sim_progress_start_from(sim_progress *p, bool want, const char *label, uint64_t total, uint64_t from)
{
    sim_progress_start(p, want, label, total);
    p->from = from < total ? from : total;
}

static void fmt_time(double s, char *out, size_t n)
{
    if (s < 60) snprintf(out, n, "%.0fs", s);
    else if (s < 3600) snprintf(out, n, "%ldm%02lds", (long)s / 60, (long)s % 60);
    else snprintf(out, n, "%ldh%02ldm", (long)s / 3600, ((long)s % 3600) / 60);
}

static void draw(sim_progress *p, uint64_t done, bool final)
{
    double el = sim_now() - p->t0;
    double rate = el > 0 && done > p->from ? (double)(done - p->from) / el : 0;
    char d[32], t[32], r[32], left[32];
    sim_format_thousands((double)done, 0, d, sizeof d);
    sim_format_thousands((double)p->total, 0, t, sizeof t);
    sim_format_thousands(rate, 0, r, sizeof r);
    if (final) fmt_time(el, left, sizeof left);
    else fmt_time(rate > 0 ? (double)(p->total - done) / rate : 0, left, sizeof left);
    fprintf(stderr, "\r\033[K%s: %s/%s trials (%.0f%%), %s trials/s, %s %s", p->label, d, t,
            p->total ? 100.0 * (double)done / (double)p->total : 100.0, r, left, final ? "elapsed\n" : "left");
    fflush(stderr);
    p->drawn = true;
}

void sim_progress_update(sim_progress *p, uint64_t done)
{
    if (!p->on) return;
    double now = sim_now();
    if (now - p->last < 0.25 && p->drawn) return;
    if (now - p->t0 < 0.5) return; /* short runs stay silent */
    p->last = now;
    draw(p, done, false);
}

void sim_progress_end(sim_progress *p, uint64_t done)
{
    if (!p->on || !p->drawn) return;
    if (done) draw(p, done, true);
    else fprintf(stderr, "\r\033[K"), fflush(stderr);
}
