/* registry.c - the models riskmc can run. */
#include <string.h>

#include "model.h"

extern const sim_model sim_model_detention, sim_model_detention_daily, sim_model_ishigami, sim_model_sobol_g;

static const sim_model *const MODELS[] = {&sim_model_detention, &sim_model_ishigami, &sim_model_sobol_g,
                                             &sim_model_detention_daily, NULL};

const sim_model *const *sim_models(void)
{
    return MODELS;
}

const sim_model *sim_model_find(const char *name)
{
    for (const sim_model *const *m = MODELS; *m; m++)
        if (strcmp((*m)->name, name) == 0) return *m;
    return NULL;
}
