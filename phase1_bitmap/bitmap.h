/*
 * bitmap.h - bit arrays searched a 64-bit word at a time.
 *
 * A bitmap is an array of uint64_t; bit i lives in word i / 64 at position i % 64 (bit 0 is the
 * least significant).  nbits need not be a multiple of 64: bits at or past nbits are never
 * reported.  Every search below looks at one word per step and finds the bit it wants inside
 * that word with __builtin_ctzll (count trailing zeros, one instruction: tzcnt or bsf), so a
 * full word is skipped in a compare, never walked bit by bit.
 *
 * The pool (pool.c) keeps two of these per pool, and a summary of one (bitmap_summarize, below);
 * tests/test_bitmap.c calls the searches directly on bitmaps it builds.
 */
#ifndef PHASE1_BITMAP_H
#define PHASE1_BITMAP_H

#include "not_written.h" /* SM_NOT_WRITTEN: the stubs of the student's copy */
#include "sm_assert.h"

#include <stddef.h>
#include <stdint.h>

#define BITMAP_NONE ((size_t) -1) /* "no such run" from bitmap_find_run */
#define BITMAP_ONES (~(uint64_t) 0)

/*
 * The small operations are inline: the pool's fast path is a handful of them, and a call each
 * would cost more than the work.  The one trick they share: to find the first set bit at or
 * after bit b of a word, clear the bits below b with the mask ~0 << b; if anything is left,
 * __builtin_ctzll gives its position.  To find a clear bit instead, search ~word the same way.
 */

static inline int bitmap_get(const uint64_t *map, size_t i)
{
    return (int) ((map[i / 64] >> (i % 64)) & 1);
}

static inline void bitmap_set(uint64_t *map, size_t i)
{
    map[i / 64] |= (uint64_t) 1 << (i % 64);
}

static inline void bitmap_clear(uint64_t *map, size_t i)
{
    map[i / 64] &= ~((uint64_t) 1 << (i % 64));
}

/* Bits at positions >= b of a word (b < 64). */
static inline uint64_t bitmap_mask_from(size_t b)
{
    SM_ASSERT(b < 64);
    return BITMAP_ONES << b;
}

/* Bits at positions <= b of a word (b < 64). */
static inline uint64_t bitmap_mask_upto(size_t b)
{
    SM_ASSERT(b < 64);
    return BITMAP_ONES >> (63 - b);
}

/* The word searched at index w: a[w], complemented when invert is all ones, or-ed with b[w]
 * when b is given.  Inlined with constant arguments, each caller gets its own loop. */
static inline uint64_t bitmap_word_at(const uint64_t *a, uint64_t invert, const uint64_t *b,
                                      size_t w)
{
    return (a[w] ^ invert) | (b ? b[w] : 0);
}

/* The first set bit at or after from among the words bitmap_word_at(a, invert, b, .), or nbits. */
static inline size_t bitmap_first_set(const uint64_t *a, uint64_t invert, const uint64_t *b,
                                      size_t nbits, size_t from)
{
    /* BUILD-IT begin lab 1 */
    if (from >= nbits) return nbits;
    size_t w = from / 64, last = (nbits - 1) / 64;
    uint64_t bits = bitmap_word_at(a, invert, b, w) & bitmap_mask_from(from % 64);
    while (bits == 0) { /* one compare skips 64 bits */
        if (++w > last) return nbits;
        bits = bitmap_word_at(a, invert, b, w);
    }
    size_t i = w * 64 + (size_t) __builtin_ctzll(bits);
    return i < nbits ? i : nbits; /* a hit past nbits in the last word is no hit */
    /* BUILD-IT stub: SM_NOT_WRITTEN(1, a, invert, b, nbits, from); */
    /* BUILD-IT end */
}

/* The first set bit at or after from, or nbits when there is none before nbits. */
static inline size_t bitmap_next_one(const uint64_t *map, size_t nbits, size_t from)
{
    return bitmap_first_set(map, 0, NULL, nbits, from);
}

/* The first clear bit at or after from, or nbits when there is none before nbits. */
static inline size_t bitmap_next_zero(const uint64_t *map, size_t nbits, size_t from)
{
    return bitmap_first_set(map, BITMAP_ONES, NULL, nbits, from);
}

/* The first index at or after from where `used` is clear or `start` is set, or nbits: in the
 * pool, the granule where the block containing from - 1 ends. */
static inline size_t bitmap_run_end(const uint64_t *used, const uint64_t *start, size_t nbits,
                                    size_t from)
{
    return bitmap_first_set(used, BITMAP_ONES, start, nbits, from);
}

/* Set or clear bits [i, i + n), n >= 1.  A run inside one word (a block of up to 64 granules
 * that does not cross a word: the usual case) is one masked or/and, inline; a longer one is
 * bitmap_fill's (bitmap.c), so that a caller's common case makes no call. */
void bitmap_fill(uint64_t *map, size_t i, size_t n, int value);
static inline void bitmap_set_range(uint64_t *map, size_t i, size_t n)
{
    if (i % 64 + n <= 64)
        map[i / 64] |= bitmap_mask_upto(n - 1) << (i % 64);
    else
        bitmap_fill(map, i, n, 1);
}
static inline void bitmap_clear_range(uint64_t *map, size_t i, size_t n)
{
    if (i % 64 + n <= 64)
        map[i / 64] &= ~(bitmap_mask_upto(n - 1) << (i % 64));
    else
        bitmap_fill(map, i, n, 0);
}
/* The last set bit in [floor, below), or BITMAP_NONE when there is none: the same search going
 * down, with __builtin_clzll (count leading zeros). */
size_t bitmap_prev_one(const uint64_t *map, size_t floor, size_t below);

/*
 * The zero-word summary of a map: a second, 64 times smaller bitmap whose bit w is set when
 * word w of the map is 0 (64 clear bits).  It lets a search for a long run go straight to the
 * next free word, a word of the summary at a time (64 words of the map), instead of testing
 * the map's words one by one.  Whoever changes bits [i, i + n) of the map calls
 * bitmap_summarize(zeros, map, i, n) afterwards: it rewrites the summary bits of those words,
 * one test each (a single word for a block of up to 64 granules, the usual case).
 */
static inline void bitmap_summarize_word(uint64_t *zeros, const uint64_t *map, size_t w)
{
    if (map[w] == 0)
        bitmap_set(zeros, w);
    else
        bitmap_clear(zeros, w);
}

static inline void bitmap_summarize(uint64_t *zeros, const uint64_t *map, size_t i, size_t n)
{
    for (size_t w = i / 64, last = (i + n - 1) / 64; w <= last; w++)
        bitmap_summarize_word(zeros, map, w);
}

/* The first index i >= from, a multiple of align (a power of two), with bits [i, i + n) all
 * clear and i + n <= nbits; BITMAP_NONE when there is none.  n >= 1.  zeros is map's zero-word
 * summary (bitmap_summarize), up to date for its nbits / 64 whole words.
 * Cost: each step jumps over one whole free run and one whole used run, a word at a time; for
 * n >= 128, over every word that holds no free word-long gap, a summary word at a time. */
size_t bitmap_find_run(const uint64_t *map, const uint64_t *zeros, size_t nbits, size_t from,
                       size_t n, size_t align);

/* Set bits among the first nbits. */
size_t bitmap_count(const uint64_t *map, size_t nbits);

#endif
