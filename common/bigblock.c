/*
 * bigblock.c - large blocks, a mapping each (see bigblock.h).
 *
 * The blocks are kept in an address table (common/addr_table.h), outside the blocks: for each,
 * its mapping (home, the payload itself) and the mapping's length (len).
 *
 * A freed block's mapping is kept for the next big block (see "Kept mappings" in bigblock.h):
 * kept[] holds them oldest first, outside the table.
 *
 * Invariants, checked by bigblock_check(): the table's own; every entry's mapping is whole
 * pages and starts at its payload; the kept mappings are whole pages, at most KEEP_SLOTS of
 * them, none in the table, and kept_bytes is their total, at most BIGBLOCK_KEEP_BYTES.
 */
#include "bigblock.h"
#include "addr_table.h"
#include "diag.h"
#include "not_written.h"
#include "phase.h" /* GROWTH_DIVISOR */
#include "sm.h"
#include "sysalloc.h"
#include "walk.h"

#include <errno.h>
#include <unistd.h>

static struct addr_table blocks = {.map = sysalloc, .unmap = sysfree};
static uint64_t allocations;

#define KEEP_SLOTS 8
static struct kept {
    uintptr_t home;
    size_t len;
} kept[KEEP_SLOTS]; /* oldest first */
static size_t nkept, kept_bytes;

/* Forgets kept[i], keeping the others in their order. */
static void unkeep(size_t i)
{
    kept_bytes -= kept[i].len;
    nkept--;
    for (; i < nkept; i++)
        kept[i] = kept[i + 1];
}

/* Gives the oldest kept mapping back to the OS. */
static void unmap_oldest(void)
{
    sysfree((void *) kept[0].home, kept[0].len);
    unkeep(0);
}

/* A freed block's mapping: kept, the oldest ones unmapped to make room, or unmapped itself
 * when it is larger than all the room there is. */
static void keep(uintptr_t home, size_t len)
{
    if (len > BIGBLOCK_KEEP_BYTES) {
        sysfree((void *) home, len);
        return;
    }
    while (nkept == KEEP_SLOTS || kept_bytes + len > BIGBLOCK_KEEP_BYTES)
        unmap_oldest();
    kept[nkept++] = (struct kept){.home = home, .len = len};
    kept_bytes += len;
}

/* The smallest kept mapping of len to BIGBLOCK_KEEP_FIT * len bytes aligned to align, taken
 * out of kept[]; 0 when there is none. */
static uintptr_t take_kept(size_t len, size_t align, size_t *got)
{
    size_t best = nkept;
    for (size_t i = 0; i < nkept; i++) {
        const struct kept *k = &kept[i];
        if (k->len >= len && k->len / BIGBLOCK_KEEP_FIT <= len && k->home % align == 0 &&
            (best == nkept || k->len < kept[best].len))
            best = i;
    }
    if (best == nkept) return 0;
    uintptr_t home = kept[best].home;
    *got = kept[best].len;
    unkeep(best);
    return home;
}

/* Unmaps every kept mapping. */
static void drop_kept(void)
{
    while (nkept > 0)
        unmap_oldest();
}

/* A new mapping of len bytes aligned to align; when the OS refuses, the kept mappings go
 * back to it and the request is made once more. */
static char *map_new(size_t len, size_t align)
{
    for (int tries = 0; tries < 2; tries++) {
        char *base = align > sysalloc_page_size() ? sysalloc_aligned(len, align) : sysalloc(len);
        if (base || nkept == 0) return base;
        drop_kept();
    }
    return NULL;
}

void *bigblock_alloc(size_t size, size_t align)
{
    if (size < SM_ALIGN) size = SM_ALIGN; /* so that even a 0-byte block lies inside its mapping */
    size_t len = sysalloc_rounded(size);
    char *base = !len ? NULL : (char *) take_kept(len, align, &len);
    if (!base && len) base = map_new(len, align);
    if (!base) {
        errno = ENOMEM;
        return NULL;
    }
    if (addr_table_insert(&blocks, base, (uintptr_t) base, len) != 0) {
        keep((uintptr_t) base, len);
        errno = ENOMEM;
        return NULL;
    }
    allocations++;
    return base;
}

