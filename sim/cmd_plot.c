/* cmd_plot.c - `riskmc plot`: charts of results folders. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plot.h"
#include "rundir.h"

static const char USAGE[] =
    "usage: riskmc plot [--format png,svg,pdf] [-o DIR] RESULTS_DIR...\n"
    "\n"
    "Draw the charts of a results folder into RESULTS_DIR/charts/, from its CSV\n"
    "files alone, with gnuplot: a histogram and an exceedance curve P(X >= x)\n"
    "of each headline output (median, 90% interval and thresholds marked), a\n"
    "fan chart of each daily series (median, 50/80/95% bands over dates), and\n"
    "bars of grouped outputs (e.g. infiltrated by destination: median and 90%\n"
    "interval). With several folders, also a box-and-whisker comparison of the\n"
    "headline outputs across them, in DIR/charts/ (default results/comparison).\n"
    "\n"
    "options:\n"
    "      --format LIST  png (default), svg, pdf, or several: png,svg,pdf\n"
    "  -o, --out DIR      folder for the comparison charts\n"
    "  -h, --help         this help\n";

int sim_cmd_plot(int argc, char **argv)
{
    static const struct option longopts[] = {{"format", required_argument, 0, OPT_FORMAT},
                                              {"out", required_argument, 0, 'o'},
                                              {"help", no_argument, 0, 'h'},
                                              {0, 0, 0, 0}};
    unsigned formats = SIM_FMT_PNG;
    const char *out = "results/comparison";
    sim_err err;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'h': fputs(USAGE, stdout); return 0;
        case 'o':
            if (sim_cli_folder_arg("-o", optarg, &err) != 0) {
                fprintf(stderr, "riskmc plot: %s\n", err.msg);
                return 2;
            }
            out = optarg;
            break;
        case OPT_FORMAT:
            if (sim_plot_formats(optarg, &formats, &err) != 0) {
                fprintf(stderr, "riskmc plot: %s\n", err.msg);
                return 2;
            }
            break;
        default: fputs("try 'riskmc plot --help'\n", stderr); return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "riskmc plot: expected results folders\n\n%s", USAGE);
        return 2;
    }
    sim_cli_signals();
    if (argc - optind >= 2 && sim_rundir_compare_out(out, &err) != 0) {
        fprintf(stderr, "riskmc: %s\n", err.msg);
        return 1;
    }
    for (int i = optind; i < argc; i++) {
        if (sim_plot_dir(argv[i], formats, &err) != 0) {
            fprintf(stderr, "riskmc: %s\n", err.msg);
            return 1;
        }
        printf("charts: %s/charts/\n", argv[i]);
    }
    if (argc - optind > 1) {
        bool drawn;
        if (sim_plot_compare(argv + optind, (size_t)(argc - optind), out, formats, &drawn, &err) != 0) {
            fprintf(stderr, "riskmc: %s\n", err.msg);
            return 1;
        }
        if (drawn) printf("comparison charts: %s/charts/\n", out);
        else printf("no comparison charts: they set side by side the runs among the folders, and there are fewer than two\n");
    }
    return 0;
}
