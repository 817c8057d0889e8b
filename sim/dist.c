/* dist.c - parse, sample and describe distribution expressions (see dist.h).
 * Sampling and the special functions come from GSL; this file only parses
 * the language, checks arguments and maps each law to GSL. */
#include "dist.h"

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_sf_log.h>

typedef struct spec {
    const char *name;
    int nargs;
    const char *usage;
} spec;

static const spec SPECS[SIM_D_NKINDS] = {
    [SIM_D_CONST] = {"const", 1, "a number"},
    [SIM_D_UNIFORM] = {"uniform", 2, "uniform(a, b) with a < b"},
    [SIM_D_LOGUNIFORM] = {"loguniform", 2, "loguniform(a, b) with 0 < a < b"},
    [SIM_D_TRIANGULAR] = {"triangular", 3, "triangular(lo, mode, hi) with lo <= mode <= hi, lo < hi"},
    [SIM_D_PERT] = {"pert", 3, "pert(lo, mode, hi) with lo <= mode <= hi, lo < hi"},
    [SIM_D_NORMAL] = {"normal", 2, "normal(mu, sd) with sd > 0"},
    [SIM_D_TRUNCNORMAL] = {"truncnormal", 4, "truncnormal(mu, sd, lo, hi) with sd > 0, lo < hi"},
    [SIM_D_LOGNORMAL] = {"lognormal", 2, "lognormal(mu, sigma) with sigma > 0 (log X ~ normal(mu, sigma))"},
    [SIM_D_BETA] = {"beta", 2, "beta(a, b) with a and b from 0.001 to 100000"},
    [SIM_D_GAMMA] = {"gamma", 2, "gamma(shape, rate) with shape from 0.001 to 100000, rate > 0"},
    [SIM_D_POISSON] = {"poisson", 1, "poisson(mu) with mu from 0 to 1000000"},
    [SIM_D_CHOICE] = {"choice", -1, "choice(x1 @ w1, x2 @ w2, ...) with weights >= 0 summing to 1, or no weights"},
};

const char *sim_dist_kind_name(sim_dist_kind k)
{
    return SPECS[k].name;
}

const char *sim_dist_allowed(void)
{
    return "a number, uniform(a,b), loguniform(a,b), triangular(lo,mode,hi), "
           "pert(lo,mode,hi), normal(mu,sd), truncnormal(mu,sd,lo,hi), "
           "lognormal(mu,sigma), beta(a,b), gamma(shape,rate), poisson(mu), "
           "choice(x1 @ w1, x2 @ w2, ...)";
}

/* ---------------------------------------------------------------- parser */

typedef struct parser {
    const char *s;
    size_t pos;
    sim_err *err;
    int depth;
} parser;

