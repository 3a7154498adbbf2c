/*
 * align.h - rounding up to a multiple of a power of two, written once for the whole course.
 *
 * align_up(n, a) is the smallest multiple of a that is >= n: (n + a - 1) & ~(a - 1), which
 * works because a power of two minus one is a mask of the bits below it.  a must be a power of
 * two (checked in test builds), and n + a - 1 must not overflow: callers round sizes they have
 * already bounded.
 */
#ifndef ALIGN_H
#define ALIGN_H

#include "sm_assert.h"

#include <stddef.h>
#include <stdint.h>

static inline size_t align_up(size_t n, size_t a)
{
    SM_ASSERT(a != 0 && (a & (a - 1)) == 0);
    return (n + a - 1) & ~(a - 1);
}

/* The first address at or after p that is a multiple of a. */
static inline void *align_ptr_up(const void *p, size_t a)
{
    return (void *) align_up((uintptr_t) p, a);
}

#endif
