/*
 * walk.c - the heap walk's common half (see walk.h): regions in address order, the REGION
 * records, joining blocks, and the big blocks, walked here once for every phase.
 *
 * Address order without allocating: the phase lists its regions in whatever order it keeps them
 * (a chunk list, a hash table, one record per allocation), so walk_run makes passes.  Each pass
 * lists every region and keeps, in a max-heap of WALK_BATCH entries on the stack, the lowest
 * ones above the last region reported; then it sorts them and reports them.  A heap of R
 * regions takes ceil(R / WALK_BATCH) passes: one for nearly every heap, forty for phase2 with
 * ten thousand live blocks (one record mapping each).
 */
#include "walk.h"
#include "bigblock.h"
#include "phase.h"
#include "sysalloc.h"

/* The regions of one pass: those above floor, the WALK_BATCH lowest of them kept. */
struct walk_list {
    uintptr_t floor;                     /* the last region reported (0 before the first) */
    size_t n;                            /* entries in heap */
    size_t above;                        /* regions seen above floor in this pass, kept or not */
    struct walk_region heap[WALK_BATCH]; /* a max-heap on addr while listing */
};

static void swap(struct walk_region *a, struct walk_region *b)
{
    struct walk_region t = *a;
    *a = *b;
    *b = t;
}

/* Restores the max-heap below index i, among the first n entries. */
static void sift_down(struct walk_region *h, size_t n, size_t i)
{
    for (;;) {
        size_t big = i, l = 2 * i + 1, r = l + 1;
        if (l < n && h[l].addr > h[big].addr) big = l;
        if (r < n && h[r].addr > h[big].addr) big = r;
        if (big == i) return;
        swap(&h[i], &h[big]);
        i = big;
    }
}

void walk_region(struct walk_list *list, const struct walk_region *r)
{
    if (r->addr <= list->floor) return; /* reported in an earlier pass */
    list->above++;
    struct walk_region *h = list->heap;
    if (list->n < WALK_BATCH) {
        size_t i = list->n++;
        h[i] = *r;
        while (i > 0 && h[(i - 1) / 2].addr < h[i].addr) { /* sift up */
            swap(&h[i], &h[(i - 1) / 2]);
            i = (i - 1) / 2;
        }
    } else if (r->addr < h[0].addr) { /* lower than the highest kept: it takes its place */
        h[0] = *r;
        sift_down(h, list->n, 0);
    }
}

/* ---- blocks ------------------------------------------------------------------------------ */

static void report(struct walk_out *out, const struct sm_walk_block *b)
{
    if (!out->stop) out->stop = out->fn(b, out->arg);
}

static void flush(struct walk_out *out)
{
    if (out->held.size) report(out, &out->held);
    out->held.size = 0;
}

void walk_block(struct walk_out *out, uintptr_t addr, size_t size, enum sm_walk_kind kind)
{
    if (size == 0 || out->stop) return;
    struct sm_walk_block *h = &out->held;
    if (h->size && kind != SM_WALK_LIVE && h->kind == kind && h->addr + h->size == addr &&
        h->object_size == out->object_size) {
        h->size += size;
        return;
    }
    flush(out);
    *h = (struct sm_walk_block){.addr = addr,
                                .size = size,
                                .kind = kind,
                                .region = out->region->addr,
                                .what = out->region->what,
                                .object_size = out->object_size};
}

void walk_meta_blocks(const struct walk_region *r, struct walk_out *out)
{
    size_t used = r->used < r->size ? r->used : r->size;
    walk_block(out, r->addr, used, SM_WALK_META);
    walk_block(out, r->addr + used, r->size - used, SM_WALK_UNUSED);
}

void walk_meta_region(struct walk_list *list, const void *p, size_t bytes, const char *what)
{
    if (!p) return;
    struct walk_region r = {.addr = (uintptr_t) p,
                            .size = sysalloc_rounded(bytes),
                            .what = what,
                            .used = bytes,
                            .blocks = walk_meta_blocks};
    walk_region(list, &r);
}

/* ---- the walk ---------------------------------------------------------------------------- */

int walk_run(sm_walk_fn fn, void *arg)
{
    struct walk_list list = {.floor = 0};
    struct walk_out out = {.fn = fn, .arg = arg};
    do {
        list.n = list.above = 0;
        phase_walk(&list);
        bigblock_walk(&list);
        size_t listed = list.n;
        for (size_t n = list.n; n > 1; n--) { /* heap sort: ascending addresses */
            swap(&list.heap[0], &list.heap[n - 1]);
            sift_down(list.heap, n - 1, 0);
        }
        for (size_t i = 0; i < listed && !out.stop; i++) {
            const struct walk_region *r = &list.heap[i];
            out.region = r;
            out.object_size = 0;
            report(&out, &(struct sm_walk_block){.addr = r->addr,
                                                 .size = r->size,
                                                 .kind = SM_WALK_REGION,
                                                 .region = r->addr,
                                                 .what = r->what,
                                                 .object_size = r->object_size});
            r->blocks(r, &out);
            flush(&out);
        }
        if (listed) list.floor = list.heap[listed - 1].addr;
    } while (list.above > list.n && !out.stop);
    return out.stop;
}
