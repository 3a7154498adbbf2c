/*
 * test_kept.c - a freed big block's mapping is kept for the next big block (common/bigblock.h,
 * "Kept mappings"): a block it fits takes it without mapping anything, never more than
 * BIGBLOCK_KEEP_BYTES stay kept, a request far smaller than a kept mapping does not take it,
 * and what is kept goes back when the OS refuses a mapping and at teardown.
 *
 * The sizes are above every phase's own limit (phase1's pool serves up to 256 KiB), so each
 * block is a big block in every phase.  phase2 also maps a record (a page) per allocation, so
 * the tests compare mapped bytes with room for it rather than counting system calls.
 */
#include "bigblock.h"
#include "sm.h"
#include "sysalloc.h"
#include "test_util.h"

#include <criterion/criterion.h>
#include <errno.h>

#define MIB ((size_t) 1 << 20)
#define KIB ((size_t) 1 << 10)

static struct sysalloc_counters counters(void)
{
    struct sysalloc_counters c;
    sysalloc_counters(&c);
    return c;
}

Test(kept, a_freed_big_block_serves_the_next_one_without_a_new_mapping)
{
    char *p = sm_malloc(MIB);
    cr_assert_not_null(p);
    sm_free(p);
    uint64_t mapped = counters().mapped;
    char *q = sm_malloc(MIB - 5000);
    cr_assert_eq(q, p, "the kept mapping was not reused");
    cr_assert_lt(counters().mapped - mapped, MIB / 2, "a new mapping was made");
    fill_pattern(q, MIB - 5000, 3); /* its pages are the program's again */
    cr_assert_eq(check_pattern(q, MIB - 5000, 3), MIB - 5000);
    cr_assert_eq(sm_check(), 0);
    sm_free(q);
}

Test(kept, never_more_than_the_limit_is_kept)
{
    static char *p[12];
    sm_free(sm_malloc(MIB)); /* whatever the phase maps at its first allocation */
    uint64_t mapped = counters().mapped, frees = counters().frees;
    for (int i = 0; i < 12; i++)
        cr_assert_not_null(p[i] = sm_malloc(MIB));
    for (int i = 0; i < 12; i++) {
        sm_free(p[i]);
        cr_assert_eq(sm_check(), 0, "after %d frees", i + 1);
    }
    cr_assert_leq(counters().mapped - mapped, BIGBLOCK_KEEP_BYTES + MIB / 2,
                  "%lu bytes still mapped", (unsigned long) (counters().mapped - mapped));
    cr_assert_geq(counters().frees - frees, 12 - BIGBLOCK_KEEP_BYTES / MIB);
}

Test(kept, a_larger_block_than_the_limit_goes_back_at_once)
{
    char *p = sm_malloc(BIGBLOCK_KEEP_BYTES + MIB);
    cr_assert_not_null(p);
    uint64_t mapped = counters().mapped;
    sm_free(p);
    cr_assert_geq(mapped - counters().mapped, BIGBLOCK_KEEP_BYTES + MIB);
}

Test(kept, a_kept_mapping_serves_only_a_quarter_of_its_size_or_more)
{
    size_t big = 2 * MIB;
    char *p = sm_malloc(big);
    cr_assert_not_null(p);
    sm_free(p);
    char *small = sm_malloc(big / BIGBLOCK_KEEP_FIT - 64 * KIB); /* too small to take it */
    cr_assert_not_null(small);
    cr_assert_neq(small, p);
    char *fits = sm_malloc(big / BIGBLOCK_KEEP_FIT + 64 * KIB);
    cr_assert_eq(fits, p);
    cr_assert_eq(sm_usable_size(fits), big, "the whole kept mapping is usable");
    cr_assert_eq(sm_check(), 0);
    sm_free(small);
    sm_free(fits);
}

/* bigblock's own functions: phase2 maps a record before the block, and that would fail first. */
Test(kept, a_refused_mapping_gives_back_what_is_kept_first)
{
    char *p = bigblock_alloc(MIB, SM_ALIGN);
    cr_assert_not_null(p);
    cr_assert_eq(bigblock_free(p), MIB);
    uint64_t mapped = counters().mapped;
    sysalloc_fail_after(0);
    errno = 0;
    char *q = bigblock_alloc(3 * MIB, SM_ALIGN); /* the kept 1 MiB does not fit it */
    sysalloc_fail_after(-1);
    cr_assert_null(q);
    cr_assert_eq(errno, ENOMEM);
    cr_assert_geq(mapped - counters().mapped, MIB, "the kept mapping was not given back");
    cr_assert_eq(sm_check(), 0);
}

Test(kept, teardown_returns_the_kept_mappings)
{
    sm_free(sm_malloc(MIB));
    cr_assert_gt(counters().mapped, 0);
    sm_teardown();
    cr_assert_eq(counters().mapped, 0);
}
