/* progress.h - one progress line on stderr for long runs (trials done, rate,
 * time left), redrawn at most a few times a second, only when stderr is a
 * terminal and the user did not ask for quiet. */
#ifndef SIM_PROGRESS_H
#define SIM_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct sim_progress {
    bool on;
    const char *label;
    uint64_t total;
    uint64_t from; /* done before the line started (a resumed run): left out of the rate */
    double t0, last;
    bool drawn;
} sim_progress;

/* Global switch set by --quiet. */
extern bool sim_progress_quiet;

void sim_progress_start(sim_progress *p, bool want, const char *label, uint64_t total);
/* The same for a run that resumes with `from` of its `total` done. */
void sim_progress_start_from(sim_progress *p, bool want, const char *label, uint64_t total, uint64_t from);
void sim_progress_update(sim_progress *p, uint64_t done);
void sim_progress_end(sim_progress *p, uint64_t done);

#endif
