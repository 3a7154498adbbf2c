/*
 * addr_table.h - a table from block addresses to what is known about them, kept outside the
 * blocks.
 *
 * Used where a block must be recognised without reading memory at its address: the big blocks
 * (common/bigblock.c, a mapping each), memcheck's registered sizes (common/sm_valgrind.c) and
 * phase2's per-allocation records (phase2_slab/meta_index.c).
 * Open addressing with linear probing and tombstones, rebuilt when 3/4 full.  Cost: one hash
 * and usually one or two probes per lookup.
 *
 * A key is ~p, never p: memcheck's leak checker scans memory for pointers, and a table holding
 * plain user pointers would make every leaked block look "still reachable".
 *
 * Invariants (addr_table_check): used + dead < cap * 3/4 after every insertion; used and dead
 * count the live entries and the tombstones; every live entry is found by its own probe.
 */
#ifndef ADDR_TABLE_H
#define ADDR_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct addr_entry {
    uintptr_t key;  /* ~address, or one of the two reserved values (addr_table.c) */
    uintptr_t home; /* where the block is kept or described: bigblock its mapping, phase2 its
                       record; 0 when the user keeps only a length */
    size_t len;     /* a length: bigblock the mapping's, sm_valgrind the size asked for */
};

struct addr_table {
    struct addr_entry *slots;
    size_t cap;       /* slots, a power of two, or 0 before the first insertion */
    size_t used;      /* live entries */
    size_t dead;      /* tombstones */
    size_t first_cap; /* slots of the first table, a power of two; 0 for the default (256) */
    /* Where the slots come from: sysalloc for the allocator's own tables, plain mmap for the
     * checker's (so that it moves no counter).  map returns NULL on failure. */
    void *(*map)(size_t bytes);
    void (*unmap)(void *ptr, size_t bytes);
};

/* The entry of address p, or NULL. */
struct addr_entry *addr_table_find(const struct addr_table *t, const void *p);

/* Adds p (not in the table yet) with its two values; -1 when the table cannot grow. */
int addr_table_insert(struct addr_table *t, const void *p, uintptr_t home, size_t len);

/* Makes sure the next insertion cannot fail, even after a removal (it will not rebuild the
 * table); -1 when the table cannot grow. */
int addr_table_reserve(struct addr_table *t);

/* Removes an entry returned by addr_table_find. */
void addr_table_remove(struct addr_table *t, struct addr_entry *e);

/* The address an entry stands for. */
static inline void *addr_entry_ptr(const struct addr_entry *e)
{
    return (void *) ~e->key;
}

/* Iterates the live entries: for (size_t i = 0; (e = addr_table_next(t, &i)); ). */
struct addr_entry *addr_table_next(const struct addr_table *t, size_t *i);

/* Checks the invariants; 0 when they hold, check_failed(...) otherwise. */
int addr_table_check(const struct addr_table *t);

/* Unmaps the slots and empties the table (the entries' own memory is the caller's). */
void addr_table_release(struct addr_table *t);

#endif
