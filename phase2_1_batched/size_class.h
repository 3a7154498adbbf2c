/*
 * size_class.h - the 28 slab size classes, and which one serves a request.
 *
 * The classes (bytes): 16 apart up to 128, then four per doubling (160, 192, 224, 256, 320, ...)
 * up to LARGEST_CLASS.
 *   - A block wastes at most 25% of itself to rounding (16% on average for random sizes).
 *   - Every power of two up to LARGEST_CLASS is a class, which is what memalign relies on.
 *   - They go up to a page (4 KiB, four blocks a slab): most requests of real programs and of
 *     the standard traces are below that, and a pop from a slab is cheaper than a bitmap search.
 *
 * With FAST_PATH the class of a size is one load from class_of_granule, indexed by the size in
 * 16-byte granules; without it (phase2's way) the class is found by walking size_class_bytes.
 */
#ifndef PHASE2_1_SIZE_CLASS_H
#define PHASE2_1_SIZE_CLASS_H

#include "sm_assert.h"
#include "switches.h"

#include <stddef.h>
#include <stdint.h>

#define SIZE_CLASSES  28
#define LARGEST_CLASS ((size_t) 4096) /* bytes: larger requests go to the pool (HYBRID) */

extern const uint16_t size_class_bytes[SIZE_CLASSES];

/* (size + 15) / 16 -> the class of size.  All 0 until size_classes_init fills it, which is
 * harmless: class 0's current slab is then the empty placeholder, so the fast path falls to the
 * slow path, which calls size_classes_init. */
extern uint8_t class_of_granule[LARGEST_CLASS / 16 + 1];
void size_classes_init(void);

/* The smallest class, searched for from class 0 (phase2's way). */
int size_class_search(size_t size);

/* The smallest class holding size bytes (size <= LARGEST_CLASS).  Cost: with FAST_PATH an add,
 * a shift and a load; without, up to 28 compares. */
static inline int size_class_for(size_t size)
{
    SM_ASSERT(size <= LARGEST_CLASS);
    if (FAST_PATH) return class_of_granule[(size + 15) >> 4];
    return size_class_search(size);
}

/* A class whose blocks are align-aligned and hold size bytes, or -1 when none does. */
int size_class_for_align(size_t size, size_t align);

#endif
