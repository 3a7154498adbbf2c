/*
 * size_class.c - the class table (the reasons for these sizes are in size_class.h).
 */
#include "size_class.h"

const uint16_t size_class_bytes[SIZE_CLASSES] = {
    16,  32,  48,  64,  80,  96,  112, 128, /* 16 apart */
    160, 192, 224, 256,                     /* four per doubling from here on */
    320, 384, 448, 512, 640, 768, 896, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096,
};

uint8_t class_of_granule[LARGEST_CLASS / 16 + 1];

void size_classes_init(void)
{
    int c = 0;
    for (size_t g = 0; g <= LARGEST_CLASS / 16; g++) {
        while (size_class_bytes[c] < g * 16)
            c++;
        class_of_granule[g] = (uint8_t) c;
    }
}

int size_class_search(size_t size)
{
    int c = 0;
    while (size_class_bytes[c] < size)
        c++;
    return c;
}

int size_class_for_align(size_t size, size_t align)
{
    size_t n = size > align ? size : align;
    if (n > LARGEST_CLASS) return -1; /* so is any alignment above the largest class */
    int c = 0;
    while (size_class_bytes[c] < n || size_class_bytes[c] % align != 0)
        c++; /* stops at the power of two at or above n, at the latest */
    return c;
}
