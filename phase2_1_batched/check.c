/*
 * check.c - sm_check() for phase2_1: every invariant written beside the structures in slab.h,
 * slab.c and region.c, then the pool's and the big blocks'.  Cost: O(heap), for tests and
 * debugging.
 */
#include "slab.h"
#include "bigblock.h"
#include "diag.h"
#include "phase.h"
#if HYBRID
#include "pool.h"
#endif

extern struct slab *partial[NCLASSES];

/* One slab in use: its class, its free list, its counts. */
static int check_slab(struct slab *s)
{
    if (s->class >= NCLASSES || s->size != class_size[s->class] ||
        s->nblocks != SLAB_SIZE / s->size)
        return check_failed("slab: size or block count disagrees with its class");
    if (s->fresh > (size_t) s->nblocks * s->size || s->fresh % s->size)
        return check_failed("slab: fresh pointer outside the slab or between blocks");
    size_t nfree = 0;
    for (char *b = s->free; b; b = block_link(b)) {
        if (++nfree > s->nblocks)
            return check_failed("slab: free list longer than the slab (a cycle?)");
        if (b < slab_start(s) || b >= slab_start(s) + s->fresh ||
            block_index(s, (size_t) (b - slab_start(s))) < 0)
            return check_failed("slab: free list holds a pointer that is not a threaded block");
        if (!block_is_free(b))
            return check_failed(
                "slab: a block on the free list lost its free key (use after free?)");
    }
    size_t nfresh = ((size_t) s->nblocks * s->size - s->fresh) / s->size;
    if (s->live + nfree + nfresh != s->nblocks)
        return check_failed("slab: live + free + fresh blocks differ from the slab's blocks");
    if (s == class_current[s->class])
        return s->listed ? check_failed("slab: the current slab is on the partial list") : 0;
    if (s->live == 0) return check_failed("slab: an empty slab kept by its class");
    if (nfresh) return check_failed("slab: fresh blocks in a slab that is not current");
    if (s->listed != (nfree > 0))
        return check_failed("slab: on the partial list if and only if it has free blocks: broken");
    return 0;
}

static int check_classes(void)
{
    for (int c = 0; c < NCLASSES; c++) {
        struct slab *cur = class_current[c];
        if (cur->class != c && !(cur->class == NO_CLASS && cur->start_key == 0))
            return check_failed("class: current slab of another class");
        for (struct slab *s = partial[c], *prev = NULL; s; prev = s, s = s->next)
            if (!s->listed || s->class != c || s->prev != prev)
                return check_failed("class: partial list holds a slab not listed for the class");
    }
    return 0;
}

int phase_check(void)
{
    if (regions_check() != 0 || check_classes() != 0) return -1;
    for (size_t i = 0; i < nregions; i++) {
        struct region *r = regions[i].r;
        for (uint32_t k = 0; k < r->carved; k++) {
            struct slab *s = &r->desc[k];
            if (slab_start(s) != region_slabs(r) + (size_t) k * SLAB_SIZE)
                return check_failed("slab: descriptor does not describe its slab");
            if (s->class != NO_CLASS && check_slab(s) != 0) return -1;
        }
    }
#if HYBRID
    if (pool_check() != 0) return -1;
#endif
    return bigblock_check();
}
