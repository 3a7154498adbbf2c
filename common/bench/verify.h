/*
 * verify.h - the unmeasured correctness pass that comes before any timing.
 *
 * As CS:APP's driver does, every allocator replays every trace once with its hands watched
 * before a single figure is taken:
 *   - every block is aligned to SM_ALIGN and its usable size is at least the size asked;
 *   - no two live blocks overlap (a balanced tree of live intervals, O(log n) a block);
 *   - every payload is filled with a pattern of its own, verified before free and realloc;
 *   - realloc keeps the old data, up to the smaller of the two sizes;
 *   - the allocator's own check (sm_check) holds at regular intervals and at the end.
 * An allocator that fails any of these gets no figures, only the message.
 *
 * The allocator is reached through a table of functions, so that the tests can hand in
 * deliberately broken ones; the driver hands in the sm_* functions.
 */
#ifndef BENCH_VERIFY_H
#define BENCH_VERIFY_H

#include "trace.h"

#include <stddef.h>

struct bench_allocator {
    const char *name;
    void *(*malloc)(size_t size);
    void (*free)(void *ptr);
    void *(*realloc)(void *ptr, size_t size);
    size_t (*usable_size)(void *ptr);
    int (*check)(void); /* 0 when the heap is consistent */
};

/* Replays t on a, checking everything above, and frees what the trace leaves live.  Returns 0,
 * or -1 with "operation N (a 3 100): what" in err. */
int verify_trace(const struct trace *t, const struct bench_allocator *a, char *err, size_t errlen);

#endif
