/*
 * slab.h - phase2_1's slabs: the structures, the build switches, and the small inline helpers
 * that the fast paths in malloc.c are made of.
 *
 * Glossary
 *   class    a block size served by slabs: 16, 32, ... SLAB_MAX (4 KiB) bytes (size_class.c).
 *   slab     SLAB_SIZE bytes cut into equal blocks of one class.  Its descriptor (struct slab)
 *            lives outside it, so the slab itself is nothing but blocks.
 *   region   one sysalloc mapping: a struct region, the descriptors of its slabs, then the
 *            slabs, page-aligned.  Each region is a quarter of the heap so far (region.c), so
 *            the number of sysalloc calls grows with peak memory, not with allocations.
 *   free list  the free blocks of one slab, linked through their first word; the second word of
 *            a free block holds its free key, (address ^ FREE_KEY), which is how a double free
 *            is recognised.
 *   fresh    blocks of a slab never handed out yet, not on its free list: the slab is threaded
 *            onto its free list a page at a time, when needed (LAZY_SLABS).
 *   current  the slab of a class that malloc pops from; the class's other slabs with free blocks
 *            wait on its partial list.
 *
 * A region:
 *
 *   +---------------+----------------------+-- pad --+----------+----------+-- ... --+
 *   | struct region | struct slab desc[n]  | to page | slab 0   | slab 1   |         |
 *   +---------------+----------------------+---------+----------+----------+-- ... --+
 *                                                    ^ slabs, SLAB_SIZE each, page-aligned
 *
 * Pointers memcheck must not see: its leak check scans the allocator's own memory for words
 * pointing at a block, and a leaked block still pointed at is "still reachable", not "lost".
 * So no descriptor or table keeps the address of a block: a slab's first block is kept as
 * ~address (start_key), the fresh limit as an offset, a region span starts at the region's
 * header and has a size, not an end (which could be the next mapping's first block).
 *
 * The build switches: each correction of the seed's Phase 2.1, default 1; 0 falls back to
 * phase2's behaviour for that part alone (README.md, "The five corrections and their switches").
 */
#ifndef PHASE2_1_SLAB_H
#define PHASE2_1_SLAB_H

#include "sm_valgrind.h"

#include <stddef.h>
#include <stdint.h>

#ifndef BATCH_METADATA
#define BATCH_METADATA 1 /* 0: one SM_AllocationEnhanced per block, one sysalloc each */
#endif
#ifndef BULK_SLABS
#define BULK_SLABS 1 /* 0: one sysalloc per slab */
#endif
#ifndef LAZY_SLABS
#define LAZY_SLABS 1 /* 0: every class gets a fully threaded slab at initialization */
#endif
#ifndef FAST_PATH
#define FAST_PATH 1 /* 0: class found by a linear search, every allocation through a call */
#endif
#ifndef HYBRID
#define HYBRID 1 /* 0: no pool: everything above SLAB_MAX straight to sysalloc */
#endif

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define SLAB_SHIFT 14
#define SLAB_SIZE  ((size_t) 1 << SLAB_SHIFT) /* 16 KiB */
#define PAGE       ((size_t) 4096)
#define SLAB_MAX   ((size_t) 4096) /* up to a page; HYBRID: the pool from here to 256 KiB */
#define NCLASSES   28
#define NO_CLASS   0xFF /* the class of a slab that is free, waiting for reuse */
#define FREE_KEY   ((uintptr_t) 0xF7EEB10C5A1AB00Bu)

#if !BATCH_METADATA
typedef struct SM_AllocationEnhanced SM_AllocationEnhanced;
#endif

/*
 * A slab's descriptor.  Invariants (check.c):
 *   live + (blocks on free) + (fresh blocks) == nblocks;
 *   every block on free lies in the slab, at start + k * size, below fresh, with its free key;
 *   class == NO_CLASS exactly when the slab is on the free-slab stack (then live == 0);
 *   listed == 1 exactly when the slab is on its class's partial list; such a slab has a free or
 *   fresh block and is not the class's current slab.
 */
struct slab {
    void *free;          /* first free block, or NULL */
    uint32_t size;       /* block size in bytes, class_size[class] */
    uint32_t live;       /* blocks handed out and not freed */
    uintptr_t start_key; /* ~(the first block): see "Pointers memcheck must not see" */
    uint32_t fresh;      /* offset of the first block never threaded; nblocks * size when none */
    uint32_t inv;        /* ceil(2^32 / size): offset * inv >> 32 is offset / size */
    uint16_t nblocks;    /* SLAB_SIZE / size */
    uint8_t class;       /* its class, or NO_CLASS */
    uint8_t listed;      /* on its class's partial list */
    struct slab *next;   /* partial list, or free-slab stack */
    struct slab *prev;   /* partial list */
#if !BATCH_METADATA
    SM_AllocationEnhanced **records; /* one per block, indexed by block number */
#endif
};

