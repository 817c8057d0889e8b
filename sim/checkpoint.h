/* checkpoint.h - save the finished part of a long design run, so that a
 * killed run continues with --resume and ends with the same bytes.
 *
 * A checkpoint lives beside the results folder it will become
 * (results/.NAME.checkpoint), is replaced atomically (write, fsync, rename),
 * and names the run it belongs to by a fingerprint of everything that
 * decides the numbers (the command and the resolved scenario) and by the
 * riskmc build (version and commit) that wrote it, which alone may resume
 * it. It holds how many design indices are done and their outputs. */
#ifndef SIM_CHECKPOINT_H
#define SIM_CHECKPOINT_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

typedef struct sim_checkpoint {
    char *path;
    uint64_t fingerprint;
    uint64_t done;     /* design indices finished */
    size_t width;      /* doubles stored per design index */
    double *data;      /* done * width values */
} sim_checkpoint;

/* Path of the checkpoint of a results folder. */
char *sim_checkpoint_path(const char *outdir);
/* Before a run that does not --resume: an earlier run's checkpoint at path
 * is an error (its work is not thrown away unasked), unless force, which
 * discards it. */
int sim_checkpoint_fresh(const char *path, bool resume, bool force, sim_err *err);
/* Load a checkpoint; returns 1 when one exists for this fingerprint and
 * width, 0 when there is none, -1 (with err) when one exists for another run
 * or is damaged. */
int sim_checkpoint_load(sim_checkpoint *cp, const char *path, uint64_t fingerprint, size_t width, sim_err *err);
/* Write done * width values atomically. */
int sim_checkpoint_save(const char *path, uint64_t fingerprint, uint64_t done, size_t width, const double *data,
                        sim_err *err);
void sim_checkpoint_remove(const char *path);
void sim_checkpoint_free(sim_checkpoint *cp);

#endif
