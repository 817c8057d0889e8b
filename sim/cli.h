/* cli.h - option parsing shared by the subcommands, and the subcommands'
 * entry points (each returns the process exit status: 0 ok, 1 failure,
 * 2 bad usage). */
#ifndef SIM_CLI_H
#define SIM_CLI_H

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "inst.h"

enum {
    OPT_SET = 1000,
    OPT_SOURCES,
    OPT_STRICT,
    OPT_FORMAT,
    OPT_VARY,
    OPT_OUTPUT,
    OPT_RESUME,
    OPT_OUTER,
    OPT_INNER,
    OPT_PRECISION,
    OPT_BATCH,
    OPT_CSV,
    OPT_LEVELS,
    OPT_PERCENTILES,
    OPT_BOOT,
    OPT_MAX_TRIALS,
    OPT_THRESHOLD
};

/* Options most subcommands share. */
typedef struct sim_common {
    uint64_t trials;
    bool has_trials;
    uint64_t seed;
    bool has_seed;
    int threads;
    const char *out;
    const char **sets;
    size_t nsets;
    bool quiet, force, strict;
    const char *sources;
    bool defer_notes; /* sim_cli_open leaves the model's notes to sim_cli_notes (a sweep) */
} sim_common;

#define SIM_COMMON_LONGOPTS                                                                        \
    {"trials", required_argument, 0, 'n'}, {"seed", required_argument, 0, 's'},                    \
        {"threads", required_argument, 0, 'j'}, {"out", required_argument, 0, 'o'},                \
        {"set", required_argument, 0, OPT_SET}, {"quiet", no_argument, 0, 'q'},                    \
        {"force", no_argument, 0, 'f'}, {"sources", required_argument, 0, OPT_SOURCES},            \
        {"help", no_argument, 0, 'h'}

/* Handle one option of the common set: 1 handled, 0 not ours, -1 error. */
/* 0 when arg can be the folder option `what` names; -1 with err when it
 * looks like an option the folder was forgotten before. */
int sim_cli_folder_arg(const char *what, const char *arg, sim_err *err);
int sim_cli_common(int opt, const char *arg, sim_common *c, sim_err *err);
void sim_cli_free(sim_common *c);
/* Open a scenario with the common options applied. */
int sim_cli_open(sim_inst *inst, const char *path, const sim_common *c, sim_err *err);
/* Print the model's notes on the scenario (rank 0), but those resting on one
 * of the nset parameters set (indices; a sweep's swept keys). */
void sim_cli_notes(const sim_inst *inst, const long *set, size_t nset);
/* Parse a count like 20000, 2e4 or 20_000 within [lo, hi]. */
int sim_cli_count(const char *what, const char *arg, uint64_t lo, uint64_t hi, uint64_t *out, sim_err *err);
/* The folder results go to: -o, else results/<scenario name>. */
char *sim_cli_outdir(const sim_common *c, const sim_inst *inst, const char *suffix);
/* Quote an argument for a shell command line that reproduces a run. */
void sim_cli_shell_quote(sim_buf *b, const char *s);
/* The command line that reproduces a run (without -j, -o, -f, -q, --resume). */
/* The command that repeats a run: its arguments but -j, -o, -f, -q and
 * --resume; with nflag ("-n", or "-N" for sobol's base sample), the trials
 * n and the seed the run used in place of those given, so that a later
 * default cannot change what it repeats. */
char *sim_cli_command(const char *cmd, int argc, char **argv, const char *nflag, uint64_t n, uint64_t seed);
/* Install SIGINT/SIGTERM handlers that stop runs cleanly. */
void sim_cli_signals(void);
/* The signal that interrupted the command (0: none): it exits with 128 + it. */
extern volatile sig_atomic_t sim_interrupt_signal;

int sim_cmd_run(int argc, char **argv);
int sim_cmd_validate(int argc, char **argv);
int sim_cmd_show(int argc, char **argv);
int sim_cmd_sources(int argc, char **argv);
int sim_cmd_plot(int argc, char **argv);
int sim_cmd_report(int argc, char **argv);
int sim_cmd_sweep(int argc, char **argv);
int sim_cmd_compare(int argc, char **argv);
int sim_cmd_tornado(int argc, char **argv);
int sim_cmd_spider(int argc, char **argv);
int sim_cmd_sobol(int argc, char **argv);
int sim_cmd_morris(int argc, char **argv);

#endif
