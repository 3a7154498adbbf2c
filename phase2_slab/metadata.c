/*
 * metadata.c - the SM_AllocationEnhanced records, each in a mapping of its own, as Randy's
 * Phase 2 had them (contract and invariants in metadata.h).
 */
#include "metadata.h"
#include "diag.h"
#include "not_written.h"
#include "sysalloc.h"
#include "walk.h"

static SM_AllocationEnhanced *live; /* newest first */
static uint64_t live_count;

SM_AllocationEnhanced *meta_new(void)
{
    /* BUILD-IT begin lab 2 */
    /* The record is 56 bytes; sysalloc rounds it up to a 4096-byte page, and the kernel spends
     * a system call, a virtual memory area and (at first touch) a page fault on it. */
    SM_AllocationEnhanced *m = sysalloc(sizeof *m);
    if (!m) return NULL; /* errno = ENOMEM, from sysalloc */
    m->prev = NULL;
    m->next = live;
    if (live) live->prev = m;
    live = m;
    live_count++;
    return m;
    /* BUILD-IT stub: SM_NOT_WRITTEN(2); */
    /* BUILD-IT end */
}

void meta_release(SM_AllocationEnhanced *m)
{
    /* BUILD-IT begin lab 2 */
    if (m->prev)
        m->prev->next = m->next;
    else
        live = m->next;
    if (m->next) m->next->prev = m->prev;
    live_count--;
    sysfree(m, sizeof *m); /* a system call again, and the area split or removed */
    /* BUILD-IT stub: SM_NOT_WRITTEN(2, m); */
    /* BUILD-IT end */
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
