/*
 * sm.h - the allocator API that every phase implements, identical in all phases.
 *
 * A program (a test, the benchmark, a student's own driver, an instructor's grader) links
 * against one phase's libsm.a or libsm.so and calls these functions; which phase it gets is
 * decided at link time, never in the source.  The contract:
 *
 *   - Every pointer returned is aligned to SM_ALIGN (16 bytes, alignof(max_align_t)), for every
 *     size, 0 included.  sm_malloc(0) returns a unique pointer that can be freed.
 *   - A size that cannot be served (above SM_SIZE_MAX, or whose rounding would wrap, or
 *     nmemb * size overflowing in sm_calloc) returns NULL with errno = ENOMEM.  So does running
 *     out of memory: the allocators never exit on their own.
 *   - sm_free(NULL) does nothing.  sm_realloc(NULL, n) is sm_malloc(n).  sm_realloc(p, 0)
 *     resizes the block to 0 bytes and returns a pointer that must still be freed (it never
 *     frees and returns NULL, the behaviour C23 left undefined).  When sm_realloc fails it
 *     returns NULL and the old block is untouched and still valid.  A block that has to move
 *     to grow gets room to grow again (at least a quarter more than it had; a big block grows
 *     its mapping without a copy where the system can), so growing one in small steps costs
 *     time and copies linear in its final size.
 *   - sm_memalign takes any power-of-two alignment, 2 MiB and 1 GiB included: an alignment
 *     above the page size is a mapping of its own, trimmed to an aligned address
 *     (common/bigblock.h).  An alignment that is 0 or not a power of two returns NULL with
 *     errno = EINVAL; one that memory cannot serve (above SM_SIZE_MAX, or more than the address
 *     space allows) returns NULL with errno = ENOMEM.  realloc keeps SM_ALIGN, not the
 *     block's larger alignment.
 *   - sm_usable_size(p) is at least the size asked for.
 *   - A pointer the allocator never returned (a stack address, a pointer into the middle of a
 *     block, a block freed already) passed to sm_free, sm_realloc or sm_usable_size prints
 *     "sm_free(): invalid pointer 0x..." (or "double free") on stderr and calls abort().
 *
 * The allocators are single-threaded: a program with threads puts a lock around them.
 */
#ifndef SM_H
#define SM_H

#include <stddef.h>
#include <stdint.h>

#define SM_API __attribute__((visibility("default")))

#define SM_ALIGN    16                         /* alignment of every block */
#define SM_SIZE_MAX ((size_t) PTRDIFF_MAX / 2) /* larger requests fail with ENOMEM */

/*
 * Counters, read with sm_stats().  The first group means the same in every phase; the second
 * is filled by the phases that have the thing counted and is 0 elsewhere.
 */
struct sm_stats {
    /* Every phase. */
    uint64_t allocations; /* blocks handed out (malloc, calloc, memalign, realloc that moved) */
    uint64_t frees;       /* blocks taken back (free, realloc that moved) */
    uint64_t reallocs;    /* sm_realloc calls on a non-NULL pointer */
    uint64_t realloc_bytes_copied; /* bytes sm_realloc copied moving blocks (a remapped big
                                    * block moves without a copy where mremap exists) */
    uint64_t bytes_requested;      /* sum of the sizes asked for, over all allocations */
    uint64_t bytes_live;           /* usable bytes of the blocks live now */
    uint64_t peak_bytes_live;      /* the most bytes_live has been */
    uint64_t sysalloc_calls;       /* from the sysalloc layer: mappings made */
    uint64_t sysfree_calls;        /* mappings returned */
    uint64_t sysremap_calls;       /* mappings resized (big blocks grown by realloc) */
    uint64_t bytes_mapped;         /* bytes mapped now */
    uint64_t peak_bytes_mapped;    /* the most bytes_mapped has been */

