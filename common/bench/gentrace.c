/*
 * gentrace.c - the seeded generator of the shipped traces (the .rep files in common/traces/).
 *
 *   gentrace PATTERN [OPS] [SEED] > file.rep
 *
 * The same pattern, OPS and SEED give the same file, byte for byte, on every machine
 * (xorshift64*, no floating point): `make traces` rewrites common/traces/ and the bench test
 * checks that it did not change them.  Every id is allocated once (as in the CS:APP traces),
 * and every block is freed by the end.  The patterns:
 *
 *   phase1_pattern  the size of the seed's Phase 1 run: 4,550 allocations of small sizes in
 *                   rounds of 50, each round freeing about half of what is live;
 *   slab_mix        the seed's Phase 2 run: 6,685 allocations over 11 size classes (8 to
 *                   2048 bytes), frees mixed in at random;
 *   binary          alternating 64- and 448-byte blocks, the 448s freed, then 512-byte
 *                   blocks that fit none of the holes (fragmentation);
 *   coalescing      two neighbours allocated and freed, then one block of their joint size
 *                   (only an allocator that coalesces reuses the memory);
 *   random          sizes 1 to 16 KiB, a few above 64 KiB, allocated and freed at random;
 *   realloc-heavy   40 buffers grown by realloc, small blocks allocated between them;
 *   realloc-growth  two buffers each grown by 4 KiB steps to 8 MiB, as a program reading its
 *                   input into one growing buffer does (a shell's command substitution), a
 *                   few small blocks allocated between the steps: a large realloc must not
 *                   copy the whole block each time;
 *   scale           the scaling series: random allocations and frees of 8 to 4096 bytes with
 *                   up to OPS/20 blocks live, exactly OPS operations (default 10,000).
 */
#include "rng.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gen {
    uint64_t rng;
    uint32_t *live; /* ids live now */
    uint32_t *size; /* size of each id */
    size_t nlive, next_id, cap;
    uint64_t live_bytes, peak;
    char *ops;
    size_t nops, len, ops_cap;
};

static uint64_t rnd(struct gen *g, uint64_t n)
{
    return (rng_next(&g->rng) >> 11) % n;
}

static void emit(struct gen *g, const char *fmt, uint64_t a, uint64_t b)
{
    if (g->len + 64 > g->ops_cap) {
        g->ops_cap = g->ops_cap ? g->ops_cap * 2 : 1 << 20;
        g->ops = realloc(g->ops, g->ops_cap);
        if (!g->ops) exit(1);
    }
    g->len +=
        (size_t) sprintf(g->ops + g->len, fmt, (unsigned long long) a, (unsigned long long) b);
    g->nops++;
}

static void grow(struct gen *g)
{
    if (g->next_id < g->cap) return;
    g->cap = g->cap ? g->cap * 2 : 1024;
    g->live = realloc(g->live, g->cap * sizeof *g->live);
    g->size = realloc(g->size, g->cap * sizeof *g->size);
    if (!g->live || !g->size) exit(1);
}

static uint32_t alloc(struct gen *g, uint32_t size)
{
    grow(g);
    uint32_t id = (uint32_t) g->next_id++;
    g->size[id] = size;
    g->live[g->nlive++] = id;
    g->live_bytes += size;
    if (g->live_bytes > g->peak) g->peak = g->live_bytes;
    emit(g, "a %llu %llu\n", id, size);
    return id;
}

/* Frees the i-th live block (the last live block takes its place). */
static void free_nth(struct gen *g, size_t i)
{
    uint32_t id = g->live[i];
    g->live[i] = g->live[--g->nlive];
    g->live_bytes -= g->size[id];
    emit(g, "f %llu\n", id, 0);
}

static void free_id(struct gen *g, uint32_t id)
{
    for (size_t i = g->nlive; i-- > 0;)
        if (g->live[i] == id) {
            free_nth(g, i);
            return;
        }
}

static void resize(struct gen *g, uint32_t id, uint32_t size)
{
    g->live_bytes = g->live_bytes - g->size[id] + size;
    g->size[id] = size;
    if (g->live_bytes > g->peak) g->peak = g->live_bytes;
    emit(g, "r %llu %llu\n", id, size);
}

static void free_all(struct gen *g)
{
    while (g->nlive)
        free_nth(g, rnd(g, g->nlive));
}

static void phase1_pattern(struct gen *g)
{
    static const uint32_t sizes[] = {16, 24, 32, 48, 64, 96, 128};
    for (int round = 0; round < 91; round++) {
        for (int i = 0; i < 50; i++)
            alloc(g, sizes[rnd(g, 7)]);
        for (size_t n = g->nlive / 2; n > 0; n--)
            free_nth(g, rnd(g, g->nlive));
    }
    free_all(g);
}

static const uint32_t slab_classes[11] = {8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048};

static uint32_t in_class(struct gen *g, int c)
{
    uint32_t lo = c ? slab_classes[c - 1] + 1 : 1;
    return lo + (uint32_t) rnd(g, slab_classes[c] - lo + 1);
}

