/*
 * sm_ops.c - the interpreter behind the fuzzer and the replayed regression inputs (see
 * sm_ops.h for the input format and the list of checks).
 *
 * Every live block is filled, over its whole usable size, with a pattern of its own, so that
 * any byte the allocator hands out twice, overwrites with a header, or loses in a copy shows up
 * as a pattern mismatch the next time the block is looked at.
 */
#include "sm_ops.h"
#include "sm.h"
#include "sysalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define SLOTS   32
#define OP_SIZE 4

enum { OP_MALLOC, OP_CALLOC, OP_REALLOC, OP_MEMALIGN, OP_FREE, OP_INJECT, OP_CHECK, OP_FREE_ALL };

struct slot {
    unsigned char *p; /* NULL: empty */
    size_t asked;     /* the size asked for */
    size_t usable;    /* sm_usable_size(p), all of it filled with the pattern */
    uint8_t seed;
};

static struct slot slots[SLOTS];
static size_t op_index; /* the operation being run, for messages */
static int injecting;   /* a sysalloc failure is armed: NULL results are allowed */
static uint8_t next_seed;
static char message[320];

/* Formats the failure message; returns -1 so that a check can `return fail(...)`. */
__attribute__((format(printf, 1, 2))) static int fail(const char *fmt, ...)
{
    int n = snprintf(message, sizeof message, "operation %zu: ", op_index);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message + n, sizeof message - (size_t) n, fmt, ap);
    va_end(ap);
    return -1;
}

/* The pattern, word j of the block with seed s: different for every word and every seed, so a
 * block copied to the wrong place or shifted by a word does not match. */
static uint64_t pattern_word(uint8_t seed, size_t j)
{
    return ((uint64_t) seed + 1) * 0x9E3779B97F4A7C15u ^ (uint64_t) (j + 1) * 0xD6E8FEB86659FD93u;
}

/* Blocks are 16-byte aligned, so the pattern is read and written a word at a time. */
typedef uint64_t __attribute__((may_alias)) word_t;

static unsigned char pattern_byte(uint8_t seed, size_t i)
{
    return (unsigned char) (pattern_word(seed, i / 8) >> (8 * (i % 8)));
}

/* Cost: one 8-byte store per word. */
static void fill(struct slot *s)
{
    word_t *w = (word_t *) s->p;
    size_t words = s->usable / 8;
    for (size_t j = 0; j < words; j++)
        w[j] = pattern_word(s->seed, j);
    for (size_t i = 8 * words; i < s->usable; i++)
        s->p[i] = pattern_byte(s->seed, i);
}

/* Checks the first n bytes of the slot's block against its pattern. */
static int verify(const struct slot *s, size_t n, const char *when)
{
    const word_t *w = (const word_t *) s->p;
    size_t i = 0;
    while (i + 8 <= n && w[i / 8] == pattern_word(s->seed, i / 8))
        i += 8;
    for (; i < n; i++)
        if (s->p[i] != pattern_byte(s->seed, i))
            return fail("%s: byte %zu of a %zu-byte block at %p changed", when, i, s->asked,
                        (void *) s->p);
    return 0;
}

/* The size encoded by the operation's bytes a, b, c.  Four ranges, chosen by a & 3, so that
 * the fuzzer reaches every size class and every threshold between them quickly. */
static size_t op_size(uint8_t a, uint8_t b, uint8_t c)
{
    switch (a & 3) {
    case 0:
        return b % 129u; /* tiny: 0..128 */
    case 1:
        return (b | (size_t) c << 8) % 4097u; /* small: 0..4096 */
    case 2:
        return (b | (size_t) c << 8 | (size_t) (a >> 2) << 16) % 300001u; /* medium */
    default: {
        size_t base = (size_t) 1 << (b % 23u); /* next to a power of two, up to 4 MiB */
        size_t delta = c % 33u;                /* base - 16 .. base + 16 */
        return base + delta < 16 ? 0 : base + delta - 16;
    }
    }
}

/* Checks a block the allocator just returned for the slot s (not yet recorded in it). */
static int check_new_block(unsigned char *p, size_t asked, size_t align, size_t *usable)
{
    *usable = sm_usable_size(p);
    if ((uintptr_t) p % (align < SM_ALIGN ? SM_ALIGN : align))
        return fail("block %p of %zu bytes is not aligned to %zu", (void *) p, asked, align);
    if (*usable < asked) return fail("usable size %zu below the %zu bytes asked", *usable, asked);
    for (int i = 0; i < SLOTS; i++) {
        const struct slot *o = &slots[i];
        if (o->p && o->p != p && p < o->p + o->usable && o->p < p + *usable)
            return fail("new block %p (+%zu) overlaps live block %p (+%zu)", (void *) p, *usable,
                        (void *) o->p, o->usable);
    }
    return 0;
}

/* A NULL result: allowed only while a failure is injected, and then with errno = ENOMEM. */
static int check_failure(const char *call, size_t asked)
{
    if (!injecting)
        return fail("%s(%zu) returned NULL with no failure injected (errno %d)", call, asked,
                    errno);
    if (errno != ENOMEM)
        return fail("%s(%zu) failed with errno %d, not ENOMEM", call, asked, errno);
    return 0;
}