static int perr(parser *p, size_t col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int perr(parser *p, size_t col, const char *fmt, ...)
{
    char what[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    /* "problem (character N of the value) (did you mean ...; allowed: ...)" */
    char *paren = strstr(what, " (");
    if (paren) {
        *paren = '\0';
        return sim_errf(p->err, "%s (character %zu of the value) %s", what, col + 1, paren + 1);
    }
    return sim_errf(p->err, "%s (character %zu of the value)", what, col + 1);
}

static void skip_ws(parser *p)
{
    while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t') p->pos++;
}

/* A number token: what the scenario language writes as a number. */
static int parse_number(parser *p, double *out)
{
    skip_ws(p);
    size_t start = p->pos;
    const char *s = p->s + start;
    int neg = 0;
    size_t k = 0;
    if (s[k] == '-' || s[k] == '+') neg = s[k] == '-', k++;
    if (strncmp(s + k, "pi", 2) == 0 && !isalnum((unsigned char)s[k + 2]) && s[k + 2] != '_') {
        *out = neg ? -M_PI : M_PI;
        p->pos += k + 2;
        return 0;
    }
    size_t n = k;
    while (s[n] && (isalnum((unsigned char)s[n]) || s[n] == '.' || s[n] == '_' ||
                    ((s[n] == '-' || s[n] == '+') && n > 0 && (s[n - 1] == 'e' || s[n - 1] == 'E'))))
        n++;
    if (n == 0) return perr(p, start, "expected a number (allowed: %s)", sim_dist_allowed());
    char tok[128];
    if (n >= sizeof tok) return perr(p, start, "number too long");
    memcpy(tok, s, n);
    tok[n] = '\0';
    const char *why;
    if (sim_parse_real(tok, out, &why) != 0)
        return perr(p, start, "'%s': %s (allowed: decimal numbers such as 12, 0.5, 1e-3, or pi)", tok, why);
    p->pos += n;
    return 0;
}

static int parse_expr(parser *p, sim_dist *d);

static int check_args(parser *p, size_t col, sim_dist *d)
{
    const double *a = d->a;
    const char *u = SPECS[d->kind].usage;
    bool ok = true;
    switch (d->kind) {
    case SIM_D_CONST: break;
    case SIM_D_UNIFORM: ok = a[0] < a[1]; break;
    case SIM_D_LOGUNIFORM: ok = 0 < a[0] && a[0] < a[1]; break;
    case SIM_D_TRIANGULAR:
    case SIM_D_PERT: ok = a[0] <= a[1] && a[1] <= a[2] && a[0] < a[2]; break;
    case SIM_D_NORMAL:
    case SIM_D_LOGNORMAL: ok = a[1] > 0; break;
    case SIM_D_TRUNCNORMAL:
        ok = a[1] > 0 && a[2] < a[3];
        if (ok) {
            double lo = (a[2] - a[0]) / a[1], hi = (a[3] - a[0]) / a[1];
            double mass = lo > 0 ? gsl_cdf_ugaussian_Q(lo) - gsl_cdf_ugaussian_Q(hi)
                                 : gsl_cdf_ugaussian_P(hi) - gsl_cdf_ugaussian_P(lo);
            if (!(mass > 1e-300))
                return perr(p, col, "truncnormal: [lo, hi] holds no probability mass of normal(mu, sd) (allowed: %s)", u);
        }
        break;
    case SIM_D_BETA:
        /* GSL's beta and gamma functions lose accuracy for shapes far
         * outside this range; such laws are point masses or spikes at 0 */
        ok = a[0] >= 1e-3 && a[0] <= 1e5 && a[1] >= 1e-3 && a[1] <= 1e5;
        break;
    case SIM_D_GAMMA: ok = a[0] >= 1e-3 && a[0] <= 1e5 && a[1] > 0 && a[0] / a[1] < 1e300; break;
    /* GSL's Poisson CDF (an incomplete gamma function) fails beyond about 2e6 */
    case SIM_D_POISSON: ok = a[0] >= 0 && a[0] <= 1e6; break;
    default: break;
    }
    if (!ok) return perr(p, col, "bad arguments for %s (allowed: %s)", SPECS[d->kind].name, u);
    /* Laws whose numbers overflow a double make NaN downstream. */
    if (d->kind == SIM_D_LOGNORMAL && a[0] + a[1] * a[1] > 700)
        return perr(p, col, "lognormal(mu, sigma) too large: its mean overflows (allowed: mu + sigma^2 <= 700)");
    for (int i = 0; i < SPECS[d->kind].nargs; i++)
        if (fabs(a[i]) > 1e300) return perr(p, col, "argument %d is too large (allowed: magnitudes up to 1e300)", i + 1);
    return 0;
}

static int parse_choice(parser *p, sim_dist *d, size_t col)
{
    size_t cap = 0;
    int nweighted = 0;
    for (;;) {
        skip_ws(p);
        size_t icol = p->pos;
        if (d->nitems == cap) {
            cap = cap ? 2 * cap : 4;
            d->items = sim_realloc(d->items, cap * sizeof *d->items);
            d->w = sim_realloc(d->w, cap * sizeof *d->w);
        }
        sim_dist *it = &d->items[d->nitems];
        memset(it, 0, sizeof *it);
        if (parse_expr(p, it) != 0) {
            sim_dist_free(it); /* a nested choice may hold items already */
            return -1;
        }
        d->nitems++;
        skip_ws(p);
        if (p->s[p->pos] == '@') {
            p->pos++;
            skip_ws(p);
            size_t wcol = p->pos;
            double w;
            if (parse_number(p, &w) != 0) return -1;
            if (w < 0) return perr(p, wcol, "choice weight %g is negative (allowed: weights >= 0)", w);
            d->w[d->nitems - 1] = w;
            nweighted++;
        } else {
            d->w[d->nitems - 1] = 1.0;
        }
        (void)icol;
        skip_ws(p);
        if (p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->s[p->pos] == ')') {
            p->pos++;
            break;
        }
        return perr(p, p->pos, "expected ',' or ')' in choice(...)");
    }
    if (nweighted != 0 && (size_t)nweighted != d->nitems)
        return perr(p, col, "choice: give a weight to every item or to none (allowed: %s)", SPECS[SIM_D_CHOICE].usage);
    double sum = 0;
    for (size_t i = 0; i < d->nitems; i++) sum += d->w[i];
    if (nweighted) {
        if (fabs(sum - 1.0) > 1e-6)
            return perr(p, col, "choice weights sum to %.10g, not 1 (allowed: %s)", sum, SPECS[SIM_D_CHOICE].usage);
        d->weighted = true;
    }
    for (size_t i = 0; i < d->nitems; i++) d->w[i] /= sum;
    d->table = gsl_ran_discrete_preproc(d->nitems, d->w);
    SIM_ASSERT(d->table != NULL);
    return 0;
}

static int parse_expr(parser *p, sim_dist *d)
{
    memset(d, 0, sizeof *d);
    skip_ws(p);
    size_t col = p->pos;
    const char *s = p->s + col;
    if (isalpha((unsigned char)*s) && !(s[0] == 'p' && s[1] == 'i' && !isalnum((unsigned char)s[2]))) {
        size_t n = 0;
        while (isalnum((unsigned char)s[n]) || s[n] == '_') n++;
        /* nan and inf are words, but not distributions: say why they are refused */
        if ((n == 3 && (strncasecmp(s, "nan", 3) == 0 || strncasecmp(s, "inf", 3) == 0)) ||
            (n == 8 && strncasecmp(s, "infinity", 8) == 0)) {
            d->kind = SIM_D_CONST;
            return parse_number(p, &d->a[0]);
        }
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(n < 63 ? n : 63), s);
        int kind = -1;
        for (int k = 1; k < SIM_D_NKINDS; k++)
            if (strcmp(SPECS[k].name, name) == 0) kind = k;
        if (kind < 0) {
            const char *cands[SIM_D_NKINDS];
            for (int k = 1; k < SIM_D_NKINDS; k++) cands[k - 1] = SPECS[k].name;
            const char *sug = sim_suggest(name, cands, SIM_D_NKINDS - 1);
            char hint[96] = "";
            if (sug) snprintf(hint, sizeof hint, "did you mean '%s'?; ", sug);
            return perr(p, col, "unknown distribution '%s' (%sallowed: %s)", name, hint, sim_dist_allowed());
        }
        d->kind = (sim_dist_kind)kind;
        p->pos += n;
        skip_ws(p);
        if (p->s[p->pos] != '(') return perr(p, p->pos, "expected '(' after %s", name);
        p->pos++;
        if (d->kind == SIM_D_CHOICE) {
            if (++p->depth > 8) return perr(p, col, "choice nested too deeply (allowed: 8 levels)");
            int rc = parse_choice(p, d, col);
            p->depth--;
            return rc;
        }
        int want = SPECS[kind].nargs, got = 0;
        for (;;) {
            skip_ws(p);
            if (p->s[p->pos] == ')' && got == 0) {
                p->pos++;
                break;
            }
            double v;
            if (parse_number(p, &v) != 0) return -1;
            if (got < 4) d->a[got] = v;
            got++;
            skip_ws(p);
            if (p->s[p->pos] == ',') {
                p->pos++;
                continue;
            }
            if (p->s[p->pos] == ')') {
                p->pos++;
                break;
            }
            return perr(p, p->pos, "expected ',' or ')' in %s(...)", name);
        }
        if (got != want)
            return perr(p, col, "%s takes %d argument%s, got %d (allowed: %s)", name, want,
                        want == 1 ? "" : "s", got, SPECS[kind].usage);
        return check_args(p, col, d);
    }
    d->kind = SIM_D_CONST;
    return parse_number(p, &d->a[0]);
}

int sim_dist_parse(const char *text, sim_dist *d, sim_err *err)
{
    parser p = {text, 0, err, 0};
    memset(d, 0, sizeof *d);
    if (parse_expr(&p, d) != 0) {
        sim_dist_free(d);
        return -1;
    }
    skip_ws(&p);
    if (p.s[p.pos] != '\0') {
        perr(&p, p.pos, "unexpected '%.*s' after the expression (allowed: one number or one distribution, "
                        "e.g. uniform(1, 2))", sim_utf8_len(p.s + p.pos), p.s + p.pos);
        sim_dist_free(d);
        return -1;
    }
    return 0;
}

void sim_dist_free(sim_dist *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->nitems; i++) sim_dist_free(&d->items[i]);
    free(d->items);
    free(d->w);
    if (d->table) gsl_ran_discrete_free(d->table);
    memset(d, 0, sizeof *d);
}

