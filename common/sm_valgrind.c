/*
 * sm_valgrind.c - what memcheck was told about each live block, for common/sm_api.c.
 *
 * Used only under memcheck (sm_api.c asks sm_vg_running() first): a table from each live block
 * to the size memcheck registered for it, the size asked for, which the front needs again for
 * RESIZEINPLACE (memcheck ignores a resize whose old size is not the one it holds), for
 * realloc's copy (the bytes past it are NOACCESS) and for sm_teardown (which unregisters every
 * block still live).
 *
 * The table: open addressing, linear probing, tombstones, rebuilt at 3/4 full.  A key is ~p,
 * never p, so that the leak checker does not count the table as a reference to the block.
 * It is mapped with mmap directly, not sysalloc: it is the checker's bookkeeping, not the
 * allocator's, and must neither move the sysalloc counters nor fail when a test injects
 * sysalloc failures.  When it cannot grow, the block is registered with its usable size and
 * left out of the table, and a lookup that misses answers the usable size: memcheck stays
 * consistent and only that block loses its slack check.
 *
 * Invariants (under memcheck): used + dead < cap * 3/4; every live block memcheck knows of is
 * in the table with the size memcheck holds, or absent and registered with its usable size.
 */
#include "sm_valgrind.h"

#include <stdint.h>
#include <sys/mman.h>

#define EMPTY ((uintptr_t) 0)
#define DEAD  ((uintptr_t) 1)

struct vg_entry {
    uintptr_t key; /* ~p, EMPTY or DEAD */
    size_t size;   /* the size memcheck holds for p */
};

int sm_vg_state;
static struct vg_entry *table;
static size_t cap, used, dead;

/* Memcheck answers a MAKE_MEM request with -1; natively, and under the other tools (callgrind,
 * helgrind), it is 0.  So callgrind's instruction counts see only the load and the branch, never
 * the requests or the table. */
int sm_vg_detect(void)
{
    sm_vg_state = (long) VALGRIND_MAKE_MEM_DEFINED(&sm_vg_state, sizeof sm_vg_state) == -1 ? 2 : 1;
    return sm_vg_state == 2;
}

static size_t slot_of(uintptr_t key)
{
    return (size_t) ((key >> 4) * 0x9E3779B97F4A7C15u) & (cap - 1);
}

static struct vg_entry *find(const void *p)
{
    uintptr_t key = ~(uintptr_t) p;
    if (!table) return NULL;
    for (size_t i = slot_of(key);; i = (i + 1) & (cap - 1)) {
        if (table[i].key == key) return &table[i];
        if (table[i].key == EMPTY) return NULL;
    }
}

static void insert(uintptr_t key, size_t size)
{
    size_t i = slot_of(key);
    while (table[i].key != EMPTY && table[i].key != DEAD)
        i = (i + 1) & (cap - 1);
    if (table[i].key == DEAD) dead--;
    table[i] = (struct vg_entry){key, size};
    used++;
}

/* Room for one more entry; -1 when the kernel refuses a bigger table. */
static int make_room(void)
{
    if ((used + dead + 1) * 4 < cap * 3) return 0;
    size_t new_cap = cap ? (used + 1) * 4 >= cap * 2 ? cap * 2 : cap : 4096;
    struct vg_entry *new_table = mmap(NULL, new_cap * sizeof *table, PROT_READ | PROT_WRITE,
                                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (new_table == MAP_FAILED) return -1;
    struct vg_entry *old = table;
    size_t old_cap = cap;
    table = new_table;
    cap = new_cap;
    used = dead = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key != EMPTY && old[i].key != DEAD) insert(old[i].key, old[i].size);
    if (old) munmap(old, old_cap * sizeof *old);
    return 0;
}

size_t sm_vg_remember(const void *p, size_t asked, size_t usable)
{
    struct vg_entry *e = find(p);
    if (e) {
        e->size = asked;
        return asked;
    }
    if (make_room() != 0) return usable;
    insert(~(uintptr_t) p, asked);
    return asked;
}

void sm_vg_forget(const void *p)
{
    struct vg_entry *e = find(p);
    if (e) {
        e->key = DEAD;
        used--;
        dead++;
    }
}

size_t sm_vg_known_size(const void *p, size_t usable)
{
    struct vg_entry *e = find(p);
    return e ? e->size : usable;
}

void sm_vg_forget_all(void)
{
    for (size_t i = 0; i < cap; i++)
        if (table[i].key != EMPTY && table[i].key != DEAD)
            VALGRIND_FREELIKE_BLOCK((void *) ~table[i].key, 0);
    if (table) munmap(table, cap * sizeof *table);
    table = NULL;
    cap = used = dead = 0;
}
