/*
 * verify.c - the correctness pass (see verify.h).
 *
 * Live blocks are kept as intervals [lo, hi) in a tsearch(3) tree whose comparison calls two
 * overlapping intervals equal: inserting a block that overlaps a live one finds that one
 * instead of adding a node.  A 0-byte block counts as one byte, so that two 0-byte blocks at
 * the same address are caught too.  The tree and the bookkeeping use the C library's malloc,
 * never the allocator under test (except for the system adapter, where they are the same).
 */
#include "verify.h"
#include "sm.h"

#include <search.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The bytes checked before the end of a block that realloc resized in place. */
#define IN_PLACE_WINDOW 4096

struct live_block {
    uintptr_t lo, hi;
    uint64_t seed; /* the pattern its payload holds */
    uint64_t size;
    int live;
};

struct verifier {
    const struct trace *t;
    const struct bench_allocator *a;
    struct live_block *blocks; /* one per id */
    void *tree;
    size_t op; /* the operation being checked */
    char *err;
    size_t errlen;
};

static int by_interval(const void *x, const void *y)
{
    const struct live_block *a = x, *b = y;
    if (a->hi <= b->lo) return -1;
    if (b->hi <= a->lo) return 1;
    return 0; /* they overlap */
}

static int fail(struct verifier *v, const char *fmt, ...)
{
    const struct op *o = &v->t->ops[v->op];
    int n;
    if (o->kind == OP_FREE)
        n = snprintf(v->err, v->errlen, "%s: operation %zu (f %u): ", v->a->name, v->op + 1, o->id);
    else
        n = snprintf(v->err, v->errlen, "%s: operation %zu (%c %u %llu): ", v->a->name, v->op + 1,
                     (char) o->kind, o->id, (unsigned long long) o->size);
    if (n < 0 || (size_t) n >= v->errlen) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->err + n, v->errlen - (size_t) n, fmt, ap);
    va_end(ap);
    return -1;
}

static unsigned char pattern_byte(uint64_t seed, uint64_t i)
{
    uint64_t x = (seed + 1) * 0x9E3779B97F4A7C15u + i * 0xBF58476D1CE4E5B9u;
    return (unsigned char) (x >> 56);
}

/* Writes b's pattern into its bytes from `from` on. */
static void fill(struct live_block *b, uint64_t from)
{
    unsigned char *p = (unsigned char *) b->lo;
    for (uint64_t i = from; i < b->size; i++)
        p[i] = pattern_byte(b->seed, i);
}

/* The first of the bytes [from, n) of b that lost its pattern, or n. */
static uint64_t damaged_from(const struct live_block *b, uint64_t from, uint64_t n)
{
    const unsigned char *p = (const unsigned char *) b->lo;
    for (uint64_t i = from; i < n; i++)
        if (p[i] != pattern_byte(b->seed, i)) return i;
    return n;
}

static uint64_t first_damaged(const struct live_block *b, uint64_t n)
{
    return damaged_from(b, 0, n);
}

/* Takes in the block p of size bytes, just returned for id, with the pattern of seed, whose
 * first `kept` bytes are in place already. */
static int admit_kept(struct verifier *v, uint32_t id, void *p, uint64_t size, uint64_t seed,
                      uint64_t kept)
{
    if (!p) return fail(v, "the allocator returned NULL");
    if ((uintptr_t) p % SM_ALIGN)
        return fail(v, "block %p is not aligned to %d bytes", p, SM_ALIGN);
    size_t usable = v->a->usable_size(p);
    if (usable < size) return fail(v, "block %p has usable size %zu, less than asked", p, usable);
    struct live_block *b = &v->blocks[id];
    *b = (struct live_block){.lo = (uintptr_t) p,
                             .hi = (uintptr_t) p + (size ? size : 1),
                             .seed = seed,
                             .size = size,
                             .live = 1};
    struct live_block **found = tsearch(b, &v->tree, by_interval);
    if (!found) return fail(v, "out of memory in the checker");
    if (*found != b)
        return fail(v, "block [%p, +%llu) overlaps the live block [%p, +%llu) of id %td", p,
                    (unsigned long long) size, (void *) (*found)->lo,
                    (unsigned long long) (*found)->size, *found - v->blocks);
    fill(b, kept);
    return 0;
}

