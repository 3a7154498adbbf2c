/*
 * sm_valgrind.c - what memcheck was told about each live block, for common/sm_api.c.
 *
 * Used only under memcheck (sm_api.c asks sm_vg_running() first): a table from each live block
 * to the size memcheck registered for it, the size asked for, which the front needs again for
 * RESIZEINPLACE (memcheck ignores a resize whose old size is not the one it holds), for
 * realloc's copy (the bytes past it are NOACCESS) and for sm_teardown (which unregisters every
 * block still live).
 *
 * The table is an address table (common/addr_table.h): each live block, with (len) its size.
 * It is mapped with mmap directly, not sysalloc: it is the checker's bookkeeping, not the
 * allocator's, and must neither move the sysalloc counters nor fail when a test injects
 * sysalloc failures.  When it cannot grow, the block is registered with its usable size and
 * left out of the table, and a lookup that misses answers the usable size: memcheck stays
 * consistent and only that block loses its slack check.
 *
 * Invariants (under memcheck): the table's own; every live block memcheck knows of is
 * in the table with the size memcheck holds, or absent and registered with its usable size.
 */
#include "sm_valgrind.h"

#include "addr_table.h"

#include <stdint.h>
#include <sys/mman.h>

static void *map_pages(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void unmap_pages(void *p, size_t bytes)
{
    munmap(p, bytes);
}

int sm_vg_state;
static struct addr_table sizes = {.map = map_pages, .unmap = unmap_pages};

/* Memcheck answers a MAKE_MEM request with -1; natively, and under the other tools (callgrind,
 * helgrind), it is 0.  So callgrind's instruction counts see only the load and the branch, never
 * the requests or the table. */
int sm_vg_detect(void)
{
    sm_vg_state = (long) VALGRIND_MAKE_MEM_DEFINED(&sm_vg_state, sizeof sm_vg_state) == -1 ? 2 : 1;
    return sm_vg_state == 2;
}

size_t sm_vg_remember(const void *p, size_t asked, size_t usable)
{
    struct addr_entry *e = addr_table_find(&sizes, p);
    if (e)
        e->len = asked;
    else if (addr_table_insert(&sizes, p, 0, asked) != 0)
        return usable;
    return asked;
}

void sm_vg_forget(const void *p)
{
    struct addr_entry *e = addr_table_find(&sizes, p);
    if (e) addr_table_remove(&sizes, e);
}

size_t sm_vg_known_size(const void *p, size_t usable)
{
    struct addr_entry *e = addr_table_find(&sizes, p);
    return e ? e->len : usable;
}

void sm_vg_forget_all(void)
{
    struct addr_entry *e;
    for (size_t i = 0; (e = addr_table_next(&sizes, &i));)
        VALGRIND_FREELIKE_BLOCK(addr_entry_ptr(e), 0);
    addr_table_release(&sizes);
}
