/*
 * test_stress.c - a seeded random mix of malloc, calloc, realloc, memalign and free.  Every
 * block is filled with a pattern and verified before it is freed or resized, live blocks are
 * checked not to overlap, and sm_check runs every CHECK_EVERY operations.
 */
#include "sm.h"
#include "test_util.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS       2000
#define CHECK_EVERY 997

struct slot {
    unsigned char *p;
    size_t size;
    uint64_t seed;
};

static size_t random_size(uint64_t *rng)
{
    uint64_t r = rng_next(rng);
    switch (r % 16) {
    case 0:
        return (r >> 8) % 200000; /* sometimes large */
    case 1:
    case 2:
        return (r >> 8) % 4096;
    default:
        return (r >> 8) % 256; /* mostly small, as real programs are */
    }
}

static int by_address(const void *a, const void *b)
{
    const struct slot *x = a, *y = b;
    return (x->p > y->p) - (x->p < y->p);
}

static void assert_no_overlap(struct slot *slots)
{
    static struct slot sorted[SLOTS];
    size_t n = 0;
    for (size_t i = 0; i < SLOTS; i++)
        if (slots[i].p)
            sorted[n++] = slots[i];
    qsort(sorted, n, sizeof sorted[0], by_address);
    for (size_t i = 1; i < n; i++)
        cr_assert_leq(sorted[i - 1].p + sorted[i - 1].size, sorted[i].p,
                      "blocks %p (+%zu) and %p overlap", sorted[i - 1].p, sorted[i - 1].size,
                      sorted[i].p);
}

static void stress(uint64_t seed, long ops)
{
    static struct slot slots[SLOTS];
    memset(slots, 0, sizeof slots);
    uint64_t rng = seed;
    for (long op = 1; op <= ops; op++) {
        struct slot *s = &slots[rng_next(&rng) % SLOTS];
        uint64_t r = rng_next(&rng);
        if (s->p) {
            cr_assert_eq(check_pattern(s->p, s->size, s->seed), s->size,
                         "op %ld: block %p of %zu bytes was overwritten", op, s->p, s->size);
            if (r % 3 == 0) {
                size_t size = random_size(&rng);
                unsigned char *q = sm_realloc(s->p, size);
                cr_assert_not_null(q);
                size_t keep = size < s->size ? size : s->size;
                cr_assert_eq(check_pattern(q, keep, s->seed), keep, "op %ld: realloc lost data",
                             op);
                s->p = q;
                s->size = size;
            } else {
                sm_free(s->p);
                s->p = NULL;
                continue;
            }
        } else {
            s->size = random_size(&rng);
            if (r % 7 == 0) {
                s->p = sm_calloc(1, s->size);
                for (size_t i = 0; i < s->size; i++)
                    cr_assert_eq(s->p[i], 0, "op %ld: calloc byte %zu not zero", op, i);
            } else if (r % 11 == 0) {
                size_t align = (size_t) 32 << (r % 8);
                s->p = sm_memalign(align, s->size);
                cr_assert_eq((uintptr_t) s->p % align, 0);
            } else {
                s->p = sm_malloc(s->size);
            }
            cr_assert_not_null(s->p);
            cr_assert_eq((uintptr_t) s->p % SM_ALIGN, 0);
        }
        s->seed = rng_next(&rng);
        fill_pattern(s->p, s->size, s->seed);
        if (op % CHECK_EVERY == 0) {
            cr_assert_eq(sm_check(), 0, "op %ld: sm_check failed", op);
            assert_no_overlap(slots);
        }
    }
    for (size_t i = 0; i < SLOTS; i++)
        if (slots[i].p) {
            cr_assert_eq(check_pattern(slots[i].p, slots[i].size, slots[i].seed), slots[i].size);
            sm_free(slots[i].p);
        }
    cr_assert_eq(sm_check(), 0);
    struct sm_stats st;
    sm_stats(&st);
    cr_assert_eq(st.allocations, st.frees, "every block was freed, but the counts differ");
    cr_assert_eq(st.bytes_live, 0);
}

Test(stress, seed_1, .timeout = 120)
{
    stress(1, 200000);
}

Test(stress, seed_2, .timeout = 120)
{
    stress(0x9E3779B97F4A7C15ULL, 200000);
}

Test(stress, seed_3, .timeout = 120)
{
    stress(20261125, 200000);
}
