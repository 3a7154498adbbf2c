/*
 * test_growth.c - large blocks: realloc grows them in linear time, and every power-of-two
 * alignment a program may ask for is served.
 *
 * The growth bound is a count, not a time: struct sm_stats counts the bytes sm_realloc copies
 * (realloc_bytes_copied), and a block grown to 8 MiB in 4 KiB steps must have been copied less
 * than GROWTH_COPY_BOUND times its final size.  A block moved by a copy on every step would copy
 * about final^2 / (2 * step) bytes, a thousand times that.
 *
 * In the student's copy bigblock_remap is lab 5's to write, and its stub only notes that it ran
 * (common/not_written.h): sm_realloc then moves big blocks by a copy, correctly, so every test
 * here passes but the two that count, and their failure names the function to write.
 */
#include "not_written.h"
#include "sm.h"
#include "sysalloc.h"
#include "test_util.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#define STEP              ((size_t) 4096)
#define FINAL             ((size_t) 8 << 20)
#define GROWTH_COPY_BOUND 3

/* For a failure's message: a new line naming the unwritten stub that ran, or "". */
static const char *unwritten(void)
{
    static char line[300];
    const char *noted = sm_not_written_noted();
    snprintf(line, sizeof line, "%s%s", noted ? "\n" : "", noted ? noted : "");
    return line;
}

/* Grows one block from STEP to FINAL bytes in STEP steps, writing each new step, and checks
 * every byte at the end. */
static void grow_step_by_step(void)
{
    char *p = sm_malloc(STEP);
    cr_assert_not_null(p);
    fill_pattern(p, STEP, 7);
    for (size_t size = 2 * STEP; size <= FINAL; size += STEP) {
        p = sm_realloc(p, size);
        cr_assert_not_null(p, "sm_realloc(p, %zu) failed", size);
        fill_pattern(p + size - STEP, STEP, size);
    }
    cr_assert_eq(check_pattern(p, STEP, 7), STEP, "the first bytes were lost on the way");
    for (size_t at = 2 * STEP; at <= FINAL; at += STEP)
        cr_assert_eq(check_pattern(p + at - STEP, STEP, at), STEP, "bytes at %zu lost", at - STEP);
    cr_assert_eq(sm_check(), 0);
    sm_free(p);
}

Test(growth, step_growth_to_8_mib_copies_a_bounded_multiple_of_the_final_size)
{
    struct sm_stats s;
    grow_step_by_step();
    sm_stats(&s);
    cr_assert_eq(s.reallocs, FINAL / STEP - 1);
    cr_assert_lt(s.realloc_bytes_copied, GROWTH_COPY_BOUND * FINAL,
                 "growing to %zu bytes in %zu-byte steps copied %llu bytes%s", FINAL, STEP,
                 (unsigned long long) s.realloc_bytes_copied, unwritten());
}

/* The moves cost system calls, not copies: a few dozen resizes of the mapping, each counted by
 * the sysalloc layer, and nothing left mapped once the block is freed. */
Test(growth, step_growth_takes_few_remaps_and_keeps_the_counters_exact)
{
    struct sm_stats before, after;
    sm_stats(&before);
    grow_step_by_step();
    sm_stats(&after);
    uint64_t remaps = after.sysremap_calls - before.sysremap_calls;
    cr_assert_gt(remaps, 0, "no big block was remapped%s", unwritten());
    cr_assert_lt(remaps, 64, "%llu remaps for %zu steps: growth is not geometric",
                 (unsigned long long) remaps, FINAL / STEP);
    cr_assert_eq(after.bytes_live, 0);
    sm_teardown();
    sm_stats(&after);
    cr_assert_eq(after.bytes_mapped, 0, "a remapped block was counted wrong");
}

/* A remap that the OS refuses leaves the block where it was, intact. */
Test(growth, a_refused_remap_keeps_the_block)
{
    char *p = sm_malloc(FINAL / 2);
    cr_assert_not_null(p);
    fill_pattern(p, FINAL / 2, 3);
    sysalloc_fail_after(0);
    errno = 0;
    cr_assert_null(sm_realloc(p, FINAL));
    cr_assert_eq(errno, ENOMEM);
    sysalloc_fail_after(-1);
    cr_assert_eq(check_pattern(p, FINAL / 2, 3), FINAL / 2);
    cr_assert_eq(sm_check(), 0);
    sm_free(p);
}

/* 2 MiB (a huge page) and 1 GiB: a mapping trimmed to the alignment; the block is usable,
 * grows, and goes back to the OS whole. */
Test(growth, memalign_serves_2_mib_and_1_gib_alignments)
{
    static const size_t aligns[] = {(size_t) 2 << 20, (size_t) 1 << 30};
    for (int i = 0; i < 2; i++) {
        size_t align = aligns[i];
        char *p = sm_memalign(align, 100);
        cr_assert_not_null(p, "sm_memalign(%zu, 100) failed", align);
        cr_assert_eq((uintptr_t) p % align, 0, "%p is not aligned to %zu", (void *) p, align);
        cr_assert_geq(sm_usable_size(p), 100);
        fill_pattern(p, 100, align);
        p = sm_realloc(p, 2 * STEP);
        cr_assert_not_null(p);
        cr_assert_eq(check_pattern(p, 100, align), 100);
        cr_assert_eq(sm_check(), 0);
        sm_free(p);
    }
    struct sm_stats s;
    sm_stats(&s);
    cr_assert_eq(s.bytes_live, 0);
    cr_assert_lt(s.peak_bytes_mapped, (uint64_t) 1 << 30,
                 "the slack before the alignment "
                 "stayed mapped");
}

/* POSIX's one reason to refuse is an alignment that is not a power of two; a power of two
 * larger than any memory is ENOMEM. */
Test(growth, an_alignment_beyond_memory_is_enomem)
{
    static const size_t huge[] = {(size_t) 1 << 62, (size_t) 1 << 63};
    for (int i = 0; i < 2; i++) {
        errno = 0;
        cr_assert_null(sm_memalign(huge[i], 64));
        cr_assert_eq(errno, ENOMEM, "sm_memalign(%zu): errno %d", huge[i], errno);
    }
}
