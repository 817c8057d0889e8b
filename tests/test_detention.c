/* test_detention.c - the detention model against closed-form answers.
 *
 * Each test starts from tests/data/quiet.ini, where nothing happens, and
 * switches on one process (or two competing ones) with --set overrides. The
 * output then has an exact distribution - binomial, Poisson, a capped
 * Poisson - and 20,000 trials must match its mean and variance within 4
 * standard errors and pass a chi-square test at level 0.001. Every trial of
 * every test also passes the model's own conservation check. */
#include "testutil.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#define QUIET "tests/data/quiet.ini"
#define TRIALS 20000

typedef struct binom_law {
    double p;
    unsigned n;
} binom_law;

static double binom_pmf(long k, const void *a)
{
    const binom_law *b = a;
    return k < 0 || k > (long)b->n ? 0 : gsl_ran_binomial_pdf((unsigned)k, b->p, b->n);
}

static double poisson_pmf(long k, const void *a)
{
    return k < 0 ? 0 : gsl_ran_poisson_pdf((unsigned)k, *(const double *)a);
}

static void expect_binomial(const double *x, unsigned n, double p)
{
    TU_ASSERT_MOMENTS(x, TRIALS, n * p, n * p * (1 - p));
    binom_law b = {p, n};
    double mx = 0;
    for (size_t i = 0; i < TRIALS; i++) mx = fmax(mx, x[i]);
    double pv = tu_chisq_int(x, TRIALS, binom_pmf, &b, 0, (long)mx);
    if (pv < 0.001) {
        print_error("chi-square p = %g against Binomial(%u, %g)\n", pv, n, p);
        fail();
    }
}

static double **run(const char *const *sets, size_t nwant, const char *const *names)
{
    double **out = calloc(nwant, sizeof *out);
    tu_run(QUIET, sets, TRIALS, 2026, 0, nwant, names, out);
    return out;
}

static void release(double **out, size_t n)
{
    for (size_t i = 0; i < n; i++) free(out[i]);
    free(out);
}

/* With only the pre-start recapture acting, at_large_end = J - Binomial(J, r). */
static void test_recapture_only(void **state)
{
    (void)state;
    const char *sets[] = {"initial.escaped0=1000", "escape.recapture_fraction=0.3", "time.horizon_days=1", NULL};
    const char *names[] = {"at_large_end", "recaptured", "force_end"};
    double **o = run(sets, 3, names);
    expect_binomial(o[0], 1000, 0.7);
    for (size_t i = 0; i < TRIALS; i++) {
        assert_true(o[1][i] == 0); /* counts recaptures during the run only */
        assert_true(o[2][i] == o[0][i]);
    }
    release(o, 3);
}

/* The day-0 at-large are split by group by the held0 shares unless
 * initial.at_large0_share says otherwise (MODEL.md 7); with several
 * facilities, by their shares weighted by the held0 each trial drew. All
 * leave on day 0 (route a: iraq, b: turkey), so infiltrated.iraq counts
 * group a. */
static void test_at_large0_split(void **state)
{
    (void)state;
    const char *names[] = {"infiltrated.iraq", "infiltrated"};
#define LEAVE "initial.escaped0=1000", "infiltration.rate.a=1e5", "infiltration.rate.b=1e5", "time.horizon_days=1"
    const char *held[] = {LEAVE, "facility.f.share=a: 0.9, b: 0.1", NULL};
    double **o = run(held, 2, names);
    for (size_t i = 0; i < TRIALS; i++) assert_true(o[1][i] == 1000);
    expect_binomial(o[0], 1000, 0.9);
    release(o, 2);
    const char *own[] = {LEAVE, "facility.f.share=a: 0.9, b: 0.1", "initial.at_large0_share=a: 0.2, b: 0.8", NULL};
    o = run(own, 2, names);
    expect_binomial(o[0], 1000, 0.2);
    release(o, 2);
    const char *two[] = {LEAVE, "facility.f.held0=1000", "facility.f.share=a: 1, b: 0", "facility.g.held0=3000",
                         "facility.g.share=a: 0, b: 1", "facility.g.event_rate=0", "facility.g.event_size=1",
                         "facility.g.trickle_rate=0", "facility.g.transfer_eligible=no", NULL};
    o = run(two, 2, names);
    expect_binomial(o[0], 1000, 0.25);
    release(o, 2);
    /* held0.<group>: g holds exactly 1,000 of a and 3,000 of b, so its
     * shares are 0.25 and 0.75; f holds nobody and weighs nothing */
    const char *bygroup[] = {LEAVE, "facility.f.held0=0", "facility.g.held0.a=1000", "facility.g.held0.b=3000",
                             "facility.g.event_rate=0", "facility.g.event_size=1", "facility.g.trickle_rate=0",
                             "facility.g.transfer_eligible=no", NULL};
    const char *held_names[] = {"infiltrated.iraq", "infiltrated", "held_end"};
    o = run(bygroup, 3, held_names);
    for (size_t i = 0; i < TRIALS; i++) assert_true(o[1][i] == 1000 && o[2][i] == 4000);
    expect_binomial(o[0], 1000, 0.25);
    release(o, 3);
#undef LEAVE
}

