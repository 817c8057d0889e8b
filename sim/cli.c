/* cli.c - see cli.h. */
#define _GNU_SOURCE
#include "cli.h"

#include "cluster.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "outdir.h"
#include "progress.h"

int sim_cli_count(const char *what, const char *arg, uint64_t lo, uint64_t hi, uint64_t *out, sim_err *err)
{
    char clean[64];
    size_t n = 0;
    for (const char *p = arg; *p && n < sizeof clean - 1; p++)
        if (*p != '_') clean[n++] = *p;
    clean[n] = '\0';
    long long v;
    const char *why;
    char lo_s[32], hi_s[32];
    sim_format_thousands((double)lo, 0, lo_s, sizeof lo_s);
    sim_format_thousands((double)hi, 0, hi_s, sizeof hi_s);
    if (sim_parse_int(clean, &v, &why) != 0)
        return sim_errf(err, "%s: '%s': %s (allowed: %s to %s)", what, arg, why, lo_s, hi_s);
    if (v < 0 || (uint64_t)v < lo || (uint64_t)v > hi)
        return sim_errf(err, "%s: %s is out of range (allowed: %s to %s)", what, arg, lo_s, hi_s);
    *out = (uint64_t)v;
    return 0;
}

int sim_cli_folder_arg(const char *what, const char *arg, sim_err *err)
{
    /* "-o -q" would make a folder named -q: the option forgot its folder */
    if (arg[0] == '-' && arg[1])
        return sim_errf(err, "%s: '%s' looks like an option, not a folder (allowed: a folder name; for one starting "
                             "with '-', write ./%s)", what, arg, arg);
    return 0;
}

int sim_cli_common(int opt, const char *arg, sim_common *c, sim_err *err)
{
    uint64_t v;
    switch (opt) {
    case 'n':
        if (sim_cli_count("-n/--trials", arg, 1, 1000000000ULL, &c->trials, err) != 0) return -1;
        c->has_trials = true;
        return 1;
    case 's':
        if (sim_cli_count("-s/--seed", arg, 0, 9200000000000000000ULL, &c->seed, err) != 0) return -1;
        c->has_seed = true;
        return 1;
    case 'j':
        if (sim_cli_count("-j/--threads", arg, 1, 1024, &v, err) != 0) return -1;
        c->threads = (int)v;
        return 1;
    case 'o':
        if (sim_cli_folder_arg("-o/--out", arg, err) != 0) return -1;
        c->out = arg;
        return 1;
    case OPT_SET:
        c->sets = sim_realloc(c->sets, (c->nsets + 1) * sizeof *c->sets);
        c->sets[c->nsets++] = arg;
        return 1;
    case 'q':
        c->quiet = true;
        sim_progress_quiet = true;
        return 1;
    case 'f': c->force = true; return 1;
    case OPT_SOURCES: c->sources = arg; return 1;
    case OPT_STRICT: c->strict = true; return 1;
    default: return 0;
    }
}

void sim_cli_free(sim_common *c)
{
    free(c->sets);
    c->sets = NULL;
    c->nsets = 0;
}

void sim_cli_notes(const sim_inst *inst, const long *set, size_t nset)
{
    for (size_t i = 0; i < inst->nnote && sim_mpi_root(); i++) {
        bool rests_on_set = false;
        for (const size_t *p = inst->note_params[i]; *p != SIZE_MAX && !rests_on_set; p++)
            for (size_t k = 0; k < nset; k++) rests_on_set |= set[k] >= 0 && (size_t)set[k] == *p;
        if (!rests_on_set) fprintf(stderr, "riskmc: note: %s\n", inst->note[i]);
    }
}

/* A file name holding a line break: manifest.ini records the scenario
 * files and the sources registry one per line, and its command on one line,
 * so such a name would break the manifest riskmc reads back (plot, report,
 * re-running it). Refused before the run, as -1 with err. */
static int one_line_name(const char *what, const char *path, sim_err *err)
{
    if (!path || !strpbrk(path, "\n\r")) return 0;
    sim_buf b;
    sim_buf_init(&b);
    for (const char *p = path; *p; p++) {
        if (*p == '\n') sim_buf_puts(&b, "\\n");
        else if (*p == '\r') sim_buf_puts(&b, "\\r");
        else sim_buf_putc(&b, *p);
    }
    sim_errf(err, "%s '%s': a file name with a line break, which the results' manifest.ini cannot record "
                  "(allowed: rename the file or its folder)", what, b.s);
    sim_buf_free(&b);
    return -1;
}