    /* The phases that have them (the seed's Phase 2 reports these). */
    uint64_t cache_hits;        /* allocations served by a previously freed object of the class */
    uint64_t cache_misses;      /* allocations that needed a fresh object */
    uint64_t slab_allocations;  /* allocations served by a slab */
    uint64_t pool_allocations;  /* allocations served by a pool (bitmap pool, free-list heap) */
    uint64_t large_allocations; /* allocations sent straight to sysalloc */
    uint64_t init_ns;           /* time spent initializing the allocator, in nanoseconds */
};

SM_API void *sm_malloc(size_t size);
SM_API void sm_free(void *ptr);
SM_API void *sm_calloc(size_t nmemb, size_t size);
SM_API void *sm_realloc(void *ptr, size_t size);
SM_API void *sm_memalign(size_t alignment, size_t size);
SM_API size_t sm_usable_size(void *ptr);

/* Heap consistency: 0 when every invariant of the phase holds, -1 (and a message on stderr
 * naming the broken invariant) otherwise. */
SM_API int sm_check(void);

SM_API void sm_stats(struct sm_stats *out);

/* "phase0_original", "phase1_bitmap", ... */
SM_API const char *sm_name(void);

/* Returns everything the allocator mapped to the operating system, live blocks included, and
 * resets it to its first state.  Every pointer it returned is invalid afterwards.  For tests
 * and leak checkers: afterwards the sysalloc layer's bytes-mapped counter reads 0. */
SM_API void sm_teardown(void);

/*
 * The heap walk: every region the allocator mapped, and every block in it, in address order.
 *
 *   sm_walk(fn, arg) calls fn(&b, arg) once for each record b, and stops early when fn returns
 *   non-zero (sm_walk then returns that value; 0 after a whole walk).  Records come in address
 *   order: a REGION (one sysalloc mapping, page-rounded), then the blocks that tile it exactly,
 *   then the next region, which starts above the end of the one before.  The kinds:
 *
 *     SM_WALK_REGION  a mapping; `what` says which ("chunk", "pool", "slab", "big block", ...)
 *     SM_WALK_LIVE    a block handed out and not freed: its usable bytes (the sizes that
 *                     sm_stats' bytes_live adds up), starting at the pointer the program holds
 *     SM_WALK_FREE    bytes the allocator will hand out again: a free block, a freed object
 *     SM_WALK_META    the allocator's own bookkeeping: headers, bitmaps, slab descriptors,
 *                     SM_AllocationEnhanced records, lookup tables
 *     SM_WALK_UNUSED  mapped and never used yet: page rounding, slab memory not carved or not
 *                     threaded yet, an alignment gap, the end of a slab too short for an object
 *
 *   So the LIVE sizes add up to sm_stats().bytes_live and the REGION sizes to bytes_mapped
 *   (common/tests/test_walk.c checks both on every phase).
 *
 * The walk allocates nothing and changes nothing: it can run at any moment between two calls of
 * the allocator, inside any program that uses it.  fn must not call the allocator (sm_*, nor,
 * under the preload shim, malloc: printf may) while the walk runs; collect, then print.  The
 * walk reads the allocator's metadata only, never the bytes of a live block, so under memcheck
 * it raises no error (it opens and closes what it reads, as the phase's own code does).  Cost:
 * O(blocks + regions^2 / 256): the regions are put in address order by repeated passes that
 * keep the next 256 on the stack.
 */
enum sm_walk_kind { SM_WALK_REGION, SM_WALK_LIVE, SM_WALK_FREE, SM_WALK_META, SM_WALK_UNUSED };

struct sm_walk_block {
    uintptr_t addr;   /* first byte; an address to compare, never to read */
    size_t size;      /* bytes */
    uintptr_t region; /* the region it lies in (a REGION's own address) */
    const char *what; /* the region's name, a static string: "chunk", "slab", ... */
    enum sm_walk_kind kind;
    uint32_t object_size; /* in a slab: the size of its objects; 0 elsewhere */
};

typedef int (*sm_walk_fn)(const struct sm_walk_block *b, void *arg);

SM_API int sm_walk(sm_walk_fn fn, void *arg);

#endif
