/*
 * size_class.h - the 11 slab size classes, and which one serves a request.
 *
 * The classes (bytes): 16 32 64 96 128 192 256 384 512 768 1024.
 *   - Eleven, like the seed's Phase 2.
 *   - Every class is a multiple of 16, so every object in a page-aligned slab is SM_ALIGN
 *     aligned without padding.
 *   - Above 64 they grow by x1.5 then x1.33 alternately, so a request wastes at most a third of
 *     its object (at most half below 64), about a sixth on average.
 *   - They stop at 1 KiB: a 64 KiB slab still holds 64 objects of the largest class, and above
 *     that phase1's bitmap pool serves any size in whole 16-byte granules, with less waste than
 *     coarser classes would have.
 */
#ifndef PHASE2_SIZE_CLASS_H
#define PHASE2_SIZE_CLASS_H

#include <stddef.h>
#include <stdint.h>

#define SIZE_CLASSES   11
#define LARGEST_CLASS  1024 /* bytes: larger requests go to the bitmap pool */
#define NOT_SLAB_SIZED (-1) /* what size_class_for returns above LARGEST_CLASS */

extern const uint16_t size_class_bytes[SIZE_CLASSES];

/* The smallest class holding size bytes, or NOT_SLAB_SIZED.  Cost: up to 11 compares. */
int size_class_for(size_t size);

#endif
