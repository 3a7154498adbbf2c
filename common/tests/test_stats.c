/*
 * test_stats.c - the counters of struct sm_stats agree with what the program did and with what
 * the sysalloc layer mapped; sm_teardown gives everything back.
 */
#include "bigblock.h"
#include "sm.h"
#include "sysalloc.h"

#include <criterion/criterion.h>

#define BIG ((size_t) 2 << 20)

Test(stats, allocations_minus_frees_is_live_blocks)
{
    static void *p[1000];
    struct sm_stats s;
    for (int i = 0; i < 1000; i++)
        p[i] = sm_malloc((size_t) (i * 37) % 5000);
    for (int i = 0; i < 1000; i += 3) {
        sm_free(p[i]);
        p[i] = NULL;
    }
    sm_stats(&s);
    cr_assert_eq(s.allocations, 1000);
    cr_assert_eq(s.frees, 334);
    cr_assert_eq(s.allocations - s.frees, 666);
    size_t live = 0;
    for (int i = 0; i < 1000; i++)
        if (p[i]) live += sm_usable_size(p[i]);
    cr_assert_eq(s.bytes_live, live, "bytes_live %lu, usable sizes of live blocks add to %zu",
                 (unsigned long) s.bytes_live, live);
    cr_assert_geq(s.peak_bytes_live, s.bytes_live);
    cr_assert_geq(s.bytes_mapped, s.bytes_live, "live blocks must sit in mapped memory");
    for (int i = 0; i < 1000; i++)
        sm_free(p[i]);
}

Test(stats, realloc_is_counted)
{
    struct sm_stats s;
    void *p = sm_malloc(10);
    p = sm_realloc(p, 20);
    p = sm_realloc(p, 100000);
    sm_stats(&s);
    cr_assert_eq(s.reallocs, 2);
    cr_assert_eq(s.allocations - s.frees, 1);
    cr_assert_eq(s.bytes_live, sm_usable_size(p));
    sm_free(p);
}

Test(stats, sysalloc_counters_match_the_layer)
{
    struct sysalloc_counters before, after;
    struct sm_stats s;
    sysalloc_counters(&before);
    static void *p[300];
    for (int i = 0; i < 300; i++)
        p[i] = sm_malloc(i % 2 ? BIG : 48); /* big ones get mappings in every phase */
    sysalloc_counters(&after);
    sm_stats(&s);
    cr_assert_eq(s.sysalloc_calls, after.calls);
    cr_assert_eq(s.bytes_mapped, after.mapped);
    cr_assert_eq(s.peak_bytes_mapped, after.peak_mapped);
    cr_assert_geq(after.calls - before.calls, 150, "150 blocks of 2 MiB need mappings");
    cr_assert_geq(after.mapped - before.mapped, (uint64_t) 150 * BIG);
    for (int i = 0; i < 300; i++)
        sm_free(p[i]);
    sm_stats(&s);
    cr_assert_geq(s.sysfree_calls, 150 - BIGBLOCK_KEEP_BYTES / BIG,
                  "freed large blocks go back to the OS, but for the few kept (bigblock.h)");
    cr_assert_lt(s.bytes_mapped, (uint64_t) 150 * BIG);
}

Test(stats, teardown_returns_everything)
{
    for (int i = 0; i < 5000; i++)
        sm_malloc((size_t) (i * 7919) % 70000); /* leaked on purpose */
    struct sysalloc_counters c;
    sysalloc_counters(&c);
    cr_assert_gt(c.mapped, 0);
    sm_teardown();
    sysalloc_counters(&c);
    cr_assert_eq(c.mapped, 0, "%lu bytes still mapped after sm_teardown", (unsigned long) c.mapped);
    struct sm_stats s;
    sm_stats(&s);
    cr_assert_eq(s.allocations, 0);
    cr_assert_eq(s.bytes_live, 0);
    /* The allocator works again afterwards. */
    void *p = sm_malloc(100);
    cr_assert_not_null(p);
    sm_free(p);
    cr_assert_eq(sm_check(), 0);
}