static void slab_mix(struct gen *g)
{
    size_t allocs = 0;
    while (allocs < 6685) {
        if (g->nlive == 0 || rnd(g, 100) < 60) {
            alloc(g, in_class(g, (int) rnd(g, 11)));
            allocs++;
        } else
            free_nth(g, rnd(g, g->nlive));
    }
    free_all(g);
}

static void binary(struct gen *g)
{
    enum { PAIRS = 2000 };
    uint32_t large[PAIRS];
    for (int i = 0; i < PAIRS; i++) {
        alloc(g, 64);
        large[i] = alloc(g, 448);
    }
    for (int i = PAIRS; i-- > 0;)
        free_id(g, large[i]);
    for (int i = 0; i < PAIRS; i++)
        alloc(g, 512);
    free_all(g);
}

static void coalescing(struct gen *g)
{
    uint32_t merged = UINT32_MAX;
    for (int i = 0; i < 2400; i++) {
        uint32_t size = 512 + 16 * (uint32_t) rnd(g, 224);
        uint32_t x = alloc(g, size), y = alloc(g, size);
        if (merged != UINT32_MAX) free_id(g, merged);
        free_id(g, x);
        free_id(g, y);
        merged = alloc(g, 2 * size);
    }
    free_all(g);
}

static void random_pattern(struct gen *g)
{
    for (size_t allocs = 0; allocs < 10000;) {
        if (g->nlive < 2000 && (g->nlive == 0 || rnd(g, 100) < 55)) {
            uint32_t size = rnd(g, 100) == 0 ? 65537 + (uint32_t) rnd(g, 131072)
                                             : 1 + (uint32_t) rnd(g, 1u << (4 + rnd(g, 11)));
            alloc(g, size);
            allocs++;
        } else
            free_nth(g, rnd(g, g->nlive));
    }
    free_all(g);
}

static void realloc_heavy(struct gen *g)
{
    enum { BUFS = 40 };
    uint32_t buf[BUFS];
    for (int i = 0; i < BUFS; i++)
        buf[i] = alloc(g, 64);
    for (int step = 0; step < 4800; step++) {
        uint32_t id = buf[rnd(g, BUFS)];
        if (g->size[id] < 65536)
            resize(g, id, g->size[id] + 16 + (uint32_t) rnd(g, 496));
        else
            resize(g, id, 64);
        if (rnd(g, 4) == 0) alloc(g, 16 + (uint32_t) rnd(g, 48));
    }
    free_all(g);
}

static void realloc_growth(struct gen *g)
{
    enum { STEP = 4096, FINAL = 8 << 20 };
    uint32_t a = alloc(g, STEP), b = alloc(g, STEP);
    for (uint32_t size = 2 * STEP; size <= FINAL; size += STEP) {
        resize(g, a, size);
        resize(g, b, size);
        if (rnd(g, 8) == 0) alloc(g, 16 + (uint32_t) rnd(g, 112));
    }
    free_all(g);
}

static void scale(struct gen *g, size_t ops)
{
    size_t cap = ops / 20 > 50 ? ops / 20 : 50;
    while (g->nops + g->nlive < ops) {
        if (g->nlive == 0 || (g->nlive < cap && rnd(g, 100) < 55))
            alloc(g, 8 + (uint32_t) rnd(g, 4089));
        else
            free_nth(g, rnd(g, g->nlive));
    }
    free_all(g);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: gentrace phase1_pattern|slab_mix|binary|coalescing|random|"
                        "realloc-heavy|realloc-growth|scale [OPS] [SEED]\n");
        return 1;
    }
    const char *p = argv[1];
    size_t ops = argc > 2 ? strtoull(argv[2], NULL, 10) : 10000;
    struct gen g = {.rng = argc > 3 ? strtoull(argv[3], NULL, 10) : 20260101};
    g.rng = g.rng * 0x9E3779B97F4A7C15u + 1;
    if (!strcmp(p, "phase1_pattern"))
        phase1_pattern(&g);
    else if (!strcmp(p, "slab_mix"))
        slab_mix(&g);
    else if (!strcmp(p, "binary"))
        binary(&g);
    else if (!strcmp(p, "coalescing"))
        coalescing(&g);
    else if (!strcmp(p, "random"))
        random_pattern(&g);
    else if (!strcmp(p, "realloc-heavy"))
        realloc_heavy(&g);
    else if (!strcmp(p, "realloc-growth"))
        realloc_growth(&g);
    else if (!strcmp(p, "scale") && ops >= 2)
        scale(&g, ops);
    else {
        fprintf(stderr, "gentrace: unknown pattern or size: %s\n", p);
        return 1;
    }
    printf("%llu\n%zu\n%zu\n1\n", (unsigned long long) g.peak, g.next_id, g.nops);
    fwrite(g.ops, 1, g.len, stdout);
    free(g.live);
    free(g.size);
    free(g.ops);
    return ferror(stdout) ? 1 : 0;
}
