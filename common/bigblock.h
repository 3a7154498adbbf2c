/*
 * bigblock.h - large blocks, one mapping each, straight from sysalloc.
 *
 * Every phase sends requests above its own threshold here: a block of 1 MiB gains nothing from
 * a pool or a slab, and a mapping of its own can go back to the OS whole when it is freed.
 *
 * A big block has no header: the payload is the mapping (for an alignment above the page size,
 * sysalloc_aligned trims a larger mapping to an aligned one), and its usable size is the whole
 * mapping.  Ownership and sizes live in an address table (common/addr_table.h) outside
 * the blocks, so a bad pointer is recognised without reading memory it points to, and
 * a block overflowing its end cannot corrupt the bookkeeping.  Cost: one hash probe per free,
 * one system call per allocation and per free unless a kept mapping serves (below).
 *
 * Growing one is cheap: bigblock_remap resizes the mapping with sysremap (mremap on Linux),
 * which moves page-table entries instead of bytes, and grows it geometrically, so that a block
 * grown step by step takes a logarithmic number of system calls and no copy.
 *
 * Kept mappings.  Unmapping a freed block at once is not free either: the next big block maps
 * again (two system calls, a mapping and an unmapping) and faults every page it touches in
 * again, one trip into the kernel per page, which can cost more than everything else the
 * program does with the block.  So a freed block's mapping is kept, its pages still in memory,
 * and the next big block it fits takes it without a system call: up to BIGBLOCK_KEEP_BYTES in
 * all, the oldest unmapped first to make room, a larger one unmapped at once.  A kept mapping
 * serves a request of at least 1/BIGBLOCK_KEEP_FIT of its size (the block's usable size is then
 * the whole mapping).  When the OS refuses a new mapping, the kept ones go back and it is asked
 * once more.  glibc does the same in its own way (a freed mmap'd chunk raises the threshold
 * below which blocks come from its heap, which keeps freed memory); jemalloc and mimalloc give
 * unused pages back after a delay instead.
 */
#ifndef BIGBLOCK_H
#define BIGBLOCK_H

#include <stddef.h>
#include <stdint.h>

#define BIGBLOCK_KEEP_BYTES ((size_t) 4 << 20) /* kept mappings, in all */
#define BIGBLOCK_KEEP_FIT   4                  /* a kept mapping serves 1/4 of its size or more */

/* A block of at least size bytes aligned to align (a power of two, at least 16); NULL with
 * errno = ENOMEM when the OS refuses. */
void *bigblock_alloc(size_t size, size_t align);

/* Grows the live big block at p to hold size bytes (more than its usable size), keeping its
 * contents, and returns its address (maybe another one; p is then no longer valid) with the new
 * usable size in *usable.  NULL, with the block untouched, when p is not a big block, size fits
 * already, or the OS refused. */
void *bigblock_remap(void *p, size_t size, size_t *usable);

/* Whether p is the start of a live big block. */
int bigblock_owns(const void *p);

/* The usable size of the big block at p, or 0 when p is not one. */
size_t bigblock_usable(const void *p);

/* Takes back the big block at p (its mapping kept or unmapped, as above) and returns its usable
 * size, or returns 0 when p is not one. */
size_t bigblock_free(void *p);

/* Allocations made so far (for the large_allocations counter). */
uint64_t bigblock_allocations(void);

/* Checks the table; 0 when consistent, check_failed(...) otherwise. */
int bigblock_check(void);

/* Names each big block's mapping (its alignment gap unused, the rest one live block), each
 * kept mapping (one free block) and the table's, for the heap walk (common/walk.h). */
struct walk_list;
void bigblock_walk(struct walk_list *list);

/* Unmaps every big block, every kept mapping and the table. */
void bigblock_teardown(void);

#endif