void sim_dist_copy(sim_dist *dst, const sim_dist *src)
{
    *dst = *src;
    if (src->kind != SIM_D_CHOICE) return;
    dst->items = sim_malloc(src->nitems * sizeof *dst->items);
    dst->w = sim_malloc(src->nitems * sizeof *dst->w);
    for (size_t i = 0; i < src->nitems; i++) {
        sim_dist_copy(&dst->items[i], &src->items[i]);
        dst->w[i] = src->w[i];
    }
    dst->table = gsl_ran_discrete_preproc(src->nitems, src->w);
}

bool sim_dist_is_const(const sim_dist *d)
{
    if (d->kind == SIM_D_CONST) return true;
    if (d->kind == SIM_D_POISSON) return d->a[0] == 0;
    if (d->kind != SIM_D_CHOICE) return false;
    double v = NAN;
    for (size_t i = 0; i < d->nitems; i++) {
        if (d->w[i] == 0) continue;
        if (!sim_dist_is_const(&d->items[i])) return false;
        double x = sim_dist_mean(&d->items[i]);
        if (!isnan(v) && x != v) return false;
        v = x;
    }
    return true;
}

/* ---------------------------------------------------------------- laws */

static double tri_quantile(const double *a, double u)
{
    double lo = a[0], m = a[1], hi = a[2];
    double fm = (m - lo) / (hi - lo);
    if (u < fm) return lo + sqrt(u * (hi - lo) * (m - lo));
    return hi - sqrt((1 - u) * (hi - lo) * (hi - m));
}

