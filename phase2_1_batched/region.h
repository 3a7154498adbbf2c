/*
 * region.h - where slabs come from: regions mapped with sysalloc and cut into slabs.
 *
 * A region is one sysalloc mapping: a struct region, the descriptors of its slabs (struct slab,
 * slab.h), then the slabs, page-aligned.  This file knows a descriptor only as SLAB_DESC_BYTES
 * of room: what a descriptor holds is slab.h's business, which is built on this one.
 *
 *   +---------------+----------------------+-- pad --+----------+----------+-- ... --+
 *   | struct region | descriptors, nslabs  | to page | slab 0   | slab 1   |         |
 *   +---------------+----------------------+---------+----------+----------+-- ... --+
 *                                                    ^ slabs, SLAB_BYTES each, page-aligned
 *
 * BULK_SLABS (the seed's "one big allocation, partitioned into slabs"): a region holds many
 * slabs, a quarter of all the slabs so far (region.c); with BULK_SLABS=0 (phase2) every slab is
 * a region of its own.  Slabs are handed out in address order (carved), only when a class needs
 * one, so untouched slabs cost no page faults.
 *
 * A region span starts at the region's header and has a size, not an end (which could be the
 * next mapping's first block): memcheck's leak check must find no pointer to a block in here.
 */
#ifndef PHASE2_1_REGION_H
#define PHASE2_1_REGION_H

#include "sm_assert.h"
#include "switches.h"

#include <stddef.h>
#include <stdint.h>

#define SLAB_SHIFT      14
#define SLAB_BYTES      ((size_t) 1 << SLAB_SHIFT) /* 16 KiB */
#define SLAB_DESC_BYTES 64                         /* room for one struct slab (slab.h) */

/* Invariant: descriptor i describes the slab at region_slabs(r) + i * SLAB_BYTES, for
 * i < carved; slabs from carved on have never been used. */
struct region {
    size_t len;           /* bytes mapped, as passed to sysalloc */
    size_t head;          /* bytes before the first slab (this struct, the descriptors, padding) */
    uint32_t nslabs;      /* slabs the region holds */
    uint32_t carved;      /* slabs handed out so far (lazily, in address order) */
    unsigned char desc[]; /* nslabs descriptors, SLAB_DESC_BYTES each */
};

static inline char *region_slabs(const struct region *r)
{
    return (char *) r + r->head;
}

/* Where descriptor i of r lives (i < nslabs; i == nslabs is where the descriptors end). */
static inline void *region_desc(struct region *r, size_t i)
{
    SM_ASSERT(i <= r->nslabs); /* nslabs: the end of the descriptors */
    return r->desc + i * SLAB_DESC_BYTES;
}

/* The regions, sorted by address, for the range check that every free starts with. */
struct region_span {
    uintptr_t lo; /* the region's first byte (its header, never a block) */
    size_t size;  /* head + nslabs * SLAB_BYTES */
    struct region *r;
};
extern struct region_span *regions;
extern size_t nregions;

/* A direct-mapped cache of region spans, indexed by address bits 16..24: the span of the last
 * region looked up in each 64 KiB slot ({0, 0, NULL} when none).  A slot meets at most two
 * regions, since every region is larger than 64 KiB (with BULK_SLABS=0, up to four). */
#define SPAN_CACHE 512
extern struct region_span span_cache[SPAN_CACHE];

/* The span holding address a when its cache slot has it, else NULL.  Cost: a shift, a mask, a
 * load, a subtract and a compare. */
static inline const struct region_span *span_cached(uintptr_t a)
{
    const struct region_span *sp = &span_cache[(a >> 16) % SPAN_CACHE];
    return likely(a - sp->lo < sp->size) ? sp : NULL;
}

/* The span holding address a, by binary search; fills its cache slot.  NULL when none does. */
const struct region_span *span_search(uintptr_t a);

/* A slab never used before: its memory goes to *slab, and the room for its descriptor is
 * returned (zeroed).  NULL with errno = ENOMEM when a new region was needed and sysalloc
 * refused. */
void *region_carve(char **slab);

int regions_check(void);
const void *region_table(size_t *bytes); /* the span table's mapping, NULL while static */
void regions_teardown(void);

#endif
