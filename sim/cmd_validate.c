/* cmd_validate.c - `riskmc validate`, `riskmc show` and `riskmc sources`:
 * check scenario files, print a resolved scenario with its sources, and
 * list the sources registry. */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "results.h"

static int parse_opts(int argc, char **argv, const char *usage, const char *shortopts,
                      const struct option *longopts, sim_common *c, int *extra, const char *cmd)
{
    sim_err err;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage, stdout);
            return 0;
        }
        if (opt == OPT_CSV && extra) {
            *extra = 1;
            continue;
        }
        int r = sim_cli_common(opt, optarg, c, &err);
        if (r == 0) {
            fprintf(stderr, "try 'riskmc %s --help'\n", cmd);
            return 2;
        }
        if (r < 0) {
            fprintf(stderr, "riskmc %s: %s\n", cmd, err.msg);
            return 2;
        }
    }
    return -1;
}

/* ------------------------------------------------------------ validate */

static const char VALIDATE_USAGE[] =
    "usage: riskmc validate [--strict] [--set KEY=VAL]... FILE...\n"
    "\n"
    "Check scenario files: every section, key and value, the model's own rules,\n"
    "and every cited source id against the sources registry. Prints one line per\n"
    "file; exits 1 if any file has an error (file:line: key: problem (allowed: ...)).\n"
    "\n"
    "options:\n"
    "      --strict       also require every parameter to cite a source or say [assumption]\n"
    "      --set KEY=VAL  check with an override applied (repeatable)\n"
    "      --sources CSV  sources registry (default: sources.csv beside the scenario)\n"
    "  -h, --help         this help\n";

int sim_cmd_validate(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"strict", no_argument, 0, OPT_STRICT}, {"set", required_argument, 0, OPT_SET},
        {"sources", required_argument, 0, OPT_SOURCES}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    sim_common c = {0};
    int r = parse_opts(argc, argv, VALIDATE_USAGE, "h", longopts, &c, NULL, "validate");
    if (r >= 0) {
        sim_cli_free(&c);
        return r;
    }
    if (optind >= argc) {
        fprintf(stderr, "riskmc validate: expected scenario files\n\n%s", VALIDATE_USAGE);
        sim_cli_free(&c);
        return 2;
    }
    int status = 0;
    for (int i = optind; i < argc; i++) {
        sim_inst inst;
        sim_err err;
        if (sim_cli_open(&inst, argv[i], &c, &err) != 0) {
            fprintf(stderr, "riskmc: %s\n", err.msg);
            status = 1;
            continue;
        }
        size_t *idx, nu = sim_inst_uncertain(&inst, &idx), na = 0;
        free(idx);
        for (size_t k = 0; k < inst.sc.n; k++) na += sim_entry_is_assumption(&inst.sc.e[k]);
#define S(n) (n) == 1 ? "" : "s"
        printf("ok: %s (model %s: %zu parameter%s, %zu uncertain, %zu key%s resting on assumptions, %zu threshold%s, "
               "%zu observation%s)\n",
               argv[i], inst.model->name, inst.nparam, S(inst.nparam), nu, na, S(na), inst.nthr, S(inst.nthr),
               inst.nobs, S(inst.nobs));
#undef S
        sim_inst_close(&inst);
    }
    sim_cli_free(&c);
    return status;
}

/* ------------------------------------------------------------ show */

static const char SHOW_USAGE[] =
    "usage: riskmc show [--set KEY=VAL]... FILE\n"
    "\n"
    "Print the scenario as it will run, after `extends`, `remove` and overrides:\n"
    "every key with its value (for a distribution also its mean and 90% range),\n"
    "its sources and the file:line that set it; then the parameters that rest on\n"
    "assumptions, and the sources cited.\n"
    "\n"
    "options:\n"
    "      --set KEY=VAL  apply an override (repeatable)\n"
    "      --sources CSV  sources registry (default: sources.csv beside the scenario)\n"
    "  -h, --help         this help\n";


