/*
 * phase.c - phase0, Randy's original: the phase.h entry points over an explicit free list
 * searched first-fit (heap.c).  This file sends each request and pointer to the heap, or to
 * bigblock above LARGE_THRESHOLD; heap.c does the rest, one call per operation.
 *
 * malloc takes the first free block big enough and splits off the rest when the rest can stand
 * as a block of its own.  free marks the block free and coalesces it with free neighbours on
 * both sides, so no two free blocks are ever adjacent.  The heap grows by one CHUNK_SIZE chunk
 * from sysalloc when nothing fits; requests above LARGE_THRESHOLD get a mapping of their own
 * (bigblock).
 *
 * Cost: malloc is O(free blocks), the first-fit walk; free is O(chunks), the range check that
 * finds the block's chunk, plus O(1) coalescing.  Layout and glossary: heap.h.
 */
#include "heap.h"
#include "bigblock.h"
#include "diag.h"
#include "phase.h"

const char phase_name[] = "phase0_original";

void *phase_malloc(size_t size, size_t *usable)
{
    if (size > LARGE_THRESHOLD) {
        void *p = bigblock_alloc(size, SM_ALIGN);
        *usable = p ? bigblock_usable(p) : 0;
        return p;
    }
    struct block *b = heap_alloc(size);
    if (!b) return NULL;
    *usable = block_size(b) - HEADER_SIZE;
    return block_payload(b);
}

void *phase_memalign(size_t align, size_t size, size_t *usable)
{
    if (size > LARGE_THRESHOLD || align > CHUNK_SIZE / 8) {
        void *p = bigblock_alloc(size, align);
        *usable = p ? bigblock_usable(p) : 0;
        return p;
    }
    struct block *b = heap_alloc_aligned(size, align);
    if (!b) return NULL;
    *usable = block_size(b) - HEADER_SIZE;
    return block_payload(b);
}

size_t phase_free(void *ptr, const char *func)
{
    size_t n = heap_free(ptr, func);
    if (n) return n;
    n = bigblock_free(ptr); /* not in a chunk */
    if (!n) sm_bad_pointer(func, "invalid pointer", ptr);
    return n;
}

size_t phase_usable_size(const void *ptr, const char *func)
{
    size_t n = heap_usable(ptr, func);
    if (n) return n;
    n = bigblock_usable(ptr);
    if (!n) sm_bad_pointer(func, "invalid pointer", ptr);
    return n;
}

size_t phase_resize(void *ptr, size_t size, size_t *usable, const char *func)
{
    size_t old = heap_usable(ptr, func);
    if (old) {
        if (size > LARGE_THRESHOLD || !heap_resize(ptr, size, usable)) *usable = 0;
        return old;
    }
    old = bigblock_usable(ptr); /* not in a chunk */
    if (!old) sm_bad_pointer(func, "invalid pointer", ptr);
    *usable = size <= old ? old : 0; /* a big block keeps its mapping while size fits */
    return old;
}

/* A big block grows by remapping its pages (bigblock_remap); a heap block moves by a copy. */
void *phase_remap(void *ptr, size_t size, size_t *usable)
{
    return heap_owns(ptr) ? NULL : bigblock_remap(ptr, size, usable);
}

void phase_stats(struct sm_stats *out)
{
    out->pool_allocations = pool_allocations;
    out->large_allocations = bigblock_allocations();
}

void phase_teardown(void)
{
    heap_teardown();
    bigblock_teardown();
}
