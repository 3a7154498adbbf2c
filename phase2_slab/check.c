/*
 * check.c - sm_check() for phase2: every invariant in README.md, component by component, then
 * each live record against the block it describes.  Cost: O(live blocks * log slabs + free
 * objects), for tests and debugging.
 */
#include "bigblock.h"
#include "diag.h"
#include "meta_index.h"
#include "metadata.h"
#include "phase.h"
#include "phase1_bitmap/pool.h"
#include "slab.h"

/* The record m agrees with the block it describes; counts slab records per class. */
static int check_record(const SM_AllocationEnhanced *m, uint64_t *slab_live)
{
    const char *p = meta_block(m);
    if (m->size > m->usable) return check_failed("record: usable size below the size asked for");
    if (m->source == FROM_SLAB) {
        struct slab *s = slab_find(p);
        if (!s || s->size_class != m->size_class || !slab_is_carved_object(s, p))
            return check_failed("record: slab block is not a carved object of its class");
        if (m->usable != size_class_bytes[m->size_class])
            return check_failed("record: slab block's usable size is not its class size");
        slab_live[m->size_class]++;
    } else if (m->source == FROM_POOL) {
        if (!pool_owns(p) || pool_usable(p, "sm_check") != m->usable)
            return check_failed("record: pool block unknown to the pool, or of another size");
    } else if (m->source == FROM_BIG) {
        if (bigblock_usable(p) != m->usable)
            return check_failed("record: big block unknown to bigblock, or of another size");
    } else {
        return check_failed("record: unknown source");
    }
    return 0;
}

int phase_check(void)
{
    if (meta_check() || meta_index_check() || slab_check() || pool_check() || bigblock_check())
        return -1;
    if (!slab_caches[0])
        return meta_live_count() == 0 ? 0 : check_failed("live records before start-up");
    uint64_t slab_live[SIZE_CLASSES] = {0};
    for (SM_AllocationEnhanced *m = meta_first(); m; m = m->next)
        if (check_record(m, slab_live) != 0) return -1;
    for (int c = 0; c < SIZE_CLASSES; c++)
        if (slab_live[c] != slab_caches[c]->live)
            return check_failed("slab: live objects of a class != its live records");
    return 0;
}
