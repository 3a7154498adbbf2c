/*
 * malloc.c - phase2_1, the corrected slab allocator: the phase.h entry points.
 *
 * The hybrid (HYBRID, the seed's "slab for tiny allocations, pool for larger"):
 *   size <= SLAB_MAX (4 KiB)           a slab block of the size's class;
 *   size <= POOL_MAX_REQUEST (256 KiB) phase1's bitmap pool (linked from phase1_bitmap/);
 *   larger                             a mapping of its own (common/bigblock).
 * With HYBRID=0 (the seed's pure slab allocator) there is no pool: everything above SLAB_MAX
 * gets a mapping of its own, one sysalloc per block.
 *
 * The fast paths (FAST_PATH) are the two functions a program calls millions of times:
 * phase_malloc pops from the current slab of the class and phase_free pushes onto the slab the
 * block lies in.  Anything else - a class with no free block, a slab that filled up or emptied,
 * initialization - is a call into slab.c.  Without FAST_PATH (phase2) the class is found by a
 * linear search and every allocation is a call to slab_alloc_slow.
 */
#include "slab.h"
#include "bigblock.h"
#include "diag.h"
#include "phase.h"
#if HYBRID
#include "pool.h"
#endif

#include <errno.h>

const char phase_name[] = "phase2_1_batched";

/* Sizes above SLAB_MAX: the pool or a mapping of their own. */
static __attribute__((noinline)) void *larger_alloc(size_t size, size_t align, size_t *usable)
{
#if HYBRID
    if (size <= POOL_MAX_REQUEST && align <= PAGE)
        return align <= SM_ALIGN ? pool_alloc(size, usable) : pool_memalign(align, size, usable);
#endif
    void *p = bigblock_alloc(size, align);
    *usable = p ? bigblock_usable(p) : 0;
    return p;
}

/*
 * The fast path, paid on every small malloc in a native run: a compare, the table lookup (add,
 * shift, load), the current slab (load) and its first free block (load, test), Valgrind known
 * absent (load, compare), then the pop (load the link, clear the free key, store the new head,
 * two counts).  No call, no register saved.  Everything else - an empty free list, the first
 * call, a run under Valgrind (whose requests slab_pop makes), the records of BATCH_METADATA=0 -
 * is slab_alloc_slow.  Measured with callgrind on phase1_pattern: 28 instructions per
 * phase_malloc, the rare slow path included (README.md, "Figures").
 */
void *phase_malloc(size_t size, size_t *usable)
{
    if (likely(size <= SLAB_MAX)) {
#if FAST_PATH
        struct slab *s = class_current[class_of_granule[(size + 15) >> 4]];
        void **b = s->free;
        if (likely(b != NULL && sm_vg_state == 1 && BATCH_METADATA)) {
            s->free = b[0];
            b[1] = NULL; /* no longer free: clears the free key */
            s->live++;
            slab_allocations++;
            *usable = s->size;
            return b;
        }
#endif
        return slab_alloc_slow(-1, size, usable);
    }
    return larger_alloc(size, SM_ALIGN, usable);
}

void *phase_memalign(size_t align, size_t size, size_t *usable)
{
    int c = class_for_align(size, align);
    if (c >= 0) return slab_alloc_slow(c, size, usable);
    return larger_alloc(size, align, usable);
}

/* Whether p is the start of a block of s that was handed out (threaded, below fresh). */
static inline int slab_block_ok(const struct slab *s, const void *p)
{
    size_t off = (size_t) ((const char *) p - slab_start(s));
    return block_index(s, off) >= 0 && off < s->fresh;
}

/* Not in a slab: the pool's, a big block, or not ours at all. */
static __attribute__((noinline)) size_t larger_free(void *p, const char *func)
{
#if HYBRID
    if (pool_owns(p)) return pool_free(p, func);
#endif
    size_t n = bigblock_free(p);
    if (!n) sm_bad_pointer(func, "invalid pointer", p);
    return n;
}

