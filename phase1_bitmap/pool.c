/*
 * pool.c - the bitmap pool (contract in pool.h): runs of 16-byte granules found with
 * word-at-a-time bit searches (bitmap.h) in 1 MiB pools mapped with sysalloc.
 *
 * One pool is one mapping:
 *
 *   +------------------------------------+-----------------------------------------------+
 *   | struct pool (page-rounded, 28 KiB) | granule area: POOL_GRANULES x 16 B = 1 MiB    |
 *   | header, used[1024], start[1024],   | NOACCESS to Valgrind; never read or written   |
 *   | freed[1024], zero_words[16]        |                                               |
 *   +------------------------------------+-----------------------------------------------+
 *                                        ^ granules_of(pool), page-aligned
 *
 *   granule   0    1    2    3    4    5    6    7   ...
 *   used      1    1    1    0    1    1    0    0        two blocks: [0,3) and [4,6)
 *   start     1    0    0    0    1    0    0    0
 *
 * Allocation tries the pool that served the last one (`current`), from its next-fit hint (one
 * for short runs, one for long ones: hint_of), then
 * the other pools, then maps a new pool.  free finds the pool by binary search over `pools`
 * (sorted by address), checks the start bit, and finds the block's end as the first granule
 * that is free or starts another block.  A pool left empty is kept while there are at most
 * POOL_KEEP_EMPTY empty pools, and returned with sysfree otherwise.
 */
#include "pool.h"
#include "bitmap.h"
#include "align.h"
#include "diag.h"
#include "not_written.h"
#include "sm_valgrind.h"
#include "sm_assert.h"
#include "sysalloc.h"
#include "walk.h"

#include <errno.h>
#include <string.h>

#define GRANULE       16
#define POOL_SIZE     ((size_t) 1 << 20)
#define POOL_GRANULES (POOL_SIZE / GRANULE) /* 65536 */
#define POOL_WORDS    (POOL_GRANULES / 64)  /* 1024 words per bitmap, 8 KiB */

struct pool {
    size_t used_granules;       /* == popcount(used) */
    size_t live_blocks;         /* == popcount(start) */
    size_t hint[2];             /* where searches start, < POOL_GRANULES: see hint_of */
    size_t no_run_of;           /* no free run of this many granules exists; SIZE_MAX if unknown */
    uint64_t used[POOL_WORDS];  /* 1 = granule inside a live block */
    uint64_t start[POOL_WORDS]; /* 1 = first granule of a live block; start implies used */
    uint64_t freed[POOL_WORDS]; /* 1 = a block that started here was freed, none started since */
    uint64_t zero_words[POOL_WORDS / 64]; /* used's summary: 1 = used[w] == 0 (bitmap.h) */
};

/* The header, rounded so that the granule area is aligned for any pool_memalign. */
#define POOL_META align_up(sizeof(struct pool), POOL_MAX_ALIGN)
#define POOL_MAP  (POOL_META + POOL_SIZE)

/* The granule area, right after the header.  Computed, never stored: a stored copy would be a
 * pointer to the block at granule 0, and memcheck's leak checker would count that block as
 * still reachable after the program lost it. */
static inline char *granules_of(const struct pool *pool)
{
    return (char *) pool + POOL_META;
}

/* Every pool, sorted by address.  The first 64 entries (64 MiB of pools) live in first_pools, so
 * a small heap costs exactly one sysalloc call per pool; beyond that, a mapping that doubles. */
#define FIRST_POOLS 64
static struct pool *first_pools[FIRST_POOLS];
static struct pool **pools = first_pools;
static size_t npools, pools_capacity = FIRST_POOLS;
static struct pool *current; /* served the last allocation; tried first */
static size_t empty_pools;   /* pools with used_granules == 0 */
static uint64_t allocations;

static size_t granules_for(size_t size)
{
    return size <= GRANULE ? 1 : (size + GRANULE - 1) / GRANULE;
}

/* ---- Finding a pool by address: binary search, O(log pools), reads nothing at p. */

