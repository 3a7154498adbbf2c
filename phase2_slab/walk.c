/*
 * walk.c - phase2's heap walk (phase_walk in common/phase.h, sm_walk in common/sm.h).
 *
 * The regions, one per mapping, which is the point of the picture:
 *   "slab"                   64 KiB of one class's objects: LIVE objects (those with a record
 *                            in meta_index), FREE ones (freed, on the class's free list), the
 *                            objects never carved UNUSED, and the end too short for an object
 *   "slab cache", "slab descriptor"   a page each for a few dozen bytes: META, then UNUSED
 *   "SM_AllocationEnhanced"  one page per live block: the record META, the rest UNUSED
 *   "slab directory", "record index"  the lookup tables
 *   "pool", "pool table"     phase1's bitmap pool, linked (pool_walk in phase1_bitmap/pool.c)
 * Big blocks are walked in common/walk.c.  Whether an object is live is asked of meta_index,
 * which reads nothing at the object, so the walk never touches a live or free object.
 */
#include "meta_index.h"
#include "metadata.h"
#include "phase.h"
#include "phase1_bitmap/pool.h"
#include "slab.h"
#include "walk.h"

static void slab_blocks(const struct walk_region *r, struct walk_out *out)
{
    const struct slab *s = r->item;
    size_t size = r->object_size, per_slab = SLAB_BYTES / size;
    out->object_size = r->object_size;
    for (size_t k = 0; k < s->carved && !out->stop; k++) {
        uintptr_t obj = r->addr + k * size;
        walk_block(out, obj, size,
                   meta_index_find((const void *) obj) ? SM_WALK_LIVE : SM_WALK_FREE);
    }
    walk_block(out, r->addr + s->carved * size, (per_slab - s->carved) * size, SM_WALK_UNUSED);
    walk_block(out, r->addr + per_slab * size, SLAB_BYTES - per_slab * size, SM_WALK_UNUSED);
}

void phase_walk(struct walk_list *list)
{
    for (int c = 0; c < SIZE_CLASSES && slab_caches[c]; c++) {
        walk_meta_region(list, slab_caches[c], sizeof *slab_caches[c], "slab cache");
        for (struct slab *s = slab_caches[c]->slabs; s; s = s->next) {
            walk_meta_region(list, s, sizeof *s, "slab descriptor");
            struct walk_region r = {.addr = (uintptr_t) slab_base(s),
                                    .size = SLAB_BYTES,
                                    .what = "slab",
                                    .item = s,
                                    .object_size = size_class_bytes[c],
                                    .blocks = slab_blocks};
            walk_region(list, &r);
        }
    }
    size_t bytes;
    const void *table = slab_directory(&bytes);
    walk_meta_region(list, table, bytes, "slab directory");
    table = meta_index_table(&bytes);
    walk_meta_region(list, table, bytes, "record index");
    meta_walk(list);
    pool_walk(list);
}
