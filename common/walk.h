/*
 * walk.h - the common half of the heap walk (sm_walk in sm.h): what a phase's walk.c uses.
 *
 * A phase describes its heap in two steps, and common/walk.c does the rest:
 *
 *   1. phase_walk(list) (phase.h) names every mapping the phase holds, in any order, with
 *      walk_region(list, &r).  Each region carries the function that reports its blocks.
 *   2. walk.c puts the regions of the phase and the big blocks (common/bigblock.c, walked here
 *      once for every phase) in address order, without allocating: each pass over the lists
 *      keeps the next WALK_BATCH regions above the last one reported in a heap on the stack.
 *      For each region it reports the REGION record, then calls r->blocks(r, out), which
 *      reports the region's blocks in address order with walk_block(out, ...).
 *
 * walk_block joins a block to the one before it when both are of the same kind (not LIVE: each
 * live block is reported alone), adjacent and of the same object size, so a slab's run of free
 * objects is one record.  It checks nothing else: the test (common/tests/test_walk.c) is what
 * proves that the blocks tile each region.
 *
 * Under memcheck a blocks function opens what it reads (SM_VG_OPEN, SM_VG_CLOSE) exactly as the
 * phase's other code does; it never reads the bytes of a live block.
 */
#ifndef WALK_H
#define WALK_H

#include "sm.h"

#include <stddef.h>
#include <stdint.h>

#define WALK_BATCH 256 /* regions put in order per pass over the lists */

struct walk_region;
struct walk_out;
struct walk_list;

/* Reports the blocks of region r, in address order, tiling [r->addr, r->addr + r->size). */
typedef void (*walk_blocks_fn)(const struct walk_region *r, struct walk_out *out);

struct walk_region {
    uintptr_t addr;   /* the mapping's first byte */
    size_t size;      /* bytes mapped (sysalloc_rounded of what was asked) */
    const char *what; /* its name in the walk: "chunk", "pool", "slab", ... */
    const void *item; /* the owner's descriptor of it, for blocks() */
    size_t used;      /* walk_meta_blocks: bookkeeping bytes at its start */
    walk_blocks_fn blocks;
    uint32_t object_size; /* a slab's object size, 0 for anything else */
};

/* Where blocks go: the caller's function, and the block being joined. */
struct walk_out {
    sm_walk_fn fn;
    void *arg;
    int stop;             /* fn's non-zero answer; then every later block is dropped */
    uint32_t object_size; /* set by a blocks function before the blocks of a slab */
    const struct walk_region *region;
    struct sm_walk_block held; /* the block not reported yet (held.size == 0: none) */
};

/* Names one region, in any order (from phase_walk). */
void walk_region(struct walk_list *list, const struct walk_region *r);

/* Reports the block [addr, addr + size) of kind (not SM_WALK_REGION); nothing when size is 0. */
void walk_block(struct walk_out *out, uintptr_t addr, size_t size, enum sm_walk_kind kind);

/* A blocks function for a mapping that is bookkeeping only: r->used bytes of SM_WALK_META at
 * its start, the rest SM_WALK_UNUSED. */
void walk_meta_blocks(const struct walk_region *r, struct walk_out *out);

/* Names a bookkeeping mapping: p, sysalloc(bytes) (so sysalloc_rounded(bytes) mapped), of
 * which bytes are in use.  Nothing when p is NULL. */
void walk_meta_region(struct walk_list *list, const void *p, size_t bytes, const char *what);

/* The whole walk, for sm_walk (common/sm_api.c). */
int walk_run(sm_walk_fn fn, void *arg);

#endif