int sim_cli_open(sim_inst *inst, const char *path, const sim_common *c, sim_err *err)
{
    if (one_line_name("scenario", path, err) != 0 || one_line_name("--sources", c->sources, err) != 0) return -1;
    sim_open_opts o = {c->sets, c->nsets, c->strict, c->sources};
    if (sim_inst_open(inst, path, &o, err) != 0) return -1;
    /* a --set that should cite a source and cites nothing: the brief will
     * list it as such; say so now, once (compare opens every scenario with
     * the same --set), on rank 0 */
    static bool noted;
    for (size_t i = 0; i < inst->sc.n && sim_mpi_root() && !noted; i++) {
        const sim_entry *e = &inst->sc.e[i];
        if (strcmp(e->file, "--set") == 0 && sim_entry_is_uncited(e))
            fprintf(stderr,
                    "riskmc: note: --set %s=%s cites nothing; the results list it as 'nothing cited' (allowed: "
                    "--set '%s=%s [assumption]' or [SOURCE-ID])\n",
                    e->full, e->text, e->full, e->text);
    }
    noted = true;
    if (!c->defer_notes) sim_cli_notes(inst, NULL, 0);
    return 0;
}

char *sim_cli_outdir(const sim_common *c, const sim_inst *inst, const char *suffix)
{
    if (c->out) return sim_strdup(c->out);
    return sim_asprintf("results/%s%s", inst->sc.name, suffix ? suffix : "");
}

void sim_cli_shell_quote(sim_buf *b, const char *s)
{
    bool plain = *s != '\0';
    for (const char *p = s; *p && plain; p++)
        plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,@+", *p) != NULL;
    if (plain) {
        sim_buf_puts(b, s);
        return;
    }
    sim_buf_putc(b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '\'') sim_buf_puts(b, "'\\''");
        else sim_buf_putc(b, *p);
    }
    sim_buf_putc(b, '\'');
}

volatile sig_atomic_t sim_interrupt_signal = 0;

static void on_signal(int sig)
{
    const int saved = errno; /* the interrupted code may be about to read it */
    /* a second signal: remove the partial folder and go. Under MPI the
     * first: mpirun kills a job's processes soon after it signals them, and
     * rank 0 may be waiting for another rank rather than at a point where
     * it stops cleanly. */
    if (sim_interrupted || sim_mpi_enabled()) sim_outdir_remove_active();
    if (sim_interrupted) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
    sim_interrupted = 1;
    sim_interrupt_signal = sig;
    errno = saved;
}

void sim_cli_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    /* one handler at a time: mpirun follows SIGINT with SIGTERM */
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGHUP);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* Whether a is option short (-X, -Xvalue) or long (--long, --long=value);
 * *sep: the value is in the next argument. */
static bool is_opt(const char *a, char shrt, const char *lng, bool *sep)
{
    const size_t l = lng ? strlen(lng) : 0;
    if (a[0] == '-' && a[1] == shrt && a[1]) return *sep = !a[2], true;
    if (lng && !strncmp(a, lng, l) && (!a[l] || a[l] == '=')) return *sep = !a[l], true;
    return false;
}

char *sim_cli_command(const char *cmd, int argc, char **argv, const char *nflag, uint64_t n, uint64_t seed)
{
    /* the arguments that decide the results, in order; not -j, -o, -f, -q
     * or --resume, which do not */
    sim_buf b;
    sim_buf_init(&b);
    sim_buf_printf(&b, "riskmc %s", cmd);
    bool files_only = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool sep;
        /* after "--" every argument is a file: written as ./-name when it
         * starts with '-', so that the command reads without "--" and
         * options may still be added after it */
        if (!files_only && !strcmp(a, "--")) {
            files_only = true;
            continue;
        }
        if (files_only) {
            sim_buf_puts(&b, a[0] == '-' ? " ./" : " ");
            sim_cli_shell_quote(&b, a);
            continue;
        }
        if (is_opt(a, 'j', "--threads", &sep) || is_opt(a, 'o', "--out", &sep) ||
            (nflag && (is_opt(a, 'n', "--trials", &sep) || is_opt(a, 's', "--seed", &sep) ||
                       is_opt(a, 'N', "--base", &sep)))) {
            i += sep;
            continue;
        }
        if (!strcmp(a, "-f") || !strcmp(a, "--force") || !strcmp(a, "-q") || !strcmp(a, "--quiet") ||
            !strcmp(a, "--resume"))
            continue;
        sim_buf_putc(&b, ' ');
        sim_cli_shell_quote(&b, a);
    }
    if (nflag) sim_buf_printf(&b, " %s %llu -s %llu", nflag, (unsigned long long)n, (unsigned long long)seed);
    return sim_buf_take(&b);
}
