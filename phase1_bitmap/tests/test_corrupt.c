/*
 * test_corrupt.c - the heap checker against deliberately damaged heaps (suite `corrupt`).
 *
 * Each test builds a live heap that sm_check() accepts, damages one thing in the pool's
 * bookkeeping the way a bug in pool_take, pool_free or a stray write would, and requires
 * sm_check() to return -1.  Where it can, the damage keeps the counters (used_granules,
 * live_blocks) in step, so that only the bitmaps' own invariants tell: a checker that only
 * compares counts misses those.  Alone: make phase1 test TEST_ARGS="--filter 'corrupt/[*]'".
 */
#include "bitmap.h"
#include "pool.h"
#include "sm.h"
#include "tests/test_util.h"

#include <criterion/criterion.h>

/* Three blocks of 4 granules (64 bytes), a free hole of 4 where the middle one was, and the
 * rest of the pool free: [a a a a][. . . .][c c c c][. . . free to the end]. */
static char *a, *c;

static struct pool_bits heap_with_a_hole(void)
{
    a = sm_malloc(64);
    char *b = sm_malloc(64);
    c = sm_malloc(64);
    cr_assert(a && b && c);
    cr_assert_eq(b, a + 64, "blocks back to back in a fresh pool");
    cr_assert_eq(c, b + 64, "blocks back to back in a fresh pool");
    sm_free(b);
    cr_assert_eq(sm_check(), 0, "the undamaged heap passes");
    return pool_bits_of(a);
}

/* In step with the counters: a granule of a freed, a granule of the hole taken. */
Test(corrupt, used_bit_cleared_inside_a_live_block)
{
    struct pool_bits m = heap_with_a_hole();
    bitmap_clear(m.used, m.granule + 2); /* a's third granule marked free... */
    bitmap_set(m.used, m.granule + 4);   /* ...and the hole's first marked used */
    expect_caught("a hole inside a live block (its fourth granule continues nothing)");
}

/* In step with the counters: a start moved from c onto a free granule. */
Test(corrupt, start_bit_on_a_free_granule)
{
    struct pool_bits m = heap_with_a_hole();
    bitmap_set(m.start, m.granule + 5);
    bitmap_clear(m.start, m.granule + 8);
    expect_caught("a block start on a free granule");
}

Test(corrupt, block_starting_inside_another)
{
    struct pool_bits m = heap_with_a_hole();
    bitmap_set(m.start, m.granule + 2); /* a second block overlapping a's last two granules */
    expect_caught("two blocks overlapping (more start bits than live blocks)");
}

Test(corrupt, freed_block_still_marked_used)
{
    struct pool_bits m = heap_with_a_hole();
    bitmap_set_range(m.used, m.granule + 4, 4); /* the hole's used bits left set: a looks 8 long */
    expect_caught("the granules of a freed block still marked used");
}

Test(corrupt, lost_block_start)
{
    struct pool_bits m = heap_with_a_hole();
    bitmap_clear(m.start, m.granule + 8); /* c's start bit lost */
    expect_caught("a live block with no start bit");
}
