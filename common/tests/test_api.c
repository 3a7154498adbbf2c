/*
 * test_api.c - the contract of sm.h, the same for every phase: alignment, usable size, the
 * edge sizes, calloc, realloc and memalign.
 */
#include "sm.h"
#include "test_util.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#define ALIGNED(p, a) (((uintptr_t) (p) & ((a) -1)) == 0)

Test(api, alignment_and_usable_size_from_0_to_64k)
{
    for (size_t size = 0; size <= 65536 + 64; size += size < 512 ? 1 : 61) {
        unsigned char *p = sm_malloc(size);
        cr_assert_not_null(p, "sm_malloc(%zu) failed", size);
        cr_assert(ALIGNED(p, SM_ALIGN), "sm_malloc(%zu) = %p is not 16-byte aligned", size, p);
        cr_assert_geq(sm_usable_size(p), size, "usable size below the size asked for");
        memset(p, 0xA5, sm_usable_size(p)); /* every usable byte is writable */
        sm_free(p);
    }
    cr_assert_eq(sm_check(), 0);
}

Test(api, large_sizes_beyond_every_threshold)
{
    static const size_t sizes[] = {100000, 262144, 1 << 20, 3 << 20, (16 << 20) + 5};
    void *p[5];
    for (int i = 0; i < 5; i++) {
        p[i] = sm_malloc(sizes[i]);
        cr_assert_not_null(p[i]);
        cr_assert(ALIGNED(p[i], SM_ALIGN));
        cr_assert_geq(sm_usable_size(p[i]), sizes[i]);
        fill_pattern(p[i], sizes[i], (uint64_t) i);
    }
    for (int i = 0; i < 5; i++) {
        cr_assert_eq(check_pattern(p[i], sizes[i], (uint64_t) i), sizes[i]);
        sm_free(p[i]);
    }
    cr_assert_eq(sm_check(), 0);
}

Test(api, malloc_zero_gives_unique_freeable_pointers)
{
    void *a = sm_malloc(0), *b = sm_malloc(0);
    cr_assert_not_null(a);
    cr_assert_not_null(b);
    cr_assert_neq(a, b, "two live sm_malloc(0) blocks share an address");
    sm_free(a);
    sm_free(b);
    sm_free(NULL);
    cr_assert_eq(sm_check(), 0);
}

Test(api, impossible_sizes_fail_with_enomem)
{
    static const size_t sizes[] = {SIZE_MAX, SIZE_MAX - 8, SIZE_MAX - 4096, SIZE_MAX / 2 + 1,
                                   SM_SIZE_MAX + 1};
    for (int i = 0; i < 5; i++) {
        errno = 0;
        cr_assert_null(sm_malloc(sizes[i]), "sm_malloc(%zu) did not fail", sizes[i]);
        cr_assert_eq(errno, ENOMEM);
        errno = 0;
        cr_assert_null(sm_memalign(64, sizes[i]));
        cr_assert_eq(errno, ENOMEM);
    }
    cr_assert_eq(sm_check(), 0);
}

Test(api, calloc_zeroes_fresh_and_reused_memory)
{
    for (size_t size = 1; size < 70000; size = size * 3 + 1) {
        unsigned char *dirty = sm_malloc(size);
        cr_assert_not_null(dirty);
        memset(dirty, 0xFF, size);
        sm_free(dirty);
        unsigned char *p = sm_calloc(1, size); /* likely the block just freed */
        cr_assert_not_null(p);
        for (size_t i = 0; i < size; i++)
            cr_assert_eq(p[i], 0, "sm_calloc(1, %zu): byte %zu is %d", size, i, p[i]);
        sm_free(p);
    }
    cr_assert_eq(sm_check(), 0);
}

