/*
 * test_walk.c - the heap walk (sm_walk, sm.h) agrees with the stats and with the pointers the
 * program holds, on every phase.
 *
 * After seeded random workloads (malloc, calloc, realloc, memalign, free; small, middle and big
 * sizes) the walk's records are collected and checked:
 *   - regions come in address order and do not overlap;
 *   - the blocks after a region tile it exactly: no gap, no overlap, nothing past its end;
 *   - the region sizes add up to bytes_mapped, the live block sizes to bytes_live;
 *   - every pointer the test holds is the start of a LIVE block at least as big as it asked,
 *     and there are no other live blocks;
 *   - the walk changes nothing: the stats and sm_check are the same after it.
 */
#include "sm.h"
#include "test_util.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define HELD      3000
#define MAX_RECS  (1 << 20)
#define BIG_BLOCK ((size_t) 300 * 1024) /* above every phase's pool: a mapping of its own */

struct held {
    char *p;
    size_t asked;
};

static struct held held[HELD];
static struct sm_walk_block recs[MAX_RECS];
static size_t nrecs;

static int collect(const struct sm_walk_block *b, void *arg)
{
    (void) arg;
    cr_assert_lt(nrecs, (size_t) MAX_RECS, "more than %d walk records", MAX_RECS);
    recs[nrecs++] = *b;
    return 0;
}

static size_t random_size(uint64_t *rng)
{
    uint64_t r = rng_next(rng);
    switch (r % 32) {
    case 0:
        return BIG_BLOCK + (r >> 8) % 100000;
    case 1:
    case 2:
        return (r >> 8) % 70000; /* phase0's big blocks start at 64 KiB, the pools' at 256 */
    case 3:
    case 4:
    case 5:
        return (r >> 8) % 4096;
    default:
        return (r >> 8) % 300;
    }
}

/* ops random operations on the held slots, then every held block stays live. */
static void workload(uint64_t seed, long ops)
{
    memset(held, 0, sizeof held);
    uint64_t rng = seed;
    for (long op = 0; op < ops; op++) {
        struct held *h = &held[rng_next(&rng) % HELD];
        uint64_t r = rng_next(&rng);
        if (h->p && r % 4 == 0) {
            sm_free(h->p);
            h->p = NULL;
        } else if (h->p && r % 4 == 1) {
            size_t size = random_size(&rng);
            char *q = sm_realloc(h->p, size);
            cr_assert_not_null(q, "op %ld: realloc to %zu failed", op, size);
            *h = (struct held){q, size};
        } else if (!h->p) {
            size_t size = random_size(&rng);
            if (r % 16 == 2)
                h->p = sm_memalign((size_t) 32 << (r >> 8) % 8, size);
            else if (r % 16 == 3)
                h->p = sm_calloc(1, size);
            else
                h->p = sm_malloc(size);
            cr_assert_not_null(h->p, "op %ld: allocation of %zu failed", op, size);
            h->asked = size;
        }
    }
}

static int by_addr(const void *a, const void *b)
{
    const struct held *x = a, *y = b;
    return (x->p > y->p) - (x->p < y->p);
}

