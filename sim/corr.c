/* corr.c - see corr.h. */
#define _GNU_SOURCE /* strtok_r */
#include "corr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "dist.h"
#include "inst.h"
#include "rng.h"

#define SLOTS 4 /* groups kept at once (threads work near one group boundary) */

typedef struct slot {
    uint64_t seed, group;
    bool used;
    uint64_t stamp;
    double *v;
} slot;

struct sim_corr {
    size_t k;
    size_t *idx;          /* correlated parameters */
    double *target;       /* k x k Spearman correlations */
    gsl_matrix *pchol;    /* lower Cholesky factor of the normal-score (Pearson) correlations */
    uint64_t *shuffle;    /* stream ids of the score shuffles */
    slot slots[SLOTS];
    uint64_t clock;
};

size_t sim_corr_count(const struct sim_corr *c, const size_t **idx)
{
    if (!c) return 0;
    *idx = c->idx;
    return c->k;
}

double sim_corr_target(const struct sim_corr *c, size_t a, size_t b)
{
    return c->target[a * c->k + b];
}

void sim_corr_free(struct sim_corr *c)
{
    if (!c) return;
    free(c->idx);
    free(c->target);
    if (c->pchol) gsl_matrix_free(c->pchol);
    free(c->shuffle);
    for (int i = 0; i < SLOTS; i++) free(c->slots[i].v);
    free(c);
}

/* ------------------------------------------------------------ the scenario */

static int suggest_param(const sim_inst *inst, const sim_entry *e, const char *name, sim_err *err)
{
    const char **cands = sim_malloc((inst->nparam + 1) * sizeof *cands);
    size_t n = 0;
    sim_buf all;
    sim_buf_init(&all);
    for (size_t i = 0; i < inst->nparam; i++)
        if (inst->param[i].uncertain) {
            cands[n++] = inst->param[i].name;
            sim_buf_printf(&all, "%s%s", all.len ? ", " : "", inst->param[i].name);
        }
    const char *s = sim_suggest(name, cands, n);
    long p = sim_inst_find_param(inst, name);
    if (p >= 0)
        sim_entry_err(e, err, "'%s' is a fixed value, not a distribution: only uncertain parameters can be correlated "
                              "or drawn by chance (allowed: %s)", name, all.len ? all.s : "none");
    else
        sim_entry_err(e, err, "unknown parameter '%s' (%s%s%sallowed: %s)", name, s ? "did you mean '" : "",
                      s ? s : "", s ? "'?; " : "", all.len ? all.s : "none");
    free(cands);
    sim_buf_free(&all);
    return -1;
}

static long uncertain_param(const sim_inst *inst, const sim_entry *e, const char *name, sim_err *err)
{
    long p = sim_inst_find_param(inst, name);
    if (p < 0 || !inst->param[p].uncertain) {
        suggest_param(inst, e, name, err);
        return -1;
    }
    return p;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = 0;
    return s;
}

static int resolve_chance(sim_inst *inst, sim_err *err)
{
    const sim_entry *e = sim_sc_get(&inst->sc, "uncertainty", "chance");
    if (!e) return 0;
    char *text = sim_strdup(e->v.str), *save = NULL;
    int rc = 0;
    for (char *tok = strtok_r(text, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
        char *name = trim(tok);
        if (!*name) continue;
        long p = uncertain_param(inst, e, name, err);
        if (p < 0) rc = -1;
        else if (inst->param[p].chance)
            rc = sim_entry_err(e, err, "%s is named twice (allowed: each parameter once)", name);
        else inst->param[p].chance = true;
    }
    free(text);
    return rc;
}

/* the smallest eigenvalue of a symmetric matrix */
static double min_eigen(const double *a, size_t k)
{
    gsl_matrix *m = gsl_matrix_alloc(k, k);
    for (size_t i = 0; i < k * k; i++) m->data[i] = a[i];
    gsl_vector *ev = gsl_vector_alloc(k);
    gsl_eigen_symm_workspace *w = gsl_eigen_symm_alloc(k);
    gsl_eigen_symm(m, ev, w);
    double lo = gsl_vector_min(ev);
    gsl_eigen_symm_free(w);
    gsl_vector_free(ev);
    gsl_matrix_free(m);
    return lo;
}

/* Cholesky factor (lower) of a k x k matrix, or NULL when it is not
 * positive definite. */
static gsl_matrix *cholesky(const double *a, size_t k)
{
    gsl_matrix *m = gsl_matrix_alloc(k, k);
    for (size_t i = 0; i < k * k; i++) m->data[i] = a[i];
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int st = gsl_linalg_cholesky_decomp1(m);
    gsl_set_error_handler(old);
    if (st != GSL_SUCCESS) {
        gsl_matrix_free(m);
        return NULL;
    }
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++) gsl_matrix_set(m, i, j, 0);
    return m;
}