int sim_cmd_show(int argc, char **argv)
{
    static const struct option longopts[] = {{"set", required_argument, 0, OPT_SET},
                                              {"sources", required_argument, 0, OPT_SOURCES},
                                              {"help", no_argument, 0, 'h'},
                                              {0, 0, 0, 0}};
    sim_common c = {0};
    int r = parse_opts(argc, argv, SHOW_USAGE, "h", longopts, &c, NULL, "show");
    if (r >= 0) {
        sim_cli_free(&c);
        return r;
    }
    if (optind != argc - 1) {
        fprintf(stderr, "riskmc show: expected one scenario file\n\n%s", SHOW_USAGE);
        sim_cli_free(&c);
        return 2;
    }
    sim_inst inst;
    sim_err err;
    if (sim_cli_open(&inst, argv[optind], &c, &err) != 0) {
        fprintf(stderr, "riskmc: %s\n", err.msg);
        sim_cli_free(&c);
        return 1;
    }
    const sim_scenario *sc = &inst.sc;
    printf("scenario %s: %s\n", sc->name, inst.title);
    if (*inst.question) printf("question: %s\n", inst.question);
    printf("model: %s (%s)\n", inst.model->name, inst.model->summary);
    printf("files: ");
    for (size_t i = 0; i < sc->nfiles; i++) printf("%s%s", i ? " <- " : "", sc->files[i]);
    printf("\nsources registry: %s\n", sc->sources->path);
    printf("defaults: %llu trials, seed %llu\n", (unsigned long long)inst.trials, (unsigned long long)inst.seed);
    for (size_t s = 0; s < sc->nsec; s++) {
        const char *sec = sc->sec[s].section;
        bool any = false;
        for (size_t i = 0; i < sc->n; i++) {
            const sim_entry *e = &sc->e[i];
            if (strcmp(e->section, sec) != 0) continue;
            if (!any) printf("\n[%s]\n", sec);
            any = true;
            sim_buf line, cites;
            sim_buf_init(&line);
            sim_buf_init(&cites);
            sim_buf_printf(&line, "  %s = %s", e->key, e->text);
            if (e->spec && (e->spec->flags & SIM_K_CITE)) {
                if (e->ncites) {
                    sim_buf_putc(&cites, '[');
                    sim_entry_cites(e, &cites);
                    sim_buf_putc(&cites, ']');
                } else {
                    sim_buf_puts(&cites, "[uncited]");
                }
            }
            char where[64];
            if (e->line) snprintf(where, sizeof where, ":%d", e->line);
            else snprintf(where, sizeof where, " (MODEL.md; not in the file)");
            printf("%-*s  %-*s  %s%s\n", line.len < 58 ? 58 : (int)line.len, line.s, cites.len < 24 ? 24 : (int)cites.len,
                   cites.s ? cites.s : "", e->file, where);
            if (e->spec && e->spec->type == SIM_T_DIST && !sim_dist_is_const(&e->v.dist)) {
                char m[40], lo[40], hi[40];
                sim_format_readable(sim_dist_mean(&e->v.dist), m, sizeof m);
                sim_format_readable(sim_dist_quantile(&e->v.dist, 0.05), lo, sizeof lo);
                sim_format_readable(sim_dist_quantile(&e->v.dist, 0.95), hi, sizeof hi);
                printf("      mean %s, 90%% range %s to %s%s\n", m, lo, hi,
                       e->spec->flags & SIM_K_CHANCE ? ", drawn afresh for each event" : "");
            }
            sim_buf_free(&line);
            sim_buf_free(&cites);
        }
    }
    printf("\nassumptions (parameters no published figure fixes):\n");
    size_t na = 0;
    for (size_t i = 0; i < sc->n; i++) {
        const sim_entry *e = &sc->e[i];
        if (!sim_entry_is_assumption(e)) continue;
        sim_buf cites;
        sim_buf_init(&cites);
        for (size_t k = 0; k < e->ncites; k++)
            if (strcmp(e->cites[k], "assumption") != 0) sim_buf_printf(&cites, "%s%s", cites.len ? ", " : "", e->cites[k]);
        printf("  %-44s = %s%s%s%s\n", e->full, e->text, cites.len ? "   (informed by " : "", cites.len ? cites.s : "",
               cites.len ? ")" : "");
        sim_buf_free(&cites);
        na++;
    }
    if (!na) printf("  (none)\n");
    size_t nun = 0;
    for (size_t i = 0; i < sc->n; i++)
        nun += sc->e[i].spec && (sc->e[i].spec->flags & SIM_K_CITE) && sc->e[i].ncites == 0;
    if (nun) {
        printf("\nuncited parameters (riskmc validate --strict rejects these):\n");
        for (size_t i = 0; i < sc->n; i++)
            if (sc->e[i].spec && (sc->e[i].spec->flags & SIM_K_CITE) && sc->e[i].ncites == 0)
                printf("  %s  (%s:%d)\n", sc->e[i].full, sc->e[i].file, sc->e[i].line);
    }
    printf("\nsources cited:\n");
    sim_buf ids;
    sim_buf_init(&ids);
    sim_cited_sources(&inst, 1, &ids);
    char *list = sim_strdup(ids.s ? ids.s : "");
    for (char *tok = strtok(list, ", "); tok; tok = strtok(NULL, ", ")) {
        const sim_source *src = sim_sources_find(sc->sources, tok);
        if (!src) continue;
        printf("  %-4s %s: %s%s%s (%s, %s; %s)\n", src->id, src->kind, src->quantity, *src->value ? " = " : "",
               src->value, src->outlet, src->date, src->locator);
    }
    free(list);
    sim_buf_free(&ids);
    sim_inst_close(&inst);
    sim_cli_free(&c);
    return 0;
}