/* held0.<group> holds exactly what it says, group by group, with no
 * multinomial split: 600 of group b and nobody of a, shown by repatriating
 * group a at a rate that empties it within the day. */
static void test_held0_by_group(void **state)
{
    (void)state;
    const char *sets[] = {"facility.f.held0=0", "facility.g.held0.b=600", "facility.g.event_rate=0",
                          "facility.g.event_size=1", "facility.g.trickle_rate=0", "facility.g.transfer_eligible=no",
                          "repatriation.rate=1e5", "time.horizon_days=1", NULL};
    const char *names[] = {"held_end", "repatriated"};
    double **o = run(sets, 2, names);
    for (size_t i = 0; i < TRIALS; i++) assert_true(o[0][i] == 600 && o[1][i] == 0);
    release(o, 2);
}

/* One pool, two competing risks over a year: each person independently
 * leaves Syria with probability h_inf / h * (1 - exp(-h T)). */
static void test_competing_risks(void **state)
{
    (void)state;
    const char *sets[] = {"initial.latent0=5000", "ct.removals_per_year=500", "latent.infiltration_rate=0.4",
                          "route.latent=iraq: 0.5, turkey: 0.3, europe: 0.2", NULL};
    const char *names[] = {"infiltrated", "neutralized", "latent_end", "infiltrated.europe"};
    double **o = run(sets, 4, names);
    double h_ct = 500.0 / 5000, h_inf = 0.4, h = h_ct + h_inf, gone = -expm1(-h);
    expect_binomial(o[0], 5000, h_inf / h * gone);
    expect_binomial(o[1], 5000, h_ct / h * gone);
    expect_binomial(o[2], 5000, 1 - gone);
    expect_binomial(o[3], 5000, 0.2 * h_inf / h * gone);
    release(o, 4);
}

/* ct_rate = removals / (latent0 + at_large0): the same operations spread
 * over the pool the trial drew. */
static void test_ct_rate_spreads(void **state)
{
    (void)state;
    const char *sets[] = {"initial.latent0=1000", "initial.escaped0=1000", "ct.removals_per_year=200", NULL};
    const char *names[] = {"neutralized"};
    double **o = run(sets, 1, names);
    expect_binomial(o[0], 2000, -expm1(-0.1));
    release(o, 1);
}

/* Mass-escape events: one Bernoulli day after day. With size 1 and no
 * recapture, escaped = events ~ Binomial(H, 1 - exp(-rate dt)); a period
 * doubling the rate for 100 days adds a second binomial. */
static void test_escape_events(void **state)
{
    (void)state;
    const char *sets[] = {"facility.f.held0=100000", "facility.f.event_rate=12", NULL};
    const char *names[] = {"escape_events", "escaped", "at_large_end"};
    double **o = run(sets, 3, names);
    expect_binomial(o[0], 365, -expm1(-12.0 / 365));
    for (size_t i = 0; i < TRIALS; i++) assert_true(o[1][i] == o[0][i] && o[2][i] == o[0][i]);
    release(o, 3);

    const char *sets2[] = {"facility.f.held0=100000", "facility.f.event_rate=12", "period.p.start=2026-01-01",
                           "period.p.end=2026-04-10", "period.p.escape=2", NULL};
    o = run(sets2, 1, names);
    double p1 = -expm1(-12.0 / 365), p2 = -expm1(-24.0 / 365);
    TU_ASSERT_MOMENTS(o[0], TRIALS, 100 * p2 + 265 * p1, 100 * p2 * (1 - p2) + 265 * p1 * (1 - p1));
    release(o, 1);
}

