/*
 * size_class.c - the slab classes and the size -> class table.
 *
 * Classes are 16 bytes apart up to 128, then four per doubling (160, 192, 224, 256, 320, ...),
 * so a block wastes at most 25% of itself to rounding (16% on average for random sizes).
 * Every power of two up to SLAB_MAX is a class, which is what memalign relies on.  The classes
 * go up to a page (4 KiB, four blocks a slab): most requests of real programs and of the
 * standard traces are below that, and a pop from a slab is cheaper than a bitmap search.
 *
 * With FAST_PATH the class of a size is one load from class_of_granule, indexed by the size in
 * 16-byte granules; without it (phase2's way) the class is found by walking class_size.
 */
#include "slab.h"

const uint32_t class_size[NCLASSES] = {
    16,  32,  48,  64,  80,  96,  112, 128, /* 16 apart */
    160, 192, 224, 256,                     /* four per doubling from here on */
    320, 384, 448, 512, 640, 768, 896, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096,
};

uint8_t class_of_granule[SLAB_MAX / 16 + 1];

/* Fills class_of_granule.  Until it runs every entry is 0, which is harmless: class 0's current
 * slab is the empty placeholder, so the fast path falls to the slow path, which calls this. */
void size_classes_init(void)
{
    int c = 0;
    for (size_t g = 0; g <= SLAB_MAX / 16; g++) {
        while (class_size[c] < g * 16)
            c++;
        class_of_granule[g] = (uint8_t) c;
    }
}

int class_for(size_t size)
{
#if FAST_PATH
    return class_of_granule[(size + 15) >> 4];
#else
    int c = 0;
    while (class_size[c] < size)
        c++;
    return c;
#endif
}

int class_for_align(size_t size, size_t align)
{
    size_t n = size > align ? size : align;
    if (n > SLAB_MAX || align > PAGE) return -1;
    int c = 0;
    while (class_size[c] < n || class_size[c] % align != 0)
        c++; /* stops at the power of two at or above n, at the latest */
    return c;
}