Test(api, calloc_overflow_fails_with_enomem)
{
    errno = 0;
    cr_assert_null(sm_calloc(SIZE_MAX / 2 + 1, 2));
    cr_assert_eq(errno, ENOMEM);
    errno = 0;
    cr_assert_null(sm_calloc((size_t) 1 << 32, (size_t) 1 << 32));
    cr_assert_eq(errno, ENOMEM);
    void *p = sm_calloc(0, 16);
    cr_assert_not_null(p, "sm_calloc(0, 16) should be a unique pointer like sm_malloc(0)");
    sm_free(p);
}

Test(api, realloc_keeps_contents_growing_and_shrinking)
{
    size_t size = 1;
    unsigned char *p = sm_malloc(size);
    fill_pattern(p, size, 7);
    /* Grow through every threshold, then shrink back, checking the prefix each time. */
    static const size_t steps[] = {8,       24,     100,  1000, 4000, 20000, 70000, 300000,
                                   2 << 20, 100000, 5000, 300,  17,   0,     40000, 3};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        size_t keep = size < steps[i] ? size : steps[i];
        unsigned char *q = sm_realloc(p, steps[i]);
        cr_assert_not_null(q, "sm_realloc to %zu failed", steps[i]);
        cr_assert(ALIGNED(q, SM_ALIGN));
        cr_assert_geq(sm_usable_size(q), steps[i]);
        cr_assert_eq(check_pattern(q, keep, 7), keep, "sm_realloc %zu -> %zu lost data", size,
                     steps[i]);
        p = q;
        size = steps[i];
        fill_pattern(p, size, 7);
        cr_assert_eq(sm_check(), 0);
    }
    sm_free(p);
}

Test(api, realloc_null_is_malloc)
{
    void *p = sm_realloc(NULL, 40);
    cr_assert_not_null(p);
    cr_assert_geq(sm_usable_size(p), 40);
    struct sm_stats s;
    sm_stats(&s);
    cr_assert_eq(s.allocations, 1);
    sm_free(p);
}

Test(api, realloc_failure_leaves_the_block_valid)
{
    unsigned char *p = sm_malloc(100);
    fill_pattern(p, 100, 3);
    errno = 0;
    cr_assert_null(sm_realloc(p, SIZE_MAX - 16));
    cr_assert_eq(errno, ENOMEM);
    cr_assert_eq(check_pattern(p, 100, 3), 100, "a failed sm_realloc changed the block");
    cr_assert_eq(sm_check(), 0);
    sm_free(p);
}

Test(api, memalign_every_power_of_two)
{
    for (size_t align = 1; align <= (size_t) 65536 * 4; align *= 2) {
        for (size_t size = 0; size < 3000; size = size * 2 + 13) {
            void *p = sm_memalign(align, size);
            cr_assert_not_null(p, "sm_memalign(%zu, %zu) failed", align, size);
            cr_assert(ALIGNED(p, align < SM_ALIGN ? SM_ALIGN : align), "sm_memalign(%zu, %zu) = %p",
                      align, size, p);
            cr_assert_geq(sm_usable_size(p), size);
            fill_pattern(p, size, align);
            void *small = sm_malloc(24); /* interleave so alignment gaps get reused */
            cr_assert_eq(check_pattern(p, size, align), size);
            sm_free(p);
            sm_free(small);
        }
        cr_assert_eq(sm_check(), 0, "heap inconsistent after sm_memalign(%zu, ...)", align);
    }
}

Test(api, memalign_rejects_bad_alignments)
{
    static const size_t bad[] = {0, 3, 24, 48, 100, 65535, ((size_t) 1 << 21) + 16, SIZE_MAX};
    for (int i = 0; i < 8; i++) {
        errno = 0;
        cr_assert_null(sm_memalign(bad[i], 64), "sm_memalign(%zu) accepted", bad[i]);
        cr_assert_eq(errno, EINVAL);
    }
}

Test(api, name_is_the_phase_folder)
{
    const char *name = sm_name();
    cr_assert_not_null(name);
    cr_assert_eq(strncmp(name, "phase", 5), 0, "sm_name() = \"%s\"", name);
}
