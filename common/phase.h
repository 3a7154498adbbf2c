/*
 * phase.h - what each phase provides, and what common/sm_api.c builds the sm_* API on.
 *
 * The parts of the contract in sm.h that are the same for every allocator live once, in
 * sm_api.c: size and overflow checks, calloc's zeroing, realloc's copy-and-free, memalign's
 * argument checks, and the counters every phase reports.  A phase implements only the
 * allocator itself, through the functions below.
 *
 * Sizes passed in are already checked: size <= SM_SIZE_MAX, so size + a few MiB cannot wrap.
 */
#ifndef PHASE_H
#define PHASE_H

#include "sm.h"

#include <stddef.h>

/* The phase's name as sm_name() reports it, e.g. "phase0_original". */
extern const char phase_name[];

/* Returns a SM_ALIGN-aligned block of at least size bytes and stores its usable size in
 * *usable; or NULL with errno = ENOMEM. */
void *phase_malloc(size_t size, size_t *usable);

/* The same with the block aligned to align, a power of two above SM_ALIGN (any: the phase
 * sends what its pools cannot align to bigblock_alloc). */
void *phase_memalign(size_t align, size_t size, size_t *usable);

/* Takes back a block and returns its usable size.  A pointer the phase did not hand out, or
 * one already freed, goes to sm_bad_pointer(func, ...) and never returns. */
size_t phase_free(void *ptr, const char *func);

/* The usable size of a live block; bad pointers abort as in phase_free. */
size_t phase_usable_size(const void *ptr, const char *func);

/* Tries to resize a live block in place to hold size bytes.  Returns the block's usable size
 * before the call, as phase_usable_size would (bad pointers abort the same way), and stores its
 * new usable size in *usable when it did, 0 when it could not (the block untouched).  One call,
 * so that sm_realloc looks the block up once. */
size_t phase_resize(void *ptr, size_t size, size_t *usable, const char *func);

/* Moves a live block to hold size bytes without copying it, where the phase can: a big block
 * (common/bigblock.h) grows by remapping its pages.  Returns the new address, with the new
 * usable size in *usable and ptr no longer valid; or NULL, with the block untouched, when the
 * phase cannot (sm_realloc then copies).  Called after phase_resize said no, and only for a
 * block of at least REMAP_MIN usable bytes: a mapping is whole pages, and no page is smaller. */
#define REMAP_MIN 4096
void *phase_remap(void *ptr, size_t size, size_t *usable);

/* A block that moves to grow (phase_remap, or sm_realloc's copy) gets at least 1/GROWTH_DIVISOR
 * more room than it had: growing one in small steps then costs a logarithmic number of moves. */
#define GROWTH_DIVISOR 4

/* Checks every invariant of the phase; 0 when they hold, check_failed(...) otherwise. */
int phase_check(void);

/* Fills the phase-specific counters of *out (the second group in struct sm_stats). */
void phase_stats(struct sm_stats *out);

/* Names every mapping the phase holds, big blocks aside (common/walk.c adds those), in any
 * order, each with the function that reports its blocks: walk_region(list, ...) of
 * common/walk.h.  Allocates nothing, changes nothing.  The phase's walk.c. */
struct walk_list;
void phase_walk(struct walk_list *list);

/* Returns every mapping of the phase with sysfree and forgets all its state. */
void phase_teardown(void);

#endif
