/*
 * slab.c - the slow paths of the slabs: giving a class a slab, threading fresh blocks, and
 * moving slabs between a class's current slot, its partial list and the free-slab stack.
 *
 * The fast paths (phase.c) only pop from and push to the current slab's free list; everything
 * here runs once per page of fresh blocks, once per slab, or when a slab fills up or empties.
 *
 * LAZY_SLABS (the seed's "only create slabs when needed"): a class gets its first slab at its
 * first allocation, and a slab's free list is threaded a page at a time as the blocks are
 * needed.  With LAZY_SLABS=0 (phase2) initialization gives every class a slab and threads every
 * block of every slab at once: 28 classes x 16 KiB written before the first block is returned.
 *
 * Invariants (check.c): class_current[c] is the placeholder or a slab of class c; the slabs of
 * class c other than the current one are on partial[c] exactly when they have a free block; a
 * slab that empties is released unless it is current.
 */
#include "slab.h"
#include "now_ns.h"
#include "sysalloc.h"

/* Every class starts on this placeholder: no free block, so the first malloc of the class
 * takes the slow path, which gives it a real slab.  The fast path never tests for "no slab". */
static struct slab no_slab = {.size_class = NO_CLASS};

struct slab *class_current[SIZE_CLASSES] = {[0 ... SIZE_CLASSES - 1] = &no_slab};
struct slab *partial[SIZE_CLASSES];
struct slab *free_slabs;
uint64_t slab_allocations;
uint64_t init_ns;
static int initialized;

/* Threads the next n fresh blocks of s onto its free list, lowest address first. */
static void thread_fresh(struct slab *s, size_t n)
{
    size_t left = ((size_t) s->nblocks * s->size - s->fresh) / s->size;
    if (n > left) n = left;
    for (size_t i = n; i-- > 0;) {
        char *b = slab_base(s) + s->fresh + i * s->size;
        SM_VG_OPEN(b, 2 * sizeof(void *));
        block_set_key(b, s->free, FRESH_KEY);
        SM_VG_CLOSE(b, 2 * sizeof(void *));
        s->free = b;
    }
    s->fresh += (uint32_t) (n * s->size);
}

/* Blocks threaded at a time: a page's worth with LAZY_SLABS, the whole slab without. */
static size_t thread_batch(const struct slab *s)
{
    size_t page = sysalloc_page_size();
    return LAZY_SLABS && s->size < page ? page / s->size : s->nblocks;
}

/* Makes the carved or released slab s a slab of class c, with its first blocks threaded. */
static void slab_setup(struct slab *s, int c)
{
    s->size_class = (uint8_t) c;
    s->size = size_class_bytes[c];
    s->nblocks = (uint16_t) (SLAB_BYTES / s->size);
    s->inv = (uint32_t) ((((uint64_t) 1 << 32) + s->size - 1) / s->size);
    s->free = NULL;
    s->fresh = 0;
    s->live = 0;
    s->listed = 0;
    s->next = s->prev = NULL;
    thread_fresh(s, thread_batch(s));
}

static void partial_unlink(struct slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        partial[s->size_class] = s->next;
    if (s->next) s->next->prev = s->prev;
    s->next = s->prev = NULL;
    s->listed = 0;
}

static void partial_push(struct slab *s)
{
    s->prev = NULL;
    s->next = partial[s->size_class];
    if (s->next) s->next->prev = s;
    partial[s->size_class] = s;
    s->listed = 1;
}

/* An empty slab back to the free-slab stack, for the next class that needs one. */
static void slab_release(struct slab *s)
{
    s->size_class = NO_CLASS;
    s->listed = 0;
    s->prev = NULL;
    s->next = free_slabs;
    free_slabs = s;
}

/* A slab for any class: the newest emptied one, or one never used, carved from a region.  NULL
 * with errno = ENOMEM. */
static struct slab *slab_carve(void)
{
    struct slab *s = free_slabs;
    if (s) {
        free_slabs = s->next;
    } else {
        char *base;
        s = region_carve(&base);
        if (!s) return NULL;
        s->base_key = ~(uintptr_t) base;
        s->size_class = NO_CLASS;
    }
    if (!s->records && record_array_new(&s->records) != 0) {
        slab_release(s); /* it waits on the free-slab stack without its records */
        return NULL;
    }
    return s;
}

/* Gives class c a current slab with a free block; -1 with errno = ENOMEM when none can be had. */
static int refill(int c)
{
    struct slab *s = class_current[c];
    if (s != &no_slab && s->fresh < (size_t) s->nblocks * s->size) {
        thread_fresh(s, thread_batch(s));
        return 0;
    }
    /* The current slab is full: it is left out of every list until a block of it is freed. */
    if (partial[c]) {
        s = partial[c];
        partial_unlink(s);
    } else {
        s = slab_carve();
        if (!s) return -1;
        slab_setup(s, c);
    }
    class_current[c] = s;
    return 0;
}

int slabs_init(void)
{
    size_classes_init();
    for (int c = 0; !LAZY_SLABS && c < SIZE_CLASSES; c++)
        if (class_current[c] == &no_slab && refill(c) != 0)
            return -1; /* the classes set up so far keep their slabs; the next call goes on */
    initialized = 1;
    return 0;
}

__attribute__((noinline)) void *slab_alloc(int c, size_t size, size_t *usable)
{
    SM_ASSERT(c < SIZE_CLASSES && (c >= 0 || size <= LARGEST_CLASS));
    uint64_t t0 = initialized ? 0 : now_ns();
    if (!initialized && slabs_init() != 0) return NULL;
    if (c < 0) c = size_class_for(size); /* only now: the table is filled by slabs_init */
    struct slab *s = class_current[c];
    if (!s->free) {
        if (refill(c) != 0) return NULL;
        s = class_current[c];
    }
    void *b = slab_pop(s);
    if (t0 && !init_ns)
        init_ns = now_ns() - t0; /* the first allocation: initialization and the first slab */
    *usable = s->size;
    return b;
}

__attribute__((noinline)) size_t slab_after_free(struct slab *s)
{
    size_t size = s->size;
    if (s == class_current[s->size_class])
        return size; /* the current slab keeps its memory, even empty: no thrashing at the edge */
    if (s->live == 0) {
        if (s->listed) partial_unlink(s);
        slab_release(s);
    } else if (!s->listed) {
        partial_push(s); /* it was full; now it has a free block again */
    }
    return size;
}

void slabs_teardown(void)
{
    for (size_t i = 0; i < nregions; i++) {
        struct region *r = regions[i].r;
        for (uint32_t k = 0; k < r->carved; k++)
            record_array_release(((struct slab *) region_desc(r, k))->records);
    }
    free_slabs = NULL;
    for (int c = 0; c < SIZE_CLASSES; c++) {
        class_current[c] = &no_slab;
        partial[c] = NULL;
    }
    slab_allocations = 0;
    init_ns = 0;
    initialized = 0;
}