/* Trickle escapes with recapture: escaped ~ Binomial(N, 1 - exp(-rT)), and
 * each escapee stays at large with probability 1 - recapture_fraction. */
static void test_trickle_and_recapture(void **state)
{
    (void)state;
    const char *sets[] = {"facility.f.held0=10000", "facility.f.share=a: 1", "facility.f.trickle_rate=0.2",
                          "escape.recapture_fraction=0.5", NULL};
    const char *names[] = {"escaped", "at_large_end", "recaptured", "held_end"};
    double **o = run(sets, 4, names);
    double p = -expm1(-0.2);
    expect_binomial(o[0], 10000, p);
    expect_binomial(o[1], 10000, p * 0.5);
    for (size_t i = 0; i < TRIALS; i++) {
        assert_true(o[0][i] == o[1][i] + o[2][i]);
        assert_true(o[3][i] == 10000 - o[0][i]);
    }
    release(o, 4);
}

/* A shock larger than the holding takes everyone, once. */
static void test_shock_capped(void **state)
{
    (void)state;
    const char *sets[] = {"facility.f.held0=200", "shock.s.date=2026-01-04", "shock.s.facility=f", "shock.s.size=300",
                          NULL};
    const char *names[] = {"escaped", "escape_events", "first_escape_day", "held_end"};
    double **o = run(sets, 4, names);
    for (size_t i = 0; i < TRIALS; i++)
        assert_true(o[0][i] == 200 && o[1][i] == 1 && o[2][i] == 3 && o[3][i] == 0);
    release(o, 4);
}

/* A shock whose size is 0 is a break that did not happen: no escapee, no
 * event. With size choice(0 @ 0.5, 300 @ 0.5) at a facility of 200, the
 * trials split into all-or-nothing, Binomial(TRIALS, 1/2) of them broken. */
static void test_shock_size_zero(void **state)
{
    (void)state;
    const char *sets[] = {"facility.f.held0=200", "shock.s.date=2026-01-04", "shock.s.facility=f",
                          "shock.s.size=choice(0 @ 0.5, 300 @ 0.5)", NULL};
    const char *names[] = {"escaped", "escape_events", "first_escape_day"};
    double **o = run(sets, 3, names);
    double broken[TRIALS];
    for (size_t i = 0; i < TRIALS; i++) {
        broken[i] = o[1][i];
        if (o[1][i] == 1) assert_true(o[0][i] == 200 && o[2][i] == 3);
        else assert_true(o[1][i] == 0 && o[0][i] == 0 && isnan(o[2][i]));
    }
    TU_ASSERT_MOMENTS(broken, TRIALS, 0.5, 0.25);
    release(o, 3);
}

/* Transfers: a Poisson count a day, capped by what remains of the target:
 * transferred = min(Poisson(rate H), target - done_before). */
static double capped_poisson_pmf(long k, const void *a)
{
    const double *mu = a;
    if (k < 90) return gsl_ran_poisson_pdf((unsigned)k, *mu);
    if (k == 90) return gsl_cdf_poisson_Q(89, *mu);
    return 0;
}

static void test_transfer(void **state)
{
    (void)state;
    const char *sets[] = {"facility.f.held0=100000", "transfer.rate_per_day=5", "transfer.target_total=10000000",
                          "time.horizon_days=30", NULL};
    const char *names[] = {"transferred", "held_end"};
    double **o = run(sets, 2, names);
    double mu = 150;
    TU_ASSERT_MOMENTS(o[0], TRIALS, mu, mu);
    double mx = 0;
    for (size_t i = 0; i < TRIALS; i++) mx = fmax(mx, o[0][i]);
    assert_true(tu_chisq_int(o[0], TRIALS, poisson_pmf, &mu, 0, (long)mx) > 0.001);
    release(o, 2);

    const char *sets2[] = {"facility.f.held0=100000", "transfer.rate_per_day=3", "transfer.target_total=100",
                           "transfer.done_before_start=10", "time.horizon_days=30", NULL};
    o = run(sets2, 1, names);
    mu = 90;
    assert_true(tu_chisq_int(o[0], TRIALS, capped_poisson_pmf, &mu, 0, 90) > 0.001);
    for (size_t i = 0; i < TRIALS; i++) assert_true(o[0][i] <= 90);
    release(o, 1);
}

