/*
 * test_corrupt.c - the heap checker against deliberately damaged heaps (suite `corrupt`).
 *
 * Each test builds a live heap that sm_check() accepts, damages one thing the way a bug in
 * make_free, coalesce or split_tail, or a stray write by the program, would, and requires
 * sm_check() to return -1.  The heap, in one chunk:
 *
 *   [a: allocated][b: free, on the list][c: allocated][d: allocated][the rest: free]
 *
 * Alone: make phase0 test TEST_ARGS="--filter 'corrupt/[*]'".
 */
#include "heap.h"
#include "sm.h"
#include "tests/test_util.h"

#include <criterion/criterion.h>

static struct block *a, *b, *c, *d;

static void heap_with_a_hole(void)
{
    char *pa = sm_malloc(100), *pb = sm_malloc(100), *pc = sm_malloc(100), *pd = sm_malloc(100);
    cr_assert(pa && pb && pc && pd);
    sm_free(pb);
    a = payload_block(pa), b = payload_block(pb), c = payload_block(pc), d = payload_block(pd);
    cr_assert(block_next(a) == b && block_next(b) == c && block_next(c) == d,
              "four blocks back to back in a fresh chunk");
    cr_assert(!block_is_alloc(b) && free_list == b, "b free, at the head of the free list");
    cr_assert_eq(sm_check(), 0, "the undamaged heap passes");
}

Test(corrupt, free_block_footer_differs_from_its_header)
{
    heap_with_a_hole();
    poke(block_footer(b), block_size(b) + 16); /* a flipped boundary tag */
    expect_caught("a free block whose footer disagrees with its header");
}

Test(corrupt, prev_alloc_bit_out_of_step)
{
    heap_with_a_hole();
    set_size_flags(c, size_flags(c) | PREV_ALLOC); /* c says b is allocated */
    expect_caught("PREV_ALLOC set after a free block");
}

Test(corrupt, overlapping_blocks)
{
    heap_with_a_hole();
    set_size_flags(c, (block_size(c) + 16) | (size_flags(c) & FLAGS)); /* c runs into d */
    expect_caught("a block that overlaps the next one");
}

Test(corrupt, lost_free_block)
{
    heap_with_a_hole();
    free_list = next_free(b); /* b off the list, still free in the heap */
    set_prev_free(free_list, NULL);
    expect_caught("a free block missing from the free list");
}

Test(corrupt, missed_coalescing)
{
    heap_with_a_hole();
    /* c freed by hand without merging it into b: two free blocks side by side. */
    set_size_flags(c, block_size(c)); /* ALLOC and PREV_ALLOC clear */
    poke(block_footer(c), block_size(c));
    set_size_flags(d, size_flags(d) & ~PREV_ALLOC);
    set_next_free(c, free_list);
    set_prev_free(c, NULL);
    set_prev_free(free_list, c);
    free_list = c;
    expect_caught("two adjacent free blocks");
}

Test(corrupt, allocated_block_on_the_free_list)
{
    heap_with_a_hole();
    set_size_flags(b, size_flags(b) | ALLOC); /* b handed out, but never taken off the list */
    set_size_flags(c, size_flags(c) | PREV_ALLOC);
    expect_caught("an allocated block on the free list");
}

Test(corrupt, free_list_cycle)
{
    heap_with_a_hole();
    struct block *last = b;
    while (next_free(last))
        last = next_free(last);
    set_next_free(last, b); /* the list loops back to its head */
    expect_caught("a cycle in the free list");
}

Test(corrupt, header_overwritten_by_the_program)
{
    heap_with_a_hole();
    set_tag(d, 0); /* a write past the end of c's payload ran over d's header */
    expect_caught("a block header with no live tag");
}
