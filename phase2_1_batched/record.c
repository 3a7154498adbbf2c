/*
 * record.c - BATCH_METADATA=0 only: phase2's per-allocation records, for the ablation.
 *
 * Phase2 describes every block by an SM_AllocationEnhanced record that it gets with its own
 * sysalloc call (phase2_slab/metadata.c, linked here, not copied).  This file attaches such a
 * record to every slab block, so that a build with BATCH_METADATA=0 pays exactly that cost: one
 * mmap per allocation and one munmap per free.  The records are found again through a per-slab
 * array indexed by block number.
 *
 * With BATCH_METADATA=1 there is no per-allocation record at all (README.md, "Metadata").
 */
#include "slab.h"

#if !BATCH_METADATA
#include "metadata.h"
#include "sysalloc.h"

#include "walk.h"

#include <errno.h>

#define RECORDS_BYTES (SLAB_SIZE / 16 * sizeof(SM_AllocationEnhanced *))

int record_array_new(struct slab *s)
{
    s->records = sysalloc(RECORDS_BYTES);
    return s->records ? 0 : -1;
}

int record_attach(struct slab *s, void *b, size_t usable)
{
    SM_AllocationEnhanced *m = meta_new();
    if (!m) {
        errno = ENOMEM;
        return -1;
    }
    m->block_key = ~(uintptr_t) b;
    m->size = usable;
    m->usable = usable;
    m->source = FROM_SLAB;
    m->size_class = s->class;
    s->records[block_index(s, (size_t) ((char *) b - slab_start(s)))] = m;
    return 0;
}

void record_detach(struct slab *s, void *b)
{
    SM_AllocationEnhanced **slot =
        &s->records[block_index(s, (size_t) ((char *) b - slab_start(s)))];
    meta_release(*slot);
    *slot = NULL;
}

void record_walk(struct walk_list *list)
{
    meta_walk(list);
    for (size_t i = 0; i < nregions; i++) {
        struct region *r = regions[i].r;
        for (uint32_t k = 0; k < r->carved; k++)
            walk_meta_region(list, r->desc[k].records, RECORDS_BYTES, "record array");
    }
}

void record_teardown(void)
{
    meta_teardown();
    for (size_t i = 0; i < nregions; i++) {
        struct region *r = regions[i].r;
        for (uint32_t k = 0; k < r->carved; k++)
            sysfree(r->desc[k].records, RECORDS_BYTES);
    }
}
#endif
