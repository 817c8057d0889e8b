/* ishigami.c - the Ishigami function (Ishigami & Homma 1990), an analytic
 * test model for sensitivity analysis:
 *
 *   y = sin(x1) + a sin^2(x2) + b x3^4 sin(x1),  x1, x2, x3 ~ uniform(-pi, pi)
 *
 * With a = 7, b = 0.1 its Sobol indices are known in closed form
 * (S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437). */
#include <math.h>
#include <stdlib.h>

#include "model.h"

static const sim_keyspec KEYS[] = {
    {"ishigami", "a", SIM_T_DIST, SIM_K_CITE | SIM_K_REQUIRED, SIM_DOM_ANY, 0, 0, "coefficient a of sin^2(x2)"},
    {"ishigami", "b", SIM_T_DIST, SIM_K_CITE | SIM_K_REQUIRED, SIM_DOM_ANY, 0, 0, "coefficient b of x3^4 sin(x1)"},
    {"ishigami", "x1", SIM_T_DIST, SIM_K_CITE | SIM_K_REQUIRED, SIM_DOM_ANY, 0, 0, "input x1, uniform(-pi, pi) in the benchmark"},
    {"ishigami", "x2", SIM_T_DIST, SIM_K_CITE | SIM_K_REQUIRED, SIM_DOM_ANY, 0, 0, "input x2, uniform(-pi, pi) in the benchmark"},
    {"ishigami", "x3", SIM_T_DIST, SIM_K_CITE | SIM_K_REQUIRED, SIM_DOM_ANY, 0, 0, "input x3, uniform(-pi, pi) in the benchmark"},
    {NULL, NULL, 0, 0, 0, 0, 0, NULL},
};

typedef struct ishigami {
    size_t a, b, x[3]; /* parameter indices */
} ishigami;

static int compile(sim_inst *inst, sim_err *err)
{
    (void)err;
    ishigami *m = sim_calloc(1, sizeof *m);
    const sim_scenario *sc = &inst->sc;
    m->a = sim_inst_param(inst, sim_sc_get(sc, "ishigami", "a"), NULL);
    m->b = sim_inst_param(inst, sim_sc_get(sc, "ishigami", "b"), NULL);
    static const char *xs[3] = {"x1", "x2", "x3"};
    for (int i = 0; i < 3; i++) m->x[i] = sim_inst_param(inst, sim_sc_get(sc, "ishigami", xs[i]), NULL);
    sim_inst_output(inst, "y", false, SIM_SHOW_CHART, "sin(x1) + a sin^2(x2) + b x3^4 sin(x1)");
    inst->data = m;
    return 0;
}

static void release(sim_inst *inst)
{
    free(inst->data);
    inst->data = NULL;
}

static int trial(const sim_inst *inst, const double *theta, sim_trial *tr)
{
    const ishigami *m = inst->data;
    double x1 = theta[m->x[0]], x2 = theta[m->x[1]], x3 = theta[m->x[2]];
    double s2 = sin(x2);
    /* an overflow times 0 (x3^4 past a double at x1 = 0) is NAN, which the
     * engine refuses, as y may not lack a value */
    tr->out[0] = sin(x1) + theta[m->a] * s2 * s2 + theta[m->b] * pow(x3, 4) * sin(x1);
    return 0;
}

const sim_model sim_model_ishigami = {
    "ishigami", "Ishigami function: analytic test model for sensitivity analysis (Ishigami & Homma 1990)",
    KEYS, compile, release, NULL, NULL, trial, NULL, NULL,
};
