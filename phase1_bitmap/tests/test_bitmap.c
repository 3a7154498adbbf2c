/*
 * test_bitmap.c - the word-at-a-time searches of bitmap.h, called directly on bitmaps built by
 * hand: runs at word boundaries, across several words, at the very end, and the wrong-looking
 * places (holes too small, unaligned holes, bits past nbits).  A randomised case compares
 * bitmap_find_run with a plain bit-by-bit search written here.
 */
#include "bitmap.h"
#include "align.h"
#include "tests/test_util.h"

#include <criterion/criterion.h>
#include <string.h>

#define NBITS 1024
#define WORDS (NBITS / 64)

static uint64_t map[WORDS];

/* bitmap_find_run on map, with the zero-word summary made here from the map as it is. */
static size_t find_run(size_t nbits, size_t from, size_t n, size_t align)
{
    uint64_t zeros[(WORDS + 63) / 64] = {0};
    bitmap_summarize(zeros, map, 0, NBITS);
    return bitmap_find_run(map, zeros, nbits, from, n, align);
}

/* Every bit used except [from, to). */
static void only_free(size_t from, size_t to)
{
    memset(map, 0xff, sizeof map);
    for (size_t i = from; i < to; i++)
        bitmap_clear(map, i);
}

Test(bitmap, run_ending_exactly_at_a_word_boundary)
{
    only_free(40, 64); /* 24 free bits, the last one is bit 63 of word 0 */
    cr_assert_eq(find_run(NBITS, 0, 24, 1), 40);
    cr_assert_eq(find_run(NBITS, 0, 25, 1), BITMAP_NONE, "the run stops at 64");
    only_free(64, 70); /* one starting exactly at a boundary */
    cr_assert_eq(find_run(NBITS, 0, 6, 1), 64);
    cr_assert_eq(find_run(NBITS, 0, 7, 1), BITMAP_NONE);
}

Test(bitmap, run_crossing_several_words)
{
    only_free(100, 300); /* from word 1 to word 4 */
    cr_assert_eq(find_run(NBITS, 0, 200, 1), 100);
    cr_assert_eq(find_run(NBITS, 0, 201, 1), BITMAP_NONE);
    cr_assert_eq(find_run(NBITS, 150, 150, 1), 150, "a search may start mid-run");
    cr_assert_eq(find_run(NBITS, 150, 151, 1), BITMAP_NONE);
}

Test(bitmap, last_bit_of_the_map)
{
    only_free(NBITS - 1, NBITS);
    cr_assert_eq(find_run(NBITS, 0, 1, 1), NBITS - 1);
    cr_assert_eq(find_run(NBITS, 0, 2, 1), BITMAP_NONE, "no run past the end");
    cr_assert_eq(bitmap_next_zero(map, NBITS, 0), NBITS - 1);
    cr_assert_eq(bitmap_next_one(map, NBITS, NBITS - 1), NBITS, "none: nbits");
}

Test(bitmap, bits_past_nbits_are_never_reported)
{
    memset(map, 0, sizeof map);
    bitmap_set_range(map, 0, 100); /* bits 100..127 of word 1 stay clear */
    cr_assert_eq(find_run(100, 0, 1, 1), BITMAP_NONE);
    cr_assert_eq(bitmap_next_zero(map, 100, 0), 100);
    cr_assert_eq(find_run(128, 0, 28, 1), 100);
}

Test(bitmap, fragmented_map_only_a_later_run_fits)
{
    memset(map, 0xff, sizeof map);
    /* Holes of 1..9 bits early on, 3 used bits apart, then a hole of 10 at 700. */
    size_t hole_at[10], at = 10;
    for (size_t len = 1; len < 10; len++) {
        hole_at[len] = at;
        bitmap_clear_range(map, at, len);
        at += len + 3;
    }
    bitmap_clear_range(map, 700, 10);
    cr_assert_eq(find_run(NBITS, 0, 10, 1), 700);
    cr_assert_eq(find_run(NBITS, 0, 9, 1), hole_at[9]);
    cr_assert_eq(find_run(NBITS, 0, 5, 1), hole_at[5]);
    cr_assert_eq(find_run(NBITS, 0, 1, 1), 10, "the first hole");
}

Test(bitmap, aligned_runs)
{
    only_free(3, 30);
    cr_assert_eq(find_run(NBITS, 0, 8, 8), 8);
    cr_assert_eq(find_run(NBITS, 0, 22, 8), 8, "8..29");
    cr_assert_eq(find_run(NBITS, 0, 23, 8), BITMAP_NONE, "24 would end past 30");
    cr_assert_eq(find_run(NBITS, 0, 27, 1), 3);
    only_free(9, 40);
    cr_assert_eq(find_run(NBITS, 0, 24, 8), 16, "9 is unaligned, 16..39 fits");
    cr_assert_eq(find_run(NBITS, 0, 25, 8), BITMAP_NONE);
    cr_assert_eq(find_run(NBITS, 0, 31, 1), 9);
}