/* Invariant: desc[i] describes the slab at slabs + i * SLAB_SIZE, for i < carved; slabs from
 * carved on have never been used. */
struct region {
    size_t len;      /* bytes mapped, as passed to sysalloc */
    size_t head;     /* bytes before the first slab (this struct, desc[], padding to a page) */
    uint32_t nslabs; /* slabs the region holds */
    uint32_t carved; /* slabs handed out so far (lazily, in address order) */
    struct slab desc[];
};

/* The regions, sorted by address, for the range check that every free starts with. */
struct region_span {
    uintptr_t lo; /* the region's first byte (its header, never a block) */
    size_t size;  /* head + nslabs * SLAB_SIZE */
    struct region *r;
};
extern struct region_span *regions;
extern size_t nregions;

/* A direct-mapped cache of region spans, indexed by address bits 16..24: the span of the last
 * region looked up in each 64 KiB slot ({0, 0, NULL} when none).  A slot meets at most two
 * regions, since every region is larger than 64 KiB (with BULK_SLABS=0, up to four). */
#define SPAN_CACHE 512
extern struct region_span span_cache[SPAN_CACHE];

/* The span holding address a, by binary search; fills its cache slot.  NULL when none does. */
const struct region_span *span_search(uintptr_t a);

/* The slab holding p, or NULL when p is in none of our slabs.  Reads only the region table and
 * a descriptor, never the memory at p.  Cost: when p's cache slot holds its region (nearly
 * always), a shift, a mask, two subtracts, a compare and a shift, then the descriptor's class;
 * otherwise a binary search over the regions. */
static inline struct slab *slab_of(const void *p)
{
    uintptr_t a = (uintptr_t) p;
    const struct region_span *sp = &span_cache[(a >> 16) % SPAN_CACHE];
    if (unlikely(a - sp->lo >= sp->size)) {
        sp = span_search(a);
        if (!sp) return NULL;
    }
    struct region *r = sp->r;
    size_t i = (a - sp->lo - r->head) >> SLAB_SHIFT; /* a pointer into the head wraps: i huge */
    return i < r->carved && r->desc[i].class != NO_CLASS ? &r->desc[i] : NULL;
}

/* slab_of for the fast path: NULL also when p's cache slot misses (the caller then takes the
 * general path), so that it makes no call. */
static inline struct slab *slab_of_cached(const void *p)
{
    uintptr_t a = (uintptr_t) p;
    const struct region_span *sp = &span_cache[(a >> 16) % SPAN_CACHE];
    if (unlikely(a - sp->lo >= sp->size)) return NULL;
    struct region *r = sp->r;
    size_t i = (a - sp->lo - r->head) >> SLAB_SHIFT;
    return i < r->carved && r->desc[i].class != NO_CLASS ? &r->desc[i] : NULL;
}

/* The number of the block at offset off in a slab of s's class, or -1 when off is not the start
 * of a block.  Cost: two multiplies and a compare, no division. */
static inline long block_index(const struct slab *s, size_t off)
{
    size_t k = (size_t) (((uint64_t) off * s->inv) >> 32);
    return k * s->size == off && k < s->nblocks ? (long) k : -1;
}

/*
 * Free-list links, opened for Valgrind around each touch (sm_valgrind.h: free blocks are
 * NOACCESS).  Outside Valgrind each SM_VG_* is a few register moves and a no-op rotate sequence,
 * about 6 instructions.
 */
static inline void *block_pop_link(void *b)
{
    void **w = b;
    SM_VG_OPEN(w, 2 * sizeof(void *));
    /* clang-analyzer supposes a slab set up with 0 blocks threaded, hence the NOLINT below:
     * thread_batch() is at least 1 and a new slab has them all, so w is never NULL here. */
    void *next = w[0]; /* NOLINT(clang-analyzer-core.NullDereference) */
    w[1] = 0;          /* no longer free: clears the free key */
    SM_VG_CLOSE(w, 2 * sizeof(void *));
    return next;
}

