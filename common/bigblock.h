/*
 * bigblock.h - large blocks, one mapping each, straight from sysalloc.
 *
 * Every phase sends requests above its own threshold here: a block of 1 MiB gains nothing from
 * a pool or a slab, and a mapping of its own is returned to the OS the moment it is freed.
 *
 * A big block has no header: the payload starts at the mapping (or, for an alignment above
 * the page size, at the first aligned address inside it), and its usable size is the rest of
 * the mapping.  Ownership and sizes live in an address table (common/addr_table.h) outside
 * the blocks, so a bad pointer is recognised without reading memory it points to, and
 * a block overflowing its end cannot corrupt the bookkeeping.  Cost: one hash probe per free,
 * one system call per allocation and per free.
 */
#ifndef BIGBLOCK_H
#define BIGBLOCK_H

#include <stddef.h>
#include <stdint.h>

/* A block of at least size bytes aligned to align (a power of two, at least 16); NULL with
 * errno = ENOMEM when the OS refuses. */
void *bigblock_alloc(size_t size, size_t align);

/* Whether p is the start of a live big block. */
int bigblock_owns(const void *p);

/* The usable size of the big block at p, or 0 when p is not one. */
size_t bigblock_usable(const void *p);

/* Unmaps the big block at p and returns its usable size, or returns 0 when p is not one. */
size_t bigblock_free(void *p);

/* Allocations made so far (for the large_allocations counter). */
uint64_t bigblock_allocations(void);

/* Checks the table; 0 when consistent, check_failed(...) otherwise. */
int bigblock_check(void);

/* Names each big block's mapping (its alignment gap unused, the rest one live block) and the
 * table's, for the heap walk (common/walk.h). */
struct walk_list;
void bigblock_walk(struct walk_list *list);

/* Unmaps every big block and the table. */
void bigblock_teardown(void);

#endif
