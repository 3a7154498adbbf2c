/*
 * aligned_entries.h - posix_memalign, aligned_alloc, valloc and pvalloc, for a library that
 * replaces the C library's malloc (the shim, common/preload/shim.c, and the recorder,
 * common/record/recorder.c).
 *
 * Include it once, after defining
 *     static void *aligned(size_t align, size_t size);
 * which returns a block aligned to align (a power of two) or NULL with errno set (EINVAL for an
 * alignment it refuses, ENOMEM otherwise).  memalign stays with the includer: the shim rounds
 * the alignment up as glibc does, the recorder leaves that to glibc.
 */
#ifndef ALIGNED_ENTRIES_H
#define ALIGNED_ENTRIES_H

#include "../align.h" /* relative: the recorder builds without -Icommon */

#include <errno.h>
#include <stddef.h>
#include <unistd.h>

/* The alignment is a power-of-two multiple of sizeof(void *): 0 and *memptr set, or an error
 * number returned and errno left as it was. */
EXPORT int posix_memalign(void **memptr, size_t align, size_t size)
{
    if (align < sizeof(void *) || (align & (align - 1)) != 0) return EINVAL;
    int saved = errno;
    void *p = aligned(align, size);
    int err = p ? 0 : errno;
    errno = saved;
    if (p) *memptr = p;
    return err;
}

EXPORT void *aligned_alloc(size_t align, size_t size)
{
    return aligned(align, size);
}

EXPORT void *valloc(size_t size)
{
    return aligned((size_t) sysconf(_SC_PAGESIZE), size);
}

/* valloc with the size rounded up to whole pages (one page for 0). */
EXPORT void *pvalloc(size_t size)
{
    size_t page = (size_t) sysconf(_SC_PAGESIZE);
    size_t rounded = align_up(size, page); /* wraps to below size when too large */
    if (rounded < size) {
        errno = ENOMEM;
        return NULL;
    }
    return aligned(page, rounded ? rounded : page);
}

#endif