static inline void block_push_link(void *b, void *next)
{
    void **w = b;
    SM_VG_OPEN(w, 2 * sizeof(void *));
    w[0] = next;
    w[1] = (void *) ((uintptr_t) b ^ FREE_KEY);
    SM_VG_CLOSE(w, 2 * sizeof(void *));
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

/* Whether the block b (free or live) carries its free key.  Under Valgrind b may be live, its
 * bytes the program's (defined or not, and the slack after a small request NOACCESS): each of
 * its first 16 bytes is given back exactly the state memcheck had for it.  Not a hot path. */
static inline int block_is_free(void *b)
{
    uintptr_t *w = b;
    if (!sm_vg_running()) return w[1] == ((uintptr_t) b ^ FREE_KEY);
    unsigned char bits[2 * sizeof(void *)];
    int held[2 * sizeof(void *)]; /* 1: addressable, its V bits saved in bits[] */
    for (size_t i = 0; i < sizeof bits; i++)
        held[i] = VALGRIND_GET_VBITS((char *) b + i, &bits[i], 1) == 1;
    SM_VG_OPEN(w, sizeof bits);
    int is_free = w[1] == ((uintptr_t) b ^ FREE_KEY);
    for (size_t i = 0; i < sizeof bits; i++) {
        if (held[i])
            VALGRIND_SET_VBITS((char *) b + i, &bits[i], 1);
        else
            SM_VG_CLOSE((char *) b + i, 1);
    }
    return is_free;
}

/* size_class.c */
extern const uint32_t class_size[NCLASSES];
extern uint8_t class_of_granule[SLAB_MAX / 16 + 1]; /* (size + 15) / 16 -> class */
void size_classes_init(void);
int class_for(size_t size); /* the table lookup, or a search without FAST_PATH */
int class_for_align(size_t size, size_t align); /* a class whose blocks are align-aligned, or -1 */

/* region.c */
struct slab *slab_carve(void);     /* a fresh slab (class NO_CLASS), or NULL with errno = ENOMEM */
void slab_release(struct slab *s); /* an empty slab back to the free-slab stack */
int regions_check(void);
const void *region_table(size_t *bytes); /* the span table's mapping, NULL while static */
void regions_teardown(void);
extern uint64_t regions_made;

/* slab.c */
extern struct slab *class_current[NCLASSES];
extern uint64_t slab_allocations;
extern uint64_t init_ns;
/* A block of class c, or of size's class when c < 0: the slow path (initialization, refill,
 * new slab), never inlined.  NULL with errno = ENOMEM. */
void *slab_alloc_slow(int c, size_t size, size_t *usable);
size_t slab_after_free(struct slab *s); /* full -> partial, empty -> released; s->size */
int slabs_init(void);
void slabs_teardown(void);

/* record.c: the per-allocation records of BATCH_METADATA=0 */
int record_attach(struct slab *s, void *b, size_t usable); /* 0, or -1 with errno = ENOMEM */
void record_detach(struct slab *s, void *b);
int record_array_new(struct slab *s);
void record_teardown(void);
struct walk_list;
void record_walk(struct walk_list *list); /* the records and the per-slab record arrays */

/* The first block of s, and the end of its blocks. */
static inline char *slab_start(const struct slab *s)
{
    return (char *) ~s->start_key;
}

static inline char *slab_end(const struct slab *s)
{
    return slab_start(s) + (size_t) s->nblocks * s->size;
}

static inline char *region_slabs(const struct region *r)
{
    return (char *) r + r->head;
}

/* Pops the first free block of s (s->free != NULL).  Cost: two loads, three stores, an
 * increment or two, and the two Valgrind requests of block_pop_link. */
static inline void *slab_pop(struct slab *s)
{
    void *b = s->free;
    s->free = block_pop_link(b);
    s->live++;
#if !BATCH_METADATA
    if (record_attach(s, b, s->size) != 0) {
        block_push_link(b, s->free);
        s->free = b;
        s->live--;
        return NULL;
    }
#endif
    slab_allocations++;
    return b;
}

/* Pushes block b (the start of a threaded block of s) back on s's free list.  Returns 0, or 1
 * when the slab was full or is now empty (the caller then calls slab_after_free).  When b is on
 * the free list already (its free key is set) it changes nothing and returns -1: a double free.
 * Cost: the key test, a load, three stores, a decrement, two tests, and two Valgrind guards. */
static inline int slab_push(struct slab *s, void *b)
{
    void **w = b, *old = s->free;
    SM_VG_OPEN(w, 2 * sizeof(void *));
    if (unlikely(w[1] == (void *) ((uintptr_t) b ^ FREE_KEY))) {
        SM_VG_CLOSE(w, 2 * sizeof(void *));
        return -1;
    }
    w[0] = old;
    w[1] = (void *) ((uintptr_t) b ^ FREE_KEY);
    SM_VG_CLOSE(w, 2 * sizeof(void *));
#if !BATCH_METADATA
    record_detach(s, b);
#endif
    s->free = b;
    return unlikely(--s->live == 0 || !old);
}

#endif