/* Transfers start on their date, not before. */
static void test_transfer_start(void **state)
{
    (void)state;
    const char *sets[] = {"facility.f.held0=1000", "transfer.rate_per_day=2", "transfer.target_total=100000",
                          "transfer.start=2026-01-21", "time.horizon_days=30", NULL};
    const char *names[] = {"transferred"};
    double **o = run(sets, 1, names);
    double mu = 20; /* days 20..29 */
    TU_ASSERT_MOMENTS(o[0], TRIALS, mu, mu);
    release(o, 1);
}

static void test_camp_repatriation_breach(void **state)
{
    (void)state;
    const char *sets[] = {"initial.dispersed0=10000", "camp.recruit_rate=0.05",
                          "facility.f.held0=2000",   "facility.f.share=a: 1",
                          "repatriation.rate=0.5",   "initial.iraq_custody0=1000",
                          "iraq.breach_rate=6",      NULL};
    const char *names[] = {"recruits", "repatriated", "iraq_breaches", "iraq_escaped", "latent_end"};
    double **o = run(sets, 5, names);
    expect_binomial(o[0], 10000, -expm1(-0.05));
    expect_binomial(o[1], 2000, -expm1(-0.5));
    expect_binomial(o[2], 365, -expm1(-6.0 / 365));
    for (size_t i = 0; i < TRIALS; i++) assert_true(o[3][i] == 0 && o[4][i] == o[0][i]);
    release(o, 5);
}

/* MODEL.md 5.5: a breach is an event each day whatever custody holds; an
 * empty custody's breach frees nobody but counts. */
static void test_breach_empty_custody(void **state)
{
    (void)state;
    const char *sets[] = {"initial.iraq_custody0=0", "iraq.breach_rate=6", "iraq.breach_fraction=0.5", NULL};
    const char *names[] = {"iraq_breaches", "iraq_escaped"};
    double **o = run(sets, 2, names);
    expect_binomial(o[0], 365, -expm1(-6.0 / 365));
    for (size_t i = 0; i < TRIALS; i++) assert_true(o[1][i] == 0);
    release(o, 2);
}

/* A breach frees Binomial(custody, fraction), counted as infiltrated.iraq. */
static void test_breach_fraction(void **state)
{
    (void)state;
    const char *sets[] = {"initial.iraq_custody0=1000", "iraq.breach_rate=1000000", "iraq.breach_fraction=0.25",
                          "time.horizon_days=1", NULL};
    const char *names[] = {"iraq_escaped", "infiltrated.iraq", "iraq_breaches"};
    double **o = run(sets, 3, names);
    expect_binomial(o[0], 1000, 0.25);
    for (size_t i = 0; i < TRIALS; i++) assert_true(o[1][i] == o[0][i] && o[2][i] == 1);
    release(o, 3);
}

/* The fast stepper (event clocks) and the naive one (every process every
 * day) must give the same distribution of every output: two samples of
 * 12,000 trials each, means within 4.5 combined standard errors and a
 * two-sample Kolmogorov-Smirnov distance below its 0.001 critical value. */
