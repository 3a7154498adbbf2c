/*
 * heap.h - phase0's heap layout, shared by heap.c (the free list), phase.c (the entry points)
 * and check.c (the checker).
 *
 * Glossary
 *   chunk   a region mapped with sysalloc (CHUNK_SIZE bytes) and cut into blocks.
 *   block   a header followed by a payload; every block is allocated or free.
 *   payload what the user gets: the bytes after the header, SM_ALIGN-aligned.
 *   free list  a doubly linked list of every free block, newest first (LIFO).
 *
 * A chunk:
 *
 *   +--------+--------+-----------+--------+---------------+-- ... --+----------+
 *   | chunk  | header | payload   | header | free: next,   | footer  | epilogue |
 *   | 16 B   | 16 B   |           | 16 B   | prev links    | 8 B     | 16 B     |
 *   +--------+--------+-----------+--------+---------------+---------+----------+
 *            ^ first block                  ^ a free block ...        ^ size 0, allocated
 *
 * Block header (16 bytes, so that the payload after it stays 16-byte aligned):
 *   size_flags  the block's size in bytes, header included (a multiple of 16), with
 *               ALLOC (bit 0) set when the block is allocated and PREV_ALLOC (bit 1) when the
 *               block before it is;
 *   tag         (address of the header) ^ TAG_LIVE while the header starts a block, so that a
 *               pointer into the middle of a payload is told from a real block.
 * A free block also keeps its size in a footer, its last 8 bytes, so that the block after it
 * can find its start when coalescing.  That footer is why PREV_ALLOC exists: only a free
 * block's footer is ever read.
 */
#ifndef PHASE0_HEAP_H
#define PHASE0_HEAP_H

#include "sm_assert.h"
#include "sm_valgrind.h"

#include <stddef.h>
#include <stdint.h>

#define CHUNK_SIZE      ((size_t) 256 * 1024) /* one sysalloc call grows the heap by this */
#define LARGE_THRESHOLD ((size_t) 64 * 1024)  /* larger requests go to bigblock */
#define HEADER_SIZE     16
#define MIN_BLOCK       48 /* header + two links + footer, rounded to 16 */

#define ALLOC      ((size_t) 1)
#define PREV_ALLOC ((size_t) 2)
#define FLAGS      ((size_t) 15)

#define TAG_LIVE   ((uintptr_t) 0x5A11C0DEBA5EB10Cu) /* the header starts a block */
#define TAG_MERGED ((uintptr_t) 0xDEADB10CF4EEDu)    /* the header was merged into a neighbour */

struct block {
    size_t size_flags;
    uintptr_t tag;
    /* Only in free blocks, inside what is the payload when allocated: */
    struct block *next_free;
    struct block *prev_free;
};

struct chunk {
    struct chunk *next; /* all chunks, newest first */
    size_t size;        /* bytes mapped, CHUNK_SIZE */
};

/*
 * Field access.  Under memcheck every byte of the heap outside a live payload is NOACCESS
 * (common/sm_valgrind.h): block headers, footers, free-list links, chunk headers and the
 * epilogue.  So the fields are read and written only through peek and poke.  Under memcheck
 * they call peek_opened and poke_opened (heap.c), which open the one word, touch it and close it
 * again, so that a stray write by the program into a header is reported where it happens.
 * Otherwise they cost one load and one branch more than a plain access: the annotated version
 * stays out of line so that it does not make the hot functions too big to inline.
 */
uintptr_t peek_opened(const void *field);
void poke_opened(void *field, uintptr_t v);

static inline uintptr_t peek(const void *field)
{
    return sm_vg_off() ? *(const uintptr_t *) field : peek_opened(field);
}

static inline void poke(void *field, uintptr_t v)
{
    if (sm_vg_off())
        *(uintptr_t *) field = v;
    else
        poke_opened(field, v);
}

static inline size_t size_flags(const struct block *b)
{
    return peek(&b->size_flags);
}

static inline void set_size_flags(struct block *b, size_t v)
{
    poke(&b->size_flags, v);
}

static inline uintptr_t tag(const struct block *b)
{
    return peek(&b->tag);
}

static inline void set_tag(struct block *b, uintptr_t v)
{
    poke(&b->tag, v);
}

static inline struct block *next_free(const struct block *b)
{
    return (struct block *) peek(&b->next_free);
}

static inline void set_next_free(struct block *b, struct block *n)
{
    poke(&b->next_free, (uintptr_t) n);
}

static inline struct block *prev_free(const struct block *b)
{
    return (struct block *) peek(&b->prev_free);
}

static inline void set_prev_free(struct block *b, struct block *p)
{
    poke(&b->prev_free, (uintptr_t) p);
}

static inline struct chunk *chunk_next(const struct chunk *c)
{
    return (struct chunk *) peek(&c->next);
}

static inline void set_chunk_next(struct chunk *c, struct chunk *n)
{
    poke(&c->next, (uintptr_t) n);
}

static inline size_t chunk_size(const struct chunk *c)
{
    return peek(&c->size);
}

static inline size_t block_size(const struct block *b)
{
    return size_flags(b) & ~FLAGS;
}

static inline int block_is_alloc(const struct block *b)
{
    return (size_flags(b) & ALLOC) != 0;
}

static inline struct block *block_next(struct block *b)
{
    return (struct block *) ((char *) b + block_size(b));
}

/* A free block's footer: its last word. */
static inline size_t *block_footer(struct block *b)
{
    return (size_t *) ((char *) b + block_size(b) - sizeof(size_t));
}

/* The block before b, found through its footer; only when that block is free. */
static inline struct block *block_prev(struct block *b)
{
    SM_ASSERT(!(size_flags(b) & PREV_ALLOC));
    return (struct block *) ((char *) b - peek((size_t *) b - 1));
}

static inline void *block_payload(struct block *b)
{
    return (char *) b + HEADER_SIZE;
}

static inline struct block *payload_block(const void *p)
{
    return (struct block *) ((char *) p - HEADER_SIZE);
}

static inline struct block *chunk_first(struct chunk *c)
{
    return (struct block *) ((char *) c + sizeof(struct chunk));
}

static inline struct block *chunk_epilogue(struct chunk *c)
{
    return (struct block *) ((char *) c + chunk_size(c) - HEADER_SIZE);
}

/* The heap's state, defined in heap.c and read by check.c. */
extern struct chunk *chunks;
extern struct block *free_list;
extern uint64_t pool_allocations;

/* heap.c: the heap's operations, one call each for phase.c.  Sizes are payload bytes, at most
 * LARGE_THRESHOLD; a p that lies in a chunk but is not a live block's payload aborts, naming
 * func (sm_bad_pointer). */
struct block *heap_alloc(size_t size); /* an allocated block; NULL with errno = ENOMEM */
struct block *heap_alloc_aligned(size_t size, size_t align); /* payload align-aligned */
size_t heap_free(void *p, const char *func); /* frees p; its usable size, 0 when in no chunk */
size_t heap_usable(const void *p, const char *func); /* p's usable size, 0 when in no chunk */
int heap_owns(const void *p);                        /* whether p lies in a chunk */
/* Grows or shrinks the live block at p in place to hold size bytes: 1 and the new usable size
 * in *usable when done, 0 when the block after it is not free or not big enough. */
int heap_resize(void *p, size_t size, size_t *usable);
void heap_teardown(void);

#endif