Test(bitmap, next_fit_start_skips_earlier_runs)
{
    memset(map, 0, sizeof map);
    bitmap_set_range(map, 0, 500);
    bitmap_clear_range(map, 10, 5);
    cr_assert_eq(find_run(NBITS, 0, 5, 1), 10);
    cr_assert_eq(find_run(NBITS, 11, 5, 1), 500);
}

Test(bitmap, run_end_stops_at_a_free_bit_or_a_start)
{
    uint64_t used[WORDS] = {0}, start[WORDS] = {0};
    bitmap_set_range(used, 60, 70); /* blocks [60, 90) and [90, 130) */
    bitmap_set(start, 60);
    bitmap_set(start, 90);
    cr_assert_eq(bitmap_run_end(used, start, NBITS, 61), 90);
    cr_assert_eq(bitmap_run_end(used, start, NBITS, 91), 130);
}

/* The reference the word-at-a-time code must agree with: one bit at a time. */
static size_t slow_find_run(size_t nbits, size_t from, size_t n, size_t align)
{
    for (size_t i = align_up(from, align); i + n <= nbits; i += align) {
        size_t k = 0;
        while (k < n && !bitmap_get(map, i + k))
            k++;
        if (k == n) return i;
    }
    return BITMAP_NONE;
}

Test(bitmap, agrees_with_a_bit_by_bit_search)
{
    uint64_t seed = 42;
    for (int round = 0; round < 2000; round++) {
        memset(map, 0, sizeof map);
        /* Random used runs of random lengths: sparse maps in early rounds, dense later. */
        for (int k = 0; k < 5 + round / 3; k++) {
            size_t at = rng_next(&seed) % NBITS, len = 1 + rng_next(&seed) % 60;
            bitmap_set_range(map, at, at + len <= NBITS ? len : NBITS - at);
        }
        size_t nbits = NBITS - rng_next(&seed) % 70, from = rng_next(&seed) % nbits;
        size_t n = 1 + rng_next(&seed) % (round % 2 ? 300 : 40),
               align = (size_t) 1 << rng_next(&seed) % 5;
        cr_assert_eq(find_run(nbits, from, n, align), slow_find_run(nbits, from, n, align),
                     "round %d: nbits %zu from %zu n %zu align %zu", round, nbits, from, n, align);
    }
}

Test(bitmap, ranges_set_and_clear_exactly_their_bits)
{
    static const size_t cases[][2] = {{0, 1}, {5, 59}, {63, 1}, {63, 2}, {10, 300}, {64, 128}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t at = cases[c][0], len = cases[c][1];
        memset(map, 0, sizeof map);
        bitmap_set_range(map, at, len);
        for (size_t i = 0; i < NBITS; i++)
            cr_assert_eq(bitmap_get(map, i), i >= at && i < at + len, "set [%zu,+%zu) bit %zu", at,
                         len, i);
        cr_assert_eq(bitmap_count(map, NBITS), len);
        memset(map, 0xff, sizeof map);
        bitmap_clear_range(map, at, len);
        cr_assert_eq(bitmap_count(map, NBITS), NBITS - len);
        cr_assert_eq(bitmap_next_zero(map, NBITS, 0), at);
        cr_assert_eq(bitmap_next_one(map, NBITS, at), at + len);
    }
}

Test(bitmap, prev_one_searches_down_to_its_floor)
{
    memset(map, 0, sizeof map);
    bitmap_set(map, 5);
    bitmap_set(map, 200);
    cr_assert_eq(bitmap_prev_one(map, 0, 200), 5, "below is excluded, across three words");
    cr_assert_eq(bitmap_prev_one(map, 0, 201), 200);
    cr_assert_eq(bitmap_prev_one(map, 6, 200), BITMAP_NONE, "5 is under the floor");
    cr_assert_eq(bitmap_prev_one(map, 5, 6), 5);
    cr_assert_eq(bitmap_prev_one(map, 0, 5), BITMAP_NONE);
    cr_assert_eq(bitmap_prev_one(map, 7, 7), BITMAP_NONE, "an empty range");
}

Test(bitmap, long_run_starting_inside_the_word_before_a_free_word)
{
    /* A short hole first, then a run of 100 from bit 100: its first 28 bits are the top of word
     * 1, then the whole of word 2, then 8 bits of word 3.  The search for n >= 128 jumps to the
     * free word 2 and must back up to bit 100, not start at 128. */
    memset(map, 0xff, sizeof map);
    bitmap_clear_range(map, 10, 10);
    bitmap_clear_range(map, 100, 100);
    cr_assert_eq(find_run(NBITS, 0, 100, 1), 100);
    bitmap_clear_range(map, 200, 40); /* now 140 long: a long run, found by the jump */
    cr_assert_eq(find_run(NBITS, 0, 140, 1), 100);
    cr_assert_eq(find_run(NBITS, 0, 141, 1), BITMAP_NONE);
}