static void pert_shape(const double *a, double *al, double *be)
{
    *al = 1 + 4 * (a[1] - a[0]) / (a[2] - a[0]);
    *be = 1 + 4 * (a[2] - a[1]) / (a[2] - a[0]);
}

/* truncated normal through the inverse CDF, in the tail that keeps precision */
static double tn_quantile(const double *a, double u)
{
    double mu = a[0], sd = a[1], lo = (a[2] - mu) / sd, hi = (a[3] - mu) / sd, z;
    if (lo > 0) {
        double qa = gsl_cdf_ugaussian_Q(lo), qb = gsl_cdf_ugaussian_Q(hi);
        z = gsl_cdf_ugaussian_Qinv(qa - u * (qa - qb));
    } else {
        double pa = gsl_cdf_ugaussian_P(lo), pb = gsl_cdf_ugaussian_P(hi);
        z = gsl_cdf_ugaussian_Pinv(pa + u * (pb - pa));
    }
    double x = mu + sd * z;
    if (!(x >= a[2])) x = a[2];
    if (x > a[3]) x = a[3];
    return x;
}

double sim_dist_sample(const sim_dist *d, const gsl_rng *r)
{
    const double *a = d->a;
    switch (d->kind) {
    case SIM_D_CONST: return a[0];
    case SIM_D_UNIFORM: return gsl_ran_flat(r, a[0], a[1]);
    case SIM_D_LOGUNIFORM: return exp(gsl_ran_flat(r, log(a[0]), log(a[1])));
    case SIM_D_TRIANGULAR: return tri_quantile(a, gsl_rng_uniform(r));
    case SIM_D_PERT: {
        double al, be;
        pert_shape(a, &al, &be);
        return a[0] + (a[2] - a[0]) * gsl_ran_beta(r, al, be);
    }
    case SIM_D_NORMAL: return a[0] + gsl_ran_gaussian_ziggurat(r, a[1]);
    case SIM_D_TRUNCNORMAL: return tn_quantile(a, gsl_rng_uniform_pos(r));
    case SIM_D_LOGNORMAL: return gsl_ran_lognormal(r, a[0], a[1]);
    case SIM_D_BETA: return gsl_ran_beta(r, a[0], a[1]);
    case SIM_D_GAMMA: return gsl_ran_gamma(r, a[0], 1.0 / a[1]);
    case SIM_D_POISSON: return a[0] > 0 ? (double)gsl_ran_poisson(r, a[0]) : 0.0;
    case SIM_D_CHOICE: return sim_dist_sample(&d->items[gsl_ran_discrete(r, d->table)], r);
    default: SIM_ASSERT(0);
    }
}

