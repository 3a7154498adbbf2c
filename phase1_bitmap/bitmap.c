/*
 * bitmap.c - the word-at-a-time searches and range updates of bitmap.h.
 *
 * The one trick used throughout: to find the first set bit at or after bit b of a word, clear
 * the bits below b with the mask ~0 << b, and if anything is left, __builtin_ctzll gives its
 * position.  To find a clear bit instead, search the complement (~word) the same way.
 */
#include "bitmap.h"

#define ALL_ONES (~(uint64_t) 0)

/* Bits at positions >= b of a word (b < 64). */
static inline uint64_t mask_from(size_t b)
{
    return ALL_ONES << b;
}

/* Bits at positions <= b of a word (b < 64). */
static inline uint64_t mask_upto(size_t b)
{
    return ALL_ONES >> (63 - b);
}

/* The word searched at index w: a[w], complemented when invert is all ones, or-ed with b[w]
 * when b is given.  Inlined with constant arguments, each caller gets its own loop. */
static inline uint64_t word_at(const uint64_t *a, uint64_t invert, const uint64_t *b, size_t w)
{
    return (a[w] ^ invert) | (b ? b[w] : 0);
}

/* The first set bit at or after from among the words word_at(a, invert, b, .), or nbits. */
static inline size_t first_set(const uint64_t *a, uint64_t invert, const uint64_t *b, size_t nbits,
                               size_t from)
{
    if (from >= nbits) return nbits;
    size_t w = from / 64, last = (nbits - 1) / 64;
    uint64_t bits = word_at(a, invert, b, w) & mask_from(from % 64);
    while (bits == 0) { /* one compare skips 64 bits */
        if (++w > last) return nbits;
        bits = word_at(a, invert, b, w);
    }
    size_t i = w * 64 + (size_t) __builtin_ctzll(bits);
    return i < nbits ? i : nbits; /* a hit past nbits in the last word is no hit */
}

size_t bitmap_next_one(const uint64_t *map, size_t nbits, size_t from)
{
    return first_set(map, 0, NULL, nbits, from);
}

size_t bitmap_next_zero(const uint64_t *map, size_t nbits, size_t from)
{
    return first_set(map, ALL_ONES, NULL, nbits, from);
}

size_t bitmap_prev_one(const uint64_t *map, size_t floor, size_t below)
{
    if (below <= floor) return BITMAP_NONE;
    size_t w = (below - 1) / 64, first = floor / 64;
    uint64_t bits = map[w] & mask_upto((below - 1) % 64);
    while (bits == 0) {
        if (w-- == first) return BITMAP_NONE;
        bits = map[w];
    }
    size_t i = w * 64 + 63 - (size_t) __builtin_clzll(bits);
    return i >= floor ? i : BITMAP_NONE;
}

size_t bitmap_run_end(const uint64_t *used, const uint64_t *start, size_t nbits, size_t from)
{
    return first_set(used, ALL_ONES, start, nbits, from);
}

/* Where the search for a run of n >= LONG_RUN bits goes after a hole too short at i: such a run
 * holds at least one whole zero word, so jump to the next zero word and back up to the start of
 * its free run (the free bits at the top of the word before).  One compare per word skipped,
 * however many short holes that word holds. */
#define LONG_RUN 128
static size_t next_long_hole(const uint64_t *map, size_t nbits, size_t i)
{
    size_t w = (i + 63) / 64, words = nbits / 64;
    while (w < words && map[w] != 0)
        w++;
    if (w >= words) return nbits;
    size_t start = w * 64;
    if (w > 0 && map[w - 1] != 0)
        start -= (size_t) __builtin_clzll(map[w - 1]);
    else if (w > 0)
        start -= 64;
    return start > i ? start : i;
}

size_t bitmap_find_run(const uint64_t *map, size_t nbits, size_t from, size_t n, size_t align)
{
    size_t i = from;
    for (;;) {
        i = bitmap_next_zero(map, nbits, i);
        i = (i + align - 1) & ~(align - 1);
        if (i >= nbits || n > nbits - i) return BITMAP_NONE;
        /* Searching only up to i + n: a run that is long enough stops the scan right there. */
        size_t taken = bitmap_next_one(map, i + n, i);
        if (taken == i + n) return i;
        i = taken + 1;
        if (n >= LONG_RUN) i = next_long_hole(map, nbits, i);
    }
}

void bitmap_set_range(uint64_t *map, size_t i, size_t n)
{
    size_t w = i / 64, last = (i + n - 1) / 64;
    uint64_t head = mask_from(i % 64), tail = mask_upto((i + n - 1) % 64);
    if (w == last) {
        map[w] |= head & tail;
        return;
    }
    map[w++] |= head;
    while (w < last)
        map[w++] = ALL_ONES;
    map[last] |= tail;
}

void bitmap_clear_range(uint64_t *map, size_t i, size_t n)
{
    size_t w = i / 64, last = (i + n - 1) / 64;
    uint64_t head = mask_from(i % 64), tail = mask_upto((i + n - 1) % 64);
    if (w == last) {
        map[w] &= ~(head & tail);
        return;
    }
    map[w++] &= ~head;
    while (w < last)
        map[w++] = 0;
    map[last] &= ~tail;
}

size_t bitmap_count(const uint64_t *map, size_t nbits)
{
    size_t count = 0, full = nbits / 64;
    for (size_t w = 0; w < full; w++)
        count += (size_t) __builtin_popcountll(map[w]);
    if (nbits % 64) count += (size_t) __builtin_popcountll(map[full] & mask_upto(nbits % 64 - 1));
    return count;
}
