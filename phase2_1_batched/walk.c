/*
 * walk.c - phase2_1's heap walk (phase_walk in common/phase.h, sm_walk in common/sm.h).
 *
 * Every region (region.c) is one mapping, dense: its header and slab descriptors META, the
 * padding to the first slab UNUSED, then its slabs, each SLAB_BYTES bytes:
 *   a slab of a class   LIVE blocks, FREE blocks (on the slab's free list), the blocks not
 *                       threaded yet (LAZY_SLABS: fresh) UNUSED, the end too short for a block
 *                       UNUSED;
 *   a released slab     FREE as a whole (on the free-slab stack, for any class);
 *   a slab not carved   UNUSED (the newest region's tail).
 * Then the pool (HYBRID, pool_walk in phase1_bitmap/pool.c), the span table once it is a
 * mapping, and with BATCH_METADATA=0 the per-block records (phase2_slab/metadata.c) and each
 * slab's record array (record.c).  Big
 * blocks are walked in common/walk.c.
 *
 * A block is free when it is on its slab's free list: the list is read first into a bitmap on
 * the stack (one bit per block, 1024 at most), its links opened for memcheck by block_link, so
 * the walk never reads a live block.
 */
#include "slab.h"
#include "phase.h"
#include "phase1_bitmap/pool.h"
#include "walk.h"

#define MAX_BLOCKS (SLAB_BYTES / 16)

static void class_slab_blocks(const struct slab *s, uintptr_t start, struct walk_out *out)
{
    uint64_t on_list[MAX_BLOCKS / 64] = {0};
    size_t listed = 0;
    for (char *b = s->free; b && listed < s->nblocks; b = block_link(b), listed++) {
        long k = block_index(s, (size_t) (b - slab_base(s)));
        if (k >= 0) on_list[k / 64] |= (uint64_t) 1 << (k % 64);
    }
    out->object_size = s->size;
    size_t threaded = s->fresh / s->size;
    for (size_t k = 0; k < threaded && !out->stop; k++) {
        uint64_t is_free = (on_list[k / 64] >> (k % 64)) & 1;
        walk_block(out, start + k * s->size, s->size, is_free ? SM_WALK_FREE : SM_WALK_LIVE);
    }
    size_t end = (size_t) s->nblocks * s->size;
    walk_block(out, start + s->fresh, end - s->fresh, SM_WALK_UNUSED);
    walk_block(out, start + end, SLAB_BYTES - end, SM_WALK_UNUSED);
    out->object_size = 0;
}

static void region_blocks(const struct walk_region *wr, struct walk_out *out)
{
    struct region *r = (struct region *) wr->item;
    size_t desc = (size_t) ((const char *) region_desc(r, r->nslabs) - (const char *) r);
    walk_block(out, wr->addr, desc, SM_WALK_META);
    walk_block(out, wr->addr + desc, r->head - desc, SM_WALK_UNUSED);
    for (uint32_t k = 0; k < r->carved && !out->stop; k++) {
        const struct slab *s = region_desc(r, k);
        uintptr_t start = wr->addr + r->head + (size_t) k * SLAB_BYTES;
        if (s->size_class == NO_CLASS)
            walk_block(out, start, SLAB_BYTES, SM_WALK_FREE);
        else
            class_slab_blocks(s, start, out);
    }
    uintptr_t carved_end = wr->addr + r->head + (size_t) r->carved * SLAB_BYTES;
    walk_block(out, carved_end, wr->addr + wr->size - carved_end, SM_WALK_UNUSED);
}

void phase_walk(struct walk_list *list)
{
    for (size_t i = 0; i < nregions; i++) {
        struct walk_region wr = {.addr = regions[i].lo,
                                 .size = regions[i].r->len,
                                 .what = "slab region",
                                 .item = regions[i].r,
                                 .blocks = region_blocks};
        walk_region(list, &wr);
    }
    size_t bytes;
    const void *table = region_table(&bytes);
    walk_meta_region(list, table, bytes, "region table");
    if (!BATCH_METADATA) {
        meta_walk(list);
        for (size_t i = 0; i < nregions; i++)
            for (uint32_t k = 0; k < regions[i].r->carved; k++) {
                const struct slab *s = region_desc(regions[i].r, k);
                record_array_walk(list, s->records);
            }
    }
    if (HYBRID) pool_walk(list);
}
