/*
 * meta_index.c - the address -> record table (see meta_index.h): a common/addr_table keyed by
 * the block's address, each entry holding the block's record (home).
 */
#include "meta_index.h"
#include "addr_table.h"
#include "diag.h"
#include "sm_assert.h"
#include "sysalloc.h"

/* 1024 slots in the first table, as phase2 has always had: where the table grows shows in the
 * sysalloc counts the labs read. */
static struct addr_table records = {.map = sysalloc, .unmap = sysfree, .first_cap = 1024};

int meta_index_reserve(void)
{
    return addr_table_reserve(&records);
}

void meta_index_put(SM_AllocationEnhanced *m)
{
    int added = addr_table_insert(&records, meta_block(m), (uintptr_t) m, 0);
    SM_ASSERT(added == 0); /* meta_index_reserve made the room */
    (void) added;
}

SM_AllocationEnhanced *meta_index_find(const void *p)
{
    struct addr_entry *e = addr_table_find(&records, p);
    return e ? (SM_AllocationEnhanced *) e->home : NULL;
}

void meta_index_remove(const void *p)
{
    struct addr_entry *e = addr_table_find(&records, p);
    SM_ASSERT(e != NULL);
    addr_table_remove(&records, e);
}

const void *meta_index_table(size_t *bytes)
{
    *bytes = records.cap * sizeof *records.slots;
    return records.slots;
}

int meta_index_check(void)
{
    if (addr_table_check(&records) != 0) return -1;
    struct addr_entry *e;
    for (size_t i = 0; (e = addr_table_next(&records, &i));) {
        const SM_AllocationEnhanced *m = (const SM_AllocationEnhanced *) e->home;
        if (!m || meta_block(m) != addr_entry_ptr(e))
            return check_failed("meta_index: entry's record describes another block");
    }
    if (records.used != meta_live_count())
        return check_failed("meta_index: a live record is missing from the index");
    return 0;
}

void meta_index_teardown(void)
{
    addr_table_release(&records);
}
