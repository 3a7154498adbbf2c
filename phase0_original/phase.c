/*
 * phase.c - phase0, Randy's original: the phase.h entry points over an explicit free list
 * searched first-fit (heap.c).
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
    size_t need = block_size_for(size);
    struct block *b = find_fit(need);
    if (!b) return NULL;
    list_remove(b);
    make_alloc(b, block_size(b));
    split_tail(b, need);
    pool_allocations++;
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
    /* Take a block with room for a free block before the aligned payload, then split. */
    size_t need = block_size_for(size);
    struct block *b = find_fit(need + align + MIN_BLOCK);
    if (!b) return NULL;
    list_remove(b);
    char *payload = block_payload(b);
    char *aligned = (char *) (((uintptr_t) payload + align - 1) & ~(uintptr_t) (align - 1));
    if (aligned != payload) {
        while ((size_t) (aligned - payload) < MIN_BLOCK)
            aligned += align;
        size_t lead = (size_t) (aligned - payload), total = block_size(b);
        make_free(b, lead, size_flags(b) & PREV_ALLOC); /* its neighbours are allocated */
        list_push(b);
        b = payload_block(aligned);
        set_size_flags(b, total - lead); /* PREV_ALLOC clear: the lead block is free */
    }
    make_alloc(b, block_size(b));
    split_tail(b, need);
    pool_allocations++;
    *usable = block_size(b) - HEADER_SIZE;
    return block_payload(b);
}

size_t phase_free(void *ptr, const char *func)
{
    struct chunk *c = chunk_of(ptr);
    if (!c) {
        size_t n = bigblock_free(ptr);
        if (!n) sm_bad_pointer(func, "invalid pointer", ptr);
        return n;
    }
    struct block *b = valid_block(c, ptr, func);
    size_t usable = block_size(b) - HEADER_SIZE;
    make_free(b, block_size(b), size_flags(b) & PREV_ALLOC);
    b = coalesce(b);
    if (block_next(b) == chunk_epilogue(c) && b == chunk_first(c) && chunk_next(chunks)) {
        chunk_release(c); /* empty and not the last chunk: give it back */
    } else {
        list_push(b);
    }
    return usable;
}

size_t phase_usable_size(const void *ptr, const char *func)
{
    struct chunk *c = chunk_of(ptr);
    if (c) return block_size(valid_block(c, ptr, func)) - HEADER_SIZE;
    size_t n = bigblock_usable(ptr);
    if (!n) sm_bad_pointer(func, "invalid pointer", ptr);
    return n;
}

int phase_resize(void *ptr, size_t size, size_t *usable)
{
    if (!chunk_of(ptr)) {
        *usable = bigblock_usable(ptr);
        return size <= *usable;
    }
    if (size > LARGE_THRESHOLD) return 0;
    struct block *b = payload_block(ptr);
    size_t need = block_size_for(size);
    struct block *next = block_next(b);
    if (need > block_size(b)) {
        /* Grow into the free block after this one, if together they are big enough. */
        if (block_is_alloc(next) || block_size(b) + block_size(next) < need) return 0;
        list_remove(next);
        set_tag(next, (uintptr_t) next ^ TAG_MERGED);
        make_alloc(b, block_size(b) + block_size(next));
    }
    split_tail(b, need);
    *usable = block_size(b) - HEADER_SIZE;
    return 1;
}

/* A big block grows by remapping its pages (bigblock_remap); a heap block moves by a copy. */
void *phase_remap(void *ptr, size_t size, size_t *usable)
{
    return chunk_of(ptr) ? NULL : bigblock_remap(ptr, size, usable);
}

void phase_stats(struct sm_stats *out)
{
    out->pool_allocations = pool_allocations;
    out->large_allocations = bigblock_allocations();
}

void phase_teardown(void)
{
    chunks_teardown();
    bigblock_teardown();
}
