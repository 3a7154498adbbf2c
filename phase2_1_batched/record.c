/*
 * record.c - BATCH_METADATA=0 only: the records of record.h, one sysalloc each.
 */
#include "record.h"
#include "region.h"
#include "sysalloc.h"
#include "walk.h"

#include <errno.h>

/* One slot per block of the class with the most blocks a slab (16 bytes). */
#define RECORDS_BYTES (SLAB_BYTES / 16 * sizeof(SM_AllocationEnhanced *))

SM_AllocationEnhanced **record_array_map(void)
{
    return sysalloc(RECORDS_BYTES);
}

void record_array_unmap(SM_AllocationEnhanced **records)
{
    sysfree(records, RECORDS_BYTES);
}

int record_map(SM_AllocationEnhanced **slot, void *b, size_t usable, int size_class)
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
    m->size_class = (uint8_t) size_class;
    *slot = m;
    return 0;
}

void record_unmap(SM_AllocationEnhanced **slot)
{
    meta_release(*slot);
    *slot = NULL;
}

void record_array_walk(struct walk_list *list, SM_AllocationEnhanced **records)
{
    walk_meta_region(list, records, RECORDS_BYTES, "record array");
}

void record_unmap_all(void)
{
    meta_teardown();
}