/* ------------------------------------------------------------ sources */

static const char SOURCES_USAGE[] =
    "usage: riskmc sources [--sources CSV] [--csv] [SCENARIO]\n"
    "\n"
    "List the sources registry: every id a scenario may cite, with what it is\n"
    "and where to find it. With a SCENARIO, list only the ids it cites and the\n"
    "keys that cite each.\n"
    "\n"
    "options:\n"
    "      --sources CSV  registry to list (default: scenarios/sources.csv, or the one\n"
    "                     beside SCENARIO)\n"
    "      --csv          print CSV (the registry's own columns) instead of a table\n"
    "  -h, --help         this help\n";

int sim_cmd_sources(int argc, char **argv)
{
    static const struct option longopts[] = {{"sources", required_argument, 0, OPT_SOURCES},
                                              {"csv", no_argument, 0, OPT_CSV},
                                              {"help", no_argument, 0, 'h'},
                                              {0, 0, 0, 0}};
    sim_common c = {0};
    int csv = 0;
    int r = parse_opts(argc, argv, SOURCES_USAGE, "h", longopts, &c, &csv, "sources");
    if (r >= 0) return r;
    if (argc - optind > 1) {
        fprintf(stderr, "riskmc sources: expected at most one scenario\n\n%s", SOURCES_USAGE);
        return 2;
    }
    sim_err err;
    sim_inst inst;
    bool have_inst = false;
    sim_sources own = {0};
    const sim_sources *reg;
    if (optind < argc) {
        if (sim_cli_open(&inst, argv[optind], &c, &err) != 0) {
            fprintf(stderr, "riskmc: %s\n", err.msg);
            return 1;
        }
        have_inst = true;
        reg = inst.sc.sources;
    } else {
        if (sim_sources_load(&own, c.sources ? c.sources : sim_sources_default(), &err) != 0) {
            fprintf(stderr, "riskmc: %s\n", err.msg);
            return 1;
        }
        reg = &own;
    }
    sim_csvrow row;
    sim_csv_init(&row);
    if (csv) {
        for (int k = 0; k < 8; k++) sim_csv_str(&row, SIM_SOURCES_COLUMNS[k]);
        if (have_inst) sim_csv_str(&row, "cited_by");
        sim_csv_end(&row);
    }
    for (size_t i = 0; i < reg->n; i++) {
        const sim_source *s = &reg->s[i];
        sim_buf by;
        sim_buf_init(&by);
        if (have_inst) {
            for (size_t k = 0; k < inst.sc.n; k++)
                for (size_t j = 0; j < inst.sc.e[k].ncites; j++)
                    if (strcmp(inst.sc.e[k].cites[j], s->id) == 0)
                        sim_buf_printf(&by, "%s%s", by.len ? ", " : "", inst.sc.e[k].full);
            if (!by.len) {
                sim_buf_free(&by);
                continue;
            }
        }
        if (csv) {
            const char *f[8] = {s->id, s->kind, s->outlet, s->date, s->locator, s->quantity, s->value, s->note};
            for (int k = 0; k < 8; k++) sim_csv_str(&row, f[k]);
            if (have_inst) sim_csv_str(&row, by.s);
            sim_csv_end(&row);
        } else {
            printf("%-4s %-12s %s%s%s\n     %s, %s; %s\n", s->id, s->kind, s->quantity, *s->value ? " = " : "", s->value,
                   s->outlet, s->date, s->locator);
            if (have_inst) printf("     cited by: %s\n", by.s);
        }
        sim_buf_free(&by);
    }
    if (csv && row.buf.len) fwrite(row.buf.s, 1, row.buf.len, stdout);
    sim_csv_free(&row);
    if (have_inst) sim_inst_close(&inst);
    else sim_sources_free(&own);
    sim_cli_free(&c);
    return 0;
}
