/* sobol_g.c - Sobol's g-function (Saltelli & Sobol' 1995), an analytic test
 * model for sensitivity analysis:
 *
 *   y = prod_i (|4 x_i - 2| + a_i) / (1 + a_i),  x_i ~ uniform(0, 1)
 *
 * Input i has first-order variance V_i = 1 / (3 (1 + a_i)^2) and
 * V = prod (1 + V_i) - 1, so S_i = V_i / V and
 * ST_i = V_i prod_{j != i} (1 + V_j) / V. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "model.h"

static const sim_keyspec KEYS[] = {
    {"sobol_g", "a", SIM_T_NUMBERS, SIM_K_CITE | SIM_K_REQUIRED, SIM_DOM_NONNEG, 0, 0,
     "one coefficient a_i >= 0 per input; small a_i = important input"},
    {"sobol_g", "x", SIM_T_DIST, SIM_K_CITE | SIM_K_REQUIRED, SIM_DOM_PROB, 0, 0,
     "the law of every input x_i (uniform(0, 1) in the benchmark)"},
    {NULL, NULL, 0, 0, 0, 0, 0, NULL},
};

typedef struct sobol_g {
    size_t k;
    double *a;
    size_t *x; /* parameter index of x_i */
} sobol_g;

static int compile(sim_inst *inst, sim_err *err)
{
    (void)err;
    const sim_entry *ea = sim_sc_get(&inst->sc, "sobol_g", "a"), *ex = sim_sc_get(&inst->sc, "sobol_g", "x");
    sobol_g *m = sim_calloc(1, sizeof *m);
    m->k = ea->v.n;
    m->a = sim_calloc(m->k, sizeof *m->a);
    m->x = sim_calloc(m->k, sizeof *m->x);
    for (size_t i = 0; i < m->k; i++) {
        char name[32];
        snprintf(name, sizeof name, "sobol_g.x%zu", i + 1);
        m->a[i] = ea->v.nums[i];
        m->x[i] = sim_inst_param(inst, ex, name);
    }
    sim_inst_output(inst, "y", false, SIM_SHOW_CHART, "prod_i (|4 x_i - 2| + a_i) / (1 + a_i)");
    inst->data = m;
    return 0;
}

static void release(sim_inst *inst)
{
    sobol_g *m = inst->data;
    if (m) free(m->a), free(m->x), free(m);
    inst->data = NULL;
}

static int trial(const sim_inst *inst, const double *theta, sim_trial *tr)
{
    const sobol_g *m = inst->data;
    double y = 1;
    for (size_t i = 0; i < m->k; i++) y *= (fabs(4 * theta[m->x[i]] - 2) + m->a[i]) / (1 + m->a[i]);
    tr->out[0] = y;
    return 0;
}

const sim_model sim_model_sobol_g = {
    "sobol_g", "Sobol' g-function: analytic test model for sensitivity analysis (Saltelli & Sobol' 1995)",
    KEYS, compile, release, NULL, NULL, trial, NULL, NULL,
};
