/* test_engine.c - where the engine's threads run. */
#include "testutil.h"

#include <sched.h>

#include <omp.h>

/* The master's mask is the process's; the other threads may run anywhere
 * in it but on the master's CPU. */
static void test_team_place(void **state)
{
    (void)state;
    cpu_set_t all;
    assert_int_equal(sched_getaffinity(0, sizeof all, &all), 0);
    const int ncpu = CPU_COUNT(&all);
    if (ncpu < 2) skip();
    assert_int_equal(sim_team_place(1), -1);
    assert_int_equal(sim_team_place(ncpu + 1), -1);
    for (int threads = 2; threads <= ncpu && threads <= 4; threads++) {
        const int cpu = sim_team_place(threads);
        assert_true(cpu >= 0 && CPU_ISSET((size_t)cpu, &all));
        int ok[4] = {0};
#pragma omp parallel num_threads(threads)
        {
            cpu_set_t m;
            const int t = omp_get_thread_num();
            if (sched_getaffinity(0, sizeof m, &m) == 0) {
                cpu_set_t want = all;
                if (t != 0) CPU_CLR((size_t)cpu, &want);
                ok[t] = CPU_EQUAL(&m, &want) && (t == 0 || CPU_COUNT(&m) == ncpu - 1);
            }
        }
        for (int t = 0; t < threads; t++) assert_true(ok[t]);
        /* the same team again: nothing to move, the same CPU */
        if (sched_getcpu() == cpu) assert_int_equal(sim_team_place(threads), cpu);
    }
    /* a parallel region does not place a team of its own */
    int inner = 0;
#pragma omp parallel num_threads(2)
#pragma omp single
    inner = sim_team_place(2);
    assert_int_equal(inner, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_team_place)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
