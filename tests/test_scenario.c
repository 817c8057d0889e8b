/* test_scenario.c - the scenario language: values, citations, extends,
 * remove, --set, and the exact error messages for what is wrong. */
#include "testutil.h"

#include "scenario.h"

static const char *PARENT =
    "[scenario]\n"
    "name = parent\n"
    "model = detention\n"
    "[time]\n"
    "start_date = 2026-01-01 [S0]\n"
    "horizon_days = 30\n"
    "[period.one]\n"
    "escape = 2 [assumption]\n"
    "[period.two]\n"
    "ct = uniform(0.5, 1) [F16, assumption]\n";

static char *write_pair(const char *child)
{
    char *p = tu_write_tmp("parent.ini", PARENT);
    char *dir = sim_strndup(p, (size_t)(strrchr(p, '/') - p));
    char *c = sim_asprintf("%s/child.ini", dir);
    FILE *f = fopen(c, "w");
    fputs(child, f);
    fclose(f);
    free(dir);
    free(p);
    return c;
}

static void test_extends_remove(void **state)
{
    (void)state;
    char *c = write_pair("[scenario]\nextends = parent.ini\nremove = period.one\n[time]\nhorizon_days = 60 [E1]\n");
    sim_scenario sc;
    sim_err err;
    assert_int_equal(sim_scenario_load(&sc, c, &err), 0);
    assert_string_equal(sim_sc_text(&sc, "time", "horizon_days"), "60 [E1]");
    assert_string_equal(sim_sc_text(&sc, "time", "start_date"), "2026-01-01 [S0]");
    assert_null(sim_sc_text(&sc, "period.one", "escape"));
    assert_non_null(sim_sc_text(&sc, "period.two", "ct"));
    /* a child writes its own results: the name is not inherited */
    assert_string_equal(sc.name, "child");
    assert_int_equal(sc.nfiles, 2);
    /* the overriding value remembers where it was set */
    const sim_entry *e = sim_sc_get(&sc, "time", "horizon_days");
    assert_string_equal(e->file, c);
    assert_int_equal(e->line, 5);
    sim_scenario_free(&sc);
    free(c);
}

static void test_remove_unknown(void **state)
{
    (void)state;
    char *c = write_pair("[scenario]\nextends = parent.ini\nremove = period.three\n");
    sim_scenario sc;
    sim_err err;
    assert_int_equal(sim_scenario_load(&sc, c, &err), -1);
    char *want = sim_asprintf("%s:3: scenario.remove: 'period.three' is not set by the scenarios this one extends "
                              "(allowed: a section or section.key they set)", c);
    assert_string_equal(err.msg, want);
    free(want);
    free(c);
}

static void test_cycle(void **state)
{
    (void)state;
    char *p = tu_write_tmp("a.ini", "[scenario]\nextends = b.ini\n");
    char *dir = sim_strndup(p, (size_t)(strrchr(p, '/') - p));
    char *b = sim_asprintf("%s/b.ini", dir);
    FILE *f = fopen(b, "w");
    fputs("[scenario]\nextends = a.ini\n", f);
    fclose(f);
    sim_scenario sc;
    sim_err err;
    assert_int_equal(sim_scenario_load(&sc, p, &err), -1);
    char *want = sim_asprintf("%s:2: scenario.extends: 'a.ini' closes a cycle (%s -> %s -> %s; allowed: a chain of "
                              "distinct files)", b, p, b, p);
    assert_string_equal(err.msg, want);
    free(want);
    free(p), free(b), free(dir);
}

static void test_open_and_citations(void **state)
{
    (void)state;
    sim_inst inst;
    sim_err err;
    const char *sets[] = {"initial.latent0=uniform(1500, 3000) [F17]", "infiltration.rate.a=0.5",
                          "facility.f.held0=12", "route.latent=iraq: 0.25, europe: 0.75",
                          "ct.removals_per_year=320 [F12] [F01, assumption]"};
    sim_open_opts o = {sets, 5, false, NULL};
    assert_int_equal(sim_inst_open(&inst, "tests/data/quiet.ini", &o, &err), 0);
    const sim_entry *e = sim_sc_full(&inst.sc, "initial.latent0");
    assert_string_equal(e->text, "uniform(1500, 3000)");
    assert_int_equal(e->ncites, 1);
    assert_string_equal(e->cites[0], "F17");
    assert_string_equal(e->file, "--set");
    assert_int_equal(e->line, 1);
    /* several bracketed groups: one list, in the order written */
    e = sim_sc_full(&inst.sc, "ct.removals_per_year");
    assert_string_equal(e->text, "320");
    assert_int_equal(e->ncites, 3);
    assert_string_equal(e->cites[0], "F12");
    assert_string_equal(e->cites[1], "F01");
    assert_string_equal(e->cites[2], "assumption");
    assert_true(sim_sc_full(&inst.sc, "facility.f.held0")->v.dist.a[0] == 12);
    assert_true(sim_sc_full(&inst.sc, "route.latent")->v.nums[1] == 0.75);
    long p = sim_inst_find_param(&inst, "initial.latent0");
    assert_true(p >= 0 && inst.param[p].uncertain && inst.param[p].count);
    sim_inst_close(&inst);
}

static void expect_open_error(const char *const *sets, size_t n, bool strict, const char *want)
{
    sim_inst inst;
    sim_err err;
    sim_open_opts o = {sets, n, strict, NULL};
    assert_int_equal(sim_inst_open(&inst, "tests/data/quiet.ini", &o, &err), -1);
    assert_string_equal(err.msg, want);
}

