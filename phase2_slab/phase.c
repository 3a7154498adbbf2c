/*
 * phase.c - phase2, the seed's slab allocator: the sm_* API's phase functions (common/phase.h).
 *
 * Where a request goes:
 *   size <= 1024 (LARGEST_CLASS)       a slab cache object of the smallest class that fits;
 *   size <= 256 KiB (POOL_MAX_REQUEST)  phase1's bitmap pool, linked from phase1_bitmap/;
 *   larger, or aligned above 4 KiB     a mapping of its own (common/bigblock).
 * sm_memalign requests skip the slabs (their objects are only 16-byte aligned) and go to the
 * pool or to a big block.
 *
 * Every block, wherever it comes from, gets an SM_AllocationEnhanced record from meta_new()
 * (metadata.h), and free releases it with meta_release().  Start-up is eager: slab_init_all()
 * makes every cache at the first allocation (35 mappings).
 *
 * free never trusts the pointer: it first asks, reading nothing at the pointer, whether it lies
 * in a slab, a pool or a big block (range checks), then looks its record up in meta_index; a
 * pointer with no record is an interior pointer, a foreign one or a double free, and aborts.
 */
#include "bigblock.h"
#include "diag.h"
#include "map_limit.h"
#include "meta_index.h"
#include "metadata.h"
#include "now_ns.h"
#include "phase.h"
#include "phase1_bitmap/pool.h"
#include "slab.h"

#include <errno.h>

const char phase_name[] = "phase2_slab";

static int initialized;
static uint64_t init_ns;     /* time start_up took: the seed's "slab creation time" */
static uint64_t allocations; /* records handed out so far: the next record's serial - 1 */

/* Eager start-up: all 11 caches at the first allocation (35 sysalloc calls).  0, or -1 with
 * errno = ENOMEM and nothing mapped, to be tried again at the next allocation. */
static int start_up(void)
{
    uint64_t t0 = now_ns();
    map_limit_init();
    if (slab_init_all() != 0) return -1;
    if (meta_index_reserve() != 0) {
        slab_teardown();
        return -1;
    }
    init_ns += now_ns() - t0;
    initialized = 1;
    return 0;
}

/* Gets a block for m from the source that serves (size, align), and fills m in.  NULL with
 * errno = ENOMEM when that source could not get memory. */
static void *place(SM_AllocationEnhanced *m, size_t size, size_t align)
{
    int c = align <= SM_ALIGN ? size_class_for(size) : NOT_SLAB_SIZED;
    void *p;
    if (c != NOT_SLAB_SIZED) {
        p = slab_alloc(c);
        m->source = FROM_SLAB;
        m->size_class = (uint8_t) c;
        m->usable = size_class_bytes[c];
    } else if (size <= POOL_MAX_REQUEST && align <= POOL_MAX_ALIGN) {
        p = align <= SM_ALIGN ? pool_alloc(size, &m->usable)
                              : pool_memalign(align, size, &m->usable);
        m->source = FROM_POOL;
    } else {
        p = bigblock_alloc(size, align);
        m->usable = p ? bigblock_usable(p) : 0;
        m->source = FROM_BIG;
    }
    m->block_key = ~(uintptr_t) p;
    m->size = size;
    return p;
}

static void *allocate(size_t size, size_t align, size_t *usable)
{
    if (!initialized && start_up() != 0) return NULL;
    if (map_limit_reached()) { /* see map_limit.h: better NULL now than an abort in free */
        errno = ENOMEM;
        return NULL;
    }
    if (meta_index_reserve() != 0) return NULL;
    SM_AllocationEnhanced *m = meta_new();
    if (!m) return NULL;
    void *p = place(m, size, align);
    if (!p) {
        meta_release(m);
        errno = ENOMEM;
        return NULL;
    }
    m->serial = ++allocations;
    meta_index_put(m);
    *usable = m->usable;
    return p;
}

void *phase_malloc(size_t size, size_t *usable)
{
    return allocate(size, SM_ALIGN, usable);
}

void *phase_memalign(size_t align, size_t size, size_t *usable)
{
    return allocate(size, align, usable);
}

/* The record of the live block at ptr; aborts, naming func, when there is none. */
static SM_AllocationEnhanced *record_of(const void *ptr, const char *func)
{
    struct slab *s = slab_find(ptr);
    if (!s && !pool_owns(ptr) && !bigblock_owns(ptr))
        sm_bad_pointer(func, "invalid pointer", ptr); /* not our memory at all */
    SM_AllocationEnhanced *m = meta_index_find(ptr);
    if (!m) /* a carved object with no record has been freed already */
        sm_bad_pointer(func, s && slab_is_carved_object(s, ptr) ? "double free" : "invalid pointer",
                       ptr);
    return m;
}

size_t phase_free(void *ptr, const char *func)
{
    SM_AllocationEnhanced *m = record_of(ptr, func);
    size_t usable = m->usable;
    if (m->source == FROM_SLAB)
        slab_free(m->size_class, ptr);
    else if (m->source == FROM_POOL)
        pool_free(ptr, func);
    else
        bigblock_free(ptr);
    meta_index_remove(ptr);
    meta_release(m);
    return usable;
}

size_t phase_usable_size(const void *ptr, const char *func)
{
    return record_of(ptr, func)->usable;
}

size_t phase_resize(void *ptr, size_t size, size_t *usable, const char *func)
{
    SM_AllocationEnhanced *m = record_of(ptr, func);
    size_t old = m->usable;
    if (m->source == FROM_POOL)
        pool_resize(ptr, size, usable, func);
    else
        *usable = size <= old ? old : 0; /* a slab object keeps its class, a big block its map */
    if (*usable) {
        m->usable = *usable;
        m->size = size;
    }
    return old;
}

/* A big block grows by remapping its pages (bigblock_remap), and its record follows it to the
 * new address; slab and pool objects move by a copy. */
void *phase_remap(void *ptr, size_t size, size_t *usable)
{
    SM_AllocationEnhanced *m = record_of(ptr, "sm_realloc");
    if (m->source != FROM_BIG || meta_index_reserve() != 0) return NULL;
    void *p = bigblock_remap(ptr, size, usable);
    if (!p) return NULL;
    meta_index_remove(ptr);
    m->block_key = ~(uintptr_t) p;
    m->usable = *usable;
    m->size = size;
    meta_index_put(m);
    return p;
}

void phase_stats(struct sm_stats *out)
{
    uint64_t hits = 0, misses = 0;
    for (int c = 0; c < SIZE_CLASSES; c++) {
        if (slab_caches[c]) {
            hits += slab_caches[c]->hits;
            misses += slab_caches[c]->misses;
        }
    }
    out->cache_hits = hits;
    out->cache_misses = misses;
    out->slab_allocations = hits + misses;
    out->pool_allocations = pool_allocation_count();
    out->large_allocations = bigblock_allocations();
    out->init_ns = init_ns;
}

void phase_teardown(void)
{
    meta_teardown();
    meta_index_teardown();
    slab_teardown();
    pool_teardown();
    bigblock_teardown();
    initialized = 0;
    init_ns = 0;
    allocations = 0;
}
