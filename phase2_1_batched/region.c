/*
 * region.c - the regions (see region.h): mapping them, the sorted region table and its cache,
 * and carving slabs in address order.
 *
 * Region sizes (BULK_SLABS): the first region holds 8 slabs, each later one a quarter of all
 * the slabs so far, at least 16 (260 KiB) and at most 256 (4 MiB).  So sysalloc is called at
 * most once per 260 KiB of heap and about log(N) / log(1.25) times for a heap of N bytes, the
 * first allocation maps 132 KiB, not 16 MiB, and the slabs mapped but not yet used are at most
 * a fifth of the mapping.  A region is never returned to the OS before teardown: its emptied
 * slabs are reused (slab.c's free-slab stack).
 *
 * Invariants (regions_check):
 *   - regions[] is sorted by address and the spans do not overlap;
 *   - each span matches its region: lo == the region, size == head + nslabs * SLAB_BYTES, and
 *     the region's mapping holds its descriptors and all of its slabs;
 *   - carved <= nslabs, and only the newest region has slabs left to carve.
 */
#include "region.h"
#include "sm_valgrind.h"
#include "diag.h"
#include "sysalloc.h"

#include <errno.h>
#include <string.h>

#define FIRST_SLABS 8   /* slabs in the first region: 132 KiB mapped */
#define MIN_SLABS   16  /* slabs in every later region, at least: 260 KiB mapped */
#define MAX_SLABS   256 /* slabs in the largest region: 4 MiB of slabs */
#define TABLE_FIRST 64  /* spans in the static table; larger tables come from sysalloc */

static struct region_span first_table[TABLE_FIRST];
struct region_span *regions = first_table;
size_t nregions;
static size_t table_cap = TABLE_FIRST;

struct region_span span_cache[SPAN_CACHE];
static struct region *newest; /* the region slabs are carved from */
static uint32_t next_slabs = FIRST_SLABS;
static size_t total_slabs; /* in all regions */

static size_t header_bytes(uint32_t nslabs)
{
    return sysalloc_rounded(sizeof(struct region) +
                            (size_t) nslabs * SLAB_DESC_BYTES); /* whole pages */
}

const struct region_span *span_search(uintptr_t a)
{
    size_t lo = 0, hi = nregions;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (regions[mid].lo <= a)
            lo = mid;
        else
            hi = mid;
    }
    if (hi == 0 || a - regions[lo].lo >= regions[lo].size) return NULL;
    struct region_span *slot = &span_cache[(a >> 16) % SPAN_CACHE];
    *slot = regions[lo];
    return slot;
}

/* Room for one more span; -1 with errno = ENOMEM when the OS refuses. */
static int table_room(void)
{
    if (nregions < table_cap) return 0;
    struct region_span *t = sysalloc(2 * table_cap * sizeof *t);
    if (!t) return -1;
    memcpy(t, regions, nregions * sizeof *t);
    if (regions != first_table) sysfree(regions, table_cap * sizeof *t);
    regions = t;
    table_cap *= 2;
    return 0;
}

static void table_insert(struct region *r)
{
    uintptr_t lo = (uintptr_t) r;
    size_t i = nregions;
    while (i > 0 && regions[i - 1].lo > lo)
        i--;
    memmove(&regions[i + 1], &regions[i], (nregions - i) * sizeof *regions);
    regions[i] = (struct region_span){lo, r->head + (size_t) r->nslabs * SLAB_BYTES, r};
    nregions++;
}

/* Maps a region of nslabs slabs and makes it the newest; NULL with errno = ENOMEM. */
static struct region *region_new(uint32_t nslabs)
{
    if (table_room() != 0) return NULL;
    size_t len = header_bytes(nslabs) + nslabs * SLAB_BYTES;
    struct region *r = sysalloc(len);
    if (!r) return NULL;
    r->len = len;
    r->head = header_bytes(nslabs);
    r->nslabs = nslabs;
    r->carved = 0;
    SM_VG_CLOSE(region_slabs(r), nslabs * SLAB_BYTES); /* no block is live yet */
    table_insert(r);
    newest = r;
    return r;
}

void *region_carve(char **slab)
{
    if (!newest || newest->carved == newest->nslabs) {
        uint32_t n = BULK_SLABS ? next_slabs : 1;
        if (!region_new(n)) return NULL;
        total_slabs += n;
        next_slabs = total_slabs / 4 < MIN_SLABS   ? MIN_SLABS
                     : total_slabs / 4 > MAX_SLABS ? MAX_SLABS
                                                   : (uint32_t) (total_slabs / 4);
    }
    void *desc = region_desc(newest, newest->carved);
    memset(desc, 0, SLAB_DESC_BYTES);
    *slab = region_slabs(newest) + (size_t) newest->carved * SLAB_BYTES;
    newest->carved++;
    return desc;
}

const void *region_table(size_t *bytes)
{
    *bytes = table_cap * sizeof *regions;
    return regions != first_table ? regions : NULL;
}

int regions_check(void)
{
    for (size_t i = 0; i < nregions; i++) {
        struct region_span *sp = &regions[i];
        struct region *r = sp->r;
        if (sp->lo != (uintptr_t) r || sp->size != r->head + (size_t) r->nslabs * SLAB_BYTES)
            return check_failed("region: span disagrees with its region");
        if (i > 0 && regions[i - 1].lo + regions[i - 1].size > sp->lo)
            return check_failed("region: table not sorted, or two regions overlap");
        if (r->len < sp->size || (char *) region_desc(r, r->nslabs) > region_slabs(r) ||
            r->head != sysalloc_rounded(r->head))
            return check_failed("region: slabs or descriptors outside the mapping");
        if (r->carved > r->nslabs || (r != newest && r->carved != r->nslabs))
            return check_failed("region: slabs left to carve in a region that is not the newest");
    }
    return 0;
}

void regions_teardown(void)
{
    for (size_t i = 0; i < nregions; i++)
        sysfree(regions[i].r, regions[i].r->len);
    if (regions != first_table) sysfree(regions, table_cap * sizeof *regions);
    regions = first_table;
    memset(span_cache, 0, sizeof span_cache);
    table_cap = TABLE_FIRST;
    nregions = 0;
    newest = NULL;
    next_slabs = FIRST_SLABS;
    total_slabs = 0;
}