static void same_law(const char *path, const char *const *extra, uint64_t n)
{
    const char *names[] = {"escaped", "recaptured", "at_large_end", "latent_end", "transferred", "held_end",
                           "repatriated", "neutralized", "infiltrated", "infiltrated.iraq", "recruits",
                           "escape_events", "iraq_escaped", "first_escape_day"};
    size_t k = sizeof names / sizeof *names;
    const char *sets[16];
    size_t ns = 0;
    for (; extra && extra[ns]; ns++) sets[ns] = extra[ns];
    sets[ns] = NULL;
    double *fast[16], *daily[16];
    tu_run(path, sets, n, 777, 0, k, names, fast);
    sets[ns] = "scenario.model=detention_daily";
    sets[ns + 1] = NULL;
    tu_run(path, sets, n, 4242, 0, k, names, daily);
    for (size_t i = 0; i < k; i++) {
        size_t na = 0, nb = 0;
        for (size_t j = 0; j < n; j++) {
            if (!isnan(fast[i][j])) fast[i][na++] = fast[i][j];
            if (!isnan(daily[i][j])) daily[i][nb++] = daily[i][j];
        }
        moments a = tu_moments(fast[i], na), b = tu_moments(daily[i], nb);
        double se = sqrt(a.se_mean * a.se_mean + b.se_mean * b.se_mean) + 1e-12;
        gsl_sort(fast[i], 1, na);
        gsl_sort(daily[i], 1, nb);
        double d = 0;
        for (size_t x = 0, y = 0; x < na && y < nb;) {
            double v = fast[i][x] < daily[i][y] ? fast[i][x] : daily[i][y];
            while (x < na && fast[i][x] <= v) x++;
            while (y < nb && daily[i][y] <= v) y++;
            d = fmax(d, fabs((double)x / (double)na - (double)y / (double)nb));
        }
        double crit = 1.949 * sqrt((double)(na + nb) / ((double)na * (double)nb));
        if (fabs(a.mean - b.mean) > 4.5 * se || d > crit) {
            print_error("%s %s: fast mean %.6g, daily mean %.6g (se %.3g); KS %.4f (critical %.4f)\n", path,
                        names[i], a.mean, b.mean, se, d, crit);
            fail();
        }
        free(fast[i]), free(daily[i]);
    }
}

static void test_fast_matches_daily_baseline(void **state)
{
    (void)state;
    same_law("scenarios/baseline.ini", NULL, 12000);
}

static void test_fast_matches_daily_hindcast(void **state)
{
    (void)state;
    same_law("scenarios/hindcast-2026q1.ini", NULL, 12000);
}

/* every clock busy: trickle, repatriation, halts, breaches, multiplier changes */
static void test_fast_matches_daily_busy(void **state)
{
    (void)state;
    const char *sets[] = {"facility.ne_syria_prisons.trickle_rate=uniform(0.05, 0.3)",
                          "repatriation.rate=uniform(0.2, 0.6)",
                          "transfer.halt_rate=20",
                          "transfer.target_total=9000",
                          "iraq.breach_rate=3",
                          "period.p.start=2026-06-01",
                          "period.p.end=2026-08-15",
                          "period.p.escape=4",
                          "period.p.infiltration=0.3",
                          "period.p.recruit=5",
                          NULL};
    same_law("scenarios/baseline.ini", sets, 12000);
}

/* The latent pool day by day. N latent members leave at 500 / N a year to
 * counter-terrorism and 0.4 to infiltration, the latter tripled from day
 * 120 to day 242; C camp members join the pool at 2 a year and are at risk
 * from the next day. Every person moves independently, so each daily value
 * of `latent` and `infiltrated_cum` is a sum of two binomials whose
 * probabilities a day-by-day recursion over one person's states gives. The
 * mean over 20,000 trials must lie within 4.5 standard errors of the exact
 * mean on every day: for the daily stepper, and for the fast one, which
 * draws the departures of a pool ahead unless it is busy (16 or more a day:
 * N = 200,000 for the latent pool, C = 20,000 for the camp), by rejection
 * or, when most of the pool leaves within a segment (N = 200, 50), by
 * inversion. */