double sim_dist_cdf(const sim_dist *d, double x)
{
    const double *a = d->a;
    switch (d->kind) {
    case SIM_D_CONST: return x >= a[0] ? 1.0 : 0.0;
    case SIM_D_UNIFORM: return x <= a[0] ? 0 : x >= a[1] ? 1 : (x - a[0]) / (a[1] - a[0]);
    case SIM_D_LOGUNIFORM:
        return x <= a[0] ? 0 : x >= a[1] ? 1 : log(x / a[0]) / log(a[1] / a[0]);
    case SIM_D_TRIANGULAR: {
        double lo = a[0], m = a[1], hi = a[2];
        if (x <= lo) return 0;
        if (x >= hi) return 1;
        if (x <= m) return (x - lo) * (x - lo) / ((hi - lo) * (m - lo));
        return 1 - (hi - x) * (hi - x) / ((hi - lo) * (hi - m));
    }
    case SIM_D_PERT: {
        double al, be;
        pert_shape(a, &al, &be);
        if (x <= a[0]) return 0;
        if (x >= a[2]) return 1;
        return gsl_cdf_beta_P((x - a[0]) / (a[2] - a[0]), al, be);
    }
    case SIM_D_NORMAL: return gsl_cdf_gaussian_P(x - a[0], a[1]);
    case SIM_D_TRUNCNORMAL: {
        if (x <= a[2]) return 0;
        if (x >= a[3]) return 1;
        double lo = (a[2] - a[0]) / a[1], hi = (a[3] - a[0]) / a[1], z = (x - a[0]) / a[1];
        if (lo > 0) {
            double qa = gsl_cdf_ugaussian_Q(lo), qb = gsl_cdf_ugaussian_Q(hi);
            return (qa - gsl_cdf_ugaussian_Q(z)) / (qa - qb);
        }
        double pa = gsl_cdf_ugaussian_P(lo), pb = gsl_cdf_ugaussian_P(hi);
        return (gsl_cdf_ugaussian_P(z) - pa) / (pb - pa);
    }
    case SIM_D_LOGNORMAL: return x <= 0 ? 0 : gsl_cdf_lognormal_P(x, a[0], a[1]);
    case SIM_D_BETA: return x <= 0 ? 0 : x >= 1 ? 1 : gsl_cdf_beta_P(x, a[0], a[1]);
    case SIM_D_GAMMA: return x <= 0 ? 0 : gsl_cdf_gamma_P(x, a[0], 1.0 / a[1]);
    case SIM_D_POISSON:
        if (x < 0) return 0;
        if (a[0] == 0) return 1;
        return gsl_cdf_poisson_P((unsigned)fmin(floor(x), 4e9), a[0]);
    case SIM_D_CHOICE: {
        double s = 0;
        for (size_t i = 0; i < d->nitems; i++) s += d->w[i] * sim_dist_cdf(&d->items[i], x);
        return s > 1 ? 1 : s;
    }
    default: SIM_ASSERT(0);
    }
}

/* Quantiles of beta and gamma by root finding (GSL's Brent solver) on GSL's
 * distribution functions: gsl_cdf_beta_Pinv and gsl_cdf_gamma_Pinv fail to
 * converge (a GSL error) for shapes far from 1, e.g. beta(1000, 1) or
 * gamma(0.001, 1), while gsl_cdf_*_P and _Q are accurate over the shapes
 * check_args allows. The root is sought in log (gamma) or logit (beta)
 * coordinates, where quantiles as small as 1e-300 are still found; the lower
 * tail is matched with P and the upper with Q, so both tails keep their
 * precision. */
