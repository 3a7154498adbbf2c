/*
 * meta_index.c - the address -> record hash table (see meta_index.h).
 *
 * Keys are ~address, as in common/bigblock.c: the table then holds no plain pointer to a user
 * block, and memcheck's leak checker still reports leaked blocks as lost.
 */
#include "meta_index.h"
#include "diag.h"
#include "sysalloc.h"

#define EMPTY     0               /* a slot never used */
#define DEAD      ((uintptr_t) 1) /* a slot whose block was freed (a tombstone) */
#define FIRST_CAP 1024            /* slots in the first table: 16 KiB, four pages */

struct entry {
    uintptr_t key; /* ~block address, EMPTY or DEAD */
    SM_AllocationEnhanced *record;
};

static struct entry *table;
static size_t cap, used, dead;

static size_t slot_of(uintptr_t key)
{
    return (size_t) ((key >> 4) * 0x9E3779B97F4A7C15u) & (cap - 1);
}

static struct entry *find(const void *p)
{
    uintptr_t key = ~(uintptr_t) p;
    if (!table) return NULL;
    for (size_t i = slot_of(key);; i = (i + 1) & (cap - 1)) {
        if (table[i].key == key) return &table[i];
        if (table[i].key == EMPTY) return NULL;
    }
}

static void put(struct entry e)
{
    size_t i = slot_of(e.key);
    while (table[i].key != EMPTY && table[i].key != DEAD)
        i = (i + 1) & (cap - 1);
    if (table[i].key == DEAD) dead--;
    table[i] = e;
    used++;
}

int meta_index_reserve(void)
{
    if (table && (used + dead + 1) * 4 < cap * 3) return 0;
    /* Rebuild: twice as big when live entries fill it, the same size when tombstones do. */
    size_t new_cap = !table ? FIRST_CAP : (used + 1) * 4 >= cap * 2 ? cap * 2 : cap;
    struct entry *new_table = sysalloc(new_cap * sizeof *new_table);
    if (!new_table) return -1;
    struct entry *old = table;
    size_t old_cap = cap;
    table = new_table;
    cap = new_cap;
    used = dead = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key != EMPTY && old[i].key != DEAD) put(old[i]);
    if (old) sysfree(old, old_cap * sizeof *old);
    return 0;
}

void meta_index_put(SM_AllocationEnhanced *m)
{
    put((struct entry){.key = m->block_key, .record = m});
}

SM_AllocationEnhanced *meta_index_find(const void *p)
{
    struct entry *e = find(p);
    return e ? e->record : NULL;
}

void meta_index_remove(const void *p)
{
    struct entry *e = find(p);
    e->key = DEAD;
    e->record = NULL;
    used--;
    dead++;
}

const void *meta_index_table(size_t *bytes)
{
    *bytes = cap * sizeof *table;
    return table;
}

int meta_index_check(void)
{
    size_t live = 0, tombs = 0;
    for (size_t i = 0; i < cap; i++) {
        struct entry *e = &table[i];
        if (e->key == EMPTY) continue;
        if (e->key == DEAD) {
            tombs++;
            continue;
        }
        live++;
        if (!e->record || e->record->block_key != e->key)
            return check_failed("meta_index: entry's record describes another block");
        if (find((void *) ~e->key) != e)
            return check_failed("meta_index: entry not reachable by its probe sequence");
    }
    if (live != used || tombs != dead)
        return check_failed("meta_index: live/dead counts disagree with the table");
    if (cap && (used + dead) * 4 >= cap * 3)
        return check_failed("meta_index: table over its load factor");
    if (used != meta_live_count())
        return check_failed("meta_index: a live record is missing from the index");
    return 0;
}

void meta_index_teardown(void)
{
    if (table) sysfree(table, cap * sizeof *table);
    table = NULL;
    cap = used = dead = 0;
}