/* A slab pointer that failed a check: says which, and aborts. */
static __attribute__((noinline, cold)) size_t free_rejected(struct slab *s, void *p,
                                                            const char *func)
{
    if (!slab_block_ok(s, p)) sm_bad_pointer(func, "invalid pointer", p);
    sm_bad_pointer(func, "double free", p);
}

/* Free for any pointer, native or under Valgrind: the checks of the fast path below, with a
 * full region lookup, the Valgrind requests, the records of BATCH_METADATA=0, and the reports. */
static __attribute__((noinline)) size_t free_general(void *ptr, const char *func)
{
    struct slab *s = slab_of(ptr);
    if (unlikely(!s)) return larger_free(ptr, func);
    if (unlikely(!slab_block_ok(s, ptr))) return free_rejected(s, ptr, func);
    int pushed = slab_push(s, ptr);
    if (likely(pushed == 0)) return s->size;
    return pushed > 0 ? slab_after_free(s) : free_rejected(s, ptr, func);
}

/*
 * The fast path of free, native runs only (sm_vg_state == 1: Valgrind known absent, so no
 * request is needed): the range check (slab_of_cached: one cached span), the block check (two
 * multiplies, two compares), the free-key test that catches a double free, then the push.
 * Everything else - a cache miss, a pointer not in a slab, a bad pointer, Valgrind, the
 * records of BATCH_METADATA=0 - is free_general, and a slab that was full or is now empty is
 * slab_after_free, both as tail calls: the common case makes no call (and saves one register).
 * Measured with callgrind on phase1_pattern: 65 instructions per phase_free.
 */
size_t phase_free(void *ptr, const char *func)
{
    struct slab *s = slab_of_cached(ptr);
    if (unlikely(!BATCH_METADATA || sm_vg_state != 1 || !s)) return free_general(ptr, func);
    size_t off = (size_t) ((char *) ptr - slab_start(s));
    void **w = ptr, *old = s->free;
    if (unlikely(block_index(s, off) < 0 || off >= s->fresh ||
                 w[1] == (void *) ((uintptr_t) ptr ^ FREE_KEY)))
        return free_general(ptr, func); /* it reports what is wrong */
    w[0] = old;
    w[1] = (void *) ((uintptr_t) ptr ^ FREE_KEY);
    s->free = ptr;
    if (unlikely(--s->live == 0 || !old)) return slab_after_free(s);
    return s->size;
}

size_t phase_usable_size(const void *ptr, const char *func)
{
    struct slab *s = slab_of(ptr);
    if (s) {
        if (!slab_block_ok(s, ptr)) sm_bad_pointer(func, "invalid pointer", ptr);
        if (block_is_free((void *) ptr)) sm_bad_pointer(func, "double free", ptr);
        return s->size;
    }
#if HYBRID
    if (pool_owns(ptr)) return pool_usable(ptr, func);
#endif
    size_t n = bigblock_usable(ptr);
    if (!n) sm_bad_pointer(func, "invalid pointer", ptr);
    return n;
}

/* A slab block stays where it is while the new size fits its class; the pool grows into free
 * granules after the block; a big block while the size fits its mapping. */
int phase_resize(void *ptr, size_t size, size_t *usable)
{
    struct slab *s = slab_of(ptr);
    if (s) {
        *usable = s->size;
        return size <= s->size;
    }
#if HYBRID
    if (pool_owns(ptr)) return pool_resize(ptr, size, usable);
#endif
    *usable = bigblock_usable(ptr);
    return size <= *usable;
}

void phase_stats(struct sm_stats *out)
{
    out->slab_allocations = slab_allocations;
#if HYBRID
    out->pool_allocations = pool_allocation_count();
#endif
    out->large_allocations = bigblock_allocations();
    out->init_ns = init_ns;
}

void phase_teardown(void)
{
#if !BATCH_METADATA
    record_teardown();
#endif
    slabs_teardown();
    regions_teardown();
#if HYBRID
    pool_teardown();
#endif
    bigblock_teardown();
}
