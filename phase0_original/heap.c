/*
 * heap.c - phase0's free list and blocks: first fit, split, coalesce, and growing the heap by
 * whole chunks.  The phase.h entry points that use them are in phase.c.
 *
 * Cost: find_fit is O(free blocks), the first-fit walk; chunk_of is O(chunks), the range check
 * every free starts with; coalescing is O(1).  Both walks grow with the heap: that is what the
 * later phases fix.  Layout and glossary: heap.h.  Invariants: README.md, checked by check.c.
 */
#include "heap.h"
#include "align.h"
#include "diag.h"
#include "not_written.h"
#include "sysalloc.h"

struct chunk *chunks;
struct block *free_list;
uint64_t pool_allocations;

/* peek and poke (heap.h) under memcheck, and before the first ask. */
uintptr_t peek_opened(const void *field)
{
    SM_VG_OPEN(field, sizeof(uintptr_t));
    uintptr_t v = *(const uintptr_t *) field;
    SM_VG_CLOSE(field, sizeof(uintptr_t));
    return v;
}

void poke_opened(void *field, uintptr_t v)
{
    SM_VG_OPEN(field, sizeof(uintptr_t));
    *(uintptr_t *) field = v;
    SM_VG_CLOSE(field, sizeof(uintptr_t));
}

/* The block size that holds a payload of size bytes. */
static size_t block_size_for(size_t size)
{
    size_t n = align_up(size + HEADER_SIZE, 16);
    return n < MIN_BLOCK ? MIN_BLOCK : n;
}

static inline void list_push(struct block *b)
{
    set_prev_free(b, NULL);
    set_next_free(b, free_list);
    if (free_list) set_prev_free(free_list, b);
    free_list = b;
}

static inline void list_remove(struct block *b)
{
    SM_ASSERT(!block_is_alloc(b));
    struct block *prev = prev_free(b), *next = next_free(b);
    if (prev)
        set_next_free(prev, next);
    else
        free_list = next;
    if (next) set_prev_free(next, prev);
}

/* Makes b an allocated block of size bytes and tells the block after it. */
static inline void make_alloc(struct block *b, size_t size)
{
    set_size_flags(b, size | ALLOC | (size_flags(b) & PREV_ALLOC));
    set_tag(b, (uintptr_t) b ^ TAG_LIVE);
    struct block *next = block_next(b);
    set_size_flags(next, size_flags(next) | PREV_ALLOC);
}

/* Makes b a free block of size bytes (not yet on the free list) and tells the block after it. */
static inline void make_free(struct block *b, size_t size, size_t prev_alloc)
{
    /* BUILD-IT begin lab 0 */
    set_size_flags(b, size | prev_alloc);
    set_tag(b, (uintptr_t) b ^ TAG_LIVE);
    poke(block_footer(b), size);
    struct block *next = block_next(b);
    set_size_flags(next, size_flags(next) & ~PREV_ALLOC);
    /* BUILD-IT stub: SM_NOT_WRITTEN(0, b, size, prev_alloc); */
    /* BUILD-IT end */
}

/* Merges the free block b (not on the list) with its free neighbours; returns the result. */
static struct block *coalesce(struct block *b)
{
    SM_ASSERT(!block_is_alloc(b));
    /* BUILD-IT begin lab 0 */
    size_t size = block_size(b);
    struct block *next = block_next(b);
    if (!block_is_alloc(next)) {
        list_remove(next);
        size += block_size(next);
        set_tag(next, (uintptr_t) next ^ TAG_MERGED);
    }
    if (!(size_flags(b) & PREV_ALLOC)) {
        struct block *prev = block_prev(b);
        list_remove(prev);
        size += block_size(prev);
        set_tag(b, (uintptr_t) b ^ TAG_MERGED);
        b = prev;
    }
    make_free(b, size, size_flags(b) & PREV_ALLOC);
    return b;
    /* BUILD-IT stub: SM_NOT_WRITTEN(0, b); */
    /* BUILD-IT end */
}

/* Cuts the allocated block b down to need bytes when the rest can be a block of its own; the
 * rest is freed and merged with what follows it. */
static void split_tail(struct block *b, size_t need)
{
    SM_ASSERT(block_is_alloc(b) && need <= block_size(b));
    /* BUILD-IT begin lab 0 */
    size_t size = block_size(b);
    if (size - need < MIN_BLOCK) return;
    set_size_flags(b, need | (size_flags(b) & FLAGS));
    struct block *rest = block_next(b);
    make_free(rest, size - need, PREV_ALLOC);
    list_push(coalesce(rest));
    /* BUILD-IT stub: SM_NOT_WRITTEN(0, b, need); */
    /* BUILD-IT end */
}

