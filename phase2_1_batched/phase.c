/*
 * phase.c - phase2_1, the corrected slab allocator: the phase.h entry points.
 *
 * Where a request goes (HYBRID, the seed's "slab for tiny allocations, pool for larger"):
 *   size <= LARGEST_CLASS (4 KiB)       a slab block of the size's class;
 *   size <= POOL_MAX_REQUEST (256 KiB)  phase1's bitmap pool (phase1_bitmap/pool.h);
 *   larger                              a mapping of its own (common/bigblock).
 * With HYBRID=0 (the seed's pure slab allocator) there is no pool: everything above
 * LARGEST_CLASS gets a mapping of its own, one sysalloc per block unless a freed block's kept
 * mapping serves it (common/bigblock.h).
 *
 * The fast paths (FAST_PATH) are the two functions a program calls millions of times:
 * phase_malloc pops from the current slab of the class and phase_free pushes onto the slab the
 * block lies in, with slab.h's slab_pop_block and slab_push_block.  Anything else - a class
 * with no free block, a slab that filled up or emptied, initialization, a run under Valgrind,
 * the records of BATCH_METADATA=0 - goes through the general paths: slab_alloc (slab.c) and
 * free_general below, which use the annotated slab_pop and slab_push.  phase_resize has free's
 * checks as its fast path (realloc of a slab block: a yes or no, no call) and resize_general.
 */
#include "slab.h"
#include "bigblock.h"
#include "diag.h"
#include "phase.h"
#include "phase1_bitmap/pool.h"

#include <errno.h>

const char phase_name[] = "phase2_1_batched";

/* Sizes above LARGEST_CLASS: the pool or a mapping of their own. */
static __attribute__((noinline)) void *larger_alloc(size_t size, size_t align, size_t *usable)
{
    if (HYBRID && size <= POOL_MAX_REQUEST && align <= POOL_MAX_ALIGN)
        return align <= SM_ALIGN ? pool_alloc(size, usable) : pool_memalign(align, size, usable);
    void *p = bigblock_alloc(size, align);
    *usable = p ? bigblock_usable(p) : 0;
    return p;
}

/*
 * The fast path of malloc, taken when Valgrind is known absent and there are no records: a
 * compare, the class (a table load), the current slab (a load) and its first free block (a
 * load and a test), then the pop.  No call, no register saved.  An empty free list (and the
 * placeholder slab every class starts with) takes the slow path, slab_alloc.
 */
void *phase_malloc(size_t size, size_t *usable)
{
    if (likely(size <= LARGEST_CLASS)) {
        if (FAST_PATH && BATCH_METADATA) {
            /* BUILD-IT begin lab 3 */
            struct slab *s = class_current[size_class_for(size)];
            if (likely(s->free != NULL && sm_vg_off())) {
                *usable = s->size;
                return slab_pop_block(s);
            }
            /* BUILD-IT stub: SM_NOT_WRITTEN(3, size, usable); */
            /* BUILD-IT end */
        }
        return slab_alloc(-1, size, usable);
    }
    return larger_alloc(size, SM_ALIGN, usable);
}

void *phase_memalign(size_t align, size_t size, size_t *usable)
{
    int c = size_class_for_align(size, align);
    if (c >= 0) return slab_alloc(c, size, usable);
    return larger_alloc(size, align, usable);
}

/* Not in a slab: the pool's, a big block, or not ours at all. */
static __attribute__((noinline)) size_t larger_free(void *p, const char *func)
{
    if (HYBRID && pool_owns(p)) return pool_free(p, func);
    size_t n = bigblock_free(p);
    if (!n) sm_bad_pointer(func, "invalid pointer", p);
    return n;
}

/* A slab pointer that failed a check: says which, and aborts. */
static __attribute__((noinline, cold)) size_t free_rejected(struct slab *s, void *p,
                                                            const char *func)
{
    if (!slab_block_ok(s, p)) sm_bad_pointer(func, "invalid pointer", p);
    sm_bad_pointer(func, free_block_wording(p), p);
}

/* Free for any pointer, native or under Valgrind: the checks of the fast path below, with a
 * full region lookup, the Valgrind requests, the records of BATCH_METADATA=0, and the reports. */
