/*
 * test_corrupt.c - the heap checker against deliberately damaged heaps (suite `corrupt`).
 *
 * Each test builds a live heap that sm_check() accepts, damages one thing the way a bug in the
 * pop, the push or the slab bookkeeping would, and requires sm_check() to return -1.  The heap:
 * four 32-byte blocks a, b, c, d from one slab, b and d freed, so the slab's free list starts
 * [d, b].  A free block's first word is its link and its second its free key; both are NOACCESS
 * under memcheck, so these tests write them natively only.
 * Alone: make phase2_1 test TEST_ARGS="--filter 'corrupt/[*]'".
 */
#include "slab.h"
#include "sm.h"
#include "tests/test_util.h"

#include <criterion/criterion.h>

static char *a, *b, *c, *d;
static struct slab *s;

static void heap_with_free_blocks(void)
{
    a = sm_malloc(32), b = sm_malloc(32), c = sm_malloc(32), d = sm_malloc(32);
    cr_assert(a && b && c && d);
    s = slab_find(a);
    cr_assert(s && slab_find(b) == s && slab_find(c) == s && slab_find(d) == s,
              "four blocks of one slab");
    sm_free(b);
    sm_free(d);
    cr_assert(s->free == d && *(void **) d == b, "the free list starts [d, b]");
    cr_assert_eq(sm_check(), 0, "the undamaged heap passes");
}

Test(corrupt, free_list_cycle)
{
    heap_with_free_blocks();
    *(void **) b = d; /* the list loops back to its head */
    expect_caught("a cycle in a slab's free list");
}

Test(corrupt, free_list_link_between_blocks)
{
    heap_with_free_blocks();
    *(void **) d = b + 8; /* a link into the middle of a block */
    expect_caught("a free list entry that is not a block");
}

Test(corrupt, live_count_out_of_step)
{
    heap_with_free_blocks();
    s->live++; /* a pop that forgot to take the block off the list */
    expect_caught("live + free + fresh blocks differing from the slab's blocks");
}

Test(corrupt, live_block_on_the_free_list)
{
    heap_with_free_blocks();
    *(void **) b = c; /* c, still live, pushed on the list as well, without its free key */
    s->live--;
    expect_caught("a live block on the free list");
}

Test(corrupt, descriptor_of_another_class)
{
    heap_with_free_blocks();
    s->size_class = (uint8_t) (s->size_class + 1);
    expect_caught("a slab descriptor that does not describe its slab");
}
