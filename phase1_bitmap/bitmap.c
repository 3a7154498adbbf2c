/*
 * bitmap.c - the searches of bitmap.h that loop: the run finder, the downward search, the count.
 */
#include "bitmap.h"
#include "align.h"

/* Bits [i, i + n) across words: a masked first word, whole middle words, a masked last word. */
void bitmap_fill(uint64_t *map, size_t i, size_t n, int value)
{
    size_t w = i / 64, last = (i + n - 1) / 64;
    uint64_t head = bitmap_mask_from(i % 64), tail = bitmap_mask_upto((i + n - 1) % 64);
    if (w == last) head &= tail;
    map[w] = value ? map[w] | head : map[w] & ~head;
    if (w == last) return;
    while (++w < last)
        map[w] = value ? BITMAP_ONES : 0;
    map[last] = value ? map[last] | tail : map[last] & ~tail;
}

size_t bitmap_prev_one(const uint64_t *map, size_t floor, size_t below)
{
    if (below <= floor) return BITMAP_NONE;
    size_t w = (below - 1) / 64, first = floor / 64;
    uint64_t bits = map[w] & bitmap_mask_upto((below - 1) % 64);
    while (bits == 0) {
        if (w-- == first) return BITMAP_NONE;
        bits = map[w];
    }
    size_t i = w * 64 + 63 - (size_t) __builtin_clzll(bits);
    return i >= floor ? i : BITMAP_NONE;
}

/* BUILD-IT begin lab 1 */
/* Where the search for a run of n >= LONG_RUN bits goes after a hole too short at i: such a run
 * holds at least one whole zero word, so jump to the next zero word (the summary's next set
 * bit) and back up to the start of its free run (the free bits at the top of the word before).
 * One summary word covers 64 map words, however many short holes they hold. */
#define LONG_RUN 128
static size_t next_long_hole(const uint64_t *map, const uint64_t *zeros, size_t nbits, size_t i)
{
    size_t words = nbits / 64, w = bitmap_next_one(zeros, words, (i + 63) / 64);
    if (w >= words) return nbits;
    /* The free bits at the top of word w - 1 (all 64 when it is the partly searched word holding
     * i and free) belong to the same run. */
    size_t start = w * 64;
    if (w > 0) start -= map[w - 1] ? (size_t) __builtin_clzll(map[w - 1]) : 64;
    return start > i ? start : i;
}
/* BUILD-IT end */

size_t bitmap_find_run(const uint64_t *map, const uint64_t *zeros, size_t nbits, size_t from,
                       size_t n, size_t align)
{
    /* BUILD-IT begin lab 1 */
    size_t i = from;
    for (;;) {
        i = bitmap_next_zero(map, nbits, i);
        i = align_up(i, align);
        if (i >= nbits || n > nbits - i) return BITMAP_NONE;
        /* Searching only up to i + n: a run that is long enough stops the scan right there. */
        size_t taken = bitmap_next_one(map, i + n, i);
        if (taken == i + n) return i;
        i = taken + 1;
        if (n >= LONG_RUN) i = next_long_hole(map, zeros, nbits, i);
    }
    /* BUILD-IT stub: SM_NOT_WRITTEN(1, map, zeros, nbits, from, n, align); */
    /* BUILD-IT end */
}

size_t bitmap_count(const uint64_t *map, size_t nbits)
{
    size_t count = 0, full = nbits / 64;
    for (size_t w = 0; w < full; w++)
        count += (size_t) __builtin_popcountll(map[w]);
    if (nbits % 64)
        count += (size_t) __builtin_popcountll(map[full] & bitmap_mask_upto(nbits % 64 - 1));
    return count;
}