/* Index of the first pool whose address is above p (0..npools). */
static size_t pools_upper_bound(const void *p)
{
    size_t lo = 0, hi = npools;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((const char *) pools[mid] <= (const char *) p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int pool_holds(const struct pool *pool, const void *p)
{
    const char *c = p;
    return c >= granules_of(pool) && c < granules_of(pool) + POOL_SIZE;
}

static __attribute__((noinline)) struct pool *pool_of_searched(const void *p)
{
    size_t i = pools_upper_bound(p);
    return i > 0 && pool_holds(pools[i - 1], p) ? pools[i - 1] : NULL;
}

/* The current pool first (most frees are of recent blocks): a compare pair, no call. */
static inline struct pool *pool_of(const void *p)
{
    return current && pool_holds(current, p) ? current : pool_of_searched(p);
}

int pool_owns(const void *p)
{
    return pool_of(p) != NULL;
}

/* ---- Making and returning pools (slow path: once per MiB at most). */

/* Room for one more pool pointer; 0 (errno = ENOMEM) when sysalloc refuses. */
static int pools_reserve(void)
{
    if (npools < pools_capacity) return 1;
    size_t capacity = 2 * pools_capacity;
    struct pool **bigger = sysalloc(capacity * sizeof *pools);
    if (!bigger) return 0;
    memcpy(bigger, pools, npools * sizeof *pools);
    if (pools != first_pools) sysfree(pools, pools_capacity * sizeof *pools);
    pools = bigger;
    pools_capacity = capacity;
    return 1;
}

static struct pool *pool_create(void)
{
    if (!pools_reserve()) return NULL;
    struct pool *pool = sysalloc(POOL_MAP); /* zero-filled: both bitmaps start clear */
    if (!pool) return NULL;
    pool->no_run_of = SIZE_MAX;
    memset(pool->zero_words, 0xff, sizeof pool->zero_words); /* every used word is 0 */
    SM_VG_CLOSE(granules_of(pool), POOL_SIZE);
    size_t i = pools_upper_bound(pool);
    memmove(&pools[i + 1], &pools[i], (npools - i) * sizeof *pools);
    pools[i] = pool;
    npools++;
    empty_pools++;
    return pool;
}

static void pool_release(struct pool *pool)
{
    size_t i = pools_upper_bound(pool) - 1;
    memmove(&pools[i], &pools[i + 1], (npools - i - 1) * sizeof *pools);
    npools--;
    empty_pools--;
    if (current == pool) current = NULL;
    sysfree(pool, POOL_MAP);
}

/* Marks granules [i, i + n) used, or free, in `used` and in its zero-word summary together:
 * the summary is never out of step outside these two. */
static inline __attribute__((always_inline)) void used_set(struct pool *pool, size_t i, size_t n)
{
    bitmap_set_range(pool->used, i, n);
    /* The words of the run hold a used bit now: none of them is 0. */
    if (i % 64 + n <= 64)
        bitmap_clear(pool->zero_words, i / 64);
    else
        bitmap_fill(pool->zero_words, i / 64, (i + n - 1) / 64 - i / 64 + 1, 0);
}

static inline __attribute__((always_inline)) void used_clear(struct pool *pool, size_t i, size_t n)
{
    bitmap_clear_range(pool->used, i, n);
    if (i % 64 + n <= 64)
        bitmap_summarize_word(pool->zero_words, pool->used, i / 64);
    else
        bitmap_summarize(pool->zero_words, pool->used, i, n);
}

/* ---- Allocation. */

/* Runs of at least BIG_RUN granules (1 KiB) are placed from a hint of their own, short runs
 * from another: two next-fit streams through the pool.  With one, a small block that lives long
 * lands right after each large one and keeps the large one's hole from being reused by a
 * larger request (README.md, "What it got wrong first").  First fit has one low-water mark. */
#define BIG_RUN 64

static inline size_t *hint_of(struct pool *pool, size_t n)
{
    /* Both switches are 0 in the default build, which clang-tidy reads as "!0 && !0". */
    // NOLINTNEXTLINE(misc-redundant-expression)
    return &pool->hint[n >= BIG_RUN && !POOL_FIRST_FIT && !POOL_ONE_HINT];
}

/* Whether the n granules at the hint are free and lie in one bitmap word.  It is the usual case
 * while a pool fills, each block going right after the one before: a load, a shift, a compare. */
static inline int free_at_hint(struct pool *pool, size_t n)
{
    size_t hint = *hint_of(pool, n), b = hint % 64;
    return b + n <= 64 && (pool->used[hint / 64] & (bitmap_mask_upto(n - 1) << b)) == 0;
}

/* The first free run of n granules at a multiple of align in pool, from its hint and then from
 * the start; BITMAP_NONE when there is none.  Cost when the pool has room after the hint: one
 * next_zero and one next_one over a word or two, a few dozen instructions; when it is
 * fragmented, two steps per hole too small, a word at a time. */
static size_t pool_search(struct pool *pool, size_t n, size_t align)
{
    /* BUILD-IT begin lab 1 */
    if (POOL_GRANULES - pool->used_granules < n || n >= pool->no_run_of) return BITMAP_NONE;
    size_t hint = *hint_of(pool, n);
    size_t i = bitmap_find_run(pool->used, pool->zero_words, POOL_GRANULES, hint, n, align);
    if (i == BITMAP_NONE && hint > 0 && !POOL_FIRST_FIT) {
        /* Wrap around: a run starting before the hint ends before hint + n - 1. */
        size_t limit = hint + n - 1;
        i = bitmap_find_run(pool->used, pool->zero_words,
                            limit < POOL_GRANULES ? limit : POOL_GRANULES, 0, n, align);
    }
    if (i == BITMAP_NONE && align == 1)
        pool->no_run_of = n; /* n < no_run_of here, so this only lowers it */
    return i;
    /* BUILD-IT stub: SM_NOT_WRITTEN(1, pool, n, align); */
    /* BUILD-IT end */
}

static inline __attribute__((always_inline)) void *pool_take(struct pool *pool, size_t i, size_t n,
                                                             size_t *usable)
{
    /* BUILD-IT begin lab 1 */
    if (pool->used_granules == 0) empty_pools--;
    used_set(pool, i, n);
    bitmap_set(pool->start, i);
    bitmap_clear(pool->freed, i);
    pool->used_granules += n;
    pool->live_blocks++;
    if (!POOL_FIRST_FIT)
        *hint_of(pool, n) = i + n < POOL_GRANULES ? i + n : 0;
    else if (i == pool->hint[0])
        pool->hint[0] = i + n < POOL_GRANULES ? i + n : POOL_GRANULES - 1;
    current = pool;
    allocations++;
    *usable = n * GRANULE;
    return granules_of(pool) + i * GRANULE;
    /* BUILD-IT stub: SM_NOT_WRITTEN(1, pool, i, n, usable); */
    /* BUILD-IT end */
}

/* Slow path: every other pool, then a new one.  O(pools) plus the searches; pools that cannot
 * hold the run are skipped by their counters without touching their bitmaps.  Returns the pool
 * and the run's first granule in *index; NULL when no pool has room and sysalloc refuses one. */
static __attribute__((noinline)) struct pool *alloc_slow(size_t n, size_t align, size_t *index)
{
    for (size_t k = 0; k < npools; k++) {
        if (pools[k] == current) continue;
        *index = pool_search(pools[k], n, align);
        if (*index != BITMAP_NONE) return pools[k];
    }
    *index = 0;
    return pool_create();
}

/* A search of the current pool, then alloc_slow; pool_take takes the run found. */
static __attribute__((noinline)) void *alloc_searched(size_t n, size_t align, size_t *usable)
{
    struct pool *pool = current;
    size_t i = pool ? pool_search(pool, n, align) : BITMAP_NONE;
    if (i == BITMAP_NONE) {
        pool = alloc_slow(n, align, &i);
        if (!pool) {
            errno = ENOMEM;
            return NULL;
        }
    }
    return pool_take(pool, i, n, usable);
}

/* Fast path first: the granules at the current pool's hint (one word test), taken with no call
 * when they lie in one word; anything else is alloc_searched. */
static inline void *alloc_granules(size_t n, size_t align, size_t *usable)
{
    struct pool *pool = current;
    if (__builtin_expect(pool != NULL && align == 1 && free_at_hint(pool, n), 1))
        return pool_take(pool, *hint_of(pool, n), n, usable);
    return alloc_searched(n, align, usable);
}

void *pool_alloc(size_t size, size_t *usable)
{
    SM_ASSERT(size <= POOL_MAX_REQUEST);
    return alloc_granules(granules_for(size), 1, usable);
}

void *pool_memalign(size_t align, size_t size, size_t *usable)
{
    if (align > POOL_MAX_ALIGN || size > POOL_MAX_REQUEST) {
        errno = ENOMEM;
        return NULL;
    }
    return alloc_granules(granules_for(size), align < GRANULE ? 1 : align / GRANULE, usable);
}

/* ---- Free, size and resize: all start from a checked block start. */

/* The pool and granule index of the live block starting at p; NULL when p lies in no pool.
 * Aborts when p is in a pool but not a live block's start:
 * "double free" when a block that started at p was freed and its granule is free still, and
 * "invalid pointer" for anything else (mid-block, never handed out, or in a block that has
 * reused the granule since: then the pool cannot tell a stale pointer from a wrong one). */
static inline struct pool *block_at(const void *p, const char *func, size_t *index)
{
    struct pool *pool = pool_of(p);
    if (!pool) return NULL;
    size_t offset = (size_t) ((const char *) p - granules_of(pool)), i = offset / GRANULE;
    if (offset % GRANULE) sm_bad_pointer(func, "invalid pointer", p);
    if (!bitmap_get(pool->start, i))
        sm_bad_pointer(func,
                       bitmap_get(pool->freed, i) && !bitmap_get(pool->used, i) ? "double free"
                                                                                : "invalid pointer",
                       p);
    *index = i;
    return pool;
}

/* Granules in the block starting at i: up to the first one that is free or starts a block.
 * Cost: one word per 64 granules, so at most 256 words for a POOL_MAX_REQUEST block. */
static size_t block_granules(const struct pool *pool, size_t i)
{
    return bitmap_run_end(pool->used, pool->start, POOL_GRANULES, i + 1) - i;
}

/* Granules [i, end) were just freed, and no_run_of is known (not SIZE_MAX).  The skip marker
 * stays true unless the free run now around them is at least no_run_of long; the scans each way
 * stop at that length, so the cost is at most no_run_of / 64 words per side.  Out of line: a
 * pool with room (the usual case) never calls it. */
static __attribute__((noinline)) void keep_no_run_of(struct pool *pool, size_t i, size_t end)
{
    size_t need = pool->no_run_of;
    size_t floor = i > need ? i - need : 0;
    size_t before = bitmap_prev_one(pool->used, floor, i);
    size_t from = before == BITMAP_NONE ? floor : before + 1;
    size_t limit = POOL_GRANULES - end > need ? end + need : POOL_GRANULES;
    if (bitmap_next_one(pool->used, limit, end) - from >= need)
        pool->no_run_of = SIZE_MAX; /* a run that long may exist now: unknown again */
}

size_t pool_free(void *p, const char *func)
{
    size_t i;
    struct pool *pool = block_at(p, func, &i);
    if (!pool) return 0;
    /* BUILD-IT begin lab 1 */
    size_t n = block_granules(pool, i);
    bitmap_clear(pool->start, i);
    bitmap_set(pool->freed, i);
    used_clear(pool, i, n);
    pool->used_granules -= n;
    pool->live_blocks--;
    if (POOL_FIRST_FIT && i < pool->hint[0]) pool->hint[0] = i;
    /* BUILD-IT stub: size_t n = 0; SM_NOT_WRITTEN(1, pool, i); */
    /* BUILD-IT end */
    if (pool->no_run_of != SIZE_MAX) keep_no_run_of(pool, i, i + n);
    if (pool->used_granules == 0 && ++empty_pools > POOL_KEEP_EMPTY) pool_release(pool);
    return n * GRANULE;
}

size_t pool_usable(const void *p, const char *func)
{
    size_t i;
    const struct pool *pool = block_at(p, func, &i);
    return pool ? block_granules(pool, i) * GRANULE : 0;
}

/* Granules [from, to) were just taken by a block grown in place.  A hint that pointed into them
 * moves to their end, so that the next allocation from it still finds free granules there (the
 * fast path) instead of a search. */
static void hints_past(struct pool *pool, size_t from, size_t to)
{
    for (size_t k = 0; k < 2; k++) {
        if (pool->hint[k] >= from && pool->hint[k] < to)
            pool->hint[k] = to < POOL_GRANULES ? to : POOL_FIRST_FIT ? POOL_GRANULES - 1 : 0;
    }
}

size_t pool_resize(void *p, size_t size, size_t *usable, const char *func)
{
    size_t i;
    struct pool *pool = block_at(p, func, &i);
    if (!pool) return 0;
    size_t n = block_granules(pool, i), want = granules_for(size);
    *usable = 0;
    if (size > POOL_MAX_REQUEST) return n * GRANULE;
    if (want < n) {
        used_clear(pool, i + want, n - want);
        pool->used_granules -= n - want;
        pool->no_run_of = SIZE_MAX;
        if (POOL_FIRST_FIT && i + want < pool->hint[0]) pool->hint[0] = i + want;
    } else if (want > n) {
        /* The granules after the block must be free, and inside the pool. */
        if (i + want > POOL_GRANULES || bitmap_next_one(pool->used, i + want, i + n) != i + want)
            return n * GRANULE;
        used_set(pool, i + n, want - n);
        pool->used_granules += want - n;
        hints_past(pool, i + n, i + want);
    }
    *usable = want * GRANULE;
    return n * GRANULE;
}

/* ---- Invariants (README.md), checked by sm_check().  Cost: O(pools x 2048 words). */

/* BUILD-IT begin lab 1 */
/* Each granule that is used but not a start continues the block before it:
 * (used & ~start) must be a subset of (used shifted up by one granule). */
static int runs_have_starts(const struct pool *pool)
{
    uint64_t carry = 0; /* used bit of the last granule of the previous word */
    for (size_t w = 0; w < POOL_WORDS; w++) {
        uint64_t used = pool->used[w], cont = used & ~pool->start[w];
        if (cont & ~((used << 1) | carry)) return 0;
        carry = used >> 63;
    }
    return 1;
}
/* BUILD-IT end */

static int check_pool(const struct pool *pool)
{
    /* BUILD-IT begin lab 1 */
    if ((uintptr_t) pool % sysalloc_page_size())
        return check_failed("pool is not a page-aligned mapping");
    for (size_t w = 0; w < POOL_WORDS; w++) {
        if (pool->start[w] & ~pool->used[w])
            return check_failed("a block start marked on a free granule");
        if (pool->start[w] & pool->freed[w])
            return check_failed("a live block start marked as freed");
        if (bitmap_get(pool->zero_words, w) != (pool->used[w] == 0))
            return check_failed("zero-word summary differs from the used bitmap");
    }
    if (!runs_have_starts(pool))
        return check_failed("used granules with no block start before them");
    if (bitmap_count(pool->used, POOL_GRANULES) != pool->used_granules)
        return check_failed("used-granule count differs from the used bitmap");
    if (bitmap_count(pool->start, POOL_GRANULES) != pool->live_blocks)
        return check_failed("live-block count differs from the start bitmap");
    if (pool->hint[0] >= POOL_GRANULES || pool->hint[1] >= POOL_GRANULES)
        return check_failed("search hint outside the pool");
    if (POOL_FIRST_FIT && bitmap_next_zero(pool->used, POOL_GRANULES, 0) < pool->hint[0])
        return check_failed("first fit: a free granule below the low-water hint");
    if (pool->no_run_of != SIZE_MAX && bitmap_find_run(pool->used, pool->zero_words, POOL_GRANULES,
                                                       0, pool->no_run_of, 1) != BITMAP_NONE)
        return check_failed("pool marked as having no run of n granules has one");
    return 0;
    /* BUILD-IT stub: SM_NOT_WRITTEN(1, pool); */
    /* BUILD-IT end */
}

int pool_check(void)
{
    size_t empty = 0, current_found = current == NULL;
    for (size_t k = 0; k < npools; k++) {
        const struct pool *pool = pools[k];
        if (k > 0 && (const char *) pools[k - 1] + POOL_MAP > (const char *) pool)
            return check_failed("pools not sorted by address, or overlapping");
        if (check_pool(pool) != 0) return -1;
        empty += pool->used_granules == 0;
        current_found |= pool == current;
    }
    if (empty != empty_pools) return check_failed("empty-pool count differs from the pools");
    if (empty_pools > POOL_KEEP_EMPTY)
        return check_failed("more empty pools kept than POOL_KEEP_EMPTY");
    if (!current_found) return check_failed("current pool is not among the pools");
    return 0;
}

struct pool_bits pool_bits_of(const void *p)
{
    size_t i;
    struct pool *pool = block_at(p, "pool_bits_of", &i);
    if (!pool) sm_bad_pointer("pool_bits_of", "invalid pointer", p);
    return (struct pool_bits){.used = pool->used, .start = pool->start, .granule = i};
}

/* ---- The heap walk (pool.h).  Reads the bitmaps, never a granule: O(pools x 1024 words). */

static void pool_blocks(const struct walk_region *r, struct walk_out *out)
{
    const struct pool *pool = r->item;
    uintptr_t granules = (uintptr_t) granules_of(pool);
    walk_block(out, r->addr, sizeof *pool, SM_WALK_META);
    walk_block(out, r->addr + sizeof *pool, POOL_META - sizeof *pool, SM_WALK_UNUSED);
    for (size_t i = 0; i < POOL_GRANULES && !out->stop;) {
        size_t end;
        if (bitmap_get(pool->start, i)) {
            end = bitmap_run_end(pool->used, pool->start, POOL_GRANULES, i + 1);
            walk_block(out, granules + i * GRANULE, (end - i) * GRANULE, SM_WALK_LIVE);
        } else if (bitmap_get(pool->used, i)) {
            /* A used granule with no block start is a broken heap (sm_check names it): one
             * granule at a time, so that the walk still ends. */
            end = i + 1;
            walk_block(out, granules + i * GRANULE, GRANULE, SM_WALK_LIVE);
        } else {
            end = bitmap_next_one(pool->used, POOL_GRANULES, i);
            walk_block(out, granules + i * GRANULE, (end - i) * GRANULE, SM_WALK_FREE);
        }
        i = end;
    }
}

void pool_walk(struct walk_list *list)
{
    for (size_t k = 0; k < npools; k++) {
        struct walk_region r = {.addr = (uintptr_t) pools[k],
                                .size = sysalloc_rounded(POOL_MAP),
                                .what = "pool",
                                .item = pools[k],
                                .blocks = pool_blocks};
        walk_region(list, &r);
    }
    if (pools != first_pools)
        walk_meta_region(list, pools, pools_capacity * sizeof *pools, "pool table");
}

uint64_t pool_allocation_count(void)
{
    return allocations;
}

void pool_teardown(void)
{
    for (size_t k = 0; k < npools; k++)
        sysfree(pools[k], POOL_MAP);
    if (pools != first_pools) sysfree(pools, pools_capacity * sizeof *pools);
    pools = first_pools;
    pools_capacity = FIRST_POOLS;
    npools = empty_pools = 0;
    current = NULL;
    allocations = 0;
}
