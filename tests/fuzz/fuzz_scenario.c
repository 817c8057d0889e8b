/* fuzz_scenario.c - libFuzzer harness: any bytes as a scenario file. The
 * whole path a user's file takes: reading, UTF-8 and line checks, libinih,
 * extends, the schema, value parsing, citations, the model's compile. Must
 * never crash, hang, leak or trip a sanitizer; errors are fine. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inst.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0]) snprintf(path, sizeof path, "/tmp/riskmc-fuzz-%ld.ini", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    sim_inst inst;
    sim_err err;
    sim_open_opts o = {NULL, 0, (size & 1) != 0, RISKMC_SCENARIO_DIR "/sources.csv"};
    if (sim_inst_open(&inst, path, &o, &err) == 0) sim_inst_close(&inst);
    return 0;
}