static void latent_days(const char *model, int N, int C)
{
    char latent0[64], dispersed0[64];
    snprintf(latent0, sizeof latent0, "initial.latent0=%d", N);
    snprintf(dispersed0, sizeof dispersed0, "initial.dispersed0=%d", C);
    const char *sets[] = {latent0, "ct.removals_per_year=500", "latent.infiltration_rate=0.4",
                          dispersed0, "camp.recruit_rate=2", "period.p.start=2026-05-01",
                          "period.p.end=2026-08-31", "period.p.infiltration=3", model, NULL};
    sim_open_opts o = {sets, 9, false, NULL};
    sim_inst inst;
    sim_err err;
    assert_int_equal(sim_inst_open(&inst, QUIET, &o, &err), 0);
    sim_seriesacc acc;
    sim_seriesacc_init(&acc, &inst);
    tu_collect c = {&inst, 0, {0}, {0}, 0};
    sim_runcfg cfg = {0};
    cfg.seed = 31;
    cfg.n = TRIALS;
    cfg.want_series = true;
    assert_int_equal(sim_engine_run(&inst, &cfg, &acc, tu_on_block, &c, &err), 0);
    const sim_sgrid *lat = &acc.g[sim_inst_find_series(&inst, "latent")];
    const sim_sgrid *inf = &acc.g[sim_inst_find_series(&inst, "infiltrated_cum")];
    /* one person's chances: [0] starting latent, [1] starting in the camp */
    double camp[2] = {0, 1}, latent[2] = {1, 0}, infil[2] = {0, 0};
    const double dt = 1.0 / 365, h_ct = 500.0 / N, join = -expm1(-2 * dt);
    for (int t = 0; t < inst.horizon; t++) {
        double h_inf = t >= 120 && t <= 242 ? 1.2 : 0.4, leave = -expm1(-(h_ct + h_inf) * dt);
        for (int k = 0; k < 2; k++) {
            infil[k] += latent[k] * leave * h_inf / (h_ct + h_inf); /* step 7 */
            latent[k] *= 1 - leave;
            latent[k] += camp[k] * join; /* step 8 */
            camp[k] *= 1 - join;
        }
        const double n[2] = {N, C};
        double ml = 0, vl = 0, mi = 0, vi = 0;
        for (int k = 0; k < 2; k++) {
            ml += n[k] * latent[k], vl += n[k] * latent[k] * (1 - latent[k]);
            mi += n[k] * infil[k], vi += n[k] * infil[k] * (1 - infil[k]);
        }
        double gl = sim_sgrid_mean(lat, t), gi = sim_sgrid_mean(inf, t);
        if (fabs(gl - ml) > 4.5 * sqrt(vl / TRIALS) || fabs(gi - mi) > 4.5 * sqrt(vi / TRIALS)) {
            print_error("%s, N %d, C %d, day %d: latent mean %.3f (exact %.3f, se %.3f), infiltrated_cum mean %.3f (exact %.3f, "
                        "se %.3f)\n",
                        model, N, C, t, gl, ml, sqrt(vl / TRIALS), gi, mi, sqrt(vi / TRIALS));
            fail();
        }
    }
    sim_seriesacc_free(&acc);
    sim_inst_close(&inst);
}

static void test_latent_days_fast(void **state)
{
    (void)state;
    latent_days("scenario.model=detention", 5000, 2000);
    latent_days("scenario.model=detention", 200000, 2000);
    latent_days("scenario.model=detention", 5000, 20000);
    /* small pools at high hazards (500 / N a year): most leave within a
     * segment, whose days are then drawn by inversion */
    latent_days("scenario.model=detention", 200, 2000);
    latent_days("scenario.model=detention", 50, 2000);
}

static void test_latent_days_daily(void **state)
{
    (void)state;
    latent_days("scenario.model=detention_daily", 5000, 2000);
}

/* Same seed, same outputs, whatever the thread count. */
static void test_threads_do_not_matter(void **state)
{
    (void)state;
    const char *names[] = {"escaped", "force_end", "infiltrated.europe"};
    double *a[3], *b[3];
    tu_run("scenarios/baseline.ini", NULL, 3000, 99, 1, 3, names, a);
    tu_run("scenarios/baseline.ini", NULL, 3000, 99, 2, 3, names, b);
    for (int k = 0; k < 3; k++) {
        assert_memory_equal(a[k], b[k], 3000 * sizeof(double));
        free(a[k]), free(b[k]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recapture_only),     cmocka_unit_test(test_at_large0_split), cmocka_unit_test(test_held0_by_group),
        cmocka_unit_test(test_competing_risks),
        cmocka_unit_test(test_ct_rate_spreads),    cmocka_unit_test(test_escape_events),
        cmocka_unit_test(test_trickle_and_recapture), cmocka_unit_test(test_shock_capped),
        cmocka_unit_test(test_shock_size_zero),
        cmocka_unit_test(test_transfer),           cmocka_unit_test(test_transfer_start),
        cmocka_unit_test(test_camp_repatriation_breach), cmocka_unit_test(test_breach_fraction),
        cmocka_unit_test(test_breach_empty_custody),
        cmocka_unit_test(test_threads_do_not_matter),
        cmocka_unit_test(test_fast_matches_daily_baseline), cmocka_unit_test(test_fast_matches_daily_hindcast),
        cmocka_unit_test(test_fast_matches_daily_busy),
        cmocka_unit_test(test_latent_days_fast),   cmocka_unit_test(test_latent_days_daily),
    };
    return cmocka_run_group_tests_name("detention", tests, NULL, NULL);
}
