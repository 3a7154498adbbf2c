/*
 * heap.c - phase0, Randy's original: an explicit free list searched first-fit.
 *
 * malloc walks the free list from its head and takes the first block big enough, splitting off
 * the rest when the rest can stand as a block of its own.  free marks the block free and
 * coalesces it with free neighbours on both sides, so no two free blocks are ever adjacent.
 * The heap grows by one CHUNK_SIZE chunk from sysalloc when nothing fits; requests above
 * LARGE_THRESHOLD get a mapping of their own (bigblock).
 *
 * Cost: malloc is O(free blocks), the first-fit walk; free is O(chunks), the range check that
 * finds the block's chunk, plus O(1) coalescing.  Both grow with the heap: that is what the
 * later phases fix.  Layout and glossary: heap.h.  Invariants: README.md, checked by check.c.
 */
#include "heap.h"
#include "bigblock.h"
#include "diag.h"
#include "not_written.h"
#include "phase.h"
#include "sysalloc.h"

const char phase_name[] = "phase0_original";

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
    size_t n = (size + HEADER_SIZE + 15) & ~(size_t) 15;
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
        /* The chunk is empty and not the last one: give it back. */
        if (chunks == c) {
            chunks = chunk_next(c);
        } else {
            struct chunk *before = chunks;
            while (chunk_next(before) != c)
                before = chunk_next(before);
            set_chunk_next(before, chunk_next(c));
        }
        sysfree(c, CHUNK_SIZE);
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

void phase_stats(struct sm_stats *out)
{
    out->pool_allocations = pool_allocations;
    out->large_allocations = bigblock_allocations();
}

void phase_teardown(void)
{
    while (chunks) {
        struct chunk *c = chunks;
        chunks = chunk_next(c);
        sysfree(c, CHUNK_SIZE);
    }
    free_list = NULL;
    pool_allocations = 0;
    bigblock_teardown();
}
