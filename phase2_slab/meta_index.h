/*
 * meta_index.h - from a block's address to its SM_AllocationEnhanced record.
 *
 * The course's address table (common/addr_table.h: open addressing, keyed by the block's
 * address) kept outside every block: looking a pointer up never reads the memory it points to,
 * so a foreign pointer, an interior pointer or a freed block is simply not found.  Cost: one
 * hash and a probe or two per lookup; growing the table (one sysalloc, doubling) is amortized
 * over many insertions.
 *
 * Invariants (checked by meta_index_check):
 *   - the address table's own (addr_table_check);
 *   - every entry's record describes the block the entry is for;
 *   - the table holds one entry per live record: used == meta_live_count().
 */
#ifndef PHASE2_META_INDEX_H
#define PHASE2_META_INDEX_H

#include "metadata.h"

/* Makes room for one more entry, so that the next meta_index_put cannot fail.  Returns -1 with
 * errno = ENOMEM when the table must grow and sysalloc refuses. */
int meta_index_reserve(void);

/* Records that m describes the block meta_block(m).  Call meta_index_reserve first. */
void meta_index_put(SM_AllocationEnhanced *m);

/* The record of the live block starting at p, or NULL.  Reads nothing at p. */
SM_AllocationEnhanced *meta_index_find(const void *p);

/* Forgets the block at p (which must be in the table). */
void meta_index_remove(const void *p);

int meta_index_check(void);

/* The table's mapping and the bytes asked for it (NULL before the first reserve), for the walk. */
const void *meta_index_table(size_t *bytes);
void meta_index_teardown(void);

#endif
