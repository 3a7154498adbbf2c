/*
 * slab.h - phase2_1's slabs: the descriptor, the one-slab operations the fast paths in phase.c
 * are made of, and the slow paths of slab.c.
 *
 * Glossary
 *   class    a block size served by slabs: 16, 32, ... LARGEST_CLASS (4 KiB) bytes (size_class.h).
 *   slab     SLAB_BYTES cut into equal blocks of one class.  Its descriptor (struct slab) lives
 *            in its region's head, outside it, so the slab itself is nothing but blocks.
 *   region   one sysalloc mapping holding many slabs and their descriptors (region.h).
 *   free list  the free blocks of one slab, linked through their first word; the second word of
 *            a free block holds its free key, (address ^ FREE_KEY) once freed, (address ^
 *            FRESH_KEY) when threaded but never handed out: how a double free is recognised,
 *            and told from a free of a block the program never had.
 *   fresh    blocks of a slab never handed out yet, not on its free list: the slab is threaded
 *            onto its free list a page at a time, when needed (LAZY_SLABS).
 *   current  the slab of a class that malloc pops from; the class's other slabs with free blocks
 *            wait on its partial list.
 *
 * Pointers memcheck must not see: its leak check scans the allocator's own memory for words
 * pointing at a block, and a leaked block still pointed at is "still reachable", not "lost".
 * So no descriptor or table keeps the address of a block: a slab's first block is kept as
 * ~address (base_key), the fresh limit as an offset.
 */
#ifndef PHASE2_1_SLAB_H
#define PHASE2_1_SLAB_H

#include "record.h"
#include "region.h"
#include "size_class.h"
#include "sm_assert.h"
#include "not_written.h"
#include "sm_valgrind.h"

#include <stddef.h>
#include <stdint.h>

#define NO_CLASS  0xFF /* the class of a slab that is free, waiting for reuse */
#define FREE_KEY  ((uintptr_t) 0xF7EEB10C5A1AB00Bu)
#define FRESH_KEY (FREE_KEY ^ 1) /* differs in the lowest bit only: one compare tests both */

/*
 * A slab's descriptor.  Invariants (check.c):
 *   live + (blocks on free) + (fresh blocks) == nblocks;
 *   every block on free lies in the slab, at base + k * size, below fresh, with its free key;
 *   size_class == NO_CLASS exactly when the slab is on the free-slab stack (then live == 0);
 *   listed == 1 exactly when the slab is on its class's partial list; such a slab has a free or
 *   fresh block and is not the class's current slab.
 */
struct slab {
    void *free;         /* first free block, or NULL */
    uint32_t size;      /* block size in bytes, size_class_bytes[size_class] */
    uint32_t live;      /* blocks handed out and not freed */
    uintptr_t base_key; /* ~(the first block): see "Pointers memcheck must not see" */
    uint32_t fresh;     /* offset of the first block never threaded; nblocks * size when none */
    uint32_t inv;       /* ceil(2^32 / size): offset * inv >> 32 is offset / size */
    uint16_t nblocks;   /* SLAB_BYTES / size */
    uint8_t size_class; /* its class, or NO_CLASS */
    uint8_t listed;     /* on its class's partial list */
    struct slab *next;  /* partial list, or free-slab stack */
    struct slab *prev;  /* partial list */
    SM_AllocationEnhanced **records; /* BATCH_METADATA=0: one per block (record.h), else NULL */
};
_Static_assert(sizeof(struct slab) <= SLAB_DESC_BYTES, "a descriptor outgrew its room");
_Static_assert(offsetof(struct region, desc) % _Alignof(struct slab) == 0, "misaligned desc");

/* The first block of s. */
static inline char *slab_base(const struct slab *s)
{
    return (char *) ~s->base_key;
}

/* The slab of span sp's region holding address a (in the span), or NULL when a is in the
 * region's head, in a slab never carved or in a free slab. */
static inline struct slab *slab_in_span(const struct region_span *sp, uintptr_t a)
{
    /* BUILD-IT begin lab 3 */
    struct region *r = sp->r;
    size_t i = (a - sp->lo - r->head) >> SLAB_SHIFT; /* a pointer into the head wraps: i huge */
    if (i >= r->carved) return NULL;
    struct slab *s = region_desc(r, i);
    return s->size_class != NO_CLASS ? s : NULL;
    /* BUILD-IT stub: SM_NOT_WRITTEN(3, sp, a); */
    /* BUILD-IT end */
}

