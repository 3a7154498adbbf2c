/*
 * metadata.c - one mapping per SM_AllocationEnhanced record (see metadata.h).
 *
 * This file is the seed's Phase 2 flaw, kept small so it can be read in one go: the record is
 * 56 bytes, sysalloc rounds it up to a 4096-byte page, and the kernel spends a system call, a
 * virtual memory area and (at first touch) a page fault on it.  Every allocation pays that, and
 * every free pays the munmap.
 */
#include "metadata.h"
#include "diag.h"
#include "sysalloc.h"
#include "walk.h"

static SM_AllocationEnhanced *live; /* newest first */
static uint64_t live_count;

SM_AllocationEnhanced *meta_new(void)
{
    /* One mmap per allocation: see lab 2. */
    SM_AllocationEnhanced *m = sysalloc(sizeof *m);
    if (!m) return NULL; /* errno = ENOMEM, from sysalloc */
    m->prev = NULL;
    m->next = live;
    if (live) live->prev = m;
    live = m;
    live_count++;
    return m;
}

void meta_release(SM_AllocationEnhanced *m)
{
    if (m->prev)
        m->prev->next = m->next;
    else
        live = m->next;
    if (m->next) m->next->prev = m->prev;
    live_count--;
    /* One munmap per free: the other half of the flaw (lab 2). */
    sysfree(m, sizeof *m);
}

SM_AllocationEnhanced *meta_first(void)
{
    return live;
}

uint64_t meta_live_count(void)
{
    return live_count;
}

int meta_check(void)
{
    uint64_t n = 0;
    for (SM_AllocationEnhanced *m = live, *prev = NULL; m; prev = m, m = m->next) {
        if (m->prev != prev) return check_failed("metadata: live list prev link broken");
        if (++n > live_count)
            return check_failed("metadata: live list longer than the live count (a cycle?)");
    }
    if (n != live_count) return check_failed("metadata: live list shorter than the live count");
    return 0;
}

void meta_walk(struct walk_list *list)
{
    for (SM_AllocationEnhanced *m = live; m; m = m->next)
        walk_meta_region(list, m, sizeof *m, "SM_AllocationEnhanced");
}

void meta_teardown(void)
{
    while (live)
        meta_release(live);
}
