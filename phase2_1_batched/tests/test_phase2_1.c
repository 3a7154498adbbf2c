/*
 * test_phase2_1.c - what phase2_1 promises beyond the shared suite: empty slabs are reused, so
 * waves of allocations do not grow the mapping; each build switch does what it says (the
 * sysalloc counts tell the corrections apart); bad pointers into slab memory abort; sm_check
 * notices a block written after it was freed.
 *
 * The tests run on every build (make test-switches): what a switch changes, they test as the
 * constant it is (switches.h).
 */
#include "sm.h"
#include "slab.h"
#include "sysalloc.h"
#include "../common/tests/test_util.h"

#include <criterion/criterion.h>
#include <valgrind/valgrind.h>
#include <string.h>

#define WAVE 4000

static uint64_t mapped_now(void)
{
    struct sm_stats s;
    sm_stats(&s);
    return s.bytes_mapped;
}

/* One wave: WAVE blocks of mixed sizes (tiny and middle), freed in a scrambled order. */
static void wave(uint64_t seed)
{
    static unsigned char *p[WAVE];
    uint64_t rng = seed;
    for (int i = 0; i < WAVE; i++) {
        size_t size = rng_next(&rng) % (i % 8 ? 1024 : 10000);
        p[i] = sm_malloc(size);
        cr_assert_not_null(p[i]);
        memset(p[i], 0x5A, size);
    }
    for (int i = 0; i < WAVE; i++) {
        int k = (int) ((uint64_t) i * 2654435761u % WAVE); /* a permutation: WAVE and the
                                                              multiplier are coprime */
        sm_free(p[k]);
    }
}

Test(phase2_1, waves_reuse_empty_slabs)
{
    wave(1);
    uint64_t after_one = mapped_now();
    for (uint64_t w = 2; w <= 10; w++)
        wave(w);
    uint64_t after_ten = mapped_now();
    cr_assert_leq(after_ten, after_one * 3 / 2,
                  "mapped %lu bytes after one wave, %lu after ten: slabs are not reused",
                  (unsigned long) after_one, (unsigned long) after_ten);
    cr_assert_eq(sm_check(), 0);
}

Test(phase2_1, sysalloc_calls_grow_with_peak_memory)
{
    enum { N = 20000 };
    static void *p[N];
    struct sm_stats s;
    for (int i = 0; i < N; i++)
        p[i] = sm_malloc((size_t) (i * 37) % LARGEST_CLASS);
    sm_stats(&s);
    if (BULK_SLABS && BATCH_METADATA)
        cr_assert_leq(s.sysalloc_calls, s.peak_bytes_mapped / ((uint64_t) 64 * 1024),
                      "%lu sysalloc calls for %lu bytes mapped", (unsigned long) s.sysalloc_calls,
                      (unsigned long) s.peak_bytes_mapped);
    else if (BATCH_METADATA)
        cr_assert_geq(s.sysalloc_calls, s.peak_bytes_mapped / (SLAB_BYTES + sysalloc_page_size()),
                      "BULK_SLABS=0 maps every slab on its own");
    else
        cr_assert_geq(s.sysalloc_calls, N, "BATCH_METADATA=0 maps a record for every block");
    cr_assert_eq(s.slab_allocations, N);
    for (int i = 0; i < N; i++)
        sm_free(p[i]);
    cr_assert_eq(sm_check(), 0);
}

Test(phase2_1, first_allocation_maps_one_region_when_lazy)
{
    void *p = sm_malloc(16);
    struct sm_stats s;
    sm_stats(&s);
    cr_assert_not_null(p);
    cr_assert_gt(s.init_ns, 0, "the first allocation's cost is recorded");
    if (LAZY_SLABS && BULK_SLABS && BATCH_METADATA) {
        cr_assert_eq(s.sysalloc_calls, 1, "a lazy allocator maps one region for its first block");
        cr_assert_leq(s.bytes_mapped, 8 * SLAB_BYTES + sysalloc_page_size());
    } else if (!LAZY_SLABS) {
        cr_assert_geq(s.bytes_mapped, SIZE_CLASSES * SLAB_BYTES,
                      "LAZY_SLABS=0 gives every class a slab");
    }
    sm_free(p);
}

Test(phase2_1, middle_sizes_go_to_the_pool_when_hybrid)
{
    void *p = sm_malloc(10000);
    struct sm_stats s;
    sm_stats(&s);
    cr_assert_eq(s.slab_allocations, 0, "slabs stop at LARGEST_CLASS");
    if (HYBRID) {
        cr_assert_eq(s.pool_allocations, 1);
        cr_assert_eq(s.large_allocations, 0);
    } else {
        cr_assert_eq(s.large_allocations, 1, "HYBRID=0: a mapping of its own");
    }
    sm_free(p);
}

static void free_it(void *p)
{
    sm_free(p);
}

Test(phase2_1, pointers_into_unused_slab_memory_abort)
{
    char *p = sm_malloc(16);
    /* Never threaded (LAZY_SLABS), or threaded but never handed out: not a double free. */
    cr_assert(dies_with_abort(free_it, p + (size_t) 16 * 300, "sm_free(): invalid pointer"),
              "a block of the slab never handed out: %s", child_report());
    cr_assert(dies_with_abort(free_it, p + 16, "sm_free(): invalid pointer"),
              "the next block, threaded but never handed out: %s", child_report());
    cr_assert(dies_with_abort(free_it, p + 8, "sm_free(): invalid pointer"), "%s", child_report());
    sm_free(p);
}

Test(phase2_1, pointer_into_a_released_slab_aborts)
{
    static void *p[2000];
    for (int i = 0; i < 2000; i++)
        p[i] = sm_malloc(64); /* several slabs of the 64-byte class */
    void *old = p[0];         /* in the first slab, which empties and is released below */
    for (int i = 0; i < 2000; i++)
        sm_free(p[i]);
    cr_assert(dies_with_abort(free_it, old, "sm_free(): "), "%s", child_report());
    cr_assert_eq(sm_check(), 0);
}

Test(phase2_1, check_sees_a_write_after_free)
{
    if (RUNNING_ON_VALGRIND)
        cr_skip_test("the write after free is the bug memcheck reports: not run under Valgrind");
    unsigned char *a = sm_malloc(40), *b = sm_malloc(40);
    sm_free(a);
    cr_assert_eq(sm_check(), 0);
    memset(a, 0, 16); /* use after free: overwrites the link and the free key */
    cr_assert_neq(sm_check(), 0, "sm_check missed a freed block written over");
    memset(a, 0, 16);
    sm_teardown(); /* the heap is broken; start again */
    (void) b;
}
