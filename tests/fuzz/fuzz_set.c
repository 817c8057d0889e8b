/* fuzz_set.c - libFuzzer harness: any bytes as --set overrides (one per
 * line) applied to the shipped baseline, then the same checks as a file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inst.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536) return 0;
    char *text = sim_strndup((const char *)data, size);
    const char *sets[16];
    size_t n = 0;
    for (char *line = strtok(text, "\n"); line && n < 16; line = strtok(NULL, "\n")) sets[n++] = line;
    sim_inst inst;
    sim_err err;
    sim_open_opts o = {sets, n, false, NULL};
    if (sim_inst_open(&inst, RISKMC_SCENARIO_DIR "/baseline.ini", &o, &err) == 0) sim_inst_close(&inst);
    free(text);
    return 0;
}