/* Walks the heap and checks every statement at the top of this file. */
static void check_walk(void)
{
    struct sm_stats before, after;
    sm_stats(&before);
    nrecs = 0;
    cr_assert_eq(sm_walk(collect, NULL), 0, "a whole walk returns 0");
    sm_stats(&after);
    cr_assert_eq(memcmp(&before, &after, sizeof before), 0, "the walk changed the stats");
    cr_assert_eq(sm_check(), 0, "the heap is inconsistent after the walk");

    static struct held sorted[HELD];
    size_t nheld = 0;
    for (size_t i = 0; i < HELD; i++)
        if (held[i].p) sorted[nheld++] = held[i];
    qsort(sorted, nheld, sizeof sorted[0], by_addr);

    uint64_t mapped = 0, live = 0;
    size_t nlive = 0, next_held = 0;
    uintptr_t region_start = 0, region_end = 0, cursor = 0;
    for (size_t i = 0; i < nrecs; i++) {
        const struct sm_walk_block *b = &recs[i];
        cr_assert_gt(b->size, 0, "record %zu (%s) is empty", i, b->what);
        if (b->kind == SM_WALK_REGION) {
            cr_assert_eq(cursor, region_end,
                         "the blocks before region %#lx stop at %#lx, not at "
                         "the region's end %#lx",
                         (unsigned long) b->addr, (unsigned long) cursor,
                         (unsigned long) region_end);
            cr_assert_geq(b->addr, region_end,
                          "region %#lx (%s) overlaps or precedes the one "
                          "before, which ends at %#lx",
                          (unsigned long) b->addr, b->what, (unsigned long) region_end);
            mapped += b->size;
            cursor = region_start = b->addr;
            region_end = b->addr + b->size;
            continue;
        }
        cr_assert(b->kind == SM_WALK_LIVE || b->kind == SM_WALK_FREE || b->kind == SM_WALK_META ||
                      b->kind == SM_WALK_UNUSED,
                  "record %zu has no known kind", i);
        cr_assert_eq(b->addr, cursor,
                     "block %#lx (%s) does not start where the one before "
                     "ended (%#lx): a gap or an overlap",
                     (unsigned long) b->addr, b->what, (unsigned long) cursor);
        cr_assert_leq(b->addr + b->size, region_end, "block %#lx (+%zu) runs past its region",
                      (unsigned long) b->addr, b->size);
        cr_assert_eq(b->region, region_start, "block %#lx names region %#lx, not its own",
                     (unsigned long) b->addr, (unsigned long) b->region);
        cursor += b->size;
        if (b->kind != SM_WALK_LIVE) continue;
        live += b->size;
        nlive++;
        /* Live blocks and held pointers come in the same (address) order. */
        cr_assert_lt(next_held, nheld,
                     "live block %#lx (%zu bytes) is not a pointer the test "
                     "holds",
                     (unsigned long) b->addr, b->size);
        const struct held *h = &sorted[next_held++];
        cr_assert_eq(b->addr, (uintptr_t) h->p,
                     "held pointer %p is not reported as live (the "
                     "next live block is %#lx)",
                     (void *) h->p, (unsigned long) b->addr);
        cr_assert_geq(b->size, h->asked, "live block %p holds %zu bytes, %zu were asked",
                      (void *) h->p, b->size, h->asked);
    }
    cr_assert_eq(cursor, region_end, "the last region's blocks stop short of its end");
    cr_assert_eq(nlive, nheld, "%zu live blocks walked, %zu held", nlive, nheld);
    cr_assert_eq(mapped, after.bytes_mapped, "regions add up to %lu bytes, bytes_mapped is %lu",
                 (unsigned long) mapped, (unsigned long) after.bytes_mapped);
    cr_assert_eq(live, after.bytes_live, "live blocks add up to %lu bytes, bytes_live is %lu",
                 (unsigned long) live, (unsigned long) after.bytes_live);
}

Test(walk, agrees_with_stats_after_random_workloads)
{
    static const uint64_t seeds[] = {1, 0x9E3779B97F4A7C15u, 20261201};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        workload(seeds[i], 20000);
        check_walk();
        for (size_t k = 0; k < HELD; k += 2) { /* free half, so that free space shows */
            sm_free(held[k].p);
            held[k].p = NULL;
        }
        check_walk();
        sm_teardown();
    }
}

/* More regions than one pass of the walk keeps (256): the order across passes. */
Test(walk, many_regions_in_address_order)
{
    memset(held, 0, sizeof held);
    for (size_t i = 0; i < 1200; i++) {
        size_t size = i % 3 ? 24 : BIG_BLOCK;
        held[i] = (struct held){sm_malloc(size), size};
        cr_assert_not_null(held[i].p);
    }
    check_walk();
}

Test(walk, empty_heap)
{
    memset(held, 0, sizeof held);
    check_walk(); /* before the first allocation */
    char *p = sm_malloc(1);
    sm_free(p);
    check_walk(); /* the memory an allocator keeps after its first call */
    sm_teardown();
    nrecs = 0;
    cr_assert_eq(sm_walk(collect, NULL), 0);
    cr_assert_eq(nrecs, 0, "after sm_teardown the walk reports nothing, not %zu records", nrecs);
}

static int stop_at_third(const struct sm_walk_block *b, void *arg)
{
    (void) b;
    return ++*(int *) arg == 3 ? 42 : 0;
}

Test(walk, stops_when_told)
{
    for (int i = 0; i < 100; i++)
        cr_assert_not_null(sm_malloc(16));
    int calls = 0;
    cr_assert_eq(sm_walk(stop_at_third, &calls), 42, "sm_walk returns what stopped it");
    cr_assert_eq(calls, 3, "the walk went on after its callback said stop");
    sm_teardown();
}
