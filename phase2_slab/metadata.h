/*
 * metadata.h - SM_AllocationEnhanced, the seed's per-allocation metadata record.
 *
 * Every block phase2 hands out, whatever its size and wherever it comes from (a slab, the
 * bitmap pool, a big block), is described by one record: where the block is, how big, where it
 * came from.  phase_free finds the record (meta_index.h) and learns from it how to give the
 * block back.
 *
 * As Randy's Phase 2 did it: meta_new() gets each record with its own sysalloc call, and
 * meta_release() gives it back with its own sysfree.  Phase 2.1 replaces this with records
 * carved from a pre-allocated SM_MetadataPool.
 *
 * The component is self-contained so that phase2_1_batched can link it to reproduce phase2's
 * behaviour (its BATCH_METADATA switch set to 0).
 *
 * Invariants (checked by meta_check):
 *   - the live records form a doubly linked list: r->next->prev == r, r->prev->next == r;
 *   - meta_live_count() equals the length of that list.
 */
#ifndef PHASE2_METADATA_H
#define PHASE2_METADATA_H

#include <stddef.h>
#include <stdint.h>

/* Where a block came from. */
enum block_source {
    FROM_SLAB = 1, /* a slab cache object (size_class says which cache) */
    FROM_POOL = 2, /* phase1's bitmap pool */
    FROM_BIG = 3,  /* a mapping of its own (common/bigblock) */
};

typedef struct SM_AllocationEnhanced {
    /* ~(address of the block): hidden from memcheck's leak scan, so that a leaked block is
     * reported lost rather than reachable through its own record (see common/bigblock.c). */
    uintptr_t block_key;
    size_t size;        /* bytes asked for (the last realloc's size when resized in place) */
    size_t usable;      /* bytes the block holds, >= size */
    uint8_t source;     /* enum block_source */
    uint8_t size_class; /* the slab cache, when source == FROM_SLAB */
    uint64_t serial;    /* this allocation's number, counting from 1 */
    struct SM_AllocationEnhanced *prev, *next; /* the live records, newest first */
} SM_AllocationEnhanced;

/* A zeroed record, linked into the live list; NULL with errno = ENOMEM when sysalloc refuses.
 * Cost: one sysalloc, i.e. one mmap system call and a page of memory. */
SM_AllocationEnhanced *meta_new(void);

/* Unlinks the record and unmaps it.  Cost: one sysfree, i.e. one munmap system call. */
void meta_release(SM_AllocationEnhanced *m);

/* The live records, newest first (for sm_check and teardown). */
SM_AllocationEnhanced *meta_first(void);
uint64_t meta_live_count(void);

/* Checks the list invariants above; 0 when they hold, check_failed(...) otherwise. */
int meta_check(void);

/* Names each live record's mapping (a page: the record META, the rest UNUSED) for the heap
 * walk (common/walk.h). */
struct walk_list;
void meta_walk(struct walk_list *list);

/* Releases every live record. */
void meta_teardown(void);

static inline void *meta_block(const SM_AllocationEnhanced *m)
{
    return (void *) ~m->block_key;
}

#endif
