/*
 * test_oom.c - failure injection: sysalloc made to fail at every step of a mixed workload.
 *
 * The workload (malloc, calloc, realloc up and down, memalign and free, at every size range
 * from 0 bytes to 2 MiB) is run once for every n: the first n sysalloc calls succeed, every
 * later one fails, and a few operations after the first failure memory comes back.  Every
 * failure must be NULL with errno = ENOMEM, leave sm_check() clean and every live block
 * intact (a failed realloc too); once memory is back the rest of the workload must succeed;
 * and after freeing everything, sm_teardown() must leave nothing mapped, so that a mapping
 * lost on a failure path is caught.  The sweep ends at the first n where nothing failed.
 */
#include "sm.h"
#include "sysalloc.h"
#include "test_util.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#define SLOTS       48
#define OPS         360
#define FAILING_OPS 6 /* operations run while sysalloc keeps failing */
/* Bytes checked at each end of a block: where headers and links live. */
#define EDGE ((size_t) 96)

enum kind { MALLOC, CALLOC, REALLOC, MEMALIGN, FREE };

struct op {
    enum kind kind;
    int slot;
    size_t size;
    size_t align;
};

struct slot {
    unsigned char *p;
    size_t size;
    uint64_t seed;
};

static struct op ops[OPS];
static struct slot slots[SLOTS];

/* Sizes from every range a phase might treat differently: tiny, small classes, medium, the
 * large-block threshold region and beyond, and the edges of powers of two. */
static size_t workload_size(uint64_t *rng)
{
    uint64_t r = rng_next(rng);
    switch (r % 8) {
    case 0:
    case 1:
        return (r >> 8) % 65; /* 0..64 */
    case 2:
    case 3:
        return 65 + (r >> 8) % 960; /* up to 1 KiB */
    case 4:
        return 1024 + (r >> 8) % ((size_t) 63 * 1024); /* up to 64 KiB */
    case 5:
        return (64 << 10) + (r >> 8) % (2 << 20); /* large: 64 KiB .. 2 MiB */
    default: {
        size_t base = (size_t) 1 << (3 + (r >> 8) % 18); /* 8 B .. 1 MiB */
        return base - 16 + (r >> 16) % 33;
    }
    }
}

static void make_workload(void)
{
    uint64_t rng = 0x0dd5eed;
    for (int i = 0; i < OPS; i++) {
        uint64_t r = rng_next(&rng);
        struct op *o = &ops[i];
        o->slot = (int) (r % SLOTS);
        static const enum kind mix[10] = {MALLOC,  MALLOC,   MALLOC, CALLOC, REALLOC,
                                          REALLOC, MEMALIGN, FREE,   FREE,   FREE};
        o->kind = mix[(r >> 8) % 10];
        o->size = workload_size(&rng);
        o->align = (size_t) 32 << ((r >> 16) % 12); /* 32 B .. 64 KiB */
    }
}

/* A block's first EDGE bytes carry a pattern, and so do its last EDGE bytes when the two do not
 * meet; the middle is left alone, so that a 2 MiB block costs no more to check than a small one. */
static void fill_edges(struct slot *s)
{
    fill_pattern(s->p, s->size < EDGE ? s->size : EDGE, s->seed);
    if (s->size > 2 * EDGE) fill_pattern(s->p + s->size - EDGE, EDGE, s->seed + 1);
}

/* Whether the patterns of the block's first `size` bytes are intact (size <= s->size). */
static int edges_intact(const struct slot *s, size_t size)
{
    size_t head = size < EDGE ? size : EDGE;
    if (check_pattern(s->p, head, s->seed) != head) return 0;
    return size < s->size || s->size <= 2 * EDGE ||
           check_pattern(s->p + s->size - EDGE, EDGE, s->seed + 1) == EDGE;
}

static void *do_op(const struct op *o, struct slot *s)
{
    switch (o->kind) {
    case MALLOC:
        return sm_malloc(o->size);
    case CALLOC:
        return sm_calloc(o->size / 4 + 1, 4);
    case MEMALIGN:
        return sm_memalign(o->align, o->size);
    default:
        return sm_realloc(s->p, o->size);
    }
}

static size_t op_bytes(const struct op *o)
{
    return o->kind == CALLOC ? (o->size / 4 + 1) * 4 : o->size;
}