/* slab_find for the fast path: NULL also when p's cache slot misses (the caller then takes the
 * general path), so that it makes no call. */
static inline struct slab *slab_find_cached(const void *p)
{
    const struct region_span *sp = span_cached((uintptr_t) p);
    return sp ? slab_in_span(sp, (uintptr_t) p) : NULL;
}

/* The slab holding p, or NULL when p is in none of our slabs.  Reads only the region table and
 * a descriptor, never the memory at p.  Cost: when p's cache slot holds its region (nearly
 * always), a shift, a mask, two subtracts, a compare and a shift, then the descriptor's class;
 * otherwise a binary search over the regions. */
static inline struct slab *slab_find(const void *p)
{
    const struct region_span *sp = span_cached((uintptr_t) p);
    if (unlikely(!sp)) {
        sp = span_search((uintptr_t) p);
        if (!sp) return NULL;
    }
    return slab_in_span(sp, (uintptr_t) p);
}

/* The number of the block at offset off in a slab of s's class, or -1 when off is not the start
 * of a block.  Cost: two multiplies and a compare, no division. */
static inline long block_index(const struct slab *s, size_t off)
{
    size_t k = (size_t) (((uint64_t) off * s->inv) >> 32);
    return k * s->size == off && k < s->nblocks ? (long) k : -1;
}

/* Whether p is the start of a block of s that was handed out at least once (threaded, below
 * fresh). */
static inline int slab_block_ok(const struct slab *s, const void *p)
{
    size_t off = (size_t) ((const char *) p - slab_base(s));
    return block_index(s, off) >= 0 && off < s->fresh;
}

/* The number of b, a block of s. */
static inline size_t block_number(const struct slab *s, const void *b)
{
    return (size_t) block_index(s, (size_t) ((const char *) b - slab_base(s)));
}

/* Whether the block b carries its free key; b's first two words must be readable. */
static inline int block_has_free_key(const void *b)
{
    return (((const uintptr_t *) b)[1] ^ (uintptr_t) b ^ FREE_KEY) <= 1; /* FREE_ or FRESH_KEY */
}

/* Whether the free block b was handed out and freed (FREE_KEY), not threaded fresh. */
static inline int block_was_freed(const void *b)
{
    return ((const uintptr_t *) b)[1] == ((uintptr_t) b ^ FREE_KEY);
}

/* slab.c: the classes' slabs (current, partial lists), the free-slab stack, the slow paths. */
extern struct slab *class_current[SIZE_CLASSES];
extern struct slab *partial[SIZE_CLASSES];
extern struct slab *free_slabs; /* emptied slabs, any class, newest first */
extern uint64_t slab_allocations;
extern uint64_t init_ns;

/* A block of class c, or of size's class when c < 0: the slow path (initialization, refill,
 * new slab), never inlined.  NULL with errno = ENOMEM. */
void *slab_alloc(int c, size_t size, size_t *usable);

/* After slab_push returned 1: a full slab goes on its partial list, an empty one (not current)
 * to the free-slab stack.  Returns s->size. */
size_t slab_after_free(struct slab *s);

int slabs_init(void);
void slabs_teardown(void);

/* Writes the free block b's link and free key: key is FREE_KEY for a freed block, FRESH_KEY
 * for one threaded fresh. */
static inline void block_set_key(void *b, void *next, uintptr_t key)
{
    void **w = b;
    w[0] = next;
    w[1] = (void *) ((uintptr_t) b ^ key);
}

/*
 * The pop and the push, written once.  slab_pop_block and slab_push_block are the operations
 * themselves: plain loads and stores, no Valgrind request, no record.  The fast paths (phase.c)
 * call them when Valgrind is known absent and there are no records; slab_pop and slab_push wrap
 * them with the Valgrind requests (sm_valgrind.h: free blocks are NOACCESS) and the records of
 * BATCH_METADATA=0, for every other case.
 */

