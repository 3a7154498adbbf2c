/*
 * check.c - sm_check() for phase2_1: every invariant written beside the structures in slab.h,
 * slab.c and region.h, then the pool's and the big blocks'.  Cost: O(heap), for tests and
 * debugging.
 */
#include "slab.h"
#include "bigblock.h"
#include "diag.h"
#include "phase.h"
#include "phase1_bitmap/pool.h"

/* One slab in use: its class, its free list, its counts. */
static int check_slab(struct slab *s)
{
    if (s->size_class >= SIZE_CLASSES || s->size != size_class_bytes[s->size_class] ||
        s->nblocks != SLAB_BYTES / s->size)
        return check_failed("slab: size or block count disagrees with its class");
    if (s->fresh > (size_t) s->nblocks * s->size || s->fresh % s->size)
        return check_failed("slab: fresh pointer outside the slab or between blocks");
    size_t nfree = 0;
    for (char *b = s->free; b; b = block_link(b)) {
        if (++nfree > s->nblocks)
            return check_failed("slab: free list longer than the slab (a cycle?)");
        if (b < slab_base(s) || b >= slab_base(s) + s->fresh ||
            block_index(s, (size_t) (b - slab_base(s))) < 0)
            return check_failed("slab: free list holds a pointer that is not a threaded block");
        if (!block_is_free(b))
            return check_failed(
                "slab: a block on the free list lost its free key (use after free?)");
    }
    size_t nfresh = ((size_t) s->nblocks * s->size - s->fresh) / s->size;
    if (s->live + nfree + nfresh != s->nblocks)
        return check_failed("slab: live + free + fresh blocks differ from the slab's blocks");
    if (s == class_current[s->size_class])
        return s->listed ? check_failed("slab: the current slab is on the partial list") : 0;
    if (s->live == 0) return check_failed("slab: an empty slab kept by its class");
    if (nfresh) return check_failed("slab: fresh blocks in a slab that is not current");
    if (s->listed != (nfree > 0))
        return check_failed("slab: on the partial list if and only if it has free blocks: broken");
    return 0;
}

static int check_classes(void)
{
    for (int c = 0; c < SIZE_CLASSES; c++) {
        struct slab *cur = class_current[c];
        if (cur->size_class != c && !(cur->size_class == NO_CLASS && cur->base_key == 0))
            return check_failed("class: current slab of another class");
        for (struct slab *s = partial[c], *prev = NULL; s; prev = s, s = s->next)
            if (!s->listed || s->size_class != c || s->prev != prev)
                return check_failed("class: partial list holds a slab not listed for the class");
    }
    return 0;
}

/* The free-slab stack: carved slabs of no class, with nothing live, found by no lookup. */
static int check_free_slabs(void)
{
    size_t carved = 0, n = 0;
    for (size_t i = 0; i < nregions; i++)
        carved += regions[i].r->carved;
    for (struct slab *s = free_slabs; s; s = s->next) {
        if (++n > carved || s->size_class != NO_CLASS || s->live != 0)
            return check_failed("region: a slab on the free-slab stack is in use");
        if (slab_find(slab_base(s)) != NULL)
            return check_failed("region: a free slab is still found by slab_find");
    }
    return 0;
}

int phase_check(void)
{
    if (regions_check() != 0 || check_classes() != 0 || check_free_slabs() != 0) return -1;
    for (size_t i = 0; i < nregions; i++) {
        struct region *r = regions[i].r;
        for (uint32_t k = 0; k < r->carved; k++) {
            struct slab *s = region_desc(r, k);
            if (slab_base(s) != region_slabs(r) + (size_t) k * SLAB_BYTES)
                return check_failed("slab: descriptor does not describe its slab");
            if (s->size_class != NO_CLASS && check_slab(s) != 0) return -1;
        }
    }
    if (HYBRID && pool_check() != 0) return -1;
    return bigblock_check();
}
