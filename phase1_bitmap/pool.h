/*
 * pool.h - the bitmap pool: blocks of 16-byte granules carved from 1 MiB pools.
 *
 * A component, not a whole allocator: phase1_bitmap serves every request up to
 * POOL_MAX_REQUEST with it, and phase2_slab and phase2_1_batched link it (REUSED_SRCS) for their
 * middle sizes.  Larger requests are the caller's business (common/bigblock).
 *
 * Glossary
 *   pool     one sysalloc mapping: a page or more of bookkeeping, then POOL_SIZE bytes of
 *            granules.  The bookkeeping never lies among the granules, so the granule area can
 *            stay NOACCESS to Valgrind; the pool never reads or writes a granule itself.
 *   granule  16 bytes (SM_ALIGN), the unit of allocation: a block is a run of whole granules.
 *   used     a bitmap, one bit per granule: 1 = inside a live block.
 *   start    a second bitmap: 1 = the first granule of a live block.  A block ends at the next
 *            granule that is free or starts another block, so its size needs no header.
 *
 * Every function is single-threaded, like the rest of the course.  Layout, invariants and costs:
 * pool.c and phase1_bitmap/README.md.
 */
#ifndef PHASE1_POOL_H
#define PHASE1_POOL_H

#include <stddef.h>
#include <stdint.h>

#define POOL_MAX_REQUEST ((size_t) 256 * 1024) /* largest size pool_alloc serves */
#define POOL_MAX_ALIGN   ((size_t) 4096)       /* largest alignment pool_memalign serves */

/* The two policy knobs, measured against each other in README.md (-D on the command line):
 *   POOL_KEEP_EMPTY  empty pools kept mapped for reuse; an empty pool beyond these is returned
 *                    with sysfree.  Fewer return memory sooner, more save the page faults of
 *                    mapping it again.
 *   POOL_FIRST_FIT   0: next fit (the hint is where the last block ended; a search that finds
 *                    nothing after it wraps to the start).  1: first fit (the hint is a
 *                    low-water mark: every granule below it is used).
 *   POOL_ONE_HINT    0: next fit keeps two hints, one for runs under 1 KiB and one for longer
 *                    ones (pool.c, hint_of).  1: one hint for every size, as Randy had it. */
#ifndef POOL_KEEP_EMPTY
#define POOL_KEEP_EMPTY 4
#endif
#ifndef POOL_FIRST_FIT
#define POOL_FIRST_FIT 0
#endif
#ifndef POOL_ONE_HINT
#define POOL_ONE_HINT 0
#endif

/* A block of at least size bytes (size <= POOL_MAX_REQUEST), 16-byte aligned; its usable size
 * (a whole number of granules, at least one) goes to *usable.  NULL with errno = ENOMEM when no
 * pool has room and sysalloc refuses a new one. */
void *pool_alloc(size_t size, size_t *usable);

/* The same, aligned to align: a power of two from 32 to POOL_MAX_ALIGN (the granule area is
 * page-aligned).  size <= POOL_MAX_REQUEST. */
void *pool_memalign(size_t align, size_t size, size_t *usable);

/* Whether p lies inside some pool's granule area (live block or not).  Cheap: a binary search
 * over the pools sorted by address, never a walk over all of them; reads nothing at p. */
int pool_owns(const void *p);

/* Takes back the block starting at p and returns its usable size; 0 when p lies in no pool
 * (the caller's other allocators may own it: a pointer is looked up once).  A p inside a pool
 * that is not the start of a live block aborts via sm_bad_pointer(func, ...). */
size_t pool_free(void *p, const char *func);

/* The usable size of the live block at p, 0 and bad pointers as in pool_free. */
size_t pool_usable(const void *p, const char *func);

/* Grows or shrinks the live block at p in place to hold size bytes.  Returns its usable size
 * before the call, 0 and bad pointers as in pool_free.  Stores the new usable size in *usable
 * when done, 0 (block untouched) when the granules after it are taken or size >
 * POOL_MAX_REQUEST. */
size_t pool_resize(void *p, size_t size, size_t *usable, const char *func);

/* Checks every pool invariant (README.md); 0 when they hold, check_failed("...") otherwise. */
int pool_check(void);

/* What tests/test_corrupt.c damages on purpose, to require that pool_check notices: the used
 * and start bitmaps of the pool holding the live block at p, and p's granule index in them.
 * Nothing else calls it. */
struct pool_bits {
    uint64_t *used, *start;
    size_t granule;
};
struct pool_bits pool_bits_of(const void *p);

/* Blocks handed out by pool_alloc and pool_memalign since the start (or the last teardown). */
uint64_t pool_allocation_count(void);

/* Names every pool and the pool table, when it is a mapping, for the heap walk
 * (common/walk.h): a pool's header META, the padding to its granules UNUSED, then its granules
 * as LIVE blocks and FREE runs. */
struct walk_list;
void pool_walk(struct walk_list *list);

/* Returns every pool to sysfree and forgets all state. */
void pool_teardown(void);

#endif