/* Pops the first free block of s.  Cost: two loads, two stores and two increments. */
static inline void *slab_pop_block(struct slab *s)
{
    SM_ASSERT(s->free != NULL);
    void **b = s->free;
    s->free = b[0];
    b[1] = NULL; /* no longer free: clears the free key */
    s->live++;
    slab_allocations++;
    return b;
}

/* Pushes b, a block of s handed out and not free, on s's free list.  Returns 1 when the slab was
 * full or is now empty (the caller then calls slab_after_free), else 0.  Cost: a load, three
 * stores, a decrement and two tests. */
static inline int slab_push_block(struct slab *s, void *b)
{
    SM_ASSERT(slab_block_ok(s, b) && s->live > 0);
    void *old = s->free;
    block_set_key(b, old, FREE_KEY);
    s->free = b;
    return unlikely(--s->live == 0 || !old);
}

/* slab_pop_block with the Valgrind requests and the record.  NULL with errno = ENOMEM when the
 * record cannot be had (BATCH_METADATA=0), s unchanged. */
static inline void *slab_pop(struct slab *s)
{
    void *b = s->free;
    SM_VG_OPEN(b, 2 * sizeof(void *));
    slab_pop_block(s);
    SM_VG_CLOSE(b, 2 * sizeof(void *));
    if (record_attach(s->records, block_number(s, b), b, s->size, s->size_class) != 0) {
        SM_VG_OPEN(b, 2 * sizeof(void *));
        slab_push_block(s, b);
        SM_VG_CLOSE(b, 2 * sizeof(void *));
        slab_allocations--;
        return NULL;
    }
    return b;
}

/* slab_push_block with the Valgrind requests, the record, and the double-free test: when b is
 * on the free list already (its free key is set) it changes nothing and returns -1. */
static inline int slab_push(struct slab *s, void *b)
{
    SM_VG_OPEN(b, 2 * sizeof(void *));
    if (unlikely(block_has_free_key(b))) {
        SM_VG_CLOSE(b, 2 * sizeof(void *));
        return -1;
    }
    int edge = slab_push_block(s, b);
    SM_VG_CLOSE(b, 2 * sizeof(void *));
    record_detach(s->records, block_number(s, b));
    return edge;
}

/* The link of the free block b, for walks that change nothing (sm_check). */
static inline void *block_link(void *b)
{
    void **w = b;
    SM_VG_OPEN(w, sizeof(void *));
    void *next = w[0];
    SM_VG_CLOSE(w, sizeof(void *));
    return next;
}

/* The wording for a rejected free of the free block b: freed once already, or never handed out
 * (memcheck keeps free blocks NOACCESS: opened for the read). */
static inline const char *free_block_wording(void *b)
{
    SM_VG_OPEN(b, 2 * sizeof(void *));
    int freed = block_was_freed(b);
    SM_VG_CLOSE(b, 2 * sizeof(void *));
    return freed ? "double free" : "invalid pointer";
}

/* block_is_free under Valgrind, where b may be live, its bytes the program's (defined or not,
 * and the slack after a small request NOACCESS): each of its first 16 bytes is given back
 * exactly the state memcheck had for it. */
static inline int block_is_free_vg(void *b)
{
    if (!sm_vg_running()) return block_has_free_key(b);
    unsigned char bits[2 * sizeof(void *)];
    int held[2 * sizeof(void *)]; /* 1: addressable, its V bits saved in bits[] */
    for (size_t i = 0; i < sizeof bits; i++)
        held[i] = VALGRIND_GET_VBITS((char *) b + i, &bits[i], 1) == 1;
    SM_VG_OPEN(b, sizeof bits);
    int is_free = block_has_free_key(b);
    for (size_t i = 0; i < sizeof bits; i++) {
        if (held[i])
            VALGRIND_SET_VBITS((char *) b + i, &bits[i], 1);
        else
            SM_VG_CLOSE((char *) b + i, 1);
    }
    return is_free;
}

/* Whether the block b (free or live) carries its free key, under Valgrind too: the test of
 * every sm_realloc and sm_usable_size, so natively it is the key test alone. */
static inline int block_is_free(void *b)
{
    return likely(sm_vg_off()) ? block_has_free_key(b) : block_is_free_vg(b);
}

#endif
