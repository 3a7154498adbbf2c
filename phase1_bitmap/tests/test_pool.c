/*
 * test_pool.c - the pool as a whole, through the sm_* API and pool.h: a full pool forcing a new
 * one, the last granule of a pool, a fragmented pool where only a later run fits, empty pools
 * going back to the OS, resizing in place, aligned blocks, bad pointers into a pool, and a
 * broken precondition stopped by SM_ASSERT in the test build.
 *
 * Each Criterion test runs in a fresh process, so every test starts with no pool at all.
 * Sizes are multiples of 16 so that a fresh pool hands out blocks back to back.
 */
#include "pool.h"
#include "sm.h"
#include "sm_assert.h"
#include "sysalloc.h"
#include "tests/test_util.h"

#include <criterion/criterion.h>
#include <stdint.h>

#define MIB       ((size_t) 1 << 20)
#define PER_POOL  1024 /* 1 KiB blocks in a 1 MiB pool */
#define KIB_BLOCK 1024

static void *blocks[(POOL_KEEP_EMPTY + 2) * PER_POOL];

static struct sm_stats stats(void)
{
    struct sm_stats s;
    sm_stats(&s);
    return s;
}

/* Fills one fresh pool with PER_POOL blocks of 1 KiB, checking they are back to back. */
static void fill_one_pool(void **out)
{
    for (size_t k = 0; k < PER_POOL; k++) {
        out[k] = sm_malloc(KIB_BLOCK);
        cr_assert_not_null(out[k]);
        cr_assert_eq((char *) out[k], (char *) out[0] + k * KIB_BLOCK, "block %zu not contiguous",
                     k);
    }
}

Test(pool, a_full_pool_forces_a_new_one)
{
    fill_one_pool(blocks);
    uint64_t calls = stats().sysalloc_calls;
    cr_assert(pool_owns((char *) blocks[0] + MIB - 1), "the pool spans 1 MiB");
    void *next = sm_malloc(16);
    cr_assert_eq(stats().sysalloc_calls, calls + 1, "one new pool, one sysalloc call");
    cr_assert(pool_owns(next));
    cr_assert((char *) next < (char *) blocks[0] || (char *) next >= (char *) blocks[0] + MIB,
              "the new block is outside the full pool");
    cr_assert_eq(stats().pool_allocations, PER_POOL + 1);
    cr_assert_eq(stats().large_allocations, 0);
    cr_assert_eq(sm_check(), 0);
    sm_teardown(); /* gives back the blocks left live (a leak under memcheck) */
}

Test(pool, the_last_granule_of_a_pool)
{
    for (size_t k = 0; k < PER_POOL - 1; k++)
        blocks[k] = sm_malloc(KIB_BLOCK);
    void *almost = sm_malloc(KIB_BLOCK - 16);
    void *last = sm_malloc(1);
    cr_assert_eq((char *) almost, (char *) blocks[0] + (size_t) (PER_POOL - 1) * KIB_BLOCK);
    cr_assert_eq((char *) last, (char *) blocks[0] + MIB - 16, "the pool's very last granule");
    cr_assert_eq(sm_usable_size(last), 16);
    cr_assert_eq(sm_check(), 0);
    sm_free(last); /* its end is the end of the bitmap */
    cr_assert_eq(sm_check(), 0);
    cr_assert_eq(sm_malloc(16), last, "the freed last granule is the only room left");
    sm_teardown(); /* gives back the blocks left live (a leak under memcheck) */
}

