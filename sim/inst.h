/* inst.h - open a scenario as a runnable instance of its model: read the
 * file chain, apply overrides, check every key and citation, compile the
 * model, and resolve thresholds and observations. */
#ifndef SIM_INST_H
#define SIM_INST_H

#include "model.h"

typedef struct sim_open_opts {
    const char *const *sets; /* "section.key=value" overrides, in order */
    size_t nsets;
    bool strict;             /* every parameter must cite a source */
    const char *sources;     /* registry path; NULL: find it (sources.h) */
} sim_open_opts;

int sim_inst_open(sim_inst *inst, const char *path, const sim_open_opts *o, sim_err *err);
void sim_inst_close(sim_inst *inst);

/* Parameter values for one trial: fixed values as they are, uncertain ones
 * drawn from their own streams keyed by (seed, trial), re-paired by the
 * scenario's [correlation] (corr.h); counts rounded. */
void sim_inst_sample(const sim_inst *inst, uint64_t seed, uint64_t trial, gsl_rng *r, double *theta);
/* The same for inner (chance) trial `inner` of outer sample `trial` in a
 * two-dimensional run: parameters marked chance are drawn at (trial, inner),
 * the others as for inner 0. sim_inst_sample is inner 0. */
void sim_inst_sample2(const sim_inst *inst, uint64_t seed, uint64_t trial, uint64_t inner, gsl_rng *r,
                      double *theta);
/* Draw the parameters marked chance ([uncertainty] chance) into theta at
 * (trial, inner), as sim_inst_sample2 draws them; the others are left. */
void sim_inst_chance(const sim_inst *inst, uint64_t seed, uint64_t trial, uint64_t inner, gsl_rng *r,
                     double *theta);
/* Round a parameter value as the model will use it (counts are whole). */
double sim_param_fix(const sim_param *p, double x);

/* Indices of the uncertain parameters; returns how many. The array is
 * malloc'd. */
size_t sim_inst_uncertain(const sim_inst *inst, size_t **idx);
/* The same without those marked chance: what a sensitivity design varies.
 * Their names, comma-separated, go to chance_names when not NULL. */
size_t sim_inst_studied(const sim_inst *inst, size_t **idx, sim_buf *chance_names);
long sim_inst_find_output(const sim_inst *inst, const char *name);
/* Is output o a headline output: shown in the table (or are there none, so
 * that every output is)? */
bool sim_inst_headline(const sim_inst *inst, size_t o);
long sim_inst_find_series(const sim_inst *inst, const char *name);
long sim_inst_find_param(const sim_inst *inst, const char *name);
/* "escaped, recaptured, ..." for messages. */
void sim_inst_output_list(const sim_inst *inst, sim_buf *out);

/* The scenario schema of a model: the engine's keys and the model's. */
void sim_schema_for(const sim_model *m, sim_schema *schema, const sim_keyspec *parts[3]);

#endif
