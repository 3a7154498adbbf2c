/*
 * replay.h - the measured loop: a trace's operations on the sm_* API, and nothing else.
 *
 * No checks, no clock, no payload writes inside the loop: what is timed is the allocator.
 * The trace was validated when it was read (trace.h) and the allocator when it was verified
 * (verify.h), so the loop only has to notice an allocator running out of memory.
 */
#ifndef BENCH_REPLAY_H
#define BENCH_REPLAY_H

#include "trace.h"

#include <stddef.h>

/* Runs every operation of t, keeping block id's pointer in ptrs[id] (ptrs: t->num_ids
 * entries, all NULL).  Returns 0, or 1 + the index of the operation whose allocation returned
 * NULL.  Cost per operation: one load of the op, one predictable branch on its kind, the
 * allocator call, one store of the pointer. */
size_t replay_trace(const struct trace *t, void **ptrs);

/* Frees the blocks the trace left live (unmeasured) and clears ptrs. */
void replay_cleanup(const struct trace *t, void **ptrs);

#endif