/* Runs the workload with sysalloc failing after n calls; returns the number of failed calls. */
static int run(long n)
{
    int failures = 0, first_failure = -1, memory_back = 0;
    uint64_t seed = 1;
    memset(slots, 0, sizeof slots);
    sysalloc_fail_after(n);
    for (int i = 0; i < OPS; i++) {
        const struct op *o = &ops[i];
        struct slot *s = &slots[o->slot];
        if (first_failure >= 0 && i - first_failure > FAILING_OPS && !memory_back) {
            sysalloc_fail_after(-1);
            memory_back = 1;
        }
        if (o->kind == FREE || (o->kind != REALLOC && s->p)) {
            cr_assert(!s->p || edges_intact(s, s->size), "n=%ld op %d: block damaged", n, i);
            sm_free(s->p);
            s->p = NULL;
            if (o->kind == FREE) continue;
        }
        errno = 0;
        unsigned char *p = do_op(o, s);
        if (!p) {
            cr_assert_eq(errno, ENOMEM, "n=%ld op %d: NULL with errno %d", n, i, errno);
            cr_assert(!memory_back,
                      "n=%ld op %d (kind %d, %zu bytes) failed after memory came back", n, i,
                      o->kind, o->size);
            cr_assert_eq(sm_check(), 0, "n=%ld op %d: heap inconsistent after a failure", n, i);
            cr_assert(!s->p || edges_intact(s, s->size), "n=%ld op %d: failed realloc damaged it",
                      n, i);
            if (first_failure < 0) first_failure = i;
            failures++;
            continue;
        }
        if (o->kind == CALLOC)
            for (size_t b = 0; b < op_bytes(o); b += 61)
                cr_assert_eq(p[b], 0, "n=%ld op %d: calloc byte %zu not zero", n, i, b);
        if (o->kind == MEMALIGN)
            cr_assert_eq((uintptr_t) p % o->align, 0, "n=%ld op %d: misaligned", n, i);
        if (o->kind == REALLOC && s->p) {
            struct slot moved = *s;
            moved.p = p;
            cr_assert(edges_intact(&moved, s->size < o->size ? s->size : o->size),
                      "n=%ld op %d: realloc lost the block's bytes", n, i);
        }
        s->p = p;
        s->size = op_bytes(o);
        s->seed = seed++;
        fill_edges(s);
    }
    sysalloc_fail_after(-1);
    for (int i = 0; i < SLOTS; i++) {
        cr_assert(!slots[i].p || edges_intact(&slots[i], slots[i].size), "n=%ld: block lost", n);
        sm_free(slots[i].p);
    }
    cr_assert_eq(sm_check(), 0, "n=%ld: heap inconsistent after freeing everything", n);
    sm_teardown();
    struct sm_stats st;
    sm_stats(&st);
    cr_assert_eq(st.bytes_mapped, 0, "n=%ld: %llu bytes still mapped after sm_teardown", n,
                 (unsigned long long) st.bytes_mapped);
    return failures;
}

Test(oom, sysalloc_failing_at_every_step_of_a_mixed_workload, .timeout = 300)
{
    make_workload();
    long n = 0;
    int total = 0, f;
    while ((f = run(n)) > 0) {
        total += f;
        n++;
    }
    cr_assert_gt(n, 3, "the workload called sysalloc only %ld times", n);
    cr_assert_geq(total, n, "every n below the last must have made something fail");
    cr_log_info("%ld failure points swept, %d calls failed", n, total);
}

Test(oom, failure_from_the_first_call)
{
    sysalloc_fail_after(0);
    errno = 0;
    cr_assert_null(sm_malloc(16));
    cr_assert_eq(errno, ENOMEM);
    cr_assert_null(sm_malloc(1 << 20));
    cr_assert_null(sm_memalign(4096, 100));
    cr_assert_null(sm_calloc(10, 10));
    cr_assert_eq(sm_check(), 0);
    sysalloc_fail_after(-1);
    void *p = sm_malloc(16);
    cr_assert_not_null(p);
    sm_free(p);
}

Test(oom, failed_realloc_keeps_the_block_at_every_size)
{
    static const size_t sizes[] = {0, 24, 200, 3000, 60000, 1 << 20};
    for (int i = 0; i < 6; i++) {
        unsigned char *p = sm_malloc(sizes[i] + 1);
        cr_assert_not_null(p);
        fill_pattern(p, sizes[i] + 1, (uint64_t) i);
        sysalloc_fail_after(0);
        errno = 0;
        unsigned char *q = sm_realloc(p, (4 << 20) + sizes[i]); /* needs a new mapping */
        sysalloc_fail_after(-1);
        cr_assert_null(q, "realloc to %zu succeeded with sysalloc failing", (4 << 20) + sizes[i]);
        cr_assert_eq(errno, ENOMEM);
        cr_assert_eq(check_pattern(p, sizes[i] + 1, (uint64_t) i), sizes[i] + 1);
        cr_assert_eq(sm_check(), 0);
        sm_free(p);
    }
}
