/* main.c - riskmc: Monte Carlo risk scenarios. Dispatches subcommands; the
 * only place that exits. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "cluster.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command COMMANDS[] = {
    {"run", sim_cmd_run, "run a scenario; write trials, summary, risks, series, manifest"},
    {"validate", sim_cmd_validate, "check scenario files and their citations"},
    {"show", sim_cmd_show, "print a resolved scenario with every parameter's sources"},
    {"sources", sim_cmd_sources, "list the sources registry"},
    {"plot", sim_cmd_plot, "draw charts of results folders with gnuplot"},
    {"report", sim_cmd_report, "write a memo-ready brief (Markdown and HTML) of results folders"},
    {"sweep", sim_cmd_sweep, "run a scenario over a 1-D or 2-D grid of parameter values"},
    {"compare", sim_cmd_compare, "run scenarios side by side; differences with 95% intervals"},
    {"tornado", sim_cmd_tornado, "one-at-a-time swings of each parameter from p5 to p95, ranked"},
    {"spider", sim_cmd_spider, "one-at-a-time along several percentiles of each parameter"},
    {"morris", sim_cmd_morris, "elementary-effects screening of the parameters (mu*, sigma)"},
    {"sobol", sim_cmd_sobol, "first-order and total Sobol indices with bootstrap intervals"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: riskmc COMMAND [options]\n\n"
               "Monte Carlo risk scenarios: sample uncertain parameters from published\n"
               "sources, simulate, and report distributions and risk probabilities.\n\n"
               "commands:\n");
    for (const command *c = COMMANDS; c->name; c++) fprintf(f, "  %-10s %s\n", c->name, c->summary);
    fprintf(f, "\n  riskmc COMMAND --help   help for one command\n"
               "  riskmc --version        version and git commit\n\n"
               "example:\n  riskmc run scenarios/baseline.ini -n 20000\n");
}

/* GSL domain errors become our message, not an abort. */
static void gsl_handler(const char *reason, const char *file, int line, int gsl_errno)
{
    char msg[512];
    snprintf(msg, sizeof msg, "numerical error in GSL (%s:%d): %s (%s)", file, line, reason, gsl_strerror(gsl_errno));
    sim_mpi_abort(1, msg);
}

/* Commands that run trials; under MPI every rank takes part. The others
 * only read and write files: rank 0 alone does them. */
static bool runs_trials(const char *cmd)
{
    static const char *const T[] = {"run", "sweep", "compare", "tornado", "spider", "morris", "sobol", NULL};
    for (const char *const *t = T; *t; t++)
        if (strcmp(*t, cmd) == 0) return true;
    return false;
}

static int dispatch(int argc, char **argv);

/* A standard stream the caller closed (`2>&-`) would be the next file
 * opened: a results file, which every later message would then be written
 * into. Open each closed one on /dev/null first. */
static void open_std_streams(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        const int null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (null >= 0 && null != fd) {
            dup2(null, fd);
            close(null);
        }
    }
}

/* What was printed on stdout (a table, a listing, help) must have reached
 * it: a full disk's error is the command's failure too, not a silent exit
 * 0 with the output cut short. */
static int stdout_written(int status)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout)) return status;
    /* errno is the flush's, or lost since an earlier write failed */
    const int e = errno;
    fprintf(stderr, "riskmc: standard output: write failed%s%s%s\n", e ? ": " : "", e ? strerror(e) : "",
            status == 0 ? " (the results folder, if the command writes one, is whole)" : "");
    return status ? status : 1;
}

int main(int argc, char **argv)
{
    open_std_streams();
    sim_mpi_init(&argc, &argv);
    int status = stdout_written(dispatch(argc, argv));
    /* interrupted: the shell's convention, whatever the moment it came */
    if (status != 0 && sim_interrupt_signal) status = 128 + sim_interrupt_signal;
    if (status != 0 && sim_mpi_enabled()) sim_mpi_abort(status, sim_mpi_root() ? NULL : "failed (see rank 0)");
    sim_mpi_finalize();
    return status;
}

static int dispatch(int argc, char **argv)
{
    gsl_set_error_handler(gsl_handler);
    /* past a file size limit (ulimit -f) a write fails with EFBIG and is
     * reported, instead of the signal killing the run with no message */
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        if (argc > 2 && strcmp(cmd, "help") == 0) {
            for (const command *c = COMMANDS; c->name; c++)
                if (strcmp(c->name, argv[2]) == 0) {
                    char *args[] = {argv[2], "--help", NULL};
                    return c->run(2, args);
                }
        }
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("riskmc %s (commit %s%s)\n", RISKMC_VERSION, RISKMC_COMMIT, sim_mpi_built() ? ", built with Open MPI" : "");
        return 0;
    }
    /* RISKMC_ALLOW_COPIES=1: independent copies on purpose (e.g. srun -n 8
     * with a seed and folder per task) */
    const char *copies = getenv("RISKMC_ALLOW_COPIES");
    if (runs_trials(cmd) && !sim_mpi_built() && sim_mpi_launched() > 1 && !(copies && !strcmp(copies, "1"))) {
        fprintf(stderr,
                "riskmc: started as one of %ld processes (mpirun or srun), but this riskmc was built without MPI, "
                "so each would run the whole job (allowed: build with `make MPI=1` and check that `riskmc "
                "--version` says \"built with Open MPI\", start one process, or set RISKMC_ALLOW_COPIES=1 "
                "for independent copies)\n",
                sim_mpi_launched());
        return 2;
    }
    if (!sim_mpi_root() && !runs_trials(cmd)) return 0;
    for (const command *c = COMMANDS; c->name; c++)
        if (strcmp(c->name, cmd) == 0) {
            /* getopt names the program by argv[0]: make it "riskmc run" */
            char prog[64];
            snprintf(prog, sizeof prog, "riskmc %s", c->name);
            argv[1] = prog;
            return c->run(argc - 1, argv + 1);
        }
    fprintf(stderr, "riskmc: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return 2;
}