static __attribute__((noinline)) size_t free_general(void *ptr, const char *func)
{
    struct slab *s = slab_find(ptr);
    if (unlikely(!s)) return larger_free(ptr, func);
    if (unlikely(!slab_block_ok(s, ptr))) return free_rejected(s, ptr, func);
    int pushed = slab_push(s, ptr);
    if (likely(pushed == 0)) return s->size;
    return pushed > 0 ? slab_after_free(s) : free_rejected(s, ptr, func);
}

/*
 * The fast path of free, taken when Valgrind is known absent and there are no records: the
 * range check (one cached region span), the block check (two multiplies, two compares), the
 * free-key test that catches a double free, then the push.  A cache miss, a pointer not in a
 * slab or not a live block is free_general, and a slab that was full or is now empty is
 * slab_after_free, both as tail calls: the common case makes no call.
 */
size_t phase_free(void *ptr, const char *func)
{
    struct slab *s = slab_find_cached(ptr);
    if (unlikely(!BATCH_METADATA || !sm_vg_off() || !s)) return free_general(ptr, func);
    if (unlikely(!slab_block_ok(s, ptr) || block_has_free_key(ptr)))
        return free_general(ptr, func); /* it reports what is wrong */
    if (unlikely(slab_push_block(s, ptr))) return slab_after_free(s);
    return s->size;
}

/* The usable size of ptr, a live block of the slab s; anything else aborts. */
static size_t slab_usable(const struct slab *s, const void *ptr, const char *func)
{
    if (!slab_block_ok(s, ptr)) sm_bad_pointer(func, "invalid pointer", ptr);
    if (block_is_free((void *) ptr)) sm_bad_pointer(func, free_block_wording((void *) ptr), ptr);
    return s->size;
}

/* The usable size of ptr, a big block; anything else aborts. */
static size_t big_usable(const void *ptr, const char *func)
{
    size_t n = bigblock_usable(ptr);
    if (!n) sm_bad_pointer(func, "invalid pointer", ptr);
    return n;
}

size_t phase_usable_size(const void *ptr, const char *func)
{
    struct slab *s = slab_find(ptr);
    if (s) return slab_usable(s, ptr, func);
    size_t n = HYBRID ? pool_usable(ptr, func) : 0;
    return n ? n : big_usable(ptr, func);
}

/* Resize for any pointer, native or under Valgrind: the checks of the fast path below with a
 * full region lookup; the pool's blocks and big blocks; the reports. */
static __attribute__((noinline)) size_t resize_general(void *ptr, size_t size, size_t *usable,
                                                       const char *func)
{
    struct slab *s = slab_find(ptr);
    if (!s && HYBRID) {
        size_t old = pool_resize(ptr, size, usable, func);
        if (old) return old;
    }
    size_t old = s ? slab_usable(s, ptr, func) : big_usable(ptr, func);
    *usable = size <= old ? old : 0;
    return old;
}

/* A slab block stays where it is while the new size fits its class; the pool grows into free
 * granules after the block; a big block while the size fits its mapping.  The fast path, for a
 * live slab block when Valgrind is known absent, makes phase_free's checks and no call. */
size_t phase_resize(void *ptr, size_t size, size_t *usable, const char *func)
{
    struct slab *s = slab_find_cached(ptr);
    if (unlikely(!s || !sm_vg_off() || !slab_block_ok(s, ptr) || block_has_free_key(ptr)))
        return resize_general(ptr, size, usable, func);
    *usable = size <= s->size ? s->size : 0;
    return s->size;
}

/* A big block grows by remapping its pages (bigblock_remap); slab and pool blocks move by a
 * copy. */
void *phase_remap(void *ptr, size_t size, size_t *usable)
{
    return bigblock_remap(ptr, size, usable);
}

void phase_stats(struct sm_stats *out)
{
    out->slab_allocations = slab_allocations;
    if (HYBRID) out->pool_allocations = pool_allocation_count();
    out->large_allocations = bigblock_allocations();
    out->init_ns = init_ns;
}

void phase_teardown(void)
{
    record_teardown();
    slabs_teardown();
    regions_teardown();
    if (HYBRID) pool_teardown();
    bigblock_teardown();
}