Test(pool, a_fragmented_pool_where_only_a_later_run_fits)
{
    /* 64-byte blocks fill the pool; freeing every other one leaves 16384 holes of 64 bytes. */
    static void *small[MIB / 64];
    const size_t n = MIB / 64;
    for (size_t k = 0; k < n; k++)
        small[k] = sm_malloc(64);
    cr_assert_eq((char *) small[n - 1], (char *) small[0] + MIB - 64);
    for (size_t k = 0; k < n; k += 2)
        sm_free(small[k]);
    sm_free(small[n - 99]); /* with n - 100 and n - 98: the one 192-byte hole */
    uint64_t calls = stats().sysalloc_calls;
    void *p = sm_malloc(150);
    cr_assert_eq(p, small[n - 100], "only the hole near the end holds 150 bytes");
    cr_assert_eq(stats().sysalloc_calls, calls, "and no new pool was needed");
    void *q = sm_malloc(80);
    cr_assert_eq(stats().sysalloc_calls, calls + 1, "no 80-byte run is left: a new pool");
    cr_assert(!((char *) q >= (char *) small[0] && (char *) q < (char *) small[0] + MIB));
    void *r = sm_malloc(64);
    cr_assert_eq((char *) r, (char *) q + 80, "next fit: the pool that served last goes on");
    cr_assert_eq(sm_check(), 0);
    sm_teardown(); /* gives back the blocks left live (a leak under memcheck) */
}

Test(pool, empty_pools_beyond_the_limit_go_back)
{
    const size_t pools = POOL_KEEP_EMPTY + 2;
    for (size_t pool = 0; pool < pools; pool++)
        fill_one_pool(blocks + pool * PER_POOL);
    struct sm_stats full = stats();
    for (size_t k = 0; k < pools * PER_POOL; k++)
        sm_free(blocks[k]);
    struct sm_stats empty = stats();
    cr_assert_eq(empty.sysfree_calls - full.sysfree_calls, 2, "%zu empty pools, %d kept", pools,
                 POOL_KEEP_EMPTY);
    cr_assert_leq(empty.bytes_mapped, full.bytes_mapped - 2 * MIB);
    cr_assert_eq(sm_check(), 0);
    /* The kept pools serve the next allocations without a system call. */
    for (size_t k = 0; k < (size_t) POOL_KEEP_EMPTY * PER_POOL; k++)
        blocks[k] = sm_malloc(KIB_BLOCK);
    cr_assert_eq(stats().sysalloc_calls, empty.sysalloc_calls);
    cr_assert_eq(sm_check(), 0);
    sm_teardown();
    cr_assert_eq(stats().bytes_mapped, 0);
}

Test(pool, few_sysalloc_calls_for_many_small_blocks)
{
    /* 100,000 blocks of 16..256 bytes, about 14 MiB: one call per MiB, far under 1 per 1000. */
    static void *p[100000];
    uint64_t seed = 7;
    for (size_t k = 0; k < 100000; k++)
        p[k] = sm_malloc(16 + rng_next(&seed) % 241);
    struct sm_stats s = stats();
    cr_assert_leq(s.sysalloc_calls, 100, "%lu sysalloc calls", (unsigned long) s.sysalloc_calls);
    cr_assert_eq(sm_check(), 0);
    for (size_t k = 0; k < 100000; k++)
        sm_free(p[k]);
    cr_assert_eq(stats().bytes_live, 0);
}

Test(pool, resize_in_place)
{
    char *a = sm_malloc(100), *b = sm_malloc(100); /* 112 bytes each, back to back */
    cr_assert_eq(b, a + 112);
    cr_assert_eq(sm_realloc(b, 1000), b, "b grows into free granules after it");
    cr_assert_eq(sm_usable_size(b), 1008);
    char *c = sm_malloc(16);
    cr_assert_eq(c, b + 1008);
    cr_assert_neq(sm_realloc(a, 200), a, "a cannot grow: b follows it");
    cr_assert_eq(sm_realloc(b, 20), b, "shrinking stays in place");
    cr_assert_eq(sm_usable_size(b), 32);
    cr_assert_eq(sm_check(), 0);
    size_t usable;
    cr_assert_eq(pool_resize(b, 1008, &usable, "test"), 32, "b held 32 bytes");
    cr_assert_eq(usable, 1008, "the tail is free again");
    cr_assert_eq(pool_resize(b, 1009, &usable, "test"), 1008);
    cr_assert_eq(usable, 0, "c is in the way");
    cr_assert_eq(pool_resize(b, POOL_MAX_REQUEST + 1, &usable, "test"), 1008);
    cr_assert_eq(usable, 0, "too big for a pool block");
    size_t not_in_a_pool;
    cr_assert_eq(pool_resize(&not_in_a_pool, 16, &usable, "test"), 0);
    cr_assert_eq(sm_check(), 0);
    sm_teardown(); /* gives back the blocks left live (a leak under memcheck) */
}

