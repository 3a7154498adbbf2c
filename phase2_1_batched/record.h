/*
 * record.h - BATCH_METADATA=0: phase2's per-allocation records, for the ablation.
 *
 * Phase2 describes every block by an SM_AllocationEnhanced record that it gets with its own
 * sysalloc call (phase2_slab/metadata.c, linked here, not copied).  With BATCH_METADATA=0 a slab
 * block gets such a record at every pop and gives it back at every push, so that the build pays
 * exactly that cost: one mmap per allocation and one munmap per free.  A slab finds the records
 * of its blocks in an array of its own, indexed by block number (struct slab's records).
 *
 * With BATCH_METADATA=1 (the default) there is no per-allocation record at all (README.md,
 * "Metadata"), and every function below is an empty inline that the compiler removes.
 */
#ifndef PHASE2_1_RECORD_H
#define PHASE2_1_RECORD_H

#include "phase2_slab/metadata.h"
#include "switches.h"

#include <stddef.h>

/* record.c, called only when BATCH_METADATA is 0.  Each map is one sysalloc and each unmap one
 * sysfree; NULL or -1 with errno = ENOMEM when sysalloc refuses. */
SM_AllocationEnhanced **record_array_map(void);
void record_array_unmap(SM_AllocationEnhanced **records);
int record_map(SM_AllocationEnhanced **slot, void *b, size_t usable, int size_class);
void record_unmap(SM_AllocationEnhanced **slot);
void record_unmap_all(void);
struct walk_list;
/* Names a slab's record array (NULL: none) for the heap walk (common/walk.h). */
void record_array_walk(struct walk_list *list, SM_AllocationEnhanced **records);

/* A new slab's record array in *records (NULL when BATCH_METADATA).  0, or -1 (ENOMEM). */
static inline int record_array_new(SM_AllocationEnhanced ***records)
{
    *records = NULL;
    if (BATCH_METADATA) return 0;
    *records = record_array_map();
    return *records ? 0 : -1;
}

static inline void record_array_release(SM_AllocationEnhanced **records)
{
    if (!BATCH_METADATA && records) record_array_unmap(records);
}

/* Gives block number k (at b, of class size_class) its record.  0, or -1 (ENOMEM). */
static inline int record_attach(SM_AllocationEnhanced **records, size_t k, void *b, size_t usable,
                                int size_class)
{
    if (BATCH_METADATA) return 0;
    return record_map(&records[k], b, usable, size_class);
}

/* Drops the record of block number k. */
static inline void record_detach(SM_AllocationEnhanced **records, size_t k)
{
    if (!BATCH_METADATA) record_unmap(&records[k]);
}

/* Drops every record (teardown). */
static inline void record_teardown(void)
{
    if (!BATCH_METADATA) record_unmap_all();
}

#endif