static void test_errors(void **state)
{
    (void)state;
    const char *s1[] = {"facility.f.evnt_rate=2"};
    expect_open_error(s1, 1, false, "--set:1: facility.f.evnt_rate: unknown key (did you mean 'facility.f.event_rate'?; "
                                    "allowed: section.key names that `riskmc show` lists)");
    const char *s1b[] = {"ct.removals_per_year=320 [F12] []"};
    expect_open_error(s1b, 1, false,
                      "--set:1: ct.removals_per_year: empty citation [] (allowed: [source id, ...] or [assumption])");
    const char *s2[] = {"escape.recapture_fraction=1.5"};
    expect_open_error(s2, 1, false,
                      "--set:1: escape.recapture_fraction: 1.5 is outside [0, 1] (allowed: a probability within "
                      "[0, 1])");
    const char *s3[] = {"initial.latent0=normal(100, 10)"};
    expect_open_error(s3, 1, false,
                      "--set:1: initial.latent0: normal(100, 10) can be negative (allowed: a count of people from 0 to 1,000,000,000 "
                      "(rounded to a whole number))");
    const char *s4[] = {"initial.latent0=5 [F99]"};
    expect_open_error(s4, 1, false,
                      "--set:1: initial.latent0: unknown source id 'F99' (did you mean 'F09'?; allowed: ids in "
                      RISKMC_SCENARIO_DIR "/sources.csv, or 'assumption')");
    const char *s5[] = {"route.latent=iraq: 0.5, europe: 0.4"};
    expect_open_error(s5, 1, false,
                      "--set:1: route.latent: shares sum to 0.9, not 1 (allowed: shares >= 0 that sum to 1)");
    const char *s6[] = {"route.latent=iraq: 0.5, mars: 0.5"};
    expect_open_error(s6, 1, false,
                      "--set:1: route.latent: unknown destination 'mars' (allowed: iraq, turkey, europe)");
    expect_open_error(NULL, 0, true,
                      "tests/data/quiet.ini:9: time.start_date: no source cited (allowed: value [source id, ...] or "
                      "value [assumption])");
    const char *s7[] = {"period.x.start=2026-03-01", "period.x.end=2026-02-01", "period.x.ct=2"};
    expect_open_error(s7, 3, false,
                      "--set:2: period.x.end: end 2026-02-01 is before start 2026-03-01 (allowed: end on or after start)");
    const char *s8[] = {"shock.s.date=2026-06-01", "shock.s.facility=g", "shock.s.size=10"};
    expect_open_error(s8, 3, false,
                      "--set:2: shock.s.facility: unknown facility 'g' (did you mean 'f'?; allowed: f)");
    /* a shock after the simulated days is no error: it happens after them */
    const char *s9[] = {"shock.s.date=2027-06-01", "shock.s.facility=f", "shock.s.size=10"};
    sim_inst inst;
    sim_err err;
    sim_open_opts o = {s9, 3, false, NULL};
    assert_int_equal(sim_inst_open(&inst, "tests/data/quiet.ini", &o, &err), 0);
    sim_inst_close(&inst);
}

static void test_sections_order(void **state)
{
    (void)state;
    char *c = write_pair("[scenario]\nextends = parent.ini\n[period.zero]\nrecruit = 3\n");
    sim_scenario sc;
    sim_err err;
    assert_int_equal(sim_scenario_load(&sc, c, &err), 0);
    const char **names;
    size_t n = sim_sc_sections(&sc, "period", &names);
    assert_int_equal(n, 3);
    assert_string_equal(names[0], "one");
    assert_string_equal(names[1], "two");
    assert_string_equal(names[2], "zero");
    free(names);
    sim_scenario_free(&sc);
    free(c);
}

/* The largest seed, 9.2e18, read as README and --help give it, in any
 * notation; nothing at or above 2^63 converts to a long long. */
static void test_seed_cap(void **state)
{
    (void)state;
    long long v;
    const char *why;
    assert_int_equal(sim_parse_int("9.2e18", &v, &why), 0);
    assert_true(v == 9200000000000000000LL);
    assert_int_equal(sim_parse_int("9.19e18", &v, &why), 0);
    assert_true(v == 9190000000000000000LL);
    assert_int_equal(sim_parse_int("9223372036854774784.0", &v, &why), 0); /* the last double below 2^63 */
    assert_true(v == 9223372036854774784LL);
    assert_int_equal(sim_parse_int("9.2233720368547758e18", &v, &why), -1); /* 2^63 */
    assert_string_equal(why, "number too large");
    const char *s1[] = {"scenario.seed=9.2e18"};
    sim_inst inst;
    sim_err err;
    sim_open_opts o = {s1, 1, false, NULL};
    assert_int_equal(sim_inst_open(&inst, "tests/data/quiet.ini", &o, &err), 0);
    assert_true(inst.seed == 9200000000000000000ULL);
    sim_inst_close(&inst);
    const char *s2[] = {"scenario.seed=9200000000000000001"};
    expect_open_error(s2, 1, false,
                      "--set:1: scenario.seed: 9200000000000000001 is out of range (allowed: a whole number from 0 to "
                      "9200000000000000000)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extends_remove), cmocka_unit_test(test_remove_unknown),
        cmocka_unit_test(test_cycle),          cmocka_unit_test(test_open_and_citations),
        cmocka_unit_test(test_errors),         cmocka_unit_test(test_sections_order),
        cmocka_unit_test(test_seed_cap),
    };
    return cmocka_run_group_tests_name("scenario", tests, NULL, NULL);
}