/* Maps a new chunk holding one free block.  Returns NULL (errno = ENOMEM) when the OS refuses. */
static struct block *grow(void)
{
    struct chunk *c = sysalloc(CHUNK_SIZE);
    if (!c) return NULL;
    SM_VG_CLOSE(c, CHUNK_SIZE); /* no live block in it yet */
    poke(&c->size, CHUNK_SIZE);
    set_chunk_next(c, chunks);
    chunks = c;
    struct block *epilogue = chunk_epilogue(c);
    set_size_flags(epilogue, ALLOC); /* size 0: the walk stops here */
    set_tag(epilogue, 0);            /* never a valid block to free */
    struct block *b = chunk_first(c);
    make_free(b, CHUNK_SIZE - sizeof(struct chunk) - HEADER_SIZE, PREV_ALLOC);
    list_push(b);
    return b;
}

/* First fit: the first free block of at least need bytes, growing the heap if none fits. */
static struct block *find_fit(size_t need)
{
    /* BUILD-IT begin lab 0 */
    for (struct block *b = free_list; b; b = next_free(b))
        if (block_size(b) >= need) return b;
    /* BUILD-IT stub: SM_NOT_WRITTEN(0, need); */
    /* BUILD-IT end */
    return grow(); /* every request that reaches here fits in a fresh chunk */
}

/* The chunk holding address p, or NULL.  Cost: a walk over every chunk. */
static struct chunk *chunk_of(const void *p)
{
    for (struct chunk *c = chunks; c; c = chunk_next(c))
        if ((const char *) p > (const char *) c && (const char *) p < (const char *) c + CHUNK_SIZE)
            return c;
    return NULL;
}

/* The allocated block whose payload is p inside chunk c; aborts when there is none. */
static struct block *valid_block(struct chunk *c, const void *p, const char *func)
{
    struct block *b = payload_block(p);
    if (((uintptr_t) p & 15) || b < chunk_first(c) || b >= chunk_epilogue(c))
        sm_bad_pointer(func, "invalid pointer", p);
    uintptr_t t = tag(b); /* a real header, or user data when p is an interior pointer */
    if (t == ((uintptr_t) b ^ TAG_MERGED)) sm_bad_pointer(func, "double free", p);
    if (t != ((uintptr_t) b ^ TAG_LIVE)) sm_bad_pointer(func, "invalid pointer", p);
    if (!block_is_alloc(b)) sm_bad_pointer(func, "double free", p);
    return b;
}

/* Unlinks the empty chunk c from the chunk list and gives it back to the OS. */
static void chunk_release(struct chunk *c)
{
    if (chunks == c) {
        chunks = chunk_next(c);
    } else {
        struct chunk *before = chunks;
        while (chunk_next(before) != c)
            before = chunk_next(before);
        set_chunk_next(before, chunk_next(c));
    }
    sysfree(c, CHUNK_SIZE);
}

/* ---- The operations phase.c calls: one call per malloc, free or resize. */

struct block *heap_alloc(size_t size)
{
    size_t need = block_size_for(size);
    struct block *b = find_fit(need);
    if (!b) return NULL;
    list_remove(b);
    make_alloc(b, block_size(b));
    split_tail(b, need);
    pool_allocations++;
    return b;
}

struct block *heap_alloc_aligned(size_t size, size_t align)
{
    /* Take a block with room for a free block before the aligned payload, then split. */
    size_t need = block_size_for(size);
    struct block *b = find_fit(need + align + MIN_BLOCK);
    if (!b) return NULL;
    list_remove(b);
    char *payload = block_payload(b);
    char *aligned = align_ptr_up(payload, align);
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
    return b;
}

size_t heap_free(void *p, const char *func)
{
    struct chunk *c = chunk_of(p);
    if (!c) return 0;
    struct block *b = valid_block(c, p, func);
    size_t usable = block_size(b) - HEADER_SIZE;
    make_free(b, block_size(b), size_flags(b) & PREV_ALLOC);
    b = coalesce(b);
    if (block_next(b) == chunk_epilogue(c) && b == chunk_first(c) && chunk_next(chunks))
        chunk_release(c); /* empty and not the last chunk: give it back */
    else
        list_push(b);
    return usable;
}

size_t heap_usable(const void *p, const char *func)
{
    struct chunk *c = chunk_of(p);
    return c ? block_size(valid_block(c, p, func)) - HEADER_SIZE : 0;
}

int heap_owns(const void *p)
{
    return chunk_of(p) != NULL;
}

int heap_resize(void *p, size_t size, size_t *usable)
{
    struct block *b = payload_block(p);
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

void heap_teardown(void)
{
    while (chunks) {
        struct chunk *c = chunks;
        chunks = chunk_next(c);
        sysfree(c, CHUNK_SIZE);
    }
    free_list = NULL;
    pool_allocations = 0;
}
