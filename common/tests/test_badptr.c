/*
 * test_badptr.c - every phase detects a double free and a pointer it never returned, prints
 * "<function>(): ..." on stderr and aborts.  Each case runs in a child process (dies_with_abort)
 * so that the message can be checked too.
 */
#include "sm.h"
#include "test_util.h"

#include <criterion/criterion.h>
#include <stdlib.h>

static void free_it(void *p)
{
    sm_free(p);
}

static void realloc_it(void *p)
{
    sm_realloc(p, 64);
}

static void usable_of_it(void *p)
{
    sm_usable_size(p);
}

static void double_free(void *size)
{
    void *p = sm_malloc((size_t) size);
    void *keep = sm_malloc((size_t) size); /* a neighbour, so that p is not the only block */
    sm_free(p);
    sm_free(p);
    sm_free(keep);
}

static void double_free_after_neighbours_merge(void *size)
{
    void *a = sm_malloc((size_t) size), *b = sm_malloc((size_t) size), *c = sm_malloc(16);
    sm_free(a);
    sm_free(b); /* a and b may have been merged into one free block */
    sm_free(b);
    sm_free(c);
}

static const size_t sizes[] = {0, 24, 200, 3000, 60000, 1 << 20};

Test(badptr, double_free_aborts_at_every_size)
{
    for (int i = 0; i < 6; i++) {
        cr_assert(dies_with_abort(double_free, (void *) sizes[i], "sm_free(): "),
                  "double free of a %zu-byte block: %s", sizes[i], child_report());
        cr_assert(dies_with_abort(double_free_after_neighbours_merge, (void *) sizes[i],
                                  "sm_free(): "),
                  "double free after a neighbour was freed, %zu bytes: %s", sizes[i], child_report());
    }
}

Test(badptr, stack_address_aborts)
{
    int on_stack[8];
    cr_assert(dies_with_abort(free_it, &on_stack[4], "sm_free(): invalid pointer"));
    cr_assert(dies_with_abort(realloc_it, &on_stack[4], "sm_realloc(): invalid pointer"));
    cr_assert(dies_with_abort(usable_of_it, &on_stack[4], "sm_usable_size(): invalid pointer"));
}

Test(badptr, interior_pointers_abort)
{
    for (int i = 0; i < 6; i++) {
        char *p = sm_malloc(sizes[i] + 64);
        cr_assert(dies_with_abort(free_it, p + 16, "sm_free(): "), "p + 16, size %zu", sizes[i]);
        cr_assert(dies_with_abort(free_it, p + 32, "sm_free(): "), "p + 32, size %zu", sizes[i]);
        cr_assert(dies_with_abort(free_it, p + 1, "sm_free(): "), "p + 1, size %zu", sizes[i]);
        cr_assert(dies_with_abort(realloc_it, p + 48, "sm_realloc(): "), "size %zu", sizes[i]);
        sm_free(p);
    }
}

Test(badptr, wild_pointers_abort)
{
    static char in_data[4096];
    void *heap = sm_malloc(100);
    cr_assert(dies_with_abort(free_it, in_data + 64, "sm_free(): invalid pointer"));
    cr_assert(dies_with_abort(free_it, (void *) 0x10, "sm_free(): invalid pointer"));
    cr_assert(dies_with_abort(free_it, (void *) (uintptr_t) 0x7ff0deadbee0ULL,
                              "sm_free(): invalid pointer"));
    void *libc = malloc(100); /* the system allocator's, not ours */
    cr_assert(dies_with_abort(free_it, libc, "sm_free(): invalid pointer"));
    free(libc);
    sm_free(heap);
}

Test(badptr, valid_frees_do_not_abort)
{
    /* The control: the same helpers on good pointers must not abort, or the tests above
     * would pass for the wrong reason. */
    for (int i = 0; i < 6; i++) {
        void *p = sm_malloc(sizes[i]);
        cr_assert(!dies_with_abort(free_it, p, "sm_free(): "), "a valid free aborted");
        sm_free(p);
    }
    cr_assert_eq(sm_check(), 0);
}