Test(pool, aligned_blocks_up_to_a_page_come_from_the_pool)
{
    for (size_t align = 32; align <= 4096; align *= 2) {
        void *p = sm_memalign(align, 40);
        cr_assert_not_null(p);
        cr_assert_eq((uintptr_t) p % align, 0, "align %zu", align);
        cr_assert(pool_owns(p));
        sm_malloc(16); /* misalign the next free granule */
    }
    cr_assert_eq(stats().large_allocations, 0);
    void *big = sm_memalign(8192, 40);
    cr_assert_eq((uintptr_t) big % 8192, 0);
    cr_assert(!pool_owns(big));
    cr_assert_eq(stats().large_allocations, 1);
    void *large = sm_malloc(POOL_MAX_REQUEST + 1);
    cr_assert(!pool_owns(large));
    cr_assert_eq(stats().large_allocations, 2);
    cr_assert_eq(sm_check(), 0);
    sm_teardown(); /* gives back the blocks left live (a leak under memcheck) */
}

static void free_it(void *p)
{
    sm_free(p);
}

Test(pool, pointers_into_free_granules_abort)
{
    char *p = sm_malloc(64);
    cr_assert(pool_owns(p + 4096));
    cr_assert(dies_with_abort(free_it, p + 4096, "sm_free(): invalid pointer"),
              "never handed out: %s", child_report());
    cr_assert(dies_with_abort(free_it, p + 8, "sm_free(): invalid pointer"), "%s", child_report());
    sm_free(p);
    cr_assert(dies_with_abort(free_it, p, "sm_free(): double free"), "freed: %s", child_report());
    char *q = sm_malloc(200);
    cr_assert(dies_with_abort(free_it, q + 64, "sm_free(): invalid pointer"),
              "inside a live block: %s", child_report());
    sm_free(q);
    cr_assert(dies_with_abort(free_it, q + 64, "sm_free(): invalid pointer"),
              "inside a freed block, never handed out: %s", child_report());
}

Test(pool, many_pools_are_found_by_address)
{
    /* 4 largest blocks fill a pool: 300 of them need 75 pools, past the 64 kept in place. */
    static char *big[300];
    for (int k = 0; k < 300; k++) {
        big[k] = sm_malloc(POOL_MAX_REQUEST);
        cr_assert_not_null(big[k]);
    }
    cr_assert_eq(stats().pool_allocations, 300);
    cr_assert_eq(sm_check(), 0);
    for (int k = 0; k < 300; k++) {
        cr_assert(pool_owns(big[k]) && pool_owns(big[k] + POOL_MAX_REQUEST - 1), "block %d", k);
        cr_assert_eq(sm_usable_size(big[k]), POOL_MAX_REQUEST);
    }
    for (int k = 0; k < 300; k += 2)
        sm_free(big[k]);
    cr_assert_eq(sm_check(), 0);
    for (int k = 1; k < 300; k += 2)
        sm_free(big[k]);
    cr_assert_eq(sm_check(), 0);
    sm_teardown();
    cr_assert_eq(stats().bytes_mapped, 0);
}

static void pool_alloc_too_much(void *arg)
{
    size_t usable;
    (void) arg;
    pool_alloc(POOL_MAX_REQUEST + 1, &usable); /* breaks pool_alloc's contract */
}

/* The one proof that SM_ASSERT is on where the suite runs: a caller that breaks a precondition
 * is stopped at the call, with the condition named. */
Test(pool, a_broken_precondition_stops_the_test_build)
{
    if (!SM_CHECKS) cr_skip_test("SM_ASSERT is compiled out here; make test builds with CHECKS=1");
    cr_assert(dies_with_abort(pool_alloc_too_much, NULL,
                              "pool_alloc: precondition failed: size <= POOL_MAX_REQUEST"),
              "%s", child_report());
}