void *bigblock_remap(void *p, size_t size, size_t *usable)
{
    /* A big block starts its mapping: a pointer that is not page-aligned is another
     * allocator's block (a slab's, a pool's), turned away before the table's lookup. */
    if ((uintptr_t) p % sysalloc_page_size() != 0) return NULL;
    /* BUILD-IT begin lab 5 */
    struct addr_entry *e = addr_table_find(&blocks, p);
    if (!e || size <= e->len || addr_table_reserve(&blocks) != 0) return NULL;
    e = addr_table_find(&blocks, p); /* again: the reservation may have rebuilt the table */
    size_t len = e->len, grown = len + len / GROWTH_DIVISOR;
    size_t want = sysalloc_rounded(size > grown ? size : grown);
    char *moved = want ? sysremap(p, len, want) : NULL;
    if (!moved) return NULL;
    addr_table_remove(&blocks, e);
    addr_table_insert(&blocks, moved, (uintptr_t) moved, want); /* cannot fail: reserved */
    *usable = want;
    return moved;
    /* BUILD-IT stub: SM_NOT_WRITTEN_NOTE(5, p, size, usable); return NULL; */
    /* BUILD-IT end */
}

int bigblock_owns(const void *p)
{
    return addr_table_find(&blocks, p) != NULL;
}

size_t bigblock_usable(const void *p)
{
    struct addr_entry *e = addr_table_find(&blocks, p);
    return e ? e->len : 0;
}

size_t bigblock_free(void *p)
{
    struct addr_entry *e = addr_table_find(&blocks, p);
    if (!e) return 0;
    size_t usable = e->len;
    keep(e->home, e->len);
    addr_table_remove(&blocks, e);
    return usable;
}

uint64_t bigblock_allocations(void)
{
    return allocations;
}

int bigblock_check(void)
{
    size_t page = sysalloc_page_size();
    struct addr_entry *e;
    for (size_t i = 0; (e = addr_table_next(&blocks, &i));) {
        if (e->home % page || e->len % page || e->len == 0)
            return check_failed("bigblock: mapping not whole pages");
        if (addr_entry_ptr(e) != (void *) e->home)
            return check_failed("bigblock: payload is not the start of its mapping");
    }
    size_t total = 0;
    for (size_t i = 0; i < nkept; i++) {
        if (kept[i].home % page || kept[i].len % page || kept[i].len == 0)
            return check_failed("bigblock: kept mapping not whole pages");
        if (addr_table_find(&blocks, (void *) kept[i].home))
            return check_failed("bigblock: a kept mapping is also a live block");
        total += kept[i].len;
    }
    if (nkept > KEEP_SLOTS || total != kept_bytes || total > BIGBLOCK_KEEP_BYTES)
        return check_failed("bigblock: kept mappings miscounted");
    return addr_table_check(&blocks);
}

/* A big block: the alignment gap before the payload, then the payload to the mapping's end. */
static void big_blocks(const struct walk_region *r, struct walk_out *out)
{
    uintptr_t payload = (uintptr_t) r->item;
    walk_block(out, r->addr, payload - r->addr, SM_WALK_UNUSED);
    walk_block(out, payload, r->addr + r->size - payload, SM_WALK_LIVE);
}

/* A kept mapping: free, the next big block's. */
static void kept_blocks(const struct walk_region *r, struct walk_out *out)
{
    walk_block(out, r->addr, r->size, SM_WALK_FREE);
}

void bigblock_walk(struct walk_list *list)
{
    struct addr_entry *e;
    for (size_t i = 0; (e = addr_table_next(&blocks, &i));) {
        struct walk_region r = {
            .addr = e->home, .size = e->len, .what = "big block", .item = addr_entry_ptr(e)};
        r.blocks = big_blocks;
        walk_region(list, &r);
    }
    for (size_t i = 0; i < nkept; i++) {
        struct walk_region r = {.addr = kept[i].home, .size = kept[i].len, .what = "kept mapping"};
        r.blocks = kept_blocks;
        walk_region(list, &r);
    }
    walk_meta_region(list, blocks.slots, blocks.cap * sizeof *blocks.slots, "big-block table");
}

void bigblock_teardown(void)
{
    struct addr_entry *e;
    for (size_t i = 0; (e = addr_table_next(&blocks, &i));)
        sysfree((void *) e->home, e->len);
    addr_table_release(&blocks);
    drop_kept();
    allocations = 0;
}
