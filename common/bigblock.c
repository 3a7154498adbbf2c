/*
 * bigblock.c - large blocks, a mapping each (see bigblock.h).
 *
 * The blocks are kept in an address table (common/addr_table.h), outside the blocks: for each,
 * its mapping (home) and the mapping's length (len).
 *
 * Invariants, checked by bigblock_check(): the table's own; every entry's mapping is whole
 * pages; its payload is 16-byte aligned and lies inside the mapping.
 */
#include "bigblock.h"
#include "addr_table.h"
#include "align.h"
#include "diag.h"
#include "sm.h"
#include "sm_valgrind.h"
#include "sysalloc.h"

#include <errno.h>
#include <unistd.h>

static struct addr_table blocks = {.map = sysalloc, .unmap = sysfree};
static uint64_t allocations;

void *bigblock_alloc(size_t size, size_t align)
{
    size_t page = (size_t) sysconf(_SC_PAGESIZE);
    size_t slack = align > page ? align - page : 0;
    if (size < SM_ALIGN) size = SM_ALIGN; /* so that even a 0-byte block lies inside its mapping */
    size_t len = sysalloc_rounded(size + slack);
    char *base = len ? sysalloc(len) : NULL;
    if (!base) {
        errno = ENOMEM;
        return NULL;
    }
    char *payload = align_ptr_up(base, align);
    if (addr_table_insert(&blocks, payload, (uintptr_t) base, len) != 0) {
        sysfree(base, len);
        errno = ENOMEM;
        return NULL;
    }
    if (payload != base)
        SM_VG_CLOSE(base, (size_t) (payload - base)); /* the alignment gap is nobody's */
    allocations++;
    return payload;
}

/* The bytes from p to the end of its entry's mapping. */
static size_t usable_of(const struct addr_entry *e, const void *p)
{
    return (size_t) ((const char *) e->home + e->len - (const char *) p);
}

int bigblock_owns(const void *p)
{
    return addr_table_find(&blocks, p) != NULL;
}

size_t bigblock_usable(const void *p)
{
    struct addr_entry *e = addr_table_find(&blocks, p);
    return e ? usable_of(e, p) : 0;
}

size_t bigblock_free(void *p)
{
    struct addr_entry *e = addr_table_find(&blocks, p);
    if (!e) return 0;
    size_t usable = usable_of(e, p);
    sysfree((void *) e->home, e->len);
    addr_table_remove(&blocks, e);
    return usable;
}

uint64_t bigblock_allocations(void)
{
    return allocations;
}

int bigblock_check(void)
{
    size_t page = (size_t) sysconf(_SC_PAGESIZE);
    struct addr_entry *e;
    for (size_t i = 0; (e = addr_table_next(&blocks, &i));) {
        char *payload = addr_entry_ptr(e), *base = (char *) e->home;
        if (e->home % page || e->len % page || e->len == 0)
            return check_failed("bigblock: mapping not whole pages");
        if (payload < base || payload >= base + e->len || (uintptr_t) payload & 15)
            return check_failed("bigblock: payload outside its mapping");
    }
    return addr_table_check(&blocks);
}

void bigblock_teardown(void)
{
    struct addr_entry *e;
    for (size_t i = 0; (e = addr_table_next(&blocks, &i));)
        sysfree((void *) e->home, e->len);
    addr_table_release(&blocks);
    allocations = 0;
}
