/*
 * phase.c - phase1_bitmap, Randy's Phase 1: "simple, direct allocation, minimal system calls,
 * efficient bit operations".
 *
 * Every request up to POOL_MAX_REQUEST (256 KiB, a quarter of a pool) is a run of 16-byte
 * granules in a bitmap pool (pool.c); larger ones, and alignments above a page, get a mapping
 * of their own (common/bigblock.c).  A pointer is told apart by the pool's lookup (pool_of in
 * pool.c), a binary search over the pools' addresses that reads nothing at the pointer.
 *
 * Cost per call: malloc is the pool's hint test (a fresh run right after the last block) or a
 * word-at-a-time search; free is the pool's lookup, then one bitmap word per 64 granules of the
 * block (README.md has the measured figures).
 */
#include "bigblock.h"
#include "diag.h"
#include "phase.h"
#include "pool.h"

const char phase_name[] = "phase1_bitmap";

static void *big(size_t size, size_t align, size_t *usable)
{
    void *p = bigblock_alloc(size, align);
    *usable = p ? bigblock_usable(p) : 0;
    return p;
}

void *phase_malloc(size_t size, size_t *usable)
{
    if (size <= POOL_MAX_REQUEST) return pool_alloc(size, usable);
    return big(size, SM_ALIGN, usable);
}

void *phase_memalign(size_t align, size_t size, size_t *usable)
{
    if (align <= POOL_MAX_ALIGN && size <= POOL_MAX_REQUEST)
        return pool_memalign(align, size, usable);
    return big(size, align, usable);
}

/* A pointer in no pool (pool_free and pool_usable say 0) may be a big block. */
size_t phase_free(void *ptr, const char *func)
{
    size_t n = pool_free(ptr, func);
    if (!n) n = bigblock_free(ptr);
    if (!n) sm_bad_pointer(func, "invalid pointer", ptr);
    return n;
}

size_t phase_usable_size(const void *ptr, const char *func)
{
    size_t n = pool_usable(ptr, func);
    if (!n) n = bigblock_usable(ptr);
    if (!n) sm_bad_pointer(func, "invalid pointer", ptr);
    return n;
}

/* A pool block grows into free granules after it or shrinks in place; a big block keeps its
 * mapping while the new size fits.  Anything else moves (sm_api.c copies). */
size_t phase_resize(void *ptr, size_t size, size_t *usable, const char *func)
{
    size_t old = pool_resize(ptr, size, usable, func);
    if (old) return old;
    old = bigblock_usable(ptr);
    if (!old) sm_bad_pointer(func, "invalid pointer", ptr);
    *usable = size <= old && size > POOL_MAX_REQUEST ? old : 0;
    return old;
}

/* A big block grows by remapping its pages (bigblock_remap); a pool block moves by a copy. */
void *phase_remap(void *ptr, size_t size, size_t *usable)
{
    return bigblock_remap(ptr, size, usable);
}

void phase_stats(struct sm_stats *out)
{
    out->pool_allocations = pool_allocation_count();
    out->large_allocations = bigblock_allocations();
}

void phase_teardown(void)
{
    pool_teardown();
    bigblock_teardown();
}
