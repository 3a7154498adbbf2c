/*
 * walk.c - phase1's heap walk (phase_walk in common/phase.h, sm_walk in common/sm.h).
 *
 * Every pool is a region: its header (the two bitmaps) META, the padding to the first granule
 * UNUSED, then the granules as LIVE blocks and FREE runs, read from the bitmaps (pool_walk in
 * pool.c, which phase2 and phase2_1 link too).  Next fit shows as live blocks left behind the
 * roving hint, spread over the pool.  Big blocks are walked in common/walk.c.
 */
#include "phase.h"
#include "pool.h"

void phase_walk(struct walk_list *list)
{
    pool_walk(list);
}