static int record(struct slot *s, unsigned char *p, size_t asked, size_t usable)
{
    s->p = p;
    s->asked = asked;
    s->usable = usable;
    s->seed = next_seed++;
    fill(s);
    return 0;
}

static int free_slot(struct slot *s)
{
    if (s->p && verify(s, s->usable, "free") != 0) return -1;
    sm_free(s->p);
    s->p = NULL;
    return 0;
}

static int op_alloc(struct slot *s, int kind, uint8_t a, uint8_t b, uint8_t c)
{
    size_t size = op_size(a, b, c), align = SM_ALIGN, usable, nmemb = 1;
    unsigned char *p;
    if (free_slot(s) != 0) return -1;
    errno = 0;
    if (kind == OP_CALLOC) {
        nmemb = 1 + c % 8u;
        size /= nmemb;
        p = sm_calloc(nmemb, size);
    } else if (kind == OP_MEMALIGN) {
        unsigned e = (unsigned) (b + c) % 22u; /* 1 .. 1 MiB, or 24: not a power of two */
        align = e == 21 ? 24 : (size_t) 1 << e;
        p = sm_memalign(align, size);
        if (align == 24) {
            if (p || errno != EINVAL)
                return fail("sm_memalign(24, %zu) did not fail with EINVAL", size);
            return 0;
        }
    } else {
        p = sm_malloc(size);
    }
    if (!p) return check_failure(kind == OP_CALLOC ? "sm_calloc" : "sm_malloc", nmemb * size);
    if (check_new_block(p, nmemb * size, align, &usable) != 0) return -1;
    for (size_t i = 0; kind == OP_CALLOC && i < nmemb * size; i++)
        if (p[i]) return fail("sm_calloc(%zu, %zu): byte %zu is not zero", nmemb, size, i);
    return record(s, p, nmemb * size, usable);
}

static int op_realloc(struct slot *s, uint8_t a, uint8_t b, uint8_t c)
{
    size_t size = op_size(a, b, c), usable;
    errno = 0;
    unsigned char *p = sm_realloc(s->p, size);
    if (!p) {
        if (check_failure("sm_realloc", size) != 0) return -1;
        return s->p ? verify(s, s->usable, "after a failed realloc") : 0;
    }
    struct slot old = *s;
    size_t kept = !s->p ? 0 : s->usable < size ? s->usable : size; /* bytes that must survive */
    s->p = NULL; /* the old block is gone: do not count it in the overlap check */
    if (check_new_block(p, size, SM_ALIGN, &usable) != 0) return -1;
    old.p = p;
    if (verify(&old, kept, "realloc copy") != 0) return -1;
    return record(s, p, size, usable);
}

/* Everything at once: every block's pattern, and bytes_live against the usable sizes. */
static int check_all(void)
{
    uint64_t live = 0;
    for (int i = 0; i < SLOTS; i++) {
        if (slots[i].p && verify(&slots[i], slots[i].usable, "full check") != 0) return -1;
        live += slots[i].p ? slots[i].usable : 0;
    }
    struct sm_stats st;
    sm_stats(&st);
    if (st.bytes_live != live)
        return fail("bytes_live is %llu, the live blocks' usable sizes add up to %llu",
                    (unsigned long long) st.bytes_live, (unsigned long long) live);
    return 0;
}

static int step(const uint8_t *op)
{
    struct slot *s = &slots[op[0] >> 3];
    int r = 0;
    switch (op[0] & 7) {
    case OP_MALLOC:
    case OP_CALLOC:
    case OP_MEMALIGN:
        r = op_alloc(s, op[0] & 7, op[1], op[2], op[3]);
        break;
    case OP_REALLOC:
        r = op_realloc(s, op[1], op[2], op[3]);
        break;
    case OP_FREE:
        r = free_slot(s);
        break;
    case OP_INJECT:
        injecting = !(op[1] & 0x80);
        sysalloc_fail_after(injecting ? op[1] % 8 : -1);
        break;
    case OP_CHECK:
        r = check_all();
        break;
    default:
        for (int i = 0; i < SLOTS && r == 0; i++)
            r = free_slot(&slots[i]);
    }
    if (r == 0 && sm_check() != 0) return fail("sm_check failed (its message is on stderr)");
    return r;
}

const char *sm_ops_run(const uint8_t *data, size_t size)
{
    memset(slots, 0, sizeof slots);
    injecting = 0;
    next_seed = 0;
    op_index = 0;
    for (; (op_index + 1) * OP_SIZE <= size; op_index++)
        if (step(data + op_index * OP_SIZE) != 0) return message;
    sysalloc_fail_after(-1);
    injecting = 0;
    if (check_all() != 0) return message;
    for (int i = 0; i < SLOTS; i++)
        if (free_slot(&slots[i]) != 0) return message;
    if (sm_check() != 0) {
        fail("sm_check failed after freeing everything");
        return message;
    }
    sm_teardown();
    struct sm_stats st;
    sm_stats(&st);
    if (st.bytes_mapped != 0) {
        fail("after sm_teardown, %llu bytes are still mapped (a lost mapping)",
             (unsigned long long) st.bytes_mapped);
        return message;
    }
    return NULL;
}
