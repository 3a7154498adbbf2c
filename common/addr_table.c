/*
 * addr_table.c - the address table (see addr_table.h).
 */
#include "addr_table.h"
#include "diag.h"
#include "sm_assert.h"

#define EMPTY     ((uintptr_t) 0) /* a slot never used (~p is never 0: p is never all ones) */
#define DEAD      ((uintptr_t) 1) /* a slot whose entry was removed (~p is never 1: p is aligned) */
#define FIRST_CAP 256

static int is_live(const struct addr_entry *e)
{
    return e->key != EMPTY && e->key != DEAD;
}

static size_t slot_of(const struct addr_table *t, uintptr_t key)
{
    uint64_t h = (uint64_t) key * 0x9E3779B97F4A7C15u;
    return (size_t) (h ^ (h >> 29)) & (t->cap - 1);
}

struct addr_entry *addr_table_find(const struct addr_table *t, const void *p)
{
    uintptr_t key = ~(uintptr_t) p;
    if (!t->slots || key == EMPTY || key == DEAD) return NULL;
    for (size_t i = slot_of(t, key);; i = (i + 1) & (t->cap - 1)) {
        if (t->slots[i].key == key) return &t->slots[i];
        if (t->slots[i].key == EMPTY) return NULL;
    }
}

static void put(struct addr_table *t, struct addr_entry e)
{
    size_t i = slot_of(t, e.key);
    while (is_live(&t->slots[i]))
        i = (i + 1) & (t->cap - 1);
    if (t->slots[i].key == DEAD) t->dead--;
    t->slots[i] = e;
    t->used++;
}

/* Makes room for one more entry: a rebuild at twice the size when live entries fill the table,
 * at the same size when tombstones do. */
int addr_table_reserve(struct addr_table *t)
{
    if ((t->used + t->dead + 1) * 4 < t->cap * 3) return 0;
    size_t first = t->first_cap ? t->first_cap : FIRST_CAP;
    size_t cap = !t->cap ? first : (t->used + 1) * 4 >= t->cap * 2 ? t->cap * 2 : t->cap;
    struct addr_entry *slots = t->map(cap * sizeof *slots);
    if (!slots) return -1;
    struct addr_table old = *t;
    t->slots = slots;
    t->cap = cap;
    t->used = t->dead = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (is_live(&old.slots[i])) put(t, old.slots[i]);
    if (old.slots) t->unmap(old.slots, old.cap * sizeof *old.slots);
    return 0;
}

int addr_table_insert(struct addr_table *t, const void *p, uintptr_t home, size_t len)
{
    SM_ASSERT(!addr_table_find(t, p));
    if (addr_table_reserve(t) != 0) return -1;
    put(t, (struct addr_entry){.key = ~(uintptr_t) p, .home = home, .len = len});
    return 0;
}

void addr_table_remove(struct addr_table *t, struct addr_entry *e)
{
    SM_ASSERT(is_live(e));
    e->key = DEAD;
    t->used--;
    t->dead++;
}

struct addr_entry *addr_table_next(const struct addr_table *t, size_t *i)
{
    for (; *i < t->cap; ++*i)
        if (is_live(&t->slots[*i])) return &t->slots[(*i)++];
    return NULL;
}

int addr_table_check(const struct addr_table *t)
{
    size_t live = 0, tombs = 0;
    for (size_t i = 0; i < t->cap; i++) {
        const struct addr_entry *e = &t->slots[i];
        if (e->key == DEAD) tombs++;
        if (!is_live(e)) continue;
        live++;
        if (addr_table_find(t, addr_entry_ptr(e)) != e)
            return check_failed("address table: an entry is not found by its own probe");
    }
    if (live != t->used || tombs != t->dead)
        return check_failed("address table: live/dead counts disagree with the slots");
    if (t->cap && (t->used + t->dead) * 4 >= t->cap * 3)
        return check_failed("address table: over its load factor");
    return 0;
}

void addr_table_release(struct addr_table *t)
{
    if (t->slots) t->unmap(t->slots, t->cap * sizeof *t->slots);
    t->slots = NULL;
    t->cap = t->used = t->dead = 0;
}
