/*
 * test_corrupt.c - the heap checker against deliberately damaged heaps (suite `corrupt`).
 *
 * Each test builds a live heap that sm_check() accepts, damages one thing the way a bug in
 * slab_alloc, slab_free or the records would, and requires sm_check() to return -1.  The heap:
 * four 32-byte objects carved from one slab, the second and fourth freed (so the class's free
 * list is [d, b]), and one 100-byte object of another class.  The free-list links live in the
 * objects' first 8 bytes, NOACCESS under memcheck: these tests write them natively only.
 * Alone: make phase2 test TEST_ARGS="--filter 'corrupt/[*]'".
 */
#include "metadata.h"
#include "size_class.h"
#include "slab.h"
#include "sm.h"
#include "tests/test_util.h"

#include <criterion/criterion.h>

static char *a, *b, *c, *d, *other;
static struct slab_cache *cache;

static void heap_with_free_objects(void)
{
    a = sm_malloc(32), b = sm_malloc(32), c = sm_malloc(32), d = sm_malloc(32);
    other = sm_malloc(100);
    cr_assert(a && b && c && d && other);
    cr_assert(b == a + 32 && c == b + 32 && d == c + 32, "carved back to back from one slab");
    sm_free(b);
    sm_free(d);
    cache = slab_caches[size_class_for(32)];
    cr_assert(cache->free_objects == d && *(void **) d == b && *(void **) b == NULL,
              "the free list is [d, b]");
    cr_assert_eq(sm_check(), 0, "the undamaged heap passes");
}

Test(corrupt, free_list_cycle)
{
    heap_with_free_objects();
    *(void **) b = d; /* the list loops back to its head */
    expect_caught("a cycle in a free list");
}

Test(corrupt, free_list_link_into_another_class)
{
    heap_with_free_objects();
    *(void **) b = other; /* a 100-byte object on the 32-byte class's list */
    cache->free_count++;
    cache->live--;
    expect_caught("a free list holding an object of another class");
}

Test(corrupt, live_object_on_the_free_list)
{
    heap_with_free_objects();
    *(void **) b = c; /* c, still live, pushed on the list as well */
    cache->free_count++;
    expect_caught("an object both live and free");
}

Test(corrupt, lost_free_object)
{
    heap_with_free_objects();
    cache->free_objects = b; /* d popped without being handed out */
    cache->free_count--;
    expect_caught("a freed object that is neither free nor live");
}

Test(corrupt, slab_carved_past_its_end)
{
    heap_with_free_objects();
    cache->slabs->carved = cache->per_slab + 1;
    expect_caught("a slab carved past its last object");
}

Test(corrupt, record_of_the_wrong_size)
{
    heap_with_free_objects();
    SM_AllocationEnhanced *m = meta_first(); /* the newest record: other's */
    m->usable += 16;
    expect_caught("a record whose usable size disagrees with its class");
}

Test(corrupt, record_list_link_broken)
{
    heap_with_free_objects();
    SM_AllocationEnhanced *m = meta_first();
    cr_assert(m && m->next, "at least two live records");
    m->next->prev = NULL;
    expect_caught("a broken link in the list of live records");
}
