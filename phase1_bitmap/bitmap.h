/*
 * bitmap.h - bit arrays searched a 64-bit word at a time.
 *
 * A bitmap is an array of uint64_t; bit i lives in word i / 64 at position i % 64 (bit 0 is the
 * least significant).  nbits need not be a multiple of 64: bits at or past nbits are never
 * reported.  Every search below looks at one word per step and finds the bit it wants inside
 * that word with __builtin_ctzll (count trailing zeros, one instruction: tzcnt or bsf), so a
 * full word is skipped in a compare, never walked bit by bit.
 *
 * The pool (pool.c) keeps two of these per pool; tests/test_bitmap.c calls the searches directly
 * on bitmaps it builds.
 */
#ifndef PHASE1_BITMAP_H
#define PHASE1_BITMAP_H

#include <stddef.h>
#include <stdint.h>

#define BITMAP_NONE ((size_t) -1) /* "no such run" from bitmap_find_run */

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

/* The first set bit at or after from, or nbits when there is none before nbits. */
size_t bitmap_next_one(const uint64_t *map, size_t nbits, size_t from);

/* The first clear bit at or after from, or nbits when there is none before nbits. */
size_t bitmap_next_zero(const uint64_t *map, size_t nbits, size_t from);

/* The last set bit in [floor, below), or BITMAP_NONE when there is none: the same search going
 * down, with __builtin_clzll (count leading zeros). */
size_t bitmap_prev_one(const uint64_t *map, size_t floor, size_t below);

/* The first index at or after from where `used` is clear or `start` is set, or nbits: in the
 * pool, the granule where the block containing from - 1 ends. */
size_t bitmap_run_end(const uint64_t *used, const uint64_t *start, size_t nbits, size_t from);

/* The first index i >= from, a multiple of align (a power of two), with bits [i, i + n) all
 * clear and i + n <= nbits; BITMAP_NONE when there is none.  n >= 1.
 * Cost: each step jumps over one whole free run and one whole used run, a word at a time. */
size_t bitmap_find_run(const uint64_t *map, size_t nbits, size_t from, size_t n, size_t align);

/* Set or clear bits [i, i + n), n >= 1: a masked first word, whole middle words, a masked last
 * word. */
void bitmap_set_range(uint64_t *map, size_t i, size_t n);
void bitmap_clear_range(uint64_t *map, size_t i, size_t n);

/* Set bits among the first nbits. */
size_t bitmap_count(const uint64_t *map, size_t nbits);

#endif
