/*
 * bigblock.c - the table of large blocks (see bigblock.h).
 *
 * Invariants, checked by bigblock_check():
 *   - used + dead < cap * 3/4 after every insertion (the table is never full);
 *   - every live entry: base page-aligned, len a whole number of pages, and
 *     base <= payload < base + len;
 *   - used equals the number of live entries.
 *
 * An entry keeps ~payload, not payload: memcheck's leak checker scans memory for pointers, and
 * a table holding plain user pointers would make every leaked big block look "still reachable".
 */
#include "bigblock.h"
#include "diag.h"
#include "sm.h"
#include "sysalloc.h"

#include <errno.h>
#include <unistd.h>

#define EMPTY 0          /* a slot never used */
#define DEAD  ((uintptr_t) 1) /* a slot whose block was freed (a tombstone) */

struct entry {
    uintptr_t key; /* ~payload, or EMPTY, or DEAD */
    char *base;    /* the mapping */
    size_t len;    /* its length, as sysalloc mapped it */
};

static struct entry *table;
static size_t cap;  /* slots, a power of two */
static size_t used; /* live entries */
static size_t dead; /* tombstones */
static uint64_t allocations;

static size_t slot_of(uintptr_t key)
{
    return (size_t) ((key >> 12) * 0x9E3779B97F4A7C15u) & (cap - 1);
}

static struct entry *find(const void *p)
{
    uintptr_t key = ~(uintptr_t) p;
    if (!table || ((uintptr_t) p & 15))
        return NULL;
    for (size_t i = slot_of(key);; i = (i + 1) & (cap - 1)) {
        if (table[i].key == key)
            return &table[i];
        if (table[i].key == EMPTY)
            return NULL;
    }
}

static void put(struct entry e)
{
    size_t i = slot_of(e.key);
    while (table[i].key != EMPTY && table[i].key != DEAD)
        i = (i + 1) & (cap - 1);
    if (table[i].key == DEAD)
        dead--;
    table[i] = e;
    used++;
}

/* Makes room for one more entry, rebuilding the table at twice the size (or the same size,
 * when tombstones are what fills it).  Returns -1 with errno = ENOMEM when the OS refuses. */
static int make_room(void)
{
    if ((used + dead + 1) * 4 < cap * 3)
        return 0;
    size_t new_cap = cap ? (used + 1) * 4 >= cap * 2 ? cap * 2 : cap : 256;
    struct entry *new_table = sysalloc(new_cap * sizeof *new_table);
    if (!new_table)
        return -1;
    struct entry *old = table;
    size_t old_cap = cap;
    table = new_table;
    cap = new_cap;
    used = dead = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key != EMPTY && old[i].key != DEAD)
            put(old[i]);
    sysfree(old, old_cap * sizeof *old);
    return 0;
}

void *bigblock_alloc(size_t size, size_t align)
{
    size_t page = (size_t) sysconf(_SC_PAGESIZE);
    size_t slack = align > page ? align - page : 0;
    if (size < SM_ALIGN)
        size = SM_ALIGN; /* so that even a 0-byte block lies inside its mapping */
    if (make_room() != 0)
        return NULL;
    size_t len = sysalloc_rounded(size + slack);
    char *base = len ? sysalloc(len) : NULL;
    if (!base) {
        errno = ENOMEM;
        return NULL;
    }
    char *payload = (char *) (((uintptr_t) base + align - 1) & ~(uintptr_t) (align - 1));
    put((struct entry){.key = ~(uintptr_t) payload, .base = base, .len = len});
    allocations++;
    return payload;
}

int bigblock_owns(const void *p)
{
    return find(p) != NULL;
}

size_t bigblock_usable(const void *p)
{
    struct entry *e = find(p);
    return e ? (size_t) (e->base + e->len - (const char *) p) : 0;
}

size_t bigblock_free(void *p)
{
    struct entry *e = find(p);
    if (!e)
        return 0;
    size_t usable = (size_t) (e->base + e->len - (char *) p);
    sysfree(e->base, e->len);
    e->key = DEAD;
    used--;
    dead++;
    return usable;
}

uint64_t bigblock_allocations(void)
{
    return allocations;
}

int bigblock_check(void)
{
    size_t page = (size_t) sysconf(_SC_PAGESIZE), live = 0, tombs = 0;
    for (size_t i = 0; i < cap; i++) {
        struct entry *e = &table[i];
        if (e->key == EMPTY)
            continue;
        if (e->key == DEAD) {
            tombs++;
            continue;
        }
        char *payload = (char *) ~e->key;
        live++;
        if ((uintptr_t) e->base % page || e->len % page || e->len == 0)
            return check_failed("bigblock: mapping not whole pages");
        if (payload < e->base || payload >= e->base + e->len || (uintptr_t) payload & 15)
            return check_failed("bigblock: payload outside its mapping");
        if (find(payload) != e)
            return check_failed("bigblock: entry not reachable by its probe sequence");
    }
    if (live != used || tombs != dead)
        return check_failed("bigblock: live/dead counts disagree with the table");
    if (cap && (used + dead) * 4 >= cap * 3)
        return check_failed("bigblock: table over its load factor");
    return 0;
}

void bigblock_teardown(void)
{
    for (size_t i = 0; i < cap; i++)
        if (table[i].key != EMPTY && table[i].key != DEAD)
            sysfree(table[i].base, table[i].len);
    if (table)
        sysfree(table, cap * sizeof *table);
    table = NULL;
    cap = used = dead = 0;
    allocations = 0;
}
