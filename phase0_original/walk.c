/*
 * walk.c - phase0's heap walk (phase_walk in common/phase.h, sm_walk in common/sm.h).
 *
 * Every chunk is a region; inside it, in address order (heap.h draws the layout):
 *   the chunk header                     META
 *   each block's 16-byte header          META
 *   an allocated block's payload         LIVE (its usable size: the block minus its header)
 *   a free block's payload               FREE (its links and footer are inside: free bytes)
 *   the epilogue                         META
 * So the free list is visible as the FREE gaps between live blocks.  Big blocks are walked in
 * common/walk.c.  The headers are read through peek (heap.h), which opens each word for
 * memcheck and closes it again, like the allocator's own code.  Cost: O(blocks).
 */
#include "heap.h"
#include "phase.h"
#include "walk.h"

static void chunk_blocks(const struct walk_region *r, struct walk_out *out)
{
    struct chunk *c = (struct chunk *) r->addr;
    walk_block(out, r->addr, sizeof(struct chunk), SM_WALK_META);
    struct block *end = chunk_epilogue(c);
    for (struct block *b = chunk_first(c); b < end && !out->stop; b = block_next(b)) {
        if (block_size(b) < MIN_BLOCK) break; /* a broken header (sm_check names it) */
        walk_block(out, (uintptr_t) b, HEADER_SIZE, SM_WALK_META);
        walk_block(out, (uintptr_t) block_payload(b), block_size(b) - HEADER_SIZE,
                   block_is_alloc(b) ? SM_WALK_LIVE : SM_WALK_FREE);
    }
    walk_block(out, (uintptr_t) end, HEADER_SIZE, SM_WALK_META);
}

void phase_walk(struct walk_list *list)
{
    for (struct chunk *c = chunks; c; c = chunk_next(c)) {
        struct walk_region r = {
            .addr = (uintptr_t) c, .size = chunk_size(c), .what = "chunk", .blocks = chunk_blocks};
        walk_region(list, &r);
    }
}