/* Takes in the block p of size bytes, just returned for id, with a new pattern. */
static int admit(struct verifier *v, uint32_t id, void *p, uint64_t size)
{
    return admit_kept(v, id, p, size, (uint64_t) v->op, 0);
}

/* Checks the payload of id's live block (its first n bytes) and takes it out of the tree. */
static int release(struct verifier *v, uint32_t id, uint64_t n)
{
    struct live_block *b = &v->blocks[id];
    uint64_t bad = first_damaged(b, n);
    if (bad != n)
        return fail(v, "byte %llu of block %p was overwritten while it was live",
                    (unsigned long long) bad, (void *) b->lo);
    tdelete(b, &v->tree, by_interval);
    b->live = 0;
    return 0;
}

static int verify_op(struct verifier *v, const struct op *o)
{
    struct live_block *b = &v->blocks[o->id];
    if (o->kind == OP_ALLOC) return admit(v, o->id, v->a->malloc(o->size), o->size);
    if (o->kind == OP_FREE) {
        if (o->id == v->t->null_id) { /* "f -1": free(NULL), which must do nothing */
            v->a->free(NULL);
            return 0;
        }
        if (release(v, o->id, b->size) != 0) return -1;
        v->a->free((void *) b->lo);
        return 0;
    }
    if (!b->live) return admit(v, o->id, v->a->realloc(NULL, o->size), o->size);
    /* The kept bytes keep their pattern and only the new ones are written, so that growing a
     * block step by step costs the checker no more than the allocator.  A block that moved is
     * checked whole (the allocator copied it); one resized in place, near its end (where the
     * allocator wrote, if anywhere); every byte is checked again when the block is freed. */
    struct live_block old = *b;
    uint64_t kept = old.size < o->size ? old.size : o->size;
    tdelete(b, &v->tree, by_interval);
    b->live = 0;
    void *p = v->a->realloc((void *) old.lo, o->size);
    if (!p) return fail(v, "realloc returned NULL");
    struct live_block moved = old;
    moved.lo = (uintptr_t) p;
    uint64_t from = p == (void *) old.lo && kept > IN_PLACE_WINDOW ? kept - IN_PLACE_WINDOW : 0;
    uint64_t bad = damaged_from(&moved, from, kept);
    if (bad != kept)
        return fail(v, "realloc from %p to %p lost the data (byte %llu differs)", (void *) old.lo,
                    p, (unsigned long long) bad);
    return admit_kept(v, o->id, p, o->size, old.seed, kept);
}

static void free_tree_node(void *node)
{
    (void) node; /* the nodes point into v->blocks */
}

int verify_trace(const struct trace *t, const struct bench_allocator *a, char *err, size_t errlen)
{
    struct verifier v = {.t = t, .a = a, .err = err, .errlen = errlen};
    v.blocks = calloc(t->num_ids ? t->num_ids : 1, sizeof *v.blocks);
    if (!v.blocks) {
        snprintf(err, errlen, "%s: out of memory in the checker", a->name);
        return -1;
    }
    size_t every = t->num_ops / 64 > 256 ? t->num_ops / 64 : 256;
    int rc = 0;
    for (v.op = 0; v.op < t->num_ops && rc == 0; v.op++) {
        rc = verify_op(&v, &t->ops[v.op]);
        if (rc == 0 && (v.op + 1) % every == 0 && a->check() != 0)
            rc = fail(&v, "sm_check failed after this operation (its message is above)");
    }
    if (rc == 0) {
        v.op = t->num_ops ? t->num_ops - 1 : 0;
        for (uint32_t id = 0; id < t->num_ids && rc == 0; id++)
            if (v.blocks[id].live && (rc = release(&v, id, v.blocks[id].size)) == 0)
                a->free((void *) v.blocks[id].lo);
        if (rc == 0 && a->check() != 0) {
            snprintf(err, errlen, "%s: sm_check failed at the end of the trace", a->name);
            rc = -1;
        }
    }
    tdestroy(v.tree, free_tree_node);
    free(v.blocks);
    return rc;
}
