/*
 * check.c - sm_check() for phase0: walks every chunk block by block, then the free list, and
 * verifies each invariant listed in README.md.  Cost: O(heap), for tests and debugging.
 */
#include "heap.h"
#include "bigblock.h"
#include "diag.h"
#include "not_written.h"
#include "phase.h"
#include "sysalloc.h"

/* BUILD-IT begin lab 0 */
/* Walks one chunk; adds its free blocks to *free_blocks. */
static int check_chunk(struct chunk *c, size_t *free_blocks)
{
    if (chunk_size(c) != CHUNK_SIZE || (uintptr_t) c % sysalloc_page_size())
        return check_failed("chunk is not a whole CHUNK_SIZE mapping");
    int prev_alloc = 1, empty = 1;
    struct block *b = chunk_first(c), *end = chunk_epilogue(c);
    while (b != end) {
        size_t size = block_size(b);
        if (tag(b) != ((uintptr_t) b ^ TAG_LIVE))
            return check_failed("block header has no live tag");
        if (size < MIN_BLOCK || size % 16 || (char *) b + size > (char *) end)
            return check_failed("block size not a multiple of 16, too small, or past the chunk");
        if (((size_flags(b) & PREV_ALLOC) != 0) != prev_alloc)
            return check_failed("PREV_ALLOC disagrees with the block before");
        if (!block_is_alloc(b)) {
            if (!prev_alloc) return check_failed("two adjacent free blocks (missed coalescing)");
            if (peek(block_footer(b)) != size)
                return check_failed("free block's footer differs from its header");
            ++*free_blocks;
        } else {
            empty = 0;
        }
        prev_alloc = block_is_alloc(b);
        b = block_next(b);
    }
    if (size_flags(end) != (ALLOC | (prev_alloc ? PREV_ALLOC : 0)))
        return check_failed("epilogue is not an allocated block of size 0");
    if (empty && chunk_next(chunks))
        return check_failed("an empty chunk was kept while others exist");
    return 0;
}

static int in_some_chunk(const struct block *b)
{
    for (struct chunk *c = chunks; c; c = chunk_next(c))
        if (b >= chunk_first(c) && b < chunk_epilogue(c)) return 1;
    return 0;
}
/* BUILD-IT end */

int phase_check(void)
{
    /* BUILD-IT begin lab 0 */
    size_t free_blocks = 0, listed = 0;
    for (struct chunk *c = chunks; c; c = chunk_next(c))
        if (check_chunk(c, &free_blocks) != 0) return -1;
    struct block *prev = NULL;
    for (struct block *b = free_list; b; prev = b, b = next_free(b)) {
        if (++listed > free_blocks)
            return check_failed("free list longer than the free blocks in the heap (a cycle?)");
        if (!in_some_chunk(b) || block_is_alloc(b))
            return check_failed("free list holds a block that is not a free heap block");
        if (prev_free(b) != prev) return check_failed("free list prev link broken");
    }
    if (listed != free_blocks) return check_failed("a free block is missing from the free list");
    /* BUILD-IT stub: SM_NOT_WRITTEN(0); */
    /* BUILD-IT end */
    return bigblock_check();
}