typedef struct cdfpair {
    double (*P)(double x, double a, double b);
    double (*Q)(double x, double a, double b);
    double a, b, target;
    bool upper, logit;
} cdfpair;

static double cdf_x(const cdfpair *f, double y)
{
    return f->logit ? 1 / (1 + exp(-y)) : exp(y);
}

static double cdf_gap(double y, void *user)
{
    const cdfpair *f = user;
    double x = cdf_x(f, y);
    return f->upper ? f->target - f->Q(x, f->a, f->b) : f->P(x, f->a, f->b) - f->target;
}

/* The x whose cdf is u, with y = log(x) or logit(x) sought in [ylo, yhi]. */
static double invert_cdf(cdfpair *f, double u, double ylo, double yhi)
{
    f->upper = u > 0.5;
    f->target = f->upper ? 1 - u : u;
    if (cdf_gap(ylo, f) >= 0) return 0;
    if (cdf_gap(yhi, f) <= 0) return cdf_x(f, yhi);
    gsl_function fn = {cdf_gap, f};
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    SIM_ASSERT(s != NULL);
    gsl_root_fsolver_set(s, &fn, ylo, yhi);
    double y = ylo;
    for (int i = 0; i < 200; i++) {
        gsl_root_fsolver_iterate(s);
        y = gsl_root_fsolver_root(s);
        double lo = cdf_x(f, gsl_root_fsolver_x_lower(s)), hi = cdf_x(f, gsl_root_fsolver_x_upper(s));
        if (hi - lo <= 4 * DBL_EPSILON * hi) break;
    }
    gsl_root_fsolver_free(s);
    return cdf_x(f, y);
}

static double beta_quantile(double a, double b, double u)
{
    cdfpair f = {gsl_cdf_beta_P, gsl_cdf_beta_Q, a, b, 0, false, true};
    return invert_cdf(&f, u, -745, 40);
}

static double gamma_quantile(double shape, double rate, double u)
{
    cdfpair f = {gsl_cdf_gamma_P, gsl_cdf_gamma_Q, shape, 1.0 / rate, 0, false, false};
    double hi = (shape + 10 * sqrt(shape) + 10) / rate;
    while (gsl_cdf_gamma_Q(hi, shape, 1.0 / rate) > (u > 0.5 ? 1 - u : u) / 2 && hi < 1e300) hi *= 2;
    return invert_cdf(&f, u, log(DBL_MIN), log(hi));
}

static double poisson_quantile(double mu, double u)
{
    if (mu == 0) return 0;
    double k = mu < 30 ? 0 : floor(mu + sqrt(mu) * gsl_cdf_ugaussian_Pinv(u));
    if (k < 0) k = 0;
    while (gsl_cdf_poisson_P((unsigned)k, mu) < u) k++;
    while (k > 0 && gsl_cdf_poisson_P((unsigned)(k - 1), mu) >= u) k--;
    return k;
}

static double choice_quantile(const sim_dist *d, double u)
{
    /* The mixture quantile lies between the items' own quantiles. */
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < d->nitems; i++) {
        if (d->w[i] == 0) continue;
        double q = sim_dist_quantile(&d->items[i], u);
        if (q < lo) lo = q;
        if (q > hi) hi = q;
    }
    if (lo == hi || sim_dist_cdf(d, lo) >= u) return lo;
    if (sim_dist_is_integer(d)) {
        double a = floor(lo), b = ceil(hi); /* F(a) < u <= F(b) */
        while (b - a > 1) {
            double m = floor(a + (b - a) / 2);
            if (m <= a || m >= b) break; /* beyond 2^53 whole numbers are not all doubles */
            if (sim_dist_cdf(d, m) >= u) b = m;
            else a = m;
        }
        return b;
    }
    for (int it = 0; it < 200 && hi - lo > 1e-12 * (fabs(lo) + fabs(hi)); it++) {
        double m = 0.5 * (lo + hi);
        if (sim_dist_cdf(d, m) >= u) hi = m;
        else lo = m;
    }
    /* snap to an atom when the answer is one of the fixed items */
    for (size_t i = 0; i < d->nitems; i++)
        if (d->items[i].kind == SIM_D_CONST && fabs(d->items[i].a[0] - hi) <= 1e-9 * (1 + fabs(hi)))
            return d->items[i].a[0];
    return hi;
}