int sim_corr_resolve(sim_inst *inst, sim_err *err)
{
    if (resolve_chance(inst, err) != 0) return -1;
    sim_scenario *sc = &inst->sc;
    /* the pairs, in file order */
    typedef struct pair {
        size_t a, b;
        double rho;
        const sim_entry *e;
    } pair;
    pair *pairs = NULL;
    size_t np = 0;
    int rc = 0;
    for (size_t i = 0; i < sc->n && rc == 0; i++) {
        const sim_entry *e = &sc->e[i];
        if (strcmp(e->section, "correlation") != 0) continue;
        long a = uncertain_param(inst, e, e->key, err);
        if (a < 0) {
            rc = -1;
            break;
        }
        char *text = sim_strdup(e->v.str), *save = NULL;
        size_t items = 0;
        for (char *tok = strtok_r(text, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
            char *colon = strrchr(tok, ':');
            if (!colon) {
                rc = sim_entry_err(e, err, "'%s' is not 'parameter: rank correlation' (allowed: other.parameter: "
                                           "rho, ... with -1 < rho < 1)", trim(tok));
                break;
            }
            *colon = 0;
            char *name = trim(tok), *num = trim(colon + 1);
            const char *why;
            double rho = 0;
            if (sim_parse_real(num, &rho, &why) != 0 || !(rho > -1 && rho < 1)) {
                rc = sim_entry_err(e, err, "rank correlation '%s' with %s is not a number strictly between -1 and 1 "
                                           "(allowed: -1 < rho < 1)", num, name);
                break;
            }
            long b = uncertain_param(inst, e, name, err);
            if (b < 0) {
                rc = -1;
                break;
            }
            if (a == b) {
                rc = sim_entry_err(e, err, "a parameter cannot be correlated with itself");
                break;
            }
            /* rank correlation by normal scores needs continuous laws: ties of
             * a discrete one would miss the target silently */
            for (int side = 0; side < 2 && rc == 0; side++) {
                const sim_param *q = &inst->param[side ? b : a];
                const sim_dist_kind kd = q->dist ? q->dist->kind : SIM_D_CONST;
                if (kd == SIM_D_CHOICE || kd == SIM_D_POISSON)
                    rc = sim_entry_err(e, err, "%s is drawn from a discrete law (%s): rank correlations apply to "
                                               "continuous laws only (allowed: uniform, loguniform, triangular, pert, "
                                               "normal, truncnormal, lognormal, beta, gamma)",
                                       q->name, kd == SIM_D_CHOICE ? "choice" : "poisson");
            }
            if (rc) break;
            for (size_t q = 0; q < np; q++)
                if ((pairs[q].a == (size_t)a && pairs[q].b == (size_t)b) ||
                    (pairs[q].a == (size_t)b && pairs[q].b == (size_t)a)) {
                    rc = sim_entry_err(e, err, "the pair %s, %s is already given at %s:%d", inst->param[a].name,
                                       inst->param[b].name, pairs[q].e->file, pairs[q].e->line);
                    break;
                }
            if (rc) break;
            pairs = sim_realloc(pairs, (np + 1) * sizeof *pairs);
            pairs[np++] = (pair){(size_t)a, (size_t)b, rho, e};
            items++;
        }
        free(text);
        if (rc == 0 && items == 0)
            rc = sim_entry_err(e, err, "no correlations given (allowed: other.parameter: rho, ...)");
    }
    if (rc != 0 || np == 0) {
        free(pairs);
        return rc;
    }
    for (size_t q = 0; q < np && rc == 0; q++)
        if (inst->param[pairs[q].a].chance || inst->param[pairs[q].b].chance)
            rc = sim_entry_err(pairs[q].e, err, "%s is drawn by chance ([uncertainty] chance): only uncertainty "
                                                "(outer) parameters can be correlated",
                               inst->param[inst->param[pairs[q].a].chance ? pairs[q].a : pairs[q].b].name);
    if (rc) {
        free(pairs);
        return rc;
    }

    struct sim_corr *c = sim_calloc(1, sizeof *c);
    c->idx = sim_malloc(2 * np * sizeof *c->idx);
    /* parameters in registration order */
    for (size_t i = 0; i < inst->nparam; i++)
        for (size_t q = 0; q < np; q++)
            if (pairs[q].a == i || pairs[q].b == i) {
                c->idx[c->k++] = i;
                break;
            }
    size_t k = c->k;
    c->target = sim_calloc(k * k, sizeof *c->target);
    double *pear = sim_calloc(k * k, sizeof *pear);
    for (size_t i = 0; i < k; i++) c->target[i * k + i] = pear[i * k + i] = 1;
    for (size_t q = 0; q < np; q++) {
        size_t a = 0, b = 0;
        for (size_t i = 0; i < k; i++) {
            if (c->idx[i] == pairs[q].a) a = i;
            if (c->idx[i] == pairs[q].b) b = i;
        }
        c->target[a * k + b] = c->target[b * k + a] = pairs[q].rho;
        /* the Pearson correlation of normal scores whose Spearman correlation is rho */
        pear[a * k + b] = pear[b * k + a] = 2 * sin(M_PI * pairs[q].rho / 6);
    }
    const sim_secline *sl = sim_sc_secline(sc, "correlation");
    gsl_matrix *chk = cholesky(c->target, k);
    if (!chk) {
        rc = sim_errf(err, "%s:%d: [correlation]: the rank correlations are not consistent: their matrix is not "
                           "positive definite (smallest eigenvalue %.4g); weaken the strongest correlations or "
                           "remove one of a contradictory set",
                      sl->file, sl->line, min_eigen(c->target, k));
    } else {
        gsl_matrix_free(chk);
        c->pchol = cholesky(pear, k);
        if (!c->pchol)
            rc = sim_errf(err, "%s:%d: [correlation]: the rank correlations are too close to inconsistent: as "
                               "normal-score correlations their matrix is not positive definite (smallest "
                               "eigenvalue %.4g); weaken the strongest correlations",
                          sl->file, sl->line, min_eigen(pear, k));
    }
    free(pear);
    free(pairs);
    if (rc) {
        sim_corr_free(c);
        return rc;
    }
    c->shuffle = sim_malloc(k * sizeof *c->shuffle);
    for (size_t j = 0; j < k; j++) c->shuffle[j] = sim_rng_stream_id("correlation", inst->param[c->idx[j]].name);
    inst->corr = c;
    return 0;
}

/* ------------------------------------------------------------ Iman-Conover */

typedef struct keyed {
    double t;
    size_t i;
} keyed;

static int by_key(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    if (a->t != b->t) return a->t < b->t ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

void sim_corr_group(const sim_inst *inst, uint64_t seed, uint64_t g, double *v)
{
    const struct sim_corr *c = inst->corr;
    const size_t k = c->k, G = SIM_CORR_GROUP;
    gsl_rng *r = sim_rng_alloc();
    double *x = sim_malloc(G * sizeof *x);
    gsl_matrix *R = gsl_matrix_alloc(G, k); /* scores, then the target-correlated scores */
    double *score = sim_malloc(G * sizeof *score), *col = sim_malloc(G * sizeof *col);
    for (size_t t = 0; t < G; t++) score[t] = gsl_cdf_ugaussian_Pinv((double)(t + 1) / (double)(G + 1));
    for (size_t j = 0; j < k; j++) {
        memcpy(col, score, G * sizeof *col);
        sim_rng_seek(r, seed, g, c->shuffle[j], 0, 0);
        gsl_ran_shuffle(r, col, G, sizeof *col);
        for (size_t t = 0; t < G; t++) gsl_matrix_set(R, t, j, col[t]);
    }
    /* F: Cholesky factor of the scores' own correlation (identity when it has none) */
    double *e = sim_malloc(k * k * sizeof *e);
    for (size_t a = 0; a < k; a++)
        for (size_t b = 0; b < k; b++) {
            gsl_vector_const_view ca = gsl_matrix_const_column(R, a), cb = gsl_matrix_const_column(R, b);
            e[a * k + b] = a == b ? 1 : gsl_stats_correlation(ca.vector.data, ca.vector.stride, cb.vector.data,
                                                             cb.vector.stride, G);
        }
    gsl_matrix *F = cholesky(e, k);
    free(e);
    /* T = R F^{-T} P^T, row by row: t = P (F^{-1} r) */
    for (size_t t = 0; t < G; t++) {
        gsl_vector_view row = gsl_matrix_row(R, t);
        if (F) gsl_blas_dtrsv(CblasLower, CblasNoTrans, CblasNonUnit, F, &row.vector);
        gsl_blas_dtrmv(CblasLower, CblasNoTrans, CblasNonUnit, c->pchol, &row.vector);
    }
    /* each parameter's own draws, sorted, handed out by the ranks of T */
    keyed *kv = sim_malloc(G * sizeof *kv);
    for (size_t j = 0; j < k; j++) {
        const sim_param *p = &inst->param[c->idx[j]];
        for (size_t t = 0; t < G; t++) {
            sim_rng_seek(r, seed, g * G + t, p->stream, 0, 0);
            x[t] = sim_dist_sample(p->dist, r);
        }
        gsl_sort(x, 1, G);
        for (size_t t = 0; t < G; t++) kv[t] = (keyed){gsl_matrix_get(R, t, j), t};
        qsort(kv, G, sizeof *kv, by_key);
        for (size_t rank = 0; rank < G; rank++) v[j * G + kv[rank].i] = x[rank];
    }
    free(kv);
    if (F) gsl_matrix_free(F);
    gsl_matrix_free(R);
    free(score);
    free(col);
    free(x);
    gsl_rng_free(r);
}

void sim_corr_apply(const sim_inst *inst, uint64_t seed, uint64_t trial, double *theta)
{
    struct sim_corr *c = inst->corr;
    const uint64_t g = trial / SIM_CORR_GROUP, t = trial % SIM_CORR_GROUP;
    const size_t k = c->k;
    bool done = false;
    /* fast path: the group is cached */
#pragma omp critical(sim_corr)
    {
        for (int s = 0; s < SLOTS; s++) {
            slot *sl = &c->slots[s];
            if (sl->used && sl->group == g && sl->seed == seed) {
                for (size_t j = 0; j < k; j++) theta[c->idx[j]] = sl->v[j * SIM_CORR_GROUP + t];
                sl->stamp = ++c->clock;
                done = true;
                break;
            }
        }
        if (!done) {
            /* compute it into the least recently used slot (under the lock:
             * other threads wait for it rather than compute it twice) */
            slot *lru = &c->slots[0];
            for (int s = 1; s < SLOTS; s++)
                if (!c->slots[s].used || (lru->used && c->slots[s].stamp < lru->stamp)) lru = &c->slots[s];
            if (!lru->v) lru->v = sim_malloc(k * SIM_CORR_GROUP * sizeof *lru->v);
            sim_corr_group(inst, seed, g, lru->v);
            lru->used = true;
            lru->seed = seed;
            lru->group = g;
            lru->stamp = ++c->clock;
            for (size_t j = 0; j < k; j++) theta[c->idx[j]] = lru->v[j * SIM_CORR_GROUP + t];
        }
    }
}