double sim_dist_quantile(const sim_dist *d, double u)
{
    const double *a = d->a;
    if (u <= 0) u = 1e-300;
    if (u >= 1) u = 1 - 1e-16;
    switch (d->kind) {
    case SIM_D_CONST: return a[0];
    case SIM_D_UNIFORM: return a[0] + u * (a[1] - a[0]);
    case SIM_D_LOGUNIFORM: return a[0] * exp(u * log(a[1] / a[0]));
    case SIM_D_TRIANGULAR: return tri_quantile(a, u);
    case SIM_D_PERT: {
        double al, be;
        pert_shape(a, &al, &be);
        return a[0] + (a[2] - a[0]) * beta_quantile(al, be, u);
    }
    case SIM_D_NORMAL: return a[0] + gsl_cdf_gaussian_Pinv(u, a[1]);
    case SIM_D_TRUNCNORMAL: return tn_quantile(a, u);
    case SIM_D_LOGNORMAL: return gsl_cdf_lognormal_Pinv(u, a[0], a[1]);
    case SIM_D_BETA: return beta_quantile(a[0], a[1], u);
    case SIM_D_GAMMA: return gamma_quantile(a[0], a[1], u);
    case SIM_D_POISSON: return poisson_quantile(a[0], u);
    case SIM_D_CHOICE: return choice_quantile(d, u);
    default: SIM_ASSERT(0);
    }
}

static double tn_moment(const double *a, int which)
{
    double mu = a[0], sd = a[1], al = (a[2] - mu) / sd, be = (a[3] - mu) / sd;
    double pa = gsl_ran_ugaussian_pdf(al), pb = gsl_ran_ugaussian_pdf(be);
    double z = al > 0 ? gsl_cdf_ugaussian_Q(al) - gsl_cdf_ugaussian_Q(be)
                      : gsl_cdf_ugaussian_P(be) - gsl_cdf_ugaussian_P(al);
    double r = (pa - pb) / z;
    if (which == 1) return mu + sd * r;
    double t = (isfinite(al) ? al * pa : 0) - (isfinite(be) ? be * pb : 0);
    return sd * sd * (1 + t / z - r * r);
}

double sim_dist_mean(const sim_dist *d)
{
    const double *a = d->a;
    switch (d->kind) {
    case SIM_D_CONST: return a[0];
    case SIM_D_UNIFORM: return 0.5 * (a[0] + a[1]);
    case SIM_D_LOGUNIFORM: return (a[1] - a[0]) / log(a[1] / a[0]);
    case SIM_D_TRIANGULAR: return (a[0] + a[1] + a[2]) / 3;
    case SIM_D_PERT: {
        double al, be;
        pert_shape(a, &al, &be);
        return a[0] + (a[2] - a[0]) * al / (al + be);
    }
    case SIM_D_NORMAL: return a[0];
    case SIM_D_TRUNCNORMAL: return tn_moment(a, 1);
    case SIM_D_LOGNORMAL: return exp(a[0] + 0.5 * a[1] * a[1]);
    case SIM_D_BETA: return a[0] / (a[0] + a[1]);
    case SIM_D_GAMMA: return a[0] / a[1];
    case SIM_D_POISSON: return a[0];
    case SIM_D_CHOICE: {
        double m = 0;
        for (size_t i = 0; i < d->nitems; i++) m += d->w[i] * sim_dist_mean(&d->items[i]);
        return m;
    }
    default: SIM_ASSERT(0);
    }
}

double sim_dist_var(const sim_dist *d)
{
    const double *a = d->a;
    switch (d->kind) {
    case SIM_D_CONST: return 0;
    case SIM_D_UNIFORM: return (a[1] - a[0]) * (a[1] - a[0]) / 12;
    case SIM_D_LOGUNIFORM: {
        double l = log(a[1] / a[0]), m = (a[1] - a[0]) / l;
        return (a[1] * a[1] - a[0] * a[0]) / (2 * l) - m * m;
    }
    case SIM_D_TRIANGULAR:
        return (a[0] * a[0] + a[1] * a[1] + a[2] * a[2] - a[0] * a[1] - a[0] * a[2] - a[1] * a[2]) / 18;
    case SIM_D_PERT: {
        double al, be, w = a[2] - a[0];
        pert_shape(a, &al, &be);
        return w * w * al * be / ((al + be) * (al + be) * (al + be + 1));
    }
    case SIM_D_NORMAL: return a[1] * a[1];
    case SIM_D_TRUNCNORMAL: return tn_moment(a, 2);
    case SIM_D_LOGNORMAL: return expm1(a[1] * a[1]) * exp(2 * a[0] + a[1] * a[1]);
    case SIM_D_BETA: {
        double s = a[0] + a[1];
        return a[0] * a[1] / (s * s * (s + 1));
    }
    case SIM_D_GAMMA: return a[0] / (a[1] * a[1]);
    case SIM_D_POISSON: return a[0];
    case SIM_D_CHOICE: {
        double m = sim_dist_mean(d), s2 = 0;
        for (size_t i = 0; i < d->nitems; i++) {
            double mi = sim_dist_mean(&d->items[i]);
            s2 += d->w[i] * (sim_dist_var(&d->items[i]) + mi * mi);
        }
        return s2 - m * m > 0 ? s2 - m * m : 0;
    }
    default: SIM_ASSERT(0);
    }
}

void sim_dist_support(const sim_dist *d, double *lo, double *hi)
{
    const double *a = d->a;
    switch (d->kind) {
    case SIM_D_CONST: *lo = *hi = a[0]; return;
    case SIM_D_UNIFORM:
    case SIM_D_LOGUNIFORM: *lo = a[0], *hi = a[1]; return;
    case SIM_D_TRIANGULAR:
    case SIM_D_PERT: *lo = a[0], *hi = a[2]; return;
    case SIM_D_NORMAL: *lo = -INFINITY, *hi = INFINITY; return;
    case SIM_D_TRUNCNORMAL: *lo = a[2], *hi = a[3]; return;
    case SIM_D_LOGNORMAL:
    case SIM_D_GAMMA: *lo = 0, *hi = INFINITY; return;
    case SIM_D_BETA: *lo = 0, *hi = 1; return;
    case SIM_D_POISSON: *lo = 0, *hi = a[0] > 0 ? INFINITY : 0; return;
    case SIM_D_CHOICE:
        *lo = INFINITY, *hi = -INFINITY;
        for (size_t i = 0; i < d->nitems; i++) {
            if (d->w[i] == 0) continue;
            double l, h;
            sim_dist_support(&d->items[i], &l, &h);
            if (l < *lo) *lo = l;
            if (h > *hi) *hi = h;
        }
        return;
    default: SIM_ASSERT(0);
    }
}

bool sim_dist_is_integer(const sim_dist *d)
{
    switch (d->kind) {
    case SIM_D_CONST: return d->a[0] == floor(d->a[0]);
    case SIM_D_POISSON: return true;
    case SIM_D_CHOICE:
        for (size_t i = 0; i < d->nitems; i++)
            if (d->w[i] > 0 && !sim_dist_is_integer(&d->items[i])) return false;
        return true;
    default: return false;
    }
}

static void fmt_num(sim_buf *out, double x)
{
    char s[32];
    if (x == M_PI) strcpy(s, "pi");
    else if (x == -M_PI) strcpy(s, "-pi");
    else sim_format_num(x, s);
    sim_buf_puts(out, s);
}

void sim_dist_format(const sim_dist *d, sim_buf *out)
{
    if (d->kind == SIM_D_CONST) {
        fmt_num(out, d->a[0]);
        return;
    }
    sim_buf_printf(out, "%s(", SPECS[d->kind].name);
    if (d->kind == SIM_D_CHOICE) {
        for (size_t i = 0; i < d->nitems; i++) {
            if (i) sim_buf_puts(out, ", ");
            sim_dist_format(&d->items[i], out);
            if (d->weighted) {
                sim_buf_puts(out, " @ ");
                fmt_num(out, d->w[i]);
            }
        }
    } else {
        for (int i = 0; i < SPECS[d->kind].nargs; i++) {
            if (i) sim_buf_puts(out, ", ");
            fmt_num(out, d->a[i]);
        }
    }
    sim_buf_putc(out, ')');
}
